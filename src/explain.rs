//! `sflint rules` and `sflint rule ID`: the documentation of every rule, straight from its metadata.

use std::io::{self, Write};

use serde::Serialize;

use crate::checks::{self, RuleMeta};

#[derive(Serialize)]
struct RuleEntry<'a> {
    id: &'a str,
    severity: &'a str,
    summary: &'a str,
    doc: &'a str,
}

impl<'a> From<&'a RuleMeta> for RuleEntry<'a> {
    fn from(meta: &'a RuleMeta) -> Self {
        RuleEntry {
            id: meta.id,
            severity: meta.default_severity.as_str(),
            summary: meta.summary,
            doc: meta.doc,
        }
    }
}

/// Every rule id sflint can report, sorted.
pub fn all_rules() -> Vec<&'static RuleMeta> {
    checks::builtin_metas()
}

pub fn find_rule(id: &str) -> Option<&'static RuleMeta> {
    all_rules().into_iter().find(|meta| meta.id == id)
}

pub fn list_rules(json: bool, out: &mut dyn Write) -> io::Result<()> {
    let rules = all_rules();
    if json {
        let entries: Vec<RuleEntry<'_>> = rules.iter().map(|meta| RuleEntry::from(*meta)).collect();
        serde_json::to_writer_pretty(&mut *out, &entries)?;
        return writeln!(out);
    }
    let width = rules.iter().map(|meta| meta.id.len()).max().unwrap_or(0);
    for meta in rules {
        writeln!(
            out,
            "{:width$}  {:7}  {}",
            meta.id,
            meta.default_severity.as_str(),
            meta.summary
        )?;
    }
    Ok(())
}

pub fn show_rule(meta: &RuleMeta, json: bool, out: &mut dyn Write) -> io::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, &RuleEntry::from(meta))?;
        return writeln!(out);
    }
    writeln!(out, "# {}", meta.id)?;
    writeln!(out)?;
    writeln!(out, "Default severity: {}", meta.default_severity)?;
    writeln!(out)?;
    writeln!(out, "{}.", capitalise(meta.summary))?;
    writeln!(out)?;
    write!(out, "{}", meta.doc)
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Suggests the closest rule id for a typo in `sflint rule ID`.
pub fn closest_rule(id: &str) -> Option<&'static str> {
    all_rules()
        .into_iter()
        .map(|meta| meta.id)
        .find(|known| known.contains(id) || id.contains(known))
}
