//! From `sflint.toml` (or `--pack`) to integrations: each integration user with the pack that applies
//! to it and the project's options for that pack.

use std::collections::BTreeSet;
use std::path::Path;

use crate::config::{LoadedConfig, NameSpans, line_column};
use crate::discover::Unit;
use crate::model::MetadataKind;
use crate::model::user::{IntegrationUser, Resolution, Selector, Unreadable};
use crate::packs::options::Options;
use crate::packs::{self, Pack};
use crate::problem::Problem;

/// An integration user checked against a pack.
#[derive(Debug, Clone)]
pub struct Integration {
    pub user: IntegrationUser,
    pub pack: Pack,
    pub options: Options,
    /// Declared by `--pack` rather than in `sflint.toml`.
    pub shortcut: bool,
}

impl Integration {
    /// A problem with this integration's options found once its files are read, named as the
    /// problems found in its declaration are.
    pub fn option_problem(&self, config_path: Option<String>, message: &str) -> Problem {
        if self.shortcut {
            Problem::error(
                None,
                format!(
                    "--pack {}: {message} (set options with --option KEY=VALUE)",
                    self.pack.id()
                ),
            )
        } else {
            Problem::error(
                config_path,
                format!("integration {:?}: {message}", self.user.name),
            )
        }
    }
}

/// Every `[[integration]]` of the configuration whose pack, options and names are valid; problems
/// name the configuration file. `shown` is the configuration's display path.
pub fn declare(
    config: &LoadedConfig,
    shown: Option<&str>,
    cwd: &Path,
) -> (Vec<Integration>, Vec<Problem>) {
    let shown = shown.map(str::to_string);
    let base = config.base_dir().unwrap_or(cwd).to_path_buf();
    let mut declared = Vec::new();
    let mut problems = Vec::new();
    let mut names = BTreeSet::new();
    let spans = NameSpans::of(&config.text);
    let at = |index: usize| -> (Option<usize>, Option<usize>) {
        spans
            .integrations
            .get(index)
            .and_then(Clone::clone)
            .map_or((None, None), |span| {
                let (line, column) = line_column(&config.text, span.start);
                (Some(line), Some(column))
            })
    };
    for (index, integration) in config.config.integrations.iter().enumerate() {
        let context = format!("integration {:?}", integration.name);
        let (line, column) = at(index);
        if integration.profile.is_none()
            && integration.permission_sets.is_empty()
            && integration.permission_set_groups.is_empty()
        {
            problems.push(
                Problem::error(
                    shown.clone(),
                    format!(
                        "{context} names no profile, permission set or permission set group, so it checks nothing"
                    ),
                )
                .at(line, column),
            );
            continue;
        }
        let error =
            |message: String| Problem::error(shown.clone(), format!("{context}: {message}"));
        if !names.insert(integration.name.clone()) {
            problems.push(
                Problem::error(shown.clone(), format!("{context} is declared twice"))
                    .at(line, column),
            );
            continue;
        }
        let pack = match packs::resolve(&integration.pack, &base, cwd) {
            Ok(pack) => pack,
            Err(mut problem) => {
                problem.message = format!("{context}: {}", problem.message);
                if problem.path.is_none() {
                    problem.path = shown.clone();
                }
                problems.push(problem);
                continue;
            }
        };
        let options = match Options::resolve(&pack, &integration.options) {
            Ok(options) => options,
            Err(message) => {
                problems.push(error(message));
                continue;
            }
        };
        let selectors = |patterns: &[String]| -> Result<Vec<Selector>, String> {
            patterns
                .iter()
                .map(|pattern| Selector::new(pattern))
                .collect()
        };
        let user = (|| {
            Ok::<_, String>(IntegrationUser {
                name: integration.name.clone(),
                profile: integration
                    .profile
                    .as_deref()
                    .map(Selector::new)
                    .transpose()?,
                permission_sets: selectors(&integration.permission_sets)?,
                groups: selectors(&integration.permission_set_groups)?,
                package_permission_sets: integration.package_permission_sets.clone(),
            })
        })();
        match user {
            Ok(user) => declared.push(Integration {
                user,
                pack,
                options,
                shortcut: false,
            }),
            Err(message) => problems.push(error(message)),
        }
    }
    // An override naming an integration that does not exist applies to nothing.
    for names_of_override in &spans.overrides {
        for name in names_of_override {
            let name_text = name.get_ref();
            if config
                .config
                .integrations
                .iter()
                .any(|integration| &integration.name == name_text)
            {
                continue;
            }
            let hint = crate::registry::suggest(
                name_text,
                config
                    .config
                    .integrations
                    .iter()
                    .map(|integration| integration.name.as_str()),
            )
            .map(|known| format!(" (did you mean {known:?}?)"))
            .unwrap_or_default();
            let (line, column) = line_column(&config.text, name.span().start);
            problems.push(
                Problem::error(
                    shown.clone(),
                    format!(
                        "overrides name integration {name_text:?}, which is not declared{hint}; the override applies to nothing"
                    ),
                )
                .at(Some(line), Some(column)),
            );
        }
    }
    (declared, problems)
}

/// `--pack PACK` with its `--option`s: the files given (`targets`) are one integration user, its
/// profile (at most one: a user has one), its permission sets and its permission set groups.
/// `None` after reporting why it cannot be used.
pub fn shortcut(
    reference: &str,
    pairs: &[String],
    targets: &[Unit],
    cwd: &Path,
    problems: &mut Vec<Problem>,
) -> Option<Integration> {
    let pack = match packs::resolve(reference, cwd, cwd) {
        Ok(pack) => pack,
        Err(problem) => {
            problems.push(problem);
            return None;
        }
    };
    let options = option_table(pairs)
        .and_then(|given| Options::resolve(&pack, &given))
        .map_err(|message| {
            problems.push(Problem::error(
                None,
                format!("--pack {reference}: {message} (set options with --option KEY=VALUE)"),
            ))
        })
        .ok()?;
    let of_kind = |kind: MetadataKind| -> Vec<Selector> {
        targets
            .iter()
            .filter(|unit| unit.kind == kind)
            .map(|unit| Selector::file(&unit.name, unit.files[0].fs.clone()))
            .collect()
    };
    let profiles: Vec<&Unit> = targets
        .iter()
        .filter(|unit| unit.kind == MetadataKind::Profile)
        .collect();
    if profiles.len() > 1 {
        let mut shown: Vec<&str> = profiles
            .iter()
            .map(|unit| unit.files[0].display.as_str())
            .collect();
        shown.sort_unstable();
        problems.push(Problem::error(
            None,
            format!(
                "--pack checks one integration user, and a user has one profile: {}",
                join_and(&shown)
            ),
        ));
        return None;
    }
    let user = IntegrationUser {
        name: pack.file.pack.name.clone(),
        profile: of_kind(MetadataKind::Profile).into_iter().next(),
        permission_sets: of_kind(MetadataKind::PermissionSet),
        groups: of_kind(MetadataKind::PermissionSetGroup),
        package_permission_sets: Vec::new(),
    };
    Some(Integration {
        user,
        pack,
        options,
        shortcut: true,
    })
}

/// `a and b`, `a, b and c`.
fn join_and(items: &[&str]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// `--option KEY=VALUE` pairs as an options table: VALUE is read as TOML (`true`, `["A", "B"]`,
/// `"text"`), and as a plain string when it is not TOML.
fn option_table(pairs: &[String]) -> Result<toml::Table, String> {
    let mut table = toml::Table::new();
    for pair in pairs {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(format!("--option {pair:?} must be KEY=VALUE"));
        };
        let value = toml::from_str::<toml::Table>(&format!("v = {value}"))
            .ok()
            .and_then(|mut parsed| parsed.remove("v"))
            .unwrap_or_else(|| toml::Value::String(value.to_string()));
        table.insert(key.trim().to_string(), value);
    }
    Ok(table)
}

/// What keeps an integration user from being checked, or checked in full: names that match nothing
/// (errors), and group members whose grants cannot be counted (warnings); for a user this run
/// checks (`checked`), files that do not parse too.
pub fn resolution_problems(
    user: &IntegrationUser,
    resolution: &Resolution<'_>,
    config_path: Option<&str>,
    checked: bool,
) -> Vec<Problem> {
    let shown = config_path.map(str::to_string);
    let name = &user.name;
    let mut problems = Vec::new();
    if !resolution.missing.is_empty() {
        problems.push(Problem::error(
            shown.clone(),
            format!(
                "integration {name:?}: not found in the project: {}; the integration is not checked",
                resolution.missing.join("; ")
            ),
        ));
    }
    let unparsed = |list: &[Unreadable]| -> String {
        list.iter()
            .map(|unreadable| {
                format!(
                    "{} {:?} ({})",
                    unreadable.kind.noun(),
                    unreadable.name,
                    unreadable.main_file.display
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    if checked && !resolution.unreadable.is_empty() {
        // The file's own invalid-xml finding says what is wrong with it.
        problems.push(Problem::warning(
            shown.clone(),
            format!(
                "integration {name:?} is not checked: {} {} (see the invalid-xml findings)",
                unparsed(&resolution.unreadable),
                if resolution.unreadable.len() == 1 {
                    "does not parse"
                } else {
                    "do not parse"
                }
            ),
        ));
    }
    if !resolution.absent.is_empty() {
        // Groups often list permission sets of managed packages that are not in source.
        problems.push(Problem::warning(
            shown.clone(),
            format!(
                "integration {name:?}: not in the project, so their grants are not counted: {}",
                resolution.absent.join("; ")
            ),
        ));
    }
    if checked && !resolution.unreadable_members.is_empty() {
        problems.push(Problem::warning(
            shown,
            format!(
                "integration {name:?}: group members that do not parse, so their grants are not counted: {} (see the invalid-xml findings)",
                unparsed(&resolution.unreadable_members)
            ),
        ));
    }
    problems
}
