//! Built-in rules: checks that hold for every profile and permission set, whoever uses it.
//!
//! Each rule lives in its own module with its metadata ([`RuleMeta`]) beside its logic. Rules receive
//! one component and push [`Diagnostic`]s; they never print.

mod duplicate_entry;
mod field_access_dependency;
mod invalid_xml;
mod license_mismatch;
mod missing_api_enabled;
mod modify_all_data;
mod object_access_dependency;
mod permission_dependency;
mod unknown_user_permission;
mod view_all_data;

use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::{Component, MetadataKind, PermissionContainer};
use crate::source::Span;

/// What `sflint rule ID` shows and every report format carries.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable kebab-case id; never reused for another meaning.
    pub id: &'static str,
    pub default_severity: Severity,
    /// One line, lower case, no trailing period.
    pub summary: &'static str,
    /// Markdown with the sections What it checks, Why it matters, Example and Source.
    pub doc: &'static str,
}

/// Everything a built-in rule may consult besides the component itself.
pub struct Context<'a> {
    pub catalog: &'a Catalog,
}

/// A rule that looks at one component at a time.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, component: &Component, context: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// The per-component rules, in id order.
pub fn rules() -> &'static [&'static dyn Rule] {
    &[
        &duplicate_entry::DuplicateEntry,
        &field_access_dependency::FieldAccessDependency,
        &license_mismatch::LicenseMismatch,
        &missing_api_enabled::MissingApiEnabled,
        &modify_all_data::ModifyAllData,
        &object_access_dependency::ObjectAccessDependency,
        &permission_dependency::PermissionDependency,
        &unknown_user_permission::UnknownUserPermission,
        &view_all_data::ViewAllData,
    ]
}

/// Ids of the rules that judge each profile or permission set on its own: the per-component rules
/// and `invalid-xml`. The other rule ids judge integration users or suppression directives.
pub fn component_rule_ids() -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = rules().iter().map(|rule| rule.meta().id).collect();
    ids.push(invalid_xml::META.id);
    ids.sort_unstable();
    ids
}

/// Metadata of every rule id sflint reports: the per-component rules, `invalid-xml`, and the finding
/// ids of vendor packs.
pub fn builtin_metas() -> Vec<&'static RuleMeta> {
    let mut metas: Vec<&'static RuleMeta> = rules().iter().map(|rule| rule.meta()).collect();
    metas.push(&invalid_xml::META);
    metas.extend(crate::packs::findings::metas());
    metas.push(&crate::suppress::UNUSED);
    metas.push(&crate::suppress::INVALID);
    metas.sort_by_key(|meta| meta.id);
    metas
}

/// Runs every per-component rule.
pub fn check_component(component: &Component, context: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in rules() {
        rule.check(component, context, &mut out);
    }
    out
}

/// A finding of `meta`'s rule at `span` of `component`.
pub(crate) fn finding(
    meta: &RuleMeta,
    component: &Component,
    span: Span,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(
        meta.id,
        meta.default_severity,
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

/// `profile Admin`, `permission set Sales`.
pub(crate) fn describe(component: &Component) -> String {
    format!("{} {}", component.kind.noun(), component.name)
}

/// Shared by `view-all-data` and `modify-all-data`: one org-wide permission granted by a component
/// that can be changed (standard profiles cannot).
pub(crate) fn check_org_wide_permission(
    meta: &'static RuleMeta,
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
                meta,
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
