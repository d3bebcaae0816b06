//! `object-access-dependency`: object permissions that Salesforce refuses to save.

use super::{Context, Rule, describe, finding, granting};
use crate::diagnostic::Diagnostic;
use crate::fix::{Change, Fix, Safety};
use crate::model::{Component, ObjectAccess, ObjectFlag, ObjectPermission};
use crate::registry::RuleId;

pub struct ObjectAccessDependency;

const RULE: RuleId = RuleId::ObjectAccessDependency;

/// Each flag and what it needs, from the ObjectPermissions reference.
const REQUIREMENTS: [(ObjectFlag, &[ObjectFlag]); 5] = [
    (ObjectFlag::Create, &[ObjectFlag::Read]),
    (ObjectFlag::Edit, &[ObjectFlag::Read]),
    (ObjectFlag::Delete, &[ObjectFlag::Read, ObjectFlag::Edit]),
    (ObjectFlag::ViewAll, &[ObjectFlag::Read]),
    (
        ObjectFlag::ModifyAll,
        &[
            ObjectFlag::Read,
            ObjectFlag::Edit,
            ObjectFlag::Delete,
            ObjectFlag::ViewAll,
        ],
    ),
];

/// What `flag` needs on `object`.
fn needs(object: &str, flag: ObjectFlag, required: &[ObjectFlag]) -> ObjectAccess {
    let mut needed = ObjectAccess::of(required);
    if flag == ObjectFlag::Delete && object.ends_with("__b") {
        // Big objects support delete but never edit.
        needed = needed.minus(ObjectAccess::of(&[ObjectFlag::Edit]));
    }
    needed
}

impl Rule for ObjectAccessDependency {
    fn id(&self) -> RuleId {
        RULE
    }

    fn check(&self, component: &Component, _: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(container) = granting(component) else {
            return;
        };
        for entry in &container.grants.object_permissions {
            check_entry(component, entry, out);
        }
    }
}

fn check_entry(component: &Component, entry: &ObjectPermission, out: &mut Vec<Diagnostic>) {
    let object = &entry.object.value;
    for (flag, required) in REQUIREMENTS {
        if !entry.access.contains(flag) {
            continue;
        }
        let missing = needs(object, flag, required).minus(entry.access);
        if missing.is_empty() {
            continue;
        }
        let elements: Vec<&str> = missing.flags().map(ObjectFlag::element).collect();
        // Setting the flags it needs is what Setup does when the flag is checked: safe.
        let file = component.path(entry.span);
        let fix = elements.iter().fold(
            Fix::new(
                Safety::Safe,
                format!(
                    "Set {} to true.",
                    elements
                        .iter()
                        .map(|element| format!("<{element}>"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            ),
            |fix, element| {
                fix.change(
                    file,
                    Change::SetField {
                        entry: entry.span.start,
                        field: element,
                        value: "true".to_string(),
                    },
                )
            },
        );
        out.push(
            finding(
                RULE,
                component,
                entry.flag_span(flag),
                format!(
                    "{} on {object} without {} in {}",
                    flag.label(),
                    missing.describe(),
                    describe(component)
                ),
            )
            .with_help(format!(
                "Set {} to true in this entry, or turn {} off; Salesforce rejects {} without {}.",
                elements
                    .iter()
                    .map(|element| format!("<{element}>"))
                    .collect::<Vec<_>>()
                    .join(" and "),
                format_args!("<{}>", flag.element()),
                flag.label(),
                missing.describe()
            ))
            .with_element(format!("objectPermissions/{object}/{}", flag.element()))
            .with_fix(fix),
        );
    }
}
