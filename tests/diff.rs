//! `sflint diff` on real git repositories built in a temporary directory: the base commit is
//! `fixtures/diff/base`, the next `fixtures/diff/head`. Between them a permission set gains Modify
//! All Data, a permission set group gains a member (with View All Records on Case), the group's
//! muting permission set mutes Edit on Opportunity, a permission set is renamed (and gains a tab, an
//! Apex class and a record type), and the integration user's profile changes in sflint.toml.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(tree: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/diff")
        .join(tree)
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Reviewer")
        .env("GIT_AUTHOR_EMAIL", "reviewer@example.com")
        .env("GIT_COMMITTER_NAME", "Reviewer")
        .env("GIT_COMMITTER_EMAIL", "reviewer@example.com")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir(from) {
        let target = to.join(entry.strip_prefix(from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &target).unwrap();
    }
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A repository whose `main` holds the base commit and whose `feature` branch (checked out) holds
/// the head commit on top of it.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    copy_tree(&fixture("base"), root);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    git(
        root,
        &["rm", "-rq", "force-app", "sflint.toml", "sfdx-project.json"],
    );
    copy_tree(&fixture("head"), root);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "head"]);
    dir
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn sflint(dir: &Path, args: &[&str]) -> Run {
    let output = assert_cmd::cargo::cargo_bin_cmd!("sflint")
        .args(args)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("NO_COLOR")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap();
    Run {
        code: output.status.code().expect("killed by a signal"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// The output with the commits' ids (which depend on git's object format) named `BASE` and `HEAD`.
fn named(text: &str, root: &Path) -> String {
    let base = git(root, &["rev-parse", "main"]);
    let head = git(root, &["rev-parse", "feature"]);
    text.replace(&base, "BASE")
        .replace(&base[..12], "BASE")
        .replace(&head, "HEAD")
        .replace(&head[..12], "HEAD")
}

const HUMAN: &str = "\
sflint diff: main (BASE) -> feature (HEAD)

High-risk gains (marked !):
  ! integration user Analytics Sync: ModifyAllData
  ! integration user Analytics Sync: View All Records on Case
  ! permission set group Sync_Group: View All Records on Case
  ! permission set Case_Oversight (new): View All Records on Case
  ! permission set Sync_Base: ModifyAllData

integration user Analytics Sync
  gained user permissions: !ModifyAllData, ExportReport
  gained object access, View All Records: !Case
  gained object access, Read: Case
  lost object access, Edit: Opportunity

permission set group Sync_Group
  force-app/main/default/permissionsetgroups/Sync_Group.permissionsetgroup-meta.xml
  gained object access, View All Records: !Case
  gained object access, Read: Case
  lost object access, Edit: Opportunity

permission set Case_Oversight (new)
  force-app/main/default/permissionsets/Case_Oversight.permissionset-meta.xml
  gained object access, View All Records: !Case
  gained object access, Read: Case

permission set New_Name (renamed from Old_Name)
  force-app/main/default/permissionsets/New_Name.permissionset-meta.xml
  gained tabs: standard-Lead
  gained Apex classes: LeadRouter
  gained record types: Lead.Partner

permission set Sync_Base
  force-app/main/default/permissionsets/Sync_Base.permissionset-meta.xml
  gained user permissions: !ModifyAllData

Findings:
  + force-app/main/default/permissionsets/Sync_Base.permissionset-meta.xml:19:9: error [modify-all-data] integration user Analytics Sync holds ModifyAllData (Modify All Data), which the readonly-analytics pack does not need
  + force-app/main/default/permissionsets/Sync_Base.permissionset-meta.xml:19:9: error [permission-dependency] ModifyAllData (Modify All Data) requires 15 permissions that permission set Sync_Base does not enable: ConvertLeads (Convert Leads), EditEvent (Edit Events), EditPublicDocuments (Manage Public Documents), EditPublicFilters (Manage Public List Views), EditPublicTemplates (Manage Public Classic Email Templates) and 10 more
  - force-app/main/default/permissionsets/Reporting.permissionset-meta.xml:3:5: warning [excess-access] integration user Analytics Sync can Edit Opportunity, but Read-only analytics platform only reads

5 subjects changed: 12 grants gained (5 high-risk), 2 lost; 2 findings appeared, 1 disappeared
";

#[test]
fn human_report_of_two_commits() {
    let repo = repository();
    let root = repo.path();
    let run = sflint(root, &["diff", "main", "feature"]);
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 0);
    assert_eq!(named(&run.stdout, root), HUMAN);
}

#[test]
fn json_report_has_the_documented_fields() {
    let repo = repository();
    let root = repo.path();
    let run = sflint(root, &["diff", "main", "feature", "--format", "json"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let none = || serde_json::json!([]);
    let changes =
        |permissions: serde_json::Value, objects: serde_json::Value, other: serde_json::Value| {
            serde_json::json!({
                "userPermissions": permissions,
                "objectAccess": objects,
                "fieldAccess": none(),
                "other": other,
            })
        };
    let case_view_all = serde_json::json!([
        {"object": "Case", "flag": "view-all", "highRisk": true},
        {"object": "Case", "flag": "read", "highRisk": false},
    ]);
    let opportunity_edit =
        serde_json::json!([{"object": "Opportunity", "flag": "edit", "highRisk": false}]);
    let subject = |kind: &str,
                   name: &str,
                   renamed_from: Option<&str>,
                   path: Option<&str>,
                   status: &str,
                   gained: serde_json::Value,
                   lost: serde_json::Value| {
        serde_json::json!({
            "kind": kind,
            "name": name,
            "renamedFrom": renamed_from,
            "path": path.map(|path| format!("force-app/main/default/{path}")),
            "status": status,
            "gained": gained,
            "lost": lost,
        })
    };
    let nothing = changes(none(), none(), none());
    let expected_subjects = serde_json::json!([
        subject(
            "integration-user",
            "Analytics Sync",
            None,
            None,
            "changed",
            changes(
                serde_json::json!([
                    {"name": "ModifyAllData", "highRisk": true},
                    {"name": "ExportReport", "highRisk": false},
                ]),
                case_view_all.clone(),
                none()
            ),
            changes(none(), opportunity_edit.clone(), none()),
        ),
        subject(
            "permission-set-group",
            "Sync_Group",
            None,
            Some("permissionsetgroups/Sync_Group.permissionsetgroup-meta.xml"),
            "changed",
            changes(none(), case_view_all.clone(), none()),
            changes(none(), opportunity_edit, none()),
        ),
        subject(
            "permission-set",
            "Case_Oversight",
            None,
            Some("permissionsets/Case_Oversight.permissionset-meta.xml"),
            "added",
            changes(none(), case_view_all, none()),
            nothing.clone(),
        ),
        subject(
            "permission-set",
            "New_Name",
            Some("Old_Name"),
            Some("permissionsets/New_Name.permissionset-meta.xml"),
            "changed",
            changes(
                none(),
                none(),
                serde_json::json!([
                    {"type": "tab", "name": "standard-Lead"},
                    {"type": "apex-class", "name": "LeadRouter"},
                    {"type": "record-type", "name": "Lead.Partner"},
                ])
            ),
            nothing.clone(),
        ),
        subject(
            "permission-set",
            "Sync_Base",
            None,
            Some("permissionsets/Sync_Base.permissionset-meta.xml"),
            "changed",
            changes(
                serde_json::json!([{"name": "ModifyAllData", "highRisk": true}]),
                none(),
                none()
            ),
            nothing,
        ),
    ]);
    assert_eq!(document["subjects"], expected_subjects);
    assert_eq!(document["version"], 1);
    assert_eq!(document["highRiskGained"], true);
    assert_eq!(
        document["base"],
        serde_json::json!({"revision": "main", "commit": git(root, &["rev-parse", "main"])})
    );
    assert_eq!(
        document["head"],
        serde_json::json!({"revision": "feature", "commit": git(root, &["rev-parse", "feature"])})
    );
    let sync_base = "force-app/main/default/permissionsets/Sync_Base.permissionset-meta.xml";
    assert_eq!(
        document["findings"]["appeared"][0],
        serde_json::json!({
            "rule": "modify-all-data",
            "severity": "error",
            "message": "integration user Analytics Sync holds ModifyAllData (Modify All Data), which the readonly-analytics pack does not need",
            "path": sync_base,
            "line": 19,
            "column": 9,
            "element": "readonly-analytics/no-modify-all-data/Sync_Base",
            "integration": "Analytics Sync",
        })
    );
    let rules = |list: &str| -> Vec<String> {
        document["findings"][list]
            .as_array()
            .unwrap()
            .iter()
            .map(|finding| finding["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        rules("appeared"),
        ["modify-all-data", "permission-dependency"]
    );
    assert_eq!(rules("disappeared"), ["excess-access"]);
    assert_eq!(document["problems"], serde_json::json!([]));
}

#[test]
fn markdown_report_for_a_pull_request_comment() {
    let repo = repository();
    let root = repo.path();
    let run = sflint(root, &["diff", "main", "feature", "--format", "markdown"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    assert!(run.stdout.starts_with("<!-- sflint-diff -->\n"));
    insta::assert_snapshot!(named(&run.stdout, root));
    // Past the limit sections are collapsed.
    let collapsed = sflint(
        root,
        &[
            "diff",
            "main",
            "feature",
            "--format",
            "markdown",
            "--collapse-over",
            "2",
        ],
    );
    assert_eq!(
        collapsed.stdout.matches("<details><summary>").count(),
        4,
        "{}",
        collapsed.stdout
    );
}

#[test]
fn fail_on_gain_fails_only_for_a_gain() {
    let repo = repository();
    let root = repo.path();
    let code = |args: &[&str]| sflint(root, args).code;
    assert_eq!(
        code(&["diff", "main", "feature", "--fail-on-gain", "high-risk"]),
        1
    );
    assert_eq!(
        code(&["diff", "main", "feature", "--fail-on-gain", "any"]),
        1
    );
    // Backwards, everything is lost and nothing gained but Opportunity Edit, which is not high-risk.
    assert_eq!(
        code(&["diff", "feature", "main", "--fail-on-gain", "high-risk"]),
        0
    );
    assert_eq!(
        code(&["diff", "feature", "main", "--fail-on-gain", "any"]),
        1
    );
    let same = sflint(root, &["diff", "main", "main", "--fail-on-gain", "any"]);
    assert_eq!(same.code, 0);
    assert!(
        same.stdout
            .ends_with("\nno change in access, no finding appeared or disappeared\n"),
        "{}",
        same.stdout
    );
}

/// Without revisions: from the merge base with the default branch to the work tree, uncommitted
/// changes included; the work tree, the index and HEAD are left exactly as they were.
#[test]
fn defaults_compare_the_merge_base_with_the_work_tree_and_touch_nothing() {
    let repo = repository();
    let root = repo.path();
    let reporting =
        root.join("force-app/main/default/permissionsets/Reporting.permissionset-meta.xml");
    let text = std::fs::read_to_string(&reporting).unwrap();
    std::fs::write(
        &reporting,
        text.replace(
            "    <userPermissions>",
            "    <userPermissions>\n        <enabled>true</enabled>\n        <name>AuthorApex</name>\n    </userPermissions>\n    <userPermissions>",
        ),
    )
    .unwrap();
    let status = git(root, &["status", "--porcelain=v1", "--untracked-files=all"]);
    let index = std::fs::read(root.join(".git/index")).unwrap();
    let head = git(root, &["rev-parse", "HEAD"]);
    let files: Vec<(PathBuf, Vec<u8>)> = walkdir(root)
        .into_iter()
        .filter(|path| !path.starts_with(root.join(".git")))
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();

    let run = sflint(
        &root.join("force-app"),
        &["diff", "--format", "json", "--fail-on-gain", "high-risk"],
    );
    assert_eq!((run.code, run.stderr.as_str()), (1, ""));
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        document["base"],
        serde_json::json!({"revision": "merge base with main", "commit": git(root, &["rev-parse", "main"])})
    );
    assert_eq!(
        document["head"],
        serde_json::json!({"revision": "work tree", "commit": null})
    );
    let reporting_subject = document["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|subject| subject["name"] == "Reporting")
        .unwrap();
    assert_eq!(
        reporting_subject["gained"]["userPermissions"],
        serde_json::json!([{"name": "AuthorApex", "highRisk": true}])
    );
    // Run from force-app/, paths are shown relative to it.
    assert_eq!(
        reporting_subject["path"],
        "main/default/permissionsets/Reporting.permissionset-meta.xml"
    );

    assert_eq!(
        git(root, &["status", "--porcelain=v1", "--untracked-files=all"]),
        status
    );
    assert_eq!(std::fs::read(root.join(".git/index")).unwrap(), index);
    assert_eq!(git(root, &["rev-parse", "HEAD"]), head);
    for (path, bytes) in files {
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{}", path.display());
    }
}

#[test]
fn a_revision_that_does_not_exist_is_an_error() {
    let repo = repository();
    let run = sflint(repo.path(), &["diff", "no-such-branch", "feature"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "sflint: error: unknown revision \"no-such-branch\": not a commit of this repository\n"
    );
    let option = sflint(repo.path(), &["diff", "main", "--", "--output=x"]);
    assert_eq!(option.code, 2);
    assert!(!repo.path().join("x").exists());
}

#[test]
fn outside_a_git_repository_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("base"), dir.path());
    let run = sflint(dir.path(), &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with("sflint: error: ")
            && run
                .stderr
                .ends_with(" is not in a git repository (or git cannot read it)\n"),
        "{}",
        run.stderr
    );
}

/// Without a default branch to compare with, the base must be named.
#[test]
fn no_default_branch_asks_for_a_base() {
    let repo = repository();
    let root = repo.path();
    git(root, &["branch", "-q", "-m", "main", "trunk"]);
    let run = sflint(root, &["diff"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no default branch found"),
        "{}",
        run.stderr
    );
}

/// `check --changed-since`: only the changed component is linted (with its integration user), and
/// its findings move to the changed line, their real place kept as the first related location.
#[test]
fn changed_since_lints_changed_files_and_anchors_findings_on_changed_lines() {
    let repo = repository();
    let root = repo.path();
    let clean = sflint(
        root,
        &["check", "--changed-since", "HEAD", "--format", "json"],
    );
    assert_eq!(clean.code, 0);
    assert_eq!(
        clean.stderr,
        "sflint: no permission metadata changed since HEAD: nothing to lint\n"
    );
    let document: serde_json::Value = serde_json::from_str(&clean.stdout).unwrap();
    assert_eq!(document["summary"]["components"], 0);

    let sync_base = "force-app/main/default/permissionsets/Sync_Base.permissionset-meta.xml";
    let text = std::fs::read_to_string(root.join(sync_base)).unwrap();
    let label_line = text
        .lines()
        .position(|line| line.contains("<label>"))
        .unwrap()
        + 1;
    std::fs::write(
        root.join(sync_base),
        text.replace(
            "<label>Sync Base</label>",
            "<label>Sync Base (all data)</label>",
        ),
    )
    .unwrap();

    let json = sflint(
        root,
        &["check", "--changed-since", "HEAD", "--format", "json"],
    );
    assert_eq!(json.code, 1, "{}", json.stderr);
    let document: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(document["summary"]["components"], 1);

    let sarif = sflint(
        root,
        &["check", "--changed-since", "HEAD", "--format", "sarif"],
    );
    let log: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let modify_all_data = results
        .iter()
        .find(|result| result["ruleId"] == "modify-all-data")
        .expect("modify-all-data reported");
    let region = |location: &serde_json::Value| {
        (
            location["physicalLocation"]["artifactLocation"]["uri"].clone(),
            location["physicalLocation"]["region"]["startLine"].clone(),
        )
    };
    assert_eq!(
        region(&modify_all_data["locations"][0]),
        (sync_base.into(), label_line.into())
    );
    assert_eq!(
        region(&modify_all_data["relatedLocations"][0]),
        (sync_base.into(), 19.into())
    );
    assert_eq!(
        modify_all_data["relatedLocations"][0]["message"]["text"],
        "what the finding is about (shown on a line this change touched)"
    );

    let outside = tempfile::tempdir().unwrap();
    let run = sflint(outside.path(), &["check", "--changed-since", "HEAD"]);
    assert_eq!(run.code, 2);
}
