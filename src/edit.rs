//! Edits of metadata files as byte ranges on the original text. An edited file keeps every byte
//! outside its edits: line endings, indentation, byte order mark, comments, namespace prefix, the
//! final line break or its absence. A new entry goes where a retrieve from Salesforce would put it
//! (elements in alphabetical order of their names, entries of one kind sorted by their key, the
//! fields of an entry alphabetical) and copies the file's own indentation.
//!
//! [`Layout`] reads the structure edits need (the root's children, their keys and spans, the
//! indentation) with a streaming pass, separate from the model: the model keeps what rules reason
//! about, this keeps where things are written.

use std::borrow::Cow;
use std::ops::Range;

use quick_xml::Reader;
use quick_xml::events::Event;

/// Replace `range` of the text with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

/// Applies `edits` (in any order) to `text`. Overlapping edits keep the first in position order and
/// drop the others, which a later pass may apply again on the new text; returns the text and how
/// many edits were dropped.
pub fn apply(text: &str, mut edits: Vec<Edit>) -> (String, usize) {
    edits.sort_by(|a, b| {
        a.range
            .start
            .cmp(&b.range.start)
            .then(a.range.end.cmp(&b.range.end))
    });
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    let mut dropped = 0;
    for edit in edits {
        // Insertions at one point stay in order; anything reaching into what an earlier edit
        // replaced waits for the next pass.
        if edit.range.start < at || edit.range.end > text.len() {
            dropped += 1;
            continue;
        }
        out.push_str(&text[at..edit.range.start]);
        out.push_str(&edit.text);
        at = edit.range.end;
    }
    out.push_str(&text[at..]);
    (out, dropped)
}

/// One element directly inside the root, or inside an entry.
#[derive(Debug, Clone)]
pub struct Element<'a> {
    /// The local name (without a namespace prefix).
    pub name: &'a str,
    /// From `<` of the start tag to the end of the end tag.
    pub range: Range<usize>,
    /// Where the element's line starts, when only whitespace stands before it on its line.
    pub line_start: Option<usize>,
    /// The element's text, for an element holding only text.
    pub text: Option<Cow<'a, str>>,
    /// The range of that text (between the tags).
    pub text_range: Option<Range<usize>>,
    /// The elements inside it (one level).
    pub children: Vec<Element<'a>>,
    /// Just after the start tag; the end for an empty element.
    pub open_end: usize,
    /// Where the end tag starts; the end for an empty element.
    pub close_start: usize,
}

impl<'a> Element<'a> {
    /// The child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element<'a>> {
        self.children.iter().find(|child| child.name == name)
    }

    /// The text of the entry's key field (`<name>` of a user permission, `<object>`, `<field>`).
    pub fn key(&self) -> Option<&str> {
        key_field(self.name)
            .and_then(|field| self.child(field))
            .and_then(|child| child.text.as_deref())
    }
}

/// The field that identifies an entry of each kind, by which a retrieve sorts them.
pub fn key_field(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "userPermissions"
        | "customPermissions"
        | "customMetadataTypeAccesses"
        | "customSettingAccesses" => "name",
        "objectPermissions" => "object",
        "fieldPermissions" => "field",
        "recordTypeVisibilities" => "recordType",
        "classAccesses" => "apexClass",
        "pageAccesses" => "apexPage",
        "tabSettings" | "tabVisibilities" => "tab",
        "applicationVisibilities" => "application",
        "flowAccesses" => "flow",
        "externalDataSourceAccesses" => "externalDataSource",
        "layoutAssignments" => "layout",
        _ => return None,
    })
}

/// Where an element belongs among siblings: by name, then (entries of one kind) by key; byte order,
/// as retrieved files have it.
pub fn canonical_order(
    a_name: &str,
    a_key: Option<&str>,
    b_name: &str,
    b_key: Option<&str>,
) -> std::cmp::Ordering {
    a_name.cmp(b_name).then_with(|| a_key.cmp(&b_key))
}

/// The structure of a metadata file, as edits need it.
#[derive(Debug, Clone)]
pub struct Layout<'a> {
    /// The root's qualified name prefix (`md:` or empty), used for new elements.
    pub prefix: String,
    /// Just after the root's start tag.
    pub root_open_end: usize,
    /// The root's end tag.
    pub root_close: Range<usize>,
    pub children: Vec<Element<'a>>,
    /// `\r\n` or `\n`, as most lines of the file end.
    pub newline: &'static str,
    /// The indentation of one level (four spaces, a tab, ...), as the file writes it.
    pub indent: String,
}

impl<'a> Layout<'a> {
    /// Reads the structure of `text`, or `None` for a file that is not well-formed.
    pub fn read(text: &'a str) -> Option<Layout<'a>> {
        let mut reader = Reader::from_str(text);
        reader.config_mut().check_end_names = true;
        // (element, depth) being built; depth 1 = root's child, 2 = an entry's field.
        let mut stack: Vec<Element<'a>> = Vec::new();
        let mut root: Option<(&'a str, usize)> = None;
        let mut children = Vec::new();
        loop {
            let start = reader.buffer_position() as usize;
            let event = reader.read_event().ok()?;
            let end = reader.buffer_position() as usize;
            match event {
                Event::Start(tag) => {
                    let qualified = tag_name(text, start, tag.name().as_ref().len());
                    if root.is_none() {
                        root = Some((qualified, end));
                        continue;
                    }
                    stack.push(Element {
                        name: local(qualified),
                        range: start..end,
                        line_start: line_start(text, start),
                        text: None,
                        text_range: None,
                        children: Vec::new(),
                        open_end: end,
                        close_start: end,
                    });
                }
                Event::Empty(tag) => {
                    let qualified = tag_name(text, start, tag.name().as_ref().len());
                    // An empty root element has no entries to edit.
                    root.as_ref()?;
                    let element = Element {
                        name: local(qualified),
                        range: start..end,
                        line_start: line_start(text, start),
                        text: Some(Cow::Borrowed("")),
                        text_range: Some(end..end),
                        children: Vec::new(),
                        open_end: end,
                        close_start: end,
                    };
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(element),
                        None => children.push(element),
                    }
                }
                Event::Text(content) => {
                    // Whitespace between tags is not a value: skipping it spares an allocation per
                    // line; whitespace after a value's first piece belongs to it.
                    let blank = content.as_ref().bytes().all(|b| b.is_ascii_whitespace());
                    if let Some(open) = stack.last_mut()
                        && open.children.is_empty()
                        && !(blank && open.text.is_none())
                    {
                        // Entities come as their own events, so a text event is its raw text.
                        drop(content);
                        let piece = &text[start..end];
                        match &mut open.text {
                            None => open.text = Some(Cow::Borrowed(piece)),
                            Some(value) => value.to_mut().push_str(piece),
                        }
                        let range = open.text_range.get_or_insert(start..end);
                        range.end = end;
                    }
                }
                Event::GeneralRef(reference) => {
                    if let Some(open) = stack.last_mut() {
                        let name: &str = &reference;
                        let resolved = match name {
                            "amp" => '&',
                            "lt" => '<',
                            "gt" => '>',
                            "quot" => '"',
                            "apos" => '\'',
                            _ => reference.resolve_char_ref().ok().flatten()?,
                        };
                        open.text
                            .get_or_insert(Cow::Borrowed(""))
                            .to_mut()
                            .push(resolved);
                        let range = open.text_range.get_or_insert(start..end);
                        range.end = end;
                    }
                }
                Event::End(_) => match stack.pop() {
                    Some(mut element) => {
                        element.range.end = end;
                        element.close_start = start;
                        if !element.children.is_empty() {
                            element.text = None;
                            element.text_range = None;
                        } else if element.text.is_none() {
                            element.text = Some(Cow::Borrowed(""));
                            element.text_range = Some(start..start);
                        }
                        match stack.last_mut() {
                            Some(parent) => parent.children.push(element),
                            None => children.push(element),
                        }
                    }
                    None => {
                        let (qualified, root_open_end) = root?;
                        let qualified = qualified.to_string();
                        let prefix = qualified
                            .split_once(':')
                            .map(|(prefix, _)| format!("{prefix}:"))
                            .unwrap_or_default();
                        let newline = newline_of(text);
                        let indent = if newline.is_empty() {
                            String::new()
                        } else {
                            indent_unit(text, &children)
                        };
                        return Some(Layout {
                            prefix,
                            root_open_end,
                            root_close: start..end,
                            children,
                            newline,
                            indent,
                        });
                    }
                },
                Event::Eof => return None,
                _ => {}
            }
        }
    }

    /// The child of the root at `offset` (the entry a span of the model points into).
    pub fn entry_at(&self, offset: usize) -> Option<&Element<'a>> {
        self.children
            .iter()
            .find(|child| child.range.start <= offset && offset < child.range.end)
    }

    /// The indentation of the root's children, as the file writes it.
    fn child_indent(&self, text: &str) -> String {
        self.children
            .iter()
            .find_map(|child| {
                child
                    .line_start
                    .map(|start| text[start..child.range.start].to_string())
            })
            .unwrap_or_else(|| self.indent.clone())
    }

    /// An edit inserting `xml` (an element, without indentation or line break) among the root's
    /// children where a retrieve would write it: `kind` elements sorted by `key`.
    pub fn insert_entry(&self, text: &str, kind: &str, key: Option<&str>, xml: &str) -> Edit {
        let indent = self.child_indent(text);
        let nl = self.newline;
        // Among the entries of its kind when the file has some, wherever they stand (a file out of
        // canonical order keeps its entries together); else where the canonical order puts it.
        let same_kind = || self.children.iter().filter(|child| child.name == kind);
        let after = match same_kind().next_back() {
            Some(last) => same_kind().find(|child| child.key() > key).or_else(|| {
                let next = self
                    .children
                    .iter()
                    .position(|child| std::ptr::eq(child, last))?
                    + 1;
                self.children.get(next)
            }),
            None => self
                .children
                .iter()
                .find(|child| canonical_order(child.name, child.key(), kind, key).is_gt()),
        };
        match after {
            // Before the first element that sorts after it, on a line of its own.
            Some(next) => match next.line_start {
                Some(line) => Edit {
                    range: line..line,
                    text: format!("{indent}{xml}{nl}"),
                },
                None => Edit {
                    range: next.range.start..next.range.start,
                    text: format!("{xml}{nl}{indent}"),
                },
            },
            // Last: before the root's end tag.
            None => match line_start(text, self.root_close.start) {
                Some(line) => Edit {
                    range: line..line,
                    text: format!("{indent}{xml}{nl}"),
                },
                None => Edit {
                    range: self.root_close.start..self.root_close.start,
                    text: format!("{nl}{indent}{xml}{nl}"),
                },
            },
        }
    }

    /// An element of `kind` with `fields` (name, text) in alphabetical order, indented as the file
    /// indents an entry's fields.
    pub fn entry_xml(&self, text: &str, kind: &str, fields: &[(&str, &str)]) -> String {
        let indent = self.child_indent(text);
        let inner = self
            .children
            .iter()
            .find_map(|child| {
                let first = child.children.first()?;
                Some(text[first.line_start?..first.range.start].to_string())
            })
            .unwrap_or_else(|| format!("{indent}{}", self.indent));
        let nl = self.newline;
        let p = &self.prefix;
        let mut sorted: Vec<&(&str, &str)> = fields.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        let mut xml = format!("<{p}{kind}>");
        for (name, value) in sorted {
            xml.push_str(&format!(
                "{nl}{inner}<{p}{name}>{}</{p}{name}>",
                escape_text(value)
            ));
        }
        xml.push_str(&format!("{nl}{indent}</{p}{kind}>"));
        xml
    }

    /// An edit setting the text of `field` inside `entry` to `value`, adding the field where a
    /// retrieve would write it when the entry lacks it.
    pub fn set_field(&self, text: &str, entry: &Element, field: &str, value: &str) -> Edit {
        if let Some(existing) = entry.child(field)
            && let Some(range) = &existing.text_range
        {
            return Edit {
                range: range.clone(),
                text: escape_text(value),
            };
        }
        let p = &self.prefix;
        let xml = format!("<{p}{field}>{}</{p}{field}>", escape_text(value));
        let nl = self.newline;
        let after = entry.children.iter().find(|child| child.name > field);
        let indent = entry
            .children
            .iter()
            .find_map(|child| {
                child
                    .line_start
                    .map(|line| text[line..child.range.start].to_string())
            })
            .unwrap_or_default();
        match after {
            Some(next) => match next.line_start {
                Some(line) => Edit {
                    range: line..line,
                    text: format!("{indent}{xml}{nl}"),
                },
                None => Edit {
                    range: next.range.start..next.range.start,
                    text: xml,
                },
            },
            None => match entry.children.last() {
                // After the last field's line, comments at its end included.
                Some(last) if last.line_start.is_some() && !indent.is_empty() => {
                    let line_end = line_end(text, last.range.end);
                    Edit {
                        range: line_end..line_end,
                        text: format!("{nl}{indent}{xml}"),
                    }
                }
                Some(last) => Edit {
                    range: last.range.end..last.range.end,
                    text: xml,
                },
                None => Edit {
                    range: entry.range.start..entry.range.start,
                    text: xml,
                },
            },
        }
    }

    /// An edit removing `element` with its line when it stands alone on it.
    pub fn remove(&self, text: &str, element: &Element) -> Edit {
        let end = element.range.end;
        match element.line_start {
            Some(line) => {
                let rest = &text[end..];
                let blank = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                let after = end + blank;
                let line_end = if text[after..].starts_with("\r\n") {
                    after + 2
                } else if text[after..].starts_with('\n') {
                    after + 1
                } else {
                    end
                };
                Edit {
                    range: line..line_end,
                    text: String::new(),
                }
            }
            None => Edit {
                range: element.range.clone(),
                text: String::new(),
            },
        }
    }
}

/// Where and why `text` is not well-formed XML (for a text [`Layout::read`] refused).
pub fn xml_error(text: &str) -> (usize, String) {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    loop {
        let start = reader.buffer_position() as usize;
        match reader.read_event() {
            Err(error) => return (reader.error_position() as usize, error.to_string()),
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) => {
                let reason = if depth > 0 {
                    "the file ends inside an element"
                } else {
                    "no root element"
                };
                return (start, reason.to_string());
            }
            Ok(_) => {}
        }
    }
}

/// The line break most lines of `text` end with: `\r\n`, `\n` or a lone `\r`; none for a file on
/// one line, whose new elements then stay on that line.
fn newline_of(text: &str) -> &'static str {
    let (mut crlf, mut lf, mut cr) = (0usize, 0usize, 0usize);
    let bytes = text.as_bytes();
    for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        match bytes[at] {
            b'\n' if at > 0 && bytes[at - 1] == b'\r' => crlf += 1,
            b'\n' => lf += 1,
            _ => cr += 1,
        }
    }
    // Each CR LF was also counted as a lone CR.
    let cr = cr - crlf;
    if crlf == 0 && lf == 0 && cr == 0 {
        ""
    } else if crlf >= lf && crlf >= cr {
        "\r\n"
    } else if lf >= cr {
        "\n"
    } else {
        "\r"
    }
}

/// Where the line holding `offset` ends, before its line break.
pub(crate) fn line_end(text: &str, offset: usize) -> usize {
    let rest = &text[offset..];
    let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    offset + end
}

/// The start of the line holding `offset`, when only spaces and tabs stand before it there.
pub(crate) fn line_start(text: &str, offset: usize) -> Option<usize> {
    let before = &text[..offset];
    let start = before.rfind('\n').map_or(0, |at| at + 1);
    before[start..]
        .chars()
        .all(|c| c == ' ' || c == '\t')
        .then_some(start)
}

/// One level of indentation: the indentation of the root's first child on a line of its own, or
/// four spaces, as Salesforce writes.
fn indent_unit(text: &str, children: &[Element]) -> String {
    children
        .iter()
        .find_map(|child| {
            let indent = &text[child.line_start?..child.range.start];
            (!indent.is_empty()).then(|| indent.to_string())
        })
        .unwrap_or_else(|| "    ".to_string())
}

/// The name of the tag starting at `start` (after its `<`), borrowed from the text.
fn tag_name(text: &str, start: usize, len: usize) -> &str {
    text.get(start + 1..start + 1 + len).unwrap_or("")
}

fn local(qualified: &str) -> &str {
    qualified
        .rsplit_once(':')
        .map_or(qualified, |(_, name)| name)
}

/// Text content as XML writes it.
pub fn escape_text(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SET: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\r\n\t<label>Ops</label>\r\n\t<objectPermissions>\r\n\t\t<allowEdit>true</allowEdit>\r\n\t\t<allowRead>false</allowRead>\r\n\t\t<object>Lead</object>\r\n\t</objectPermissions>\r\n\t<userPermissions>\r\n\t\t<enabled>true</enabled>\r\n\t\t<name>ViewSetup</name>\r\n\t</userPermissions>\r\n</PermissionSet>";

    #[test]
    fn reads_children_keys_and_the_file_style() {
        let layout = Layout::read(SET).unwrap();
        assert_eq!(layout.newline, "\r\n");
        assert_eq!(layout.indent, "\t");
        let names: Vec<(&str, Option<&str>)> = layout
            .children
            .iter()
            .map(|child| (child.name, child.key()))
            .collect();
        assert_eq!(
            names,
            [
                ("label", None),
                ("objectPermissions", Some("Lead")),
                ("userPermissions", Some("ViewSetup"))
            ]
        );
    }

    #[test]
    fn a_new_entry_goes_where_a_retrieve_writes_it_in_the_files_style() {
        let layout = Layout::read(SET).unwrap();
        let xml = layout.entry_xml(
            SET,
            "userPermissions",
            &[("name", "ApiEnabled"), ("enabled", "true")],
        );
        let edit = layout.insert_entry(SET, "userPermissions", Some("ApiEnabled"), &xml);
        let (out, dropped) = apply(SET, vec![edit]);
        assert_eq!(dropped, 0);
        assert!(out.contains("\t</objectPermissions>\r\n\t<userPermissions>\r\n\t\t<enabled>true</enabled>\r\n\t\t<name>ApiEnabled</name>\r\n\t</userPermissions>\r\n\t<userPermissions>\r\n\t\t<enabled>true</enabled>\r\n\t\t<name>ViewSetup</name>"), "{out}");
        // A kind the file does not have yet goes between the kinds around it.
        let xml = layout.entry_xml(
            SET,
            "fieldPermissions",
            &[
                ("field", "Lead.Email"),
                ("readable", "true"),
                ("editable", "false"),
            ],
        );
        let edit = layout.insert_entry(SET, "fieldPermissions", Some("Lead.Email"), &xml);
        let (out, _) = apply(SET, vec![edit]);
        assert!(out.contains("metadata\">\r\n\t<fieldPermissions>\r\n\t\t<editable>false</editable>\r\n\t\t<field>Lead.Email</field>\r\n\t\t<readable>true</readable>\r\n\t</fieldPermissions>\r\n\t<label>Ops</label>"), "{out}");
        assert!(
            out.ends_with("</PermissionSet>"),
            "no line break added at the end"
        );
    }

    #[test]
    fn fields_are_set_in_place_or_added_in_order_and_entries_removed_with_their_line() {
        let layout = Layout::read(SET).unwrap();
        let entry = &layout.children[1];
        let read = layout.set_field(SET, entry, "allowRead", "true");
        let view = layout.set_field(SET, entry, "viewAllRecords", "true");
        let (out, _) = apply(SET, vec![read, view]);
        assert!(out.contains("\t\t<allowRead>true</allowRead>\r\n\t\t<object>Lead</object>\r\n\t\t<viewAllRecords>true</viewAllRecords>\r\n\t</objectPermissions>"), "{out}");
        let removed = layout.remove(SET, &layout.children[2]);
        let (out, _) = apply(SET, vec![removed]);
        assert!(
            out.contains("\t</objectPermissions>\r\n</PermissionSet>"),
            "{out}"
        );
    }

    #[test]
    fn a_namespace_prefix_is_kept_on_new_elements() {
        let text = "<md:PermissionSet xmlns:md=\"http://soap.sforce.com/2006/04/metadata\">\n    <md:label>x</md:label>\n</md:PermissionSet>\n";
        let layout = Layout::read(text).unwrap();
        let xml = layout.entry_xml(
            text,
            "userPermissions",
            &[("enabled", "true"), ("name", "ApiEnabled")],
        );
        let (out, _) = apply(
            text,
            vec![layout.insert_entry(text, "userPermissions", Some("ApiEnabled"), &xml)],
        );
        assert!(out.contains("    <md:label>x</md:label>\n    <md:userPermissions>\n        <md:enabled>true</md:enabled>\n        <md:name>ApiEnabled</md:name>\n    </md:userPermissions>\n</md:PermissionSet>\n"), "{out}");
    }

    #[test]
    fn overlapping_edits_wait_for_the_next_pass() {
        let edits = vec![
            Edit {
                range: 0..4,
                text: "x".into(),
            },
            Edit {
                range: 2..3,
                text: "y".into(),
            },
            Edit {
                range: 6..6,
                text: "z".into(),
            },
        ];
        assert_eq!(apply("abcdefgh", edits), ("xefzgh".to_string(), 1));
    }
}
