//! `event_fingerprint_config` (the port of `transforms/enrichments/fingerprint.py`): `event_fingerprint` is the
//! hex hash of `name\x1fvalue\x1f...` over the raw event's tracker parameters sorted by name, leaving out the
//! excluded ones. Never fails.
//!
//! Settings: `{"hashAlgorithm": "MD5" | "SHA1" | "SHA256" | "SHA384" | "SHA512", "excludeParameters": [names]}`.

use serde_json::Value;
use sha2::Digest;

use super::{Enrichment, RawEvent};
use crate::event::{Event, FieldValue, NameSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Algorithm {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

pub struct EventFingerprint {
    algorithm: Algorithm,
    excluded: NameSet<String>,
}

impl EventFingerprint {
    pub fn from_settings(settings: &Value) -> Result<Self, String> {
        let algorithm = match settings.get("hashAlgorithm").and_then(Value::as_str) {
            Some("MD5") => Algorithm::Md5,
            Some("SHA1") => Algorithm::Sha1,
            Some("SHA256") => Algorithm::Sha256,
            Some("SHA384") => Algorithm::Sha384,
            Some("SHA512") => Algorithm::Sha512,
            other => {
                return Err(format!("hashAlgorithm must be one of MD5, SHA1, SHA256, SHA384, SHA512, not {other:?}"))
            }
        };
        let excluded = match settings.get("excludeParameters") {
            Some(Value::Array(names)) => names
                .iter()
                .map(|name| name.as_str().map(str::to_owned).ok_or("excludeParameters must be strings"))
                .collect::<Result<NameSet<_>, _>>()?,
            _ => return Err("excludeParameters must be a list of parameter names".to_string()),
        };
        Ok(EventFingerprint { algorithm, excluded })
    }

    /// The fingerprint of a raw event's parameters.
    fn fingerprint(&self, raw: &RawEvent<'_>) -> String {
        // Python sorts the names by code point; for (valid UTF-8) Rust strings the byte order is the same.
        let mut names: Vec<&String> = raw.parameters.keys().filter(|name| !self.excluded.contains(*name)).collect();
        names.sort_unstable();
        match self.algorithm {
            Algorithm::Md5 => hash::<md5::Md5>(names, raw),
            Algorithm::Sha1 => hash::<sha1::Sha1>(names, raw),
            Algorithm::Sha256 => hash::<sha2::Sha256>(names, raw),
            Algorithm::Sha384 => hash::<sha2::Sha384>(names, raw),
            Algorithm::Sha512 => hash::<sha2::Sha512>(names, raw),
        }
    }
}

fn hash<D: Digest>(names: Vec<&String>, raw: &RawEvent<'_>) -> String {
    let mut digest = D::new();
    for name in names {
        digest.update(name.as_bytes());
        digest.update(b"\x1f");
        digest.update(raw.parameters.get(name).map(String::as_bytes).unwrap_or_default());
        digest.update(b"\x1f");
    }
    hex::encode(digest.finalize())
}

impl Enrichment for EventFingerprint {
    fn enrich(&mut self, event: &mut Event, raw: &RawEvent<'_>) -> Vec<Value> {
        event.insert("event_fingerprint", FieldValue::Str(self.fingerprint(raw)));
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Parameters;
    use crate::thrift::CollectorPayload;
    use serde_json::json;

    type Case<'a> = (&'a str, &'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

    fn fingerprint(settings: &Value, parameters: &[(&str, &str)]) -> String {
        let parameters: Parameters = parameters.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let payload = CollectorPayload::default();
        let mut event = Event::default();
        let mut enrichment = EventFingerprint::from_settings(settings).unwrap();
        assert!(enrichment.enrich(&mut event, &RawEvent { parameters: &parameters, payload: &payload }).is_empty());
        match event.get("event_fingerprint") {
            Some(FieldValue::Str(text)) => text.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fingerprints_are_what_python_computes() {
        // (hashAlgorithm, excludeParameters, parameters, EventFingerprint(...).enrich's event_fingerprint), from the
        // Python reference: tests/test_enrichments.py's and test_enrich.py's cases, names out of ASCII (code point
        // order), separators and NULs in names and values, nothing left
        let cases: &[Case<'_>] = &[
        ("MD5", &["eid", "nuid", "stm", "cv"], &[("e", "pv"), ("p", "web"), ("tv", "js-3.0.0"), ("url", "https://a.com/"), ("eid", "3e1b7f6a-0c8e-4f0e-9c1f-1a2b3c4d5e6f"), ("stm", "1764320400000"), ("aid", "shop")], "a3e09fe8bce1b2b4022ae57bd7a5e6c0"),
        ("SHA256", &[], &[("e", "pv"), ("p", "web"), ("tv", "t")], "5430811e76b99ef8a790ec1faa61a395e2ebad070674aa1e756a82a761855565"),
        ("SHA1", &["eid"], &[("b", "2"), ("a", "1"), ("B", "3"), ("_", "x"), ("\u{e9}", "e"), ("\u{ffff}", "1"), ("\u{1f600}", "2"), ("\u{ff}", "3"), ("\u{ff}a", "z")], "99bce0ae878cd2f699cc54acfd852b268ab757ab"),
        ("SHA384", &["x"], &[], "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"),
        ("SHA512", &["x"], &[("x", "only")], "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"),
        ("MD5", &[], &[("a", "v\u{1f}w"), ("a\u{1f}", ""), ("", "empty name"), ("nul", "\u{0}")], "4a45932aac1316e63671ae4a290f3b1f"),
        ("SHA256", &["dtm"], &[("e", "pv"), ("aid", "shop"), ("url", "https://example.com/\u{fc}"), ("dtm", "1795849373000"), ("uid", "u")], "08f53fbdc21bf8aa52aa4b40d3e6319e09ee0afec5ce9f153e3554b8c7565c35"),
        ("MD5", &["eid", "nuid", "stm", "cv"], &[("eid", "1"), ("nuid", "2"), ("stm", "3"), ("cv", "4")], "d41d8cd98f00b204e9800998ecf8427e"),
        ];
        for (algorithm, excluded, parameters, expected) in cases {
            let settings = json!({"hashAlgorithm": algorithm, "excludeParameters": excluded});
            assert_eq!(fingerprint(&settings, parameters), *expected, "{algorithm} {parameters:?}");
        }
    }

    #[test]
    fn settings_are_checked() {
        assert!(EventFingerprint::from_settings(&json!({"hashAlgorithm": "CRC32", "excludeParameters": []})).is_err());
        assert!(EventFingerprint::from_settings(&json!({"hashAlgorithm": "MD5"})).is_err());
        assert!(EventFingerprint::from_settings(&json!({"hashAlgorithm": "MD5", "excludeParameters": [1]})).is_err());
        assert!(EventFingerprint::from_settings(&json!([])).is_err());
    }
}
