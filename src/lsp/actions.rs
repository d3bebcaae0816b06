//! Code actions: the fixes `check --fix` applies, offered on the findings under the cursor (safe
//! ones as the preferred quick fix, unsafe ones labelled), and every safe fix of a file at once as
//! `source.fixAll.sflint` (what an editor runs on save when asked to). A client that resolves
//! actions gets them without their edits, made when one is chosen (`codeAction/resolve`): a fix's
//! edits parse the file twice to validate it, which a 4 MB profile should not pay per cursor move.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionTriggerKind,
    Range, TextEdit, Uri, WorkspaceEdit,
};

use serde_json::{Value, json};

use super::convert::{self, LineIndex};
use super::folder::Folder;
use crate::diagnostic::Diagnostic;
use crate::fileset::FileSet;
use crate::fix::{self, Change, Safety};
use crate::source::FilePath;

pub fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.sflint")
}

fn overlaps(a: &Range, b: &Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The actions for the findings of `path` that the request's range touches, and the file's fix-all.
pub fn code_actions(
    folder: &Folder,
    path: &Path,
    params: &CodeActionParams,
    files: &dyn FileSet,
    uri_of: &dyn Fn(&Path) -> Option<Uri>,
    lazy: bool,
) -> Vec<CodeActionOrCommand> {
    let Ok(bytes) = files.read(path) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let bom = usize::from(text.starts_with('\u{feff}')) * 3;
    let index = LineIndex::new(&text);
    let wanted = |kind: &CodeActionKind| {
        params.context.only.as_ref().is_none_or(|only| {
            only.iter()
                .any(|asked| kind.as_str().starts_with(asked.as_str()))
        })
    };
    let findings = folder.findings(path);
    let mut actions = Vec::new();
    if wanted(&CodeActionKind::QUICKFIX) {
        for finding in &findings {
            let Some(fix) = &finding.fix else { continue };
            let lsp = convert::diagnostic(finding, &index, bom, &mut |_, _, _| None);
            if !overlaps(&lsp.range, &params.range) {
                continue;
            }
            let (edit, data) = if lazy {
                (
                    None,
                    Some(json!({"uri": params.text_document.uri.as_str(), "fix": key(finding)})),
                )
            } else {
                let changes: Vec<(&Arc<FilePath>, &Change)> = fix
                    .changes
                    .iter()
                    .map(|(file, change)| (file, change))
                    .collect();
                let Some(edit) = workspace_edit(&changes, files, uri_of) else {
                    continue;
                };
                (Some(edit), None)
            };
            // The client's own copy of the diagnostic, when it sent it, ties the action to it.
            let diagnostic = params
                .context
                .diagnostics
                .iter()
                .find(|sent| sent.range == lsp.range && sent.code == lsp.code)
                .cloned()
                .unwrap_or(lsp);
            let title = match fix.safety {
                Safety::Safe => format!("sflint: {}", fix.title),
                Safety::Unsafe => {
                    format!("sflint: {} (unsafe: it changes what is granted)", fix.title)
                }
            };
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic]),
                edit,
                command: None,
                is_preferred: Some(fix.safety == Safety::Safe),
                disabled: None,
                data,
            }));
        }
    }
    // Every safe fix of the file costs a parse of it per file changed, too much to redo on each
    // cursor move in a large profile: it is offered when asked for, not to the light bulb.
    let automatic = params.context.trigger_kind == Some(CodeActionTriggerKind::AUTOMATIC);
    let asked = params.context.only.is_some() || !automatic;
    if asked && wanted(&fix_all_kind()) {
        let changes = safe_changes(&findings);
        let (edit, data) = if lazy {
            let any = !changes.is_empty();
            (
                None,
                any.then(|| json!({"uri": params.text_document.uri.as_str(), "fix": "all"})),
            )
        } else {
            (workspace_edit(&changes, files, uri_of), None)
        };
        if edit.is_some() || data.is_some() {
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: "sflint: apply every safe fix in this file".to_string(),
                kind: Some(fix_all_kind()),
                diagnostics: None,
                edit,
                command: None,
                is_preferred: None,
                disabled: None,
                data,
            }));
        }
    }
    actions
}

/// Names a finding for a code action to be resolved later: the same finding, if the text still
/// has it, after the lint the resolution may run first.
fn key(finding: &Diagnostic) -> Value {
    json!([
        finding.rule.as_str(),
        finding.location.span.start,
        finding.location.span.end,
        finding.message
    ])
}

/// The changes of every safe fix of `findings`.
fn safe_changes<'a>(findings: &[&'a Diagnostic]) -> Vec<(&'a Arc<FilePath>, &'a Change)> {
    findings
        .iter()
        .filter_map(|finding| finding.fix.as_ref())
        .filter(|fix| fix.safety == Safety::Safe)
        .flat_map(|fix| &fix.changes)
        .map(|(file, change)| (file, change))
        .collect()
}

/// The edit of an action offered without one (`codeAction/resolve`), made on the text as it is now;
/// the action as it was when what it fixed is gone.
pub fn resolve(
    folder: &Folder,
    path: &Path,
    mut action: CodeAction,
    files: &dyn FileSet,
    uri_of: &dyn Fn(&Path) -> Option<Uri>,
) -> CodeAction {
    let Some(wanted) = action.data.as_ref().map(|data| data["fix"].clone()) else {
        return action;
    };
    let findings = folder.findings(path);
    let changes: Vec<(&Arc<FilePath>, &Change)> = if wanted == "all" {
        safe_changes(&findings)
    } else {
        findings
            .iter()
            .find(|finding| key(finding) == wanted)
            .and_then(|finding| finding.fix.as_ref())
            .map(|fix| {
                fix.changes
                    .iter()
                    .map(|(file, change)| (file, change))
                    .collect()
            })
            .unwrap_or_default()
    };
    action.edit = workspace_edit(&changes, files, uri_of);
    action
}

/// The path of the document an action offered without an edit belongs to.
pub fn resolve_path(action: &CodeAction) -> Option<std::path::PathBuf> {
    let uri = action.data.as_ref()?["uri"].as_str()?;
    super::convert::path_from_uri(&uri.parse().ok()?)
}

/// The text edits that make `changes`, file by file, on the texts `files` holds; `None` when they
/// change nothing or would make a file invalid (the fix loop drops such an edit too).
fn workspace_edit(
    changes: &[(&Arc<FilePath>, &Change)],
    files: &dyn FileSet,
    uri_of: &dyn Fn(&Path) -> Option<Uri>,
) -> Option<WorkspaceEdit> {
    let mut by_file: BTreeMap<&Arc<FilePath>, Vec<&Change>> = BTreeMap::new();
    for (file, change) in changes {
        by_file.entry(*file).or_default().push(*change);
    }
    // `Uri` caches its parse inside, which clippy counts as a mutable key; it is never changed.
    #[allow(clippy::mutable_key_type)]
    let mut out: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for (file, changes) in by_file {
        let bytes = files.read(&file.fs).ok()?;
        let edits = fix::edits(file, &bytes, &changes).ok()?;
        if edits.is_empty() {
            continue;
        }
        let text = std::str::from_utf8(&bytes).ok()?;
        let bom = usize::from(text.starts_with('\u{feff}')) * 3;
        let index = LineIndex::new(text);
        let edits = edits
            .into_iter()
            .map(|edit| TextEdit {
                range: index.range(bom + edit.range.start, bom + edit.range.end),
                new_text: edit.text,
            })
            .collect();
        out.insert(uri_of(&file.fs)?, edits);
    }
    (!out.is_empty()).then(|| WorkspaceEdit {
        changes: Some(out),
        document_changes: None,
        change_annotations: None,
    })
}
