//! `field-access-dependency`: a field that is editable but not readable.

use super::{Context, Rule, RuleMeta, describe, finding, granting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Component;

pub struct FieldAccessDependency;

pub static META: RuleMeta = RuleMeta {
    id: "field-access-dependency",
    default_severity: Severity::Error,
    summary: "field permission that is editable but not readable",
    doc: r#"## What it checks
Every `<fieldPermissions>` entry with `<editable>true</editable>` must also say
`<readable>true</readable>`. Muting permission sets are not checked.

## Why it matters
Field-level security cannot grant Edit without Read: Salesforce rejects the file at deploy time.

## Example
```xml
<fieldPermissions>
    <editable>true</editable>
    <field>Account.Industry</field>
    <readable>false</readable>   <!-- Edit needs Read -->
</fieldPermissions>
```

## Source
Salesforce Object Reference, FieldPermissions: "PermissionsEdit ... Requires PermissionsRead for the
same field to be true".
"#,
};

impl Rule for FieldAccessDependency {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, component: &Component, _: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(container) = granting(component) else {
            return;
        };
        for entry in &container.grants.field_permissions {
            if entry.editable && !entry.readable {
                let field = &entry.field.value;
                out.push(
                    finding(
                        &META,
                        component,
                        entry.editable_span.unwrap_or(entry.span),
                        format!("{field} is editable but not readable in {}", describe(component)),
                    )
                    .with_help(
                        "Set <readable>true</readable> in this entry, or set <editable>false</editable>; Salesforce rejects Edit without Read.",
                    )
                    .with_element(format!("fieldPermissions/{field}")),
                );
            }
        }
    }
}
