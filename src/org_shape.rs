//! The target org's shape: the `--json` output of a few Salesforce CLI commands, committed to the
//! project (`.sflint/org-shape/` by default, `org_shape` in `sflint.toml`), parsed into typed facts.
//! The workspace reads the files; [`Catalog::with_org`](crate::catalog::Catalog::with_org) lays the
//! facts over the shipped catalog, so the rules never know where a fact came from.
//!
//! Each file is optional and stands alone: a file that is missing or malformed leaves its facts to
//! the shipped catalog, and a malformed one is a problem naming its line and column.

use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::fileset::Source;
use crate::problem::Problem;

/// Where the shape lives when `sflint.toml` does not say, relative to the project root.
pub const DEFAULT_DIR: &str = ".sflint/org-shape";

/// One file of the shape and the command that writes it.
#[derive(Debug, Clone, Copy)]
pub struct ShapeFile {
    pub name: &'static str,
    /// What it gives sflint.
    pub gives: &'static str,
    /// The Salesforce CLI command, without its output redirection.
    pub command: &'static str,
}

pub const DEPENDENCIES: ShapeFile = ShapeFile {
    name: "permission-dependencies.json",
    gives: "the org's permission dependencies (replace the shipped list)",
    command: "sf data query --use-tooling-api --query \"SELECT Permission, PermissionType, RequiredPermission, RequiredPermissionType FROM PermissionDependency\" --json",
};

pub const PERMISSION_SET: ShapeFile = ShapeFile {
    name: "permission-set.json",
    gives: "the org's user permission names (its PermissionSet fields Permissions*)",
    command: "sf sobject describe --sobject PermissionSet --json",
};

pub const USER_LICENSES: ShapeFile = ShapeFile {
    name: "user-licenses.json",
    gives: "the org's user licenses",
    command: "sf data query --query \"SELECT Name, MasterLabel, LicenseDefinitionKey, Status FROM UserLicense\" --json",
};

pub const PERMISSION_SET_LICENSES: ShapeFile = ShapeFile {
    name: "permission-set-licenses.json",
    gives: "the org's permission set licenses",
    command: "sf data query --query \"SELECT DeveloperName, MasterLabel, Status FROM PermissionSetLicense\" --json",
};

/// Every file of the shape, in the order the documentation lists them.
pub const FILES: [ShapeFile; 4] = [
    DEPENDENCIES,
    PERMISSION_SET,
    USER_LICENSES,
    PERMISSION_SET_LICENSES,
];

/// The facts of one file, with the file they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts<T> {
    /// The file, as shown.
    pub file: String,
    pub value: T,
}

/// A user permission of the org: `ApiEnabled` from the field `PermissionsApiEnabled`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgPermission {
    pub name: String,
    /// The field's label, the permission's name in Setup.
    pub label: String,
}

/// `permission` can be enabled only with `requires`, both user permissions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgDependency {
    pub permission: String,
    pub requires: String,
}

/// What the committed shape says about the target org; `None` where its file is absent or broken.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgShape {
    pub permissions: Option<Facts<Vec<OrgPermission>>>,
    pub dependencies: Option<Facts<Vec<OrgDependency>>>,
    /// `UserLicense.Name` (and `MasterLabel` where it differs): what `<userLicense>` names.
    pub user_licenses: Option<Facts<Vec<String>>>,
    /// `PermissionSetLicense.MasterLabel` (and `DeveloperName`): what `<license>` may name.
    pub permission_set_licenses: Option<Facts<Vec<String>>>,
}

impl OrgShape {
    pub fn is_empty(&self) -> bool {
        self.permissions.is_none()
            && self.dependencies.is_none()
            && self.user_licenses.is_none()
            && self.permission_set_licenses.is_none()
    }
}

/// Reads the shape in `dir` (shown as `shown`). `required`: the configuration named the directory,
/// so its absence is a problem; the default directory may be absent.
pub fn read(
    dir: &Path,
    shown: &str,
    required: bool,
    source: Source,
) -> (Option<OrgShape>, Vec<Problem>) {
    let mut problems = Vec::new();
    if !source.is_dir(dir) {
        if required {
            problems.push(Problem::error(
                Some(shown.to_string()),
                "the org shape directory set by `org_shape` does not exist: `sflint init --org-shape` prints the commands that write it",
            ));
        }
        return (None, problems);
    }
    let mut shape = OrgShape::default();
    let mut read_one = |file: ShapeFile| -> Option<(String, String)> {
        let path = dir.join(file.name);
        if !source.is_file(&path) {
            return None;
        }
        let shown = format!("{}/{}", shown.trim_end_matches('/'), file.name);
        match source.read(&path).and_then(decode) {
            Ok(text) => Some((shown, text)),
            Err(message) => {
                problems.push(Problem::error(Some(shown), message));
                None
            }
        }
    };
    let texts: Vec<(ShapeFile, Option<(String, String)>)> =
        FILES.iter().map(|file| (*file, read_one(*file))).collect();
    for (file, text) in texts {
        let Some((shown, text)) = text else {
            continue;
        };
        let parsed = match file.name {
            name if name == DEPENDENCIES.name => parse_dependencies(&text).map(|value| {
                shape.dependencies = Some(Facts {
                    file: shown.clone(),
                    value,
                })
            }),
            name if name == PERMISSION_SET.name => parse_permission_set(&text).map(|value| {
                shape.permissions = Some(Facts {
                    file: shown.clone(),
                    value,
                })
            }),
            name if name == USER_LICENSES.name => parse_user_licenses(&text).map(|value| {
                shape.user_licenses = Some(Facts {
                    file: shown.clone(),
                    value,
                })
            }),
            _ => parse_permission_set_licenses(&text).map(|value| {
                shape.permission_set_licenses = Some(Facts {
                    file: shown.clone(),
                    value,
                })
            }),
        };
        match parsed {
            Ok(()) => {}
            Err(error) => problems.push(error.into_problem(shown, file)),
        }
    }
    (Some(shape).filter(|shape| !shape.is_empty()), problems)
}

/// The text of a shape file. Windows PowerShell's `>` writes UTF-16 with a byte order mark, and
/// some shells a UTF-8 one: all are read.
fn decode(bytes: Vec<u8>) -> Result<String, String> {
    let utf16 = |units: Vec<u16>| {
        String::from_utf16(&units).map_err(|_| "cannot read: not valid UTF-16".to_string())
    };
    match bytes.as_slice() {
        [0xEF, 0xBB, 0xBF, rest @ ..] => {
            String::from_utf8(rest.to_vec()).map_err(|_| "cannot read: not valid UTF-8".to_string())
        }
        [0xFF, 0xFE, rest @ ..] => utf16(
            rest.chunks(2)
                .map(|pair| u16::from_le_bytes([pair[0], *pair.get(1).unwrap_or(&0)]))
                .collect(),
        ),
        [0xFE, 0xFF, rest @ ..] => utf16(
            rest.chunks(2)
                .map(|pair| u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]))
                .collect(),
        ),
        _ => String::from_utf8(bytes).map_err(|_| "cannot read: not valid UTF-8".to_string()),
    }
}

/// Why a shape file could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl ShapeError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            line: None,
            column: None,
        }
    }

    fn into_problem(self, shown: String, file: ShapeFile) -> Problem {
        Problem::error(
            Some(shown),
            format!(
                "{}; the shipped catalog is used instead (write this file with `{}`)",
                self.message, file.command
            ),
        )
        .at(self.line, self.column)
    }
}

impl From<serde_json::Error> for ShapeError {
    fn from(error: serde_json::Error) -> Self {
        // serde_json ends its message with " at line L column C": the problem carries them.
        let message = error.to_string();
        let message = match message.rfind(" at line ") {
            Some(at) => message[..at].to_string(),
            None => message,
        };
        ShapeError {
            message: format!("not the JSON of a Salesforce CLI command: {message}"),
            line: Some(error.line()).filter(|line| *line > 0),
            column: Some(error.column()).filter(|column| *column > 0),
        }
    }
}

/// What every `sf ... --json` writes: `{"status": 0, "result": ...}` on success,
/// `{"status": 1, "name": ..., "message": ...}` on failure.
#[derive(Deserialize)]
struct Envelope<T> {
    status: i64,
    #[serde(default = "Option::default")]
    result: Option<T>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

fn unwrap_envelope<T: DeserializeOwned>(text: &str) -> Result<T, ShapeError> {
    // A failed command has no result to type: look at the status first.
    #[derive(Deserialize)]
    struct Status {
        status: i64,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        message: Option<String>,
    }
    let status: Status = serde_json::from_str(text)?;
    if status.status != 0 {
        return Err(failed(status.status, status.name, status.message));
    }
    let envelope: Envelope<T> = serde_json::from_str(text)?;
    if envelope.status != 0 {
        return Err(failed(envelope.status, envelope.name, envelope.message));
    }
    envelope
        .result
        .ok_or_else(|| ShapeError::new("the command's output has no `result`"))
}

fn failed(status: i64, name: Option<String>, message: Option<String>) -> ShapeError {
    let detail = match (name, message) {
        (Some(name), Some(message)) => format!(": {name}: {}", message.trim_end_matches('.')),
        (None, Some(message)) => format!(": {}", message.trim_end_matches('.')),
        (Some(name), None) => format!(": {name}"),
        (None, None) => String::new(),
    };
    ShapeError::new(format!(
        "the command that wrote it failed (status {status}){detail}"
    ))
}

/// The `result` of `sf data query --json`.
#[derive(Deserialize)]
struct QueryResult<R> {
    records: Vec<R>,
    #[serde(rename = "totalSize", default)]
    total_size: Option<u64>,
    #[serde(default)]
    done: Option<bool>,
}

#[derive(Deserialize)]
struct Attributes {
    #[serde(rename = "type")]
    object: String,
}

/// What every record carries, read before the record's own fields: which object it is.
#[derive(Deserialize)]
struct AnyRecord {
    #[serde(default)]
    attributes: Option<Attributes>,
}

/// Records of `object`, all of them: a result cut short would pass for the org's whole list.
fn records<R: DeserializeOwned>(text: &str, object: &str) -> Result<Vec<R>, ShapeError> {
    // The object first: a query of another object would otherwise fail on a missing field.
    let result: QueryResult<AnyRecord> = unwrap_envelope(text)?;
    if let Some(other) = result
        .records
        .iter()
        .filter_map(|record| record.attributes.as_ref())
        .find(|attributes| attributes.object != object)
    {
        return Err(ShapeError::new(format!(
            "it holds {} records, not {object}",
            other.object
        )));
    }
    let all = result.total_size.unwrap_or(result.records.len() as u64);
    if result.done == Some(false) || all > result.records.len() as u64 {
        return Err(ShapeError::new(format!(
            "it holds {} of the {all} {object} records (the query was cut short)",
            result.records.len()
        )));
    }
    let result: QueryResult<R> = unwrap_envelope(text)?;
    Ok(result.records)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DependencyRecord {
    permission: String,
    #[serde(default)]
    permission_type: Option<String>,
    required_permission: String,
    #[serde(default)]
    required_permission_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UserLicenseRecord {
    name: String,
    #[serde(default)]
    master_label: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PermissionSetLicenseRecord {
    master_label: String,
    #[serde(default)]
    developer_name: Option<String>,
}

/// Whether a `PermissionType` names user permissions. The documentation gives no list of values
/// ("user permissions, such as View All Data, or object permissions"); `User Permission`,
/// `UserPermission` and `USER_PERMISSION` are all read as such, a missing type too.
fn is_user_permission_type(kind: Option<&str>) -> bool {
    kind.is_none_or(|kind| {
        let squashed: String = kind
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        squashed == "userpermission" || squashed == "userpermissions"
    })
}

/// `ModifyAllData` whether the org writes it so or as the field name `PermissionsModifyAllData`.
fn permission_name(name: &str) -> String {
    match name.strip_prefix("Permissions") {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => rest.to_string(),
        _ => name.to_string(),
    }
}

/// The user-permission pairs of a `PermissionDependency` query; pairs of other types (object
/// permissions) are left to the rules that know them.
pub fn parse_dependencies(text: &str) -> Result<Vec<OrgDependency>, ShapeError> {
    let records: Vec<DependencyRecord> = records(text, "PermissionDependency")?;
    let mut dependencies: Vec<OrgDependency> = records
        .into_iter()
        .filter(|record| {
            is_user_permission_type(record.permission_type.as_deref())
                && is_user_permission_type(record.required_permission_type.as_deref())
        })
        .map(|record| OrgDependency {
            permission: permission_name(&record.permission),
            requires: permission_name(&record.required_permission),
        })
        .filter(|dependency| dependency.permission != dependency.requires)
        .collect();
    dependencies.sort_by(|a, b| (&a.permission, &a.requires).cmp(&(&b.permission, &b.requires)));
    dependencies.dedup();
    Ok(dependencies)
}

/// The `result` of `sf sobject describe --json`.
#[derive(Deserialize)]
struct Describe {
    name: String,
    fields: Vec<DescribeField>,
}

#[derive(Deserialize)]
struct DescribeField {
    name: String,
    #[serde(default)]
    label: String,
    #[serde(rename = "type")]
    kind: String,
}

/// The user permissions of the org: every boolean `Permissions*` field of PermissionSet.
pub fn parse_permission_set(text: &str) -> Result<Vec<OrgPermission>, ShapeError> {
    let describe: Describe = unwrap_envelope(text)?;
    if describe.name != "PermissionSet" {
        return Err(ShapeError::new(format!(
            "it describes {}, not PermissionSet",
            describe.name
        )));
    }
    let mut permissions: Vec<OrgPermission> = describe
        .fields
        .into_iter()
        .filter(|field| field.kind == "boolean")
        .filter_map(|field| {
            let name = field.name.strip_prefix("Permissions")?;
            (!name.is_empty()).then(|| OrgPermission {
                name: name.to_string(),
                label: field.label,
            })
        })
        .collect();
    if permissions.is_empty() {
        return Err(ShapeError::new(
            "it has no Permissions* field: the describe of PermissionSet lists every user permission of the org as one",
        ));
    }
    permissions.sort_by(|a, b| a.name.cmp(&b.name));
    permissions.dedup_by(|a, b| a.name == b.name);
    Ok(permissions)
}

pub fn parse_user_licenses(text: &str) -> Result<Vec<String>, ShapeError> {
    let records: Vec<UserLicenseRecord> = records(text, "UserLicense")?;
    Ok(names(records.into_iter().flat_map(|record| {
        [Some(record.name), record.master_label]
            .into_iter()
            .flatten()
    })))
}

pub fn parse_permission_set_licenses(text: &str) -> Result<Vec<String>, ShapeError> {
    let records: Vec<PermissionSetLicenseRecord> = records(text, "PermissionSetLicense")?;
    Ok(names(records.into_iter().flat_map(|record| {
        [Some(record.master_label), record.developer_name]
            .into_iter()
            .flatten()
    })))
}

fn names(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut names: Vec<String> = names.filter(|name| !name.is_empty()).collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(object: &str, records: &str) -> String {
        format!(
            r#"{{"status":0,"result":{{"records":[{records}],"totalSize":{},"done":true}},"warnings":[]}}"#,
            records.matches(&format!(r#""type":"{object}""#)).count()
        )
    }

    #[test]
    fn reads_user_permission_dependencies_only() {
        let text = query(
            "PermissionDependency",
            r#"{"attributes":{"type":"PermissionDependency","url":"/x"},"Permission":"ModifyAllData","PermissionType":"User Permission","RequiredPermission":"ViewAllData","RequiredPermissionType":"User Permission"},
               {"attributes":{"type":"PermissionDependency","url":"/y"},"Permission":"PermissionsViewSetup","PermissionType":"UserPermission","RequiredPermission":"PermissionsViewRoles","RequiredPermissionType":"UserPermission"},
               {"attributes":{"type":"PermissionDependency","url":"/z"},"Permission":"Account<PermissionsEdit>","PermissionType":"Object Permission","RequiredPermission":"Account<PermissionsRead>","RequiredPermissionType":"Object Permission"}"#,
        );
        assert_eq!(
            parse_dependencies(&text).unwrap(),
            [
                OrgDependency {
                    permission: "ModifyAllData".into(),
                    requires: "ViewAllData".into()
                },
                OrgDependency {
                    permission: "ViewSetup".into(),
                    requires: "ViewRoles".into()
                },
            ]
        );
    }

    #[test]
    fn a_failed_command_says_why() {
        let error = parse_user_licenses(
            r#"{"status":1,"name":"NoDefaultEnvError","message":"No default environment found.","exitCode":1}"#,
        )
        .unwrap_err();
        assert_eq!(
            error.message,
            "the command that wrote it failed (status 1): NoDefaultEnvError: No default environment found"
        );
    }

    #[test]
    fn malformed_json_has_its_line_and_column() {
        let error =
            parse_user_licenses("{\n  \"status\": 0,\n  \"result\": {\n    \"records\": [,]\n")
                .unwrap_err();
        assert_eq!((error.line, error.column), (Some(4), Some(17)));
        assert!(
            error
                .message
                .starts_with("not the JSON of a Salesforce CLI command: "),
            "{}",
            error.message
        );
        assert!(!error.message.contains(" at line "), "{}", error.message);
    }

    #[test]
    fn a_query_of_another_object_or_cut_short_is_refused() {
        let text = query(
            "PermissionSetLicense",
            r#"{"attributes":{"type":"PermissionSetLicense"},"MasterLabel":"Salesforce API Integration"}"#,
        );
        assert_eq!(
            parse_user_licenses(&text).unwrap_err().message,
            "it holds PermissionSetLicense records, not UserLicense"
        );
        let cut = r#"{"status":0,"result":{"records":[{"Name":"Salesforce"}],"totalSize":2,"done":false}}"#;
        assert_eq!(
            parse_user_licenses(cut).unwrap_err().message,
            "it holds 1 of the 2 UserLicense records (the query was cut short)"
        );
    }

    #[test]
    fn reads_what_windows_shells_write() {
        let text = r#"{"status":0,"result":{"records":[{"Name":"Salesforce"}],"totalSize":1,"done":true}}"#;
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend(text.bytes());
        for bytes in [utf16, bom] {
            let decoded = decode(bytes).unwrap();
            assert_eq!(parse_user_licenses(&decoded).unwrap(), ["Salesforce"]);
        }
    }

    #[test]
    fn permission_names_are_the_boolean_permissions_fields() {
        let text = r#"{"status":0,"result":{"name":"PermissionSet","fields":[
            {"name":"Id","type":"id","label":"Permission Set ID"},
            {"name":"PermissionsApiEnabled","type":"boolean","label":"API Enabled"},
            {"name":"PermissionSetGroupId","type":"reference","label":"Permission Set Group ID"}
        ]}}"#;
        assert_eq!(
            parse_permission_set(text).unwrap(),
            [OrgPermission {
                name: "ApiEnabled".into(),
                label: "API Enabled".into()
            }]
        );
    }
}
