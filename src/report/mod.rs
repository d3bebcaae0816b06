//! Reporters: turn sorted findings into text. They decide nothing; every choice (what to report, with
//! which severity) is made before they run.

pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use std::io::{self, Write};

use clap::ValueEnum;

use crate::Report;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Rich, with the source line and help (the default).
    Human,
    /// One line per finding: `path:line:col: severity rule message`.
    Concise,
    /// One JSON document (see the README for the contract).
    Json,
    /// GitHub Actions annotations, errors first, then every finding as a log line; appends a job
    /// summary to `$GITHUB_STEP_SUMMARY`.
    Github,
    /// SARIF 2.1.0, for GitHub code scanning (`github/codeql-action/upload-sarif`).
    Sarif,
}

#[derive(Debug, Clone, Copy)]
pub struct RenderOptions<'a> {
    pub color: bool,
    /// Findings only: no summary line.
    pub quiet: bool,
    /// Columns the human report wraps at (`None`: 100, so that output does not depend on where it
    /// goes).
    pub width: Option<usize>,
    /// What SARIF paths are relative to (`%SRCROOT%`): the repository's root for code scanning;
    /// `None`: the directory paths are shown relative to.
    pub sarif_root: Option<&'a std::path::Path>,
}

pub fn render(
    format: Format,
    result: &Report,
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(result, options, out),
        Format::Concise => concise::render(result, options, out),
        Format::Json => json::render(result, out),
        Format::Github => github::render(result, options, out),
        // The paths of the findings are relative to the report's display base, so that is
        // `%SRCROOT%`.
        Format::Sarif => sarif::render(
            result,
            options.sarif_root.unwrap_or(&result.display_base),
            out,
        ),
    }
}

/// `3 errors, 1 warning and 2 infos in 12 files` style counts.
pub fn summary_line(result: &Report) -> String {
    let tally = crate::diagnostic::Tally::of(&result.diagnostics);
    let scope = format!(
        "{} ({}{})",
        plural(result.components, "component"),
        plural(result.files, "file"),
        if result.integrations > 0 {
            format!(", {}", plural(result.integrations, "integration user"))
        } else {
            String::new()
        }
    );
    let baselined = if result.baselined > 0 {
        format!(
            "; {} hidden by the baseline",
            plural(result.baselined, "finding")
        )
    } else {
        String::new()
    };
    if result.diagnostics.is_empty() {
        return format!("No findings in {scope}{baselined}.");
    }
    let mut parts = Vec::new();
    if tally.errors > 0 {
        parts.push(plural(tally.errors, "error"));
    }
    if tally.warnings > 0 {
        parts.push(plural(tally.warnings, "warning"));
    }
    if tally.infos > 0 {
        parts.push(plural(tally.infos, "info"));
    }
    let counts = match parts.len() {
        1 => parts.remove(0),
        _ => {
            let last = parts.pop().unwrap_or_default();
            format!("{} and {last}", parts.join(", "))
        }
    };
    format!("Found {counts} in {scope}{baselined}.")
}

pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else if let Some(stem) = noun.strip_suffix('y') {
        format!("{count} {stem}ies")
    } else {
        format!("{count} {noun}s")
    }
}
