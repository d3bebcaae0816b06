//! `sflint.toml`: which integration users exist and which pack applies to each, plus rule settings.
//!
//! Found by walking up from the working directory, stopping at the project root (the directory with
//! `sfdx-project.json`) or a `.git` directory; `--config FILE` names it instead. Unknown keys are an
//! error naming the key and its line, never silently ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::problem::Problem;
use crate::project::PROJECT_FILE;
use crate::source::display_path;

pub const CONFIG_FILE: &str = "sflint.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Globs of paths to leave out, like `--exclude`.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Only these rule ids (and pack requirement ids) are reported; empty: all.
    #[serde(default)]
    pub select: Vec<Spanned<String>>,
    /// These rule ids (and pack requirement ids) are never reported.
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    /// Severity per rule id: `error`, `warning`, `info` or `off`.
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, RuleSetting>,
    /// Settings for some paths or integrations only.
    #[serde(default)]
    pub overrides: Vec<Override>,
    #[serde(default, rename = "integration")]
    pub integrations: Vec<IntegrationConfig>,
    /// Whether members of integration users that `.forceignore` or `exclude` leave out still count
    /// for the union (they are in the org, though this project does not deploy them).
    #[serde(default = "yes")]
    pub count_excluded_members: bool,
    /// The directory of the target org's shape (the JSON of Salesforce CLI commands), relative to
    /// the configuration file; unset: `.sflint/org-shape` under the project root, if it exists.
    #[serde(default)]
    pub org_shape: Option<Spanned<String>>,
}

fn yes() -> bool {
    true
}

impl Default for Config {
    fn default() -> Self {
        Config {
            exclude: Vec::new(),
            select: Vec::new(),
            ignore: Vec::new(),
            rules: BTreeMap::new(),
            overrides: Vec::new(),
            integrations: Vec::new(),
            count_excluded_members: true,
            org_shape: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleSetting {
    Error,
    Warning,
    Info,
    Off,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Globs over paths relative to the project root; empty: every path.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Integration names; empty: every finding, with or without an integration.
    #[serde(default)]
    pub integrations: Vec<String>,
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, RuleSetting>,
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    /// Why: kept with the configuration for the next reviewer.
    #[serde(default)]
    pub reason: Option<String>,
}

/// One integration user: the union of its profile, permission sets and groups.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntegrationConfig {
    /// Shown in every finding.
    pub name: String,
    /// A shipped pack id, or a path to a pack file (relative to the configuration file).
    pub pack: String,
    /// API name (file stem) of the profile.
    #[serde(default)]
    pub profile: Option<String>,
    /// API names, or globs over paths relative to the project root.
    #[serde(default)]
    pub permission_sets: Vec<String>,
    #[serde(default)]
    pub permission_set_groups: Vec<String>,
    /// Permission sets of installed packages assigned to the user but not in source (API names):
    /// they satisfy a pack's `permission-set` requirements and grant nothing sflint can see.
    #[serde(default)]
    pub package_permission_sets: Vec<String>,
    /// The pack's parameters.
    #[serde(default)]
    pub options: toml::Table,
}

/// A configuration as loaded, with where it came from.
#[derive(Debug, Clone, Default)]
pub struct LoadedConfig {
    pub config: Config,
    /// The file read, if any.
    pub path: Option<PathBuf>,
    /// Its text, for locating keys in later validation.
    pub text: String,
}

impl Config {
    /// Every rule, pack or requirement id the settings name, with its byte range in the file.
    pub fn named_ids(&self) -> Vec<(&str, std::ops::Range<usize>)> {
        let overrides = self
            .overrides
            .iter()
            .flat_map(|item| item.rules.keys().chain(&item.ignore));
        self.select
            .iter()
            .chain(&self.ignore)
            .chain(self.rules.keys())
            .chain(overrides)
            .map(|key| (key.get_ref().as_str(), key.span()))
            .collect()
    }
}

impl LoadedConfig {
    /// The directory relative paths inside the configuration are resolved against.
    pub fn base_dir(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }
}

/// `sflint.toml` in `start` or the nearest parent, not above the project root or repository root.
pub fn find(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        let candidate = dir.join(CONFIG_FILE);
        // Anything by that name is the configuration: one that cannot be read (a FIFO, a dangling
        // link) is an error, not a run with default settings.
        if candidate.symlink_metadata().is_ok() {
            return Some(candidate);
        }
        if dir.join(PROJECT_FILE).is_file() || dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// Reads and validates a configuration file.
pub fn load(path: &Path, cwd: &Path) -> Result<LoadedConfig, Problem> {
    let shown = display_path(path, cwd);
    let text = crate::fileset::read_text(path)
        .map_err(|message| Problem::error(Some(shown.clone()), message))?;
    from_text(path, text, cwd)
}

/// Validates the text of the configuration file at `path`: as read, or as an editor holds it.
pub fn from_text(path: &Path, text: String, cwd: &Path) -> Result<LoadedConfig, Problem> {
    let shown = display_path(path, cwd);
    let config = parse(&text).map_err(|(message, line, column)| {
        Problem::error(Some(shown.clone()), message).at(line, column)
    })?;
    Ok(LoadedConfig {
        config,
        path: Some(path.to_path_buf()),
        text,
    })
}

/// Parses configuration text; errors carry the 1-based line and column of the offending key.
pub fn parse(text: &str) -> Result<Config, (String, Option<usize>, Option<usize>)> {
    toml::from_str::<Config>(text).map_err(|error| {
        let (line, column) = error
            .span()
            .map(|span| line_column(text, span.start))
            .map_or((None, None), |(line, column)| (Some(line), Some(column)));
        let mut message = error.message().trim().to_string();
        // TOML reads every key after a `[[integration]]` or `[[overrides]]` header as part of that
        // table: a top-level setting written below one lands there.
        if let Some(key) = message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next())
            && TOP_LEVEL_KEYS.contains(&key)
        {
            message = format!(
                "`{key}` is read as part of the table above it, where it means nothing: top-level settings go above the first [[integration]] or [[overrides]]"
            );
        }
        (message, line, column)
    })
}

/// The keys of the configuration's top level.
const TOP_LEVEL_KEYS: [&str; 8] = [
    "exclude",
    "select",
    "ignore",
    "rules",
    "overrides",
    "integration",
    "count_excluded_members",
    "org_shape",
];

/// Where names are written: integration names and the integrations overrides name.
#[derive(Debug, Default)]
pub struct NameSpans {
    /// Per `[[integration]]`, in order: its `name`.
    pub integrations: Vec<Option<std::ops::Range<usize>>>,
    /// Per `[[overrides]]`, in order: each name in its `integrations`.
    pub overrides: Vec<Vec<Spanned<String>>>,
}

impl NameSpans {
    /// Reads the spans from a configuration that [`parse`] accepted.
    pub fn of(text: &str) -> NameSpans {
        #[derive(Deserialize)]
        struct Spans {
            #[serde(default, rename = "integration")]
            integrations: Vec<IntegrationSpans>,
            #[serde(default)]
            overrides: Vec<OverrideSpans>,
        }
        #[derive(Deserialize)]
        struct IntegrationSpans {
            name: Option<Spanned<String>>,
        }
        #[derive(Deserialize)]
        struct OverrideSpans {
            #[serde(default)]
            integrations: Vec<Spanned<String>>,
        }
        let Ok(spans) = toml::from_str::<Spans>(text) else {
            return NameSpans::default();
        };
        NameSpans {
            integrations: spans
                .integrations
                .into_iter()
                .map(|integration| integration.name.map(|name| name.span()))
                .collect(),
            overrides: spans
                .overrides
                .into_iter()
                .map(|item| item.integrations)
                .collect(),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_integrations_and_rule_settings() {
        let config = parse(
            r#"
exclude = ["force-app/legacy/**"]
[rules]
view-all-data = "error"
duplicate-entry = "off"

[[integration]]
name = "Act-On"
pack = "act-on"
profile = "ActOn Integration"
permission_sets = ["ActOn_Integration"]
[integration.options]
custom_objects = ["Invoice__c"]
"#,
        )
        .unwrap();
        let rules: Vec<(&str, RuleSetting)> = config
            .rules
            .iter()
            .map(|(key, setting)| (key.get_ref().as_str(), *setting))
            .collect();
        assert_eq!(
            rules,
            [
                ("duplicate-entry", RuleSetting::Off),
                ("view-all-data", RuleSetting::Error)
            ]
        );
        let integration = &config.integrations[0];
        assert_eq!(integration.profile.as_deref(), Some("ActOn Integration"));
        assert_eq!(
            integration.options["custom_objects"][0].as_str(),
            Some("Invoice__c")
        );
    }

    #[test]
    fn unknown_keys_are_errors_with_their_line() {
        let (message, line, _) =
            parse("[[integration]]\nname = \"x\"\npack = \"act-on\"\nprofiles = \"y\"\n")
                .unwrap_err();
        assert!(message.contains("unknown field `profiles`"), "{message}");
        assert_eq!(line, Some(4));
    }

    #[test]
    fn discovery_stops_at_the_project_root() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("project");
        let nested = project.join("force-app/main");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), "").unwrap();
        std::fs::write(project.join(PROJECT_FILE), "{}").unwrap();
        assert_eq!(find(&nested), None);
        std::fs::write(project.join(CONFIG_FILE), "").unwrap();
        assert_eq!(find(&nested), Some(project.join(CONFIG_FILE)));
    }
}
