//! Tracker-protocol adapters: one collector payload in, its raw events' parameters (or one failure) out
//! (the port of `transforms/adapters.py`).

use base64::engine::general_purpose::URL_SAFE;
use base64::Engine;
use serde_json::{json, Map, Value};

use crate::event::Parameters;
use crate::python_text;
use crate::iglu_key::{parse_schema_key, INVALID_IGLUURI};
use crate::json;
use crate::querystring::parse_querystring;
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
    let stripped = text.trim_matches(python_text::is_space);
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

const SNOWPLOW: &str = "com.snowplowanalytics.snowplow";
const IGLU: &str = "com.snowplowanalytics.iglu";
const CONTEXTS_SCHEMA: &str = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1";
const UNSTRUCT_EVENT_SCHEMA: &str = "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0";
const URI_REDIRECT_SCHEMA: &str = "iglu:com.snowplowanalytics.snowplow/uri_redirect/jsonschema/1-0-0";
const REDIRECT_TRACKER_VERSION: &str = "r-tp2";
const IGLU_TRACKER_VERSION: &str = "com.snowplowanalytics.iglu-v1";
/// Iglu webhook: querystring parameters copied onto the event, and those kept out of a GET's data.
const IGLU_PASS_THROUGH: [&str; 6] = ["nuid", "aid", "cv", "eid", "ttm", "url"];
const IGLU_NOT_DATA: [&str; 5] = ["schema", "nuid", "aid", "cv", "p"];
const JSON_CONTENT_TYPE: &str = "application/json";
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
const JSON_OR_FORM: &str = "expected application/json or application/x-www-form-urlencoded";
/// The NotIglu code of JSON that is not `{"schema": ..., "data": ...}`.
const INVALID_DATA_PAYLOAD: &str = "INVALID_DATA_PAYLOAD";

/// The raw events of one payload. `validate_payload_data` returns the Iglu failure messages of a tp2 body
/// (empty when it is a valid `payload_data` 1-*-*); its own error (an Iglu outage) is returned as the outer `Err`.
pub fn adapt<E>(
    payload: &CollectorPayload,
    validate_payload_data: &mut dyn FnMut(&Value) -> Result<Vec<Value>, E>,
) -> Result<Result<Adapted, AdapterFailure>, E> {
    let Some((vendor, version)) = split_path(payload.path.as_deref()) else {
        return Ok(Err(AdapterFailure {
            kind: FailureKind::PathFormatViolation,
            messages: vec![json!({
                "payloadField": "path",
                "value": payload.path,
                "expectation": "a request path of the form /vendor/version",
            })],
        }));
    };
    let events = match (vendor, version) {
        (SNOWPLOW, "tp1") => tp1(payload),
        (SNOWPLOW, "tp2") => tp2(payload, validate_payload_data)?,
        ("r", "tp2") => redirect(payload),
        (IGLU, "v1") => iglu_webhook(payload),
        _ => Err(adapter_failure(json!({
            "field": "vendor/version",
            "value": format!("{vendor}/{version}"),
            "expectation": "vendor/version combination is not supported",
        }))),
    };
    Ok(events.map(|events| Adapted { vendor: vendor.to_string(), version: version.to_string(), events }))
}

/// The (vendor, version) of a request path, or None if it has no such shape.
pub fn split_path(path: Option<&str>) -> Option<(&str, &str)> {
    let path = path?;
    if path == "/i" || path == "/ice.png" {
        return Some((SNOWPLOW, "tp1"));
    }
    match path.trim_matches('/').split_once('/') {
        Some((vendor, version)) if !vendor.is_empty() && !version.is_empty() && !version.contains('/') => {
            Some((vendor, version))
        }
        _ => None,
    }
}

type Events = Result<Vec<Parameters>, AdapterFailure>;

fn adapter_failure(message: Value) -> AdapterFailure {
    AdapterFailure { kind: FailureKind::AdapterFailures, messages: vec![message] }
}

fn violation(messages: Vec<Value>) -> AdapterFailure {
    AdapterFailure { kind: FailureKind::TrackerProtocolViolations, messages }
}

/// The body as text, as Python's `body.decode("utf-8", "replace")` reads it (empty when there is none: the
/// adapters treat both alike).
fn body_text(payload: &CollectorPayload) -> String {
    crate::python_text::decode_replace(payload.body.as_deref().unwrap_or_default())
}

/// The media type of a Content-Type, lowercased (`Application/JSON; charset=utf-8` is `application/json`).
fn media_type(payload: &CollectorPayload) -> String {
    let content_type = payload.content_type.as_deref().unwrap_or_default();
    content_type.split(';').next().unwrap_or_default().trim_matches(python_text::is_space).to_lowercase()
}

/// The most events one payload may carry (a tp2 body, an Iglu webhook array). Trackers send tens to hundreds; a
/// collector's largest record holds hundreds of thousands of `{}`, each of which would become a bad row: one
/// record of a megabyte amplified into a quarter of a million rows and minutes of work. Beyond it, the payload is
/// one bad row (its record sealed, recoverable).
pub const MAX_EVENTS_PER_PAYLOAD: usize = 5_000;

fn too_many_events(field: &str, count: usize) -> Value {
    json!({
        "field": field,
        "value": null,
        "expectation": format!("at most {MAX_EVENTS_PER_PAYLOAD} events in one payload, not {count}"),
    })
}

fn tp1(payload: &CollectorPayload) -> Events {
    let parameters = parse_querystring(payload.querystring.as_deref());
    if parameters.is_empty() {
        // Snowplow's Tp1Adapter makes this an adapter failure; here it is a tracker protocol violation, as for tp2
        return Err(violation(vec![json!({
            "field": "querystring",
            "value": payload.querystring,
            "expectation": "empty querystring: not a valid tracker protocol event",
        })]));
    }
    Ok(vec![parameters])
}

fn tp2<E>(
    payload: &CollectorPayload,
    validate_payload_data: &mut dyn FnMut(&Value) -> Result<Vec<Value>, E>,
) -> Result<Events, E> {
    let query = parse_querystring(payload.querystring.as_deref());
    let body = body_text(payload);
    if body.is_empty() {
        if query.is_empty() {
            return Ok(Err(violation(vec![json!({
                "field": "body",
                "value": null,
                "expectation": "empty body and querystring: not a valid tracker protocol event",
            })])));
        }
        return Ok(Ok(vec![query]));
    }
    if media_type(payload) != JSON_CONTENT_TYPE {
        return Ok(Err(violation(vec![json!({
            "field": "contentType",
            "value": payload.content_type,
            "expectation": "expected application/json (optionally with a charset) for a tp2 body",
        })])));
    }
    let envelope = match json::parse(&body) {
        Ok(envelope) => envelope,
        Err(error) => return Ok(Err(violation(vec![json!({"field": "body", "value": body, "error": error})]))),
    };
    let count = envelope.get("data").and_then(Value::as_array).map_or(0, Vec::len);
    if count > MAX_EVENTS_PER_PAYLOAD {
        return Ok(Err(violation(vec![too_many_events("data", count)])));
    }
    let messages = validate_payload_data(&envelope)?;
    if !messages.is_empty() {
        return Ok(Err(violation(messages)));
    }
    // validation guarantees an array of objects of strings; anything else (which it lets through only when
    // broken) gives no parameters of its own rather than a panic
    let events = envelope.get("data").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    Ok(Ok(events
        .iter()
        .map(|event| {
            let mut parameters: Parameters = event
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, value)| (name.clone(), value.as_str().map_or_else(|| json::dumps(value), str::to_string)))
                .collect();
            // the querystring wins over the body
            parameters.extend(query.iter().map(|(name, value)| (name.clone(), value.clone())));
            parameters
        })
        .collect()))
}

fn redirect(payload: &CollectorPayload) -> Events {
    let mut parameters = parse_querystring(payload.querystring.as_deref());
    let target = match parameters.shift_remove("u") {
        Some(target) if !target.is_empty() => target,
        _ => {
            return Err(violation(vec![json!({
                "field": "querystring",
                "value": payload.querystring,
                "expectation": "querystring does not contain u parameter: not a valid URI redirect",
            })]))
        }
    };
    let entity = json!({"schema": URI_REDIRECT_SCHEMA, "data": {"uri": target}});
    if parameters.contains_key("e") {
        if let Some(problem) = add_context(&mut parameters, entity) {
            return Err(violation(vec![problem]));
        }
    } else {
        parameters.insert("e".into(), "ue".into());
        parameters.insert("ue_pr".into(), json::dumps(&json!({"schema": UNSTRUCT_EVENT_SCHEMA, "data": entity})));
    }
    // always: it marks events that came through a redirect
    parameters.insert("tv".into(), REDIRECT_TRACKER_VERSION.into());
    parameters.entry("p".into()).or_insert_with(|| "web".into());
    Ok(vec![parameters])
}

/// Put `entity` first in the event's contexts (`cx`, else a non-empty `co`, else a new `co`), as Snowplow's
/// redirect adapter does. Contexts that cannot be read are a tracker protocol violation there: the failure
/// message is returned. JSON without a `data` array is left as sent, for Iglu validation to report.
fn add_context(parameters: &mut Parameters, entity: Value) -> Option<Value> {
    if let Some(cx) = parameters.get("cx") {
        let Ok(text) = decode_base64url(cx) else {
            return Some(json!({"field": "cx", "value": cx, "expectation": "base64url-encoded contexts"}));
        };
        let mut contexts = match json::parse_bytes(&text) {
            Ok(contexts) => contexts,
            Err(error) => return Some(json!({"field": "cx", "value": cx, "error": error})),
        };
        let data = contexts.get_mut("data").and_then(Value::as_array_mut)?;
        data.insert(0, entity);
        let encoded = URL_SAFE.encode(json::dumps(&contexts));
        parameters.insert("cx".into(), encoded);
    } else if let Some(co) = parameters.get("co").filter(|co| !co.is_empty()) {
        let mut contexts = match json::parse(co) {
            Ok(contexts) => contexts,
            Err(error) => return Some(json!({"field": "co", "value": co, "error": error})),
        };
        let data = contexts.get_mut("data").and_then(Value::as_array_mut)?;
        data.insert(0, entity);
        parameters.insert("co".into(), json::dumps(&contexts));
    } else {
        parameters.insert("co".into(), json::dumps(&json!({"schema": CONTEXTS_SCHEMA, "data": [entity]})));
    }
    None
}

/// Snowplow's IgluAdapter: `?schema=` with the querystring (GET), a JSON object or array, or a form as the
/// data; or, without `schema`, a self-describing JSON body. Its failures are adapter failures.
fn iglu_webhook(payload: &CollectorPayload) -> Events {
    let query = parse_querystring(payload.querystring.as_deref());
    let body = body_text(payload);
    let content_type = media_type(payload);
    let json_body = |body: &str| {
        json::parse(body).map_err(|error| adapter_failure(json!({"field": "body", "value": body, "error": error})))
    };
    if !body.is_empty() && payload.content_type.is_none() {
        return Err(adapter_failure(json!({"field": "contentType", "value": null, "expectation": JSON_OR_FORM})));
    }
    let Some(schema) = query.get("schema").filter(|schema| !schema.is_empty()) else {
        if body.is_empty() {
            return Err(adapter_failure(json!({
                "field": "schema",
                "value": null,
                "expectation": "the schema parameter must be provided in the querystring",
            })));
        }
        if content_type != JSON_CONTENT_TYPE {
            return Err(adapter_failure(json!({
                "field": "contentType",
                "value": payload.content_type,
                "expectation": "expected application/json for a self-describing body",
            })));
        }
        let parsed = json_body(&body)?;
        return match self_describing(&parsed) {
            Ok((schema, data)) => Ok(vec![iglu_event(schema, data.clone(), &query, "app")]),
            Err(code) => Err(adapter_failure(json!({"json": parsed, "error": code}))),
        };
    };
    if let Err(code) = parse_schema_key(schema) {
        return Err(adapter_failure(json!({
            "field": "schema",
            "value": schema,
            "expectation": format!("a valid Iglu schema URI ({code})"),
        })));
    }
    if body.is_empty() {
        // An empty or bare parameter (`?a=&b`) is JSON null in the event, as in Snowplow's IgluAdapter; the
        // parameters copied onto the event (`aid`, `nuid`...) keep their text.
        let data: Map<String, Value> = query
            .iter()
            .filter(|(name, _)| !IGLU_NOT_DATA.contains(&name.as_str()))
            .map(|(name, value)| (name.clone(), if value.is_empty() { Value::Null } else { json!(value) }))
            .collect();
        return Ok(vec![iglu_event(schema, Value::Object(data), &query, "app")]);
    }
    if content_type == JSON_CONTENT_TYPE {
        let body_failure =
            |expectation: &str| adapter_failure(json!({"field": "body", "value": body, "expectation": expectation}));
        return match json_body(&body)? {
            Value::Array(items) if items.is_empty() => Err(body_failure("empty array of events")),
            Value::Array(items) if items.len() > MAX_EVENTS_PER_PAYLOAD => {
                Err(adapter_failure(too_many_events("body", items.len())))
            }
            Value::Array(items) => Ok(items.into_iter().map(|item| iglu_event(schema, item, &query, "app")).collect()),
            Value::Object(members) if !members.is_empty() => {
                Ok(vec![iglu_event(schema, Value::Object(members), &query, "app")])
            }
            _ => Err(body_failure("has no key-value pairs")),
        };
    }
    if content_type == FORM_CONTENT_TYPE {
        let form: Map<String, Value> =
            parse_querystring(Some(&body)).into_iter().map(|(name, value)| (name, Value::String(value))).collect();
        return Ok(vec![iglu_event(schema, Value::Object(form), &query, "srv")]);
    }
    Err(adapter_failure(json!({"field": "contentType", "value": payload.content_type, "expectation": JSON_OR_FORM})))
}

/// The schema and data of `{"schema": <Iglu URI>, "data": ...}`, or the NotIglu error code of what is not one.
fn self_describing(value: &Value) -> Result<(&str, &Value), &'static str> {
    let members = value.as_object().ok_or(INVALID_DATA_PAYLOAD)?;
    let schema = members.get("schema").and_then(Value::as_str).ok_or(INVALID_IGLUURI)?;
    parse_schema_key(schema)?;
    let data = members.get("data").ok_or(INVALID_DATA_PAYLOAD)?;
    Ok((schema, data))
}

/// One Iglu webhook event; the querystring's `p` and pass-through parameters become event parameters.
fn iglu_event(schema: &str, data: Value, query: &Parameters, platform: &str) -> Parameters {
    let unstruct = json!({"schema": UNSTRUCT_EVENT_SCHEMA, "data": {"schema": schema, "data": data}});
    let mut parameters = Parameters::default();
    parameters.insert("tv".into(), IGLU_TRACKER_VERSION.into());
    parameters.insert("e".into(), "ue".into());
    parameters.insert("p".into(), query.get("p").map_or(platform, String::as_str).into());
    parameters.insert("ue_pr".into(), json::dumps(&unstruct));
    for (name, value) in query.iter().filter(|(name, _)| IGLU_PASS_THROUGH.contains(&name.as_str())) {
        parameters.insert(name.clone(), value.clone());
    }
    parameters
}

#[cfg(test)]
mod tests {
    use super::*;

    const TP2_PATH: &str = "/com.snowplowanalytics.snowplow/tp2";
    const IGLU_PATH: &str = "/com.snowplowanalytics.iglu/v1";

    #[test]
    fn base64_is_read_as_python_reads_it() {
        // (text, snowplow_beam's decode_base64url(text)), from the Python reference: both alphabets, with and
        // without padding, every remainder, bad padding, non-zero unused bits (accepted), Python's whitespace
        let cases: &[(&str, Result<Vec<u8>, Base64Error>)] = &[
            ("eyJzY2hlbWEiOiJpZ2x1OngveS9qc29uc2NoZW1hLzEtMC0wIiwiZGF0YSI6eyJhIjoiw6k_PiJ9fQ==", Ok(b"{\"schema\":\"iglu:x/y/jsonschema/1-0-0\",\"data\":{\"a\":\"\xc3\xa9?>\"}}".to_vec())),
            ("eyJzY2hlbWEiOiJpZ2x1OngveS9qc29uc2NoZW1hLzEtMC0wIiwiZGF0YSI6eyJhIjoiw6k_PiJ9fQ", Ok(b"{\"schema\":\"iglu:x/y/jsonschema/1-0-0\",\"data\":{\"a\":\"\xc3\xa9?>\"}}".to_vec())),
            ("eyJzY2hlbWEiOiJpZ2x1OngveS9qc29uc2NoZW1hLzEtMC0wIiwiZGF0YSI6eyJhIjoiw6k/PiJ9fQ==", Ok(b"{\"schema\":\"iglu:x/y/jsonschema/1-0-0\",\"data\":{\"a\":\"\xc3\xa9?>\"}}".to_vec())),
            ("eyJzY2hlbWEiOiJpZ2x1OngveS9qc29uc2NoZW1hLzEtMC0wIiwiZGF0YSI6eyJhIjoiw6k/PiJ9fQ", Ok(b"{\"schema\":\"iglu:x/y/jsonschema/1-0-0\",\"data\":{\"a\":\"\xc3\xa9?>\"}}".to_vec())),
            ("-g", Ok(b"\xfa".to_vec())),
            ("-vk", Ok(b"\xfa\xf9".to_vec())),
            ("-vn4", Ok(b"\xfa\xf9\xf8".to_vec())),
            ("-vn49w", Ok(b"\xfa\xf9\xf8\xf7".to_vec())),
            ("-vn49_Y", Ok(b"\xfa\xf9\xf8\xf7\xf6".to_vec())),
            ("!!!!", Err(Base64Error::Invalid)),
            ("ab$d", Err(Base64Error::Invalid)),
            ("a", Err(Base64Error::Invalid)),
            ("e30=x", Err(Base64Error::Invalid)),
            ("e30", Ok(b"{}".to_vec())),
            ("e30=", Ok(b"{}".to_vec())),
            ("e31", Ok(b"{}".to_vec())),
            ("e3_", Ok(b"{\x7f".to_vec())),
            ("QR", Ok(b"A".to_vec())),
            ("QR==", Ok(b"A".to_vec())),
            ("QUJ", Ok(b"AB".to_vec())),
            ("QUK", Ok(b"AB".to_vec())),
            ("", Ok(b"".to_vec())),
            ("  ", Ok(b"".to_vec())),
            ("=", Err(Base64Error::Invalid)),
            ("==", Err(Base64Error::Invalid)),
            ("QQ=", Ok(b"A".to_vec())),
            ("QQ==QQ==", Err(Base64Error::Invalid)),
            ("QQ=a", Err(Base64Error::Invalid)),
            ("QU I=", Err(Base64Error::Invalid)),
            (" QUJD\u{a}", Ok(b"ABC".to_vec())),
            ("\u{3000}QUJD\u{2028}", Ok(b"ABC".to_vec())),
            ("\u{1c}QUJD\u{1f}", Ok(b"ABC".to_vec())),
            ("QUJD\u{e9}", Err(Base64Error::NotAscii)),
            ("\u{e9}", Err(Base64Error::NotAscii)),
            ("QUJD\u{85}", Ok(b"ABC".to_vec())),
            ("QU\u{9}JD", Err(Base64Error::Invalid)),
            ("-_-_", Ok(b"\xfb\xff\xbf".to_vec())),
            ("+/+/", Ok(b"\xfb\xff\xbf".to_vec())),
            ("-/_+", Ok(b"\xfb\xff\xfe".to_vec())),
            ("QUJD=", Ok(b"ABC".to_vec())),
            ("QUJD==", Ok(b"ABC".to_vec())),
            ("QUJD===", Ok(b"ABC".to_vec())),
            ("QUJD====", Ok(b"ABC".to_vec())),
            ("QQ===", Err(Base64Error::Invalid)),
            ("Q===", Err(Base64Error::Invalid)),
            ("QQ\u{0}", Err(Base64Error::Invalid)),
            ("e30=\u{a}", Ok(b"{}".to_vec())),
            ("QUJD\u{200b}", Err(Base64Error::NotAscii)),
            ("\u{feff}QUJD", Err(Base64Error::NotAscii)),
            ("Q\u{a0}UJD", Err(Base64Error::NotAscii)),
        ];
        for (text, expected) in cases {
            assert_eq!(&decode_base64url(text), expected, "{text:?}");
        }
    }

    fn payload(
        path: Option<&str>,
        querystring: Option<&str>,
        body: Option<&[u8]>,
        content_type: Option<&str>,
    ) -> CollectorPayload {
        CollectorPayload {
            path: path.map(str::to_string),
            querystring: querystring.map(str::to_string),
            body: body.map(<[u8]>::to_vec),
            content_type: content_type.map(str::to_string),
            ..Default::default()
        }
    }

    /// The stand-in for Iglu validation (the same in the Python that made the expected values): a payload_data is
    /// an object whose `data` is a non-empty array of objects of strings.
    fn validate(envelope: &Value) -> Result<Vec<Value>, String> {
        let events = envelope.get("data").and_then(Value::as_array).filter(|events| !events.is_empty());
        let valid = events.is_some_and(|events| {
            events.iter().all(|event| event.as_object().is_some_and(|members| members.values().all(Value::is_string)))
        });
        Ok(if valid { vec![] } else { vec![json!({"error": "not payload_data", "json": envelope})] })
    }

    /// What `adapt` makes of a payload, as the compact JSON the Python reference's outcome was written in.
    fn outcome(payload: &CollectorPayload) -> String {
        let value = match adapt(payload, &mut validate) {
            Ok(Ok(adapted)) => json!({
                "vendor": adapted.vendor,
                "version": adapted.version,
                "events": adapted.events.iter().map(|event| event.iter().collect::<Vec<_>>()).collect::<Vec<_>>(),
            }),
            Ok(Err(failure)) => json!({"kind": format!("{:?}", failure.kind), "messages": failure.messages}),
            Err(outage) => json!({"outage": outage}),
        };
        json::dumps(&value)
    }

    #[test]
    fn payloads_adapt_as_python_adapts_them() {
        // (path, querystring, body, content type, the outcome of AdapterRegistry.adapt after split_path in the
        // Python reference, with `validate` as its validator): the cases of tests/test_adapters.py and the hostile
        // ones of tests/test_hardening.py. JSON syntax errors carry serde_json's wording (deliberately).
        #[allow(clippy::type_complexity)]
        let cases: &[(Option<&str>, Option<&str>, Option<&[u8]>, Option<&str>, &str)] = &[
            (Some("/i"), Some("e=pv"), None, None, "{\"vendor\":\"com.snowplowanalytics.snowplow\",\"version\":\"tp1\",\"events\":[[[\"e\",\"pv\"]]]}"),
            (Some("/ice.png"), Some("e=pv"), None, None, "{\"vendor\":\"com.snowplowanalytics.snowplow\",\"version\":\"tp1\",\"events\":[[[\"e\",\"pv\"]]]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2/"), Some("e=pv"), None, None, "{\"vendor\":\"com.snowplowanalytics.snowplow\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"]]]}"),
            (Some("/wp-admin/setup-config.php"), Some("e=pv"), None, None, "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"vendor/version\",\"value\":\"wp-admin/setup-config.php\",\"expectation\":\"vendor/version combination is not supported\"}]}"),
            (Some("/"), Some("e=pv"), None, None, "{\"kind\":\"PathFormatViolation\",\"messages\":[{\"payloadField\":\"path\",\"value\":\"/\",\"expectation\":\"a request path of the form /vendor/version\"}]}"),
            (Some(""), Some("e=pv"), None, None, "{\"kind\":\"PathFormatViolation\",\"messages\":[{\"payloadField\":\"path\",\"value\":\"\",\"expectation\":\"a request path of the form /vendor/version\"}]}"),
            (None, Some("e=pv"), None, None, "{\"kind\":\"PathFormatViolation\",\"messages\":[{\"payloadField\":\"path\",\"value\":null,\"expectation\":\"a request path of the form /vendor/version\"}]}"),
            (Some("/robots.txt"), None, None, None, "{\"kind\":\"PathFormatViolation\",\"messages\":[{\"payloadField\":\"path\",\"value\":\"/robots.txt\",\"expectation\":\"a request path of the form /vendor/version\"}]}"),
            (Some("/a/b/c"), None, None, None, "{\"kind\":\"PathFormatViolation\",\"messages\":[{\"payloadField\":\"path\",\"value\":\"/a/b/c\",\"expectation\":\"a request path of the form /vendor/version\"}]}"),
            (Some("//x"), None, None, None, "{\"kind\":\"PathFormatViolation\",\"messages\":[{\"payloadField\":\"path\",\"value\":\"//x\",\"expectation\":\"a request path of the form /vendor/version\"}]}"),
            (Some("///a//b//"), None, None, None, "{\"kind\":\"PathFormatViolation\",\"messages\":[{\"payloadField\":\"path\",\"value\":\"///a//b//\",\"expectation\":\"a request path of the form /vendor/version\"}]}"),
            (Some("//a/b//"), Some("e=pv"), None, None, "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"vendor/version\",\"value\":\"a/b\",\"expectation\":\"vendor/version combination is not supported\"}]}"),
            (Some("/com.acme/v1"), Some("e=pv"), None, None, "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"vendor/version\",\"value\":\"com.acme/v1\",\"expectation\":\"vendor/version combination is not supported\"}]}"),
            (Some("/com.snowplowanalytics.snowplow/tp3"), Some("e=pv"), None, None, "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"vendor/version\",\"value\":\"com.snowplowanalytics.snowplow/tp3\",\"expectation\":\"vendor/version combination is not supported\"}]}"),
            (Some("/wp-login.php/x"), Some("e=pv"), None, None, "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"vendor/version\",\"value\":\"wp-login.php/x\",\"expectation\":\"vendor/version combination is not supported\"}]}"),
            (Some("/com.snowplowanalytics.snowplow/tp1"), Some("e=pv&p=web&tv=js-3&page=A+page&refr=a%20b"), None, None, "{\"vendor\":\"com.snowplowanalytics.snowplow\",\"version\":\"tp1\",\"events\":[[[\"e\",\"pv\"],[\"p\",\"web\"],[\"tv\",\"js-3\"],[\"page\",\"A page\"],[\"refr\",\"a b\"]]]}"),
            (Some("/i"), Some("e=pv"), Some(b"e=pp"), Some("text/plain"), "{\"vendor\":\"com.snowplowanalytics.snowplow\",\"version\":\"tp1\",\"events\":[[[\"e\",\"pv\"]]]}"),
            (Some("/i"), None, None, None, "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"querystring\",\"value\":null,\"expectation\":\"empty querystring: not a valid tracker protocol event\"}]}"),
            (Some("/i"), Some(""), None, None, "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"querystring\",\"value\":\"\",\"expectation\":\"empty querystring: not a valid tracker protocol event\"}]}"),
            (Some("/i"), Some("&&"), None, None, "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"querystring\",\"value\":\"&&\",\"expectation\":\"empty querystring: not a valid tracker protocol event\"}]}"),
            (Some("/i"), Some("e=pv&e=pp&a=%FF&b=%E2%82"), None, None, "{\"vendor\":\"com.snowplowanalytics.snowplow\",\"version\":\"tp1\",\"events\":[[[\"e\",\"pp\"],[\"a\",\"\u{fffd}\"],[\"b\",\"\u{fffd}\"]]]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), Some("e=pv&p=web&tv=t&aid=x"), None, None, "{\"vendor\":\"com.snowplowanalytics.snowplow\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"p\",\"web\"],[\"tv\",\"t\"],[\"aid\",\"x\"]]]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": [{\"e\": \"pv\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\"}, {\"e\": \"pp\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\"}]}"), Some("application/json"), "{\"vendor\":\"com.snowplowanalytics.snowplow\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"p\",\"web\"],[\"tv\",\"js-3.0.0\"],[\"url\",\"https://www.example.com/a\"]],[[\"e\",\"pp\"],[\"p\",\"web\"],[\"tv\",\"js-3.0.0\"],[\"url\",\"https://www.example.com/a\"]]]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": [{\"e\": \"pv\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\"}]}"), Some("application/json; charset=utf-8"), "{\"vendor\":\"com.snowplowanalytics.snowplow\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"p\",\"web\"],[\"tv\",\"js-3.0.0\"],[\"url\",\"https://www.example.com/a\"]]]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": [{\"e\": \"pv\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\"}]}"), Some("Application/JSON;charset=utf-8"), "{\"vendor\":\"com.snowplowanalytics.snowplow\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"p\",\"web\"],[\"tv\",\"js-3.0.0\"],[\"url\",\"https://www.example.com/a\"]]]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": [{\"e\": \"pv\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\"}]}"), Some(" application/json \u{3000}; x"), "{\"vendor\":\"com.snowplowanalytics.snowplow\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"p\",\"web\"],[\"tv\",\"js-3.0.0\"],[\"url\",\"https://www.example.com/a\"]]]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), Some("aid=from-qs&cv=custom"), Some(b"{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": [{\"e\": \"pv\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\", \"aid\": \"from-body\"}, {\"e\": \"se\", \"p\": \"mob\", \"tv\": \"t2\", \"se_ca\": \"c\"}]}"), Some("application/json"), "{\"vendor\":\"com.snowplowanalytics.snowplow\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"p\",\"web\"],[\"tv\",\"js-3.0.0\"],[\"url\",\"https://www.example.com/a\"],[\"aid\",\"from-qs\"],[\"cv\",\"custom\"]],[[\"e\",\"se\"],[\"p\",\"mob\"],[\"tv\",\"t2\"],[\"se_ca\",\"c\"],[\"aid\",\"from-qs\"],[\"cv\",\"custom\"]]]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b""), Some("application/json"), "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"body\",\"value\":null,\"expectation\":\"empty body and querystring: not a valid tracker protocol event\"}]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), Some(""), Some(b""), Some("application/json"), "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"body\",\"value\":null,\"expectation\":\"empty body and querystring: not a valid tracker protocol event\"}]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), Some("e=pv&p=web&tv=t"), Some(b""), None, "{\"vendor\":\"com.snowplowanalytics.snowplow\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"p\",\"web\"],[\"tv\",\"t\"]]]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": [{\"e\": \"pv\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\"}]}"), None, "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"contentType\",\"value\":null,\"expectation\":\"expected application/json (optionally with a charset) for a tp2 body\"}]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": [{\"e\": \"pv\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\"}]}"), Some("text/plain"), "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"contentType\",\"value\":\"text/plain\",\"expectation\":\"expected application/json (optionally with a charset) for a tp2 body\"}]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": [{\"e\": \"pv\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\"}]}"), Some("application/x-www-form-urlencoded"), "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"contentType\",\"value\":\"application/x-www-form-urlencoded\",\"expectation\":\"expected application/json (optionally with a charset) for a tp2 body\"}]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": [{\"e\": \"pv\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\"}]}"), Some("application/jsonp"), "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"contentType\",\"value\":\"application/jsonp\",\"expectation\":\"expected application/json (optionally with a charset) for a tp2 body\"}]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"{\"schema\": "), Some("application/json"), "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"body\",\"value\":\"{\\\"schema\\\": \",\"error\":\"EOF while parsing a value at line 1 column 11\"}]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"{\"e\": \"pv\"}"), Some("application/json"), "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"error\":\"not payload_data\",\"json\":{\"e\":\"pv\"}}]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"[{\"e\": \"pv\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\"}]"), Some("application/json"), "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"error\":\"not payload_data\",\"json\":[{\"e\":\"pv\",\"p\":\"web\",\"tv\":\"js-3.0.0\",\"url\":\"https://www.example.com/a\"}]}]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": []}"), Some("application/json"), "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"error\":\"not payload_data\",\"json\":{\"schema\":\"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\",\"data\":[]}}]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": [{\"e\": \"pv\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\", \"vid\": 1}]}"), Some("application/json"), "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"error\":\"not payload_data\",\"json\":{\"schema\":\"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\",\"data\":[{\"e\":\"pv\",\"p\":\"web\",\"tv\":\"js-3.0.0\",\"url\":\"https://www.example.com/a\",\"vid\":1}]}}]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": [{\"e\": \"pv\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\", \"page\": \"caf\xe9\"}]}"), Some("application/json"), "{\"vendor\":\"com.snowplowanalytics.snowplow\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"p\",\"web\"],[\"tv\",\"js-3.0.0\"],[\"url\",\"https://www.example.com/a\"],[\"page\",\"caf\u{fffd}\"]]]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), Some("e=pv"), Some(b"{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": [{\"e\": \"pp\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\"}, {\"e\": \"se\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\"}]}"), Some("application/json"), "{\"vendor\":\"com.snowplowanalytics.snowplow\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"p\",\"web\"],[\"tv\",\"js-3.0.0\"],[\"url\",\"https://www.example.com/a\"]],[[\"e\",\"pv\"],[\"p\",\"web\"],[\"tv\",\"js-3.0.0\"],[\"url\",\"https://www.example.com/a\"]]]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": [{\"e\": \"pv\", \"e\": \"a\"}], \"data2\": 1}"), Some("application/json"), "{\"vendor\":\"com.snowplowanalytics.snowplow\",\"version\":\"tp2\",\"events\":[[[\"e\",\"a\"]]]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": [{\"e\": \"pv\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\"}]}]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"), Some("application/json"), "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"body\",\"value\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{\\\"schema\\\": \\\"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\\\", \\\"data\\\": [{\\\"e\\\": \\\"pv\\\", \\\"p\\\": \\\"web\\\", \\\"tv\\\": \\\"js-3.0.0\\\", \\\"url\\\": \\\"https://www.example.com/a\\\"}]}]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\",\"error\":\"JSON nested deeper than 50 levels\"}]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"), Some("application/json"), "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"body\",\"value\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\",\"error\":\"JSON nested deeper than 50 levels\"}]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"), Some("application/json"), "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"error\":\"not payload_data\",\"json\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": [{\"e\": \"pv\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\"}], \"n\": [18446744073709551616]}"), Some("application/json"), "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"body\",\"value\":\"{\\\"schema\\\": \\\"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\\\", \\\"data\\\": [{\\\"e\\\": \\\"pv\\\", \\\"p\\\": \\\"web\\\", \\\"tv\\\": \\\"js-3.0.0\\\", \\\"url\\\": \\\"https://www.example.com/a\\\"}], \\\"n\\\": [18446744073709551616]}\",\"error\":\"an integer beyond 64 bits\"}]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": [{\"e\": \"pv\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\"}], \"n\": [-9223372036854775808]}"), Some("application/json"), "{\"vendor\":\"com.snowplowanalytics.snowplow\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"p\",\"web\"],[\"tv\",\"js-3.0.0\"],[\"url\",\"https://www.example.com/a\"]]]}"),
            (Some("/com.snowplowanalytics.snowplow/tp2"), None, Some(b"\xef\xbb\xbf{\"schema\": \"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\", \"data\": [{\"e\": \"pv\", \"p\": \"web\", \"tv\": \"js-3.0.0\", \"url\": \"https://www.example.com/a\"}]}"), Some("application/json"), "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"body\",\"value\":\"\u{feff}{\\\"schema\\\": \\\"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\\\", \\\"data\\\": [{\\\"e\\\": \\\"pv\\\", \\\"p\\\": \\\"web\\\", \\\"tv\\\": \\\"js-3.0.0\\\", \\\"url\\\": \\\"https://www.example.com/a\\\"}]}\",\"error\":\"expected value at line 1 column 1\"}]}"),
            (Some("/r/tp2"), Some("u=https%3A%2F%2Fexample.com%2Fx%3Fy%3D1&aid=app"), None, None, "{\"vendor\":\"r\",\"version\":\"tp2\",\"events\":[[[\"aid\",\"app\"],[\"e\",\"ue\"],[\"ue_pr\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/uri_redirect/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"uri\\\":\\\"https://example.com/x?y=1\\\"}}}\"],[\"tv\",\"r-tp2\"],[\"p\",\"web\"]]]}"),
            (Some("/r/tp2"), Some("u=https%3A%2F%2Fexample.com%2F&p=mob&tv=js-3.0.0"), None, None, "{\"vendor\":\"r\",\"version\":\"tp2\",\"events\":[[[\"p\",\"mob\"],[\"tv\",\"r-tp2\"],[\"e\",\"ue\"],[\"ue_pr\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/uri_redirect/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"uri\\\":\\\"https://example.com/\\\"}}}\"]]]}"),
            (Some("/r/tp2"), Some("tv=x&u=https%3A%2F%2Fexample.com%2Fx%3Fy%3D1&e=pv&p="), None, None, "{\"vendor\":\"r\",\"version\":\"tp2\",\"events\":[[[\"tv\",\"r-tp2\"],[\"e\",\"pv\"],[\"p\",\"\"],[\"co\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1\\\",\\\"data\\\":[{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/uri_redirect/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"uri\\\":\\\"https://example.com/x?y=1\\\"}}]}\"]]]}"),
            (Some("/r/tp2"), Some("u=https%3A%2F%2Fexample.com%2Fx%3Fy%3D1&e=pv"), None, None, "{\"vendor\":\"r\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"co\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1\\\",\\\"data\\\":[{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/uri_redirect/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"uri\\\":\\\"https://example.com/x?y=1\\\"}}]}\"],[\"tv\",\"r-tp2\"],[\"p\",\"web\"]]]}"),
            (Some("/r/tp2"), Some("u=https%3A%2F%2Fexample.com%2Fx%3Fy%3D1&e=pv&co={\"schema\":\"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1\",\"data\":[{\"schema\":\"iglu:com.acme/c/jsonschema/1-0-0\",\"data\":{\"k\":1}}]}"), None, None, "{\"vendor\":\"r\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"co\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1\\\",\\\"data\\\":[{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/uri_redirect/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"uri\\\":\\\"https://example.com/x?y=1\\\"}},{\\\"schema\\\":\\\"iglu:com.acme/c/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"k\\\":1}}]}\"],[\"tv\",\"r-tp2\"],[\"p\",\"web\"]]]}"),
            (Some("/r/tp2"), Some("u=https%3A%2F%2Fexample.com%2Fx%3Fy%3D1&e=pv&co="), None, None, "{\"vendor\":\"r\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"co\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1\\\",\\\"data\\\":[{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/uri_redirect/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"uri\\\":\\\"https://example.com/x?y=1\\\"}}]}\"],[\"tv\",\"r-tp2\"],[\"p\",\"web\"]]]}"),
            (Some("/r/tp2"), Some("u=https%3A%2F%2Fexample.com%2Fx%3Fy%3D1&e=pv&cx=eyJzY2hlbWEiOiAiaWdsdTpjb20uc25vd3Bsb3dhbmFseXRpY3Muc25vd3Bsb3cvY29udGV4dHMvanNvbnNjaGVtYS8xLTAtMSIsICJkYXRhIjogW3sic2NoZW1hIjogImlnbHU6Y29tLmFjbWUvYy9qc29uc2NoZW1hLzEtMC0wIiwgImRhdGEiOiB7ImsiOiAiXHUwMGU5In19XX0"), None, None, "{\"vendor\":\"r\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"cx\",\"eyJzY2hlbWEiOiJpZ2x1OmNvbS5zbm93cGxvd2FuYWx5dGljcy5zbm93cGxvdy9jb250ZXh0cy9qc29uc2NoZW1hLzEtMC0xIiwiZGF0YSI6W3sic2NoZW1hIjoiaWdsdTpjb20uc25vd3Bsb3dhbmFseXRpY3Muc25vd3Bsb3cvdXJpX3JlZGlyZWN0L2pzb25zY2hlbWEvMS0wLTAiLCJkYXRhIjp7InVyaSI6Imh0dHBzOi8vZXhhbXBsZS5jb20veD95PTEifX0seyJzY2hlbWEiOiJpZ2x1OmNvbS5hY21lL2MvanNvbnNjaGVtYS8xLTAtMCIsImRhdGEiOnsiayI6IsOpIn19XX0=\"],[\"tv\",\"r-tp2\"],[\"p\",\"web\"]]]}"),
            (Some("/r/tp2"), Some("u=https%3A%2F%2Fexample.com%2Fx%3Fy%3D1&e=pv&cx=eyJzY2hlbWEiOiAiaWdsdTpjb20uc25vd3Bsb3dhbmFseXRpY3Muc25vd3Bsb3cvY29udGV4dHMvanNvbnNjaGVtYS8xLTAtMSIsICJkYXRhIjogW3sic2NoZW1hIjogImlnbHU6Y29tLmFjbWUvYy9qc29uc2NoZW1hLzEtMC0wIiwgImRhdGEiOiB7ImsiOiAiXHUwMGU5In19XX0&co=x"), None, None, "{\"vendor\":\"r\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"cx\",\"eyJzY2hlbWEiOiJpZ2x1OmNvbS5zbm93cGxvd2FuYWx5dGljcy5zbm93cGxvdy9jb250ZXh0cy9qc29uc2NoZW1hLzEtMC0xIiwiZGF0YSI6W3sic2NoZW1hIjoiaWdsdTpjb20uc25vd3Bsb3dhbmFseXRpY3Muc25vd3Bsb3cvdXJpX3JlZGlyZWN0L2pzb25zY2hlbWEvMS0wLTAiLCJkYXRhIjp7InVyaSI6Imh0dHBzOi8vZXhhbXBsZS5jb20veD95PTEifX0seyJzY2hlbWEiOiJpZ2x1OmNvbS5hY21lL2MvanNvbnNjaGVtYS8xLTAtMCIsImRhdGEiOnsiayI6IsOpIn19XX0=\"],[\"co\",\"x\"],[\"tv\",\"r-tp2\"],[\"p\",\"web\"]]]}"),
            (Some("/r/tp2"), Some("u=https%3A%2F%2Fx.example%2F&e=pv&co={\"schema\":\"x\",\"data\":5}"), None, None, "{\"vendor\":\"r\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"co\",\"{\\\"schema\\\":\\\"x\\\",\\\"data\\\":5}\"],[\"tv\",\"r-tp2\"],[\"p\",\"web\"]]]}"),
            (Some("/r/tp2"), Some("u=https%3A%2F%2Fx.example%2F&e=pv&co=[1]"), None, None, "{\"vendor\":\"r\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"co\",\"[1]\"],[\"tv\",\"r-tp2\"],[\"p\",\"web\"]]]}"),
            (Some("/r/tp2"), Some("u=https%3A%2F%2Fx.example%2F&e=pv&co=\"s\""), None, None, "{\"vendor\":\"r\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"co\",\"\\\"s\\\"\"],[\"tv\",\"r-tp2\"],[\"p\",\"web\"]]]}"),
            (Some("/r/tp2"), Some("u=https%3A%2F%2Fx.example%2F&e=pv&cx=eyJkYXRhIjp7fX0="), None, None, "{\"vendor\":\"r\",\"version\":\"tp2\",\"events\":[[[\"e\",\"pv\"],[\"cx\",\"eyJkYXRhIjp7fX0=\"],[\"tv\",\"r-tp2\"],[\"p\",\"web\"]]]}"),
            (Some("/r/tp2"), Some("u=https%3A%2F%2Fx.example%2F&e=pv&co={not json"), None, None, "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"co\",\"value\":\"{not json\",\"error\":\"key must be a string at line 1 column 2\"}]}"),
            (Some("/r/tp2"), Some("u=https%3A%2F%2Fx.example%2F&e=pv&cx=e25vdCBqc29u"), None, None, "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"cx\",\"value\":\"e25vdCBqc29u\",\"error\":\"key must be a string at line 1 column 2\"}]}"),
            (Some("/r/tp2"), Some("u=https%3A%2F%2Fx.example%2F&e=pv&cx=eyJkYXRhIjpbIv8iXX0="), None, None, "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"cx\",\"value\":\"eyJkYXRhIjpbIv8iXX0=\",\"error\":\"invalid unicode code point at line 1 column 11\"}]}"),
            (Some("/r/tp2"), Some("u=https%3A%2F%2Fx.example%2F&e=pv&cx=!!!"), None, None, "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"cx\",\"value\":\"!!!\",\"expectation\":\"base64url-encoded contexts\"}]}"),
            (Some("/r/tp2"), Some("u=https%3A%2F%2Fx.example%2F&e=pv&cx=%C3%A9"), None, None, "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"cx\",\"value\":\"\u{e9}\",\"expectation\":\"base64url-encoded contexts\"}]}"),
            (Some("/r/tp2"), Some("u=https%3A%2F%2Fx.example%2F&e=pv&co=[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"), None, None, "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"co\",\"value\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\",\"error\":\"JSON nested deeper than 50 levels\"}]}"),
            (Some("/r/tp2"), None, None, None, "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"querystring\",\"value\":null,\"expectation\":\"querystring does not contain u parameter: not a valid URI redirect\"}]}"),
            (Some("/r/tp2"), Some("e=pv"), None, None, "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"querystring\",\"value\":\"e=pv\",\"expectation\":\"querystring does not contain u parameter: not a valid URI redirect\"}]}"),
            (Some("/r/tp2"), Some("u="), None, None, "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"querystring\",\"value\":\"u=\",\"expectation\":\"querystring does not contain u parameter: not a valid URI redirect\"}]}"),
            (Some("/r/tp2"), Some("u=a&u="), None, None, "{\"kind\":\"TrackerProtocolViolations\",\"messages\":[{\"field\":\"querystring\",\"value\":\"u=a&u=\",\"expectation\":\"querystring does not contain u parameter: not a valid URI redirect\"}]}"),
            (Some("/r/tp2"), Some("u=&u=b"), None, None, "{\"vendor\":\"r\",\"version\":\"tp2\",\"events\":[[[\"e\",\"ue\"],[\"ue_pr\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/uri_redirect/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"uri\\\":\\\"b\\\"}}}\"],[\"tv\",\"r-tp2\"],[\"p\",\"web\"]]]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/signup/jsonschema/1-0-0&name=Ada+L&plan=free&aid=shop&nuid=n1&p=srv&eid=e1"), None, None, "{\"vendor\":\"com.snowplowanalytics.iglu\",\"version\":\"v1\",\"events\":[[[\"tv\",\"com.snowplowanalytics.iglu-v1\"],[\"e\",\"ue\"],[\"p\",\"srv\"],[\"ue_pr\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"schema\\\":\\\"iglu:com.acme/signup/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"name\\\":\\\"Ada L\\\",\\\"plan\\\":\\\"free\\\",\\\"eid\\\":\\\"e1\\\"}}}\"],[\"aid\",\"shop\"],[\"nuid\",\"n1\"],[\"eid\",\"e1\"]]]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/signup/jsonschema/1-0-0&name=download&source=&tracking_id&aid=&nuid="), None, None, "{\"vendor\":\"com.snowplowanalytics.iglu\",\"version\":\"v1\",\"events\":[[[\"tv\",\"com.snowplowanalytics.iglu-v1\"],[\"e\",\"ue\"],[\"p\",\"app\"],[\"ue_pr\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"schema\\\":\\\"iglu:com.acme/signup/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"name\\\":\\\"download\\\",\\\"source\\\":null,\\\"tracking_id\\\":null}}}\"],[\"aid\",\"\"],[\"nuid\",\"\"]]]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/signup/jsonschema/1-0-0&a=1"), None, None, "{\"vendor\":\"com.snowplowanalytics.iglu\",\"version\":\"v1\",\"events\":[[[\"tv\",\"com.snowplowanalytics.iglu-v1\"],[\"e\",\"ue\"],[\"p\",\"app\"],[\"ue_pr\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"schema\\\":\\\"iglu:com.acme/signup/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"a\\\":\\\"1\\\"}}}\"]]]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/signup/jsonschema/1-0-0&p=&url=u&ttm=1&cv=c"), None, None, "{\"vendor\":\"com.snowplowanalytics.iglu\",\"version\":\"v1\",\"events\":[[[\"tv\",\"com.snowplowanalytics.iglu-v1\"],[\"e\",\"ue\"],[\"p\",\"\"],[\"ue_pr\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"schema\\\":\\\"iglu:com.acme/signup/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"url\\\":\\\"u\\\",\\\"ttm\\\":\\\"1\\\"}}}\"],[\"url\",\"u\"],[\"ttm\",\"1\"],[\"cv\",\"c\"]]]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/signup/jsonschema/1-0-0&aid=shop&other=ignored"), Some(b"{\"name\": \"Ada\", \"age\": 36, \"tags\": [\"x\"], \"nested\": {\"ok\": true}, \"f\": 1.5e+20, \"z\": 0}"), Some("application/json; charset=utf-8"), "{\"vendor\":\"com.snowplowanalytics.iglu\",\"version\":\"v1\",\"events\":[[[\"tv\",\"com.snowplowanalytics.iglu-v1\"],[\"e\",\"ue\"],[\"p\",\"app\"],[\"ue_pr\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"schema\\\":\\\"iglu:com.acme/signup/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"name\\\":\\\"Ada\\\",\\\"age\\\":36,\\\"tags\\\":[\\\"x\\\"],\\\"nested\\\":{\\\"ok\\\":true},\\\"f\\\":1.5e+20,\\\"z\\\":0}}}\"],[\"aid\",\"shop\"]]]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/signup/jsonschema/1-0-0"), Some(b"[{\"n\": 1}, {\"n\": 2}, 3]"), Some("application/json"), "{\"vendor\":\"com.snowplowanalytics.iglu\",\"version\":\"v1\",\"events\":[[[\"tv\",\"com.snowplowanalytics.iglu-v1\"],[\"e\",\"ue\"],[\"p\",\"app\"],[\"ue_pr\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"schema\\\":\\\"iglu:com.acme/signup/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"n\\\":1}}}\"]],[[\"tv\",\"com.snowplowanalytics.iglu-v1\"],[\"e\",\"ue\"],[\"p\",\"app\"],[\"ue_pr\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"schema\\\":\\\"iglu:com.acme/signup/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"n\\\":2}}}\"]],[[\"tv\",\"com.snowplowanalytics.iglu-v1\"],[\"e\",\"ue\"],[\"p\",\"app\"],[\"ue_pr\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"schema\\\":\\\"iglu:com.acme/signup/jsonschema/1-0-0\\\",\\\"data\\\":3}}\"]]]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/signup/jsonschema/1-0-0"), Some(b"name=Ada+L&city=L%C3%BCbeck&empty="), Some("application/x-www-form-urlencoded"), "{\"vendor\":\"com.snowplowanalytics.iglu\",\"version\":\"v1\",\"events\":[[[\"tv\",\"com.snowplowanalytics.iglu-v1\"],[\"e\",\"ue\"],[\"p\",\"srv\"],[\"ue_pr\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"schema\\\":\\\"iglu:com.acme/signup/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"name\\\":\\\"Ada L\\\",\\\"city\\\":\\\"L\u{fc}beck\\\",\\\"empty\\\":\\\"\\\"}}}\"]]]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("aid=shop"), Some(b"{\"schema\": \"iglu:com.acme/signup/jsonschema/1-0-0\", \"data\": {\"name\": \"Ada\"}}"), Some("application/json"), "{\"vendor\":\"com.snowplowanalytics.iglu\",\"version\":\"v1\",\"events\":[[[\"tv\",\"com.snowplowanalytics.iglu-v1\"],[\"e\",\"ue\"],[\"p\",\"app\"],[\"ue_pr\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"schema\\\":\\\"iglu:com.acme/signup/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"name\\\":\\\"Ada\\\"}}}\"],[\"aid\",\"shop\"]]]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("aid=shop&p=mob"), Some(b"{\"data\": [1], \"schema\": \"iglu:com.acme/signup/jsonschema/1-0-0\"}"), Some("application/json"), "{\"vendor\":\"com.snowplowanalytics.iglu\",\"version\":\"v1\",\"events\":[[[\"tv\",\"com.snowplowanalytics.iglu-v1\"],[\"e\",\"ue\"],[\"p\",\"mob\"],[\"ue_pr\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"schema\\\":\\\"iglu:com.acme/signup/jsonschema/1-0-0\\\",\\\"data\\\":[1]}}\"],[\"aid\",\"shop\"]]]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), None, None, None, "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"schema\",\"value\":null,\"expectation\":\"the schema parameter must be provided in the querystring\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("name=x"), None, None, "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"schema\",\"value\":null,\"expectation\":\"the schema parameter must be provided in the querystring\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema="), None, None, "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"schema\",\"value\":null,\"expectation\":\"the schema parameter must be provided in the querystring\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/signup/jsonschema/1-0"), None, None, "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"schema\",\"value\":\"iglu:com.acme/signup/jsonschema/1-0\",\"expectation\":\"a valid Iglu schema URI (INVALID_SCHEMAVER)\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=com.acme.signup"), None, None, "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"schema\",\"value\":\"com.acme.signup\",\"expectation\":\"a valid Iglu schema URI (INVALID_IGLUURI)\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/signup/jsonschema/1-0-0"), Some(b"a=1"), None, "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"contentType\",\"value\":null,\"expectation\":\"expected application/json or application/x-www-form-urlencoded\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/signup/jsonschema/1-0-0"), Some(b"a=1"), Some("text/plain"), "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"contentType\",\"value\":\"text/plain\",\"expectation\":\"expected application/json or application/x-www-form-urlencoded\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/signup/jsonschema/1-0-0"), Some(b"[]"), Some("application/json"), "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"body\",\"value\":\"[]\",\"expectation\":\"empty array of events\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/signup/jsonschema/1-0-0"), Some(b"{}"), Some("application/json"), "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"body\",\"value\":\"{}\",\"expectation\":\"has no key-value pairs\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/signup/jsonschema/1-0-0"), Some(b"\"text\""), Some("application/json"), "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"body\",\"value\":\"\\\"text\\\"\",\"expectation\":\"has no key-value pairs\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/signup/jsonschema/1-0-0"), Some(b"{nope"), Some("application/json"), "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"body\",\"value\":\"{nope\",\"error\":\"key must be a string at line 1 column 2\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), None, Some(b"a=1"), Some("application/x-www-form-urlencoded"), "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"contentType\",\"value\":\"application/x-www-form-urlencoded\",\"expectation\":\"expected application/json for a self-describing body\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), None, Some(b"{\"name\": \"x\"}"), Some("application/json"), "{\"kind\":\"AdapterFailures\",\"messages\":[{\"json\":{\"name\":\"x\"},\"error\":\"INVALID_IGLUURI\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), None, Some(b"{\"schema\": \"iglu:com.acme/signup/jsonschema/1-0-0\"}"), Some("application/json"), "{\"kind\":\"AdapterFailures\",\"messages\":[{\"json\":{\"schema\":\"iglu:com.acme/signup/jsonschema/1-0-0\"},\"error\":\"INVALID_DATA_PAYLOAD\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), None, Some(b"{\"schema\": 5, \"data\": 1}"), Some("application/json"), "{\"kind\":\"AdapterFailures\",\"messages\":[{\"json\":{\"schema\":5,\"data\":1},\"error\":\"INVALID_IGLUURI\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), None, Some(b"{\"schema\": \"iglu:a/b/c/01-0-0\", \"data\": 1}"), Some("application/json"), "{\"kind\":\"AdapterFailures\",\"messages\":[{\"json\":{\"schema\":\"iglu:a/b/c/01-0-0\",\"data\":1},\"error\":\"INVALID_SCHEMAVER\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), None, Some(b"[1]"), Some("application/json"), "{\"kind\":\"AdapterFailures\",\"messages\":[{\"json\":[1],\"error\":\"INVALID_DATA_PAYLOAD\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), None, Some(b"a=1"), None, "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"contentType\",\"value\":null,\"expectation\":\"expected application/json or application/x-www-form-urlencoded\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/x/jsonschema/1-0-0"), Some(b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"), Some("application/json"), "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"body\",\"value\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\",\"error\":\"JSON nested deeper than 50 levels\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/x/jsonschema/1-0-0"), Some(b"[18446744073709551616]"), Some("application/json"), "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"body\",\"value\":\"[18446744073709551616]\",\"error\":\"an integer beyond 64 bits\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/x/jsonschema/1-0-0"), Some(b"18446744073709551616"), Some("application/json"), "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"body\",\"value\":\"18446744073709551616\",\"expectation\":\"has no key-value pairs\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/x/jsonschema/1-0-0"), Some(b"\xff"), Some("application/json"), "{\"kind\":\"AdapterFailures\",\"messages\":[{\"field\":\"body\",\"value\":\"\u{fffd}\",\"error\":\"expected value at line 1 column 1\"}]}"),
            (Some("/com.snowplowanalytics.iglu/v1"), Some("schema=iglu:com.acme/x/jsonschema/1-0-0"), Some(b""), Some("application/json"), "{\"vendor\":\"com.snowplowanalytics.iglu\",\"version\":\"v1\",\"events\":[[[\"tv\",\"com.snowplowanalytics.iglu-v1\"],[\"e\",\"ue\"],[\"p\",\"app\"],[\"ue_pr\",\"{\\\"schema\\\":\\\"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0\\\",\\\"data\\\":{\\\"schema\\\":\\\"iglu:com.acme/x/jsonschema/1-0-0\\\",\\\"data\\\":{}}}\"]]]}"),
        ];
        for (path, querystring, body, content_type, expected) in cases {
            let payload = payload(*path, *querystring, *body, *content_type);
            assert_eq!(outcome(&payload), *expected, "{payload:?}");
        }
    }

    #[test]
    fn an_iglu_outage_is_the_outer_error_and_only_tp2_bodies_are_validated() {
        let body = br#"{"data":[{"e":"pv"}]}"#;
        let tp2 = payload(Some(TP2_PATH), None, Some(body), Some("application/json"));
        let mut calls = 0;
        let mut outage = |_: &Value| -> Result<Vec<Value>, &str> {
            calls += 1;
            Err("Iglu is down")
        };
        assert_eq!(adapt(&tp2, &mut outage), Err("Iglu is down"));
        let not_json = payload(Some(TP2_PATH), None, Some(b"{"), Some("application/json"));
        assert!(matches!(adapt(&not_json, &mut outage), Ok(Err(_))));
        let iglu = payload(Some(IGLU_PATH), Some("schema=iglu:a/b/c/1-0-0"), Some(body), Some("application/json"));
        assert!(matches!(adapt(&iglu, &mut outage), Ok(Ok(_))));
        assert_eq!(calls, 1);
    }

    #[test]
    fn what_validation_should_have_refused_gives_parameters_all_the_same() {
        // Python would keep the JSON values as they are (or fail on a non-object event); here they are text
        let body = br#"{"data":[{"e":"pv","n":1,"o":{"a":[1.5]},"z":null},7],"x":1}"#;
        let tp2 = payload(Some(TP2_PATH), Some("aid=q"), Some(body), Some("application/json"));
        let mut accept_all = |_: &Value| -> Result<Vec<Value>, ()> { Ok(vec![]) };
        let adapted = adapt(&tp2, &mut accept_all).unwrap().unwrap();
        let events: Vec<Vec<(&str, &str)>> =
            adapted.events.iter().map(|event| event.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()).collect();
        assert_eq!(
            events,
            [vec![("e", "pv"), ("n", "1"), ("o", r#"{"a":[1.5]}"#), ("z", "null"), ("aid", "q")], vec![("aid", "q")]]
        );
        let no_data = payload(Some(TP2_PATH), None, Some(b"{}"), Some("application/json"));
        assert_eq!(adapt(&no_data, &mut accept_all).unwrap().unwrap().events, Vec::<Parameters>::new());
    }

    #[test]
    fn a_payload_of_more_events_than_the_limit_is_one_failure_and_is_not_validated() {
        let items = |n: usize| vec![r#"{"e":"pv"}"#; n].join(",");
        let calls = std::cell::Cell::new(0);
        let mut counting = |_: &Value| -> Result<Vec<Value>, ()> {
            calls.set(calls.get() + 1);
            Ok(vec![])
        };
        let at_limit = format!(r#"{{"data":[{}]}}"#, items(MAX_EVENTS_PER_PAYLOAD));
        let tp2 = payload(Some(TP2_PATH), None, Some(at_limit.as_bytes()), Some("application/json"));
        assert_eq!(adapt(&tp2, &mut counting).unwrap().unwrap().events.len(), MAX_EVENTS_PER_PAYLOAD);
        let beyond = format!(r#"{{"data":[{}]}}"#, items(MAX_EVENTS_PER_PAYLOAD + 1));
        let tp2 = payload(Some(TP2_PATH), None, Some(beyond.as_bytes()), Some("application/json"));
        let failure = adapt(&tp2, &mut counting).unwrap().unwrap_err();
        assert_eq!(failure.kind, FailureKind::TrackerProtocolViolations);
        assert_eq!(failure.messages, [json!({"field": "data", "value": null,
            "expectation": "at most 5000 events in one payload, not 5001"})]);
        assert_eq!(calls.get(), 1); // the body beyond the limit was not validated
        let array = format!("[{}]", vec!["{}"; 250_000].join(","));
        let iglu = payload(Some(IGLU_PATH), Some("schema=iglu:a/b/c/1-0-0"), Some(array.as_bytes()), Some("application/json"));
        let failure = adapt(&iglu, &mut counting).unwrap().unwrap_err();
        assert_eq!(failure.kind, FailureKind::AdapterFailures);
        assert_eq!(failure.messages, [json!({"field": "body", "value": null,
            "expectation": "at most 5000 events in one payload, not 250000"})]);
    }
}
