//! Files sflint writes (a report with `-o`, a baseline, `sflint.toml`): always whole or not at
//! all, never over a file of the project's metadata, never through a symbolic link.

use std::io::Write;
use std::path::Path;

use crate::model::MetadataKind;

/// Files a report or baseline must never replace: the project's metadata and its configuration.
fn is_project_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return false;
    };
    name.ends_with("-meta.xml")
        || MetadataKind::from_file_name(name).is_some()
        || matches!(name, "sfdx-project.json" | ".forceignore" | "sflint.toml")
}

/// Refuses `path` as the destination of generated output when it is a file of the project.
pub fn check_destination(path: &Path, what: &str) -> Result<(), String> {
    if is_project_file(path) {
        return Err(format!(
            "refusing to write the {what} to {}: it is a file of the project, not an output",
            path.display()
        ));
    }
    Ok(())
}

/// Writes `contents` to `path` through a temporary file in the same directory, renamed over it, so
/// that `path` holds either its old contents or the new ones, never a part. A symbolic link at
/// `path` is replaced, not written through.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), String> {
    let unchanged = |error: &dyn std::fmt::Display| {
        format!(
            "cannot write {}: {error}; it was left unchanged",
            path.display()
        )
    };
    if path.is_dir() {
        return Err(unchanged(&"it is a directory"));
    }
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".sflint-").suffix(".tmp");
    // A temporary file is private (0600); what replaces a file keeps its mode, and a new file gets
    // the usual 0644, as a plain write would.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |metadata| metadata.permissions().mode());
        builder.permissions(std::fs::Permissions::from_mode(mode & 0o7777));
    }
    let mut file = builder
        .tempfile_in(directory)
        .map_err(|error| unchanged(&error))?;
    file.write_all(contents)
        .and_then(|()| file.as_file().sync_all())
        .map_err(|error| unchanged(&error))?;
    file.persist(path)
        .map_err(|error| unchanged(&error.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_files_and_links_but_not_what_they_point_at() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        #[cfg(unix)]
        {
            let outside = dir.path().join("outside.txt");
            let link = dir.path().join("link.json");
            std::os::unix::fs::symlink(&outside, &link).unwrap();
            write_atomically(&link, b"three").unwrap();
            assert!(!outside.exists(), "nothing written through the link");
            assert!(!link.symlink_metadata().unwrap().file_type().is_symlink());
        }
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .filter(|name| name.to_string_lossy().starts_with(".sflint-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_gets_the_usual_mode_and_a_replaced_one_keeps_its_own() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("sflint.toml");
        write_atomically(&new, b"x").unwrap();
        assert_eq!(new.metadata().unwrap().permissions().mode() & 0o777, 0o644);
        let kept = dir.path().join("kept.json");
        std::fs::write(&kept, "old").unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&kept, b"new").unwrap();
        assert_eq!(kept.metadata().unwrap().permissions().mode() & 0o777, 0o640);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-dir").join("baseline.json");
        let error = write_atomically(&missing, b"x").unwrap_err();
        assert!(error.ends_with("it was left unchanged"), "{error}");
        assert!(write_atomically(dir.path(), b"x").is_err());
    }

    #[test]
    fn project_files_are_not_destinations() {
        for name in [
            "force-app/main/default/permissionsets/A.permissionset-meta.xml",
            "src/profiles/Admin.profile",
            "sfdx-project.json",
            "sflint.toml",
            "classes/X.cls-meta.xml",
        ] {
            assert!(
                check_destination(Path::new(name), "report").is_err(),
                "{name}"
            );
        }
        assert!(check_destination(Path::new("sflint.sarif"), "report").is_ok());
        assert!(check_destination(Path::new("baseline.json"), "baseline").is_ok());
    }
}
