//! `invalid-xml`: reported by the loader (`model::assemble`) when a file cannot be read as the
//! metadata its name promises. Only its metadata lives here.

use super::RuleMeta;
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    id: "invalid-xml",
    default_severity: Severity::Error,
    summary: "file is not well-formed metadata XML, or its root element is not what its name says",
    doc: r#"## What it checks
Every profile, permission set, permission set group and muting permission set file is read as XML.
A file that is not well-formed (a tag left open, a typo in a closing tag, text before the root, a
DOCTYPE, an undefined entity, invalid UTF-8 or UTF-16 encoding, a NUL or other control character), a
file whose root element is not the type its name says (a `<Package>` manifest saved as
`admin.profile-meta.xml`), a boolean that is not `true` or `false`, an entry without its key
(`<objectPermissions>` without `<object>`), and a single-valued element given twice (two `<name>`s
in one `<userPermissions>`, two `<label>`s) are reported here, with the line and column where
reading stopped.

## Why it matters
Salesforce rejects the whole deployment when one file cannot be read. sflint reports the file and
still lints the rest of the project; no other rule runs on a file that could not be parsed.

## Example
```xml
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <label>Sales</labl>
</PermissionSet>
```

## Source
XML 1.0 well-formedness; Metadata API Developer Guide, PermissionSet and Profile (root elements).
"#,
};
