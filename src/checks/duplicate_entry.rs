//! `duplicate-entry`: the same permission, object, field or record type listed twice.

use std::hash::Hash;

use rustc_hash::FxHashMap;

use super::{Context, Rule, describe, finding};
use crate::diagnostic::{Diagnostic, Location};
use crate::fix::{Change, Fix, KeepDuplicate, Safety};
use crate::model::{Component, Name, ObjectFlag};
use crate::registry::RuleId;
use crate::source::{Span, Spanned};

pub struct DuplicateEntry;

const RULE: RuleId = RuleId::DuplicateEntry;

impl Rule for DuplicateEntry {
    fn id(&self) -> RuleId {
        RULE
    }

    fn check(&self, component: &Component, context: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(container) = component.permissions() else {
            return;
        };
        let grants = &container.grants;
        let keep = context.keep_duplicate;
        // Keys compare as bytes: a profile has hundreds of thousands of them.
        fn key(key: &Spanned<Name>) -> (&[u8], Span) {
            (key.value.as_bytes(), key.span)
        }
        report_repeats(
            component,
            keep,
            out,
            "userPermissions",
            "user permission",
            &mut grants.user_permissions.iter().map(|e| key(&e.name)),
            &|| {
                grants
                    .user_permissions
                    .iter()
                    .map(|e| Entry::new(&e.name, vec![("enabled", e.enabled)]))
                    .collect()
            },
        );
        report_repeats(
            component,
            keep,
            out,
            "objectPermissions",
            "object",
            &mut grants.object_permissions.iter().map(|e| key(&e.object)),
            &|| {
                grants
                    .object_permissions
                    .iter()
                    .map(|e| {
                        let flags = ObjectFlag::ALL
                            .iter()
                            .map(|flag| (flag.element(), e.access.contains(*flag)))
                            .collect();
                        Entry::new(&e.object, flags)
                    })
                    .collect()
            },
        );
        report_repeats(
            component,
            keep,
            out,
            "fieldPermissions",
            "field",
            &mut grants.field_permissions.iter().map(|e| key(&e.field)),
            &|| {
                grants
                    .field_permissions
                    .iter()
                    .map(|e| {
                        Entry::new(
                            &e.field,
                            vec![("editable", e.editable), ("readable", e.readable)],
                        )
                    })
                    .collect()
            },
        );
        // Widening a record type's visibility is safe to merge; a second default is not.
        report_repeats(
            component,
            keep,
            out,
            "recordTypeVisibilities",
            "record type",
            &mut grants
                .record_type_visibilities
                .iter()
                .map(|e| key(&e.record_type)),
            &|| {
                grants
                    .record_type_visibilities
                    .iter()
                    .map(|e| {
                        let mut entry = Entry::new(&e.record_type, vec![("visible", e.visible)]);
                        entry.fixed.push(("default", e.default));
                        entry
                    })
                    .collect()
            },
        );
    }
}

/// Findings for the repeated keys of one list of entries. Keys are compared first; the entries
/// (their flags, for the fixes) are built only for a list that has a repeat, which retrieved files
/// almost never do.
fn report_repeats<'a>(
    component: &'a Component,
    keep: KeepDuplicate,
    out: &mut Vec<Diagnostic>,
    kind: &str,
    noun: &str,
    keys: &mut dyn Iterator<Item = (&'a [u8], Span)>,
    entries: &dyn Fn() -> Vec<Entry<'a>>,
) {
    let repeats = duplicates(keys);
    if repeats.is_empty() {
        return;
    }
    let entries = entries();
    let by_key_start: FxHashMap<u32, &Entry<'_>> = entries
        .iter()
        .map(|entry| (entry.key.span.start, entry))
        .collect();
    for (_, earlier, span) in repeats {
        let (first, repeat) = (by_key_start[&earlier.start], by_key_start[&span.start]);
        let key = &repeat.key.value;
        let fix = repeat_fix(component, first, repeat, keep);
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
}

/// One entry as the rule compares them: its key, and the flags it grants.
struct Entry<'a> {
    key: &'a Spanned<Name>,
    /// Flags a merge may widen.
    flags: Vec<(&'static str, bool)>,
    /// Flags that tell entries apart but are never merged.
    fixed: Vec<(&'static str, bool)>,
}

impl<'a> Entry<'a> {
    fn new(key: &'a Spanned<Name>, flags: Vec<(&'static str, bool)>) -> Entry<'a> {
        Entry {
            key,
            flags,
            fixed: Vec::new(),
        }
    }

    fn grants_the_same_as(&self, other: &Entry<'_>) -> bool {
        self.flags == other.flags && self.fixed == other.fixed
    }
}

/// An exact repeat goes without changing what is granted (safe). Of conflicting entries the first
/// is kept as written, or widened to grant what the repeat adds (`--keep-duplicate widest`); both
/// change access, so both are unsafe.
fn repeat_fix(
    component: &Component,
    first: &Entry<'_>,
    repeat: &Entry<'_>,
    keep: KeepDuplicate,
) -> Fix {
    let remove = Change::RemoveEntry {
        entry: repeat.key.span.start,
    };
    if first.grants_the_same_as(repeat) {
        return Fix::new(Safety::Safe, "Remove this repeat of an earlier entry.")
            .change(component.path(repeat.key.span), remove);
    }
    let widened: Vec<&str> = first
        .flags
        .iter()
        .zip(&repeat.flags)
        .filter(|((_, kept), (_, added))| *added && !*kept)
        .map(|((name, _), _)| *name)
        .collect();
    match keep {
        KeepDuplicate::Widest if !widened.is_empty() => {
            let mut fix = Fix::new(
                Safety::Unsafe,
                format!(
                    "Remove this entry and set {} to true in the first.",
                    widened
                        .iter()
                        .map(|name| format!("<{name}>"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .change(component.path(repeat.key.span), remove);
            for name in widened {
                fix = fix.change(
                    component.path(first.key.span),
                    Change::SetField {
                        entry: first.key.span.start,
                        field: name,
                        value: "true".to_string(),
                    },
                );
            }
            fix
        }
        _ => Fix::new(
            Safety::Unsafe,
            "Remove this entry and keep the first, whose access differs.",
        )
        .change(component.path(repeat.key.span), remove),
    }
}

/// Each repeated key with where it was first listed and where again, in file order.
///
/// Salesforce writes entries sorted by key, so in retrieved files repeats are neighbours and one
/// comparison per entry finds them; hand-edited files out of order fall back to a hash map.
fn duplicates<'a, K: Ord + Hash + ?Sized>(
    entries: &mut dyn Iterator<Item = (&'a K, Span)>,
) -> Vec<(&'a K, Span, Span)> {
    let entries: Vec<(&K, Span)> = entries.collect();
    let mut found = Vec::new();
    // One comparison per pair of neighbours while the keys are in order.
    let mut first = 0;
    let mut sorted = true;
    for index in 1..entries.len() {
        match entries[index - 1].0.cmp(entries[index].0) {
            std::cmp::Ordering::Less => first = index,
            std::cmp::Ordering::Equal => {
                found.push((entries[index].0, entries[first].1, entries[index].1));
            }
            std::cmp::Ordering::Greater => {
                sorted = false;
                break;
            }
        }
    }
    if sorted {
        return found;
    }
    found.clear();
    let mut seen: FxHashMap<&K, Span> = FxHashMap::default();
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
