//! Python's text rules that the port keeps, in one place: what `str.isspace()` calls whitespace and what
//! `str.strip()` removes.

/// Python's `str.isspace()`: Unicode's White_Space and the separators U+001C..U+001F.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.strip()` with no argument.
pub fn strip(text: &str) -> &str {
    text.trim_matches(is_space)
}

#[cfg(test)]
mod tests {
    use super::*;

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
