//! JSON from event data, parsed within bounds (the port of `transforms/bounded_json.py`).
//!
//! serde_json accepts what orjson accepts (checked case by case: lone surrogate escapes, numbers out of the f64
//! range, a BOM, NaN and control characters are refused by both; duplicate keys keep the last value in the first
//! key's place in both). Where they differ, the orjson behaviour is restored: an integer `-0` is the integer 0,
//! not `-0.0`. Syntax errors carry serde_json's wording, not orjson's.

use serde_json::Value;

/// How deeply a document may nest (Snowplow enrich's `maxJsonDepth` default).
pub const MAX_JSON_DEPTH: usize = 50;

const TOO_DEEP: &str = "JSON nested deeper than 50 levels";
const TOO_BIG: &str = "an integer beyond 64 bits";

/// `{"schema": schema, "data": data}`, `data` moved in (the `json!` macro would copy it: it serializes an
/// expression it is given).
pub fn self_describing_value(schema: &str, data: Value) -> Value {
    let mut envelope = serde_json::Map::with_capacity(2);
    envelope.insert("schema".to_owned(), Value::String(schema.to_owned()));
    envelope.insert("data".to_owned(), data);
    Value::Object(envelope)
}

/// The parsed document, or why it is refused (a message that never quotes the document).
pub fn parse(text: &str) -> Result<Value, String> {
    parse_bytes(text.as_bytes())
}

/// [`parse`] for bytes that may not be UTF-8 (decoded base64): such bytes in a string are a syntax error, as
/// orjson makes them.
pub fn parse_bytes(data: &[u8]) -> Result<Value, String> {
    let mut value = serde_json::from_slice::<Value>(data).map_err(|error| {
        let message = error.to_string();
        // serde_json stops at 128 levels, far beyond the limit: the same refusal as a valid deep document
        if message.starts_with("recursion limit exceeded") {
            TOO_DEEP.to_string()
        } else {
            message
        }
    })?;
    let container = value.is_array() || value.is_object();
    // fewer brackets than the limit cannot nest beyond it: most documents skip the walk
    let brackets = data.iter().filter(|byte| matches!(byte, b'[' | b'{')).count();
    if container && brackets > MAX_JSON_DEPTH && depth(&value) > MAX_JSON_DEPTH {
        return Err(TOO_DEEP.to_string());
    }
    // an integer beyond 64 bits and an integer -0 both parse as floats: a document without one needs no scan
    if !holds_float(&value) {
        return Ok(value);
    }
    let numbers = scan_numbers(data);
    // bounded_json checks integers only in arrays and objects: a bare integer beyond 64 bits stays orjson's float
    if container && numbers.beyond_64_bits {
        return Err(TOO_BIG.to_string());
    }
    if !numbers.negative_zeros.is_empty() {
        // orjson reads `-0` as the integer 0; serde_json as -0.0. Blanking the sign keeps the document valid.
        let mut unsigned = data.to_vec();
        for position in numbers.negative_zeros {
            if let Some(sign) = unsigned.get_mut(position) {
                *sign = b' ';
            }
        }
        value = serde_json::from_slice(&unsigned).map_err(|error| error.to_string())?;
    }
    Ok(value)
}

/// How deeply `value` nests (a scalar is 0, `[]` and `{}` are 1), without recursion.
fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 1)];
    while let Some((node, level)) = stack.pop() {
        let nested = |child: &&Value| child.is_array() || child.is_object();
        match node {
            Value::Array(items) => stack.extend(items.iter().filter(nested).map(|child| (child, level + 1))),
            Value::Object(members) => stack.extend(members.values().filter(nested).map(|child| (child, level + 1))),
            _ => continue,
        }
        deepest = deepest.max(level);
    }
    deepest
}

/// Whether `value` holds a number serde_json read as a float, without recursion.
fn holds_float(value: &Value) -> bool {
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        match node {
            Value::Number(number) if number.is_f64() => return true,
            Value::Array(items) => stack.extend(items),
            Value::Object(members) => stack.extend(members.values()),
            _ => {}
        }
    }
    false
}

/// What the integer tokens of a valid document hold that its parsed value does not show.
#[derive(Default)]
struct NumberScan {
    /// An integer outside [-(2^63), 2^64-1] (which serde_json, like orjson, turns into a float).
    beyond_64_bits: bool,
    /// Where the sign of each integer `-0` is.
    negative_zeros: Vec<usize>,
}

/// One pass over the tokens of a document that parsed: outside strings, `-` and digits occur only in numbers.
fn scan_numbers(data: &[u8]) -> NumberScan {
    let mut scan = NumberScan::default();
    let mut pos = 0;
    while let Some(&byte) = data.get(pos) {
        if byte == b'"' {
            pos += 1;
            while let Some(&inner) = data.get(pos) {
                pos += if inner == b'\\' { 2 } else { 1 };
                if inner == b'"' {
                    break;
                }
            }
        } else if byte == b'-' || byte.is_ascii_digit() {
            let start = pos;
            let negative = byte == b'-';
            let digits_start = if negative { pos + 1 } else { pos };
            let mut end = digits_start;
            while data.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
            let digits = data.get(digits_start..end).unwrap_or_default();
            let integer = !matches!(data.get(end), Some(b'.' | b'e' | b'E'));
            if integer {
                if negative && digits == b"0" {
                    scan.negative_zeros.push(start);
                }
                if digits.len() >= 19 && !fits_64_bits(negative, digits) {
                    scan.beyond_64_bits = true;
                }
            }
            pos = end;
            while data.get(pos).is_some_and(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')) {
                pos += 1;
            }
        } else {
            pos += 1;
        }
    }
    scan
}

/// Whether the integer `-digits` or `digits` (no leading zeros: valid JSON) is in [-(2^63), 2^64-1].
fn fits_64_bits(negative: bool, digits: &[u8]) -> bool {
    if digits.len() > 20 {
        return false;
    }
    let magnitude = digits.iter().fold(0u128, |total, digit| total * 10 + u128::from(digit - b'0'));
    if negative {
        magnitude <= 1u128 << 63
    } else {
        magnitude <= u128::from(u64::MAX)
    }
}

/// `value` as compact JSON text, as the pipeline writes JSON into parameters (orjson.dumps: no spaces,
/// non-ASCII left as is; serde_json writes floats, escapes and U+2028 exactly as orjson does).
pub fn dumps(value: &Value) -> String {
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refused(text: &str) -> String {
        parse(text).expect_err(text)
    }

    #[test]
    fn a_self_describing_value_is_written_schema_first() {
        let envelope = self_describing_value("iglu:com.acme/x/jsonschema/1-0-0", json!([{"a": 1}]));
        assert_eq!(dumps(&envelope), r#"{"schema":"iglu:com.acme/x/jsonschema/1-0-0","data":[{"a":1}]}"#);
    }

    #[test]
    fn what_orjson_accepts_parses_to_the_same_value() {
        // (document, orjson.dumps(orjson.loads(document))), from the venv's orjson 3.13.0
        let cases = [
            ("-0", "0"),
            ("[-0]", "[0]"),
            ("{\"a\":-0}", "{\"a\":0}"),
            ("-0.0", "-0.0"),
            ("-0e1", "-0.0"),
            ("1.0", "1.0"),
            ("1", "1"),
            (" 1\t\r\n ", "1"),
            ("{\"a\":1,\"b\":3,\"a\":2}", "{\"a\":2,\"b\":3}"),
            ("\"\\ud800\\udc00\"", "\"\u{10000}\""),
            ("\"\\u0000\"", "\"\\u0000\""),
            ("\"\u{7f}\"", "\"\u{7f}\""),
            ("1e-400", "0.0"),
            ("2.4703282292062328e-324", "5e-324"),
            ("2.4703282292062327e-324", "0.0"),
            ("0e99999999999999999999", "0.0"),
            ("1e-99999999999999999999", "0.0"),
            ("1E+2", "100.0"),
            ("1e05", "100000.0"),
            ("18446744073709551615", "18446744073709551615"),
            ("-9223372036854775808", "-9223372036854775808"),
            ("[18446744073709551615,-9223372036854775808]", "[18446744073709551615,-9223372036854775808]"),
            ("123456789012345678901234567890.0", "1.2345678901234568e+29"),
            ("[1234567890123456789012.5]", "[1.2345678901234568e+21]"),
            ("[1e1234567890123456789012]", "err"),
            // bounded_json checks integers in arrays and objects only: a bare one stays orjson's float
            ("18446744073709551616", "1.8446744073709552e+19"),
            ("-9223372036854775809", "-9.223372036854776e+18"),
            ("[\"12345678901234567890123\"]", "[\"12345678901234567890123\"]"),
            ("{\"-0\":\"-0\"}", "{\"-0\":\"-0\"}"),
            ("[\"\\\"\",-0]", "[\"\\\"\",0]"),
            ("[\"\\\\\",-0]", "[\"\\\\\",0]"),
        ];
        for (text, expected) in cases {
            match parse(text) {
                Ok(value) => assert_eq!(dumps(&value), expected, "{text}"),
                Err(_) => assert_eq!("err", expected, "{text}"),
            }
        }
        let long_fraction = format!("1.{}", "0".repeat(500));
        assert_eq!(dumps(&parse(&long_fraction).unwrap()), "1.0");
        let tiny_times_huge = format!("0.{}1e400", "0".repeat(400));
        assert_eq!(dumps(&parse(&tiny_times_huge).unwrap()), "0.1");
    }

    #[test]
    fn integers_keep_their_type_and_floats_theirs() {
        assert!(parse("1").unwrap().is_u64());
        assert!(parse("-1").unwrap().is_i64());
        assert!(parse("-0").unwrap().is_u64());
        assert!(parse("1.0").unwrap().is_f64());
        assert!(parse("9223372036854775808").unwrap().is_u64());
    }

    #[test]
    fn what_orjson_refuses_is_refused() {
        for text in [
            "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800x\"", "\"\\ud834\\u0041\"", "\"\\udd1e\\ud834\"", "\"\\ud800\\\"",
            "1e400", "-1e400", "2e308", "\u{feff}1", "\u{feff}{}", "NaN", "Infinity", "-Infinity", "nan",
            "\"\u{1}\"", "\"\u{1f}\"", "\"\t\"", "", " ", "01", "-01", "1.", ".5", "+1", "1e", "-", "1.e5", "[1,]",
            "{\"a\":1,}", "[1 2]", "\u{0}", "1\u{0}", "\"\\x\"", "\"\\U0041\"", "'a'", "tru", "[1]x", "\"a\"\u{feff}",
            "\u{a0} 1", "\u{c}1", "1\u{b}", "[-]", "1_000", "0x10",
        ] {
            assert!(parse(text).is_err(), "{text:?}");
        }
        assert!(parse(&"1".repeat(400)).is_err());
        assert!(parse_bytes(b"\"\xff\"").is_err());
        assert!(parse_bytes(b"\"\xed\xa0\x80\"").is_err());
    }

    #[test]
    fn syntax_errors_are_serde_jsons() {
        assert_eq!(refused("{"), "EOF while parsing an object at line 1 column 1");
        assert_eq!(refused("{\"schema\": "), "EOF while parsing a value at line 1 column 11");
        assert_eq!(refused("[1,]"), "trailing comma at line 1 column 4");
    }

    #[test]
    fn depth_is_limited_to_50() {
        let nested = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
        assert!(parse(&nested(50)).is_ok());
        assert_eq!(refused(&nested(51)), TOO_DEEP);
        assert_eq!(refused(&nested(128)), TOO_DEEP);
        assert_eq!(refused(&nested(100_000)), TOO_DEEP);
        assert_eq!(refused(&"[".repeat(200)), TOO_DEEP);
        let objects = format!("{}1{}", "{\"a\":".repeat(51), "}".repeat(51));
        assert_eq!(refused(&objects), TOO_DEEP);
        let objects = format!("{}1{}", "{\"a\":".repeat(50), "}".repeat(50));
        assert!(parse(&objects).is_ok());
        // brackets in strings do not nest
        assert!(parse(&format!("[\"{}\"]", "[".repeat(100))).is_ok());
        assert_eq!(depth(&json!(1)), 0);
        assert_eq!(depth(&json!([])), 1);
        assert_eq!(depth(&json!({"a": [[], {"b": [1]}]})), 4);
    }

    #[test]
    fn integers_beyond_64_bits_are_refused_in_documents() {
        for text in [
            "[18446744073709551616]",
            "[-9223372036854775809]",
            "{\"a\":12345678901234567890123}",
            "[1, 2, 99999999999999999999]",
        ] {
            assert_eq!(refused(text), TOO_BIG, "{text}");
        }
        assert_eq!(refused(&format!("[{}]", "9".repeat(25))), TOO_BIG);
        // so long that it is infinite as a float: refused by orjson and serde_json alike, before any check
        assert!(parse(&format!("[{}]", "9".repeat(5000))).is_err_and(|message| message != TOO_BIG));
        // depth is checked first
        let deep = format!("{}18446744073709551616{}", "[".repeat(51), "]".repeat(51));
        assert_eq!(refused(&deep), TOO_DEEP);
    }

    #[test]
    fn dumps_is_compact_and_escapes_as_orjson() {
        let value = json!({"a": [1, {"b": null}], "c": true});
        assert_eq!(dumps(&value), "{\"a\":[1,{\"b\":null}],\"c\":true}");
        let text: String = (0u8..=0x20).map(char::from).chain("\u{7f}\u{2028}\u{2029}/\\\"é😀".chars()).collect();
        // orjson.dumps of the same string
        let expected = concat!(
            "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f",
            "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d",
            "\\u001e\\u001f \u{7f}\u{2028}\u{2029}/\\\\\\\"é😀\""
        );
        assert_eq!(dumps(&Value::String(text)), expected);
    }

    #[test]
    fn dumps_writes_floats_as_orjson() {
        // (value, orjson.dumps(value))
        let cases = [
            (1e20, "1e+20"), (1e16, "1e+16"), (1e15, "1000000000000000.0"), (1e-7, "1e-7"), (1e-5, "0.00001"),
            (1.5e-7, "1.5e-7"), (-0.0, "-0.0"), (0.1, "0.1"), (1.0, "1.0"), (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"), (12345678.9, "12345678.9"), (1e100, "1e+100"),
            (2.5e-10, "2.5e-10"), (1.2345e19, "1.2345e+19"),
        ];
        for (number, expected) in cases {
            assert_eq!(dumps(&json!(number)), expected);
        }
    }
}
