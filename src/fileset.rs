//! Where the pipeline gets the bytes of the files it lints. The workspace says which files exist;
//! a [`FileSet`] supplies their contents: the file system for `sflint check`, a map of texts for
//! editor buffers or a git tree, or one laid over another. [`lint`](crate::lint) reads nothing else.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Larger files are refused: spans are 32-bit offsets, and no real profile comes near this.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// The contents of the files a lint run reads, by the absolute path the workspace listed them under.
pub trait FileSet: Sync {
    /// The bytes of the file at `path`, or why they cannot be had (`cannot read: ...`).
    fn read(&self, path: &Path) -> Result<Vec<u8>, String>;
}

/// The file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl FileSet for Disk {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        let metadata = std::fs::metadata(path).map_err(|error| format!("cannot read: {error}"))?;
        if !metadata.is_file() {
            return Err("cannot read: not a regular file".to_string());
        }
        if metadata.len() > MAX_FILE_BYTES {
            return Err(too_large(metadata.len()));
        }
        std::fs::read(path).map_err(|error| format!("cannot read: {error}"))
    }
}

/// A text file of the project (`sflint.toml`, a pack, a baseline, `sfdx-project.json`), read with the
/// limits of metadata files: a regular file of at most [`MAX_FILE_BYTES`], never a FIFO or a device,
/// in UTF-8.
pub fn read_text(path: &Path) -> Result<String, String> {
    String::from_utf8(Disk.read(path)?).map_err(|_| "cannot read: not valid UTF-8".to_string())
}

fn too_large(bytes: u64) -> String {
    format!("skipped: {bytes} bytes is larger than the {MAX_FILE_BYTES} byte limit")
}

/// A file set that also lists its files, for discovery to find them without the disk: a git tree.
/// Paths are absolute, below the directory the tree would be checked out in, so that they are
/// shown as the work tree's files are.
pub trait Listing: FileSet {
    /// Every regular file, sorted.
    fn files(&self) -> &BTreeSet<PathBuf>;
}

/// Where the workspace and discovery look for files: the disk, or a [`Listing`].
#[derive(Clone, Copy)]
pub enum Source<'a> {
    Disk,
    Listing(&'a dyn Listing),
}

impl std::fmt::Debug for Source<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Source::Disk => "Disk",
            Source::Listing(_) => "Listing",
        })
    }
}

impl Source<'_> {
    pub fn is_file(&self, path: &Path) -> bool {
        match self {
            Source::Disk => path.is_file(),
            Source::Listing(listing) => listing.files().contains(path),
        }
    }

    /// A directory of a listing is any path that a listed file lies below.
    pub fn is_dir(&self, path: &Path) -> bool {
        match self {
            Source::Disk => path.is_dir(),
            // Paths order by component, so the files below `path` come right after it.
            Source::Listing(listing) => listing
                .files()
                .range(path.to_path_buf()..)
                .find(|file| file.as_path() != path)
                .is_some_and(|file| file.starts_with(path)),
        }
    }

    /// Whether a file or directory is at `path` (on the disk, through links).
    pub fn exists(&self, path: &Path) -> bool {
        match self {
            Source::Disk => path.exists(),
            Source::Listing(_) => self.is_file(path) || self.is_dir(path),
        }
    }

    /// Whether anything is named `path`: on the disk, a broken link or a FIFO too.
    pub fn has_entry(&self, path: &Path) -> bool {
        match self {
            Source::Disk => path.symlink_metadata().is_ok(),
            Source::Listing(_) => self.exists(path),
        }
    }

    pub fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        match self {
            Source::Disk => Disk.read(path),
            Source::Listing(listing) => listing.read(path),
        }
    }

    /// A text file of the project, with the limits of [`read_text`].
    pub fn read_text(&self, path: &Path) -> Result<String, String> {
        String::from_utf8(self.read(path)?).map_err(|_| "cannot read: not valid UTF-8".to_string())
    }
}

/// Texts held in memory: unsaved editor buffers, the blobs of a git tree, test projects.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl Memory {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }

    pub fn contains(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }

    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.keys().map(PathBuf::as_path)
    }
}

impl FileSet for Memory {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        let bytes = self
            .files
            .get(path)
            .ok_or_else(|| "cannot read: no such file in the file set".to_string())?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(too_large(bytes.len() as u64));
        }
        Ok(bytes.clone())
    }
}

/// The files of `top` where it holds them, the rest from `base`: editor buffers over the disk.
#[derive(Debug, Clone, Copy)]
pub struct Overlay<'a, Base: ?Sized> {
    pub top: &'a Memory,
    pub base: &'a Base,
}

impl<Base: FileSet + ?Sized> FileSet for Overlay<'_, Base> {
    fn read(&self, path: &Path) -> Result<Vec<u8>, String> {
        if self.top.files.contains_key(path) {
            self.top.read(path)
        } else {
            self.base.read(path)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_over_disk_prefers_the_buffer() {
        let dir = tempfile::tempdir().unwrap();
        let on_disk = dir.path().join("a.xml");
        let only_on_disk = dir.path().join("b.xml");
        std::fs::write(&on_disk, "disk").unwrap();
        std::fs::write(&only_on_disk, "disk b").unwrap();
        let mut buffers = Memory::new();
        buffers.insert(on_disk.clone(), "buffer");
        let files = Overlay {
            top: &buffers,
            base: &Disk,
        };
        assert_eq!(files.read(&on_disk).unwrap(), b"buffer");
        assert_eq!(files.read(&only_on_disk).unwrap(), b"disk b");
        assert!(files.read(&dir.path().join("c.xml")).is_err());
        assert_eq!(
            Disk.read(dir.path()).unwrap_err(),
            "cannot read: not a regular file"
        );
    }
}
