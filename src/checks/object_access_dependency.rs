//! `object-access-dependency`: object permissions that Salesforce refuses to save.

use super::{Context, Rule, RuleMeta, describe, finding, granting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Component, ObjectAccess, ObjectFlag, ObjectPermission};

pub struct ObjectAccessDependency;

pub static META: RuleMeta = RuleMeta {
    id: "object-access-dependency",
    default_severity: Severity::Error,
    summary: "object access that needs another object permission in the same entry",
    doc: r#"## What it checks
Within one `<objectPermissions>` entry: Create, Edit, Delete and View All Records each need Read;
Delete needs Edit; Modify All Records needs Read, Edit, Delete and View All Records. Big objects
(`__b`) may hold Delete without Edit. Muting permission sets are not checked: there `true` removes
access.

## Why it matters
Salesforce evaluates these dependencies when a profile or permission set is saved or deployed; a
deployment carrying `allowEdit` without `allowRead` fails. Every real retrieved file we calibrated
against respects them, so a violation is a hand edit or a bad merge.

## Example
```xml
<objectPermissions>
    <allowEdit>true</allowEdit>
    <allowRead>false</allowRead>   <!-- Edit needs Read -->
    <object>Account</object>
</objectPermissions>
```

## Source
Salesforce Object Reference, ObjectPermissions ("PermissionsEdit ... requires PermissionsRead",
and the same for Create, Delete, View All Records and Modify All Records).
"#,
};

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
    fn meta(&self) -> &'static RuleMeta {
        &META
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
        out.push(
            finding(
                &META,
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
            .with_element(format!("objectPermissions/{object}/{}", flag.element())),
        );
    }
}
