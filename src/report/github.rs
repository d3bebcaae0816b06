//! `--format github`: GitHub Actions workflow commands (`::error file=...::message`), then every finding
//! as a plain log line, plus a Markdown job summary when `GITHUB_STEP_SUMMARY` names a file.
//!
//! GitHub shows only 10 error and 10 warning annotations per step and silently drops the rest, so
//! annotations go out most severe first, and the plain lines and the summary make sure nothing is lost
//! from the log.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::RenderOptions;
use crate::Report;
use crate::diagnostic::{Diagnostic, Severity, Tally};
use crate::escape;

/// Rows of the by-file table at most: a step summary larger than 1 MiB is rejected whole, and a
/// project with thousands of failing files is better read through SARIF anyway.
const MAX_FILE_ROWS: usize = 200;

/// Shown in the by-integration table for findings of the built-in rules, which belong to no
/// integration user.
const BUILT_IN: &str = "(built-in rules)";

/// Writes the annotations and log lines to `out`. The job summary is [`summary_markdown`], which the
/// command line appends to the file `GITHUB_STEP_SUMMARY` names.
pub fn render(result: &Report, options: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        // The sort is stable, so path and line order holds within each severity.
        for diagnostic in result
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.severity == severity)
        {
            write_annotation(diagnostic, out)?;
        }
    }
    // The annotations past GitHub's cap vanish, so the log must hold every finding on its own.
    super::concise::render(result, options, out)
}

fn write_annotation(diagnostic: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
    let command = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    writeln!(
        out,
        "::{command} file={},line={},col={},title={}::{}",
        escape::text(&escape_property(diagnostic.path())),
        diagnostic.line(),
        diagnostic.column(),
        escape_property(&format!("sflint({})", diagnostic.rule)),
        // Line breaks become %0D%0A, which GitHub shows as line breaks inside the annotation;
        // whatever else could act on the log is escaped.
        escape::text(&escape_data(&annotation_message(diagnostic))),
    )
}

/// The message, the integration user it concerns (as the concise format shows it), then the help.
/// GitHub shows an annotation as one short paragraph under its title, so the help joins the message
/// on the same line instead of a second paragraph. Messages end without a period by convention, so
/// one is put between them unless the message already ends a sentence (`did you mean X?`).
fn annotation_message(diagnostic: &Diagnostic) -> String {
    let mut text = diagnostic.message.clone();
    if let Some(origin) = &diagnostic.origin {
        text.push_str(&format!(
            " [{} / {}]",
            origin.integration, origin.requirement
        ));
    }
    if let Some(help) = &diagnostic.help {
        if !text.ends_with(['.', '?', '!']) {
            text.push('.');
        }
        text.push(' ');
        text.push_str(help);
    }
    text
}

/// Escapes a command's message as actions/toolkit `escapeData` does; `%` goes first so that the
/// escapes it introduces are not escaped again.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value as actions/toolkit `escapeProperty` does: `:` and `,` would otherwise end
/// the value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The job summary: totals, then counts by rule, by integration and by file.
pub fn summary_markdown(result: &Report) -> String {
    let mut text = String::from("## sflint\n\n");
    text.push_str(&super::summary_line(result));
    text.push('\n');
    if result.diagnostics.is_empty() {
        text.push('\n');
        return text;
    }
    let tally = Tally::of(&result.diagnostics);
    text.push_str("\n| errors | warnings | infos | total |\n|---:|---:|---:|---:|\n");
    text.push_str(&format!(
        "| {} | {} | {} | {} |\n",
        tally.errors,
        tally.warnings,
        tally.infos,
        result.diagnostics.len()
    ));

    let by_rule = count_by(&result.diagnostics, |diagnostic| {
        code(diagnostic.rule.as_str())
    });
    table(&mut text, "By rule", "rule", by_rule.into_iter(), None);

    // The built-in rules come first: the key sorts them ahead of every integration name.
    let by_integration = count_by(&result.diagnostics, |diagnostic| match &diagnostic.origin {
        Some(origin) => (1, cell(&origin.integration)),
        None => (0, BUILT_IN.to_string()),
    });
    table(
        &mut text,
        "By integration",
        "integration",
        by_integration
            .into_iter()
            .map(|((_, name), counts)| (name, counts)),
        None,
    );

    let by_file = count_by(&result.diagnostics, |diagnostic| code(diagnostic.path()));
    let files = by_file.len();
    table(
        &mut text,
        "By file",
        "file",
        by_file.into_iter().take(MAX_FILE_ROWS),
        (files > MAX_FILE_ROWS).then(|| files - MAX_FILE_ROWS),
    );
    text
}

fn count_by<K: Ord>(
    diagnostics: &[Diagnostic],
    key: impl Fn(&Diagnostic) -> K,
) -> BTreeMap<K, Tally> {
    let mut counts: BTreeMap<K, Tally> = BTreeMap::new();
    for diagnostic in diagnostics {
        let tally = counts.entry(key(diagnostic)).or_default();
        match diagnostic.severity {
            Severity::Error => tally.errors += 1,
            Severity::Warning => tally.warnings += 1,
            Severity::Info => tally.infos += 1,
        }
    }
    counts
}

fn table(
    text: &mut String,
    heading: &str,
    column: &str,
    rows: impl Iterator<Item = (String, Tally)>,
    left_out: Option<usize>,
) {
    text.push_str(&format!(
        "\n### {heading}\n\n| {column} | errors | warnings | infos |\n|---|---:|---:|---:|\n"
    ));
    for (name, tally) in rows {
        text.push_str(&format!(
            "| {name} | {} | {} | {} |\n",
            tally.errors, tally.warnings, tally.infos
        ));
    }
    if let Some(count) = left_out {
        text.push_str(&format!(
            "\n…and {}; the log lines above list every finding.\n",
            super::plural(count, "more file")
        ));
    }
}

/// A table cell of plain text: a `|` would split the cell and a line break would end the table.
fn cell(text: &str) -> String {
    escape::text(text).replace('|', "\\|")
}

/// A table cell in a code span, for rule ids and paths (`_` and `*` in file names stay literal). GFM
/// splits cells at `|` even inside code spans and unescapes `\|` there, so the escape still applies.
fn code(text: &str) -> String {
    let text = cell(text);
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_percent_first() {
        assert_eq!(escape_data("100%\r\n%0A"), "100%25%0D%0A%250A");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        // Messages keep `:` and `,`: only property values end at them.
        assert_eq!(escape_data("a:b,c"), "a:b,c");
    }

    #[test]
    fn code_spans_survive_pipes_and_backticks() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(cell("x\ny"), "x\\ny");
    }
}
