//! What a new user runs into in the first hour: runs that lint nothing, typos, configuration
//! mistakes that would silently do nothing. Each test runs the real binary and checks the exact
//! output.

mod support;

use std::process::Command;

use support::run;

const PROJECT: &str = r#"{"packageDirectories":[{"path":"force-app","default":true}]}"#;
const SETS: &str = "force-app/main/default/permissionsets";

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

fn permission_set(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>Set</label>\n{body}</PermissionSet>\n"
    )
}

fn user_permission(name: &str) -> String {
    format!(
        "    <userPermissions>\n        <enabled>true</enabled>\n        <name>{name}</name>\n    </userPermissions>\n"
    )
}

const PROFILE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <custom>true</custom>\n    <userLicense>Salesforce</userLicense>\n</Profile>\n";

// Silent green runs.

/// NPSP and EDA keep their permission files under `unpackaged/`, outside `packageDirectories`.
fn unpackaged_project() -> tempfile::TempDir {
    let dir = project(&[(
        "unpackaged/config/permissionsets/Ops.permissionset-meta.xml",
        &permission_set(&user_permission("ManageFlow")),
    )]);
    std::fs::create_dir_all(dir.path().join("force-app/main/default")).unwrap();
    dir
}

#[test]
fn a_run_that_finds_nothing_says_where_the_files_are() {
    let dir = unpackaged_project();
    let quiet = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(quiet.code, 0);
    assert_eq!(quiet.stdout, "No findings in 0 components (0 files).\n");
    assert_eq!(
        quiet.stderr,
        "sflint: warning: no permission metadata found in the package directories (force-app), but permission metadata lies outside them in unpackaged (1 file): lint it with `sflint check unpackaged`\n"
    );
    let strict = run(
        dir.path(),
        &["check", "--format", "concise", "--fail-on-empty"],
    );
    assert_eq!(strict.code, 2);
}

#[test]
fn a_directory_named_on_the_command_line_is_linted_package_directory_or_not() {
    let dir = unpackaged_project();
    let named = run(dir.path(), &["check", "unpackaged", "--format", "concise"]);
    assert_eq!(named.stderr, "");
    assert_eq!(
        named.stdout,
        "unpackaged/config/permissionsets/Ops.permissionset-meta.xml:6:9: error unknown-user-permission unknown user permission ManageFlow in permission set Ops; did you mean ManageInteraction (Manage Flow)?\nFound 1 error in 1 component (1 file).\n"
    );
    assert_eq!(named.code, 1);
}

#[test]
fn a_mistyped_subcommand_is_named_with_the_one_meant() {
    let dir = project(&[]);
    let typo = run(dir.path(), &["chek"]);
    assert_eq!(typo.code, 2);
    assert_eq!(typo.stdout, "");
    assert_eq!(
        typo.stderr,
        "sflint: error: unknown subcommand \"chek\" (did you mean `sflint check`?); `sflint --help` lists them\n"
    );
}

// Members left out of the project.

#[test]
fn a_member_forceignore_leaves_out_still_counts_and_is_said_to() {
    let dir = project(&[
        (
            &format!("{SETS}/ActOn_Api.permissionset-meta.xml"),
            &permission_set(&user_permission("ApiEnabled")),
        ),
        (
            "force-app/main/default/profiles/ActOn.profile-meta.xml",
            PROFILE,
        ),
        (
            ".forceignore",
            "**/permissionsets/ActOn_Api.permissionset-meta.xml\n",
        ),
        (
            "sflint.toml",
            "[[integration]]\nname = \"Act-On\"\npack = \"act-on\"\nprofile = \"ActOn\"\npermission_sets = [\"ActOn_Api\"]\n",
        ),
    ]);
    let counted = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(
        counted.stderr,
        format!(
            "sflint: warning: sflint.toml: integration \"Act-On\": counted although .forceignore or exclude leave them out of this project, as they are in the org (count_excluded_members = false leaves them out): permission set \"ActOn_Api\" ({SETS}/ActOn_Api.permissionset-meta.xml)\n"
        )
    );
    let report: serde_json::Value = serde_json::from_str(&counted.stdout).unwrap();
    // API Enabled comes from the excluded permission set: the pack does not miss it.
    let rules: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.contains(&"missing-api-enabled"), "{rules:?}");
    assert_eq!(report["summary"]["integrations"], 1);
    // The excluded file itself is not linted.
    assert_eq!(report["summary"]["components"], 1);

    let config = dir.path().join("sflint.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("count_excluded_members = false\n{text}")).unwrap();
    let left_out = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(left_out.code, 2);
    assert!(
        left_out
            .stderr
            .contains("not found in the project: permission set \"ActOn_Api\""),
        "{}",
        left_out.stderr
    );
}

// Configuration mistakes that would do nothing.

#[test]
fn an_integration_with_no_member_is_an_error_at_its_name() {
    let dir = project(&[
        (
            &format!("{SETS}/Ops.permissionset-meta.xml"),
            &permission_set(""),
        ),
        (
            "sflint.toml",
            "ignore = []\n\n[[integration]]\nname = \"Act-On\"\npack = \"act-on\"\n",
        ),
    ]);
    let checked = run(dir.path(), &["check", "--format", "concise", "--quiet"]);
    assert_eq!(checked.code, 2);
    assert_eq!(
        checked.stderr,
        "sflint: error: sflint.toml:4:8: integration \"Act-On\" names no profile, permission set or permission set group, so it checks nothing\n"
    );
}

#[test]
fn an_override_of_an_integration_that_is_not_declared_is_an_error_with_the_closest_name() {
    let dir = project(&[
        (
            &format!("{SETS}/Ops.permissionset-meta.xml"),
            &permission_set(""),
        ),
        (
            "sflint.toml",
            "[[overrides]]\nintegrations = [\"Act On\"]\nignore = [\"excess-access\"]\n\n[[integration]]\nname = \"Act-On\"\npack = \"act-on\"\npermission_sets = [\"Ops\"]\n",
        ),
    ]);
    let checked = run(dir.path(), &["check", "--format", "concise", "--quiet"]);
    assert_eq!(checked.code, 2);
    assert!(
        checked.stderr.starts_with(
            "sflint: error: sflint.toml:2:17: overrides name integration \"Act On\", which is not declared (did you mean \"Act-On\"?); the override applies to nothing\n"
        ),
        "{}",
        checked.stderr
    );
}

#[test]
fn a_top_level_key_below_an_integration_table_is_explained() {
    let dir = project(&[
        (
            &format!("{SETS}/Ops.permissionset-meta.xml"),
            &permission_set(""),
        ),
        (
            "sflint.toml",
            "[[integration]]\nname = \"Act-On\"\npack = \"act-on\"\npermission_sets = [\"Ops\"]\nignore = [\"view-all-data\"]\n",
        ),
    ]);
    let checked = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(checked.code, 2);
    assert_eq!(checked.stdout, "No findings in 0 components (0 files).\n");
    assert_eq!(
        checked.stderr,
        "sflint: error: sflint.toml:5:1: `ignore` is read as part of the table above it, where it means nothing: top-level settings go above the first [[integration]] or [[overrides]]\n"
    );
}

#[test]
fn a_directive_naming_an_id_that_does_not_exist_is_invalid() {
    let dir = project(&[(
        &format!("{SETS}/Ops.permissionset-meta.xml"),
        &permission_set(&format!(
            "    <!-- sflint-disable-next view-all-dta: approved in SEC-1 -->\n{}",
            user_permission("ViewAllData")
        )),
    )]);
    let checked = run(dir.path(), &["check", "--format", "concise", "--quiet"]);
    assert_eq!(
        checked.stdout,
        format!(
            "{SETS}/Ops.permissionset-meta.xml:4:5: error invalid-suppression unknown rule, pack or requirement \"view-all-dta\" (did you mean view-all-data?); `sflint rules` and `sflint packs` list them\n{SETS}/Ops.permissionset-meta.xml:7:9: warning view-all-data permission set Ops grants ViewAllData (View All Data)\n"
        )
    );
    assert_eq!(checked.code, 1);
}

#[test]
fn the_json_report_carries_the_run_problems() {
    let dir = project(&[(
        &format!("{SETS}/Ops.permissionset-meta.xml"),
        &permission_set(""),
    )]);
    let checked = run(
        dir.path(),
        &["check", "--format", "json", "missing-dir", "."],
    );
    assert_eq!(checked.code, 2);
    let report: serde_json::Value = serde_json::from_str(&checked.stdout).unwrap();
    assert_eq!(
        report["problems"],
        serde_json::json!([{
            "level": "error",
            "path": "missing-dir",
            "line": null,
            "column": null,
            "message": "no such file or directory"
        }])
    );
    assert_eq!(report["summary"]["integrations"], 0);
}

// Reference output.

#[test]
fn rules_as_markdown_are_a_table_with_every_severity_a_rule_reports() {
    let dir = project(&[]);
    let listed = run(dir.path(), &["rules", "--format", "markdown"]);
    assert_eq!(listed.code, 0);
    let lines: Vec<&str> = listed.stdout.lines().collect();
    assert_eq!(lines[0], "| id | severity | what it reports |");
    assert_eq!(lines[1], "|---|---|---|");
    assert!(lines.contains(
        &"| `unknown-user-permission` | error, warning | user permission name that is not in the catalog of Salesforce permissions |"
    ));
    assert_eq!(lines.len(), 2 + sflint::registry::RuleId::ALL.len());
}

#[test]
fn a_pack_as_json_gives_every_requirement_with_its_full_id() {
    let dir = project(&[]);
    let shown = run(dir.path(), &["pack", "act-on", "--format", "json"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    let pack: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
    assert_eq!(pack["id"], "act-on");
    let requirements = pack["requirements"].as_array().unwrap();
    let api = requirements
        .iter()
        .find(|requirement| requirement["id"] == "act-on/api-enabled")
        .unwrap_or_else(|| panic!("{requirements:?}"));
    assert_eq!(api["kind"], "user-permission");
    assert_eq!(api["level"], "required");
    assert!(api["why"].as_str().is_some_and(|why| !why.is_empty()));
    assert!(pack["source"]["url"].as_str().is_some());
}

// Output a user can act on.

/// A read-only pack on a permission set that writes to many objects: one finding, every object in
/// the JSON's `items`.
#[test]
fn excess_access_on_many_objects_is_one_finding_with_every_object() {
    let objects: String = (0..12)
        .map(|index| {
            format!(
                "    <objectPermissions>\n        <allowCreate>false</allowCreate>\n        <allowDelete>false</allowDelete>\n        <allowEdit>true</allowEdit>\n        <allowRead>true</allowRead>\n        <modifyAllRecords>false</modifyAllRecords>\n        <object>Obj{index:02}__c</object>\n        <viewAllRecords>false</viewAllRecords>\n    </objectPermissions>\n"
            )
        })
        .collect();
    let dir = project(&[
        (
            &format!("{SETS}/Sync.permissionset-meta.xml"),
            &permission_set(&(objects + &user_permission("ApiEnabled"))),
        ),
        (
            "sflint.toml",
            "[[integration]]\nname = \"Fivetran\"\npack = \"fivetran\"\npermission_sets = [\"Sync\"]\n",
        ),
    ]);
    let checked = run(dir.path(), &["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&checked.stdout).unwrap();
    let excess: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "excess-access")
        .collect();
    assert_eq!(excess.len(), 1, "{excess:?}");
    assert_eq!(
        excess[0]["message"],
        "integration user Fivetran can write to 12 objects, but Fivetran only reads: Obj00__c (Edit), Obj01__c (Edit), Obj02__c (Edit), Obj03__c (Edit), Obj04__c (Edit) and 7 more"
    );
    assert_eq!(excess[0]["line"], 4);
    let items: Vec<&str> = excess[0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item.as_str().unwrap())
        .collect();
    assert_eq!(items.len(), 12);
    assert_eq!(items[11], "Obj11__c (Edit)");
}

/// One Modify All Data grant without what it needs is one finding naming every missing permission.
#[test]
fn a_permission_missing_many_dependencies_is_one_finding() {
    let dir = project(&[(
        &format!("{SETS}/Admin.permissionset-meta.xml"),
        &permission_set(&user_permission("ModifyAllData")),
    )]);
    let checked = run(dir.path(), &["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&checked.stdout).unwrap();
    let dependencies: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "permission-dependency")
        .collect();
    assert_eq!(dependencies.len(), 1, "{dependencies:?}");
    let items = dependencies[0]["items"].as_array().unwrap();
    assert!(items.len() > 5, "{items:?}");
    let message = dependencies[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!(
            "ModifyAllData (Modify All Data) requires {} permissions that permission set Admin does not enable: ",
            items.len()
        )),
        "{message}"
    );
    assert!(
        message.ends_with(&format!("and {} more", items.len() - 5)),
        "{message}"
    );
}

#[test]
fn statistics_count_findings_by_rule() {
    let dir = project(&[(
        &format!("{SETS}/Ops.permissionset-meta.xml"),
        &permission_set(
            &(user_permission("ViewAllData")
                + &user_permission("ManageFlow")
                + &user_permission("ViewAllData")),
        ),
    )]);
    let text = run(dir.path(), &["check", "--statistics"]);
    assert_eq!(
        text.stdout,
        "1  duplicate-entry  (1 warning)\n1  unknown-user-permission  (1 error)\n1  view-all-data  (1 warning)\nFound 1 error and 2 warnings in 1 component (1 file).\n"
    );
    assert_eq!(text.code, 1);
    let json = run(dir.path(), &["check", "--statistics", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        rows[0],
        serde_json::json!({"rule": "duplicate-entry", "count": 1, "errors": 0, "warnings": 1, "infos": 0})
    );
}

#[test]
fn show_files_and_show_settings_lint_nothing_and_say_what_a_run_would_use() {
    let dir = project(&[
        (
            &format!("{SETS}/Ops.permissionset-meta.xml"),
            &permission_set(&user_permission("ManageFlow")),
        ),
        (
            "force-app/main/default/profiles/Sync.profile-meta.xml",
            PROFILE,
        ),
        (
            "sflint.toml",
            "ignore = [\"duplicate-entry\"]\n\n[rules]\nview-all-data = \"error\"\n\n[[integration]]\nname = \"Stitch\"\npack = \"stitch\"\nprofile = \"Sync\"\npermission_sets = [\"Ops\"]\n",
        ),
    ]);
    let files = run(dir.path(), &["check", "--show-files"]);
    assert_eq!(files.code, 0);
    assert_eq!(
        files.stdout,
        format!(
            "{SETS}/Ops.permissionset-meta.xml\nforce-app/main/default/profiles/Sync.profile-meta.xml\n"
        )
    );
    let settings = run(dir.path(), &["check", "--show-settings"]);
    assert_eq!(settings.code, 0, "{}", settings.stderr);
    assert_eq!(
        settings.stdout,
        "project: .\npackage directories: force-app\nconfiguration: sflint.toml\nfiles to lint: 2 (2 components)\nsettings: ignore: duplicate-entry\nsettings: rules: view-all-data = error\nintegration user Stitch: pack stitch (rules/stitch.toml)\n  profile: Sync\n  permission sets: Ops\n  option objects: []\n"
    );
}

/// The human report wraps at `COLUMNS`, and never inside a rule id or a permission name.
#[test]
fn the_human_report_wraps_at_the_width_asked_and_keeps_ids_whole() {
    let dir = project(&[
        (
            &format!("{SETS}/Ops.permissionset-meta.xml"),
            &permission_set(&user_permission("ManageFlow")),
        ),
        (
            "sflint.toml",
            "[[integration]]\nname = \"Act-On\"\npack = \"act-on\"\npermission_sets = [\"Ops\"]\n",
        ),
    ]);
    for columns in (40..=90).map(|width| width.to_string()) {
        let columns = columns.as_str();
        let output = Command::new(env!("CARGO_BIN_EXE_sflint"))
            .current_dir(dir.path())
            .args(["check", "--color", "never"])
            .env("COLUMNS", columns)
            .env_remove("CLICOLOR_FORCE")
            .output()
            .unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        let width: usize = columns.parse().unwrap();
        // Messages and help are wrapped; source lines, the path header and the summary are
        // shown as they are.
        for line in text
            .lines()
            .filter(|line| line.starts_with("  ") && !line.contains(['│', '·', '╭', '╰']))
        {
            assert!(line.chars().count() <= width, "{columns}: {line:?}");
        }
        for id in [
            "ManageInteraction",
            "unknown-user-permission",
            "act-on/system-permissions",
            "missing-object-access",
        ] {
            assert!(text.contains(id), "{columns}: {id} split in\n{text}");
        }
    }
}

#[test]
fn completions_and_the_manual_come_from_the_same_definitions_as_help() {
    let dir = project(&[]);
    let bash = run(dir.path(), &["completions", "bash"]);
    assert_eq!(bash.code, 0);
    for word in [
        "check",
        "completions",
        "--fail-on-empty",
        "--report",
        "--show-settings",
    ] {
        assert!(bash.stdout.contains(word), "{word}");
    }
    // The script is valid bash, and completes a subcommand.
    let script = dir.path().join("sflint.bash");
    std::fs::write(&script, &bash.stdout).unwrap();
    let completed = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {}; COMP_WORDS=(sflint che); COMP_CWORD=1; _sflint sflint che sflint; echo \"${{COMPREPLY[@]}}\"",
            script.display()
        ))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&completed.stdout).trim(), "check");
    let man = run(dir.path(), &["man"]);
    assert_eq!(man.code, 0);
    assert!(man.stdout.contains(".TH sflint 1"), "{}", man.stdout);
    assert!(man.stdout.contains("check"), "{}", man.stdout);
}
