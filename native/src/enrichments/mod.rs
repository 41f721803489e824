//! The configured enrichments (Snowplow's enrichment configs), run in Snowplow's order on a mapped event: the
//! per-event functions here in Rust, the lookups that need Python's engines (user agents, MaxMind databases) in
//! `python::lookups` behind per-worker caches. Python reads and validates the configs and their assets and hands
//! each enrichment its settings as JSON ([`build`]).

use serde_json::{json, Value};

use crate::event::{Event, FieldValue, Parameters};
use crate::thrift::CollectorPayload;

pub mod anon_ip;
pub mod campaign;
pub mod cross_navigation;
pub mod extractors;
pub mod fingerprint;
pub mod referer;

/// What an enrichment reads besides the event: the raw event's parameters and the payload it came in.
pub struct RawEvent<'a> {
    pub parameters: &'a Parameters,
    pub payload: &'a CollectorPayload,
}

/// One configured enrichment. `enrich` fills or changes fields of `event` and returns its
/// `enrichment_failures` messages (empty when it did not fail); `&mut self` for the caches of those that keep one.
pub trait Enrichment: Send {
    fn enrich(&mut self, event: &mut Event, raw: &RawEvent<'_>) -> Vec<Value>;
}

/// The enrichment of kind `kind` (its config schema's name, e.g. `campaign_attribution`) with `settings` (what
/// its Python class's `native_settings()` returns).
pub fn build(kind: &str, settings: &Value) -> Result<Box<dyn Enrichment>, String> {
    Ok(match kind {
        "referer_parser" => Box::new(referer::RefererParser::from_settings(settings)?),
        "campaign_attribution" => Box::new(campaign::CampaignAttribution::from_settings(settings)?),
        "cross_navigation_config" => Box::new(cross_navigation::CrossNavigation::from_settings(settings)?),
        "event_fingerprint_config" => Box::new(fingerprint::EventFingerprint::from_settings(settings)?),
        "cookie_extractor_config" => Box::new(extractors::CookieExtractor::from_settings(settings)?),
        "http_header_extractor_config" => Box::new(extractors::HttpHeaderExtractor::from_settings(settings)?),
        "anon_ip" => Box::new(anon_ip::AnonIp::from_settings(settings)?),
        _ => return Err(format!("no native enrichment {kind}")),
    })
}

/// Snowplow's contexts envelope, as derived contexts are written.
pub const CONTEXTS_SCHEMA: &str = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1";

/// An enrichment_failures 2-0-1 message about the input (`value` may hold event data; `expectation` at most 256
/// characters).
pub fn failure(schema: &str, identifier: &str, field: &str, value: Option<&str>, expectation: &str) -> Value {
    let expectation: String = expectation.chars().take(256).collect();
    json!({"enrichment": {"schemaKey": schema, "identifier": identifier},
           "message": {"field": field, "value": value, "expectation": expectation}})
}

/// An enrichment_failures 2-0-1 message about an error; `text` (at most 512 characters) must not quote event data.
pub fn error(schema: &str, identifier: &str, text: &str) -> Value {
    let text: String = text.chars().take(512).collect();
    json!({"enrichment": {"schemaKey": schema, "identifier": identifier}, "message": {"error": text}})
}

/// Append self-describing `entities` to the event's `derived_contexts` envelope (created if absent).
pub fn add_derived_contexts(event: &mut Event, entities: Vec<Value>) {
    if entities.is_empty() {
        return;
    }
    if let Some(FieldValue::Json(Value::Object(envelope))) = event.get_mut("derived_contexts") {
        if let Some(Value::Array(data)) = envelope.get_mut("data") {
            data.extend(entities);
            return;
        }
    }
    event.insert("derived_contexts", FieldValue::Json(crate::json::self_describing_value(CONTEXTS_SCHEMA, Value::Array(entities))));
}
