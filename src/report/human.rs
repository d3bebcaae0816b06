//! `--format human`: findings rendered by miette with the source line, the rule id and the help text.
//! The only module that talks to miette's renderer.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode, SourceSpan,
};

use super::RenderOptions;
use crate::Report;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::parse;
use crate::source::FilePath;

/// Wide enough for element paths and help sentences, fixed so that output does not depend on the
/// terminal.
const WIDTH: usize = 100;

pub fn render(result: &Report, options: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false)
        .with_context_lines(1);
    let mut sources = SourceCache::default();
    for diagnostic in &result.diagnostics {
        let source = sources.get(&diagnostic.location.path);
        let report = Shown { diagnostic, source };
        let mut text = String::new();
        if handler.render_report(&mut text, &report).is_err() {
            text = format!("{}: {}\n", diagnostic.rule, diagnostic.message);
        }
        out.write_all(text.as_bytes())?;
        for related in &diagnostic.related {
            if related.location.path != diagnostic.location.path {
                writeln!(
                    out,
                    "  note: {} at {}:{}:{}",
                    related.message,
                    related.location.path.display,
                    related.location.span.line,
                    related.location.span.column
                )?;
            }
        }
        writeln!(out)?;
    }
    if !options.quiet {
        writeln!(out, "{}", super::summary_line(result))?;
    }
    Ok(())
}

/// Source text of the file last shown: findings arrive sorted by path, so one file is held at a time.
#[derive(Default)]
struct SourceCache {
    path: Option<Arc<FilePath>>,
    source: Option<Arc<NamedSource<String>>>,
}

impl SourceCache {
    fn get(&mut self, path: &Arc<FilePath>) -> Option<Arc<NamedSource<String>>> {
        if self.path.as_ref() != Some(path) {
            self.path = Some(Arc::clone(path));
            // Decoded exactly as the parser decoded it, so that span offsets line up.
            self.source = std::fs::read(&path.fs).ok().and_then(|bytes| {
                let text = lone_cr_to_lf(parse::decode(&bytes, 0).ok()?);
                Some(Arc::new(NamedSource::new(&path.display, text)))
            });
        }
        self.source.clone()
    }
}

/// The parser, as XML prescribes, ends a line at a lone `\r` (old Mac line end) too; miette only at
/// `\n`, so it would number lines differently and print the raw `\r`, which sends the terminal's
/// cursor back over the line. `\r` and `\n` are both one byte: every span offset stays valid.
fn lone_cr_to_lf(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<Arc<NamedSource<String>>>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shown")
            .field("rule", &self.diagnostic.rule)
            .finish()
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)?;
        if let Some(origin) = &self.diagnostic.origin {
            write!(f, " [{} / {}]", origin.integration, origin.requirement)?;
        }
        Ok(())
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.rule.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source
            .as_deref()
            .map(|source| source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let source = self.source.as_ref()?;
        let length = source.inner().len();
        let clamp = |span: crate::source::Span| -> SourceSpan {
            let start = (span.start as usize).min(length);
            let end = (span.end as usize).clamp(start, length);
            SourceSpan::new(start.into(), end - start)
        };
        let location = &self.diagnostic.location;
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            Some(self.diagnostic.severity.to_string()),
            clamp(location.span),
        )];
        for related in &self.diagnostic.related {
            if related.location.path == location.path {
                labels.push(LabeledSpan::new_with_span(
                    Some(related.message.clone()),
                    clamp(related.location.span),
                ));
            }
        }
        Some(Box::new(labels.into_iter()))
    }
}
