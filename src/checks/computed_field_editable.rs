//! `computed-field-editable`: `editable` true on a field whose value Salesforce computes (a formula,
//! a roll-up summary, an auto-number): no one can edit it, and the deploy is refused.

use super::{Context, Rule, defined_fields, describe, finding, granting};
use crate::diagnostic::Diagnostic;
use crate::fix::{Change, Fix, Safety};
use crate::model::Component;
use crate::registry::RuleId;

pub struct ComputedFieldEditable;

const RULE: RuleId = RuleId::ComputedFieldEditable;

impl Rule for ComputedFieldEditable {
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
        // Only editable entries: the definition is looked up for them alone.
        let editable = container
            .grants
            .field_permissions
            .iter()
            .filter(|e| e.editable);
        for (entry, definition) in defined_fields(editable, context.definitions) {
            // A required field is `required-field-permission`'s: the whole entry goes.
            if definition.required || definition.is_master_detail() {
                continue;
            }
            let Some(what) = definition.computed() else {
                continue;
            };
            let name = &entry.field.value;
            out.push(
                finding(
                    RULE,
                    component,
                    entry.editable_span.unwrap_or(entry.span),
                    format!("{name} is {what} but editable in {}", describe(component)),
                )
                .with_help(
                    "Set <editable>false</editable>; Salesforce computes this field's value, so it can only be read.",
                )
                .with_element(format!("fieldPermissions/{name}"))
                .with_fix(
                    // No one can edit a computed field: turning Edit off changes no one's access.
                    Fix::new(Safety::Safe, "Set <editable> to false.").change(
                        component.path(entry.span),
                        Change::SetField {
                            entry: entry.span.start,
                            field: "editable",
                            value: "false".to_string(),
                        },
                    ),
                ),
            );
        }
    }
}
