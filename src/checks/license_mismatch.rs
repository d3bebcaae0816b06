//! `license-mismatch`: access that the component's user license cannot hold.

use super::{Context, Rule, RuleMeta, describe, finding, granting};
use crate::diagnostic::Severity;
use crate::diagnostic::{Diagnostic, Location};
use crate::model::Component;

pub struct LicenseMismatch;

pub static META: RuleMeta = RuleMeta {
    id: "license-mismatch",
    default_severity: Severity::Error,
    summary: "access that the profile's or permission set's license cannot hold",
    doc: r#"## What it checks
A profile whose `<userLicense>` (or a permission set whose `<license>`) is a license with documented
limits, granting access beyond them. The limits are data (`rules/catalog/licenses.toml`): a Salesforce
Platform license cannot reach Campaign, Contract or Entitlement (documented: error), nor Lead or
Opportunity, nor hold Customize Application (secondary sources: warning). Cases are allowed. Vendor
packs report the same id when an integration user's license is not the one the vendor requires.

## Why it matters
Salesforce refuses to deploy, or to assign, a profile or permission set that grants what its license
does not include, and a user on the wrong license cannot see the objects an integration syncs.

## Example
```xml
<Profile xmlns="http://soap.sforce.com/2006/04/metadata">
    <objectPermissions>
        <allowRead>true</allowRead>
        <object>Campaign</object>   <!-- not available to Salesforce Platform users -->
    </objectPermissions>
    <userLicense>Salesforce Platform</userLicense>
</Profile>
```

## Source
Salesforce Help, "Features Available with Lightning Platform Starter, Lightning Platform Plus, and
Salesforce Platform Login Licenses"; secondary sources listed per object in the data file.
"#,
};

impl Rule for LicenseMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, component: &Component, context: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(container) = granting(component) else {
            return;
        };
        let Some(license) = &container.license else {
            return;
        };
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
                .find(|l| l.object == entry.object.value)
            else {
                continue;
            };
            if entry.access.is_empty() {
                continue;
            }
            let mut diagnostic = finding(
                &META,
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
                &META,
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
