//! `field-access-dependency`: a field that is editable but not readable.

use super::{Context, Rule, describe, finding, granting};
use crate::diagnostic::Diagnostic;
use crate::fix::{Change, Fix, Safety};
use crate::model::Component;
use crate::registry::RuleId;

pub struct FieldAccessDependency;

const RULE: RuleId = RuleId::FieldAccessDependency;

impl Rule for FieldAccessDependency {
    fn id(&self) -> RuleId {
        RULE
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
                        RULE,
                        component,
                        entry.editable_span.unwrap_or(entry.span),
                        format!("{field} is editable but not readable in {}", describe(component)),
                    )
                    .with_help(
                        "Set <readable>true</readable> in this entry, or set <editable>false</editable>; Salesforce rejects Edit without Read.",
                    )
                    .with_element(format!("fieldPermissions/{field}"))
                    .with_fix(
                        // Edit already implies reading: setting Read is what Salesforce requires.
                        Fix::new(Safety::Safe, "Set <readable> to true.").change(
                            component.path(entry.span),
                            Change::SetField {
                                entry: entry.span.start,
                                field: "readable",
                                value: "true".to_string(),
                            },
                        ),
                    ),
                );
            }
        }
    }
}
