//! Iglu URIs `iglu:vendor/name/format/M-R-A` (the port of `SchemaKey.parse` in `transforms/iglu/keys.py`).

/// The coordinates of one schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaKey {
    pub vendor: String,
    pub name: String,
    pub format: String,
    pub version: String,
}

/// The key of `uri`, or the NotIglu code of why it is none (`INVALID_IGLUURI`, `INVALID_SCHEMAVER`).
pub fn parse_schema_key(_uri: &str) -> Result<SchemaKey, &'static str> {
    unimplemented!("helper A")
}
