//! `--format json`: one versioned document; its shape is a public contract (see the README).

use std::io::{self, Write};

use serde::Serialize;

use crate::Report;
use crate::diagnostic::{Diagnostic, Tally};
use crate::problem::{Problem, ProblemLevel};

/// Bumped only when a field changes meaning or disappears; new fields may be added.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    summary: Summary,
    diagnostics: Vec<Entry<'a>>,
    problems: Vec<ProblemEntry<'a>>,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    components: usize,
    integrations: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

/// A problem of the run (not a finding about metadata): a missing path, a bad configuration.
#[derive(Serialize)]
struct ProblemEntry<'a> {
    level: &'a str,
    path: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

impl<'a> From<&'a Problem> for ProblemEntry<'a> {
    fn from(problem: &'a Problem) -> Self {
        ProblemEntry {
            level: match problem.level {
                ProblemLevel::Error => "error",
                ProblemLevel::Warning => "warning",
            },
            path: problem.path.as_deref(),
            line: problem.line,
            column: problem.column,
            message: &problem.message,
        }
    }
}

#[derive(Serialize)]
struct Entry<'a> {
    rule: &'a str,
    severity: &'a str,
    path: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    integration: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pack: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    requirement: Option<&'a str>,
    /// Every item of a finding that groups several (the message lists the first few).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    items: &'a [String],
    /// What `check --fix` would do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<FixEntry<'a>>,
}

#[derive(Serialize)]
struct FixEntry<'a> {
    /// `safe` (applied by `--fix`) or `unsafe` (only with `--unsafe-fixes`).
    safety: &'a str,
    title: &'a str,
}

impl<'a> From<&'a Diagnostic> for Entry<'a> {
    fn from(diagnostic: &'a Diagnostic) -> Self {
        let origin = diagnostic.origin.as_ref();
        Entry {
            rule: diagnostic.rule.as_str(),
            severity: diagnostic.severity.as_str(),
            path: diagnostic.path(),
            line: diagnostic.line(),
            column: diagnostic.column(),
            message: &diagnostic.message,
            help: diagnostic.help.as_deref(),
            integration: origin.map(|o| o.integration.as_str()),
            pack: origin.map(|o| o.pack.as_str()),
            requirement: origin.map(|o| o.requirement.as_str()),
            items: &diagnostic.items,
            fix: diagnostic.fix.as_ref().map(|fix| FixEntry {
                safety: fix.safety.as_str(),
                title: &fix.title,
            }),
        }
    }
}

pub fn render(result: &Report, out: &mut dyn Write) -> io::Result<()> {
    let tally = Tally::of(&result.diagnostics);
    let document = Document {
        version: VERSION,
        summary: Summary {
            files: result.files,
            components: result.components,
            integrations: result.integrations,
            errors: tally.errors,
            warnings: tally.warnings,
            infos: tally.infos,
        },
        diagnostics: result.diagnostics.iter().map(Entry::from).collect(),
        problems: result.problems.iter().map(ProblemEntry::from).collect(),
    };
    crate::escape::write_json(&mut *out, &document)?;
    writeln!(out)
}
