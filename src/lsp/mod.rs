//! `sflint lsp`: a language server on standard input and output, on rust-analyzer's `lsp-server`.
//!
//! It is synchronous, as ruff's is: one loop takes the client's messages in order. Documents the
//! editor opens are held as a [`Memory`] file set laid over the disk, and findings are the
//! pipeline's over that [`Overlay`] ([`folder`]). A change is linted once the editor has been
//! quiet for [`DEBOUNCE`]; messages already waiting are read first, so a burst of keystrokes is one
//! lint and a cancelled request is answered as cancelled without being run. Every handler runs
//! under `catch_unwind`: a panic answers the request with an error and the server goes on.

mod actions;
mod convert;
mod folder;
mod hover;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notifications, Notification as _};
use lsp_types::request::{self as requests, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidChangeWorkspaceFoldersParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    FileSystemWatcher, GlobPattern, HoverProviderCapability, InitializeParams, InitializeResult,
    LogMessageParams, MessageType, OneOf, PositionEncodingKind, PublishDiagnosticsParams,
    Registration, RegistrationParams, SaveOptions, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri, WorkDoneProgressOptions, WorkspaceFoldersServerCapabilities,
    WorkspaceServerCapabilities,
};

use crate::catalog::Catalog;
use crate::fileset::{Disk, FileSet, Memory, Overlay};
use convert::LineIndex;
use folder::{Folder, Touched};

/// How long the editor must be quiet after a change before it is linted: long enough to take a
/// burst of keystrokes as one change, short enough to feel immediate.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// Serves one client on standard input and output until it says `exit`. `Ok(true)` when it asked
/// for `shutdown` first, as the protocol wants; `Ok(false)` when it exited or left without.
pub fn run() -> Result<bool, String> {
    let (connection, io_threads) = Connection::stdio();
    let (id, params) = connection
        .initialize_start()
        .map_err(|error| error.to_string())?;
    let params: InitializeParams = serde_json::from_value(params)
        .map_err(|error| format!("the initialize request is not valid: {error}"))?;
    let result = InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "sflint".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|error| error.to_string())?;
    connection
        .initialize_finish(id, result)
        .map_err(|error| error.to_string())?;

    // The stdio reader hands messages over one at a time; an unbounded queue in between lets the
    // loop see everything the client has sent so far (a cancellation, the next keystroke).
    let (queue, inbox) = crossbeam_channel::unbounded();
    let receiver = connection.receiver.clone();
    let forwarder = std::thread::spawn(move || {
        for message in receiver {
            if queue.send(message).is_err() {
                break;
            }
        }
    });
    let mut server = Server::new(connection.sender.clone(), &params);
    server.start();
    let clean = server.serve(&inbox);
    drop(server);
    drop(connection);
    drop(inbox);
    let _ = forwarder.join();
    io_threads.join().map_err(|error| error.to_string())?;
    Ok(clean)
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, actions::fix_all_kind()]),
            work_done_progress_options: WorkDoneProgressOptions::default(),
            resolve_provider: Some(true),
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![">".to_string()]),
            ..CompletionOptions::default()
        }),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}

/// A file the editor holds.
struct Document {
    /// As the client names it: diagnostics go back under the same URI.
    uri: Uri,
    version: i32,
    text: String,
}

struct Server {
    sender: Sender<Message>,
    folders: Vec<Folder>,
    /// Folders named by the client, not yet read.
    folder_roots: Vec<PathBuf>,
    documents: BTreeMap<PathBuf, Document>,
    /// Files changed and when to lint them.
    due: BTreeMap<PathBuf, Instant>,
    /// What the client shows, by file: sent again only when it changes.
    published: HashMap<PathBuf, Vec<lsp_types::Diagnostic>>,
    /// Problems already written to the log.
    logged: HashSet<String>,
    watch_files: bool,
    /// The client asks for a code action's edit when one is chosen: the edits of fixes in a large
    /// file are made then, not for every light bulb.
    resolve_edits: bool,
    shutdown: bool,
    next_id: i32,
}

impl Server {
    fn new(sender: Sender<Message>, params: &InitializeParams) -> Server {
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|folder| convert::path_from_uri(&folder.uri))
            .collect();
        #[allow(deprecated)]
        if roots.is_empty()
            && let Some(root) = params.root_uri.as_ref().and_then(convert::path_from_uri)
        {
            roots.push(root);
        }
        let watch_files = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|workspace| workspace.did_change_watched_files.as_ref())
            .and_then(|watched| watched.dynamic_registration)
            .unwrap_or(false);
        let resolve_edits = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|document| document.code_action.as_ref())
            .and_then(|actions| actions.resolve_support.as_ref())
            .is_some_and(|support| support.properties.iter().any(|name| name == "edit"));
        Server {
            sender,
            resolve_edits,
            folders: Vec::new(),
            folder_roots: roots,
            documents: BTreeMap::new(),
            due: BTreeMap::new(),
            published: HashMap::new(),
            logged: HashSet::new(),
            watch_files,
            shutdown: false,
            next_id: 0,
        }
    }

    /// Reads and lints the client's folders, and asks to be told of the files that change how a
    /// project is read.
    fn start(&mut self) {
        if self.watch_files {
            let watchers = [
                "**/sflint.toml",
                "**/sfdx-project.json",
                "**/.forceignore",
                "**/.sflint/org-shape/*.json",
                "**/*.{profile,permissionset,permissionsetgroup,mutingpermissionset,profileSessionSetting}-meta.xml",
                "**/*.{profile,permissionset,permissionsetgroup,mutingpermissionset,profileSessionSetting}",
                "**/permissionsets/*/**/*-meta.xml",
            ]
            .into_iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .collect();
            let options = DidChangeWatchedFilesRegistrationOptions { watchers };
            let params = RegistrationParams {
                registrations: vec![Registration {
                    id: "sflint-watched-files".to_string(),
                    method: notifications::DidChangeWatchedFiles::METHOD.to_string(),
                    register_options: serde_json::to_value(options).ok(),
                }],
            };
            self.request(requests::RegisterCapability::METHOD, params);
        }
        for root in std::mem::take(&mut self.folder_roots) {
            self.add_folder(root);
        }
    }

    /// Answers messages until `exit`; whether `shutdown` came first.
    fn serve(&mut self, inbox: &Receiver<Message>) -> bool {
        // Messages read ahead of their turn, to see whether a request was cancelled meanwhile.
        let mut backlog: VecDeque<Message> = VecDeque::new();
        loop {
            // One message at a time, then what is due: a client that never pauses still gets its
            // findings, and a burst of changes read in between is linted once.
            if backlog.is_empty() && self.due.values().any(|due| *due <= Instant::now()) {
                self.lint_due(false);
                continue;
            }
            let message = match backlog.pop_front() {
                Some(message) => message,
                None => match self.due.values().min() {
                    Some(&due) => match inbox.recv_deadline(due) {
                        Ok(message) => message,
                        Err(RecvTimeoutError::Timeout) => continue,
                        Err(RecvTimeoutError::Disconnected) => return false,
                    },
                    None => match inbox.recv() {
                        Ok(message) => message,
                        Err(_) => return false,
                    },
                },
            };
            match message {
                Message::Request(request) => {
                    backlog.extend(inbox.try_iter());
                    let cancel = backlog
                        .iter()
                        .position(|message| cancels(message, &request.id));
                    match cancel {
                        Some(at) => {
                            backlog.remove(at);
                            self.respond(Response::new_err(
                                request.id,
                                ErrorCode::RequestCanceled as i32,
                                "cancelled".to_string(),
                            ));
                        }
                        None => self.handle_request(request),
                    }
                }
                Message::Notification(note) if note.method == notifications::Exit::METHOD => {
                    return self.shutdown;
                }
                Message::Notification(note) => self.handle_notification(note),
                // Answers to our own requests (registering file watchers) need nothing.
                Message::Response(_) => {}
            }
        }
    }

    fn handle_request(&mut self, request: Request) {
        let id = request.id.clone();
        if self.shutdown {
            self.respond(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".to_string(),
            ));
            return;
        }
        let response =
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.answer(request))) {
                Ok(Ok(result)) => Response::new_ok(id, result),
                Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
                Err(panic) => Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    format!("sflint: internal error: {}", panic_message(&*panic)),
                ),
            };
        self.respond(response);
    }

    fn answer(&mut self, request: Request) -> Result<serde_json::Value, (ErrorCode, String)> {
        fn params<P: serde::de::DeserializeOwned>(
            request: Request,
        ) -> Result<P, (ErrorCode, String)> {
            serde_json::from_value(request.params)
                .map_err(|error| (ErrorCode::InvalidParams, error.to_string()))
        }
        let value = match request.method.as_str() {
            requests::Shutdown::METHOD => {
                self.shutdown = true;
                serde_json::Value::Null
            }
            requests::CodeActionRequest::METHOD => {
                let params: lsp_types::CodeActionParams = params(request)?;
                let Some(path) = convert::path_from_uri(&params.text_document.uri) else {
                    return Ok(serde_json::Value::Null);
                };
                // The actions are the fixes of the findings of the text as it is now.
                self.lint_path_now(&path);
                let files = self.files();
                let overlay = Overlay {
                    top: &files,
                    base: &Disk,
                };
                let actions = match self.folder_of(&path) {
                    Some(index) => actions::code_actions(
                        &self.folders[index],
                        &path,
                        &params,
                        &overlay,
                        &|path| self.uri_of(path),
                        self.resolve_edits,
                    ),
                    None => Vec::new(),
                };
                to_value(actions)?
            }
            requests::CodeActionResolveRequest::METHOD => {
                let action: lsp_types::CodeAction = params(request)?;
                let Some(path) = actions::resolve_path(&action) else {
                    return to_value(action);
                };
                self.lint_path_now(&path);
                let files = self.files();
                let overlay = Overlay {
                    top: &files,
                    base: &Disk,
                };
                let resolved = match self.folder_of(&path) {
                    Some(index) => {
                        actions::resolve(&self.folders[index], &path, action, &overlay, &|path| {
                            self.uri_of(path)
                        })
                    }
                    None => action,
                };
                to_value(resolved)?
            }
            requests::HoverRequest::METHOD => {
                let params: lsp_types::HoverParams = params(request)?;
                let position = params.text_document_position_params;
                let hover = convert::path_from_uri(&position.text_document.uri).and_then(|path| {
                    let document = self.documents.get(&path)?;
                    hover::hover(&document.text, position.position, self.catalog_of(&path))
                });
                to_value(hover)?
            }
            requests::Completion::METHOD => {
                let params: lsp_types::CompletionParams = params(request)?;
                let position = params.text_document_position;
                let items = convert::path_from_uri(&position.text_document.uri).and_then(|path| {
                    let document = self.documents.get(&path)?;
                    hover::completion(&document.text, position.position, self.catalog_of(&path))
                });
                to_value(items)?
            }
            // A handler that fails, for the test that the server outlives it.
            #[cfg(test)]
            "sflint/panic" => panic!("a handler that fails"),
            method => {
                return Err((
                    ErrorCode::MethodNotFound,
                    format!("sflint does not answer {method}"),
                ));
            }
        };
        Ok(value)
    }

    fn handle_notification(&mut self, note: Notification) {
        let method = note.method.clone();
        if let Err(panic) =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.notified(note)))
        {
            self.log(
                MessageType::ERROR,
                format!(
                    "sflint: internal error handling {method}: {}",
                    panic_message(&*panic)
                ),
            );
        }
    }

    fn notified(&mut self, note: Notification) {
        fn params<P: serde::de::DeserializeOwned>(note: Notification) -> Option<P> {
            serde_json::from_value(note.params).ok()
        }
        match note.method.as_str() {
            notifications::DidOpenTextDocument::METHOD => {
                let Some(params) = params::<DidOpenTextDocumentParams>(note) else {
                    return;
                };
                let document = params.text_document;
                let Some(path) = convert::path_from_uri(&document.uri) else {
                    return;
                };
                self.documents.insert(
                    path.clone(),
                    Document {
                        uri: document.uri,
                        version: document.version,
                        text: document.text,
                    },
                );
                self.ensure_folder(&path);
                self.due.insert(path, Instant::now());
            }
            notifications::DidChangeTextDocument::METHOD => {
                let Some(params) = params::<DidChangeTextDocumentParams>(note) else {
                    return;
                };
                let Some(path) = convert::path_from_uri(&params.text_document.uri) else {
                    return;
                };
                let Some(document) = self.documents.get_mut(&path) else {
                    return;
                };
                for change in params.content_changes {
                    match change.range {
                        Some(range) => {
                            let index = LineIndex::new(&document.text);
                            let start = index.offset(range.start);
                            let end = index.offset(range.end).max(start);
                            document.text.replace_range(start..end, &change.text);
                        }
                        None => document.text = change.text,
                    }
                }
                document.version = params.text_document.version;
                self.due.insert(path, Instant::now() + DEBOUNCE);
            }
            notifications::DidSaveTextDocument::METHOD => {
                let Some(params) = params::<DidSaveTextDocumentParams>(note) else {
                    return;
                };
                if let Some(path) = convert::path_from_uri(&params.text_document.uri) {
                    self.ensure_folder(&path);
                    self.due.insert(path, Instant::now());
                }
            }
            notifications::DidCloseTextDocument::METHOD => {
                let Some(params) = params::<DidCloseTextDocumentParams>(note) else {
                    return;
                };
                if let Some(path) = convert::path_from_uri(&params.text_document.uri) {
                    // The file is what the disk holds again.
                    self.documents.remove(&path);
                    self.due.insert(path, Instant::now());
                }
            }
            notifications::DidChangeWatchedFiles::METHOD => {
                let Some(params) = params::<DidChangeWatchedFilesParams>(note) else {
                    return;
                };
                let now = Instant::now();
                for change in params.changes {
                    let Some(path) = convert::path_from_uri(&change.uri) else {
                        continue;
                    };
                    // An open document is the editor's text, whatever the disk says.
                    if !self.documents.contains_key(&path)
                        || change.typ != lsp_types::FileChangeType::CHANGED
                    {
                        self.due.insert(path, now);
                    }
                }
            }
            notifications::DidChangeWorkspaceFolders::METHOD => {
                let Some(params) = params::<DidChangeWorkspaceFoldersParams>(note) else {
                    return;
                };
                for removed in &params.event.removed {
                    if let Some(root) = convert::path_from_uri(&removed.uri) {
                        self.remove_folder(&root);
                    }
                }
                for added in &params.event.added {
                    if let Some(root) = convert::path_from_uri(&added.uri) {
                        self.add_folder(root);
                    }
                }
            }
            _ => {}
        }
    }

    /// The editor's buffers, as a file set.
    fn files(&self) -> Memory {
        let mut files = Memory::new();
        for (path, document) in &self.documents {
            files.insert(path.clone(), document.text.as_bytes());
        }
        files
    }

    /// The catalog of the folder holding `path`: its org shape's names and dependencies.
    fn catalog_of(&self, path: &Path) -> &Catalog {
        match self.folder_of(path) {
            Some(index) => self.folders[index].catalog(),
            None => Catalog::get(),
        }
    }

    fn folder_of(&self, path: &Path) -> Option<usize> {
        self.folders
            .iter()
            .enumerate()
            .filter(|(_, folder)| folder.contains(path))
            .max_by_key(|(_, folder)| folder.root.components().count())
            .map(|(index, _)| index)
    }

    /// A file outside every folder (opened on its own) gets a folder of its project, or of its
    /// directory.
    fn ensure_folder(&mut self, path: &Path) {
        if self.folder_of(path).is_some() {
            return;
        }
        let Some(dir) = path.parent() else { return };
        let root = crate::project::find_root(dir).unwrap_or_else(|| dir.to_path_buf());
        self.add_folder(root);
    }

    fn add_folder(&mut self, root: PathBuf) {
        if self.folders.iter().any(|folder| folder.root == root) {
            return;
        }
        let files = self.files();
        let overlay = Overlay {
            top: &files,
            base: &Disk,
        };
        let buffer = |path: &Path| {
            self.documents
                .get(path)
                .map(|document| document.text.clone())
        };
        let (folder, touched) = Folder::load(root, &overlay, &buffer);
        self.folders.push(folder);
        let index = self.folders.len() - 1;
        self.after_lint(index, touched);
    }

    fn remove_folder(&mut self, root: &Path) {
        let Some(index) = self.folders.iter().position(|folder| folder.root == root) else {
            return;
        };
        self.folders.remove(index);
        let gone: Vec<PathBuf> = self
            .published
            .keys()
            .filter(|path| path.starts_with(root) && self.folder_of(path).is_none())
            .cloned()
            .collect();
        for path in gone {
            self.published.remove(&path);
            self.send_diagnostics(&path, Vec::new());
        }
    }

    /// Lints what is due (everything with `all`).
    fn lint_due(&mut self, all: bool) {
        let now = Instant::now();
        let ready: Vec<PathBuf> = self
            .due
            .iter()
            .filter(|(_, due)| all || **due <= now)
            .map(|(path, _)| path.clone())
            .collect();
        for path in &ready {
            self.due.remove(path);
        }
        self.lint_paths(ready);
    }

    /// Lints `path` now if a change to it is waiting.
    fn lint_path_now(&mut self, path: &Path) {
        if self.due.remove(path).is_some() {
            self.lint_paths(vec![path.to_path_buf()]);
        }
    }

    fn lint_paths(&mut self, paths: Vec<PathBuf>) {
        if paths.is_empty() {
            return;
        }
        let mut by_folder: BTreeMap<usize, Vec<PathBuf>> = BTreeMap::new();
        for path in paths {
            if let Some(index) = self.folder_of(&path) {
                by_folder.entry(index).or_default().push(path);
            }
        }
        let files = self.files();
        let overlay = Overlay {
            top: &files,
            base: &Disk,
        };
        for (index, paths) in by_folder {
            let folder = &self.folders[index];
            // A setting, or a metadata file the folder does not know yet (a new file, one that
            // was deleted): the project is read again.
            let reread = paths.iter().any(|path| {
                folder.is_setting(path)
                    || (folder.may_lint(path) && is_metadata(path))
                    || (folder.lints(path) && !path.exists() && !self.documents.contains_key(path))
            });
            let buffer = |path: &Path| {
                self.documents
                    .get(path)
                    .map(|document| document.text.clone())
            };
            let result = if reread {
                let result = self.folders[index].reload(&overlay, &buffer);
                for path in paths.iter().filter(|path| is_metadata(path)) {
                    self.folders[index].pass_over(path);
                }
                result
            } else {
                self.folders[index].lint_files(&paths, &overlay)
            };
            self.after_lint(index, result);
        }
    }

    fn after_lint(&mut self, index: usize, result: Result<Touched, folder::Failed>) {
        match result {
            Ok(touched) => self.publish(index, touched),
            Err(panic) => self.log(
                MessageType::ERROR,
                format!("sflint: internal error while linting: {panic}"),
            ),
        }
    }

    /// Sends the diagnostics of the files in `touched` that differ from what the client shows.
    fn publish(&mut self, index: usize, touched: Touched) {
        let files = self.files();
        let overlay = Overlay {
            top: &files,
            base: &Disk,
        };
        let mut outgoing: Vec<(PathBuf, Vec<lsp_types::Diagnostic>)> = Vec::new();
        let folder = &self.folders[index];
        for path in touched {
            // A file of a nested folder is that folder's to show.
            if self.folder_of(&path) != Some(index) {
                continue;
            }
            let findings = folder.findings(&path);
            let problems = folder.problems(&path);
            let diagnostics = if findings.is_empty() && problems.is_empty() {
                Vec::new()
            } else {
                let text = match overlay.read(&path) {
                    Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                    Err(_) => String::new(),
                };
                let bom = usize::from(text.starts_with('\u{feff}')) * 3;
                let line_index = LineIndex::new(&text);
                let mut related = |other: &Path, start: usize, end: usize| {
                    let uri = self.uri_of(other)?;
                    if other == path {
                        return Some(lsp_types::Location::new(
                            uri,
                            line_index.range(bom + start, bom + end),
                        ));
                    }
                    let bytes = overlay.read(other).ok()?;
                    let text = String::from_utf8_lossy(&bytes);
                    let bom = usize::from(text.starts_with('\u{feff}')) * 3;
                    let other_index = LineIndex::new(&text);
                    Some(lsp_types::Location::new(
                        uri,
                        other_index.range(bom + start, bom + end),
                    ))
                };
                findings
                    .iter()
                    .map(|finding| convert::diagnostic(finding, &line_index, bom, &mut related))
                    .chain(
                        problems
                            .iter()
                            .map(|problem| convert::problem(problem, &line_index)),
                    )
                    .collect()
            };
            let shown = self.published.get(&path);
            if shown.map_or(diagnostics.is_empty(), |shown| *shown == diagnostics) {
                continue;
            }
            outgoing.push((path, diagnostics));
        }
        let unplaced: Vec<(MessageType, String)> = folder
            .unplaced_problems()
            .map(|problem| {
                let level = match problem.level {
                    crate::problem::ProblemLevel::Error => MessageType::ERROR,
                    crate::problem::ProblemLevel::Warning => MessageType::WARNING,
                };
                (level, problem.to_string())
            })
            .collect();
        for (path, diagnostics) in outgoing {
            if diagnostics.is_empty() {
                self.published.remove(&path);
            } else {
                self.published.insert(path.clone(), diagnostics.clone());
            }
            self.send_diagnostics(&path, diagnostics);
        }
        for (level, message) in unplaced {
            if self.logged.insert(message.clone()) {
                self.log(level, message);
            }
        }
    }

    fn send_diagnostics(&self, path: &Path, diagnostics: Vec<lsp_types::Diagnostic>) {
        let Some(uri) = self.uri_of(path) else { return };
        let version = self.documents.get(path).map(|document| document.version);
        self.notify(
            notifications::PublishDiagnostics::METHOD,
            PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            },
        );
    }

    /// The URI of a file: the client's own for a document it opened.
    fn uri_of(&self, path: &Path) -> Option<Uri> {
        match self.documents.get(path) {
            Some(document) => Some(document.uri.clone()),
            None => convert::uri_from_path(path),
        }
    }

    fn log(&self, typ: MessageType, message: String) {
        self.notify(
            notifications::LogMessage::METHOD,
            LogMessageParams { typ, message },
        );
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        let _ = self
            .sender
            .send(Notification::new(method.to_string(), params).into());
    }

    fn request(&mut self, method: &str, params: impl serde::Serialize) {
        self.next_id += 1;
        let id = RequestId::from(format!("sflint-{}", self.next_id));
        let _ = self
            .sender
            .send(Request::new(id, method.to_string(), params).into());
    }

    fn respond(&self, response: Response) {
        let _ = self.sender.send(response.into());
    }
}

fn to_value(value: impl serde::Serialize) -> Result<serde_json::Value, (ErrorCode, String)> {
    serde_json::to_value(value).map_err(|error| (ErrorCode::InternalError, error.to_string()))
}

/// Whether `message` is the client's cancellation of request `id`.
fn cancels(message: &Message, id: &RequestId) -> bool {
    match message {
        Message::Notification(note) if note.method == notifications::Cancel::METHOD => note
            .params
            .get("id")
            .and_then(|value| serde_json::from_value::<RequestId>(value.clone()).ok())
            .is_some_and(|cancelled| &cancelled == id),
        _ => false,
    }
}

/// A file sflint may lint: a profile, permission set, group, muting permission set or session
/// setting, or a part of a decomposed permission set. An Apex class's `-meta.xml` is none of them,
/// and a change to it does not read the project again.
fn is_metadata(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return false;
    };
    crate::model::MetadataKind::from_file_name(name).is_some()
        || (name.ends_with("-meta.xml")
            && path
                .ancestors()
                .skip(2)
                .any(|dir| dir.file_name().is_some_and(|dir| dir == "permissionsets")))
}

/// What a panic said.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_that_panics_is_answered_with_an_error_and_the_server_goes_on() {
        let (sender, receiver) = crossbeam_channel::unbounded();
        let mut server = Server::new(sender, &InitializeParams::default());
        server.handle_request(Request::new(1.into(), "sflint/panic".to_string(), ()));
        let Ok(Message::Response(response)) = receiver.try_recv() else {
            panic!("no response");
        };
        let error = response.response_result.unwrap_err();
        assert_eq!(error.code, ErrorCode::InternalError as i32);
        assert_eq!(
            error.message,
            "sflint: internal error: a handler that fails"
        );
        server.handle_request(Request::new(2.into(), "shutdown".to_string(), ()));
        let Ok(Message::Response(response)) = receiver.try_recv() else {
            panic!("no response");
        };
        assert_eq!(response.id, 2.into());
        assert_eq!(response.response_result.unwrap(), serde_json::Value::Null);
    }

    #[test]
    fn only_permission_metadata_reads_the_project_again() {
        for path in [
            "/p/force-app/main/default/profiles/Admin.profile-meta.xml",
            "/p/src/profiles/Admin.profile",
            "/p/force-app/main/default/permissionsets/Ops/Ops.permissionset-meta.xml",
            "/p/force-app/main/default/permissionsets/Ops/objectSettings/Account.objectSettings-meta.xml",
        ] {
            assert!(is_metadata(Path::new(path)), "{path}");
        }
        for path in [
            "/p/force-app/main/default/classes/Foo.cls-meta.xml",
            "/p/force-app/main/default/permissionsets/Ops.txt",
            "/p/permissionsets.cls-meta.xml",
        ] {
            assert!(!is_metadata(Path::new(path)), "{path}");
        }
    }
}
