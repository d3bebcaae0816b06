//! Findings: what a rule or pack reports, where, and how bad it is. Reporters only render these.

use std::cmp::Ordering;
use std::ffi::OsStr;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::registry::RuleId;
pub use crate::registry::Severity;

use crate::excerpt::Excerpt;
use crate::source::{FilePath, LineTracker, SourceText, Span};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: Arc<FilePath>,
    pub span: Span,
    /// Line and column (1-based) of the end of the span, the character after its last; (0, 0)
    /// until located.
    pub end: (u32, u32),
}

impl Location {
    pub fn new(path: &Arc<FilePath>, span: Span) -> Self {
        Self {
            path: Arc::clone(path),
            span,
            end: (0, 0),
        }
    }
}

/// A secondary place worth showing with a finding ("first listed here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// Which integration user and pack requirement a finding comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackOrigin {
    pub integration: String,
    pub pack: String,
    pub requirement: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: RuleId,
    pub severity: Severity,
    /// Lower case, no trailing period.
    pub message: String,
    /// A full sentence saying how to fix it.
    pub help: Option<String>,
    pub location: Location,
    pub related: Vec<Related>,
    /// The logical element the finding is about (`userPermissions/ApiEnabled`,
    /// `objectPermissions/Account`), stable across reformatting: keys baselines and fingerprints.
    pub element: String,
    pub origin: Option<PackOrigin>,
    /// The items of a finding that groups several with one cause and one fix (the permissions one
    /// permission depends on, the objects an integration user may write to); empty otherwise.
    pub items: Vec<String>,
    /// What would resolve it, for `check --fix`.
    pub fix: Option<crate::fix::Fix>,
    /// The source lines around the finding (and its related places in the same file), for
    /// reporters that show them; filled in with line and column.
    pub excerpt: Option<Arc<Excerpt>>,
}

impl Diagnostic {
    pub fn new(
        rule: RuleId,
        severity: Severity,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Self {
            rule,
            severity,
            message: message.into(),
            help: None,
            location,
            related: Vec::new(),
            element: String::new(),
            origin: None,
            items: Vec::new(),
            fix: None,
            excerpt: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_element(mut self, element: impl Into<String>) -> Self {
        self.element = element.into();
        self
    }

    pub fn with_fix(mut self, fix: crate::fix::Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn with_items(mut self, items: Vec<String>) -> Self {
        self.items = items;
        self
    }

    pub fn with_related(mut self, location: Location, message: impl Into<String>) -> Self {
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }

    pub fn path(&self) -> &str {
        &self.location.path.display
    }

    pub fn line(&self) -> u32 {
        self.location.span.line
    }

    pub fn column(&self) -> u32 {
        self.location.span.column
    }

    /// The report order: path, line, column, rule, then the rest so that equal keys still sort
    /// the same way whatever order the threads produced them in.
    pub fn report_order(&self, other: &Self) -> Ordering {
        self.path()
            .cmp(other.path())
            .then(self.line().cmp(&other.line()))
            .then(self.column().cmp(&other.column()))
            .then(self.rule.cmp(&other.rule))
            .then(self.message.cmp(&other.message))
            .then_with(|| self.origin_key().cmp(&other.origin_key()))
            .then(self.element.cmp(&other.element))
    }

    fn origin_key(&self) -> (&str, &str) {
        self.origin.as_ref().map_or(("", ""), |origin| {
            (origin.integration.as_str(), origin.requirement.as_str())
        })
    }
}

/// Items named in a message before the rest are only counted: the JSON report's `items` lists
/// every one.
const NAMED_ITEMS: usize = 5;

/// The items of a finding that groups several, for its message: `A`, `A and B`, `A, B and C`, up
/// to `A, B, C, D, E and 576 more`.
pub fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] if items.len() <= NAMED_ITEMS + 1 => {
            format!("{} and {last}", rest.join(", "))
        }
        _ => format!(
            "{} and {} more",
            items[..NAMED_ITEMS].join(", "),
            items.len() - NAMED_ITEMS
        ),
    }
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Tally {
    pub fn of(diagnostics: &[Diagnostic]) -> Tally {
        let mut tally = Tally::default();
        for diagnostic in diagnostics {
            tally.add(diagnostic.severity);
        }
        tally
    }

    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }
}

/// Fills in line and column of the findings' locations, and with `excerpts` the excerpt of source
/// around each: the parser leaves positions out of the model, and they are found here, for the few
/// spans a finding points at, from the texts in `sources`.
pub fn locate(
    diagnostics: &mut [Diagnostic],
    sources: &[(Arc<FilePath>, SourceText)],
    excerpts: bool,
) {
    if diagnostics.is_empty() || sources.is_empty() {
        return;
    }
    // Keyed by the path's bytes: every location names a `FilePath` the workspace made, so the bytes
    // are the sources' own, and hashing them is a fraction of hashing a `Path` by its components
    // (which, over the thousands of files of a decomposed project, cost more than locating).
    let texts: FxHashMap<&OsStr, &str> = sources
        .iter()
        .map(|(file, source)| (file.fs.as_os_str(), source.text()))
        .collect();
    let mut trackers: FxHashMap<&OsStr, LineTracker<'_>> = FxHashMap::default();
    let mut needing_excerpt: FxHashMap<&OsStr, Vec<usize>> = FxHashMap::default();
    for (index, diagnostic) in diagnostics.iter_mut().enumerate() {
        if excerpts
            && diagnostic.excerpt.is_none()
            && let Some((&path, _)) = texts.get_key_value(diagnostic.location.path.fs.as_os_str())
        {
            needing_excerpt.entry(path).or_default().push(index);
        }
        let related = diagnostic
            .related
            .iter_mut()
            .map(|related| &mut related.location);
        for location in std::iter::once(&mut diagnostic.location).chain(related) {
            let located = location.span.line != 0;
            if located && location.end != (0, 0) {
                continue;
            }
            let Some((&path, &text)) = texts.get_key_value(location.path.fs.as_os_str()) else {
                continue;
            };
            let tracker = trackers
                .entry(path)
                .or_insert_with(|| LineTracker::new(text));
            if located {
                // Located by the parser itself (a parse error): only the end is left.
                location.end = tracker.locate(location.span.end as usize);
                continue;
            }
            let (line, column) = tracker.locate(location.span.start as usize);
            location.span.line = line;
            location.span.column = column;
            location.end = tracker.locate(location.span.end as usize);
        }
    }
    // Each finding its own excerpt, so that what is shown of it does not depend on other findings.
    for (path, indices) in needing_excerpt {
        let text = texts[path];
        let tracker = trackers
            .entry(path)
            .or_insert_with(|| LineTracker::new(text));
        for index in indices {
            let diagnostic = &diagnostics[index];
            let spans = std::iter::once(&diagnostic.location)
                .chain(diagnostic.related.iter().map(|related| &related.location))
                .filter(|location| location.path.fs.as_os_str() == path)
                .map(|location| (location.span.start, location.span.end));
            let excerpt = Excerpt::around(&diagnostic.location.path.display, text, tracker, spans);
            diagnostics[index].excerpt = Some(Arc::new(excerpt));
        }
    }
}
