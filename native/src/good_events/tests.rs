//! The good-event path on literal events. Expected pseudonyms computed once with Python's hmac module
//! (`hmac.digest(b"pepper-2024", text.encode(), "sha256").hex()`) and pasted.

use super::policy::EntityRule;
use super::tsv::push_line;
use super::*;
use crate::pseudonym::{OwnedText, Value};

const SALT: &[u8] = b"pepper-2024";
const JANE: &str = "8f20763de2964cf1c8be67a844b090ace0602bf1f229851eae7dd268f2aa13b5";
const JANE_EMAIL: &str = "ea1bcebc5485c3e1d98ee7a1813573be9ec62cf703a3863af32d34ea13bb6876";
const E_EMAIL: &str = "9284dd252ff8a6ca1265a04f31c3dc09abfc282e507ede4855038f91fbe839e4";
const ONE: &str = "44c73cd762059e1ec51f0a87a5d6d9b827494dd2127902e39d8b03dfcfd8c7ce";
const TWO: &str = "5f632e265a2db18965c0b123125a77347cbf277632bc90793dfb8e6532d3223a";
const U_1: &str = "73373211c4ac5a3f60b56bc027ddbff5791a7ac0a2179dec995730cf6e49f36c";
const NOT_A_URI: &str = "e38e39185a3f32165ff62e7bf884732216a7c2365cca7f943014004aac6c94c3";
const BERLIN: &str = "d1e2deec441bb1d40be0028f758b4201959212e350b8a0dd2302a982df75f50b";
const TRUE: &str = "e2cc7c5f8fd170a11788776e39b83cecc0ec8e2efbc1c99c1db18a5f4a277ddd";
const ZERO: &str = "cdf7005f2f019c030c7dfb21611833107b37c93b9d1c59f08bac18ad69671f96";
const HALF: &str = "00dc37597ce14be7ccc36f128ef5d4a32d3aeb20c70871d19c52878dc16da17c";

fn fields() -> Vec<(String, Kind, Option<usize>)> {
    [
        ("app_id", Kind::String, Some(255)),
        ("user_id", Kind::String, Some(255)),
        ("br_lang", Kind::String, Some(20)),
        ("txn_id", Kind::Int, None),
        ("dvce_ismobile", Kind::Bool, None),
        ("br_cookies", Kind::Bool, None),
        ("collector_tstamp", Kind::Timestamp, None),
        ("tr_total", Kind::Decimal, None),
        ("se_value", Kind::Decimal, None),
        ("geo_latitude", Kind::Float, None),
        ("contexts", Kind::Json, None),
        ("unstruct_event", Kind::Json, None),
    ]
    .into_iter()
    .map(|(name, kind, max)| (name.to_owned(), kind, max))
    .collect()
}

fn good_events() -> GoodEvents {
    let allowlist: Vec<String> =
        ["app_id", "br_lang", "txn_id", "br_cookies", "collector_tstamp", "tr_total", "geo_latitude", "contexts"]
            .into_iter()
            .map(String::from)
            .collect();
    let shapes = vec![("br_lang".to_owned(), r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8}){0,8}".to_owned())];
    let rules = vec![
        EntityRule::new("iglu:com.acme/page/jsonschema/1-*-*", true, &[Text::Utf8("$.id"), Text::Utf8("$.tags")]),
        EntityRule::new("iglu:com.acme/user/jsonschema/1-0-*", false, &[Text::Utf8("$.user_id"), Text::Utf8("$.a.b")]),
        EntityRule::new("iglu:com.acme/all/jsonschema/*-*-*", true, &[Text::Utf8("$")]),
    ]
    .into_iter()
    .collect::<Result<Vec<_>, _>>();
    let rules = rules.unwrap_or_default();
    assert_eq!(rules.len(), 3);
    match GoodEvents::new(&fields(), &allowlist, &shapes, rules, SALT) {
        Ok(good) => good,
        Err(err) => panic!("{err:?}"),
    }
}

/// A JSON text as Python's orjson.loads gives it (keys in their order).
fn json(text: &str) -> Value<String> {
    fn convert(value: serde_json::Value) -> Value<String> {
        match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(flag) => Value::Bool(flag),
            serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(int), _) => Value::Int(int.into()),
                (_, Some(int)) => Value::Int(int.into()),
                _ => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(text) => Value::Str(text),
            serde_json::Value::Array(items) => Value::Array(items.into_iter().map(convert).collect()),
            serde_json::Value::Object(pairs) => Value::Object(pairs.into_iter().map(|(k, v)| (k, convert(v))).collect()),
        }
    }
    convert(serde_json::from_str(text).unwrap_or(serde_json::Value::Null))
}

fn event<'a, J: Json>(good: &GoodEvents, values: &'a [(&str, J)]) -> Event<'a, J> {
    let mut event = Event::new(good.fields().len());
    for (name, value) in values {
        let at = good.field_index(name).unwrap_or(usize::MAX);
        if let Some(slot) = event.values.get_mut(at) {
            *slot = Some(FieldRef::Json(value));
        } else {
            event.unknown_texts += usize::from(matches!(value.node(), Node::Str(_)));
        }
    }
    event
}

fn line(good: &GoodEvents, event: &Event<'_, Value<String>>) -> Result<(String, usize), Error> {
    let mut cells = Vec::new();
    let count = good.pseudonymize(event, &mut cells)?;
    let mut out = String::new();
    push_line(good.fields(), event, &cells, &mut out)?;
    Ok((out, count))
}

/// The JSON cell of `field` holding the JSON text `value`, read as Python's values ([`Value`]) and as the native
/// events' (serde_json's): the two must agree.
fn json_cell(good: &GoodEvents, field: &str, value: &str) -> Result<String, Error> {
    fn cell<J: Json>(good: &GoodEvents, field: &str, value: J) -> Result<String, Error> {
        let values = [(field, value)];
        let mut cells = Vec::new();
        good.pseudonymize(&event(good, &values), &mut cells)?;
        let at = good.field_index(field).unwrap_or(usize::MAX);
        match cells.get(at) {
            Some(Cell::Json(text)) => Ok(text.clone()),
            other => Err(Error::Value(format!("{other:?}"))),
        }
    }
    let as_python = cell(good, field, json(value));
    let native = serde_json::from_str::<serde_json::Value>(value).map_err(|err| Error::Value(err.to_string()))?;
    assert_eq!(cell(good, field, native), as_python, "{value}");
    as_python
}

#[test]
fn an_event_pseudonymized_and_written_as_tsv() {
    let good = good_events();
    let values = vec![
            ("app_id", Value::Str("shop\tone\r\n".into())),
            ("user_id", Value::Str("jane".into())),
            ("br_lang", Value::Str("en-US".into())),
            ("txn_id", Value::Int(42)),
            ("dvce_ismobile", Value::Bool(true)),
            ("br_cookies", Value::Bool(false)),
            ("collector_tstamp", Value::Int(1_764_320_400_123)),
            ("tr_total", Value::Str("12.50".into())),
            ("se_value", Value::Str("3".into())),
            ("geo_latitude", Value::Float(1e16)),
            ("not_a_field", Value::Str("x".into())),
    ];
    let event = event(&good, &values);
    // user_id (hashed) and the unknown key's string count; se_value and dvce_ismobile are removed
    let expected = format!("shop    one  \t{JANE}\ten-US\t42\t\t0\t2025-11-28 09:00:00.123\t12.50\t\t1e+16\t\t");
    assert_eq!(line(&good, &event), Ok((expected, 2)));
}

#[test]
fn a_shaped_field_that_does_not_fit_is_hashed_but_stays_allowlisted() {
    let good = good_events();
    for (value, expected) in [
        ("jane@example.com", JANE_EMAIL.to_owned()),
        ("", String::new()),
        ("en-US-x-aaaaaaa-aaaa", "en-US-x-aaaaaaa-aaaa".to_owned()), // 20 characters: the maxLength
        ("en-US-x-aaaaaaa-aaaaa", "5bb56d9363e7e6856b5ee9e811de4b925d7ab59db1dc1405884e3ff57acbb188".to_owned()),
        ("en\n", "da79da2c1ee4d679cb6f030e882c378ce88eefbc925878aae8678d1410d92f05".to_owned()), // $ is the end
    ] {
        let values = [("br_lang", Value::Str(value.into()))];
        let one = event(&good, &values);
        let (line, count) = line(&good, &one).unwrap_or_default();
        assert_eq!(line.split('\t').nth(2), Some(expected.as_str()), "{value:?}");
        assert_eq!(count, 0);
    }
}

#[test]
fn contexts_follow_the_entity_rules() {
    let good = good_events();
    let contexts = r#"{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0","data":[
        {"schema":"iglu:com.acme/page/jsonschema/1-0-0","data":{"id":"p1","email":"e@example.com","tags":["a",{"x":1}],"n":[1,2]}},
        {"data":{"id":1},"schema":"iglu:com.acme/page/jsonschema/2-0-0"},
        {"schema":"not a uri","data":{"id":"jane"},"extra":true},
        {"schema":"iglu:com.acme/user/jsonschema/1-0-3","data":{"user_id":"jane","a":{"b":{"c":"jane"},"d":"keep"},"f":0.5}},
        {"schema":"iglu:com.acme/all/jsonschema/5-0-0","data":{"id":"jane","list":[null,1e16]}},
        "loose", {"no_data":1}, {}]}"#;
    let expected = format!(
        concat!(
            r#"{{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0","data":["#,
            r#"{{"schema":"iglu:com.acme/page/jsonschema/1-0-0","data":{{"id":"p1","email":"{e}","tags":["a",{{"x":1}}],"n":["{one}","{two}"]}}}},"#,
            r#"{{"schema":"iglu:com.acme/page/jsonschema/2-0-0","data":{{"id":"{one}"}}}},"#,
            r#"{{"schema":"{not_a_uri}","data":{{"id":"{jane}"}},"extra":"{true}"}},"#,
            r#"{{"schema":"iglu:com.acme/user/jsonschema/1-0-3","data":{{"user_id":"{jane}","a":{{"b":{{"c":"{jane}"}},"d":"keep"}},"f":0.5}}}},"#,
            r#"{{"schema":"iglu:com.acme/all/jsonschema/5-0-0","data":{{"id":"jane","list":[null,1e+16]}}}},"#,
            r#""{loose}",{{"no_data":"{one}"}},{{}}]}}"#,
        ),
        e = E_EMAIL, one = ONE, two = TWO, not_a_uri = NOT_A_URI, jane = JANE, true = TRUE,
        loose = "c3290ba92ec5887eda68c98946412b51ab694f2af551a565085e2f9799a9f0d4",
    );
    assert_eq!(json_cell(&good, "contexts", contexts), Ok(expected));
}

#[test]
fn the_unstruct_event_holds_one_entity() {
    let good = good_events();
    let unstruct = r#"{"data":{"schema":"iglu:com.acme/user/jsonschema/1-0-0","data":{"user_id":"u-1","city":"Berlin"}},
                       "schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0"}"#;
    let expected = concat!(
        r#"{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","#,
        r#""data":{"schema":"iglu:com.acme/user/jsonschema/1-0-0","data":{"user_id":"U_1","city":"Berlin"}}}"#
    )
    .replace("U_1", U_1);
    assert_eq!(json_cell(&good, "unstruct_event", unstruct), Ok(expected));
    // not an envelope: every leaf hashed; a data that is not a list in contexts: hashed whole
    assert_eq!(json_cell(&good, "unstruct_event", r#"["Berlin",null,true]"#), Ok(format!(r#"["{BERLIN}",null,"{TRUE}"]"#)));
    assert_eq!(
        json_cell(&good, "contexts", r#"{"schema":"iglu:a/b/c/1-0-0","data":{"x":0.5}}"#),
        Ok(format!(r#"{{"schema":"iglu:a/b/c/1-0-0","data":{{"x":"{HALF}"}}}}"#))
    );
    assert_eq!(json_cell(&good, "contexts", r#""Berlin""#), Ok(format!(r#""{BERLIN}""#)));
    assert_eq!(json_cell(&good, "contexts", r#"{"data":[]}"#), Ok(r#"{"data":[]}"#.to_owned()));
    assert_eq!(json_cell(&good, "contexts", r#"{"data":null,"schema":null}"#), Ok(r#"{"data":null,"schema":null}"#.to_owned()));
    assert_eq!(
        json_cell(&good, "contexts", r#"{"data":[{"schema":"iglu:com.acme/all/jsonschema/1-0-0","data":null}],"schema":0}"#),
        Ok(format!(r#"{{"data":[{{"schema":"iglu:com.acme/all/jsonschema/1-0-0","data":null}}],"schema":"{ZERO}"}}"#))
    );
}

#[test]
fn strings_are_written_as_orjson_writes_them() {
    let mut out = String::new();
    assert_eq!(push_json_str(Text::Utf8("\"\\/\u{8}\t\n\u{b}\u{c}\r\u{1b}\u{7f}\u{2028}é\u{1F600}"), &mut out), Ok(()));
    // orjson.dumps of the same string, pasted
    assert_eq!(out, "\"\\\"\\\\/\\b\\t\\n\\u000b\\f\\r\\u001b\u{7f}\u{2028}é\u{1F600}\"");
    assert!(matches!(push_json_str(Text::Surrogates(b"\xed\xa0\x80"), &mut out), Err(Error::Type(_))));
}

#[test]
fn what_orjson_refuses_in_clear_is_refused() {
    let good = good_events();
    // a deny rule keeps the other paths in clear: an integer beyond 64 bits there cannot be written
    let mut cells = Vec::new();
    let mut pseudonymized = |good: &GoodEvents, value| good.pseudonymize(&event(good, &[("unstruct_event", value)]), &mut cells);
    let entity = Value::Object(vec![
        ("schema".to_owned(), Value::Str("iglu:com.acme/user/jsonschema/1-0-0".to_owned())),
        ("data".to_owned(), Value::Object(vec![("n".to_owned(), Value::Int(i128::from(u64::MAX) + 1))])),
    ]);
    let envelope = Value::Object(vec![("data".to_owned(), entity)]);
    let refused = pseudonymized(&good, envelope);
    assert_eq!(refused, Err(Error::Type("Integer exceeds 64-bit range".into())));
    // hashed, the same integer is its decimal text
    let hashed = Value::Object(vec![("data".to_owned(), Value::Array(vec![Value::BigInt("18446744073709551616".into())]))]);
    assert!(pseudonymized(&good, hashed).is_ok());
    // nested deeper than orjson writes
    let mut deep = Value::Array(vec![]);
    for _ in 0..MAX_DEPTH {
        deep = Value::Array(vec![deep]);
    }
    let refused = pseudonymized(&good, deep);
    assert_eq!(refused, Err(Error::Type("Recursion limit reached".into())));
}

#[test]
fn surrogates_hash_but_cannot_be_written_in_clear() {
    let fields = [("app_id".to_owned(), Kind::String, None), ("user_id".to_owned(), Kind::String, None)];
    let good = GoodEvents::new(&fields, &["app_id".to_owned()], &[], Vec::new(), SALT);
    let Ok(good) = good else { panic!("GoodEvents::new") };
    let lone = Value::Str(OwnedText::Surrogates(b"a\xed\xa0\x80b".to_vec()));
    let hashed = Event { values: vec![None, Some(FieldRef::Json(&lone))], unknown_texts: 0 };
    let mut cells = Vec::new();
    assert_eq!(good.pseudonymize(&hashed, &mut cells), Ok(1));
    // hmac.digest(SALT, "a\ud800b".encode("utf-8", "surrogatepass"), "sha256").hex()
    assert_eq!(cells.get(1).map(|c| format!("{c:?}")), Some("Hashed(4b3e749634efdcdd9fd61169b121e561cb4c03472735e2243d0b5b67ffdd9286)".into()));
    let clear = Event { values: vec![Some(FieldRef::Json(&lone)), None], unknown_texts: 0 };
    assert_eq!(good.pseudonymize(&clear, &mut cells), Ok(0));
    let mut out = String::new();
    assert!(matches!(push_line(good.fields(), &clear, &cells, &mut out), Err(Error::Value(_))));
}

#[test]
fn the_configuration_is_checked() {
    let fields = fields();
    let new = |allowlist: &[&str], shapes: &[(&str, &str)]| {
        let allowlist: Vec<String> = allowlist.iter().map(|s| s.to_string()).collect();
        let shapes: Vec<(String, String)> = shapes.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        GoodEvents::new(&fields, &allowlist, &shapes, Vec::new(), SALT).err()
    };
    assert_eq!(new(&["nope"], &[]), Some(Error::Value("the allowlist names a field that does not exist: \"nope\"".into())));
    assert!(matches!(new(&["br_lang"], &[("br_lang", "(?<=a)b")]), Some(Error::Value(_))));
    assert_eq!(new(&[], &[("br_lang", "(?<=a)b")]), None); // a shape of a field in no allowlist is not used
    assert_eq!(Kind::parse("text"), Err(Error::Value("unknown field type \"text\"".into())));
    let twice = [("a".to_owned(), Kind::Int, None), ("a".to_owned(), Kind::Int, None)];
    assert!(GoodEvents::new(&twice, &[], &[], Vec::new(), SALT).is_err());
}

#[test]
fn in_clear_every_value_is_kept_and_json_is_written_as_it_is() {
    let fields = [("user_id".to_owned(), Kind::String, None), ("contexts".to_owned(), Kind::Json, None)];
    let Ok(good) = GoodEvents::in_clear(&fields) else { panic!("GoodEvents::in_clear") };
    let text = |s: &str| Value::Str(OwnedText::Utf8(s.to_owned()));
    let json = Value::Object(vec![(OwnedText::Utf8("a".to_owned()), text("jane\t"))]);
    let jane = text("jane");
    let event = Event { values: vec![Some(FieldRef::Json(&jane)), Some(FieldRef::Json(&json))], unknown_texts: 0 };
    let mut cells = Vec::new();
    assert_eq!(good.pseudonymize(&event, &mut cells), Ok(0));
    assert_eq!(cells, vec![Cell::Kept, Cell::Json("{\"a\":\"jane\\t\"}".into())]);
}
