//! Streaming parse of one metadata file into the typed model.
//!
//! The file is read once, event by event, with quick-xml; only the entries the model keeps are built,
//! and no element tree is ever held. Values are trimmed, entity references resolved, booleans read
//! case-insensitively (retrieved profiles say `True`). A file that is not well-formed, or whose root
//! element is not what its name says, is a [`ParseError`]; a well-formed file with a bad value (a
//! boolean that says `yes`, an entry without its key) still yields its model plus [`ParseIssue`]s.

use std::borrow::Cow;
use std::sync::Arc;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{
    AccessGrant, AccessKind, Body, FieldPermission, MetadataKind, Name, ObjectAccess, ObjectFlag,
    ObjectPermission, PermissionContainer, PermissionSetGroup, RecordTypeVisibility,
    UserPermission,
};
use crate::source::{FileIndex, LineTracker, SourceText, Span, Spanned};

/// What the caller expects the file to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A whole component of this kind.
    Component(MetadataKind),
    /// A child file of a decomposed permission set: a `<PermissionSet>` fragment (beta2 layout) or one
    /// entry such as `<ObjectPermission>` (beta layout).
    DecomposedPart,
}

/// A file that could not be read as the metadata it claims to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
    /// Whether the file had the root element of the metadata expected, so that its text is
    /// permission metadata and may be shown; a file that is not (a link to a credentials file named
    /// like metadata, say) is never quoted.
    pub in_metadata: bool,
}

impl From<Box<ParseError>> for ParseError {
    fn from(error: Box<ParseError>) -> ParseError {
        *error
    }
}

/// A problem inside an otherwise usable file.
pub type ParseIssue = ParseError;

#[derive(Debug)]
pub struct Parsed {
    /// The root element's start tag.
    pub root: Span,
    pub body: Body,
    pub issues: Vec<ParseIssue>,
}

/// Turns raw file bytes into text: keeps a UTF-8 byte order mark out of the text, refuses UTF-16
/// and invalid UTF-8 with a positioned error. Offsets in every span are relative to the text
/// (after the byte order mark).
pub fn decode(bytes: Vec<u8>, file: FileIndex) -> Result<SourceText, ParseError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ParseError {
            message: "file is encoded in UTF-16; Salesforce metadata files must be UTF-8".into(),
            span: Span {
                file,
                start: 0,
                end: 2,
                line: 1,
                column: 1,
            },
            in_metadata: false,
        });
    }
    let start = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let text = String::from_utf8(bytes).map_err(|error| {
        let bytes = error.as_bytes();
        let valid = error.utf8_error().valid_up_to();
        // The prefix up to `valid` is UTF-8 by definition, so it can be located.
        let text = std::str::from_utf8(&bytes[start.min(valid)..valid]).unwrap_or_default();
        let mut tracker = LineTracker::new(text);
        let at = valid.saturating_sub(start);
        ParseError {
            message: format!(
                "file is not valid UTF-8 (invalid byte 0x{:02X})",
                bytes[valid]
            ),
            span: tracker.span(file, at, at + 1),
            in_metadata: false,
        }
    })?;
    let source = SourceText::new(text, start);
    let text = source.text();
    // NUL and the other C0 controls are valid UTF-8 but not XML characters, and quick-xml does not
    // check: without this a UTF-16 file without a byte order mark, or a stray NUL, passed as
    // metadata (or echoed NULs into element names) although Salesforce rejects the file.
    if let Some(at) = first_control_character(text.as_bytes()) {
        // UTF-16 puts a NUL beside the first ASCII character, before or after it.
        let message = if at < 2 && text.as_bytes()[at] == 0 {
            "file looks like UTF-16 without a byte order mark; Salesforce metadata files must be UTF-8"
                .to_string()
        } else {
            format!(
                "character U+{:04X} is not allowed in XML",
                text.as_bytes()[at]
            )
        };
        return Err(ParseError {
            message,
            span: LineTracker::new(text).span(file, at, at + 1),
            in_metadata: false,
        });
    }
    Ok(source)
}

/// XML 1.0's `Char`: tab, line feed, carriage return, and everything from U+0020 but the surrogates
/// (which a `char` cannot hold) and U+FFFE, U+FFFF.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
}

/// The offset of the first C0 control character other than tab, line feed and carriage return.
///
/// Checked in blocks of a fixed length, with the tests combined without short-circuits into one
/// byte-wide OR and no early exit inside a block, so that the compiler vectorises it: a
/// byte-by-byte search cost as much as tokenizing the file.
fn first_control_character(bytes: &[u8]) -> Option<usize> {
    // Below 0x20 but neither tab nor carriage return (the two differ only in bit 2) nor line feed.
    let is_control = |b: u8| (b & 0xE0 == 0) & (b & !0x04 != b'\t') & (b != b'\n');
    const BLOCK: usize = 64;
    let mut offset = 0;
    for block in bytes.chunks_exact(BLOCK) {
        if block
            .iter()
            .fold(0u8, |any, &b| any | u8::from(is_control(b)))
            != 0
        {
            break;
        }
        offset += BLOCK;
    }
    // The block holding the first control character, or the tail shorter than a block.
    bytes[offset..]
        .iter()
        .position(|&b| is_control(b))
        .map(|at| offset + at)
}

/// Parses a decoded file (see [`decode`]) as the metadata `expect` names. The model's names share
/// the file's text.
pub fn parse_source(
    source: &SourceText,
    file: FileIndex,
    expect: Expect,
) -> Result<Parsed, ParseError> {
    Parser::new(source, file).run(expect)
}

/// Parses `text` as the metadata `expect` names, from a copy of it.
pub fn parse(text: &str, file: FileIndex, expect: Expect) -> Result<Parsed, ParseError> {
    parse_source(&SourceText::new(text.to_string(), 0), file, expect)
}

/// The longest value read into the model: API names are at most 80 characters, labels 255, and
/// `Object.Field` names stay well under this.
const MAX_VALUE_BYTES: usize = 1024;

/// The element currently being filled in, at entry level.
enum Entry {
    None,
    UserPermission {
        name: Option<Spanned<Name>>,
        enabled: bool,
    },
    ObjectPermission {
        object: Option<Spanned<Name>>,
        access: ObjectAccess,
        flag_spans: [Option<Span>; 7],
    },
    FieldPermission {
        field: Option<Spanned<Name>>,
        readable: bool,
        editable: bool,
        editable_span: Option<Span>,
    },
    RecordTypeVisibility {
        record_type: Option<Spanned<Name>>,
        visible: bool,
        default: bool,
    },
    /// An app, tab, Apex class or page, custom permission, flow, ... entry.
    Access {
        kind: AccessKind,
        name: Option<Spanned<Name>>,
        granted: bool,
        default: Option<Span>,
    },
    LoginIpRange,
    LoginHours,
    /// An element the model does not keep (layoutAssignments, ...).
    Ignored,
}

impl Entry {
    /// The element name of this kind of entry, for messages.
    fn element(&self) -> &'static str {
        match self {
            Entry::UserPermission { .. } => "userPermissions",
            Entry::ObjectPermission { .. } => "objectPermissions",
            Entry::FieldPermission { .. } => "fieldPermissions",
            Entry::RecordTypeVisibility { .. } => "recordTypeVisibilities",
            Entry::Access { kind, .. } => kind.fields().0,
            Entry::LoginIpRange => "loginIpRanges",
            Entry::LoginHours => "loginHours",
            Entry::Ignored | Entry::None => "entry",
        }
    }

    /// Whether the fields of this entry are read.
    fn is_kept(&self) -> bool {
        !matches!(self, Entry::None | Entry::Ignored)
    }

    fn for_element(name: &[u8]) -> Entry {
        match name {
            b"userPermissions" | b"UserPermission" => Entry::UserPermission {
                name: None,
                enabled: false,
            },
            b"objectPermissions" | b"ObjectPermission" => Entry::ObjectPermission {
                object: None,
                access: ObjectAccess::NONE,
                flag_spans: [None; 7],
            },
            b"fieldPermissions" | b"FieldPermission" => Entry::FieldPermission {
                field: None,
                readable: false,
                editable: false,
                editable_span: None,
            },
            b"recordTypeVisibilities" | b"RecordTypeVisibility" => Entry::RecordTypeVisibility {
                record_type: None,
                visible: false,
                default: false,
            },
            b"loginIpRanges" => Entry::LoginIpRange,
            b"loginHours" => Entry::LoginHours,
            other => match AccessKind::from_element(other) {
                Some(kind) => Entry::Access {
                    kind,
                    name: None,
                    granted: false,
                    default: None,
                },
                None => Entry::Ignored,
            },
        }
    }
}

/// The text of the element being read: borrowed from the file when it is one piece (the usual
/// case), assembled only when entities or CDATA split it.
#[derive(Default)]
enum Value<'a> {
    #[default]
    Empty,
    Borrowed(&'a str),
    Owned(String),
}

impl<'a> Value<'a> {
    #[inline]
    fn push(&mut self, piece: Cow<'a, str>) {
        // The usual case: the element's text in one borrowed piece.
        if let (Value::Empty, Cow::Borrowed(piece)) = (&*self, &piece) {
            *self = Value::Borrowed(piece);
            return;
        }
        self.push_more(piece);
    }

    #[cold]
    fn push_more(&mut self, piece: Cow<'a, str>) {
        *self = match (std::mem::take(self), piece) {
            (Value::Empty, Cow::Borrowed(piece)) => Value::Borrowed(piece),
            (Value::Empty, Cow::Owned(piece)) => Value::Owned(piece),
            (Value::Borrowed(text), piece) => Value::Owned(format!("{text}{piece}")),
            (Value::Owned(mut text), piece) => {
                text.push_str(&piece);
                Value::Owned(text)
            }
        };
    }

    fn push_char(&mut self, c: char) {
        let mut text = match std::mem::take(self) {
            Value::Empty => String::new(),
            Value::Borrowed(text) => text.to_string(),
            Value::Owned(text) => text,
        };
        text.push(c);
        *self = Value::Owned(text);
    }

    fn as_str(&self) -> &str {
        match self {
            Value::Empty => "",
            Value::Borrowed(text) => text,
            Value::Owned(text) => text,
        }
    }
}

/// A located start offset.
#[derive(Clone, Copy)]
struct Mark {
    offset: usize,
    line: u32,
    column: u32,
}

struct Parser<'a> {
    reader: Reader<&'a [u8]>,
    text: &'a str,
    /// The text's allocation, which names share, and where `text` starts in it.
    shared: &'a Arc<String>,
    shared_start: usize,
    file: FileIndex,
    /// Built only when a problem must be located: the model's spans are located later, and only
    /// those a finding points at (see `source::resolve`).
    tracker: Option<LineTracker<'a>>,
    issues: Vec<ParseIssue>,
    /// Set once the root element is known to be the metadata expected.
    in_metadata: bool,
}

/// Root elements of the beta decomposed layout whose single entry is the root itself.
const SINGLE_ENTRY_ROOTS: [&[u8]; 4] = [
    b"UserPermission",
    b"ObjectPermission",
    b"FieldPermission",
    b"RecordTypeVisibility",
];

/// Other beta decomposed roots: valid, but nothing the model keeps.
const IGNORED_PART_ROOTS: [&[u8]; 13] = [
    b"ApplicationVisibility",
    b"ClassAccess",
    b"CustomMetadataTypeAccess",
    b"CustomPermission",
    b"CustomSettingAccess",
    b"ExternalCredentialPrincipalAccess",
    b"ExternalDataSourceAccess",
    b"FlowAccess",
    b"PageAccess",
    b"TabSetting",
    b"EmailRoutingAddressAccess",
    b"ServicePresenceStatusAccess",
    b"AgentAccess",
];

impl<'a> Parser<'a> {
    fn new(source: &'a SourceText, file: FileIndex) -> Self {
        let text = source.text();
        let (shared, shared_start) = source.shared();
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.check_comments = false;
        config.expand_empty_elements = false;
        Self {
            reader,
            text,
            shared,
            shared_start,
            file,
            tracker: None,
            issues: Vec::new(),
            in_metadata: false,
        }
    }

    /// An entry's key: `value` trimmed, as a range of the file's text when it is one (the usual
    /// case), else copied.
    fn name(&self, value: &str) -> Name {
        // A value that starts and ends with a printable ASCII character has nothing to trim.
        let printable = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x80);
        let bytes = value.as_bytes();
        let value = if printable(bytes.first()) && printable(bytes.last()) {
            value
        } else {
            value.trim()
        };
        let offset = (value.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        if offset <= self.text.len() && value.len() <= self.text.len() - offset {
            let start = self.shared_start + offset;
            Name::within(self.shared, start, start + value.len())
        } else {
            Name::from(value)
        }
    }

    /// A span whose line and column are left to be located when a finding needs them.
    fn span(&self, start: usize, end: usize) -> Span {
        Span {
            file: self.file,
            start: start as u32,
            end: end.max(start) as u32,
            line: 0,
            column: 0,
        }
    }

    /// A span located now, for a problem the parser reports itself.
    fn located(&mut self, span: Span) -> Span {
        let text = self.text;
        self.tracker
            .get_or_insert_with(|| LineTracker::new(text))
            .span(span.file, span.start as usize, span.end as usize)
    }

    /// Records where an element starts, so that its span can be completed when the element ends.
    fn mark(&mut self, offset: usize) -> Mark {
        Mark {
            offset,
            line: 0,
            column: 0,
        }
    }

    fn span_from(&self, mark: Mark, end: usize) -> Span {
        Span {
            file: self.file,
            start: mark.offset as u32,
            end: end.max(mark.offset) as u32,
            line: mark.line,
            column: mark.column,
        }
    }

    fn position(&self) -> usize {
        self.reader.buffer_position() as usize
    }

    fn error_at(&mut self, offset: usize, message: impl Into<String>) -> ParseError {
        let end = (offset + 1).min(self.text.len()).max(offset);
        let span = self.span(offset, end);
        ParseError {
            message: message.into(),
            span: self.located(span),
            in_metadata: self.in_metadata,
        }
    }

    fn run(mut self, expect: Expect) -> Result<Parsed, ParseError> {
        let (root_name, root_span, root_is_empty) = self.read_root()?;
        let root_local = local(&root_name);
        let mut body = match root_body(expect, root_local) {
            Some(body) => body,
            None => {
                let found = String::from_utf8_lossy(root_local).into_owned();
                let message = match expect {
                    Expect::Component(kind) => format!(
                        "root element is <{found}>, but a {} file must hold a <{}>",
                        kind.noun(),
                        kind.root_element()
                    ),
                    Expect::DecomposedPart => {
                        format!("root element <{found}> is not part of a decomposed permission set")
                    }
                };
                return Err(ParseError {
                    message,
                    span: self.located(root_span),
                    in_metadata: false,
                });
            }
        };
        self.in_metadata = true;
        if !root_is_empty {
            if SINGLE_ENTRY_ROOTS.contains(&root_local) {
                self.read_single_entry_root(&mut body, root_local, root_span)?;
            } else {
                self.read_children(&mut body)?;
            }
        }
        self.read_epilogue()?;
        Ok(Parsed {
            root: root_span,
            body,
            issues: self.issues,
        })
    }

    /// The next event. The error is boxed (it is met once, at most) so that what is moved for
    /// every event of the file stays the size of the event.
    #[inline(always)]
    fn next(&mut self) -> Result<Event<'a>, Box<ParseError>> {
        self.reader
            .read_event()
            .map_err(|error| self.malformed(error))
    }

    // Out of the loop that reads every event.
    #[cold]
    #[inline(never)]
    fn malformed(&mut self, error: quick_xml::Error) -> Box<ParseError> {
        let at = self.reader.error_position() as usize;
        Box::new(self.error_at(at, format!("XML is not well-formed: {error}")))
    }

    /// Skips the prolog and returns the root element's name and span.
    fn read_root(&mut self) -> Result<(Vec<u8>, Span, bool), ParseError> {
        loop {
            let start = self.position();
            let event = self.next()?;
            match event {
                Event::Start(element) => {
                    let end = self.position();
                    return Ok((
                        element.name().as_ref().as_bytes().to_vec(),
                        self.span(start, end),
                        false,
                    ));
                }
                Event::Empty(element) => {
                    let end = self.position();
                    return Ok((
                        element.name().as_ref().as_bytes().to_vec(),
                        self.span(start, end),
                        true,
                    ));
                }
                Event::Text(text) if is_blank(&text) => {}
                Event::Text(text) => {
                    let at = start + leading_blanks(&text);
                    return Err(self.error_at(at, "text before the root element"));
                }
                Event::CData(_) | Event::GeneralRef(_) => {
                    return Err(self.error_at(start, "text before the root element"));
                }
                Event::DocType(_) => {
                    return Err(self.error_at(
                        start,
                        "DOCTYPE declarations are not allowed in Salesforce metadata (entities are never expanded)",
                    ));
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
                Event::End(_) => {
                    return Err(self.error_at(start, "closing tag without an opening tag"));
                }
                Event::Eof => {
                    return Err(self.error_at(start, "file holds no XML element (empty file?)"));
                }
            }
        }
    }

    /// Everything after the root element may only be whitespace, comments or processing instructions.
    fn read_epilogue(&mut self) -> Result<(), ParseError> {
        loop {
            let start = self.position();
            let event = self.next()?;
            match event {
                Event::Eof => return Ok(()),
                Event::Text(text) if is_blank(&text) => {}
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(text) => {
                    let at = start + leading_blanks(&text);
                    return Err(self.error_at(at, "content after the root element"));
                }
                _ => return Err(self.error_at(start, "content after the root element")),
            }
        }
    }

    /// Reads the children of a `<PermissionSet>`, `<Profile>`, ... root until its end tag.
    fn read_children(&mut self, body: &mut Body) -> Result<(), ParseError> {
        // Depth below the root: 1 = top-level element, 2 = field of an entry, deeper = ignored.
        let mut depth = 0usize;
        let mut entry = Entry::None;
        let mut entry_start = Mark {
            offset: 0,
            line: 1,
            column: 1,
        };
        // The element whose text is being collected, and the depth it sits at.
        let mut capture: Option<(KeptName, usize, Mark)> = None;
        let mut value = Value::default();
        let mut scalars = Seen::default();
        let mut fields = Seen::default();
        loop {
            let start = self.position();
            let event = self.next()?;
            match event {
                Event::Start(element) => {
                    depth += 1;
                    if depth == 1 {
                        let mark = self.mark(start);
                        // Top-level names are searched for a prefix once, for both lookups.
                        let qualified = element.name();
                        let name = local(qualified.as_ref().as_bytes());
                        match kept_name(name).filter(|name| is_scalar(body, name.bytes())) {
                            Some(name) => {
                                capture = Some((name, 1, mark));
                                value = Value::default();
                            }
                            None => {
                                entry = Entry::for_element(name);
                                entry_start = mark;
                                fields.clear();
                            }
                        }
                    } else if depth == 2
                        && entry.is_kept()
                        && let Some(name) = local_name(&element)
                    {
                        let mark = self.mark(start);
                        capture = Some((name, 2, mark));
                        value = Value::default();
                    }
                }
                Event::Empty(element) => {
                    if depth == 0 {
                        let mark = self.mark(start);
                        let end = self.position();
                        let qualified = element.name();
                        let name = local(qualified.as_ref().as_bytes());
                        match kept_name(name).filter(|name| is_scalar(body, name.bytes())) {
                            Some(name) => {
                                self.check_single(&mut scalars, name, None, mark, end);
                                self.set_scalar(body, name.bytes(), "", mark, end);
                            }
                            None => {
                                let empty = Entry::for_element(name);
                                self.finish_entry(body, empty, mark, end);
                            }
                        }
                    } else if depth == 1
                        && entry.is_kept()
                        && let Some(name) = local_name(&element)
                    {
                        let mark = self.mark(start);
                        let end = self.position();
                        self.check_single(&mut fields, name, Some(entry.element()), mark, end);
                        self.set_field(&mut entry, name.bytes(), "", mark, end);
                    }
                }
                Event::End(_) => {
                    if depth == 0 {
                        return Ok(());
                    }
                    let end = self.position();
                    if let Some((name, at, mark)) = capture
                        && at == depth
                    {
                        capture = None;
                        if at == 1 {
                            self.check_single(&mut scalars, name, None, mark, end);
                            self.set_scalar(body, name.bytes(), value.as_str(), mark, end);
                        } else {
                            self.check_single(&mut fields, name, Some(entry.element()), mark, end);
                            self.set_field(&mut entry, name.bytes(), value.as_str(), mark, end);
                        }
                    }
                    if depth == 1 {
                        let done = std::mem::replace(&mut entry, Entry::None);
                        self.finish_entry(body, done, entry_start, end);
                    }
                    depth -= 1;
                }
                other => self.content(other, start, capture.is_some(), &mut value)?,
            }
        }
    }

    /// Beta decomposed layout: the root is itself one entry (`<ObjectPermission>` with its fields).
    fn read_single_entry_root(
        &mut self,
        body: &mut Body,
        root: &[u8],
        root_span: Span,
    ) -> Result<(), ParseError> {
        let mut entry = Entry::for_element(root);
        // The root is one of the static single-entry roots, named as written in messages.
        let root_name: &'static str = SINGLE_ENTRY_ROOTS
            .iter()
            .find(|known| **known == root)
            .and_then(|known| std::str::from_utf8(known).ok())
            .unwrap_or("entry");
        let mut fields = Seen::default();
        let mut depth = 0usize;
        let mut capture: Option<(KeptName, Mark)> = None;
        let mut value = Value::default();
        loop {
            let start = self.position();
            let event = self.next()?;
            match event {
                Event::Start(element) => {
                    depth += 1;
                    if depth == 1
                        && let Some(name) = local_name(&element)
                    {
                        let mark = self.mark(start);
                        capture = Some((name, mark));
                        value = Value::default();
                    }
                }
                Event::Empty(element) => {
                    if depth == 0
                        && let Some(name) = local_name(&element)
                    {
                        let mark = self.mark(start);
                        let end = self.position();
                        self.check_single(&mut fields, name, Some(root_name), mark, end);
                        self.set_field(&mut entry, name.bytes(), "", mark, end);
                    }
                }
                Event::End(_) => {
                    if depth == 0 {
                        let end = self.position();
                        let root = Mark {
                            offset: root_span.start as usize,
                            line: root_span.line,
                            column: root_span.column,
                        };
                        self.finish_entry(body, entry, root, end);
                        return Ok(());
                    }
                    if depth == 1
                        && let Some((name, mark)) = capture.take()
                    {
                        let end = self.position();
                        self.check_single(&mut fields, name, Some(root_name), mark, end);
                        self.set_field(&mut entry, name.bytes(), value.as_str(), mark, end);
                    }
                    depth -= 1;
                }
                other => self.content(other, start, capture.is_some(), &mut value)?,
            }
        }
    }

    /// The events inside the root other than tags: text is collected while an element of the
    /// model is open, comments and processing instructions are skipped, a DOCTYPE or the end of the
    /// file before the root closes are errors.
    #[inline(always)]
    fn content(
        &mut self,
        event: Event<'a>,
        start: usize,
        capturing: bool,
        value: &mut Value<'a>,
    ) -> Result<(), ParseError> {
        match event {
            Event::Text(text) if capturing => value.push(text.into_inner()),
            Event::CData(data) if capturing => value.push(data.into_inner()),
            Event::GeneralRef(reference) => {
                let resolved = self.resolve_reference(&reference, start)?;
                if capturing {
                    value.push_char(resolved);
                }
            }
            Event::DocType(_) => {
                return Err(self.error_at(start, "DOCTYPE declaration inside the document"));
            }
            Event::Eof => {
                return Err(self.error_at(
                    start,
                    "unexpected end of file: the root element is not closed",
                ));
            }
            // Tags are handled by the callers; everything else carries nothing the model keeps.
            _ => {}
        }
        Ok(())
    }

    /// Resolves `&amp;`-style references. Only the five predefined entities and character references
    /// exist in metadata; anything else would need a DTD, which is never read.
    fn resolve_reference(
        &mut self,
        reference: &quick_xml::events::BytesRef<'_>,
        start: usize,
    ) -> Result<char, ParseError> {
        let name: &str = reference;
        let predefined = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => None,
        };
        if let Some(c) = predefined {
            return Ok(c);
        }
        match reference.resolve_char_ref() {
            // The characters XML forbids are forbidden however they are written: `&#27;` is no
            // more allowed than the byte itself (and would reach terminals in messages).
            Ok(Some(c)) if !is_xml_char(c) => Err(self.error_at(
                start,
                format!(
                    "character reference &{name}; stands for U+{:04X}, which is not allowed in XML",
                    c as u32
                ),
            )),
            Ok(Some(c)) => Ok(c),
            Ok(None) => Err(self.error_at(
                start,
                format!("undefined entity &{name}; (only the predefined XML entities are allowed)"),
            )),
            Err(error) => Err(self.error_at(
                start,
                format!("invalid character reference &{name};: {error}"),
            )),
        }
    }

    /// Salesforce refuses a single-valued element given twice ("Element name is duplicated at this
    /// location"); without this the model would silently keep only the last of two conflicting
    /// values, hiding for instance a `<name>ViewAllData</name>` followed by a harmless name.
    fn check_single(
        &mut self,
        seen: &mut Seen,
        name: KeptName,
        entry: Option<&str>,
        mark: Mark,
        end: usize,
    ) {
        // The first occurrence is the usual case; names that may repeat are looked up only after.
        if seen.first(name) || is_list(name.bytes()) {
            return;
        }
        let element = String::from_utf8_lossy(name.bytes());
        let message = match entry {
            Some(entry) => format!(
                "<{element}> appears more than once in one <{entry}> entry; Salesforce rejects the file"
            ),
            None => format!("<{element}> appears more than once; Salesforce rejects the file"),
        };
        self.issue(mark, end, message);
    }

    /// A value no metadata name comes near: reported, and left out of the model so that messages
    /// quoting names stay short.
    fn too_long(&mut self, name: &[u8], value: &str, mark: Mark, end: usize) {
        let element = String::from_utf8_lossy(name);
        let message = format!(
            "<{element}> holds {} characters, more than any Salesforce name ({MAX_VALUE_BYTES} bytes at most are read)",
            value.chars().count()
        );
        self.issue(mark, end, message);
    }

    fn issue(&mut self, mark: Mark, end: usize, message: String) {
        let span = self.span_from(mark, end);
        let span = self.located(span);
        self.issues.push(ParseIssue {
            message,
            span,
            in_metadata: true,
        });
    }

    /// An `xsd:boolean` (`true`, `false`, `1`, `0`; case-insensitive as retrieved files say `True`),
    /// or `None` after reporting anything else.
    fn parse_boolean(
        &mut self,
        element: &[u8],
        value: &str,
        mark: Mark,
        end: usize,
    ) -> Option<bool> {
        // Retrieved files write exactly `true` or `false`: decide those without trimming.
        match value {
            "true" => return Some(true),
            "false" => return Some(false),
            _ => {}
        }
        let value = value.trim();
        if value.eq_ignore_ascii_case("true") || value == "1" {
            Some(true)
        } else if value.eq_ignore_ascii_case("false") || value == "0" {
            Some(false)
        } else {
            let element = String::from_utf8_lossy(element);
            let found = excerpt(value);
            self.issue(
                mark,
                end,
                format!("<{element}> must be true or false, found {found}"),
            );
            None
        }
    }

    /// A grant flag: an unreadable value grants nothing.
    fn boolean(&mut self, element: &[u8], value: &str, mark: Mark, end: usize) -> bool {
        self.parse_boolean(element, value, mark, end)
            .unwrap_or(false)
    }

    fn set_scalar(&mut self, body: &mut Body, name: &[u8], value: &str, mark: Mark, end: usize) {
        if value.len() > MAX_VALUE_BYTES {
            self.too_long(name, value, mark, end);
            return;
        }
        let span = self.span_from(mark, end);
        let text = || Spanned::new(value.trim().to_string(), span);
        match body {
            Body::Permissions(container) => match name {
                b"license" => container.license = Some(text()),
                // Profiles name their license `userLicense`; older permission sets did too.
                b"userLicense"
                    if container.license.is_none() || container.kind == MetadataKind::Profile =>
                {
                    container.license = Some(text());
                }
                b"label" => container.label = Some(text()),
                // An unreadable value leaves these unknown rather than guessing `false`: a
                // profile must not pass for a standard one because its <custom> is garbled.
                b"custom" => {
                    container.custom = self
                        .parse_boolean(name, value, mark, end)
                        .map(|custom| Spanned::new(custom, span));
                }
                b"hasActivationRequired" => {
                    container.has_activation_required = self
                        .parse_boolean(name, value, mark, end)
                        .map(|required| Spanned::new(required, span));
                }
                _ => {}
            },
            Body::Group(group) => match name {
                b"label" => group.label = Some(text()),
                b"permissionSets" => group.permission_sets.push(text()),
                b"mutingPermissionSets" => group.muting_permission_sets.push(text()),
                _ => {}
            },
            Body::SessionSetting(setting) => match name {
                b"profile" => setting.profile = Some(text()),
                b"requiredSessionLevel" => setting.required_session_level = Some(text()),
                _ => {}
            },
        }
    }

    fn set_field(&mut self, entry: &mut Entry, name: &[u8], value: &str, mark: Mark, end: usize) {
        if value.len() > MAX_VALUE_BYTES {
            self.too_long(name, value, mark, end);
            return;
        }
        let span = self.span_from(mark, end);
        match entry {
            Entry::UserPermission { name: key, enabled } => match name {
                b"name" => *key = Some(Spanned::new(self.name(value), span)),
                b"enabled" => *enabled = self.boolean(name, value, mark, end),
                _ => {}
            },
            Entry::ObjectPermission {
                object,
                access,
                flag_spans,
            } => {
                if name == b"object" {
                    *object = Some(Spanned::new(self.name(value), span));
                } else if let Some(flag) = ObjectFlag::from_element_bytes(name)
                    && self.boolean(name, value, mark, end)
                {
                    access.insert(flag);
                    flag_spans[flag as usize] = Some(span);
                }
            }
            Entry::FieldPermission {
                field,
                readable,
                editable,
                editable_span,
            } => match name {
                b"field" => *field = Some(Spanned::new(self.name(value), span)),
                b"readable" => *readable = self.boolean(name, value, mark, end),
                b"editable" => {
                    *editable = self.boolean(name, value, mark, end);
                    *editable_span = Some(span);
                }
                _ => {}
            },
            Entry::RecordTypeVisibility {
                record_type,
                visible,
                default,
            } => match name {
                b"recordType" => *record_type = Some(Spanned::new(self.name(value), span)),
                b"visible" => *visible = self.boolean(name, value, mark, end),
                b"default" => *default = self.boolean(name, value, mark, end),
                _ => {}
            },
            Entry::Access {
                kind,
                name: key,
                granted,
                default,
            } => {
                let (_, key_field, grant_field) = kind.fields();
                if name == key_field.as_bytes() {
                    *key = Some(Spanned::new(self.name(value), span));
                } else if name == grant_field.as_bytes() {
                    *granted = kind.grants(value.trim());
                } else if *kind == AccessKind::Application
                    && name == b"default"
                    && self.boolean(name, value, mark, end)
                {
                    *default = Some(span);
                }
            }
            Entry::LoginIpRange | Entry::LoginHours | Entry::Ignored | Entry::None => {}
        }
    }

    fn finish_entry(&mut self, body: &mut Body, entry: Entry, mark: Mark, end: usize) {
        let Body::Permissions(container) = body else {
            return;
        };
        let span = self.span_from(mark, end);
        let grants = &mut container.grants;
        match entry {
            Entry::UserPermission { name, enabled } => match name {
                Some(name) if !name.value.is_empty() => {
                    grants.user_permissions.push(UserPermission {
                        name,
                        enabled,
                        span,
                    })
                }
                _ => self.missing_key(mark, end, "userPermissions", "name"),
            },
            Entry::ObjectPermission {
                object,
                access,
                flag_spans,
            } => match object {
                Some(object) if !object.value.is_empty() => {
                    grants.object_permissions.push(ObjectPermission {
                        object,
                        access,
                        flag_spans,
                        span,
                    })
                }
                _ => self.missing_key(mark, end, "objectPermissions", "object"),
            },
            Entry::FieldPermission {
                field,
                readable,
                editable,
                editable_span,
            } => match field {
                Some(field) if !field.value.is_empty() => {
                    grants.field_permissions.push(FieldPermission {
                        field,
                        readable,
                        editable,
                        editable_span,
                        span,
                    })
                }
                _ => self.missing_key(mark, end, "fieldPermissions", "field"),
            },
            Entry::RecordTypeVisibility {
                record_type,
                visible,
                default,
            } => match record_type {
                Some(record_type) if !record_type.value.is_empty() => {
                    grants.record_type_visibilities.push(RecordTypeVisibility {
                        record_type,
                        visible,
                        default,
                        span,
                    })
                }
                _ => self.missing_key(mark, end, "recordTypeVisibilities", "recordType"),
            },
            // An entry without its name is left for Salesforce to reject: no rule reads these.
            Entry::Access {
                kind,
                name: Some(name),
                granted,
                default,
            } if !name.value.is_empty() => grants.access.push(AccessGrant {
                kind,
                name,
                granted,
                default,
                span,
            }),
            Entry::Access { .. } => {}
            Entry::LoginIpRange => container.login_ip_ranges.push(span),
            Entry::LoginHours => container.login_hours = Some(span),
            Entry::Ignored | Entry::None => {}
        }
    }

    fn missing_key(&mut self, mark: Mark, end: usize, entry: &str, key: &str) {
        self.issue(
            mark,
            end,
            format!("<{entry}> entry has no <{key}>; Salesforce rejects it"),
        );
    }
}

fn root_body(expect: Expect, root: &[u8]) -> Option<Body> {
    let permissions = |kind| Some(Body::Permissions(PermissionContainer::new(kind)));
    match expect {
        Expect::Component(kind) if root == kind.root_element().as_bytes() => match kind {
            MetadataKind::PermissionSetGroup => Some(Body::Group(PermissionSetGroup {
                label: None,
                permission_sets: Vec::new(),
                muting_permission_sets: Vec::new(),
            })),
            MetadataKind::ProfileSessionSetting => {
                Some(Body::SessionSetting(crate::model::SessionSetting::default()))
            }
            kind => permissions(kind),
        },
        Expect::Component(_) => None,
        Expect::DecomposedPart
            if root == b"PermissionSet"
                || SINGLE_ENTRY_ROOTS.contains(&root)
                || IGNORED_PART_ROOTS.contains(&root) =>
        {
            permissions(MetadataKind::PermissionSet)
        }
        Expect::DecomposedPart => None,
    }
}

/// Names of the single-valued elements met so far in one entry or root.
#[derive(Default)]
struct Seen(u32);

impl Seen {
    /// Whether this is the first occurrence of `name`; records it.
    fn first(&mut self, name: KeptName) -> bool {
        let bit = 1u32 << name.0;
        let first = self.0 & bit == 0;
        self.0 |= bit;
        first
    }

    fn clear(&mut self) {
        self.0 = 0;
    }
}

/// Kept elements that may repeat: the members of a permission set group.
fn is_list(name: &[u8]) -> bool {
    matches!(name, b"permissionSets" | b"mutingPermissionSets")
}

fn is_scalar(body: &Body, name: &[u8]) -> bool {
    match body {
        Body::Permissions(_) => matches!(
            name,
            b"license" | b"userLicense" | b"label" | b"custom" | b"hasActivationRequired"
        ),
        Body::Group(_) => matches!(name, b"label" | b"permissionSets" | b"mutingPermissionSets"),
        Body::SessionSetting(_) => matches!(name, b"profile" | b"requiredSessionLevel"),
    }
}

/// A value quoted in a message, cut short: a 10 MB value must not become a 10 MB line of output.
fn excerpt(value: &str) -> String {
    const LIMIT: usize = 40;
    match value.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!(
            "{:?}... ({} characters)",
            &value[..cut],
            value.chars().count()
        ),
        None => format!("{value:?}"),
    }
}

/// The name without a namespace prefix: `md:Profile` and `Profile` are the same element.
fn local(name: &[u8]) -> &[u8] {
    // Names are a few bytes long: a plain scan beats setting up a vectorised search.
    match name.iter().position(|&b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    }
}

/// The local name of an element whose text the model keeps, as a static string; `None` for every
/// other element, whose text is then not even collected.
fn local_name(element: &BytesStart<'_>) -> Option<KeptName> {
    let qualified = element.name();
    let qualified = qualified.as_ref().as_bytes();
    // Metadata is hardly ever prefixed, and no kept name holds a colon: the whole name is tried
    // first, and only a name that is not kept is searched for a prefix.
    kept_name(qualified).or_else(|| {
        let name = local(qualified);
        (name.len() < qualified.len())
            .then(|| kept_name(name))
            .flatten()
    })
}

/// Every element name whose text the model reads.
const KEPT: [&[u8]; 32] = [
    b"tab",
    b"name",
    b"flow",
    b"field",
    b"label",
    b"object",
    b"custom",
    b"enabled",
    b"visible",
    b"default",
    b"license",
    b"profile",
    b"apexPage",
    b"readable",
    b"editable",
    b"apexClass",
    b"allowEdit",
    b"allowRead",
    b"visibility",
    b"recordType",
    b"application",
    b"allowCreate",
    b"allowDelete",
    b"userLicense",
    b"viewAllFields",
    b"viewAllRecords",
    b"permissionSets",
    b"modifyAllRecords",
    b"externalDataSource",
    b"mutingPermissionSets",
    b"requiredSessionLevel",
    b"hasActivationRequired",
];

/// A name of [`KEPT`], by its index: compared and recorded as a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct KeptName(u8);

impl KeptName {
    fn bytes(self) -> &'static [u8] {
        KEPT[self.0 as usize]
    }
}

/// The [`KEPT`] name `name` is, if any. It runs for every element of every file: arms of byte-string
/// literals compile to a dispatch on the length and word comparisons, cheaper than any lookup
/// through the table.
fn kept_name(name: &[u8]) -> Option<KeptName> {
    Some(KeptName(match name {
        b"tab" => 0,
        b"name" => 1,
        b"flow" => 2,
        b"field" => 3,
        b"label" => 4,
        b"object" => 5,
        b"custom" => 6,
        b"enabled" => 7,
        b"visible" => 8,
        b"default" => 9,
        b"license" => 10,
        b"profile" => 11,
        b"apexPage" => 12,
        b"readable" => 13,
        b"editable" => 14,
        b"apexClass" => 15,
        b"allowEdit" => 16,
        b"allowRead" => 17,
        b"visibility" => 18,
        b"recordType" => 19,
        b"application" => 20,
        b"allowCreate" => 21,
        b"allowDelete" => 22,
        b"userLicense" => 23,
        b"viewAllFields" => 24,
        b"viewAllRecords" => 25,
        b"permissionSets" => 26,
        b"modifyAllRecords" => 27,
        b"externalDataSource" => 28,
        b"mutingPermissionSets" => 29,
        b"requiredSessionLevel" => 30,
        b"hasActivationRequired" => 31,
        _ => return None,
    }))
}

fn is_blank(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_whitespace())
}

/// Stray text is reported where it starts, not where the whitespace before it does, which may be
/// lines earlier.
fn leading_blanks(text: &str) -> usize {
    text.bytes().take_while(u8::is_ascii_whitespace).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, span: Span) -> (u32, u32) {
        LineTracker::new(text).locate(span.start as usize)
    }

    fn permissions(text: &str, kind: MetadataKind) -> PermissionContainer {
        match parse(text, 0, Expect::Component(kind))
            .expect("parses")
            .body
        {
            Body::Permissions(container) => container,
            _ => panic!("expected permissions"),
        }
    }

    #[test]
    fn kept_names_are_found_by_their_length_and_nothing_else_is() {
        for (index, name) in KEPT.iter().enumerate() {
            assert_eq!(kept_name(name), Some(KeptName(index as u8)));
            assert_eq!(KeptName(index as u8).bytes(), *name);
            // The same name with its last letter in the other case is not taken for it.
            let mut other = name.to_vec();
            *other.last_mut().unwrap() ^= 0x20;
            assert_eq!(
                kept_name(&other),
                None,
                "{}",
                String::from_utf8_lossy(&other)
            );
        }
        // A bitmask records them.
        assert!(KEPT.len() <= u32::BITS as usize);
        for other in [
            &b"layoutAssignments"[..],
            b"Name",
            b"tabs",
            b"",
            b"fieldx",
            b"descriptio",
        ] {
            assert_eq!(kept_name(other), None);
        }
    }

    #[test]
    fn reads_entries_with_positions() {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>Integration</label>\n    <objectPermissions>\n        <allowEdit>True</allowEdit>\n        <allowRead>false</allowRead>\n        <object>Account</object>\n    </objectPermissions>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>ApiEnabled</name>\n    </userPermissions>\n</PermissionSet>\n";
        let set = permissions(text, MetadataKind::PermissionSet);
        assert_eq!(set.label.as_ref().unwrap().value, "Integration");
        let object = &set.grants.object_permissions[0];
        assert_eq!(object.object.value, "Account");
        assert!(object.access.contains(ObjectFlag::Edit));
        assert!(!object.access.contains(ObjectFlag::Read));
        // The model leaves positions to be located when a finding needs them.
        assert_eq!(object.span.line, 0);
        assert_eq!(at(text, object.span), (4, 5));
        assert_eq!(at(text, object.flag_span(ObjectFlag::Edit)).0, 5);
        assert_eq!(at(text, object.object.span).0, 7);
        let permission = &set.grants.user_permissions[0];
        assert_eq!(permission.name.value, "ApiEnabled");
        assert!(permission.enabled);
        assert_eq!(at(text, permission.name.span).0, 11);
    }

    #[test]
    fn handles_prefixes_entities_comments_and_split_tags() {
        let text = "\u{feff}<md:Profile xmlns:md=\"urn:x\"><!-- c --><md:userLicense>Salesforce &amp; Co&#46;</md:userLicense><md:custom\n>TRUE</md:custom><md:fieldPermissions><md:editable>false</md:editable><md:field><![CDATA[Account.Name]]></md:field><md:readable>true</md:readable></md:fieldPermissions></md:Profile>";
        let source = decode(text.as_bytes().to_vec(), 0).unwrap();
        // The names share the decoded text, which starts after the byte order mark.
        let Body::Permissions(profile) =
            parse_source(&source, 0, Expect::Component(MetadataKind::Profile))
                .unwrap()
                .body
        else {
            panic!("expected permissions");
        };
        assert_eq!(profile.license.unwrap().value, "Salesforce & Co.");
        assert!(profile.custom.unwrap().value);
        assert_eq!(
            profile.grants.field_permissions[0].field.value,
            "Account.Name"
        );
        assert!(profile.grants.field_permissions[0].readable);
    }

    #[test]
    fn keys_are_trimmed_whether_shared_with_the_text_or_copied() {
        let text = "<PermissionSet>\
            <userPermissions><enabled>true</enabled><name>ApiEnabled</name></userPermissions>\
            <userPermissions><enabled>true</enabled><name>\n  ViewSetup\t</name></userPermissions>\
            <userPermissions><enabled>true</enabled><name>\u{a0}RunReports\u{2003}</name></userPermissions>\
            <userPermissions><enabled>true</enabled><name> A&amp;B </name></userPermissions>\
            <userPermissions><enabled>true</enabled><ps:name xmlns:ps=\"urn:x\">Ps\u{e9}</ps:name></userPermissions>\
            <userPermissions><enabled>true</enabled><name> </name></userPermissions>\
            </PermissionSet>";
        let parsed = parse(text, 0, Expect::Component(MetadataKind::PermissionSet)).unwrap();
        let Body::Permissions(set) = parsed.body else {
            panic!("expected permissions");
        };
        let names: Vec<&str> = set
            .grants
            .user_permissions
            .iter()
            .map(|permission| permission.name.value.as_str())
            .collect();
        // Unicode white space is trimmed as ASCII is; a key of white space only is no key.
        assert_eq!(
            names,
            ["ApiEnabled", "ViewSetup", "RunReports", "A&B", "Ps\u{e9}"]
        );
        assert_eq!(
            parsed.issues[0].message,
            "<userPermissions> entry has no <name>; Salesforce rejects it"
        );
        for permission in &set.grants.user_permissions {
            assert_eq!(
                permission.name.value.len(),
                permission.name.value.as_str().len()
            );
        }
    }

    #[test]
    fn wrong_root_is_an_error_at_the_root() {
        let text = "<?xml version=\"1.0\"?>\n<Package xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n<types/></Package>";
        let error = parse(text, 0, Expect::Component(MetadataKind::Profile)).unwrap_err();
        assert_eq!(
            error.message,
            "root element is <Package>, but a profile file must hold a <Profile>"
        );
        assert_eq!((error.span.line, error.span.column), (2, 1));
    }

    #[test]
    fn malformed_xml_is_positioned() {
        let text = "<PermissionSet>\n  <label>x</labl>\n</PermissionSet>";
        let error = parse(text, 0, Expect::Component(MetadataKind::PermissionSet)).unwrap_err();
        assert!(
            error.message.starts_with("XML is not well-formed"),
            "{}",
            error.message
        );
        assert_eq!(error.span.line, 2);
    }

    #[test]
    fn truncated_and_empty_files_are_errors() {
        let truncated = "<PermissionSet>\n  <label>x</label>\n";
        assert!(parse(truncated, 0, Expect::Component(MetadataKind::PermissionSet)).is_err());
        let empty = parse("", 0, Expect::Component(MetadataKind::PermissionSet)).unwrap_err();
        assert!(empty.message.contains("no XML element"));
    }

    #[test]
    fn stray_text_is_reported_where_it_starts() {
        let before = "\n\n   hello\n<PermissionSet/>\n";
        let error = parse(before, 0, Expect::Component(MetadataKind::PermissionSet)).unwrap_err();
        assert_eq!(error.message, "text before the root element");
        assert_eq!((error.span.line, error.span.column), (3, 4));
        let after = "<PermissionSet/>\r\n\r\n  junk\n";
        let error = parse(after, 0, Expect::Component(MetadataKind::PermissionSet)).unwrap_err();
        assert_eq!(error.message, "content after the root element");
        assert_eq!((error.span.line, error.span.column), (3, 3));
    }

    #[test]
    fn single_valued_elements_given_twice_are_issues() {
        let text = "<PermissionSet>\n<label>A</label>\n<label>B</label>\n<userPermissions>\n<enabled>true</enabled>\n<name>ViewAllData</name>\n<name>ApiEnabled</name>\n</userPermissions>\n</PermissionSet>";
        let parsed = parse(text, 0, Expect::Component(MetadataKind::PermissionSet)).unwrap();
        let issues: Vec<_> = parsed
            .issues
            .iter()
            .map(|issue| (issue.span.line, issue.message.as_str()))
            .collect();
        assert_eq!(
            issues,
            [
                (
                    3,
                    "<label> appears more than once; Salesforce rejects the file"
                ),
                (
                    7,
                    "<name> appears more than once in one <userPermissions> entry; Salesforce rejects the file"
                ),
            ]
        );
        let beta = "<ObjectPermission><object>A</object><allowRead>true</allowRead><allowRead>false</allowRead><object>B</object></ObjectPermission>";
        let parsed = parse(beta, 0, Expect::DecomposedPart).unwrap();
        let messages: Vec<_> = parsed
            .issues
            .iter()
            .map(|issue| issue.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "<allowRead> appears more than once in one <ObjectPermission> entry; Salesforce rejects the file",
                "<object> appears more than once in one <ObjectPermission> entry; Salesforce rejects the file",
            ]
        );
        // Repeated entries and the members of a group are lists, not duplicates of one value.
        let group = "<PermissionSetGroup><permissionSets>A</permissionSets><permissionSets>B</permissionSets></PermissionSetGroup>";
        let parsed = parse(
            group,
            0,
            Expect::Component(MetadataKind::PermissionSetGroup),
        )
        .unwrap();
        assert!(parsed.issues.is_empty());
    }

    #[test]
    fn entities_from_a_doctype_are_refused() {
        let text = "<!DOCTYPE lolz [<!ENTITY lol \"lol\">]><PermissionSet><label>&lol;</label></PermissionSet>";
        let error = parse(text, 0, Expect::Component(MetadataKind::PermissionSet)).unwrap_err();
        assert!(error.message.contains("DOCTYPE"));
    }

    #[test]
    fn bad_booleans_and_missing_keys_are_issues() {
        let text = "<PermissionSet><objectPermissions><allowRead>yes</allowRead></objectPermissions><userPermissions><enabled>true</enabled><name>ApiEnabled</name></userPermissions></PermissionSet>";
        let parsed = parse(text, 0, Expect::Component(MetadataKind::PermissionSet)).unwrap();
        let messages: Vec<_> = parsed
            .issues
            .iter()
            .map(|issue| issue.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "<allowRead> must be true or false, found \"yes\"",
                "<objectPermissions> entry has no <object>; Salesforce rejects it"
            ]
        );
    }

    #[test]
    fn xsd_booleans_and_garbled_flags() {
        let text = "<Profile><custom>maybe</custom><userPermissions><enabled>1</enabled><name>ApiEnabled</name></userPermissions></Profile>";
        let parsed = parse(text, 0, Expect::Component(MetadataKind::Profile)).unwrap();
        let Body::Permissions(profile) = parsed.body else {
            panic!()
        };
        // Unknown, not "standard": a garbled <custom> must not exempt the profile from rules.
        assert_eq!(profile.custom, None);
        assert!(!profile.is_standard_profile());
        assert!(profile.grants.user_permissions[0].enabled);
        assert_eq!(parsed.issues.len(), 1);
    }

    #[test]
    fn reads_where_a_profile_marks_its_default_application() {
        let text = "<Profile>\n    <applicationVisibilities>\n        <application>Sales</application>\n        <default>true</default>\n        <visible>true</visible>\n    </applicationVisibilities>\n    <applicationVisibilities>\n        <application>Ops</application>\n        <default>false</default>\n        <visible>true</visible>\n    </applicationVisibilities>\n    <tabVisibilities>\n        <tab>Ops</tab>\n        <visibility>DefaultOn</visibility>\n    </tabVisibilities>\n</Profile>";
        let profile = permissions(text, MetadataKind::Profile);
        let apps: Vec<(&str, Option<(u32, u32)>)> = profile
            .grants
            .access
            .iter()
            .filter(|grant| grant.kind == AccessKind::Application)
            .map(|grant| {
                (
                    grant.name.value.as_str(),
                    grant.default.map(|span| at(text, span)),
                )
            })
            .collect();
        assert_eq!(apps, [("Sales", Some((4, 9))), ("Ops", None)]);
        // A profile's tab visibility is a tab grant, with no default of its own.
        let tabs: Vec<(&str, bool)> = profile
            .grants
            .access
            .iter()
            .filter(|grant| grant.kind == AccessKind::Tab)
            .map(|grant| (grant.name.value.as_str(), grant.granted))
            .collect();
        assert_eq!(tabs, [("Ops", true)]);
    }

    #[test]
    fn reads_profile_session_settings() {
        let text = "<ProfileSessionSetting xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <profile>Integration</profile>\n    <requiredSessionLevel>HIGH_ASSURANCE</requiredSessionLevel>\n    <sessionTimeout>TwoHours</sessionTimeout>\n</ProfileSessionSetting>";
        let parsed = parse(
            text,
            0,
            Expect::Component(MetadataKind::ProfileSessionSetting),
        )
        .unwrap();
        let Body::SessionSetting(setting) = parsed.body else {
            panic!()
        };
        assert_eq!(setting.profile.unwrap().value, "Integration");
        let level = setting.required_session_level.unwrap();
        assert_eq!(level.value, "HIGH_ASSURANCE");
        assert_eq!(at(text, level.span).0, 3);
    }

    #[test]
    fn long_bad_values_are_quoted_short() {
        let long = "y".repeat(100);
        let text = format!(
            "<PermissionSet><userPermissions><enabled>{long}</enabled><name>ApiEnabled</name></userPermissions></PermissionSet>"
        );
        let parsed = parse(&text, 0, Expect::Component(MetadataKind::PermissionSet)).unwrap();
        assert_eq!(
            parsed.issues[0].message,
            format!(
                "<enabled> must be true or false, found \"{}\"... (100 characters)",
                "y".repeat(40)
            )
        );
    }

    #[test]
    fn reads_groups() {
        let text = "<PermissionSetGroup><label>G</label><permissionSets>A</permissionSets><permissionSets>B</permissionSets><mutingPermissionSets>M</mutingPermissionSets></PermissionSetGroup>";
        let parsed = parse(text, 0, Expect::Component(MetadataKind::PermissionSetGroup)).unwrap();
        let Body::Group(group) = parsed.body else {
            panic!()
        };
        let names: Vec<_> = group
            .permission_sets
            .iter()
            .map(|s| s.value.as_str())
            .collect();
        assert_eq!(names, ["A", "B"]);
        assert_eq!(group.muting_permission_sets[0].value, "M");
    }

    #[test]
    fn reads_single_entry_parts_of_the_beta_layout() {
        let text = "<ObjectPermission xmlns=\"x\">\n<allowRead>true</allowRead>\n<object>Broker__c</object>\n</ObjectPermission>";
        let parsed = parse(text, 0, Expect::DecomposedPart).unwrap();
        let Body::Permissions(set) = parsed.body else {
            panic!()
        };
        assert_eq!(set.grants.object_permissions[0].object.value, "Broker__c");
        assert!(
            set.grants.object_permissions[0]
                .access
                .contains(ObjectFlag::Read)
        );
    }

    #[test]
    fn rejects_utf16_and_invalid_utf8() {
        assert!(
            decode(vec![0xFF, 0xFE, b'<', 0], 0)
                .unwrap_err()
                .message
                .contains("UTF-16")
        );
        let error = decode(b"<a>\n\xC3\x28</a>".to_vec(), 0).unwrap_err();
        assert_eq!(
            (error.span.line, error.span.column, error.span.start),
            (2, 1, 4)
        );
        // After a byte order mark, offsets count from the text that follows it.
        let error = decode(b"\xEF\xBB\xBF<a>\n\xC3\x28</a>".to_vec(), 0).unwrap_err();
        assert_eq!(
            (error.span.line, error.span.column, error.span.start),
            (2, 1, 4)
        );
        assert_eq!(error.message, "file is not valid UTF-8 (invalid byte 0xC3)");
    }

    #[test]
    fn control_characters_and_utf16_without_bom_are_refused() {
        let le: Vec<u8> = "<PermissionSet/>".bytes().flat_map(|b| [b, 0]).collect();
        let be: Vec<u8> = "<PermissionSet/>".bytes().flat_map(|b| [0, b]).collect();
        for bytes in [le, be] {
            let error = decode(bytes.clone(), 0).unwrap_err();
            assert_eq!(
                error.message,
                "file looks like UTF-16 without a byte order mark; Salesforce metadata files must be UTF-8"
            );
            assert_eq!(
                (error.span.line, error.span.column),
                (1, 1 + (bytes[1] == 0) as u32)
            );
        }
        let error = decode(b"<PermissionSet>\r\n\t<label>a\x00b</label>".to_vec(), 0).unwrap_err();
        assert_eq!(error.message, "character U+0000 is not allowed in XML");
        assert_eq!((error.span.line, error.span.column), (2, 10));
        let error = decode("<a>\u{c}</a>".into(), 0).unwrap_err();
        assert_eq!(error.message, "character U+000C is not allowed in XML");
        assert!(decode(b"<a>\t\r\n</a>".to_vec(), 0).is_ok());
    }

    #[test]
    fn the_block_scan_finds_the_first_control_character_wherever_it_is() {
        let naive = |bytes: &[u8]| {
            bytes
                .iter()
                .position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
        };
        // Every byte value, at every place of a block, before, across and after block edges.
        for len in [0, 1, 63, 64, 65, 127, 128, 130, 200] {
            let clean: Vec<u8> = (0..len).map(|i| b"ab\t\n\r <>x"[i % 9]).collect();
            assert_eq!(first_control_character(&clean), None);
            for at in 0..len {
                for byte in 0..=u8::MAX {
                    let mut bytes = clean.clone();
                    bytes[at] = byte;
                    // A second control character later must not be the one reported.
                    if at + 1 < len {
                        bytes[len - 1] = 0;
                    }
                    assert_eq!(
                        first_control_character(&bytes),
                        naive(&bytes),
                        "{len} {at} {byte}"
                    );
                }
            }
        }
    }

    #[test]
    fn deep_nesting_inside_an_ignored_element_is_tolerated() {
        let depth = 100_000;
        let mut text = String::from("<PermissionSet><description>");
        text.push_str(&"<x>".repeat(depth));
        text.push_str(&"</x>".repeat(depth));
        text.push_str("</description></PermissionSet>");
        assert!(parse(&text, 0, Expect::Component(MetadataKind::PermissionSet)).is_ok());
    }
}
