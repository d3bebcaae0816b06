//! The pipeline is a function of a workspace and a file set: the same files give the same report
//! whether their bytes come from the disk or from memory, and nothing else is read.

use std::path::{Path, PathBuf};

use sflint::report::{self, Format, RenderOptions};
use sflint::{ConfigSource, Disk, Memory, Report, Workspace, WorkspaceOptions};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn rendered(report: &Report, format: Format) -> String {
    let mut out = Vec::new();
    let options = RenderOptions {
        color: false,
        quiet: false,
        width: None,
        sarif_root: None,
    };
    report::render(format, report, options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Every file of every unit the workspace lists (to lint or read for integration users), in memory.
fn in_memory(workspace: &Workspace) -> Memory {
    let mut memory = Memory::new();
    for unit in workspace.targets.iter().chain(&workspace.others) {
        for file in &unit.files {
            memory.insert(file.fs.clone(), std::fs::read(&file.fs).unwrap());
        }
    }
    memory
}

/// Lints `paths` of the project at `dir` from disk, then again from memory after the metadata files
/// were deleted, and checks that the two reports are the same, byte for byte in every format.
fn same_report_from_memory(dir: &Path, paths: &[&str]) -> Report {
    let mut options = WorkspaceOptions::new(dir.to_path_buf());
    options.discover.paths = paths.iter().map(PathBuf::from).collect();
    options.excerpts = true;
    let workspace = Workspace::load(&options);
    let from_disk = sflint::lint(&workspace, &Disk);
    let memory = in_memory(&workspace);
    for path in memory.paths() {
        std::fs::remove_file(path).unwrap();
    }
    let from_memory = sflint::lint(&workspace, &memory);
    assert_eq!(from_disk.problems, from_memory.problems);
    assert_eq!(from_disk.diagnostics, from_memory.diagnostics);
    for format in [
        Format::Human,
        Format::Concise,
        Format::Json,
        Format::Github,
        Format::Sarif,
    ] {
        assert_eq!(
            rendered(&from_disk, format),
            rendered(&from_memory, format),
            "{format:?}"
        );
    }
    // And with the files gone, the disk has nothing left to give.
    let gone = sflint::lint(&workspace, &Disk);
    assert!(gone.diagnostics.is_empty(), "{:?}", gone.diagnostics);
    assert!(gone.has_fatal_problem());
    from_memory
}

#[test]
fn a_project_linted_from_memory_reports_what_it_reports_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("example"), dir.path());
    let report = same_report_from_memory(dir.path(), &[]);
    assert_eq!(report.integrations, 1);
    assert_eq!(report.components, 2);
    let rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule.as_str()).collect();
    assert!(rules.contains(&"object-access-dependency"), "{rules:?}");
    assert!(
        report.diagnostics.iter().any(|d| d.origin.is_some()),
        "pack findings too"
    );
}

#[test]
fn named_files_read_the_rest_of_their_user_from_the_file_set() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("union"), dir.path());
    let project = dir.path().join("muted-by-group");
    let profile = "force-app/main/default/profiles/Marketing Integration.profile-meta.xml";
    let mut options = WorkspaceOptions::new(project.clone());
    options.discover.paths = vec![PathBuf::from(profile)];
    let workspace = Workspace::load(&options);
    assert_eq!(workspace.targets.len(), 1);
    assert!(
        !workspace.others.is_empty(),
        "the group and its members are listed"
    );
    let report = same_report_from_memory(&project, &[profile]);
    assert_eq!(report.integrations, 1);
    assert_eq!(report.files, 1);
}

#[test]
fn decomposed_permission_sets_are_assembled_from_memory_too() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("formats/decomposed"), dir.path());
    let report = same_report_from_memory(dir.path(), &[]);
    assert!(
        report.files > report.components,
        "several files a component"
    );
}

#[test]
fn editor_buffers_over_the_disk_change_only_what_they_hold() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("example"), dir.path());
    let mut options = WorkspaceOptions::new(dir.path().to_path_buf());
    options.config = ConfigSource::Isolated;
    let workspace = Workspace::load(&options);
    let set = workspace
        .targets
        .iter()
        .find(|unit| unit.name == "Marketing_Sync")
        .unwrap();
    let path = set.files[0].fs.clone();
    let on_disk = sflint::lint(&workspace, &Disk);
    let edits = |report: &Report| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.rule.as_str() == "object-access-dependency")
            .count()
    };
    assert!(edits(&on_disk) > 0);
    // The buffer fixes every Edit without Read: read is granted wherever edit is.
    let text = std::fs::read_to_string(&path).unwrap();
    let fixed = text.replace(
        "<allowRead>false</allowRead>",
        "<allowRead>true</allowRead>",
    );
    assert_ne!(text, fixed);
    let mut buffers = Memory::new();
    buffers.insert(path.clone(), fixed);
    let edited = sflint::lint(
        &workspace,
        &sflint::fileset::Overlay {
            top: &buffers,
            base: &Disk,
        },
    );
    assert_eq!(edits(&edited), 0);
    assert_eq!(edited.components, on_disk.components);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "disk untouched"
    );
}
