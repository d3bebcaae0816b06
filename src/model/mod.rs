//! The typed model of permission metadata: what a profile, permission set, permission set group or
//! muting permission set grants, each entry with the span it was read from.
//!
//! Only what the rules and packs reason about is modelled; every other element is tolerated and
//! skipped while streaming (see [`parse`]).

pub mod access;
pub mod definition;
pub mod name;
pub mod names;
pub mod oauth;
pub mod parse;
pub mod user;

use std::sync::Arc;

pub use name::Name;

use crate::source::{FilePath, Span, Spanned};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MetadataKind {
    Profile,
    PermissionSet,
    PermissionSetGroup,
    MutingPermissionSet,
    /// A profile's session settings (`requiredSessionLevel`), a separate metadata type.
    ProfileSessionSetting,
}

impl MetadataKind {
    /// The root element Salesforce writes for this type.
    pub fn root_element(self) -> &'static str {
        match self {
            MetadataKind::Profile => "Profile",
            MetadataKind::PermissionSet => "PermissionSet",
            MetadataKind::PermissionSetGroup => "PermissionSetGroup",
            MetadataKind::MutingPermissionSet => "MutingPermissionSet",
            MetadataKind::ProfileSessionSetting => "ProfileSessionSetting",
        }
    }

    /// Human wording, as in Setup.
    pub fn noun(self) -> &'static str {
        match self {
            MetadataKind::Profile => "profile",
            MetadataKind::PermissionSet => "permission set",
            MetadataKind::PermissionSetGroup => "permission set group",
            MetadataKind::MutingPermissionSet => "muting permission set",
            MetadataKind::ProfileSessionSetting => "profile session setting",
        }
    }

    /// The file-name suffixes of this type, source format first, then Metadata API format.
    pub fn suffixes(self) -> [&'static str; 2] {
        match self {
            MetadataKind::Profile => [".profile-meta.xml", ".profile"],
            MetadataKind::PermissionSet => [".permissionset-meta.xml", ".permissionset"],
            MetadataKind::PermissionSetGroup => {
                [".permissionsetgroup-meta.xml", ".permissionsetgroup"]
            }
            MetadataKind::MutingPermissionSet => {
                [".mutingpermissionset-meta.xml", ".mutingpermissionset"]
            }
            MetadataKind::ProfileSessionSetting => {
                [".profileSessionSetting-meta.xml", ".profileSessionSetting"]
            }
        }
    }

    pub const ALL: [MetadataKind; 5] = [
        MetadataKind::Profile,
        MetadataKind::PermissionSet,
        MetadataKind::PermissionSetGroup,
        MetadataKind::MutingPermissionSet,
        MetadataKind::ProfileSessionSetting,
    ];

    /// Recognises a metadata file by its name; returns the kind and the API name (the file stem).
    pub fn from_file_name(file_name: &str) -> Option<(MetadataKind, &str)> {
        MetadataKind::ALL.into_iter().find_map(|kind| {
            kind.suffixes().into_iter().find_map(|suffix| {
                let stem = file_name.strip_suffix(suffix)?;
                (!stem.is_empty()).then_some((kind, stem))
            })
        })
    }
}

/// The seven object permission checkboxes. Packs name them in kebab-case (`read`, `view-all`,
/// `modify-all`, `view-all-fields`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObjectFlag {
    Read,
    Create,
    Edit,
    Delete,
    ViewAll,
    ModifyAll,
    ViewAllFields,
}

impl ObjectFlag {
    pub const ALL: [ObjectFlag; 7] = [
        ObjectFlag::Read,
        ObjectFlag::Create,
        ObjectFlag::Edit,
        ObjectFlag::Delete,
        ObjectFlag::ViewAll,
        ObjectFlag::ModifyAll,
        ObjectFlag::ViewAllFields,
    ];

    /// The element name inside `<objectPermissions>`.
    pub fn element(self) -> &'static str {
        match self {
            ObjectFlag::Read => "allowRead",
            ObjectFlag::Create => "allowCreate",
            ObjectFlag::Edit => "allowEdit",
            ObjectFlag::Delete => "allowDelete",
            ObjectFlag::ViewAll => "viewAllRecords",
            ObjectFlag::ModifyAll => "modifyAllRecords",
            ObjectFlag::ViewAllFields => "viewAllFields",
        }
    }

    pub fn from_element(name: &str) -> Option<ObjectFlag> {
        ObjectFlag::from_element_bytes(name.as_bytes())
    }

    /// [`ObjectFlag::from_element`] of an element name as the parser reads it, one comparison
    /// deep: it runs for every flag of every object entry.
    pub fn from_element_bytes(name: &[u8]) -> Option<ObjectFlag> {
        Some(match name {
            b"allowRead" => ObjectFlag::Read,
            b"allowCreate" => ObjectFlag::Create,
            b"allowEdit" => ObjectFlag::Edit,
            b"allowDelete" => ObjectFlag::Delete,
            b"viewAllRecords" => ObjectFlag::ViewAll,
            b"modifyAllRecords" => ObjectFlag::ModifyAll,
            b"viewAllFields" => ObjectFlag::ViewAllFields,
            _ => return None,
        })
    }

    /// The checkbox label in Setup.
    pub fn label(self) -> &'static str {
        match self {
            ObjectFlag::Read => "Read",
            ObjectFlag::Create => "Create",
            ObjectFlag::Edit => "Edit",
            ObjectFlag::Delete => "Delete",
            ObjectFlag::ViewAll => "View All Records",
            ObjectFlag::ModifyAll => "Modify All Records",
            ObjectFlag::ViewAllFields => "View All Fields",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of [`ObjectFlag`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ObjectAccess(u8);

impl ObjectAccess {
    pub const NONE: ObjectAccess = ObjectAccess(0);

    pub fn of(flags: &[ObjectFlag]) -> ObjectAccess {
        let mut access = ObjectAccess::NONE;
        for &flag in flags {
            access.insert(flag);
        }
        access
    }

    pub fn contains(self, flag: ObjectFlag) -> bool {
        self.0 & flag.bit() != 0
    }

    pub fn contains_all(self, other: ObjectAccess) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn insert(&mut self, flag: ObjectFlag) {
        self.0 |= flag.bit();
    }

    pub fn union(self, other: ObjectAccess) -> ObjectAccess {
        ObjectAccess(self.0 | other.0)
    }

    pub fn intersection(self, other: ObjectAccess) -> ObjectAccess {
        ObjectAccess(self.0 & other.0)
    }

    pub fn minus(self, other: ObjectAccess) -> ObjectAccess {
        ObjectAccess(self.0 & !other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn flags(self) -> impl Iterator<Item = ObjectFlag> {
        ObjectFlag::ALL
            .into_iter()
            .filter(move |flag| self.contains(*flag))
    }

    /// Comma-separated Setup labels, e.g. `Read, Edit`.
    pub fn describe(self) -> String {
        let labels: Vec<&str> = self.flags().map(ObjectFlag::label).collect();
        if labels.is_empty() {
            "no access".to_string()
        } else {
            labels.join(", ")
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPermission {
    pub name: Spanned<Name>,
    pub enabled: bool,
    /// The whole `<userPermissions>` element.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectPermission {
    pub object: Spanned<Name>,
    pub access: ObjectAccess,
    /// Where each flag that is `true` was written, indexed by `ObjectFlag as usize`.
    pub flag_spans: [Option<Span>; 7],
    pub span: Span,
}

impl ObjectPermission {
    pub fn flag_span(&self, flag: ObjectFlag) -> Span {
        self.flag_spans[flag as usize].unwrap_or(self.span)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPermission {
    /// `Object.Field`.
    pub field: Spanned<Name>,
    pub readable: bool,
    pub editable: bool,
    pub editable_span: Option<Span>,
    pub span: Span,
}

impl FieldPermission {
    /// The object part of `Object.Field`.
    pub fn object(&self) -> &str {
        object_of(&self.field.value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordTypeVisibility {
    /// `Object.DeveloperName`.
    pub record_type: Spanned<Name>,
    pub visible: bool,
    pub default: bool,
    pub span: Span,
}

/// Access to a named component of the org other than data: an app, a tab, an Apex class or page,
/// a custom permission, a flow, custom metadata types and settings, an external data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessKind {
    Application,
    Tab,
    ApexClass,
    ApexPage,
    CustomPermission,
    Flow,
    CustomMetadataType,
    CustomSetting,
    ExternalDataSource,
}

impl AccessKind {
    pub const ALL: [AccessKind; 9] = [
        AccessKind::Application,
        AccessKind::Tab,
        AccessKind::ApexClass,
        AccessKind::ApexPage,
        AccessKind::CustomPermission,
        AccessKind::Flow,
        AccessKind::CustomMetadataType,
        AccessKind::CustomSetting,
        AccessKind::ExternalDataSource,
    ];

    /// The entry element, its key field and the field that grants it.
    pub fn fields(self) -> (&'static str, &'static str, &'static str) {
        match self {
            AccessKind::Application => ("applicationVisibilities", "application", "visible"),
            AccessKind::Tab => ("tabSettings", "tab", "visibility"),
            AccessKind::ApexClass => ("classAccesses", "apexClass", "enabled"),
            AccessKind::ApexPage => ("pageAccesses", "apexPage", "enabled"),
            AccessKind::CustomPermission => ("customPermissions", "name", "enabled"),
            AccessKind::Flow => ("flowAccesses", "flow", "enabled"),
            AccessKind::CustomMetadataType => ("customMetadataTypeAccesses", "name", "enabled"),
            AccessKind::CustomSetting => ("customSettingAccesses", "name", "enabled"),
            AccessKind::ExternalDataSource => (
                "externalDataSourceAccesses",
                "externalDataSource",
                "enabled",
            ),
        }
    }

    pub fn from_element(element: &[u8]) -> Option<AccessKind> {
        // A profile's tabs are `tabVisibilities`, with the same `tab` and `visibility` fields.
        if element == b"tabVisibilities" {
            return Some(AccessKind::Tab);
        }
        AccessKind::ALL
            .into_iter()
            .find(|kind| kind.fields().0.as_bytes() == element)
    }

    /// Whether the value of the granting field grants: `true`, or a tab visibility other than
    /// hidden (`DefaultOn`, `DefaultOff` on profiles; `Visible`, `Available` on permission sets).
    pub fn grants(self, value: &str) -> bool {
        match self {
            AccessKind::Tab => !matches!(value, "Hidden" | "None" | ""),
            _ => value == "true",
        }
    }
}

/// One [`AccessKind`] entry as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessGrant {
    pub kind: AccessKind,
    pub name: Spanned<Name>,
    pub granted: bool,
    /// A profile's application visibility only: where `<default>true</default>` was written, the
    /// app users of the profile land in.
    pub default: Option<Span>,
    pub span: Span,
}

/// What a profile, permission set or muting permission set holds. For a muting permission set every
/// `true` means "muted" (removed from its group).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Grants {
    pub user_permissions: Vec<UserPermission>,
    pub object_permissions: Vec<ObjectPermission>,
    pub field_permissions: Vec<FieldPermission>,
    pub record_type_visibilities: Vec<RecordTypeVisibility>,
    /// Apps, tabs, Apex classes and pages, custom permissions, flows, ...
    pub access: Vec<AccessGrant>,
}

impl Grants {
    pub fn user_permission(&self, name: &str) -> Option<&UserPermission> {
        self.user_permissions
            .iter()
            .find(|permission| permission.enabled && permission.name.value == name)
    }

    pub fn has_user_permission(&self, name: &str) -> bool {
        self.user_permission(name).is_some()
    }

    pub fn object_permission(&self, object: &str) -> Option<&ObjectPermission> {
        self.object_permissions
            .iter()
            .find(|permission| permission.object.value == object)
    }

    pub fn field_permission(&self, field: &str) -> Option<&FieldPermission> {
        self.field_permissions
            .iter()
            .find(|permission| permission.field.value == field)
    }

    fn extend(&mut self, other: Grants) {
        self.user_permissions.extend(other.user_permissions);
        self.object_permissions.extend(other.object_permissions);
        self.field_permissions.extend(other.field_permissions);
        self.record_type_visibilities
            .extend(other.record_type_visibilities);
        self.access.extend(other.access);
    }
}

/// `Object.Field` (or `Object.RecordType`) cut at its first dot; `None` without one. A byte
/// search, as this runs for every field entry an integration user holds.
pub fn split_object(name: &str) -> Option<(&str, &str)> {
    memchr::memchr(b'.', name.as_bytes()).map(|dot| (&name[..dot], &name[dot + 1..]))
}

/// The object part of `Object.Field` (or `Object.RecordType`): all of `name` without a dot.
pub fn object_of(name: &str) -> &str {
    split_object(name).map_or(name, |(object, _)| object)
}

/// Where an entry with `key` belongs among `entries` (each with its key and span), which Salesforce
/// writes sorted by key: the span of the first entry that sorts after it (the new one goes before
/// it), else of the last entry (the new one goes after it); `None` when there is no entry at all.
pub fn insertion_point<'k>(
    entries: impl IntoIterator<Item = (&'k [u8], Span)>,
    key: &str,
) -> Option<Span> {
    let mut last = None;
    // Bytes order as the text does.
    for (entry_key, span) in entries {
        if entry_key > key.as_bytes() {
            return Some(span);
        }
        last = Some(span);
    }
    last
}

/// A profile, permission set or muting permission set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionContainer {
    pub kind: MetadataKind,
    /// `<userLicense>` of a profile; `<license>` (or the older `<userLicense>`) of a permission set.
    pub license: Option<Spanned<String>>,
    /// Profiles only: `true` for a custom profile, `false` for a standard one.
    pub custom: Option<Spanned<bool>>,
    pub label: Option<Spanned<String>>,
    pub has_activation_required: Option<Spanned<bool>>,
    /// Profiles only: `<loginIpRanges>` entries.
    pub login_ip_ranges: Vec<Span>,
    /// Profiles only: the `<loginHours>` element.
    pub login_hours: Option<Span>,
    pub grants: Grants,
}

impl PermissionContainer {
    pub fn new(kind: MetadataKind) -> Self {
        Self {
            kind,
            license: None,
            custom: None,
            label: None,
            has_activation_required: None,
            login_ip_ranges: Vec::new(),
            login_hours: None,
            grants: Grants::default(),
        }
    }

    /// A standard profile (`<custom>false</custom>`), whose permissions Salesforce does not let anyone
    /// change.
    pub fn is_standard_profile(&self) -> bool {
        self.kind == MetadataKind::Profile
            && self.custom.as_ref().is_some_and(|custom| !custom.value)
    }

    /// Folds the content of another file of the same (decomposed) permission set into this one.
    pub fn merge(&mut self, other: PermissionContainer) {
        self.license = self.license.take().or(other.license);
        self.custom = self.custom.take().or(other.custom);
        self.label = self.label.take().or(other.label);
        self.has_activation_required = self
            .has_activation_required
            .take()
            .or(other.has_activation_required);
        self.login_ip_ranges.extend(other.login_ip_ranges);
        self.login_hours = self.login_hours.or(other.login_hours);
        self.grants.extend(other.grants);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionSetGroup {
    pub label: Option<Spanned<String>>,
    pub permission_sets: Vec<Spanned<String>>,
    pub muting_permission_sets: Vec<Spanned<String>>,
}

/// `<ProfileSessionSetting>`: session requirements of one profile.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionSetting {
    /// The profile it applies to (`<profile>`); the file stem names it too.
    pub profile: Option<Spanned<String>>,
    /// `HIGH_ASSURANCE`, `STANDARD` or `LOW`; absent means none required.
    pub required_session_level: Option<Spanned<String>>,
}

// One body per component, and nearly every component is a profile or permission set: boxing the
// large variant would add an allocation to each for a few bytes saved on groups.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Permissions(PermissionContainer),
    Group(PermissionSetGroup),
    SessionSetting(SessionSetting),
}

/// One metadata component: what Salesforce deploys as a unit, read from one file or, for a decomposed
/// permission set, from a folder of files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub kind: MetadataKind,
    /// The API name: the file stem, or the folder name of a decomposed permission set.
    pub name: String,
    /// The files read, indexed by [`Span::file`]; the first is the main file.
    pub files: Vec<Arc<FilePath>>,
    /// The root element of the main file.
    pub root: Span,
    pub body: Body,
}

impl Component {
    pub fn permissions(&self) -> Option<&PermissionContainer> {
        match &self.body {
            Body::Permissions(container) => Some(container),
            _ => None,
        }
    }

    pub fn group(&self) -> Option<&PermissionSetGroup> {
        match &self.body {
            Body::Group(group) => Some(group),
            _ => None,
        }
    }

    pub fn session_setting(&self) -> Option<&SessionSetting> {
        match &self.body {
            Body::SessionSetting(setting) => Some(setting),
            _ => None,
        }
    }

    pub fn path(&self, span: Span) -> &Arc<FilePath> {
        self.files.get(span.file as usize).unwrap_or(&self.files[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cut_at_their_first_dot() {
        assert_eq!(split_object("Account.Name"), Some(("Account", "Name")));
        assert_eq!(
            split_object("Ns__X__c.Ns__Y__c.z"),
            Some(("Ns__X__c", "Ns__Y__c.z"))
        );
        assert_eq!(split_object("Caf\u{e9}.F"), Some(("Caf\u{e9}", "F")));
        assert_eq!(split_object("Account"), None);
        assert_eq!(object_of("Account.Name"), "Account");
        assert_eq!(object_of("Account"), "Account");
        assert_eq!(object_of(".x"), "");
    }

    #[test]
    fn object_flags_are_read_back_from_their_element_names() {
        for flag in ObjectFlag::ALL {
            assert_eq!(ObjectFlag::from_element(flag.element()), Some(flag));
        }
        assert_eq!(ObjectFlag::from_element("object"), None);
        assert_eq!(ObjectFlag::from_element("AllowRead"), None);
    }

    #[test]
    fn recognises_file_names_of_both_formats() {
        assert_eq!(
            MetadataKind::from_file_name("Admin.profile-meta.xml"),
            Some((MetadataKind::Profile, "Admin"))
        );
        assert_eq!(
            MetadataKind::from_file_name("Minimum Access - Salesforce.profile"),
            Some((MetadataKind::Profile, "Minimum Access - Salesforce"))
        );
        assert_eq!(
            MetadataKind::from_file_name("X.permissionsetgroup-meta.xml"),
            Some((MetadataKind::PermissionSetGroup, "X"))
        );
        assert_eq!(
            MetadataKind::from_file_name("M.mutingpermissionset"),
            Some((MetadataKind::MutingPermissionSet, "M"))
        );
        assert_eq!(
            MetadataKind::from_file_name("X.permissionset-meta.xml"),
            Some((MetadataKind::PermissionSet, "X"))
        );
        assert_eq!(MetadataKind::from_file_name("X.object-meta.xml"), None);
        assert_eq!(MetadataKind::from_file_name(".profile"), None);
    }

    #[test]
    fn object_access_sets() {
        let access = ObjectAccess::of(&[ObjectFlag::Read, ObjectFlag::Edit]);
        assert!(access.contains(ObjectFlag::Read));
        assert!(!access.contains(ObjectFlag::Delete));
        assert_eq!(access.describe(), "Read, Edit");
        assert!(access.contains_all(ObjectAccess::of(&[ObjectFlag::Edit])));
        assert_eq!(
            access.minus(ObjectAccess::of(&[ObjectFlag::Edit])),
            ObjectAccess::of(&[ObjectFlag::Read])
        );
    }
}
