//! `--format github` and `--format sarif`: exact output for hand-built findings, the step summary,
//! SARIF validity against the official 2.1.0 schema, fingerprints and the rules table; then both
//! formats through the binary.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde_json::Value;
use sflint::Report;
use sflint::cli::append_step_summary;
use sflint::registry::{RuleId, RuleMeta};

fn all_rules() -> Vec<&'static RuleMeta> {
    RuleId::ALL.iter().map(|rule| rule.meta()).collect()
}
use sflint::diagnostic::{Diagnostic, Location, PackOrigin, Severity};
use sflint::report::{RenderOptions, github, sarif};
use sflint::source::{FilePath, Span};

fn file(display: &str) -> Arc<FilePath> {
    Arc::new(FilePath {
        display: display.to_string(),
        fs: PathBuf::from(display),
    })
}

fn at(path: &Arc<FilePath>, line: u32, column: u32) -> Location {
    Location::new(
        path,
        Span {
            file: 0,
            start: 0,
            end: 0,
            line,
            column,
        },
    )
}

fn lint_result(mut diagnostics: Vec<Diagnostic>) -> Report {
    diagnostics.sort_by(Diagnostic::report_order);
    Report {
        diagnostics,
        files: 2,
        components: 2,
        ..Report::default()
    }
}

const OPTIONS: RenderOptions = RenderOptions {
    color: false,
    quiet: false,
    width: None,
    sarif_root: None,
};

/// Four findings in two files, in an order where severity and position disagree, with every
/// character the workflow-command syntax needs escaped in the path, the rule id and the message.
fn mixed() -> Report {
    let odd = file("force-app/x%y,z:w.permissionset-meta.xml");
    let profile = file("force-app/b.profile-meta.xml");
    lint_result(vec![
        Diagnostic::new(
            RuleId::from_id("view-all-data").unwrap(),
            Severity::Warning,
            at(&odd, 3, 5),
            "permission set X grants ViewAllData",
        )
        .with_help("Grant View All Records instead.")
        .with_element("userPermissions/ViewAllData"),
        Diagnostic::new(
            RuleId::from_id("object-access-dependency").unwrap(),
            Severity::Error,
            at(&odd, 9, 5),
            "edit on 50%: Lead, Contact\r\nline two",
        )
        .with_help("Set a, b: c.")
        .with_element("objectPermissions/Lead/allowEdit"),
        Diagnostic::new(
            RuleId::from_id("unverifiable-requirement").unwrap(),
            Severity::Info,
            at(&profile, 1, 1),
            "did you mean it?",
        )
        .with_help("Maybe."),
        Diagnostic {
            origin: Some(PackOrigin {
                integration: "Act-On".to_string(),
                pack: "act-on".to_string(),
                requirement: "act-on/api-enabled".to_string(),
            }),
            ..Diagnostic::new(
                RuleId::from_id("missing-api-enabled").unwrap(),
                Severity::Error,
                at(&profile, 2, 1),
                "api enabled missing",
            )
            .with_element("userPermissions/ApiEnabled")
        },
    ])
}

/// What `--format github` prints, and, with `summary`, the job summary appended there as the
/// command line does when `GITHUB_STEP_SUMMARY` names it.
fn github_output(result: &Report, options: RenderOptions, summary: Option<&Path>) -> String {
    let mut out = Vec::new();
    github::render(result, options, &mut out).unwrap();
    if let Some(path) = summary {
        append_step_summary(path, &github::summary_markdown(result)).unwrap();
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn github_annotations_come_errors_first_escaped_then_every_finding_as_a_log_line() {
    let expected = concat!(
        "::error file=force-app/b.profile-meta.xml,line=2,col=1,title=sflint(missing-api-enabled)::api enabled missing [Act-On / act-on/api-enabled]\n",
        "::error file=force-app/x%25y%2Cz%3Aw.permissionset-meta.xml,line=9,col=5,title=sflint(object-access-dependency)::edit on 50%25: Lead, Contact%0D%0Aline two. Set a, b: c.\n",
        "::warning file=force-app/x%25y%2Cz%3Aw.permissionset-meta.xml,line=3,col=5,title=sflint(view-all-data)::permission set X grants ViewAllData. Grant View All Records instead.\n",
        "::notice file=force-app/b.profile-meta.xml,line=1,col=1,title=sflint(unverifiable-requirement)::did you mean it? Maybe.\n",
        "force-app/b.profile-meta.xml:1:1: info unverifiable-requirement did you mean it?\n",
        "force-app/b.profile-meta.xml:2:1: error missing-api-enabled api enabled missing [Act-On / act-on/api-enabled]\n",
        "force-app/x%y,z:w.permissionset-meta.xml:3:5: warning view-all-data permission set X grants ViewAllData\n",
        "force-app/x%y,z:w.permissionset-meta.xml:9:5: error object-access-dependency edit on 50%: Lead, Contact\\r\\nline two\n",
        "Found 2 errors, 1 warning and 1 info in 2 components (2 files).\n",
    );
    assert_eq!(github_output(&mixed(), OPTIONS, None), expected);
}

#[test]
fn github_quiet_leaves_out_only_the_closing_count() {
    let quiet = RenderOptions {
        quiet: true,
        ..OPTIONS
    };
    let loud = github_output(&mixed(), OPTIONS, None);
    let expected = loud
        .strip_suffix("Found 2 errors, 1 warning and 1 info in 2 components (2 files).\n")
        .unwrap();
    assert_eq!(github_output(&mixed(), quiet, None), expected);
}

const MIXED_SUMMARY: &str = "\
## sflint

Found 2 errors, 1 warning and 1 info in 2 components (2 files).

| errors | warnings | infos | total |
|---:|---:|---:|---:|
| 2 | 1 | 1 | 4 |

### By rule

| rule | errors | warnings | infos |
|---|---:|---:|---:|
| `missing-api-enabled` | 1 | 0 | 0 |
| `object-access-dependency` | 1 | 0 | 0 |
| `unverifiable-requirement` | 0 | 0 | 1 |
| `view-all-data` | 0 | 1 | 0 |

### By integration

| integration | errors | warnings | infos |
|---|---:|---:|---:|
| (built-in rules) | 1 | 1 | 1 |
| Act-On | 1 | 0 | 0 |

### By file

| file | errors | warnings | infos |
|---|---:|---:|---:|
| `force-app/b.profile-meta.xml` | 1 | 0 | 1 |
| `force-app/x%y,z:w.permissionset-meta.xml` | 1 | 1 | 0 |
";

#[test]
fn github_step_summary_is_appended_after_what_the_file_held() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary.md");
    std::fs::write(&path, "# Earlier step\n\n").unwrap();

    let stdout = github_output(&mixed(), OPTIONS, Some(&path));
    assert_eq!(stdout, github_output(&mixed(), OPTIONS, None));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("# Earlier step\n\n{MIXED_SUMMARY}")
    );

    // A second sflint step in the same job adds its own summary below the first.
    github_output(&mixed(), OPTIONS, Some(&path));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("# Earlier step\n\n{MIXED_SUMMARY}{MIXED_SUMMARY}")
    );
}

#[test]
fn github_step_summary_is_created_when_missing_and_says_when_nothing_was_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("summary.md");
    let stdout = github_output(&lint_result(Vec::new()), OPTIONS, Some(&path));
    assert_eq!(stdout, "No findings in 2 components (2 files).\n");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "## sflint\n\nNo findings in 2 components (2 files).\n\n"
    );
}

#[test]
fn github_step_summary_lists_at_most_200_files() {
    let diagnostics = (0..201)
        .map(|index| {
            Diagnostic::new(
                RuleId::from_id("view-all-data").unwrap(),
                Severity::Warning,
                at(&file(&format!("p/{index:03}.permissionset")), 1, 1),
                "grants ViewAllData",
            )
        })
        .collect();
    let summary = github::summary_markdown(&lint_result(diagnostics));
    let by_file = summary.split("### By file").nth(1).unwrap();
    assert_eq!(by_file.matches("| `p/").count(), 200);
    assert!(by_file.contains("| `p/199.permissionset` | 0 | 1 | 0 |\n"));
    assert!(!by_file.contains("p/200.permissionset"));
    assert!(by_file.ends_with("\n…and 1 more file; the log lines above list every finding.\n"));
}

#[test]
fn github_step_summary_that_cannot_be_written_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-dir").join("summary.md");
    let error = append_step_summary(&path, &github::summary_markdown(&mixed())).unwrap_err();
    assert!(error.to_string().contains("summary.md"), "{error}");
}

// SARIF

fn sarif_value(result: &Report, cwd: &Path) -> Value {
    let mut out = Vec::new();
    sarif::render(result, cwd, &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

fn schema_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        // Vendored (the public OASIS schema) so that the test never depends on the network or on
        // a checkout beside this one.
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-2.1.0.json");
        let text = std::fs::read_to_string(path).unwrap();
        // The official file's two `language` patterns (of a run and of a tool component) hold a
        // stray `]`, which ECMA-262 regexes in unicode mode (what draft-07's `regex` format means)
        // reject, so the schema itself fails its meta-schema. Escaping it keeps its meaning; sflint
        // never writes `language` anyway.
        let stray = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
        assert_eq!(
            text.matches(stray).count(),
            2,
            "the vendored schema changed"
        );
        let text = text.replace(stray, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#);
        let schema: Value = serde_json::from_str(&text).unwrap();
        jsonschema::draft7::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap()
    })
}

fn assert_valid_sarif(log: &Value) {
    let errors: Vec<String> = schema_validator()
        .iter_errors(log)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF: {errors:#?}");
}

/// Everything SARIF can carry: related locations, a pack finding whose id no rule metadata knows, a
/// path outside the working directory, a path needing percent-encoding, an unknown position.
fn rich() -> Report {
    let set = file("force-app/main/default/permissionsets/My Set #1.permissionset-meta.xml");
    let outside = file("/elsewhere/Admin.profile-meta.xml");
    let mut result = mixed();
    result.diagnostics.extend([
        Diagnostic::new(
            RuleId::from_id("duplicate-entry").unwrap(),
            Severity::Warning,
            at(&set, 12, 5),
            "ApiEnabled listed twice",
        )
        .with_related(at(&set, 4, 5), "first listed here")
        .with_element("userPermissions/ApiEnabled"),
        Diagnostic::new(
            RuleId::from_id("invalid-xml").unwrap(),
            Severity::Error,
            at(&outside, 0, 0),
            "file is empty",
        )
        .with_element("file"),
    ]);
    result.diagnostics.sort_by(Diagnostic::report_order);
    result
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

fn rules(log: &Value) -> &Vec<Value> {
    log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
}

fn result_for<'a>(log: &'a Value, rule: &str) -> &'a Value {
    results(log)
        .iter()
        .find(|result| result["ruleId"] == rule)
        .unwrap_or_else(|| panic!("no result for {rule}"))
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    assert_valid_sarif(&sarif_value(&rich(), Path::new("/work/project")));
    assert_valid_sarif(&sarif_value(
        &lint_result(Vec::new()),
        Path::new("/work/project"),
    ));
}

#[test]
fn sarif_schema_check_rejects_what_code_scanning_would() {
    // Guards the guard: a validator that accepted anything would make the test above worthless.
    let mut log = sarif_value(&rich(), Path::new("/work/project"));
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(!schema_validator().is_valid(&log));
    let mut log = sarif_value(&rich(), Path::new("/work/project"));
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        Value::from("a b\\c");
    assert!(!schema_validator().is_valid(&log));
}

#[test]
fn sarif_top_level_tool_and_invocation() {
    let log = sarif_value(&rich(), Path::new("/work/my project"));
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "sflint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], "https://github.com/sflint/sflint");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    if cfg!(unix) {
        assert_eq!(
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///work/my%20project/"
        );
    }
    assert_eq!(run["columnKind"], "unicodeCodePoints");
}

#[test]
fn sarif_marks_a_run_with_fatal_problems_unsuccessful() {
    let mut result = rich();
    result.problems.push(sflint::problem::Problem::error(
        Some("force-app/x.profile-meta.xml".to_string()),
        "cannot read: permission denied",
    ));
    let log = sarif_value(&result, Path::new("/work/project"));
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
    assert_valid_sarif(&log);
}

#[test]
fn sarif_results_carry_level_message_location_and_related_locations() {
    let log = sarif_value(&rich(), Path::new("/work/project"));
    assert_eq!(results(&log).len(), 6);

    let edit = result_for(&log, "object-access-dependency");
    assert_eq!(edit["level"], "error");
    assert_eq!(
        edit["message"]["text"],
        "edit on 50%: Lead, Contact\r\nline two\n\nSet a, b: c."
    );
    assert_eq!(
        edit["locations"][0]["physicalLocation"],
        serde_json::json!({
            "artifactLocation": {
                "uri": "force-app/x%25y,z%3Aw.permissionset-meta.xml",
                "uriBaseId": "%SRCROOT%"
            },
            "region": { "startLine": 9, "startColumn": 5 }
        })
    );
    assert!(edit.get("relatedLocations").is_none());
    assert!(edit.get("properties").is_none());

    assert_eq!(result_for(&log, "view-all-data")["level"], "warning");
    assert_eq!(
        result_for(&log, "unverifiable-requirement")["level"],
        "note"
    );
    assert_eq!(
        result_for(&log, "missing-api-enabled")["message"]["text"],
        "api enabled missing"
    );
    assert_eq!(
        result_for(&log, "missing-api-enabled")["properties"],
        serde_json::json!({
            "integration": "Act-On",
            "pack": "act-on",
            "requirement": "act-on/api-enabled"
        })
    );

    let duplicate = result_for(&log, "duplicate-entry");
    let set_uri = "force-app/main/default/permissionsets/My%20Set%20%231.permissionset-meta.xml";
    assert_eq!(
        duplicate["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        set_uri
    );
    assert_eq!(
        duplicate["relatedLocations"],
        serde_json::json!([{
            "physicalLocation": {
                "artifactLocation": { "uri": set_uri, "uriBaseId": "%SRCROOT%" },
                "region": { "startLine": 4, "startColumn": 5 }
            },
            "message": { "text": "first listed here" }
        }])
    );

    // Outside the working directory: an absolute URI, no base; no position: no region.
    assert_eq!(
        result_for(&log, "invalid-xml")["locations"][0]["physicalLocation"],
        serde_json::json!({
            "artifactLocation": { "uri": "file:///elsewhere/Admin.profile-meta.xml" }
        })
    );
}

#[test]
fn sarif_never_writes_the_line_hash_github_computes() {
    let log = sarif_value(&rich(), Path::new("/work/project"));
    for result in results(&log) {
        let fingerprints = result["partialFingerprints"].as_object().unwrap();
        assert_eq!(
            fingerprints.keys().collect::<Vec<_>>(),
            ["sflint/v1"],
            "{result}"
        );
    }
}

fn fingerprint(log: &Value, rule: &str) -> String {
    result_for(log, rule)["partialFingerprints"]["sflint/v1"]
        .as_str()
        .unwrap()
        .to_string()
}

fn one(element: &str, line: u32, integration: Option<&str>) -> Report {
    let mut diagnostic = Diagnostic::new(
        RuleId::from_id("view-all-data").unwrap(),
        Severity::Warning,
        at(&file("force-app/a.permissionset-meta.xml"), line, 5),
        "grants ViewAllData",
    )
    .with_element(element);
    diagnostic.origin = integration.map(|integration| PackOrigin {
        integration: integration.to_string(),
        pack: "pack".to_string(),
        requirement: "pack/req".to_string(),
    });
    lint_result(vec![diagnostic])
}

#[test]
fn sarif_fingerprints_are_stable_and_keyed_by_rule_path_element_and_integration() {
    let cwd = Path::new("/work/project");
    let base = fingerprint(
        &sarif_value(&one("userPermissions/ViewAllData", 3, None), cwd),
        "view-all-data",
    );
    // Pinned: the value is a contract with baselines and earlier uploads, so it must not change
    // between runs, machines or releases. FNV-1a 64 of
    // "view-all-data\0force-app/a.permissionset-meta.xml\0userPermissions/ViewAllData\0".
    assert_eq!(base, "b3558dc759c099ce");
    // The line is not part of the key: findings survive reformatting and insertions above them.
    assert_eq!(
        fingerprint(
            &sarif_value(&one("userPermissions/ViewAllData", 40, None), cwd),
            "view-all-data"
        ),
        base
    );
    // Nor is the working directory.
    assert_eq!(
        fingerprint(
            &sarif_value(
                &one("userPermissions/ViewAllData", 3, None),
                Path::new("/x")
            ),
            "view-all-data"
        ),
        base
    );
    let other_element = fingerprint(
        &sarif_value(&one("userPermissions/ModifyAllData", 3, None), cwd),
        "view-all-data",
    );
    let with_integration = fingerprint(
        &sarif_value(&one("userPermissions/ViewAllData", 3, Some("Act-On")), cwd),
        "view-all-data",
    );
    let other_integration = fingerprint(
        &sarif_value(&one("userPermissions/ViewAllData", 3, Some("Planhat")), cwd),
        "view-all-data",
    );
    let all = [&base, &other_element, &with_integration, &other_integration];
    for (index, left) in all.iter().enumerate() {
        assert_eq!(left.len(), 16, "{left}");
        assert!(left.chars().all(|c| c.is_ascii_hexdigit()), "{left}");
        for right in &all[index + 1..] {
            assert_ne!(left, right);
        }
    }
}

#[test]
fn sarif_fingerprints_of_repeated_keys_are_numbered_in_report_order() {
    let path = file("force-app/a.permissionset-meta.xml");
    let copy = |line| {
        Diagnostic::new(
            RuleId::from_id("duplicate-entry").unwrap(),
            Severity::Warning,
            at(&path, line, 5),
            "ApiEnabled listed again",
        )
        .with_element("userPermissions/ApiEnabled")
    };
    let log = sarif_value(
        &lint_result(vec![copy(30), copy(10), copy(20)]),
        Path::new("/"),
    );
    let found: Vec<(u64, String)> = results(&log)
        .iter()
        .map(|result| {
            (
                result["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
                result["partialFingerprints"]["sflint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    let hash = &found[0].1;
    assert_eq!(
        found,
        [
            (10, hash.clone()),
            (20, format!("{hash}:2")),
            (30, format!("{hash}:3"))
        ]
    );
}

#[test]
fn sarif_lists_every_known_rule_even_without_results() {
    let log = sarif_value(&lint_result(Vec::new()), Path::new("/work/project"));
    let ids: Vec<&str> = rules(&log)
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    let known: Vec<&str> = all_rules().iter().map(|meta| meta.id).collect();
    assert!(!known.is_empty());
    assert_eq!(ids, known);
}

#[test]
fn sarif_rule_descriptors_come_from_the_rule_metadata() {
    let log = sarif_value(&lint_result(Vec::new()), Path::new("/work/project"));
    for (meta, rule) in all_rules().iter().zip(rules(&log)) {
        assert_eq!(rule["shortDescription"]["text"], meta.summary);
        assert_eq!(rule["help"]["text"], meta.doc);
        assert_eq!(rule["help"]["markdown"], meta.doc);
        let full = rule["fullDescription"]["text"].as_str().unwrap();
        assert!(!full.is_empty() && full.chars().count() <= 1024, "{full}");
        assert!(!full.starts_with('#'), "{full}");
        let level = match meta.default_severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        assert_eq!(rule["defaultConfiguration"]["level"], level);
        // Only rules about access that could be abused rank as security alerts.
        let id = rule["id"].as_str().unwrap();
        let security = sflint::registry::RuleId::from_id(id)
            .unwrap()
            .security_severity();
        match security {
            Some(score) => {
                assert_eq!(rule["properties"]["security-severity"], score, "{id}");
                assert_eq!(
                    rule["properties"]["tags"],
                    serde_json::json!(["security", "salesforce"])
                );
            }
            None => {
                assert!(
                    rule["properties"].get("security-severity").is_none(),
                    "{id}"
                );
                assert_eq!(
                    rule["properties"]["tags"],
                    serde_json::json!(["salesforce"])
                );
            }
        }
        assert_eq!(
            rule["helpUri"],
            format!("https://github.com/sflint/sflint/blob/main/src/registry/{id}.md")
        );
        let name = rule["name"].as_str().unwrap();
        assert!(name.chars().next().unwrap().is_ascii_uppercase(), "{name}");
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric()), "{name}");
    }
    let edit = rules(&log)
        .iter()
        .find(|rule| rule["id"] == "object-access-dependency")
        .unwrap();
    assert_eq!(edit["name"], "ObjectAccessDependency");
    let by_id = |id: &str| {
        rules(&log)
            .iter()
            .find(|rule| rule["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        by_id("modify-all-data")["properties"]["security-severity"],
        "9.0"
    );
    assert!(
        by_id("duplicate-entry")["properties"]
            .get("security-severity")
            .is_none()
    );
    assert!(
        by_id("invalid-xml")["properties"]
            .get("security-severity")
            .is_none()
    );
}

#[test]
fn sarif_rule_index_points_at_the_rule_of_each_result() {
    let log = sarif_value(&rich(), Path::new("/work/project"));
    for result in results(&log) {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules(&log)[index]["id"], result["ruleId"], "{result}");
    }
}

// Through the binary: the format names, GITHUB_STEP_SUMMARY and the working directory.

const VIEW_ALL_DATA: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <label>Sync</label>
    <userPermissions>
        <enabled>true</enabled>
        <name>ViewAllData</name>
    </userPermissions>
</PermissionSet>
"#;

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sets = dir.path().join("force-app/main/default/permissionsets");
    std::fs::create_dir_all(&sets).unwrap();
    std::fs::write(
        dir.path().join("sfdx-project.json"),
        r#"{"packageDirectories": [{"path": "force-app", "default": true}]}"#,
    )
    .unwrap();
    std::fs::write(sets.join("Sync.permissionset-meta.xml"), VIEW_ALL_DATA).unwrap();
    dir
}

#[test]
fn cli_format_github_annotates_and_appends_to_the_step_summary() {
    let dir = project();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "before\n").unwrap();
    let output = assert_cmd::Command::cargo_bin("sflint")
        .unwrap()
        .current_dir(dir.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["check", "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let path = "force-app/main/default/permissionsets/Sync.permissionset-meta.xml";
    assert!(
        stdout.starts_with(&format!(
            "::warning file={path},line=6,col=9,title=sflint(view-all-data)::permission set Sync grants ViewAllData"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("\n{path}:6:9: warning view-all-data ")),
        "{stdout}"
    );
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(written.starts_with("before\n## sflint\n"), "{written}");
    assert!(
        written.contains("| `view-all-data` | 0 | 1 | 0 |\n"),
        "{written}"
    );
}

#[test]
fn cli_format_sarif_is_valid_and_rooted_at_the_working_directory() {
    let dir = project();
    let output = assert_cmd::Command::cargo_bin("sflint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_valid_sarif(&log);
    let root = dir.path().canonicalize().unwrap();
    assert_eq!(
        log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        sarif::directory_uri(&root)
    );
    let location = &results(&log)[0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "force-app/main/default/permissionsets/Sync.permissionset-meta.xml"
    );
    assert_eq!(location["region"]["startLine"], 6);
}

/// One run writes several reports; SARIF paths are relative to the git repository's root, as code
/// scanning resolves them, wherever sflint runs; regions carry their end; run problems are
/// notifications.
#[test]
fn cli_writes_several_reports_in_one_run_and_roots_sarif_at_the_repository() {
    let repo = tempfile::tempdir().unwrap();
    let dir = project();
    let sub = repo.path().join("salesforce");
    std::fs::rename(dir.path(), &sub).unwrap_or_else(|_| {
        // Another file system: copy instead.
        std::fs::create_dir_all(sub.join("force-app/main/default/permissionsets")).unwrap();
        std::fs::copy(
            dir.path().join("sfdx-project.json"),
            sub.join("sfdx-project.json"),
        )
        .unwrap();
        std::fs::write(
            sub.join("force-app/main/default/permissionsets/Sync.permissionset-meta.xml"),
            VIEW_ALL_DATA,
        )
        .unwrap();
    });
    let git = std::process::Command::new("git")
        .args(["init", "--quiet"])
        .current_dir(repo.path())
        .status()
        .unwrap();
    assert!(git.success());
    let output = assert_cmd::Command::cargo_bin("sflint")
        .unwrap()
        .current_dir(&sub)
        .env_remove("GITHUB_STEP_SUMMARY")
        .args([
            "check",
            "--format",
            "github",
            "--report",
            "sarif=out.sarif",
            "--report",
            "json=out.json",
            "missing-dir",
            ".",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.starts_with("::warning file=force-app/"), "{stdout}");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(sub.join("out.json")).unwrap()).unwrap();
    assert_eq!(json["summary"]["warnings"], 1);
    let log: Value =
        serde_json::from_str(&std::fs::read_to_string(sub.join("out.sarif")).unwrap()).unwrap();
    assert_valid_sarif(&log);
    let location = &results(&log)[0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "salesforce/force-app/main/default/permissionsets/Sync.permissionset-meta.xml"
    );
    assert_eq!(
        location["region"],
        serde_json::json!({"startLine": 6, "startColumn": 9, "endLine": 6, "endColumn": 33})
    );
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["message"]["text"],
        "no such file or directory"
    );
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "missing-dir"
    );
    // `--sarif-root` says otherwise.
    let rooted = assert_cmd::Command::cargo_bin("sflint")
        .unwrap()
        .current_dir(&sub)
        .args(["check", "--format", "sarif", "--sarif-root", "."])
        .output()
        .unwrap();
    let log: Value = serde_json::from_slice(&rooted.stdout).unwrap();
    assert_eq!(
        results(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "force-app/main/default/permissionsets/Sync.permissionset-meta.xml"
    );
}
