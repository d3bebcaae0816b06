//! The SFDX project around the files being linted: its root (the directory holding
//! `sfdx-project.json`), its package directories and its source format options.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::fileset::Source;

pub const PROJECT_FILE: &str = "sfdx-project.json";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The directory holding `sfdx-project.json`.
    pub root: PathBuf,
    /// Absolute package directories, in the order the project lists them.
    pub package_dirs: Vec<PathBuf>,
    /// `sourceBehaviorOptions` (or the older `registryPresets`) names a decomposed permission set
    /// preset.
    pub decomposed_permission_sets: bool,
    pub source_api_version: Option<String>,
    /// The project's own namespace prefix (`namespace`), if it is a namespaced package: names with
    /// another prefix belong to installed packages.
    pub namespace: Option<String>,
    /// `packageDirectories` entries that cannot be scanned (missing, not a directory, outside the
    /// project), left out of `package_dirs`. A directory that is a symbolic link leading out of the
    /// project is judged by discovery, which may be told to follow it.
    pub bad_entries: Vec<ProjectError>,
}

/// `sfdx-project.json` could not be read or understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProjectFile {
    #[serde(default)]
    package_directories: Vec<PackageDirectory>,
    #[serde(default)]
    source_behavior_options: Vec<String>,
    #[serde(default)]
    registry_presets: Vec<String>,
    #[serde(default)]
    source_api_version: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
}

#[derive(Deserialize)]
struct PackageDirectory {
    path: String,
}

/// The nearest directory at or above `start` that holds `sfdx-project.json`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    find_root_in(start, Source::Disk)
}

/// [`find_root`] among the files of `source`.
pub fn find_root_in(start: &Path, source: Source) -> Option<PathBuf> {
    let start = if source.is_file(start) {
        start.parent()?
    } else {
        start
    };
    start
        .ancestors()
        .find(|dir| source.is_file(&dir.join(PROJECT_FILE)))
        .map(Path::to_path_buf)
}

impl Project {
    /// Reads the project whose root is `root`.
    pub fn load(root: &Path) -> Result<Project, ProjectError> {
        Project::load_in(root, Source::Disk)
    }

    /// Reads the project whose root is `root` from the files of `source`.
    pub fn load_in(root: &Path, source: Source) -> Result<Project, ProjectError> {
        let path = root.join(PROJECT_FILE);
        let error = |line, column, message: String| ProjectError {
            path: path.clone(),
            line,
            column,
            message,
        };
        let text = source
            .read_text(&path)
            .map_err(|message| error(None, None, message))?;
        let file: ProjectFile = serde_json::from_str(&text).map_err(|json| {
            error(
                Some(json.line()),
                Some(json.column()),
                format!("invalid {PROJECT_FILE}: {json}"),
            )
        })?;
        if file.package_directories.is_empty() {
            return Err(error(
                None,
                None,
                "packageDirectories is missing or empty".to_string(),
            ));
        }
        let mut package_dirs = Vec::new();
        let mut bad_entries = Vec::new();
        let mut search_from = text.find("\"packageDirectories\"").unwrap_or(0);
        for entry in &file.package_directories {
            // Where the entry is written, for the message: its value, after the previous one.
            let quoted = serde_json::to_string(&entry.path).unwrap_or_default();
            let at = text[search_from..]
                .find(&quoted)
                .map(|found| search_from + found);
            if let Some(at) = at {
                search_from = at + quoted.len();
            }
            let (line, column) = at.map_or((None, None), |at| {
                let (line, column) = crate::config::line_column(&text, at);
                (Some(line), Some(column))
            });
            let dir =
                crate::discover::absolute(Path::new(entry.path.trim_start_matches("./")), root);
            let problem = if !dir.starts_with(root) {
                Some("lies outside the project")
            } else if !source.exists(&dir) {
                Some("does not exist")
            } else if !source.is_dir(&dir) {
                Some("is not a directory")
            } else {
                None
            };
            match problem {
                Some(problem) => bad_entries.push(error(
                    line,
                    column,
                    format!("packageDirectories entry {quoted} {problem}; it is not linted"),
                )),
                None => package_dirs.push(dir),
            }
        }
        let decomposed_permission_sets = file
            .source_behavior_options
            .iter()
            .chain(&file.registry_presets)
            .any(|option| option.starts_with("decomposePermissionSet"));
        Ok(Project {
            root: root.to_path_buf(),
            package_dirs,
            decomposed_permission_sets,
            source_api_version: file.source_api_version,
            namespace: file.namespace.filter(|namespace| !namespace.is_empty()),
            bad_entries,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_package_directories_and_presets() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(PROJECT_FILE),
            r#"{"packageDirectories":[{"path":"force-app","default":true},{"path":"./other"}],
                "sourceBehaviorOptions":["decomposePermissionSetBeta2"],"sourceApiVersion":"62.0"}"#,
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("force-app")).unwrap();
        std::fs::create_dir(dir.path().join("other")).unwrap();
        let project = Project::load(dir.path()).unwrap();
        assert_eq!(
            project.package_dirs,
            [dir.path().join("force-app"), dir.path().join("other")]
        );
        assert_eq!(project.bad_entries, []);
        assert!(project.decomposed_permission_sets);
        assert_eq!(project.source_api_version.as_deref(), Some("62.0"));
        let nested = dir.path().join("force-app/main");
        std::fs::create_dir_all(&nested).unwrap();
        assert_eq!(find_root(&nested).as_deref(), Some(dir.path()));
    }

    #[test]
    fn entries_that_cannot_be_scanned_are_named_with_their_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("force-app")).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "").unwrap();
        std::fs::write(
            dir.path().join(PROJECT_FILE),
            "{\"packageDirectories\": [\n  {\"path\": \"force-app\"},\n  {\"path\": \"missing\"},\n  {\"path\": \"notes.txt\"},\n  {\"path\": \"../elsewhere\"}\n]}",
        )
        .unwrap();
        let project = Project::load(dir.path()).unwrap();
        assert_eq!(project.package_dirs, [dir.path().join("force-app")]);
        let problems: Vec<(Option<usize>, Option<usize>, &str)> = project
            .bad_entries
            .iter()
            .map(|e| (e.line, e.column, e.message.as_str()))
            .collect();
        assert_eq!(
            problems,
            [
                (
                    Some(3),
                    Some(12),
                    "packageDirectories entry \"missing\" does not exist; it is not linted"
                ),
                (
                    Some(4),
                    Some(12),
                    "packageDirectories entry \"notes.txt\" is not a directory; it is not linted"
                ),
                (
                    Some(5),
                    Some(12),
                    "packageDirectories entry \"../elsewhere\" lies outside the project; it is not linted"
                ),
            ]
        );
    }

    #[test]
    fn reports_json_errors_with_position() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(PROJECT_FILE),
            "{\n  \"packageDirectories\": [,]\n}",
        )
        .unwrap();
        let error = Project::load(dir.path()).unwrap_err();
        assert_eq!(error.line, Some(2));
    }
}
