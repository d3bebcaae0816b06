//! Applying the project's rule settings to findings: `select` / `ignore`, per-rule severities and
//! `off`, and overrides for some paths or integrations. A setting may name a rule id
//! (`view-all-data`), a pack (`act-on`) or one pack requirement (`act-on/api-enabled`).

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::config::{self, Config, LoadedConfig, RuleSetting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::packs::Pack;
use crate::problem::Problem;
use crate::registry::RuleId;

/// Rule settings ready to apply.
#[derive(Debug, Default)]
pub struct Settings {
    select: Vec<String>,
    ignore: Vec<String>,
    rules: Vec<(String, RuleSetting)>,
    overrides: Vec<CompiledOverride>,
}

#[derive(Debug)]
struct CompiledOverride {
    paths: Option<GlobSet>,
    /// As written, for `--show-settings`.
    path_patterns: Vec<String>,
    integrations: Vec<String>,
    rules: Vec<(String, RuleSetting)>,
    ignore: Vec<String>,
}

/// Whether a setting key names this finding: its rule, its pack, or its pack requirement.
fn names(key: &str, diagnostic: &Diagnostic) -> bool {
    if key == diagnostic.rule.as_str() {
        return true;
    }
    diagnostic
        .origin
        .as_ref()
        .is_some_and(|origin| key == origin.pack || key == origin.requirement)
}

impl Settings {
    /// The settings in words, one line each, for `--show-settings`.
    pub fn describe(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let levels = |rules: &[(String, RuleSetting)]| -> String {
            rules
                .iter()
                .map(|(id, level)| format!("{id} = {}", format!("{level:?}").to_lowercase()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !self.select.is_empty() {
            lines.push(format!("select: {}", self.select.join(", ")));
        }
        if !self.ignore.is_empty() {
            lines.push(format!("ignore: {}", self.ignore.join(", ")));
        }
        if !self.rules.is_empty() {
            lines.push(format!("rules: {}", levels(&self.rules)));
        }
        for (index, item) in self.overrides.iter().enumerate() {
            let mut parts = Vec::new();
            if !item.path_patterns.is_empty() {
                parts.push(format!("paths {}", item.path_patterns.join(", ")));
            }
            if !item.integrations.is_empty() {
                parts.push(format!("integrations {}", item.integrations.join(", ")));
            }
            if !item.ignore.is_empty() {
                parts.push(format!("ignore {}", item.ignore.join(", ")));
            }
            if !item.rules.is_empty() {
                parts.push(format!("rules {}", levels(&item.rules)));
            }
            lines.push(format!("overrides[{index}]: {}", parts.join("; ")));
        }
        if lines.is_empty() {
            lines.push("every rule at its default severity".to_string());
        }
        lines
    }

    pub fn new(
        config: &Config,
        problems: &mut Vec<Problem>,
        config_path: Option<&str>,
    ) -> Settings {
        let mut overrides = Vec::new();
        for (index, item) in config.overrides.iter().enumerate() {
            let paths = if item.paths.is_empty() {
                None
            } else {
                let mut builder = GlobSetBuilder::new();
                for pattern in &item.paths {
                    match GlobBuilder::new(pattern.trim_start_matches("./"))
                        .literal_separator(pattern.contains('/'))
                        .build()
                    {
                        Ok(glob) => {
                            builder.add(glob);
                        }
                        Err(error) => problems.push(Problem::error(
                            config_path.map(str::to_string),
                            format!(
                                "overrides[{index}]: invalid path pattern {pattern:?}: {error}"
                            ),
                        )),
                    }
                }
                builder.build().ok()
            };
            overrides.push(CompiledOverride {
                paths,
                path_patterns: item.paths.clone(),
                integrations: item.integrations.clone(),
                rules: item
                    .rules
                    .iter()
                    .map(|(k, v)| (k.get_ref().clone(), *v))
                    .collect(),
                ignore: item.ignore.iter().map(|k| k.get_ref().clone()).collect(),
            });
        }
        Settings {
            select: config.select.iter().map(|k| k.get_ref().clone()).collect(),
            ignore: config.ignore.iter().map(|k| k.get_ref().clone()).collect(),
            rules: config
                .rules
                .iter()
                .map(|(k, v)| (k.get_ref().clone(), *v))
                .collect(),
            overrides,
        }
    }

    /// Whether every finding of a built-in component rule is switched off, wherever it is: then the
    /// rule need not run (and read the definitions it would consult). Overrides cannot bring back
    /// what `select`, `ignore` or a top-level `off` removed.
    pub fn switches_off(&self, rule: RuleId) -> bool {
        let id = rule.as_str();
        (!self.select.is_empty() && !self.select.iter().any(|key| key == id))
            || self.ignore.iter().any(|key| key == id)
            || self
                .rules
                .iter()
                .any(|(key, level)| key == id && *level == RuleSetting::Off)
    }

    /// The severity the project wants the finding reported with, or `None` when it is switched
    /// off. `root` is the directory override paths are relative to.
    pub fn apply(&self, diagnostic: &Diagnostic, root: &Path) -> Option<Severity> {
        if !self.select.is_empty() && !self.select.iter().any(|key| names(key, diagnostic)) {
            return None;
        }
        if self.ignore.iter().any(|key| names(key, diagnostic)) {
            return None;
        }
        let mut severity = diagnostic.severity;
        if !apply_levels(&self.rules, diagnostic, &mut severity) {
            return None;
        }
        for item in &self.overrides {
            if !item.applies_to(diagnostic, root) {
                continue;
            }
            if item.ignore.iter().any(|key| names(key, diagnostic)) {
                return None;
            }
            if !apply_levels(&item.rules, diagnostic, &mut severity) {
                return None;
            }
        }
        Some(severity)
    }
}

/// Applies to `severity` the most specific level matching `diagnostic` (requirement, then pack,
/// then rule); false for `off`.
fn apply_levels(
    levels: &[(String, RuleSetting)],
    diagnostic: &Diagnostic,
    severity: &mut Severity,
) -> bool {
    let specificity = |key: &str| -> Option<u8> {
        let origin = diagnostic.origin.as_ref();
        if origin.is_some_and(|o| o.requirement == key) {
            Some(3)
        } else if origin.is_some_and(|o| o.pack == key) {
            Some(2)
        } else if diagnostic.rule.as_str() == key {
            Some(1)
        } else {
            None
        }
    };
    let chosen = levels
        .iter()
        .filter_map(|(key, level)| specificity(key).map(|rank| (rank, *level)))
        .max_by_key(|(rank, _)| *rank);
    match chosen {
        None => true,
        Some((_, RuleSetting::Off)) => false,
        Some((_, RuleSetting::Error)) => {
            *severity = Severity::Error;
            true
        }
        Some((_, RuleSetting::Warning)) => {
            *severity = Severity::Warning;
            true
        }
        Some((_, RuleSetting::Info)) => {
            *severity = Severity::Info;
            true
        }
    }
}

impl CompiledOverride {
    fn applies_to(&self, diagnostic: &Diagnostic, root: &Path) -> bool {
        if let Some(paths) = &self.paths {
            let file = &diagnostic.location.path.fs;
            let relative = file.strip_prefix(root).unwrap_or(file);
            let by_name = relative
                .file_name()
                .is_some_and(|name| paths.is_match(Path::new(name)));
            if !paths.is_match(relative) && !by_name {
                return false;
            }
        }
        if !self.integrations.is_empty() {
            let Some(origin) = &diagnostic.origin else {
                return false;
            };
            if !self.integrations.contains(&origin.integration) {
                return false;
            }
        }
        true
    }
}

/// Every id settings and directives may name: rule ids, pack ids, and the requirement ids of the
/// packs in use (their own and those the engine makes up), and with [`KnownIds::with_shipped`]
/// those of every shipped pack.
#[derive(Debug, Default)]
pub struct KnownIds {
    ids: BTreeSet<String>,
    /// Whether the ids of every shipped pack count too. They are read only when an id is not
    /// among `ids`: parsing every shipped pack costs more than a run on a few files.
    with_shipped: bool,
    shipped: OnceLock<BTreeSet<String>>,
}

impl KnownIds {
    pub fn new<'p>(packs: impl Iterator<Item = &'p Pack>) -> KnownIds {
        let mut known: BTreeSet<String> = RuleId::ALL
            .iter()
            .map(|rule| rule.as_str().to_string())
            .collect();
        known.extend(pack_ids(packs));
        KnownIds {
            ids: known,
            with_shipped: false,
            shipped: OnceLock::new(),
        }
    }

    /// The ids of `packs` and of every shipped pack.
    pub fn with_shipped<'p>(packs: impl Iterator<Item = &'p Pack>) -> KnownIds {
        KnownIds {
            with_shipped: true,
            ..KnownIds::new(packs)
        }
    }

    fn shipped(&self) -> Option<&BTreeSet<String>> {
        self.with_shipped.then(|| {
            self.shipped
                .get_or_init(|| pack_ids(crate::packs::shipped().iter()).collect())
        })
    }

    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id) || self.shipped().is_some_and(|shipped| shipped.contains(id))
    }

    /// Why `id` (not known) names nothing: retired, or unknown with the closest known id.
    pub fn unknown(&self, id: &str) -> String {
        match crate::registry::retired(id) {
            Some(retired) => format!(
                "rule {id:?} was retired in {}: {}",
                retired.since, retired.instead
            ),
            None => {
                let known: BTreeSet<&str> = self
                    .ids
                    .iter()
                    .chain(self.shipped().into_iter().flatten())
                    .map(String::as_str)
                    .collect();
                let hint = crate::registry::suggest(id, known)
                    .map(|known| format!(" (did you mean {known}?)"))
                    .unwrap_or_default();
                format!(
                    "unknown rule, pack or requirement {id:?}{hint}; `sflint rules` and `sflint packs` list them"
                )
            }
        }
    }
}

/// The ids of `packs` and of their requirements.
fn pack_ids<'p>(packs: impl Iterator<Item = &'p Pack>) -> impl Iterator<Item = String> {
    let catalog = crate::catalog::Catalog::get();
    packs.flat_map(move |pack| {
        std::iter::once(pack.id().to_string())
            .chain(
                pack.file
                    .requirements
                    .iter()
                    .map(|requirement| pack.requirement_id(requirement)),
            )
            .chain(crate::packs::guards::requirement_ids(pack, catalog))
    })
}

/// The ids the settings name that no rule, pack or requirement of a loaded pack produces: each a
/// problem with its line and the closest known id, since a misspelt id would silently do nothing.
pub fn unknown_ids(
    loaded: &LoadedConfig,
    known: &KnownIds,
    config_path: Option<String>,
) -> Vec<Problem> {
    loaded
        .config
        .named_ids()
        .into_iter()
        .filter(|(id, _)| !known.contains(id))
        .map(|(id, span)| {
            let (line, column) = config::line_column(&loaded.text, span.start);
            Problem::error(config_path.clone(), known.unknown(id)).at(Some(line), Some(column))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(toml: &str) -> Settings {
        let config = config::parse(toml).unwrap();
        let mut problems = Vec::new();
        let settings = Settings::new(&config, &mut problems, None);
        assert!(problems.is_empty(), "{problems:?}");
        settings
    }

    #[test]
    fn says_which_built_in_rules_need_not_run() {
        let everything = settings("");
        assert!(!everything.switches_off(RuleId::DuplicateEntry));
        let ignored = settings("ignore = [\"duplicate-entry\"]");
        assert!(ignored.switches_off(RuleId::DuplicateEntry));
        assert!(!ignored.switches_off(RuleId::ViewAllData));
        let selected = settings("select = [\"view-all-data\"]");
        assert!(selected.switches_off(RuleId::DuplicateEntry));
        assert!(!selected.switches_off(RuleId::ViewAllData));
        let off = settings("[rules]\nduplicate-entry = \"off\"\nview-all-data = \"error\"");
        assert!(off.switches_off(RuleId::DuplicateEntry));
        assert!(!off.switches_off(RuleId::ViewAllData));
        // Off for some files only: it still runs.
        let overridden =
            settings("[[overrides]]\npaths = [\"legacy/**\"]\nignore = [\"duplicate-entry\"]");
        assert!(!overridden.switches_off(RuleId::DuplicateEntry));
    }
}
