//! Snowplow's Thrift `CollectorPayload` (`transforms/collector_payload.thrift`): a bounded reader of the binary
//! protocol, the checks that make a payload usable, the base64 lines of raw files, and the writer.
//!
//! Raw records may be anything. Every declared length and count is checked against the bytes that are left
//! before anything is read or allocated, nesting is bounded ([`MAX_DEPTH`]), and the work is bounded by the
//! record's size. Unknown fields, and known fields of another wire type, are skipped as Thrift readers skip them.
//! Strings that are not UTF-8 get U+FFFD, as the JVM reader does; `body` (binary) stays bytes.

const STOP: u8 = 0;
const BOOL: u8 = 2;
const BYTE: u8 = 3;
const DOUBLE: u8 = 4;
const I16: u8 = 6;
const I32: u8 = 8;
const I64: u8 = 10;
const STRING: u8 = 11;
const STRUCT: u8 = 12;
const MAP: u8 = 13;
const SET: u8 = 14;
const LIST: u8 = 15;

/// How deeply skipped values may nest.
pub const MAX_DEPTH: u32 = 64;
/// The schema every usable payload names (any 1-*-* version).
pub const SCHEMA_PREFIX: &str = "iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-";
/// Collector timestamps pick partitions: 1970 to 9999, what warehouses accept.
pub const MAX_TIMESTAMP_MS: i64 = 253_402_300_800_000;

/// One collector payload; `None` where the record did not carry the field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CollectorPayload {
    pub schema: Option<String>,
    pub ip_address: Option<String>,
    pub timestamp: Option<i64>,
    pub encoding: Option<String>,
    pub collector: Option<String>,
    pub user_agent: Option<String>,
    pub referer_uri: Option<String>,
    pub path: Option<String>,
    pub querystring: Option<String>,
    pub body: Option<Vec<u8>>,
    pub headers: Option<Vec<String>>,
    pub content_type: Option<String>,
    pub hostname: Option<String>,
    pub network_user_id: Option<String>,
}

/// Why a record is not a usable payload: the text of the bad row's message, and the payload field it names
/// (with its value) when one can be named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub field: Option<&'static str>,
    pub value: Option<String>,
}

impl Problem {
    fn plain(message: &str) -> Self {
        Problem { message: message.to_string(), field: None, value: None }
    }
}

/// Bytes that are not a Thrift binary-protocol struct.
enum Malformed {
    TooShort,
    Said(String),
}

fn said(text: &str) -> Malformed {
    Malformed::Said(text.to_string())
}

struct Reader<'a> {
    data: &'a [u8],
}

impl Reader<'_> {
    fn byte(&self, pos: usize) -> Result<u8, Malformed> {
        self.data.get(pos).copied().ok_or(Malformed::TooShort)
    }

    fn bytes<const N: usize>(&self, pos: usize) -> Result<[u8; N], Malformed> {
        let end = pos.checked_add(N).ok_or(Malformed::TooShort)?;
        let slice = self.data.get(pos..end).ok_or(Malformed::TooShort)?;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        Ok(out)
    }

    fn i16(&self, pos: usize) -> Result<i16, Malformed> {
        Ok(i16::from_be_bytes(self.bytes::<2>(pos)?))
    }

    fn i32(&self, pos: usize) -> Result<i32, Malformed> {
        Ok(i32::from_be_bytes(self.bytes::<4>(pos)?))
    }

    fn i64(&self, pos: usize) -> Result<i64, Malformed> {
        Ok(i64::from_be_bytes(self.bytes::<8>(pos)?))
    }

    /// A length-prefixed string: its bytes and the position after it.
    fn string(&self, pos: usize) -> Result<(&[u8], usize), Malformed> {
        let size = self.i32(pos)?;
        let start = pos + 4;
        let size = usize::try_from(size).map_err(|_| said("a string length runs past the end of the record"))?;
        match start.checked_add(size) {
            Some(end) if end <= self.data.len() => Ok((&self.data[start..end], end)),
            _ => Err(said("a string length runs past the end of the record")),
        }
    }

    /// The position after one value of `ttype` that this reader does not take.
    fn skip(&self, pos: usize, ttype: u8, depth: u32) -> Result<usize, Malformed> {
        if let Some(size) = fixed_size(ttype) {
            return Ok(pos + size);
        }
        if ttype == STRING {
            return Ok(self.string(pos)?.1);
        }
        if depth == 0 {
            return Err(Malformed::Said(format!("nested deeper than {MAX_DEPTH} levels")));
        }
        match ttype {
            STRUCT => {
                let mut pos = pos;
                loop {
                    let field_type = self.byte(pos)?;
                    if field_type == STOP {
                        return Ok(pos + 1);
                    }
                    pos = self.skip(pos + 3, field_type, depth - 1)?;
                }
            }
            LIST | SET | MAP => {
                let arity = if ttype == MAP { 2 } else { 1 };
                let mut types = [0u8; 2];
                for (index, slot) in types.iter_mut().enumerate().take(arity) {
                    *slot = self.byte(pos + index)?;
                }
                let types = &types[..arity];
                let pos = pos + arity;
                let count = self.i32(pos)?;
                let pos = pos + 4;
                let mut least = 0usize;
                for element in types {
                    least += min_size(*element).ok_or_else(|| said("a container of an invalid Thrift type"))?;
                }
                let left = self.data.len().saturating_sub(pos);
                let count = usize::try_from(count)
                    .ok()
                    .filter(|count| count.checked_mul(least).is_some_and(|needed| needed <= left))
                    .ok_or_else(|| said("a container size runs past the end of the record"))?;
                if let [element] = types {
                    if let Some(size) = fixed_size(*element) {
                        return Ok(pos + count * size);
                    }
                }
                let mut pos = pos;
                for _ in 0..count {
                    for element in types {
                        pos = self.skip(pos, *element, depth - 1)?;
                    }
                }
                Ok(pos)
            }
            _ => Err(Malformed::Said(format!("invalid Thrift type {ttype}"))),
        }
    }
}

fn fixed_size(ttype: u8) -> Option<usize> {
    match ttype {
        BOOL | BYTE => Some(1),
        I16 => Some(2),
        I32 => Some(4),
        DOUBLE | I64 => Some(8),
        _ => None,
    }
}

fn min_size(ttype: u8) -> Option<usize> {
    fixed_size(ttype).or(match ttype {
        STRING => Some(4),
        STRUCT => Some(1),
        MAP => Some(6),
        SET => Some(5),
        LIST => Some(5),
        _ => None,
    })
}

fn text(raw: &[u8]) -> String {
    crate::python_text::decode_replace(raw)
}

fn read_payload(data: &[u8]) -> Result<CollectorPayload, Malformed> {
    let reader = Reader { data };
    let mut payload = CollectorPayload::default();
    let mut pos = 0usize;
    loop {
        let field_type = reader.byte(pos)?;
        if field_type == STOP {
            return Ok(payload);
        }
        let field_id = reader.i16(pos + 1)?;
        pos += 3;
        let string_field = match field_id {
            31337 => Some(&mut payload.schema),
            100 => Some(&mut payload.ip_address),
            210 => Some(&mut payload.encoding),
            220 => Some(&mut payload.collector),
            300 => Some(&mut payload.user_agent),
            310 => Some(&mut payload.referer_uri),
            320 => Some(&mut payload.path),
            330 => Some(&mut payload.querystring),
            360 => Some(&mut payload.content_type),
            400 => Some(&mut payload.hostname),
            410 => Some(&mut payload.network_user_id),
            _ => None,
        };
        if field_type == STRING && (string_field.is_some() || field_id == 340) {
            let (raw, next) = reader.string(pos)?;
            pos = next;
            match string_field {
                Some(slot) => *slot = Some(text(raw)),
                None => payload.body = Some(raw.to_vec()),
            }
        } else if field_type == I64 && field_id == 200 {
            payload.timestamp = Some(reader.i64(pos)?);
            pos += 8;
        } else if field_type == LIST && field_id == 350 && reader.byte(pos)? == STRING {
            let count = reader.i32(pos + 1)?;
            pos += 5;
            let left = data.len().saturating_sub(pos);
            let count = usize::try_from(count)
                .ok()
                .filter(|count| count.checked_mul(4).is_some_and(|needed| needed <= left))
                .ok_or_else(|| said("a container size runs past the end of the record"))?;
            let mut items = Vec::with_capacity(count);
            for _ in 0..count {
                let (raw, next) = reader.string(pos)?;
                items.push(text(raw));
                pos = next;
            }
            payload.headers = Some(items);
        } else {
            pos = reader.skip(pos, field_type, MAX_DEPTH)?;
            if pos > data.len() {
                return Err(said("a value runs past the end of the record"));
            }
        }
    }
}

/// Parse and check one raw record (Thrift bytes).
pub fn decode_payload(data: &[u8]) -> Result<CollectorPayload, Problem> {
    let payload = read_payload(data).map_err(|malformed| {
        let reason = match malformed {
            Malformed::TooShort => "the record ends too early".to_string(),
            Malformed::Said(reason) => reason,
        };
        Problem::plain(&format!("cannot deserialize Thrift CollectorPayload: {reason}"))
    })?;
    if !payload.schema.as_deref().is_some_and(|schema| schema.starts_with(SCHEMA_PREFIX)) {
        return Err(Problem {
            message: "not a CollectorPayload 1-*-*".to_string(),
            field: Some("schema"),
            value: payload.schema.clone(),
        });
    }
    let required = [
        ("ipAddress", payload.ip_address.is_none()),
        ("timestamp", payload.timestamp.is_none()),
        ("encoding", payload.encoding.is_none()),
        ("collector", payload.collector.is_none()),
    ];
    if let Some((name, _)) = required.iter().find(|(_, missing)| *missing) {
        return Err(Problem { message: format!("required field {name} is missing"), field: Some(name), value: None });
    }
    match payload.timestamp {
        Some(stamp) if !(0..MAX_TIMESTAMP_MS).contains(&stamp) => Err(Problem {
            message: "timestamp out of range".to_string(),
            field: Some("timestamp"),
            value: Some(stamp.to_string()),
        }),
        _ => Ok(payload),
    }
}

/// Whether a byte is whitespace to Python's `str.strip` once the line is read as Latin-1.
fn is_space(byte: u8) -> bool {
    matches!(byte, b'\t'..=b'\r' | 0x1c..=0x1f | b' ' | 0x85 | 0xa0)
}

fn base64_value(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Base64 as the pipeline has always read raw lines: Python's `base64.b64decode(text, validate=True)` (CPython's
/// strict `a2b_base64`: no character outside the alphabet, no leading or discontinuous padding, no data after
/// a complete pad, padding required; trailing bits that are not zero ignored). None when it refuses.
pub fn decode_strict_base64(text: &[u8]) -> Option<Vec<u8>> {
    // Canonical base64 (nearly every line) at memory speed; what the engine refuses is read again by the exact
    // reader below, which also takes the few texts CPython accepts beyond canonical ones (`QUJD=`).
    canonical_base64(text).or_else(|| decode_python_base64(text))
}

fn canonical_base64(text: &[u8]) -> Option<Vec<u8>> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    use base64::Engine;
    const CANONICAL: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
    );
    CANONICAL.decode(text).ok()
}

fn decode_python_base64(text: &[u8]) -> Option<Vec<u8>> {
    if text.first() == Some(&b'=') {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 3);
    let (mut quad, mut left, mut pads, mut padding) = (0u8, 0u8, 0u8, false);
    for (index, &byte) in text.iter().enumerate() {
        if byte == b'=' {
            padding = true;
            if quad >= 2 {
                pads += 1;
                if quad + pads >= 4 {
                    return if index + 1 < text.len() { None } else { Some(out) };
                }
            }
            continue;
        }
        let value = base64_value(byte)?;
        if padding {
            return None;
        }
        pads = 0;
        match quad {
            0 => {
                quad = 1;
                left = value;
            }
            1 => {
                quad = 2;
                out.push((left << 2) | (value >> 4));
                left = value & 0x0f;
            }
            2 => {
                quad = 3;
                out.push((left << 4) | (value >> 2));
                left = value & 0x03;
            }
            _ => {
                quad = 0;
                out.push((left << 6) | value);
                left = 0;
            }
        }
    }
    if quad == 0 {
        Some(out)
    } else {
        None
    }
}

/// One line of a raw file (as read, any bytes): base64 of a Thrift payload, whitespace around it ignored.
pub fn decode_base64_line(line: &[u8]) -> Result<CollectorPayload, Problem> {
    let start = line.iter().position(|b| !is_space(*b)).unwrap_or(line.len());
    let end = line.iter().rposition(|b| !is_space(*b)).map_or(start, |last| last + 1);
    let data = decode_strict_base64(&line[start..end]).ok_or_else(|| Problem::plain("record is not valid base64"))?;
    if data.is_empty() {
        return Err(Problem::plain("record is empty"));
    }
    decode_payload(&data)
}

fn put_string(out: &mut Vec<u8>, id: i16, value: &[u8]) {
    out.push(STRING);
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&(value.len() as i32).to_be_bytes());
    out.extend_from_slice(value);
}

impl CollectorPayload {
    /// The payload as the collector writes it (TBinaryProtocol, fields in the IDL's order, absent fields left
    /// out), byte for byte what thriftpy2 writes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let strings = |fields: &[(i16, &Option<String>)], out: &mut Vec<u8>| {
            for (id, value) in fields {
                if let Some(value) = value {
                    put_string(out, *id, value.as_bytes());
                }
            }
        };
        strings(&[(31337, &self.schema), (100, &self.ip_address)], &mut out);
        if let Some(stamp) = self.timestamp {
            out.push(I64);
            out.extend_from_slice(&200i16.to_be_bytes());
            out.extend_from_slice(&stamp.to_be_bytes());
        }
        strings(
            &[(210, &self.encoding), (220, &self.collector), (300, &self.user_agent), (310, &self.referer_uri),
              (320, &self.path), (330, &self.querystring)],
            &mut out,
        );
        if let Some(body) = &self.body {
            put_string(&mut out, 340, body);
        }
        if let Some(headers) = &self.headers {
            out.push(LIST);
            out.extend_from_slice(&350i16.to_be_bytes());
            out.push(STRING);
            out.extend_from_slice(&(headers.len() as i32).to_be_bytes());
            for header in headers {
                out.extend_from_slice(&(header.len() as i32).to_be_bytes());
                out.extend_from_slice(header.as_bytes());
            }
        }
        strings(&[(360, &self.content_type), (400, &self.hostname), (410, &self.network_user_id)], &mut out);
        out.push(STOP);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> CollectorPayload {
        CollectorPayload {
            schema: Some(format!("{SCHEMA_PREFIX}0-0")),
            ip_address: Some("203.0.113.9".into()),
            timestamp: Some(1_764_320_400_000),
            encoding: Some("UTF-8".into()),
            collector: Some("c".into()),
            path: Some("/i".into()),
            querystring: Some("e=pv".into()),
            body: Some(vec![0xff, 0]),
            headers: Some(vec!["Host: x".into()]),
            ..Default::default()
        }
    }

    fn message(data: &[u8]) -> String {
        decode_payload(data).err().map(|p| p.message).unwrap_or_default()
    }

    #[test]
    fn a_payload_round_trips() {
        assert_eq!(decode_payload(&valid().encode()), Ok(valid()));
    }

    #[test]
    fn the_encoding_is_the_collectors() {
        // what thriftpy2 writes (checked once by hand): schema (31337) first, as the IDL declares it, then by id
        let payload = CollectorPayload { ip_address: Some("a".into()), timestamp: Some(1), schema: Some("s".into()), ..Default::default() };
        assert_eq!(
            payload.encode(),
            vec![11, 122, 105, 0, 0, 0, 1, b's', 11, 0, 100, 0, 0, 0, 1, b'a', 10, 0, 200, 0, 0, 0, 0, 0, 0, 0, 1, 0]
        );
    }

    #[test]
    fn malformed_records_say_why() {
        let prefix = "cannot deserialize Thrift CollectorPayload: ";
        assert_eq!(message(b""), format!("{prefix}the record ends too early"));
        assert_eq!(message(&[11, 0, 100, 0x7f, 0, 0, 0]), format!("{prefix}a string length runs past the end of the record"));
        assert_eq!(message(&[11, 0, 100, 0xff, 0xff, 0xff, 0xff]), format!("{prefix}a string length runs past the end of the record"));
        assert_eq!(message(&[1, 0, 5]), format!("{prefix}invalid Thrift type 1"));
        assert_eq!(message(&[15, 0, 5, 12, 0x7f, 0, 0, 0]), format!("{prefix}a container size runs past the end of the record"));
        assert_eq!(message(&[15, 0, 5, 0, 0, 0, 0, 1, 0]), format!("{prefix}a container of an invalid Thrift type"));
        assert_eq!(message(&[10, 0, 5, 0, 0]), format!("{prefix}a value runs past the end of the record"));
        assert_eq!(message(&[12, 0, 5, 10, 0, 1, 0]), format!("{prefix}the record ends too early"));
        let mut deep = Vec::new();
        for _ in 0..70 {
            deep.extend_from_slice(&[12, 0, 1]);
        }
        assert_eq!(message(&deep), format!("{prefix}nested deeper than 64 levels"));
    }

    #[test]
    fn unusable_payloads_name_their_field() {
        let mut payload = valid();
        payload.schema = Some("iglu:x".into());
        let problem = decode_payload(&payload.encode()).unwrap_err();
        assert_eq!((problem.message.as_str(), problem.field, problem.value.as_deref()), ("not a CollectorPayload 1-*-*", Some("schema"), Some("iglu:x")));
        let mut payload = valid();
        payload.encoding = None;
        assert_eq!(decode_payload(&payload.encode()).unwrap_err().message, "required field encoding is missing");
        let mut payload = valid();
        payload.timestamp = Some(-1);
        let problem = decode_payload(&payload.encode()).unwrap_err();
        assert_eq!((problem.message.as_str(), problem.value.as_deref()), ("timestamp out of range", Some("-1")));
    }

    #[test]
    fn strings_that_are_not_utf8_get_replacement_characters() {
        let mut data = valid().encode();
        data.pop();
        data.extend_from_slice(&[11, 0x01, 0x9a, 0, 0, 0, 3, b'a', 0xed, 0xa0]); // networkUserId (410)
        data.push(0);
        assert_eq!(decode_payload(&data).unwrap().network_user_id.as_deref(), Some("a\u{fffd}\u{fffd}"));
    }

    #[test]
    fn base64_is_read_as_python_validate_true_reads_it() {
        let accepted: [(&str, &[u8]); 6] =
            [("QQ==", b"A"), ("QR==", b"A"), ("QUI=", b"AB"), ("QUJD", b"ABC"), ("QUJD=", b"ABC"), ("", b"")];
        for (text, bytes) in accepted {
            assert_eq!(decode_strict_base64(text.as_bytes()).as_deref(), Some(bytes), "{text}");
        }
        for text in ["QQ=", "QQ", "QUJ", "Q", "QQ==QQ==", "=QQ=", "QQ===", "Q===", "QU I=", "====", "QQ=a", "QUI=\n", "QU\u{e9}="] {
            assert_eq!(decode_strict_base64(text.as_bytes()), None, "{text}");
        }
        // what the canonical engine takes, the exact reader takes too, to the same bytes
        for text in ["QQ==", "QR==", "QUI=", "QUJD", "", "QUJDRA==", "/+8=", "AAAA"] {
            assert_eq!(canonical_base64(text.as_bytes()), decode_python_base64(text.as_bytes()), "{text}");
        }
    }

    #[test]
    fn lines_are_stripped_as_latin1_text_is() {
        let line = [&[0xa0, b' ', 0x85, 0x1c][..], b"QUJD", &[b'\r', 0x1f][..]].concat();
        assert_eq!(decode_base64_line(&line).unwrap_err().message, "cannot deserialize Thrift CollectorPayload: invalid Thrift type 65");
        assert_eq!(decode_base64_line(b" \t ").unwrap_err().message, "record is empty");
        assert_eq!(decode_base64_line(b"%%%").unwrap_err().message, "record is not valid base64");
    }
}
