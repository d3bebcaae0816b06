//! `--format human`: findings rendered by miette with the source line, the rule id and the help text.
//! The only module that talks to miette's renderer.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::RenderOptions;
use crate::Report;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Excerpt;

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
    for diagnostic in &result.diagnostics {
        let source = diagnostic.excerpt.clone().map(ExcerptSource);
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

/// A finding's excerpt as miette reads source: spans are offsets into the whole file, lines count
/// from its first line.
struct ExcerptSource(Arc<Excerpt>);

impl SourceCode for ExcerptSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let chunk = self
            .0
            .chunk(span.offset(), span.offset() + span.len())
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new((span.offset() - chunk.offset).into(), span.len());
        let contents =
            chunk
                .text
                .as_str()
                .read_span(&local, context_lines_before, context_lines_after)?;
        let lines_before = chunk.line as usize - 1;
        Ok(Box::new(MietteSpanContents::new_named(
            self.0.name.clone(),
            contents.data(),
            SourceSpan::new(
                (contents.span().offset() + chunk.offset).into(),
                contents.span().len(),
            ),
            contents.line() + lines_before,
            contents.column(),
            contents.line_count() + lines_before,
        )))
    }
}

struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<ExcerptSource>,
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
        self.source.as_ref().map(|source| source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let source = self.source.as_ref()?;
        // A span the excerpt does not hold (it cannot happen for spans the parser made) is shown
        // empty at its start rather than failing the report.
        let clamp = |span: crate::source::Span| -> SourceSpan {
            let (start, end) = (span.start as usize, span.end as usize);
            if source.0.chunk(start, end).is_some() {
                SourceSpan::new(start.into(), end - start)
            } else {
                SourceSpan::new(start.into(), 0)
            }
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
