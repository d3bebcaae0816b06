//! `default-application`: a profile marks more than one default app, or a complete profile marks
//! none.

use super::{Context, Rule, describe, finding};
use crate::diagnostic::{Diagnostic, Location};
use crate::model::{AccessGrant, AccessKind, Component, MetadataKind, PermissionContainer};
use crate::registry::RuleId;

pub struct DefaultApplication;

const RULE: RuleId = RuleId::DefaultApplication;

/// The prefix of Salesforce's own apps (`standard__Sales`, `standard__LightningSales`, ...).
const STANDARD_APP_PREFIX: &str = "standard__";

impl Rule for DefaultApplication {
    fn id(&self) -> RuleId {
        RULE
    }

    fn check(&self, component: &Component, _context: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if component.kind != MetadataKind::Profile {
            return;
        }
        let Some(profile) = component.permissions() else {
            return;
        };
        let apps: Vec<&AccessGrant> = profile
            .grants
            .access
            .iter()
            .filter(|grant| grant.kind == AccessKind::Application)
            .collect();
        let defaults: Vec<&AccessGrant> = apps
            .iter()
            .copied()
            .filter(|app| app.default.is_some())
            .collect();
        match defaults.as_slice() {
            [] => {
                if let Some(first) = apps.first()
                    && is_complete(profile, &apps)
                {
                    out.push(
                        finding(
                            RULE,
                            component,
                            first.span,
                            format!(
                                "{} lists {} applications but none is its default",
                                describe(component),
                                apps.len()
                            ),
                        )
                        .with_help(
                            "Set <default>true</default> on the app users of this profile land in: Salesforce rejects a deploy that takes away a profile's only default app (\"You can't remove the only default app from the profile.\").",
                        )
                        .with_element("applicationVisibilities"),
                    );
                }
            }
            [_] => {}
            [first, rest @ ..] => {
                let first_span = first.default.unwrap_or(first.span);
                for extra in rest {
                    out.push(
                        finding(
                            RULE,
                            component,
                            extra.default.unwrap_or(extra.span),
                            format!(
                                "{} marks {} as a second default application ({} is the first)",
                                describe(component),
                                extra.name.value,
                                first.name.value
                            ),
                        )
                        .with_help(
                            "Keep <default>true</default> on the one app users of this profile land in and set it to false on the others: only one app per profile can be the default.",
                        )
                        .with_related(
                            Location::new(component.path(first_span), first_span),
                            "first default application here",
                        )
                        .with_element(format!("applicationVisibilities/{}", extra.name.value)),
                    );
                }
            }
        }
    }
}

/// Whether the profile's application visibilities are the org's whole list of apps, so that the
/// default must be among them. A retrieve writes a visibility only for the apps retrieved with the
/// profile, and source-tracked projects often hold a profile retrieved with a few of their own
/// apps: without its default app, but not without a default. Salesforce's own apps (`standard__`)
/// come with a retrieve of every application; a profile that lists one, and carries the `<custom>`
/// flag every retrieved profile has, is taken for complete.
fn is_complete(profile: &PermissionContainer, apps: &[&AccessGrant]) -> bool {
    profile.custom.is_some()
        && apps
            .iter()
            .any(|app| app.name.value.starts_with(STANDARD_APP_PREFIX))
}
