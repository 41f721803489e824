//! The pseudonymized good events as Arrow columns, written straight into Arrow's memory layout (a validity
//! bitmap, 32-bit offsets and UTF-8 bytes, or fixed-width values; bits least significant first), so that pyarrow's
//! `Array.from_buffers` takes them as they are: no Python object per value.
//!
//! The types are `transforms/atomic.py`'s `ARROW_SCHEMA`: strings and JSON fields as `string`, `int64`,
//! `float64`, `bool`, timestamps as `int64` milliseconds (`timestamp[ms, tz=UTC]`), decimals as `decimal128(38, 18)`.
//! A value the field's type cannot hold is refused, as `pa.array` refused it.

use super::{Cell, Error, Event, Field, FieldRef, Kind, Rows};
use crate::pseudonym::{Json, Node};

/// Digits after the point of `decimal128(38, 18)`, and the most before it.
const DECIMAL_SCALE: usize = 18;
const DECIMAL_WHOLE_DIGITS: usize = 20;
/// The largest integer a float64 holds exactly (pyarrow refuses to convert a larger one).
const EXACT_FLOAT_INT: i128 = 1 << 53;

/// Bits, least significant first, as Arrow's validity bitmaps and boolean values are.
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    len: usize,
}

impl Bits {
    fn push(&mut self, bit: bool) {
        if self.len % 8 == 0 {
            self.bytes.push(0);
        }
        if bit {
            if let Some(last) = self.bytes.last_mut() {
                *last |= 1 << (self.len % 8);
            }
        }
        self.len += 1;
    }
}

enum Values {
    Text { offsets: Vec<i32>, data: Vec<u8> },
    Int(Vec<i64>),
    Float(Vec<f64>),
    Bool(Bits),
    Decimal(Vec<i128>),
}

/// One column: its validity, how many nulls, its values (a null holds a zero or an empty text).
struct Column {
    validity: Bits,
    nulls: usize,
    values: Values,
}

/// A column's Arrow buffers, in `Array.from_buffers`' order (`None`: no validity bitmap, no value is null).
pub struct Buffers {
    pub nulls: usize,
    pub buffers: Vec<Option<Vec<u8>>>,
}

impl Column {
    fn new(kind: Kind, rows: usize) -> Column {
        let values = match kind {
            Kind::String | Kind::Json => {
                let mut offsets = Vec::with_capacity(rows + 1);
                offsets.push(0);
                Values::Text { offsets, data: Vec::new() }
            }
            Kind::Int | Kind::Timestamp => Values::Int(Vec::with_capacity(rows)),
            Kind::Float => Values::Float(Vec::with_capacity(rows)),
            Kind::Bool => Values::Bool(Bits::default()),
            Kind::Decimal => Values::Decimal(Vec::with_capacity(rows)),
        };
        Column { validity: Bits::default(), nulls: 0, values }
    }

    fn push_null(&mut self) {
        self.validity.push(false);
        self.nulls += 1;
        match &mut self.values {
            Values::Text { offsets, .. } => offsets.push(offsets.last().copied().unwrap_or_default()),
            Values::Int(values) => values.push(0),
            Values::Float(values) => values.push(0.0),
            Values::Bool(bits) => bits.push(false),
            Values::Decimal(values) => values.push(0),
        }
    }

    /// A text into a string column (what a pseudonym or a JSON text always is).
    fn push_text(&mut self, field: &Field, text: &str) -> Result<(), Error> {
        let Values::Text { offsets, data } = &mut self.values else {
            return Err(Error::Type(format!("{}: a text in a field of type {:?}", field.name, field.kind)));
        };
        data.extend_from_slice(text.as_bytes());
        let end = i32::try_from(data.len())
            .map_err(|_| Error::Overflow(format!("{}: more than 2 GiB of text in one batch", field.name)))?;
        offsets.push(end);
        self.validity.push(true);
        Ok(())
    }

    /// A value kept as it is, in the field's type.
    fn push_value<J: Json>(&mut self, field: &Field, value: FieldRef<'_, J>) -> Result<(), Error> {
        let node = value.node();
        let refused = || Error::Type(format!("{}: a {} value in a field of type {:?}", field.name, kind_of(&value.node()), field.kind));
        match (&mut self.values, node) {
            (_, Node::Null) => {
                self.push_null();
                return Ok(());
            }
            (Values::Text { .. }, Node::Str(text)) => {
                let text = text.as_str().ok_or_else(|| {
                    Error::Value(format!("{}: str is not valid UTF-8: surrogates not allowed", field.name))
                })?;
                return self.push_text(field, text);
            }
            (Values::Int(values), Node::Int(int)) => {
                let int = i64::try_from(int)
                    .map_err(|_| Error::Overflow(format!("{}: {int} does not fit a 64-bit integer", field.name)))?;
                values.push(int);
            }
            (Values::Float(values), Node::Float(float)) => values.push(float),
            (Values::Float(values), Node::Int(int)) if int.abs() <= EXACT_FLOAT_INT => values.push(int as f64),
            (Values::Bool(bits), Node::Bool(flag)) => bits.push(flag),
            (Values::Decimal(values), Node::Str(text)) => {
                let decimal = text.as_str().and_then(decimal_128).ok_or_else(|| {
                    Error::Value(format!(
                        "{}: {:?} is not a decimal of at most {DECIMAL_WHOLE_DIGITS} digits before the point and \
                         {DECIMAL_SCALE} after it",
                        field.name,
                        String::from_utf8_lossy(text.bytes()).chars().take(64).collect::<String>()
                    ))
                })?;
                values.push(decimal);
            }
            _ => return Err(refused()),
        }
        self.validity.push(true);
        Ok(())
    }

    fn buffers(self, rows: usize) -> Buffers {
        let validity = (self.nulls > 0).then_some(self.validity.bytes);
        let buffers = match self.values {
            Values::Text { offsets, data } => vec![validity, Some(le_bytes(&offsets, i32::to_le_bytes)), Some(data)],
            Values::Int(values) => vec![validity, Some(le_bytes(&values, i64::to_le_bytes))],
            Values::Float(values) => vec![validity, Some(le_bytes(&values, f64::to_le_bytes))],
            Values::Bool(bits) => vec![validity, Some(bits.bytes)],
            Values::Decimal(values) => vec![validity, Some(le_bytes(&values, i128::to_le_bytes))],
        };
        debug_assert!(self.validity.len == rows);
        Buffers { nulls: self.nulls, buffers }
    }
}

fn le_bytes<T: Copy, const N: usize>(values: &[T], bytes: fn(T) -> [u8; N]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() * N);
    for value in values {
        out.extend_from_slice(&bytes(*value));
    }
    out
}

fn kind_of<J: Json>(node: &Node<'_, J>) -> &'static str {
    match node {
        Node::Null => "null",
        Node::Bool(_) => "bool",
        Node::Int(_) | Node::BigInt(_) => "int",
        Node::Float(_) => "float",
        Node::Str(_) => "str",
        Node::Array(_) => "list",
        Node::Object(_) => "dict",
    }
}

/// A plain decimal text (`-12.50`, `3`, `.5`) as `decimal128(38, 18)`'s unscaled integer, or None when it is
/// not one or has more than 20 digits before the point or 18 after it (what the pipeline's decimals never have).
pub fn decimal_128(text: &str) -> Option<i128> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let whole = whole.trim_start_matches('0');
    if whole.len() > DECIMAL_WHOLE_DIGITS || fraction.len() > DECIMAL_SCALE {
        return None;
    }
    let mut unscaled: i128 = 0;
    for byte in whole.bytes().chain(fraction.bytes()).chain(std::iter::repeat(b'0').take(DECIMAL_SCALE - fraction.len())) {
        unscaled = unscaled * 10 + i128::from(byte - b'0');
    }
    Some(if negative { -unscaled } else { unscaled })
}

/// The columns of a batch of pseudonymized events, one row per [`Columns::push`].
pub struct Columns {
    columns: Vec<Column>,
    rows: usize,
}

impl Columns {
    pub fn new(fields: &[Field], rows: usize) -> Columns {
        Columns { columns: fields.iter().map(|field| Column::new(field.kind, rows)).collect(), rows: 0 }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Per field, in their order, its Arrow buffers.
    pub fn into_buffers(self) -> Vec<Buffers> {
        let rows = self.rows;
        self.columns.into_iter().map(|column| column.buffers(rows)).collect()
    }
}

impl Rows for Columns {
    /// On an error the columns are left uneven: the caller drops them.
    fn push<J: Json>(&mut self, fields: &[Field], event: &Event<'_, J>, cells: &[Cell]) -> Result<(), Error> {
        for (((column, field), cell), value) in self.columns.iter_mut().zip(fields).zip(cells).zip(&event.values) {
            match (cell, value) {
                (Cell::Absent, _) | (Cell::Kept, None) => column.push_null(),
                (Cell::Kept, Some(value)) => column.push_value(field, *value)?,
                (Cell::Hashed(pseudonym), _) => column.push_text(field, pseudonym.as_str())?,
                (Cell::Json(text), _) => column.push_text(field, text)?,
            }
        }
        self.rows += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pseudonym::Value;

    #[test]
    fn decimals_are_unscaled_by_eighteen_digits() {
        // int(decimal.Decimal(text).scaleb(18)) in Python
        let cases: &[(&str, i128)] = &[
            ("0", 0),
            ("12.50", 12_500_000_000_000_000_000),
            ("-0.000000000000000001", -1),
            (".5", 500_000_000_000_000_000),
            ("7.", 7_000_000_000_000_000_000),
            ("+3", 3_000_000_000_000_000_000),
            ("00012345678901234567890.123456789012345678", 12_345_678_901_234_567_890_123_456_789_012_345_678),
            ("-99999999999999999999.999999999999999999", -99_999_999_999_999_999_999_999_999_999_999_999_999),
        ];
        for (text, expected) in cases {
            assert_eq!(decimal_128(text), Some(*expected), "{text}");
        }
        for text in ["", ".", "-", "1e3", "1.2.3", "123456789012345678901", "0.0000000000000000001", " 1", "١"] {
            assert_eq!(decimal_128(text), None, "{text:?}");
        }
    }

    #[test]
    fn bits_are_least_significant_first() {
        let mut bits = Bits::default();
        for bit in [true, false, true, true, false, false, false, false, true] {
            bits.push(bit);
        }
        assert_eq!((bits.bytes, bits.len), (vec![0b0000_1101, 0b0000_0001], 9));
    }

    #[test]
    fn a_text_column_has_offsets_and_a_validity_bitmap_only_with_nulls() {
        let field = Field { name: "app_id".into(), kind: Kind::String, max_length: None, allowlisted: true, shape: None };
        let mut column = Column::new(Kind::String, 3);
        column.push_text(&field, "ab").unwrap();
        column.push_null();
        column.push_value(&field, FieldRef::Json(&Value::Str("é"))).unwrap();
        let buffers = column.buffers(3);
        assert_eq!(buffers.nulls, 1);
        assert_eq!(buffers.buffers, vec![Some(vec![0b101]), Some([0i32, 2, 2, 4].iter().flat_map(|o| o.to_le_bytes()).collect()), Some("abé".as_bytes().to_vec())]);

        let mut full = Column::new(Kind::Int, 1);
        full.push_value(&Field { kind: Kind::Int, ..field }, FieldRef::Json(&Value::<&str>::Int(-2))).unwrap();
        assert_eq!(full.buffers(1).buffers, vec![None, Some((-2i64).to_le_bytes().to_vec())]);
    }

    #[test]
    fn values_the_type_cannot_hold_are_refused() {
        let field = |kind| Field { name: "f".into(), kind, max_length: None, allowlisted: true, shape: None };
        let refused = |kind, value: Value<&str>| Column::new(kind, 1).push_value(&field(kind), FieldRef::Json(&value)).unwrap_err();
        assert!(matches!(refused(Kind::Int, Value::Int(1 << 63)), Error::Overflow(_)));
        assert!(matches!(refused(Kind::Int, Value::Bool(true)), Error::Type(_)));
        assert!(matches!(refused(Kind::String, Value::Int(1)), Error::Type(_)));
        assert!(matches!(refused(Kind::Float, Value::Int((1 << 53) + 1)), Error::Type(_)));
        assert!(matches!(refused(Kind::Decimal, Value::Str("1e3")), Error::Value(_)));
        let mut bytes = Column::new(Kind::Bool, 1);
        assert!(matches!(bytes.push_text(&field(Kind::Bool), "x"), Err(Error::Type(_))));
    }
}
