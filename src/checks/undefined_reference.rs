//! `undefined-reference`: a name a permission file grants access to (a field, an object, a record
//! type, a tab, an app, an Apex class or page, a flow, a custom permission, an external data
//! source) that the project does not define, although it defines the object or components of that
//! kind. [`Definitions`](crate::definitions::Definitions) decides what can be missing: never a
//! standard name, another namespace's, or one that `.forceignore` may have hidden.
//!
//! A part of a custom object the project defines (a field, a record type) is an error: the object
//! comes from this project with all its parts, and the deploy fails. An object or a component the
//! project lacks is a warning: the target org may hold it from elsewhere.

use super::{Context, Rule, describe, finding};
use crate::definitions::Presence;
use crate::diagnostic::Diagnostic;
use crate::inventory::ComponentKind;
use crate::model::{AccessKind, Component};
use crate::registry::{RuleId, Severity};
use crate::source::Span;

pub struct UndefinedReference;

const RULE: RuleId = RuleId::UndefinedReference;

impl Rule for UndefinedReference {
    fn id(&self) -> RuleId {
        RULE
    }

    fn needs_definitions(&self) -> bool {
        true
    }

    fn check(&self, component: &Component, context: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // Muting permission sets name what they mute: a missing name fails their deploy the same.
        let Some(container) = component.permissions() else {
            return;
        };
        let definitions = context.definitions;
        let grants = &container.grants;
        // Each missing object once per component, where it is first named.
        let mut objects: Vec<String> = Vec::new();
        let mut missing_object = |object: &str, span: Span, out: &mut Vec<Diagnostic>| -> bool {
            if !matches!(definitions.custom_object(object), Presence::Missing) {
                return false;
            }
            if !objects.iter().any(|seen| seen.eq_ignore_ascii_case(object)) {
                objects.push(object.to_string());
                out.push(object_finding(component, object, span));
            }
            true
        };
        // In document order, so that an object is reported where it is first named.
        let mut entries: Vec<(Span, Reference<'_>)> = Vec::new();
        for entry in &grants.object_permissions {
            entries.push((entry.object.span, Reference::Object(&entry.object.value)));
        }
        for entry in &grants.field_permissions {
            entries.push((entry.field.span, Reference::Field(&entry.field.value)));
        }
        for entry in &grants.record_type_visibilities {
            entries.push((
                entry.record_type.span,
                Reference::RecordType(&entry.record_type.value),
            ));
        }
        for entry in &grants.access {
            entries.push((
                entry.name.span,
                Reference::Access(entry.kind, &entry.name.value),
            ));
        }
        // Files of a decomposed permission set are numbered main file first, then in path order.
        entries.sort_by_key(|(span, _)| (span.file, span.start));
        for (span, reference) in entries {
            match reference {
                Reference::Object(object) => {
                    missing_object(object, span, out);
                }
                Reference::Field(name) => {
                    let Some((object, field)) = name.split_once('.') else {
                        continue;
                    };
                    if !missing_object(object, span, out)
                        && definitions.field(object, field) == Presence::Missing
                    {
                        out.push(part_finding(
                            component,
                            "field",
                            "CustomField",
                            name,
                            object,
                            span,
                        ));
                    }
                }
                Reference::RecordType(name) => {
                    let Some((object, record_type)) = name.split_once('.') else {
                        continue;
                    };
                    if !missing_object(object, span, out)
                        && definitions.record_type(object, record_type) == Presence::Missing
                    {
                        out.push(part_finding(
                            component,
                            "record type",
                            "RecordType",
                            name,
                            object,
                            span,
                        ));
                    }
                }
                Reference::Access(kind, name) => match component_kind(kind) {
                    Some(kind) => {
                        if definitions.component(kind, name) == Presence::Missing {
                            out.push(component_finding(component, kind, name, span));
                        }
                    }
                    // Custom settings and custom metadata types are objects.
                    None => {
                        missing_object(name, span, out);
                    }
                },
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Reference<'a> {
    Object(&'a str),
    Field(&'a str),
    RecordType(&'a str),
    Access(AccessKind, &'a str),
}

/// The kind of component an access entry names; `None` for the objects (custom settings and
/// custom metadata types).
fn component_kind(kind: AccessKind) -> Option<ComponentKind> {
    match kind {
        AccessKind::Application => Some(ComponentKind::Application),
        AccessKind::Tab => Some(ComponentKind::Tab),
        AccessKind::ApexClass => Some(ComponentKind::ApexClass),
        AccessKind::ApexPage => Some(ComponentKind::ApexPage),
        AccessKind::CustomPermission => Some(ComponentKind::CustomPermission),
        AccessKind::Flow => Some(ComponentKind::Flow),
        AccessKind::ExternalDataSource => Some(ComponentKind::ExternalDataSource),
        AccessKind::CustomMetadataType | AccessKind::CustomSetting => None,
    }
}

/// The Metadata API type a deploy names in its "no <type> named <name> found" error.
fn metadata_type(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Tab => "CustomTab",
        ComponentKind::Application => "CustomApplication",
        ComponentKind::ApexClass => "ApexClass",
        ComponentKind::ApexPage => "ApexPage",
        ComponentKind::Flow => "Flow",
        ComponentKind::CustomPermission => "CustomPermission",
        ComponentKind::ExternalDataSource => "ExternalDataSource",
        ComponentKind::ConnectedApp => "ConnectedApp",
        ComponentKind::ExternalClientApp => "ExternalClientApplication",
        ComponentKind::EcaOauthSettings => "ExtlClntAppOauthSettings",
        ComponentKind::EcaGlobalOauthSettings => "ExtlClntAppGlobalOauthSettings",
        ComponentKind::EcaOauthPolicies => "ExtlClntAppOauthConfigurablePolicies",
        ComponentKind::EcaPolicies => "ExtlClntAppConfigurablePolicies",
    }
}

fn part_finding(
    component: &Component,
    noun: &str,
    metadata_type: &str,
    name: &str,
    object: &str,
    span: Span,
) -> Diagnostic {
    let element = if noun == "field" {
        format!("fieldPermissions/{name}")
    } else {
        format!("recordTypeVisibilities/{name}")
    };
    finding(
        RULE,
        component,
        span,
        format!(
            "{} names the {noun} {name}, which the project's definition of {object} does not have: the deploy fails (\"no {metadata_type} named {name} found\")",
            describe(component)
        ),
    )
    .with_help(format!(
        "Add the {noun}'s definition under objects/{object}/, or remove this entry if the {noun} was renamed or deleted."
    ))
    .with_element(element)
}

fn object_finding(component: &Component, object: &str, span: Span) -> Diagnostic {
    let mut diagnostic = finding(
        RULE,
        component,
        span,
        format!(
            "{} names the custom object {object}, which the project does not define: the deploy fails unless the target org has it (\"no CustomObject named {object} found\")",
            describe(component)
        ),
    )
    .with_help(format!(
        "Add objects/{object}/ to the project, or remove the entries naming {object} if it was renamed or deleted."
    ))
    .with_element(format!("objects/{object}"));
    diagnostic.severity = Severity::Warning;
    diagnostic
}

fn component_finding(
    component: &Component,
    kind: ComponentKind,
    name: &str,
    span: Span,
) -> Diagnostic {
    let mut diagnostic = finding(
        RULE,
        component,
        span,
        format!(
            "{} names the {} {name}, which the project does not define: the deploy fails unless the target org has it (\"no {} named {name} found\")",
            describe(component),
            kind.noun(),
            metadata_type(kind)
        ),
    )
    .with_help(format!(
        "Add it under {}/, or remove this entry if it was renamed or deleted.",
        kind.folder()
    ))
    .with_element(format!("{}/{name}", kind.folder()));
    diagnostic.severity = Severity::Warning;
    diagnostic
}
