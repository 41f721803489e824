//! The reader of `name=value&name=value` text (the port of `transforms/querystring.py`): what Python's
//! `urllib.parse.parse_qsl(text, keep_blank_values=True)` reads, unquoting only what needs it.

use crate::event::Parameters;

/// The (name, value) pairs of a querystring, in order, repeated names kept.
pub fn query_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (unquote_plus(name), unquote_plus(value))
        })
        .collect()
}

/// A querystring as parameters; for a repeated name the last value wins (in the place of the first).
pub fn parse_querystring(text: Option<&str>) -> Parameters {
    let mut parameters = Parameters::default();
    for (name, value) in query_pairs(text.unwrap_or_default()) {
        parameters.insert(name, value);
    }
    parameters
}

/// Python's `unquote_plus`: `+` is a space, `%XX` a byte (other `%` stay as they are), and the bytes are read as
/// UTF-8 with U+FFFD for each maximal invalid part, as Python's `errors="replace"` does.
fn unquote_plus(text: &str) -> String {
    if !text.contains(['%', '+']) {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut pos = 0;
    while let Some(&byte) = bytes.get(pos) {
        let escaped = match (byte, bytes.get(pos + 1).and_then(hex_value), bytes.get(pos + 2).and_then(hex_value)) {
            (b'%', Some(high), Some(low)) => Some((high << 4) | low),
            _ => None,
        };
        match escaped {
            Some(decoded) => {
                out.push(decoded);
                pos += 3;
            }
            None => {
                out.push(if byte == b'+' { b' ' } else { byte });
                pos += 1;
            }
        }
    }
    crate::python_text::decode_replace_owned(out)
}

fn hex_value(digit: &u8) -> Option<u8> {
    char::from(*digit).to_digit(16).and_then(|value| u8::try_from(value).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_what_python_reads() {
        // (text, snowplow_beam's query_pairs(text)), from the Python reference (tests/test_querystring.py's cases,
        // then broken escapes and invalid UTF-8)
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("page=A+page", &[("page", "A page")]),
            ("page=A%20page", &[("page", "A page")]),
            ("a=%2B1&b=%26&c=%3D", &[("a", "+1"), ("b", "&"), ("c", "=")]),
            ("e=pv&e=pp", &[("e", "pv"), ("e", "pp")]),
            ("empty=&flag", &[("empty", ""), ("flag", "")]),
            ("caf%C3%A9=%E2%9C%93", &[("caf\u{e9}", "\u{2713}")]),
            ("bad=%FF", &[("bad", "\u{fffd}")]),
            ("", &[]),
            ("b=2&a=1&b=3&&=x&flag&a+b=c%2Bd", &[("b", "2"), ("a", "1"), ("b", "3"), ("", "x"), ("flag", ""), ("a b", "c+d")]),
            ("u=https://a.example/?x=1", &[("u", "https://a.example/?x=1")]),
            ("%", &[("%", "")]),
            ("%2", &[("%2", "")]),
            ("%zz=%C3", &[("%zz", "\u{fffd}")]),
            ("a=%C3%28", &[("a", "\u{fffd}(")]),
            ("%E2%82=1", &[("\u{fffd}", "1")]),
            ("a=1%", &[("a", "1%")]),
            ("+=+", &[(" ", " ")]),
            ("=&=", &[("", ""), ("", "")]),
            ("&&&", &[]),
            ("a=%e2%82a", &[("a", "\u{fffd}a")]),
            ("a=%f0%9f", &[("a", "\u{fffd}")]),
            ("a=%f0%9f%98", &[("a", "\u{fffd}")]),
            ("a=%f0%9f%98%80", &[("a", "\u{1f600}")]),
            ("a=%ED%A0%80", &[("a", "\u{fffd}\u{fffd}\u{fffd}")]),
            ("a=%C0%AF", &[("a", "\u{fffd}\u{fffd}")]),
            ("a=%F4%90%80%80", &[("a", "\u{fffd}\u{fffd}\u{fffd}\u{fffd}")]),
            ("a=%E2%82%C3%A9", &[("a", "\u{fffd}\u{e9}")]),
            ("a=%E2\u{ac}", &[("a", "\u{fffd}\u{ac}")]),
            ("a=\u{e9}%A9", &[("a", "\u{e9}\u{fffd}")]),
            ("a=%C3\u{e9}", &[("a", "\u{fffd}\u{e9}")]),
            ("a=%+1", &[("a", "% 1")]),
            ("a=%2+", &[("a", "%2 ")]),
            ("a=%%41", &[("a", "%A")]),
            ("a=%4%41", &[("a", "%4A")]),
            ("a=%Ab%aB", &[("a", "\u{fffd}\u{fffd}")]),
            ("a=%g0", &[("a", "%g0")]),
            ("x=1&x=2&y=3&x=4", &[("x", "1"), ("x", "2"), ("y", "3"), ("x", "4")]),
            ("a=b=c", &[("a", "b=c")]),
            ("\u{e9}+\u{e9}=%E9", &[("\u{e9} \u{e9}", "\u{fffd}")]),
            ("a=%80%80", &[("a", "\u{fffd}\u{fffd}")]),
            ("a=%F8%88%80%80%80", &[("a", "\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}")]),
            ("a=%E0%80%80", &[("a", "\u{fffd}\u{fffd}\u{fffd}")]),
            ("a=%EF%BF%BF", &[("a", "\u{ffff}")]),
            ("a=%EF%BF", &[("a", "\u{fffd}")]),
            ("a=1;b=2", &[("a", "1;b=2")]),
            ("a=%0A%00", &[("a", "\u{a}\u{0}")]),
        ];
        for (text, expected) in cases {
            let expected: Vec<(String, String)> =
                expected.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
            assert_eq!(query_pairs(text), expected, "{text}");
        }
    }

    #[test]
    fn the_last_value_wins_in_the_place_of_the_first() {
        let parameters = parse_querystring(Some("x=1&x=2&y=3&x=4"));
        let entries: Vec<(&str, &str)> = parameters.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(entries, [("x", "4"), ("y", "3")]);
        assert!(parse_querystring(None).is_empty());
        assert!(parse_querystring(Some("")).is_empty());
        assert!(parse_querystring(Some("&&")).is_empty());
    }
}
