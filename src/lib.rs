//! sflint: lint Salesforce DX permission metadata.
//!
//! The pipeline, top to bottom ([`lint`]):
//! configuration ([`config`]) -> discover ([`discover`]) -> parse and assemble ([`model`]) ->
//! built-in rules ([`checks`]) -> integration users and vendor packs ([`integrations`], [`packs`]) ->
//! project settings ([`settings`]) -> findings ([`diagnostic`]) -> reporters ([`report`]).

pub mod baseline;
pub mod catalog;
pub mod checks;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod explain;
pub mod init;
pub mod integrations;
pub mod model;
pub mod packs;
pub mod problem;
pub mod project;
pub mod registry;
pub mod report;
pub mod settings;
pub mod source;
pub mod suppress;

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::catalog::Catalog;
use crate::checks::Context;
use crate::config::LoadedConfig;
use crate::diagnostic::Diagnostic;
use crate::discover::{DiscoverOptions, Discovery, Unit};
use crate::integrations::Wanted;
use crate::model::Component;
use crate::packs::evaluate::{Integration, PackContext};
use crate::problem::Problem;
use crate::project::Project;
use crate::settings::Settings;

/// Which configuration to use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ConfigSource {
    /// `sflint.toml` found upward from the working directory.
    #[default]
    Discover,
    /// `--config FILE`.
    File(PathBuf),
    /// `--isolated`: no configuration file.
    Isolated,
}

/// What to lint and how.
#[derive(Debug, Clone)]
pub struct LintOptions {
    pub discover: DiscoverOptions,
    /// Worker threads for parsing and checking (`None`: one per core).
    pub threads: Option<usize>,
    /// The directory paths are shown relative to.
    pub cwd: PathBuf,
    pub config: ConfigSource,
    /// `--pack ID`: treat the files given as one integration user checked against this pack.
    pub pack: Option<String>,
    /// `--option KEY=VALUE` for that pack.
    pub pack_options: Vec<String>,
    /// `--baseline FILE`: report only findings the baseline does not record.
    pub baseline: Option<PathBuf>,
}

impl LintOptions {
    pub fn new(cwd: PathBuf) -> Self {
        Self {
            discover: DiscoverOptions::default(),
            threads: None,
            cwd,
            config: ConfigSource::Discover,
            pack: None,
            pack_options: Vec::new(),
            baseline: None,
        }
    }
}

/// Everything a lint run found.
#[derive(Debug, Default)]
pub struct LintResult {
    pub project: Option<Project>,
    /// Sorted by path, line, column, rule.
    pub diagnostics: Vec<Diagnostic>,
    /// Sorted; errors among them make the run exit with 2.
    pub problems: Vec<Problem>,
    /// Number of files read.
    pub files: usize,
    /// Number of components (profiles, permission sets, ...) checked.
    pub components: usize,
    /// Number of integration users checked against their packs.
    pub integrations: usize,
    /// The directory baseline and override paths are relative to: the project root, else the
    /// working directory.
    pub root: PathBuf,
    /// Findings hidden because the baseline records them.
    pub baselined: usize,
    /// Baseline entries that no longer occur.
    pub stale_baseline: Vec<baseline::Entry>,
}

impl LintResult {
    pub fn has_fatal_problem(&self) -> bool {
        self.problems
            .iter()
            .any(|problem| problem.level == problem::ProblemLevel::Error)
    }
}

/// One unit read and, if asked, checked.
struct Checked {
    component: Option<Component>,
    /// The texts of the unit's files, kept while findings may still point into them.
    sources: Vec<(std::sync::Arc<source::FilePath>, source::SourceText)>,
    /// Whether a component could be read (it may have been dropped since).
    loaded: bool,
    suppressions: Vec<suppress::Suppression>,
    diagnostics: Vec<Diagnostic>,
    problems: Vec<Problem>,
}

fn check_unit(unit: &Unit, cwd: &Path, context: Option<&Context<'_>>) -> Checked {
    let loaded = model::assemble::load(unit, cwd);
    let mut diagnostics = loaded.diagnostics;
    if let (Some(component), Some(context)) = (&loaded.component, context) {
        diagnostics.extend(checks::check_component(component, context));
    } else if context.is_none() {
        // Loaded only as a member of an integration user: its own findings are not reported.
        diagnostics.clear();
    }
    diagnostic::locate(&mut diagnostics, &loaded.sources);
    Checked {
        loaded: loaded.component.is_some(),
        sources: loaded.sources,
        component: loaded.component,
        suppressions: loaded.suppressions,
        diagnostics,
        problems: loaded.problems,
    }
}

fn load_config(options: &LintOptions) -> Result<LoadedConfig, Problem> {
    let path = match &options.config {
        ConfigSource::Isolated => return Ok(LoadedConfig::default()),
        ConfigSource::File(path) => Some(discover::absolute(path, &options.cwd)),
        // Upward from the working directory first; failing that, from the first path given, so
        // that `sflint check path/to/project` uses that project's configuration.
        ConfigSource::Discover => config::find(&options.cwd).or_else(|| {
            let first = discover::absolute(options.discover.paths.first()?, &options.cwd);
            let start = if first.is_dir() {
                first
            } else {
                first.parent()?.to_path_buf()
            };
            config::find(&start)
        }),
    };
    match path {
        Some(path) => config::load(&path, &options.cwd),
        None => Ok(LoadedConfig::default()),
    }
}

fn in_pool<T: Send>(
    threads: Option<usize>,
    problems: &mut Vec<Problem>,
    work: impl FnOnce() -> T + Send,
) -> T {
    match threads {
        Some(threads) => match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => pool.install(work),
            Err(error) => {
                problems.push(Problem::warning(
                    None,
                    format!("cannot start {threads} threads ({error}); using the default pool"),
                ));
                work()
            }
        },
        None => work(),
    }
}

/// Runs the whole pipeline.
pub fn lint(options: &LintOptions) -> LintResult {
    let cwd = &options.cwd;
    let mut problems = Vec::new();
    let config = load_config(options).unwrap_or_else(|problem| {
        problems.push(problem);
        LoadedConfig::default()
    });
    let config_shown = config
        .path
        .as_deref()
        .map(|path| source::display_path(path, cwd));

    let (mut declared, declare_problems) = integrations::declare(&config, cwd);
    problems.extend(declare_problems);
    let shortcut = options.pack.as_ref().and_then(|reference| {
        integrations::shortcut_pack(reference, &options.pack_options, cwd, &mut problems)
    });
    if shortcut.is_some() {
        // `--pack` checks the given files as one user; configured integrations are not run.
        declared.clear();
    }

    let mut discover_options = options.discover.clone();
    discover_options
        .excludes
        .extend(config.config.exclude.iter().cloned());
    let Discovery {
        project,
        units,
        problems: discovery_problems,
    } = discover::discover(&discover_options, cwd);
    problems.extend(discovery_problems);
    let root = project
        .as_ref()
        .map(|project| project.root.clone())
        .unwrap_or_else(|| cwd.clone());

    let (wanted, wanted_errors) = Wanted::new(&declared);
    for error in wanted_errors {
        problems.push(Problem::error(config_shown.clone(), error));
    }
    let keep_all = shortcut.is_some();
    let catalog = Catalog::get();
    let context = Context { catalog };

    // Each model is dropped as soon as its rules ran, unless an integration user needs it: memory
    // stays proportional to the files in flight, not to the project.
    let checked: Vec<Checked> = in_pool(options.threads, &mut problems, || {
        units
            .par_iter()
            .map(|unit| {
                let mut checked = check_unit(unit, cwd, Some(&context));
                checked.loaded = checked.component.is_some();
                if let Some(component) = &checked.component
                    && !(keep_all || (!declared.is_empty() && wanted.wants(component, &root)))
                {
                    checked.component = None;
                }
                if checked.component.is_none() {
                    // Nothing can point into these files any more.
                    checked.sources = Vec::new();
                }
                checked
            })
            .collect()
    });

    let mut diagnostics = Vec::new();
    let mut components = Vec::new();
    let mut suppressions = Vec::new();
    let mut sources = Vec::new();
    let mut checked_count = 0;
    for result in checked {
        diagnostics.extend(result.diagnostics);
        suppressions.extend(result.suppressions);
        sources.extend(result.sources);
        problems.extend(result.problems);
        checked_count += usize::from(result.loaded);
        components.extend(result.component);
    }
    let linted_files: HashSet<PathBuf> = units
        .iter()
        .flat_map(|unit| unit.files.iter().cloned())
        .collect();

    let mut integrations_checked = 0;
    if !declared.is_empty() || shortcut.is_some() {
        let explicit_files = discover_options
            .paths
            .iter()
            .any(|path| discover::absolute(path, cwd).is_file());
        if !declared.is_empty() {
            let extra = load_members(
                &wanted,
                &mut suppressions,
                &mut sources,
                &units,
                &mut components,
                explicit_files.then_some(&root),
                &discover_options,
                cwd,
                options.threads,
                &mut problems,
            );
            problems.extend(extra);
        }
        let pack_context = PackContext {
            catalog,
            source_api_version: project
                .as_ref()
                .and_then(|project| project.source_api_version.as_deref())
                .and_then(|version| version.parse().ok()),
        };
        let integrations: Vec<Integration<'_>> = match &shortcut {
            Some((pack, pack_options)) => {
                integrations::shortcut_integration(pack, pack_options, &components)
                    .into_iter()
                    .collect()
            }
            None => {
                let (users, build_problems) =
                    integrations::build(&declared, &components, &root, config_shown.clone());
                problems.extend(build_problems);
                let config_changed = config.path.as_ref().is_some_and(|path| {
                    discover_options
                        .paths
                        .iter()
                        .any(|given| discover::absolute(given, cwd) == *path)
                });
                users
                    .into_iter()
                    .filter(|(_, user)| {
                        // With explicit files (pre-commit), check the users those files belong to:
                        // a member, one of its groups, or a group's muting permission set.
                        let touched = |component: &Component| {
                            component
                                .files
                                .iter()
                                .any(|file| linted_files.contains(&file.fs))
                        };
                        !explicit_files
                            || config_changed
                            || user.members.iter().any(|member| {
                                touched(member.component) || member.muting.is_some_and(touched)
                            })
                            || user.groups.iter().any(|group| touched(group))
                    })
                    .map(|(index, user)| Integration {
                        name: declared[index].config.name.clone(),
                        pack: &declared[index].pack,
                        options: declared[index].options.clone(),
                        user,
                    })
                    .collect()
            }
        };
        integrations_checked = integrations.len();
        let found: Vec<Vec<Diagnostic>> = integrations
            .iter()
            .map(|integration| packs::evaluate::check(integration, &pack_context))
            .collect();
        let found: Vec<Diagnostic> = found.into_iter().flatten().collect();
        supersede_builtin(&mut diagnostics, &found);
        diagnostics.extend(found);
    }

    let mut diagnostics = suppress::apply(diagnostics, &suppressions, |file| {
        linted_files.contains(&file.fs)
    });
    // Findings of integration users point into the members kept above.
    diagnostic::locate(&mut diagnostics, &sources);
    drop(sources);
    // A misspelt id in the settings would silently do nothing: name it with its line.
    let packs_in_use = packs::shipped()
        .iter()
        .chain(declared.iter().map(|d| &d.pack));
    problems.extend(settings::unknown_ids(
        &config,
        packs_in_use,
        config_shown.clone(),
    ));
    let settings = Settings::new(&config.config, &mut problems, config_shown.as_deref());
    let mut diagnostics: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter_map(|diagnostic| settings.apply(diagnostic, &root))
        .collect();
    diagnostics.sort_by(Diagnostic::report_order);
    diagnostics.dedup_by(|a, b| a.report_order(b).is_eq());

    let (mut baselined, mut stale_baseline) = (0, Vec::new());
    if let Some(path) = &options.baseline {
        let applied = baseline::apply(path, diagnostics, &root, cwd);
        diagnostics = applied.kept;
        baselined = applied.hidden;
        stale_baseline = applied.stale;
        problems.extend(applied.problems);
    }
    problems.sort();
    problems.dedup();
    LintResult {
        project,
        diagnostics,
        problems,
        files: linted_files.len(),
        components: checked_count,
        integrations: integrations_checked,
        root,
        baselined,
        stale_baseline,
    }
}

/// Loads the components integration users need beyond those already loaded: members of their
/// permission set groups and, when only some files were named (pre-commit), the rest of the
/// project. These are read for the union only; their own findings are not reported.
#[allow(clippy::too_many_arguments)]
fn load_members(
    wanted: &Wanted,
    suppressions: &mut Vec<suppress::Suppression>,
    sources: &mut Vec<(std::sync::Arc<source::FilePath>, source::SourceText)>,
    units: &[Unit],
    components: &mut Vec<Component>,
    whole_project: Option<&PathBuf>,
    discover_options: &DiscoverOptions,
    cwd: &Path,
    threads: Option<usize>,
    problems: &mut Vec<Problem>,
) -> Vec<Problem> {
    let mut extra_problems = Vec::new();
    let loaded: BTreeSet<PathBuf> = units.iter().map(|unit| unit.files[0].clone()).collect();
    let mut candidates: Vec<Unit> = match whole_project {
        Some(root) => {
            let everything = DiscoverOptions {
                paths: vec![root.clone()],
                excludes: discover_options.excludes.clone(),
                force_exclude: false,
            };
            discover::discover(&everything, cwd)
                .units
                .into_iter()
                .filter(|unit| !loaded.contains(&unit.files[0]))
                .collect()
        }
        None => Vec::new(),
    };
    let root = whole_project.cloned().unwrap_or_else(|| cwd.to_path_buf());
    // Pass 1: everything named in the configuration; pass 2: members of the groups found.
    for pass in 0..2 {
        let names = integrations::group_member_names(components);
        let present: HashSet<(model::MetadataKind, String)> = components
            .iter()
            .map(|c| (c.kind, c.name.clone()))
            .collect();
        let mut pick: Vec<Unit> = Vec::new();
        candidates.retain(|unit| {
            let take = if pass == 0 {
                wanted.wants_unit(
                    unit.kind,
                    &unit.name,
                    unit.files.first().map(PathBuf::as_path),
                    &root,
                )
            } else {
                unit.kind == model::MetadataKind::PermissionSet
                    && names.contains(&unit.name)
                    && !present.contains(&(unit.kind, unit.name.clone()))
            };
            if take {
                pick.push(unit.clone());
            }
            !take
        });
        if pass == 1 {
            // Group members that were discovered with the linted files but not kept.
            for unit in units {
                if unit.kind == model::MetadataKind::PermissionSet
                    && names.contains(&unit.name)
                    && !present.contains(&(unit.kind, unit.name.clone()))
                {
                    pick.push(unit.clone());
                }
            }
        }
        let results: Vec<Checked> = in_pool(threads, problems, || {
            pick.par_iter()
                .map(|unit| check_unit(unit, cwd, None))
                .collect()
        });
        for result in results {
            extra_problems.extend(result.problems);
            suppressions.extend(result.suppressions);
            sources.extend(result.sources);
            if let Some(component) = result.component {
                components.push(component);
            }
        }
    }
    extra_problems
}

/// An integration-level `view-all-data` or `modify-all-data` finding replaces the general warning on
/// the same grant: the integration's verdict (an error, or an info when the pack allows it) is the
/// more precise one.
fn supersede_builtin(diagnostics: &mut Vec<Diagnostic>, integration: &[Diagnostic]) {
    let superseded: HashSet<(registry::RuleId, PathBuf, u32)> = integration
        .iter()
        .filter(|d| {
            matches!(
                d.rule,
                registry::RuleId::ViewAllData | registry::RuleId::ModifyAllData
            )
        })
        .map(|d| (d.rule, d.location.path.fs.clone(), d.location.span.start))
        .collect();
    diagnostics.retain(|d| {
        d.origin.is_some()
            || !superseded.contains(&(d.rule, d.location.path.fs.clone(), d.location.span.start))
    });
}
