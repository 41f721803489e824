//! JSON from event data, parsed within bounds (the port of `transforms/bounded_json.py`).

use serde_json::Value;

/// How deeply a document may nest (Snowplow enrich's `maxJsonDepth` default).
pub const MAX_JSON_DEPTH: usize = 50;

/// The parsed document, or why it is refused (a message that never quotes the document).
pub fn parse(_text: &str) -> Result<Value, String> {
    unimplemented!("helper A")
}

/// `value` as compact JSON text, as the pipeline writes JSON into parameters (orjson.dumps: no spaces,
/// non-ASCII left as is).
pub fn dumps(_value: &Value) -> String {
    unimplemented!("helper A")
}
