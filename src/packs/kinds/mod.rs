//! The requirement kinds a pack can use (`kind = "..."`). Each kind is one file holding its
//! parameters (deserialized with `deny_unknown_fields`), their validation, the evaluation against
//! an integration user, the wording `sflint pack ID` shows, and the row of the kinds table in
//! `rules/README.md` (generated from [`KindDoc`], checked fresh by a test).
//!
//! Adding a kind: write `kinds/<kind>.rs` implementing [`RequirementKind`], add it to the
//! `kinds!` list below, and regenerate the table with `UPDATE_DOCS=1 cargo test --test meta`.

mod any_of;
mod field_access;
mod field_count;
mod forbid_license;
mod forbid_permission;
mod forbid_session_level;
mod no_login_hours;
mod no_login_ip_ranges;
mod oauth_policy;
mod object_access;
mod permission_set;
mod permission_set_license;
mod profile;
mod profile_discouraged;
mod profile_license;
mod record_type;
mod unverifiable;
mod user_permission;

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::DeValue;

use super::file::{PackError, Requirement, from_spanned};
use super::options::{OptionKind, OptionSpec};
use crate::catalog::Catalog;
use crate::diagnostic::{Location, Severity};
use crate::model::access::Access;
use crate::model::{Component, ObjectAccess};
use crate::registry::RuleId;

pub(crate) use super::evaluate::Scope;
pub(crate) use super::fixes::{Grant, Remedy};

/// A row of the kinds table.
#[derive(Debug)]
pub struct KindDoc {
    /// The parameters, as Markdown.
    pub parameters: &'static str,
    /// When the requirement is met.
    pub met_when: &'static str,
    /// What a gap is reported as.
    pub finding: &'static str,
}

/// What every kind provides; see the module documentation.
pub(crate) trait RequirementKind: Sized {
    /// `kind = "..."` in a pack file.
    const NAME: &'static str;
    const DOC: KindDoc;
    /// Whether it is about grants (as opposed to licenses or the profile's identity): a pack whose
    /// grants must live on the profile checks it on the profile alone.
    const ABOUT_GRANTS: bool = false;

    /// Reads the parameters (the requirement's table without the common fields).
    fn parse(params: Spanned<DeValue<'_>>) -> Result<Self, PackError>;

    /// What the parameters must satisfy beyond their types.
    fn validate(&self, checks: &Checks<'_>) -> Result<(), PackError>;

    /// Checks the requirement against `access` (the union of the user's members, or the profile's
    /// alone).
    fn evaluate(
        &self,
        requirement: &Requirement,
        scope: &Scope<'_, '_>,
        access: &Access<'_>,
    ) -> Evaluation;

    /// The requirement in words, for `sflint pack ID`.
    fn describe(&self) -> String;

    /// The finding its gaps are reported as, unless the requirement names another.
    fn default_finding(&self) -> RuleId;

    /// The access this requirement asks for, which read-only and high-risk checks must not count as
    /// excess.
    fn needs(&self, _scope: &Scope<'_, '_>, _needs: &mut Needs) {}

    /// The alternatives of an `any-of`.
    fn alternatives(&self) -> &[Requirement] {
        &[]
    }

    /// The licenses it accepts, and what holds them: what `sflint scaffold` writes.
    fn licenses(&self) -> Option<(LicenseOf, &[String])> {
        None
    }

    /// The fields whose field permissions it asks for, and the option that adds more.
    fn fields(&self) -> (&[String], Option<&str>) {
        (&[], None)
    }

    /// The option whose value adds items (`objects_from`, `fields_from`, ...), if any.
    fn option(&self) -> Option<&str> {
        None
    }

    /// False for kinds that never report a gap (only what cannot be verified).
    fn reports_gaps(&self) -> bool {
        true
    }
}

/// Parameters read with serde, errors keeping their line and column.
pub(crate) fn params<T: DeserializeOwned>(params: Spanned<DeValue<'_>>) -> Result<T, PackError> {
    from_spanned(params).map_err(PackError::from)
}

macro_rules! kinds {
    ($($variant:ident($module:ident::$params:ident),)*) => {
        /// A requirement's kind with its parameters.
        #[derive(Debug, Clone)]
        pub(crate) enum Kind {
            $($variant($module::$params),)*
        }

        /// Every kind's name, in the order of the kinds table.
        pub(crate) const NAMES: &[&str] = &[$(<$module::$params as RequirementKind>::NAME,)*];

        /// Every kind's name and documentation, in the order of the kinds table.
        pub(crate) fn docs() -> Vec<(&'static str, &'static KindDoc)> {
            vec![$((
                <$module::$params as RequirementKind>::NAME,
                &<$module::$params as RequirementKind>::DOC,
            ),)*]
        }

        impl Kind {
            pub(crate) fn parse(
                name: &Spanned<String>,
                params: Spanned<DeValue<'_>>,
            ) -> Result<Kind, PackError> {
                match name.get_ref().as_str() {
                    $(<$module::$params as RequirementKind>::NAME => {
                        Ok(Kind::$variant(<$module::$params as RequirementKind>::parse(params)?))
                    })*
                    other => {
                        let hint = crate::registry::suggest(other, NAMES.iter().copied())
                            .map(|known| format!(" (did you mean {known}?)"))
                            .unwrap_or_default();
                        Err(PackError::at(
                            format!("unknown kind {other:?}{hint}; one of {}", NAMES.join(", ")),
                            name.span(),
                        ))
                    }
                }
            }

            pub(crate) fn name(&self) -> &'static str {
                match self {
                    $(Kind::$variant(_) => <$module::$params as RequirementKind>::NAME,)*
                }
            }

            pub(crate) fn about_grants(&self) -> bool {
                match self {
                    $(Kind::$variant(_) => <$module::$params as RequirementKind>::ABOUT_GRANTS,)*
                }
            }

            pub(crate) fn validate(&self, checks: &Checks<'_>) -> Result<(), PackError> {
                match self {
                    $(Kind::$variant(kind) => kind.validate(checks),)*
                }
            }

            pub(crate) fn evaluate(
                &self,
                requirement: &Requirement,
                scope: &Scope<'_, '_>,
                access: &Access<'_>,
            ) -> Evaluation {
                match self {
                    $(Kind::$variant(kind) => kind.evaluate(requirement, scope, access),)*
                }
            }

            pub(crate) fn describe(&self) -> String {
                match self {
                    $(Kind::$variant(kind) => kind.describe(),)*
                }
            }

            pub(crate) fn default_finding(&self) -> RuleId {
                match self {
                    $(Kind::$variant(kind) => kind.default_finding(),)*
                }
            }

            pub(crate) fn needs(&self, scope: &Scope<'_, '_>, needs: &mut Needs) {
                match self {
                    $(Kind::$variant(kind) => kind.needs(scope, needs),)*
                }
            }

            pub(crate) fn alternatives(&self) -> &[Requirement] {
                match self {
                    $(Kind::$variant(kind) => kind.alternatives(),)*
                }
            }

            pub(crate) fn licenses(&self) -> Option<(LicenseOf, &[String])> {
                match self {
                    $(Kind::$variant(kind) => kind.licenses(),)*
                }
            }

            pub(crate) fn fields(&self) -> (&[String], Option<&str>) {
                match self {
                    $(Kind::$variant(kind) => kind.fields(),)*
                }
            }

            pub(crate) fn option(&self) -> Option<&str> {
                match self {
                    $(Kind::$variant(kind) => kind.option(),)*
                }
            }

            pub(crate) fn reports_gaps(&self) -> bool {
                match self {
                    $(Kind::$variant(kind) => kind.reports_gaps(),)*
                }
            }
        }
    };
}

kinds! {
    UserPermission(user_permission::UserPermission),
    ForbidPermission(forbid_permission::ForbidPermission),
    ObjectAccess(object_access::ObjectAccessKind),
    FieldAccess(field_access::FieldAccess),
    RecordType(record_type::RecordType),
    ProfileLicense(profile_license::ProfileLicense),
    PermissionSetLicense(permission_set_license::PermissionSetLicense),
    Profile(profile::Profile),
    ProfileDiscouraged(profile_discouraged::ProfileDiscouraged),
    FieldCount(field_count::FieldCount),
    AnyOf(any_of::AnyOf),
    Unverifiable(unverifiable::Unverifiable),
    ForbidLicense(forbid_license::ForbidLicense),
    NoLoginIpRanges(no_login_ip_ranges::NoLoginIpRanges),
    NoLoginHours(no_login_hours::NoLoginHours),
    ForbidSessionLevel(forbid_session_level::ForbidSessionLevel),
    PermissionSet(permission_set::PermissionSet),
    OauthPolicy(oauth_policy::OauthPolicy),
}

/// The kinds table of `rules/README.md`.
pub fn table_markdown() -> String {
    let mut out = String::from("| kind | parameters | met when | finding |\n|---|---|---|---|\n");
    for (name, doc) in docs() {
        out.push_str(&format!(
            "| `{name}` | {} | {} | {} |\n",
            doc.parameters, doc.met_when, doc.finding
        ));
    }
    out
}

/// What validation of one requirement may consult.
pub(crate) struct Checks<'p> {
    pub requirement: &'p Requirement,
    /// The pack's options, inherited ones included.
    pub options: &'p [OptionSpec],
    pub catalog: &'p Catalog,
}

impl Checks<'_> {
    pub fn context(&self) -> String {
        format!("requirement {:?}", self.requirement.id)
    }

    /// An error about the requirement as a whole, at its table.
    pub fn error(&self, message: &str) -> PackError {
        PackError::at(
            format!("{}: {message}", self.context()),
            self.requirement.span.clone(),
        )
    }

    /// `ok`, or "an X requirement needs `what`".
    pub fn need(&self, ok: bool, what: &str) -> Result<(), PackError> {
        if ok {
            return Ok(());
        }
        let name = self.requirement.kind.name();
        let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        Err(self.error(&format!("{article} {name} requirement needs {what}")))
    }

    /// A `*_from` parameter names a list or string option.
    pub fn items_option(&self, from: Option<&Spanned<String>>) -> Result<(), PackError> {
        let Some(from) = from else {
            return Ok(());
        };
        match self.options.iter().find(|spec| spec.id == *from.get_ref()) {
            Some(spec) if matches!(spec.kind, OptionKind::List | OptionKind::String) => Ok(()),
            Some(_) => Err(PackError::at(
                format!(
                    "{}: option {:?} is not a list or a string, so it names no items",
                    self.context(),
                    from.get_ref()
                ),
                from.span(),
            )),
            None => Err(PackError::at(
                format!(
                    "{}: reads unknown option {:?}",
                    self.context(),
                    from.get_ref()
                ),
                from.span(),
            )),
        }
    }

    /// A user permission name of the catalog.
    pub fn permission(&self, name: &Spanned<String>) -> Result<(), PackError> {
        if self.catalog.is_known(name.get_ref()) {
            return Ok(());
        }
        Err(PackError::at(
            format!(
                "{}: unknown user permission {:?}",
                self.context(),
                name.get_ref()
            ),
            name.span(),
        ))
    }
}

/// Where a fix belongs.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    Object(String),
    Field(String),
    /// A user permission to add: where it belongs among the user permissions.
    UserPermission(String),
    Permission,
    Profile,
    At(Location),
}

/// One unmet part of a requirement.
#[derive(Debug, Clone)]
pub(crate) struct Gap {
    /// Identifies the missing item within its requirement (an object, a field, a permission).
    pub key: String,
    pub rule: RuleId,
    pub message: String,
    pub fix: Option<String>,
    pub target: Target,
    /// Instead of the requirement level's.
    pub severity: Option<Severity>,
    /// The fact it states, when other requirements may state it too with other items (View All
    /// Fields on the objects of several requirements): gaps with one fact are one finding.
    pub fact: Option<Fact>,
    /// What resolves it, when sflint can write it: `--fix --unsafe-fixes` applies it.
    pub remedy: Option<Remedy>,
}

/// What a license requirement is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LicenseOf {
    /// The profile's `<userLicense>`.
    Profile,
    /// A permission set's `<license>`.
    PermissionSet,
}

/// One fact that several requirements can state: reported once, listing every item.
#[derive(Debug, Clone)]
pub(crate) struct Fact {
    /// Identifies the fact among the user's findings.
    pub key: String,
    /// What the message lists.
    pub items: Vec<String>,
    /// The message, with `{items}` where the items go.
    pub message: String,
}

/// The outcome of checking one requirement.
#[derive(Debug, Default)]
pub(crate) struct Evaluation {
    /// False when the requirement has nothing to check (an empty option list).
    pub applicable: bool,
    pub gaps: Vec<Gap>,
    /// Parts that cannot be checked in metadata: reported as info, never as defects.
    pub unverifiable: Vec<Gap>,
}

impl Evaluation {
    pub fn applicable() -> Evaluation {
        Evaluation {
            applicable: true,
            ..Evaluation::default()
        }
    }

    /// Met, and known to be: applicable, no gap, and nothing left unverified.
    pub fn is_met(&self) -> bool {
        self.applicable && self.gaps.is_empty() && self.unverifiable.is_empty()
    }
}

/// The access a requirement asks for.
#[derive(Debug, Default)]
pub(crate) struct Needs {
    pub permissions: BTreeSet<String>,
    pub objects: BTreeMap<String, ObjectAccess>,
    pub editable_fields: BTreeSet<String>,
}

/// `[Account, <option read_objects>]`: fixed items and the option that adds more.
pub(crate) fn list(fixed: &[String], from: Option<&Spanned<String>>) -> String {
    let mut parts: Vec<String> = fixed.to_vec();
    if let Some(option) = from {
        parts.push(format!("<option {}>", option.get_ref()));
    }
    parts.join(", ")
}

/// `permission` and `permissions` together.
pub(crate) fn permission_names<'p>(
    permission: Option<&'p Spanned<String>>,
    permissions: &'p [Spanned<String>],
) -> impl Iterator<Item = &'p str> {
    permission
        .into_iter()
        .chain(permissions)
        .map(|name| name.get_ref().as_str())
}

/// `profile Admin`, `permission set Sales`.
pub(crate) fn describe_member(component: &Component) -> String {
    format!("{} {}", component.kind.noun(), component.name)
}
