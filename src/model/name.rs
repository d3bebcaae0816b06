//! The key of an entry (`Account.Industry`, `ViewAllData`, `MyApexClass`) as the model holds it.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// An entry's key: a range of the text of the file it was read from, which it shares, or a text
/// of its own when it was not written in one piece (`&amp;` references) or made by the program.
///
/// A profile holds hundreds of thousands of entries. Copying each key into an allocation of its
/// own, and freeing it again, was the largest cost of building the model after the XML tokenizer;
/// a shared range costs a reference count. It compares, hashes and orders as the `str` it stands
/// for, so maps keyed by `Name` can be searched with a `&str`.
#[derive(Clone)]
pub struct Name {
    text: Arc<String>,
    start: u32,
    end: u32,
}

impl Name {
    /// A name over `text[start..end]`, which must lie on character boundaries.
    pub(crate) fn within(text: &Arc<String>, start: usize, end: usize) -> Name {
        debug_assert!(text.get(start..end).is_some());
        Name {
            text: Arc::clone(text),
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn as_str(&self) -> &str {
        // Both ends were character boundaries of this very text when the name was made.
        self.text
            .get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }

    /// The length in bytes, known without reading the text: most names an entry is compared with
    /// differ in length.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The name's bytes, without checking character boundaries again as slicing a `str` does:
    /// comparisons run over hundreds of thousands of entries, and bytes compare and order as
    /// the text does.
    pub fn as_bytes(&self) -> &[u8] {
        self.text
            .as_bytes()
            .get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }
}

impl From<String> for Name {
    fn from(text: String) -> Name {
        let end = text.len();
        Name {
            text: Arc::new(text),
            start: 0,
            end: end as u32,
        }
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name::from(text.to_string())
    }
}

impl Default for Name {
    fn default() -> Name {
        Name::from(String::new())
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        self.len() == other.len() && self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Name {}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.len() == other.len() && self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.len() == other.len() && self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.len() == other.len() && self.as_bytes() == other.as_bytes()
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> std::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn a_shared_range_is_the_text_it_covers() {
        let text = Arc::new("<name>ViewAllData</name>".to_string());
        let name = Name::within(&text, 6, 17);
        assert_eq!(name, "ViewAllData");
        assert_eq!(name, Name::from("ViewAllData"));
        assert_eq!(format!("{name} {name:?}"), "ViewAllData \"ViewAllData\"");
        // Hashes as its text: a map keyed by names is searched with a `&str`.
        let map = HashMap::from([(name.clone(), 1)]);
        assert_eq!(map.get("ViewAllData"), Some(&1));
        // Orders as its text, byte by byte.
        let mut names = vec![Name::from("b"), name.clone(), Name::from("A")];
        names.sort();
        assert_eq!(names, ["A", "ViewAllData", "b"]);
        assert_eq!(Name::default().as_str(), "");
    }
}
