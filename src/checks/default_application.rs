//! `default-application`: a profile marks more than one default app, or a complete custom profile
//! marks none.

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
                    && must_have_default(profile, &apps)
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

/// Licenses of external users who log in to sites only, whose standard profiles a complete retrieve
/// of a real org wrote without a default app (Customer Community User, Customer Community Login
/// User): the org itself has none, so a profile on them without one is not a mistake. The others are
/// the rest of the high-volume user licenses as Salesforce lists them (Summer '21 release notes,
/// Grant Unauthenticated Guest Users Access to Records Owned by High-Volume Users).
const WITHOUT_DEFAULT_APP: [&str; 5] = [
    "Customer Community",
    "Customer Community Login",
    "High Volume Customer Portal",
    "Authenticated Website",
    "External Apps",
];

/// Whether a profile that marks no default app is a mistake: a custom profile, on a license whose
/// profiles have a default app, whose application visibilities are the org's whole list of apps, so
/// that the default must be among them.
///
/// A retrieve writes a visibility only for the apps retrieved with the profile, and source-tracked
/// projects often hold a profile retrieved with a few of their own apps: without its default app,
/// but not without a default. Salesforce's own apps (`standard__`) come with a retrieve of every
/// application; a profile that lists one is taken for complete. Standard profiles are left alone:
/// some exist without a default app in real orgs, and nobody creates them from a file.
fn must_have_default(profile: &PermissionContainer, apps: &[&AccessGrant]) -> bool {
    let custom = profile.custom.as_ref().is_some_and(|custom| custom.value);
    let license_has_default = profile
        .license
        .as_ref()
        .is_none_or(|license| !WITHOUT_DEFAULT_APP.contains(&license.value.as_str()));
    custom
        && license_has_default
        && apps
            .iter()
            .any(|app| app.name.value.starts_with(STANDARD_APP_PREFIX))
}
