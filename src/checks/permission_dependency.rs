//! `permission-dependency`: a user permission enabled without the permissions it requires.

use super::{Context, Rule, RuleMeta, describe, finding, granting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Component;

pub struct PermissionDependency;

pub static META: RuleMeta = RuleMeta {
    id: "permission-dependency",
    default_severity: Severity::Error,
    summary: "user permission enabled without a permission it depends on",
    doc: r#"## What it checks
For each enabled `<userPermissions>` entry, the permissions it depends on must be enabled in the same
profile or permission set. The pairs are data (`rules/catalog/permission-dependencies.toml`), each with
its source: pairs documented by Salesforce are errors (Modify All Data requires View All Data, View
Setup and Configuration, Run Reports, Edit Tasks, ...); pairs known only from vendor pages or
third-party write-ups are warnings (Customize Application requires View Setup and Configuration and
Manage Custom Permissions; Create and Customize Reports requires Run Reports; ...). Pairs that real
retrieved files violate (View Setup and Configuration without View Roles, Modify All Data without the
legacy forecast permissions, ...) are not enforced. Muting permission sets are not checked.

## Why it matters
Salesforce checks permission dependencies when a profile or permission set is saved: in Setup it ticks
the required boxes for you, through the Metadata API the deployment fails.

## Example
```xml
<userPermissions>
    <enabled>true</enabled>
    <name>CustomizeApplication</name>   <!-- needs ViewSetup -->
</userPermissions>
```

## Source
help.salesforce.com article 000321298 (what Modify All Data requires); Metadata API Developer Guide,
"Modify Metadata Through Metadata API Functions Permission"; vendor pages and third-party tables
listed per pair in the data file.
"#,
};

impl Rule for PermissionDependency {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, component: &Component, context: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(container) = granting(component) else {
            return;
        };
        let grants = &container.grants;
        for permission in grants.user_permissions.iter().filter(|p| p.enabled) {
            let name = permission.name.value.as_str();
            for dependency in &context.catalog.dependencies {
                let Some(severity) = dependency.severity else {
                    continue;
                };
                if dependency.permission != name || grants.has_user_permission(&dependency.requires)
                {
                    continue;
                }
                let mut diagnostic = finding(
                    &META,
                    component,
                    permission.name.span,
                    format!(
                        "{} requires {}, which {} does not enable",
                        context.catalog.describe(name),
                        context.catalog.describe(&dependency.requires),
                        describe(component)
                    ),
                )
                .with_help(format!(
                    "Enable {} in this {} as well (source: {}).",
                    dependency.requires,
                    component.kind.noun(),
                    dependency.source
                ))
                .with_element(format!("userPermissions/{name}/{}", dependency.requires));
                diagnostic.severity = severity;
                out.push(diagnostic);
            }
        }
    }
}
