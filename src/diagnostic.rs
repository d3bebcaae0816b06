//! Findings: what a rule or pack reports, where, and how bad it is. Reporters only render these.

use std::cmp::Ordering;
use std::ffi::OsStr;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::registry::RuleId;
pub use crate::registry::Severity;

use crate::excerpt::Excerpt;
use crate::source::{self, FilePath, LineTracker, SourceText, Span};

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
    // The places to locate, by file: (finding, location) with 0 the finding's own and 1.. its
    // related ones. Located a file at a time, in one pass over it (`locate_all`).
    let mut places: FxHashMap<&OsStr, Vec<(usize, usize)>> = FxHashMap::default();
    let mut needing_excerpt: FxHashMap<&OsStr, Vec<usize>> = FxHashMap::default();
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        if excerpts
            && diagnostic.excerpt.is_none()
            && let Some((&path, _)) = texts.get_key_value(diagnostic.location.path.fs.as_os_str())
        {
            needing_excerpt.entry(path).or_default().push(index);
        }
        let related = diagnostic.related.iter().map(|related| &related.location);
        for (which, location) in std::iter::once(&diagnostic.location)
            .chain(related)
            .enumerate()
        {
            // Located by the parser itself (a parse error) has its line; only the end may be left.
            if location.span.line != 0 && location.end != (0, 0) {
                continue;
            }
            if let Some((&path, _)) = texts.get_key_value(location.path.fs.as_os_str()) {
                places.entry(path).or_default().push((index, which));
            }
        }
    }
    for (path, slots) in places {
        let offsets: Vec<usize> = slots
            .iter()
            .flat_map(|&(index, which)| {
                let location = location_of(&diagnostics[index], which);
                [location.span.start as usize, location.span.end as usize]
            })
            .collect();
        let positions = source::locate_all(texts[path], &offsets);
        for (&(index, which), position) in slots.iter().zip(positions.chunks_exact(2)) {
            let location = location_of_mut(&mut diagnostics[index], which);
            if location.span.line == 0 {
                (location.span.line, location.span.column) = position[0];
            }
            location.end = position[1];
        }
    }
    // Each finding its own excerpt, so that what is shown of it does not depend on other findings.
    for (path, indices) in needing_excerpt {
        let text = texts[path];
        let mut tracker = LineTracker::new(text);
        for index in indices {
            let diagnostic = &diagnostics[index];
            let spans = std::iter::once(&diagnostic.location)
                .chain(diagnostic.related.iter().map(|related| &related.location))
                .filter(|location| location.path.fs.as_os_str() == path)
                .map(|location| (location.span.start, location.span.end));
            let excerpt =
                Excerpt::around(&diagnostic.location.path.display, text, &mut tracker, spans);
            diagnostics[index].excerpt = Some(Arc::new(excerpt));
        }
    }
}

/// A finding's own location (0) or one of its related locations (1..).
fn location_of(diagnostic: &Diagnostic, which: usize) -> &Location {
    match which {
        0 => &diagnostic.location,
        _ => &diagnostic.related[which - 1].location,
    }
}

fn location_of_mut(diagnostic: &mut Diagnostic, which: usize) -> &mut Location {
    match which {
        0 => &mut diagnostic.location,
        _ => &mut diagnostic.related[which - 1].location,
    }
}
