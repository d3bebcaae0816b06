//! What object and field definitions say that permission rules need: a field's type, whether it is
//! required, a formula, or the detail side of a master-detail relationship; an object's fields and
//! record types when one Metadata API `.object` file holds them. Everything else in these files is
//! skipped unread. No I/O: texts come from [`crate::definitions`].

use std::collections::{BTreeMap, BTreeSet};

use quick_xml::events::Event;
use quick_xml::reader::Reader;

use crate::source::{LineTracker, Span};

/// A field as its `CustomField` definition describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldDefinition {
    /// `<type>` as written (`Text`, `MasterDetail`, `Summary`, `AutoNumber`, ...); a standard field's
    /// file often has none.
    pub field_type: Option<String>,
    /// `<required>true</required>`.
    pub required: bool,
    /// Has a `<formula>`: its value is computed.
    pub formula: bool,
    /// `<referenceTo>`: the parent object of a lookup or master-detail field.
    pub reference_to: Option<String>,
}

impl FieldDefinition {
    pub fn is_master_detail(&self) -> bool {
        self.field_type.as_deref() == Some("MasterDetail")
    }

    /// Why no one can edit the field's value, if no one can: it is computed.
    pub fn computed(&self) -> Option<&'static str> {
        if self.formula {
            return Some("a formula field");
        }
        match self.field_type.as_deref() {
            Some("Summary") => Some("a roll-up summary field"),
            Some("AutoNumber") => Some("an auto-number field"),
            _ => None,
        }
    }
}

/// What the rules know of one object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectDefinition {
    /// By field API name.
    pub fields: BTreeMap<String, FieldDefinition>,
    /// Developer names.
    pub record_types: BTreeSet<String>,
}

impl ObjectDefinition {
    /// The master objects of this object's master-detail fields (the object is their detail).
    pub fn masters(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().filter_map(|(name, field)| {
            field
                .is_master_detail()
                .then_some(())
                .and(field.reference_to.as_deref())
                .map(|master| (name.as_str(), master))
        })
    }
}

/// A definition file that could not be read, with the 1-based line where reading stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionError {
    pub line: u32,
    pub message: String,
}

/// Reads a source-format `<Field>.field-meta.xml` (root `CustomField`).
pub fn parse_field(text: &str) -> Result<FieldDefinition, DefinitionError> {
    let mut field = FieldDefinition::default();
    read(text, "CustomField", |element| {
        if let [name] = element.path {
            apply_field(&mut field, name, element.text);
        }
    })?;
    Ok(field)
}

/// Reads a Metadata API `<Object>.object` (root `CustomObject`), which holds its fields and record
/// types. A source-format `.object-meta.xml` holds neither, and reads as an empty definition.
pub fn parse_object(text: &str) -> Result<ObjectDefinition, DefinitionError> {
    let mut object = ObjectDefinition::default();
    // Fields are read in document order: the one being read and its name, once seen.
    let mut current: Option<(Option<String>, FieldDefinition)> = None;
    let finish = |current: &mut Option<(Option<String>, FieldDefinition)>,
                  object: &mut ObjectDefinition| {
        if let Some((Some(name), field)) = current.take() {
            object.fields.insert(name, field);
        }
    };
    read(text, "CustomObject", |element| match element.path {
        ["fields"] => finish(&mut current, &mut object),
        ["fields", "fullName"] => {
            current.get_or_insert_with(Default::default).0 = Some(element.text.to_string());
        }
        ["fields", name] => apply_field(
            &mut current.get_or_insert_with(Default::default).1,
            name,
            element.text,
        ),
        ["recordTypes", "fullName"] => {
            object.record_types.insert(element.text.to_string());
        }
        _ => {}
    })?;
    finish(&mut current, &mut object);
    Ok(object)
}

fn apply_field(field: &mut FieldDefinition, name: &str, value: &str) {
    match name {
        "type" => field.field_type = Some(value.to_string()),
        "required" => field.required = value == "true",
        "formula" => field.formula = !value.is_empty(),
        "referenceTo" => field.reference_to = Some(value.to_string()),
        _ => {}
    }
}

/// One element read: its path below the root (empty for the root), its trimmed text, the whole
/// element and its start tag.
pub(crate) struct Element<'e> {
    pub path: &'e [&'e str],
    pub text: &'e str,
    pub span: Span,
    pub start_tag: Span,
}

/// Streams `text`, whose root must be `root`, and calls `found` for the root when it opens and for
/// every element at most two deep below it when it closes (with its trimmed text; an element that
/// holds others has only the text after its last child, which is whitespace). The one reader of
/// definition files: fields, objects, OAuth policies.
pub(crate) fn read(
    text: &str,
    root: &str,
    mut found: impl FnMut(Element<'_>),
) -> Result<(), DefinitionError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let error_at = |offset: u64, message: String| DefinitionError {
        line: LineTracker::new(text).locate(offset as usize).0,
        message,
    };
    let span = |start: u64, end: u64| Span {
        file: 0,
        start: start as u32,
        end: end as u32,
        line: 0,
        column: 0,
    };
    // The open elements below the root: name and where its start tag begins and ends.
    let mut open: Vec<(String, u64, u64)> = Vec::new();
    let mut value = String::new();
    let mut seen_root = false;
    loop {
        let at = reader.buffer_position();
        match reader.read_event() {
            Err(error) => return Err(error_at(at, error.to_string())),
            Ok(Event::Start(start)) | Ok(Event::Empty(start)) if !seen_root => {
                let name = local(start.name().as_ref());
                if name != root {
                    return Err(error_at(
                        at,
                        format!("root element is <{name}>, expected <{root}>"),
                    ));
                }
                seen_root = true;
                let tag = span(at, reader.buffer_position());
                found(Element {
                    path: &[],
                    text: "",
                    span: tag,
                    start_tag: tag,
                });
                if text.as_bytes()[..reader.buffer_position() as usize].ends_with(b"/>") {
                    // `<Root/>`: nothing below it.
                    return Ok(());
                }
            }
            Ok(Event::Start(start)) => {
                open.push((local(start.name().as_ref()), at, reader.buffer_position()));
                value.clear();
            }
            Ok(Event::Empty(start)) => {
                let end = reader.buffer_position();
                open.push((local(start.name().as_ref()), at, end));
                value.clear();
                close(&mut open, "", end, &span, &mut found);
            }
            Ok(Event::Text(text)) => value.push_str(&text.into_inner()),
            Ok(Event::CData(data)) => value.push_str(&data.into_inner()),
            Ok(Event::GeneralRef(reference)) => {
                let name: &str = &reference;
                if let Ok(resolved) = quick_xml::escape::unescape(&format!("&{name};")) {
                    value.push_str(&resolved);
                }
            }
            Ok(Event::End(_)) => {
                if open.is_empty() {
                    return Ok(());
                }
                let text = std::mem::take(&mut value);
                close(
                    &mut open,
                    text.trim(),
                    reader.buffer_position(),
                    &span,
                    &mut found,
                );
            }
            Ok(Event::Eof) => {
                return Err(error_at(
                    at,
                    if seen_root {
                        "unexpected end of file".to_string()
                    } else {
                        format!("no <{root}> element")
                    },
                ));
            }
            Ok(_) => {}
        }
    }
}

/// Reports the innermost open element, which ends at `end`, if it is at most two deep.
fn close(
    open: &mut Vec<(String, u64, u64)>,
    text: &str,
    end: u64,
    span: &impl Fn(u64, u64) -> Span,
    found: &mut impl FnMut(Element<'_>),
) {
    if open.len() <= 2 {
        let names: Vec<&str> = open.iter().map(|(name, _, _)| name.as_str()).collect();
        let (_, start, tag_end) = open[open.len() - 1];
        found(Element {
            path: &names,
            text,
            span: span(start, end),
            start_tag: span(start, tag_end),
        });
    }
    open.pop();
}

fn local(name: &str) -> String {
    name.rsplit_once(':')
        .map_or(name, |(_, local)| local)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_rules_need_from_a_field() {
        let field = parse_field(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">
    <fullName>Invoice__c</fullName>
    <label>Invoice</label>
    <referenceTo>Invoice__c</referenceTo>
    <relationshipName>Lines</relationshipName>
    <type>MasterDetail</type>
    <valueSet><valueSetDefinition><value><fullName>type</fullName></value></valueSetDefinition></valueSet>
</CustomField>
"#,
        )
        .unwrap();
        assert!(field.is_master_detail());
        assert_eq!(field.reference_to.as_deref(), Some("Invoice__c"));
        assert!(!field.required);
        assert_eq!(field.computed(), None);

        let formula = parse_field(
            "<CustomField><formula>Amount__c &gt; 0 &amp;&amp; true</formula><type>Checkbox</type><required>false</required></CustomField>",
        )
        .unwrap();
        assert_eq!(formula.computed(), Some("a formula field"));
        let summary =
            parse_field("<CustomField><type>Summary</type><required>true</required></CustomField>")
                .unwrap();
        assert_eq!(summary.computed(), Some("a roll-up summary field"));
        assert!(summary.required);
        assert_eq!(
            parse_field("<CustomField/>").unwrap(),
            FieldDefinition::default()
        );
    }

    #[test]
    fn reads_fields_and_record_types_of_a_metadata_api_object() {
        let object = parse_object(
            "<CustomObject xmlns=\"http://soap.sforce.com/2006/04/metadata\">
  <fields><fullName>Name__c</fullName><required>true</required><type>Text</type></fields>
  <fields><type>AutoNumber</type><fullName>Number__c</fullName></fields>
  <fields><fullName>Order__c</fullName><referenceTo>Order__c</referenceTo><type>MasterDetail</type></fields>
  <label>Line</label>
  <recordTypes><fullName>Retail</fullName><active>true</active></recordTypes>
</CustomObject>",
        )
        .unwrap();
        assert_eq!(
            object.fields.keys().collect::<Vec<_>>(),
            vec!["Name__c", "Number__c", "Order__c"]
        );
        assert!(object.fields["Name__c"].required);
        assert_eq!(
            object.fields["Number__c"].computed(),
            Some("an auto-number field")
        );
        assert_eq!(
            object.masters().collect::<Vec<_>>(),
            vec![("Order__c", "Order__c")]
        );
        assert_eq!(
            object.record_types.iter().collect::<Vec<_>>(),
            vec!["Retail"]
        );
    }

    #[test]
    fn broken_files_say_where() {
        let error =
            parse_field("<CustomField>\n<type>Text</type>\n<required>true</requ>\n</CustomField>")
                .unwrap_err();
        assert_eq!(error.line, 3);
        let error = parse_field("<CustomObject/>").unwrap_err();
        assert_eq!(
            error.message,
            "root element is <CustomObject>, expected <CustomField>"
        );
        assert!(parse_field("<CustomField><type>Text</type>").is_err());
        assert!(parse_field("").is_err());
    }
}
