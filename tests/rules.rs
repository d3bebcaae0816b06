//! Expectation-driven fixtures: every project under `fixtures/rules/<rule-id>/{pass,fail}/` and
//! `fixtures/formats/<name>/` is linted by the real binary, and its findings are compared both ways
//! with the expectations written into the fixture (`<!-- expect: rule [severity] -->` comments and
//! `expected.txt`, see `fixtures/README.md`).
//!
//! The binary is driven through its JSON report rather than the library so that the test exercises the
//! public contract end to end (discovery from the working directory, exit code, report paths).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// What a fixture expects, or what sflint found: compared as a multiset.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    path: String,
    line: u64,
    /// Only `expected.txt` pins the column; comments pin the line.
    column: Option<u64>,
    rule: String,
    severity: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path, self.line)?;
        if let Some(column) = self.column {
            write!(f, ":{column}")?;
        }
        write!(f, " {} {}", self.rule, self.severity)
    }
}

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn sflint() -> assert_cmd::Command {
    assert_cmd::cargo::cargo_bin_cmd!("sflint")
}

/// Rule id -> default severity, as `sflint rules --format json` lists them.
fn default_severities() -> BTreeMap<String, String> {
    let output = sflint()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "sflint rules failed: {output:?}");
    let rules: Value = serde_json::from_slice(&output.stdout).unwrap();
    rules
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| {
            (
                rule["id"].as_str().unwrap().to_string(),
                rule["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn sorted_dir(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    entries
}

fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in sorted_dir(dir) {
        if entry.is_dir() {
            files.extend(files_below(&entry));
        } else {
            files.push(entry);
        }
    }
    files
}

fn relative(path: &Path, base: &Path) -> String {
    let relative = path.strip_prefix(base).unwrap();
    let parts: Vec<String> = relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Splits text into lines the way XML counts them (and sflint reports them): `\n`, `\r\n` and a lone
/// `\r` each end a line. Hand-rolled because `str::lines` keeps a lone `\r` inside the line, and
/// the mixed-line-ending fixture exists to catch exactly that difference.
fn xml_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'\n' => {
                lines.push(&text[start..at]);
                start = at + 1;
            }
            b'\r' => {
                lines.push(&text[start..at]);
                if bytes.get(at + 1) == Some(&b'\n') {
                    at += 1;
                }
                start = at + 1;
            }
            _ => {}
        }
        at += 1;
    }
    lines.push(&text[start..]);
    lines
}

/// The `<!-- expect: ... -->` comments of one file.
fn comment_expectations(
    file: &Path,
    display: &str,
    severities: &BTreeMap<String, String>,
    errors: &mut Vec<String>,
) -> Vec<Finding> {
    let bytes = std::fs::read(file).unwrap();
    // Offsets must match sflint's, which counts from after a UTF-8 byte order mark.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = String::from_utf8_lossy(bytes);
    let mut found = Vec::new();
    for (index, line) in xml_lines(&text).into_iter().enumerate() {
        let mut rest = line;
        while let Some(open) = rest.find("<!--") {
            let after = &rest[open + 4..];
            let Some(close) = after.find("-->") else {
                break;
            };
            let body = after[..close].trim();
            rest = &after[close + 3..];
            let Some(spec) = body.strip_prefix("expect") else {
                continue;
            };
            let where_ = format!("{display}:{}", index + 1);
            let Some(spec) = spec.strip_prefix(':') else {
                errors.push(format!("{where_}: malformed expectation {body:?}"));
                continue;
            };
            match parse_spec(spec, severities) {
                Ok((rule, severity)) => found.push(Finding {
                    path: display.to_string(),
                    line: index as u64 + 1,
                    column: None,
                    rule,
                    severity,
                }),
                Err(message) => errors.push(format!("{where_}: {message}")),
            }
        }
    }
    found
}

/// `rule-id [severity]`; the severity defaults to the rule's default severity.
fn parse_spec(
    spec: &str,
    severities: &BTreeMap<String, String>,
) -> Result<(String, String), String> {
    let words: Vec<&str> = spec.split_whitespace().collect();
    let (rule, severity) = match words.as_slice() {
        [rule] => (*rule, None),
        [rule, severity] => (*rule, Some(*severity)),
        _ => return Err(format!("expected `rule-id [severity]`, found {spec:?}")),
    };
    let Some(default) = severities.get(rule) else {
        return Err(format!("unknown rule {rule:?} in expectation"));
    };
    let severity = severity.unwrap_or(default);
    if !["error", "warning", "info"].contains(&severity) {
        return Err(format!("unknown severity {severity:?} in expectation"));
    }
    Ok((rule.to_string(), severity.to_string()))
}

/// `expected.txt`: `path:line:col rule severity` per line, `#` comments and blank lines ignored.
fn file_expectations(
    file: &Path,
    severities: &BTreeMap<String, String>,
    errors: &mut Vec<String>,
) -> Vec<Finding> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parsed = (|| {
            // Split from the right: paths may hold spaces (profile names do).
            let (rest, severity) = line.rsplit_once(' ')?;
            let (location, rule) = rest.trim_end().rsplit_once(' ')?;
            let mut parts = location.rsplitn(3, ':');
            let column = parts.next()?.parse().ok()?;
            let number = parts.next()?.parse().ok()?;
            let path = parts.next()?;
            Some((path, number, column, rule, severity))
        })();
        let Some((path, number, column, rule, severity)) = parsed else {
            errors.push(format!(
                "{}:{}: expected `path:line:col rule severity`, found {line:?}",
                file.display(),
                index + 1
            ));
            continue;
        };
        match parse_spec(&format!("{rule} {severity}"), severities) {
            Ok((rule, severity)) => found.push(Finding {
                path: path.to_string(),
                line: number,
                column: Some(column),
                rule,
                severity,
            }),
            Err(message) => errors.push(format!("{}:{}: {message}", file.display(), index + 1)),
        }
    }
    found
}

/// What one fixture run produced.
struct Run {
    findings: Vec<(Finding, String)>,
    files: u64,
    components: u64,
}

fn lint(dir: &Path) -> Result<Run, String> {
    let output = sflint()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !stderr.is_empty() {
        return Err(format!("sflint wrote to standard error:\n{stderr}"));
    }
    let report: Value = serde_json::from_slice(&output.stdout)
        .map_err(|error| format!("report is not JSON ({error})"))?;
    let findings: Vec<(Finding, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let finding = Finding {
                path: d["path"].as_str().unwrap().to_string(),
                line: d["line"].as_u64().unwrap(),
                column: Some(d["column"].as_u64().unwrap()),
                rule: d["rule"].as_str().unwrap().to_string(),
                severity: d["severity"].as_str().unwrap().to_string(),
            };
            (finding, d["message"].as_str().unwrap().to_string())
        })
        .collect();
    // The exit code follows the findings: 1 with an error among them, 0 otherwise.
    let has_error = findings.iter().any(|(f, _)| f.severity == "error");
    let code = output.status.code();
    if code != Some(i32::from(has_error)) {
        return Err(format!(
            "exit code {code:?} does not match the findings (error among them: {has_error})"
        ));
    }
    Ok(Run {
        findings,
        files: report["summary"]["files"].as_u64().unwrap(),
        components: report["summary"]["components"].as_u64().unwrap(),
    })
}

/// The rest of the project, which rules consult but sflint does not lint: object, field and record
/// type definitions, tabs, apps, Apex classes and pages, flows, custom permissions, ...
const DEFINITIONS: [&str; 16] = [
    ".object-meta.xml",
    ".field-meta.xml",
    ".recordType-meta.xml",
    ".tab-meta.xml",
    ".app-meta.xml",
    ".cls-meta.xml",
    ".page-meta.xml",
    ".flow-meta.xml",
    ".customPermission-meta.xml",
    ".dataSource-meta.xml",
    ".connectedApp-meta.xml",
    ".eca-meta.xml",
    ".ecaOauth-meta.xml",
    ".ecaGlblOauth-meta.xml",
    ".ecaOauthPlcy-meta.xml",
    ".ecaPlcy-meta.xml",
];

/// Whether sflint should read this file of a fixture as permission metadata.
fn is_metadata(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    if DEFINITIONS.iter().any(|suffix| name.ends_with(suffix)) {
        return false;
    }
    name.ends_with("-meta.xml")
        || [
            ".profile",
            ".permissionset",
            ".permissionsetgroup",
            ".mutingpermissionset",
        ]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

/// Checks one fixture project; returns what went wrong, empty when it passed.
fn check_fixture(dir: &Path, severities: &BTreeMap<String, String>) -> Vec<String> {
    let mut errors = Vec::new();
    let mut expected = Vec::new();
    let files = files_below(dir);
    for file in &files {
        if file.file_name().unwrap() == "expected.txt" {
            expected.extend(file_expectations(file, severities, &mut errors));
        } else {
            let display = relative(file, dir);
            expected.extend(comment_expectations(
                file,
                &display,
                severities,
                &mut errors,
            ));
        }
    }
    let run = match lint(dir) {
        Ok(run) => run,
        Err(error) => {
            errors.push(error);
            return errors;
        }
    };
    // Every metadata file of a fixture is meant to be read; one that is silently skipped would make
    // its expectations (or their absence) meaningless.
    let metadata_files = files.iter().filter(|file| is_metadata(file)).count() as u64;
    if run.files != metadata_files {
        errors.push(format!(
            "sflint read {} files, the fixture holds {metadata_files} metadata files",
            run.files
        ));
    }
    if run.components == 0 {
        errors.push("sflint checked no component".to_string());
    }

    let mut unmatched: Vec<&(Finding, String)> = run.findings.iter().collect();
    let mut missing = Vec::new();
    // Expectations with a column first, so that a column-less one cannot take their finding.
    expected.sort_by_key(|e| e.column.is_none());
    for expectation in &expected {
        let position = unmatched.iter().position(|(found, _)| {
            found.path == expectation.path
                && found.line == expectation.line
                && found.rule == expectation.rule
                && found.severity == expectation.severity
                && expectation.column.is_none_or(|c| found.column == Some(c))
        });
        match position {
            Some(index) => {
                unmatched.remove(index);
            }
            None => missing.push(expectation),
        }
    }
    missing.sort();
    for expectation in missing {
        errors.push(format!("missing: {expectation}"));
    }
    for (found, message) in unmatched {
        errors.push(format!("unexpected: {found} ({message})"));
    }
    errors
}

fn fixture_dirs(parent: &Path) -> Vec<PathBuf> {
    sorted_dir(parent)
        .into_iter()
        .filter(|path| path.is_dir())
        .collect()
}

fn run_all(dirs: &[PathBuf]) {
    let severities = default_severities();
    let mut report = String::new();
    for dir in dirs {
        let errors = check_fixture(dir, &severities);
        if !errors.is_empty() {
            report.push_str(&format!("\n{}:\n", relative(dir, &fixtures_root())));
            for error in errors {
                report.push_str(&format!("  {error}\n"));
            }
        }
    }
    assert!(report.is_empty(), "fixture expectations not met:{report}");
}

#[test]
fn rule_fixtures_produce_exactly_their_expected_findings() {
    let mut dirs = Vec::new();
    for rule in fixture_dirs(&fixtures_root().join("rules")) {
        dirs.extend(fixture_dirs(&rule));
    }
    run_all(&dirs);
}

#[test]
fn format_fixtures_produce_exactly_their_expected_findings() {
    run_all(&fixture_dirs(&fixtures_root().join("formats")));
}

#[test]
fn every_builtin_rule_has_a_pass_and_a_fail_fixture() {
    let severities = default_severities();
    for rule in component_rules() {
        assert!(
            severities.contains_key(rule),
            "sflint rules does not list {rule}"
        );
    }
    let on_disk: Vec<String> = fixture_dirs(&fixtures_root().join("rules"))
        .iter()
        .map(|dir| dir.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        on_disk,
        component_rules(),
        "fixtures/rules/ must hold one folder per built-in rule"
    );
    for rule in component_rules() {
        let dir = fixtures_root().join("rules").join(rule);
        let cases: Vec<String> = fixture_dirs(&dir)
            .iter()
            .map(|dir| dir.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(cases, ["fail", "pass"], "{}", dir.display());
    }
}

#[test]
fn fail_fixtures_expect_their_own_rule_and_pass_fixtures_expect_nothing() {
    let severities = default_severities();
    for rule in component_rules() {
        let dir = fixtures_root().join("rules").join(rule);
        let mut errors = Vec::new();
        let expectations = |case: &str, errors: &mut Vec<String>| -> Vec<Finding> {
            let case_dir = dir.join(case);
            let mut found = Vec::new();
            for file in files_below(&case_dir) {
                if file.file_name().unwrap() == "expected.txt" {
                    found.extend(file_expectations(&file, &severities, errors));
                } else {
                    let display = relative(&file, &case_dir);
                    found.extend(comment_expectations(&file, &display, &severities, errors));
                }
            }
            found
        };
        let fail = expectations("fail", &mut errors);
        let pass = expectations("pass", &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(
            fail.iter().any(|finding| finding.rule == rule),
            "fixtures/rules/{rule}/fail expects no {rule} finding"
        );
        assert!(
            pass.is_empty(),
            "fixtures/rules/{rule}/pass must expect nothing, found {pass:?}"
        );
    }
}

/// The concise report of one rule's `fail` fixture, and its exit code.
fn concise_report_of_fail_fixture(rule: &str) -> (String, Option<i32>) {
    let output = sflint()
        .current_dir(fixtures_root().join("rules").join(rule).join("fail"))
        .args(["check", "--format", "concise"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    (
        String::from_utf8(output.stdout).unwrap(),
        output.status.code(),
    )
}

#[test]
fn guest_user_access_findings_are_worded_and_placed_exactly() {
    let (report, code) = concise_report_of_fail_fixture("guest-user-access");
    assert_eq!(code, Some(1));
    assert_eq!(
        report,
        "\
force-app/main/default/permissionsets/Guest_Registration.permissionset-meta.xml:9:9: error guest-user-access permission set Guest_Registration grants Edit on Registration__c to guest users, who can hold only Read and Create
force-app/main/default/profiles/Events Site.profile-meta.xml:8:9: error guest-user-access profile Events Site grants Edit, Delete, View All Records, Modify All Records on Registration__c to guest users, who can hold only Read and Create
force-app/main/default/profiles/Help Center Profile.profile-meta.xml:12:9: error guest-user-access profile Help Center Profile grants View All Records on Article_Feedback__c to guest users, who can hold only Read and Create
force-app/main/default/profiles/Help Center Profile.profile-meta.xml:17:9: error guest-user-access profile Help Center Profile grants Edit on Case to guest users, who can hold only Read and Create
force-app/main/default/profiles/Help Center Profile.profile-meta.xml:35:9: error guest-user-access profile Help Center Profile enables ViewAllUsers (View All Users) for guest users, who cannot be given it
Found 5 errors in 3 components (3 files).
"
    );
}

#[test]
fn default_application_findings_are_worded_and_placed_exactly() {
    let (report, code) = concise_report_of_fail_fixture("default-application");
    assert_eq!(code, Some(1));
    assert_eq!(
        report,
        "\
force-app/main/default/profiles/Admin.profile-meta.xml:11:9: error default-application profile Admin marks standard__Platform as a second default application (standard__LightningSales is the first)
force-app/main/default/profiles/Sales Rep.profile-meta.xml:11:9: error default-application profile Sales Rep marks standard__LightningSales as a second default application (Field_Service is the first)
force-app/main/default/profiles/Sales Rep.profile-meta.xml:16:9: error default-application profile Sales Rep marks standard__Sales as a second default application (Field_Service is the first)
force-app/main/default/profiles/Support Agent.profile-meta.xml:4:5: error default-application profile Support Agent lists 3 applications but none is its default
Found 4 errors in 3 components (3 files).
"
    );
}

#[test]
fn xml_lines_count_every_line_ending_once() {
    assert_eq!(xml_lines("a\nb\r\nc\rd"), ["a", "b", "c", "d"]);
    assert_eq!(xml_lines("a\r\n"), ["a", ""]);
    assert_eq!(xml_lines("\r\r\n"), ["", "", ""]);
}

#[test]
fn expectations_are_parsed_from_comments_and_expected_txt() {
    let severities = default_severities();
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("a.xml");
    std::fs::write(
        &xml,
        "\u{feff}<a>\r\n<b/> <!-- expect: view-all-data --> <!-- expect: unknown-user-permission warning -->\r<c/><!-- not an expectation -->\n",
    )
    .unwrap();
    let mut errors = Vec::new();
    let found = comment_expectations(&xml, "a.xml", &severities, &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "a.xml:2 view-all-data warning",
            "a.xml:2 unknown-user-permission warning"
        ]
    );

    std::fs::write(
        &xml,
        "<a/> <!-- expect: no-such-rule -->\n<!-- expect invalid-xml -->",
    )
    .unwrap();
    comment_expectations(&xml, "a.xml", &severities, &mut errors);
    assert_eq!(errors.len(), 2, "{errors:?}");

    let txt = dir.path().join("expected.txt");
    std::fs::write(
        &txt,
        "# comment\n\nprofiles/Read Only.profile:3:7 invalid-xml error\n",
    )
    .unwrap();
    let mut errors = Vec::new();
    let found = file_expectations(&txt, &severities, &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        found[0].to_string(),
        "profiles/Read Only.profile:3:7 invalid-xml error"
    );
}

/// The rules that judge each profile or permission set on its own (the others judge integration
/// users and are tested with the packs); each needs pass and fail fixtures.
fn component_rules() -> Vec<&'static str> {
    sflint::registry::RuleId::ALL
        .iter()
        .filter(|rule| rule.judges_components())
        .map(|rule| rule.as_str())
        .collect()
}

/// The rules that compare permission files with the rest of the project, word for word, on their
/// failing fixtures: what a user reads in the concise format.
#[test]
fn project_rules_say_exactly_this() {
    let cases: [(&str, &str); 2] = [
        (
            "master-detail-access",
            "force-app/main/default/permissionsets/Allocations.permissionset-meta.xml:8:9: error master-detail-access Allocation__c is the detail of Project__c, and permission set Allocations has no entry for it: \"Permission Read Allocation__c depends on permission(s): Read Project__c\"
force-app/main/default/permissionsets/Line_Editor.permissionset-meta.xml:16:9: error master-detail-access Line__c is the detail of Invoice__c, and permission set Line_Editor does not grant Read on it: \"Permission Read Line__c depends on permission(s): Read Invoice__c\"
force-app/main/default/permissionsets/Line_Reader.permissionset-meta.xml:8:9: error master-detail-access Line__c is the detail of Invoice__c, and permission set Line_Reader has no entry for it: \"Permission Read Line__c depends on permission(s): Read Invoice__c\"
force-app/main/default/profiles/Line Clerk.profile-meta.xml:9:9: warning master-detail-access Line__c is the detail of Invoice__c, and profile Line Clerk has no entry for it: \"Permission Read Line__c depends on permission(s): Read Invoice__c\"
Found 3 errors and 1 warning in 4 components (4 files).
",
        ),
        (
            "required-field-permission",
            "force-app/main/default/permissionsets/Billing.permissionset-meta.xml:10:9: error required-field-permission field permission on Invoice__c.Number__c, a required field, in permission set Billing: Salesforce refuses the deploy (\"You cannot deploy to a required field: Invoice__c.Number__c\")
force-app/main/default/permissionsets/Billing.permissionset-meta.xml:15:9: error required-field-permission field permission on Line__c.Invoice__c, the master-detail field, in permission set Billing: Salesforce refuses the deploy (\"You cannot deploy to a required field: Line__c.Invoice__c\")
force-app/main/default/profiles/Billing Clerk.profile-meta.xml:6:9: error required-field-permission field permission on Invoice__c.Number__c, a required field, in profile Billing Clerk: Salesforce refuses the deploy (\"You cannot deploy to a required field: Invoice__c.Number__c\")
Found 3 errors in 2 components (2 files).
",
        ),
    ];
    for (rule, expected) in cases {
        let output = sflint()
            .current_dir(fixtures_root().join("rules").join(rule).join("fail"))
            .args(["check", "--format", "concise"])
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&output.stdout), expected, "{rule}");
        assert_eq!(output.status.code(), Some(1), "{rule}");
    }
    // The rest, one line each: the message names the entry, the definition and, where the deploy
    // fails, the platform's error.
    let output = sflint()
        .current_dir(fixtures_root().join("rules/undefined-reference/fail"))
        .args(["check", "--format", "concise"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in [
        "force-app/main/default/permissionsets/Billing.permissionset-meta.xml:34:9: error undefined-reference permission set Billing names the field Invoice__c.Discount__c, which the project's definition of Invoice__c does not have: the deploy fails (\"no CustomField named Invoice__c.Discount__c found\")",
        "force-app/main/default/permissionsets/Billing.permissionset-meta.xml:29:9: warning undefined-reference permission set Billing names the custom object Credit_Note__c, which the project does not define: the deploy fails unless the target org has it (\"no CustomObject named Credit_Note__c found\")",
        "force-app/main/default/permissionsets/Billing.permissionset-meta.xml:12:9: warning undefined-reference permission set Billing names the Apex class InvoiceMailer, which the project does not define: the deploy fails unless the target org has it (\"no ApexClass named InvoiceMailer found\")",
        "Found 3 errors and 7 warnings in 2 components (2 files).",
    ] {
        assert!(
            stdout.lines().any(|found| found == line),
            "{line}\n{stdout}"
        );
    }
    let output = sflint()
        .current_dir(fixtures_root().join("rules/tab-without-object-access/fail"))
        .args(["check", "--format", "concise"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).starts_with(
        "force-app/main/default/permissionsets/Invoice_Tab.permissionset-meta.xml:13:9: warning tab-without-object-access the tab of Invoice__c is visible in permission set Invoice_Tab, but its entry for the object does not grant Read\n"
    ));
    let output = sflint()
        .current_dir(fixtures_root().join("rules/computed-field-editable/fail"))
        .args(["check", "--format", "concise"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).starts_with(
        "force-app/main/default/permissionsets/Invoice_Editor.permissionset-meta.xml:4:9: warning computed-field-editable Invoice__c.Days_Open__c is a formula field but editable in permission set Invoice_Editor\n"
    ));
}
