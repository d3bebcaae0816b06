//! Hostile repositories and broken environments: whatever a committed file holds and wherever the
//! output goes, sflint does not crash, loses no report, writes nothing it was not asked to, reads
//! nothing outside the project unasked, and prints no string of the repository that a terminal or a
//! CI log would take as a command. Each test runs the real binary: the one this build makes, or the
//! one `SFLINT_BIN` names, so that the same tests can be run against an older build to show what
//! they catch (`SFLINT_BIN=path/to/old/sflint cargo test --test hostile`).

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};

const PROJECT: &str = r#"{"packageDirectories":[{"path":"force-app","default":true}]}"#;
const SETS: &str = "force-app/main/default/permissionsets";

fn sflint() -> Command {
    let binary =
        std::env::var_os("SFLINT_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_sflint").into());
    let mut command = Command::new(binary);
    command.env_remove("CLICOLOR_FORCE").env_remove("NO_COLOR");
    command.env_remove("GITHUB_STEP_SUMMARY");
    command
}

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

/// A project with one error (an unknown permission) and one warning (View All Data).
fn one_error_project() -> tempfile::TempDir {
    project(&[(
        &format!("{SETS}/Ops.permissionset-meta.xml"),
        &permission_set(&(user_permission("ManageFlow") + &user_permission("ViewAllData"))),
    )])
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let output = sflint().current_dir(dir).args(args).output().unwrap();
    Run {
        code: output.status.code().expect("killed by a signal"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

// Broken environments.

#[test]
fn a_full_standard_error_loses_neither_the_report_nor_the_exit_code() {
    let dir = one_error_project();
    let expected = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(expected.code, 1);
    let full = std::fs::File::create("/dev/full").unwrap();
    let output = sflint()
        .current_dir(dir.path())
        .args(["check", "--format", "concise", "missing-path"])
        .stderr(full)
        .output()
        .unwrap();
    // The missing path is a problem (exit 2) that cannot even be said; the report still comes.
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "No findings in 0 components (0 files).\n"
    );
    let full = std::fs::File::create("/dev/full").unwrap();
    let output = sflint()
        .current_dir(dir.path())
        .args(["check", "--format", "concise"])
        .stderr(full)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), expected.stdout);
}

#[test]
fn a_closed_standard_error_loses_neither_the_report_nor_the_exit_code() {
    let dir = one_error_project();
    let mut child = sflint()
        .current_dir(dir.path())
        .args(["check", "--format", "concise", "missing-path", "."])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("error unknown-user-permission"), "{stdout}");
}

#[test]
fn a_reader_that_stops_early_does_not_turn_errors_into_success() {
    // Enough findings that the report outgrows the pipe's buffer.
    let body: String = (0..3000)
        .map(|index| user_permission(&format!("Unknown{index}")))
        .collect();
    let dir = project(&[(
        &format!("{SETS}/Many.permissionset-meta.xml"),
        &permission_set(&body),
    )]);
    // `sflint check | head -1`: the findings are warnings (unknown names without a close match), so
    // with `--fail-on warning` the exit code is 1; without it nothing reaches the threshold, but a
    // report that was not read whole is not a success either: 2.
    for (args, expected) in [
        (&["check", "--fail-on", "warning"][..], 1),
        (&["check"][..], 2),
    ] {
        let mut child = sflint()
            .current_dir(dir.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert_eq!(first, "unknown-user-permission\n");
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(expected), "{args:?}");
    }
}

// Files written.

#[test]
fn the_report_and_the_baseline_never_replace_a_project_file() {
    let dir = one_error_project();
    let target = format!("{SETS}/Ops.permissionset-meta.xml");
    let before = std::fs::read(dir.path().join(&target)).unwrap();
    let report = run(dir.path(), &["check", "-o", &target]);
    assert_eq!(report.code, 2);
    assert_eq!(
        report.stderr,
        format!(
            "sflint: error: refusing to write the report to {target}: it is a file of the project, not an output\n"
        )
    );
    let baseline = run(
        dir.path(),
        &["check", "--generate-baseline", "sfdx-project.json"],
    );
    assert_eq!(baseline.code, 2);
    assert_eq!(
        baseline.stderr,
        "sflint: error: refusing to write the baseline to sfdx-project.json: it is a file of the project, not an output; no baseline was recorded\n"
    );
    assert_eq!(std::fs::read(dir.path().join(&target)).unwrap(), before);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sfdx-project.json")).unwrap(),
        PROJECT
    );
}

#[test]
fn a_baseline_that_cannot_be_written_leaves_the_old_one_and_says_so() {
    let dir = one_error_project();
    std::fs::create_dir(dir.path().join("baseline.json")).unwrap();
    let failed = run(
        dir.path(),
        &["check", "--generate-baseline", "baseline.json"],
    );
    assert_eq!(failed.code, 2);
    assert_eq!(
        failed.stderr,
        "sflint: error: cannot write baseline.json: it is a directory; it was left unchanged; no baseline was recorded\n"
    );
    let nowhere = run(
        dir.path(),
        &["check", "--generate-baseline", "no/such/dir/baseline.json"],
    );
    assert_eq!(nowhere.code, 2);
    assert!(
        nowhere
            .stderr
            .ends_with("it was left unchanged; no baseline was recorded\n"),
        "{}",
        nowhere.stderr
    );
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".sflint-"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn generate_baseline_refuses_the_options_it_would_ignore() {
    let dir = one_error_project();
    for extra in [["--format", "json"], ["-o", "report.txt"]] {
        let mut args = vec!["check", "--generate-baseline", "baseline.json"];
        args.extend(extra);
        let refused = run(dir.path(), &args);
        assert_eq!(refused.code, 2, "{extra:?}");
        assert!(
            refused.stderr.contains("cannot be used with"),
            "{}",
            refused.stderr
        );
        assert!(!dir.path().join("baseline.json").exists());
    }
}

#[cfg(unix)]
#[test]
fn init_does_not_write_through_a_dangling_link() {
    let dir = project(&[(
        &format!("{SETS}/ActOn_Integration.permissionset-meta.xml"),
        &permission_set(""),
    )]);
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("planted.toml");
    std::os::unix::fs::symlink(&target, dir.path().join("sflint.toml")).unwrap();
    let refused = run(dir.path(), &["init"]);
    assert_eq!(refused.code, 2);
    assert_eq!(
        refused.stderr,
        "sflint: error: sflint.toml already exists (use --force to overwrite it)\n"
    );
    let forced = run(dir.path(), &["init", "--force", "--yes"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(!target.exists(), "nothing was created outside the project");
    let written = dir.path().join("sflint.toml");
    assert!(!written.symlink_metadata().unwrap().file_type().is_symlink());
    assert!(
        std::fs::read_to_string(written)
            .unwrap()
            .contains("[[integration]]")
    );
}

// Injection.

/// Every line of `text` that begins with `::`, which GitHub Actions reads as a workflow command.
fn command_lines(text: &str) -> Vec<&str> {
    text.lines().filter(|line| line.starts_with("::")).collect()
}

/// Bytes a terminal acts on: escape, bell, the C1 control sequence introducer, backspace.
fn terminal_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| matches!(c, '\u{1b}' | '\u{7}' | '\u{9b}' | '\u{8}' | '\u{202e}'))
        .collect()
}

#[cfg(unix)]
#[test]
fn no_string_of_the_repository_becomes_a_workflow_command_or_a_terminal_control() {
    let newline_name = format!("{SETS}/x\n::error file=a.xml::forged.permissionset-meta.xml");
    let command_name = format!("{SETS}/::warning file=b.xml::forged.permissionset-meta.xml");
    let escape_name = format!("{SETS}/bell\u{7}\u{1b}[2J.permissionset-meta.xml");
    let body = permission_set(&(user_permission("ViewAllData") + &user_permission("ManageFlow")));
    let dir = project(&[
        (&newline_name, &body),
        (&command_name, &body),
        (&escape_name, &body),
        (
            // A label with a right-to-left override: valid XML, shown with a stand-in.
            &format!("{SETS}/Bidi.permissionset-meta.xml"),
            &permission_set(&user_permission("ViewAll\u{202e}Data")),
        ),
        (
            "sflint.toml",
            "[[integration]]\nname = \"Ops\\n::error::forged\\u001b[31m\"\npack = \"act-on\"\npermission_sets = [\"Bidi\"]\n",
        ),
    ]);
    for format in ["human", "concise", "json", "sarif", "github"] {
        let run = run(dir.path(), &["check", "--format", format]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert_eq!(terminal_controls(&run.stdout), [], "{format}");
        assert_eq!(terminal_controls(&run.stderr), [], "{format}");
        assert_eq!(command_lines(&run.stderr), Vec::<&str>::new(), "{format}");
        let commands = command_lines(&run.stdout);
        if format == "github" {
            // One annotation a finding, and nothing else.
            let findings = run
                .stdout
                .lines()
                .filter(|line| line.starts_with("force-app/") || line.starts_with("./::"))
                .count();
            assert_eq!(commands.len(), findings, "{}", run.stdout);
            for command in commands {
                // `::severity file=PATH,line=N,col=N,title=sflint(RULE)::message`: the path is a
                // property with its `:` escaped, so the command ends where sflint ended it; what
                // follows is the message, which may hold anything on this one line.
                let properties = command[2..].split("::").next().unwrap();
                let (severity, rest) = properties.split_once(" file=").unwrap();
                assert!(
                    matches!(severity, "error" | "warning" | "notice"),
                    "{command}"
                );
                let fields: Vec<&str> = rest.rsplitn(4, ',').collect();
                assert_eq!(fields.len(), 4, "{command}");
                assert!(fields[0].starts_with("title=sflint("), "{command}");
                assert!(
                    fields[1].starts_with("col=") && fields[2].starts_with("line="),
                    "{command}"
                );
                assert!(!fields[3].contains(':'), "{command}");
            }
        } else {
            assert_eq!(commands, Vec::<&str>::new(), "{format}:\n{}", run.stdout);
        }
    }
    let concise = run(dir.path(), &["check", "--format", "concise"]);
    assert!(
        concise.stdout.contains(
            "x\\n::error file=a.xml::forged.permissionset-meta.xml:6:9: warning view-all-data"
        ),
        "{}",
        concise.stdout
    );
    assert!(
        concise
            .stdout
            .contains("bell\\u{7}\\u{1b}[2J.permissionset-meta.xml:6:9"),
        "{}",
        concise.stdout
    );
    // A file named on the command line is shown as named: one that starts like a command is led
    // by `./`.
    let forged = "::warning file=b.xml::forged.permissionset-meta.xml";
    std::fs::write(dir.path().join(forged), &body).unwrap();
    let named = run(
        dir.path(),
        &["check", "--format", "concise", "--isolated", forged],
    );
    assert!(
        named
            .stdout
            .starts_with(&format!("./{forged}:6:9: warning view-all-data")),
        "{}",
        named.stdout
    );
    assert_eq!(command_lines(&named.stdout), Vec::<&str>::new());
}

#[test]
fn stale_baseline_entries_are_printed_escaped() {
    let dir = one_error_project();
    std::fs::write(
        dir.path().join("baseline.json"),
        r#"{"version": 1, "findings": [{"rule": "view-all-data", "path": "a\n::error::forged\u001b[31m", "element": "e", "message": ""}]}"#,
    )
    .unwrap();
    let run = run(
        dir.path(),
        &[
            "check",
            "--baseline",
            "baseline.json",
            "--format",
            "concise",
        ],
    );
    assert_eq!(
        run.stderr,
        "sflint: warning: baseline.json: stale baseline entry: view-all-data a\\n::error::forged\\u{1b}[31m e no longer found; regenerate with --generate-baseline\n"
    );
}

#[test]
fn control_characters_are_refused_however_they_are_written() {
    for (written, code_point) in [
        ("&#27;", "U+001B"),
        ("&#x7;", "U+0007"),
        ("&#xFFFF;", "U+FFFF"),
    ] {
        let dir = project(&[(
            &format!("{SETS}/Refs.permissionset-meta.xml"),
            &permission_set(&user_permission(&format!("View{written}AllData"))),
        )]);
        let run = run(dir.path(), &["check", "--format", "concise"]);
        assert_eq!(run.code, 1);
        assert_eq!(
            run.stdout,
            format!(
                "{SETS}/Refs.permissionset-meta.xml:6:19: error invalid-xml character reference {written} stands for {code_point}, which is not allowed in XML\nFound 1 error in 0 components (1 file).\n"
            ),
            "{written}"
        );
    }
}

#[test]
fn a_value_no_name_comes_near_is_refused_and_never_echoed() {
    let dir = project(&[(
        &format!("{SETS}/Huge.permissionset-meta.xml"),
        &permission_set(&user_permission(&"A".repeat(2_000_000))),
    )]);
    for format in ["concise", "human", "json"] {
        let run = run(dir.path(), &["check", "--format", format]);
        assert_eq!(run.code, 1);
        assert!(
            run.stdout.len() < 4_000,
            "{format}: {} bytes",
            run.stdout.len()
        );
        assert!(
            run.stdout
                .contains("<name> holds 2000000 characters, more than any Salesforce name"),
            "{format}: {}",
            run.stdout
        );
    }
}

/// The hook as `.pre-commit-hooks.yaml` defines it, run by the real `pre-commit` (when installed;
/// `.ci/run` installs it and sets `SFLINT_REQUIRE_PRE_COMMIT` so that CI never skips this) with the
/// built binary in place of `sflint`, on a commit holding files named like options.
#[test]
fn the_pre_commit_hook_reads_file_names_as_paths_whatever_they_look_like() {
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
    let field = |name: &str| -> String {
        hooks
            .lines()
            .find_map(|line| line.trim().strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("the hook has no {name}"))
            .to_string()
    };
    let entry = field("entry").replacen("sflint", env!("CARGO_BIN_EXE_sflint"), 1);
    let args: serde_json::Value = serde_json::from_str(&field("args")).unwrap();
    let files = field("files").trim_matches('\'').to_string();
    // YAML reads JSON: the hook as a local one, running the binary of this build.
    let config = serde_json::json!({"repos": [{"repo": "local", "hooks": [{
        "id": "sflint", "name": "sflint", "entry": entry, "args": args, "files": files,
        "language": "system", "require_serial": true,
    }]}]});

    let dir = one_error_project();
    let victim = "Victim.permissionset-meta.xml";
    let victim_text = permission_set(&user_permission("ApiEnabled"));
    std::fs::write(dir.path().join(victim), &victim_text).unwrap();
    for planted in [
        format!("--output={victim}"),
        "--exclude=*.permissionset-meta.xml".to_string(),
        "--exit-zero.permissionset-meta.xml".to_string(),
    ] {
        std::fs::write(dir.path().join(&planted), permission_set("")).unwrap();
    }
    std::fs::write(
        dir.path().join(".pre-commit-config.yaml"),
        serde_json::to_string_pretty(&config).unwrap(),
    )
    .unwrap();
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .current_dir(dir.path())
            .args(args)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "--quiet"]);
    git(&["add", "--all"]);
    let run = Command::new("pre-commit")
        .current_dir(dir.path())
        .args(["run", "--all-files", "--color", "never"])
        .env("PRE_COMMIT_HOME", dir.path().join(".pre-commit-cache"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    // The error in Ops fails the hook: no planted name switched it off or sent the report away.
    assert_eq!(run.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("sflint...") && stdout.contains("Failed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("error unknown-user-permission")
            || stdout.contains("unknown-user-permission"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join(victim)).unwrap(),
        victim_text,
        "the report was not written over the victim"
    );
}

// Reading what it should not.

const SECRET: &str = "aws_secret_access_key = AKIAEXAMPLESECRET\n";

#[cfg(unix)]
#[test]
fn links_out_of_the_project_are_skipped_and_never_quoted() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("credentials");
    std::fs::write(&secret, SECRET).unwrap();
    let dir = one_error_project();
    let link = format!("{SETS}/Creds.permissionset-meta.xml");
    std::os::unix::fs::symlink(&secret, dir.path().join(&link)).unwrap();
    // A directory link out of the project, and one that stays inside.
    std::fs::create_dir(outside.path().join("sets")).unwrap();
    std::fs::write(
        outside.path().join("sets/Far.permissionset-meta.xml"),
        permission_set(&user_permission("ViewAllData")),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("sets"),
        dir.path().join(SETS).join("far"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("force-app/shared")).unwrap();
    std::fs::write(
        dir.path()
            .join("force-app/shared/Near.permissionset-meta.xml"),
        permission_set(&user_permission("ModifyAllData")),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("force-app/shared"),
        dir.path().join(SETS).join("near"),
    )
    .unwrap();

    let full = run(dir.path(), &["check", "--format", "concise"]);
    assert!(!full.stdout.contains("aws_secret") && !full.stderr.contains("aws_secret"));
    assert!(
        !full.stdout.contains("Far.permissionset"),
        "{}",
        full.stdout
    );
    assert!(
        full.stdout.contains(&format!(
            "{SETS}/near/Near.permissionset-meta.xml:6:9: warning modify-all-data"
        )),
        "{}",
        full.stdout
    );
    let real_secret = std::fs::canonicalize(&secret).unwrap();
    let real_far = std::fs::canonicalize(outside.path().join("sets")).unwrap();
    assert_eq!(
        full.stderr,
        format!(
            "sflint: warning: {link}: skipped: a symbolic link to {}, outside the project (--follow-external-links follows it)\nsflint: warning: {SETS}/far: skipped: a symbolic link to {}, outside the project (--follow-external-links follows it)\n",
            real_secret.display(),
            real_far.display()
        )
    );
    // Named on the command line, the link is skipped just the same.
    let named = run(dir.path(), &["check", "--format", "concise", &link]);
    assert!(
        named.stdout.starts_with("No findings in 0 components"),
        "{}",
        named.stdout
    );

    // Followed when asked; the credentials file is no permission metadata, so nothing of it is
    // shown, in any format.
    for format in ["human", "concise", "json", "sarif", "github"] {
        let followed = run(
            dir.path(),
            &["check", "--format", format, "--follow-external-links"],
        );
        assert!(followed.stdout.contains("Far.permissionset"), "{format}");
        assert!(followed.stdout.contains("invalid-xml"), "{format}");
        assert!(
            !followed.stdout.contains("aws_secret"),
            "{format}:\n{}",
            followed.stdout
        );
        assert!(!followed.stdout.contains("AKIA"), "{format}");
    }
}

#[test]
fn a_file_that_is_not_metadata_is_never_quoted() {
    let dir = one_error_project();
    std::fs::write(
        dir.path().join(SETS).join("Notes.permissionset-meta.xml"),
        SECRET,
    )
    .unwrap();
    std::fs::write(
        dir.path().join(SETS).join("Other.permissionset-meta.xml"),
        format!("<Credentials>\n{SECRET}</Credentials>\n"),
    )
    .unwrap();
    let checked = run(dir.path(), &["check"]);
    assert!(checked.stdout.contains("invalid-xml"), "{}", checked.stdout);
    assert!(!checked.stdout.contains("AKIA"), "{}", checked.stdout);
}

#[cfg(unix)]
#[test]
fn configuration_pack_and_baseline_files_are_read_with_the_limits_of_metadata() {
    let dir = one_error_project();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.toml")).unwrap();
    let fifo = dir.path().join("fifo.json");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::fs::write(
        dir.path().join("sflint.toml"),
        "[[integration]]\nname = \"Z\"\npack = \"zero.toml\"\npermission_sets = [\"Ops\"]\n",
    )
    .unwrap();
    let pack = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(pack.code, 2);
    assert!(
        pack.stderr
            .contains("zero.toml: integration \"Z\": pack: cannot read: not a regular file"),
        "{}",
        pack.stderr
    );
    let baseline = run(
        dir.path(),
        &["check", "--isolated", "--baseline", "fifo.json"],
    );
    assert_eq!(baseline.code, 2);
    assert!(
        baseline
            .stderr
            .contains("fifo.json: baseline: cannot read: not a regular file"),
        "{}",
        baseline.stderr
    );
    std::fs::remove_file(dir.path().join("sflint.toml")).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(dir.path().join("sflint.toml"))
            .status()
            .unwrap()
            .success()
    );
    let config = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(config.code, 2);
    assert!(
        config
            .stderr
            .starts_with("sflint: error: sflint.toml: cannot read: not a regular file\n"),
        "{}",
        config.stderr
    );
}

// Silent skips.

#[cfg(target_os = "linux")]
#[test]
fn file_names_that_are_not_utf8_are_reported() {
    use std::os::unix::ffi::OsStrExt;
    let dir = one_error_project();
    let name = std::ffi::OsStr::from_bytes(b"Bad\xff.permissionset-meta.xml");
    let path = dir.path().join(SETS).join(name);
    std::fs::write(&path, permission_set("")).unwrap();
    let walked = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(walked.code, 1);
    assert_eq!(
        walked.stderr,
        format!(
            "sflint: warning: {SETS}/Bad\u{fffd}.permissionset-meta.xml: skipped: the file name is not valid UTF-8, which no metadata name is\n"
        )
    );
    let output = sflint()
        .current_dir(dir.path())
        .arg("check")
        .arg(Path::new(SETS).join(name))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).starts_with("sflint: error: "),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn package_directories_that_cannot_be_scanned_are_errors_with_their_line() {
    let dir = one_error_project();
    std::fs::write(
        dir.path().join("sfdx-project.json"),
        "{\n  \"packageDirectories\": [\n    {\"path\": \"force-app\"},\n    {\"path\": \"gone\"},\n    {\"path\": \"../../etc\"}\n  ]\n}\n",
    )
    .unwrap();
    let checked = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(checked.code, 2);
    assert_eq!(
        checked.stderr,
        "sflint: error: sfdx-project.json:4:14: packageDirectories entry \"gone\" does not exist; it is not linted\nsflint: error: sfdx-project.json:5:14: packageDirectories entry \"../../etc\" lies outside the project; it is not linted\n"
    );
    // The entry that can be scanned still is.
    assert!(
        checked.stdout.contains("unknown-user-permission"),
        "{}",
        checked.stdout
    );
}
