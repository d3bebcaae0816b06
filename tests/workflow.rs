//! The adoption workflow end to end: inline suppressions, configuration (severities, ignore,
//! overrides, unknown keys), baselines with stale entries, and `sflint init`.

use std::path::Path;

use assert_cmd::Command;

const PROJECT: &str = r#"{"packageDirectories":[{"path":"force-app","default":true}]}"#;

fn permission_set(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>Ops</label>\n{body}</PermissionSet>\n"
    )
}

const VIEW_ALL_DATA: &str = "    <userPermissions>\n        <enabled>true</enabled>\n        <name>ViewAllData</name>\n    </userPermissions>\n";
const EDIT_WITHOUT_READ: &str = "    <objectPermissions>\n        <allowEdit>true</allowEdit>\n        <allowRead>false</allowRead>\n        <object>Lead</object>\n    </objectPermissions>\n";

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sfdx-project.json"), PROJECT).unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const OPS: &str = "force-app/main/default/permissionsets/Ops.permissionset-meta.xml";

/// `path:line:col: severity rule message` lines without the summary.
fn concise(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let output = Command::cargo_bin("sflint")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", "concise", "--quiet"])
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        output.status.code().unwrap(),
    )
}

/// The JSON report of `sflint check` in `dir`.
fn json(dir: &Path) -> serde_json::Value {
    let output = Command::cargo_bin("sflint")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn disable_next_covers_the_whole_next_element_and_needs_a_reason() {
    let body = format!(
        "    <!-- sflint-disable-next view-all-data -- reporting user, approved in SEC-1 -->\n{VIEW_ALL_DATA}    <!-- sflint-disable-next object-access-dependency -->\n{EDIT_WITHOUT_READ}"
    );
    let dir = project(&[(OPS, &permission_set(&body))]);
    let (out, _, code) = concise(dir.path(), &[]);
    assert_eq!(
        out,
        format!(
            "{OPS}:9:5: error invalid-suppression sflint-disable-next object-access-dependency gives no reason: write `sflint-disable-next object-access-dependency: why it is accepted`\n\
             {OPS}:11:9: error object-access-dependency Edit on Lead without Read in permission set Ops\n"
        )
    );
    assert_eq!(code, 1);
}

#[test]
fn unused_suppressions_are_reported_and_file_scope_works() {
    let body = format!(
        "    <!-- sflint-disable-file object-access-dependency: generated file -->\n    <!-- sflint-disable-next duplicate-entry -- stale -->\n{VIEW_ALL_DATA}{EDIT_WITHOUT_READ}"
    );
    let dir = project(&[(OPS, &permission_set(&body))]);
    let (out, _, code) = concise(dir.path(), &[]);
    assert_eq!(
        out,
        format!(
            "{OPS}:5:5: warning unused-suppression sflint-disable-next duplicate-entry suppresses nothing\n\
             {OPS}:8:9: warning view-all-data permission set Ops grants ViewAllData (View All Data)\n"
        )
    );
    assert_eq!(code, 0);
}

#[test]
fn configuration_changes_severities_and_switches_rules_off_per_path() {
    let dir = project(&[
        (
            OPS,
            &permission_set(&format!("{VIEW_ALL_DATA}{EDIT_WITHOUT_READ}")),
        ),
        (
            "force-app/main/default/permissionsets/Legacy.permissionset-meta.xml",
            &permission_set(EDIT_WITHOUT_READ),
        ),
        (
            "sflint.toml",
            "[rules]\nview-all-data = \"error\"\n\n[[overrides]]\npaths = [\"**/Legacy.permissionset-meta.xml\"]\nrules = { object-access-dependency = \"off\" }\nreason = \"retrieved as is\"\n",
        ),
    ]);
    let (out, _, code) = concise(dir.path(), &[]);
    assert_eq!(
        out,
        format!(
            "{OPS}:6:9: error view-all-data permission set Ops grants ViewAllData (View All Data)\n\
             {OPS}:9:9: error object-access-dependency Edit on Lead without Read in permission set Ops\n"
        )
    );
    assert_eq!(code, 1);
    std::fs::write(
        dir.path().join("sflint.toml"),
        "ignore = [\"object-access-dependency\", \"view-all-data\"]\n",
    )
    .unwrap();
    let (out, _, code) = concise(dir.path(), &[]);
    assert_eq!((out.as_str(), code), ("", 0));
}

#[test]
fn unknown_configuration_keys_are_errors_with_their_line() {
    let dir = project(&[
        (OPS, &permission_set(EDIT_WITHOUT_READ)),
        (
            "sflint.toml",
            "exlude = [\"x\"]\n\n[rules]\nview-all-data = \"error\"\n",
        ),
    ]);
    let (out, err, code) = concise(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("sflint: error: sflint.toml:1:1: unknown field `exlude`"),
        "{err}"
    );
    // Nothing is linted under default settings that the project did not ask for.
    assert_eq!(out, "");
}

#[test]
fn a_baseline_hides_known_findings_and_lists_stale_ones() {
    let dir = project(&[(
        OPS,
        &permission_set(&format!("{VIEW_ALL_DATA}{EDIT_WITHOUT_READ}")),
    )]);
    let output = Command::cargo_bin("sflint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--generate-baseline", "baseline.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "sflint: recorded 2 findings in baseline.json (2 entries); check with --baseline baseline.json\n"
    );
    let recorded = std::fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    assert!(
        recorded.contains("\"element\": \"userPermissions/ViewAllData\""),
        "{recorded}"
    );

    // Unchanged project: nothing new.
    let (out, _, code) = concise(dir.path(), &["--baseline", "baseline.json"]);
    assert_eq!((out.as_str(), code), ("", 0));

    // The Edit-without-Read is fixed, lines move, and a new finding appears.
    let fixed = "    <objectPermissions>\n        <allowEdit>true</allowEdit>\n        <allowRead>true</allowRead>\n        <object>Lead</object>\n    </objectPermissions>\n";
    let body =
        format!("    <description>moved</description>\n{VIEW_ALL_DATA}{fixed}{VIEW_ALL_DATA}");
    std::fs::write(dir.path().join(OPS), permission_set(&body)).unwrap();
    let (out, err, code) = concise(dir.path(), &["--baseline", "baseline.json"]);
    // The repeated View All Data is new; the grant itself is baselined (keyed by element, not line).
    assert_eq!(
        out,
        format!(
            "{OPS}:16:9: warning duplicate-entry user permission ViewAllData is listed more than once in permission set Ops\n"
        )
    );
    assert_eq!(code, 0);
    assert_eq!(
        err,
        format!(
            "sflint: warning: baseline.json: stale baseline entry: object-access-dependency {OPS} objectPermissions/Lead/allowEdit no longer found; regenerate with --generate-baseline\n"
        )
    );
}

#[test]
fn init_writes_a_starter_configuration_once() {
    let dir = project(&[(
        "force-app/main/default/permissionsets/ActOn_Integration.permissionset-meta.xml",
        &permission_set(""),
    )]);
    let output = Command::cargo_bin("sflint")
        .unwrap()
        .current_dir(dir.path())
        .args(["init", "--yes"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let said = String::from_utf8(output.stderr).unwrap();
    assert!(
        said.contains(
            "sflint: wrote sflint.toml with Act-On (act-on); checking the project with it:\n"
        ),
        "{said}"
    );
    let written = std::fs::read_to_string(dir.path().join("sflint.toml")).unwrap();
    assert!(
        written.contains("[[integration]]\nname = \"Act-On\"\npack = \"act-on\"\n"),
        "{written}"
    );
    // The starter is live configuration: the declared integration is checked right away.
    let (out, _, _) = concise(dir.path(), &[]);
    assert!(out.contains("missing-api-enabled"), "{out}");
    let again = Command::cargo_bin("sflint")
        .unwrap()
        .current_dir(dir.path())
        .args(["init", "--yes"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(again.stderr).unwrap(),
        "sflint: error: sflint.toml already exists (use --force to overwrite it)\n"
    );
}

#[test]
fn misspelt_rule_ids_in_the_configuration_are_errors_with_their_line() {
    let dir = project(&[
        (OPS, &permission_set(VIEW_ALL_DATA)),
        (
            "sflint.toml",
            "ignore = [\"act-on/api-enabled\"]\n\n[rules]\nview-all-dta = \"off\"\n",
        ),
    ]);
    let (out, err, code) = concise(dir.path(), &[]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "sflint: error: sflint.toml:4:1: unknown rule, pack or requirement \"view-all-dta\" (did you mean view-all-data?); `sflint rules` and `sflint packs` list them\n"
    );
    assert!(out.contains("view-all-data"), "{out}");
}

/// Requirement ids the engine makes up (`act-on/no-view-all-data`) are accepted exactly, not by
/// their shape: a typo in one is an error like any other.
#[test]
fn made_up_requirement_ids_in_the_configuration_must_exist() {
    let dir = project(&[
        (OPS, &permission_set(VIEW_ALL_DATA)),
        (
            "sflint.toml",
            "ignore = [\"act-on/no-view-all-data\", \"act-on/no-view-al-data\", \"act-on/read-only-typo\", \"readonly-analytics/read-only\", \"act-on/read-only\"]\n",
        ),
    ]);
    let (_, err, code) = concise(dir.path(), &[]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        concat!(
            "sflint: error: sflint.toml:1:38: unknown rule, pack or requirement \"act-on/no-view-al-data\" (did you mean act-on/no-view-all-data?); `sflint rules` and `sflint packs` list them\n",
            "sflint: error: sflint.toml:1:64: unknown rule, pack or requirement \"act-on/read-only-typo\"; `sflint rules` and `sflint packs` list them\n",
            "sflint: error: sflint.toml:1:121: unknown rule, pack or requirement \"act-on/read-only\"; `sflint rules` and `sflint packs` list them\n",
        )
    );
}

#[test]
fn the_pack_shortcut_checks_the_given_files_as_one_user() {
    let dir = project(&[(OPS, &permission_set(VIEW_ALL_DATA))]);
    let (out, err, code) = concise(dir.path(), &["--pack", "ampersand", OPS]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("sflint: error: --pack ampersand: pack ampersand needs option variant"),
        "{err}"
    );
    assert!(
        out.contains("view-all-data"),
        "the file is still linted: {out}"
    );

    let (out, _, code) = concise(
        dir.path(),
        &[
            "--pack",
            "ampersand",
            "--option",
            "variant=integration",
            OPS,
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!(
            "{OPS}:2:1: info unverifiable-requirement Ampersand's OAuth policies are not checked: no option names the app (external_client_app or connected_app); check in Setup: Permitted Users set to All users may self-authorize, Refresh Token Policy set to Refresh token is valid until revoked and IP Relaxation set to Relax IP restrictions (requirements ampersand/oauth-permitted-users, ampersand/oauth-refresh-token and ampersand/oauth-ip-relaxation) [Ampersand / ampersand/oauth-permitted-users]\n\
             {OPS}:2:1: info unverifiable-requirement integration user Ampersand declares no profile, so its user license cannot be checked [Ampersand / ampersand/integration-license]\n\
             {OPS}:2:1: info unverifiable-requirement integration user Ampersand declares no profile, so which profile it uses cannot be checked [Ampersand / ampersand/integration-profile]\n\
             {OPS}:4:5: error missing-api-enabled integration user Ampersand lacks ApiEnabled (API Enabled) [Ampersand / ampersand/api-enabled]\n\
             {OPS}:6:9: error view-all-data integration user Ampersand holds ViewAllData (View All Data), which the ampersand pack does not need [Ampersand / ampersand/no-view-all-data]\n"
        )
    );
}

#[test]
fn a_project_pack_extends_a_shipped_one() {
    let extension = r#"
[pack]
id = "act-on-acme"
name = "Act-On (Acme)"
summary = "Act-On plus the invoices Acme segments on"
extends = "act-on"
confidence = "high"
source = { title = "Acme integration runbook", retrieved = "2026-11-23" }

[[require]]
id = "invoices"
kind = "object-access"
objects = ["Invoice__c"]
access = ["read"]
why = "Act-On segments Acme's contacts on their invoices"
source = "Acme runbook"
"#;
    let dir = project(&[
        (OPS, &permission_set(VIEW_ALL_DATA)),
        ("packs/act-on-acme.toml", extension),
        (
            "sflint.toml",
            "[[integration]]\nname = \"Act-On\"\npack = \"packs/act-on-acme.toml\"\npermission_sets = [\"Ops\"]\n",
        ),
    ]);
    let report = json(dir.path());
    let requirements: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|finding| finding["requirement"].as_str())
        .collect();
    // The shipped requirements keep their pack prefix replaced by the project's pack id, and the
    // added one is checked too: View All Data grants Read on every object, so it is met.
    assert!(
        requirements.contains(&"act-on-acme/api-enabled"),
        "{requirements:?}"
    );
    assert!(
        !requirements.iter().any(|r| r.ends_with("/invoices")),
        "{requirements:?}"
    );
    std::fs::write(dir.path().join(OPS), permission_set("")).unwrap();
    let report = json(dir.path());
    let invoices: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["requirement"] == "act-on-acme/invoices")
        .collect();
    assert_eq!(invoices.len(), 1, "{report}");
    assert_eq!(invoices[0]["rule"], "missing-object-access");
    assert_eq!(
        invoices[0]["message"],
        "integration user Act-On lacks Read on Invoice__c (no access)"
    );
}

#[test]
fn packs_list_their_confidence_and_source() {
    let run = |args: &[&str]| {
        let output = Command::cargo_bin("sflint")
            .unwrap()
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        String::from_utf8(output.stdout).unwrap()
    };
    let human = run(&["packs"]);
    let act_on = human
        .lines()
        .position(|line| line.starts_with("act-on "))
        .expect("act-on is listed");
    let lines: Vec<&str> = human.lines().collect();
    assert!(lines[act_on].contains("high") && lines[act_on].contains("21 requirements"));
    assert!(
        lines[act_on + 1]
            .trim_start()
            .starts_with("source: https://connect.act-on.com/hc/en-us/articles/4548612904599")
            && lines[act_on + 1].ends_with("(read 2026-11-23)"),
        "{}",
        lines[act_on + 1]
    );
    let json: serde_json::Value =
        serde_json::from_str(&run(&["packs", "--format", "json"])).unwrap();
    let packs = json.as_array().unwrap();
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"))
        .unwrap()
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|ext| ext == "toml"))
        })
        .count();
    assert_eq!(packs.len(), files, "every rules/*.toml is a shipped pack");
    for pack in packs {
        assert!(
            pack["confidence"].is_string() && pack["source"]["retrieved"].is_string(),
            "{pack}"
        );
    }
    let shown = run(&["pack", "planhat"]);
    assert!(shown.starts_with("# Planhat (planhat)\n"), "{shown}");
    assert!(shown.contains("Grants must be on the profile, not in permission sets."));
}
