//! `missing-api-enabled`: API Only User without API Enabled.

use super::{Context, Rule, describe, finding, granting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Component, MetadataKind};
use crate::registry::RuleId;

pub struct MissingApiEnabled;

const RULE: RuleId = RuleId::MissingApiEnabled;

impl Rule for MissingApiEnabled {
    fn id(&self) -> RuleId {
        RULE
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
            RULE,
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
