//! `required-field-permission`: field-level security on a field that cannot carry any, because the
//! field is required (or the master-detail field of a detail object): Salesforce refuses the
//! deploy with "You cannot deploy to a required field".

use super::{Context, Rule, defined_fields, describe, finding, granting};
use crate::diagnostic::Diagnostic;
use crate::fix::{Change, Fix, Safety};
use crate::model::Component;
use crate::registry::RuleId;

pub struct RequiredFieldPermission;

const RULE: RuleId = RuleId::RequiredFieldPermission;

impl Rule for RequiredFieldPermission {
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
        let entries = container.grants.field_permissions.iter();
        for (entry, definition) in defined_fields(entries, context.definitions) {
            let what = if definition.is_master_detail() {
                "the master-detail field"
            } else if definition.required {
                "a required field"
            } else {
                continue;
            };
            let name = &entry.field.value;
            out.push(
                finding(
                    RULE,
                    component,
                    entry.field.span,
                    format!(
                        "field permission on {name}, {what}, in {}: Salesforce refuses the deploy (\"You cannot deploy to a required field: {name}\")",
                        describe(component)
                    ),
                )
                .with_help(
                    "Remove this entry; everyone with access to the object reads and edits a required field, so it carries no field-level security.",
                )
                .with_element(format!("fieldPermissions/{name}"))
                .with_fix(
                    // The entry can never be saved: removing it grants and revokes nothing.
                    Fix::new(Safety::Safe, "Remove this entry.").change(
                        component.path(entry.span),
                        Change::RemoveEntry {
                            entry: entry.span.start,
                        },
                    ),
                ),
            );
        }
    }
}
