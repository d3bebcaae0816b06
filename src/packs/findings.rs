//! The finding ids vendor packs report, with their documentation. Where a pack finding means the same
//! as a built-in rule (`missing-api-enabled`, `view-all-data`, `modify-all-data`,
//! `license-mismatch`) it reuses that id.

use crate::checks::RuleMeta;
use crate::diagnostic::Severity;

pub const MISSING_API_ENABLED: &str = "missing-api-enabled";
pub const VIEW_ALL_DATA: &str = "view-all-data";
pub const MODIFY_ALL_DATA: &str = "modify-all-data";
pub const LICENSE_MISMATCH: &str = "license-mismatch";

pub static MISSING_USER_PERMISSION: RuleMeta = RuleMeta {
    id: "missing-user-permission",
    default_severity: Severity::Error,
    summary: "integration user lacks a user permission its vendor requires",
    doc: r#"## What it checks
For each integration user declared in `sflint.toml`, every user permission its vendor pack requires
must be enabled by the profile, a permission set or a permission set group member (minus what a
muting permission set mutes).

## Why it matters
Vendors document the system permissions their integration needs (Run Reports, Edit Tasks, View
Setup and Configuration, ...). A missing one breaks a sync or a feature after the next deploy, often
silently.

## Example
Act-On needs `ExportReport` (Export Reports); neither the profile nor the permission sets of the
Act-On integration user enable it.

## Source
Each pack cites the vendor page and section of every requirement (`sflint pack ID`).
"#,
};

pub static MISSING_OBJECT_ACCESS: RuleMeta = RuleMeta {
    id: "missing-object-access",
    default_severity: Severity::Error,
    summary: "integration user lacks object access its vendor requires",
    doc: r#"## What it checks
The object permissions a vendor pack requires (Read, Create, Edit, Delete, View All Records, Modify
All Records, View All Fields) must be held by the integration user: the union of its profile,
permission sets and group members, with Salesforce's implications (Modify All Records implies every
other object permission except View All Fields; View All Data and Modify All Data imply object
access; Edit, Create and View All imply Read).

## Why it matters
Without the access the vendor documents, the integration cannot read or write those records: syncs
fail or skip records.

## Example
Act-On needs Campaign: Read, Create, Edit, View All; the integration user only has Read.

## Source
Each pack cites the vendor page and section of every requirement.
"#,
};

pub static MISSING_FIELD_ACCESS: RuleMeta = RuleMeta {
    id: "missing-field-access",
    default_severity: Severity::Error,
    summary: "integration user cannot read or edit a field its vendor syncs",
    doc: r#"## What it checks
Field-level security the vendor pack asks for (read, or read and edit) on the fields it syncs.
Required and system fields (`Account.Name`, `Contact.LastName`, `*.Id`, `*.OwnerId`, ...) carry no
field permissions: they count as readable and editable wherever the object is. Field permissions
only count where the object itself is accessible.

## Why it matters
Fields the integration cannot see are silently dropped from syncs; fields it cannot edit fail to
update.

## Example
Planhat needs `Contact.Email` readable and editable; the profile makes it read-only.

## Source
Each pack cites the vendor page and section of every requirement.
"#,
};

pub static MISSING_RECORD_TYPE: RuleMeta = RuleMeta {
    id: "missing-record-type",
    default_severity: Severity::Error,
    summary: "integration user does not see a record type its vendor needs",
    doc: r#"## What it checks
Record types a vendor pack requires (or the project configures for it) must be visible to the
integration user.

## Why it matters
An integration that creates records of a record type it cannot see fails on insert.

## Example
Lumary creates `Pendula4E__Message__c` records of the Inbound SMS, Outbound Email and Outbound SMS
record types.

## Source
Each pack cites the vendor page and section of every requirement.
"#,
};

pub static FORBIDDEN_PERMISSION: RuleMeta = RuleMeta {
    id: "forbidden-permission",
    default_severity: Severity::Error,
    summary: "integration user holds a permission its vendor says must be off",
    doc: r#"## What it checks
User permissions a vendor pack forbids must not be enabled by any member of the integration user.

## Why it matters
Some permissions change how the user logs in or what the vendor's connector can do, and break the
integration.

## Example
A vendor that forbids `ApiUserOnly` for its user, which must also log in to the user interface.

## Source
Each pack cites the vendor page and section of every requirement.
"#,
};

pub static MFA_FOR_API_LOGINS: RuleMeta = RuleMeta {
    id: "mfa-for-api-logins",
    default_severity: Severity::Error,
    summary: "Multi-Factor Authentication for API Logins enabled on an integration user",
    doc: r#"## What it checks
`TwoFactorApi` (Multi-Factor Authentication for API Logins) enabled by any member of an integration
user whose vendor requires it off.

## Why it matters
With it, API logins need a second factor that a server-to-server connector cannot provide: the
vendor's connection stops working. Act-On: "you must connect to Act-On with a user that does not
have the setting Multi-Factor Authentication for API Logins enabled".

## Example
```xml
<userPermissions>
    <enabled>true</enabled>
    <name>TwoFactorApi</name>
</userPermissions>
```

## Source
Salesforce Field Reference (PermissionsTwoFactorApi); each pack cites its vendor page.
"#,
};

pub static EXCESS_ACCESS: RuleMeta = RuleMeta {
    id: "excess-access",
    default_severity: Severity::Warning,
    summary: "integration user holds access beyond what its vendor needs",
    doc: r#"## What it checks
For packs of read-only integrations, any Create, Edit, Delete or Modify All Records beyond what the
pack requires, and any editable field. Also record types visible beyond those configured for a
vendor that asks to limit them, and synced field counts above a vendor's recommended limit.

## Why it matters
Least privilege: a leaked integration credential can only do what the user may do. A read-only
analytics platform never needs to write.

## Example
The read-only analytics integration user can Edit Account.

## Source
Each pack cites the vendor page and section it derives the limit from.
"#,
};

pub static PROFILE_REQUIRED: RuleMeta = RuleMeta {
    id: "profile-required",
    default_severity: Severity::Error,
    summary: "a grant or choice the vendor needs on the profile is not there",
    doc: r#"## What it checks
Vendors whose connector reads permissions from the user's profile (Planhat) need the grants there:
a grant held only through a permission set is reported. Also a vendor that requires a specific
profile (Ampersand's integration users: *Minimum Access - API Only Integrations*), or discourages
one (a System Administrator profile, or a deprecated one).

## Why it matters
Planhat: "these permissions need to be included in the Profile in Salesforce, rather than using
Salesforce Permission sets. This is due to how Salesforce makes the connection for integrations."

## Example
Planhat needs Read, Create, Edit on Account; the integration user gets them from a permission set.

## Source
Each pack cites the vendor page and section of every requirement.
"#,
};

pub static UNVERIFIABLE: RuleMeta = RuleMeta {
    id: "unverifiable-requirement",
    default_severity: Severity::Info,
    summary: "a vendor requirement that cannot be verified in metadata",
    doc: r#"## What it checks
Nothing can be checked: the vendor asks for access that profiles and permission sets cannot express
(access to Task, Event, Note, User, Profile, CaseComment, FeedItem follows other settings), or for
View All Fields in a project whose API version predates it, or for a profile setting when no profile
is declared. sflint says so once, as info, instead of reporting a false error.

## Why it matters
So that an admin knows what to verify by hand in the org.

## Example
Planhat needs read, create and edit on Note, ContentNote and ContentDocumentLink.

## Source
Salesforce data model: these objects have no object permissions of their own.
"#,
};

pub static MISSING_PERMISSION_SET: RuleMeta = RuleMeta {
    id: "missing-permission-set",
    default_severity: Severity::Error,
    summary: "integration user lacks a permission set its vendor requires by name",
    doc: r#"## What it checks
Vendors that ship a managed package often require its permission set on the integration user
("Pardot Connector User", "ContactWorld API user"). The permission set must be among the user's
permission sets in `sflint.toml`, or, when the package's permission set is not in source, listed in
`package_permission_sets`.

## Why it matters
The package permission set carries access to the package's own objects and classes; without it the
connector fails on its first call.

## Example
Account Engagement's connector user without the Pardot Connector User permission set.

## Source
Each pack cites the vendor page and section of every requirement.
"#,
};

pub static LOGIN_RESTRICTED: RuleMeta = RuleMeta {
    id: "login-restricted",
    default_severity: Severity::Error,
    summary: "the integration user's profile restricts login hours or IP ranges its vendor needs open",
    doc: r#"## What it checks
`<loginIpRanges>` or `<loginHours>` on the profile of an integration user whose vendor says they
must be unrestricted.

## Why it matters
A vendor's servers log in from addresses and at hours the profile does not foresee: the connection
fails outside them, often at night when a sync runs.

## Example
```xml
<loginIpRanges>
    <endAddress>10.0.0.255</endAddress>
    <startAddress>10.0.0.0</startAddress>
</loginIpRanges>
```

## Source
Metadata API Developer Guide, Profile (`loginIpRanges`, `loginHours`); each pack cites its vendor.
"#,
};

pub static SESSION_LEVEL: RuleMeta = RuleMeta {
    id: "session-security-level",
    default_severity: Severity::Error,
    summary: "the integration user's profile requires a session security level its vendor cannot reach",
    doc: r#"## What it checks
The profile session settings (`profileSessionSettings/<Profile>.profileSessionSetting-meta.xml`,
`<requiredSessionLevel>`) of an integration user whose vendor forbids a level, such as
`HIGH_ASSURANCE`.

## Why it matters
A high-assurance session requires multi-factor verification at login, which a server-side OAuth
connection cannot complete: the connector's login is refused.

## Example
```xml
<ProfileSessionSetting xmlns="http://soap.sforce.com/2006/04/metadata">
    <profile>Census Integration</profile>
    <requiredSessionLevel>HIGH_ASSURANCE</requiredSessionLevel>
</ProfileSessionSetting>
```

## Source
Metadata API Developer Guide, ProfileSessionSetting; each pack cites its vendor.
"#,
};

pub static DANGEROUS_PERMISSION: RuleMeta = RuleMeta {
    id: "dangerous-permission",
    default_severity: Severity::Warning,
    summary: "integration user holds a high-risk permission its vendor does not need",
    doc: r#"## What it checks
High-risk user permissions (`rules/catalog/dangerous-permissions.toml`: Manage Users, Author Apex,
Customize Application, Modify Metadata, Manage Profiles and Permission Sets, Assign Permission Sets,
...) held by an integration user whose pack neither requires nor allows them. When the pack does
require one, it is reported once as info with the vendor's reason instead.

## Why it matters
An integration credential is stored outside Salesforce; if it leaks, everything the user may do is
exposed. These permissions allow privilege escalation or code running in system context.

## Example
A read-only data pipeline's user that also holds Author Apex.

## Source
Salesforce guidance on privileged users and widely cited security guidance, per permission in the
data file.
"#,
};

/// Metadata of every pack-only finding id.
pub fn metas() -> [&'static RuleMeta; 13] {
    [
        &MISSING_PERMISSION_SET,
        &LOGIN_RESTRICTED,
        &SESSION_LEVEL,
        &DANGEROUS_PERMISSION,
        &MISSING_USER_PERMISSION,
        &MISSING_OBJECT_ACCESS,
        &MISSING_FIELD_ACCESS,
        &MISSING_RECORD_TYPE,
        &FORBIDDEN_PERMISSION,
        &MFA_FOR_API_LOGINS,
        &EXCESS_ACCESS,
        &PROFILE_REQUIRED,
        &UNVERIFIABLE,
    ]
}

/// Ids a pack may name in a requirement's `finding`.
pub const OVERRIDABLE: [&str; 15] = [
    "missing-permission-set",
    "login-restricted",
    "session-security-level",
    "dangerous-permission",
    "missing-user-permission",
    "missing-object-access",
    "missing-field-access",
    "missing-record-type",
    "forbidden-permission",
    "mfa-for-api-logins",
    "excess-access",
    "profile-required",
    "missing-api-enabled",
    "license-mismatch",
    "view-all-data",
];

/// The static id for a validated `finding` value.
pub fn intern(id: &str) -> &'static str {
    OVERRIDABLE
        .iter()
        .copied()
        .find(|known| *known == id)
        .unwrap_or(MISSING_USER_PERMISSION.id)
}
