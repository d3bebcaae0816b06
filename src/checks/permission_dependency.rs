//! `permission-dependency`: a user permission enabled without the permissions it requires.

use super::{Context, Rule, describe, finding, granting};
use crate::diagnostic::Diagnostic;
use crate::model::Component;
use crate::registry::RuleId;

pub struct PermissionDependency;

const RULE: RuleId = RuleId::PermissionDependency;

impl Rule for PermissionDependency {
    fn id(&self) -> RuleId {
        RULE
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
                    RULE,
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
