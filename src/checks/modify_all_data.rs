//! `modify-all-data`: Modify All Data granted.

use super::{Context, Rule, RuleMeta, check_org_wide_permission};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Component;

pub struct ModifyAllData;

pub static META: RuleMeta = RuleMeta {
    id: "modify-all-data",
    default_severity: Severity::Warning,
    summary: "Modify All Data granted: edit and delete every record, ignoring sharing",
    doc: r#"## What it checks
A custom profile or a permission set that enables `ModifyAllData`. Standard profiles (System
Administrator) are skipped: their permissions cannot be changed.

## Why it matters
Modify All Data reads, edits and deletes every record regardless of sharing and brings a set of
administrative permissions with it. It is the most dangerous data permission in Salesforce; an
integration user almost never needs it.

## Example
```xml
<userPermissions>
    <enabled>true</enabled>
    <name>ModifyAllData</name>
</userPermissions>
```

## Source
help.salesforce.com article 000321298 (what Modify All Data enables); Salesforce Help, "View All and
Modify All Permissions Overview".
"#,
};

impl Rule for ModifyAllData {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, component: &Component, context: &Context<'_>, out: &mut Vec<Diagnostic>) {
        check_org_wide_permission(
            &META,
            "ModifyAllData",
            "Grant Modify All Records on the objects that need it instead of Modify All Data.",
            component,
            context,
            out,
        );
    }
}
