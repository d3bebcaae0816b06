//! Property tests: what sflint finds in a permission set depends on what it grants, never on how the
//! XML is written. For generated permission sets (user permissions from a small list that includes
//! unknown and misspelt names, object permissions with random flags, field permissions), the
//! findings as (rule, element, severity) are the same whatever the order of entries and of the
//! fields inside them, the indentation, line breaks and whitespace around values, comments between
//! elements, the namespace (none, default, or an `md:` prefix on every element), CR LF or LF, and
//! `True` or `true`.
//!
//! Each run goes through the whole pipeline (`sflint::lint` on a file on disk). Line and column are
//! left out of the comparison: they move with the formatting by design.

use std::path::Path;

use proptest::prelude::*;
use sflint::{ConfigSource, Workspace, WorkspaceOptions};

const USER_PERMISSIONS: [&str; 11] = [
    "ApiEnabled",
    "ApiUserOnly",
    "ViewAllData",
    "ModifyAllData",
    "ViewSetup",
    "RunReports",
    "EditTask",
    "ManageUsers",
    // A near miss of EditTask (an error) and a name in no catalog (a warning).
    "EditTasks",
    "Xyzzy",
    "CustomizeApplication",
];
const OBJECTS: [&str; 5] = ["Account", "Contact", "Lead", "Case", "Invoice__c"];
const FIELDS: [&str; 4] = [
    "Account.Phone",
    "Contact.Email",
    "Invoice__c.Amount__c",
    "Lead.Company",
];
/// `<objectPermissions>` flags, in the order of `Entry::Object::flags`.
const OBJECT_FLAGS: [&str; 7] = [
    "allowCreate",
    "allowDelete",
    "allowEdit",
    "allowRead",
    "modifyAllRecords",
    "viewAllRecords",
    "viewAllFields",
];

#[derive(Debug, Clone)]
enum Entry {
    User {
        name: &'static str,
        enabled: bool,
    },
    Object {
        object: &'static str,
        flags: [bool; 7],
    },
    Field {
        field: &'static str,
        readable: bool,
        editable: bool,
    },
}

#[derive(Debug, Clone, Copy)]
enum Namespace {
    None,
    Default,
    Prefixed,
}

/// How the XML is written; the canonical writing is [`Style::CANONICAL`].
#[derive(Debug, Clone)]
struct Style {
    indent: &'static str,
    /// Line breaks between elements (else everything on one line).
    newlines: bool,
    crlf: bool,
    comments: bool,
    namespace: Namespace,
    capitalised_booleans: bool,
    /// Whitespace around values inside their element (`<name> ApiEnabled\n</name>`).
    padded_values: bool,
    /// Permutes the fields inside each entry (entries themselves are shuffled by the strategy).
    field_order: u64,
}

impl Style {
    const CANONICAL: Style = Style {
        indent: "    ",
        newlines: true,
        crlf: false,
        comments: false,
        namespace: Namespace::Default,
        capitalised_booleans: false,
        padded_values: false,
        field_order: 0,
    };
}

fn entry() -> impl Strategy<Value = Entry> {
    prop_oneof![
        (prop::sample::select(&USER_PERMISSIONS[..]), any::<bool>())
            .prop_map(|(name, enabled)| Entry::User { name, enabled }),
        (prop::sample::select(&OBJECTS[..]), any::<[bool; 7]>())
            .prop_map(|(object, flags)| Entry::Object { object, flags }),
        (
            prop::sample::select(&FIELDS[..]),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(field, readable, editable)| Entry::Field {
                field,
                readable,
                editable
            }),
    ]
}

fn style() -> impl Strategy<Value = Style> {
    (
        prop::sample::select(&["", " ", "    ", "\t"][..]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop_oneof![
            Just(Namespace::None),
            Just(Namespace::Default),
            Just(Namespace::Prefixed)
        ],
        any::<bool>(),
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(
            |(
                indent,
                newlines,
                crlf,
                comments,
                namespace,
                capitalised_booleans,
                padded_values,
                field_order,
            )| Style {
                indent,
                newlines,
                crlf,
                comments,
                namespace,
                capitalised_booleans,
                padded_values,
                field_order,
            },
        )
}

/// A permission set (its entries), the same entries in another order, and another writing.
fn case() -> impl Strategy<Value = (Vec<Entry>, Vec<Entry>, Style)> {
    prop::collection::vec(entry(), 0..10)
        .prop_flat_map(|entries| (Just(entries.clone()), Just(entries).prop_shuffle(), style()))
}

/// Writes a permission set, element by element, the way `style` says.
struct Writer<'a> {
    style: &'a Style,
    out: String,
    depth: usize,
}

impl Writer<'_> {
    fn name(&self, local: &str) -> String {
        match self.style.namespace {
            Namespace::Prefixed => format!("md:{local}"),
            Namespace::None | Namespace::Default => local.to_string(),
        }
    }

    fn line(&mut self, text: &str) {
        if self.style.newlines {
            self.out.push_str(&self.style.indent.repeat(self.depth));
        }
        self.out.push_str(text);
        if self.style.newlines {
            self.out
                .push_str(if self.style.crlf { "\r\n" } else { "\n" });
        }
    }

    fn comment(&mut self) {
        if self.style.comments {
            self.line("<!-- reviewed; see the access matrix -->");
        }
    }

    fn value(&mut self, local: &str, value: &str) {
        let name = self.name(local);
        if self.style.padded_values {
            let end = if self.style.crlf { "\r\n" } else { "\n" };
            self.line(&format!("<{name}> {value}{end}</{name}>"));
        } else {
            self.line(&format!("<{name}>{value}</{name}>"));
        }
        self.comment();
    }

    fn boolean(&mut self, local: &str, value: bool) {
        let text = match (value, self.style.capitalised_booleans) {
            (true, false) => "true",
            (true, true) => "True",
            (false, false) => "false",
            (false, true) => "False",
        };
        self.value(local, text);
    }

    fn open(&mut self, local: &str) {
        let name = self.name(local);
        self.line(&format!("<{name}>"));
        self.depth += 1;
        self.comment();
    }

    fn close(&mut self, local: &str) {
        self.depth -= 1;
        let name = self.name(local);
        self.line(&format!("</{name}>"));
        self.comment();
    }
}

/// Deterministic permutation of `items` from `seed` (splitmix64 draws, Fisher-Yates).
fn permute<T>(items: &mut [T], seed: u64) {
    let mut state = seed;
    for i in (1..items.len()).rev() {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        items.swap(i, (z % (i as u64 + 1)) as usize);
    }
}

fn render(entries: &[Entry], style: &Style) -> String {
    let mut writer = Writer {
        style,
        out: String::new(),
        depth: 0,
    };
    writer.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    writer.comment();
    let namespace = "http://soap.sforce.com/2006/04/metadata";
    let root = match style.namespace {
        Namespace::None => "<PermissionSet>".to_string(),
        Namespace::Default => format!("<PermissionSet xmlns=\"{namespace}\">"),
        Namespace::Prefixed => format!("<md:PermissionSet xmlns:md=\"{namespace}\">"),
    };
    writer.line(&root);
    writer.depth += 1;
    writer.comment();
    writer.value("label", "Generated");
    for (index, entry) in entries.iter().enumerate() {
        // Each entry's fields in an order of their own.
        let seed = style
            .field_order
            .wrapping_add(index as u64)
            .wrapping_mul(31);
        match entry {
            Entry::User { name, enabled } => {
                writer.open("userPermissions");
                let mut fields = [0, 1];
                if style.field_order != 0 {
                    permute(&mut fields, seed);
                }
                for field in fields {
                    match field {
                        0 => writer.boolean("enabled", *enabled),
                        _ => writer.value("name", name),
                    }
                }
                writer.close("userPermissions");
            }
            Entry::Object { object, flags } => {
                writer.open("objectPermissions");
                let mut fields: Vec<usize> = (0..=OBJECT_FLAGS.len()).collect();
                if style.field_order != 0 {
                    permute(&mut fields, seed);
                }
                for field in fields {
                    match OBJECT_FLAGS.get(field) {
                        Some(flag) => writer.boolean(flag, flags[field]),
                        None => writer.value("object", object),
                    }
                }
                writer.close("objectPermissions");
            }
            Entry::Field {
                field,
                readable,
                editable,
            } => {
                writer.open("fieldPermissions");
                let mut fields = [0, 1, 2];
                if style.field_order != 0 {
                    permute(&mut fields, seed);
                }
                for part in fields {
                    match part {
                        0 => writer.boolean("editable", *editable),
                        1 => writer.value("field", field),
                        _ => writer.boolean("readable", *readable),
                    }
                }
                writer.close("fieldPermissions");
            }
        }
    }
    writer.depth -= 1;
    let end = writer.name("PermissionSet");
    writer.line(&format!("</{end}>"));
    writer.out
}

/// (rule, element, severity) of every finding for `text` saved as a permission set, sorted; a
/// multiset, so a finding reported twice in one writing must be reported twice in the other.
fn findings(dir: &Path, text: &str) -> Vec<(String, String, String)> {
    let file = dir.join("Generated.permissionset-meta.xml");
    std::fs::write(&file, text).unwrap();
    let mut options = WorkspaceOptions::new(dir.to_path_buf());
    options.config = ConfigSource::Isolated;
    options.threads = Some(1);
    options.discover.paths = vec![file];
    let result = sflint::lint(&Workspace::load(&options), &sflint::Disk);
    assert!(result.problems.is_empty(), "{:?}", result.problems);
    assert_eq!(result.components, 1, "the permission set was not read");
    let mut found: Vec<(String, String, String)> = result
        .diagnostics
        .into_iter()
        .map(|d| {
            (
                d.rule.to_string(),
                d.element,
                d.severity.as_str().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

proptest! {
    // Each case lints two files through the whole pipeline: enough cases to mix every dimension of
    // `Style`, few enough that `cargo test` stays quick.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn findings_do_not_depend_on_how_the_xml_is_written(
        (entries, shuffled, style) in case()
    ) {
        let dir = tempfile::tempdir().unwrap();
        let canonical = findings(dir.path(), &render(&entries, &Style::CANONICAL));
        let rewritten_text = render(&shuffled, &style);
        let rewritten = findings(dir.path(), &rewritten_text);
        prop_assert_eq!(&canonical, &rewritten, "rewritten as:\n{}", rewritten_text);
    }

    /// The writer must really vary what it claims to vary, or the property above proves nothing.
    #[test]
    fn the_writer_varies_what_it_claims_to(entries in prop::collection::vec(entry(), 1..4)) {
        let text = |style: Style| render(&entries, &style);
        let canonical = text(Style::CANONICAL);
        let crlf = text(Style { crlf: true, ..Style::CANONICAL });
        let comments = text(Style { comments: true, ..Style::CANONICAL });
        let prefixed = text(Style { namespace: Namespace::Prefixed, ..Style::CANONICAL });
        let no_namespace = text(Style { namespace: Namespace::None, ..Style::CANONICAL });
        let one_line = text(Style { newlines: false, ..Style::CANONICAL });
        let capitalised = text(Style { capitalised_booleans: true, ..Style::CANONICAL });
        let padded = text(Style { padded_values: true, ..Style::CANONICAL });
        prop_assert!(crlf.contains("\r\n") && !canonical.contains('\r'));
        prop_assert!(comments.contains("<!--") && !canonical.contains("<!--"));
        prop_assert!(prefixed.contains("<md:label>Generated</md:label>"));
        prop_assert!(!no_namespace.contains("xmlns") && canonical.contains("xmlns="));
        prop_assert!(!one_line.contains('\n'));
        prop_assert!(capitalised.contains(">True<") || capitalised.contains(">False<"));
        prop_assert!(!canonical.contains(">True<") && !canonical.contains(">False<"));
        prop_assert!(padded.contains("<label> Generated\n</label>"));
    }
}

/// The rules whose every finding has a fix (with unsafe fixes allowed), in a single-file
/// permission set.
const FIXED_RULES: [&str; 4] = [
    "object-access-dependency",
    "field-access-dependency",
    "permission-dependency",
    "duplicate-entry",
];

/// `text` saved as a permission set, fixed (unsafe fixes too), and the fixed text.
fn fixed(dir: &Path, text: &str) -> String {
    let file = dir.join("Generated.permissionset-meta.xml");
    std::fs::write(&file, text).unwrap();
    let mut options = WorkspaceOptions::new(dir.to_path_buf());
    options.config = ConfigSource::Isolated;
    options.threads = Some(1);
    options.discover.paths = vec![file.clone()];
    let result = sflint::fix::fix(&Workspace::load(&options), &sflint::Disk, true);
    assert!(result.problems.is_empty(), "{:?}", result.problems);
    match result.files.values().next() {
        Some((_, after)) => String::from_utf8(after.clone()).unwrap(),
        None => text.to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever a generated permission set holds and however it is written, fixing it leaves none
    /// of the findings the fixes are for, fixing again changes nothing, and the file keeps its
    /// prolog, root element and line endings.
    #[test]
    fn fixing_resolves_what_it_fixes_once_and_for_all((entries, _, style) in case()) {
        let dir = tempfile::tempdir().unwrap();
        let text = render(&entries, &style);
        let once = fixed(dir.path(), &text);
        let left = findings(dir.path(), &once);
        for (rule, element, _) in &left {
            prop_assert!(
                !FIXED_RULES.contains(&rule.as_str()),
                "{} {} left after fixing:\n{}", rule, element, once
            );
            if rule == "unknown-user-permission" {
                prop_assert_eq!(element, "userPermissions/Xyzzy", "a near miss is renamed");
            }
        }
        let twice = fixed(dir.path(), &once);
        prop_assert_eq!(&twice, &once, "a second fix changed the file");
        let head = |text: &str| text.split('>').take(2).collect::<Vec<_>>().join(">");
        prop_assert_eq!(head(&once), head(&text), "prolog and root element kept");
        if style.crlf {
            prop_assert_eq!(once.matches('\n').count(), once.matches("\r\n").count());
        } else {
            prop_assert!(!once.contains('\r'));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `sflint fmt` keeps what a file grants (every finding), is idempotent, and gives the same
    /// text for the same entries written in any order.
    #[test]
    fn formatting_keeps_the_findings_is_idempotent_and_erases_order(
        (entries, shuffled, style) in case()
    ) {
        let dir = tempfile::tempdir().unwrap();
        let text = render(&entries, &style);
        let once = sflint::format::format(&text).expect("generated files are well-formed");
        let twice = sflint::format::format(&once).unwrap();
        prop_assert_eq!(&twice, &once, "formatting twice changed the file");
        prop_assert_eq!(findings(dir.path(), &once), findings(dir.path(), &text), "formatted as:\n{}", once);
        // Entries with one key keep their relative order, so only distinct keys erase order.
        let key = |entry: &Entry| match entry {
            Entry::User { name, .. } => format!("u{name}"),
            Entry::Object { object, .. } => format!("o{object}"),
            Entry::Field { field, .. } => format!("f{field}"),
        };
        let mut keys: Vec<String> = entries.iter().map(key).collect();
        keys.sort();
        keys.dedup();
        if keys.len() == entries.len() {
            let other = sflint::format::format(&render(&shuffled, &style)).unwrap();
            prop_assert_eq!(&other, &once, "the same entries in another order");
        }
    }
}
