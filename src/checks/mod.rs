//! Built-in rules: checks that hold for every profile and permission set, whoever uses it.
//!
//! Each rule lives in its own module; its id, severity, summary and documentation are in the
//! [`registry`](crate::registry). Rules receive one component and push [`Diagnostic`]s; they never
//! print.

mod computed_field_editable;
mod default_application;
mod duplicate_entry;
mod field_access_dependency;
mod guest_user_access;
mod license_mismatch;
mod master_detail_access;
mod missing_api_enabled;
mod modify_all_data;
mod object_access_dependency;
mod permission_dependency;
mod required_field_permission;
mod tab_without_object_access;
mod undefined_reference;
mod unknown_user_permission;
mod view_all_data;

use crate::catalog::Catalog;
use crate::definitions::{Definitions, Presence};
use crate::diagnostic::{Diagnostic, Location};
use crate::model::definition::FieldDefinition;
use crate::model::{Component, FieldPermission, MetadataKind, PermissionContainer, split_object};
use crate::registry::RuleId;
use crate::source::Span;

/// Everything a built-in rule may consult besides the component itself.
pub struct Context<'a> {
    pub catalog: &'a Catalog,
    /// Which of conflicting repeated entries a fix keeps.
    pub keep_duplicate: crate::fix::KeepDuplicate,
    /// The rest of the project: objects, fields, classes, apps, ... that permission files name.
    pub definitions: &'a Definitions<'a>,
    /// Rules whose every finding the settings switch off: not run.
    pub switched_off: Vec<RuleId>,
}

/// A rule that looks at one component at a time.
pub(crate) trait Rule: Sync {
    /// Its id in the registry, which holds its documentation.
    fn id(&self) -> RuleId;
    /// Whether the rule can only fire on what the project's definitions say: then a project
    /// without any (one holding only permission files) skips it.
    fn needs_definitions(&self) -> bool {
        false
    }
    fn check(&self, component: &Component, context: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// The per-component rules, in id order.
pub(crate) fn rules() -> &'static [&'static dyn Rule] {
    &[
        &computed_field_editable::ComputedFieldEditable,
        &default_application::DefaultApplication,
        &duplicate_entry::DuplicateEntry,
        &field_access_dependency::FieldAccessDependency,
        &guest_user_access::GuestUserAccess,
        &license_mismatch::LicenseMismatch,
        &master_detail_access::MasterDetailAccess,
        &missing_api_enabled::MissingApiEnabled,
        &modify_all_data::ModifyAllData,
        &object_access_dependency::ObjectAccessDependency,
        &permission_dependency::PermissionDependency,
        &required_field_permission::RequiredFieldPermission,
        &tab_without_object_access::TabWithoutObjectAccess,
        &undefined_reference::UndefinedReference,
        &unknown_user_permission::UnknownUserPermission,
        &view_all_data::ViewAllData,
    ]
}

/// Runs every per-component rule.
pub fn check_component(component: &Component, context: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in rules() {
        if context.switched_off.contains(&rule.id())
            || rule.needs_definitions() && context.definitions.inventory().is_empty()
        {
            continue;
        }
        let before = out.len();
        rule.check(component, context, &mut out);
        debug_assert!(
            out[before..].iter().all(|found| found.rule == rule.id()),
            "a rule reports under its own id"
        );
    }
    out
}

/// A finding of `rule` at `span` of `component`, with the rule's default severity.
pub(crate) fn finding(
    rule: RuleId,
    component: &Component,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(
        rule,
        rule.default_severity(),
        Location::new(component.path(span), span),
        message,
    )
}

/// The permissions of a component that grants (not a group, not a muting permission set, whose
/// `true` values remove access).
pub(crate) fn granting(component: &Component) -> Option<&PermissionContainer> {
    component
        .permissions()
        .filter(|container| container.kind != MetadataKind::MutingPermissionSet)
}

/// The field entries of `entries` whose field the project defines, each with its definition: what
/// the rules that compare field permissions with field definitions read.
pub(crate) fn defined_fields<'c>(
    entries: impl Iterator<Item = &'c FieldPermission>,
    definitions: &'c Definitions,
) -> impl Iterator<Item = (&'c FieldPermission, &'c FieldDefinition)> {
    entries.filter_map(|entry| {
        let (object, field) = split_object(&entry.field.value)?;
        match definitions.field(object, field) {
            Presence::Defined(definition) => Some((entry, definition)),
            _ => None,
        }
    })
}

/// `profile Admin`, `permission set Sales`.
pub(crate) fn describe(component: &Component) -> String {
    format!("{} {}", component.kind.noun(), component.name)
}

/// Shared by `view-all-data` and `modify-all-data`: one org-wide permission granted by a component
/// that can be changed (standard profiles cannot).
pub(crate) fn check_org_wide_permission(
    rule: RuleId,
    permission: &str,
    help: &str,
    component: &Component,
    context: &Context<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(container) = granting(component) else {
        return;
    };
    if container.is_standard_profile() {
        return;
    }
    if let Some(granted) = container.grants.user_permission(permission) {
        out.push(
            finding(
                rule,
                component,
                granted.name.span,
                format!(
                    "{} grants {}",
                    describe(component),
                    context.catalog.describe(permission)
                ),
            )
            .with_help(help)
            .with_element(format!("userPermissions/{permission}")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Origin;

    #[test]
    fn every_component_rule_of_the_registry_has_one_implementation() {
        let implemented: Vec<RuleId> = rules().iter().map(|rule| rule.id()).collect();
        let registered: Vec<RuleId> = RuleId::ALL
            .iter()
            .copied()
            .filter(|rule| {
                matches!(
                    rule.meta().origin,
                    Origin::Component | Origin::ComponentAndPack
                )
            })
            .collect();
        assert_eq!(implemented, registered);
    }
}
