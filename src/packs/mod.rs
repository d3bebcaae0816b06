//! Vendor rule packs: each vendor's documented minimum permissions for its Salesforce integration
//! user, as data. Shipped packs (`rules/*.toml`) are compiled in; a project can point at its own pack
//! file, or extend a shipped one.

pub mod check;
pub mod findings;
pub mod options;
pub mod schema;

use std::collections::BTreeSet;
use std::path::Path;

use crate::catalog::Catalog;
use crate::problem::Problem;
use crate::source::display_path;
use schema::{Kind, OptionKind, PackFile, RequirementSpec};

/// The packs that ship with sflint: (file name, contents).
const SHIPPED: [(&str, &str); 5] = [
    ("act-on.toml", include_str!("../../rules/act-on.toml")),
    ("ampersand.toml", include_str!("../../rules/ampersand.toml")),
    ("lumary.toml", include_str!("../../rules/lumary.toml")),
    ("planhat.toml", include_str!("../../rules/planhat.toml")),
    (
        "readonly-analytics.toml",
        include_str!("../../rules/readonly-analytics.toml"),
    ),
];

/// A loaded, validated pack.
#[derive(Debug, Clone)]
pub struct Pack {
    pub file: PackFile,
    /// `rules/act-on.toml` for shipped packs, the path given for user packs.
    pub origin: String,
}

impl Pack {
    pub fn id(&self) -> &str {
        &self.file.pack.id
    }

    /// The full id of one of its requirements: `act-on/api-enabled`.
    pub fn requirement_id(&self, requirement: &RequirementSpec) -> String {
        format!("{}/{}", self.id(), requirement.id)
    }
}

/// Every shipped pack, sorted by id.
pub fn shipped() -> Vec<Pack> {
    let mut packs: Vec<Pack> = SHIPPED
        .iter()
        .map(|(name, text)| {
            let origin = format!("rules/{name}");
            parse(text, &origin).unwrap_or_else(|error| panic!("shipped pack {origin}: {error}"))
        })
        .collect();
    packs.sort_by(|a, b| a.id().cmp(b.id()));
    packs
}

pub fn shipped_ids() -> Vec<String> {
    shipped().iter().map(|pack| pack.id().to_string()).collect()
}

/// A shipped pack id, or a path (relative to `base`) to a pack file.
pub fn resolve(reference: &str, base: &Path, cwd: &Path) -> Result<Pack, Problem> {
    if let Some(pack) = shipped().into_iter().find(|pack| pack.id() == reference) {
        return Ok(pack);
    }
    let looks_like_path = reference.ends_with(".toml") || reference.contains(['/', '\\']);
    if !looks_like_path {
        return Err(Problem::error(
            None,
            format!(
                "unknown pack {reference:?}; shipped packs: {} (or give a path to a pack file)",
                shipped_ids().join(", ")
            ),
        ));
    }
    let path = base.join(reference);
    let shown = display_path(&path, cwd);
    let text = std::fs::read_to_string(&path).map_err(|error| {
        Problem::error(Some(shown.clone()), format!("cannot read pack: {error}"))
    })?;
    let pack = parse(&text, &shown).map_err(|error| {
        let (line, column) = match error.offset {
            Some(offset) => {
                let (line, column) = crate::config::line_column(&text, offset);
                (Some(line), Some(column))
            }
            None => (None, None),
        };
        Problem::error(Some(shown.clone()), error.message).at(line, column)
    })?;
    match pack.file.pack.extends.clone() {
        Some(base_id) => {
            let base = shipped()
                .into_iter()
                .find(|pack| pack.id() == base_id)
                .ok_or_else(|| {
                    Problem::error(
                        Some(shown.clone()),
                        format!(
                            "extends unknown pack {base_id:?}; shipped packs: {}",
                            shipped_ids().join(", ")
                        ),
                    )
                })?;
            let merged = extend(base, pack);
            validate(&merged.file).map_err(|message| Problem::error(Some(shown), message))?;
            Ok(merged)
        }
        None => Ok(pack),
    }
}

/// A pack file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    pub message: String,
    /// Byte offset of the problem in the file, when known.
    pub offset: Option<usize>,
}

impl std::fmt::Display for PackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

pub fn parse(text: &str, origin: &str) -> Result<Pack, PackError> {
    let file: PackFile = toml::from_str(text).map_err(|error| PackError {
        message: error.message().trim().to_string(),
        offset: error.span().map(|span| span.start),
    })?;
    if file.pack.extends.is_none() {
        validate(&file).map_err(|message| PackError {
            message,
            offset: None,
        })?;
    }
    Ok(Pack {
        file,
        origin: origin.to_string(),
    })
}

/// A user pack on top of a shipped one: its options, allowances and requirements are added; a
/// requirement with the id of a shipped one replaces it.
fn extend(base: Pack, addition: Pack) -> Pack {
    let mut file = base.file;
    let header = addition.file.pack;
    file.pack.id = header.id;
    file.pack.name = header.name;
    file.pack.summary = header.summary;
    file.pack.notes.extend(header.notes);
    file.pack.extends = Some(base.origin);
    for option in addition.file.options {
        file.options.retain(|existing| existing.id != option.id);
        file.options.push(option);
    }
    file.allows.extend(addition.file.allows);
    for requirement in addition.file.requirements {
        match file
            .requirements
            .iter_mut()
            .find(|r| r.id == requirement.id)
        {
            Some(existing) => *existing = requirement,
            None => file.requirements.push(requirement),
        }
    }
    Pack {
        file,
        origin: addition.origin,
    }
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

/// Checks what serde cannot: ids, that each requirement carries the parameters its kind needs, that
/// options it reads exist, and that permission names are real.
pub fn validate(file: &PackFile) -> Result<(), String> {
    let header = &file.pack;
    if !is_kebab_case(&header.id) {
        return Err(format!("pack id {:?} must be kebab-case", header.id));
    }
    let catalog = Catalog::get();
    let mut option_ids = BTreeSet::new();
    for option in &file.options {
        if !option_ids.insert(option.id.as_str()) {
            return Err(format!("option {:?} is declared twice", option.id));
        }
        if option.kind == OptionKind::Choice && option.choices.is_empty() {
            return Err(format!("choice option {:?} lists no choices", option.id));
        }
        if let Some(default) = &option.default {
            options::convert(option, default)
                .map_err(|message| format!("default of option {:?}: {message}", option.id))?;
        }
    }
    for allow in &file.allows {
        if !catalog.is_known(&allow.permission) {
            return Err(format!(
                "allow: unknown user permission {:?}",
                allow.permission
            ));
        }
        check_when(allow.when.as_ref(), &option_ids, "allow")?;
    }
    let mut ids = BTreeSet::new();
    for requirement in &file.requirements {
        if !ids.insert(requirement.id.as_str()) {
            return Err(format!(
                "requirement {:?} is declared twice",
                requirement.id
            ));
        }
        validate_requirement(requirement, &option_ids, catalog)?;
    }
    Ok(())
}

fn check_when(
    when: Option<&toml::Table>,
    option_ids: &BTreeSet<&str>,
    context: &str,
) -> Result<(), String> {
    for key in when.into_iter().flat_map(|when| when.keys()) {
        if !option_ids.contains(key.as_str()) {
            return Err(format!("{context}: `when` names unknown option {key:?}"));
        }
    }
    Ok(())
}

fn validate_requirement(
    requirement: &RequirementSpec,
    option_ids: &BTreeSet<&str>,
    catalog: &Catalog,
) -> Result<(), String> {
    let id = &requirement.id;
    let context = format!("requirement {id:?}");
    if !is_kebab_case(id) {
        return Err(format!("{context}: id must be kebab-case"));
    }
    if requirement.why.trim().is_empty() || requirement.source.trim().is_empty() {
        return Err(format!(
            "{context}: `why` and `source` must say why and where"
        ));
    }
    check_when(requirement.when.as_ref(), option_ids, &context)?;
    if let Some(finding) = &requirement.finding
        && !findings::OVERRIDABLE.contains(&finding.as_str())
    {
        return Err(format!(
            "{context}: unknown finding {finding:?}; one of {}",
            findings::OVERRIDABLE.join(", ")
        ));
    }
    for from in [
        &requirement.objects_from,
        &requirement.fields_from,
        &requirement.record_types_from,
    ]
    .into_iter()
    .flatten()
    {
        if !option_ids.contains(from.as_str()) {
            return Err(format!("{context}: reads unknown option {from:?}"));
        }
    }
    let permissions: Vec<&String> = requirement
        .permission
        .iter()
        .chain(&requirement.permissions)
        .collect();
    for permission in &permissions {
        if !catalog.is_known(permission) {
            return Err(format!("{context}: unknown user permission {permission:?}"));
        }
    }
    let need = |ok: bool, what: &str| {
        if ok {
            Ok(())
        } else {
            Err(format!(
                "{context}: {} {} requirement needs {what}",
                if requirement
                    .kind
                    .as_str()
                    .starts_with(['a', 'e', 'i', 'o', 'u'])
                {
                    "an"
                } else {
                    "a"
                },
                requirement.kind.as_str()
            ))
        }
    };
    let has_objects = !requirement.objects.is_empty() || requirement.objects_from.is_some();
    match requirement.kind {
        Kind::UserPermission | Kind::ForbidPermission => {
            need(!permissions.is_empty(), "`permission` or `permissions`")
        }
        Kind::ObjectAccess => {
            need(has_objects, "`objects` or `objects_from`")?;
            need(!requirement.access.is_empty(), "`access`")
        }
        Kind::FieldAccess => {
            need(
                !requirement.fields.is_empty() || requirement.fields_from.is_some(),
                "`fields` or `fields_from`",
            )?;
            need(requirement.field_access.is_some(), "`field_access`")
        }
        Kind::RecordType => need(
            !requirement.record_types.is_empty() || requirement.record_types_from.is_some(),
            "`record_types` or `record_types_from`",
        ),
        Kind::ProfileLicense | Kind::PermissionSetLicense => {
            need(!requirement.licenses.is_empty(), "`licenses`")
        }
        Kind::Profile | Kind::ProfileDiscouraged => {
            need(!requirement.profiles.is_empty(), "`profiles`")
        }
        Kind::FieldCount => {
            need(has_objects, "`objects` or `objects_from`")?;
            need(requirement.max.is_some(), "`max`")
        }
        Kind::AnyOf => {
            need(
                requirement.any_of.len() >= 2,
                "at least two `any_of` alternatives",
            )?;
            let mut alternative_ids = BTreeSet::new();
            for alternative in &requirement.any_of {
                if !alternative_ids.insert(alternative.id.as_str()) {
                    return Err(format!("{context}: alternative {:?} twice", alternative.id));
                }
                validate_requirement(alternative, option_ids, catalog)?;
            }
            Ok(())
        }
        Kind::Unverifiable => need(requirement.what.is_some(), "`what`"),
        Kind::ForbidLicense => need(!requirement.licenses.is_empty(), "`licenses`"),
        Kind::NoLoginIpRanges | Kind::NoLoginHours => Ok(()),
        Kind::ForbidSessionLevel => {
            need(!requirement.levels.is_empty(), "`levels`")?;
            for level in &requirement.levels {
                if !["HIGH_ASSURANCE", "STANDARD", "LOW"].contains(&level.as_str()) {
                    return Err(format!(
                        "{context}: unknown session level {level:?}; one of HIGH_ASSURANCE, STANDARD, LOW"
                    ));
                }
            }
            Ok(())
        }
        Kind::PermissionSet => need(!requirement.permission_sets.is_empty(), "`permission_sets`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_packs_load_and_validate() {
        let ids = shipped_ids();
        assert_eq!(
            ids,
            [
                "act-on",
                "ampersand",
                "lumary",
                "planhat",
                "readonly-analytics"
            ]
        );
    }

    #[test]
    fn validation_names_the_requirement() {
        let text = r#"
[pack]
id = "x"
name = "X"
summary = "s"
source = { title = "t", retrieved = "2026-11-23" }

[[require]]
id = "objects"
kind = "object-access"
why = "w"
source = "s"
objects = ["Account"]
"#;
        let error = parse(text, "x.toml").unwrap_err();
        assert_eq!(
            error.message,
            "requirement \"objects\": an object-access requirement needs `access`"
        );
    }

    #[test]
    fn unknown_fields_carry_an_offset() {
        let text = "[pack]\nid = \"x\"\nname = \"X\"\nsummary = \"s\"\nsorce = 1\n";
        let error = parse(text, "x.toml").unwrap_err();
        assert!(
            error.message.contains("unknown field `sorce`"),
            "{}",
            error.message
        );
        let (line, _) = crate::config::line_column(text, error.offset.unwrap());
        assert_eq!(line, 5);
    }
}
