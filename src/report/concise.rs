//! `--format concise`: one line per finding, `path:line:col: severity rule message`.

use std::io::{self, Write};

use super::RenderOptions;
use crate::Report;

pub fn render(result: &Report, options: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    for diagnostic in &result.diagnostics {
        let origin = diagnostic
            .origin
            .as_ref()
            .map(|origin| format!(" [{}]", origin.integration))
            .unwrap_or_default();
        writeln!(
            out,
            "{}:{}:{}: {} {} {}{origin}",
            diagnostic.path(),
            diagnostic.line(),
            diagnostic.column(),
            diagnostic.severity,
            diagnostic.rule,
            single_line(&diagnostic.message),
        )?;
    }
    if !options.quiet {
        writeln!(out, "{}", super::summary_line(result))?;
    }
    Ok(())
}

/// Keeps one finding on one line whatever its message holds.
fn single_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}
