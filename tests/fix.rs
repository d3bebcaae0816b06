//! `sflint check --fix`, `--diff` and `--unsafe-fixes` through the real binary: exact diffs,
//! exact files written, exit codes, and what is never written.

mod support;

use std::path::Path;

use support::run;

const PROJECT: &str = r#"{"packageDirectories":[{"path":"force-app","default":true}]}"#;
const SET: &str = "force-app/main/default/permissionsets/Ops.permissionset-meta.xml";

fn project(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sfdx-project.json"), PROJECT).unwrap();
    let path = dir.path().join(SET);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    dir
}

/// A permission set with one of everything a safe fix repairs: Edit without Read on an object, an
/// editable field that is not readable, a misspelt permission with one candidate, a permission
/// whose dependency is missing, and an exact repeat. Written with CR LF line endings, a byte order
/// mark, tabs and a comment, which the fixes must keep.
const BROKEN: &str = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\r\n\t<!-- kept as it is -->\r\n\t<fieldPermissions>\r\n\t\t<editable>true</editable>\r\n\t\t<field>Lead.Email</field>\r\n\t\t<readable>false</readable>\r\n\t</fieldPermissions>\r\n\t<label>Ops</label>\r\n\t<objectPermissions>\r\n\t\t<allowEdit>true</allowEdit>\r\n\t\t<allowRead>false</allowRead>\r\n\t\t<object>Lead</object>\r\n\t</objectPermissions>\r\n\t<userPermissions>\r\n\t\t<enabled>true</enabled>\r\n\t\t<name>EditTasks</name>\r\n\t</userPermissions>\r\n\t<userPermissions>\r\n\t\t<enabled>true</enabled>\r\n\t\t<name>ModifyMetadata</name>\r\n\t</userPermissions>\r\n\t<userPermissions>\r\n\t\t<enabled>true</enabled>\r\n\t\t<name>ModifyMetadata</name>\r\n\t</userPermissions>\r\n</PermissionSet>\r\n";

const FIXED: &str = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\r\n\t<!-- kept as it is -->\r\n\t<fieldPermissions>\r\n\t\t<editable>true</editable>\r\n\t\t<field>Lead.Email</field>\r\n\t\t<readable>true</readable>\r\n\t</fieldPermissions>\r\n\t<label>Ops</label>\r\n\t<objectPermissions>\r\n\t\t<allowEdit>true</allowEdit>\r\n\t\t<allowRead>true</allowRead>\r\n\t\t<object>Lead</object>\r\n\t</objectPermissions>\r\n\t<userPermissions>\r\n\t\t<enabled>true</enabled>\r\n\t\t<name>EditTask</name>\r\n\t</userPermissions>\r\n\t<userPermissions>\r\n\t\t<enabled>true</enabled>\r\n\t\t<name>ModifyMetadata</name>\r\n\t</userPermissions>\r\n\t<userPermissions>\r\n\t\t<enabled>true</enabled>\r\n\t\t<name>ViewSetup</name>\r\n\t</userPermissions>\r\n</PermissionSet>\r\n";

#[test]
fn fix_repairs_what_the_safe_fixes_cover_and_keeps_every_other_byte() {
    let dir = project(BROKEN);
    let fixed = run(dir.path(), &["check", "--fix", "--format", "concise"]);
    assert_eq!(
        fixed.stderr, "sflint: fixed 6 findings in 1 file\n",
        "{}",
        fixed.stdout
    );
    assert_eq!(fixed.stdout, "No findings in 1 component (1 file).\n");
    assert_eq!(fixed.code, 0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(SET)).unwrap(),
        FIXED
    );
    // Nothing is left to fix: a second run writes nothing.
    let again = run(dir.path(), &["check", "--fix", "--format", "concise"]);
    assert_eq!(again.stderr, "sflint: fixed 0 findings in 0 files\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(SET)).unwrap(),
        FIXED
    );
}

#[test]
fn diff_prints_the_fixes_and_writes_nothing() {
    let dir = project(BROKEN);
    let diff = run(dir.path(), &["check", "--diff"]);
    assert_eq!(diff.code, 1, "{}", diff.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(SET)).unwrap(),
        BROKEN
    );
    let expected = format!(
        "--- a/{SET}\n+++ b/{SET}\n@@ -4,17 +4,17 @@\n \t<fieldPermissions>\r\n \t\t<editable>true</editable>\r\n \t\t<field>Lead.Email</field>\r\n-\t\t<readable>false</readable>\r\n+\t\t<readable>true</readable>\r\n \t</fieldPermissions>\r\n \t<label>Ops</label>\r\n \t<objectPermissions>\r\n \t\t<allowEdit>true</allowEdit>\r\n-\t\t<allowRead>false</allowRead>\r\n+\t\t<allowRead>true</allowRead>\r\n \t\t<object>Lead</object>\r\n \t</objectPermissions>\r\n \t<userPermissions>\r\n \t\t<enabled>true</enabled>\r\n-\t\t<name>EditTasks</name>\r\n+\t\t<name>EditTask</name>\r\n \t</userPermissions>\r\n \t<userPermissions>\r\n \t\t<enabled>true</enabled>\r\n@@ -22,6 +22,6 @@\n \t</userPermissions>\r\n \t<userPermissions>\r\n \t\t<enabled>true</enabled>\r\n-\t\t<name>ModifyMetadata</name>\r\n+\t\t<name>ViewSetup</name>\r\n \t</userPermissions>\r\n </PermissionSet>\r\n"
    );
    assert_eq!(diff.stdout, expected);
    // A clean project has nothing to fix.
    let clean = project(FIXED);
    let none = run(clean.path(), &["check", "--diff"]);
    assert_eq!((none.code, none.stdout.as_str()), (0, ""));
}

/// Conflicting repeats are fixed only when asked: keeping the first entry may take access away.
#[test]
fn unsafe_fixes_are_applied_only_when_asked() {
    let text = "<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>Ops</label>\n    <userPermissions>\n        <enabled>false</enabled>\n        <name>RunReports</name>\n    </userPermissions>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>RunReports</name>\n    </userPermissions>\n</PermissionSet>\n";
    let dir = project(text);
    let safe = run(dir.path(), &["check", "--fix", "--format", "concise"]);
    assert_eq!(safe.stderr, "sflint: fixed 0 findings in 0 files\n");
    assert!(
        safe.stdout.contains("warning duplicate-entry"),
        "{}",
        safe.stdout
    );
    let json = run(dir.path(), &["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        report["diagnostics"][0]["fix"],
        serde_json::json!({"safety": "unsafe", "title": "Remove this entry and keep the first, whose access differs."})
    );
    let forced = run(
        dir.path(),
        &["check", "--fix", "--unsafe-fixes", "--format", "concise"],
    );
    assert_eq!(forced.stderr, "sflint: fixed 1 finding in 1 file\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(SET)).unwrap(),
        "<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>Ops</label>\n    <userPermissions>\n        <enabled>false</enabled>\n        <name>RunReports</name>\n    </userPermissions>\n</PermissionSet>\n"
    );
}

#[cfg(unix)]
#[test]
fn fix_never_writes_through_a_link() {
    let dir = project(BROKEN);
    let real = dir.path().join("real.permissionset-meta.xml.txt");
    std::fs::rename(dir.path().join(SET), &real).unwrap();
    std::os::unix::fs::symlink(&real, dir.path().join(SET)).unwrap();
    let fixed = run(dir.path(), &["check", "--fix", "--format", "concise"]);
    assert!(
        fixed.stderr.contains(&format!(
            "sflint: warning: {SET}: not fixed: it is a symbolic link, and sflint does not write through links"
        )),
        "{}",
        fixed.stderr
    );
    assert_eq!(std::fs::read_to_string(&real).unwrap(), BROKEN);
    assert!(
        std::fs::symlink_metadata(dir.path().join(SET))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

/// `--keep-duplicate widest` merges what a conflicting repeat adds into the first entry.
#[test]
fn widest_keeps_the_first_entry_widened_to_what_the_repeat_adds() {
    let text = "<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>Ops</label>\n    <objectPermissions>\n        <allowCreate>false</allowCreate>\n        <allowRead>true</allowRead>\n        <object>Lead</object>\n    </objectPermissions>\n    <objectPermissions>\n        <allowCreate>true</allowCreate>\n        <allowRead>true</allowRead>\n        <allowEdit>true</allowEdit>\n        <object>Lead</object>\n    </objectPermissions>\n</PermissionSet>\n";
    let dir = project(text);
    let json = run(
        dir.path(),
        &["check", "--format", "json", "--keep-duplicate", "widest"],
    );
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        report["diagnostics"][0]["fix"],
        serde_json::json!({"safety": "unsafe", "title": "Remove this entry and set <allowCreate>, <allowEdit> to true in the first."})
    );
    let fixed = run(
        dir.path(),
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--keep-duplicate",
            "widest",
            "--format",
            "concise",
        ],
    );
    assert_eq!(fixed.stderr, "sflint: fixed 1 finding in 1 file\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(SET)).unwrap(),
        "<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>Ops</label>\n    <objectPermissions>\n        <allowCreate>true</allowCreate>\n        <allowEdit>true</allowEdit>\n        <allowRead>true</allowRead>\n        <object>Lead</object>\n    </objectPermissions>\n</PermissionSet>\n"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// (rule, element, fix safety) of every finding in the project at `dir`.
fn findings_with_fixes(dir: &Path) -> Vec<(String, String, Option<String>)> {
    let json = run(
        dir,
        &["check", "--format", "json", "--keep-duplicate", "widest"],
    );
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let element = format!("{}:{}", d["path"].as_str().unwrap(), d["message"]);
            (
                d["rule"].as_str().unwrap().to_string(),
                element,
                d["fix"]["safety"].as_str().map(str::to_string),
            )
        })
        .collect()
}

/// Every failing rule fixture and every violating pack fixture, fixed with unsafe fixes too: no
/// finding that carried a fix is left, a second fix changes nothing, and the rules whose fixtures
/// carry fixes are exactly those whose doc has a "## Fix" section.
#[test]
fn every_fix_in_the_fixtures_resolves_its_finding() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut fixtures: Vec<_> = Vec::new();
    for (kind, failing) in [("rules", "fail"), ("packs", "violating-")] {
        for entry in std::fs::read_dir(root.join(kind)).unwrap() {
            let dir = entry.unwrap().path();
            if !dir.is_dir() {
                continue;
            }
            for case in std::fs::read_dir(&dir).unwrap() {
                let case = case.unwrap().path();
                let name = case.file_name().unwrap().to_string_lossy().to_string();
                if case.is_dir() && name.starts_with(failing) {
                    fixtures.push(case);
                }
            }
        }
    }
    fixtures.sort();
    let mut fixing_rules = std::collections::BTreeSet::new();
    for fixture in fixtures {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture, dir.path());
        let before = findings_with_fixes(dir.path());
        let fixable: Vec<_> = before.iter().filter(|(_, _, fix)| fix.is_some()).collect();
        for (rule, _, _) in &fixable {
            fixing_rules.insert(rule.clone());
        }
        let args = [
            "check",
            "--fix",
            "--unsafe-fixes",
            "--keep-duplicate",
            "widest",
            "--format",
            "concise",
        ];
        let fixed = run(dir.path(), &args);
        assert!(
            !fixed.stderr.contains("not fixed"),
            "{}: {}",
            fixture.display(),
            fixed.stderr
        );
        let after = findings_with_fixes(dir.path());
        for finding in &fixable {
            assert!(
                !after
                    .iter()
                    .any(|left| left.0 == finding.0 && left.1 == finding.1),
                "{}: still reported after fixing: {:?}\n{}",
                fixture.display(),
                finding,
                fixed.stdout
            );
        }
        assert!(
            after.iter().all(|(_, _, fix)| fix.is_none()),
            "{}: fixes left after fixing: {:?}",
            fixture.display(),
            after
        );
        let again = run(dir.path(), &args);
        assert!(
            again
                .stderr
                .contains("sflint: fixed 0 findings in 0 files\n"),
            "{}: {}",
            fixture.display(),
            again.stderr
        );
    }
    let documented: std::collections::BTreeSet<String> = sflint::registry::RuleId::ALL
        .iter()
        .map(|rule| rule.meta())
        .filter(|meta| meta.doc.contains("## Fix"))
        .map(|meta| meta.id.to_string())
        .collect();
    assert_eq!(fixing_rules, documented);
}
