//! `unknown-user-permission`: a `<userPermissions>` name Salesforce does not know.

use super::{Context, Rule, RuleMeta, describe, finding};
use crate::catalog::Suggestion;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Component;

pub struct UnknownUserPermission;

pub static META: RuleMeta = RuleMeta {
    id: "unknown-user-permission",
    default_severity: Severity::Error,
    summary: "user permission name that is not in the catalog of Salesforce permissions",
    doc: r#"## What it checks
Every `<userPermissions><name>` is looked up in the catalog of 833 permission API names
(`rules/catalog/user-permissions.tsv`, from the Salesforce field reference of API v67.0 plus names
seen in real retrieved files). When the name is a near miss of a catalog name (a different case, one
or two typing errors, or a known confusion such as `ManageFlow` for `ManageInteraction` or
`EditTasks` for `EditTask`) the finding is an error with the intended name. Any other unknown name is
a warning: it may be newer than the catalog, feature-specific, or retired. Names carrying CumulusCI
tokens (`%%%NAMESPACE%%%`) are skipped.

## Why it matters
Names are case-sensitive API names, not Setup labels. A misspelt name fails the deployment with
"Unknown user permission"; a retired one fails in newer orgs.

## Example
```xml
<userPermissions>
    <enabled>true</enabled>
    <name>ManageFlow</name>   <!-- the API name is ManageInteraction -->
</userPermissions>
```

## Source
Salesforce Field Reference, MutingPermissionSet (every Permissions* field), API v67.0.
"#,
};

impl Rule for UnknownUserPermission {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, component: &Component, context: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(container) = component.permissions() else {
            return;
        };
        for permission in &container.grants.user_permissions {
            let name = permission.name.value.as_str();
            if context.catalog.is_known(name) || name.contains("%%%") {
                continue;
            }
            let diagnostic = match context.catalog.suggest(name) {
                Suggestion::NearMiss(known) => finding(
                    &META,
                    component,
                    permission.name.span,
                    format!(
                        "unknown user permission {name} in {}; did you mean {}?",
                        describe(component),
                        context.catalog.describe(known)
                    ),
                )
                .with_help(format!(
                    "Rename it to {known}: user permission names are case-sensitive API names and Salesforce rejects unknown ones."
                )),
                Suggestion::None => {
                    let mut diagnostic = finding(
                        &META,
                        component,
                        permission.name.span,
                        format!(
                            "user permission {name} in {} is not in the catalog",
                            describe(component)
                        ),
                    )
                    .with_help(
                        "Check the API name in the Salesforce field reference: it may be newer than sflint's catalog, belong to a feature your org lacks, or be retired.",
                    );
                    diagnostic.severity = Severity::Warning;
                    diagnostic
                }
            };
            out.push(diagnostic.with_element(format!("userPermissions/{name}")));
        }
    }
}
