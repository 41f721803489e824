//! The canonical enriched TSV line of a pseudonymized event, exactly as Python's `transforms.atomic.to_tsv`
//! writes it: strings with a tab as four spaces and `\n`, `\r` as a space; timestamps `yyyy-MM-dd HH:mm:ss.SSS`
//! (UTC); booleans `1`/`0`; the JSON fields as orjson's compact text; integers and floats as Python's `str()`;
//! decimals as their text; an absent value as nothing.

use super::{push_json, Cell, Error, Event, Field, FieldRef, Kind, Rows};
use crate::atomic::civil;
use crate::pseudonym::{Json, Node, Text};

/// Snowplow's enriched timestamp of milliseconds since the epoch (Python's `format_timestamp`), years 1 to 9999.
pub fn push_timestamp(millis: i128, out: &mut String) -> Result<(), Error> {
    let overflow = || Error::Overflow(format!("timestamp out of range: {millis} ms"));
    let millis = i64::try_from(millis).map_err(|_| overflow())?;
    let (year, month, day, hour, minute, second, milli) = civil(millis);
    if !(1..=9999).contains(&year) {
        return Err(overflow());
    }
    for (number, width, separator) in [(year, 4, ""), (month, 2, "-"), (day, 2, "-"), (hour, 2, " "), (minute, 2, ":"),
                                        (second, 2, ":"), (milli, 3, ".")] {
        out.push_str(separator);
        push_digits(number, width, out);
    }
    Ok(())
}

/// A number of 0 to 9999 in `width` digits, zero-padded.
fn push_digits(number: i64, width: u32, out: &mut String) {
    for place in (0..width).rev() {
        let digit = (number / 10_i64.pow(place)).rem_euclid(10);
        out.push(char::from(b'0' + digit as u8));
    }
}

/// A float as Python's `str()` (`repr`): the shortest digits that read back, in plain notation for exponents
/// -4 to 15 (`0.0001`, `1000000000000000.0`), else scientific with a signed exponent of two digits at least
/// (`1e+16`, `1.5e-07`); `nan`, `inf`, `-inf`.
pub fn push_python_float(value: f64, out: &mut String) {
    if value.is_nan() {
        out.push_str("nan");
        return;
    }
    if value.is_infinite() {
        out.push_str(if value > 0.0 { "inf" } else { "-inf" });
        return;
    }
    // Rust's `{:e}` is the shortest round-trip text too: `-1.2345e-7`, `1e16`, `-0e0`
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    out.push_str(sign);
    if (-4..16).contains(&exponent) {
        let point = exponent + 1; // digits before the point
        if point <= 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat('0').take(point.unsigned_abs() as usize));
            out.push_str(&digits);
        } else {
            let point = point.unsigned_abs() as usize;
            if digits.len() > point {
                out.push_str(digits.get(..point).unwrap_or_default());
                out.push('.');
                out.push_str(digits.get(point..).unwrap_or_default());
            } else {
                out.push_str(&digits);
                out.extend(std::iter::repeat('0').take(point - digits.len()));
                out.push_str(".0");
            }
        }
    } else {
        out.push_str(digits.get(..1).unwrap_or_default());
        if digits.len() > 1 {
            out.push('.');
            out.push_str(digits.get(1..).unwrap_or_default());
        }
        out.push_str(&format!("e{}{:02}", if exponent < 0 { '-' } else { '+' }, exponent.unsigned_abs()));
    }
}

/// Text in a TSV cell: a tab becomes four spaces, `\n` and `\r` a space.
fn push_cleaned(text: &str, out: &mut String) {
    let mut start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let replacement = match byte {
            b'\t' => "    ",
            b'\n' | b'\r' => " ",
            _ => continue,
        };
        out.push_str(text.get(start..at).unwrap_or_default()); // `at` is an ASCII byte's position
        out.push_str(replacement);
        start = at + 1;
    }
    out.push_str(text.get(start..).unwrap_or_default());
}

fn utf8<'a>(field: &Field, text: Text<'a>) -> Result<&'a str, Error> {
    text.as_str().ok_or_else(|| Error::Value(format!("{}: a string with lone surrogates cannot be written as UTF-8", field.name)))
}

/// An allowlisted value as it is, by its field's type.
fn push_kept<J: Json>(field: &Field, value: FieldRef<'_, J>, out: &mut String) -> Result<(), Error> {
    match (field.kind, value.node()) {
        (Kind::String, Node::Str(text)) => push_cleaned(utf8(field, text)?, out),
        (Kind::Decimal, Node::Str(text)) => out.push_str(utf8(field, text)?),
        (Kind::Timestamp, Node::Int(millis)) => push_timestamp(millis, out)?,
        (Kind::Bool, Node::Bool(flag)) => out.push(if flag { '1' } else { '0' }),
        (Kind::Int | Kind::Float, Node::Int(int)) => out.push_str(&int.to_string()),
        (Kind::Int | Kind::Float, Node::BigInt(text)) => out.push_str(text),
        (Kind::Float, Node::Float(float)) => push_python_float(float, out),
        (Kind::Json, node) => push_json(node, out, 0)?,
        (kind, _) => return Err(Error::Type(format!("{}: not a value of type {kind:?}", field.name))),
    }
    Ok(())
}

/// Canonical TSV lines, each ending in a newline.
#[derive(Default)]
pub struct Lines(pub String);

impl Rows for Lines {
    fn push<J: Json>(&mut self, fields: &[Field], event: &Event<'_, J>, cells: &[Cell]) -> Result<(), Error> {
        push_line(fields, event, cells, &mut self.0)?;
        self.0.push('\n');
        Ok(())
    }
}

/// The TSV line of `event` pseudonymized as `cells` (from [`super::GoodEvents::pseudonymize`]), without a line
/// end, appended to `out`.
pub fn push_line<J: Json>(fields: &[Field], event: &Event<'_, J>, cells: &[Cell], out: &mut String) -> Result<(), Error> {
    for (at, ((field, value), cell)) in fields.iter().zip(&event.values).zip(cells).enumerate() {
        if at > 0 {
            out.push('\t');
        }
        match (cell, value) {
            (Cell::Absent, _) => {}
            (Cell::Hashed(pseudonym), _) => out.push_str(pseudonym.as_str()),
            (Cell::Json(text), _) => out.push_str(text),
            (Cell::Kept, Some(value)) => push_kept(field, *value, out)?,
            (Cell::Kept, None) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timestamp(millis: i128) -> Result<String, Error> {
        let mut out = String::new();
        push_timestamp(millis, &mut out).map(|()| out)
    }

    #[test]
    fn timestamps_as_format_timestamp_writes_them() {
        // Python: format_timestamp(ms) of each, pasted
        assert_eq!(timestamp(1_764_320_400_123), Ok("2025-11-28 09:00:00.123".into()));
        assert_eq!(timestamp(0), Ok("1970-01-01 00:00:00.000".into()));
        assert_eq!(timestamp(-1), Ok("1969-12-31 23:59:59.999".into()));
        assert_eq!(timestamp(951_782_400_000), Ok("2000-02-29 00:00:00.000".into()));
        assert_eq!(timestamp(-62_135_596_800_000), Ok("0001-01-01 00:00:00.000".into()));
        assert_eq!(timestamp(253_402_300_799_999), Ok("9999-12-31 23:59:59.999".into()));
        assert!(matches!(timestamp(253_402_300_800_000), Err(Error::Overflow(_))));
        assert!(matches!(timestamp(-62_135_596_800_001), Err(Error::Overflow(_))));
        assert!(matches!(timestamp(i128::MAX), Err(Error::Overflow(_))));
        assert!(matches!(timestamp(i128::from(i64::MIN)), Err(Error::Overflow(_))));
    }

    #[test]
    fn floats_as_python_str_writes_them() {
        // Python: str(x) of each, pasted
        for (value, text) in [
            (1e16, "1e+16"), (1e15, "1000000000000000.0"), (1e-5, "1e-05"), (1e-4, "0.0001"), (0.1, "0.1"),
            (-0.0, "-0.0"), (0.0, "0.0"), (123.0, "123.0"), (1.5e-7, "1.5e-07"), (1e100, "1e+100"),
            (-1.2345678901234568e17, "-1.2345678901234568e+17"), (5e-324, "5e-324"), (51.5074, "51.5074"),
            (-0.1278, "-0.1278"), (f64::NAN, "nan"), (f64::INFINITY, "inf"), (f64::NEG_INFINITY, "-inf"),
            (1.7976931348623157e308, "1.7976931348623157e+308"), (123456789.125, "123456789.125"),
        ] {
            let mut out = String::new();
            push_python_float(value, &mut out);
            assert_eq!(out, text);
        }
    }

    #[test]
    fn tabs_and_line_breaks_are_cleaned() {
        let mut out = String::new();
        push_cleaned("a\tb\nc\rd\r\n\u{1F600}\t", &mut out);
        assert_eq!(out, "a    b c d  \u{1F600}    ");
    }
}
