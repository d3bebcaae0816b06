//! `sflint scaffold PACK`: the file it writes satisfies the pack, is in canonical order and holds
//! only what the pack's findings asked for.

mod support;

use std::path::Path;

use support::run;

/// The options of a pack's compliant fixture, as `--option KEY=VALUE` arguments: a representative
/// set of options for every shipped pack.
fn fixture_options(pack: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/packs")
        .join(pack)
        .join("compliant/sflint.toml");
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let config: toml::Table = toml::from_str(&text).unwrap();
    let Some(integration) = config
        .get("integration")
        .and_then(|list| list.as_array())
        .and_then(|list| {
            list.iter()
                .find(|integration| integration["pack"].as_str() == Some(pack))
        })
    else {
        return Vec::new();
    };
    let Some(options) = integration.get("options").and_then(|o| o.as_table()) else {
        return Vec::new();
    };
    let mut args = Vec::new();
    for (key, value) in options {
        let value = match value {
            toml::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        args.push("--option".to_string());
        args.push(format!("{key}={value}"));
    }
    args
}

const PROJECT: &str =
    r#"{"packageDirectories":[{"path":"force-app","default":true}],"sourceApiVersion":"64.0"}"#;

#[test]
fn every_shipped_pack_scaffolds_a_file_its_check_accepts_in_canonical_order() {
    let mut checked = 0;
    for pack in sflint::packs::shipped() {
        let id = pack.id();
        let options = fixture_options(id);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("sfdx-project.json"), PROJECT).unwrap();
        let folder = dir.path().join("force-app/main/default/scaffold");
        std::fs::create_dir_all(&folder).unwrap();
        let json = {
            let mut args = vec!["scaffold", id, "--format", "json"];
            args.extend(options.iter().map(String::as_str));
            run(dir.path(), &args)
        };
        assert_eq!(json.code, 0, "{id}: {}", json.stderr);
        let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        let file = report["file"].as_str().unwrap();
        let path = folder.join(file);
        std::fs::write(&path, report["text"].as_str().unwrap()).unwrap();
        let relative = format!("force-app/main/default/scaffold/{file}");

        // Every fix names the rule, and a pack fix its requirement in this pack.
        let included = report["included"].as_array().unwrap();
        assert!(!included.is_empty(), "{id}: nothing included");
        for fix in included {
            if let Some(requirement) = fix["requirement"].as_str() {
                assert!(requirement.starts_with(&format!("{id}/")), "{id}: {fix}");
            }
        }

        let mut args = vec!["check", "--pack", id, "--format", "json"];
        args.extend(options.iter().map(String::as_str));
        args.push(&relative);
        let check = run(dir.path(), &args);
        let report: serde_json::Value = serde_json::from_str(&check.stdout)
            .unwrap_or_else(|_| panic!("{id}: {}", check.stderr));
        for finding in report["diagnostics"].as_array().unwrap() {
            let severity = finding["severity"].as_str().unwrap();
            let rule = finding["rule"].as_str().unwrap();
            // A package's permission set is assigned, not written: the scaffold says so.
            let allowed =
                severity == "info" || (rule == "missing-permission-set" && severity == "warning");
            assert!(allowed, "{id}: {finding}");
        }
        assert!(
            check.code == 0,
            "{id}: exit {}: {}",
            check.code,
            check.stdout
        );

        let fmt = run(dir.path(), &["fmt", "--check", &relative]);
        assert_eq!(fmt.code, 0, "{id}: {}{}", fmt.stdout, fmt.stderr);
        checked += 1;
    }
    assert_eq!(checked, sflint::packs::shipped().len());
}

#[test]
fn the_scaffold_holds_exactly_what_the_pack_asks_for() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["scaffold", "airbyte"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    assert_eq!(
        out.stdout,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <description>Least privilege for Airbyte, from its page https://docs.airbyte.com/integrations/sources/salesforce. Written by sflint scaffold airbyte.</description>
    <hasActivationRequired>false</hasActivationRequired>
    <label>Airbyte Integration</label>
    <userPermissions>
        <enabled>true</enabled>
        <name>ApiEnabled</name>
    </userPermissions>
</PermissionSet>
"#
    );
}

#[test]
fn json_says_what_was_included_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &[
            "scaffold",
            "ampersand",
            "--option",
            "variant=integration",
            "--option",
            r#"read_objects=["Account"]"#,
            "--name",
            "Amp_Sync",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["pack"], "ampersand");
    assert_eq!(report["kind"], "PermissionSet");
    assert_eq!(report["name"], "Amp_Sync");
    assert_eq!(report["file"], "Amp_Sync.permissionset-meta.xml");
    // The integration variant's permission set license, as the pack asks.
    assert_eq!(report["license"], "Salesforce API Integration");
    let included: Vec<(String, String)> = report["included"]
        .as_array()
        .unwrap()
        .iter()
        .map(|fix| {
            (
                fix["requirement"].as_str().unwrap().to_string(),
                fix["fix"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        included,
        [
            (
                "ampersand/api-enabled".to_string(),
                "In Amp_Sync, enable ApiEnabled.".to_string()
            ),
            (
                "ampersand/read-objects".to_string(),
                "In Amp_Sync, grant Read, View All Records, View All Fields on Account."
                    .to_string()
            ),
        ]
    );
    let text = report["text"].as_str().unwrap();
    assert!(
        text.contains("<license>Salesforce API Integration</license>"),
        "{text}"
    );
    assert!(
        text.contains("<label>Ampersand Integration</label>"),
        "{text}"
    );
}

#[test]
fn a_profile_pack_gets_a_marked_profile_fragment() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["scaffold", "planhat", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["kind"], "Profile");
    assert_eq!(report["file"], "Planhat_Integration.profile-meta.xml");
    let text = report["text"].as_str().unwrap();
    let second_line = text.lines().nth(1).unwrap();
    assert!(
        second_line
            .starts_with("<!-- sflint scaffold planhat: a profile fragment, not a whole profile."),
        "{second_line}"
    );
    assert!(text.contains("<name>ApiEnabled</name>"), "{text}");
}

#[test]
fn a_package_permission_set_is_to_be_assigned_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["scaffold", "vonage-contact-center"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(
            "sflint: note: assign this permission set too (no scaffold can write it): integration user Vonage Contact Center lacks permission set NVMContactWorld__ContactWorld_API_user"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn mistakes_are_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let missing_option = run(dir.path(), &["scaffold", "ampersand"]);
    assert_eq!(missing_option.code, 2);
    assert_eq!(missing_option.stdout, "");
    assert!(
        missing_option
            .stderr
            .contains("pack ampersand needs option variant"),
        "{}",
        missing_option.stderr
    );

    let bad_name = run(dir.path(), &["scaffold", "airbyte", "--name", "My__Set"]);
    assert_eq!(bad_name.code, 2);
    assert_eq!(
        bad_name.stderr,
        "sflint: error: --name My__Set: an API name starts with a letter and holds letters, digits and single underscores, not at its end\n"
    );

    let unknown = run(dir.path(), &["scaffold", "act-onn"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("unknown pack"),
        "{}",
        unknown.stderr
    );

    // -o writes a new file, atomically, and never replaces one.
    let target = dir.path().join("Airbyte.permissionset-meta.xml");
    let written = run(
        dir.path(),
        &[
            "scaffold",
            "airbyte",
            "-o",
            "Airbyte.permissionset-meta.xml",
        ],
    );
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert_eq!(written.stdout, "");
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("<name>ApiEnabled</name>")
    );
    std::fs::write(&target, "mine").unwrap();
    let again = run(
        dir.path(),
        &[
            "scaffold",
            "airbyte",
            "-o",
            "Airbyte.permissionset-meta.xml",
        ],
    );
    assert_eq!(again.code, 2);
    assert_eq!(
        again.stderr,
        "sflint: error: refusing to write the scaffold to Airbyte.permissionset-meta.xml: it exists\n"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine");
}
