//! Git revisions as file sets. A revision's tree is listed with `git ls-tree` and the blobs a run
//! needs are read with one `git cat-file --batch`: nothing is checked out, and the work tree and
//! the index stay as they are (`GIT_OPTIONAL_LOCKS=0` keeps even `git diff` from refreshing the
//! index).
//!
//! The `git` command, not a library: it is on every machine that has the repository (a CI
//! checkout, a developer's clone), it reads every repository layout git itself reads (worktrees,
//! alternates, partial clones, SHA-256 object ids) with the user's own configuration, and it
//! costs sflint no dependency tree to build and audit. Three processes per revision are nothing
//! next to parsing the metadata.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::fileset::{FileSet, Listing, MAX_FILE_BYTES, Memory};

/// The git repository around a working directory.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The top of the work tree, written as a parent of the working directory (not resolved
    /// through links), so that a tree's files are named as the work tree's are.
    pub top: PathBuf,
}

/// A path of the repository (`/`-separated, relative to its top) under `top`.
pub fn under(top: &Path, relative: &[u8]) -> PathBuf {
    let mut path = top.to_path_buf();
    for part in relative.split(|&byte| byte == b'/') {
        if !part.is_empty() {
            path.push(os_str(part));
        }
    }
    path
}

#[cfg(unix)]
fn os_str(bytes: &[u8]) -> &OsStr {
    use std::os::unix::ffi::OsStrExt;
    OsStr::from_bytes(bytes)
}

#[cfg(not(unix))]
fn os_str(bytes: &[u8]) -> std::borrow::Cow<'_, OsStr> {
    match String::from_utf8_lossy(bytes) {
        std::borrow::Cow::Borrowed(text) => std::borrow::Cow::Borrowed(OsStr::new(text)),
        std::borrow::Cow::Owned(text) => std::borrow::Cow::Owned(text.into()),
    }
}

impl Repo {
    /// The repository whose work tree holds `cwd`.
    pub fn around(cwd: &Path) -> Result<Repo, String> {
        let output = Command::new("git")
            .args(["rev-parse", "--show-prefix"])
            .current_dir(cwd)
            .env("GIT_OPTIONAL_LOCKS", "0")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .map_err(|error| format!("cannot run git: {error}"))?;
        if !output.status.success() {
            return Err(format!(
                "{} is not in a git repository (or git cannot read it)",
                crate::escape::text(&cwd.display().to_string())
            ));
        }
        let prefix = String::from_utf8_lossy(&output.stdout);
        let prefix = prefix.trim_end_matches(['\n', '\r']);
        let mut top = cwd.to_path_buf();
        for _ in Path::new(prefix).components() {
            top.pop();
        }
        Ok(Repo { top })
    }

    /// Runs git in the top of the work tree; its standard output, or its first error line.
    fn git<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Vec<u8>, String> {
        let output = Command::new("git")
            .args(args)
            .current_dir(&self.top)
            .env("GIT_OPTIONAL_LOCKS", "0")
            .stdin(Stdio::null())
            .output()
            .map_err(|error| format!("cannot run git: {error}"))?;
        if output.status.success() {
            return Ok(output.stdout);
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().find(|line| !line.trim().is_empty());
        Err(format!(
            "git {} failed: {}",
            args.first()
                .map(|arg| arg.as_ref().to_string_lossy().into_owned())
                .unwrap_or_default(),
            crate::escape::text(first.unwrap_or("no message").trim())
        ))
    }

    /// The commit a revision names, as a full object id.
    pub fn resolve(&self, revision: &str) -> Result<String, String> {
        let unknown = || {
            format!(
                "unknown revision {:?}: not a commit of this repository",
                crate::escape::text(revision)
            )
        };
        // A revision is never an option, whatever it is called.
        if revision.is_empty() || revision.starts_with('-') {
            return Err(unknown());
        }
        let spec = format!("{revision}^{{commit}}");
        let output = self
            .git(&["rev-parse", "--verify", "--quiet", spec.as_str()])
            .map_err(|_| unknown())?;
        let id = String::from_utf8_lossy(&output).trim().to_string();
        if id.is_empty() {
            return Err(unknown());
        }
        Ok(id)
    }

    /// The merge base of `HEAD` with the default branch: the remote's `HEAD`, else `origin/main`,
    /// `origin/master`, `main` or `master`, the first that exists.
    /// The branch and the commit.
    pub fn default_base(&self) -> Result<(String, String), String> {
        let remote_head = self
            .git(&["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"])
            .ok()
            .map(|output| String::from_utf8_lossy(&output).trim().to_string())
            .filter(|name| !name.is_empty());
        let candidates = remote_head.into_iter().chain(
            ["origin/main", "origin/master", "main", "master"]
                .into_iter()
                .map(str::to_string),
        );
        for branch in candidates {
            if self.resolve(&branch).is_err() {
                continue;
            }
            let base = self.git(&["merge-base", branch.as_str(), "HEAD"])?;
            let branch = branch
                .strip_prefix("refs/remotes/")
                .unwrap_or(&branch)
                .to_string();
            return Ok((branch, String::from_utf8_lossy(&base).trim().to_string()));
        }
        Err("no default branch found (origin/HEAD, main or master): name the base revision, e.g. `sflint diff origin/develop`".to_string())
    }

    /// The files of `revision` (read as needed with [`GitTree::load`]); the configuration and
    /// project files are read at once.
    pub fn tree(&self, revision: &str) -> Result<GitTree, String> {
        let commit = self.resolve(revision)?;
        let listing = self.git(&["ls-tree", "-r", "-z", "--full-tree", commit.as_str()])?;
        let mut oids = BTreeMap::new();
        for record in listing.split(|&byte| byte == 0) {
            // `<mode> SP <type> SP <object> TAB <path>`
            let Some(tab) = record.iter().position(|&byte| byte == b'\t') else {
                continue;
            };
            let (head, path) = (&record[..tab], &record[tab + 1..]);
            let mut fields = head.split(|&byte| byte == b' ');
            let (Some(mode), Some(kind), Some(oid)) = (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            // Symbolic links (120000) and submodules are not files of the revision.
            if kind != b"blob" || mode == b"120000" {
                continue;
            }
            oids.insert(
                under(&self.top, path),
                String::from_utf8_lossy(oid).into_owned(),
            );
        }
        let mut tree = GitTree {
            revision: revision.to_string(),
            commit,
            top: self.top.clone(),
            files: oids.keys().cloned().collect(),
            oids,
            blobs: Memory::new(),
            oversized: BTreeMap::new(),
        };
        let project_files: Vec<PathBuf> = tree
            .files
            .iter()
            .filter(|path| {
                path.file_name().is_some_and(|name| {
                    name == crate::project::PROJECT_FILE
                        || name == ".forceignore"
                        || name == crate::config::CONFIG_FILE
                })
            })
            .cloned()
            .collect();
        tree.load(&project_files)?;
        Ok(tree)
    }

    /// Files renamed from `base` to `head` (the work tree when `None`), as git's rename detection
    /// pairs them (`git diff -M`): (old path, new path), absolute.
    pub fn renames(
        &self,
        base: &str,
        head: Option<&str>,
    ) -> Result<Vec<(PathBuf, PathBuf)>, String> {
        let mut args = vec![
            "diff",
            "--name-status",
            "-z",
            "-M",
            "--no-ext-diff",
            "--no-relative",
            base,
        ];
        args.extend(head);
        let output = self.git(&args)?;
        let mut fields = output.split(|&byte| byte == 0);
        let mut renamed = Vec::new();
        while let Some(status) = fields.next() {
            if status.is_empty() {
                continue;
            }
            let paths = if matches!(status.first(), Some(b'R' | b'C')) {
                2
            } else {
                1
            };
            let (Some(first), second) =
                (fields.next(), if paths == 2 { fields.next() } else { None })
            else {
                break;
            };
            if status.first() == Some(&b'R')
                && let Some(second) = second
            {
                renamed.push((under(&self.top, first), under(&self.top, second)));
            }
        }
        Ok(renamed)
    }
}

/// What changed since a revision in the work tree: each changed file (tracked and changed, or
/// untracked and not ignored) with the lines of its work tree text that are new or changed
/// (1-based, inclusive ranges; every line of an untracked file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changed {
    pub files: BTreeMap<PathBuf, Vec<(u32, u32)>>,
}

impl Changed {
    /// Whether `line` of `path` is new or changed.
    pub fn touches(&self, path: &Path, line: u32) -> bool {
        self.files.get(path).is_some_and(|ranges| {
            ranges
                .iter()
                .any(|&(first, last)| first <= line && line <= last)
        })
    }

    /// The first new or changed line of `path`.
    pub fn first_line(&self, path: &Path) -> Option<u32> {
        self.files.get(path)?.first().map(|&(first, _)| first)
    }
}

impl Repo {
    /// The files and lines changed in the work tree since `revision` (`git diff -U0`, plus
    /// untracked files). Deleted files are left out: nothing of them can be linted.
    pub fn changed_since(&self, revision: &str) -> Result<Changed, String> {
        let commit = self.resolve(revision)?;
        let diff = self.git(&[
            "diff",
            "-U0",
            "--no-color",
            "--no-ext-diff",
            "--no-relative",
            "--no-renames",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            commit.as_str(),
        ])?;
        let mut changed = Changed::default();
        let mut current: Option<PathBuf> = None;
        for line in diff.split(|&byte| byte == b'\n') {
            if let Some(path) = line.strip_prefix(b"+++ ") {
                let path = unquote(path);
                current = path.strip_prefix(b"b/").map(|path| under(&self.top, path));
                if let Some(path) = &current {
                    changed.files.entry(path.clone()).or_default();
                }
            } else if let Some(hunk) = line.strip_prefix(b"@@ ")
                && let Some(path) = &current
                && let Some(range) = new_lines(hunk)
            {
                changed.files.entry(path.clone()).or_default().push(range);
            }
        }
        let untracked = self.git(&[
            "ls-files",
            "--others",
            "--exclude-standard",
            "-z",
            "--full-name",
        ])?;
        for path in untracked
            .split(|&byte| byte == 0)
            .filter(|path| !path.is_empty())
        {
            changed
                .files
                .insert(under(&self.top, path), vec![(1, u32::MAX)]);
        }
        Ok(changed)
    }
}

/// The new side of a `-U0` hunk header (`-a,b +c,d @@`): lines c to c+d-1, none when d is 0.
fn new_lines(hunk: &[u8]) -> Option<(u32, u32)> {
    let text = std::str::from_utf8(hunk).ok()?;
    let new = text.split(' ').find_map(|part| part.strip_prefix('+'))?;
    let (start, count) = match new.split_once(',') {
        Some((start, count)) => (start.parse::<u32>().ok()?, count.parse::<u32>().ok()?),
        None => (new.parse::<u32>().ok()?, 1),
    };
    (count > 0).then(|| (start, start.saturating_add(count - 1)))
}

/// A path as `git diff` prints it: in double quotes with C escapes when it has unusual bytes.
fn unquote(path: &[u8]) -> Vec<u8> {
    let Some(inner) = path
        .strip_prefix(b"\"")
        .and_then(|rest| rest.strip_suffix(b"\""))
    else {
        return path.to_vec();
    };
    let mut out = Vec::with_capacity(inner.len());
    let mut bytes = inner.iter().copied().peekable();
    while let Some(byte) = bytes.next() {
        if byte != b'\\' {
            out.push(byte);
            continue;
        }
        match bytes.next() {
            Some(b'n') => out.push(b'\n'),
            Some(b't') => out.push(b'\t'),
            Some(b'r') => out.push(b'\r'),
            Some(digit @ b'0'..=b'7') => {
                let mut value = u32::from(digit - b'0');
                for _ in 0..2 {
                    if let Some(&next @ b'0'..=b'7') = bytes.peek() {
                        value = value * 8 + u32::from(next - b'0');
                        bytes.next();
                    }
                }
                out.push(value as u8);
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// The files of one revision: listed whole, their contents read on demand in one batch.
#[derive(Debug)]
pub struct GitTree {
    /// As the user named it.
    pub revision: String,
    /// Its commit id.
    pub commit: String,
    top: PathBuf,
    files: BTreeSet<PathBuf>,
    oids: BTreeMap<PathBuf, String>,
    blobs: Memory,
    /// Blobs left unread for their size.
    oversized: BTreeMap<PathBuf, u64>,
}

impl GitTree {
    /// Reads the blobs of `paths` not read yet (paths the tree does not have are left out).
    pub fn load<P: AsRef<Path>>(&mut self, paths: &[P]) -> Result<(), String> {
        let wanted: Vec<(PathBuf, String)> = paths
            .iter()
            .filter_map(|path| {
                let path = path.as_ref();
                if self.blobs.contains(path) || self.oversized.contains_key(path) {
                    return None;
                }
                Some((path.to_path_buf(), self.oids.get(path)?.clone()))
            })
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let ids: Vec<&str> = wanted.iter().map(|(_, oid)| oid.as_str()).collect();
        let contents = cat_file(&self.top, &ids)?;
        for ((path, _), bytes) in wanted.into_iter().zip(contents) {
            match bytes {
                Ok(bytes) => self.blobs.insert(path, bytes),
                Err(size) => {
                    self.oversized.insert(path, size);
                }
            }
        }
        Ok(())
    }

    /// Reads every file of the units of `workspace`.
    pub fn load_workspace(
        &mut self,
        workspace: &crate::workspace::Workspace,
    ) -> Result<(), String> {
        let paths: Vec<PathBuf> = workspace
            .targets
            .iter()
            .chain(&workspace.others)
            .chain(&workspace.excluded)
            .flat_map(|unit| unit.files.iter().map(|file| file.fs.clone()))
            .collect();
        self.load(&paths)
    }

    /// The object id of the file at `path`, if the tree has it.
    pub fn oid(&self, path: &Path) -> Option<&str> {
        self.oids.get(path).map(String::as_str)
    }
}

impl FileSet for GitTree {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        if self.blobs.contains(path) {
            return self.blobs.read(path);
        }
        if let Some(size) = self.oversized.get(path) {
            return Err(format!(
                "skipped: {size} bytes is larger than the {MAX_FILE_BYTES} byte limit"
            ));
        }
        Err(if self.files.contains(path) {
            "cannot read: not read from git".to_string()
        } else {
            "cannot read: no such file in the revision".to_string()
        })
    }
}

impl Listing for GitTree {
    fn files(&self) -> &BTreeSet<PathBuf> {
        &self.files
    }
}

/// The contents of the objects `ids`, in order, through one `git cat-file --batch`.
/// A blob over [`MAX_FILE_BYTES`] is its size.
fn cat_file(top: &Path, ids: &[&str]) -> Result<Vec<Result<Vec<u8>, u64>>, String> {
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .current_dir(top)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("cannot run git: {error}"))?;
    let mut input = child.stdin.take().ok_or("cannot run git cat-file")?;
    let request: Vec<u8> = ids
        .iter()
        .flat_map(|id| id.bytes().chain([b'\n']))
        .collect();
    // Written from another thread: git answers while it reads, and a full pipe either way would
    // stop both.
    let writer = std::thread::spawn(move || {
        let written = input.write_all(&request);
        drop(input);
        written
    });
    let stdout = child.stdout.take().ok_or("cannot run git cat-file")?;
    let mut reader = BufReader::new(stdout);
    let mut contents = Vec::with_capacity(ids.len());
    let mut failure = None;
    for id in ids {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 {
            failure = Some(format!("git cat-file stopped before object {id}"));
            break;
        }
        // `<oid> <type> <size>`, or `<oid> missing`.
        let size = header
            .trim_end()
            .rsplit(' ')
            .next()
            .and_then(|size| size.parse::<u64>().ok());
        let Some(size) = size.filter(|_| !header.trim_end().ends_with(" missing")) else {
            failure = Some(format!("git cannot read object {id}: {}", header.trim()));
            break;
        };
        let mut bytes = Vec::new();
        // A blob over the limit is skipped unread, as the disk's would be.
        let read = if size > MAX_FILE_BYTES {
            std::io::copy(&mut (&mut reader).take(size), &mut std::io::sink()).map(|_| ())
        } else {
            (&mut reader).take(size).read_to_end(&mut bytes).map(|_| ())
        };
        let mut newline = [0u8; 1];
        if read.is_err() || reader.read_exact(&mut newline).is_err() {
            failure = Some(format!("git cat-file stopped inside object {id}"));
            break;
        }
        contents.push(if size > MAX_FILE_BYTES {
            Err(size)
        } else {
            Ok(bytes)
        });
    }
    drop(reader);
    let _ = writer.join();
    let _ = child.wait();
    match failure {
        Some(message) => Err(message),
        None => Ok(contents),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::{DiscoverOptions, discover_in};
    use crate::fileset::Source;

    fn git(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    /// A revision is listed and read without checking it out: the work tree keeps its own files,
    /// and discovery over the tree finds the revision's.
    #[test]
    fn a_revision_is_read_without_touching_the_work_tree() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        git(root, &["init", "-q"]);
        write(
            "sfdx-project.json",
            r#"{"packageDirectories":[{"path":"force-app"}]}"#,
        );
        write(".forceignore", "**/Ignored*\n");
        write("force-app/A.permissionset-meta.xml", "<first/>");
        write("force-app/Ignored.permissionset-meta.xml", "<x/>");
        git(root, &["add", "."]);
        git(root, &["commit", "-q", "-m", "one"]);
        write("force-app/A.permissionset-meta.xml", "<second/>");
        write("force-app/B.permissionset-meta.xml", "<new/>");

        let repo = Repo::around(&root.join("force-app")).unwrap();
        assert_eq!(repo.top, root);
        let mut tree = repo.tree("HEAD").unwrap();
        assert_eq!(tree.commit.len(), 40);
        let found = discover_in(&DiscoverOptions::default(), root, Source::Listing(&tree));
        let names: Vec<&str> = found.units.iter().map(|unit| unit.name.as_str()).collect();
        assert_eq!(names, ["A"]);
        let a = root.join("force-app/A.permissionset-meta.xml");
        assert!(tree.read(&a).is_err(), "read only once loaded");
        tree.load(&[&a]).unwrap();
        assert_eq!(tree.read(&a).unwrap(), b"<first/>");
        assert_eq!(std::fs::read(&a).unwrap(), b"<second/>");
        assert!(
            tree.read(&root.join("force-app/B.permissionset-meta.xml"))
                .is_err()
        );

        let error = repo.tree("no-such-branch").unwrap_err();
        assert_eq!(
            error,
            "unknown revision \"no-such-branch\": not a commit of this repository"
        );
        assert!(repo.resolve("--all").is_err());
        let outside = tempfile::tempdir().unwrap();
        assert!(
            Repo::around(outside.path())
                .unwrap_err()
                .ends_with("is not in a git repository (or git cannot read it)")
        );
    }
}
