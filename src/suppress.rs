//! Inline suppressions: XML comments that switch a rule off for the next element or the whole file.
//!
//! ```xml
//! <!-- sflint-disable-next view-all-data: the reporting user needs it, approved in SEC-123 -->
//! <userPermissions>...</userPermissions>
//! <!-- sflint-disable-file duplicate-entry: generated file, rewritten on every retrieve -->
//! ```
//!
//! A directive names rule ids, pack ids or pack requirement ids (comma-separated) and must give a
//! reason after `: ` (the older ` -- ` is still read, although XML forbids `--` inside a comment). A
//! directive that suppresses nothing is reported, so stale ones do not pile up.

use std::sync::Arc;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::diagnostic::{Diagnostic, Location};
use crate::excerpt::Excerpt;
use crate::registry::RuleId;
use crate::settings::KnownIds;
use crate::source::{FileIndex, FilePath, LineTracker, Span};

const MARKER: &[u8] = b"sflint-disable";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    NextElement,
    File,
}

/// One valid directive.
#[derive(Debug, Clone)]
pub struct Suppression {
    pub file: Arc<FilePath>,
    pub scope: Scope,
    pub rules: Vec<String>,
    pub reason: String,
    /// The comment itself.
    pub comment: Span,
    /// The source around the comment, for reporting the directive unused.
    pub excerpt: Arc<Excerpt>,
    /// Byte range of the element a `disable-next` applies to.
    pub target: (u32, u32),
}

impl Suppression {
    /// Whether this directive hides `diagnostic`.
    pub fn covers(&self, diagnostic: &Diagnostic) -> bool {
        if diagnostic.location.path.fs != self.file.fs {
            return false;
        }
        let offset = diagnostic.location.span.start;
        let in_scope = match self.scope {
            Scope::File => true,
            Scope::NextElement => self.target.0 <= offset && offset < self.target.1,
        };
        in_scope
            && self.rules.iter().any(|rule| {
                rule == diagnostic.rule.as_str()
                    || diagnostic
                        .origin
                        .as_ref()
                        .is_some_and(|origin| *rule == origin.pack || *rule == origin.requirement)
            })
    }
}

/// Reads the directives of one file. Cheap when the file has none: one substring search.
pub fn scan(
    text: &str,
    file: &Arc<FilePath>,
    index: FileIndex,
) -> (Vec<Suppression>, Vec<Diagnostic>) {
    // The searcher is built once: building it costs more than searching a small file.
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(MARKER));
    if FINDER.find(text.as_bytes()).is_none() {
        return (Vec::new(), Vec::new());
    }
    let mut suppressions = Vec::new();
    let mut problems = Vec::new();
    let mut tracker = LineTracker::new(text);
    let mut reader = Reader::from_str(text);
    // Directives waiting for the next element, and open elements that are targets: (directive
    // index, depth at which the target element opened).
    let mut pending: Vec<Suppression> = Vec::new();
    let mut open: Vec<(Vec<Suppression>, usize)> = Vec::new();
    let mut depth = 0usize;
    loop {
        let start = reader.buffer_position() as usize;
        let Ok(event) = reader.read_event() else {
            // The parser reports malformed XML; directives of such a file are not applied.
            break;
        };
        let end = reader.buffer_position() as usize;
        match event {
            Event::Comment(comment) => {
                let body: &str = &comment;
                if !body.contains("sflint-disable") {
                    continue;
                }
                let span = tracker.span(index, start, end);
                match parse_directive(body) {
                    Ok((scope, rules, reason)) => {
                        let excerpt = Excerpt::around(
                            &file.display,
                            text,
                            &mut tracker,
                            [(span.start, span.end)],
                        );
                        let suppression = Suppression {
                            file: Arc::clone(file),
                            scope,
                            rules,
                            reason,
                            comment: span,
                            excerpt: Arc::new(excerpt),
                            target: (0, text.len() as u32),
                        };
                        match scope {
                            Scope::File => suppressions.push(suppression),
                            Scope::NextElement => pending.push(suppression),
                        }
                    }
                    Err(message) => problems.push(invalid(file, span, message)),
                }
            }
            Event::Start(_) => {
                depth += 1;
                if !pending.is_empty() {
                    let mut waiting = std::mem::take(&mut pending);
                    for suppression in &mut waiting {
                        suppression.target.0 = start as u32;
                    }
                    open.push((waiting, depth));
                }
            }
            Event::Empty(_) => {
                for mut suppression in pending.drain(..) {
                    suppression.target = (start as u32, end as u32);
                    suppressions.push(suppression);
                }
            }
            Event::End(_) => {
                if let Some((_, opened_at)) = open.last()
                    && *opened_at == depth
                    && let Some((done, _)) = open.pop()
                {
                    for mut suppression in done {
                        suppression.target.1 = end as u32;
                        suppressions.push(suppression);
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    for suppression in pending {
        problems.push(invalid(
            file,
            suppression.comment,
            "sflint-disable-next is not followed by an element".to_string(),
        ));
    }
    (suppressions, problems)
}

fn invalid(file: &Arc<FilePath>, span: Span, message: String) -> Diagnostic {
    Diagnostic::new(
        RuleId::InvalidSuppression,
        RuleId::InvalidSuppression.default_severity(),
        Location::new(file, span),
        message,
    )
        .with_help("Write <!-- sflint-disable-next RULE: reason --> or <!-- sflint-disable-file RULE: reason -->.")
        .with_element("suppression")
}

/// `sflint-disable-next a, b -- reason` -> (scope, [a, b], reason). XML 1.0 forbids `--` inside a
/// comment and strict parsers reject it, so `sflint-disable-next a, b: reason` is accepted too.
fn parse_directive(body: &str) -> Result<(Scope, Vec<String>, String), String> {
    let body = body.trim();
    let (head, reason) = match body.split_once(" -- ").or_else(|| body.split_once(": ")) {
        Some((head, reason)) => (head.trim(), reason.trim()),
        None => (body.trim_end_matches("--").trim_end_matches(':').trim(), ""),
    };
    let (word, rules) = head.split_once(char::is_whitespace).unwrap_or((head, ""));
    let scope = match word {
        "sflint-disable-next" => Scope::NextElement,
        "sflint-disable-file" => Scope::File,
        other => {
            return Err(format!(
                "unknown directive {other:?}; use sflint-disable-next or sflint-disable-file"
            ));
        }
    };
    let rules: Vec<String> = rules
        .split(',')
        .map(str::trim)
        .filter(|rule| !rule.is_empty())
        .map(str::to_string)
        .collect();
    if rules.is_empty() {
        return Err(format!("{word} names no rule"));
    }
    if reason.is_empty() {
        let rules = rules.join(",");
        return Err(format!(
            "{word} {rules} gives no reason: write `{word} {rules}: why it is accepted`"
        ));
    }
    Ok((scope, rules, reason.to_string()))
}

/// Removes the findings that directives cover; returns what is left, and an `invalid-suppression`
/// finding for each id a directive names that does not exist, and an `unused-suppression` finding
/// for each directive that covered nothing. A directive that covers a finding the project's
/// settings switched off (`switched_off`) is not unused: the finding is still there. `reportable`
/// says whether a file's unused directives should be reported (files loaded only as members of an
/// integration user are not).
pub fn apply(
    diagnostics: Vec<Diagnostic>,
    switched_off: &[Diagnostic],
    not_run: &[RuleId],
    suppressions: &[Suppression],
    known: &KnownIds,
    reportable: impl Fn(&FilePath) -> bool,
) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    if suppressions.is_empty() {
        return (diagnostics, Vec::new());
    }
    let mut unused = Vec::new();
    // An id that names nothing would silently suppress nothing: say so, with the closest id.
    let mut only_unknown = vec![false; suppressions.len()];
    for (index, suppression) in suppressions.iter().enumerate() {
        if !reportable(&suppression.file) {
            continue;
        }
        let unknown: Vec<&String> = suppression
            .rules
            .iter()
            .filter(|rule| !known.contains(rule))
            .collect();
        only_unknown[index] = unknown.len() == suppression.rules.len();
        for id in unknown {
            let mut finding = invalid(&suppression.file, suppression.comment, known.unknown(id))
                .with_element(format!("suppression/{id}"));
            finding.excerpt = Some(Arc::clone(&suppression.excerpt));
            unused.push(finding);
        }
    }
    let mut used: Vec<bool> = suppressions
        .iter()
        .map(|suppression| {
            // A rule the settings switch off everywhere is not run: its findings are unknown.
            switched_off
                .iter()
                .any(|finding| suppression.covers(finding))
                || suppression
                    .rules
                    .iter()
                    .any(|id| not_run.iter().any(|rule| rule.as_str() == id))
        })
        .collect();
    let kept: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|diagnostic| {
            let mut covered = false;
            for (index, suppression) in suppressions.iter().enumerate() {
                if suppression.covers(diagnostic) {
                    used[index] = true;
                    covered = true;
                }
            }
            !covered
        })
        .collect();
    for ((suppression, used), only_unknown) in suppressions.iter().zip(used).zip(only_unknown) {
        if used || only_unknown || !reportable(&suppression.file) {
            continue;
        }
        let directive = match suppression.scope {
            Scope::NextElement => "sflint-disable-next",
            Scope::File => "sflint-disable-file",
        };
        let mut finding = Diagnostic::new(
            RuleId::UnusedSuppression,
            RuleId::UnusedSuppression.default_severity(),
            Location::new(&suppression.file, suppression.comment),
            format!(
                "{directive} {} suppresses nothing",
                suppression.rules.join(",")
            ),
        )
        .with_help("Remove the directive: the finding it was written for is gone.")
        .with_element(format!("suppression/{}", suppression.rules.join(",")));
        finding.excerpt = Some(Arc::clone(&suppression.excerpt));
        unused.push(finding);
    }
    (kept, unused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file() -> Arc<FilePath> {
        Arc::new(FilePath {
            display: "a.xml".into(),
            fs: PathBuf::from("/a.xml"),
        })
    }

    #[test]
    fn finds_the_element_after_a_directive() {
        let text = "<PermissionSet>\n<!-- sflint-disable-next view-all-data, duplicate-entry -- approved -->\n<userPermissions>\n<name>ViewAllData</name>\n</userPermissions>\n<label>x</label>\n</PermissionSet>";
        let (found, problems) = scan(text, &file(), 0);
        assert!(problems.is_empty());
        assert_eq!(found.len(), 1);
        let target = &text[found[0].target.0 as usize..found[0].target.1 as usize];
        assert!(target.starts_with("<userPermissions>") && target.ends_with("</userPermissions>"));
        assert_eq!(found[0].rules, ["view-all-data", "duplicate-entry"]);
        assert_eq!(found[0].reason, "approved");
        assert_eq!(found[0].comment.line, 2);
    }

    #[test]
    fn rejects_directives_without_reason_or_rule() {
        let text = "<a><!-- sflint-disable-next view-all-data --><b/><!-- sflint-disable-file -- why --><!-- sflint-disable-line x -- y --></a>";
        let (found, problems) = scan(text, &file(), 0);
        assert!(found.is_empty());
        let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "sflint-disable-next view-all-data gives no reason: write `sflint-disable-next view-all-data: why it is accepted`",
                "sflint-disable-file names no rule",
                "unknown directive \"sflint-disable-line\"; use sflint-disable-next or sflint-disable-file",
            ]
        );
    }

    #[test]
    fn accepts_a_colon_before_the_reason() {
        let (scope, rules, reason) =
            parse_directive(" sflint-disable-file act-on/api-enabled: retrieved file ").unwrap();
        assert_eq!(scope, Scope::File);
        assert_eq!(rules, ["act-on/api-enabled"]);
        assert_eq!(reason, "retrieved file");
    }

    #[test]
    fn a_directive_at_the_end_has_nothing_to_apply_to() {
        let text = "<a></a><!-- sflint-disable-next x -- y -->";
        let (_, problems) = scan(text, &file(), 0);
        assert_eq!(
            problems[0].message,
            "sflint-disable-next is not followed by an element"
        );
    }
}
