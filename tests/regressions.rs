//! Regression tests for the defects listed in issue 9 ("Defects this must fix"), one test (or a
//! few) per defect, each running the real binary on a small project built in a temporary directory
//! (or on a copy of `fixtures/example`) and asserting the exact findings, exit code and standard
//! error. Defect 5 (made-up requirement ids in settings) is covered in `tests/workflow.rs`.

use std::path::Path;

use serde_json::Value;

const PROJECT: &str = r#"{"packageDirectories":[{"path":"force-app","default":true}]}"#;

/// A project in a temporary directory: `sfdx-project.json` and the given files.
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

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// A copy of `fixtures/example` in a temporary directory.
fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example"),
        dir.path(),
    );
    dir
}

/// `sflint check --format concise --quiet ARGS` in `dir`: the finding lines, standard error and
/// exit code.
fn concise(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let output = assert_cmd::cargo::cargo_bin_cmd!("sflint")
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

/// One finding of a JSON report, reduced to what the tests compare.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    rule: String,
    severity: String,
    path: String,
    line: u64,
    requirement: Option<String>,
    integration: Option<String>,
}

impl Finding {
    fn from_json(diagnostic: &Value) -> Finding {
        let text = |key: &str| diagnostic[key].as_str().map(str::to_string);
        Finding {
            rule: text("rule").unwrap(),
            severity: text("severity").unwrap(),
            path: text("path").unwrap(),
            line: diagnostic["line"].as_u64().unwrap(),
            requirement: text("requirement"),
            integration: text("integration"),
        }
    }
}

/// A pack finding as expected.
fn pack_finding(
    rule: &str,
    severity: &str,
    path: &str,
    line: u64,
    requirement: &str,
    integration: &str,
) -> Finding {
    Finding {
        rule: rule.to_string(),
        severity: severity.to_string(),
        path: path.to_string(),
        line,
        requirement: Some(requirement.to_string()),
        integration: Some(integration.to_string()),
    }
}

/// A built-in finding as expected.
fn builtin_finding(rule: &str, severity: &str, path: &str, line: u64) -> Finding {
    Finding {
        rule: rule.to_string(),
        severity: severity.to_string(),
        path: path.to_string(),
        line,
        requirement: None,
        integration: None,
    }
}

/// One run of `sflint check --format json ARGS` in `dir`.
struct Run {
    /// Each finding with its message.
    findings: Vec<(Finding, String)>,
    stderr: String,
    code: i32,
}

impl Run {
    /// The findings, sorted.
    fn findings(&self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self.findings.iter().map(|(f, _)| f.clone()).collect();
        findings.sort();
        findings
    }

    /// The errors and warnings, sorted.
    fn loud(&self) -> Vec<Finding> {
        self.findings()
            .into_iter()
            .filter(|f| f.severity == "error" || f.severity == "warning")
            .collect()
    }

    fn messages(&self) -> Vec<&str> {
        self.findings.iter().map(|(_, m)| m.as_str()).collect()
    }
}

fn json(dir: &Path, args: &[&str]) -> Run {
    let output = assert_cmd::cargo::cargo_bin_cmd!("sflint")
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("report is not JSON ({error}); standard error:\n{stderr}"));
    Run {
        findings: report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    Finding::from_json(d),
                    d["message"].as_str().unwrap().to_string(),
                )
            })
            .collect(),
        stderr,
        code: output.status.code().unwrap(),
    }
}

/// The lines of standard error that are errors.
fn error_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| line.starts_with("sflint: error:"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Defect 1: an `any-of` with a `profile` alternative must not pass when no profile is declared.
// ---------------------------------------------------------------------------------------------

const HUBSPOT_SYNC: &str =
    "force-app/main/default/permissionsets/HubSpot_Sync.permissionset-meta.xml";

/// HubSpot's integration user without a profile: Modify All on Account, not on Contact (both
/// synced), and every user permission the pack asks for, so that `hubspot/synced-objects` is the
/// only gap. Line 19 is Contact's `<objectPermissions>`.
const HUBSPOT_SYNC_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <hasActivationRequired>false</hasActivationRequired>
    <label>HubSpot Sync</label>
    <objectPermissions>
        <allowCreate>true</allowCreate>
        <allowDelete>true</allowDelete>
        <allowEdit>true</allowEdit>
        <allowRead>true</allowRead>
        <modifyAllRecords>true</modifyAllRecords>
        <object>Account</object>
        <viewAllRecords>true</viewAllRecords>
    </objectPermissions>
    <objectPermissions>
        <allowCreate>true</allowCreate>
        <allowDelete>true</allowDelete>
        <allowEdit>true</allowEdit>
        <allowRead>true</allowRead>
        <modifyAllRecords>false</modifyAllRecords>
        <object>Contact</object>
        <viewAllRecords>true</viewAllRecords>
    </objectPermissions>
    <userPermissions>
        <enabled>true</enabled>
        <name>ApiEnabled</name>
    </userPermissions>
    <userPermissions>
        <enabled>true</enabled>
        <name>InstallPackaging</name>
    </userPermissions>
    <userPermissions>
        <enabled>true</enabled>
        <name>ViewSetup</name>
    </userPermissions>
</PermissionSet>
"#;

const HUBSPOT_NO_PROFILE_TOML: &str = r#"[[integration]]
name = "HubSpot"
pack = "hubspot"
permission_sets = ["HubSpot_Sync"]
package_permission_sets = ["HubSpot_Inc__HubSpot_Integration_Permissions"]

[integration.options]
synced_objects = ["Account", "Contact"]
"#;

#[test]
fn any_of_with_a_profile_alternative_fails_without_a_declared_profile_hubspot() {
    let dir = project(&[
        (HUBSPOT_SYNC, HUBSPOT_SYNC_XML),
        ("sflint.toml", HUBSPOT_NO_PROFILE_TOML),
    ]);
    let run = json(dir.path(), &[]);
    assert_eq!(run.stderr, "");
    // The profile alternative (System Administrator) cannot be verified without a profile, so it
    // does not meet the requirement: the Modify All gap on Contact is an error.
    assert_eq!(
        run.loud(),
        [pack_finding(
            "missing-object-access",
            "error",
            HUBSPOT_SYNC,
            2,
            "hubspot/synced-objects",
            "HubSpot",
        )],
        "{:#?}",
        run.messages()
    );
    assert_eq!(run.code, 1);
}

const LEANDATA_SYNC: &str =
    "force-app/main/default/permissionsets/LeanData_Integration.permissionset-meta.xml";

#[test]
fn any_of_with_a_profile_alternative_fails_without_a_declared_profile_leandata() {
    // Neither Modify All Data nor a profile: `leandata/admin-or-modify-all` (recommended) must
    // still be reported, as a warning.
    let dir = project(&[
        (
            LEANDATA_SYNC,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>LeanData Integration</label>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>ApiEnabled</name>\n    </userPermissions>\n</PermissionSet>\n",
        ),
        (
            "sflint.toml",
            "[[integration]]\nname = \"LeanData\"\npack = \"leandata\"\npermission_sets = [\"LeanData_Integration\"]\npackage_permission_sets = [\"LeanData__LeanData_Custom_Object_Full_Access\"]\n",
        ),
    ]);
    let run = json(dir.path(), &[]);
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.loud(),
        [pack_finding(
            "missing-user-permission",
            "warning",
            LEANDATA_SYNC,
            2,
            "leandata/admin-or-modify-all",
            "LeanData",
        )],
        "{:#?}",
        run.messages()
    );
    assert_eq!(run.code, 0);
    let run = json(dir.path(), &["--fail-on", "warning"]);
    assert_eq!(run.code, 1);
}

// ---------------------------------------------------------------------------------------------
// Defect 2: ignoring, suppressing or baselining the pack's View All Data finding must leave the
// built-in `view-all-data` warning.
// ---------------------------------------------------------------------------------------------

const MARKETING_SYNC: &str =
    "force-app/main/default/permissionsets/Marketing_Sync.permissionset-meta.xml";

/// The concise lines of `out` that are about View All Data or suppressions.
fn view_all_data_lines(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|line| line.contains("view-all-data") || line.contains("suppression"))
        .collect()
}

#[test]
fn ignoring_the_pack_keeps_the_builtin_view_all_data_warning() {
    let dir = example();
    let config = std::fs::read_to_string(dir.path().join("sflint.toml")).unwrap();
    std::fs::write(
        dir.path().join("sflint.toml"),
        format!("ignore = [\"act-on\"]\n\n{config}"),
    )
    .unwrap();
    let (out, err, code) = concise(dir.path(), &[]);
    assert_eq!(err, "");
    assert_eq!(
        out,
        format!(
            "{MARKETING_SYNC}:7:9: error field-access-dependency Contact.HasOptedOutOfEmail is editable but not readable in permission set Marketing_Sync\n\
             {MARKETING_SYNC}:23:9: error object-access-dependency Edit on Lead without Read in permission set Marketing_Sync\n\
             {MARKETING_SYNC}:35:9: error unknown-user-permission unknown user permission EditTasks in permission set Marketing_Sync; did you mean EditTask (Edit Tasks)?\n\
             {MARKETING_SYNC}:39:9: warning view-all-data permission set Marketing_Sync grants ViewAllData (View All Data)\n\
             force-app/main/default/profiles/Integration User.profile-meta.xml:24:9: warning permission-dependency CustomizeApplication (Customize Application) requires 2 permissions that profile Integration User does not enable: ManageCustomPermissions (Manage Custom Permissions) and ViewSetup (View Setup and Configuration)\n"
        )
    );
    assert_eq!(code, 1);
}

#[test]
fn suppressing_the_pack_finding_inline_keeps_the_builtin_view_all_data_warning() {
    let dir = example();
    let file = dir.path().join(MARKETING_SYNC);
    let text = std::fs::read_to_string(&file).unwrap();
    let grant = "    <userPermissions>\n        <enabled>true</enabled>\n        <name>ViewAllData</name>\n";
    assert!(text.contains(grant));
    std::fs::write(
        &file,
        text.replace(
            grant,
            &format!("    <!-- sflint-disable-next act-on -- approved in SEC-1 -->\n{grant}"),
        ),
    )
    .unwrap();
    let (out, err, code) = concise(dir.path(), &[]);
    assert_eq!(err, "");
    // The pack's error is suppressed (the directive is used, so not reported as unused); the
    // built-in warning, one line lower than in the example, stays.
    assert_eq!(
        view_all_data_lines(&out),
        [format!(
            "{MARKETING_SYNC}:40:9: warning view-all-data permission set Marketing_Sync grants ViewAllData (View All Data)"
        )]
    );
    assert_eq!(code, 1);
}

#[test]
fn baselining_the_pack_finding_keeps_the_builtin_view_all_data_warning() {
    let dir = example();
    // Written by hand: only the pack's View All Data finding (the shape of src/baseline.rs).
    let baseline = format!(
        r#"{{
  "version": 1,
  "findings": [
    {{
      "rule": "view-all-data",
      "path": "{MARKETING_SYNC}",
      "element": "act-on/no-view-all-data/Marketing_Sync",
      "integration": "Act-On",
      "message": "integration user Act-On holds ViewAllData (View All Data), which the act-on pack does not need"
    }}
  ]
}}
"#
    );
    std::fs::write(dir.path().join("baseline.json"), baseline).unwrap();
    let (out, err, code) = concise(dir.path(), &["--baseline", "baseline.json"]);
    // The entry matches (it is not stale), and only the pack finding is hidden.
    assert_eq!(err, "");
    assert_eq!(
        view_all_data_lines(&out),
        [format!(
            "{MARKETING_SYNC}:39:9: warning view-all-data permission set Marketing_Sync grants ViewAllData (View All Data)"
        )]
    );
    assert_eq!(code, 1);
}

/// The invariant the baseline case above must not break: a baseline generated on a project hides
/// every finding of that unchanged project.
#[test]
fn a_generated_baseline_still_hides_everything_in_the_unchanged_example() {
    let dir = example();
    let output = assert_cmd::cargo::cargo_bin_cmd!("sflint")
        .current_dir(dir.path())
        .args(["check", "--generate-baseline", "baseline.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let (out, err, code) = concise(dir.path(), &["--baseline", "baseline.json"]);
    assert_eq!((out.as_str(), err.as_str(), code), ("", "", 0));
}

// ---------------------------------------------------------------------------------------------
// Defect 3: `--pack` with files on the command line.
// ---------------------------------------------------------------------------------------------

const ACTON_OBJECTS: &str =
    "force-app/main/default/permissionsets/ActOn_Objects.permissionset-meta.xml";
const ACTON_API: &str = "force-app/main/default/permissionsets/ActOn_Api.permissionset-meta.xml";
const ACTON_BUNDLE: &str =
    "force-app/main/default/permissionsetgroups/ActOn_Bundle.permissionsetgroup-meta.xml";
const ACTON_PROFILE_ONE: &str = "force-app/main/default/profiles/ActOn One.profile-meta.xml";
const ACTON_PROFILE_TWO: &str = "force-app/main/default/profiles/ActOn Two.profile-meta.xml";

const PROFILE_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <custom>true</custom>\n    <userLicense>Salesforce</userLicense>\n</Profile>\n";

/// A permission set `ActOn_Objects` with nothing in it, a group `ActOn_Bundle` whose only member
/// `ActOn_Api` holds the only API Enabled grant, and two profiles.
fn act_on_pack_project() -> tempfile::TempDir {
    project(&[
        (
            ACTON_OBJECTS,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>ActOn Objects</label>\n</PermissionSet>\n",
        ),
        (
            ACTON_API,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>ActOn Api</label>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>ApiEnabled</name>\n    </userPermissions>\n</PermissionSet>\n",
        ),
        (
            ACTON_BUNDLE,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSetGroup xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>ActOn Bundle</label>\n    <permissionSets>ActOn_Api</permissionSets>\n    <status>Updated</status>\n</PermissionSetGroup>\n",
        ),
        (ACTON_PROFILE_ONE, PROFILE_XML),
        (ACTON_PROFILE_TWO, PROFILE_XML),
    ])
}

fn api_enabled_findings(run: &Run) -> Vec<Finding> {
    run.findings()
        .into_iter()
        .filter(|f| f.requirement.as_deref() == Some("act-on/api-enabled"))
        .collect()
}

#[test]
fn pack_shortcut_counts_the_members_of_a_group_named_on_the_command_line() {
    let dir = act_on_pack_project();
    // Without the group, API Enabled is missing ...
    let run = json(dir.path(), &["--pack", "act-on", ACTON_OBJECTS]);
    assert_eq!(run.stderr, "");
    assert_eq!(
        api_enabled_findings(&run),
        [pack_finding(
            "missing-api-enabled",
            "error",
            ACTON_OBJECTS,
            2,
            "act-on/api-enabled",
            "Act-On",
        )]
    );
    assert_eq!(run.code, 1);
    // ... with it, its member ActOn_Api (loaded from the project) grants it.
    let run = json(
        dir.path(),
        &["--pack", "act-on", ACTON_OBJECTS, ACTON_BUNDLE],
    );
    assert_eq!(run.stderr, "");
    assert_eq!(api_enabled_findings(&run), [], "{:#?}", run.messages());
    assert!(
        run.findings()
            .iter()
            .any(|f| f.integration.as_deref() == Some("Act-On")),
        "the user must still be checked against act-on: {:#?}",
        run.messages()
    );
    assert_eq!(run.code, 1);
}

#[test]
fn pack_shortcut_with_two_profiles_is_an_error() {
    let dir = act_on_pack_project();
    // Given in reverse order: the message lists them sorted.
    let (_, err, code) = concise(
        dir.path(),
        &[
            "--pack",
            "act-on",
            ACTON_PROFILE_TWO,
            ACTON_PROFILE_ONE,
            ACTON_OBJECTS,
        ],
    );
    assert_eq!(
        error_lines(&err),
        [format!(
            "sflint: error: --pack checks one integration user, and a user has one profile: {ACTON_PROFILE_ONE} and {ACTON_PROFILE_TWO}"
        )],
        "{err}"
    );
    assert_eq!(code, 2);
}

// ---------------------------------------------------------------------------------------------
// Defect 4: user pack files must not fail silently.
// ---------------------------------------------------------------------------------------------

const SYNC: &str = "force-app/main/default/permissionsets/Sync.permissionset-meta.xml";
const EMPTY_SYNC_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>Sync</label>\n</PermissionSet>\n";
const MY_PACK_CONFIG: &str =
    "[[integration]]\nname = \"Sync\"\npack = \"my-pack.toml\"\npermission_sets = [\"Sync\"]\n";
const MY_PACK_HEADER: &str = r#"[pack]
id = "my-pack"
name = "My pack"
summary = "A project's own pack"
source = { title = "Integration runbook", retrieved = "2026-11-23" }
"#;

/// A project whose integration user `Sync` (the permission set `permission_set`) is checked
/// against `my-pack.toml`, holding `MY_PACK_HEADER` followed by `requirements`.
fn my_pack_project(permission_set: &str, requirements: &str) -> tempfile::TempDir {
    project(&[
        (SYNC, permission_set),
        ("sflint.toml", MY_PACK_CONFIG),
        ("my-pack.toml", &format!("{MY_PACK_HEADER}{requirements}")),
    ])
}

#[test]
fn user_pack_field_of_another_kind_is_an_error_with_its_position() {
    // `objects` is on line 11, column 1 of my-pack.toml.
    let dir = my_pack_project(
        EMPTY_SYNC_XML,
        r#"
[[require]]
id = "api"
kind = "user-permission"
permission = "ApiEnabled"
objects = ["Account"]
why = "API access"
source = "runbook"
"#,
    );
    let run = json(dir.path(), &[]);
    let errors = error_lines(&run.stderr);
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].starts_with("sflint: error: my-pack.toml:11:1: ")
            && errors[0].contains("unknown field `objects`"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 2);
    // An integration whose pack does not load is not checked.
    assert_eq!(run.findings(), []);
}

/// `finding` must rename the gaps of every kind, not of some: before the refactor it was honoured
/// by user-permission and forbid-permission only.
#[test]
fn user_pack_finding_works_on_every_kind() {
    let dir = my_pack_project(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>Sync</label>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>EditTask</name>\n    </userPermissions>\n</PermissionSet>\n",
        r#"
[[require]]
id = "reports"
kind = "user-permission"
permission = "ExportReport"
finding = "forbidden-permission"
why = "exports reports"
source = "runbook"

[[require]]
id = "no-tasks"
kind = "forbid-permission"
permission = "EditTask"
finding = "dangerous-permission"
why = "must not write tasks"
source = "runbook"

[[require]]
id = "accounts"
kind = "object-access"
objects = ["Account"]
access = ["read"]
finding = "missing-user-permission"
why = "reads accounts"
source = "runbook"

[[require]]
id = "contact-email"
kind = "field-access"
fields = ["Contact.Email"]
field_access = "read"
finding = "missing-object-access"
why = "reads contact emails"
source = "runbook"

[[require]]
id = "marketing-leads"
kind = "record-type"
record_types = ["Lead.Marketing"]
finding = "missing-field-access"
why = "the marketing lead record type"
source = "runbook"

[[require]]
id = "package"
kind = "permission-set"
permission_sets = ["Pkg__Access"]
finding = "missing-record-type"
why = "the package permission set"
source = "runbook"
"#,
    );
    let run = json(dir.path(), &[]);
    assert_eq!(run.stderr, "");
    let mut expected = vec![
        pack_finding(
            "forbidden-permission",
            "error",
            SYNC,
            // Where ExportReport belongs among the user permissions: before EditTask.
            4,
            "my-pack/reports",
            "Sync",
        ),
        pack_finding(
            "dangerous-permission",
            "error",
            SYNC,
            6,
            "my-pack/no-tasks",
            "Sync",
        ),
        pack_finding(
            "missing-user-permission",
            "error",
            SYNC,
            2,
            "my-pack/accounts",
            "Sync",
        ),
        pack_finding(
            "missing-object-access",
            "error",
            SYNC,
            2,
            "my-pack/contact-email",
            "Sync",
        ),
        pack_finding(
            "missing-field-access",
            "error",
            SYNC,
            2,
            "my-pack/marketing-leads",
            "Sync",
        ),
        pack_finding(
            "missing-record-type",
            "error",
            SYNC,
            2,
            "my-pack/package",
            "Sync",
        ),
    ];
    expected.sort();
    assert_eq!(run.findings(), expected, "{:#?}", run.messages());
    // The message stays the kind's own: only the rule id changes.
    let message_of = |requirement: &str| {
        run.findings
            .iter()
            .find(|(f, _)| f.requirement.as_deref() == Some(requirement))
            .map(|(_, m)| m.as_str())
            .unwrap()
    };
    assert_eq!(
        message_of("my-pack/reports"),
        "integration user Sync lacks ExportReport (Export Reports)"
    );
    assert_eq!(
        message_of("my-pack/accounts"),
        "integration user Sync lacks Read on Account (no access)"
    );
    assert_eq!(run.code, 1);
}

#[test]
fn user_pack_when_with_a_string_for_a_bool_option_is_an_error_with_its_position() {
    // `"true"` is on line 17, column 17 of my-pack.toml.
    let dir = my_pack_project(
        EMPTY_SYNC_XML,
        r#"
[[option]]
id = "flag"
kind = "bool"
default = true
description = "a switch"

[[require]]
id = "reports"
kind = "user-permission"
permission = "ExportReport"
when = { flag = "true" }
why = "exports reports"
source = "runbook"
"#,
    );
    let run = json(dir.path(), &[]);
    let errors = error_lines(&run.stderr);
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].starts_with("sflint: error: my-pack.toml:17:17: ") && errors[0].contains("flag"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 2);
    assert_eq!(run.findings(), []);
}

const ANY_OF_SWITCHED_OFF: &str = r#"
[[option]]
id = "reports"
kind = "bool"
default = false
description = "whether reports are used"

[[option]]
id = "tasks"
kind = "bool"
default = false
description = "whether tasks are used"

[[require]]
id = "reports-or-tasks"
kind = "any-of"
why = "reports or tasks"
source = "runbook"

[[require.any_of]]
id = "export-reports"
kind = "user-permission"
permission = "ExportReport"
when = { reports = true }
why = "exports reports"
source = "runbook"

[[require.any_of]]
id = "edit-tasks"
kind = "user-permission"
permission = "EditTask"
when = { tasks = true }
why = "writes tasks"
source = "runbook"

[[require]]
id = "checked"
kind = "unverifiable"
what = "the connected app's OAuth policy"
why = "shows that the integration was evaluated"
source = "runbook"
"#;

#[test]
fn user_pack_any_of_with_every_alternative_switched_off_reports_nothing() {
    let dir = my_pack_project(EMPTY_SYNC_XML, ANY_OF_SWITCHED_OFF);
    let run = json(dir.path(), &[]);
    assert_eq!(run.stderr, "");
    assert!(
        !run.messages().iter().any(|m| m.contains("accepts: ")),
        "{:#?}",
        run.messages()
    );
    // Only the always-reported info: the integration was evaluated, and the any-of checked nothing.
    assert_eq!(
        run.findings(),
        [pack_finding(
            "unverifiable-requirement",
            "info",
            SYNC,
            2,
            "my-pack/checked",
            "Sync",
        )],
        "{:#?}",
        run.messages()
    );
    assert_eq!(run.code, 0);

    // Switching one alternative on makes the requirement apply.
    std::fs::write(
        dir.path().join("sflint.toml"),
        format!("{MY_PACK_CONFIG}\n[integration.options]\nreports = true\n"),
    )
    .unwrap();
    let run = json(dir.path(), &[]);
    assert_eq!(run.stderr, "");
    assert!(
        run.findings().iter().any(
            |f| f.requirement.as_deref() == Some("my-pack/reports-or-tasks")
                && f.severity == "error"
        ),
        "{:#?}",
        run.messages()
    );
    assert_eq!(run.code, 1);
}

// ---------------------------------------------------------------------------------------------
// Defect 6: a member that exists but does not parse is reported as invalid XML, not "not found".
// ---------------------------------------------------------------------------------------------

const ACTON_INTEGRATION: &str =
    "force-app/main/default/permissionsets/ActOn_Integration.permissionset-meta.xml";
const ACTON_INTEGRATION_PROFILE: &str =
    "force-app/main/default/profiles/ActOn Integration.profile-meta.xml";

/// An Act-On user whose permission set is not well-formed: the closing tag on line 7 does not
/// match.
fn broken_member_project() -> tempfile::TempDir {
    project(&[
        (
            ACTON_INTEGRATION,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>ActOn Integration</label>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>ApiEnabled</name>\n    </userPermission>\n</PermissionSet>\n",
        ),
        (ACTON_INTEGRATION_PROFILE, PROFILE_XML),
        (
            "sflint.toml",
            "[[integration]]\nname = \"Act-On\"\npack = \"act-on\"\nprofile = \"ActOn Integration\"\npermission_sets = [\"ActOn_Integration\"]\n",
        ),
    ])
}

fn assert_invalid_member_reported(run: &Run) {
    assert!(
        run.findings().contains(&builtin_finding(
            "invalid-xml",
            "error",
            ACTON_INTEGRATION,
            7
        )),
        "{:#?}",
        run.findings
    );
    assert!(!run.stderr.contains("not found"), "{}", run.stderr);
}

#[test]
fn pre_commit_on_a_profile_reports_its_unparsable_permission_set_as_invalid_xml() {
    let dir = broken_member_project();
    let run = json(dir.path(), &[ACTON_INTEGRATION_PROFILE]);
    assert_invalid_member_reported(&run);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn full_run_does_not_call_an_unparsable_member_not_found() {
    let dir = broken_member_project();
    let run = json(dir.path(), &[]);
    assert_invalid_member_reported(&run);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------------
// Defect 7: a read-only pack must not flag the field edits it requires itself.
// ---------------------------------------------------------------------------------------------

/// Contact.Email (required editable) and Contact.Phone (not required) are both editable; line 8 is
/// Contact.Phone's `<fieldPermissions>`.
const READ_ONLY_SYNC_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <fieldPermissions>
        <editable>true</editable>
        <field>Contact.Email</field>
        <readable>true</readable>
    </fieldPermissions>
    <fieldPermissions>
        <editable>true</editable>
        <field>Contact.Phone</field>
        <readable>true</readable>
    </fieldPermissions>
    <label>Sync</label>
    <objectPermissions>
        <allowCreate>false</allowCreate>
        <allowDelete>false</allowDelete>
        <allowEdit>true</allowEdit>
        <allowRead>true</allowRead>
        <modifyAllRecords>false</modifyAllRecords>
        <object>Contact</object>
        <viewAllRecords>false</viewAllRecords>
    </objectPermissions>
    <userPermissions>
        <enabled>true</enabled>
        <name>ApiEnabled</name>
    </userPermissions>
</PermissionSet>
"#;

#[test]
fn read_only_pack_does_not_flag_the_field_edits_it_requires() {
    let dir = project(&[
        (SYNC, READ_ONLY_SYNC_XML),
        ("sflint.toml", MY_PACK_CONFIG),
        (
            "my-pack.toml",
            &format!(
                "{}{}",
                MY_PACK_HEADER.replace("[pack]\n", "[pack]\nread_only = true\n"),
                r#"
[[require]]
id = "api-enabled"
kind = "user-permission"
permission = "ApiEnabled"
why = "API access"
source = "runbook"

[[require]]
id = "contacts"
kind = "object-access"
objects = ["Contact"]
access = ["read", "edit"]
why = "reads contacts and writes back their email"
source = "runbook"

[[require]]
id = "contact-email"
kind = "field-access"
fields = ["Contact.Email"]
field_access = "edit"
why = "writes back the email"
source = "runbook"
"#
            ),
        ),
    ]);
    let run = json(dir.path(), &[]);
    assert_eq!(run.stderr, "");
    // Only Contact.Phone is excess; Contact.Email's edit is what the pack asks for.
    assert_eq!(
        run.findings()
            .into_iter()
            .map(|f| (f.rule, f.severity, f.path, f.line))
            .collect::<Vec<_>>(),
        [(
            "excess-access".to_string(),
            "warning".to_string(),
            SYNC.to_string(),
            8
        )],
        "{:#?}",
        run.messages()
    );
    assert_eq!(
        run.messages(),
        [
            "integration user Sync can edit 1 field of Contact (Contact.Phone), but My pack only reads"
        ]
    );
    assert_eq!(run.code, 0);
}

// ---------------------------------------------------------------------------------------------
// Found in review of the new pipeline.
// ---------------------------------------------------------------------------------------------

/// A pre-commit run on one user's profile does not report another user's broken file, nor warn
/// about it: neither is what the run was asked about.
#[test]
fn pre_commit_leaves_out_what_other_integrations_fail_to_read() {
    let dir = broken_member_project();
    let other_set = "force-app/main/default/permissionsets/Other.permissionset-meta.xml";
    let other_profile = "force-app/main/default/profiles/Other.profile-meta.xml";
    std::fs::write(dir.path().join(other_profile), PROFILE_XML).unwrap();
    std::fs::write(
        dir.path().join(other_set),
        "<PermissionSet><oops></PermissionSet>\n",
    )
    .unwrap();
    // Act-On's member parses now; "Other" holds the broken file.
    std::fs::write(
        dir.path().join(ACTON_INTEGRATION),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>ActOn Integration</label>\n</PermissionSet>\n",
    )
    .unwrap();
    let config = dir.path().join("sflint.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[[integration]]\nname = \"Other\"\npack = \"act-on\"\nprofile = \"Other\"\npermission_sets = [\"Other\"]\n");
    std::fs::write(&config, text).unwrap();

    let (out, err, _) = concise(dir.path(), &[ACTON_INTEGRATION_PROFILE]);
    assert!(!out.contains("Other.permissionset-meta.xml"), "{out}");
    assert_eq!(err, "");
    // A full run reports both, and says why Other is not checked.
    let (out, err, code) = concise(dir.path(), &[]);
    assert!(
        out.contains(&format!("{other_set}:1:22: error invalid-xml")),
        "{out}"
    );
    assert_eq!(
        err,
        format!(
            "sflint: warning: sflint.toml: integration \"Other\" is not checked: permission set \"Other\" ({other_set}) does not parse (see the invalid-xml findings)\n"
        )
    );
    assert_eq!(code, 1);
}

/// A directive that names a rule the project's settings switch off still has its finding: it is not
/// reported as unused.
#[test]
fn a_directive_for_a_rule_switched_off_in_the_settings_is_not_unused() {
    let dir = example();
    let set = dir.path().join(MARKETING_SYNC);
    let text = std::fs::read_to_string(&set).unwrap();
    let marked = text.replacen(
        "    <userPermissions>\n        <enabled>true</enabled>\n        <name>EditTasks</name>",
        "    <!-- sflint-disable-next unknown-user-permission -- retired name, removed in SF-12 -->\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>EditTasks</name>",
        1,
    );
    assert_ne!(marked, text);
    std::fs::write(&set, marked).unwrap();
    let config = dir.path().join("sflint.toml");
    let settings = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("ignore = [\"unknown-user-permission\"]\n{settings}"),
    )
    .unwrap();
    let (out, err, _) = concise(dir.path(), &[]);
    assert!(!out.contains("unused-suppression"), "{out}");
    assert!(!out.contains("unknown-user-permission"), "{out}");
    assert_eq!(err, "");
}

/// An unused directive is shown with its source line, as every finding is.
#[test]
fn an_unused_directive_is_shown_with_its_source() {
    let dir = example();
    let set = dir.path().join(MARKETING_SYNC);
    let text = std::fs::read_to_string(&set).unwrap();
    std::fs::write(
        &set,
        text.replacen(
            "</PermissionSet>",
            "    <!-- sflint-disable-next duplicate-entry -- legacy -->\n    <description>x</description>\n</PermissionSet>",
            1,
        ),
    )
    .unwrap();
    let output = assert_cmd::cargo::cargo_bin_cmd!("sflint")
        .current_dir(dir.path())
        .args(["check", "--color", "never", MARKETING_SYNC])
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    let unused = out
        .split("\n\n")
        .skip_while(|block| !block.starts_with("unused-suppression"))
        .nth(1)
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        unused.contains("│     <!-- sflint-disable-next duplicate-entry -- legacy -->\n"),
        "{unused}"
    );
}

/// The baseline's count of hidden findings is what a run without it reports.
#[test]
fn baselined_findings_are_counted_as_reported() {
    let dir = example();
    let plain = assert_cmd::cargo::cargo_bin_cmd!("sflint")
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let reported = serde_json::from_slice::<Value>(&plain.stdout).unwrap()["diagnostics"]
        .as_array()
        .unwrap()
        .len();
    let generated = assert_cmd::cargo::cargo_bin_cmd!("sflint")
        .current_dir(dir.path())
        .args(["check", "--generate-baseline", "baseline.json"])
        .output()
        .unwrap();
    let said = String::from_utf8(generated.stderr).unwrap();
    assert!(
        said.starts_with(&format!(
            "sflint: recorded {reported} findings in baseline.json"
        )),
        "{said}"
    );
    let (out, _, code) = concise(dir.path(), &["--baseline", "baseline.json"]);
    assert_eq!((out.as_str(), code), ("", 0));
    let summary = assert_cmd::cargo::cargo_bin_cmd!("sflint")
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "concise",
            "--baseline",
            "baseline.json",
        ])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(summary.stdout)
            .unwrap()
            .contains(&format!("; {reported} findings hidden by the baseline.")),
    );
}
