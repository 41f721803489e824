//! Tracker-protocol adapters: one collector payload in, its raw events' parameters (or one failure) out
//! (the port of `transforms/adapters.py`).

use serde_json::Value;

use crate::event::Parameters;
use crate::thrift::{decode_strict_base64, CollectorPayload};

/// Why base64 from a tracker could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base64Error {
    /// Python's `binascii.Error`: not base64.
    Invalid,
    /// Python's `ValueError("string argument should contain only ASCII characters")`.
    NotAscii,
}

/// Base64 as trackers send it: URL-safe or standard alphabet, padding optional.
pub fn decode_base64url(text: &str) -> Result<Vec<u8>, Base64Error> {
    let stripped = text.trim_matches(is_python_space);
    if !stripped.is_ascii() {
        return Err(Base64Error::NotAscii);
    }
    let mut standard: Vec<u8> = stripped
        .bytes()
        .map(|byte| match byte {
            b'-' => b'+',
            b'_' => b'/',
            other => other,
        })
        .collect();
    standard.resize(standard.len().next_multiple_of(4), b'=');
    decode_strict_base64(&standard).ok_or(Base64Error::Invalid)
}

/// Whitespace to Python's `str.strip`: Unicode's White_Space and the four separators U+001C..U+001F.
fn is_python_space(character: char) -> bool {
    character.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&character)
}

/// The bad row a payload's failure makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// The request path has no `/vendor/version` shape: a `collector_payload_format_violation`.
    PathFormatViolation,
    AdapterFailures,
    TrackerProtocolViolations,
}

/// A payload that gives no events: the bad row's kind and its `messages` (for a path format violation, the
/// one `message` object).
#[derive(Clone, Debug, PartialEq)]
pub struct AdapterFailure {
    pub kind: FailureKind,
    pub messages: Vec<Value>,
}

/// The events of one payload: the adapter (vendor, version) chosen for it and each event's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Adapted {
    pub vendor: String,
    pub version: String,
    pub events: Vec<Parameters>,
}

/// The raw events of one payload. `validate_payload_data` returns the Iglu failure messages of a tp2 body
/// (empty when it is a valid `payload_data` 1-*-*); its own error (an Iglu outage) is returned as the outer `Err`.
pub fn adapt<E>(
    _payload: &CollectorPayload,
    _validate_payload_data: &mut dyn FnMut(&Value) -> Result<Vec<Value>, E>,
) -> Result<Result<Adapted, AdapterFailure>, E> {
    unimplemented!("helper A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_read_as_python_reads_it() {
        // (text, snowplow_beam's decode_base64url(text)), from the Python reference: both alphabets, with and
        // without padding, every remainder, bad padding, non-zero unused bits (accepted), Python's whitespace
        let cases: &[(&str, Result<Vec<u8>, Base64Error>)] = &[
            ("eyJzY2hlbWEiOiJpZ2x1OngveS9qc29uc2NoZW1hLzEtMC0wIiwiZGF0YSI6eyJhIjoiw6k_PiJ9fQ==", Ok(b"\x7b\x22\x73\x63\x68\x65\x6d\x61\x22\x3a\x22\x69\x67\x6c\x75\x3a\x78\x2f\x79\x2f\x6a\x73\x6f\x6e\x73\x63\x68\x65\x6d\x61\x2f\x31\x2d\x30\x2d\x30\x22\x2c\x22\x64\x61\x74\x61\x22\x3a\x7b\x22\x61\x22\x3a\x22\xc3\xa9\x3f\x3e\x22\x7d\x7d".to_vec())),
            ("eyJzY2hlbWEiOiJpZ2x1OngveS9qc29uc2NoZW1hLzEtMC0wIiwiZGF0YSI6eyJhIjoiw6k_PiJ9fQ", Ok(b"\x7b\x22\x73\x63\x68\x65\x6d\x61\x22\x3a\x22\x69\x67\x6c\x75\x3a\x78\x2f\x79\x2f\x6a\x73\x6f\x6e\x73\x63\x68\x65\x6d\x61\x2f\x31\x2d\x30\x2d\x30\x22\x2c\x22\x64\x61\x74\x61\x22\x3a\x7b\x22\x61\x22\x3a\x22\xc3\xa9\x3f\x3e\x22\x7d\x7d".to_vec())),
            ("eyJzY2hlbWEiOiJpZ2x1OngveS9qc29uc2NoZW1hLzEtMC0wIiwiZGF0YSI6eyJhIjoiw6k/PiJ9fQ==", Ok(b"\x7b\x22\x73\x63\x68\x65\x6d\x61\x22\x3a\x22\x69\x67\x6c\x75\x3a\x78\x2f\x79\x2f\x6a\x73\x6f\x6e\x73\x63\x68\x65\x6d\x61\x2f\x31\x2d\x30\x2d\x30\x22\x2c\x22\x64\x61\x74\x61\x22\x3a\x7b\x22\x61\x22\x3a\x22\xc3\xa9\x3f\x3e\x22\x7d\x7d".to_vec())),
            ("eyJzY2hlbWEiOiJpZ2x1OngveS9qc29uc2NoZW1hLzEtMC0wIiwiZGF0YSI6eyJhIjoiw6k/PiJ9fQ", Ok(b"\x7b\x22\x73\x63\x68\x65\x6d\x61\x22\x3a\x22\x69\x67\x6c\x75\x3a\x78\x2f\x79\x2f\x6a\x73\x6f\x6e\x73\x63\x68\x65\x6d\x61\x2f\x31\x2d\x30\x2d\x30\x22\x2c\x22\x64\x61\x74\x61\x22\x3a\x7b\x22\x61\x22\x3a\x22\xc3\xa9\x3f\x3e\x22\x7d\x7d".to_vec())),
            ("-g", Ok(b"\xfa".to_vec())),
            ("-vk", Ok(b"\xfa\xf9".to_vec())),
            ("-vn4", Ok(b"\xfa\xf9\xf8".to_vec())),
            ("-vn49w", Ok(b"\xfa\xf9\xf8\xf7".to_vec())),
            ("-vn49_Y", Ok(b"\xfa\xf9\xf8\xf7\xf6".to_vec())),
            ("!!!!", Err(Base64Error::Invalid)),
            ("ab$d", Err(Base64Error::Invalid)),
            ("a", Err(Base64Error::Invalid)),
            ("e30=x", Err(Base64Error::Invalid)),
            ("e30", Ok(b"\x7b\x7d".to_vec())),
            ("e30=", Ok(b"\x7b\x7d".to_vec())),
            ("e31", Ok(b"\x7b\x7d".to_vec())),
            ("e3_", Ok(b"\x7b\x7f".to_vec())),
            ("QR", Ok(b"\x41".to_vec())),
            ("QR==", Ok(b"\x41".to_vec())),
            ("QUJ", Ok(b"\x41\x42".to_vec())),
            ("QUK", Ok(b"\x41\x42".to_vec())),
            ("", Ok(b"".to_vec())),
            ("  ", Ok(b"".to_vec())),
            ("=", Err(Base64Error::Invalid)),
            ("==", Err(Base64Error::Invalid)),
            ("QQ=", Ok(b"\x41".to_vec())),
            ("QQ==QQ==", Err(Base64Error::Invalid)),
            ("QQ=a", Err(Base64Error::Invalid)),
            ("QU I=", Err(Base64Error::Invalid)),
            (" QUJD\u{a}", Ok(b"\x41\x42\x43".to_vec())),
            ("\u{3000}QUJD\u{2028}", Ok(b"\x41\x42\x43".to_vec())),
            ("\u{1c}QUJD\u{1f}", Ok(b"\x41\x42\x43".to_vec())),
            ("QUJD\u{e9}", Err(Base64Error::NotAscii)),
            ("\u{e9}", Err(Base64Error::NotAscii)),
            ("QUJD\u{85}", Ok(b"\x41\x42\x43".to_vec())),
            ("QU\u{9}JD", Err(Base64Error::Invalid)),
            ("-_-_", Ok(b"\xfb\xff\xbf".to_vec())),
            ("+/+/", Ok(b"\xfb\xff\xbf".to_vec())),
            ("-/_+", Ok(b"\xfb\xff\xfe".to_vec())),
            ("QUJD=", Ok(b"\x41\x42\x43".to_vec())),
            ("QUJD==", Ok(b"\x41\x42\x43".to_vec())),
            ("QUJD===", Ok(b"\x41\x42\x43".to_vec())),
            ("QUJD====", Ok(b"\x41\x42\x43".to_vec())),
            ("QQ===", Err(Base64Error::Invalid)),
            ("Q===", Err(Base64Error::Invalid)),
            ("QQ\u{0}", Err(Base64Error::Invalid)),
            ("e30=\u{a}", Ok(b"\x7b\x7d".to_vec())),
            ("QUJD\u{200b}", Err(Base64Error::NotAscii)),
            ("\u{feff}QUJD", Err(Base64Error::NotAscii)),
            ("Q\u{a0}UJD", Err(Base64Error::NotAscii)),
        ];
        for (text, expected) in cases {
            assert_eq!(&decode_base64url(text), expected, "{text:?}");
        }
    }
}
