//! From raw event to enriched event: tracker parameters mapped onto the canonical fields, then the built-in
//! enrichments (the port of `EventEnricher._map_input` and `_builtin_enrichments` in `transforms/enrich.py`).
//!
//! As in Snowplow's enrich: (1) collector fields, tracker parameters parsed into typed fields and the
//! self-describing JSON parameters parsed; a value that does not fit is a `schema_violations` message;
//! (2) page and referer URLs, the derived timestamp and the event's schema fields; a failure there is an
//! `enrichment_failures` message. The configured enrichments and the maxLength check ([`too_long_reports`])
//! come after, elsewhere.
//!
//! Every parser bounds its work by the length of its text before reading a number out of it (a number longer
//! than any number of its kind is refused on its length or its exponent, never expanded).

use std::borrow::Cow;
use std::fmt::Write;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::adapters::{decode_base64url, Base64Error};
use crate::atomic::{fix_tabs_newlines, DECIMAL_DIGITS, FIELDS, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS};
use crate::python_text;
use crate::event::{Event, FieldValue, Parameters};
use crate::iglu_key::parse_schema_key;
use crate::json;
use crate::thrift::CollectorPayload;

/// The schema of the atomic event's fields, which data reports refer to.
pub const ATOMIC_SCHEMA: &str = "iglu:com.snowplowanalytics.snowplow/atomic/jsonschema/1-0-0";

/// What mapping one raw event gives.
#[derive(Clone, Debug, PartialEq)]
pub enum Mapped {
    /// Mapped; `failures`: the built-in enrichments' `enrichment_failures` messages (empty when none failed).
    Event { event: Event, failures: Vec<Value> },
    /// A parameter that does not fit its field, or self-describing JSON that cannot be read: the
    /// `schema_violations` messages, with the event as far as it was mapped.
    Invalid { event: Event, messages: Vec<Value> },
}

/// The enriched event of the `index`-th raw event of a record whose SHA-256 is `seed`, its collector payload
/// `payload`; `etl_tstamp` is the time of enrichment (ms), `v_etl` the pipeline's version string.
///
/// Where Python holds a `None`, the event holds nothing: a payload without `collector` (or `timestamp`, which
/// is then 0) has no `v_collector` field; the JSON text `null` in a self-describing parameter is `Json(Null)`.
pub fn map_event(
    payload: &CollectorPayload,
    parameters: &Parameters,
    seed: &[u8; 32],
    index: u32,
    etl_tstamp: i64,
    v_etl: &str,
) -> Mapped {
    let (mut event, reports, json_errors) = map_input(payload, parameters, etl_tstamp, v_etl);
    if !event.contains_key("event_id") {
        event.insert("event_id", FieldValue::Str(derive_event_id(seed, index)));
    }
    if !reports.is_empty() || !json_errors.is_empty() {
        let mut messages = Vec::with_capacity(1 + json_errors.len());
        if !reports.is_empty() {
            messages.push(atomic_violation(reports));
        }
        messages.extend(json_errors);
        return Mapped::Invalid { event, messages };
    }
    let failures = builtin_enrichments(payload, &mut event);
    Mapped::Event { event, failures }
}

// ---- messages ------------------------------------------------------------------------------------------

/// A data report against atomic/jsonschema/1-0-0. `message` never quotes the value; `targets` holds it.
pub fn atomic_report(field: &str, message: &str, keyword: &str, value: &str) -> Value {
    json!({"message": message, "path": format!("$.{field}"), "keyword": keyword, "targets": [value]})
}

/// The `schema_violations` message of data reports against the atomic schema.
pub fn atomic_violation(reports: Vec<Value>) -> Value {
    json!({"schemaKey": ATOMIC_SCHEMA, "error": {"error": "ValidationError", "dataReports": reports}})
}

/// The maxLength reports of an enriched event's string fields that are longer (in code points) than the atomic
/// schema allows, in the fields' canonical order (`EventEnricher.enrich`'s last check); empty when all fit.
pub fn too_long_reports(event: &Event) -> Vec<Value> {
    let mut reports = Vec::new();
    for field in &FIELDS {
        let (Some(limit), Some(FieldValue::Str(text))) = (field.max_length, event.get(field.name)) else {
            continue;
        };
        if text.len() > limit && text.chars().count() > limit {
            reports.push(atomic_report(field.name, &format!("exceeds maxLength {limit}"), "maxLength", text));
        }
    }
    reports
}

fn failure(field: &str, value: Option<&str>, expectation: &str) -> Value {
    json!({"enrichment": null, "message": {"field": field, "value": value, "expectation": expectation}})
}

/// A UUID (version 4 layout) derived from the raw record and the event's index in it: the first 16 bytes of
/// SHA-256(`seed` || `index` as 4 bytes big-endian), with the version and variant bits set, in lower-case hex.
///
/// Snowplow draws a random UUID when the tracker sent no `eid`; deriving it instead keeps reruns of the same
/// input identical, so they replace output rather than duplicate it.
pub fn derive_event_id(seed: &[u8], index: u32) -> String {
    let mut hasher = Sha256::new();
    hasher.update(seed);
    hasher.update(index.to_be_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

// ---- parsers: text parameter -> typed value --------------------------------------------------------------

/// A parameter value that does not fit its field: the message (without the value) and the data report's keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: &'static str,
    pub keyword: &'static str,
}

const fn parse_error(message: &'static str, keyword: &'static str) -> ParseError {
    ParseError { message, keyword }
}

// Snowplow's integer fields are JVM Ints (and INTEGER columns downstream); its parsers take no spaces or digit
// separators.
const INT_MIN: i64 = i32::MIN as i64;
const INT_MAX: i64 = i32::MAX as i64;
const TOO_LARGE: ParseError = parse_error("must be at most 2147483647", "maximum");
const TOO_SMALL: ParseError = parse_error("must be at least -2147483648", "minimum");
const NOT_AN_INTEGER: ParseError = parse_error("cannot be converted to an integer", "type");
const NOT_A_NUMBER: ParseError = parse_error("cannot be converted to a number", "type");
/// A sign and the 10 digits of a 32-bit integer, with a leading zero to spare.
const MAX_INTEGER_TEXT: usize = 12;
/// A sign and the 15 digits of a millisecond timestamp in year 9999 (and one to spare).
const MAX_TIMESTAMP_TEXT: usize = 16;
/// Room for DECIMAL_DIGITS' 38 digits, a sign, a point and an exponent.
const MAX_DECIMAL_TEXT: usize = 64;

fn int_range(number: i128) -> Result<i64, ParseError> {
    if number > INT_MAX as i128 {
        Err(TOO_LARGE)
    } else if number < INT_MIN as i128 {
        Err(TOO_SMALL)
    } else {
        Ok(number as i64)
    }
}

/// Snowplow's integer parsers read the text `null` (any case) as no value.
fn no_value(value: &str) -> bool {
    value.eq_ignore_ascii_case("null")
}

/// `[+-]?[0-9]+`, in full.
fn is_integer_text(value: &str) -> bool {
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The value of integer text of at most a few dozen digits (checked by the caller).
fn small_integer(text: &str) -> i128 {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude = digits
        .bytes()
        .fold(0i128, |acc, b| acc.saturating_mul(10).saturating_add(i128::from(b - b'0')));
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

/// A 32-bit integer; `None` for the text `null`.
pub fn parse_integer(value: &str) -> Result<Option<i64>, ParseError> {
    if no_value(value) {
        return Ok(None);
    }
    if !is_integer_text(value) {
        return Err(NOT_AN_INTEGER);
    }
    if value.len() > MAX_INTEGER_TEXT {
        // out of range whatever its digits; their value is never computed
        return Err(if value.starts_with('-') { TOO_SMALL } else { TOO_LARGE });
    }
    int_range(small_integer(value)).map(Some)
}

/// Page-ping offsets: trackers send floats, Snowplow keeps the integer part (of any decimal text).
pub fn parse_integer_lenient(value: &str) -> Result<Option<i64>, ParseError> {
    if no_value(value) {
        return Ok(None);
    }
    if value.len() <= MAX_INTEGER_TEXT && is_integer_text(value) {
        return int_range(small_integer(value)).map(Some);
    }
    let plain = parse_decimal(value)?;
    // the integer part, truncated towards zero; at most DECIMAL_DIGITS.0 digits
    let whole = plain.split('.').next().unwrap_or("0");
    int_range(small_integer(whole)).map(Some)
}

/// Decimal text as `[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?`: (negative, coefficient digits
/// before the point, after it, exponent). The exponent saturates far beyond any bound it is compared with.
fn decimal_parts(value: &str) -> Option<(bool, &str, &str, i128)> {
    let bytes = value.as_bytes();
    let mut at = 0;
    let negative = match bytes.first() {
        Some(b'-') => {
            at = 1;
            true
        }
        Some(b'+') => {
            at = 1;
            false
        }
        _ => false,
    };
    let run = |from: usize| from + bytes[from..].iter().take_while(|b| b.is_ascii_digit()).count();
    let int_end = run(at);
    let whole = &value[at..int_end];
    let mut fraction = "";
    let mut end = int_end;
    if bytes.get(end) == Some(&b'.') {
        let fraction_end = run(end + 1);
        fraction = &value[end + 1..fraction_end];
        end = fraction_end;
        if whole.is_empty() && fraction.is_empty() {
            return None;
        }
    } else if whole.is_empty() {
        return None;
    }
    let mut exponent: i128 = 0;
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let mut from = end + 1;
        let exponent_negative = match bytes.get(from) {
            Some(b'-') => {
                from += 1;
                true
            }
            Some(b'+') => {
                from += 1;
                false
            }
            _ => false,
        };
        let exponent_end = run(from);
        if exponent_end == from {
            return None;
        }
        const CAP: i128 = 1_000_000_000_000_000_000_000_000_000_000;
        let magnitude = value[from..exponent_end]
            .bytes()
            .fold(0i128, |acc, b| (acc * 10 + i128::from(b - b'0')).min(CAP));
        exponent = if exponent_negative { -magnitude } else { magnitude };
        end = exponent_end;
    }
    (end == bytes.len()).then_some((negative, whole, fraction, exponent))
}

/// Snowplow's decimal fields: the exact decimal text as Snowplow writes it (Java's BigDecimal, a negative scale
/// set to 0, in plain notation): `200.00`, `1e7` -> `10000000`, `1E-7` -> `0.0000001`, `-0` -> `0`; at most
/// 20 digits before the point and 18 after it. Python's `Decimal` arithmetic, done on the digits.
pub fn parse_decimal(value: &str) -> Result<String, ParseError> {
    if value.len() > MAX_DECIMAL_TEXT && value.chars().count() > MAX_DECIMAL_TEXT {
        return Err(parse_error("a number of more than 64 characters", "maxLength"));
    }
    let (negative, whole, fraction, exponent) = decimal_parts(value).ok_or(NOT_A_NUMBER)?;
    let (max_whole, max_fraction) = DECIMAL_DIGITS;
    // Decimal(value): the coefficient without its leading zeros (at least "0"), the exponent of its last digit
    let digits = format!("{whole}{fraction}");
    let coefficient = match digits.trim_start_matches('0') {
        "" => "0",
        significant => significant,
    };
    let exponent = exponent - fraction.len() as i128;
    let adjusted = exponent + coefficient.len() as i128 - 1;
    if adjusted >= max_whole as i128 {
        // checked on the exponent first: 1e999999999 is never expanded
        return Err(parse_error("must have at most 20 digits before the decimal point", "maximum"));
    }
    if exponent < -(max_fraction as i128) {
        return Err(parse_error("must have at most 18 digits after the decimal point", "multipleOf"));
    }
    let zero = coefficient == "0";
    let mut out = String::with_capacity(coefficient.len() + max_whole + 3);
    if negative && !zero {
        out.push('-');
    }
    if exponent > 0 {
        // quantized to an integer: adjusted < 20 bounds the zeros
        out.push_str(coefficient);
        if !zero {
            out.extend(std::iter::repeat('0').take(exponent as usize));
        }
    } else {
        let scale = (-exponent) as usize; // at most 18
        if coefficient.len() > scale {
            let point = coefficient.len() - scale;
            out.push_str(&coefficient[..point]);
            if scale > 0 {
                out.push('.');
                out.push_str(&coefficient[point..]);
            }
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat('0').take(scale - coefficient.len()));
            out.push_str(coefficient);
        }
    }
    Ok(out)
}

fn parse_boolean(value: &str) -> Result<bool, ParseError> {
    match value {
        "1" => Ok(true),
        "0" => Ok(false),
        _ => Err(parse_error("must be 1 or 0", "enum")),
    }
}

/// Milliseconds since the epoch, in years 1 to 9999.
pub fn parse_timestamp(value: &str) -> Result<i64, ParseError> {
    if value.len() > MAX_TIMESTAMP_TEXT || !is_integer_text(value) {
        return Err(parse_error("must be milliseconds since the epoch", "format"));
    }
    let millis = small_integer(value);
    if !(MIN_TIMESTAMP_MS as i128..MAX_TIMESTAMP_MS as i128).contains(&millis) {
        return Err(parse_error("timestamp out of range (years 1 to 9999)", "format"));
    }
    Ok(millis as i64)
}

/// A UUID in any case, lower-cased.
fn parse_uuid(value: &str) -> Result<String, ParseError> {
    let bytes = value.as_bytes();
    let fits = bytes.len() == 36
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| if matches!(i, 8 | 13 | 18 | 23) { *b == b'-' } else { b.is_ascii_hexdigit() });
    if !fits {
        return Err(parse_error("must be a UUID", "format"));
    }
    Ok(value.to_ascii_lowercase())
}

fn parse_event_type(value: &str) -> Result<&'static str, ParseError> {
    Ok(match value {
        "pv" => "page_view",
        "pp" => "page_ping",
        "se" | "ev" => "struct",
        "ue" => "unstruct",
        "tr" => "transaction",
        "ti" => "transaction_item",
        "ad" => "ad_impression",
        _ => return Err(parse_error("must be one of ad, ev, pp, pv, se, ti, tr, ue", "enum")),
    })
}

fn parse_platform(value: &str) -> Result<&str, ParseError> {
    match value {
        "web" | "iot" | "app" | "mob" | "pc" | "cnsl" | "tv" | "srv" | "headset" => Ok(value),
        _ => Err(parse_error("must be one of app, cnsl, headset, iot, mob, pc, srv, tv, web", "enum")),
    }
}

/// `WIDTHxHEIGHT`, two non-negative 32-bit integers.
pub fn parse_dimensions(value: &str) -> Result<(i64, i64), ParseError> {
    const PATTERN: ParseError = parse_error("must be WIDTHxHEIGHT integers", "pattern");
    // longer than 2 * 12 + 1 bytes: more characters than that, or not ASCII; either way not the pattern
    if value.len() > 2 * MAX_INTEGER_TEXT + 1 {
        return Err(PATTERN);
    }
    let (width, height) = value.split_once('x').ok_or(PATTERN)?;
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits(width) || !digits(height) {
        return Err(PATTERN);
    }
    Ok((int_range(small_integer(width))?, int_range(small_integer(height))?))
}

/// The first address of a comma-, space- or pipe-separated list (X-Forwarded-For style), as Snowplow reads
/// `user_ipaddress` (the collector's address and the `ip` parameter).
pub fn first_ip(text: &str) -> &str {
    let mut text = python_text::strip(text);
    for separator in [',', ' ', '|'] {
        text = text.split(separator).next().unwrap_or("");
    }
    python_text::strip(text)
}

/// What Snowplow's IpAddressExtractor takes from a forwarding header, matched on the lower-cased text: after an
/// optional quote and bracket, a dotted IPv4 quad (a port or anything after it dropped), else the leading run of
/// hex digits, dots and colons (an IPv6 address, cut at its closing bracket). Text that does not start so
/// (`unknown`, `localhost`, RFC 7239's obfuscated `_hidden`) is not an address: `None`.
pub fn proxied_address(text: &str) -> Option<String> {
    // Only ASCII can be matched, and no other character lower-cases into what is matched.
    let text = python_text::strip(text);
    let mut rest = text.strip_prefix('"').unwrap_or(text);
    rest = rest.strip_prefix('[').unwrap_or(rest);
    let bytes = rest.as_bytes();
    // [0-9]{1,3}(\.[0-9]{1,3}){3}: each of the first three runs of digits must end at its dot
    let mut at = 0;
    let mut quad = true;
    for group in 0..4 {
        let digits = bytes[at..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || (group < 3 && (digits > 3 || bytes.get(at + digits) != Some(&b'.'))) {
            quad = false;
            break;
        }
        at += if group < 3 { digits + 1 } else { digits.min(3) };
    }
    if quad {
        return Some(rest[..at].to_string());
    }
    let run = bytes
        .iter()
        .take_while(|b| matches!(b.to_ascii_lowercase(), b'0'..=b'9' | b'a'..=b'f' | b'.' | b':'))
        .count();
    (run > 0).then(|| rest[..run].to_ascii_lowercase())
}

/// The client's address from the forwarding headers, as Snowplow's IpAddressExtractor takes it: the first
/// address of the first `X-Forwarded-For` header that starts with one; else the first `for=` of a `Forwarded`
/// header (RFC 7239) whose first parameter it is; else `None` (the collector's address is used).
pub fn client_address(headers: Option<&[String]>) -> Option<String> {
    let headers = headers?;
    let mut forwarded = None;
    for header in headers {
        let (name, value) = header.split_once(':').unwrap_or((header, ""));
        let name = python_text::strip(name);
        if name.eq_ignore_ascii_case("x-forwarded-for") {
            if let Some(address) = proxied_address(first_ip(value)) {
                return Some(address);
            }
        } else if name.eq_ignore_ascii_case("forwarded") && forwarded.is_none() {
            let value = python_text::strip(value);
            if value.len() >= 4 && value.as_bytes()[..4].eq_ignore_ascii_case(b"for=") {
                let element = &value[4..];
                let element = element.split(',').next().unwrap_or("");
                let element = element.split(';').next().unwrap_or("");
                forwarded = proxied_address(element);
            }
        }
    }
    forwarded
}

// ---- the parameter mapping -----------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Parser {
    String,
    Integer,
    IntegerLenient,
    Decimal,
    Boolean,
    Timestamp,
    Uuid,
    EventType,
    Platform,
    FirstIp,
}

/// Tracker parameter -> (field, parser). Later keys in an alias group win (the last sent).
fn scalar_parameter(key: &str) -> Option<(&'static str, Parser)> {
    use Parser::*;
    Some(match key {
        "e" => ("event", EventType),
        "aid" => ("app_id", String),
        "p" => ("platform", Platform),
        "tna" => ("name_tracker", String),
        "tv" => ("v_tracker", String),
        "cv" => ("v_collector", String),
        "eid" => ("event_id", Uuid),
        "tid" => ("txn_id", Integer),
        "dtm" => ("dvce_created_tstamp", Timestamp),
        "stm" => ("dvce_sent_tstamp", Timestamp),
        "ttm" => ("true_tstamp", Timestamp),
        "uid" => ("user_id", String),
        "duid" => ("domain_userid", String),
        "nuid" | "tnuid" => ("network_userid", String),
        "sid" => ("domain_sessionid", Uuid),
        "vid" => ("domain_sessionidx", Integer),
        "fp" => ("user_fingerprint", String),
        "ip" => ("user_ipaddress", FirstIp),
        "ua" => ("useragent", String),
        "url" => ("page_url", String),
        "page" => ("page_title", String),
        "refr" => ("page_referrer", String),
        "lang" => ("br_lang", String),
        "cs" => ("doc_charset", String),
        "cd" => ("br_colordepth", String),
        "tz" => ("os_timezone", String),
        "cookie" => ("br_cookies", Boolean),
        "f_pdf" => ("br_features_pdf", Boolean),
        "f_fla" => ("br_features_flash", Boolean),
        "f_java" => ("br_features_java", Boolean),
        "f_dir" => ("br_features_director", Boolean),
        "f_qt" => ("br_features_quicktime", Boolean),
        "f_realp" => ("br_features_realplayer", Boolean),
        "f_wma" => ("br_features_windowsmedia", Boolean),
        "f_gears" => ("br_features_gears", Boolean),
        "f_ag" => ("br_features_silverlight", Boolean),
        "ev_ca" | "se_ca" => ("se_category", String),
        "ev_ac" | "se_ac" => ("se_action", String),
        "ev_la" | "se_la" => ("se_label", String),
        "ev_pr" | "se_pr" => ("se_property", String),
        "ev_va" | "se_va" => ("se_value", Decimal),
        "tr_id" => ("tr_orderid", String),
        "tr_af" => ("tr_affiliation", String),
        "tr_tt" => ("tr_total", Decimal),
        "tr_tx" => ("tr_tax", Decimal),
        "tr_sh" => ("tr_shipping", Decimal),
        "tr_ci" => ("tr_city", String),
        "tr_st" => ("tr_state", String),
        "tr_co" => ("tr_country", String),
        "tr_cu" => ("tr_currency", String),
        "ti_id" => ("ti_orderid", String),
        "ti_sk" => ("ti_sku", String),
        "ti_na" | "ti_nm" => ("ti_name", String),
        "ti_ca" => ("ti_category", String),
        "ti_pr" => ("ti_price", Decimal),
        "ti_qu" => ("ti_quantity", Integer),
        "ti_cu" => ("ti_currency", String),
        "pp_mix" => ("pp_xoffset_min", IntegerLenient),
        "pp_max" => ("pp_xoffset_max", IntegerLenient),
        "pp_miy" => ("pp_yoffset_min", IntegerLenient),
        "pp_may" => ("pp_yoffset_max", IntegerLenient),
        _ => return None,
    })
}

/// Every parameter [`scalar_parameter`] maps, for the tables the pseudonymizer reads ([`parameter_fields`]).
pub const SCALAR_PARAMETER_KEYS: [&str; 68] = [
    "e", "aid", "p", "tna", "tv", "cv", "eid", "tid", "dtm", "stm", "ttm", "uid", "duid", "nuid", "tnuid", "sid",
    "vid", "fp", "ip", "ua", "url", "page", "refr", "lang", "cs", "cd", "tz", "cookie", "f_pdf", "f_fla", "f_java",
    "f_dir", "f_qt", "f_realp", "f_wma", "f_gears", "f_ag", "ev_ca", "ev_ac", "ev_la", "ev_pr", "ev_va", "se_ca",
    "se_ac", "se_la", "se_pr", "se_va", "tr_id", "tr_af", "tr_tt", "tr_tx", "tr_sh", "tr_ci", "tr_st", "tr_co",
    "tr_cu", "ti_id", "ti_sk", "ti_na", "ti_nm", "ti_ca", "ti_pr", "ti_qu", "ti_cu", "pp_mix", "pp_max", "pp_miy",
    "pp_may",
];
const PAIR_PARAMETER_KEYS: [&str; 3] = ["res", "vp", "ds"];

/// Tracker parameter -> the enriched fields it fills (the pseudonymizer keeps a parameter in clear only where all
/// of them are allowlisted).
pub fn parameter_fields() -> Vec<(&'static str, Vec<&'static str>)> {
    let scalars = SCALAR_PARAMETER_KEYS.iter().filter_map(|key| Some((*key, vec![scalar_parameter(key)?.0])));
    let pairs = PAIR_PARAMETER_KEYS.iter().filter_map(|key| pair_parameter(key).map(|(a, b)| (*key, vec![a, b])));
    let json = JSON_PARAMETERS.iter().flat_map(|(plain, encoded, field)| [(*plain, vec![*field]), (*encoded, vec![*field])]);
    scalars.chain(pairs).chain(json).collect()
}

/// The fields and typed values one parameter gives on its own (none for `null` in an integer field), or why it
/// does not parse; None for a parameter that fills no field by itself (self-describing JSON, unknown names).
pub fn parse_parameter(key: &str, value: &str) -> Option<Result<Vec<(&'static str, FieldValue)>, ParseError>> {
    if let Some((field, parser)) = scalar_parameter(key) {
        return Some(parse_scalar(parser, value).map(|parsed| parsed.map(|parsed| (field, parsed)).into_iter().collect()));
    }
    let (first, second) = pair_parameter(key)?;
    Some(parse_dimensions(value).map(|(width, height)| vec![(first, FieldValue::Int(width)), (second, FieldValue::Int(height))]))
}

/// Tracker parameters of `WIDTHxHEIGHT` -> their two fields.
fn pair_parameter(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "res" => ("dvce_screenwidth", "dvce_screenheight"),
        "vp" => ("br_viewwidth", "br_viewheight"),
        "ds" => ("doc_width", "doc_height"),
        _ => return None,
    })
}

/// Self-describing JSON parameters: (plain, base64url, field). The base64 form wins when both are sent.
const JSON_PARAMETERS: [(&str, &str, &str); 2] = [("ue_pr", "ue_px", "unstruct_event"), ("co", "cx", "contexts")];

/// The typed value of a parameter; `None` for no value (`null` in an integer field).
fn parse_scalar(parser: Parser, value: &str) -> Result<Option<FieldValue>, ParseError> {
    use FieldValue::{Bool, Int, Str};
    Ok(Some(match parser {
        Parser::String => Str(value.to_string()),
        Parser::Integer => return Ok(parse_integer(value)?.map(Int)),
        Parser::IntegerLenient => return Ok(parse_integer_lenient(value)?.map(Int)),
        Parser::Decimal => Str(parse_decimal(value)?),
        Parser::Boolean => Bool(parse_boolean(value)?),
        Parser::Timestamp => Int(parse_timestamp(value)?),
        Parser::Uuid => Str(parse_uuid(value)?),
        Parser::EventType => Str(parse_event_type(value)?.to_string()),
        Parser::Platform => Str(parse_platform(value)?.to_string()),
        Parser::FirstIp => Str(first_ip(value).to_string()),
    }))
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|text| !text.is_empty())
}

/// CPython's message for bytes that are not UTF-8 (`UnicodeDecodeError.__str__` of the strict decoder): the
/// first bad sequence is one invalid start byte, a start byte with the continuation bytes that were valid
/// before the invalid one, or a valid beginning cut by the end of the data.
fn utf8_error_message(bytes: &[u8], error: &std::str::Utf8Error) -> String {
    let start = error.valid_up_to();
    let lead = bytes.get(start).copied().unwrap_or(0);
    let (span, reason) = match error.error_len() {
        None => (bytes.len() - start, "unexpected end of data"),
        Some(span) if matches!(lead, 0x80..=0xc1 | 0xf5..=0xff) => (span, "invalid start byte"),
        Some(span) => (span, "invalid continuation byte"),
    };
    if span == 1 {
        format!("'utf-8' codec can't decode byte 0x{lead:02x} in position {start}: {reason}")
    } else {
        format!("'utf-8' codec can't decode bytes in position {start}-{}: {reason}", start + span - 1)
    }
}

/// A self-describing JSON parameter's document, or the error text of its `schema_violations` message.
fn json_parameter(text: &str, base64: bool) -> Result<Value, String> {
    if !base64 {
        return json::parse(text);
    }
    let bytes = decode_base64url(text).map_err(|error| match error {
        Base64Error::Invalid => "invalid base64".to_string(),
        Base64Error::NotAscii => "string argument should contain only ASCII characters".to_string(),
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|error| utf8_error_message(&bytes, &error))?;
    json::parse(text)
}

/// `_map_input`: the event as far as the input maps, the data reports of parameters that do not fit their
/// field (in the order the parameters came), and the errors of self-describing JSON that cannot be read.
fn map_input(
    payload: &CollectorPayload,
    parameters: &Parameters,
    etl_tstamp: i64,
    v_etl: &str,
) -> (Event, Vec<Value>, Vec<Value>) {
    // room for the fields a tracker event fills once enriched (44 to 57 in the sample mix), so that it never grows
    let mut event = Event::with_capacity_and_hasher(64, Default::default());
    event.insert("collector_tstamp", FieldValue::Int(payload.timestamp.unwrap_or(0)));
    event.insert("etl_tstamp", FieldValue::Int(etl_tstamp));
    event.insert("v_etl", FieldValue::Str(v_etl.to_string()));
    if let Some(collector) = &payload.collector {
        event.insert("v_collector", FieldValue::Str(collector.clone()));
    }
    if let Some(cookie) = non_empty(&payload.network_user_id) {
        event.insert("network_userid", FieldValue::Str(cookie.to_string()));
    }
    let address: Option<Cow<str>> = match client_address(payload.headers.as_deref()) {
        Some(address) => Some(Cow::Owned(address)),
        None => payload.ip_address.as_deref().map(Cow::Borrowed),
    };
    if let Some(address) = address.filter(|address| !address.is_empty()) {
        event.insert("user_ipaddress", FieldValue::Str(first_ip(&address).to_string()));
    }
    if let Some(user_agent) = non_empty(&payload.user_agent) {
        event.insert("useragent", FieldValue::Str(user_agent.to_string()));
    }

    let mut reports = Vec::new();
    for (key, value) in parameters {
        if let Some((field, parser)) = scalar_parameter(key) {
            match parse_scalar(parser, value) {
                Ok(Some(parsed)) => {
                    if field == "v_collector" && !event.contains_key(field) {
                        // Python holds the payload's missing collector as None in 4th place, where cv then goes
                        event.shift_insert(event.len().min(3), field, parsed);
                    } else {
                        event.insert(field, parsed);
                    }
                }
                Ok(None) => {
                    // "null" in an integer field: no value
                    event.shift_remove(field);
                }
                Err(error) => reports.push(atomic_report(field, &format!("{key}: {}", error.message), error.keyword, value)),
            }
        } else if let Some((first, second)) = pair_parameter(key) {
            match parse_dimensions(value) {
                Ok((width, height)) => {
                    event.insert(first, FieldValue::Int(width));
                    event.insert(second, FieldValue::Int(height));
                }
                Err(error) => reports.push(atomic_report(first, &format!("{key}: {}", error.message), error.keyword, value)),
            }
        }
    }
    // tnuid wins over nuid whatever the order the tracker sent them in
    if let Some(tnuid) = parameters.get("tnuid") {
        event.insert("network_userid", FieldValue::Str(tnuid.clone()));
    }
    if let Some(FieldValue::Str(user_agent)) = event.get_mut("useragent") {
        *user_agent = fix_tabs_newlines(user_agent);
    }

    let mut json_errors = Vec::new();
    for (plain, encoded, field) in JSON_PARAMETERS {
        let (key, text, base64) = match (parameters.get(encoded), parameters.get(plain)) {
            (Some(text), _) => (encoded, text, true),
            (None, Some(text)) => (plain, text, false),
            (None, None) => continue,
        };
        match json_parameter(text, base64) {
            Ok(document) => {
                event.insert(field, FieldValue::Json(document));
            }
            Err(error) => json_errors.push(json!({"field": key, "value": text, "error": error})),
        }
    }
    (event, reports, json_errors)
}

// ---- the built-in enrichments ----------------------------------------------------------------------------

/// Schema fields of the atomic event types (unstruct events take theirs from the event's schema).
fn atomic_event_schema(kind: &str) -> Option<[&'static str; 4]> {
    const SNOWPLOW: &str = "com.snowplowanalytics.snowplow";
    Some(match kind {
        "page_view" => [SNOWPLOW, "page_view", "jsonschema", "1-0-0"],
        "page_ping" => [SNOWPLOW, "page_ping", "jsonschema", "1-0-0"],
        "struct" => ["com.google.analytics", "event", "jsonschema", "1-0-0"],
        "transaction" => [SNOWPLOW, "transaction", "jsonschema", "1-0-0"],
        "transaction_item" => [SNOWPLOW, "transaction_item", "jsonschema", "1-0-0"],
        "ad_impression" => [SNOWPLOW, "ad_impression", "jsonschema", "1-0-0"],
        _ => return None,
    })
}

const SCHEMA_FIELDS: [&str; 4] = ["event_vendor", "event_name", "event_format", "event_version"];

fn int_field(event: &Event, name: &str) -> Option<i64> {
    match event.get(name) {
        Some(FieldValue::Int(value)) => Some(*value),
        _ => None,
    }
}

fn str_field<'e>(event: &'e Event, name: &str) -> Option<&'e str> {
    match event.get(name) {
        Some(FieldValue::Str(value)) => Some(value),
        _ => None,
    }
}

/// `_builtin_enrichments`: URLs, derived timestamp and schema fields; the `enrichment_failures` messages.
fn builtin_enrichments(payload: &CollectorPayload, event: &mut Event) -> Vec<Value> {
    let mut failures = Vec::new();
    if str_field(event, "v_collector").map_or(true, str::is_empty) {
        failures.push(failure("v_collector", None, "v_collector should be set"));
    }
    if !event.contains_key("page_url") {
        if let Some(referer) = non_empty(&payload.referer_uri) {
            event.insert("page_url", FieldValue::Str(referer.to_string()));
        }
    }
    for (field, names) in [("page_url", &PAGE_URL_FIELDS), ("page_referrer", &REFR_URL_FIELDS)] {
        let Some(url) = str_field(event, field).filter(|url| !url.is_empty()) else {
            continue;
        };
        // Snowplow encodes spaces as %20 before parsing and, where Java's URI parser still refuses the URL,
        // re-parses it with scala-uri, which percent-encodes what RFC 3986 does not allow; it writes the page
        // URL it parsed (the referer stays as sent; its components come from the encoded URL).
        let encoded = encode_url(url).into_owned();
        match split_url(&encoded) {
            Ok(parts) => {
                for (name, value) in names.iter().zip(parts) {
                    if let Some(value) = value {
                        event.insert(name, value);
                    }
                }
                if field == "page_url" {
                    event.insert(field, FieldValue::Str(encoded));
                }
            }
            Err(InvalidUri) => {
                let url = url.to_string();
                failures.push(failure(field, Some(&url), "a valid URI"));
            }
        }
    }

    let collector = int_field(event, "collector_tstamp").unwrap_or(0);
    let created = int_field(event, "dvce_created_tstamp");
    let sent = int_field(event, "dvce_sent_tstamp");
    let derived: i128 = match (int_field(event, "true_tstamp"), created, sent) {
        (Some(true_tstamp), _, _) => i128::from(true_tstamp),
        // the device clock's queueing time, taken off the collector's time
        (None, Some(created), Some(sent)) if created <= sent => {
            i128::from(collector) - (i128::from(sent) - i128::from(created))
        }
        _ => i128::from(collector),
    };
    if (i128::from(MIN_TIMESTAMP_MS)..i128::from(MAX_TIMESTAMP_MS)).contains(&derived) {
        event.insert("derived_tstamp", FieldValue::Int(derived as i64));
    } else {
        // dvce_sent_tstamp - dvce_created_tstamp spans more time than lies before collector_tstamp
        failures.push(failure("derived_tstamp", None, "collector_tstamp - (stm - dtm) in years 1 to 9999"));
    }

    match str_field(event, "event") {
        Some("unstruct") => {
            // Without ue_pr / ue_px the event is accepted with no unstruct_event and no schema fields, as
            // Snowplow does. An envelope that is not an unstruct_event is left to Iglu validation, which reports
            // it as a schema violation, as Snowplow does.
            if let Some(key) = unstruct_schema(event.get("unstruct_event")) {
                for (name, value) in SCHEMA_FIELDS.into_iter().zip([key.vendor, key.name, key.format, key.version]) {
                    event.insert(name, FieldValue::Str(value));
                }
            }
        }
        Some(kind) => {
            if let Some(schema) = atomic_event_schema(kind) {
                for (name, value) in SCHEMA_FIELDS.into_iter().zip(schema) {
                    event.insert(name, FieldValue::Str(value.to_string()));
                }
            }
        }
        None => failures.push(failure("event", None, "the e parameter must be set")),
    }
    failures
}

/// The schema key of an unstruct event's `data.schema`, when the envelope has one that is an Iglu URI.
fn unstruct_schema(envelope: Option<&FieldValue>) -> Option<crate::iglu_key::SchemaKey> {
    let Some(FieldValue::Json(envelope)) = envelope else {
        return None;
    };
    let schema = envelope.as_object()?.get("data")?.as_object()?.get("schema")?.as_str()?;
    parse_schema_key(schema).ok()
}

// ---- URLs --------------------------------------------------------------------------------------------------

const PAGE_URL_FIELDS: [&str; 6] =
    ["page_urlscheme", "page_urlhost", "page_urlport", "page_urlpath", "page_urlquery", "page_urlfragment"];
const REFR_URL_FIELDS: [&str; 6] =
    ["refr_urlscheme", "refr_urlhost", "refr_urlport", "refr_urlpath", "refr_urlquery", "refr_urlfragment"];

/// `url` with what a URI may not hold percent-encoded (`${a}` -> `$%7Ba%7D`, `a b` -> `a%20b`, `100%` ->
/// `100%25`): ASCII that RFC 3986 allows nowhere (a space, controls, `"<>\^`{|}`) and a `%` that starts no
/// `%XX` escape; valid escapes, reserved characters and non-ASCII text are left as they are.
pub fn encode_url(url: &str) -> Cow<'_, str> {
    let bytes = url.as_bytes();
    let unsafe_at = |i: usize| -> bool {
        match bytes[i] {
            0x00..=0x20 | b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}' | 0x7f => true,
            b'%' => !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)),
            _ => false,
        }
    };
    let Some(first) = (0..bytes.len()).find(|&i| unsafe_at(i)) else {
        return Cow::Borrowed(url);
    };
    let mut out = String::with_capacity(url.len() + 16);
    out.push_str(&url[..first]);
    let mut from = first;
    for i in first..bytes.len() {
        if unsafe_at(i) {
            out.push_str(&url[from..i]);
            let _ = write!(out, "%{:02X}", bytes[i]);
            from = i + 1;
        }
    }
    out.push_str(&url[from..]);
    Cow::Owned(out)
}

/// A URL that Python's `urlsplit` refuses (or whose port it cannot read): the "a valid URI" failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidUri;

/// The `_urlscheme/host/port/path/query/fragment` values of a URL, in that order (`None` where the URL has none),
/// or `Err` if Python's `urlsplit` refuses it. Without a port in the URL (or with port 0) the port is 443 for
/// https and 80 for any other scheme (`file:`, `android-app:`...), as Snowplow's `explodeUri` sets it.
pub fn split_url(url: &str) -> Result<[Option<FieldValue>; 6], InvalidUri> {
    // urlsplit strips leading C0 controls and spaces and removes tabs and line breaks (none are left in an
    // encoded URL)
    let url = url.trim_start_matches(|c: char| c <= ' ');
    let url: Cow<str> = if url.contains(['\t', '\r', '\n']) {
        Cow::Owned(url.replace(['\t', '\r', '\n'], ""))
    } else {
        Cow::Borrowed(url)
    };
    let parts = urlsplit(&url)?;
    let (host, port) = host_info(parts.netloc);
    let port = match port {
        Some(port) => parse_port(port)?,
        None => 0,
    };
    let port = if port != 0 {
        port
    } else if parts.scheme == "https" {
        443
    } else {
        80
    };
    let text = |part: &str| (!part.is_empty()).then(|| FieldValue::Str(part.to_string()));
    Ok([
        (!parts.scheme.is_empty()).then(|| FieldValue::Str(parts.scheme.clone())),
        host.map(|host| FieldValue::Str(lower_host(host))),
        Some(FieldValue::Int(i64::from(port))),
        text(parts.path),
        text(parts.query),
        text(parts.fragment),
    ])
}

/// The parts of CPython 3.11's `urllib.parse.urlsplit` (the scheme lower-cased).
struct SplitResult<'u> {
    scheme: String,
    netloc: &'u str,
    path: &'u str,
    query: &'u str,
    fragment: &'u str,
}

const SCHEME_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.";

/// CPython 3.11's `urlsplit(url)` of a URL without leading C0 controls or spaces, tabs or line breaks: the
/// scheme, the netloc (refused when its brackets do not pair or hold no valid IPv6 / IPvFuture address, or when
/// it holds characters that NFKC normalizes into URL delimiters), then fragment and query.
fn urlsplit(url: &str) -> Result<SplitResult<'_>, InvalidUri> {
    let mut scheme = String::new();
    let mut rest = url;
    if let Some(colon) = rest.find(':') {
        let candidate = &rest[..colon];
        if candidate.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && candidate.bytes().all(|b| SCHEME_CHARS.contains(&b))
        {
            scheme = candidate.to_ascii_lowercase();
            rest = &rest[colon + 1..];
        }
    }
    let mut netloc = "";
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        netloc = &after[..end];
        rest = &after[end..];
        let (open, close) = (netloc.contains('['), netloc.contains(']'));
        if open != close {
            return Err(InvalidUri); // "Invalid IPv6 URL"
        }
        if open {
            let bracketed = netloc.split_once('[').map_or("", |(_, after)| after);
            let bracketed = bracketed.split_once(']').map_or(bracketed, |(host, _)| host);
            if !valid_bracketed_host(bracketed) {
                return Err(InvalidUri);
            }
        }
    }
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if !netloc.is_ascii() && netloc.chars().any(nfkc_delimiter) {
        return Err(InvalidUri); // "netloc ... contains invalid characters under NFKC normalization"
    }
    Ok(SplitResult { scheme, netloc, path, query, fragment })
}

/// `SplitResult._hostinfo`: the host (inside the brackets, if any; `None` when empty) and the port text (after
/// the host's first colon; `None` when empty) of the part of the netloc after its last `@`.
fn host_info(netloc: &str) -> (Option<&str>, Option<&str>) {
    let host_info = netloc.rsplit_once('@').map_or(netloc, |(_, after)| after);
    let (host, port) = match host_info.split_once('[') {
        Some((_, bracketed)) => {
            let (host, after) = bracketed.split_once(']').unwrap_or((bracketed, ""));
            (host, after.split_once(':').map_or("", |(_, port)| port))
        }
        None => host_info.split_once(':').unwrap_or((host_info, "")),
    };
    ((!host.is_empty()).then_some(host), (!port.is_empty()).then_some(port))
}

/// `SplitResult.port`: ASCII digits, 0 to 65535 (leading zeros allowed), else the URL is refused.
fn parse_port(port: &str) -> Result<u16, InvalidUri> {
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InvalidUri); // "Port could not be cast to integer value"
    }
    let digits = port.trim_start_matches('0');
    if digits.len() > 5 {
        return Err(InvalidUri); // "Port out of range 0-65535"
    }
    let number = digits.bytes().fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
    u16::try_from(number).map_err(|_| InvalidUri)
}

/// `SplitResult.hostname`'s lower-casing: the host lower-cased before its `%` (an IPv6 zone keeps its case).
fn lower_host(host: &str) -> String {
    let (address, zone) = match host.split_once('%') {
        Some((address, zone)) => (address, Some(zone)),
        None => (host, None),
    };
    let mut out = py_lower(address);
    if let Some(zone) = zone {
        out.push('%');
        out.push_str(zone);
    }
    out
}

/// Python 3.11's `str.lower()` (Unicode 14): Rust's full lower-casing, but for the characters that had no
/// lower-case mapping yet in Unicode 14 (all unassigned there, so neither cased nor case-ignorable, which is
/// also what the final-sigma rule of the runs between them sees).
fn py_lower(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    const NEWER: [(char, char); 9] = [
        ('\u{1C89}', '\u{1C89}'),
        ('\u{A7CB}', '\u{A7CC}'),
        ('\u{A7CE}', '\u{A7CE}'),
        ('\u{A7D2}', '\u{A7D2}'),
        ('\u{A7D4}', '\u{A7D4}'),
        ('\u{A7DA}', '\u{A7DA}'),
        ('\u{A7DC}', '\u{A7DC}'),
        ('\u{10D50}', '\u{10D65}'),
        ('\u{16EA0}', '\u{16EB8}'),
    ];
    let newer = |c: char| NEWER.iter().any(|&(low, high)| (low..=high).contains(&c));
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    for (at, c) in text.char_indices() {
        if newer(c) {
            out.push_str(&text[start..at].to_lowercase());
            out.push(c);
            start = at + c.len_utf8();
        }
    }
    out.push_str(&text[start..].to_lowercase());
    out
}

/// The characters whose NFKC form holds `/`, `?`, `#`, `@` or `:` (Unicode 14, as CPython 3.11's
/// `_checknetloc` normalizes): a netloc that holds one is refused.
fn nfkc_delimiter(c: char) -> bool {
    matches!(
        c,
        '\u{2047}'..='\u{2049}'
            | '\u{2100}'
            | '\u{2101}'
            | '\u{2105}'
            | '\u{2106}'
            | '\u{2A74}'
            | '\u{FE13}'
            | '\u{FE16}'
            | '\u{FE55}'
            | '\u{FE56}'
            | '\u{FE5F}'
            | '\u{FE6B}'
            | '\u{FF03}'
            | '\u{FF0F}'
            | '\u{FF1A}'
            | '\u{FF1F}'
            | '\u{FF20}'
    )
}

/// CPython 3.11's `_check_bracketed_host`: an IPvFuture address (`v` hex digits `.` anything) or an IPv6
/// address (`ipaddress.ip_address`, which refuses an IPv4 address in brackets).
fn valid_bracketed_host(host: &str) -> bool {
    if let Some(rest) = host.strip_prefix('v') {
        // \Av[a-fA-F0-9]+\..+\Z
        let hex = rest.bytes().take_while(u8::is_ascii_hexdigit).count();
        return hex > 0
            && rest.as_bytes().get(hex) == Some(&b'.')
            && rest.len() > hex + 1
            && !rest[hex + 1..].contains('\n');
    }
    is_ipv6_address(host)
}

/// Whether `ipaddress.IPv6Address(text)` of Python 3.11 accepts `text` (with an optional `%scope`).
fn is_ipv6_address(text: &str) -> bool {
    if text.contains('/') {
        return false;
    }
    let address = match text.split_once('%') {
        Some((address, scope)) => {
            if scope.is_empty() || scope.contains('%') {
                return false;
            }
            address
        }
        None => text,
    };
    if address.is_empty() {
        return false;
    }
    let mut parts: Vec<&str> = address.split(':').collect();
    if parts.len() < 3 {
        return false;
    }
    if parts.last().is_some_and(|last| last.contains('.')) {
        // an IPv4-style suffix: two hextets
        if !parts.pop().is_some_and(is_ipv4_address) {
            return false;
        }
        parts.extend(["0", "0"]);
    }
    const HEXTETS: usize = 8;
    if parts.len() > HEXTETS + 1 {
        return false;
    }
    let count = parts.len();
    let mut skip = None;
    for (i, part) in parts.iter().enumerate().take(count - 1).skip(1) {
        if part.is_empty() {
            if skip.is_some() {
                return false; // at most one '::'
            }
            skip = Some(i);
        }
    }
    let (high, low) = match skip {
        Some(skip) => {
            let mut high = skip;
            let mut low = count - skip - 1;
            if parts[0].is_empty() {
                high -= 1;
                if high > 0 {
                    return false;
                }
            }
            if parts[count - 1].is_empty() {
                low -= 1;
                if low > 0 {
                    return false;
                }
            }
            if high + low >= HEXTETS {
                return false;
            }
            (high, low)
        }
        None => {
            if count != HEXTETS || parts[0].is_empty() || parts[count - 1].is_empty() {
                return false;
            }
            (count, 0)
        }
    };
    let hextet = |part: &&str| !part.is_empty() && part.len() <= 4 && part.bytes().all(|b| b.is_ascii_hexdigit());
    parts[..high].iter().all(hextet) && parts[count - low..].iter().all(hextet)
}

/// Whether `ipaddress.IPv4Address(text)` of Python 3.11 accepts `text`: four decimal octets, no leading zeros.
fn is_ipv4_address(text: &str) -> bool {
    let octets: Vec<&str> = text.split('.').collect();
    octets.len() == 4
        && octets.iter().all(|octet| {
            !octet.is_empty()
                && octet.len() <= 3
                && octet.bytes().all(|b| b.is_ascii_digit())
                && (*octet == "0" || !octet.starts_with('0'))
                && octet.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

#[cfg(test)]
mod tests;
