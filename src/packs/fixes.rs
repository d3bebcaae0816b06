//! Pack gaps as fixes: where a missing grant goes, and what turning off an over-broad grant writes.
//!
//! Every fix here is unsafe: granting what a vendor asks for widens access, and turning a grant off
//! may break something else the user does. A fix is offered only where its place is unambiguous:
//! the profile for packs that read their grants there, else the one permission set the integration
//! user is given directly. A user with several (or none), a decomposed permission set without the
//! entry to change, or a profile shared by packs that do not read it gets the finding without a fix.

use std::sync::Arc;

use super::kinds::Scope;
use crate::fix::{Change, Fix, Safety};
use crate::model::user::Role;
use crate::model::{
    Component, FieldPermission, MetadataKind, ObjectAccess, ObjectFlag, ObjectPermission,
};
use crate::source::{FilePath, Span};

/// What resolves a gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Remedy {
    /// Grants to add where the integration user's own grants go.
    Grant(Vec<Grant>),
    /// Turn off the user permission whose name is at `name` in member `member`.
    Disable { member: usize, name: Span },
}

/// One grant a pack asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Grant {
    UserPermission(String),
    Object {
        object: String,
        flags: ObjectAccess,
    },
    /// Read on `field`, and edit with `edit`.
    Field {
        field: String,
        edit: bool,
    },
    RecordType(String),
}

impl Grant {
    fn describe(&self) -> String {
        match self {
            Grant::UserPermission(name) => format!("enable {name}"),
            Grant::Object { object, flags } => format!("grant {} on {object}", flags.describe()),
            Grant::Field { field, edit: true } => format!("make {field} readable and editable"),
            Grant::Field { field, edit: false } => format!("make {field} readable"),
            Grant::RecordType(record_type) => format!("make {record_type} visible"),
        }
    }
}

/// The fix of `remedy` for the user of `scope`, when its place is unambiguous.
pub(crate) fn fix(scope: &Scope<'_, '_>, remedy: &Remedy) -> Option<Fix> {
    match remedy {
        Remedy::Grant(grants) => grant(scope, grants),
        Remedy::Disable { member, name } => {
            let component = scope.members().get(*member)?.component;
            let entry = component
                .permissions()?
                .grants
                .user_permissions
                .iter()
                .find(|entry| entry.name.span == *name)?;
            Some(
                Fix::new(
                    Safety::Unsafe,
                    format!("Disable {} in {}.", entry.name.value, component.name),
                )
                .change(
                    component.path(entry.span),
                    Change::SetField {
                        entry: entry.span.start,
                        field: "enabled",
                        value: "false".to_string(),
                    },
                ),
            )
        }
    }
}

/// Where the user's missing grants go: the profile for packs that read grants there, else the one
/// permission set given to the user directly.
fn home<'a>(scope: &Scope<'_, 'a>) -> Option<&'a Component> {
    if scope.on_profile() {
        return scope.profile();
    }
    let mut own = scope
        .members()
        .iter()
        .filter(|member| member.role == Role::PermissionSet);
    match (own.next(), own.next()) {
        (Some(member), None) => Some(member.component),
        _ => None,
    }
}

fn grant(scope: &Scope<'_, '_>, grants: &[Grant]) -> Option<Fix> {
    let component = home(scope)?;
    let container = component.permissions()?;
    let title = format!(
        "In {}, {}.",
        component.name,
        grants
            .iter()
            .map(Grant::describe)
            .collect::<Vec<_>>()
            .join(" and ")
    );
    let mut fix = Fix::new(Safety::Unsafe, title);
    // A new entry goes into the component's only file; a decomposed permission set spreads its
    // entries over files whose layout is the project's choice.
    let single_file = (component.files.len() == 1).then(|| &component.files[0]);
    let set = |fix: Fix, file: &Arc<FilePath>, entry: u32, field: &'static str, value: bool| {
        fix.change(
            file,
            Change::SetField {
                entry,
                field,
                value: value.to_string(),
            },
        )
    };
    for grant in grants {
        let grants = &container.grants;
        fix = match grant {
            Grant::UserPermission(name) => match grants
                .user_permissions
                .iter()
                .find(|entry| entry.name.value == *name)
            {
                Some(entry) => set(
                    fix,
                    component.path(entry.span),
                    entry.span.start,
                    "enabled",
                    true,
                ),
                None => fix.change(
                    single_file?,
                    Change::AddEntry {
                        kind: "userPermissions",
                        key: name.clone(),
                        fields: vec![("enabled", "true".to_string()), ("name", name.clone())],
                    },
                ),
            },
            Grant::Object { object, flags } => match grants.object_permission(object) {
                Some(entry) => object_flags(fix, component, entry, *flags),
                None => fix.change(
                    single_file?,
                    Change::AddEntry {
                        kind: "objectPermissions",
                        key: object.clone(),
                        fields: new_object_entry(object, *flags),
                    },
                ),
            },
            Grant::Field { field, edit } => match grants.field_permission(field) {
                Some(entry) => {
                    let file = component.path(entry.span);
                    let fix = set(fix, file, entry.span.start, "readable", true);
                    if *edit {
                        set(fix, file, entry.span.start, "editable", true)
                    } else {
                        fix
                    }
                }
                None => fix.change(
                    single_file?,
                    Change::AddEntry {
                        kind: "fieldPermissions",
                        key: field.clone(),
                        fields: vec![
                            ("editable", edit.to_string()),
                            ("field", field.clone()),
                            ("readable", "true".to_string()),
                        ],
                    },
                ),
            },
            Grant::RecordType(record_type) => {
                match grants
                    .record_type_visibilities
                    .iter()
                    .find(|entry| entry.record_type.value == *record_type)
                {
                    Some(entry) => set(
                        fix,
                        component.path(entry.span),
                        entry.span.start,
                        "visible",
                        true,
                    ),
                    // A profile's record type visibility also chooses the object's default, which
                    // is the admin's decision: only a permission set gets a new entry.
                    None if component.kind == MetadataKind::PermissionSet => fix.change(
                        single_file?,
                        Change::AddEntry {
                            kind: "recordTypeVisibilities",
                            key: record_type.clone(),
                            fields: vec![
                                ("recordType", record_type.clone()),
                                ("visible", "true".to_string()),
                            ],
                        },
                    ),
                    None => return None,
                }
            }
        };
    }
    Some(fix)
}

fn object_flags(
    mut fix: Fix,
    component: &Component,
    entry: &ObjectPermission,
    flags: ObjectAccess,
) -> Fix {
    let file = component.path(entry.span);
    for flag in flags.minus(entry.access).flags() {
        fix = fix.change(
            file,
            Change::SetField {
                entry: entry.span.start,
                field: flag.element(),
                value: "true".to_string(),
            },
        );
    }
    fix
}

/// The fields of a new `objectPermissions` entry granting `flags`, as a retrieve writes them: every
/// flag, true or false, in name order (`viewAllFields` only when granted: older API versions
/// reject it).
fn new_object_entry(object: &str, flags: ObjectAccess) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = ObjectFlag::ALL
        .into_iter()
        .filter(|flag| *flag != ObjectFlag::ViewAllFields || flags.contains(*flag))
        .map(|flag| (flag.element(), flags.contains(flag).to_string()))
        .collect();
    fields.push(("object", object.to_string()));
    fields.sort_by_key(|(name, _)| *name);
    fields
}

/// Turns off the write flags of `entries` (with the flags to turn off) and makes `fields`
/// read-only, all in `component`: what a read-only pack does not allow.
pub(crate) fn turn_off_writes(
    component: &Component,
    entries: &[(&ObjectPermission, ObjectAccess)],
    fields: &[&FieldPermission],
    title: String,
) -> Fix {
    let mut fix = Fix::new(Safety::Unsafe, title);
    for (entry, flags) in entries {
        for flag in flags.flags() {
            fix = fix.change(
                component.path(entry.span),
                Change::SetField {
                    entry: entry.span.start,
                    field: flag.element(),
                    value: "false".to_string(),
                },
            );
        }
    }
    for entry in fields {
        fix = fix.change(
            component.path(entry.span),
            Change::SetField {
                entry: entry.span.start,
                field: "editable",
                value: "false".to_string(),
            },
        );
    }
    fix
}
