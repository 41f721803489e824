//! The port's cases of `tests/test_enrich.py`, `tests/test_hardening.py` and `tests/test_atomic.py` that concern
//! mapping, and hostile inputs of every parser; expected values come from the Python reference ([`reference`]).

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::*;

mod reference;

const COLLECTOR_TSTAMP: i64 = 1_795_849_374_000;
const COLLECTOR: &str = "ssc-3.4.0-kinesis";
const ETL_TSTAMP: i64 = 1_795_849_400_000;
const V_ETL: &str = "snowplow-beam-pipeline-0.1.0";

/// The collector fields a case sets (the rest of the payload is as `tests.helpers.raw_event` makes it).
pub(super) struct Source {
    pub ip_address: Option<&'static str>,
    pub collector: Option<&'static str>,
    pub user_agent: Option<&'static str>,
    pub referer_uri: Option<&'static str>,
    pub network_user_id: Option<&'static str>,
    pub headers: Option<Vec<&'static str>>,
}

impl Default for Source {
    fn default() -> Self {
        Source {
            ip_address: Some("203.0.113.9"),
            collector: Some(COLLECTOR),
            user_agent: None,
            referer_uri: None,
            network_user_id: None,
            headers: None,
        }
    }
}

/// One raw event, and what the Python reference maps it to (`{"kind", "event": [[field, type tag, value]...],
/// "messages"}`; type tags: `s`tring, `i`nt, `b`ool, `j`son).
pub(super) struct Case {
    pub name: &'static str,
    pub params: Vec<(&'static str, &'static str)>,
    pub source: Source,
    pub index: u32,
    pub expected: &'static str,
}

/// A collector payload as the tp2 adapter's tests make it: the collector's time, address, encoding and name.
fn payload(source: &Source) -> CollectorPayload {
    let text = |value: Option<&str>| value.map(str::to_string);
    CollectorPayload {
        schema: Some("iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-0-0".to_string()),
        timestamp: Some(COLLECTOR_TSTAMP),
        encoding: Some("UTF-8".to_string()),
        path: Some("/com.snowplowanalytics.snowplow/tp2".to_string()),
        ip_address: text(source.ip_address),
        collector: text(source.collector),
        user_agent: text(source.user_agent),
        referer_uri: text(source.referer_uri),
        network_user_id: text(source.network_user_id),
        headers: source.headers.as_ref().map(|headers| headers.iter().map(|h| h.to_string()).collect()),
        ..CollectorPayload::default()
    }
}

fn parameters(pairs: &[(&str, &str)]) -> Parameters {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn seed() -> [u8; 32] {
    Sha256::digest(b"a raw record").into()
}

fn map(params: &[(&str, &str)], source: &Source, index: u32) -> Mapped {
    map_event(&payload(source), &parameters(params), &seed(), index, ETL_TSTAMP, V_ETL)
}

/// A mapped event in the reference's form.
fn outcome(mapped: &Mapped) -> Value {
    let (kind, event, messages) = match mapped {
        Mapped::Event { event, failures } => ("event", event, failures),
        Mapped::Invalid { event, messages } => ("invalid", event, messages),
    };
    let fields: Vec<Value> = event
        .iter()
        .map(|(name, value)| match value {
            FieldValue::Str(text) => json!([name, "s", text]),
            FieldValue::Int(number) => json!([name, "i", number]),
            FieldValue::Bool(flag) => json!([name, "b", flag]),
            FieldValue::Json(document) => json!([name, "j", document]),
        })
        .collect();
    json!({"kind": kind, "event": fields, "messages": messages})
}

/// JSON text with every object's keys in their order (serde_json's `Value` equality ignores the order).
fn ordered(value: &Value) -> String {
    serde_json::to_string(value).unwrap()
}

/// orjson's syntax errors (`...: line 1 column 2 (char 1)`) have serde_json's wording in `crate::json`: the
/// expected message of such an error becomes what `json::parse` says of the same text.
fn with_serde_wording(mut expected: Value) -> Value {
    let Some(messages) = expected["messages"].as_array_mut() else { return expected };
    for message in messages {
        let (Some(field), Some(value), Some(error)) =
            (message["field"].as_str(), message["value"].as_str(), message["error"].as_str())
        else {
            continue;
        };
        if !(error.ends_with(')') && error.contains(" (char ")) {
            continue;
        }
        let text = if field == "ue_px" || field == "cx" {
            String::from_utf8(decode_base64url(value).unwrap()).unwrap()
        } else {
            value.to_string()
        };
        message["error"] = Value::String(json::parse(&text).unwrap_err());
    }
    expected
}

#[test]
fn every_case_maps_as_the_python_reference_does() {
    let cases = reference::cases();
    assert!(cases.len() > 300);
    let mut wrong = Vec::new();
    for case in &cases {
        let expected = with_serde_wording(serde_json::from_str(case.expected).unwrap());
        let got = outcome(&map(&case.params, &case.source, case.index));
        if ordered(&got) != ordered(&expected) {
            wrong.push(format!("{}:\n  got      {}\n  expected {}", case.name, ordered(&got), ordered(&expected)));
        }
    }
    assert!(wrong.is_empty(), "{} of {} cases differ:\n{}", wrong.len(), cases.len(), wrong.join("\n"));
}

fn base<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut params = vec![("e", "pv"), ("p", "web"), ("tv", "js-3.0.0")];
    for (key, value) in extra {
        match params.iter_mut().find(|(k, _)| k == key) {
            Some(pair) => pair.1 = value,
            None => params.push((key, value)),
        }
    }
    params
}

fn event_of(mapped: Mapped) -> Event {
    match mapped {
        Mapped::Event { event, failures } => {
            assert_eq!(failures, Vec::<Value>::new());
            event
        }
        Mapped::Invalid { messages, .. } => panic!("invalid: {messages:?}"),
    }
}

fn invalid_messages(mapped: Mapped) -> Vec<Value> {
    match mapped {
        Mapped::Invalid { messages, .. } => messages,
        Mapped::Event { .. } => panic!("mapped"),
    }
}

#[test]
fn a_page_view_from_the_python_tracker() {
    let params = [
        ("e", "pv"), ("url", "https://example.com/a?b=c"), ("page", "A page"), ("refr", "https://ref.example/"),
        ("p", "srv"), ("uid", "user-123"), ("lang", "en"), ("tz", "UTC"), ("eid", "820c6f14-8c57-4aea-975d-33e5cf574f6f"),
        ("dtm", "1795849373011"), ("tv", "py-1.1.0"), ("tna", "py-get"), ("aid", "spike-app"), ("stm", "1795849373000"),
    ];
    let source = Source { user_agent: Some("python-requests/2.34.2"), ..Source::default() };
    let event = event_of(map(&params, &source, 0));
    let s = |text: &str| FieldValue::Str(text.to_string());
    let expected: Vec<(&str, FieldValue)> = vec![
        ("collector_tstamp", FieldValue::Int(COLLECTOR_TSTAMP)), ("etl_tstamp", FieldValue::Int(ETL_TSTAMP)),
        ("v_etl", s(V_ETL)), ("v_collector", s(COLLECTOR)), ("user_ipaddress", s("203.0.113.9")),
        ("useragent", s("python-requests/2.34.2")), ("event", s("page_view")), ("page_url", s("https://example.com/a?b=c")),
        ("page_title", s("A page")), ("page_referrer", s("https://ref.example/")), ("platform", s("srv")),
        ("user_id", s("user-123")), ("br_lang", s("en")), ("os_timezone", s("UTC")),
        ("event_id", s("820c6f14-8c57-4aea-975d-33e5cf574f6f")), ("dvce_created_tstamp", FieldValue::Int(1795849373011)),
        ("v_tracker", s("py-1.1.0")), ("name_tracker", s("py-get")), ("app_id", s("spike-app")),
        ("dvce_sent_tstamp", FieldValue::Int(1795849373000)), ("page_urlscheme", s("https")),
        ("page_urlhost", s("example.com")), ("page_urlport", FieldValue::Int(443)), ("page_urlpath", s("/a")),
        ("page_urlquery", s("b=c")), ("refr_urlscheme", s("https")), ("refr_urlhost", s("ref.example")),
        ("refr_urlport", FieldValue::Int(443)), ("refr_urlpath", s("/")),
        // dtm > stm: stm has 1 s resolution
        ("derived_tstamp", FieldValue::Int(COLLECTOR_TSTAMP)),
        ("event_vendor", s("com.snowplowanalytics.snowplow")), ("event_name", s("page_view")),
        ("event_format", s("jsonschema")), ("event_version", s("1-0-0")),
    ];
    let got: Vec<(&str, FieldValue)> = event.into_iter().collect();
    assert_eq!(got, expected);
}

#[test]
fn event_ids_are_derived_from_the_record_and_the_index() {
    for (seed, index, expected) in reference::EVENT_IDS {
        assert_eq!(derive_event_id(seed, *index), *expected);
    }
    let id = derive_event_id(&seed(), 7);
    assert_eq!((id.len(), &id[14..15]), (36, "4"));
    assert!("89ab".contains(&id[19..20]));
    let event = event_of(map(&base(&[]), &Source::default(), 5));
    assert_eq!(event.get("event_id"), Some(&FieldValue::Str(derive_event_id(&seed(), 5))));
    let event = event_of(map(&base(&[("eid", "1863683F-182D-4A37-8016-9F79FA293648")]), &Source::default(), 5));
    assert_eq!(event.get("event_id"), Some(&FieldValue::Str("1863683f-182d-4a37-8016-9f79fa293648".to_string())));
}

fn check<T: PartialEq + std::fmt::Debug>(input: &str, got: Result<T, ParseError>, expected: Result<T, (&str, &str)>) {
    let got = got.map_err(|error| (error.keyword, error.message));
    assert_eq!(got, expected, "{input:?}");
}

#[test]
fn decimals_as_python_decimal_writes_them() {
    for (input, expected) in reference::DECIMALS {
        check(input, parse_decimal(input), expected.map(str::to_string));
    }
}

#[test]
fn integers() {
    for (input, expected) in reference::INTEGERS {
        check(input, parse_integer(input), *expected);
    }
    for (input, expected) in reference::LENIENT_INTEGERS {
        check(input, parse_integer_lenient(input), *expected);
    }
}

#[test]
fn timestamps_and_dimensions() {
    for (input, expected) in reference::TIMESTAMPS {
        check(input, parse_timestamp(input), *expected);
    }
    for (input, expected) in reference::DIMENSIONS {
        check(input, parse_dimensions(input), *expected);
    }
}

#[test]
fn addresses() {
    for (input, expected) in reference::FIRST_IPS {
        assert_eq!(first_ip(input), *expected, "{input:?}");
    }
    for (input, expected) in reference::PROXIED {
        assert_eq!(proxied_address(input).as_deref(), *expected, "{input:?}");
    }
    assert_eq!(client_address(None), None);
    assert_eq!(client_address(Some(&[])), None);
}

#[test]
fn urls_are_encoded_and_split_as_python_urlsplit() {
    for (input, expected) in reference::ENCODED_URLS {
        assert_eq!(encode_url(input), *expected, "{input:?}");
    }
    for (input, expected) in reference::SPLIT_URLS {
        let got = split_url(&encode_url(input)).ok().map(|parts| {
            Value::Array(
                parts
                    .into_iter()
                    .map(|part| match part {
                        None => Value::Null,
                        Some(FieldValue::Str(text)) => Value::String(text),
                        Some(FieldValue::Int(number)) => json!(number),
                        Some(other) => panic!("{other:?}"),
                    })
                    .collect(),
            )
        });
        let expected = expected.map(|text| serde_json::from_str::<Value>(text).unwrap());
        assert_eq!(got, expected, "{input:?}");
    }
}

#[test]
fn bytes_that_are_not_utf8_get_cpythons_message() {
    for (bytes, expected) in reference::NOT_UTF8 {
        let error = std::str::from_utf8(bytes).unwrap_err();
        assert_eq!(utf8_error_message(bytes, &error), *expected, "{bytes:?}");
    }
}

#[test]
fn oversized_numbers_are_refused_on_their_length() {
    // tests/test_hardening.py: refused at once, never expanded
    let million = "9".repeat(1_000_000);
    let long_x = "1".repeat(40_000) + "x";
    let long_e = "1".repeat(40_000) + "." + &"2".repeat(40_000) + "e";
    for text in [&million, &long_x, &long_e] {
        assert_eq!(parse_decimal(text).unwrap_err().keyword, "maxLength");
    }
    let nines = "9".repeat(5000);
    assert_eq!(parse_integer(&nines), Err(TOO_LARGE));
    assert_eq!(parse_integer(&format!("-{nines}")), Err(TOO_SMALL));
    assert_eq!(parse_integer_lenient(&nines).unwrap_err().keyword, "maxLength");
    assert_eq!(parse_timestamp(&nines).unwrap_err().keyword, "format");
    assert_eq!(parse_dimensions(&format!("{nines}x1")).unwrap_err().keyword, "pattern");
    for params in [
        vec![("e", "pv"), ("tid", nines.as_str())],
        vec![("e", "pv"), ("res", &format!("{}x1", "1".repeat(5000)))],
        vec![("e", "pv"), ("dtm", &"1".repeat(5000))],
        vec![("e", "pp"), ("pp_mix", &"1".repeat(5000))],
        vec![("e", "se"), ("se_va", &("9".repeat(300_000) + "!"))],
        vec![("e", "tr"), ("tr_tt", long_x.as_str()), ("tr_tx", long_x.as_str()), ("tr_sh", long_x.as_str())],
    ] {
        let messages = invalid_messages(map(&params, &Source::default(), 0));
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0]["schemaKey"], ATOMIC_SCHEMA);
        let reports = messages[0]["error"]["dataReports"].as_array().unwrap();
        assert_eq!(reports.len(), params.len() - 1);
    }
}

#[test]
fn exponents_beyond_what_python_decimal_holds_are_parse_errors() {
    // Deliberate difference: Python's Decimal raises InvalidOperation (an internal-error bad row) for these
    // exponents; here they are what any other too large or too precise number is.
    for text in ["1e99999999999999999999999999999999999999", "123e999999999999999999", "0e1000000000000000000"] {
        assert_eq!(parse_decimal(text).unwrap_err().keyword, "maximum", "{text}");
    }
    for text in ["1e-99999999999999999999999999999999999", "1e-999999999999999999999999999999999999999999999999999999999"] {
        assert_eq!(parse_decimal(text).unwrap_err().keyword, "multipleOf", "{text}");
    }
}

#[test]
fn over_long_fields_are_reported_in_field_order() {
    // tests/test_enrich.py's maxLength cases, on the mapped events
    let a256 = "a".repeat(256);
    let url = format!("https://e.example/{}", "p".repeat(4079));
    let (ip, ua, label) = ("1".repeat(129), "u".repeat(1001), "l".repeat(4097));
    let report = |field: &str, limit: usize, value: &str| {
        atomic_report(field, &format!("exceeds maxLength {limit}"), "maxLength", value)
    };
    type Params<'a> = Vec<(&'a str, &'a str)>;
    let cases: Vec<(Params, Vec<Value>)> = vec![
        (base(&[("aid", &a256)]), vec![report("app_id", 255, &a256)]),
        (base(&[("tr_cu", "EURO")]), vec![report("tr_currency", 3, "EURO")]),
        (
            base(&[("url", &url)]),
            vec![report("page_url", 4096, &url), report("page_urlpath", 3000, &format!("/{}", "p".repeat(4079)))],
        ),
        (base(&[("ip", &ip)]), vec![report("user_ipaddress", 128, &ip)]),
        (base(&[("ua", &ua), ("se_la", &label)]), vec![report("se_label", 4096, &label), report("useragent", 1000, &ua)]),
    ];
    for (params, expected) in cases {
        let event = event_of(map(&params, &Source::default(), 0));
        assert_eq!(too_long_reports(&event), expected);
    }
    let (a255, l4096, title) = ("a".repeat(255), "l".repeat(4096), "é".repeat(2000));
    let fits = base(&[("aid", &a255), ("tr_cu", "EUR"), ("se_la", &l4096), ("page", &title)]);
    assert_eq!(too_long_reports(&event_of(map(&fits, &Source::default(), 0))), Vec::<Value>::new());
    let violation = atomic_violation(vec![report("tr_currency", 3, "EURO")]);
    assert_eq!(
        ordered(&violation),
        r#"{"schemaKey":"iglu:com.snowplowanalytics.snowplow/atomic/jsonschema/1-0-0","error":{"error":"ValidationError","dataReports":[{"message":"exceeds maxLength 3","path":"$.tr_currency","keyword":"maxLength","targets":["EURO"]}]}}"#
    );
}

#[test]
fn a_missing_collector_leaves_v_collector_unset() {
    // Deliberate difference: Python keeps the key with None (in 4th place); an Event holds no None
    let source = Source { collector: None, ..Source::default() };
    let Mapped::Event { event, failures } = map(&base(&[]), &source, 0) else { panic!() };
    assert!(!event.contains_key("v_collector"));
    assert_eq!(failures, vec![failure("v_collector", None, "v_collector should be set")]);
    let Mapped::Event { event, .. } = map(&base(&[("cv", "c")]), &source, 0) else { panic!() };
    assert_eq!(event.get_index(3), Some((&"v_collector", &FieldValue::Str("c".to_string()))));
}

#[test]
fn a_missing_collector_timestamp_is_0() {
    let mut payload = payload(&Source::default());
    payload.timestamp = None;
    let Mapped::Event { event, .. } = map_event(&payload, &parameters(&base(&[])), &seed(), 0, 1, "v") else { panic!() };
    assert_eq!(event.get("collector_tstamp"), Some(&FieldValue::Int(0)));
    assert_eq!(event.get("derived_tstamp"), Some(&FieldValue::Int(0)));
}

#[test]
fn extreme_timestamps_do_not_overflow() {
    let mut payload = payload(&Source::default());
    for collector in [i64::MIN, i64::MAX] {
        payload.timestamp = Some(collector);
        let params = parameters(&base(&[("dtm", "-62135596800000"), ("stm", "253402300799999")]));
        let Mapped::Event { failures, .. } = map_event(&payload, &params, &seed(), 0, 1, "v") else { panic!() };
        assert_eq!(failures.len(), 1);
    }
}

#[test]
fn hostile_text_never_panics() {
    // every parameter with text of every awkward kind: multi-byte characters at every position, lone marks
    let texts = [
        "", "é", "ée", "1é", "1.é", "1eé", "-é", "é1x1", "1xé", "\u{10ffff}", "null\u{301}", "n\u{fffd}ll", "%",
        "%é", "http://[é]/", "http://é:é/", "http://[::1%é]/", "//é@é:1", "[", "]", "\u{2100}", "e30é", "9".repeat(70).leak(),
    ];
    let keys = [
        "e", "p", "eid", "tid", "dtm", "sid", "vid", "ip", "ua", "url", "refr", "cookie", "se_va", "pp_mix", "res",
        "ue_pr", "ue_px", "co", "cx", "tnuid",
    ];
    for text in texts {
        for key in keys {
            let _ = map(&[(key, text)], &Source::default(), 0);
            let source = Source {
                headers: Some(vec![text, "X-Forwarded-For: é", "Forwarded: for=é"]),
                ip_address: Some(text),
                referer_uri: Some(text),
                ..Source::default()
            };
            let _ = map(&[(key, text), ("e", "ue")], &source, 0);
        }
    }
}

#[test]
fn parameter_fields_are_canonical_fields() {
    let keys = SCALAR_PARAMETER_KEYS;
    for key in keys {
        let (field, _) = scalar_parameter(key).unwrap();
        assert!(crate::atomic::field_index(field).is_some(), "{key} -> {field}");
    }
    for key in ["res", "vp", "ds"] {
        let (first, second) = pair_parameter(key).unwrap();
        assert!(crate::atomic::field_index(first).is_some() && crate::atomic::field_index(second).is_some());
    }
    for name in PAGE_URL_FIELDS.iter().chain(&REFR_URL_FIELDS).chain(&SCHEMA_FIELDS) {
        assert!(crate::atomic::field_index(name).is_some(), "{name}");
    }
    for (_, _, field) in JSON_PARAMETERS {
        assert!(crate::atomic::field_index(field).is_some());
    }
}

#[test]
fn the_json_text_null_is_a_json_null() {
    // Python stores None (the key is set); the Validate step then reports it
    let event = event_of(map(&base(&[("e", "ue"), ("ue_pr", "null"), ("cx", "bnVsbA")]), &Source::default(), 0));
    assert_eq!(event.get("unstruct_event"), Some(&FieldValue::Json(Value::Null)));
    assert_eq!(event.get("contexts"), Some(&FieldValue::Json(Value::Null)));
    assert!(!event.contains_key("event_vendor"));
}
