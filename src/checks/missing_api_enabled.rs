//! `missing-api-enabled`: API Only User without API Enabled.

use super::{Context, Rule, RuleMeta, describe, finding, granting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Component, MetadataKind};

pub struct MissingApiEnabled;

pub static META: RuleMeta = RuleMeta {
    id: "missing-api-enabled",
    default_severity: Severity::Error,
    summary: "API Only User enabled without API Enabled",
    doc: r#"## What it checks
A profile that enables `ApiUserOnly` (API Only User) must also enable `ApiEnabled` (API Enabled).
In a permission set the same combination is a warning, because the assignee's profile or another
permission set may grant API Enabled. Vendor packs report the same id when an integration user, all
its profile and permission sets together, lacks API Enabled.

## Why it matters
An API-only user cannot log in to the user interface; without API Enabled it cannot use the API
either, so the integration that owns it fails to connect. The standard *Salesforce API Only System
Integrations* profile enables both.

## Example
```xml
<userPermissions>
    <enabled>true</enabled>
    <name>ApiUserOnly</name>   <!-- and no ApiEnabled -->
</userPermissions>
```

## Source
Salesforce Field Reference (PermissionsApiUserOnly, PermissionsApiEnabled); the standard Salesforce
API Only System Integrations profile as retrieved from a real org.
"#,
};

impl Rule for MissingApiEnabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, component: &Component, context: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(container) = granting(component) else {
            return;
        };
        let Some(api_only) = container.grants.user_permission("ApiUserOnly") else {
            return;
        };
        if container.grants.has_user_permission("ApiEnabled") {
            return;
        }
        let mut diagnostic = finding(
            &META,
            component,
            api_only.name.span,
            format!(
                "{} enables {} but not {}",
                describe(component),
                context.catalog.describe("ApiUserOnly"),
                context.catalog.describe("ApiEnabled")
            ),
        )
        .with_element("userPermissions/ApiUserOnly");
        if component.kind == MetadataKind::Profile {
            diagnostic = diagnostic.with_help(
                "Enable ApiEnabled in this profile: an API-only user without API access cannot log in at all.",
            );
        } else {
            diagnostic.severity = Severity::Warning;
            diagnostic = diagnostic.with_help(
                "Enable ApiEnabled here too, unless every assignee's profile already grants it.",
            );
        }
        out.push(diagnostic);
    }
}
