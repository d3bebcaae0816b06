//! `tab-without-object-access`: a custom object's tab shown by a profile or permission set that
//! does not let the same users read the object: the tab opens on an error.

use rustc_hash::FxHashMap;

use super::{Context, Rule, describe, finding, granting};

use crate::definitions::Presence;
use crate::diagnostic::{Diagnostic, Location};
use crate::model::{AccessKind, Component, MetadataKind, ObjectFlag, ObjectPermission};
use crate::registry::RuleId;

pub struct TabWithoutObjectAccess;

const RULE: RuleId = RuleId::TabWithoutObjectAccess;

impl Rule for TabWithoutObjectAccess {
    fn id(&self) -> RuleId {
        RULE
    }

    fn check(&self, component: &Component, context: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(container) = granting(component) else {
            return;
        };
        // View All Data and Modify All Data read every object.
        if ["ViewAllData", "ModifyAllData"]
            .iter()
            .any(|permission| container.grants.has_user_permission(permission))
        {
            return;
        }
        // Object entries by name in ASCII lower case, built for the first custom object tab: an
        // admin profile holds thousands of tabs and objects.
        let mut by_object: Option<FxHashMap<String, &ObjectPermission>> = None;
        for tab in &container.grants.access {
            // A custom object's tab is named after the object; other custom tabs (Visualforce,
            // web, Lightning page tabs) and `standard-` tabs are not.
            let object = &tab.name.value;
            if tab.kind != AccessKind::Tab || !tab.granted || !object.ends_with("__c") {
                continue;
            }
            let entry = by_object
                .get_or_insert_with(|| {
                    let mut map = FxHashMap::default();
                    for entry in container.grants.object_permissions.iter().rev() {
                        // The first entry for an object wins, as a scan in order finds it.
                        map.insert(entry.object.value.to_ascii_lowercase(), entry);
                    }
                    map
                })
                .get(&object.to_ascii_lowercase())
                .copied();
            let state = match entry {
                Some(entry) if entry.access.contains(ObjectFlag::Read) => continue,
                Some(_) => "its entry for the object does not grant Read",
                // A profile deploys as an update of what it names: the org's profile may already
                // read the object. A permission set in source is the whole permission set, but
                // permission sets compose: only where the project defines the object are its
                // permission sets all the access to it there is.
                None if component.kind == MetadataKind::Profile => continue,
                None if !matches!(
                    context.definitions.custom_object(object),
                    Presence::Defined(_)
                ) =>
                {
                    continue;
                }
                None => "it has no entry for the object",
            };
            let mut diagnostic = finding(
                RULE,
                component,
                tab.name.span,
                format!(
                    "the tab of {object} is visible in {}, but {state}",
                    describe(component)
                ),
            )
            .with_help(format!(
                "Grant Read on {object} in this file, or hide the tab; users who see the tab but cannot read the object get an error when they open it."
            ))
            .with_element(format!("tabs/{object}"));
            if let Some(entry) = entry {
                diagnostic = diagnostic.with_related(
                    Location::new(component.path(entry.span), entry.object.span),
                    format!("{object} without Read"),
                );
            }
            out.push(diagnostic);
        }
    }
}
