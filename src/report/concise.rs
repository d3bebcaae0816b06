//! `--format concise`: one line per finding, `path:line:col: severity rule message`.

use std::io::{self, Write};

use super::RenderOptions;
use crate::Report;
use crate::escape;

pub fn render(result: &Report, options: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    for diagnostic in &result.diagnostics {
        let origin = diagnostic
            .origin
            .as_ref()
            .map(|origin| {
                // The requirement id is what `[rules]` and directives name to change the finding.
                format!(
                    " [{} / {}]",
                    escape::text(&origin.integration),
                    escape::text(&origin.requirement)
                )
            })
            .unwrap_or_default();
        writeln!(
            out,
            "{}:{}:{}: {} {} {}{origin}",
            escape::path_at_line_start(diagnostic.path()),
            diagnostic.line(),
            diagnostic.column(),
            diagnostic.severity,
            diagnostic.rule,
            escape::text(&diagnostic.message),
        )?;
    }
    if !options.quiet {
        writeln!(out, "{}", super::summary_line(result))?;
    }
    Ok(())
}
