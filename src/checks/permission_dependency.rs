//! `permission-dependency`: a user permission enabled without the permissions it requires.

use std::collections::BTreeMap;

use super::{Context, Rule, describe, finding, granting};
use crate::diagnostic::{Diagnostic, Severity, listed};
use crate::fix::{Change, Fix, Safety};
use crate::model::Component;
use crate::registry::RuleId;

pub struct PermissionDependency;

const RULE: RuleId = RuleId::PermissionDependency;

impl Rule for PermissionDependency {
    fn id(&self) -> RuleId {
        RULE
    }

    /// One finding per enabled permission and severity, listing every permission it needs that the
    /// component does not enable: one Modify All Data grant is one finding, not thirteen.
    fn check(&self, component: &Component, context: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(container) = granting(component) else {
            return;
        };
        let grants = &container.grants;
        for permission in grants.user_permissions.iter().filter(|p| p.enabled) {
            let name = permission.name.value.as_str();
            let mut missing: BTreeMap<Severity, Vec<(&str, &str)>> = BTreeMap::new();
            for dependency in context.catalog.dependencies() {
                let Some(severity) = dependency.severity else {
                    continue;
                };
                if dependency.permission != name || grants.has_user_permission(&dependency.requires)
                {
                    continue;
                }
                missing
                    .entry(severity)
                    .or_default()
                    .push((&dependency.requires, &dependency.source));
            }
            for (severity, mut needed) in missing.into_iter().rev() {
                needed.sort_unstable();
                let described: Vec<String> = needed
                    .iter()
                    .map(|(requires, _)| context.catalog.describe(requires))
                    .collect();
                let message = match described.as_slice() {
                    [one] => format!(
                        "{} requires {one}, which {} does not enable",
                        context.catalog.describe(name),
                        describe(component)
                    ),
                    many => format!(
                        "{} requires {} permissions that {} does not enable: {}",
                        context.catalog.describe(name),
                        many.len(),
                        describe(component),
                        listed(many)
                    ),
                };
                let names: Vec<&str> = needed.iter().map(|(requires, _)| *requires).collect();
                let mut sources: Vec<&str> = needed.iter().map(|(_, source)| *source).collect();
                sources.sort_unstable();
                sources.dedup();
                let element = match names.as_slice() {
                    [one] => format!("userPermissions/{name}/{one}"),
                    _ => format!("userPermissions/{name}/{}", names.join(",")),
                };
                let mut diagnostic = finding(RULE, component, permission.name.span, message)
                    .with_help(format!(
                        "Enable {} in this {} as well (source: {}).",
                        names.join(", "),
                        component.kind.noun(),
                        sources.join("; ")
                    ))
                    .with_element(element);
                if names.len() > 1 {
                    diagnostic =
                        diagnostic.with_items(names.iter().map(|n| n.to_string()).collect());
                }
                if let Some(fix) = enable(component, &names) {
                    diagnostic = diagnostic.with_fix(fix);
                }
                diagnostic.severity = severity;
                out.push(diagnostic);
            }
        }
    }
}

/// Enables each of `names` in `component`, as Setup does when the permission that needs them is
/// checked: an entry switched off is switched on, a missing one added. A decomposed permission set
/// spreads its entries over files, so only an entry switched off is fixed there.
fn enable(component: &Component, names: &[&str]) -> Option<Fix> {
    let grants = &component.permissions()?.grants;
    let mut fix = Fix::new(Safety::Safe, format!("Enable {}.", names.join(", ")));
    for name in names {
        match grants
            .user_permissions
            .iter()
            .find(|entry| entry.name.value == *name)
        {
            Some(entry) => {
                fix = fix.change(
                    component.path(entry.span),
                    Change::SetField {
                        entry: entry.span.start,
                        field: "enabled",
                        value: "true".to_string(),
                    },
                );
            }
            None if component.files.len() == 1 => {
                fix = fix.change(
                    &component.files[0],
                    Change::AddEntry {
                        kind: "userPermissions",
                        key: name.to_string(),
                        fields: vec![("enabled", "true".to_string()), ("name", name.to_string())],
                    },
                );
            }
            None => return None,
        }
    }
    Some(fix)
}
