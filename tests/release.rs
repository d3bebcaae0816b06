//! What a release ships besides the crate: the version it names, and the places that must name the
//! same one.

use std::process::Command;

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `sflint --version` is the crate's version, then the commit and its date when built from a git
/// checkout (`sflint 0.1.0 (1a2b3c4d5 2026-12-06)`); a build from a crate tarball or without git
/// has the version alone.
#[test]
fn version_names_the_commit_of_a_checkout() {
    let out = Command::new(env!("CARGO_BIN_EXE_sflint"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let line = stdout
        .strip_suffix('\n')
        .expect("one line")
        .strip_prefix(&format!("sflint {VERSION}"))
        .unwrap_or_else(|| panic!("{stdout:?} does not start with the version"));
    let git = Command::new("git")
        .args(["-C", env!("CARGO_MANIFEST_DIR"), "rev-parse", "HEAD"])
        .output()
        .is_ok_and(|out| out.status.success());
    let in_checkout =
        git && std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.git")).exists();
    if !in_checkout {
        return;
    }
    // Not compared with HEAD: a commit made between the build and the test would fail it.
    let inner = line
        .strip_prefix(" (")
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{stdout:?} names no commit"));
    let (commit, date) = inner.split_once(' ').unwrap();
    assert!(
        commit.len() >= 9 && commit.bytes().all(|b| b.is_ascii_hexdigit()),
        "{stdout:?}"
    );
    assert!(
        date.len() == 10 && date.bytes().filter(|&b| b == b'-').count() == 2,
        "{stdout:?}"
    );
}
