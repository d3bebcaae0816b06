//! The SFDX project around the files being linted: its root (the directory holding
//! `sfdx-project.json`), its package directories and its source format options.

use std::path::{Path, PathBuf};

use serde::Deserialize;

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
}

#[derive(Deserialize)]
struct PackageDirectory {
    path: String,
}

/// The nearest directory at or above `start` that holds `sfdx-project.json`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let start = if start.is_file() {
        start.parent()?
    } else {
        start
    };
    start
        .ancestors()
        .find(|dir| dir.join(PROJECT_FILE).is_file())
        .map(Path::to_path_buf)
}

impl Project {
    /// Reads the project whose root is `root`.
    pub fn load(root: &Path) -> Result<Project, ProjectError> {
        let path = root.join(PROJECT_FILE);
        let error = |line, column, message: String| ProjectError {
            path: path.clone(),
            line,
            column,
            message,
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|io| error(None, None, format!("cannot read: {io}")))?;
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
        let package_dirs = file
            .package_directories
            .iter()
            .map(|dir| root.join(dir.path.trim_start_matches("./")))
            .collect();
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
        let project = Project::load(dir.path()).unwrap();
        assert_eq!(
            project.package_dirs,
            [dir.path().join("force-app"), dir.path().join("other")]
        );
        assert!(project.decomposed_permission_sets);
        assert_eq!(project.source_api_version.as_deref(), Some("62.0"));
        let nested = dir.path().join("force-app/main");
        std::fs::create_dir_all(&nested).unwrap();
        assert_eq!(find_root(&nested).as_deref(), Some(dir.path()));
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
