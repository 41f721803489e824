//! To be ported from `transforms/enrichments/extractors.py` (placeholder while the port is in progress).

use serde_json::Value;

use super::{Enrichment, RawEvent};
use crate::event::Event;

pub struct CookieExtractor;
pub struct HttpHeaderExtractor;

impl CookieExtractor {
    pub fn from_settings(_settings: &Value) -> Result<Self, String> {
        Err("not ported yet".to_string())
    }
}

impl HttpHeaderExtractor {
    pub fn from_settings(_settings: &Value) -> Result<Self, String> {
        Err("not ported yet".to_string())
    }
}

impl Enrichment for CookieExtractor {
    fn enrich(&mut self, _event: &mut Event, _raw: &RawEvent<'_>) -> Vec<Value> {
        Vec::new()
    }
}

impl Enrichment for HttpHeaderExtractor {
    fn enrich(&mut self, _event: &mut Event, _raw: &RawEvent<'_>) -> Vec<Value> {
        Vec::new()
    }
}
