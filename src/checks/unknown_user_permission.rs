//! `unknown-user-permission`: a `<userPermissions>` name Salesforce does not know.

use super::{Context, Rule, describe, finding};
use crate::catalog::Suggestion;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Change, Fix, Safety};
use crate::model::Component;
use crate::registry::RuleId;

pub struct UnknownUserPermission;

const RULE: RuleId = RuleId::UnknownUserPermission;

impl Rule for UnknownUserPermission {
    fn id(&self) -> RuleId {
        RULE
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
                    RULE,
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
                ))
                // One candidate, the catalog's: renaming to it is what the file meant.
                .with_fix(
                    Fix::new(Safety::Safe, format!("Rename it to {known}.")).change(
                        component.path(permission.span),
                        Change::SetField {
                            entry: permission.span.start,
                            field: "name",
                            value: known.to_string(),
                        },
                    ),
                ),
                Suggestion::None => {
                    let mut diagnostic = finding(
                        RULE,
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
