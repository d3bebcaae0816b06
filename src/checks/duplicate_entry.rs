//! `duplicate-entry`: the same permission, object, field or record type listed twice.

use rustc_hash::FxHashMap;

use super::{Context, Rule, describe, finding};
use crate::diagnostic::{Diagnostic, Location};
use crate::fix::{Change, Fix, Safety};
use crate::model::Component;
use crate::registry::RuleId;
use crate::source::Span;

pub struct DuplicateEntry;

const RULE: RuleId = RuleId::DuplicateEntry;

impl Rule for DuplicateEntry {
    fn id(&self) -> RuleId {
        RULE
    }

    fn check(&self, component: &Component, _: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(container) = component.permissions() else {
            return;
        };
        let grants = &container.grants;
        // Each entry: its key, the key's span, and what it grants (to tell an exact repeat from
        // a conflicting one).
        let mut report =
            |kind: &str, noun: &str, entries: &mut dyn Iterator<Item = (&str, Span, String)>| {
                let entries: Vec<(&str, Span, String)> = entries.collect();
                let grants: FxHashMap<u32, &str> = entries
                    .iter()
                    .map(|(_, span, grant)| (span.start, grant.as_str()))
                    .collect();
                for (key, earlier, span) in
                    duplicates(&mut entries.iter().map(|(k, s, _)| (*k, *s)))
                {
                    let exact = grants.get(&earlier.start) == grants.get(&span.start);
                    // An exact repeat goes without changing what is granted; of conflicting entries
                    // the first is kept, which may grant less than the later one.
                    let fix = if exact {
                        Fix::new(Safety::Safe, "Remove this repeat of an earlier entry.")
                    } else {
                        Fix::new(
                            Safety::Unsafe,
                            "Remove this entry and keep the first, whose access differs.",
                        )
                    }
                    .change(
                        component.path(span),
                        Change::RemoveEntry { entry: span.start },
                    );
                    out.push(
                        finding(
                            RULE,
                            component,
                            span,
                            format!(
                                "{noun} {key} is listed more than once in {}",
                                describe(component)
                            ),
                        )
                        .with_help("Keep one entry and merge the access it should grant into it.")
                        .with_related(
                            Location::new(component.path(earlier), earlier),
                            "first listed here",
                        )
                        .with_element(format!("{kind}/{key}"))
                        .with_fix(fix),
                    );
                }
            };
        report(
            "userPermissions",
            "user permission",
            &mut grants
                .user_permissions
                .iter()
                .map(|e| (e.name.value.as_str(), e.name.span, e.enabled.to_string())),
        );
        report(
            "objectPermissions",
            "object",
            &mut grants
                .object_permissions
                .iter()
                .map(|e| (e.object.value.as_str(), e.object.span, e.access.describe())),
        );
        report(
            "fieldPermissions",
            "field",
            &mut grants.field_permissions.iter().map(|e| {
                let grant = format!("{} {}", e.readable, e.editable);
                (e.field.value.as_str(), e.field.span, grant)
            }),
        );
        report(
            "recordTypeVisibilities",
            "record type",
            &mut grants.record_type_visibilities.iter().map(|e| {
                let grant = format!("{} {}", e.visible, e.default);
                (e.record_type.value.as_str(), e.record_type.span, grant)
            }),
        );
    }
}

/// Each repeated key with where it was first listed and where again, in file order.
///
/// Salesforce writes entries sorted by key, so in retrieved files repeats are neighbours and one
/// comparison per entry finds them; hand-edited files out of order fall back to a hash map.
fn duplicates<'a>(
    entries: &mut dyn Iterator<Item = (&'a str, Span)>,
) -> Vec<(&'a str, Span, Span)> {
    let entries: Vec<(&str, Span)> = entries.collect();
    let mut found = Vec::new();
    if entries.windows(2).all(|pair| pair[0].0 <= pair[1].0) {
        let mut first = 0;
        for index in 1..entries.len() {
            if entries[index].0 == entries[first].0 {
                found.push((entries[index].0, entries[first].1, entries[index].1));
            } else {
                first = index;
            }
        }
        return found;
    }
    let mut seen: FxHashMap<&str, Span> = FxHashMap::default();
    seen.reserve(entries.len());
    for (key, span) in entries {
        match seen.get(key) {
            Some(&earlier) => found.push((key, earlier, span)),
            None => {
                seen.insert(key, span);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32) -> Span {
        Span {
            line,
            ..Span::default()
        }
    }

    #[test]
    fn finds_repeats_in_sorted_and_unsorted_entries() {
        let sorted = [
            ("A", at(1)),
            ("B", at(2)),
            ("B", at(3)),
            ("B", at(4)),
            ("C", at(5)),
        ];
        let found = duplicates(&mut sorted.into_iter());
        let lines: Vec<_> = found
            .iter()
            .map(|(k, first, again)| (*k, first.line, again.line))
            .collect();
        assert_eq!(lines, [("B", 2, 3), ("B", 2, 4)]);
        let unsorted = [("B", at(1)), ("A", at(2)), ("B", at(3))];
        let found = duplicates(&mut unsorted.into_iter());
        let lines: Vec<_> = found
            .iter()
            .map(|(k, first, again)| (*k, first.line, again.line))
            .collect();
        assert_eq!(lines, [("B", 1, 3)]);
    }
}
