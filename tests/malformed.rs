//! Hostile and broken input, end to end through the binary: every broken file is reported exactly
//! (rule, file, line, column, message) or named on standard error, the valid permission set beside it
//! is still linted, the exit code says which happened, and nothing panics or hangs.
//!
//! `fixtures/malformed/` holds the files whose bytes can be committed (listed `-text` in
//! `.gitattributes`): `Valid` (the sibling with one known error and one known warning), `Empty`,
//! `Truncated`, `NotXml`, `profiles/admin` (a `<Package>` manifest), `Utf16` (with byte order mark),
//! `Latin1` (invalid UTF-8), `Laughs` (nested entity definitions), `External` (`file://` and `http://`
//! entities), the directory `Directory.permissionset-meta.xml/`, `Crlf`, `Mixed` and `MixedValid`
//! (CR LF, LF and lone CR), and `Duplicates`. What cannot or should not be committed (10 MB of text,
//! 100,000 levels of nesting, symbolic link loops, a mode 000 file, a listening socket, a sparse
//! file over the size limit) is generated into a temporary copy of the project.

use std::path::{Path, PathBuf};
use std::time::Duration;

const PERMISSION_SETS: &str = "force-app/main/default/permissionsets";

/// What the valid sibling reports, in concise form: both must survive every broken neighbour.
const VALID: &str = "\
force-app/main/default/permissionsets/Valid.permissionset-meta.xml:7:9: error object-access-dependency Edit on Lead without Read in permission set Valid
force-app/main/default/permissionsets/Valid.permissionset-meta.xml:15:9: warning view-all-data permission set Valid grants ViewAllData (View All Data)
";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/malformed")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// sflint run from inside `dir` (so paths are shown relative to it), with a timeout far above
/// anything a correct run needs: a hang fails the test instead of blocking the suite.
fn run(dir: &Path, args: &[&str]) -> Run {
    let output = assert_cmd::cargo::cargo_bin_cmd!("sflint")
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("NO_COLOR")
        .args(args)
        .timeout(Duration::from_secs(300))
        .output()
        .expect("sflint could not be run");
    let run = Run {
        // A panic exits with 101 and a kill by the timeout with no code at all: neither is expected.
        code: output
            .status
            .code()
            .expect("sflint was killed (timeout or signal)"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "sflint panicked:\n{}",
        run.stderr
    );
    run
}

/// `sflint check --format concise` on the valid sibling and the named broken file(s) of the fixture.
fn check_files(files: &[&str]) -> Run {
    let mut args = vec!["check", "--format", "concise"];
    let valid = format!("{PERMISSION_SETS}/Valid.permissionset-meta.xml");
    args.push(&valid);
    args.extend_from_slice(files);
    run(&fixture(), &args)
}

/// A temporary copy of the project holding only `sfdx-project.json` and the valid sibling.
fn scratch_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = fixture();
    std::fs::create_dir_all(dir.path().join(PERMISSION_SETS)).unwrap();
    for file in [
        "sfdx-project.json".to_string(),
        format!("{PERMISSION_SETS}/Valid.permissionset-meta.xml"),
    ] {
        std::fs::copy(from.join(&file), dir.path().join(&file)).unwrap();
    }
    dir
}

/// The valid sibling's findings merged, in report order, around `before` and `after`.
fn with_valid(before: &str, after: &str) -> String {
    format!("{before}{VALID}{after}")
}

// ---------------------------------------------------------------------------------------------
// One broken file at a time, next to the valid sibling

#[test]
fn empty_file() {
    let run = check_files(&[&format!("{PERMISSION_SETS}/Empty.permissionset-meta.xml")]);
    assert_eq!(
        run.stdout,
        with_valid(
            "force-app/main/default/permissionsets/Empty.permissionset-meta.xml:1:1: error invalid-xml file holds no XML element (empty file?)\n",
            "Found 2 errors and 1 warning in 1 component (2 files).\n"
        )
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 1);
}

#[test]
fn truncated_file() {
    // Cut off inside `<name>ApiEna`: reported where the text ends, line 6 after 20 characters.
    let run = check_files(&[&format!(
        "{PERMISSION_SETS}/Truncated.permissionset-meta.xml"
    )]);
    assert_eq!(
        run.stdout,
        "force-app/main/default/permissionsets/Truncated.permissionset-meta.xml:6:21: error invalid-xml unexpected end of file: the root element is not closed\n"
            .to_string()
            + &with_valid("", "Found 2 errors and 1 warning in 1 component (2 files).\n")
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 1);
}

#[test]
fn text_that_is_not_xml() {
    // Two blank lines, then prose: reported where the prose starts.
    let run = check_files(&[&format!("{PERMISSION_SETS}/NotXml.permissionset-meta.xml")]);
    assert_eq!(
        run.stdout,
        "force-app/main/default/permissionsets/NotXml.permissionset-meta.xml:3:1: error invalid-xml text before the root element\n"
            .to_string()
            + &with_valid("", "Found 2 errors and 1 warning in 1 component (2 files).\n")
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 1);
}

#[test]
fn package_manifest_named_as_a_profile() {
    let run = check_files(&["force-app/main/default/profiles/admin.profile-meta.xml"]);
    assert_eq!(
        run.stdout,
        with_valid(
            "",
            "force-app/main/default/profiles/admin.profile-meta.xml:2:1: error invalid-xml root element is <Package>, but a profile file must hold a <Profile>\n\
             Found 2 errors and 1 warning in 1 component (2 files).\n"
        )
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 1);
}

#[test]
fn utf16_with_byte_order_mark() {
    let bytes = std::fs::read(
        fixture()
            .join(PERMISSION_SETS)
            .join("Utf16.permissionset-meta.xml"),
    )
    .unwrap();
    assert_eq!(
        &bytes[..4],
        b"\xFF\xFE<\0",
        "the fixture must stay UTF-16LE with a BOM"
    );
    let run = check_files(&[&format!("{PERMISSION_SETS}/Utf16.permissionset-meta.xml")]);
    assert_eq!(
        run.stdout,
        "force-app/main/default/permissionsets/Utf16.permissionset-meta.xml:1:1: error invalid-xml file is encoded in UTF-16; Salesforce metadata files must be UTF-8\n"
            .to_string()
            + &with_valid("", "Found 2 errors and 1 warning in 1 component (2 files).\n")
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 1);
}

#[test]
fn utf16_without_byte_order_mark() {
    let project = scratch_project();
    let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<PermissionSet/>\n";
    let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    std::fs::write(
        project
            .path()
            .join(PERMISSION_SETS)
            .join("NoBom.permissionset-meta.xml"),
        bytes,
    )
    .unwrap();
    let run = run(project.path(), &["check", "--format", "concise"]);
    assert_eq!(
        run.stdout,
        "force-app/main/default/permissionsets/NoBom.permissionset-meta.xml:1:2: error invalid-xml file looks like UTF-16 without a byte order mark; Salesforce metadata files must be UTF-8\n"
            .to_string()
            + &with_valid("", "Found 2 errors and 1 warning in 1 component (2 files).\n")
    );
    assert_eq!(run.code, 1);
}

#[test]
fn invalid_utf8() {
    // `Accès` written in Latin-1: the è (0xE8) is the 21st character of line 3.
    let run = check_files(&[&format!("{PERMISSION_SETS}/Latin1.permissionset-meta.xml")]);
    assert_eq!(
        run.stdout,
        "force-app/main/default/permissionsets/Latin1.permissionset-meta.xml:3:21: error invalid-xml file is not valid UTF-8 (invalid byte 0xE8)\n"
            .to_string()
            + &with_valid("", "Found 2 errors and 1 warning in 1 component (2 files).\n")
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 1);
}

#[test]
fn nested_entity_definitions_are_refused_not_expanded() {
    // Ten levels of ten: expanded, the label would be 3 * 10^9 bytes.
    let run = check_files(&[&format!("{PERMISSION_SETS}/Laughs.permissionset-meta.xml")]);
    assert_eq!(
        run.stdout,
        "force-app/main/default/permissionsets/Laughs.permissionset-meta.xml:2:1: error invalid-xml DOCTYPE declarations are not allowed in Salesforce metadata (entities are never expanded)\n"
            .to_string()
            + &with_valid("", "Found 2 errors and 1 warning in 1 component (2 files).\n")
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 1);
}

#[test]
fn external_entities_are_refused() {
    let run = check_files(&[&format!(
        "{PERMISSION_SETS}/External.permissionset-meta.xml"
    )]);
    assert_eq!(
        run.stdout,
        "force-app/main/default/permissionsets/External.permissionset-meta.xml:2:1: error invalid-xml DOCTYPE declarations are not allowed in Salesforce metadata (entities are never expanded)\n"
            .to_string()
            + &with_valid("", "Found 2 errors and 1 warning in 1 component (2 files).\n")
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 1);
}

/// The committed fixture names `/etc/passwd` and an unresolvable host; this one names a file whose
/// content the test knows and a socket the test listens on, so that reading or fetching would show.
#[test]
fn external_entities_are_never_read_or_fetched() {
    use std::net::TcpListener;

    let project = scratch_project();
    let secret = project.path().join("secret.txt");
    std::fs::write(&secret, "SECRET-4f1d2c").unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let text = format!(
        "<?xml version=\"1.0\"?>\n\
         <!DOCTYPE PermissionSet [\n\
         <!ENTITY secret SYSTEM \"file://{secret}\">\n\
         <!ENTITY remote SYSTEM \"http://127.0.0.1:{port}/permissions.xml\">\n\
         <!ENTITY % dtd SYSTEM \"http://127.0.0.1:{port}/evil.dtd\">\n\
         %dtd;\n\
         ]>\n\
         <PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n\
         <label>&secret;</label>\n\
         <description>&remote;</description>\n\
         </PermissionSet>\n",
        secret = secret.display()
    );
    std::fs::write(
        project
            .path()
            .join(PERMISSION_SETS)
            .join("Xxe.permissionset-meta.xml"),
        text,
    )
    .unwrap();
    for format in ["concise", "json", "human", "sarif"] {
        let run = run(project.path(), &["check", "--format", format]);
        assert_eq!(run.code, 1, "{format}");
        assert!(
            !run.stdout.contains("SECRET-4f1d2c") && !run.stderr.contains("SECRET-4f1d2c"),
            "{format}: the external file was read:\n{}",
            run.stdout
        );
    }
    let run = run(project.path(), &["check", "--format", "concise"]);
    assert_eq!(
        run.stdout,
        with_valid(
            "",
            "force-app/main/default/permissionsets/Xxe.permissionset-meta.xml:2:1: error invalid-xml DOCTYPE declarations are not allowed in Salesforce metadata (entities are never expanded)\n\
             Found 2 errors and 1 warning in 1 component (2 files).\n"
        )
    );
    match listener.accept() {
        Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
        Err(error) => panic!("cannot check the listener: {error}"),
        Ok((_, peer)) => panic!("sflint connected to the entity URL (from {peer})"),
    }
}

#[test]
fn directory_named_like_a_metadata_file_is_skipped_with_a_warning() {
    assert!(
        fixture()
            .join(PERMISSION_SETS)
            .join("Directory.permissionset-meta.xml")
            .is_dir(),
        "the fixture must be a directory"
    );
    let project = scratch_project();
    let dir = project
        .path()
        .join(PERMISSION_SETS)
        .join("Directory.permissionset-meta.xml");
    std::fs::create_dir(&dir).unwrap();
    // Its content is still walked: a real permission set inside is linted.
    std::fs::copy(
        fixture()
            .join(PERMISSION_SETS)
            .join("Crlf.permissionset-meta.xml"),
        dir.join("Inner.permissionset-meta.xml"),
    )
    .unwrap();
    let run = run(project.path(), &["check", "--format", "concise"]);
    assert_eq!(
        run.stdout,
        "force-app/main/default/permissionsets/Directory.permissionset-meta.xml/Inner.permissionset-meta.xml:10:9: error unknown-user-permission unknown user permission EditTasks in permission set Inner; did you mean EditTask (Edit Tasks)?\n"
            .to_string()
            + &with_valid("", "Found 2 errors and 1 warning in 2 components (2 files).\n")
    );
    assert_eq!(
        run.stderr,
        "sflint: warning: force-app/main/default/permissionsets/Directory.permissionset-meta.xml: skipped: a directory named like a metadata file\n"
    );
    assert_eq!(run.code, 1);
}

#[test]
fn crlf_line_endings_keep_line_numbers() {
    let bytes = std::fs::read(
        fixture()
            .join(PERMISSION_SETS)
            .join("Crlf.permissionset-meta.xml"),
    )
    .unwrap();
    assert_eq!(
        bytes.windows(2).filter(|pair| pair == b"\r\n").count(),
        bytes.iter().filter(|&&b| b == b'\n').count(),
        "the fixture must keep CR LF on every line (see .gitattributes)"
    );
    let run = check_files(&[&format!("{PERMISSION_SETS}/Crlf.permissionset-meta.xml")]);
    assert_eq!(
        run.stdout,
        "force-app/main/default/permissionsets/Crlf.permissionset-meta.xml:10:9: error unknown-user-permission unknown user permission EditTasks in permission set Crlf; did you mean EditTask (Edit Tasks)?\n"
            .to_string()
            + &with_valid("", "Found 2 errors and 1 warning in 2 components (2 files).\n")
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 1);
}

#[test]
fn mixed_line_endings_keep_line_numbers() {
    // LF, CR LF and lone CR in one file: each ends one line. MixedValid's findings are on lines 6 and
    // 10; Mixed's closing-tag typo is on line 11, after 23 characters.
    let bytes = std::fs::read(
        fixture()
            .join(PERMISSION_SETS)
            .join("MixedValid.permissionset-meta.xml"),
    )
    .unwrap();
    assert!(bytes.windows(2).any(|pair| pair == b"\r\n"));
    assert!(
        bytes
            .windows(2)
            .any(|pair| pair[0] == b'\r' && pair[1] != b'\n')
    );
    let run = check_files(&[
        &format!("{PERMISSION_SETS}/Mixed.permissionset-meta.xml"),
        &format!("{PERMISSION_SETS}/MixedValid.permissionset-meta.xml"),
    ]);
    assert_eq!(
        run.stdout,
        "\
force-app/main/default/permissionsets/Mixed.permissionset-meta.xml:11:24: error invalid-xml XML is not well-formed: ill-formed document: expected `</object>`, but `</objekt>` was found
force-app/main/default/permissionsets/MixedValid.permissionset-meta.xml:6:9: warning view-all-data permission set MixedValid grants ViewAllData (View All Data)
force-app/main/default/permissionsets/MixedValid.permissionset-meta.xml:10:9: error object-access-dependency Edit on Account without Read in permission set MixedValid
"
        .to_string()
            + &with_valid("", "Found 3 errors and 2 warnings in 2 components (3 files).\n")
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 1);
}

#[test]
fn duplicate_elements() {
    // Two <label>s, two <name>s in one entry and two <enabled>s in another are each rejected by
    // Salesforce; repeated entries are the duplicate-entry rule's warnings.
    let run = check_files(&[&format!(
        "{PERMISSION_SETS}/Duplicates.permissionset-meta.xml"
    )]);
    assert_eq!(
        run.stdout,
        "\
force-app/main/default/permissionsets/Duplicates.permissionset-meta.xml:4:5: error invalid-xml <label> appears more than once; Salesforce rejects the file
force-app/main/default/permissionsets/Duplicates.permissionset-meta.xml:13:9: warning duplicate-entry object Account is listed more than once in permission set Duplicates
force-app/main/default/permissionsets/Duplicates.permissionset-meta.xml:18:9: error invalid-xml <name> appears more than once in one <userPermissions> entry; Salesforce rejects the file
force-app/main/default/permissionsets/Duplicates.permissionset-meta.xml:22:9: error invalid-xml <enabled> appears more than once in one <userPermissions> entry; Salesforce rejects the file
force-app/main/default/permissionsets/Duplicates.permissionset-meta.xml:23:9: warning duplicate-entry user permission ApiEnabled is listed more than once in permission set Duplicates
"
        .to_string()
            + &with_valid("", "Found 4 errors and 3 warnings in 2 components (2 files).\n")
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 1);
}

// ---------------------------------------------------------------------------------------------
// The whole fixture at once

#[test]
fn whole_project_reports_every_broken_file_and_lints_the_rest() {
    let run = run(&fixture(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "sflint: warning: force-app/main/default/permissionsets/Directory.permissionset-meta.xml: skipped: a directory named like a metadata file\n"
    );
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut invalid: Vec<(String, u64, u64)> = Vec::new();
    let mut others: Vec<(String, u64, String)> = Vec::new();
    for diagnostic in report["diagnostics"].as_array().unwrap() {
        let path = diagnostic["path"].as_str().unwrap();
        let name = path.rsplit('/').next().unwrap().to_string();
        let line = diagnostic["line"].as_u64().unwrap();
        match diagnostic["rule"].as_str().unwrap() {
            "invalid-xml" => invalid.push((name, line, diagnostic["column"].as_u64().unwrap())),
            rule => others.push((name, line, rule.to_string())),
        }
    }
    let located = |name: &str, line, column| (name.to_string(), line, column);
    assert_eq!(
        invalid,
        [
            located("Duplicates.permissionset-meta.xml", 4, 5),
            located("Duplicates.permissionset-meta.xml", 18, 9),
            located("Duplicates.permissionset-meta.xml", 22, 9),
            located("Empty.permissionset-meta.xml", 1, 1),
            located("External.permissionset-meta.xml", 2, 1),
            located("Latin1.permissionset-meta.xml", 3, 21),
            located("Laughs.permissionset-meta.xml", 2, 1),
            located("Mixed.permissionset-meta.xml", 11, 24),
            located("NotXml.permissionset-meta.xml", 3, 1),
            located("Truncated.permissionset-meta.xml", 6, 21),
            located("Utf16.permissionset-meta.xml", 1, 1),
            located("admin.profile-meta.xml", 2, 1),
        ]
    );
    let found = |name: &str, line, rule: &str| (name.to_string(), line, rule.to_string());
    assert_eq!(
        others,
        [
            found("Crlf.permissionset-meta.xml", 10, "unknown-user-permission"),
            found("Duplicates.permissionset-meta.xml", 13, "duplicate-entry"),
            found("Duplicates.permissionset-meta.xml", 23, "duplicate-entry"),
            found("MixedValid.permissionset-meta.xml", 6, "view-all-data"),
            found(
                "MixedValid.permissionset-meta.xml",
                10,
                "object-access-dependency"
            ),
            found(
                "Valid.permissionset-meta.xml",
                7,
                "object-access-dependency"
            ),
            found("Valid.permissionset-meta.xml", 15, "view-all-data"),
        ]
    );
    // Every file was read, broken or not; only the four that parsed are components.
    assert_eq!(report["summary"]["files"], 13);
    assert_eq!(report["summary"]["components"], 4);
}

// ---------------------------------------------------------------------------------------------
// Generated: too big to commit, or not expressible as a committed file

/// 10 MB in one text node (5,000,000 two-byte characters on one line), with a finding after it on
/// the same line whose column counts those characters, and one on the next lines.
#[test]
fn ten_megabyte_text_node() {
    let project = scratch_project();
    let mut text = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <description>",
    );
    text.push_str(&"é".repeat(5_000_000));
    text.push_str("</description><userPermissions><enabled>true</enabled><name>Xyzzy</name></userPermissions>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>ViewAllData</name>\n    </userPermissions>\n</PermissionSet>\n");
    assert!(text.len() > 10_000_000);
    std::fs::write(
        project
            .path()
            .join(PERMISSION_SETS)
            .join("Big.permissionset-meta.xml"),
        text,
    )
    .unwrap();
    let run = run(project.path(), &["check", "--format", "concise"]);
    assert_eq!(
        run.stdout,
        "\
force-app/main/default/permissionsets/Big.permissionset-meta.xml:3:5000072: warning unknown-user-permission user permission Xyzzy in permission set Big is not in the catalog
force-app/main/default/permissionsets/Big.permissionset-meta.xml:6:9: warning view-all-data permission set Big grants ViewAllData (View All Data)
"
        .to_string()
            + &with_valid("", "Found 1 error and 3 warnings in 2 components (2 files).\n")
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 1);
}

/// 100,000 levels of nesting, closed (followed by a finding) and left open (reported at the end).
#[test]
fn hundred_thousand_levels_of_nesting() {
    let depth = 100_000;
    let project = scratch_project();
    let dir = project.path().join(PERMISSION_SETS);
    let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n";
    let mut deep = String::from(head);
    deep.push_str(&"<x>".repeat(depth));
    deep.push_str(&"</x>".repeat(depth));
    deep.push_str("\n<userPermissions><enabled>true</enabled><name>Xyzzy</name></userPermissions>\n</PermissionSet>\n");
    std::fs::write(dir.join("Deep.permissionset-meta.xml"), deep).unwrap();
    let mut open = String::from(head);
    open.push_str(&"<x>".repeat(depth));
    std::fs::write(dir.join("DeepOpen.permissionset-meta.xml"), open).unwrap();
    // The same depth inside an entry, whose fields are read.
    let mut entry = String::from(head);
    entry.push_str("<userPermissions><enabled>true</enabled><name>ViewAllData</name>");
    entry.push_str(&"<x>".repeat(depth));
    entry.push_str(&"</x>".repeat(depth));
    entry.push_str("</userPermissions>\n</PermissionSet>\n");
    std::fs::write(dir.join("DeepEntry.permissionset-meta.xml"), entry).unwrap();

    let run = run(project.path(), &["check", "--format", "concise"]);
    assert_eq!(
        run.stdout,
        "\
force-app/main/default/permissionsets/Deep.permissionset-meta.xml:4:41: warning unknown-user-permission user permission Xyzzy in permission set Deep is not in the catalog
force-app/main/default/permissionsets/DeepEntry.permissionset-meta.xml:3:41: warning view-all-data permission set DeepEntry grants ViewAllData (View All Data)
force-app/main/default/permissionsets/DeepOpen.permissionset-meta.xml:3:300001: error invalid-xml unexpected end of file: the root element is not closed
"
        .to_string()
            + &with_valid("", "Found 2 errors and 3 warnings in 3 components (4 files).\n")
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, 1);
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_are_skipped_with_a_warning() {
    use std::os::unix::fs::symlink;

    let project = scratch_project();
    let dir = project.path().join(PERMISSION_SETS);
    // Back to an ancestor directory, to itself, and two links pointing at each other.
    symlink("..", dir.join("loop")).unwrap();
    symlink(
        "Self.permissionset-meta.xml",
        dir.join("Self.permissionset-meta.xml"),
    )
    .unwrap();
    symlink(
        "Ping.permissionset-meta.xml",
        dir.join("Pong.permissionset-meta.xml"),
    )
    .unwrap();
    symlink(
        "Pong.permissionset-meta.xml",
        dir.join("Ping.permissionset-meta.xml"),
    )
    .unwrap();
    let run = run(project.path(), &["check", "--format", "concise"]);
    // The valid file is linted once, not once per way of reaching it.
    assert_eq!(
        run.stdout,
        with_valid("", "Found 1 error and 1 warning in 1 component (1 file).\n")
    );
    assert_eq!(
        run.stderr,
        "\
sflint: warning: force-app/main/default/permissionsets/Ping.permissionset-meta.xml: skipped: symbolic link loop
sflint: warning: force-app/main/default/permissionsets/Pong.permissionset-meta.xml: skipped: symbolic link loop
sflint: warning: force-app/main/default/permissionsets/Self.permissionset-meta.xml: skipped: symbolic link loop
sflint: warning: force-app/main/default/permissionsets/loop: skipped: symbolic link loop back to force-app/main/default
"
    );
    assert_eq!(run.code, 1);
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_a_problem_and_the_rest_is_still_linted() {
    use std::os::unix::fs::PermissionsExt;

    let project = scratch_project();
    let locked = project
        .path()
        .join(PERMISSION_SETS)
        .join("Locked.permissionset-meta.xml");
    std::fs::write(&locked, "<PermissionSet/>").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = run(project.path(), &["check", "--format", "concise"]);
    // Whoever runs the test, the valid sibling is reported.
    assert!(run.stdout.starts_with(VALID), "{}", run.stdout);
    if std::fs::read(&locked).is_ok() {
        // Root (as in many CI containers) reads mode 000 files: there is no unreadable file to test.
        eprintln!(
            "SKIPPED assertion: {} is readable despite mode 000 (running as root?), so the \
             'cannot read' problem and exit code 2 cannot be observed here",
            locked.display()
        );
        assert_eq!(run.stderr, "");
        assert_eq!(run.code, 1);
        return;
    }
    assert_eq!(
        run.stdout,
        with_valid(
            "",
            "Found 1 error and 1 warning in 1 component (2 files).\n"
        )
    );
    assert_eq!(
        run.stderr,
        "sflint: error: force-app/main/default/permissionsets/Locked.permissionset-meta.xml: cannot read: Permission denied (os error 13)\n"
    );
    assert_eq!(run.code, 2);
}

/// An I/O problem observable whoever runs the tests: a named file that does not exist.
#[test]
fn missing_file_is_a_problem_and_the_rest_is_still_linted() {
    let run = check_files(&[&format!("{PERMISSION_SETS}/Gone.permissionset-meta.xml")]);
    assert_eq!(
        run.stdout,
        with_valid("", "Found 1 error and 1 warning in 1 component (1 file).\n")
    );
    assert_eq!(
        run.stderr,
        "sflint: error: force-app/main/default/permissionsets/Gone.permissionset-meta.xml: no such file or directory\n"
    );
    assert_eq!(run.code, 2);
}

/// Over the 1 GiB limit (spans are 32-bit offsets): refused from its size alone, never read into
/// memory. The file is sparse, so it costs no disk space.
#[cfg(unix)]
#[test]
fn oversized_file_is_refused_without_being_read() {
    let project = scratch_project();
    let huge = std::fs::File::create(
        project
            .path()
            .join(PERMISSION_SETS)
            .join("Huge.permissionset-meta.xml"),
    )
    .unwrap();
    huge.set_len((1 << 30) + 1).unwrap();
    let run = run(project.path(), &["check", "--format", "concise"]);
    assert_eq!(
        run.stdout,
        with_valid(
            "",
            "Found 1 error and 1 warning in 1 component (2 files).\n"
        )
    );
    assert_eq!(
        run.stderr,
        "sflint: error: force-app/main/default/permissionsets/Huge.permissionset-meta.xml: skipped: 1073741825 bytes is larger than the 1073741824 byte limit\n"
    );
    assert_eq!(run.code, 2);
}
