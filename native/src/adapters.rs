//! Tracker-protocol adapters: one collector payload in, its raw events' parameters (or one failure) out
//! (the port of `transforms/adapters.py`).

use serde_json::Value;

use crate::event::Parameters;
use crate::thrift::CollectorPayload;

/// Why base64 from a tracker could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base64Error {
    /// Python's `binascii.Error`: not base64.
    Invalid,
    /// Python's `ValueError("string argument should contain only ASCII characters")`.
    NotAscii,
}

/// Base64 as trackers send it: URL-safe or standard alphabet, padding optional.
pub fn decode_base64url(_text: &str) -> Result<Vec<u8>, Base64Error> {
    unimplemented!("helper A")
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
