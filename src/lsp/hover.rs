//! What the catalog tells while writing: hover on a user permission's API name (its label, what it
//! requires and implies, why it is risky), and completion of API names inside the `<name>` of a
//! `<userPermissions>` entry.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionResponse, CompletionTextEdit, Documentation,
    Hover, HoverContents, MarkupContent, MarkupKind, Position, TextEdit,
};

use super::convert::LineIndex;
use crate::catalog::Catalog;

/// Names listed in a hover before the rest are counted.
const LISTED: usize = 8;

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The byte range of the word of name characters around `offset`.
fn word_at(text: &str, offset: usize) -> (usize, usize) {
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name_char(*c))
        .last()
        .map_or(offset, |(at, _)| at);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_name_char(*c))
        .map_or(text.len(), |(at, _)| offset + at);
    (start, end)
}

pub fn hover(text: &str, position: Position, catalog: &Catalog) -> Option<Hover> {
    let index = LineIndex::new(text);
    let offset = index.offset(position);
    let (start, end) = word_at(text, offset);
    let name = &text[start..end];
    if !catalog.is_known(name) {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: describe(catalog, name),
        }),
        range: Some(index.range(start, end)),
    })
}

/// A permission as the catalog knows it, in Markdown; every string is the catalog's own.
fn describe(catalog: &Catalog, name: &str) -> String {
    let mut out = format!("**{name}**");
    if let Some(label) = catalog.label(name) {
        out.push_str(&format!(" ({label})"));
    }
    out.push_str(": a user permission.");
    let list = |names: Vec<&str>| {
        let mut shown: Vec<String> = names
            .iter()
            .take(LISTED)
            .map(|name| format!("`{}`", catalog.describe(name)))
            .collect();
        if names.len() > LISTED {
            shown.push(format!("{} more", names.len() - LISTED));
        }
        shown.join(", ")
    };
    let requires: Vec<&str> = catalog
        .dependencies()
        .iter()
        .filter(|dependency| dependency.permission == name && dependency.severity.is_some())
        .map(|dependency| dependency.requires.as_str())
        .collect();
    if !requires.is_empty() {
        out.push_str(&format!(
            "\n\nRequires {} (Salesforce rejects or turns on what is missing).",
            list(requires)
        ));
    }
    let required_by: Vec<&str> = catalog
        .dependencies()
        .iter()
        .filter(|dependency| dependency.requires == name && dependency.severity.is_some())
        .map(|dependency| dependency.permission.as_str())
        .collect();
    if !required_by.is_empty() {
        out.push_str(&format!("\n\nRequired by {}.", list(required_by)));
    }
    for wide in catalog
        .org_wide_access()
        .iter()
        .filter(|wide| wide.permission == name)
    {
        let access: Vec<&str> = wide.access.iter().map(|flag| flag.label()).collect();
        out.push_str(&format!(
            "\n\nImplies {} on every object, never field-level security.",
            access.join(", ")
        ));
    }
    if let Some(dangerous) = catalog
        .dangerous
        .iter()
        .find(|dangerous| dangerous.name == name)
    {
        out.push_str(&format!("\n\nHigh risk: {}.", dangerous.why));
    }
    out
}

/// Whether `offset` is in the text of a `<name>` element whose parent is `<userPermissions>`;
/// where that text starts.
fn in_permission_name(text: &str, offset: usize) -> Option<usize> {
    let before = &text[..offset];
    let open = before.rfind('<')?;
    let tag_end = open + before[open..].find('>')?;
    if &before[open..=tag_end] != "<name>" {
        return None;
    }
    // Walk back over the entry's other fields to the element that holds them.
    let mut at = open;
    for _ in 0..8 {
        let tag_open = text[..at].rfind('<')?;
        let tag = &text[tag_open..at];
        let tag = tag.split('>').next().unwrap_or(tag).trim();
        match tag {
            "<userPermissions" => return Some(tag_end + 1),
            "<enabled" | "</enabled" | "</name" => at = tag_open,
            _ if tag.starts_with("<!--") => at = tag_open,
            _ => return None,
        }
    }
    None
}

pub fn completion(text: &str, position: Position, catalog: &Catalog) -> Option<CompletionResponse> {
    let index = LineIndex::new(text);
    let offset = index.offset(position);
    let start = in_permission_name(text, offset)?;
    if !text[start..offset].chars().all(is_name_char) {
        return None;
    }
    let (_, end) = word_at(text, offset);
    let range = index.range(start, end);
    let items = catalog
        .names()
        .iter()
        .map(|&name| CompletionItem {
            label: name.to_string(),
            kind: Some(CompletionItemKind::ENUM_MEMBER),
            detail: catalog.label(name).map(str::to_string),
            documentation: Some(Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: describe(catalog, name),
            })),
            // Labels are what people know a permission by: typing one finds its API name.
            filter_text: Some(match catalog.label(name) {
                Some(label) => format!("{name} {label}"),
                None => name.to_string(),
            }),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range,
                new_text: name.to_string(),
            })),
            ..CompletionItem::default()
        })
        .collect();
    Some(CompletionResponse::Array(items))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SET: &str = "<PermissionSet>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>ApiEn</name>\n    </userPermissions>\n    <fieldPermissions>\n        <field>Account.Name</field>\n    </fieldPermissions>\n</PermissionSet>\n";

    #[test]
    fn completes_only_inside_a_user_permission_name() {
        let at = |needle: &str| {
            let offset = SET.find(needle).unwrap() + needle.len();
            LineIndex::new(SET).position(offset)
        };
        let Some(CompletionResponse::Array(items)) =
            completion(SET, at("<name>Api"), Catalog::get())
        else {
            panic!("no completion in <name>");
        };
        let api = items
            .iter()
            .find(|item| item.label == "ApiEnabled")
            .unwrap();
        assert_eq!(api.detail.as_deref(), Some("API Enabled"));
        let Some(CompletionTextEdit::Edit(edit)) = &api.text_edit else {
            panic!("no edit")
        };
        // The whole word is replaced, not only what precedes the cursor.
        assert_eq!(edit.range.start, Position::new(3, 14));
        assert_eq!(edit.range.end, Position::new(3, 19));
        assert!(completion(SET, at("<field>Acc"), Catalog::get()).is_none());
        assert!(completion(SET, at("<enabled>tr"), Catalog::get()).is_none());
    }

    #[test]
    fn hover_names_the_label_and_dependencies() {
        let text = "<name>ViewAllData</name>";
        let shown = hover(text, Position::new(0, 9), Catalog::get()).unwrap();
        let HoverContents::Markup(content) = shown.contents else {
            panic!("not markup")
        };
        assert!(
            content.value.starts_with("**ViewAllData** (View All Data)"),
            "{}",
            content.value
        );
        assert!(content.value.contains("Implies"), "{}", content.value);
        assert!(hover(text, Position::new(0, 2), Catalog::get()).is_none());
    }
}
