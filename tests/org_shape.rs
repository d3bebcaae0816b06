//! The target org's shape (`fixtures/org-shape/`): recorded Salesforce CLI output that replaces the
//! shipped catalog's permission names, dependencies and licenses, and what a broken shape does.

mod support;

use std::path::{Path, PathBuf};

use support::run;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/org-shape")
        .join(name)
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

const PERMISSION_SETS: &str = "force-app/main/default/permissionsets";
const PROFILES: &str = "force-app/main/default/profiles";

/// The findings of the project with its org shape: each comes from a fact of the org.
#[test]
fn the_org_shape_decides_names_dependencies_and_licenses() {
    let result = run(&fixture("project"), &["check", "--format", "concise"]);
    assert_eq!(result.stderr, "");
    assert_eq!(
        result.stdout,
        format!(
            "\
{PERMISSION_SETS}/Integration_Access.permissionset-meta.xml:6:5: error license-mismatch permission set Integration_Access names the user license or permission set license Salesforce Api Integration, which the target org does not have
{PERMISSION_SETS}/User_Admin.permissionset-meta.xml:8:9: error permission-dependency ManageUsers (Manage Users) requires 2 permissions that permission set User_Admin does not enable: ManageInternalUsers (Manage Internal Users) and ViewAllUsers (View All Users)
{PROFILES}/Sales Manager.profile-meta.xml:15:9: error unknown-user-permission user permission ViewAllForecasts in profile Sales Manager is not in the target org
{PROFILES}/Sales Manager.profile-meta.xml:19:9: error unknown-user-permission unknown user permission ExportReprot in profile Sales Manager (not in the target org); did you mean ExportReport (Export Reports)?
Found 4 errors in 4 components (4 files).
"
        )
    );
    assert_eq!(result.code, 1);

    // The help says where each fact came from.
    let json = run(&fixture("project"), &["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let helps: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["help"].as_str().unwrap())
        .collect();
    assert_eq!(
        helps,
        [
            "Did you mean Salesforce API Integration? License names are matched exactly (licenses from the target org (org shape .sflint/org-shape/user-licenses.json, .sflint/org-shape/permission-set-licenses.json)).",
            "Enable ManageInternalUsers, ViewAllUsers in this permission set as well (source: the target org (org shape .sflint/org-shape/permission-dependencies.json)).",
            "The deploy to that org fails: turn on the feature or license that brings it, or remove the entry (names from the target org (org shape .sflint/org-shape/permission-set.json); refresh the org shape if the org changed).",
            "Rename it to ExportReport: user permission names are case-sensitive API names and Salesforce rejects unknown ones (names from the target org (org shape .sflint/org-shape/permission-set.json)).",
        ]
    );
}

/// The same metadata without the shape: the shipped catalog's answers, which the shape replaced.
#[test]
fn without_the_shape_the_shipped_catalog_answers() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("project"), dir.path());
    std::fs::remove_dir_all(dir.path().join(".sflint")).unwrap();
    let result = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(result.stderr, "");
    // The shipped EditPublicTemplates -> ViewSetup fires (the org has no such dependency), the
    // org's ManageUsers dependencies do not, ViewAllForecasts is known, the license is not checked.
    assert_eq!(
        result.stdout,
        format!(
            "\
{PERMISSION_SETS}/Template_Editor.permissionset-meta.xml:8:9: warning permission-dependency EditPublicTemplates (Manage Public Classic Email Templates) requires ViewSetup (View Setup and Configuration), which permission set Template_Editor does not enable
{PROFILES}/Sales Manager.profile-meta.xml:19:9: error unknown-user-permission unknown user permission ExportReprot in profile Sales Manager; did you mean ExportReport (Export Reports)?
Found 1 error and 1 warning in 4 components (4 files).
"
        )
    );
    assert_eq!(result.code, 1);
}

/// A malformed file and the output of a failed command are problems naming the file (and the line
/// and column serde_json gives); their facts come from the shipped catalog, the rest of the shape
/// still applies, and the run lints everything.
#[test]
fn a_broken_shape_file_is_a_problem_and_the_run_goes_on() {
    let result = run(&fixture("malformed"), &["check", "--format", "concise"]);
    assert_eq!(
        result.stderr,
        "\
sflint: error: .sflint/org-shape/permission-dependencies.json:25:7: not the JSON of a Salesforce CLI command: expected `,` or `]`; the shipped catalog is used instead (write this file with `sf data query --use-tooling-api --query \"SELECT Permission, PermissionType, RequiredPermission, RequiredPermissionType FROM PermissionDependency\" --json`)
sflint: error: .sflint/org-shape/user-licenses.json: the command that wrote it failed (status 1): NoDefaultEnvError: No default environment found. Use -o or --target-org to specify an environment; the shipped catalog is used instead (write this file with `sf data query --query \"SELECT Name, MasterLabel, LicenseDefinitionKey, Status FROM UserLicense\" --json`)
"
    );
    assert_eq!(
        result.stdout,
        format!(
            "\
{PERMISSION_SETS}/Template_Editor.permissionset-meta.xml:8:9: warning permission-dependency EditPublicTemplates (Manage Public Classic Email Templates) requires ViewSetup (View Setup and Configuration), which permission set Template_Editor does not enable
{PROFILES}/Sales Manager.profile-meta.xml:15:9: error unknown-user-permission user permission ViewAllForecasts in profile Sales Manager is not in the target org
{PROFILES}/Sales Manager.profile-meta.xml:19:9: error unknown-user-permission unknown user permission ExportReprot in profile Sales Manager (not in the target org); did you mean ExportReport (Export Reports)?
Found 2 errors and 1 warning in 4 components (4 files).
"
        )
    );
    // Problems running exit with 2.
    assert_eq!(result.code, 2);
}

/// `org_shape` in sflint.toml moves the directory (relative to the configuration file); one that
/// does not exist is a problem, where the default directory may simply be absent.
#[test]
fn the_configuration_names_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("project"), dir.path());
    std::fs::rename(dir.path().join(".sflint"), dir.path().join("org")).unwrap();
    std::fs::write(
        dir.path().join("sflint.toml"),
        "org_shape = \"org/org-shape\"\n",
    )
    .unwrap();
    let moved = run(dir.path(), &["check", "--format", "concise", "--quiet"]);
    assert_eq!(moved.stderr, "");
    assert!(
        moved
            .stdout
            .contains("ViewAllForecasts in profile Sales Manager is not in the target org"),
        "{}",
        moved.stdout
    );

    std::fs::write(dir.path().join("sflint.toml"), "org_shape = \"nowhere\"\n").unwrap();
    let missing = run(dir.path(), &["check", "--format", "concise", "--quiet"]);
    assert_eq!(
        missing.stderr,
        "sflint: error: nowhere: the org shape directory set by `org_shape` does not exist: `sflint init --org-shape` prints the commands that write it\n"
    );
    assert_eq!(missing.code, 2);
}

/// `sflint init --org-shape` prints the commands, writing nothing.
#[test]
fn init_prints_the_commands() {
    let result = run(&fixture("project"), &["init", "--org-shape"]);
    assert_eq!(result.stderr, "");
    assert_eq!(result.code, 0);
    assert_eq!(
        result.stdout,
        "\
# The target org's shape for sflint: run these in a shell where the Salesforce CLI is
# authorised to the org (add --target-org ALIAS to each to name another org than the
# default), then commit the files. Run them again when the org changes.
mkdir -p .sflint/org-shape
# the org's permission dependencies (replace the shipped list)
sf data query --use-tooling-api --query \"SELECT Permission, PermissionType, RequiredPermission, RequiredPermissionType FROM PermissionDependency\" --json > .sflint/org-shape/permission-dependencies.json
# the org's user permission names (its PermissionSet fields Permissions*)
sf sobject describe --sobject PermissionSet --json > .sflint/org-shape/permission-set.json
# the org's user licenses
sf data query --query \"SELECT Name, MasterLabel, LicenseDefinitionKey, Status FROM UserLicense\" --json > .sflint/org-shape/user-licenses.json
# the org's permission set licenses
sf data query --query \"SELECT DeveloperName, MasterLabel, Status FROM PermissionSetLicense\" --json > .sflint/org-shape/permission-set-licenses.json
"
    );
    assert!(!fixture("project").join("sflint.toml").exists());
}
