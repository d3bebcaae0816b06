//! Metadata API names: how a name written in configuration or in a permission set group names a
//! component. File names percent-encode what the file system cannot hold, so `FDS %E2%80%93 Agency`
//! on disk is the component `FDS – Agency`.

/// Whether `reference` names `name`: equal, or equal once Metadata API percent-encoding of the
/// file name is decoded (`FDS %E2%80%93 Agency` is `FDS – Agency`).
pub fn names_match(name: &str, reference: &str) -> bool {
    name == reference || (name.contains('%') && percent_decode(name) == reference)
}

/// The API name a percent-encoded file name stands for.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && let Some(hex) = bytes.get(index + 1..index + 3)
            && let Ok(hex) = std::str::from_utf8(hex)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_metadata_api_file_names() {
        assert!(names_match(
            "FDS %E2%80%93 Agency %28Approver%29",
            "FDS – Agency (Approver)"
        ));
        assert!(names_match("Admin", "Admin"));
        assert!(!names_match("Admin", "admin"));
    }
}
