//! Arbitrary bytes through everything sflint does with one file: decode, parse as each kind of
//! metadata and as a decomposed part, run the built-in rules on whatever parsed, and scan for
//! inline suppressions.
//!
//! Besides "no panic", every span handed out must lie inside the text and carry the line and column
//! an independent count gives, because reporters and suppressions trust spans blindly. Spans of the
//! model are left unlocated (line 0) by the parser and located later, only for findings, by
//! `LineTracker` as `sflint::lint` does; those are located here the same way and then compared.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use sflint::catalog::Catalog;
use sflint::checks::{self, Context};
use sflint::model::parse::{self, Expect};
use sflint::model::{Body, Component, MetadataKind};
use sflint::source::{FilePath, LineTracker, Span};

fuzz_target!(|data: &[u8]| {
    let source = match parse::decode(data.to_vec(), 0) {
        Ok(source) => source,
        Err(error) => {
            assert!(error.span.start <= error.span.end && error.span.end as usize <= data.len());
            return;
        }
    };
    let text = source.text();
    let mut positions = Positions::new(text);
    let file = Arc::new(FilePath {
        display: "fuzz.permissionset-meta.xml".into(),
        fs: PathBuf::from("fuzz.permissionset-meta.xml"),
    });
    // A permission file alone: no definitions, so the project rules stay quiet.
    let inventory = sflint::inventory::Inventory::default();
    let no_files = sflint::Memory::default();
    let definitions =
        sflint::definitions::Definitions::new(&inventory, None, &no_files, Path::new(""));
    let context = Context {
        catalog: Catalog::get(),
        keep_duplicate: sflint::fix::KeepDuplicate::Widest,
        definitions: &definitions,
        switched_off: Vec::new(),
    };

    let (suppressions, problems) = sflint::suppress::scan(text, &file, 0);
    for suppression in &suppressions {
        positions.check(suppression.comment, "suppression comment");
        let (start, end) = suppression.target;
        assert!(
            start <= end && end as usize <= text.len(),
            "target {start}..{end}"
        );
    }
    for problem in &problems {
        positions.check(problem.location.span, &problem.message);
    }

    let expectations = MetadataKind::ALL
        .into_iter()
        .map(|kind| (kind, Expect::Component(kind)))
        .chain([(MetadataKind::PermissionSet, Expect::DecomposedPart)]);
    for (kind, expect) in expectations {
        let parsed = match parse::parse_source(&source, 0, expect) {
            Ok(parsed) => parsed,
            Err(error) => {
                positions.check(error.span, &error.message);
                continue;
            }
        };
        positions.check(parsed.root, "root");
        for issue in &parsed.issues {
            positions.check(issue.span, &issue.message);
        }
        if let Body::Permissions(container) = &parsed.body {
            let grants = &container.grants;
            for permission in &grants.user_permissions {
                positions.check(permission.span, "userPermissions");
                positions.check(permission.name.span, "name");
            }
            for permission in &grants.object_permissions {
                positions.check(permission.span, "objectPermissions");
                positions.check(permission.object.span, "object");
                for span in permission.flag_spans.iter().flatten() {
                    positions.check(*span, "object flag");
                }
            }
            for permission in &grants.field_permissions {
                positions.check(permission.span, "fieldPermissions");
                positions.check(permission.field.span, "field");
            }
        }
        let component = Component {
            kind,
            name: "Fuzz".into(),
            files: vec![Arc::clone(&file)],
            root: parsed.root,
            body: parsed.body,
        };
        for diagnostic in checks::check_component(&component, &context) {
            positions.check(diagnostic.location.span, &diagnostic.message);
            for related in &diagnostic.related {
                positions.check(related.location.span, &related.message);
            }
        }
    }
});

/// Line and column of every byte offset, counted the way sflint documents it: `\n`, `\r\n` and a
/// lone `\r` each end a line, an offset inside `\r\n` still lies on the line that pair ends, and
/// columns count characters.
struct Positions<'a> {
    at: Vec<(u32, u32)>,
    tracker: LineTracker<'a>,
}

impl<'a> Positions<'a> {
    fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut at = Vec::with_capacity(bytes.len() + 1);
        let (mut line, mut column) = (1u32, 1u32);
        for (index, &byte) in bytes.iter().enumerate() {
            at.push((line, column));
            // The `\r` of a `\r\n` pair is an ordinary character of the line the pair ends.
            let crlf = byte == b'\r' && bytes.get(index + 1) == Some(&b'\n');
            if (byte == b'\n' || byte == b'\r') && !crlf {
                line += 1;
                column = 1;
            } else if crlf || (byte as i8) >= -0x40 {
                column += 1;
            }
        }
        at.push((line, column));
        Self {
            at,
            tracker: LineTracker::new(text),
        }
    }

    fn check(&mut self, span: Span, what: &str) {
        let (start, end) = (span.start as usize, span.end as usize);
        assert!(
            start <= end && end < self.at.len(),
            "{what}: span {start}..{end} outside a text of {} bytes",
            self.at.len() - 1
        );
        let located = if span.line == 0 {
            self.tracker.locate(start)
        } else {
            (span.line, span.column)
        };
        assert_eq!(
            located, self.at[start],
            "{what}: wrong position for offset {start}"
        );
    }
}
