//! `view-all-data`: View All Data granted.

use super::{Context, Rule, RuleMeta, check_org_wide_permission};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Component;

pub struct ViewAllData;

pub static META: RuleMeta = RuleMeta {
    id: "view-all-data",
    default_severity: Severity::Warning,
    summary: "View All Data granted: read access to every record, ignoring sharing",
    doc: r#"## What it checks
A custom profile or a permission set that enables `ViewAllData`. Standard profiles (System
Administrator) are skipped: their permissions cannot be changed. On an integration user declared in
`sflint.toml` the finding is an error unless the vendor's pack explicitly allows it (a read-only
analytics platform may need it).

## Why it matters
View All Data reads every record of every object regardless of sharing, and allows mass export. A
leaked integration credential holding it exposes the whole org. Grant View All Records on the
objects that are needed instead.

## Example
```xml
<userPermissions>
    <enabled>true</enabled>
    <name>ViewAllData</name>
</userPermissions>
```

## Source
Salesforce Help, "View All and Modify All Permissions Overview"
(platform.users_profiles_view_all_mod_all.htm).
"#,
};

impl Rule for ViewAllData {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, component: &Component, context: &Context<'_>, out: &mut Vec<Diagnostic>) {
        check_org_wide_permission(
            &META,
            "ViewAllData",
            "Grant View All Records on the objects that need it instead of View All Data.",
            component,
            context,
            out,
        );
    }
}
