//! Every rule id sflint reports, with its metadata: the one table every list of ids derives from
//! (`sflint rules`, the SARIF rule table, the ids settings, directives and pack `finding`s may name).
//!
//! Ids are a public contract: baselines, suppressions, `sflint.toml` and code scanning key on them.
//! An id is never reused for another meaning; an id that stops being reported moves to [`RETIRED`]
//! and stays recognised there. Each rule's documentation is the Markdown file named after its id in
//! `src/registry/`.
//!
//! This module is a leaf: it depends on nothing else in the crate.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What produces a rule's findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The loader, for a file it cannot read as metadata.
    Loader,
    /// A built-in rule judging one profile or permission set on its own.
    Component,
    /// A built-in rule, and vendor packs on an integration user with the same meaning.
    ComponentAndPack,
    /// Vendor packs on an integration user.
    Pack,
    /// Inline `sflint-disable` directives.
    Directives,
}

/// What `sflint rule ID` shows and every report format carries.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub default_severity: Severity,
    /// Every severity the rule reports without settings, the default first: a dependency is an
    /// error or a warning by the evidence for it, a pack requirement by its level.
    pub severities: &'static [Severity],
    /// One line, lower case, no trailing period.
    pub summary: &'static str,
    /// Markdown with the sections What it checks, Why it matters, Example and Source.
    pub doc: &'static str,
    pub origin: Origin,
}

macro_rules! registry {
    ($($variant:ident => $id:literal, $severity:ident $(| $also:ident)*, $origin:ident, $summary:literal;)*) => {
        /// A rule id. Its string form is the public id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RuleId {
            $($variant,)*
        }

        impl RuleId {
            /// Every rule id, sorted by id.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            pub fn meta(self) -> &'static RuleMeta {
                match self {
                    $(RuleId::$variant => {
                        static META: RuleMeta = RuleMeta {
                            id: $id,
                            default_severity: Severity::$severity,
                            severities: &[Severity::$severity $(, Severity::$also)*],
                            summary: $summary,
                            doc: include_str!(concat!("registry/", $id, ".md")),
                            origin: Origin::$origin,
                        };
                        &META
                    })*
                }
            }
        }
    };
}

registry! {
    ComputedFieldEditable   => "computed-field-editable",  Warning,                Component,        "field permission that makes a formula, roll-up summary or auto-number field editable";
    DangerousPermission     => "dangerous-permission",     Warning | Info,         Pack,             "integration user holds a high-risk permission its vendor does not need";
    DefaultApplication      => "default-application",      Error,                  Component,        "a profile with more than one default application, or a complete custom profile with none";
    DuplicateEntry          => "duplicate-entry",          Warning,                Component,        "the same user permission, object, field or record type listed more than once";
    ExcessAccess            => "excess-access",            Warning | Error | Info, Pack,             "integration user holds access beyond what its vendor needs";
    FieldAccessDependency   => "field-access-dependency",  Error,                  Component,        "field permission that is editable but not readable";
    ForbiddenPermission     => "forbidden-permission",     Error | Warning | Info, Pack,             "integration user holds a permission its vendor says must be off";
    GuestUserAccess         => "guest-user-access",        Error,                  Component,        "a guest user license granting Edit, Delete, View All or Modify All on an object, or View All Users";
    InvalidSuppression      => "invalid-suppression",      Error,                  Directives,       "an sflint-disable directive without a rule, a reason or an element to apply to";
    InvalidXml              => "invalid-xml",              Error,                  Loader,           "file is not well-formed metadata XML, or its root element is not what its name says";
    LicenseMismatch         => "license-mismatch",         Error | Warning,        ComponentAndPack, "access that the profile's or permission set's license cannot hold";
    LoginRestricted         => "login-restricted",         Error | Warning | Info, Pack,             "the integration user's profile restricts login hours or IP ranges its vendor needs open";
    MasterDetailAccess      => "master-detail-access",     Error | Warning,        Component,        "object access on the detail of a master-detail relationship without Read on its master";
    MfaForApiLogins         => "mfa-for-api-logins",       Error | Warning | Info, Pack,             "Multi-Factor Authentication for API Logins enabled on an integration user";
    MissingApiEnabled       => "missing-api-enabled",      Error | Warning | Info, ComponentAndPack, "API Only User enabled without API Enabled";
    MissingFieldAccess      => "missing-field-access",     Error | Warning | Info, Pack,             "integration user cannot read or edit a field its vendor syncs";
    MissingObjectAccess     => "missing-object-access",    Error | Warning | Info, Pack,             "integration user lacks object access its vendor requires";
    MissingPermissionSet    => "missing-permission-set",   Error | Warning | Info, Pack,             "integration user lacks a permission set its vendor requires by name";
    MissingRecordType       => "missing-record-type",      Error | Warning | Info, Pack,             "integration user does not see a record type its vendor needs";
    MissingUserPermission   => "missing-user-permission",  Error | Warning | Info, Pack,             "integration user lacks a user permission its vendor requires";
    ModifyAllData           => "modify-all-data",          Warning | Error | Info, ComponentAndPack, "Modify All Data granted: edit and delete every record, ignoring sharing";
    OauthPolicyMismatch     => "oauth-policy-mismatch",    Error | Warning | Info, Pack,             "an OAuth policy of the app an integration connects through is not what its vendor needs";
    ObjectAccessDependency  => "object-access-dependency", Error,                  Component,        "object access that needs another object permission in the same entry";
    PermissionDependency    => "permission-dependency",    Error | Warning,        Component,        "user permission enabled without a permission it depends on";
    ProfileRequired         => "profile-required",         Error | Warning | Info, Pack,             "a grant or choice the vendor needs on the profile is not there";
    RequiredFieldPermission => "required-field-permission", Error,                 Component,        "field permission on a required or master-detail field, which Salesforce refuses to deploy";
    SessionSecurityLevel    => "session-security-level",   Error | Warning | Info, Pack,             "the integration user's profile requires a session security level its vendor cannot reach";
    TabWithoutObjectAccess  => "tab-without-object-access", Warning,               Component,        "a custom object's tab made visible without Read on the object";
    UndefinedReference      => "undefined-reference",      Error | Warning,        Component,        "a field, object, record type or component named in a permission file that the project does not define";
    UnknownUserPermission   => "unknown-user-permission",  Error | Warning,        Component,        "user permission name that is not in the catalog of Salesforce permissions";
    UnusedSuppression       => "unused-suppression",       Warning,                Directives,       "an inline sflint-disable directive that suppresses nothing";
    UnverifiableRequirement => "unverifiable-requirement", Info,                   Pack,             "a vendor requirement that cannot be verified in metadata";
    ViewAllData             => "view-all-data",            Warning | Error | Info, ComponentAndPack, "View All Data granted: read access to every record, ignoring sharing";
}

/// An id that is no longer reported. Settings, directives and baselines that name it are told so
/// instead of being told the id does not exist.
#[derive(Debug)]
pub struct Retired {
    pub id: &'static str,
    /// The version that stopped reporting it.
    pub since: &'static str,
    /// What to use instead, as a full sentence.
    pub instead: &'static str,
}

/// Retired ids, oldest first. None yet: every id sflint ever shipped is still reported.
pub const RETIRED: &[Retired] = &[];

impl RuleId {
    pub fn as_str(self) -> &'static str {
        self.meta().id
    }

    pub fn from_id(id: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|rule| rule.as_str() == id)
    }

    pub fn default_severity(self) -> Severity {
        self.meta().default_severity
    }

    /// How much a finding weighs for security, on the CVSS-like scale code scanning ranks alerts
    /// by (9.0 and up critical, 7.0 high, 4.0 medium): only for rules about access an attacker or a
    /// compromised integration could use. Rules about deploy errors, broken integrations or the
    /// linter itself have none.
    pub fn security_severity(self) -> Option<&'static str> {
        match self {
            RuleId::ModifyAllData => Some("9.0"),
            RuleId::ViewAllData => Some("8.0"),
            RuleId::DangerousPermission => Some("7.5"),
            RuleId::ForbiddenPermission => Some("7.0"),
            RuleId::ExcessAccess => Some("5.5"),
            _ => None,
        }
    }

    /// The rules that judge each profile or permission set on its own (and `invalid-xml`): those
    /// with fixtures under `fixtures/rules/`.
    pub fn judges_components(self) -> bool {
        matches!(
            self.meta().origin,
            Origin::Loader | Origin::Component | Origin::ComponentAndPack
        )
    }

    /// Whether a pack requirement may report its gaps under this id (`finding = "..."`).
    /// `unverifiable-requirement` is not a gap but the absence of a verdict.
    pub fn is_pack_finding(self) -> bool {
        matches!(self.meta().origin, Origin::Pack | Origin::ComponentAndPack)
            && self != RuleId::UnverifiableRequirement
    }
}

/// The retired entry for `id`, if it was ever retired.
pub fn retired(id: &str) -> Option<&'static Retired> {
    find_retired(RETIRED, id)
}

fn find_retired<'t>(table: &'t [Retired], id: &str) -> Option<&'t Retired> {
    table.iter().find(|entry| entry.id == id)
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        RuleId::from_id(&id).ok_or_else(|| {
            let hint = suggest(&id, RuleId::ALL.iter().map(|rule| rule.as_str()))
                .map(|known| format!(" (did you mean {known}?)"))
                .unwrap_or_default();
            serde::de::Error::custom(format!("unknown rule {id:?}{hint}"))
        })
    }
}

/// The known id closest to `typed`, if one is close enough to be what was meant: within a third of
/// its length in edits, or containing it.
pub fn suggest<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for candidate in known {
        let distance = edit_distance(typed, candidate);
        if best.is_none_or(|(shortest, _)| distance < shortest) {
            best = Some((distance, candidate));
        }
    }
    let (distance, candidate) = best?;
    let close = distance <= typed.chars().count().max(candidate.chars().count()) / 3;
    let contained = typed.len() >= 3 && (candidate.contains(typed) || typed.contains(candidate));
    (distance > 0 && (close || contained)).then_some(candidate)
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sorted_unique_and_round_trip() {
        let ids: Vec<&str> = RuleId::ALL.iter().map(|rule| rule.as_str()).collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{ids:?}");
        for rule in RuleId::ALL {
            assert_eq!(RuleId::from_id(rule.as_str()), Some(*rule));
        }
        assert_eq!(RuleId::from_id("view-all-datas"), None);
    }

    #[test]
    fn retired_ids_are_found_and_never_active() {
        let table = [Retired {
            id: "old-rule",
            since: "0.2.0",
            instead: "Use new-rule.",
        }];
        assert_eq!(
            find_retired(&table, "old-rule").map(|r| r.since),
            Some("0.2.0")
        );
        assert!(find_retired(&table, "view-all-data").is_none());
        for entry in RETIRED {
            assert!(
                RuleId::from_id(entry.id).is_none(),
                "{} is retired and active",
                entry.id
            );
        }
    }

    #[test]
    fn suggestions_need_to_be_close() {
        let known = [
            "view-all-data",
            "modify-all-data",
            "act-on/no-view-all-data",
        ];
        assert_eq!(suggest("view-al-data", known), Some("view-all-data"));
        assert_eq!(
            suggest("act-on/no-view-al-data", known),
            Some("act-on/no-view-all-data")
        );
        assert_eq!(suggest("completely-else", known), None);
        assert_eq!(suggest("view-all-data", known), None);
    }

    #[test]
    fn pack_findings_exclude_the_absence_of_a_verdict() {
        assert!(RuleId::ViewAllData.is_pack_finding());
        assert!(RuleId::MissingObjectAccess.is_pack_finding());
        assert!(!RuleId::UnverifiableRequirement.is_pack_finding());
        assert!(!RuleId::DuplicateEntry.is_pack_finding());
        assert!(RuleId::InvalidXml.judges_components());
        assert!(!RuleId::UnusedSuppression.judges_components());
    }
}
