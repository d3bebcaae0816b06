//! `duplicate-entry`: the same permission, object, field or record type listed twice.

use std::collections::HashMap;

use super::{Context, Rule, RuleMeta, describe, finding};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::Component;
use crate::source::Span;

pub struct DuplicateEntry;

pub static META: RuleMeta = RuleMeta {
    id: "duplicate-entry",
    default_severity: Severity::Warning,
    summary: "the same user permission, object, field or record type listed more than once",
    doc: r#"## What it checks
Within one profile, permission set or muting permission set (all files of a decomposed permission
set together), each `<userPermissions>` name, `<objectPermissions>` object, `<fieldPermissions>`
field and `<recordTypeVisibilities>` record type may appear once. The second and later entries are
reported, pointing back at the first.

## Why it matters
Only one of the entries takes effect, and which one is not obvious to a reviewer: a merge that adds
`allowEdit` to a second copy of an object entry can silently do nothing, or silently win. Duplicates
usually come from merge conflicts resolved by keeping both sides.

## Example
```xml
<userPermissions><enabled>true</enabled><name>ApiEnabled</name></userPermissions>
<userPermissions><enabled>false</enabled><name>ApiEnabled</name></userPermissions>
```

## Source
Metadata API Developer Guide, PermissionSet and Profile: each entry is keyed by its name, object,
field or record type.
"#,
};

impl Rule for DuplicateEntry {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, component: &Component, _: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(container) = component.permissions() else {
            return;
        };
        let grants = &container.grants;
        let mut report =
            |kind: &str, noun: &str, entries: &mut dyn Iterator<Item = (&str, Span)>| {
                let mut first: HashMap<&str, Span> = HashMap::new();
                for (key, span) in entries {
                    match first.get(key) {
                        None => {
                            first.insert(key, span);
                        }
                        Some(&earlier) => out.push(
                            finding(
                                &META,
                                component,
                                span,
                                format!(
                                    "{noun} {key} is listed more than once in {}",
                                    describe(component)
                                ),
                            )
                            .with_help(
                                "Keep one entry and merge the access it should grant into it.",
                            )
                            .with_related(
                                Location::new(component.path(earlier), earlier),
                                "first listed here",
                            )
                            .with_element(format!("{kind}/{key}")),
                        ),
                    }
                }
            };
        report(
            "userPermissions",
            "user permission",
            &mut grants
                .user_permissions
                .iter()
                .map(|e| (e.name.value.as_str(), e.name.span)),
        );
        report(
            "objectPermissions",
            "object",
            &mut grants
                .object_permissions
                .iter()
                .map(|e| (e.object.value.as_str(), e.object.span)),
        );
        report(
            "fieldPermissions",
            "field",
            &mut grants
                .field_permissions
                .iter()
                .map(|e| (e.field.value.as_str(), e.field.span)),
        );
        report(
            "recordTypeVisibilities",
            "record type",
            &mut grants
                .record_type_visibilities
                .iter()
                .map(|e| (e.record_type.value.as_str(), e.record_type.span)),
        );
    }
}
