//! The workspace: everything a lint run knows before it reads a metadata file, computed once. The
//! project root and package directories, the configuration and the rule settings it makes, the
//! integrations to check, the baseline, and the files: those to lint and, for a run on named files,
//! the rest of the project, read only for the integration users those files belong to.
//!
//! This is the only stage that looks at the file system to decide things (configuration, project
//! file, `.forceignore`, directory walks, pack files, the baseline) and the only one that knows the
//! working directory: every file is named here once, with the path reports show.

use crate::fix::KeepDuplicate;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::baseline::{self, Baseline};
use crate::catalog::Catalog;
use crate::config::{self, LoadedConfig};
use crate::discover::{self, DiscoverOptions, Discovery, Unit};
use crate::fileset::Source;
use crate::integrations::{self, Integration};
use crate::inventory::Inventory;
use crate::model::MetadataKind;
use crate::problem::Problem;
use crate::project::Project;
use crate::settings::{self, KnownIds, Settings};
use crate::source::{FilePath, display_path};

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
    /// The configuration file at `path` with this text, unsaved in an editor (`sflint lsp`).
    Buffer { path: PathBuf, text: String },
}

/// What to lint and how, as the command line says it.
#[derive(Debug, Clone)]
pub struct WorkspaceOptions {
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
    /// Keep the source lines around each finding, for a report that shows them.
    pub excerpts: bool,
    /// Which of conflicting repeated entries the (unsafe) fix keeps.
    pub keep_duplicate: KeepDuplicate,
}

impl WorkspaceOptions {
    pub fn new(cwd: PathBuf) -> Self {
        Self {
            discover: DiscoverOptions::default(),
            threads: None,
            cwd,
            config: ConfigSource::Discover,
            pack: None,
            pack_options: Vec::new(),
            baseline: None,
            excerpts: false,
            keep_duplicate: KeepDuplicate::First,
        }
    }
}

/// Which integrations a run checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegrationScope {
    /// Every one.
    All,
    /// Those holding one of the files to lint (a run on named files, as pre-commit makes).
    HoldingTargets,
}

/// A baseline file as read.
#[derive(Debug, Clone)]
pub struct BaselineInput {
    /// Its path, as shown.
    pub shown: String,
    pub recorded: Result<Baseline, String>,
}

#[derive(Debug)]
pub struct Workspace {
    /// The project root, else the working directory: baseline and override paths are relative to
    /// it.
    pub root: PathBuf,
    /// The directory the paths shown are relative to (the working directory).
    pub display_base: PathBuf,
    pub project: Option<Project>,
    /// The configuration file, as shown.
    pub config_path: Option<String>,
    pub settings: Settings,
    /// The ids settings and directives may name.
    pub known_ids: KnownIds,
    pub integrations: Vec<Integration>,
    pub integration_scope: IntegrationScope,
    /// The files to lint, sorted by main file.
    pub targets: Vec<Unit>,
    /// The rest of the project, when only some files are linted: read for integration users only.
    pub others: Vec<Unit>,
    /// What `.forceignore` and excludes leave out, when integration users may hold it: read for
    /// them only (it is in the org, though this project does not deploy it).
    pub excluded: Vec<Unit>,
    /// The project's other metadata that permission files refer to (objects, fields, classes,
    /// apps, ...), by name.
    pub inventory: Inventory,
    pub baseline: Option<BaselineInput>,
    pub threads: Option<usize>,
    /// Keep the source lines around each finding.
    pub excerpts: bool,
    /// Which of conflicting repeated entries the (unsafe) fix keeps.
    pub keep_duplicate: KeepDuplicate,
    /// The shipped catalog overlaid with the target org's shape, when the project has one.
    pub org_catalog: Option<Catalog>,
    /// The directory the org shape is read from (whether or not it exists).
    pub org_shape_dir: Option<PathBuf>,
    /// What went wrong while setting up; the run still lints what it can.
    pub problems: Vec<Problem>,
}

impl Workspace {
    /// Reads the configuration, the project and the baseline, and lists the files.
    pub fn load(options: &WorkspaceOptions) -> Workspace {
        Workspace::load_in(options, Source::Disk)
    }

    /// [`Workspace::load`] with the project's files (configuration, project file, `.forceignore`,
    /// metadata) found in `source`: the disk, or a listing such as a git tree. A configuration
    /// named with `--config` and the baseline are read from the disk.
    pub fn load_in(options: &WorkspaceOptions, source: Source) -> Workspace {
        let cwd = &options.cwd;
        let mut problems = Vec::new();
        let loaded = match source {
            Source::Disk => load_config(options),
            Source::Listing(_) => load_config_in(options, source),
        };
        let config = match loaded {
            Ok(config) => config,
            // Linting under default settings would report what the project switched off and
            // miss its integration users: nothing is linted.
            Err(problem) => return Workspace::unusable(options, problem),
        };
        let config_path = config.path.as_deref().map(|path| display_path(path, cwd));

        let (mut integrations, declare_problems) =
            integrations::declare(&config, config_path.as_deref(), cwd);
        problems.extend(declare_problems);

        let mut discover_options = options.discover.clone();
        discover_options
            .excludes
            .extend(config.config.exclude.iter().cloned());
        discover_options.collect_excluded =
            !integrations.is_empty() && config.config.count_excluded_members;
        let Discovery {
            project,
            units: targets,
            mut excluded,
            mut inventory,
            problems: discovery_problems,
        } = discover::discover_in(&discover_options, cwd, source);
        problems.extend(discovery_problems);
        let root = project
            .as_ref()
            .map(|project| project.root.clone())
            .unwrap_or_else(|| cwd.clone());

        if let Some(reference) = &options.pack {
            // `--pack` checks the given files as one user; configured integrations are not run.
            integrations = integrations::shortcut(
                reference,
                &options.pack_options,
                &targets,
                cwd,
                &mut problems,
            )
            .into_iter()
            .collect();
        }

        let named_files = discover_options
            .paths
            .iter()
            .any(|path| source.is_file(&discover::absolute(path, cwd)));
        let config_named = config.path.as_ref().is_some_and(|path| {
            discover_options
                .paths
                .iter()
                .any(|given| discover::absolute(given, cwd) == *path)
        });
        // A run given only paths that do not exist has said so already.
        let something_given = discover_options.paths.is_empty()
            || discover_options
                .paths
                .iter()
                .any(|path| source.exists(&discover::absolute(path, cwd)));
        // Files named one by one were the run's whole question; directories get told where the
        // permission files are.
        let files_named = named_files;
        if targets.is_empty() && !config_named && something_given && !files_named {
            problems.push(nothing_found(
                project.as_ref(),
                &discover_options,
                cwd,
                source,
            ));
        }
        let integration_scope = if named_files && !config_named && options.pack.is_none() {
            IntegrationScope::HoldingTargets
        } else {
            IntegrationScope::All
        };
        // Named files are checked with the rest of their integration users, and against the
        // definitions they refer to, which may lie anywhere in the project: list it too.
        let others = if named_files && (!integrations.is_empty() || project.is_some()) {
            let everything = DiscoverOptions {
                paths: vec![root.clone()],
                excludes: discover_options.excludes.clone(),
                force_exclude: false,
                follow_external_links: discover_options.follow_external_links,
                collect_excluded: discover_options.collect_excluded,
            };
            let linted: HashSet<&Path> = targets
                .iter()
                .map(|unit| unit.files[0].fs.as_path())
                .collect();
            // Problems of the rest of the project are not this run's concern.
            let rest = discover::discover_in(&everything, cwd, source);
            excluded.extend(rest.excluded);
            inventory.extend(rest.inventory);
            if integrations.is_empty() {
                Vec::new()
            } else {
                rest.units
                    .into_iter()
                    .filter(|unit| !linted.contains(unit.files[0].fs.as_path()))
                    .collect()
            }
        } else {
            // A path at or above the root walked the whole project already.
            let inside_only = discover_options
                .paths
                .iter()
                .all(|path| !root.starts_with(discover::absolute(path, cwd)));
            if !named_files
                && !discover_options.paths.is_empty()
                && inside_only
                && project.is_some()
            {
                // Directories named in a project are judged against the definitions of the whole
                // project too: a name missing from the directory may be defined beside it.
                let everything = DiscoverOptions {
                    paths: vec![root.clone()],
                    excludes: discover_options.excludes.clone(),
                    force_exclude: false,
                    follow_external_links: discover_options.follow_external_links,
                    collect_excluded: false,
                };
                inventory.extend(discover::discover_in(&everything, cwd, source).inventory);
            }
            Vec::new()
        };
        excluded.sort_by(|a, b| a.files[0].fs.cmp(&b.files[0].fs));
        excluded.dedup_by(|a, b| a.files[0].fs == b.files[0].fs);

        // A misspelt id in the settings would silently do nothing: name it with its line.
        let known_ids =
            KnownIds::with_shipped(integrations.iter().map(|integration| &integration.pack));
        problems.extend(settings::unknown_ids(
            &config,
            &known_ids,
            config_path.clone(),
        ));
        let settings = Settings::new(&config.config, &mut problems, config_path.as_deref());

        let (org_shape_dir, org_catalog) =
            read_org_shape(&config, &root, cwd, source, &mut problems);

        let baseline = options.baseline.as_ref().map(|path| {
            let path = discover::absolute(path, cwd);
            BaselineInput {
                shown: display_path(&path, cwd),
                recorded: crate::fileset::read_text(&path)
                    .map_err(|message| format!("baseline: {message}"))
                    .and_then(|text| baseline::Baseline::parse(&text)),
            }
        });

        Workspace {
            root,
            display_base: cwd.clone(),
            project,
            config_path,
            settings,
            known_ids,
            integrations,
            integration_scope,
            targets,
            others,
            excluded,
            inventory,
            baseline,
            threads: options.threads,
            excerpts: options.excerpts,
            keep_duplicate: options.keep_duplicate,
            org_catalog,
            org_shape_dir: Some(org_shape_dir),
            problems,
        }
    }

    /// A workspace with nothing to lint, for a configuration that cannot be read.
    fn unusable(options: &WorkspaceOptions, problem: Problem) -> Workspace {
        Workspace {
            root: options.cwd.clone(),
            display_base: options.cwd.clone(),
            project: None,
            config_path: problem.path.clone(),
            settings: Settings::default(),
            known_ids: KnownIds::default(),
            integrations: Vec::new(),
            integration_scope: IntegrationScope::All,
            targets: Vec::new(),
            others: Vec::new(),
            excluded: Vec::new(),
            inventory: Inventory::default(),
            baseline: None,
            threads: options.threads,
            excerpts: options.excerpts,
            keep_duplicate: options.keep_duplicate,
            org_catalog: None,
            org_shape_dir: None,
            problems: vec![problem],
        }
    }

    /// The catalog the rules and packs consult: the shipped one, overlaid with the target org's
    /// shape when the project commits one.
    pub fn catalog(&self) -> &Catalog {
        self.org_catalog.as_ref().unwrap_or_else(|| Catalog::get())
    }

    /// Whether a unit may belong to an integration user, decided before it is parsed: only those
    /// are kept in memory once their own rules ran.
    pub fn may_be_held(&self, kind: MetadataKind, name: &str, main_file: &FilePath) -> bool {
        self.integrations.iter().any(|integration| {
            integration
                .user
                .may_hold(kind, name, Some(&main_file.fs), &self.root)
        })
    }
}

/// What a run that found no permission file says: where the project's permission files are, if
/// they lie outside its package directories, and how to lint them.
fn nothing_found(
    project: Option<&Project>,
    options: &DiscoverOptions,
    cwd: &Path,
    source: Source,
) -> Problem {
    let Some(project) = project else {
        return Problem::warning(None, "no permission metadata found: nothing was linted");
    };
    let packages: Vec<String> = project
        .package_dirs
        .iter()
        .map(|dir| display_path(dir, cwd))
        .collect();
    let searched = if packages.is_empty() {
        "no package directory of sfdx-project.json exists".to_string()
    } else {
        format!(
            "no permission metadata found in the package directories ({})",
            packages.join(", ")
        )
    };
    let outside = match source {
        Source::Disk => discover::metadata_outside_packages(project, &options.excludes),
        // A revision is reviewed as it is, not reorganised: only its package directories count.
        Source::Listing(_) => Vec::new(),
    };
    if outside.is_empty() {
        return Problem::warning(None, format!("{searched}: nothing was linted"));
    }
    let places: Vec<String> = outside
        .iter()
        .map(|(dir, count)| {
            format!(
                "{} ({})",
                display_path(&project.root.join(dir), cwd),
                crate::report::plural(*count, "file")
            )
        })
        .collect();
    let commands: Vec<String> = outside
        .iter()
        .map(|(dir, _)| display_path(&project.root.join(dir), cwd))
        .collect();
    Problem::warning(
        None,
        format!(
            "{searched}, but permission metadata lies {}in {}: lint it with `sflint check {}`",
            if packages.is_empty() {
                ""
            } else {
                "outside them "
            },
            places.join(", "),
            commands.join(" ")
        ),
    )
}

/// The target org's shape: where `org_shape` in the configuration puts it (relative to the
/// configuration file), else `.sflint/org-shape` under the project root if it is there.
fn read_org_shape(
    config: &LoadedConfig,
    root: &Path,
    cwd: &Path,
    source: Source,
    problems: &mut Vec<Problem>,
) -> (PathBuf, Option<Catalog>) {
    let (dir, required) = match &config.config.org_shape {
        Some(dir) => {
            let base = config.base_dir().unwrap_or(root);
            (base.join(dir.get_ref()), true)
        }
        None => (root.join(crate::org_shape::DEFAULT_DIR), false),
    };
    let (shape, shape_problems) =
        crate::org_shape::read(&dir, &display_path(&dir, cwd), required, source);
    problems.extend(shape_problems);
    (dir, shape.map(|shape| Catalog::with_org(&shape)))
}

fn load_config(options: &WorkspaceOptions) -> Result<LoadedConfig, Problem> {
    let cwd = &options.cwd;
    let path = match &options.config {
        ConfigSource::Isolated => return Ok(LoadedConfig::default()),
        ConfigSource::Buffer { path, text } => {
            return config::from_text(&discover::absolute(path, cwd), text.clone(), cwd);
        }
        ConfigSource::File(path) => Some(discover::absolute(path, cwd)),
        // Upward from the working directory first; failing that, from the first path given, so
        // that `sflint check path/to/project` uses that project's configuration.
        ConfigSource::Discover => config::find(cwd).or_else(|| {
            let first = discover::absolute(options.discover.paths.first()?, cwd);
            let start = if first.is_dir() {
                first
            } else {
                first.parent()?.to_path_buf()
            };
            config::find(&start)
        }),
    };
    match path {
        Some(path) => config::load(&path, cwd),
        None => Ok(LoadedConfig::default()),
    }
}

/// The configuration of a run over a listing: `--config FILE` from the disk, else the
/// `sflint.toml` of the listing found upward from the working directory as [`config::find`] finds
/// it on the disk (not above the project root).
fn load_config_in(options: &WorkspaceOptions, source: Source) -> Result<LoadedConfig, Problem> {
    let cwd = &options.cwd;
    let path = match &options.config {
        ConfigSource::Isolated => return Ok(LoadedConfig::default()),
        ConfigSource::File(path) => return config::load(&discover::absolute(path, cwd), cwd),
        _ => cwd.ancestors().find_map(|dir| {
            let candidate = dir.join(config::CONFIG_FILE);
            if source.has_entry(&candidate) {
                Some(Some(candidate))
            } else if source.is_file(&dir.join(crate::project::PROJECT_FILE)) {
                Some(None)
            } else {
                None
            }
        }),
    };
    let Some(path) = path.flatten() else {
        return Ok(LoadedConfig::default());
    };
    let text = source
        .read_text(&path)
        .map_err(|message| Problem::error(Some(display_path(&path, cwd)), message))?;
    config::from_text(&path, text, cwd)
}
