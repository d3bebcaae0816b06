//! `unknown-user-permission`: a `<userPermissions>` name Salesforce does not know.

use super::{Context, Rule, describe, finding};
use crate::catalog::{FactSource, Suggestion};
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
        let source = context.catalog.names_source();
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
                        "unknown user permission {name} in {}{}; did you mean {}?",
                        describe(component),
                        match source {
                            FactSource::Shipped => String::new(),
                            FactSource::Org(_) => " (not in the target org)".to_string(),
                        },
                        context.catalog.describe(known)
                    ),
                )
                .with_help(format!(
                    "Rename it to {known}: user permission names are case-sensitive API names and Salesforce rejects unknown ones{}.",
                    match source {
                        FactSource::Shipped => String::new(),
                        FactSource::Org(_) => format!(" (names from {})", source.describe()),
                    }
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
                Suggestion::None => match source {
                    FactSource::Shipped => {
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
                    // The org's own list is no guess: Salesforce rejects the deploy there.
                    FactSource::Org(_) => finding(
                        RULE,
                        component,
                        permission.name.span,
                        format!(
                            "user permission {name} in {} is not in the target org",
                            describe(component)
                        ),
                    )
                    .with_help(format!(
                        "The deploy to that org fails: turn on the feature or license that brings it, or remove the entry (names from {}; refresh the org shape if the org changed).",
                        source.describe()
                    )),
                },
            };
            out.push(diagnostic.with_element(format!("userPermissions/{name}")));
        }
    }
}
