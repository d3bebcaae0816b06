//! Vendor packs and integration users end to end: every project under `fixtures/packs/<pack>/<case>/`
//! and `fixtures/union/<case>/` is linted by the real binary (`sflint check --format json`, run from
//! inside the project, so that its `sflint.toml` is found), and the findings are compared both ways
//! with the project's `expected.toml`, together with the exit code and standard error.
//!
//! `expected.toml` (checkov style):
//!
//! ```toml
//! exit_code = 1
//! stderr_contains = ["..."]    # optional; without it standard error must be empty
//!
//! [[finding]]
//! rule = "missing-object-access"
//! severity = "error"
//! path = "force-app/main/default/permissionsets/ActOn.permissionset-meta.xml"
//! line = 12
//! requirement = "act-on/campaign"   # pack findings only
//! integration = "Act-On"            # pack findings only
//! ```
//!
//! `compliant/` projects satisfy their pack (no error or warning at all); each `violating-*/` project
//! breaks it in one way. Further tests state what each union fixture demonstrates and check that a
//! pre-commit run on single files reports an integration user as a full run does.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    exit_code: i32,
    #[serde(default)]
    stderr_contains: Vec<String>,
    #[serde(default, rename = "finding")]
    findings: Vec<Finding>,
}

/// One finding, as expected or as reported; compared as a multiset.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(deny_unknown_fields)]
struct Finding {
    path: String,
    line: u64,
    rule: String,
    severity: String,
    #[serde(default)]
    requirement: Option<String>,
    #[serde(default)]
    integration: Option<String>,
}

impl Finding {
    fn from_json(diagnostic: &Value) -> Finding {
        let text = |key: &str| diagnostic[key].as_str().map(str::to_string);
        Finding {
            path: text("path").unwrap(),
            line: diagnostic["line"].as_u64().unwrap(),
            rule: text("rule").unwrap(),
            severity: text("severity").unwrap(),
            requirement: text("requirement"),
            integration: text("integration"),
        }
    }

    /// As it would be written in `expected.toml`, for pasting once the finding has been judged right.
    fn to_toml(&self) -> String {
        let mut out = format!(
            "[[finding]]\nrule = {:?}\nseverity = {:?}\npath = {:?}\nline = {}\n",
            self.rule, self.severity, self.path, self.line
        );
        if let Some(requirement) = &self.requirement {
            out.push_str(&format!("requirement = {requirement:?}\n"));
        }
        if let Some(integration) = &self.integration {
            out.push_str(&format!("integration = {integration:?}\n"));
        }
        out
    }

    fn is_error_or_warning(&self) -> bool {
        self.severity == "error" || self.severity == "warning"
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{} {} {}",
            self.path, self.line, self.rule, self.severity
        )?;
        if let Some(requirement) = &self.requirement {
            write!(f, " [{requirement}]")?;
        }
        if let Some(integration) = &self.integration {
            write!(f, " ({integration})")?;
        }
        Ok(())
    }
}

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn sflint() -> assert_cmd::Command {
    assert_cmd::cargo::cargo_bin_cmd!("sflint")
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

fn shown(dir: &Path) -> String {
    dir.strip_prefix(fixtures_root())
        .unwrap_or(dir)
        .to_string_lossy()
        .replace('\\', "/")
}

fn expected(dir: &Path) -> Expected {
    let file = dir.join("expected.toml");
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", file.display()));
    toml::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", file.display()))
}

/// Folders of the rest of the project, which sflint reads only for the checks that need them
/// (an app's OAuth policies), never as files to lint.
const DEFINITION_FOLDERS: &[&str] = &[
    "objects",
    "connectedApps",
    "externalClientApps",
    "extlClntAppOauthSettings",
    "extlClntAppGlobalOauthSets",
    "extlClntAppOauthPolicies",
    "extlClntAppPolicies",
];

/// Permission metadata files below `dir`, which sflint must all read.
fn metadata_files(dir: &Path) -> u64 {
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() && DEFINITION_FOLDERS.contains(&name(&path).as_str()) {
            continue;
        }
        if path.is_dir() {
            count += metadata_files(&path);
        } else if path.to_string_lossy().ends_with("-meta.xml") {
            count += 1;
        }
    }
    count
}

/// One run of `sflint check --format json [ARGS]` from inside `dir`.
struct Run {
    code: Option<i32>,
    stderr: String,
    /// With each finding's message, for showing unexpected ones.
    findings: Vec<(Finding, String)>,
    files: u64,
}

impl Run {
    fn findings(&self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self.findings.iter().map(|(f, _)| f.clone()).collect();
        findings.sort();
        findings
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let output = sflint()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "{}: report is not JSON ({error}); standard error:\n{stderr}",
            shown(dir)
        )
    });
    Run {
        code: output.status.code(),
        stderr,
        findings: report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    Finding::from_json(d),
                    d["message"].as_str().unwrap().to_string(),
                )
            })
            .collect(),
        files: report["summary"]["files"].as_u64().unwrap(),
    }
}

/// Lints one fixture and compares; returns what went wrong (empty when it passed) and the findings.
fn check_fixture(dir: &Path) -> (Vec<String>, Vec<Finding>) {
    let expected = expected(dir);
    let run = run(dir, &[]);
    let mut errors = Vec::new();
    if run.code != Some(expected.exit_code) {
        errors.push(format!(
            "exit code {:?}, expected {}",
            run.code, expected.exit_code
        ));
    }
    if expected.stderr_contains.is_empty() {
        if !run.stderr.is_empty() {
            errors.push(format!("unexpected standard error:\n{}", run.stderr));
        }
    } else {
        for text in &expected.stderr_contains {
            if !run.stderr.contains(text.as_str()) {
                errors.push(format!(
                    "standard error lacks {text:?}; it was:\n{}",
                    run.stderr
                ));
            }
        }
    }
    let metadata = metadata_files(dir);
    if run.files != metadata {
        errors.push(format!(
            "sflint read {} files, the fixture holds {metadata} metadata files",
            run.files
        ));
    }
    let mut unmatched: Vec<&(Finding, String)> = run.findings.iter().collect();
    let mut missing = Vec::new();
    for finding in &expected.findings {
        match unmatched.iter().position(|(found, _)| found == finding) {
            Some(index) => {
                unmatched.remove(index);
            }
            None => missing.push(finding),
        }
    }
    missing.sort();
    for finding in missing {
        errors.push(format!("missing:    {finding}"));
    }
    for (finding, message) in unmatched {
        errors.push(format!(
            "unexpected: {finding}\n              {message}\n{}",
            finding
                .to_toml()
                .lines()
                .map(|line| format!("              {line}\n"))
                .collect::<String>()
        ));
    }
    (errors, run.findings())
}

fn run_all(dirs: &[PathBuf]) {
    assert!(!dirs.is_empty(), "no fixture found");
    let mut report = String::new();
    for dir in dirs {
        let (errors, _) = check_fixture(dir);
        if !errors.is_empty() {
            report.push_str(&format!("\n{}:\n", shown(dir)));
            for error in errors {
                report.push_str(&format!("  {error}\n"));
            }
        }
    }
    assert!(report.is_empty(), "fixture expectations not met:{report}");
}

fn pack_fixture_dirs() -> Vec<PathBuf> {
    subdirs(&fixtures_root().join("packs"))
        .iter()
        .flat_map(|pack| subdirs(pack))
        .collect()
}

#[test]
fn pack_fixtures_produce_exactly_their_expected_findings() {
    run_all(&pack_fixture_dirs());
}

#[test]
fn union_fixtures_produce_exactly_their_expected_findings() {
    run_all(&subdirs(&fixtures_root().join("union")));
}

/// The requirement kinds a pack's top-level requirements use, by requirement id (`act-on/campaign`).
fn requirement_kinds(pack: &sflint::packs::Pack) -> BTreeMap<String, &'static str> {
    pack.file
        .requirements
        .iter()
        .map(|requirement| (pack.requirement_id(requirement), requirement.kind_name()))
        .collect()
}

#[test]
fn every_shipped_pack_has_a_compliant_and_violating_fixtures_for_each_kind_it_uses() {
    let packs = sflint::packs::shipped();
    let on_disk: Vec<String> = subdirs(&fixtures_root().join("packs"))
        .iter()
        .map(|dir| name(dir))
        .collect();
    let ids: Vec<String> = packs.iter().map(|pack| pack.id().to_string()).collect();
    assert_eq!(
        on_disk, ids,
        "fixtures/packs/ must hold one folder per shipped pack"
    );
    let mut problems = Vec::new();
    for pack in packs {
        let id = pack.id();
        let dir = fixtures_root().join("packs").join(id);
        let cases = subdirs(&dir);
        if !cases.iter().any(|case| name(case) == "compliant") {
            problems.push(format!("{id}: no compliant/ fixture"));
        }
        let kinds = requirement_kinds(pack);
        let mut covered = BTreeSet::new();
        let mut violating = 0;
        for case in &cases {
            let case_name = name(case);
            if case_name == "compliant" {
                continue;
            }
            if !case_name.starts_with("violating-") {
                problems.push(format!(
                    "{}: neither compliant nor violating-*",
                    shown(case)
                ));
                continue;
            }
            violating += 1;
            let expected = expected(case);
            for finding in &expected.findings {
                if let Some(requirement) = &finding.requirement
                    && !requirement.starts_with(&format!("{id}/"))
                {
                    problems.push(format!(
                        "{}: finding of another pack: {finding}",
                        shown(case)
                    ));
                }
            }
            // A violating fixture must show a defect: a pack finding beyond what is always
            // reported as not verifiable, or a configuration error.
            let shows_defect = expected.findings.iter().any(|finding| {
                finding.integration.is_some() && finding.rule != "unverifiable-requirement"
            }) || (expected.exit_code == 2
                && !expected.stderr_contains.is_empty());
            if !shows_defect {
                problems.push(format!(
                    "{}: expects no pack finding and no configuration error",
                    shown(case)
                ));
            }
            for finding in &expected.findings {
                if let Some(kind) = finding.requirement.as_ref().and_then(|r| kinds.get(r)) {
                    covered.insert(*kind);
                }
            }
        }
        if violating == 0 {
            problems.push(format!("{id}: no violating-* fixture"));
        }
        let used: BTreeSet<&str> = kinds.values().copied().collect();
        for kind in used.difference(&covered) {
            problems.push(format!(
                "{id}: no violating fixture expects a finding of a {kind} requirement"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn compliant_fixtures_satisfy_their_pack_without_any_error_or_warning() {
    for pack in sflint::packs::shipped() {
        let dir = fixtures_root()
            .join("packs")
            .join(pack.id())
            .join("compliant");
        let expected = expected(&dir);
        assert_eq!(expected.exit_code, 0, "{}", shown(&dir));
        let loud: Vec<String> = expected
            .findings
            .iter()
            .filter(|finding| finding.is_error_or_warning())
            .map(ToString::to_string)
            .collect();
        assert!(loud.is_empty(), "{}: {loud:?}", shown(&dir));
        // The pack must actually have been evaluated: its options and members resolve (nothing on
        // standard error), and the run agrees with the expectations.
        let (errors, _) = check_fixture(&dir);
        assert!(errors.is_empty(), "{}: {errors:#?}", shown(&dir));
    }
}

#[test]
fn option_and_member_errors_exit_with_2_and_name_the_key() {
    let cases = [
        ("act-on/violating-unknown-option", "custom_object"),
        ("ampersand/violating-variant-option", "needs option variant"),
        (
            "ampersand/violating-variant-option",
            "option variant: \"api-user\"",
        ),
        ("planhat/violating-option-type", "option extra_objects"),
        (
            "readonly-analytics/violating-option-type",
            "option use_view_all_data",
        ),
        (
            "act-on/violating-missing-permission-set",
            "permission set \"ActOn_Reports\"",
        ),
        (
            "ampersand/violating-missing-profile",
            "profile \"Minimum Access - API Only Integration\"",
        ),
    ];
    for (case, key) in cases {
        let dir = fixtures_root().join("packs").join(case);
        let run = run(&dir, &[]);
        assert_eq!(run.code, Some(2), "{case}");
        assert!(
            run.stderr.contains("sflint.toml") && run.stderr.contains(key),
            "{case}: standard error names neither sflint.toml nor {key:?}:\n{}",
            run.stderr
        );
        // An integration that could not be set up is not checked at all.
        let integration_findings: Vec<String> = run
            .findings
            .iter()
            .filter(|(finding, _)| finding.integration.is_some())
            .map(|(finding, _)| finding.to_string())
            .collect();
        assert!(
            integration_findings.is_empty(),
            "{case}: {integration_findings:?}"
        );
    }
}

/// Checks a pack fixture (`<pack>/<case>`) against its `expected.toml` and returns its findings.
fn pack_case(case: &str) -> Vec<Finding> {
    let dir = fixtures_root().join("packs").join(case);
    let (errors, findings) = check_fixture(&dir);
    assert!(
        errors.is_empty(),
        "packs/{case}:\n  {}",
        errors.join("\n  ")
    );
    findings
}

/// `severity rule requirement` of each finding of an integration, sorted.
fn pack_findings(findings: &[Finding]) -> Vec<String> {
    let mut shown: Vec<String> = findings
        .iter()
        .filter_map(|f| {
            let requirement = f.requirement.as_ref()?;
            Some(format!("{} {} {requirement}", f.severity, f.rule))
        })
        .collect();
    shown.sort();
    shown
}

#[test]
fn modify_all_data_grants_object_permissions_but_no_field_level_security() {
    // A System Administrator profile without field permissions: Modify All Data gives Read and
    // Modify All on Account, but neither View All Fields nor read access to Account.Industry.
    assert_eq!(
        pack_findings(&pack_case("ampersand/violating-modify-all-data-fls")),
        [
            "error missing-field-access ampersand/read-fields",
            "error missing-object-access ampersand/read-objects",
            "info modify-all-data ampersand/allow-profile",
            "info unverifiable-requirement ampersand/oauth-permitted-users",
        ]
    );
}

#[test]
fn fields_without_field_permissions_are_met_through_the_field_that_carries_them_or_reported_as_info()
 {
    // Account.BillingCity has the security of Account.BillingAddress, Account.PersonEmail that of
    // Contact.Email (both readable); Task Priority and TaskSubtype carry none: info, not errors.
    assert_eq!(
        pack_findings(&pack_case("6sense/violating-fields-without-field-security")),
        [
            "error missing-field-access 6sense/mapped-fields",
            "info unverifiable-requirement 6sense/task-fields-without-field-security",
        ]
    );
    // A project option naming a standard field without field-level security: info.
    assert!(
        pack_findings(&pack_case("sequel/compliant"))
            .contains(&"info unverifiable-requirement sequel/written-fields".to_string())
    );
}

#[test]
fn package_permission_sets_the_page_names_by_label_are_options_matched_whatever_the_case() {
    // Three users without the ContactWorld API user permission set in source: under the inferred
    // default name (warning), under the name the project sets (error), and declared in lower case
    // (met).
    let findings = pack_case("vonage-contact-center/violating-permission-set");
    let misses: Vec<String> = findings
        .iter()
        .filter(|f| f.rule == "missing-permission-set")
        .map(|f| format!("{} {}", f.severity, f.integration.as_deref().unwrap()))
        .collect();
    assert_eq!(
        misses,
        [
            "error Vonage Contact Center (named)",
            "warning Vonage Contact Center"
        ]
    );
}

#[test]
fn an_option_the_files_tell_is_inferred_and_said_once_as_info() {
    // variant is not set; the profile's Salesforce Integration license can only be the integration
    // variant, whose permission set license requirement then reports.
    assert_eq!(
        pack_findings(&pack_case("ampersand/violating-permission-set-license")),
        [
            "error license-mismatch ampersand/integration-permission-set-license",
            "info unverifiable-requirement ampersand/oauth-permitted-users",
            "info unverifiable-requirement ampersand/option-variant",
        ]
    );
    // Without a profile nothing tells: the option must be set (checked by
    // option_and_member_errors_exit_with_2_and_name_the_key).
    let run = run(
        &fixtures_root().join("packs/ampersand/violating-variant-option"),
        &[],
    );
    assert!(
        run.stderr
            .contains("and the integration user's files do not tell which"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_least_privilege_chili_piper_user_is_not_warned_for_lacking_modify_all_data() {
    assert_eq!(
        pack_findings(&pack_case("chili-piper/compliant")),
        Vec::<String>::new()
    );
    // Only a project that follows the older article's advice is warned.
    assert!(
        pack_findings(&pack_case("chili-piper/violating-object-access")).contains(
            &"warning missing-user-permission chili-piper/events-modify-all-data".to_string()
        )
    );
}

#[test]
fn an_option_without_a_default_left_unset_means_not_checked_said_once() {
    // The org has no Account 'Active' field and the project names none: not checked, one info.
    assert_eq!(
        pack_findings(&pack_case("act-on/compliant")),
        ["info unverifiable-requirement act-on/option-account-active-field"]
    );
    // Named, it is checked like any field (and readable here).
    assert!(
        !pack_findings(&pack_case("act-on/violating-field-access"))
            .iter()
            .any(|finding| finding.contains("option-account-active-field"))
    );
}

#[test]
fn lumary_reports_the_unchecked_message_event_fields_and_requires_its_record_types() {
    let findings = pack_findings(&pack_case("lumary/violating-record-type"));
    // The same hidden record type: a warning under the inferred name, an error under the project's.
    assert!(
        findings.contains(&"warning missing-record-type lumary/message-record-types".to_string())
    );
    assert!(
        findings.contains(&"error missing-record-type lumary/message-record-types".to_string())
    );
    // 'Edit Access to all fields' is said, not dropped, when the fields are not named.
    assert_eq!(
        findings
            .iter()
            .filter(|f| f.ends_with("lumary/option-message-event-fields"))
            .count(),
        2
    );
    assert!(
        !pack_findings(&pack_case("lumary/compliant"))
            .iter()
            .any(|f| f.ends_with("lumary/option-message-event-fields"))
    );
}

#[test]
fn an_allowed_system_administrator_profile_is_one_info_listing_what_it_grants() {
    // Planhat prefers the System Administrator profile: its Modify All Data, View All Data and four
    // high-risk permissions are one info (replacing the built-in warnings on those grants too).
    assert_eq!(
        pack_findings(&pack_case("planhat/violating-admin-profile")),
        [
            "info modify-all-data planhat/allow-profile",
            "info unverifiable-requirement planhat/unverifiable-objects",
        ]
    );
    // The reason of a high-risk permission reads "it runs Apex", not "it Apex runs".
    let run = run(&fixtures_root().join("packs/omnata/compliant"), &[]);
    let (_, message) = run
        .findings
        .iter()
        .find(|(f, _)| f.requirement.as_deref() == Some("omnata/needs-author-apex"))
        .unwrap();
    assert!(message.contains("although it runs Apex"), "{message}");
}

/// The messages of a pack fixture's findings of `rule`, after checking the fixture.
fn messages_of(case: &str, rule: &str) -> Vec<String> {
    pack_case(case);
    let run = run(&fixtures_root().join("packs").join(case), &[]);
    let mut messages: Vec<String> = run
        .findings
        .into_iter()
        .filter(|(finding, _)| finding.rule == rule)
        .map(|(_, message)| message)
        .collect();
    messages.sort();
    messages
}

#[test]
fn one_fact_several_requirements_state_is_one_finding_naming_them_all() {
    // The Salesforce Integration license fails Zendesk's license and forbidden-license requirements.
    assert_eq!(
        messages_of("zendesk/violating-forbid-license", "license-mismatch"),
        [
            "Zendesk does not work with the Salesforce Integration user license of profile Zendesk Integration (requirements zendesk/no-integration-license and zendesk/license)"
        ]
    );
    // View All Records on Contact for Lumary's recipient matching and its Get Record flows.
    assert_eq!(
        messages_of("lumary/violating-contact-view-all", "missing-object-access"),
        [
            "integration user Lumary lacks View All Records on Contact (has Read) (requirements lumary/flow-get-objects and lumary/recipient-contact)"
        ]
    );
    // View All Fields before API version 63.0: once per user, naming its objects; an empty list of
    // write objects asks for nothing.
    let view_all_fields: Vec<String> = messages_of(
        "ampersand/violating-object-access-api-62",
        "unverifiable-requirement",
    )
    .into_iter()
    .filter(|message| message.contains("View All Fields"))
    .collect();
    assert_eq!(
        view_all_fields,
        [
            "Ampersand asks for View All Fields on Account and Contact, which needs API version 63.0 or later; this project's sourceApiVersion is 62.0 (requirements ampersand/read-objects and ampersand/write-objects)",
            "Ampersand asks for View All Fields on Account, which needs API version 63.0 or later; this project's sourceApiVersion is 62.0",
        ]
    );
}

/// Checks a union fixture against its `expected.toml` and returns its findings.
fn union_case(case: &str) -> Vec<Finding> {
    let dir = fixtures_root().join("union").join(case);
    let (errors, findings) = check_fixture(&dir);
    assert!(
        errors.is_empty(),
        "union/{case}:\n  {}",
        errors.join("\n  ")
    );
    findings
}

/// The requirement ids of a run's findings of `integration`, sorted.
fn requirements_of(findings: &[Finding], integration: &str) -> Vec<String> {
    let mut ids: Vec<String> = findings
        .iter()
        .filter(|f| f.integration.as_deref() == Some(integration))
        .filter_map(|f| f.requirement.clone())
        .collect();
    ids.sort();
    ids
}

/// The findings of a union-check fixture beyond the info every run of that pack reports.
fn union_gaps(findings: &[Finding]) -> Vec<String> {
    let all = requirements_of(findings, "Marketing Sync");
    assert!(
        all.iter().any(|id| id == "union-check/checked"),
        "the integration was not evaluated: {findings:?}"
    );
    all.into_iter()
        .filter(|id| id != "union-check/checked")
        .collect()
}

#[test]
fn union_requirements_met_by_the_profile_alone() {
    assert_eq!(
        union_gaps(&union_case("profile-alone")),
        Vec::<String>::new()
    );
}

#[test]
fn union_requirements_met_by_a_directly_assigned_permission_set_alone() {
    assert_eq!(
        union_gaps(&union_case("permission-set-alone")),
        Vec::<String>::new()
    );
}

#[test]
fn union_requirements_met_by_permission_set_group_members() {
    assert_eq!(
        union_gaps(&union_case("group-member")),
        Vec::<String>::new()
    );
}

#[test]
fn union_grants_muted_by_the_group_are_missing() {
    // Opportunity: the member's Edit must not imply back the Read the group mutes.
    assert_eq!(
        union_gaps(&union_case("muted-by-group")),
        [
            "union-check/account",
            "union-check/contact-email",
            "union-check/export-reports",
            "union-check/opportunity",
        ]
    );
}

#[test]
fn union_muting_never_removes_what_the_profile_or_a_direct_assignment_grants() {
    assert_eq!(
        union_gaps(&union_case("muting-spares-profile-and-direct")),
        Vec::<String>::new()
    );
}

#[test]
fn union_implications_of_modify_all_view_all_data_and_field_edit() {
    let findings = union_case("implications");
    // Account (Modify All only), Opportunity (View All Data) and Contact.Email (editable only) are
    // met; View All Data gives Read on Campaign but not Create.
    assert_eq!(
        union_gaps(&findings),
        ["union-check/allow-view-all-data", "union-check/campaign"]
    );
    let view_all_data = findings
        .iter()
        .find(|f| f.requirement.as_deref() == Some("union-check/allow-view-all-data"))
        .unwrap();
    assert_eq!(view_all_data.severity, "info");
}

#[test]
fn union_permission_sets_selected_by_name_glob() {
    // ActOnLegacy_Sync enables the forbidden TwoFactorApi: selecting it would be reported.
    assert_eq!(union_gaps(&union_case("glob-name")), Vec::<String>::new());
    let dir = fixtures_root().join("union/glob-name");
    let config = std::fs::read_to_string(dir.join("sflint.toml")).unwrap();
    assert!(config.contains(r#"permission_sets = ["ActOn_*"]"#));
}

#[test]
fn union_permission_sets_selected_by_path_glob() {
    assert_eq!(union_gaps(&union_case("glob-path")), Vec::<String>::new());
}

#[test]
fn union_globs_select_the_permission_sets_that_hold_the_grants() {
    // Without the permission sets the globs select, the user lacks everything: so the empty results
    // above come from the selected permission sets, not from an integration that was never checked.
    for case in ["glob-name", "glob-path"] {
        let dir = fixtures_root().join("union").join(case);
        let copy = tempfile::tempdir().unwrap();
        copy_dir(&dir, copy.path());
        let config = std::fs::read_to_string(dir.join("sflint.toml")).unwrap();
        assert!(config.contains("permission_sets = "), "{case}");
        let without_globs: String = config
            .lines()
            .filter(|line| !line.starts_with("permission_sets"))
            .map(|line| line.replace("../union-pack.toml", &pack_path()) + "\n")
            .collect();
        std::fs::write(copy.path().join("sflint.toml"), without_globs).unwrap();
        let gaps = requirements_of(&run(copy.path(), &[]).findings(), "Marketing Sync");
        for requirement in ["union-check/account", "union-check/export-reports"] {
            assert!(gaps.iter().any(|id| id == requirement), "{case}: {gaps:?}");
        }
    }
}

fn pack_path() -> String {
    fixtures_root()
        .join("union/union-pack.toml")
        .to_string_lossy()
        .replace('\\', "/")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn union_read_only_excess_ignores_what_the_group_mutes() {
    let findings = union_case("muting-removes-excess");
    let excess: Vec<String> = findings
        .iter()
        .filter(|f| f.rule == "excess-access")
        .map(|f| format!("{}:{}", name(Path::new(&f.path)), f.line))
        .collect();
    // Only the unmuted Edit on Opportunity, not Edit on Account nor the editable Account.Industry.
    assert_eq!(excess, ["Account_Editor.permissionset-meta.xml:19"]);
}

const PRE_COMMIT: &str = "union/pre-commit";
const ACT_ON_GROUP_MEMBER: &str =
    "force-app/main/default/permissionsets/ActOn_Reports.permissionset-meta.xml";
const PLANHAT_PROFILE: &str =
    "force-app/main/default/profiles/Planhat Integration.profile-meta.xml";

/// Runs `sflint check FILE` in the pre-commit fixture and compares it with the full run: the
/// findings of `integration` are the same, no other integration is reported, and built-in
/// findings are exactly the full run's in FILE.
fn pre_commit_matches_full_run(file: &str, integration: &str, builtin_expected: bool) {
    let dir = fixtures_root().join(PRE_COMMIT);
    let full = run(&dir, &[]);
    let partial = run(&dir, &[file]);
    assert!(
        partial.stderr.is_empty(),
        "standard error: {}",
        partial.stderr
    );
    let of = |findings: Vec<Finding>, keep: &dyn Fn(&Finding) -> bool| -> Vec<String> {
        findings
            .into_iter()
            .filter(|f| keep(f))
            .map(|f| f.to_string())
            .collect()
    };
    let full_integration = of(full.findings(), &|f| {
        f.integration.as_deref() == Some(integration)
    });
    assert!(
        full_integration
            .iter()
            .any(|f| !f.contains("unverifiable-requirement")),
        "the fixture should give {integration} a defect: {full_integration:?}"
    );
    assert_eq!(
        of(partial.findings(), &|f| f.integration.is_some()),
        full_integration,
        "sflint check {file:?} must report the whole {integration} user, and only it"
    );
    let builtin_in_file = of(full.findings(), &|f| {
        f.integration.is_none() && f.path == file
    });
    assert_eq!(
        !builtin_in_file.is_empty(),
        builtin_expected,
        "built-in findings of the full run in {file}: {builtin_in_file:?}"
    );
    assert_eq!(
        of(partial.findings(), &|f| f.integration.is_none()),
        builtin_in_file,
        "built-in rules must run on {file} only"
    );
    let has_error = partial.findings.iter().any(|(f, _)| f.severity == "error");
    assert_eq!(partial.code, Some(i32::from(has_error)));
}

#[test]
fn pre_commit_on_a_group_member_loads_the_rest_of_its_user_from_the_project() {
    // The Act-On findings include ones located in ActOn_Integration (not named), and would be far
    // more without the profile and that permission set, which the run must load from the project.
    pre_commit_matches_full_run(ACT_ON_GROUP_MEMBER, "Act-On", true);
}

#[test]
fn pre_commit_on_a_profile_reports_only_the_user_of_that_profile() {
    pre_commit_matches_full_run(PLANHAT_PROFILE, "Planhat", true);
}

#[test]
fn pre_commit_on_a_file_of_no_integration_reports_no_integration() {
    let dir = fixtures_root().join(PRE_COMMIT);
    let unrelated = tempfile::tempdir().unwrap();
    copy_dir(&dir, unrelated.path());
    let file = "force-app/main/default/permissionsets/Unrelated.permissionset-meta.xml";
    std::fs::write(
        unrelated.path().join(file),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>Unrelated</label>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>ViewAllData</name>\n    </userPermissions>\n</PermissionSet>\n",
    )
    .unwrap();
    let partial = run(unrelated.path(), &[file]);
    assert!(partial.stderr.is_empty(), "{}", partial.stderr);
    assert_eq!(
        partial.findings(),
        [Finding {
            path: file.to_string(),
            line: 6,
            rule: "view-all-data".to_string(),
            severity: "warning".to_string(),
            requirement: None,
            integration: None,
        }]
    );
    assert_eq!(partial.code, Some(0));
}

/// A change to a permission set group alone (adding or removing a member) changes what its users
/// hold, so a pre-commit run on the group file checks them, although a group is not itself a member.
#[test]
fn pre_commit_on_a_permission_set_group_checks_the_users_of_that_group() {
    pre_commit_matches_full_run(
        "force-app/main/default/permissionsetgroups/ActOn_Bundle.permissionsetgroup-meta.xml",
        "Act-On",
        false,
    );
}

/// `path:line rule message` of each finding of the OAuth requirements of a pack fixture, after
/// checking it against its `expected.toml`.
fn oauth_findings(case: &str) -> Vec<String> {
    pack_case(case);
    run(&fixtures_root().join("packs").join(case), &[])
        .findings
        .iter()
        .filter(|(finding, _)| {
            finding
                .requirement
                .as_deref()
                .is_some_and(|requirement| requirement.contains("/oauth-"))
        })
        .map(|(finding, message)| {
            format!(
                "{}:{} {} {message}",
                finding.path, finding.line, finding.rule
            )
        })
        .collect()
}

const OAUTH_WANTED: &str = "Permitted Users set to All users may self-authorize, Refresh Token Policy set to Refresh token is valid until revoked and IP Relaxation set to Relax IP restrictions (requirements ampersand/oauth-permitted-users, ampersand/oauth-refresh-token and ampersand/oauth-ip-relaxation)";

#[test]
fn oauth_policies_of_an_external_client_app_are_read_from_the_policies_file_that_names_it() {
    let policies = "force-app/main/default/extlClntAppOauthPolicies/Ampersand_Sync_oauthPlcy.ecaOauthPlcy-meta.xml";
    assert_eq!(
        oauth_findings("ampersand/violating-oauth-policy"),
        [
            format!(
                "{policies}:5 oauth-policy-mismatch External Client App Ampersand_Sync sets IP Relaxation to Enforce IP restrictions (Enforce); Ampersand needs Relax IP restrictions"
            ),
            format!(
                "{policies}:9 oauth-policy-mismatch External Client App Ampersand_Sync sets Permitted Users to Admin approved users are pre-authorized (AdminApprovedPreAuthorized); Ampersand needs All users may self-authorize"
            ),
            format!(
                "{policies}:10 oauth-policy-mismatch External Client App Ampersand_Sync sets Refresh Token Policy to Expire refresh token after a set time (SpecificLifetime); Ampersand needs Refresh token is valid until revoked"
            ),
            format!(
                "force-app/main/default/permissionsets/Ampersand_Integration.permissionset-meta.xml:2 unverifiable-requirement Ampersand's OAuth policies are not checked: External Client App Ampersand_Reports is not in the project (no .ecaOauthPlcy-meta.xml of the project names Ampersand_Reports in <externalClientApplication>); check in Setup: {OAUTH_WANTED}"
            ),
        ]
    );
}

#[test]
fn oauth_policies_of_a_connected_app_are_read_with_the_metadata_api_defaults() {
    let app = "force-app/main/default/connectedApps/Ampersand_Connector.connectedApp-meta.xml";
    assert_eq!(
        oauth_findings("ampersand/violating-oauth-policy-connected-app"),
        [
            format!(
                "force-app/main/default/connectedApps/Ampersand_Canvas.connectedApp-meta.xml:2 oauth-policy-mismatch connected app Ampersand_Canvas has no <oauthConfig>, so it does not use OAuth; Ampersand connects through OAuth, with {OAUTH_WANTED}"
            ),
            format!(
                "{app}:7 oauth-policy-mismatch connected app Ampersand_Connector sets Permitted Users to Admin approved users are pre-authorized (true); Ampersand needs All users may self-authorize"
            ),
            format!(
                "{app}:12 oauth-policy-mismatch connected app Ampersand_Connector sets no <ipRelaxation>, so IP Relaxation is its default, Enforce IP restrictions; Ampersand needs Relax IP restrictions"
            ),
            format!(
                "{app}:13 oauth-policy-mismatch connected app Ampersand_Connector sets Refresh Token Policy to Immediately expire refresh token (zero); Ampersand needs Refresh token is valid until revoked"
            ),
        ]
    );
}

#[test]
fn oauth_policies_that_match_are_quiet_and_unnamed_apps_are_said_once() {
    // Both families as the page wants them, the External Client App's under a package's namespace.
    assert_eq!(oauth_findings("ampersand/compliant"), Vec::<String>::new());
    // No option names the app: one info per integration user, for the three requirements.
    assert_eq!(
        oauth_findings("ampersand/violating-user-permission"),
        [format!(
            "force-app/main/default/profiles/Ampersand Sync User.profile-meta.xml:2 unverifiable-requirement Ampersand's OAuth policies are not checked: no option names the app (external_client_app or connected_app); check in Setup: {OAUTH_WANTED}"
        )]
    );
}
