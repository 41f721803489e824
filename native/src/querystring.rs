//! The reader of `name=value&name=value` text (the port of `transforms/querystring.py`).

use crate::event::Parameters;

/// The (name, value) pairs of a querystring, in order, repeated names kept.
pub fn query_pairs(_text: &str) -> Vec<(String, String)> {
    unimplemented!("helper A")
}

/// A querystring as parameters; for a repeated name the last value wins.
pub fn parse_querystring(_text: Option<&str>) -> Parameters {
    unimplemented!("helper A")
}
