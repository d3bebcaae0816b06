//! Salesforce facts the built-in rules rely on, kept as data under `rules/catalog/` and compiled into
//! the binary: the user permission catalog, misspellings people make, permission dependencies and what
//! user licenses cannot hold.
//!
//! A project that commits its target org's shape ([`org_shape`](crate::org_shape)) gets the shipped
//! catalog overlaid with the org's facts ([`Catalog::with_org`]): this is the one place that
//! decides which fact wins, so the rules consult one catalog and never know where a fact came from.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::ObjectFlag;
use crate::org_shape::{Facts, OrgShape};
use crate::registry::Severity;

const USER_PERMISSIONS: &str = include_str!("../rules/catalog/user-permissions.tsv");
const ALIASES: &str = include_str!("../rules/catalog/user-permission-aliases.toml");
const DEPENDENCIES: &str = include_str!("../rules/catalog/permission-dependencies.toml");
const LICENSES: &str = include_str!("../rules/catalog/licenses.toml");
const OBJECTS: &str = include_str!("../rules/catalog/objects.toml");
const DANGEROUS: &str = include_str!("../rules/catalog/dangerous-permissions.toml");

#[derive(Debug, Clone)]
pub struct Catalog {
    /// API name -> Setup label ("" when unknown).
    permissions: HashMap<&'static str, &'static str>,
    /// Sorted, for deterministic suggestions.
    names: Vec<&'static str>,
    aliases: BTreeMap<String, String>,
    dependencies: Vec<Dependency>,
    /// The org shape file the dependencies come from, if they do.
    dependency_source: Option<String>,
    pub licenses: Vec<LicenseLimits>,
    objects: ObjectFacts,
    pub dangerous: Vec<DangerousPermission>,
    /// The target org's facts that replace the shipped ones, when the project has an org shape.
    org: Option<Box<OrgFacts>>,
}

/// What the org shape replaces.
#[derive(Debug, Clone, Default)]
struct OrgFacts {
    /// The org's user permissions: API name -> label.
    permissions: Option<OrgNames>,
    /// The org's user licenses (`UserLicense`).
    user_licenses: Option<OrgLicenses>,
    /// The org's permission set licenses (`PermissionSetLicense`).
    permission_set_licenses: Option<OrgLicenses>,
}

#[derive(Debug, Clone)]
struct OrgNames {
    labels: HashMap<String, String>,
    /// Sorted.
    names: Vec<String>,
    /// The shape file, as shown.
    file: String,
}

#[derive(Debug, Clone)]
struct OrgLicenses {
    names: Vec<String>,
    file: String,
}

/// Where the catalog's answer about a kind of fact comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactSource<'a> {
    /// sflint's own data.
    Shipped,
    /// The org shape file shown.
    Org(&'a str),
}

impl FactSource<'_> {
    /// `the catalog`, `the target org (org shape .sflint/org-shape/permission-set.json)`.
    pub fn describe(&self) -> String {
        match self {
            FactSource::Shipped => "the catalog".to_string(),
            FactSource::Org(file) => format!("the target org (org shape {file})"),
        }
    }
}

/// Whether the target org has a license, as the org shape says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgLicense<'a> {
    /// No org shape for licenses: nothing is known.
    Unknown,
    Known,
    /// Not in the org; its closest license, if a case-insensitive match, and the files consulted.
    Missing {
        near: Option<&'a str>,
        files: Vec<&'a str>,
    },
}

/// A permission that widens an integration user's reach (`dangerous-permissions.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DangerousPermission {
    pub name: String,
    pub why: String,
    pub source: String,
}

#[derive(Deserialize)]
struct DangerousFile {
    permission: Vec<DangerousPermission>,
}

/// `rules/catalog/objects.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ObjectFacts {
    no_object_permissions: Vec<NoObjectPermissions>,
    no_field_permissions: Vec<String>,
    address_parts: Vec<String>,
    address_fields: Vec<String>,
    user_licenses: Vec<String>,
    org_wide_access: Vec<OrgWideAccess>,
    field_security_on: Vec<FieldSecurityOn>,
    unverifiable_fields: Vec<UnverifiableFields>,
}

/// Fields whose field-level security is another field's (`fields` and `on` with one `*`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldSecurityOn {
    fields: String,
    on: String,
    /// For the people who maintain the data.
    #[serde(rename = "source")]
    _source: String,
}

/// Standard fields without field-level security whose access no metadata decides.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnverifiableFields {
    fields: Vec<String>,
    instead: String,
    /// For the people who maintain the data.
    #[serde(rename = "source")]
    _source: String,
}

/// What an org-wide data permission (Modify All Data, View All Data) implies on every object.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgWideAccess {
    pub permission: String,
    pub access: Vec<ObjectFlag>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoObjectPermissions {
    object: String,
    instead: String,
    #[serde(default)]
    readable: bool,
    #[serde(default)]
    edit_permission: Option<String>,
}

/// How access to an object without object permissions is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImpliedObjectAccess<'a> {
    /// Readable by every user who can see the related records.
    pub readable: bool,
    /// The user permission that grants edit access.
    pub edit_permission: Option<&'a str>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    pub permission: String,
    pub requires: String,
    #[serde(deserialize_with = "severity_or_off")]
    pub severity: Option<Severity>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenseLimits {
    pub name: String,
    #[serde(default, rename = "object")]
    pub objects: Vec<LicenseObjectLimit>,
    #[serde(default, rename = "permission")]
    pub permissions: Vec<LicensePermissionLimit>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenseObjectLimit {
    pub object: String,
    #[serde(deserialize_with = "severity")]
    pub severity: Severity,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicensePermissionLimit {
    pub permission: String,
    #[serde(deserialize_with = "severity")]
    pub severity: Severity,
    pub source: String,
}

fn severity<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Severity, D::Error> {
    let text = String::deserialize(deserializer)?;
    Severity::parse(&text)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown severity {text:?}")))
}

fn severity_or_off<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Severity>, D::Error> {
    let text = String::deserialize(deserializer)?;
    if text == "off" {
        return Ok(None);
    }
    Severity::parse(&text)
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown severity {text:?}")))
}

#[derive(Deserialize)]
struct AliasFile {
    aliases: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct DependencyFile {
    dependency: Vec<Dependency>,
}

#[derive(Deserialize)]
struct LicenseFile {
    license: Vec<LicenseLimits>,
}

/// How close an unknown user permission name is to a real one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suggestion<'a> {
    /// A known misspelling or a near miss: almost certainly meant this name.
    NearMiss(&'a str),
    None,
}

impl Catalog {
    /// The built-in catalog. The embedded data is validated by the test suite.
    pub fn get() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| Catalog::parse().expect("embedded catalog data is valid"))
    }

    fn parse() -> Result<Catalog, String> {
        let mut permissions = HashMap::new();
        let mut names = Vec::new();
        for line in USER_PERMISSIONS.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let (name, label) = line.split_once('\t').unwrap_or((line, ""));
            permissions.insert(name, label);
            names.push(name);
        }
        names.sort_unstable();
        let aliases: AliasFile = toml::from_str(ALIASES).map_err(|e| e.to_string())?;
        let dependencies: DependencyFile =
            toml::from_str(DEPENDENCIES).map_err(|e| e.to_string())?;
        let licenses: LicenseFile = toml::from_str(LICENSES).map_err(|e| e.to_string())?;
        let objects: ObjectFacts = toml::from_str(OBJECTS).map_err(|e| e.to_string())?;
        let dangerous: DangerousFile = toml::from_str(DANGEROUS).map_err(|e| e.to_string())?;
        Ok(Catalog {
            permissions,
            names,
            aliases: aliases.aliases,
            dependencies: dependencies.dependency,
            dependency_source: None,
            licenses: licenses.license,
            objects,
            dangerous: dangerous.permission,
            org: None,
        })
    }

    /// The shipped catalog overlaid with what the target org's shape says. Each kind of fact the
    /// shape holds replaces the shipped one whole: the org's permission names decide which names
    /// are known (the shipped labels and misspellings still help to word and suggest), its
    /// dependencies are exact facts for that org and replace the shipped list (calibrated against
    /// false alarms, so partly off), and its licenses are the licenses a file may name.
    pub fn with_org(shape: &OrgShape) -> Catalog {
        let mut catalog = Catalog::get().clone();
        let mut org = OrgFacts::default();
        if let Some(facts) = &shape.permissions {
            org.permissions = Some(OrgNames {
                labels: facts
                    .value
                    .iter()
                    .map(|permission| (permission.name.clone(), permission.label.clone()))
                    .collect(),
                names: facts
                    .value
                    .iter()
                    .map(|permission| permission.name.clone())
                    .collect(),
                file: facts.file.clone(),
            });
        }
        if let Some(facts) = &shape.dependencies {
            let source = FactSource::Org(&facts.file).describe();
            catalog.dependencies = facts
                .value
                .iter()
                .map(|dependency| Dependency {
                    permission: dependency.permission.clone(),
                    requires: dependency.requires.clone(),
                    // The org refuses to save the permission without it.
                    severity: Some(Severity::Error),
                    source: source.clone(),
                })
                .collect();
        }
        let licenses = |facts: &Option<Facts<Vec<String>>>| {
            facts.as_ref().map(|facts| OrgLicenses {
                names: facts.value.clone(),
                file: facts.file.clone(),
            })
        };
        org.user_licenses = licenses(&shape.user_licenses);
        org.permission_set_licenses = licenses(&shape.permission_set_licenses);
        catalog.dependency_source = shape.dependencies.as_ref().map(|facts| facts.file.clone());
        catalog.org = Some(Box::new(org));
        catalog
    }

    /// Where the user permission names come from.
    pub fn names_source(&self) -> FactSource<'_> {
        match self.org_names() {
            Some(org) => FactSource::Org(&org.file),
            None => FactSource::Shipped,
        }
    }

    /// Where the permission dependencies come from.
    pub fn dependencies_source(&self) -> FactSource<'_> {
        match &self.dependency_source {
            Some(file) => FactSource::Org(file),
            None => FactSource::Shipped,
        }
    }

    fn org_names(&self) -> Option<&OrgNames> {
        self.org.as_ref()?.permissions.as_ref()
    }

    /// The permission dependencies: the target org's when its shape has them.
    pub fn dependencies(&self) -> &[Dependency] {
        &self.dependencies
    }

    pub fn is_known(&self, name: &str) -> bool {
        match self.org_names() {
            Some(org) => org.labels.contains_key(name),
            None => self.permissions.contains_key(name),
        }
    }

    /// How many user permissions the shipped catalog knows.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The known user permission names, sorted: the org's when its shape has them.
    pub fn names(&self) -> Vec<&str> {
        match self.org_names() {
            Some(org) => org.names.iter().map(String::as_str).collect(),
            None => self.names.clone(),
        }
    }

    /// The Setup label of a permission, if the catalog (or the org's describe) knows it.
    pub fn label(&self, name: &str) -> Option<&str> {
        let org = self
            .org_names()
            .and_then(|org| org.labels.get(name))
            .map(String::as_str);
        org.or_else(|| self.permissions.get(name).copied())
            .filter(|label| !label.is_empty())
    }

    /// Whether the target org has `license` as a user license (`user_only`: a profile's
    /// `<userLicense>`) or as a user license or permission set license (a permission set's
    /// `<license>`). Unknown unless the shape has every list that decides it.
    pub fn org_license(&self, license: &str, user_only: bool) -> OrgLicense<'_> {
        let Some(org) = &self.org else {
            return OrgLicense::Unknown;
        };
        let lists: Vec<&OrgLicenses> = if user_only {
            org.user_licenses.iter().collect()
        } else {
            org.user_licenses
                .iter()
                .chain(&org.permission_set_licenses)
                .collect()
        };
        if lists.len() != if user_only { 1 } else { 2 } {
            return OrgLicense::Unknown;
        }
        let all = || lists.iter().flat_map(|list| &list.names);
        if all().any(|name| name == license) {
            return OrgLicense::Known;
        }
        OrgLicense::Missing {
            near: all()
                .find(|name| name.eq_ignore_ascii_case(license))
                .map(String::as_str),
            files: lists.iter().map(|list| list.file.as_str()).collect(),
        }
    }

    /// `ApiEnabled (API Enabled)`, or just the name when no label is known.
    pub fn describe(&self, name: &str) -> String {
        match self.label(name) {
            Some(label) => format!("{name} ({label})"),
            None => name.to_string(),
        }
    }

    /// For an object that never appears in `<objectPermissions>`, what governs its access instead.
    pub fn object_without_permissions(&self, object: &str) -> Option<&str> {
        self.objects
            .no_object_permissions
            .iter()
            .find(|entry| entry.object == object)
            .map(|entry| entry.instead.as_str())
    }

    /// For Task and Event: how their access follows from user permissions.
    pub fn implied_object_access(&self, object: &str) -> Option<ImpliedObjectAccess<'_>> {
        self.objects
            .no_object_permissions
            .iter()
            .find(|entry| {
                entry.object == object && (entry.readable || entry.edit_permission.is_some())
            })
            .map(|entry| ImpliedObjectAccess {
                readable: entry.readable,
                edit_permission: entry.edit_permission.as_deref(),
            })
    }

    /// Whether `Object.Field` is a required or system field that never carries field permissions.
    pub fn field_without_permissions(&self, field: &str) -> bool {
        let Some((_, name)) = field.split_once('.') else {
            return false;
        };
        self.objects.no_field_permissions.iter().any(|pattern| {
            pattern == field || pattern.strip_prefix("*.").is_some_and(|any| any == name)
        })
    }

    /// The org-wide data permissions and the object access each implies on every object; none
    /// implies field-level security or View All Fields.
    pub fn org_wide_access(&self) -> &[OrgWideAccess] {
        &self.objects.org_wide_access
    }

    /// The field whose field-level security decides `field`: the compound address field for a
    /// part of a standard address (`Account.BillingCity` -> `Account.BillingAddress`), the matching
    /// Contact field for a person account field (`Account.PersonEmail` -> `Contact.Email`), else
    /// the field itself.
    pub fn field_security_field(&self, field: &str) -> String {
        let mut current = field.to_string();
        // A person account address part goes through both: PersonMailingCity -> MailingCity ->
        // MailingAddress.
        for _ in 0..3 {
            match self.field_security_step(&current) {
                Some(next) => current = next,
                None => break,
            }
        }
        current
    }

    fn field_security_step(&self, field: &str) -> Option<String> {
        for rule in &self.objects.field_security_on {
            if let Some(rest) = glob_rest(&rule.fields, field) {
                return Some(rule.on.replacen('*', rest, 1));
            }
        }
        let (object, name) = field.split_once('.')?;
        self.objects.address_fields.iter().find_map(|address| {
            let (address_object, address_name) = address.split_once('.')?;
            let prefix = address_name.strip_suffix("Address")?;
            let part = name.strip_prefix(prefix)?;
            (address_object == object && self.objects.address_parts.iter().any(|p| p == part))
                .then(|| address.clone())
        })
    }

    /// For a standard field that carries no field-level security and whose access no metadata
    /// decides (`Task.TaskSubtype`, the standard fields of CampaignMember): what governs it.
    pub fn unverifiable_field(&self, field: &str) -> Option<&str> {
        let (object, name) = field.split_once('.')?;
        self.objects
            .unverifiable_fields
            .iter()
            .find(|entry| {
                entry.fields.iter().any(|pattern| {
                    pattern == field
                        || (pattern.strip_suffix(".*") == Some(object) && !name.ends_with("__c"))
                })
            })
            .map(|entry| entry.instead.as_str())
    }

    /// Whether a requirement on `field` can only be met another way than by its own field
    /// permission: a required or system field, one without field-level security, or one whose
    /// field-level security is another field's.
    pub fn carries_no_field_permissions(&self, field: &str) -> bool {
        self.field_without_permissions(field)
            || self.unverifiable_field(field).is_some()
            || self.field_security_field(field) != field
    }

    /// Whether `license` is a user license (not a permission set license): the target org's list
    /// when its shape has one.
    pub fn is_user_license(&self, license: &str) -> bool {
        if let Some(org) = self.org.as_ref().and_then(|org| org.user_licenses.as_ref()) {
            return org.names.iter().any(|known| known == license);
        }
        self.objects
            .user_licenses
            .iter()
            .any(|known| known == license)
    }

    pub fn aliases(&self) -> impl Iterator<Item = (&str, &str)> {
        self.aliases.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Which known name an unknown `name` was most likely meant to be.
    pub fn suggest(&self, name: &str) -> Suggestion<'_> {
        let names = self.names();
        if let Some(target) = self.aliases.get(name)
            && let Some(&known) = names.iter().find(|known| **known == target.as_str())
        {
            return Suggestion::NearMiss(known);
        }
        if let Some(&known) = names.iter().find(|known| known.eq_ignore_ascii_case(name)) {
            return Suggestion::NearMiss(known);
        }
        // Short names are too easily one edit away from an unrelated permission.
        let allowed = match name.chars().count() {
            0..=5 => return Suggestion::None,
            6..=11 => 1,
            _ => 2,
        };
        let mut best: Option<(usize, &str)> = None;
        let mut tied = false;
        for known in names {
            if known.len().abs_diff(name.len()) > allowed {
                continue;
            }
            let distance = edit_distance(name, known);
            if distance > allowed {
                continue;
            }
            match best {
                Some((best_distance, _)) if distance > best_distance => {}
                Some((best_distance, _)) if distance == best_distance => tied = true,
                _ => {
                    best = Some((distance, known));
                    tied = false;
                }
            }
        }
        match best {
            Some((_, known)) if !tied => Suggestion::NearMiss(known),
            _ => Suggestion::None,
        }
    }
}

/// The part of `text` that the `*` of `pattern` stands for (`Account.Person*`, `Account.PersonEmail`
/// -> `Email`); `None` when it does not match or `*` would stand for nothing.
fn glob_rest<'t>(pattern: &str, text: &'t str) -> Option<&'t str> {
    let (before, after) = pattern.split_once('*')?;
    let rest = text.strip_prefix(before)?.strip_suffix(after)?;
    (!rest.is_empty()).then_some(rest)
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    for (i, row) in rows.chunks_mut(width).enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[(i - 1) * width + j] + 1)
                .min(rows[i * width + j - 1] + 1)
                .min(rows[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[(i - 2) * width + j - 2] + 1);
            }
            rows[i * width + j] = best;
        }
    }
    rows[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_is_consistent() {
        let catalog = Catalog::parse().unwrap();
        assert_eq!(catalog.len(), 833);
        assert!(catalog.is_known("ApiEnabled"));
        assert_eq!(catalog.label("ApiEnabled"), Some("API Enabled"));
        for (alias, target) in catalog.aliases() {
            assert!(
                catalog.is_known(target),
                "alias {alias} points at unknown {target}"
            );
            assert!(
                !catalog.is_known(alias),
                "alias {alias} is itself a real name"
            );
        }
        for dependency in catalog.dependencies() {
            assert!(
                catalog.is_known(&dependency.permission),
                "{}",
                dependency.permission
            );
            assert!(
                catalog.is_known(&dependency.requires),
                "{}",
                dependency.requires
            );
        }
        for permission in &catalog.dangerous {
            assert!(catalog.is_known(&permission.name), "{}", permission.name);
            // Findings say "it {why}": a verb phrase, lower case.
            assert!(
                permission.why.starts_with(|c: char| c.is_ascii_lowercase()),
                "{}: {}",
                permission.name,
                permission.why
            );
        }
        for field in &catalog.objects.no_field_permissions {
            assert!(
                catalog.unverifiable_field(field).is_none(),
                "{field} is both a required field and one without field-level security"
            );
        }
        for address in &catalog.objects.address_fields {
            assert!(address.ends_with("Address"), "{address}");
        }
        for rule in &catalog.objects.field_security_on {
            assert_eq!(rule.fields.matches('*').count(), 1, "{}", rule.fields);
            assert_eq!(rule.on.matches('*').count(), 1, "{}", rule.on);
        }
        for org_wide in catalog.org_wide_access() {
            assert!(
                catalog.is_known(&org_wide.permission),
                "{}",
                org_wide.permission
            );
            // Field-level security is set per field whatever the system permissions.
            assert!(
                !org_wide.access.contains(&ObjectFlag::ViewAllFields),
                "{} cannot imply View All Fields",
                org_wide.permission
            );
        }
        for object in ["Task", "Event"] {
            let implied = catalog.implied_object_access(object).unwrap();
            assert!(catalog.is_known(implied.edit_permission.unwrap()));
        }
        for license in &catalog.licenses {
            for limit in &license.permissions {
                assert!(catalog.is_known(&limit.permission), "{}", limit.permission);
            }
        }
    }

    #[test]
    fn knows_what_metadata_cannot_express() {
        let catalog = Catalog::get();
        assert!(catalog.object_without_permissions("Task").is_some());
        assert!(catalog.object_without_permissions("Account").is_none());
        assert!(catalog.field_without_permissions("Account.Name"));
        assert!(catalog.field_without_permissions("Invoice__c.OwnerId"));
        assert!(!catalog.field_without_permissions("Account.Industry"));
        assert!(catalog.field_without_permissions("Opportunity.StageName"));
        // Field-level security set on another field.
        assert_eq!(
            catalog.field_security_field("Account.BillingCity"),
            "Account.BillingAddress"
        );
        assert_eq!(
            catalog.field_security_field("Lead.PostalCode"),
            "Lead.Address"
        );
        assert_eq!(
            catalog.field_security_field("Account.PersonEmail"),
            "Contact.Email"
        );
        assert_eq!(
            catalog.field_security_field("Account.PersonMailingCity"),
            "Contact.MailingAddress"
        );
        assert_eq!(
            catalog.field_security_field("Account.Region__pc"),
            "Contact.Region__c"
        );
        assert_eq!(
            catalog.field_security_field("Account.Billing_Address__c"),
            "Account.Billing_Address__c"
        );
        assert_eq!(
            catalog.field_security_field("Account.BillingAddress"),
            "Account.BillingAddress"
        );
        // No field-level security and no metadata that decides access.
        assert!(catalog.unverifiable_field("Task.TaskSubtype").is_some());
        assert!(
            catalog
                .unverifiable_field("CampaignMember.Status")
                .is_some()
        );
        assert!(
            catalog
                .unverifiable_field("CampaignMember.Key__c")
                .is_none()
        );
        assert!(catalog.unverifiable_field("Task.Description").is_none());
        assert!(catalog.carries_no_field_permissions("OpportunityContactRole.Role"));
        assert!(!catalog.carries_no_field_permissions("Contact.Email"));
        assert!(catalog.is_user_license("Salesforce Integration"));
        assert!(!catalog.is_user_license("Salesforce API Integration"));
    }

    #[test]
    fn suggests_near_misses() {
        let catalog = Catalog::get();
        assert_eq!(
            catalog.suggest("ManageFlow"),
            Suggestion::NearMiss("ManageInteraction")
        );
        assert_eq!(
            catalog.suggest("apienabled"),
            Suggestion::NearMiss("ApiEnabled")
        );
        assert_eq!(
            catalog.suggest("ApiEnabeld"),
            Suggestion::NearMiss("ApiEnabled")
        );
        assert_eq!(
            catalog.suggest("ViewAllDatas"),
            Suggestion::NearMiss("ViewAllData")
        );
        assert_eq!(
            catalog.suggest("CompletelyMadeUpPermission"),
            Suggestion::None
        );
    }

    #[test]
    fn the_org_shape_replaces_what_it_holds() {
        use crate::org_shape::{OrgDependency, OrgPermission};
        let facts = |value| Facts {
            file: "shape.json".to_string(),
            value,
        };
        let permission = |name: &str, label: &str| OrgPermission {
            name: name.to_string(),
            label: label.to_string(),
        };
        let shape = OrgShape {
            permissions: Some(facts(vec![
                permission("ApiEnabled", "API Enabled"),
                permission("BrandNewPermission", "Brand New"),
            ])),
            dependencies: Some(Facts {
                file: "deps.json".to_string(),
                value: vec![OrgDependency {
                    permission: "ApiUserOnly".to_string(),
                    requires: "ApiEnabled".to_string(),
                }],
            }),
            user_licenses: Some(Facts {
                file: "users.json".to_string(),
                value: vec!["Salesforce".to_string()],
            }),
            permission_set_licenses: None,
        };
        let catalog = Catalog::with_org(&shape);
        // Names: the org's, with its labels; the shipped misspellings still point at them.
        assert!(catalog.is_known("BrandNewPermission"));
        assert!(!catalog.is_known("ViewAllData"));
        assert_eq!(catalog.label("BrandNewPermission"), Some("Brand New"));
        assert_eq!(catalog.names(), ["ApiEnabled", "BrandNewPermission"]);
        assert_eq!(
            catalog.suggest("ApiEnabeld"),
            Suggestion::NearMiss("ApiEnabled")
        );
        assert_eq!(catalog.names_source(), FactSource::Org("shape.json"));
        // Dependencies: the org's only, as errors.
        assert_eq!(catalog.dependencies().len(), 1);
        assert_eq!(catalog.dependencies()[0].severity, Some(Severity::Error));
        assert_eq!(catalog.dependencies_source(), FactSource::Org("deps.json"));
        // Licenses: a profile's is decided by the user licenses alone; a permission set's needs
        // the permission set licenses too.
        assert_eq!(catalog.org_license("Salesforce", true), OrgLicense::Known);
        assert_eq!(
            catalog.org_license("salesforce", true),
            OrgLicense::Missing {
                near: Some("Salesforce"),
                files: vec!["users.json"]
            }
        );
        assert_eq!(catalog.org_license("Anything", false), OrgLicense::Unknown);
        assert!(!catalog.is_user_license("Salesforce Integration"));
        // Facts the shape does not hold stay the shipped ones.
        assert_eq!(catalog.licenses.len(), Catalog::get().licenses.len());
        assert_eq!(Catalog::get().names_source(), FactSource::Shipped);
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("abcd", "abdc"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
