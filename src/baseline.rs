//! Baselines: record today's findings so that only new ones are reported, the way to adopt sflint on
//! a large legacy org in one command.
//!
//! Entries are keyed by rule, path (relative to the project root) and logical element (the
//! permission, object or field concerned), never by line number, so reformatting or reordering a
//! file does not invalidate them. A key that occurs several times carries a count.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::problem::Problem;
use crate::source::display_path;

pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    pub element: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration: Option<String>,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: usize,
    /// The message when recorded, for people reading the file.
    #[serde(default)]
    pub message: String,
}

fn one() -> usize {
    1
}

fn is_one(count: &usize) -> bool {
    *count == 1
}

type Key = (String, String, String, Option<String>);

fn key(diagnostic: &Diagnostic, root: &Path) -> Key {
    (
        diagnostic.rule.to_string(),
        display_path(&diagnostic.location.path.fs, root),
        diagnostic.element.clone(),
        diagnostic
            .origin
            .as_ref()
            .map(|origin| origin.integration.clone()),
    )
}

impl Baseline {
    /// The baseline of `diagnostics`, paths relative to `root`.
    pub fn of(diagnostics: &[Diagnostic], root: &Path) -> Baseline {
        let mut entries: BTreeMap<Key, (usize, String)> = BTreeMap::new();
        for diagnostic in diagnostics {
            let entry = entries
                .entry(key(diagnostic, root))
                .or_insert_with(|| (0, diagnostic.message.clone()));
            entry.0 += 1;
        }
        Baseline {
            version: VERSION,
            findings: entries
                .into_iter()
                .map(
                    |((rule, path, element, integration), (count, message))| Entry {
                        rule,
                        path,
                        element,
                        integration,
                        count,
                        message,
                    },
                )
                .collect(),
        }
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    pub fn parse(text: &str) -> Result<Baseline, String> {
        let baseline: Baseline = serde_json::from_str(text).map_err(|error| {
            format!("line {}, column {}: {error}", error.line(), error.column())
        })?;
        if baseline.version != VERSION {
            return Err(format!(
                "baseline version {} is not supported (expected {VERSION})",
                baseline.version
            ));
        }
        Ok(baseline)
    }

    /// Matches findings against the entries, each entry as many times as its count.
    pub fn matcher(&self, root: &Path) -> Matcher<'_> {
        let mut remaining: BTreeMap<Key, usize> = BTreeMap::new();
        for entry in &self.findings {
            *remaining.entry(entry_key(entry)).or_default() += entry.count;
        }
        Matcher {
            baseline: self,
            remaining,
            root: root.to_path_buf(),
        }
    }
}

fn entry_key(entry: &Entry) -> Key {
    (
        entry.rule.clone(),
        entry.path.clone(),
        entry.element.clone(),
        entry.integration.clone(),
    )
}

/// The entries of a baseline not yet matched by a finding.
#[derive(Debug)]
pub struct Matcher<'b> {
    baseline: &'b Baseline,
    remaining: BTreeMap<Key, usize>,
    root: std::path::PathBuf,
}

impl Matcher<'_> {
    /// Whether the baseline records `diagnostic` (using up one count of its entry).
    pub fn records(&mut self, diagnostic: &Diagnostic) -> bool {
        match self.remaining.get_mut(&key(diagnostic, &self.root)) {
            Some(count) if *count > 0 => {
                *count -= 1;
                true
            }
            _ => false,
        }
    }

    /// The entries (with the count still unmatched) that no finding matched.
    pub fn stale(mut self) -> Vec<Entry> {
        self.baseline
            .findings
            .iter()
            .filter_map(|entry| {
                let left = self.remaining.get_mut(&entry_key(entry))?;
                if *left == 0 {
                    return None;
                }
                let unmatched = (*left).min(entry.count);
                *left -= unmatched;
                Some(Entry {
                    count: unmatched,
                    ..entry.clone()
                })
            })
            .collect()
    }
}

/// A warning per stale entry of the baseline shown as `shown`.
pub fn stale_problems(shown: &str, stale: &[Entry]) -> Vec<Problem> {
    stale
        .iter()
        .map(|entry| {
            Problem::warning(
                Some(shown.to_string()),
                format!(
                    "stale baseline entry: {} {} {}{} no longer found{}; regenerate with --generate-baseline",
                    entry.rule,
                    entry.path,
                    entry.element,
                    entry
                        .integration
                        .as_ref()
                        .map(|name| format!(" ({name})"))
                        .unwrap_or_default(),
                    if entry.count > 1 {
                        format!(" {} times", entry.count)
                    } else {
                        String::new()
                    }
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Location, Severity};
    use crate::registry::RuleId;
    use crate::source::{FilePath, Span};
    use std::path::PathBuf;
    use std::sync::Arc;

    fn finding(rule: RuleId, element: &str, line: u32) -> Diagnostic {
        let path = Arc::new(FilePath {
            display: "force-app/A.permissionset-meta.xml".into(),
            fs: PathBuf::from("/p/force-app/A.permissionset-meta.xml"),
        });
        let span = Span {
            line,
            ..Span::default()
        };
        Diagnostic::new(rule, Severity::Error, Location::new(&path, span), "m")
            .with_element(element)
    }

    #[test]
    fn keys_ignore_lines_and_count_repeats() {
        let root = Path::new("/p");
        let today = vec![
            finding(RuleId::DuplicateEntry, "userPermissions/ApiEnabled", 3),
            finding(RuleId::DuplicateEntry, "userPermissions/ApiEnabled", 9),
            finding(RuleId::ViewAllData, "userPermissions/ViewAllData", 20),
        ];
        let baseline = Baseline::of(&today, root);
        assert_eq!(baseline.findings.len(), 2);
        assert_eq!(baseline.findings[0].count, 2);
        assert_eq!(
            baseline.findings[0].path,
            "force-app/A.permissionset-meta.xml"
        );
        let reparsed = Baseline::parse(&baseline.to_json()).unwrap();
        assert_eq!(reparsed, baseline);
        let mut matcher = reparsed.matcher(root);

        // Lines moved, one duplicate fixed, one new finding.
        let tomorrow = vec![
            finding(RuleId::DuplicateEntry, "userPermissions/ApiEnabled", 30),
            finding(RuleId::ViewAllData, "userPermissions/ViewAllData", 40),
            finding(RuleId::ModifyAllData, "userPermissions/ModifyAllData", 41),
        ];
        let kept: Vec<Diagnostic> = tomorrow
            .into_iter()
            .filter(|finding| !matcher.records(finding))
            .collect();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].rule, RuleId::ModifyAllData);
        let stale = matcher.stale();
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].rule, "duplicate-entry");
        assert_eq!(stale[0].count, 1);
    }

    #[test]
    fn rejects_other_versions_and_unknown_fields() {
        assert!(Baseline::parse(r#"{"version": 2, "findings": []}"#).is_err());
        assert!(Baseline::parse(r#"{"version": 1, "findings": [], "extra": 1}"#).is_err());
    }
}
