//! Finding the permission metadata to lint: walk the project's package directories (or the paths
//! given), honour `.forceignore` and `--exclude`, and group the files of each decomposed permission
//! set into one unit.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use walkdir::WalkDir;

use crate::fileset::{Listing, Source};
use crate::inventory::Inventory;
use crate::model::MetadataKind;
use crate::problem::Problem;
use crate::project::{self, Project};
use crate::source::{FilePath, display_path};

/// What the linter reads as one component: a single file, or the folder of a decomposed permission
/// set (main file first, then the parts in path order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub kind: MetadataKind,
    pub name: String,
    pub files: Vec<Arc<FilePath>>,
    pub decomposed: bool,
}

/// Whether the entry at `relative` is itself matched by [`BUILT_IN_IGNORES`]: each pattern judges
/// the last component of the path only.
fn is_built_in_ignore(relative: &Path) -> bool {
    relative
        .file_name()
        .map(|name| name.as_encoded_bytes())
        .is_some_and(|name| {
            name.starts_with(b".")
                || name.ends_with(b".dup")
                || name == b"package2-descriptor.json"
                || name == b"package2-manifest.json"
        })
}

/// Patterns Salesforce CLI ignores even without a `.forceignore` (source-deploy-retrieve
/// `forceIgnore.ts`).
const BUILT_IN_IGNORES: [&str; 4] = [
    "**/*.dup",
    "**/.*",
    "**/package2-descriptor.json",
    "**/package2-manifest.json",
];

#[derive(Debug, Default)]
pub struct Discovery {
    pub project: Option<Project>,
    pub units: Vec<Unit>,
    /// What `.forceignore` and excludes left out, with `collect_excluded`.
    pub excluded: Vec<Unit>,
    /// The rest of the project below the paths walked: objects, fields, classes, apps, ...
    pub inventory: Inventory,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Default)]
pub struct DiscoverOptions {
    /// Files and directories as given on the command line (empty: the working directory).
    pub paths: Vec<PathBuf>,
    /// `--exclude` and configuration `exclude` globs.
    pub excludes: Vec<String>,
    /// Apply `.forceignore` and excludes to files named explicitly too.
    pub force_exclude: bool,
    /// Follow symbolic links that lead outside the project (`--follow-external-links`).
    pub follow_external_links: bool,
    /// Also list the metadata `.forceignore` and excludes leave out (in `Discovery::excluded`):
    /// integration users may hold it, as it is in the org though this project does not deploy it.
    pub collect_excluded: bool,
}

/// Decides whether a path is left out: `.forceignore` (gitignore semantics, relative to the
/// directory holding it) and exclude globs (relative to the project root).
pub struct Filter {
    root: PathBuf,
    forceignore: Gitignore,
    /// Whether `forceignore` holds patterns of the project's `.forceignore`, or only the built-in
    /// ones (which [`is_built_in_ignore`] decides without the matcher).
    has_forceignore: bool,
    by_path: GlobSet,
    by_name: GlobSet,
}

impl Filter {
    pub fn new(
        root: &Path,
        excludes: &[String],
        problems: &mut Vec<Problem>,
        cwd: &Path,
    ) -> Filter {
        Filter::new_in(root, excludes, problems, cwd, Source::Disk)
    }

    /// The filter of the project at `root` among the files of `source`.
    pub fn new_in(
        root: &Path,
        excludes: &[String],
        problems: &mut Vec<Problem>,
        cwd: &Path,
        source: Source,
    ) -> Filter {
        let mut builder = GitignoreBuilder::new(root);
        for pattern in BUILT_IN_IGNORES {
            // The built-in patterns are valid gitignore lines.
            let _ = builder.add_line(None, pattern);
        }
        let forceignore_path = root.join(".forceignore");
        let has_forceignore = source.has_entry(&forceignore_path);
        if has_forceignore {
            // Read with the limits of every file sflint reads (a regular file, not a FIFO or a
            // device), then handed over line by line.
            match source.read(&forceignore_path) {
                Ok(bytes) => {
                    for line in String::from_utf8_lossy(&bytes).lines() {
                        if let Err(error) = builder.add_line(Some(forceignore_path.clone()), line) {
                            problems.push(Problem::warning(
                                Some(display_path(&forceignore_path, cwd)),
                                format!("some patterns could not be read: {error}"),
                            ));
                        }
                    }
                }
                Err(message) => problems.push(Problem::warning(
                    Some(display_path(&forceignore_path, cwd)),
                    format!("ignored: {message}"),
                )),
            }
        }
        let forceignore = builder.build().unwrap_or_else(|error| {
            problems.push(Problem::warning(
                Some(display_path(&forceignore_path, cwd)),
                format!("ignored: {error}"),
            ));
            Gitignore::empty()
        });
        let mut by_path = GlobSetBuilder::new();
        let mut by_name = GlobSetBuilder::new();
        for pattern in excludes {
            let anchored = pattern.contains('/');
            let glob = GlobBuilder::new(pattern.trim_start_matches("./"))
                .literal_separator(anchored)
                .build();
            match glob {
                Ok(glob) if anchored => {
                    by_path.add(glob);
                }
                Ok(glob) => {
                    by_name.add(glob);
                }
                Err(error) => problems.push(Problem::error(
                    None,
                    format!("invalid exclude pattern {pattern:?}: {error}"),
                )),
            }
        }
        Filter {
            root: root.to_path_buf(),
            forceignore,
            has_forceignore,
            by_path: by_path.build().unwrap_or_else(|_| GlobSet::empty()),
            by_name: by_name.build().unwrap_or_else(|_| GlobSet::empty()),
        }
    }

    /// Whether `path` (absolute) or one of its parents below the root is excluded.
    pub fn is_excluded(&self, path: &Path, is_dir: bool) -> bool {
        let Ok(relative) = path.strip_prefix(&self.root) else {
            return false;
        };
        if relative.as_os_str().is_empty() {
            return false;
        }
        if self
            .forceignore
            .matched_path_or_any_parents(relative, is_dir)
            .is_ignore()
        {
            return true;
        }
        relative
            .ancestors()
            .any(|part| !part.as_os_str().is_empty() && self.glob_matches(part))
    }

    /// What holds below the directory `dir` (absolute) where a walk starts: [`Filter::is_excluded`]
    /// split by cause, so that each entry below needs only its own match.
    fn below(&self, dir: &Path) -> Below {
        let Ok(relative) = dir.strip_prefix(&self.root) else {
            // Nothing outside the root is excluded.
            return Below::default();
        };
        Below {
            // Also for the root itself: a parent of an entry, the empty path is matched too.
            ignored: self
                .forceignore
                .matched_path_or_any_parents(relative, true)
                .is_ignore(),
            by_glob: relative
                .ancestors()
                .any(|part| !part.as_os_str().is_empty() && self.glob_matches(part)),
        }
    }

    /// Whether an entry of a directory is excluded, given what holds for the directory: the same as
    /// [`Filter::is_excluded`], without matching every parent again for every entry. `.forceignore`
    /// takes the nearest match (the entry's own, else its directory's); an exclude glob that matches
    /// the entry or any parent excludes it.
    fn is_excluded_below(&self, path: &Path, is_dir: bool, below: Below) -> bool {
        if below.by_glob {
            return true;
        }
        // The path is cut below the root (component by component, for every entry of a walk)
        // only for the exclude globs and the project's `.forceignore`, which need it.
        if self.has_globs() || self.has_forceignore {
            let Ok(relative) = path.strip_prefix(&self.root) else {
                return false;
            };
            if self.glob_matches(relative) {
                return true;
            }
            if self.has_forceignore {
                return match self.forceignore.matched(relative, is_dir) {
                    Match::Ignore(_) => true,
                    Match::Whitelist(_) => false,
                    Match::None => below.ignored,
                };
            }
        }
        // Only the built-in patterns, which judge the entry's own name, and which the regular
        // expressions of the matcher cost thousands of instructions an entry to decide.
        is_built_in_ignore(path) || below.ignored
    }

    fn has_globs(&self) -> bool {
        !(self.by_path.is_empty() && self.by_name.is_empty())
    }

    /// Whether an exclude glob matches `relative` itself (not its parents).
    fn glob_matches(&self, relative: &Path) -> bool {
        // Matching builds a candidate from the path even for an empty set.
        if !self.has_globs() {
            return false;
        }
        self.by_path.is_match(relative)
            || relative
                .file_name()
                .is_some_and(|name| self.by_name.is_match(name))
    }
}

/// What [`Filter`] says of a directory and its parents, which the entries below it inherit unless a
/// `.forceignore` pattern names them.
#[derive(Debug, Clone, Copy, Default)]
struct Below {
    /// `.forceignore` ignores the directory (its nearest match is an ignore).
    ignored: bool,
    /// An exclude glob matches the directory or a parent.
    by_glob: bool,
}

/// Lexically normalises `path` against `cwd` (no symlink resolution, so shown paths stay as typed).
pub fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

pub fn discover(options: &DiscoverOptions, cwd: &Path) -> Discovery {
    discover_in(options, cwd, Source::Disk)
}

/// [`discover`] among the files of `source`: the disk, or a listing such as a git tree, under the
/// same rules (package directories, `.forceignore`, excludes, decomposed permission sets).
pub fn discover_in(options: &DiscoverOptions, cwd: &Path, source: Source) -> Discovery {
    let paths: Vec<PathBuf> = if options.paths.is_empty() {
        vec![cwd.to_path_buf()]
    } else {
        options
            .paths
            .iter()
            .map(|path| absolute(path, cwd))
            .collect()
    };
    let mut scan = Scan {
        options,
        cwd,
        source,
        problems: Vec::new(),
        collector: Collector::default(),
        excluded: Collector::default(),
        hidden: Inventory::default(),
        roots: BTreeMap::new(),
    };

    // Paths may lie in different projects, and the first one may not exist: each path is scanned with
    // the project around it. The result carries the first path's project.
    let mut projects = BTreeMap::new();
    let mut project_of_first = None;
    if let Some(root) = paths
        .first()
        .and_then(|first| project::find_root_in(first, source))
    {
        project_of_first = project_at(&root, &mut projects, &mut scan.problems, cwd, source);
    }

    for path in &paths {
        let project_root = project::find_root_in(path, source);
        let project = project_root
            .as_deref()
            .and_then(|root| project_at(root, &mut projects, &mut scan.problems, cwd, source));
        let root = project_root.unwrap_or_else(|| {
            if source.is_dir(path) {
                path.clone()
            } else {
                path.parent().map(Path::to_path_buf).unwrap_or_default()
            }
        });
        scan.path(path, &root, project.as_ref());
    }
    let Scan {
        mut problems,
        mut collector,
        excluded,
        hidden,
        ..
    } = scan;
    let mut inventory = std::mem::take(&mut collector.inventory);
    inventory.extend(hidden);
    let (units, unreadable_names) = collector.into_units(cwd);
    let (excluded, _) = excluded.into_units(cwd);
    for (path, named) in unreadable_names {
        let message = "skipped: the file name is not valid UTF-8, which no metadata name is";
        let shown = Some(display_path(&path, cwd));
        // Named on the command line, it was asked for: not linting it is an error.
        problems.push(if named {
            Problem::error(shown, message)
        } else {
            Problem::warning(shown, message)
        });
    }
    Discovery {
        project: project_of_first,
        units,
        excluded,
        inventory,
        problems,
    }
}

/// One discovery: what it was asked, and what it found so far.
struct Scan<'o> {
    options: &'o DiscoverOptions,
    cwd: &'o Path,
    source: Source<'o>,
    problems: Vec<Problem>,
    collector: Collector,
    /// What `.forceignore` and excludes left out, with `collect_excluded`.
    excluded: Collector,
    /// The definitions they left out, collected or not.
    hidden: Inventory,
    /// Per root: its filter (`.forceignore` and excludes, built once however many paths lie under
    /// it) and its real location, which symbolic links must not leave.
    roots: BTreeMap<PathBuf, (Filter, Option<PathBuf>)>,
}

impl Scan<'_> {
    fn path(&mut self, path: &Path, root: &Path, project: Option<&Project>) {
        if !self.roots.contains_key(root) {
            let filter = Filter::new_in(
                root,
                &self.options.excludes,
                &mut self.problems,
                self.cwd,
                self.source,
            );
            // A listing holds no links to leave it by.
            let boundary = match self.source {
                Source::Disk => std::fs::canonicalize(root).ok(),
                Source::Listing(_) => None,
            };
            self.roots.insert(root.to_path_buf(), (filter, boundary));
        }
        let is_dir = match self.source {
            Source::Disk => match std::fs::metadata(path) {
                Ok(metadata) => metadata.is_dir(),
                Err(error) => {
                    self.problems.push(Problem::error(
                        Some(display_path(path, self.cwd)),
                        if error.kind() == std::io::ErrorKind::NotFound {
                            "no such file or directory".to_string()
                        } else {
                            error.to_string()
                        },
                    ));
                    return;
                }
            },
            Source::Listing(_) if self.source.is_file(path) => false,
            Source::Listing(_) if self.source.is_dir(path) => true,
            Source::Listing(_) => {
                self.problems.push(Problem::error(
                    Some(display_path(path, self.cwd)),
                    "no such file or directory",
                ));
                return;
            }
        };
        if is_dir {
            let mut dirs = scan_roots(path, project);
            // Named on the command line: linted, package directory or not (NPSP and EDA keep their
            // permission files under `unpackaged/`). Otherwise a run that finds nothing says where
            // the files are (see `Workspace::load`).
            if dirs.is_empty() && !self.options.paths.is_empty() {
                dirs.push(path.to_path_buf());
            }
            for dir in dirs {
                self.walk(&dir, root);
            }
            return;
        }
        let (filter, _) = &self.roots[root];
        if self.options.force_exclude && filter.is_excluded(path, false) {
            return;
        }
        if !self.inside(path, root) {
            return;
        }
        match bundle_part(path) {
            Some(bundle) => self.walk(&bundle.components().collect::<PathBuf>(), root),
            None => self.collector.add_file(path, true),
        }
    }

    /// Whether `path` really lies inside the project at `root` (or links may leave it); a path
    /// that leads out is reported and skipped. Symbolic links are followed anywhere else on the
    /// machine only when asked: a link named like metadata must not make sflint read and quote,
    /// say, a credentials file.
    fn inside(&mut self, path: &Path, root: &Path) -> bool {
        if self.options.follow_external_links {
            return true;
        }
        let Some(boundary) = &self.roots[root].1 else {
            return true;
        };
        match std::fs::canonicalize(path) {
            Ok(real) if !real.starts_with(boundary) => {
                self.problems.push(Problem::warning(
                    Some(display_path(path, self.cwd)),
                    format!(
                        "skipped: a symbolic link to {}, outside the project (--follow-external-links follows it)",
                        real.display()
                    ),
                ));
                false
            }
            // Broken links and loops are reported by the walk.
            _ => true,
        }
    }

    fn walk(&mut self, dir: &Path, root: &Path) {
        self.collector.sources += 1;
        self.excluded.sources += 1;
        if let Source::Listing(listing) = self.source {
            self.walk_listing(listing, dir, root);
            return;
        }
        if !self.inside(dir, root) {
            return;
        }
        // In file name order. The entries of one directory sorted here share its path up to their
        // names, so comparing whole paths compares names: `sort_by_file_name` finds each name
        // again from the end of the path for every comparison, a fifth of a run on small files.
        let mut entries = WalkDir::new(dir)
            .follow_links(true)
            .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
            .into_iter();
        // Every directory the walk enters passed the filter, so an entry's own match decides;
        // entries of `dir` itself inherit what holds for it (it is walked as named, but may lie
        // below an excluded directory).
        let top = self.roots[root].0.below(dir);
        // The depth of the excluded directory being walked, when excluded files are collected.
        let mut excluded_below: Option<usize> = None;
        while let Some(entry) = entries.next() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    self.walk_error(&error);
                    continue;
                }
            };
            let file_type = entry.file_type();
            if excluded_below.is_some_and(|depth| entry.depth() <= depth) {
                excluded_below = None;
            }
            let found = if file_type.is_dir() {
                None
            } else {
                Collector::classify(entry.path())
            };
            let excluded = excluded_below.is_some()
                || entry.depth() > 0 && {
                    let below = if entry.depth() == 1 {
                        top
                    } else {
                        Below::default()
                    };
                    self.roots[root]
                        .0
                        .is_excluded_below(entry.path(), file_type.is_dir(), below)
                };
            let left = !excluded
                && entry.depth() > 0
                && entry.path_is_symlink()
                && !self.inside(entry.path(), root);
            if excluded && excluded_below.is_none() {
                self.hidden.add_hidden(entry.path(), file_type.is_dir());
            }
            if left || excluded && !self.options.collect_excluded {
                if file_type.is_dir() {
                    entries.skip_current_dir();
                }
                continue;
            }
            if excluded {
                // Kept apart: not linted, but integration users may hold what it defines.
                if file_type.is_dir() {
                    excluded_below.get_or_insert(entry.depth());
                } else if file_type.is_file()
                    && let Some(found) = found
                {
                    self.excluded.add(entry.path(), found, false);
                }
                continue;
            }
            if file_type.is_file() {
                if let Some(found) = found {
                    self.collector.add(entry.path(), found, false);
                }
            } else if file_type.is_dir()
                && entry.depth() > 0
                && let Some(name) = entry.file_name().to_str()
                && MetadataKind::from_file_name(name).is_some()
            {
                self.problems.push(Problem::warning(
                    Some(display_path(entry.path(), self.cwd)),
                    "skipped: a directory named like a metadata file",
                ));
            }
        }
    }

    /// The walk of a listing: its files below `dir`, under the same filter. A file below an
    /// excluded directory is excluded by the directory (`Filter::is_excluded` looks at parents), as
    /// the disk walk skips the directory.
    fn walk_listing(&mut self, listing: &dyn Listing, dir: &Path, root: &Path) {
        let filter = &self.roots[root].0;
        let below = listing
            .files()
            .range(dir.to_path_buf()..)
            .take_while(|file| file.starts_with(dir))
            .filter(|file| file.as_path() != dir);
        for file in below {
            if !filter.is_excluded(file, false) {
                self.collector.add_file(file, false);
            } else {
                self.hidden.add_hidden(file, false);
                if self.options.collect_excluded {
                    self.excluded.add_file(file, false);
                }
            }
        }
    }

    fn walk_error(&mut self, error: &walkdir::Error) {
        let cwd = self.cwd;
        let path = error.path().map(|path| display_path(path, cwd));
        if let Some(ancestor) = error.loop_ancestor() {
            self.problems.push(Problem::warning(
                path,
                format!(
                    "skipped: symbolic link loop back to {}",
                    display_path(ancestor, cwd)
                ),
            ));
        } else if error.path().is_some_and(is_symlink_cycle) {
            self.problems
                .push(Problem::warning(path, "skipped: symbolic link loop"));
        } else if error
            .io_error()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
        {
            self.problems
                .push(Problem::warning(path, "skipped: broken symbolic link"));
        } else {
            let message = error
                .io_error()
                .map_or_else(|| error.to_string(), ToString::to_string);
            self.problems
                .push(Problem::error(path, format!("cannot read: {message}")));
        }
    }
}

/// The project whose root is `root`, read once however many paths lie in it; a project file that
/// cannot be read is reported once.
fn project_at(
    root: &Path,
    projects: &mut BTreeMap<PathBuf, Option<Project>>,
    problems: &mut Vec<Problem>,
    cwd: &Path,
    source: Source,
) -> Option<Project> {
    projects
        .entry(root.to_path_buf())
        .or_insert_with(|| match Project::load_in(root, source) {
            Ok(project) => {
                for entry in &project.bad_entries {
                    problems.push(
                        Problem::error(Some(display_path(&entry.path, cwd)), &entry.message)
                            .at(entry.line, entry.column),
                    );
                }
                Some(project)
            }
            Err(error) => {
                problems.push(
                    Problem::error(Some(display_path(&error.path, cwd)), error.message)
                        .at(error.line, error.column),
                );
                None
            }
        })
        .clone()
}

/// The directories to walk for a directory argument: the package directories inside it, or the
/// directory itself when it lies inside a package directory or there is no project.
fn scan_roots(dir: &Path, project: Option<&Project>) -> Vec<PathBuf> {
    let Some(project) = project else {
        return vec![dir.to_path_buf()];
    };
    let mut roots = Vec::new();
    for package in &project.package_dirs {
        if dir.starts_with(package) {
            return vec![dir.to_path_buf()];
        }
        if package.starts_with(dir) {
            roots.push(package.clone());
        }
    }
    roots
}

/// Whether `path` is a symbolic link that only ever leads to other links (`a -> b -> a`, or a link to
/// itself). walkdir reports only loops through directories it has entered; these fail with ELOOP,
/// which std cannot name on stable, so the chain is followed as far as the kernel would (40 links).
fn is_symlink_cycle(path: &Path) -> bool {
    let mut current = path.to_path_buf();
    for _ in 0..=40 {
        match std::fs::read_link(&current) {
            Ok(target) => {
                current = match current.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                }
            }
            Err(_) => return false,
        }
    }
    true
}

/// For a file of a decomposed permission set, the folder that holds the set
/// (`…/permissionsets/<Name>/`): either the set's main file `<Name>/<Name>.permissionset-meta.xml`, or
/// a `-meta.xml` part whose suffix is not itself a component type (`<Name>.userPermission-meta.xml`,
/// `objectSettings/Account.objectSettings-meta.xml`, `objectPermissions/X.objectPermission-meta.xml`).
/// The folder is a part of `path` (compare it as a path: it may keep a `.` or doubled separator).
pub(crate) fn bundle_part(path: &Path) -> Option<&Path> {
    #[cfg(unix)]
    if let Some(text) = path.to_str() {
        // Both ways below need a `-meta.xml` file below a `permissionsets` directory; most files
        // of a project are neither, and this costs a fraction of checking the path's shape.
        static PERMISSION_SETS: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
            std::sync::LazyLock::new(|| memchr::memmem::Finder::new("permissionsets"));
        if !text.ends_with("-meta.xml") || PERMISSION_SETS.find(text.as_bytes()).is_none() {
            return None;
        }
        if crate::source::is_plain(text) {
            return bundle_part_plain(text).map(Path::new);
        }
    }
    bundle_part_components(path)
}

/// [`bundle_part`] of any path, by its components.
fn bundle_part_components(path: &Path) -> Option<&Path> {
    let file_name = path.file_name()?.to_str()?;
    if !file_name.ends_with("-meta.xml") {
        return None;
    }
    // The nearest `permissionsets` directory that has a folder between it and the file: walking up
    // from the file's grandparent, `bundle` is the folder below `dir`.
    let mut bundle = path.parent()?;
    let mut dir = bundle.parent()?;
    let mut direct = true;
    while last_component(dir) != Some(OsStr::new("permissionsets")) {
        bundle = dir;
        dir = dir.parent()?;
        direct = false;
    }
    let bundle_name = last_component(bundle)?.to_str()?;
    let is_part = match MetadataKind::from_file_name(file_name) {
        None => true,
        Some((kind, stem)) => kind == MetadataKind::PermissionSet && stem == bundle_name && direct,
    };
    is_part.then_some(bundle)
}

/// [`bundle_part`] of a path whose components are its `/`-separated parts (see
/// [`crate::source::is_plain`]), without parsing components again for every parent.
#[cfg(unix)]
fn bundle_part_plain(text: &str) -> Option<&str> {
    // Backward searches with memrchr: these paths are long and the generic `rfind` goes a
    // character at a time.
    let last_slash = |text: &str| memchr::memrchr(b'/', text.as_bytes());
    let slash = last_slash(text)?;
    // `bundle_part` has checked the `-meta.xml` name and that a `permissionsets` directory may hold it.
    let (dirs, file_name) = (&text[..slash], &text[slash + 1..]);
    // `dirs[..end]` is the candidate folder, `dirs[..start]` the directory above it.
    let mut end = dirs.len();
    let mut direct = true;
    loop {
        let start = last_slash(&dirs[..end])?;
        let above = &dirs[..start];
        let above_name = last_slash(above).map_or(above, |slash| &above[slash + 1..]);
        if above_name == "permissionsets" {
            let bundle_name = &dirs[start + 1..end];
            let is_part = match MetadataKind::from_file_name(file_name) {
                None => true,
                Some((kind, stem)) => {
                    kind == MetadataKind::PermissionSet && stem == bundle_name && direct
                }
            };
            return is_part.then_some(&dirs[..end]);
        }
        end = start;
        direct = false;
    }
}

fn last_component(path: &Path) -> Option<&OsStr> {
    path.components()
        .next_back()
        .map(|component| component.as_os_str())
}

/// The metadata files found, grouped into components.
#[derive(Default)]
struct Collector {
    /// Single-file components, in the order found: a walk finds them sorted, and `into_units`
    /// sorts them otherwise (files found by more than one path given).
    singles: Vec<(PathBuf, MetadataKind, String)>,
    /// The folder of each decomposed permission set and its files, in the order found (a walk
    /// finds a folder's files one after another).
    bundles: Vec<(PathBuf, Vec<PathBuf>)>,
    /// Files that look like metadata but whose names are not UTF-8, and whether each was named.
    unreadable_names: BTreeMap<PathBuf, bool>,
    /// The rest of the project: what permission files may refer to.
    inventory: Inventory,
    /// How many walks and named files fed it. One walk finds files in path order, folder by
    /// folder; only more than one source can leave them out of order or found twice.
    sources: usize,
}

/// What a file is to the collector (borrowing from its path).
enum Found<'p> {
    /// A component of one file: its kind and name.
    Single(MetadataKind, &'p str),
    /// A file of the decomposed permission set in this folder.
    Part(&'p Path),
    /// Named like metadata, but not in UTF-8.
    Unreadable,
    /// Any other file (in UTF-8): the inventory may want it.
    Other,
}

impl Collector {
    /// What `path` is; nothing for a file whose name is not UTF-8 and not like metadata.
    fn classify(path: &Path) -> Option<Found<'_>> {
        if let Some(bundle) = bundle_part(path) {
            return Some(Found::Part(bundle));
        }
        let file_name = path.file_name()?;
        match file_name.to_str() {
            Some(file_name) => Some(
                MetadataKind::from_file_name(file_name)
                    .map_or(Found::Other, |(kind, name)| Found::Single(kind, name)),
            ),
            None => MetadataKind::from_file_name(&file_name.to_string_lossy())
                .is_some()
                .then_some(Found::Unreadable),
        }
    }

    /// Adds a file if it is metadata, or to the inventory; `named` when it was given on the command
    /// line.
    fn add_file(&mut self, path: &Path, named: bool) {
        if named {
            self.sources += 1;
        }
        if let Some(found) = Collector::classify(path) {
            self.add(path, found, named);
        }
    }

    fn add(&mut self, path: &Path, found: Found<'_>, named: bool) {
        match found {
            Found::Part(bundle) => match self.bundles.last_mut() {
                Some((last, parts)) if last.as_path() == bundle => parts.push(path.to_path_buf()),
                _ => self
                    .bundles
                    .push((bundle.components().collect(), vec![path.to_path_buf()])),
            },
            Found::Single(kind, name) => {
                self.singles
                    .push((path.to_path_buf(), kind, name.to_string()));
            }
            Found::Unreadable => {
                *self.unreadable_names.entry(path.to_path_buf()).or_default() |= named;
            }
            Found::Other => {
                self.inventory.add(path);
            }
        }
    }

    /// The units found, each file named once with its display path (relative to `cwd`), and the
    /// files skipped for their names.
    fn into_units(self, cwd: &Path) -> (Vec<Unit>, BTreeMap<PathBuf, bool>) {
        let Collector {
            mut singles,
            mut bundles,
            unreadable_names,
            sources,
            ..
        } = self;
        // Strictly increasing: sorted, and no file twice. Checking it compares paths component
        // by component, a tenth of discovery on thousands of small files, so it is left out when
        // one walk found everything.
        let in_order = sources <= 1;
        if !in_order && !singles.is_sorted_by(|a, b| a.0 < b.0) {
            singles.sort_by(|a, b| a.0.cmp(&b.0));
            singles.dedup_by(|a, b| a.0 == b.0);
        }
        let bundles_in_order = in_order
            || bundles.is_sorted_by(|a, b| a.0 < b.0)
                && bundles
                    .iter()
                    .all(|(_, parts)| parts.is_sorted_by(|a, b| a < b));
        if !bundles_in_order {
            let mut merged: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
            for (bundle, parts) in bundles {
                merged.entry(bundle).or_default().extend(parts);
            }
            bundles = merged
                .into_iter()
                .map(|(bundle, parts)| (bundle, parts.into_iter().collect()))
                .collect();
        }
        let mut units: Vec<Unit> = Vec::with_capacity(singles.len() + bundles.len());
        units.extend(singles.into_iter().map(|(path, kind, name)| Unit {
            kind,
            name,
            files: vec![FilePath::new(path, cwd)],
            decomposed: false,
        }));
        for (bundle, mut files) in bundles {
            let name = bundle
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            // The main file first, then the parts in path order.
            let main = bundle.join(format!("{name}.permissionset-meta.xml"));
            if let Ok(at) = files.binary_search_by(|part| part.as_path().cmp(&main)) {
                files[..=at].rotate_right(1);
            }
            units.push(Unit {
                kind: MetadataKind::PermissionSet,
                name,
                files: files
                    .into_iter()
                    .map(|file| FilePath::new(file, cwd))
                    .collect(),
                decomposed: true,
            });
        }
        units.sort_by(|a, b| a.files[0].fs.cmp(&b.files[0].fs));
        (units, unreadable_names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::ProblemLevel;

    #[test]
    fn built_in_ignores_are_decided_as_the_matcher_decides_them() {
        let root = Path::new("/p");
        let filter = Filter::new(root, &[], &mut Vec::new(), root);
        assert!(!filter.has_forceignore);
        for name in [
            ".git",
            ".sfdx",
            "a.dup",
            ".dup",
            "x.dupe",
            "dup",
            "package2-descriptor.json",
            "package2-manifest.json",
            "package2-descriptor.jsonx",
            "Account.object-meta.xml",
            "fields",
            "a.b",
            "-",
            "é.dup",
        ] {
            for dir in ["", "force-app/main/default/", "a/.hidden/"] {
                let relative = PathBuf::from(format!("{dir}{name}"));
                for is_dir in [false, true] {
                    let matcher = filter.forceignore.matched(&relative, is_dir).is_ignore();
                    assert_eq!(
                        is_built_in_ignore(&relative),
                        matcher,
                        "{relative:?} (directory: {is_dir})"
                    );
                    // As the walk asks it, with the whole path.
                    let below =
                        filter.is_excluded_below(&root.join(&relative), is_dir, Below::default());
                    assert_eq!(below, matcher, "{relative:?} (directory: {is_dir}), walked");
                }
            }
        }
    }

    /// A project whose one package directory is `force-app`.
    fn force_app_project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("sfdx-project.json"),
            r#"{"packageDirectories":[{"path":"force-app"}]}"#,
        )
        .unwrap();
        dir
    }

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "<x/>").unwrap();
    }

    /// One walk is trusted to find files in order; paths given in any order, overlapping, come
    /// out the same as that walk: sorted, each file once, a decomposed set's main file first.
    #[test]
    fn units_of_overlapping_paths_in_any_order_are_those_of_one_walk() {
        let dir = force_app_project();
        let root = dir.path();
        let sets = root.join("force-app/permissionsets");
        touch(&sets.join("B.permissionset-meta.xml"));
        touch(&sets.join("a-b.permissionset-meta.xml"));
        touch(&sets.join("a/a.permissionset-meta.xml"));
        touch(&sets.join("a/x.userPermission-meta.xml"));
        touch(&sets.join("a/objectSettings/Account.objectSettings-meta.xml"));
        let units = |paths: &[&str]| -> Vec<(String, Vec<String>)> {
            let options = DiscoverOptions {
                paths: paths.iter().map(PathBuf::from).collect(),
                ..DiscoverOptions::default()
            };
            discover(&options, root)
                .units
                .iter()
                .map(|unit| {
                    let files = unit.files.iter().map(|file| file.display.clone()).collect();
                    (unit.name.clone(), files)
                })
                .collect()
        };
        let walked = units(&[]);
        assert_eq!(
            walked,
            [
                (
                    "B".to_string(),
                    vec!["force-app/permissionsets/B.permissionset-meta.xml".to_string()]
                ),
                (
                    "a".to_string(),
                    vec![
                        "force-app/permissionsets/a/a.permissionset-meta.xml".to_string(),
                        "force-app/permissionsets/a/objectSettings/Account.objectSettings-meta.xml"
                            .to_string(),
                        "force-app/permissionsets/a/x.userPermission-meta.xml".to_string(),
                    ]
                ),
                (
                    "a-b".to_string(),
                    vec!["force-app/permissionsets/a-b.permissionset-meta.xml".to_string()]
                ),
            ]
        );
        for paths in [
            &[
                "force-app/permissionsets/a-b.permissionset-meta.xml",
                "force-app/permissionsets/a/x.userPermission-meta.xml",
                "force-app",
                "force-app/permissionsets/B.permissionset-meta.xml",
            ][..],
            &[
                "force-app/permissionsets/a",
                "force-app/permissionsets",
                "force-app",
            ],
        ] {
            assert_eq!(units(paths), walked, "{paths:?}");
        }
    }

    #[test]
    fn finds_metadata_in_package_directories_only() {
        let dir = force_app_project();
        let root = dir.path();
        touch(&root.join("force-app/main/default/profiles/Admin.profile-meta.xml"));
        touch(&root.join("force-app/main/default/permissionsets/A.permissionset-meta.xml"));
        touch(&root.join("force-app/main/default/classes/A.cls-meta.xml"));
        touch(&root.join("elsewhere/B.permissionset-meta.xml"));
        let found = discover(&DiscoverOptions::default(), root);
        let names: Vec<_> = found.units.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["A", "Admin"]);
        assert!(found.problems.is_empty());
    }

    #[test]
    fn groups_decomposed_permission_sets() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let ps = root.join("permissionsets/Sales");
        touch(&ps.join("objectSettings/Account.objectSettings-meta.xml"));
        touch(&ps.join("Sales.userPermission-meta.xml"));
        touch(&ps.join("Sales.permissionset-meta.xml"));
        let found = discover(&DiscoverOptions::default(), root);
        assert_eq!(found.units.len(), 1);
        let unit = &found.units[0];
        assert!(unit.decomposed);
        assert_eq!(unit.name, "Sales");
        assert_eq!(unit.files[0].fs, ps.join("Sales.permissionset-meta.xml"));
        assert_eq!(unit.files.len(), 3);
        // Naming one part loads the whole permission set.
        let options = DiscoverOptions {
            paths: vec![ps.join("Sales.userPermission-meta.xml")],
            ..Default::default()
        };
        assert_eq!(discover(&options, root).units[0].files.len(), 3);
    }

    /// Plain paths are cut as text (after the checks on the name), the same as by components.
    #[cfg(unix)]
    #[test]
    fn bundle_parts_of_plain_paths_are_found_as_by_components() {
        for path in [
            "/p/permissionsets/Sales/Sales.permissionset-meta.xml",
            "/p/permissionsets/Sales/Other.permissionset-meta.xml",
            "/p/permissionsets/Sales/Sales.userPermission-meta.xml",
            "/p/permissionsets/Sales/objectSettings/Account.objectSettings-meta.xml",
            "/p/permissionsets/Sales/a/b/X.profile-meta.xml",
            "/p/permissionsets/permissionsets/S/S.permissionset-meta.xml",
            "/p/permissionsets/Rep.permissionset-meta.xml",
            "/p/profiles/Admin.profile-meta.xml",
            "/permissionsets/S/x-meta.xml",
            "permissionsets/S/x-meta.xml",
            "permissionsets/x-meta.xml",
            "S/x-meta.xml",
            "x-meta.xml",
            "/x-meta.xml",
            "/p/permissionsets/../S/x-meta.xml",
            "/p/permissionsets/S/x.xml",
        ] {
            // As the walk asks it: the early exits, then the text.
            assert!(crate::source::is_plain(path), "{path}");
            let path = Path::new(path);
            assert_eq!(bundle_part(path), bundle_part_components(path), "{path:?}");
        }
    }

    #[test]
    fn folders_that_only_organise_permission_sets_are_not_decomposed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(&root.join("permissionsets/sales/Rep.permissionset-meta.xml"));
        touch(&root.join("permissionsets/old/Legacy.permissionset"));
        let found = discover(&DiscoverOptions::default(), root);
        let names: Vec<_> = found
            .units
            .iter()
            .map(|u| (u.name.as_str(), u.decomposed))
            .collect();
        assert_eq!(names, [("Legacy", false), ("Rep", false)]);
    }

    #[test]
    fn honours_forceignore_and_excludes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join(".forceignore"), "# comment\nprofiles/\n!keep/\n").unwrap();
        touch(&root.join("profiles/Admin.profile-meta.xml"));
        touch(&root.join("permissionsets/A.permissionset-meta.xml"));
        touch(&root.join("permissionsets/B.permissionset-meta.xml"));
        touch(&root.join("permissionsets/C.permissionset-meta.xml.dup"));
        touch(&root.join(".hidden/D.permissionset-meta.xml"));
        let options = DiscoverOptions {
            excludes: vec!["B.*".into()],
            ..Default::default()
        };
        let found = discover(&options, root);
        let names: Vec<_> = found.units.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["A"]);
    }

    #[test]
    fn each_path_is_scanned_with_its_own_project() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for project in ["a", "b"] {
            touch(
                &root
                    .join(project)
                    .join("force-app/In.permissionset-meta.xml"),
            );
            touch(
                &root
                    .join(project)
                    .join("outside/Out.permissionset-meta.xml"),
            );
            std::fs::write(
                root.join(project).join("sfdx-project.json"),
                r#"{"packageDirectories":[{"path":"force-app"}]}"#,
            )
            .unwrap();
        }
        // Neither a second project nor a first path that does not exist may widen the scan beyond
        // the package directories.
        let cases: [(&[&str], &[&str]); 2] = [
            (
                &["a", "b"],
                &[
                    "a/force-app/In.permissionset-meta.xml",
                    "b/force-app/In.permissionset-meta.xml",
                ],
            ),
            (
                &["missing", "b"],
                &["b/force-app/In.permissionset-meta.xml"],
            ),
        ];
        for (paths, expected) in cases {
            let options = DiscoverOptions {
                paths: paths.iter().map(PathBuf::from).collect(),
                ..Default::default()
            };
            let found = discover(&options, root);
            let files: Vec<String> = found
                .units
                .iter()
                .map(|unit| display_path(&unit.files[0].fs, root))
                .collect();
            assert_eq!(files, expected, "{paths:?}");
        }
    }

    #[test]
    fn missing_paths_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let options = DiscoverOptions {
            paths: vec![PathBuf::from("nope")],
            ..Default::default()
        };
        let found = discover(&options, dir.path());
        assert_eq!(found.problems.len(), 1);
        assert_eq!(found.problems[0].message, "no such file or directory");
    }

    #[cfg(unix)]
    #[test]
    fn survives_symlink_loops() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(&root.join("a/A.permissionset-meta.xml"));
        std::os::unix::fs::symlink(root.join("a"), root.join("a/loop")).unwrap();
        let found = discover(&DiscoverOptions::default(), root);
        assert_eq!(found.units.len(), 1);
        assert!(found.problems[0].message.contains("symbolic link loop"));
    }

    #[cfg(unix)]
    #[test]
    fn links_that_only_lead_to_each_other_are_loops_not_errors() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        touch(&root.join("a/A.permissionset-meta.xml"));
        let link = |target: &str, name: &str| {
            std::os::unix::fs::symlink(target, root.join("a").join(name)).unwrap();
        };
        link("Self.permissionset-meta.xml", "Self.permissionset-meta.xml");
        link("Two.permissionset-meta.xml", "One.permissionset-meta.xml");
        link("One.permissionset-meta.xml", "Two.permissionset-meta.xml");
        link(
            "Nowhere.permissionset-meta.xml",
            "Broken.permissionset-meta.xml",
        );
        let found = discover(&DiscoverOptions::default(), root);
        assert_eq!(found.units.len(), 1);
        let problems: Vec<(ProblemLevel, String, String)> = found
            .problems
            .iter()
            .map(|p| (p.level, p.path.clone().unwrap(), p.message.clone()))
            .collect();
        let warning = |name: &str, message: &str| {
            (
                ProblemLevel::Warning,
                display_path(&root.join("a").join(name), root),
                message.to_string(),
            )
        };
        assert_eq!(
            problems,
            [
                warning(
                    "Broken.permissionset-meta.xml",
                    "skipped: broken symbolic link"
                ),
                warning("One.permissionset-meta.xml", "skipped: symbolic link loop"),
                warning("Self.permissionset-meta.xml", "skipped: symbolic link loop"),
                warning("Two.permissionset-meta.xml", "skipped: symbolic link loop"),
            ]
        );
    }
}

#[cfg(test)]
mod filter_tests {
    use super::*;

    /// `.forceignore` is read once per root, however many files are named under it (it was rebuilt
    /// for each: 400 named files and a 1,000-line `.forceignore` took 10 s).
    #[test]
    fn forceignore_is_read_once_for_all_files_named_under_one_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join(".forceignore"), "[z-a]\n").unwrap();
        let mut paths = Vec::new();
        for name in ["A", "B", "C"] {
            let path = root.join(format!("{name}.permissionset-meta.xml"));
            std::fs::write(&path, "<x/>").unwrap();
            paths.push(path);
        }
        let found = discover(
            &DiscoverOptions {
                paths,
                ..DiscoverOptions::default()
            },
            root,
        );
        assert_eq!(found.units.len(), 3);
        let warnings: Vec<&str> = found.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("some patterns could not be read"),
            "{warnings:?}"
        );
    }
    /// The walk decides each entry by its own match and what holds for its directory; that is what
    /// matching the entry and every parent decides ([`Filter::is_excluded`]) for each file whose
    /// directories below the walked one are not excluded: `.forceignore` negations, directory
    /// patterns, a walked directory below an ignored or glob-excluded one.
    #[test]
    fn a_walk_excludes_what_is_excluded_says() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join(".forceignore"),
            "ignored/\n!**/ignored/Keep*\n**/old/\n!**/old/\nNot*\n!**/sub/Not*\n",
        )
        .unwrap();
        std::fs::write(
            root.join("sfdx-project.json"),
            r#"{"packageDirectories":[{"path":"force-app"}]}"#,
        )
        .unwrap();
        let files = [
            "force-app/A.permissionset-meta.xml",
            "force-app/NotThis.permissionset-meta.xml",
            "force-app/sub/NotThat.permissionset-meta.xml",
            "force-app/ignored/B.permissionset-meta.xml",
            "force-app/ignored/Keep.permissionset-meta.xml",
            "force-app/ignored/inner/Keep2.permissionset-meta.xml",
            "force-app/old/C.permissionset-meta.xml",
            "force-app/skipped/D.permissionset-meta.xml",
            "force-app/skipped/sub/E.permissionset-meta.xml",
            "force-app/deep/x/Z.permissionset-meta.xml",
            "force-app/deep/x/Y.permissionset-meta.xml",
            "force-app/.hidden/F.permissionset-meta.xml",
        ];
        for file in files {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "<x/>").unwrap();
        }
        let excludes = vec!["skipped".to_string(), "force-app/deep/**/Z*".to_string()];
        let filter = Filter::new(root, &excludes, &mut Vec::new(), root);
        for walked in [
            "force-app",
            "force-app/ignored",
            "force-app/ignored/inner",
            "force-app/skipped/sub",
            "force-app/old",
            "force-app/.hidden",
        ] {
            let walked = root.join(walked);
            let expected: Vec<PathBuf> = files
                .iter()
                .map(|file| root.join(file))
                .filter(|file| {
                    file.starts_with(&walked)
                        && !filter.is_excluded(file, false)
                        && file
                            .ancestors()
                            .skip(1)
                            .take_while(|dir| *dir != walked)
                            .all(|dir| !filter.is_excluded(dir, true))
                })
                .collect();
            let options = DiscoverOptions {
                paths: vec![walked.clone()],
                excludes: excludes.clone(),
                ..DiscoverOptions::default()
            };
            let mut found: Vec<PathBuf> = discover(&options, root)
                .units
                .iter()
                .map(|unit| unit.files[0].fs.clone())
                .collect();
            found.sort();
            let mut expected = expected;
            expected.sort();
            assert_eq!(found, expected, "{walked:?}");
        }
    }
}

/// Permission metadata of the project outside its package directories, by the top directory it lies
/// in (relative to the root, as shown) with a count: what a run that found nothing left out.
pub fn metadata_outside_packages(project: &Project, excludes: &[String]) -> Vec<(PathBuf, usize)> {
    let mut ignored = Vec::new();
    let filter = Filter::new(&project.root, excludes, &mut ignored, &project.root);
    let mut found: BTreeMap<PathBuf, usize> = BTreeMap::new();
    let mut entries = WalkDir::new(&project.root).sort_by_file_name().into_iter();
    while let Some(Ok(entry)) = entries.next() {
        let path = entry.path();
        let is_dir = entry.file_type().is_dir();
        if entry.depth() > 0
            && (filter.is_excluded(path, is_dir)
                || project.package_dirs.iter().any(|dir| dir == path)
                || entry.file_name() == "node_modules")
        {
            if is_dir {
                entries.skip_current_dir();
            }
            continue;
        }
        let is_metadata = entry
            .file_name()
            .to_str()
            .is_some_and(|name| MetadataKind::from_file_name(name).is_some());
        if entry.file_type().is_file()
            && is_metadata
            && let Ok(relative) = path.strip_prefix(&project.root)
            && let Some(top) = relative.components().next()
        {
            *found.entry(PathBuf::from(top.as_os_str())).or_default() += 1;
        }
    }
    found.into_iter().collect()
}

#[cfg(test)]
mod listing_tests {
    use super::*;
    use crate::fileset::{FileSet, Memory};

    /// The files of a directory, listed and held in memory as a git tree would be.
    struct Listed {
        files: BTreeSet<PathBuf>,
        bytes: Memory,
    }

    impl FileSet for Listed {
        fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
            self.bytes.read(path)
        }
    }

    impl Listing for Listed {
        fn files(&self) -> &BTreeSet<PathBuf> {
            &self.files
        }
    }

    fn listed(root: &Path) -> Listed {
        let mut listed = Listed {
            files: BTreeSet::new(),
            bytes: Memory::new(),
        };
        for entry in WalkDir::new(root) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                listed.files.insert(entry.path().to_path_buf());
                listed
                    .bytes
                    .insert(entry.path(), std::fs::read(entry.path()).unwrap());
            }
        }
        listed
    }

    fn summary(found: &Discovery) -> Vec<(String, bool, Vec<String>)> {
        found
            .units
            .iter()
            .chain(&found.excluded)
            .map(|unit| {
                (
                    unit.name.clone(),
                    unit.decomposed,
                    unit.files.iter().map(|file| file.display.clone()).collect(),
                )
            })
            .collect()
    }

    /// Discovery over a listing finds what the disk walk finds, under the same rules: package
    /// directories, `.forceignore` (directories, negations), excludes, decomposed permission sets,
    /// named files and directories, excluded files collected for integration users.
    #[test]
    fn a_listing_finds_what_the_disk_finds() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "sfdx-project.json",
            r#"{"packageDirectories":[{"path":"force-app"},{"path":"extra"},{"path":"gone"}]}"#,
        );
        write(".forceignore", "**/profiles/Old*\nignored/\n");
        for path in [
            "force-app/main/default/profiles/Admin.profile-meta.xml",
            "force-app/main/default/profiles/Old Admin.profile-meta.xml",
            "force-app/main/default/permissionsets/A.permissionset-meta.xml",
            "force-app/main/default/permissionsets/Sales/Sales.permissionset-meta.xml",
            "force-app/main/default/permissionsets/Sales/Sales.userPermission-meta.xml",
            "force-app/main/default/permissionsets/Sales/objectSettings/Account.objectSettings-meta.xml",
            "force-app/main/default/permissionsetgroups/G.permissionsetgroup-meta.xml",
            "force-app/main/default/mutingpermissionsets/M.mutingpermissionset-meta.xml",
            "force-app/main/default/classes/C.cls-meta.xml",
            "force-app/ignored/B.permissionset-meta.xml",
            "force-app/skipped/D.permissionset-meta.xml",
            "extra/E.permissionset",
            "unpackaged/U.permissionset-meta.xml",
        ] {
            write(path, "<x/>");
        }
        let listing = listed(root);
        let cases = [
            DiscoverOptions::default(),
            DiscoverOptions {
                excludes: vec!["skipped".into()],
                collect_excluded: true,
                ..DiscoverOptions::default()
            },
            DiscoverOptions {
                paths: vec![
                    PathBuf::from(
                        "force-app/main/default/permissionsets/Sales/Sales.userPermission-meta.xml",
                    ),
                    PathBuf::from("extra"),
                    PathBuf::from("unpackaged"),
                    PathBuf::from("missing.permissionset-meta.xml"),
                ],
                ..DiscoverOptions::default()
            },
            DiscoverOptions {
                paths: vec![PathBuf::from(
                    "force-app/main/default/profiles/Old Admin.profile-meta.xml",
                )],
                force_exclude: true,
                ..DiscoverOptions::default()
            },
        ];
        for options in cases {
            let disk = discover_in(&options, root, Source::Disk);
            let tree = discover_in(&options, root, Source::Listing(&listing));
            assert_eq!(disk.units.is_empty(), options.force_exclude, "{options:?}");
            assert_eq!(summary(&tree), summary(&disk), "{options:?}");
            assert_eq!(tree.project, disk.project, "{options:?}");
            assert_eq!(tree.problems, disk.problems, "{options:?}");
        }
    }
}
