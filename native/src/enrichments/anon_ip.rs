//! To be ported from `transforms/enrichments/anon_ip.py` (placeholder while the port is in progress).

use serde_json::Value;

use super::{Enrichment, RawEvent};
use crate::event::Event;

pub struct AnonIp;

impl AnonIp {
    pub fn from_settings(_settings: &Value) -> Result<Self, String> {
        Err("not ported yet".to_string())
    }
}

impl Enrichment for AnonIp {
    fn enrich(&mut self, _event: &mut Event, _raw: &RawEvent<'_>) -> Vec<Value> {
        Vec::new()
    }
}
