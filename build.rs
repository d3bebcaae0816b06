//! Compiles every vendor pack under `rules/` into the binary: adding a vendor is adding a file.
//! And names the commit a binary was built from, for `sflint --version`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    version();
    let rules = manifest_dir().join("rules");
    println!("cargo:rerun-if-changed={}", rules.display());
    let mut packs: Vec<_> = std::fs::read_dir(&rules)
        .expect("rules/ exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    packs.sort();
    let mut code = String::from(
        "/// Shipped packs: (file name, contents), sorted by file name.\npub const SHIPPED: &[(&str, &str)] = &[\n",
    );
    for path in &packs {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 file name");
        let _ = writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("shipped_packs.rs");
    std::fs::write(out, code).expect("write shipped_packs.rs");
}

/// The package's directory, as cargo sets it for this run of the script. Not `env!`: that is fixed
/// when the script is compiled, and cargo reuses a compiled script for another work tree of the same
/// repository sharing the target directory, which then read the other tree's packs and commit.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// `SFLINT_VERSION`: the package version, followed by the commit and its date when they are known
/// (`0.1.0 (1a2b3c4d5 2026-12-06)`). From git when the package is the root of a git work tree,
/// else from the `.cargo_vcs_info.json` that `cargo package` writes into a published crate (a
/// commit without a date). No git, or any error of git's: the version alone. Never fails the build.
fn version() {
    let manifest_dir = manifest_dir();
    let commit = git_commit(&manifest_dir).or_else(|| packaged_commit(&manifest_dir));
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let long = match commit {
        Some(commit) => format!("{version} ({commit})"),
        None => version,
    };
    println!("cargo:rustc-env=SFLINT_VERSION={long}");
}

fn git_commit(dir: &Path) -> Option<String> {
    // Only this package's own repository: a crate unpacked inside some other work tree (a vendor
    // directory) must not take that repository's commit.
    if !dir.join(".git").exists() {
        return None;
    }
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    // Rebuild when HEAD moves: HEAD itself (checkout, detached commits), the branches (a commit
    // writes its branch's file) and packed-refs. Only paths that exist: cargo reruns a build
    // script on every build while a path it watches is missing.
    if let Some(paths) = git(&["rev-parse", "--git-path", "HEAD", "--git-common-dir"]) {
        let mut lines = paths.lines();
        if let (Some(head), Some(common)) = (lines.next(), lines.next()) {
            let common = dir.join(common);
            for path in [
                dir.join(head),
                common.join("refs/heads"),
                common.join("packed-refs"),
            ] {
                if path.exists() {
                    println!("cargo:rerun-if-changed={}", path.display());
                }
            }
        }
    }
    let line = git(&["log", "-1", "--abbrev=9", "--format=%h %cs"])?;
    (!line.is_empty()).then_some(line)
}

fn packaged_commit(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(".cargo_vcs_info.json")).ok()?;
    // `{"git": {"sha1": "<40 hex digits>", ...}, ...}`: read without a JSON parser in the build.
    let after = &text[text.find("\"sha1\"")? + 6..];
    let start = after.find('"')? + 1;
    let sha: String = after[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (sha.len() >= 9).then(|| sha[..9].to_owned())
}
