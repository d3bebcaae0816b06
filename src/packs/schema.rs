//! The pack file format (TOML). A pack is a header, the parameters a project may set, the permissions
//! it explicitly allows, and a list of requirements, each an instance of a template the engine knows
//! (`kind`). New vendors are data; new kinds are code. `rules/README.md` documents every field.

use serde::Deserialize;

use crate::diagnostic::Severity;
use crate::model::ObjectFlag;
use crate::registry::RuleId;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    pub pack: PackHeader,
    #[serde(default, rename = "option")]
    pub options: Vec<OptionSpec>,
    #[serde(default, rename = "allow")]
    pub allows: Vec<AllowSpec>,
    #[serde(default, rename = "require")]
    pub requirements: Vec<RequirementSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackHeader {
    /// Kebab-case, the vendor's name: `act-on`.
    pub id: String,
    /// The vendor or product as admins know it.
    pub name: String,
    /// One line: what the integration does with Salesforce.
    pub summary: String,
    pub source: SourceSpec,
    #[serde(default)]
    pub confidence: Confidence,
    /// Where the grants must live: `any` member, or the `profile` only.
    #[serde(default)]
    pub grants_on: GrantsOn,
    /// The integration only reads: create, edit, delete and modify-all beyond the pack are excess.
    #[serde(default)]
    pub read_only: bool,
    /// A shipped pack this one adds to (user packs only).
    #[serde(default)]
    pub extends: Option<String>,
    /// Choices made where the vendor's page is ambiguous, shown by `sflint pack ID`.
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    pub title: String,
    #[serde(default)]
    pub url: Option<String>,
    /// The date the page was read, `YYYY-MM-DD`.
    pub retrieved: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    Low,
    Medium,
    MediumHigh,
    #[default]
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::MediumHigh => "medium-high",
            Confidence::High => "high",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GrantsOn {
    #[default]
    Any,
    Profile,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSpec {
    pub id: String,
    pub kind: OptionKind,
    pub description: String,
    /// Used when the project does not set the option; without one the option is required.
    #[serde(default)]
    pub default: Option<toml::Value>,
    /// The allowed values of a `choice`.
    #[serde(default)]
    pub choices: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OptionKind {
    Bool,
    String,
    List,
    Choice,
}

/// A permission the pack needs even though sflint flags it elsewhere (View All Data for a read-only
/// analytics platform): reported once as info with the vendor's reason instead.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowSpec {
    pub permission: String,
    pub why: String,
    pub source: String,
    #[serde(default)]
    pub when: Option<toml::Table>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// The vendor says the integration needs it: error.
    #[default]
    Required,
    /// The vendor recommends it, or the page is unclear: warning.
    Recommended,
    /// Worth knowing, not a defect: info.
    Informational,
}

impl Level {
    pub fn severity(self) -> Severity {
        match self {
            Level::Required => Severity::Error,
            Level::Recommended => Severity::Warning,
            Level::Informational => Severity::Info,
        }
    }
}

/// The templates a requirement can instantiate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// `permission` (or each of `permissions`) enabled.
    UserPermission,
    /// `permission` (or each of `permissions`) not enabled.
    ForbidPermission,
    /// `access` on each of `objects` / `objects_from`.
    ObjectAccess,
    /// `field_access` on each of `fields` / `fields_from`.
    FieldAccess,
    /// Each of `record_types` / `record_types_from` visible; with `exclusive`, no other record type
    /// of those objects visible.
    RecordType,
    /// The profile's user license is one of `licenses`; `insufficient` names ones the vendor rules out.
    ProfileLicense,
    /// Every permission set's license is absent or one of `licenses`.
    PermissionSetLicense,
    /// The profile is one of `profiles`.
    Profile,
    /// The profile is none of `profiles` (an over-broad or deprecated choice).
    ProfileDiscouraged,
    /// At most `max` readable fields on `objects`.
    FieldCount,
    /// Met when any requirement of `any_of` is met.
    AnyOf,
    /// Something the vendor asks for that metadata cannot express: always reported as info.
    Unverifiable,
    /// The profile's user license is none of `licenses`.
    ForbidLicense,
    /// The profile sets no `<loginIpRanges>` (they would lock the integration's servers out).
    NoLoginIpRanges,
    /// The profile sets no `<loginHours>`.
    NoLoginHours,
    /// The profile's session settings require none of `levels` at login.
    ForbidSessionLevel,
    /// The user holds each of `permission_sets` (package permission sets, by API name).
    PermissionSet,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::UserPermission => "user-permission",
            Kind::ForbidPermission => "forbid-permission",
            Kind::ObjectAccess => "object-access",
            Kind::FieldAccess => "field-access",
            Kind::RecordType => "record-type",
            Kind::ProfileLicense => "profile-license",
            Kind::PermissionSetLicense => "permission-set-license",
            Kind::Profile => "profile",
            Kind::ProfileDiscouraged => "profile-discouraged",
            Kind::FieldCount => "field-count",
            Kind::AnyOf => "any-of",
            Kind::Unverifiable => "unverifiable",
            Kind::ForbidLicense => "forbid-license",
            Kind::NoLoginIpRanges => "no-login-ip-ranges",
            Kind::NoLoginHours => "no-login-hours",
            Kind::ForbidSessionLevel => "forbid-session-level",
            Kind::PermissionSet => "permission-set",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldAccessName {
    Read,
    Edit,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementSpec {
    /// Stable within the pack; the full id is `<pack>/<id>`.
    pub id: String,
    pub kind: Kind,
    #[serde(default)]
    pub level: Level,
    /// The vendor's reason, quoted or closely paraphrased.
    pub why: String,
    /// The section of the vendor page this comes from.
    pub source: String,
    /// Only applies when every option named here has this value (a list option: contains it).
    #[serde(default)]
    pub when: Option<toml::Table>,
    /// The finding id to report instead of the kind's default.
    #[serde(default)]
    pub finding: Option<RuleId>,
    #[serde(default)]
    pub permission: Option<String>,
    #[serde(default)]
    pub permissions: Vec<String>,
    #[serde(default)]
    pub objects: Vec<String>,
    #[serde(default)]
    pub objects_from: Option<String>,
    #[serde(default)]
    pub access: Vec<ObjectFlag>,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub fields_from: Option<String>,
    #[serde(default)]
    pub field_access: Option<FieldAccessName>,
    #[serde(default)]
    pub record_types: Vec<String>,
    #[serde(default)]
    pub record_types_from: Option<String>,
    #[serde(default)]
    pub exclusive: bool,
    #[serde(default)]
    pub licenses: Vec<String>,
    #[serde(default)]
    pub insufficient: Vec<String>,
    #[serde(default)]
    pub profiles: Vec<String>,
    #[serde(default)]
    pub max: Option<usize>,
    #[serde(default)]
    pub any_of: Vec<RequirementSpec>,
    /// What the vendor asks for, in words, for `unverifiable` requirements.
    #[serde(default)]
    pub what: Option<String>,
    /// Session security levels (`HIGH_ASSURANCE`, `STANDARD`, `LOW`) for `forbid-session-level`.
    #[serde(default)]
    pub levels: Vec<String>,
    /// Permission set API names for `permission-set`.
    #[serde(default)]
    pub permission_sets: Vec<String>,
}
