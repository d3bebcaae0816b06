//! Where the pipeline gets the bytes of the files it lints. The workspace says which files exist;
//! a [`FileSet`] supplies their contents: the file system for `sflint check`, a map of texts for
//! editor buffers or a git tree, or one laid over another. [`lint`](crate::lint) reads nothing else.

use std::collections::BTreeMap;
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
