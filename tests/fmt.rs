//! `sflint fmt`, `--check` and `--diff` through the real binary: exact files written, exact
//! output, exit codes, and what is never written.

use std::path::Path;
use std::process::Command;

const PROJECT: &str = r#"{"packageDirectories":[{"path":"force-app","default":true}]}"#;
const SETS: &str = "force-app/main/default/permissionsets";

/// Entries out of order, fields out of order, a comment and mixed indentation, with CR LF.
const UNSORTED: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\r\n    <userPermissions>\r\n        <name>ViewSetup</name>\r\n        <enabled>true</enabled>\r\n    </userPermissions>\r\n    <!-- needed by the sync -->\r\n    <userPermissions>\r\n      <enabled>true</enabled>\r\n      <name>ApiEnabled</name>\r\n    </userPermissions>\r\n  <label>Sync</label>\r\n</PermissionSet>\r\n";

const SORTED: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\r\n    <label>Sync</label>\r\n    <!-- needed by the sync -->\r\n    <userPermissions>\r\n        <enabled>true</enabled>\r\n        <name>ApiEnabled</name>\r\n    </userPermissions>\r\n    <userPermissions>\r\n        <enabled>true</enabled>\r\n        <name>ViewSetup</name>\r\n    </userPermissions>\r\n</PermissionSet>\r\n";

const CANONICAL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>Ops</label>\n</PermissionSet>\n";

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sfdx-project.json"), PROJECT).unwrap();
    for (name, text) in files {
        let path = dir.path().join(SETS).join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(SETS).join(name)).unwrap()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_sflint"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

#[test]
fn check_lists_what_is_not_formatted_and_writes_nothing() {
    let dir = project(&[
        ("Sync.permissionset-meta.xml", UNSORTED),
        ("Ops.permissionset-meta.xml", CANONICAL),
    ]);
    let check = run(dir.path(), &["fmt", "--check"]);
    assert_eq!(check.code, 1);
    assert_eq!(
        check.stdout,
        format!("would reformat: {SETS}/Sync.permissionset-meta.xml\n")
    );
    assert_eq!(
        check.stderr,
        "sflint: 1 file would be reformatted, 1 already formatted\n"
    );
    assert_eq!(read(dir.path(), "Sync.permissionset-meta.xml"), UNSORTED);
}

#[test]
fn fmt_writes_the_canonical_order_and_a_second_run_changes_nothing() {
    let dir = project(&[
        ("Sync.permissionset-meta.xml", UNSORTED),
        ("Ops.permissionset-meta.xml", CANONICAL),
    ]);
    let first = run(dir.path(), &["fmt"]);
    assert_eq!(
        (first.code, first.stdout.as_str(), first.stderr.as_str()),
        (0, "", "sflint: 1 file reformatted, 1 left unchanged\n")
    );
    assert_eq!(read(dir.path(), "Sync.permissionset-meta.xml"), SORTED);
    assert_eq!(read(dir.path(), "Ops.permissionset-meta.xml"), CANONICAL);
    let second = run(dir.path(), &["fmt", "--check"]);
    assert_eq!(
        (second.code, second.stdout.as_str(), second.stderr.as_str()),
        (
            0,
            "",
            "sflint: 0 files would be reformatted, 2 already formatted\n"
        )
    );
}

#[test]
fn diff_shows_the_change_exactly() {
    let dir = project(&[("Sync.permissionset-meta.xml", UNSORTED)]);
    let diff = run(dir.path(), &["fmt", "--diff"]);
    assert_eq!(diff.code, 1);
    let path = format!("{SETS}/Sync.permissionset-meta.xml");
    assert_eq!(
        diff.stdout,
        format!(
            "--- a/{path}\n+++ b/{path}\n@@ -1,13 +1,13 @@\n <?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n <PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\r\n+    <label>Sync</label>\r\n+    <!-- needed by the sync -->\r\n     <userPermissions>\r\n-        <name>ViewSetup</name>\r\n         <enabled>true</enabled>\r\n+        <name>ApiEnabled</name>\r\n     </userPermissions>\r\n-    <!-- needed by the sync -->\r\n     <userPermissions>\r\n-      <enabled>true</enabled>\r\n-      <name>ApiEnabled</name>\r\n+        <enabled>true</enabled>\r\n+        <name>ViewSetup</name>\r\n     </userPermissions>\r\n-  <label>Sync</label>\r\n </PermissionSet>\r\n"
        )
    );
    assert_eq!(read(dir.path(), "Sync.permissionset-meta.xml"), UNSORTED);
}

#[test]
fn a_malformed_file_is_named_and_the_others_are_still_formatted() {
    let broken =
        "<PermissionSet>\n    <label>Broken</label>\n    <userPermissions>\n</PermissionSet>\n";
    let dir = project(&[
        ("Broken.permissionset-meta.xml", broken),
        ("Sync.permissionset-meta.xml", UNSORTED),
    ]);
    let result = run(dir.path(), &["fmt"]);
    assert_eq!(result.code, 2);
    assert_eq!(
        result.stderr,
        format!(
            "sflint: error: {SETS}/Broken.permissionset-meta.xml:4:1: not formatted: the file is not well-formed XML: ill-formed document: expected `</userPermissions>`, but `</PermissionSet>` was found\nsflint: 1 file reformatted, 0 left unchanged\n"
        )
    );
    assert_eq!(read(dir.path(), "Broken.permissionset-meta.xml"), broken);
    assert_eq!(read(dir.path(), "Sync.permissionset-meta.xml"), SORTED);
}

#[cfg(unix)]
#[test]
fn fmt_never_writes_through_a_link() {
    let dir = project(&[]);
    let real = dir.path().join("kept.xml");
    std::fs::write(&real, UNSORTED).unwrap();
    std::fs::create_dir_all(dir.path().join(SETS)).unwrap();
    let link = dir.path().join(SETS).join("Sync.permissionset-meta.xml");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let result = run(dir.path(), &["fmt"]);
    assert_eq!(result.code, 2, "{}", result.stderr);
    assert!(
        result.stderr.contains(&format!(
            "sflint: warning: {SETS}/Sync.permissionset-meta.xml: not formatted: it is a symbolic link, and sflint does not write through links"
        )),
        "{}",
        result.stderr
    );
    assert_eq!(std::fs::read_to_string(&real).unwrap(), UNSORTED);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

/// The `sflint-fmt` hook of `.pre-commit-hooks.yaml`, run by the real `pre-commit` (skipped when it
/// is not installed, never in CI) with the built binary: it reorders the committed file, fails
/// once, and passes on the next run.
#[test]
fn the_fmt_pre_commit_hook_reorders_and_then_passes() {
    let available = Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !available {
        assert!(
            std::env::var_os("SFLINT_REQUIRE_PRE_COMMIT").is_none(),
            "pre-commit is required here"
        );
        eprintln!("skipped: pre-commit is not installed");
        return;
    }
    let hooks = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ))
    .unwrap();
    let hook = hooks
        .split("- id: ")
        .find(|section| section.starts_with("sflint-fmt\n"))
        .expect("the sflint-fmt hook");
    let field = |name: &str| -> String {
        hook.lines()
            .find_map(|line| line.trim().strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("the hook has no {name}"))
            .to_string()
    };
    let entry = field("entry").replacen("sflint", env!("CARGO_BIN_EXE_sflint"), 1);
    let args: serde_json::Value = serde_json::from_str(&field("args")).unwrap();
    let files = field("files").trim_matches('\'').to_string();
    let config = serde_json::json!({"repos": [{"repo": "local", "hooks": [{
        "id": "sflint-fmt", "name": "sflint fmt", "entry": entry, "args": args, "files": files,
        "language": "system",
    }]}]});
    let dir = project(&[
        ("Sync.permissionset-meta.xml", UNSORTED),
        ("Ops.permissionset-meta.xml", CANONICAL),
    ]);
    std::fs::write(
        dir.path().join(".pre-commit-config.yaml"),
        serde_json::to_string_pretty(&config).unwrap(),
    )
    .unwrap();
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .current_dir(dir.path())
            .args(args)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "--quiet"]);
    git(&["add", "--all"]);
    let pre_commit = || {
        Command::new("pre-commit")
            .current_dir(dir.path())
            .args(["run", "--all-files", "--color", "never"])
            .env("PRE_COMMIT_HOME", dir.path().join(".pre-commit-cache"))
            .output()
            .unwrap()
    };
    let first = pre_commit();
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert_eq!(first.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("files were modified by this hook"),
        "{stdout}"
    );
    assert_eq!(read(dir.path(), "Sync.permissionset-meta.xml"), SORTED);
    git(&["add", "--all"]);
    let second = pre_commit();
    assert_eq!(
        second.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&second.stdout)
    );
}
