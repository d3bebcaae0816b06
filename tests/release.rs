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

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn json(path: &str) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// The npm packages, the `language: node` pre-commit hooks and the changelog name the crate's
/// version, so that a tag publishes one version everywhere (the release stages the npm packages
/// with it too, but the hooks pin it in this repository).
#[test]
fn every_package_names_the_crate_version() {
    let launcher = json("npm/sflint/package.json");
    assert_eq!(launcher["version"], VERSION, "npm/sflint/package.json");
    let optional = launcher["optionalDependencies"].as_object().unwrap();
    assert_eq!(optional.len(), 7);
    for (name, version) in optional {
        assert!(name.starts_with("@sflint/cli-"), "{name}");
        assert_eq!(version, VERSION, "{name}");
    }
    let platforms = read("npm/sflint/lib/platforms.js");
    for name in optional.keys() {
        let key = name.strip_prefix("@sflint/cli-").unwrap();
        assert!(
            platforms.contains(&format!("key: \"{key}\"")),
            "{key} is not in platforms.js"
        );
    }
    let plugin = json("npm/sf-plugin/package.json");
    assert_eq!(plugin["version"], VERSION, "npm/sf-plugin/package.json");
    assert_eq!(plugin["dependencies"]["sflint"], VERSION);

    let hooks = read(".pre-commit-hooks.yaml");
    let node_hooks: Vec<&str> = hooks
        .split("- id: ")
        .filter(|hook| hook.contains("language: node"))
        .collect();
    assert_eq!(node_hooks.len(), 2, "sflint-node and sflint-fmt-node");
    for hook in node_hooks {
        assert!(
            hook.contains(&format!("additional_dependencies: [\"sflint@{VERSION}\"]")),
            "{hook}"
        );
    }
    assert!(
        read("CHANGELOG.md").contains(&format!("\n## [{VERSION}]")),
        "CHANGELOG.md has no section for {VERSION}"
    );
}

/// The npm launcher as the release stages it (npm/scripts/stage.mjs) around the binary of this
/// build: it runs the binary with every argument and passes its output and exit code through; and
/// without its platform package it says which package is missing and exits with 2. Skipped where
/// there is no Node.
#[test]
fn the_npm_launcher_runs_the_staged_binary() {
    let root = env!("CARGO_MANIFEST_DIR");
    let Ok(probe) = Command::new("node")
        .current_dir(root)
        .args([
            "-p",
            "require('./npm/sflint/lib/binary.js').candidates()[0]?.key ?? ''",
        ])
        .output()
    else {
        eprintln!("skipped: no node");
        return;
    };
    let key = String::from_utf8(probe.stdout).unwrap().trim().to_string();
    if key.is_empty() {
        eprintln!("skipped: no platform package for this machine");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let stage = dir.path().join("stage");
    let staged = Command::new("node")
        .current_dir(root)
        .arg("npm/scripts/stage.mjs")
        .arg("--out")
        .arg(&stage)
        .args(["--partial", "--version", VERSION, "--binary"])
        .arg(format!("{key}={}", env!("CARGO_BIN_EXE_sflint")))
        .output()
        .unwrap();
    assert!(
        staged.status.success(),
        "{}",
        String::from_utf8_lossy(&staged.stderr)
    );
    // Laid out as npm installs them: the launcher and the platform package side by side.
    let modules = dir.path().join("node_modules");
    std::fs::create_dir_all(modules.join("@sflint")).unwrap();
    std::fs::rename(stage.join("sflint"), modules.join("sflint")).unwrap();
    let platform = modules.join(format!("@sflint/cli-{key}"));
    std::fs::rename(stage.join(format!("cli-{key}")), &platform).unwrap();

    let example = std::path::Path::new(root).join("fixtures/example");
    let launcher = modules.join("sflint/bin/sflint.js");
    let args = ["check", "--format", "concise", "--color", "never"];
    let direct = Command::new(env!("CARGO_BIN_EXE_sflint"))
        .current_dir(&example)
        .args(args)
        .output()
        .unwrap();
    let through = Command::new("node")
        .current_dir(&example)
        .arg(&launcher)
        .args(args)
        .env_remove("SFLINT_BINARY")
        .output()
        .unwrap();
    assert_eq!(direct.status.code(), Some(1));
    assert_eq!(through.status.code(), direct.status.code());
    assert_eq!(
        String::from_utf8_lossy(&through.stdout),
        String::from_utf8_lossy(&direct.stdout)
    );

    std::fs::remove_dir_all(&platform).unwrap();
    let missing = Command::new("node")
        .current_dir(&example)
        .arg(&launcher)
        .arg("check")
        .env_remove("SFLINT_BINARY")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("@sflint/cli-{key}@{VERSION}")) && stderr.contains("npm install"),
        "{stderr}"
    );
}
