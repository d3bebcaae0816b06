//! `sflint lsp` driven through the real binary as an editor drives it: JSON-RPC over standard input
//! and output, framed by Content-Length headers. Each test copies a project into a temporary
//! directory, so that the files the server reads from disk are the test's own.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const SETS: &str = "force-app/main/default/permissionsets";

/// Edit on Lead without Read, and nothing else to find.
const BAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>Ops</label>\n    <objectPermissions>\n        <allowCreate>false</allowCreate>\n        <allowDelete>false</allowDelete>\n        <allowEdit>true</allowEdit>\n        <allowRead>false</allowRead>\n        <modifyAllRecords>false</modifyAllRecords>\n        <object>Lead</object>\n        <viewAllRecords>false</viewAllRecords>\n    </objectPermissions>\n</PermissionSet>\n";

/// How long any one answer may take: generous, for a debug build on a busy machine.
const PATIENCE: Duration = Duration::from_secs(30);

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The example project, with `Ops`, a permission set no integration user holds, beside it.
fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example"),
        dir.path(),
    );
    std::fs::write(
        dir.path().join(SETS).join("Ops.permissionset-meta.xml"),
        BAD,
    )
    .unwrap();
    dir
}

fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for byte in path.to_str().unwrap().bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

struct Client {
    child: Child,
    stdin: ChildStdin,
    inbox: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else.
    seen: Vec<Value>,
}

impl Client {
    fn start(root: &Path) -> Client {
        Client::start_with(
            root,
            json!({
                "textDocument": {"publishDiagnostics": {"relatedInformation": true}},
                "workspace": {"workspaceFolders": true}
            }),
        )
    }

    fn start_with(root: &Path, capabilities: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sflint"))
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, inbox) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length: ") {
                        length = Some(value.parse::<usize>().unwrap());
                    }
                }
                let mut body = vec![0; length.unwrap()];
                reader.read_exact(&mut body).unwrap();
                if send.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            inbox,
            next_id: 0,
            seen: Vec::new(),
        };
        let answer = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "capabilities": capabilities,
                "workspaceFolders": [{"uri": uri(root), "name": "project"}]
            }),
        );
        assert_eq!(answer["result"]["serverInfo"]["name"], "sflint", "{answer}");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// The response to request `id`; notifications on the way are kept for later.
    fn response(&mut self, id: i64) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let message = self
                .inbox
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("no response to request {id}"));
            if message["id"] == json!(id) && message.get("method").is_none() {
                return message;
            }
            self.seen.push(message);
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id)
    }

    /// The next diagnostics published for `path` (those already received first).
    fn diagnostics(&mut self, path: &Path) -> Vec<Value> {
        let wanted = json!(uri(path));
        let is_for = |message: &Value| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == wanted
        };
        if let Some(at) = self.seen.iter().position(is_for) {
            let message = self.seen.remove(at);
            return message["params"]["diagnostics"].as_array().unwrap().clone();
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            match self
                .inbox
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(message) if is_for(&message) => {
                    return message["params"]["diagnostics"].as_array().unwrap().clone();
                }
                Ok(message) => self.seen.push(message),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no diagnostics for {}: {:#?}", path.display(), self.seen)
                }
                Err(RecvTimeoutError::Disconnected) => panic!("the server went away"),
            }
        }
    }

    /// Drops what was received for `path` so far, so that the next wait sees only new diagnostics.
    /// A request answered first makes sure everything sent before it has arrived: the server
    /// answers in order.
    fn forget(&mut self, path: &Path) {
        let answer = self.request("sflint/sync", json!({}));
        assert_eq!(answer["error"]["code"], -32601, "{answer}");
        let wanted = json!(uri(path));
        self.seen
            .retain(|message| message["params"]["uri"] != wanted);
    }

    fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "xml", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, path: &Path, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(path), "version": version}, "contentChanges": changes}),
        );
    }

    /// `shutdown` then `exit`: the exit code the server leaves with.
    fn stop(mut self) -> i32 {
        let answer = self.request("shutdown", Value::Null);
        assert_eq!(answer["result"], Value::Null, "{answer}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap();
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|diagnostic| diagnostic["code"].as_str().unwrap_or("").to_string())
        .collect()
}

fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({"start": {"line": start.0, "character": start.1}, "end": {"line": end.0, "character": end.1}})
}

/// The text with LSP text edits applied (edits in any order, none overlapping).
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        // The fixtures are ASCII: UTF-16 units are bytes.
        start + character
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|edit| {
            (
                offset(&edit["range"]["start"]),
                offset(&edit["range"]["end"]),
                edit["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, new);
    }
    out
}

fn ops(dir: &Path) -> PathBuf {
    dir.join(SETS).join("Ops.permissionset-meta.xml")
}

#[test]
fn a_bad_permission_set_is_underlined_and_clears_when_fixed() {
    let dir = example();
    let ops = ops(dir.path());
    let mut client = Client::start(dir.path());
    // The project is linted at start: the file has its finding before it is opened.
    let at_start = client.diagnostics(&ops);
    assert_eq!(codes(&at_start), ["object-access-dependency"]);

    assert_eq!(at_start[0]["range"], range((6, 8), (6, 35)));

    client.forget(&ops);
    client.open(&ops, BAD);
    // Opening the same text changes nothing, so nothing new is sent; a change that moves the
    // finding a line down does.
    let moved = BAD.replace(
        "<label>Ops</label>",
        "<label>Ops</label>\n    <description>x</description>",
    );
    client.change(&ops, 2, json!([{"text": moved}]));
    let found = client.diagnostics(&ops);
    assert_eq!(codes(&found), ["object-access-dependency"], "{found:#?}");
    let finding = &found[0];
    assert_eq!(finding["range"], range((7, 8), (7, 35)));
    assert_eq!(finding["severity"], 1);
    assert_eq!(finding["source"], "sflint");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .starts_with("Edit on Lead without Read in permission set Ops\n"),
        "{finding}"
    );
    assert_eq!(
        finding["codeDescription"]["href"],
        "https://github.com/sflint/sflint/blob/main/src/registry/object-access-dependency.md"
    );

    // An incremental change: `false` of allowRead becomes `true`.
    client.change(
        &ops,
        3,
        json!([{"range": range((8, 19), (8, 24)), "text": "true"}]),
    );
    assert_eq!(client.diagnostics(&ops), Vec::<Value>::new());
    assert_eq!(client.stop(), 0);
}

#[test]
fn a_code_action_carries_the_fix_as_an_edit() {
    let dir = example();
    let ops = ops(dir.path());
    let mut client = Client::start(dir.path());
    client.open(&ops, BAD);
    let answer = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(&ops)},
            "range": range((6, 10), (6, 10)),
            "context": {"diagnostics": []}
        }),
    );
    let actions = answer["result"].as_array().unwrap();
    let quick: Vec<&Value> = actions
        .iter()
        .filter(|action| action["kind"] == "quickfix")
        .collect();
    assert_eq!(quick.len(), 1, "{answer:#}");
    assert_eq!(quick[0]["title"], "sflint: Set <allowRead> to true.");
    assert_eq!(quick[0]["isPreferred"], true);
    assert_eq!(
        quick[0]["diagnostics"][0]["code"],
        "object-access-dependency"
    );
    let edits = quick[0]["edit"]["changes"][uri(&ops)].as_array().unwrap();
    let fixed = apply(BAD, edits);
    assert_eq!(fixed, BAD.replace("<allowRead>false", "<allowRead>true"));

    // The light bulb, asking by itself as the cursor moves, gets the quick fix alone.
    let answer = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(&ops)},
            "range": range((6, 10), (6, 10)),
            "context": {"diagnostics": [], "triggerKind": 2}
        }),
    );
    let kinds: Vec<&Value> = answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|action| &action["kind"])
        .collect();
    assert_eq!(kinds, [&json!("quickfix")], "{answer:#}");

    // The file's fix-all is the same edit here; asked for alone, only it comes.
    let answer = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(&ops)},
            "range": range((0, 0), (0, 0)),
            "context": {"diagnostics": [], "only": ["source.fixAll"]}
        }),
    );
    let actions = answer["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{answer:#}");
    assert_eq!(actions[0]["kind"], "source.fixAll.sflint");
    let edits = actions[0]["edit"]["changes"][uri(&ops)].as_array().unwrap();
    assert_eq!(apply(BAD, edits), fixed);

    // Applied by the editor, the finding goes.
    client.forget(&ops);
    client.change(&ops, 2, json!([{"text": fixed}]));
    assert_eq!(client.diagnostics(&ops), Vec::<Value>::new());
    assert_eq!(client.stop(), 0);
}

#[test]
fn hover_and_completion_come_from_the_catalog() {
    let dir = example();
    let set = dir
        .path()
        .join(SETS)
        .join("Marketing_Sync.permissionset-meta.xml");
    let text = std::fs::read_to_string(&set).unwrap();
    let mut client = Client::start(dir.path());
    client.open(&set, &text);
    let line = text
        .lines()
        .position(|line| line.contains("ViewAllData"))
        .unwrap() as u32;
    let answer = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&set)}, "position": {"line": line, "character": 17}}),
    );
    let hover = &answer["result"];
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(
        value.starts_with("**ViewAllData** (View All Data)"),
        "{value}"
    );
    assert_eq!(hover["range"], range((line, 14), (line, 25)));
    let answer = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&set)}, "position": {"line": 1, "character": 3}}),
    );
    assert_eq!(answer["result"], Value::Null);

    // Completion inside the <name> of a userPermissions entry: `ApiEnabled` is the name there.
    let line = text
        .lines()
        .position(|line| line.contains("ApiEnabled"))
        .unwrap() as u32;
    let answer = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(&set)}, "position": {"line": line, "character": 17}}),
    );
    let items = answer["result"].as_array().unwrap();
    let names: Vec<&str> = items
        .iter()
        .map(|item| item["label"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"ApiEnabled") && names.contains(&"ViewSetup"));
    let api = items
        .iter()
        .find(|item| item["label"] == "ApiEnabled")
        .unwrap();
    assert_eq!(api["detail"], "API Enabled");
    assert_eq!(api["textEdit"]["range"], range((line, 14), (line, 24)));
    // Not in an object's name.
    let line = text
        .lines()
        .position(|line| line.contains("<object>Lead"))
        .unwrap() as u32;
    let answer = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(&set)}, "position": {"line": line, "character": 17}}),
    );
    assert_eq!(answer["result"], Value::Null);
    assert_eq!(client.stop(), 0);
}

/// What `sflint check --format json` reports in the project at `dir`, as the server words it:
/// (path, line, character, rule, message with its origin and help), 0-based as the protocol is.
fn checked(dir: &Path) -> Vec<(String, u64, u64, String, String)> {
    let output = Command::new(env!("CARGO_BIN_EXE_sflint"))
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut out: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            let mut message = finding["message"].as_str().unwrap().to_string();
            if let Some(integration) = finding["integration"].as_str() {
                message.push_str(&format!(
                    " [{integration} / {}]",
                    finding["requirement"].as_str().unwrap()
                ));
            }
            if let Some(help) = finding["help"].as_str() {
                message.push_str(&format!("\n{help}"));
            }
            (
                finding["path"].as_str().unwrap().to_string(),
                finding["line"].as_u64().unwrap() - 1,
                // The fixtures are ASCII: characters are UTF-16 units.
                finding["column"].as_u64().unwrap() - 1,
                finding["rule"].as_str().unwrap().to_string(),
                message,
            )
        })
        .collect();
    out.sort();
    out
}

fn shown(
    dir: &Path,
    path: &Path,
    diagnostics: &[Value],
) -> Vec<(String, u64, u64, String, String)> {
    let relative = path
        .strip_prefix(dir)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    diagnostics
        .iter()
        .map(|diagnostic| {
            (
                relative.clone(),
                diagnostic["range"]["start"]["line"].as_u64().unwrap(),
                diagnostic["range"]["start"]["character"].as_u64().unwrap(),
                diagnostic["code"].as_str().unwrap().to_string(),
                diagnostic["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_change_to_a_member_republishes_its_integration_users_other_files() {
    let dir = example();
    let set = dir
        .path()
        .join(SETS)
        .join("Marketing_Sync.permissionset-meta.xml");
    let profile = dir
        .path()
        .join("force-app/main/default/profiles/Integration User.profile-meta.xml");
    let ops = ops(dir.path());
    let text = std::fs::read_to_string(&set).unwrap();
    let mut client = Client::start(dir.path());
    let everything = |client: &mut Client| {
        let mut all = shown(dir.path(), &ops, &client.diagnostics(&ops));
        all.extend(shown(dir.path(), &profile, &client.diagnostics(&profile)));
        all.extend(shown(dir.path(), &set, &client.diagnostics(&set)));
        all.sort();
        all
    };
    // At start, what `check` says.
    let before = everything(&mut client);
    assert_eq!(before, checked(dir.path()));
    assert!(
        before
            .iter()
            .any(|finding| finding.0.ends_with(".profile-meta.xml")
                && finding.4.contains("Account.AnnualRevenue")),
        "{before:#?}"
    );

    client.forget(&profile);
    client.forget(&set);
    client.open(&set, &text);
    // Granting a field in the permission set answers a finding shown on the profile.
    let granted = text.replacen(
        "    <fieldPermissions>",
        "    <fieldPermissions>\n        <editable>false</editable>\n        <field>Account.AnnualRevenue</field>\n        <readable>true</readable>\n    </fieldPermissions>\n    <fieldPermissions>",
        1,
    );
    client.change(&set, 2, json!([{"text": granted}]));
    let profile_after = shown(dir.path(), &profile, &client.diagnostics(&profile));
    let set_after = shown(dir.path(), &set, &client.diagnostics(&set));
    assert!(
        !profile_after
            .iter()
            .any(|finding| finding.4.contains("Account.AnnualRevenue")),
        "{profile_after:#?}"
    );
    // The same as `check` of the project with that text saved.
    std::fs::write(&set, &granted).unwrap();
    let mut after: Vec<_> = profile_after.into_iter().chain(set_after).collect();
    after.extend(
        before
            .iter()
            .filter(|finding| finding.0.contains("Ops."))
            .cloned(),
    );
    after.sort();
    assert_eq!(after, checked(dir.path()));
    assert_eq!(client.stop(), 0);
}

#[test]
fn a_malformed_buffer_is_a_finding_and_the_server_goes_on() {
    let dir = example();
    let ops = ops(dir.path());
    let mut client = Client::start(dir.path());
    client.open(&ops, BAD);
    client.forget(&ops);
    for (version, text) in [
        (2, "<PermissionSet><objectPermissions><allowEdit>"),
        (3, "\u{0}\u{1}not xml at all \u{202e}"),
        (4, ""),
    ] {
        client.change(&ops, version, json!([{"text": text}]));
        let found = client.diagnostics(&ops);
        assert_eq!(codes(&found), ["invalid-xml"], "{text:?}: {found:#?}");
    }
    // Positions past the end of the text, and a change range past it.
    client.change(
        &ops,
        5,
        json!([{"range": range((90, 3), (99, 0)), "text": BAD}]),
    );
    assert_eq!(
        codes(&client.diagnostics(&ops)),
        ["object-access-dependency"]
    );
    let answer = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&ops)}, "position": {"line": 4000, "character": 9}}),
    );
    assert_eq!(answer["result"], Value::Null, "{answer}");
    // Parameters that are not what the method takes are an error, not the end.
    let answer = client.request("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(answer["error"]["code"], -32602, "{answer}");
    let answer = client.request("sflint/nothing", json!({}));
    assert_eq!(answer["error"]["code"], -32601, "{answer}");
    assert_eq!(client.stop(), 0);
}

#[test]
fn settings_are_read_again_when_sflint_toml_changes() {
    let dir = example();
    let ops = ops(dir.path());
    let config = dir.path().join("sflint.toml");
    let original = std::fs::read_to_string(&config).unwrap();
    let mut client = Client::start(dir.path());
    assert_eq!(
        codes(&client.diagnostics(&ops)),
        ["object-access-dependency"]
    );
    client.open(&config, &original);

    // A configuration that does not parse is shown where it is wrong; findings stay as they were.
    let broken = format!("{original}\n[rules]\nobject-access-dependency = \"of\n");
    client.change(&config, 2, json!([{"text": broken}]));
    let problems = client.diagnostics(&config);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0]["severity"], 1);
    assert_eq!(problems[0]["range"]["start"]["line"], 9, "{problems:#?}");

    // Fixed, it applies: the ignored rule's finding goes.
    let ignoring = format!("{original}\n[rules]\nobject-access-dependency = \"off\"\n");
    client.forget(&ops);
    client.change(&config, 3, json!([{"text": ignoring}]));
    assert_eq!(client.diagnostics(&config), Vec::<Value>::new());
    assert_eq!(client.diagnostics(&ops), Vec::<Value>::new());

    // Closed without saving, the disk's configuration is back.
    client.forget(&ops);
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(&config)}}),
    );
    assert_eq!(
        codes(&client.diagnostics(&ops)),
        ["object-access-dependency"]
    );
    assert_eq!(client.stop(), 0);
}

#[test]
fn a_request_cancelled_before_it_ran_is_answered_as_cancelled() {
    let dir = example();
    let ops = ops(dir.path());
    // A profile big enough that linting it keeps the server busy while the next messages arrive.
    let mut big = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n",
    );
    for index in 0..20_000 {
        big.push_str(&format!(
            "    <fieldPermissions>\n        <editable>false</editable>\n        <field>Account.Field{index}__c</field>\n        <readable>true</readable>\n    </fieldPermissions>\n"
        ));
    }
    big.push_str("</Profile>\n");
    let profile = dir
        .path()
        .join("force-app/main/default/profiles/Big.profile-meta.xml");
    std::fs::write(&profile, &big).unwrap();
    let mut client = Client::start(dir.path());
    client.open(&ops, BAD);
    client.open(&profile, &big);
    client.change(
        &profile,
        2,
        json!([{"text": big.replace("Field0__c", "Field0x__c")}]),
    );
    // The code action lints the changed profile first; the hover and its cancellation queue behind.
    let busy = client.send_request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&profile)}, "range": range((0, 0), (0, 0)), "context": {"diagnostics": []}}),
    );
    let hover = client.send_request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&ops)}, "position": {"line": 2, "character": 6}}),
    );
    client.notify("$/cancelRequest", json!({"id": hover}));
    assert!(client.response(busy)["result"].is_array());
    let answer = client.response(hover);
    assert_eq!(answer["error"]["code"], -32800, "{answer}");
    assert_eq!(client.stop(), 0);
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let dir = example();
    let mut client = Client::start(dir.path());
    client.notify("exit", Value::Null);
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = client.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status.code(), Some(1));
}

#[test]
fn folders_added_later_are_linted_and_removed_ones_cleared() {
    let dir = example();
    let ops = ops(dir.path());
    let empty = tempfile::tempdir().unwrap();
    // Started on an unrelated folder, as an editor opened on something else.
    let mut client = Client::start(empty.path());
    let folder = json!([{"uri": uri(dir.path()), "name": "example"}]);
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": folder, "removed": []}}),
    );
    assert_eq!(
        codes(&client.diagnostics(&ops)),
        ["object-access-dependency"]
    );
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [], "removed": folder}}),
    );
    assert_eq!(client.diagnostics(&ops), Vec::<Value>::new());
    assert_eq!(client.stop(), 0);
}

#[test]
fn files_changed_on_disk_are_linted_again_when_the_editor_says_so() {
    let dir = example();
    let ops = ops(dir.path());
    let mut client = Client::start(dir.path());
    assert_eq!(
        codes(&client.diagnostics(&ops)),
        ["object-access-dependency"]
    );
    // A checkout rewrote the file, and added another.
    std::fs::write(&ops, BAD.replace("<allowRead>false", "<allowRead>true")).unwrap();
    let added = dir.path().join(SETS).join("Added.permissionset-meta.xml");
    std::fs::write(&added, BAD).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&ops), "type": 2}, {"uri": uri(&added), "type": 1}]}),
    );
    assert_eq!(client.diagnostics(&ops), Vec::<Value>::new());
    let found = client.diagnostics(&added);
    assert_eq!(codes(&found), ["object-access-dependency"], "{found:#?}");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("in permission set Added"),
        "{found:#?}"
    );
    assert_eq!(client.stop(), 0);
}

#[test]
fn a_client_that_resolves_actions_gets_the_edit_when_it_asks() {
    let dir = example();
    let ops = ops(dir.path());
    let capabilities = json!({
        "textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}}
    });
    let mut client = Client::start_with(dir.path(), capabilities);
    client.open(&ops, BAD);
    let answer = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri(&ops)},
            "range": range((6, 10), (6, 10)),
            "context": {"diagnostics": []}
        }),
    );
    let actions = answer["result"].as_array().unwrap().clone();
    assert_eq!(actions.len(), 2, "{answer:#}");
    assert!(
        actions.iter().all(|action| action.get("edit").is_none()),
        "{answer:#}"
    );
    let fixed = BAD.replace("<allowRead>false", "<allowRead>true");
    let quick = actions[0].clone();
    assert_eq!(quick["kind"], "quickfix");
    for action in actions {
        let resolved = client.request("codeAction/resolve", action.clone());
        let edits = resolved["result"]["edit"]["changes"][uri(&ops)]
            .as_array()
            .unwrap_or_else(|| panic!("{resolved:#}"));
        assert_eq!(apply(BAD, edits), fixed, "{}", action["title"]);
    }
    // Once the text no longer has the finding, there is nothing to do.
    client.change(&ops, 2, json!([{"text": fixed}]));
    let resolved = client.request("codeAction/resolve", quick);
    assert!(resolved["result"].get("edit").is_none(), "{resolved:#}");
    assert_eq!(client.stop(), 0);
}

/// A project with an org shape: the server's findings, hover and completion use the org's names.
#[test]
fn the_org_shape_decides_findings_hover_and_completion() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/org-shape/project"),
        dir.path(),
    );
    let profile = dir
        .path()
        .join("force-app/main/default/profiles/Sales Manager.profile-meta.xml");
    let text = std::fs::read_to_string(&profile).unwrap();
    let mut client = Client::start(dir.path());
    assert_eq!(
        codes(&client.diagnostics(&profile)),
        ["unknown-user-permission", "unknown-user-permission"]
    );
    client.open(&profile, &text);
    let line = text
        .lines()
        .position(|line| line.contains("ViewAllForecasts"))
        .unwrap() as u32;
    // Known to the shipped catalog, not to this org: no hover.
    let answer = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&profile)}, "position": {"line": line, "character": 17}}),
    );
    assert_eq!(answer["result"], Value::Null);
    let answer = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(&profile)}, "position": {"line": line, "character": 17}}),
    );
    let names: Vec<&str> = answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["label"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 24, "{names:?}");
    assert!(names.contains(&"ManageUsers") && !names.contains(&"ViewAllForecasts"));
    assert_eq!(client.stop(), 0);
}
