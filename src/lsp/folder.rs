//! One project the editor has open: its sflint [`Workspace`], and what the last lints found, by
//! file. The first lint is `check`'s; after that a change to some files lints those files as the
//! targets and every integration user with them (as `sflint check FILE` does, but with all users):
//! their built-in findings and every integration user's findings are replaced, the other files'
//! built-in findings kept. Both come from [`crate::lint`] over the editor's buffers: there is no
//! second implementation of a rule here.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::config;
use crate::diagnostic::Diagnostic;
use crate::discover;
use crate::fileset::FileSet;
use crate::pipeline::{self, GrantKey, Report};
use crate::problem::Problem;
use crate::workspace::{ConfigSource, IntegrationScope, Workspace, WorkspaceOptions};

/// Files whose findings or problems may have changed.
pub type Touched = BTreeSet<PathBuf>;

pub struct Folder {
    /// The directory the editor opened: the working directory of the lints.
    pub root: PathBuf,
    workspace: Workspace,
    /// The configuration file the workspace reads, if there is one.
    pub config: Option<PathBuf>,
    /// Why the configuration as the editor holds it cannot be used: the workspace keeps the last
    /// one that could, so that a half-typed setting does not take every finding away.
    config_error: Option<Problem>,
    /// Each file's built-in findings, those an integration's finding replaces among them.
    builtin: HashMap<PathBuf, Vec<Diagnostic>>,
    /// Every integration user's findings.
    integration: Vec<Diagnostic>,
    /// The built-in findings `integration` replaces (as `check` does).
    replaced: HashSet<GrantKey>,
    /// Problems about metadata files, by file.
    file_problems: HashMap<PathBuf, Vec<Problem>>,
    /// The other problems of the last lint: the configuration's, the run's.
    general: Vec<Problem>,
    /// The unit of the workspace's targets each file belongs to.
    units: HashMap<PathBuf, usize>,
    /// Metadata files the project was read again for and still does not lint (outside the package
    /// directories, left out by `.forceignore`): editing them does not read it again.
    passed_over: HashSet<PathBuf>,
}

/// The result of a lint that panicked: the message of the panic.
pub type Failed = String;

impl Folder {
    /// Reads the project at `root` and lints all of it. `buffer` answers the text of a file the
    /// editor holds.
    pub fn load(
        root: PathBuf,
        files: &dyn FileSet,
        buffer: &dyn Fn(&Path) -> Option<String>,
    ) -> (Folder, Result<Touched, Failed>) {
        let config = config::find(&root);
        let workspace = Workspace::load(&options(&root, config.as_deref(), buffer));
        let mut folder = Folder {
            root,
            workspace,
            config,
            config_error: None,
            builtin: HashMap::new(),
            integration: Vec::new(),
            replaced: HashSet::new(),
            file_problems: HashMap::new(),
            general: Vec::new(),
            units: HashMap::new(),
            passed_over: HashSet::new(),
        };
        folder.index_units();
        let touched = folder.lint_all(files);
        (folder, touched)
    }

    /// Reads the configuration and the project again (the configuration, the project file or
    /// `.forceignore` changed, or a file appeared) and lints all of it.
    pub fn reload(
        &mut self,
        files: &dyn FileSet,
        buffer: &dyn Fn(&Path) -> Option<String>,
    ) -> Result<Touched, Failed> {
        let config = config::find(&self.root);
        let mut touched: Touched = self.config.iter().chain(&config).cloned().collect();
        if let Some(path) = &config {
            let checked = match buffer(path) {
                Some(text) => config::from_text(path, text, &self.root).map(drop),
                None => config::load(path, &self.root).map(drop),
            };
            if let Err(problem) = checked {
                self.config = config;
                self.config_error = Some(problem);
                return Ok(touched);
            }
        }
        self.config_error = None;
        self.passed_over.clear();
        self.workspace = Workspace::load(&options(&self.root, config.as_deref(), buffer));
        self.config = config;
        self.index_units();
        touched.extend(self.lint_all(files)?);
        Ok(touched)
    }

    fn index_units(&mut self) {
        self.units = self
            .workspace
            .targets
            .iter()
            .enumerate()
            .flat_map(|(index, unit)| unit.files.iter().map(move |file| (file.fs.clone(), index)))
            .collect();
    }

    /// Whether `path` lies in this folder.
    pub fn contains(&self, path: &Path) -> bool {
        path.starts_with(&self.root)
    }

    /// Whether `path` is one of the files this folder lints.
    pub fn lints(&self, path: &Path) -> bool {
        self.units.contains_key(path)
    }

    /// Whether the project may lint `path` once read again: a metadata file it does not lint yet,
    /// that was not passed over by the last reading.
    pub fn may_lint(&self, path: &Path) -> bool {
        !self.units.contains_key(path) && !self.passed_over.contains(path)
    }

    /// Notes that the project as read does not lint `path`.
    pub fn pass_over(&mut self, path: &Path) {
        if !self.units.contains_key(path) {
            self.passed_over.insert(path.to_path_buf());
        }
    }

    /// The catalog the folder's findings use: with its org shape, if it has one.
    pub fn catalog(&self) -> &crate::catalog::Catalog {
        self.workspace.catalog()
    }

    /// Whether a change to `path` changes how the project is read: the org shape's files too.
    pub fn is_setting(&self, path: &Path) -> bool {
        self.config.as_deref() == Some(path)
            || (self.workspace.org_shape_dir.is_some()
                && path.parent() == self.workspace.org_shape_dir.as_deref())
            || path.file_name().is_some_and(|name| {
                name == config::CONFIG_FILE
                    || name == crate::project::PROJECT_FILE
                    || name == ".forceignore"
            })
    }

    /// `check` of the whole project.
    fn lint_all(&mut self, files: &dyn FileSet) -> Result<Touched, Failed> {
        let report = guarded(&self.workspace, files)?;
        let mut touched = self.shown_files();
        self.builtin.clear();
        self.file_problems.clear();
        self.integration.clear();
        self.store(report, |_| true);
        touched.extend(self.shown_files());
        Ok(touched)
    }

    /// Lints `paths` (files the editor changed) and every integration user, the rest of the
    /// project read only for what those users hold.
    pub fn lint_files(
        &mut self,
        paths: &[PathBuf],
        files: &dyn FileSet,
    ) -> Result<Touched, Failed> {
        let focus: BTreeSet<usize> = paths
            .iter()
            .filter_map(|path| self.units.get(path).copied())
            .collect();
        let targets = std::mem::take(&mut self.workspace.targets);
        let others = std::mem::take(&mut self.workspace.others);
        let scope = self.workspace.integration_scope;
        let (chosen, rest): (Vec<_>, Vec<_>) = targets
            .iter()
            .enumerate()
            .partition(|(index, _)| focus.contains(index));
        self.workspace.targets = chosen.into_iter().map(|(_, unit)| unit.clone()).collect();
        self.workspace.others = rest
            .into_iter()
            .map(|(_, unit)| unit.clone())
            .chain(others.iter().cloned())
            .collect();
        // Every user, not only those holding the files: a file may have just left a user.
        self.workspace.integration_scope = IntegrationScope::All;
        let report = guarded(&self.workspace, files);
        let focus_files: HashSet<PathBuf> = self
            .workspace
            .targets
            .iter()
            .flat_map(|unit| unit.files.iter().map(|file| file.fs.clone()))
            .chain(paths.iter().cloned())
            .collect();
        self.workspace.targets = targets;
        self.workspace.others = others;
        self.workspace.integration_scope = scope;
        let report = report?;

        let mut touched: Touched = focus_files.iter().cloned().collect();
        touched.extend(self.integration_files());
        for file in &focus_files {
            self.builtin.remove(file);
            self.file_problems.remove(file);
        }
        self.integration.clear();
        self.store(report, |path| focus_files.contains(path));
        touched.extend(self.integration_files());
        touched.extend(self.file_problems.keys().cloned());
        touched.extend(self.config.iter().cloned());
        Ok(touched)
    }

    /// Takes in a report: every integration finding, the built-in findings and problems of the
    /// files `linted` accepts (the others' are read for integration users only).
    fn store(&mut self, report: Report, linted: impl Fn(&Path) -> bool) {
        for finding in report.diagnostics.into_iter().chain(report.superseded) {
            if finding.origin.is_some() {
                self.integration.push(finding);
            } else if linted(&finding.location.path.fs) {
                self.builtin
                    .entry(finding.location.path.fs.clone())
                    .or_default()
                    .push(finding);
            }
        }
        self.replaced = pipeline::replacing(&self.integration);
        self.general.clear();
        let mut by_file: HashMap<PathBuf, Vec<Problem>> = HashMap::new();
        for problem in report.problems {
            match self.problem_path(&problem) {
                Some(path) if self.units.contains_key(&path) => {
                    by_file.entry(path).or_default().push(problem);
                }
                _ => self.general.push(problem),
            }
        }
        self.file_problems.extend(by_file);
    }

    fn problem_path(&self, problem: &Problem) -> Option<PathBuf> {
        problem
            .path
            .as_deref()
            .map(|shown| discover::absolute(Path::new(shown), &self.root))
    }

    fn integration_files(&self) -> impl Iterator<Item = PathBuf> + '_ {
        self.integration
            .iter()
            .map(|finding| finding.location.path.fs.clone())
    }

    /// Every file something is shown on.
    fn shown_files(&self) -> Touched {
        self.builtin
            .keys()
            .cloned()
            .chain(self.integration_files())
            .chain(self.file_problems.keys().cloned())
            .chain(self.config.iter().cloned())
            .collect()
    }

    /// The findings in `path`, in report order, as `check` reports them.
    pub fn findings(&self, path: &Path) -> Vec<&Diagnostic> {
        let mut found: Vec<&Diagnostic> = self
            .builtin
            .get(path)
            .into_iter()
            .flatten()
            .filter(|finding| {
                pipeline::grant_key(finding).is_none_or(|key| !self.replaced.contains(&key))
            })
            .chain(
                self.integration
                    .iter()
                    .filter(|finding| finding.location.path.fs == path),
            )
            .collect();
        found.sort_by(|a, b| a.report_order(b));
        found.dedup_by(|a, b| a.report_order(b).is_eq());
        found
    }

    /// The problems shown on `path`: a metadata file's, or the configuration's on the configuration
    /// file.
    pub fn problems(&self, path: &Path) -> Vec<&Problem> {
        let mut shown: Vec<&Problem> = self.file_problems.get(path).into_iter().flatten().collect();
        if self.config.as_deref() == Some(path) {
            shown.extend(self.config_error.iter());
            if self.config_error.is_none() {
                shown.extend(
                    self.general
                        .iter()
                        .filter(|problem| self.problem_path(problem).as_deref() == Some(path)),
                );
            }
        }
        shown
    }

    /// The problems no file shows: for the log.
    pub fn unplaced_problems(&self) -> impl Iterator<Item = &Problem> {
        self.general.iter().filter(|problem| {
            self.problem_path(problem)
                .is_none_or(|path| self.config.as_deref() != Some(path.as_path()))
        })
    }
}

fn options(
    root: &Path,
    config: Option<&Path>,
    buffer: &dyn Fn(&Path) -> Option<String>,
) -> WorkspaceOptions {
    let mut options = WorkspaceOptions::new(root.to_path_buf());
    if let Some(path) = config
        && let Some(text) = buffer(path)
    {
        options.config = ConfigSource::Buffer {
            path: path.to_path_buf(),
            text,
        };
    }
    options
}

/// A lint that may not panic the server: a panic is turned into its message.
fn guarded(workspace: &Workspace, files: &dyn FileSet) -> Result<Report, Failed> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        crate::lint(workspace, files)
    }))
    .map_err(|panic| super::panic_message(&*panic))
}
