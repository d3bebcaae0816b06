//! `guest-user-access`: a profile or permission set on a guest user license granting what Salesforce
//! lets no guest user hold.

use super::{Context, Rule, describe, finding, granting};
use crate::diagnostic::{Diagnostic, Location};
use crate::model::{Component, ObjectAccess, ObjectFlag};
use crate::registry::RuleId;

pub struct GuestUserAccess;

const RULE: RuleId = RuleId::GuestUserAccess;

/// The user licenses of unauthenticated site visitors, as profiles name them in `<userLicense>`:
/// `Guest User License` (Experience Cloud and Salesforce Sites guest profiles) and `Guest` (the
/// older Sites guest license). Both are observed in retrieved profiles; Setup offers both as the
/// license of a site's guest user.
const GUEST_LICENSES: [&str; 2] = ["Guest User License", "Guest"];

/// Salesforce Help, Guest User Security Policies and Timelines: guest users "can't have the update
/// or delete permissions on objects" and "can't have View All Records or Modify All Records access
/// on objects"; since Spring '21 these cannot be enabled for guest users (Summer '20 release notes,
/// Opt Out of Enforcing Guest User Object Permission Changes).
const DENIED_FLAGS: [ObjectFlag; 4] = [
    ObjectFlag::Edit,
    ObjectFlag::Delete,
    ObjectFlag::ViewAll,
    ObjectFlag::ModifyAll,
];

/// Salesforce Help, Guest User Security Policies and Timelines: "Guest users can't be assigned the
/// View All Users permission."
const DENIED_PERMISSIONS: [&str; 1] = ["ViewAllUsers"];

/// Whether `license` is one of the guest user licenses.
fn is_guest_license(license: &str) -> bool {
    GUEST_LICENSES.contains(&license)
}

impl Rule for GuestUserAccess {
    fn id(&self) -> RuleId {
        RULE
    }

    fn check(&self, component: &Component, context: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(container) = granting(component) else {
            return;
        };
        let Some(license) = container
            .license
            .as_ref()
            .filter(|license| is_guest_license(&license.value))
        else {
            return;
        };
        let license_location = Location::new(component.path(license.span), license.span);
        let denied = ObjectAccess::of(&DENIED_FLAGS);
        for entry in &container.grants.object_permissions {
            let granted = entry.access.intersection(denied);
            let Some(first) = granted
                .flags()
                .map(|flag| entry.flag_span(flag))
                .min_by_key(|span| span.start)
            else {
                continue;
            };
            out.push(
                finding(
                    RULE,
                    component,
                    first,
                    format!(
                        "{} grants {} on {} to guest users, who can hold only Read and Create",
                        describe(component),
                        granted.describe(),
                        entry.object.value
                    ),
                )
                .with_help(
                    "Turn these off: Salesforce no longer lets guest users update, delete, view all or modify all records; a guest's changes go through Apex or a flow running in system mode.",
                )
                .with_related(license_location.clone(), "guest user license set here")
                .with_element(format!("objectPermissions/{}", entry.object.value)),
            );
        }
        for permission in DENIED_PERMISSIONS {
            let Some(granted) = container.grants.user_permission(permission) else {
                continue;
            };
            out.push(
                finding(
                    RULE,
                    component,
                    granted.name.span,
                    format!(
                        "{} enables {} for guest users, who cannot be given it",
                        describe(component),
                        context.catalog.describe(permission)
                    ),
                )
                .with_help(
                    "Turn it off: Salesforce does not let guest users see every user of the org.",
                )
                .with_related(license_location.clone(), "guest user license set here")
                .with_element(format!("userPermissions/{permission}")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_only_the_guest_licenses_by_their_exact_names() {
        assert!(is_guest_license("Guest User License"));
        assert!(is_guest_license("Guest"));
        assert!(!is_guest_license("guest user license"));
        assert!(!is_guest_license("Customer Community Login"));
        assert!(!is_guest_license("Salesforce"));
    }
}
