//! Cross-navigation (the port of `transforms/enrichments/cross_navigation.py`): the `_sp` parameter of the page
//! URL's querystring into `refr_domain_userid` and `refr_dvce_tstamp`, and (extended, the enabled
//! `cross_navigation_config`) the `cross_navigation` derived context of
//! `domainUserId.timestamp.sessionId.userId.sourceId.sourcePlatform.reason` (user id, source id and reason
//! base64url). A timestamp that is not milliseconds since the epoch, or (extended) a field that is not base64url
//! UTF-8, fails the event and sets nothing.
//!
//! Settings: `{"extended": bool, "schema": <the config's schema URI, for failure messages>}`.

use serde_json::{Map, Value};

use super::{add_derived_contexts, error, failure, Enrichment, RawEvent};
use crate::adapters::decode_base64url;
use crate::atomic::{civil, fix_tabs_newlines, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS};
use crate::python_text;
use crate::event::{Event, FieldValue};
use crate::querystring::parse_querystring;

pub const SCHEMA: &str = "iglu:com.snowplowanalytics.snowplow.enrichments/cross_navigation_config/jsonschema/1-0-0";
pub const IDENTIFIER: &str = "cross-navigation";
pub const CONTEXT_SCHEMA: &str = "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0";
const EXTENDED_FIELDS: [&str; 7] =
    ["domain_user_id", "timestamp", "session_id", "user_id", "source_id", "source_platform", "reason"];
const ENCODED: [&str; 3] = ["user_id", "source_id", "reason"];
/// Python's `len(stamp_text) <= 16` before `int(...)`.
const MAX_TIMESTAMP_TEXT: usize = 16;

pub struct CrossNavigation {
    extended: bool,
    schema: String,
}

impl CrossNavigation {
    pub fn from_settings(settings: &Value) -> Result<Self, String> {
        let extended = settings.get("extended").and_then(Value::as_bool).ok_or("extended must be true or false")?;
        let schema = match settings.get("schema") {
            None | Some(Value::Null) => SCHEMA.to_string(),
            Some(Value::String(schema)) => schema.clone(),
            Some(_) => return Err("schema must be the config's schema URI".to_string()),
        };
        Ok(CrossNavigation { extended, schema })
    }
}

/// Python's `int(text)` of `_sp`'s timestamp as `cross_navigation.py` accepts it: at most 16 ASCII characters,
/// digits after one optional `-`, in the range of atomic timestamps.
fn timestamp(text: &str) -> Option<i64> {
    if text.len() > MAX_TIMESTAMP_TEXT || !text.is_ascii() {
        return None;
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let stamp: i64 = text.parse().ok()?;
    (MIN_TIMESTAMP_MS..MAX_TIMESTAMP_MS).contains(&stamp).then_some(stamp)
}

/// `format_iso_timestamp`: RFC 3339 with milliseconds, `2025-11-28T08:53:20.123Z` (years of four digits, for
/// the range of atomic timestamps).
pub fn format_iso_timestamp(millis: i64) -> String {
    let (year, month, day, hours, minutes, seconds, ms) = civil(millis);
    format!("{year:04}-{month:02}-{day:02}T{hours:02}:{minutes:02}:{seconds:02}.{ms:03}Z")
}

impl Enrichment for CrossNavigation {
    fn enrich(&mut self, event: &mut Event, _raw: &RawEvent<'_>) -> Vec<Value> {
        let Some(FieldValue::Str(query)) = event.get("page_urlquery") else { return Vec::new() };
        if query.is_empty() || !query.contains("_sp=") {
            return Vec::new();
        }
        // the last one wins, as for other repeated parameters
        let Some(sp) = parse_querystring(Some(query)).swap_remove("_sp") else { return Vec::new() };
        if sp.is_empty() {
            return Vec::new();
        }
        let mut parts: Vec<&str> = sp.split('.').collect();
        if self.extended {
            if parts.len() > EXTENDED_FIELDS.len() {
                return Vec::new(); // not the format: ignored, as Snowplow ignores it
            }
            parts.resize(EXTENDED_FIELDS.len(), "");
        }
        let duid = Some(fix_tabs_newlines(parts[0])).filter(|duid| !duid.is_empty());
        let stamp_text = parts.get(1).copied().unwrap_or_default();
        let mut stamp = None;
        if !stamp_text.is_empty() {
            match timestamp(stamp_text) {
                Some(millis) => stamp = Some(millis),
                None => {
                    return vec![failure(
                        &self.schema,
                        IDENTIFIER,
                        "sp_dtm",
                        Some(stamp_text),
                        "not in the expected format: ms since epoch",
                    )]
                }
            }
        }
        let mut values = Map::new();
        if self.extended {
            values.insert("domain_user_id".to_string(), duid.clone().map_or(Value::Null, Value::String));
            values.insert("timestamp".to_string(), Value::Null);
            for (name, text) in EXTENDED_FIELDS[2..].iter().zip(&parts[2..]) {
                let mut text = (*text).to_string();
                if ENCODED.contains(name) && !text.is_empty() {
                    match decode_base64url(&text).ok().and_then(|bytes| String::from_utf8(bytes).ok()) {
                        Some(decoded) => text = decoded,
                        None => {
                            let message = format!("_sp: the {name} field is not valid base64url-encoded UTF-8");
                            return vec![error(&self.schema, IDENTIFIER, &message)];
                        }
                    }
                }
                let value = if text.chars().all(python_text::is_space) { Value::Null } else { Value::String(text) };
                values.insert((*name).to_string(), value);
            }
        }
        if let Some(duid) = &duid {
            event.insert("refr_domain_userid", FieldValue::Str(duid.clone()));
        }
        if let Some(stamp) = stamp {
            event.insert("refr_dvce_tstamp", FieldValue::Int(stamp));
        }
        if let (true, Some(_), Some(stamp)) = (self.extended, &duid, stamp) {
            values.insert("timestamp".to_string(), Value::String(format_iso_timestamp(stamp)));
            let context = crate::json::self_describing_value(CONTEXT_SCHEMA, Value::Object(values));
            add_derived_contexts(event, vec![context]);
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Parameters;
    use crate::thrift::CollectorPayload;
    use serde_json::json;

    /// (extended, page_urlquery, with a derived context already there, the event's fields after, the failures), from
    /// `CrossNavigation(extended, "iglu:test/schema").enrich` of the Python reference.
    type Case<'a> = (bool, &'a str, bool, &'a str, &'a str);

    const CASES: &[Case<'_>] = &[
            (true, "_sp=duid-123.1764320000123&x=1", false, r##"{"refr_domain_userid": "duid-123", "refr_dvce_tstamp": 1764320000123, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "duid-123", "timestamp": "2025-11-28T08:53:20.123Z", "session_id": null, "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=duid-123.1764320000123&x=1", true, r##"{"derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:x/y/jsonschema/1-0-0", "data": {}}, {"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "duid-123", "timestamp": "2025-11-28T08:53:20.123Z", "session_id": null, "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}, "refr_domain_userid": "duid-123", "refr_dvce_tstamp": 1764320000123}"##, r##"[]"##),
            (true, "_sp=only-duid", false, r##"{"refr_domain_userid": "only-duid"}"##, r##"[]"##),
            (true, "_sp=only-duid", true, r##"{"derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:x/y/jsonschema/1-0-0", "data": {}}]}, "refr_domain_userid": "only-duid"}"##, r##"[]"##),
            (true, "_sp=abc-duid.1764320000123.7d4a4ec8-6d36-4a14-a1a5-34b4a1c1e0f9.dXNlckBhY21lLmNvbQ.c2hvcC1hcHA.mob.Y2hlY2tvdXQgbGluaw", false, r##"{"refr_domain_userid": "abc-duid", "refr_dvce_tstamp": 1764320000123, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "abc-duid", "timestamp": "2025-11-28T08:53:20.123Z", "session_id": "7d4a4ec8-6d36-4a14-a1a5-34b4a1c1e0f9", "user_id": "user@acme.com", "source_id": "shop-app", "source_platform": "mob", "reason": "checkout link"}}]}}"##, r##"[]"##),
            (true, "_sp=abc-duid.1764320000123.7d4a4ec8-6d36-4a14-a1a5-34b4a1c1e0f9.dXNlckBhY21lLmNvbQ.c2hvcC1hcHA.mob.Y2hlY2tvdXQgbGluaw", true, r##"{"derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:x/y/jsonschema/1-0-0", "data": {}}, {"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "abc-duid", "timestamp": "2025-11-28T08:53:20.123Z", "session_id": "7d4a4ec8-6d36-4a14-a1a5-34b4a1c1e0f9", "user_id": "user@acme.com", "source_id": "shop-app", "source_platform": "mob", "reason": "checkout link"}}]}, "refr_domain_userid": "abc-duid", "refr_dvce_tstamp": 1764320000123}"##, r##"[]"##),
            (true, "_sp=abc-duid.1764320000123", false, r##"{"refr_domain_userid": "abc-duid", "refr_dvce_tstamp": 1764320000123, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "abc-duid", "timestamp": "2025-11-28T08:53:20.123Z", "session_id": null, "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=a.a.a.a.a.a.a.a", false, r##"{}"##, r##"[]"##),
            (true, "_sp=abc.yesterday", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "yesterday", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (true, "_sp=abc.1764320000123..%25%25%25", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"error": "_sp: the user_id field is not valid base64url-encoded UTF-8"}}]"##),
            (true, "_sp=abc.99999999999999999", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "99999999999999999", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (true, "_sp=a.b", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "b", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (true, "_sp=", false, r##"{}"##, r##"[]"##),
            (true, "x_sp=a.1", false, r##"{}"##, r##"[]"##),
            (true, "%5Fsp=a.1", false, r##"{}"##, r##"[]"##),
            (true, "_sp=a.1&_sp=b.2", false, r##"{"refr_domain_userid": "b", "refr_dvce_tstamp": 2, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "b", "timestamp": "1970-01-01T00:00:00.002Z", "session_id": null, "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=b.2&_sp=", false, r##"{}"##, r##"[]"##),
            (true, "_sp=d%09u%0Aid%0D.1", false, r##"{"refr_domain_userid": "d    uid", "refr_dvce_tstamp": 1, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "d    uid", "timestamp": "1970-01-01T00:00:00.001Z", "session_id": null, "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=%09.5", false, r##"{"refr_domain_userid": "    ", "refr_dvce_tstamp": 5, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "    ", "timestamp": "1970-01-01T00:00:00.005Z", "session_id": null, "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=.1764320000123", false, r##"{"refr_dvce_tstamp": 1764320000123}"##, r##"[]"##),
            (true, "_sp=..", false, r##"{}"##, r##"[]"##),
            (true, "_sp=a.-1", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": -1, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "a", "timestamp": "1969-12-31T23:59:59.999Z", "session_id": null, "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=a.--1", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "--1", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (true, "_sp=a.+1", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": " 1", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (true, "_sp=a.%201", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": " 1", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (true, "_sp=a.1e3", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "1e3", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (true, "_sp=a.0", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 0, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "a", "timestamp": "1970-01-01T00:00:00.000Z", "session_id": null, "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=a.00001", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "a", "timestamp": "1970-01-01T00:00:00.001Z", "session_id": null, "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=a.1234567890123456", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "1234567890123456", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (true, "_sp=a.12345678901234567", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "12345678901234567", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (true, "_sp=a.-62135596800000", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": -62135596800000, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "a", "timestamp": "0001-01-01T00:00:00.000Z", "session_id": null, "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=a.-62135596800001", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "-62135596800001", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (true, "_sp=a.253402300799999", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 253402300799999, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "a", "timestamp": "9999-12-31T23:59:59.999Z", "session_id": null, "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=a.253402300800000", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "253402300800000", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (true, "_sp=a.%D9%A1%D9%A2", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "\u0661\u0662", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (true, "_sp=a.-", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "-", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (true, "_sp=a.1709164800000", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1709164800000, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "a", "timestamp": "2024-02-29T00:00:00.000Z", "session_id": null, "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=a.951782400000", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 951782400000, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "a", "timestamp": "2000-02-29T00:00:00.000Z", "session_id": null, "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=a.-2203891200000", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": -2203891200000, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "a", "timestamp": "1900-03-01T00:00:00.000Z", "session_id": null, "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=a.-1000000000000", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": -1000000000000, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "a", "timestamp": "1938-04-24T22:13:20.000Z", "session_id": null, "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=a.1.s.dXNlcg==", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "a", "timestamp": "1970-01-01T00:00:00.001Z", "session_id": "s", "user_id": "user", "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=a.1.s.dXNlcg%3D%3D", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "a", "timestamp": "1970-01-01T00:00:00.001Z", "session_id": "s", "user_id": "user", "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=a.1.s._w", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"error": "_sp: the user_id field is not valid base64url-encoded UTF-8"}}]"##),
            (true, "_sp=a.1.s.%C3%A9", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"error": "_sp: the user_id field is not valid base64url-encoded UTF-8"}}]"##),
            (true, "_sp=a.1.s.IA..", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "a", "timestamp": "1970-01-01T00:00:00.001Z", "session_id": "s", "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=a.1.%E3%80%80.HA.x.%20.b2s", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"error": "_sp: the source_id field is not valid base64url-encoded UTF-8"}}]"##),
            (true, "_sp=a.1.s.u.v.w.x", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"error": "_sp: the user_id field is not valid base64url-encoded UTF-8"}}]"##),
            (true, "_sp=a.1.s.dXNlcg.@@", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"error": "_sp: the source_id field is not valid base64url-encoded UTF-8"}}]"##),
            (true, "_sp=a.1....p.r%3D", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"error": "_sp: the reason field is not valid base64url-encoded UTF-8"}}]"##),
            (true, "_sp=a.1.s.x", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"error": "_sp: the user_id field is not valid base64url-encoded UTF-8"}}]"##),
            (true, "_sp=a.1.s.xy", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"error": "_sp: the user_id field is not valid base64url-encoded UTF-8"}}]"##),
            (true, "_sp=a.1.s.xyz=", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"error": "_sp: the user_id field is not valid base64url-encoded UTF-8"}}]"##),
            (true, "_sp=a.1.s.+/8", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"error": "_sp: the user_id field is not valid base64url-encoded UTF-8"}}]"##),
            (true, "_sp=a.1.s.-_8", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"error": "_sp: the user_id field is not valid base64url-encoded UTF-8"}}]"##),
            (true, "_sp=a.1.s.7aCA", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"error": "_sp: the user_id field is not valid base64url-encoded UTF-8"}}]"##),
            (true, "_sp=\u{e9}t\u{e9}.1", false, r##"{"refr_domain_userid": "\u00e9t\u00e9", "refr_dvce_tstamp": 1, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "\u00e9t\u00e9", "timestamp": "1970-01-01T00:00:00.001Z", "session_id": null, "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=a.1&_sp=%FF.2", false, r##"{"refr_domain_userid": "\ufffd", "refr_dvce_tstamp": 2, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "\ufffd", "timestamp": "1970-01-01T00:00:00.002Z", "session_id": null, "user_id": null, "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=a.1.2.3.4.5.6.7.8", false, r##"{}"##, r##"[]"##),
            (true, "_sp=a%2Eb.1", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "b", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (true, "a=1&_sp=x.1764320000123#frag", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "1764320000123#frag", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (true, "_sp=a.%EF%BC%91", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "\uff11", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (true, "_sp=a.1.s.%20dXNlcg%20", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "a", "timestamp": "1970-01-01T00:00:00.001Z", "session_id": "s", "user_id": "user", "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (true, "_sp=a.1.s.YQ%0A", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1, "derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", "data": {"domain_user_id": "a", "timestamp": "1970-01-01T00:00:00.001Z", "session_id": "s", "user_id": "a", "source_id": null, "source_platform": null, "reason": null}}]}}"##, r##"[]"##),
            (false, "_sp=duid-123.1764320000123&x=1", false, r##"{"refr_domain_userid": "duid-123", "refr_dvce_tstamp": 1764320000123}"##, r##"[]"##),
            (false, "_sp=duid-123.1764320000123&x=1", true, r##"{"derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:x/y/jsonschema/1-0-0", "data": {}}]}, "refr_domain_userid": "duid-123", "refr_dvce_tstamp": 1764320000123}"##, r##"[]"##),
            (false, "_sp=only-duid", false, r##"{"refr_domain_userid": "only-duid"}"##, r##"[]"##),
            (false, "_sp=only-duid", true, r##"{"derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:x/y/jsonschema/1-0-0", "data": {}}]}, "refr_domain_userid": "only-duid"}"##, r##"[]"##),
            (false, "_sp=abc-duid.1764320000123.7d4a4ec8-6d36-4a14-a1a5-34b4a1c1e0f9.dXNlckBhY21lLmNvbQ.c2hvcC1hcHA.mob.Y2hlY2tvdXQgbGluaw", false, r##"{"refr_domain_userid": "abc-duid", "refr_dvce_tstamp": 1764320000123}"##, r##"[]"##),
            (false, "_sp=abc-duid.1764320000123.7d4a4ec8-6d36-4a14-a1a5-34b4a1c1e0f9.dXNlckBhY21lLmNvbQ.c2hvcC1hcHA.mob.Y2hlY2tvdXQgbGluaw", true, r##"{"derived_contexts": {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1", "data": [{"schema": "iglu:x/y/jsonschema/1-0-0", "data": {}}]}, "refr_domain_userid": "abc-duid", "refr_dvce_tstamp": 1764320000123}"##, r##"[]"##),
            (false, "_sp=abc-duid.1764320000123", false, r##"{"refr_domain_userid": "abc-duid", "refr_dvce_tstamp": 1764320000123}"##, r##"[]"##),
            (false, "_sp=a.a.a.a.a.a.a.a", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "a", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (false, "_sp=abc.yesterday", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "yesterday", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (false, "_sp=abc.1764320000123..%25%25%25", false, r##"{"refr_domain_userid": "abc", "refr_dvce_tstamp": 1764320000123}"##, r##"[]"##),
            (false, "_sp=abc.99999999999999999", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "99999999999999999", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (false, "_sp=a.b", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "b", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (false, "_sp=", false, r##"{}"##, r##"[]"##),
            (false, "x_sp=a.1", false, r##"{}"##, r##"[]"##),
            (false, "%5Fsp=a.1", false, r##"{}"##, r##"[]"##),
            (false, "_sp=a.1&_sp=b.2", false, r##"{"refr_domain_userid": "b", "refr_dvce_tstamp": 2}"##, r##"[]"##),
            (false, "_sp=b.2&_sp=", false, r##"{}"##, r##"[]"##),
            (false, "_sp=d%09u%0Aid%0D.1", false, r##"{"refr_domain_userid": "d    uid", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=%09.5", false, r##"{"refr_domain_userid": "    ", "refr_dvce_tstamp": 5}"##, r##"[]"##),
            (false, "_sp=.1764320000123", false, r##"{"refr_dvce_tstamp": 1764320000123}"##, r##"[]"##),
            (false, "_sp=..", false, r##"{}"##, r##"[]"##),
            (false, "_sp=a.-1", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": -1}"##, r##"[]"##),
            (false, "_sp=a.--1", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "--1", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (false, "_sp=a.+1", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": " 1", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (false, "_sp=a.%201", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": " 1", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (false, "_sp=a.1e3", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "1e3", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (false, "_sp=a.0", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 0}"##, r##"[]"##),
            (false, "_sp=a.00001", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a.1234567890123456", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "1234567890123456", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (false, "_sp=a.12345678901234567", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "12345678901234567", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (false, "_sp=a.-62135596800000", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": -62135596800000}"##, r##"[]"##),
            (false, "_sp=a.-62135596800001", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "-62135596800001", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (false, "_sp=a.253402300799999", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 253402300799999}"##, r##"[]"##),
            (false, "_sp=a.253402300800000", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "253402300800000", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (false, "_sp=a.%D9%A1%D9%A2", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "\u0661\u0662", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (false, "_sp=a.-", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "-", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (false, "_sp=a.1709164800000", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1709164800000}"##, r##"[]"##),
            (false, "_sp=a.951782400000", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 951782400000}"##, r##"[]"##),
            (false, "_sp=a.-2203891200000", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": -2203891200000}"##, r##"[]"##),
            (false, "_sp=a.-1000000000000", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": -1000000000000}"##, r##"[]"##),
            (false, "_sp=a.1.s.dXNlcg==", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a.1.s.dXNlcg%3D%3D", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a.1.s._w", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a.1.s.%C3%A9", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a.1.s.IA..", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a.1.%E3%80%80.HA.x.%20.b2s", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a.1.s.u.v.w.x", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a.1.s.dXNlcg.@@", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a.1....p.r%3D", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a.1.s.x", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a.1.s.xy", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a.1.s.xyz=", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a.1.s.+/8", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a.1.s.-_8", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a.1.s.7aCA", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=\u{e9}t\u{e9}.1", false, r##"{"refr_domain_userid": "\u00e9t\u00e9", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a.1&_sp=%FF.2", false, r##"{"refr_domain_userid": "\ufffd", "refr_dvce_tstamp": 2}"##, r##"[]"##),
            (false, "_sp=a.1.2.3.4.5.6.7.8", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a%2Eb.1", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "b", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (false, "a=1&_sp=x.1764320000123#frag", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "1764320000123#frag", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (false, "_sp=a.%EF%BC%91", false, r##"{}"##, r##"[{"enrichment": {"schemaKey": "iglu:test/schema", "identifier": "cross-navigation"}, "message": {"field": "sp_dtm", "value": "\uff11", "expectation": "not in the expected format: ms since epoch"}}]"##),
            (false, "_sp=a.1.s.%20dXNlcg%20", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
            (false, "_sp=a.1.s.YQ%0A", false, r##"{"refr_domain_userid": "a", "refr_dvce_tstamp": 1}"##, r##"[]"##),
    ];

    fn run(extended: bool, query: Option<FieldValue>, before: Option<Value>) -> (Value, Vec<Value>) {
        let settings = json!({"extended": extended, "schema": "iglu:test/schema"});
        let mut enrichment = CrossNavigation::from_settings(&settings).unwrap();
        let mut event = Event::default();
        if let Some(query) = query {
            event.insert("page_urlquery", query);
        }
        if let Some(before) = before {
            event.insert("derived_contexts", FieldValue::Json(before));
        }
        let (parameters, payload) = (Parameters::default(), CollectorPayload::default());
        let failures = enrichment.enrich(&mut event, &RawEvent { parameters: &parameters, payload: &payload });
        event.shift_remove("page_urlquery");
        let fields: Map<String, Value> = event
            .into_iter()
            .map(|(name, value)| {
                let value = match value {
                    FieldValue::Str(text) => Value::String(text),
                    FieldValue::Int(number) => Value::from(number),
                    FieldValue::Bool(flag) => Value::Bool(flag),
                    FieldValue::Json(json) => json,
                };
                (name.to_string(), value)
            })
            .collect();
        (Value::Object(fields), failures)
    }

    #[test]
    fn sp_parameters_as_python_reads_them() {
        let before = json!({"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1",
                            "data": [{"schema": "iglu:x/y/jsonschema/1-0-0", "data": {}}]});
        for (extended, query, with_context, fields, failures) in CASES {
            let (got, got_failures) =
                run(*extended, Some(FieldValue::Str(query.to_string())), with_context.then(|| before.clone()));
            let expected: Value = serde_json::from_str(fields).unwrap();
            let expected_failures: Vec<Value> = serde_json::from_str(failures).unwrap();
            assert_eq!(got, expected, "{extended} {query}");
            // the context's fields in Python's order
            assert_eq!(got.get("derived_contexts").map(Value::to_string), expected.get("derived_contexts").map(Value::to_string));
            assert_eq!(got_failures, expected_failures, "{extended} {query}");
        }
        assert_eq!(CASES.len(), 126);
    }

    #[test]
    fn no_query_or_not_text_is_nothing() {
        assert_eq!(run(true, None, None), (json!({}), vec![]));
        assert_eq!(run(true, Some(FieldValue::Str(String::new())), None), (json!({}), vec![]));
        assert_eq!(run(false, Some(FieldValue::Int(1)), None), (json!({}), vec![]));
    }

    #[test]
    fn iso_timestamps_as_python_formats_them() {
        // format_iso_timestamp(ms) of the Python reference
        let cases = [
            (MIN_TIMESTAMP_MS, "0001-01-01T00:00:00.000Z"),
            (MAX_TIMESTAMP_MS - 1, "9999-12-31T23:59:59.999Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (0, "1970-01-01T00:00:00.000Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (1_709_164_800_000, "2024-02-29T00:00:00.000Z"),
            (-2_203_891_200_001, "1900-02-28T23:59:59.999Z"),
            (-30_610_224_000_000, "1000-01-01T00:00:00.000Z"),
            (-30_610_224_000_001, "0999-12-31T23:59:59.999Z"),
            (1_764_320_000_123, "2025-11-28T08:53:20.123Z"),
        ];
        for (millis, expected) in cases {
            assert_eq!(format_iso_timestamp(millis), expected, "{millis}");
        }
    }

    #[test]
    fn settings_are_checked() {
        assert!(CrossNavigation::from_settings(&json!({})).is_err());
        assert!(CrossNavigation::from_settings(&json!({"extended": true, "schema": 1})).is_err());
        assert_eq!(CrossNavigation::from_settings(&json!({"extended": false})).map(|c| c.schema).ok().as_deref(), Some(SCHEMA));
    }
}
