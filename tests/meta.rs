//! House rules checked by tests: every rule documented and listed, pack data complete and
//! consistent, the README in step with the data.

use sflint::explain;
use sflint::packs;

#[test]
fn rule_ids_are_kebab_case_and_documented() {
    for meta in sflint::registry::RuleId::ALL.iter().map(|rule| rule.meta()) {
        assert!(
            meta.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{} is not kebab-case",
            meta.id
        );
        assert!(
            !meta.summary.is_empty() && !meta.summary.ends_with('.'),
            "{}: a summary is one line without a final period",
            meta.id
        );
        for section in [
            "## What it checks",
            "## Why it matters",
            "## Example",
            "## Source",
        ] {
            assert!(meta.doc.contains(section), "{} lacks {section}", meta.id);
        }
    }
}

#[test]
fn readme_lists_every_rule() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for meta in sflint::registry::RuleId::ALL.iter().map(|rule| rule.meta()) {
        assert!(
            readme.contains(&format!("`{}`", meta.id)),
            "README does not mention rule {}",
            meta.id
        );
    }
}

/// Checks that the section between `<!-- NAME:start ... -->` and `<!-- NAME:end -->` of `file` is
/// `expected`; with `UPDATE_DOCS=1` in the environment, rewrites it instead.
fn generated_section(file: &str, name: &str, expected: &str) {
    // Several sections live in one file: rewrites must not interleave.
    static FILES: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = FILES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text
        .find(&format!("<!-- {name}:start"))
        .unwrap_or_else(|| panic!("{file} has a {name}:start marker"));
    let mut body_start = text[start..].find("-->").unwrap() + start + 3;
    if text[body_start..].starts_with('\n') {
        body_start += 1;
    }
    let end = text
        .find(&format!("<!-- {name}:end -->"))
        .unwrap_or_else(|| panic!("{file} has a {name}:end marker"));
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{expected}{}", &text[..body_start], &text[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert_eq!(
        &text[body_start..end],
        expected,
        "the {name} section of {file} is stale: run UPDATE_DOCS=1 cargo test --test meta"
    );
}

#[test]
fn readme_rule_table_is_generated_from_the_registry() {
    use sflint::registry::Origin;
    let built_in = sflint::registry::RuleId::ALL
        .iter()
        .map(|rule| rule.meta())
        .filter(|meta| meta.origin != Origin::Pack);
    generated_section(
        "README.md",
        "rules",
        &explain::rule_table_markdown(built_in),
    );
}

#[test]
fn readme_pack_table_is_generated_from_the_packs() {
    generated_section("README.md", "packs", &explain::pack_table_markdown());
}

#[test]
fn the_kinds_table_is_generated_from_the_kinds() {
    generated_section(
        "rules/README.md",
        "kinds",
        &sflint::packs::kinds::table_markdown(),
    );
}

#[test]
fn the_pack_findings_are_listed_from_the_registry() {
    let ids: Vec<String> = sflint::registry::RuleId::ALL
        .iter()
        .filter(|rule| rule.is_pack_finding())
        .map(|rule| format!("`{rule}`"))
        .collect();
    generated_section(
        "rules/README.md",
        "pack-findings",
        &format!("{}.\n", ids.join(", ")),
    );
}

#[test]
fn every_shipped_pack_cites_its_source_and_reasons() {
    for pack in packs::shipped() {
        let header = &pack.file.pack;
        assert!(!header.source.title.is_empty(), "{}", header.id);
        assert!(
            header.source.retrieved.len() == 10
                && header
                    .source
                    .retrieved
                    .chars()
                    .filter(|c| *c == '-')
                    .count()
                    == 2,
            "{}: retrieved must be YYYY-MM-DD",
            header.id
        );
        // The read-only analytics platform's page is shipped anonymised, without its address.
        match &header.source.url {
            Some(url) => assert!(url.starts_with("https://"), "{}: {url}", header.id),
            None => assert_eq!(
                header.id, "readonly-analytics",
                "{} lacks its source url",
                header.id
            ),
        }
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&pack.origin),
        )
        .unwrap();
        assert!(
            text.contains("\nconfidence = "),
            "{} must state its confidence",
            header.id
        );
        for requirement in &pack.file.requirements {
            assert!(
                !requirement.why.trim().is_empty(),
                "{}/{}",
                header.id,
                requirement.id
            );
            assert!(
                !requirement.source.trim().is_empty(),
                "{}/{}",
                header.id,
                requirement.id
            );
        }
        assert_eq!(
            pack.origin,
            format!("rules/{}.toml", header.id),
            "a pack file is named after its id"
        );
    }
}

/// No requirement of a shipped pack asks for the field permissions of a field that carries none (a
/// required or system field, one Salesforce sets no field-level security on, or one whose
/// field-level security is another field's): such a requirement could never be met by a field
/// permission, so packs name the object access, the field that carries the security, or an
/// `unverifiable` requirement instead. Fields from the defaults of the options a requirement reads
/// count too.
#[test]
fn no_requirement_asks_for_field_permissions_on_a_field_that_carries_none() {
    let catalog = sflint::catalog::Catalog::get();
    let mut wrong = Vec::new();
    for pack in packs::shipped() {
        let mut requirements: Vec<&sflint::packs::file::Requirement> =
            pack.file.requirements.iter().collect();
        while let Some(requirement) = requirements.pop() {
            requirements.extend(requirement.alternatives());
            let (fixed, from) = requirement.fields();
            let mut fields: Vec<String> = fixed.to_vec();
            if let Some(option) = from
                && let Some(spec) = pack.file.options.iter().find(|spec| spec.id == option)
            {
                match &spec.default {
                    Some(toml::Value::String(text)) if !text.is_empty() => {
                        fields.push(text.clone())
                    }
                    Some(toml::Value::Array(items)) => fields.extend(
                        items
                            .iter()
                            .filter_map(|item| item.as_str().map(str::to_string)),
                    ),
                    _ => {}
                }
            }
            for field in fields {
                if catalog.carries_no_field_permissions(&field) {
                    wrong.push(format!(
                        "{}/{}: {field} (field-level security of {})",
                        pack.id(),
                        requirement.id,
                        catalog.field_security_field(&field)
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "requirements ask for field permissions that do not exist:\n{}",
        wrong.join("\n")
    );
}

/// The module map of CONTRIBUTING.md names every module under `src/` (top level, and one level down
/// in `model` and `packs`), and nothing that is gone.
#[test]
fn contributing_module_map_lists_every_module() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("CONTRIBUTING.md")).unwrap();
    let start = text
        .find("<!-- modules:start")
        .expect("modules:start marker");
    let end = text
        .find("<!-- modules:end -->")
        .expect("modules:end marker");
    let listed: std::collections::BTreeSet<String> = text[start..end]
        .lines()
        .filter_map(|line| line.strip_prefix("| `")?.split('`').next())
        .map(str::to_string)
        .collect();
    let modules_in = |dir: &std::path::Path, prefix: &str| -> Vec<String> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let is_module = path.is_dir() && path.join("mod.rs").exists()
                || path.extension().is_some_and(|ext| ext == "rs");
            if is_module && name != "mod" && name != "lib" {
                found.push(format!("{prefix}{name}"));
            }
        }
        found
    };
    let mut expected: std::collections::BTreeSet<String> =
        modules_in(&root.join("src"), "").into_iter().collect();
    expected.extend(modules_in(&root.join("src/model"), "model::"));
    expected.extend(modules_in(&root.join("src/packs"), "packs::"));
    assert_eq!(
        listed, expected,
        "CONTRIBUTING.md's module map and src/ disagree"
    );
}

/// Every severity a rule reports on the fixtures is one the registry lists for it (what
/// `sflint rules` and the README say), for fixtures whose settings change no severity.
#[test]
fn rules_report_only_the_severities_the_registry_lists() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut projects = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let entries: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        if entries
            .iter()
            .any(|path| path.ends_with("sfdx-project.json"))
        {
            projects.push(dir);
            continue;
        }
        stack.extend(entries.into_iter().filter(|path| path.is_dir()));
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut wrong = std::collections::BTreeSet::new();
    for project in &projects {
        let settings = std::fs::read_to_string(project.join("sflint.toml")).unwrap_or_default();
        if settings.contains("[rules]") || settings.contains("overrides") {
            continue;
        }
        let output = assert_cmd::cargo::cargo_bin_cmd!("sflint")
            .current_dir(project)
            .args(["check", "--format", "json"])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        for finding in report["diagnostics"].as_array().unwrap() {
            let rule = finding["rule"].as_str().unwrap();
            let severity = finding["severity"].as_str().unwrap();
            let meta = sflint::registry::RuleId::from_id(rule).unwrap().meta();
            if !meta
                .severities
                .iter()
                .any(|listed| listed.as_str() == severity)
            {
                wrong.insert(format!(
                    "{rule} reported as {severity} (e.g. {}), the registry lists {:?}",
                    project.display(),
                    meta.severities
                ));
            }
            seen.insert((rule.to_string(), severity.to_string()));
        }
    }
    assert_eq!(wrong, std::collections::BTreeSet::new());
    assert!(seen.len() > 20, "{seen:?}");
}
