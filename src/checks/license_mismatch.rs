//! `license-mismatch`: access that the component's user license cannot hold.

use super::{Context, Rule, describe, finding, granting};
use crate::catalog::{FactSource, OrgLicense};
use crate::diagnostic::{Diagnostic, Location};
use crate::model::{Component, MetadataKind};
use crate::registry::RuleId;

pub struct LicenseMismatch;

const RULE: RuleId = RuleId::LicenseMismatch;

impl Rule for LicenseMismatch {
    fn id(&self) -> RuleId {
        RULE
    }

    fn check(&self, component: &Component, context: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(container) = granting(component) else {
            return;
        };
        let Some(license) = &container.license else {
            return;
        };
        // A profile names a user license; a permission set either kind.
        let user_only = container.kind == MetadataKind::Profile;
        if let OrgLicense::Missing { near, files } =
            context.catalog.org_license(&license.value, user_only)
        {
            let kinds = if user_only {
                "user license"
            } else {
                "user license or permission set license"
            };
            let source = FactSource::Org(&files.join(", ")).describe();
            let help = match near {
                Some(near) => format!(
                    "Did you mean {near}? License names are matched exactly (licenses from {source}).",
                ),
                None => format!(
                    "The deploy to that org fails: name a license the org has, or get this one for the org (licenses from {source}; refresh the org shape if the org changed).",
                ),
            };
            out.push(
                finding(
                    RULE,
                    component,
                    license.span,
                    format!(
                        "{} names the {kinds} {}, which the target org does not have",
                        describe(component),
                        license.value
                    ),
                )
                .with_help(help)
                .with_element(format!("license/{}", license.value)),
            );
        }
        let Some(limits) = context
            .catalog
            .licenses
            .iter()
            .find(|limits| limits.name == license.value)
        else {
            return;
        };
        let license_location = Location::new(component.path(license.span), license.span);
        for entry in &container.grants.object_permissions {
            let Some(limit) = limits
                .objects
                .iter()
                .find(|l| entry.object.value == l.object)
            else {
                continue;
            };
            if entry.access.is_empty() {
                continue;
            }
            let mut diagnostic = finding(
                RULE,
                component,
                entry.object.span,
                format!(
                    "{} grants {} on {}, which the {} license does not include",
                    describe(component),
                    entry.access.describe(),
                    entry.object.value,
                    limits.name
                ),
            )
            .with_help(format!(
                "Remove the access to {} or move it to a profile or permission set of a license that includes it (source: {}).",
                entry.object.value, limit.source
            ))
            .with_related(license_location.clone(), "license set here")
            .with_element(format!("objectPermissions/{}", entry.object.value));
            diagnostic.severity = limit.severity;
            out.push(diagnostic);
        }
        for limit in &limits.permissions {
            let Some(permission) = container.grants.user_permission(&limit.permission) else {
                continue;
            };
            let mut diagnostic = finding(
                RULE,
                component,
                permission.name.span,
                format!(
                    "{} enables {}, which the {} license does not allow",
                    describe(component),
                    context.catalog.describe(&limit.permission),
                    limits.name
                ),
            )
            .with_help(format!(
                "Remove the permission or move it to a license that allows it (source: {}).",
                limit.source
            ))
            .with_related(license_location.clone(), "license set here")
            .with_element(format!("userPermissions/{}", limit.permission));
            diagnostic.severity = limit.severity;
            out.push(diagnostic);
        }
    }
}
