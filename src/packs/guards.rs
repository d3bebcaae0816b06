//! The checks every pack makes beyond its own requirements: View All Data and Modify All Data,
//! high-risk permissions the pack does not need, permission sets the user's license cannot hold,
//! and, for read-only integrations, write access beyond what the pack asks for.
//!
//! Their findings carry requirement ids the engine makes up (`act-on/no-view-all-data`);
//! [`requirement_ids`] lists them, so that settings naming one can be checked.

use super::Pack;
use super::evaluate::Scope;
use super::file::{ProfileAllowSpec, Requirement};
use super::fixes::{Remedy, turn_off_writes};
use super::kinds::{Needs, describe_member};
use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Location, Severity, listed};
use crate::model::access::{Access, GrantRef};
use crate::model::names::names_match;
use crate::model::user::Role;
use crate::model::{Component, FieldPermission, ObjectAccess, ObjectFlag, ObjectPermission};
use crate::registry::RuleId;
use crate::source::Span;

/// The org-wide permissions an integration user is judged on whatever its pack.
const ORG_WIDE: [(&str, RuleId); 2] = [
    ("ViewAllData", RuleId::ViewAllData),
    ("ModifyAllData", RuleId::ModifyAllData),
];

pub(crate) fn check(
    scope: &Scope<'_, '_>,
    union: &Access<'_>,
    requirements: &[&Requirement],
    out: &mut Vec<Diagnostic>,
) {
    let needs = needs_of(scope, requirements);
    let allowed_profile = allowed_profile(scope);
    if let Some((allow, index)) = allowed_profile {
        allowed_profile_permissions(scope, union, allow, index, out);
    }
    let on_allowed_profile =
        |member: usize| allowed_profile.is_some_and(|(_, index)| index == member);
    org_wide_permissions(scope, union, &on_allowed_profile, out);
    dangerous_permissions(scope, union, requirements, &on_allowed_profile, out);
    license_consistency(scope, out);
    if scope.pack().file.pack.read_only {
        read_only(scope, &needs, out);
    }
}

/// Every requirement id the guards may report for `pack`, besides the pack's own requirements.
pub fn requirement_ids(pack: &Pack, catalog: &Catalog) -> Vec<String> {
    let id = pack.id();
    let mut ids = Vec::new();
    for (permission, _) in ORG_WIDE {
        ids.push(format!("{id}/no-{}", kebab(permission)));
        if pack
            .file
            .allows
            .iter()
            .any(|allow| allow.permission.get_ref() == permission)
        {
            ids.push(format!("{id}/allow-{}", kebab(permission)));
        }
    }
    for dangerous in &catalog.dangerous {
        ids.push(format!("{id}/no-{}", kebab(&dangerous.name)));
        ids.push(format!("{id}/needs-{}", kebab(&dangerous.name)));
    }
    ids.push(format!("{id}/assignable"));
    if !pack.file.allow_profiles.is_empty() {
        ids.push(format!("{id}/allow-profile"));
    }
    for option in pack
        .file
        .options
        .iter()
        .filter(|option| !option.infer.is_empty() || option.when_unset.is_some())
    {
        ids.push(super::evaluate::option_requirement_id(pack, &option.id));
    }
    if pack.file.pack.read_only {
        ids.push(format!("{id}/read-only"));
    }
    ids.sort();
    ids.dedup();
    ids
}

/// The access the applicable requirements (and their applicable alternatives) ask for.
fn needs_of(scope: &Scope<'_, '_>, requirements: &[&Requirement]) -> Needs {
    fn add(requirement: &Requirement, scope: &Scope<'_, '_>, needs: &mut Needs) {
        requirement.kind.needs(scope, needs);
        for alternative in requirement.kind.alternatives() {
            if scope.applies(alternative) {
                add(alternative, scope, needs);
            }
        }
    }
    let mut needs = Needs::default();
    for requirement in requirements {
        add(requirement, scope, &mut needs);
    }
    needs
}

/// The user's profile when the pack allows it (`[[allow_profile]]`, the System Administrator
/// profile a vendor accepts): its allowance and the profile's index among the members.
fn allowed_profile<'s>(scope: &Scope<'s, '_>) -> Option<(&'s ProfileAllowSpec, usize)> {
    let (index, member) = scope
        .members()
        .iter()
        .enumerate()
        .find(|(_, member)| member.role == Role::Profile)?;
    let allow = scope.pack().file.allow_profiles.iter().find(|allow| {
        names_match(&member.component.name, &allow.profile)
            && scope.options().satisfy(allow.when.as_ref())
    })?;
    Some((allow, index))
}

/// What an allowed profile grants of View All Data, Modify All Data and the high-risk permissions:
/// one info listing them with the vendor's reason, at the broadest grant, instead of a finding per
/// permission (the others are its related places, so that the built-in warnings on them are
/// replaced too).
fn allowed_profile_permissions(
    scope: &Scope<'_, '_>,
    union: &Access<'_>,
    allow: &ProfileAllowSpec,
    profile_index: usize,
    out: &mut Vec<Diagnostic>,
) {
    let catalog = scope.catalog();
    // The broadest first: the finding is at its grant.
    let names = ["ModifyAllData", "ViewAllData"].into_iter().chain(
        catalog
            .dangerous
            .iter()
            .map(|dangerous| dangerous.name.as_str()),
    );
    let mut held: Vec<(&str, Span)> = Vec::new();
    for name in names {
        if let Some(grant) = union
            .user_permissions
            .get(name)
            .and_then(|grants| grants.iter().find(|grant| grant.member == profile_index))
        {
            held.push((name, grant.span));
        }
    }
    let Some(&(first, span)) = held.first() else {
        return;
    };
    let profile = scope.members()[profile_index].component;
    let rule = match first {
        "ModifyAllData" => RuleId::ModifyAllData,
        "ViewAllData" => RuleId::ViewAllData,
        _ => RuleId::DangerousPermission,
    };
    let items: Vec<String> = held
        .iter()
        .map(|(name, _)| catalog.describe(name))
        .collect();
    let requirement = format!("{}/allow-profile", scope.pack().id());
    let mut diagnostic = Diagnostic::new(
        rule,
        Severity::Info,
        Location::new(profile.path(span), span),
        format!(
            "{} has profile {}, which the {} pack allows; it holds {}",
            scope.subject(),
            profile.name,
            scope.pack().id(),
            listed(&items)
        ),
    )
    .with_help(format!(
        "{}: \"{}\" ({}).",
        scope.vendor(),
        allow.why.trim(),
        allow.source.trim()
    ))
    .with_items(if items.len() > 1 { items } else { Vec::new() })
    .with_element(format!("{requirement}/{}", profile.name));
    for &(name, span) in &held[1..] {
        diagnostic = diagnostic.with_related(
            Location::new(profile.path(span), span),
            format!("{name}, through the same profile"),
        );
    }
    diagnostic.origin = Some(scope.origin(requirement));
    out.push(diagnostic);
}

/// View All Data and Modify All Data on an integration user: an error unless the pack allows
/// it, and then one info with the vendor's reason. Grants of an allowed profile are reported with
/// it ([`allowed_profile_permissions`]).
fn org_wide_permissions(
    scope: &Scope<'_, '_>,
    union: &Access<'_>,
    on_allowed_profile: &dyn Fn(usize) -> bool,
    out: &mut Vec<Diagnostic>,
) {
    let pack = scope.pack();
    for (permission, rule) in ORG_WIDE {
        let Some(grants) = union.user_permissions.get(permission) else {
            continue;
        };
        let allow = pack.file.allows.iter().find(|allow| {
            allow.permission.get_ref() == permission && scope.options().satisfy(allow.when.as_ref())
        });
        let described = scope.catalog().describe(permission);
        for grant in grants
            .iter()
            .filter(|grant| !on_allowed_profile(grant.member))
        {
            let member = &scope.members()[grant.member];
            let location = Location::new(member.component.path(grant.span), grant.span);
            let (severity, message, help, requirement) = match allow {
                Some(allow) => (
                    Severity::Info,
                    format!(
                        "{} holds {described}, which the {} pack allows",
                        scope.subject(),
                        pack.id()
                    ),
                    format!("{}: \"{}\" ({}).", scope.vendor(), allow.why, allow.source),
                    format!("{}/allow-{}", pack.id(), kebab(permission)),
                ),
                None => (
                    Severity::Error,
                    format!(
                        "{} holds {described}, which the {} pack does not need",
                        scope.subject(),
                        pack.id()
                    ),
                    format!(
                        "Remove {permission} from {} and grant object access instead: an integration credential with it exposes every record.",
                        describe_member(member.component)
                    ),
                    format!("{}/no-{}", pack.id(), kebab(permission)),
                ),
            };
            let mut diagnostic = Diagnostic::new(rule, severity, location, message)
                .with_help(help)
                .with_element(format!("{requirement}/{}", member.component.name));
            if allow.is_none() {
                diagnostic.fix = disable(scope, *grant);
            }
            diagnostic.origin = Some(scope.origin(requirement));
            out.push(diagnostic);
        }
    }
}

/// High-risk permissions beyond what the pack needs are over-broad (warning); one the pack
/// requires or allows is reported once, as info with the vendor's reason. One an allowed profile
/// grants is reported with it ([`allowed_profile_permissions`]).
fn dangerous_permissions(
    scope: &Scope<'_, '_>,
    union: &Access<'_>,
    requirements: &[&Requirement],
    on_allowed_profile: &dyn Fn(usize) -> bool,
    out: &mut Vec<Diagnostic>,
) {
    let pack = scope.pack();
    for dangerous in &scope.catalog().dangerous {
        let Some(grants) = union.user_permissions.get(dangerous.name.as_str()) else {
            continue;
        };
        if grants.iter().any(|grant| on_allowed_profile(grant.member)) {
            continue;
        }
        let Some(grant) = grants.first().copied() else {
            continue;
        };
        let needed = requirements
            .iter()
            .flat_map(|requirement| {
                std::iter::once(*requirement).chain(
                    requirement
                        .kind
                        .alternatives()
                        .iter()
                        .filter(|alternative| scope.applies(alternative)),
                )
            })
            .find(|requirement| {
                let mut needs = Needs::default();
                requirement.kind.needs(scope, &mut needs);
                needs.permissions.contains(&dangerous.name)
            })
            .map(|requirement| (requirement.why.clone(), requirement.source.clone()))
            .or_else(|| {
                pack.file
                    .allows
                    .iter()
                    .find(|allow| {
                        *allow.permission.get_ref() == dangerous.name
                            && scope.options().satisfy(allow.when.as_ref())
                    })
                    .map(|allow| (allow.why.clone(), allow.source.clone()))
            });
        let member = &scope.members()[grant.member];
        let location = Location::new(member.component.path(grant.span), grant.span);
        let described = scope.catalog().describe(&dangerous.name);
        let requirement = format!(
            "{}/{}-{}",
            pack.id(),
            if needed.is_some() { "needs" } else { "no" },
            kebab(&dangerous.name)
        );
        let fix = if needed.is_none() {
            disable(scope, grant)
        } else {
            None
        };
        let diagnostic = match needed {
            Some((why, source)) => Diagnostic::new(
                RuleId::DangerousPermission,
                Severity::Info,
                location,
                format!(
                    "{} holds {described}, which {} needs although it {}",
                    scope.subject(),
                    scope.vendor(),
                    dangerous.why
                ),
            )
            .with_help(format!(
                "{}: \"{}\" ({}).",
                scope.vendor(),
                why.trim(),
                source.trim()
            )),
            None => Diagnostic::new(
                RuleId::DangerousPermission,
                Severity::Warning,
                location,
                format!(
                    "{} holds {described}, which the {} pack does not need: it {}",
                    scope.subject(),
                    pack.id(),
                    dangerous.why
                ),
            )
            .with_help(format!(
                "Remove {} from {} unless the integration needs it (source: {}).",
                dangerous.name,
                describe_member(member.component),
                dangerous.source
            )),
        };
        let mut diagnostic =
            diagnostic.with_element(format!("{requirement}/{}", member.component.name));
        diagnostic.fix = fix;
        diagnostic.origin = Some(scope.origin(requirement));
        out.push(diagnostic);
    }
}

/// A permission set whose license is a user license other than the profile's cannot be
/// assigned to the user at all.
fn license_consistency(scope: &Scope<'_, '_>, out: &mut Vec<Diagnostic>) {
    let Some(profile) = scope.profile() else {
        return;
    };
    let Some(user_license) = profile.permissions().and_then(|c| c.license.as_ref()) else {
        return;
    };
    let members: Vec<&Component> = scope
        .holdings()
        .permission_sets()
        .map(|member| member.component)
        .collect();
    for component in members {
        let Some(license) = component.permissions().and_then(|c| c.license.as_ref()) else {
            continue;
        };
        if license.value == user_license.value || !scope.catalog().is_user_license(&license.value) {
            continue;
        }
        let requirement = format!("{}/assignable", scope.pack().id());
        let mut diagnostic = Diagnostic::new(
            RuleId::LicenseMismatch,
            Severity::Error,
            Location::new(component.path(license.span), license.span),
            format!(
                "permission set {} is tied to the {} user license, but profile {} of {} has {}",
                component.name,
                license.value,
                profile.name,
                scope.subject(),
                user_license.value
            ),
        )
        .with_help(
            "Salesforce only assigns a permission set tied to a user license to users of that license: clear its license or use the profile's.",
        )
        .with_related(
            Location::new(profile.path(user_license.span), user_license.span),
            "the profile's user license",
        )
        .with_element(format!("{requirement}/{}", component.name));
        diagnostic.origin = Some(scope.origin(requirement));
        out.push(diagnostic);
    }
}

/// Read-only packs: create, edit, delete and modify-all beyond what the pack needs, and editable
/// fields the pack does not ask to edit, are excess access.
fn read_only(scope: &Scope<'_, '_>, needs: &Needs, out: &mut Vec<Diagnostic>) {
    let writes = ObjectAccess::of(&[
        ObjectFlag::Create,
        ObjectFlag::Edit,
        ObjectFlag::Delete,
        ObjectFlag::ModifyAll,
    ]);
    let members = scope.members();
    let mut found = Vec::new();
    for (index, member) in members.iter().enumerate() {
        let Some(container) = member.permissions() else {
            continue;
        };
        // One finding per member for its objects and one for its fields, each listing every item:
        // a permission set that writes to 581 objects is one cause with one fix.
        let mut objects: Vec<(&ObjectPermission, ObjectAccess)> = Vec::new();
        for entry in &container.grants.object_permissions {
            let allowed = needs
                .objects
                .get(entry.object.value.as_str())
                .copied()
                .unwrap_or_default();
            // What the group's muting permission set removes is not held, so not excess.
            let excess = member.unmuted_object(entry).minus(allowed);
            let excess = ObjectAccess::of(
                &excess
                    .flags()
                    .filter(|f| writes.contains(*f))
                    .collect::<Vec<_>>(),
            );
            if !excess.is_empty() {
                objects.push((entry, excess));
            }
        }
        match objects.as_slice() {
            [] => {}
            [(entry, excess)] => found.push((
                index,
                turn_off_writes(
                    member.component,
                    &objects,
                    &[],
                    format!("Turn off {} on {}.", excess.describe(), entry.object.value),
                ),
                entry.span,
                format!("objectPermissions/{}", entry.object.value),
                format!(
                    "{} can {} {}, but {} only reads",
                    scope.subject(),
                    excess.describe(),
                    entry.object.value,
                    scope.vendor()
                ),
                format!("Turn off {} on {}.", excess.describe(), entry.object.value),
                Vec::new(),
            )),
            many => {
                let items: Vec<String> = many
                    .iter()
                    .map(|(entry, excess)| {
                        format!("{} ({})", entry.object.value, excess.describe())
                    })
                    .collect();
                found.push((
                    index,
                    turn_off_writes(
                        member.component,
                        many,
                        &[],
                        format!(
                            "Turn off Create, Edit, Delete and Modify All Records on {} objects.",
                            many.len()
                        ),
                    ),
                    many[0].0.span,
                    "objectPermissions".to_string(),
                    format!(
                        "{} can write to {} objects, but {} only reads: {}",
                        scope.subject(),
                        many.len(),
                        scope.vendor(),
                        listed(&items)
                    ),
                    "Turn off Create, Edit, Delete and Modify All Records on these objects."
                        .to_string(),
                    items,
                ));
            }
        }
        let editable: Vec<&FieldPermission> = container
            .grants
            .field_permissions
            .iter()
            .filter(|f| {
                member.unmuted_field(f).1 && !needs.editable_fields.contains(f.field.value.as_str())
            })
            .collect();
        let objects_of_fields: std::collections::BTreeSet<&str> =
            editable.iter().map(|entry| entry.object()).collect();
        if let Some(first) = editable.first() {
            let names: Vec<String> = editable.iter().map(|e| e.field.value.to_string()).collect();
            let (element, message) = match objects_of_fields.iter().next() {
                Some(object) if objects_of_fields.len() == 1 => (
                    format!("fieldPermissions/{object}"),
                    format!(
                        "{} can edit {} field{} of {object} ({}), but {} only reads",
                        scope.subject(),
                        names.len(),
                        if names.len() == 1 { "" } else { "s" },
                        names.join(", "),
                        scope.vendor()
                    ),
                ),
                _ => (
                    "fieldPermissions".to_string(),
                    format!(
                        "{} can edit {} fields of {} objects, but {} only reads: {}",
                        scope.subject(),
                        names.len(),
                        objects_of_fields.len(),
                        scope.vendor(),
                        listed(&names)
                    ),
                ),
            };
            let items = if objects_of_fields.len() == 1 {
                Vec::new()
            } else {
                names
            };
            found.push((
                index,
                turn_off_writes(
                    member.component,
                    &[],
                    &editable,
                    format!(
                        "Make {} field{} read-only.",
                        editable.len(),
                        if editable.len() == 1 { "" } else { "s" }
                    ),
                ),
                first.span,
                element,
                message,
                "Set <editable>false</editable> on these fields.".to_string(),
                items,
            ));
        }
    }
    let requirement = format!("{}/read-only", scope.pack().id());
    for (index, fix, span, element, message, help, items) in found {
        let component = members[index].component;
        let mut diagnostic = Diagnostic::new(
            RuleId::ExcessAccess,
            Severity::Warning,
            Location::new(component.path(span), span),
            message,
        )
        .with_help(help)
        .with_items(items)
        .with_element(format!("{requirement}/{}/{element}", component.name))
        .with_fix(fix);
        diagnostic.origin = Some(scope.origin(requirement.clone()));
        out.push(diagnostic);
    }
}

/// Turning off the grant of a permission the pack does not need.
fn disable(scope: &Scope<'_, '_>, grant: GrantRef) -> Option<crate::fix::Fix> {
    super::fixes::fix(
        scope,
        &Remedy::Disable {
            member: grant.member,
            name: grant.span,
        },
    )
}

/// `ViewAllData` -> `view-all-data`.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (index, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if index > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
