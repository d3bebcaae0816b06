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

#[test]
fn readme_pack_table_is_generated_from_the_packs() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- packs:start")
        .expect("README has a packs:start marker");
    let body_start = readme[start..].find("-->").unwrap() + start + 4;
    let end = readme
        .find("<!-- packs:end -->")
        .expect("README has a packs:end marker");
    assert_eq!(
        &readme[body_start..end],
        explain::pack_table_markdown(),
        "the README pack table is stale: replace it with the output of explain::pack_table_markdown()"
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
