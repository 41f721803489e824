//! Python's text rules that the port keeps, in one place: what `str.isspace()` calls whitespace, what
//! `str.strip()` removes, and how `bytes.decode("utf-8", "replace")` reads bytes.

/// Python's `str.isspace()`: Unicode's White_Space and the separators U+001C..U+001F.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.strip()` with no argument.
pub fn strip(text: &str) -> &str {
    text.trim_matches(is_space)
}

/// Python's `bytes.decode("utf-8", "replace")`: U+FFFD for each maximal invalid part. Valid UTF-8 (nearly all
/// of it) is checked by the fast validator and copied once.
pub fn decode_replace(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// [`decode_replace`] of owned bytes: valid UTF-8 is kept in place.
pub fn decode_replace_owned(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_decode_as_python_replaces_them() {
        // b.decode("utf-8", "replace") of each, pasted
        for (bytes, text) in [
            (&b"caf\xc3\xa9"[..], "café"), (b"a\xffb", "a\u{fffd}b"), (b"\xe2\x82", "\u{fffd}"),
            (b"\xed\xa0\x80", "\u{fffd}\u{fffd}\u{fffd}"), (b"\xf0\x9f\x98\x80\x80", "\u{1F600}\u{fffd}"), (b"", ""),
        ] {
            assert_eq!(decode_replace(bytes), text);
            assert_eq!(decode_replace_owned(bytes.to_vec()), text);
        }
    }

    #[test]
    fn whitespace_is_pythons() {
        // every character Python 3.11's str.isspace() accepts (checked with Python over all code points)
        let python: Vec<char> = [
            '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1c}', '\u{1d}', '\u{1e}', '\u{1f}', ' ',
            '\u{85}', '\u{a0}', '\u{1680}', '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}',
            '\u{2004}', '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}', '\u{2009}', '\u{200a}',
            '\u{2028}', '\u{2029}', '\u{202f}', '\u{205f}', '\u{3000}',
        ]
        .to_vec();
        let ours: Vec<char> = (0..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|c| is_space(*c))
            .collect();
        assert_eq!(ours, python);
        assert_eq!(strip("\u{1c} a b\u{3000}"), "a b");
    }
}
