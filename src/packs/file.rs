//! The pack file format (TOML): a header, the parameters a project may set, the permissions it
//! explicitly allows, and a list of requirements, each an instance of a kind the engine knows
//! (`kind = "..."`, one file each under [`kinds`](super::kinds)). New vendors are data; new kinds
//! are code. `rules/README.md` documents every field.
//!
//! Requirements are read from the spanned document rather than through a serde-tagged enum: serde
//! buffers an internally tagged value before choosing the variant, which loses TOML's positions
//! (errors would point at no line) and breaks `Spanned` fields. Splitting the common fields from a
//! kind's parameters by hand keeps `deny_unknown_fields` on each kind's parameters and a line and
//! column on every error.

use std::collections::BTreeSet;
use std::ops::Range;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::kinds::{Checks, Kind};
use super::options::{self, Condition, OptionKind, OptionSpec};
use crate::catalog::Catalog;
use crate::diagnostic::Severity;
use crate::registry::RuleId;

#[derive(Debug, Clone)]
pub struct PackFile {
    pub pack: PackHeader,
    pub options: Vec<OptionSpec>,
    pub allows: Vec<AllowSpec>,
    pub allow_profiles: Vec<ProfileAllowSpec>,
    pub requirements: Vec<Requirement>,
}

/// The part of a pack file serde reads directly; `[[require]]` is read by [`parse_requirement`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFileRest {
    pack: PackHeader,
    #[serde(default, rename = "option")]
    options: Vec<OptionSpec>,
    #[serde(default, rename = "allow")]
    allows: Vec<AllowSpec>,
    #[serde(default, rename = "allow_profile")]
    allow_profiles: Vec<ProfileAllowSpec>,
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

/// A permission the pack needs even though sflint flags it elsewhere (View All Data for a read-only
/// analytics platform): reported once as info with the vendor's reason instead.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowSpec {
    pub permission: Spanned<String>,
    pub why: String,
    pub source: String,
    #[serde(default)]
    pub when: Option<Condition>,
}

/// A profile the vendor accepts although it is broad (the System Administrator profile, `Admin`):
/// what it grants of View All Data, Modify All Data and the high-risk permissions is reported once,
/// as one info with the vendor's reason, instead of a finding each.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileAllowSpec {
    /// The profile's API name (file stem).
    pub profile: String,
    pub why: String,
    pub source: String,
    #[serde(default)]
    pub when: Option<Condition>,
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

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Required => "required",
            Level::Recommended => "recommended",
            Level::Informational => "info",
        }
    }
}

/// One `[[require]]`: the fields every kind has, and the kind with its parameters.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// Stable within the pack; the full id is `<pack>/<id>`.
    pub id: String,
    pub level: Level,
    /// The vendor's reason, quoted or closely paraphrased.
    pub why: String,
    /// The section of the vendor page this comes from.
    pub source: String,
    /// Only applies when the options have these values.
    pub when: Option<Condition>,
    /// The finding id to report every gap under instead of the kind's own.
    pub finding: Option<RuleId>,
    pub(crate) kind: Kind,
    /// The requirement's table in the pack file.
    pub span: Range<usize>,
}

impl Requirement {
    /// `kind = "..."` as written in the pack file.
    pub fn kind_name(&self) -> &'static str {
        self.kind.name()
    }

    /// The fields whose field permissions it asks for (`field-access`), and the option that adds
    /// more; none for other kinds.
    pub fn fields(&self) -> (&[String], Option<&str>) {
        self.kind.fields()
    }

    /// The alternatives of an `any-of`; none for other kinds.
    pub fn alternatives(&self) -> &[Requirement] {
        self.kind.alternatives()
    }
}

/// The fields every requirement has, whatever its kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Common {
    id: String,
    #[serde(default)]
    level: Level,
    why: String,
    source: String,
    #[serde(default)]
    when: Option<Condition>,
    #[serde(default)]
    finding: Option<RuleId>,
}

const COMMON_FIELDS: [&str; 7] = ["id", "kind", "level", "why", "source", "when", "finding"];

/// A pack file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    pub message: String,
    /// Byte offset of the problem in the file, when known.
    pub offset: Option<usize>,
}

impl PackError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            offset: None,
        }
    }

    pub fn at(message: impl Into<String>, span: Range<usize>) -> Self {
        Self {
            message: message.into(),
            offset: Some(span.start),
        }
    }
}

impl From<toml::de::Error> for PackError {
    fn from(error: toml::de::Error) -> Self {
        PackError {
            message: error.message().trim().to_string(),
            offset: error.span().map(|span| span.start),
        }
    }
}

impl std::fmt::Display for PackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Reads a pack file; the kinds' parameters are checked, cross-references (options, permission
/// names) are left to [`validate`].
pub fn parse(text: &str) -> Result<PackFile, PackError> {
    let document = DeTable::parse(text)?;
    let span = document.span();
    let mut table = document.into_inner();
    let requirements = match table.remove("require") {
        None => Vec::new(),
        Some(value) => {
            let value_span = value.span();
            match value.into_inner() {
                DeValue::Array(items) => items
                    .into_iter()
                    .map(parse_requirement)
                    .collect::<Result<Vec<_>, _>>()?,
                _ => {
                    return Err(PackError::at(
                        "`require` must be an array of tables ([[require]])",
                        value_span,
                    ));
                }
            }
        }
    };
    let rest: PackFileRest = from_spanned(Spanned::new(span, DeValue::Table(table)))?;
    Ok(PackFile {
        pack: rest.pack,
        options: rest.options,
        allows: rest.allows,
        allow_profiles: rest.allow_profiles,
        requirements,
    })
}

/// Deserializes a spanned TOML value, keeping its positions for errors.
pub(crate) fn from_spanned<T: DeserializeOwned>(
    value: Spanned<DeValue<'_>>,
) -> Result<T, toml::de::Error> {
    T::deserialize(ValueDeserializer::from(value))
}

/// One requirement table: its common fields, then its kind's parameters.
pub(crate) fn parse_requirement(value: Spanned<DeValue<'_>>) -> Result<Requirement, PackError> {
    let span = value.span();
    let DeValue::Table(table) = value.into_inner() else {
        return Err(PackError::at("a requirement must be a table", span));
    };
    let kind = match table.get("kind") {
        Some(kind) => match kind.get_ref().as_str() {
            Some(name) => Spanned::new(kind.span(), name.to_string()),
            None => return Err(PackError::at("`kind` must be a string", kind.span())),
        },
        None => return Err(PackError::at("missing field `kind`", span.clone())),
    };
    let mut common = DeTable::new();
    let mut params = DeTable::new();
    for (key, field) in table {
        if COMMON_FIELDS.contains(&key.get_ref().as_ref()) {
            if key.get_ref() != "kind" {
                common.insert(key, field);
            }
        } else {
            params.insert(key, field);
        }
    }
    let common: Common = from_spanned(Spanned::new(span.clone(), DeValue::Table(common)))?;
    let kind = Kind::parse(&kind, Spanned::new(span.clone(), DeValue::Table(params)))?;
    Ok(Requirement {
        id: common.id,
        level: common.level,
        why: common.why,
        source: common.source,
        when: common.when,
        finding: common.finding,
        kind,
        span,
    })
}

fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Checks what parsing cannot: ids, that options exist and `when` conditions can hold, that
/// permission names are real, and each kind's own constraints. `inherited` are the options of the
/// shipped pack a user pack extends.
pub fn validate(file: &PackFile, inherited: &[OptionSpec]) -> Result<(), PackError> {
    let header = &file.pack;
    if !is_kebab_case(&header.id) {
        return Err(PackError::new(format!(
            "pack id {:?} must be kebab-case",
            header.id
        )));
    }
    let catalog = Catalog::get();
    let mut option_ids = BTreeSet::new();
    for option in &file.options {
        if !option_ids.insert(option.id.as_str()) {
            return Err(PackError::new(format!(
                "option {:?} is declared twice",
                option.id
            )));
        }
        if option.kind == OptionKind::Choice && option.choices.is_empty() {
            return Err(PackError::new(format!(
                "choice option {:?} lists no choices",
                option.id
            )));
        }
        if let Some(default) = &option.default {
            options::convert(option, default).map_err(|message| {
                PackError::new(format!("default of option {:?}: {message}", option.id))
            })?;
        }
        for rule in &option.infer {
            if rule.is_empty() {
                return Err(PackError::new(format!(
                    "option {:?}: an `infer` rule needs profile_licenses, profiles, permission_sets or permission_sets_from",
                    option.id
                )));
            }
            if !option.choices.contains(&rule.value) {
                return Err(PackError::new(format!(
                    "option {:?}: `infer` gives {:?}, which is not one of its choices",
                    option.id, rule.value
                )));
            }
        }
        if option.when_unset.is_some()
            && (option.default.is_some()
                || !matches!(option.kind, OptionKind::String | OptionKind::List))
        {
            return Err(PackError::new(format!(
                "option {:?}: `when_unset` is for a string or list option without a default",
                option.id
            )));
        }
        if !option.infer.is_empty() && option.kind != OptionKind::Choice {
            return Err(PackError::new(format!(
                "option {:?}: only a choice option can be inferred from the files",
                option.id
            )));
        }
        if option.inferred
            && (option.default.is_none()
                || !matches!(option.kind, OptionKind::String | OptionKind::List))
        {
            return Err(PackError::new(format!(
                "option {:?}: `inferred` says its default names are inferred, so it needs a string or list default",
                option.id
            )));
        }
    }
    let options: Vec<OptionSpec> = inherited
        .iter()
        .filter(|spec| !option_ids.contains(spec.id.as_str()))
        .chain(&file.options)
        .cloned()
        .collect();
    for option in &file.options {
        for from in option
            .infer
            .iter()
            .filter_map(|rule| rule.permission_sets_from.as_ref())
        {
            if !options.iter().any(|spec| {
                &spec.id == from && matches!(spec.kind, OptionKind::String | OptionKind::List)
            }) {
                return Err(PackError::new(format!(
                    "option {:?}: `infer` reads {from:?}, which is not a string or list option of the pack",
                    option.id
                )));
            }
        }
    }
    for allow in &file.allows {
        if !catalog.is_known(allow.permission.get_ref()) {
            return Err(PackError::at(
                format!(
                    "allow: unknown user permission {:?}",
                    allow.permission.get_ref()
                ),
                allow.permission.span(),
            ));
        }
        if let Some(when) = &allow.when {
            when.validate(&options, "allow")?;
        }
    }
    for allow in &file.allow_profiles {
        if allow.profile.trim().is_empty() || allow.why.trim().is_empty() {
            return Err(PackError::new(
                "allow_profile: `profile` and `why` must name the profile and say why",
            ));
        }
        if let Some(when) = &allow.when {
            when.validate(&options, "allow_profile")?;
        }
    }
    let mut ids = BTreeSet::new();
    for requirement in &file.requirements {
        if !ids.insert(requirement.id.as_str()) {
            return Err(PackError::at(
                format!("requirement {:?} is declared twice", requirement.id),
                requirement.span.clone(),
            ));
        }
        validate_requirement(requirement, &options, catalog)?;
    }
    Ok(())
}

pub(crate) fn validate_requirement(
    requirement: &Requirement,
    options: &[OptionSpec],
    catalog: &Catalog,
) -> Result<(), PackError> {
    let checks = Checks {
        requirement,
        options,
        catalog,
    };
    let context = checks.context();
    if !is_kebab_case(&requirement.id) {
        return Err(checks.error("id must be kebab-case"));
    }
    if requirement.why.trim().is_empty() || requirement.source.trim().is_empty() {
        return Err(checks.error("`why` and `source` must say why and where"));
    }
    if let Some(when) = &requirement.when {
        when.validate(options, &context)?;
    }
    if let Some(finding) = requirement.finding {
        if !finding.is_pack_finding() {
            let allowed: Vec<&str> = RuleId::ALL
                .iter()
                .filter(|rule| rule.is_pack_finding())
                .map(|rule| rule.as_str())
                .collect();
            return Err(checks.error(&format!(
                "finding {finding} is not reported by packs; one of {}",
                allowed.join(", ")
            )));
        }
        if !requirement.kind.reports_gaps() {
            return Err(checks.error(&format!(
                "a {} requirement reports no gaps, so `finding` would change nothing",
                requirement.kind.name()
            )));
        }
    }
    requirement.kind.validate(&checks)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = r#"
[pack]
id = "x"
name = "X"
summary = "s"
source = { title = "t", retrieved = "2026-11-23" }

[[option]]
id = "flag"
kind = "bool"
default = false
description = "d"

[[option]]
id = "variant"
kind = "choice"
choices = ["a", "b"]
default = "a"
description = "d"
"#;

    fn error_of(requirements: &str) -> (String, usize) {
        let text = format!("{HEADER}{requirements}");
        let error = parse(&text)
            .and_then(|file| validate(&file, &[]))
            .unwrap_err();
        let line = error
            .offset
            .map(|offset| text[..offset].matches('\n').count() + 1)
            .unwrap_or(0);
        (error.message, line - HEADER.matches('\n').count())
    }

    #[test]
    fn a_field_that_does_not_belong_to_the_kind_is_an_error_at_its_line() {
        let (message, line) = error_of(
            "[[require]]\nid = \"api\"\nkind = \"user-permission\"\nwhy = \"w\"\nsource = \"s\"\npermission = \"ApiEnabled\"\nobjects = [\"Account\"]\n",
        );
        assert!(message.starts_with("unknown field `objects`"), "{message}");
        assert_eq!(line, 7);
    }

    #[test]
    fn when_is_checked_against_the_options() {
        let requirement = |when: &str| {
            format!(
                "[[require]]\nid = \"api\"\nkind = \"user-permission\"\nwhy = \"w\"\nsource = \"s\"\npermission = \"ApiEnabled\"\nwhen = {when}\n"
            )
        };
        let (message, line) = error_of(&requirement("{ flag = \"true\" }"));
        assert_eq!(
            message,
            "requirement \"api\": `when`: option \"flag\" is a bool: `when` needs true or false (without quotes), found the string \"true\""
        );
        assert_eq!(line, 7);
        let (message, _) = error_of(&requirement("{ variant = \"c\" }"));
        assert_eq!(
            message,
            "requirement \"api\": `when`: \"c\" is not a choice of option \"variant\", which is one of \"a\", \"b\""
        );
        let (message, _) = error_of(&requirement("{ flg = true }"));
        assert_eq!(
            message,
            "requirement \"api\": `when` names unknown option \"flg\" (did you mean flag?)"
        );
    }

    #[test]
    fn an_unknown_kind_names_the_kinds() {
        let (message, line) = error_of(
            "[[require]]\nid = \"api\"\nkind = \"user-permision\"\nwhy = \"w\"\nsource = \"s\"\n",
        );
        assert!(
            message.starts_with("unknown kind \"user-permision\" (did you mean user-permission?)"),
            "{message}"
        );
        assert_eq!(line, 3);
    }

    #[test]
    fn finding_is_a_pack_finding_of_a_kind_that_reports_gaps() {
        let (message, _) = error_of(
            "[[require]]\nid = \"a\"\nkind = \"user-permission\"\nwhy = \"w\"\nsource = \"s\"\npermission = \"ApiEnabled\"\nfinding = \"duplicate-entry\"\n",
        );
        assert!(
            message
                .starts_with("requirement \"a\": finding duplicate-entry is not reported by packs"),
            "{message}"
        );
        let (message, line) = error_of(
            "[[require]]\nid = \"a\"\nkind = \"user-permission\"\nwhy = \"w\"\nsource = \"s\"\npermission = \"ApiEnabled\"\nfinding = \"missing-apienabled\"\n",
        );
        assert_eq!(
            message,
            "unknown rule \"missing-apienabled\" (did you mean missing-api-enabled?)"
        );
        assert_eq!(line, 7);
    }
}
