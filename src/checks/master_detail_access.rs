//! `master-detail-access`: access to the detail object of a master-detail relationship without Read
//! on its master in the same file. Salesforce refuses the file: "Permission Read <Detail> depends
//! on permission(s): Read <Master>".

use super::{Context, Rule, describe, finding, granting};
use crate::diagnostic::{Diagnostic, Location};
use crate::fix::{Change, Fix, Safety};
use crate::model::{Component, MetadataKind, ObjectFlag, ObjectPermission, PermissionContainer};
use crate::registry::{RuleId, Severity};

pub struct MasterDetailAccess;

const RULE: RuleId = RuleId::MasterDetailAccess;

impl Rule for MasterDetailAccess {
    fn id(&self) -> RuleId {
        RULE
    }

    fn needs_definitions(&self) -> bool {
        true
    }

    fn check(&self, component: &Component, context: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(container) = granting(component) else {
            return;
        };
        for entry in &container.grants.object_permissions {
            if entry.access.is_empty() {
                continue;
            }
            let detail = &entry.object.value;
            let Some(definition) = context.definitions.object(detail) else {
                continue;
            };
            let mut seen: Vec<&str> = Vec::new();
            for (field, master) in definition.masters() {
                if master.eq_ignore_ascii_case(detail)
                    || seen.iter().any(|done| done.eq_ignore_ascii_case(master))
                {
                    continue;
                }
                seen.push(master);
                check_master(component, container, entry, field, master, out);
            }
        }
    }
}

fn object_entry<'c>(
    container: &'c PermissionContainer,
    object: &str,
) -> Option<&'c ObjectPermission> {
    container
        .grants
        .object_permissions
        .iter()
        .find(|entry| entry.object.value.eq_ignore_ascii_case(object))
}

fn check_master(
    component: &Component,
    container: &PermissionContainer,
    entry: &ObjectPermission,
    field: &str,
    master: &str,
    out: &mut Vec<Diagnostic>,
) {
    let detail = &entry.object.value;
    let master_entry = object_entry(container, master);
    if master_entry.is_some_and(|found| found.access.contains(ObjectFlag::Read)) {
        return;
    }
    // A profile deploys as an update of what it names: without an entry for the master, the org's
    // profile may already read it. A permission set in source is the whole permission set.
    let severity = if master_entry.is_none() && component.kind == MetadataKind::Profile {
        Severity::Warning
    } else {
        Severity::Error
    };
    let state = match master_entry {
        Some(_) => "does not grant Read on it",
        None => "has no entry for it",
    };
    let mut diagnostic = finding(
        RULE,
        component,
        entry.flag_span(ObjectFlag::Read),
        format!(
            "{detail} is the detail of {master}, and {} {state}: \"Permission Read {detail} depends on permission(s): Read {master}\"",
            describe(component)
        ),
    )
    .with_help(format!(
        "Grant Read on {master} in this file, or remove the access to {detail}; {detail}.{field} makes {detail} the detail of {master}, and Salesforce checks it when the file is deployed."
    ))
    .with_element(format!("objectPermissions/{detail}/master/{master}"));
    diagnostic.severity = severity;
    let fix = Fix::new(Safety::Safe, format!("Grant Read on {master}."));
    let fix = match master_entry {
        Some(found) => {
            diagnostic = diagnostic.with_related(
                Location::new(component.path(found.span), found.object.span),
                format!("{master} without Read"),
            );
            Some(fix.change(
                component.path(found.span),
                Change::SetField {
                    entry: found.span.start,
                    field: ObjectFlag::Read.element(),
                    value: "true".to_string(),
                },
            ))
        }
        // A decomposed permission set spreads its entries over files: where a new one goes is not
        // for a fix to choose.
        None if component.files.len() == 1 => Some(fix.change(
            &component.files[0],
            Change::AddEntry {
                kind: "objectPermissions",
                key: master.to_string(),
                fields: read_only_entry(master),
            },
        )),
        None => None,
    };
    if let Some(fix) = fix {
        diagnostic = diagnostic.with_fix(fix);
    }
    out.push(diagnostic);
}

/// An `<objectPermissions>` entry granting Read alone, with its fields in the order a retrieve
/// writes them.
fn read_only_entry(object: &str) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = ObjectFlag::ALL
        .into_iter()
        .filter(|flag| *flag != ObjectFlag::ViewAllFields)
        .map(|flag| (flag.element(), (flag == ObjectFlag::Read).to_string()))
        .collect();
    fields.push(("object", object.to_string()));
    fields.sort_by_key(|(name, _)| *name);
    fields
}
