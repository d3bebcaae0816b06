//! From `sflint.toml` to integration users: resolve each declared integration's pack, options,
//! profile, permission sets and permission set groups to loaded components.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use globset::{GlobBuilder, GlobMatcher};

use crate::config::{IntegrationConfig, LoadedConfig};
use crate::model::access::{IntegrationUser, Member, Role};
use crate::model::names::{names_match, percent_decode};
use crate::model::{Component, MetadataKind};
use crate::packs::options::Options;
use crate::packs::{self, Pack};
use crate::problem::Problem;

/// An integration whose pack and options are valid; members are resolved later, once the
/// components are loaded.
#[derive(Debug, Clone)]
pub struct Declared {
    pub config: IntegrationConfig,
    pub pack: Pack,
    pub options: Options,
}

/// Resolves packs and options of every declared integration; problems name the configuration file.
pub fn declare(config: &LoadedConfig, cwd: &Path) -> (Vec<Declared>, Vec<Problem>) {
    let shown = config
        .path
        .as_deref()
        .map(|path| crate::source::display_path(path, cwd));
    let base = config.base_dir().unwrap_or(cwd).to_path_buf();
    let mut declared = Vec::new();
    let mut problems = Vec::new();
    let mut names = BTreeSet::new();
    for integration in &config.config.integrations {
        let context = format!("integration {:?}", integration.name);
        if !names.insert(integration.name.clone()) {
            problems.push(Problem::error(
                shown.clone(),
                format!("{context} is declared twice"),
            ));
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
        match Options::resolve(&pack, &integration.options) {
            Ok(options) => declared.push(Declared {
                config: integration.clone(),
                pack,
                options,
            }),
            Err(message) => problems.push(Problem::error(
                shown.clone(),
                format!("{context}: {message}"),
            )),
        }
    }
    (declared, problems)
}

/// How a configured name selects components: an API name, a glob over API names (no `/`), or a glob
/// over paths relative to the project root (with `/`).
enum Selector {
    Name(String),
    NameGlob(GlobMatcher),
    PathGlob(GlobMatcher),
}

impl Selector {
    fn new(pattern: &str) -> Result<Selector, String> {
        if !pattern.contains(['*', '?', '[', '{']) {
            return Ok(Selector::Name(pattern.to_string()));
        }
        let anchored = pattern.contains('/');
        let glob = GlobBuilder::new(pattern.trim_start_matches("./"))
            .literal_separator(anchored)
            .build()
            .map_err(|error| format!("invalid pattern {pattern:?}: {error}"))?
            .compile_matcher();
        Ok(if anchored {
            Selector::PathGlob(glob)
        } else {
            Selector::NameGlob(glob)
        })
    }

    fn matches(&self, component: &Component, root: &Path) -> bool {
        self.matches_parts(
            &component.name,
            component.files.first().map(|file| file.fs.as_path()),
            root,
        )
    }

    /// Matches by API name and main file, so that units can be chosen before they are parsed.
    fn matches_parts(&self, name: &str, main_file: Option<&Path>, root: &Path) -> bool {
        match self {
            Selector::Name(reference) => names_match(name, reference),
            Selector::NameGlob(glob) => glob.is_match(name) || glob.is_match(percent_decode(name)),
            Selector::PathGlob(glob) => main_file.is_some_and(|file| {
                let relative = file.strip_prefix(root).unwrap_or(file);
                glob.is_match(relative)
            }),
        }
    }
}

/// Everything the declared integrations may refer to, so that only those components are kept in
/// memory.
pub struct Wanted {
    selectors: Vec<(MetadataKind, Selector)>,
}

impl Wanted {
    pub fn new(declared: &[Declared]) -> (Wanted, Vec<String>) {
        let mut selectors = Vec::new();
        let mut errors = Vec::new();
        for integration in declared {
            let config = &integration.config;
            let entries = config
                .profile
                .iter()
                .map(|name| (MetadataKind::Profile, name))
                .chain(
                    config
                        .permission_sets
                        .iter()
                        .map(|name| (MetadataKind::PermissionSet, name)),
                )
                .chain(
                    config
                        .permission_set_groups
                        .iter()
                        .map(|name| (MetadataKind::PermissionSetGroup, name)),
                );
            for (kind, pattern) in entries {
                match Selector::new(pattern) {
                    Ok(selector) => selectors.push((kind, selector)),
                    Err(error) => errors.push(format!("integration {:?}: {error}", config.name)),
                }
            }
        }
        (Wanted { selectors }, errors)
    }

    /// Whether a component may belong to an integration user. Muting permission sets and profile
    /// session settings are always kept (they are few and small); group members are fetched once
    /// the groups are known.
    pub fn wants(&self, component: &Component, root: &Path) -> bool {
        self.wants_unit(
            component.kind,
            &component.name,
            component.files.first().map(|file| file.fs.as_path()),
            root,
        )
    }

    /// [`Wanted::wants`] before parsing, from what discovery knows.
    pub fn wants_unit(
        &self,
        kind: MetadataKind,
        name: &str,
        main_file: Option<&Path>,
        root: &Path,
    ) -> bool {
        matches!(
            kind,
            MetadataKind::MutingPermissionSet | MetadataKind::ProfileSessionSetting
        ) || self.selectors.iter().any(|(wanted_kind, selector)| {
            *wanted_kind == kind && selector.matches_parts(name, main_file, root)
        })
    }
}

/// Builds the integration users of `declared` from the loaded components. A configured name that
/// matches nothing is a problem naming what was looked for.
pub fn build<'a>(
    declared: &'a [Declared],
    components: &'a [Component],
    root: &Path,
    config_path: Option<String>,
) -> (Vec<(usize, IntegrationUser<'a>)>, Vec<Problem>) {
    let mut by_kind_name: HashMap<(MetadataKind, &str), &Component> = HashMap::new();
    for component in components {
        by_kind_name
            .entry((component.kind, component.name.as_str()))
            .or_insert(component);
    }
    let find = |kind: MetadataKind, name: &str| -> Option<&'a Component> {
        by_kind_name.get(&(kind, name)).copied().or_else(|| {
            components
                .iter()
                .find(|c| c.kind == kind && names_match(&c.name, name))
        })
    };
    let mut users = Vec::new();
    let mut problems = Vec::new();
    for (index, integration) in declared.iter().enumerate() {
        let config = &integration.config;
        let mut missing = Vec::new();
        let mut absent_members = Vec::new();
        let mut user = IntegrationUser {
            name: config.name.clone(),
            package_permission_sets: config.package_permission_sets.clone(),
            ..IntegrationUser::default()
        };
        let mut seen: BTreeSet<(MetadataKind, String)> = BTreeSet::new();
        if let Some(profile) = &config.profile {
            match find(MetadataKind::Profile, profile) {
                Some(component) => {
                    seen.insert((component.kind, component.name.clone()));
                    user.members.push(Member {
                        component,
                        role: Role::Profile,
                        muting: None,
                    });
                    // Session settings are named after their profile, and say so inside too.
                    user.session_setting = components.iter().find(|candidate| {
                        candidate.session_setting().is_some_and(|setting| {
                            setting.profile.as_ref().map_or_else(
                                || names_match(&candidate.name, &component.name),
                                |named| names_match(&component.name, &named.value),
                            )
                        })
                    });
                }
                None => missing.push(format!(
                    "profile {profile:?} (no {profile}.profile-meta.xml or {profile}.profile)"
                )),
            }
        }
        for pattern in &config.permission_sets {
            let Ok(selector) = Selector::new(pattern) else {
                continue;
            };
            let mut matched: Vec<&Component> = components
                .iter()
                .filter(|c| c.kind == MetadataKind::PermissionSet && selector.matches(c, root))
                .collect();
            matched.sort_by(|a, b| a.files[0].cmp(&b.files[0]));
            if matched.is_empty() {
                missing.push(match selector {
                    Selector::Name(_) => format!(
                        "permission set {pattern:?} (no {pattern}.permissionset-meta.xml, {pattern}.permissionset or decomposed {pattern}/ folder)"
                    ),
                    _ => format!("permission sets matching {pattern:?}"),
                });
            }
            for component in matched {
                if seen.insert((component.kind, component.name.clone())) {
                    user.members.push(Member {
                        component,
                        role: Role::PermissionSet,
                        muting: None,
                    });
                }
            }
        }
        for name in &config.permission_set_groups {
            let Some(group_component) = find(MetadataKind::PermissionSetGroup, name) else {
                missing.push(format!(
                    "permission set group {name:?} (no {name}.permissionsetgroup-meta.xml or {name}.permissionsetgroup)"
                ));
                continue;
            };
            user.groups.push(group_component);
            let Some(group) = group_component.group() else {
                continue;
            };
            let muting = group
                .muting_permission_sets
                .first()
                .and_then(|muting| find(MetadataKind::MutingPermissionSet, &muting.value));
            if let Some(muting_name) = group.muting_permission_sets.first()
                && muting.is_none()
            {
                absent_members.push(format!(
                    "muting permission set {:?} of group {name:?}",
                    muting_name.value
                ));
            }
            for member in &group.permission_sets {
                match find(MetadataKind::PermissionSet, &member.value) {
                    Some(component) => {
                        if seen.insert((component.kind, component.name.clone())) {
                            user.members.push(Member {
                                component,
                                role: Role::GroupMember {
                                    group: group_component.name.clone(),
                                },
                                muting,
                            });
                        }
                    }
                    None => absent_members.push(format!(
                        "permission set {:?}, a member of group {name:?}",
                        member.value
                    )),
                }
            }
        }
        if !missing.is_empty() {
            problems.push(Problem::error(
                config_path.clone(),
                format!(
                    "integration {:?}: not found in the project: {}; the integration is not checked",
                    config.name,
                    missing.join("; ")
                ),
            ));
        }
        if !absent_members.is_empty() {
            // Groups often list permission sets of managed packages that are not in source.
            problems.push(Problem::warning(
                config_path.clone(),
                format!(
                    "integration {:?}: not in the project, so their grants are not counted: {}",
                    config.name,
                    absent_members.join("; ")
                ),
            ));
        }
        // Checking what was found would blame the user for grants the missing member may hold
        // (and say it "declares no profile" when its profile is only misnamed).
        if !user.members.is_empty() && missing.is_empty() {
            users.push((index, user));
        }
    }
    (users, problems)
}

/// Names of permission sets that the groups among `components` list, for loading group members.
pub fn group_member_names(components: &[Component]) -> BTreeSet<String> {
    components
        .iter()
        .filter_map(Component::group)
        .flat_map(|group| group.permission_sets.iter().map(|name| name.value.clone()))
        .collect()
}

/// `--pack ID` with its `--option`s, or `None` after reporting why it cannot be used.
pub fn shortcut_pack(
    reference: &str,
    pairs: &[String],
    cwd: &std::path::Path,
    problems: &mut Vec<Problem>,
) -> Option<(packs::Pack, packs::options::Options)> {
    let pack = match packs::resolve(reference, cwd, cwd) {
        Ok(pack) => pack,
        Err(problem) => {
            problems.push(problem);
            return None;
        }
    };
    let resolved = option_table(pairs)
        .and_then(|given| packs::options::Options::resolve(&pack, &given))
        .map_err(|message| {
            problems.push(Problem::error(
                None,
                format!("--pack {reference}: {message} (set options with --option KEY=VALUE)"),
            ))
        })
        .ok()?;
    Some((pack, resolved))
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

/// `--pack ID FILE...`: the profile among the files (if any), every permission set, and every
/// group's members, as one user.
pub fn shortcut_integration<'a>(
    pack: &'a packs::Pack,
    options: &packs::options::Options,
    components: &'a [Component],
) -> Option<crate::packs::evaluate::Integration<'a>> {
    let options = options.clone();
    let mut user = IntegrationUser {
        name: pack.file.pack.name.clone(),
        ..IntegrationUser::default()
    };
    if let Some(profile) = components.iter().find(|c| c.kind == MetadataKind::Profile) {
        user.members.push(Member {
            component: profile,
            role: Role::Profile,
            muting: None,
        });
    }
    for component in components
        .iter()
        .filter(|c| c.kind == MetadataKind::PermissionSet)
    {
        user.members.push(Member {
            component,
            role: Role::PermissionSet,
            muting: None,
        });
    }
    if user.members.is_empty() {
        return None;
    }
    Some(crate::packs::evaluate::Integration {
        name: pack.file.pack.name.clone(),
        pack,
        options,
        user,
    })
}
