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
use crate::escape;
use crate::excerpt::Excerpt;

/// Wide enough for element paths and help sentences; the width when output does not go to a
/// terminal, so that it does not depend on where it goes.
const WIDTH: usize = 100;
/// Narrower terminals still get room for the source line's gutter and a few words.
const MIN_WIDTH: usize = 40;

pub fn render(result: &Report, options: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Rule ids, requirement ids (`act-on/api-enabled`) and permission names are never split across
    // lines: only spaces break a line (not `/` or `-`), and a word longer than the line stays whole.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width.unwrap_or(WIDTH).max(MIN_WIDTH))
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_links(false)
        .with_context_lines(1);
    for diagnostic in &result.diagnostics {
        let source = diagnostic.excerpt.clone().map(ExcerptSource);
        let report = Shown { diagnostic, source };
        let mut text = String::new();
        if handler.render_report(&mut text, &report).is_err() {
            text = format!(
                "{}: {}\n",
                diagnostic.rule,
                escape::text(&diagnostic.message)
            );
        }
        out.write_all(text.as_bytes())?;
        for related in &diagnostic.related {
            if related.location.path != diagnostic.location.path {
                writeln!(
                    out,
                    "  note: {} at {}:{}:{}",
                    escape::text(&related.message),
                    escape::text(&related.location.path.display),
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

/// A finding's excerpt as miette reads source: offsets are excerpt coordinates (see
/// [`Excerpt::map`]), line and column numbers the file's.
struct ExcerptSource(Arc<Excerpt>);

impl SourceCode for ExcerptSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let block = self
            .0
            .block(span.offset(), span.offset() + span.len())
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new((span.offset() - block.offset).into(), span.len());
        let contents =
            block
                .text
                .as_str()
                .read_span(&local, context_lines_before, context_lines_after)?;
        let lines_before = block.line as usize - 1;
        // Without context, the column is that of the span itself (the report's `path:line:col`):
        // the file's column, also on a line shown cut.
        let column = if context_lines_before == 0 {
            block
                .column_at(contents.span().offset())
                .map_or(contents.column(), |column| column as usize - 1)
        } else {
            contents.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            escape::text(&self.0.name).into_owned(),
            contents.data(),
            SourceSpan::new(
                (contents.span().offset() + block.offset).into(),
                contents.span().len(),
            ),
            contents.line() + lines_before,
            column,
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
        f.write_str(&escape::text(&self.diagnostic.message))?;
        if let Some(origin) = &self.diagnostic.origin {
            write!(
                f,
                " [{} / {}]",
                escape::text(&origin.integration),
                escape::text(&origin.requirement)
            )?;
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
            .map(|help| Box::new(escape::text(help)) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|source| source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let excerpt = &self.source.as_ref()?.0;
        // A place the excerpt does not show (it cannot happen for spans the parser made) gets no
        // label rather than failing the report.
        let shown = |span: crate::source::Span| -> Option<SourceSpan> {
            let (start, end) = excerpt.map(span.start as usize, span.end as usize)?;
            Some(SourceSpan::new(start.into(), end - start))
        };
        let location = &self.diagnostic.location;
        let mut labels: Vec<LabeledSpan> = shown(location.span)
            .map(|span| {
                LabeledSpan::new_primary_with_span(Some(self.diagnostic.severity.to_string()), span)
            })
            .into_iter()
            .collect();
        for related in &self.diagnostic.related {
            if related.location.path == location.path
                && let Some(span) = shown(related.location.span)
            {
                labels.push(LabeledSpan::new_with_span(
                    Some(escape::text(&related.message).into_owned()),
                    span,
                ));
            }
        }
        Some(Box::new(labels.into_iter()))
    }
}
