//! Iglu URIs `iglu:vendor/name/format/M-R-A` (the port of `SchemaKey.parse` in `transforms/iglu/keys.py`):
//! iglu-core's grammar, vendor `[a-zA-Z0-9-_.]+`, name and format `[a-zA-Z0-9-_]+`, SchemaVer `M-R-A` with
//! M >= 1 and no leading zeros. None of the parts may hold a `/`, so the URI is read by splitting on it.

/// The coordinates of one schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaKey {
    pub vendor: String,
    pub name: String,
    pub format: String,
    pub version: String,
}

/// The NotIglu code of a URI that is not `iglu:vendor/name/format/...`.
pub const INVALID_IGLUURI: &str = "INVALID_IGLUURI";
/// The NotIglu code of a well-formed URI whose version is not a SchemaVer (`01-0-0`, `1-0`).
pub const INVALID_SCHEMAVER: &str = "INVALID_SCHEMAVER";

/// The key of `uri`, or the NotIglu code of why it is none (`INVALID_IGLUURI`, `INVALID_SCHEMAVER`).
pub fn parse_schema_key(uri: &str) -> Result<SchemaKey, &'static str> {
    let path = uri.strip_prefix("iglu:").ok_or(INVALID_IGLUURI)?;
    let mut parts = path.split('/');
    let (Some(vendor), Some(name), Some(format), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(INVALID_IGLUURI);
    };
    let is_part = |text: &str, extra: &[u8]| {
        !text.is_empty()
            && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || extra.contains(&b))
    };
    if !(is_part(vendor, b".") && is_part(name, b"") && is_part(format, b"")) {
        return Err(INVALID_IGLUURI);
    }
    let mut numbers = version.split('-');
    let schemaver = matches!(
        (numbers.next(), numbers.next(), numbers.next(), numbers.next()),
        (Some(model), Some(revision), Some(addition), None)
            if is_number(model) && model != "0" && is_number(revision) && is_number(addition)
    );
    if !schemaver {
        return Err(INVALID_SCHEMAVER);
    }
    Ok(SchemaKey {
        vendor: vendor.to_string(),
        name: name.to_string(),
        format: format.to_string(),
        version: version.to_string(),
    })
}

/// `0|[1-9][0-9]*`.
fn is_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) && (text == "0" || !text.starts_with('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(vendor: &str, name: &str, format: &str, version: &str) -> SchemaKey {
        SchemaKey { vendor: vendor.into(), name: name.into(), format: format.into(), version: version.into() }
    }

    #[test]
    fn uris_are_read_as_python_reads_them() {
        // (uri, SchemaKey.parse(uri) or its InvalidSchemaKey code), from the Python reference
        let cases = [
            ("iglu:com.acme/signup/jsonschema/1-0-0", Ok(key("com.acme", "signup", "jsonschema", "1-0-0"))),
            ("iglu:com.acme/signup/jsonschema/1-0", Err("INVALID_SCHEMAVER")),
            ("com.acme.signup", Err("INVALID_IGLUURI")),
            ("iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4", Ok(key("com.snowplowanalytics.snowplow", "payload_data", "jsonschema", "1-0-4"))),
            ("iglu:a/b/c/10-20-30", Ok(key("a", "b", "c", "10-20-30"))),
            ("iglu:a/b/c/01-0-0", Err("INVALID_SCHEMAVER")),
            ("iglu:a/b/c/1-00-0", Err("INVALID_SCHEMAVER")),
            ("iglu:a/b/c/1-0-01", Err("INVALID_SCHEMAVER")),
            ("iglu:a/b/c/0-0-0", Err("INVALID_SCHEMAVER")),
            ("iglu:a/b/c/1-0-0/", Err("INVALID_IGLUURI")),
            ("iglu:a/b/c/", Err("INVALID_SCHEMAVER")),
            ("iglu:a/b/c", Err("INVALID_IGLUURI")),
            ("iglu:a/b/c/d/e", Err("INVALID_IGLUURI")),
            ("iglu:a.b_c-d/N_a-m3/F-o_r/1-0-0", Ok(key("a.b_c-d", "N_a-m3", "F-o_r", "1-0-0"))),
            ("iglu:a/b.c/d/1-0-0", Err("INVALID_IGLUURI")),
            ("iglu:a/b/c.d/1-0-0", Err("INVALID_IGLUURI")),
            ("iglu:/b/c/1-0-0", Err("INVALID_IGLUURI")),
            ("iglu:a//c/1-0-0", Err("INVALID_IGLUURI")),
            ("iglu:a/b//1-0-0", Err("INVALID_IGLUURI")),
            ("IGLU:a/b/c/1-0-0", Err("INVALID_IGLUURI")),
            (" iglu:a/b/c/1-0-0", Err("INVALID_IGLUURI")),
            ("iglu:a/b/c/1-0-0 ", Err("INVALID_SCHEMAVER")),
            ("iglu:a/b/c/1-0-0\u{a}", Err("INVALID_SCHEMAVER")),
            ("iglu:\u{e9}/b/c/1-0-0", Err("INVALID_IGLUURI")),
            ("iglu:a/b/c/1-0-\u{661}", Err("INVALID_SCHEMAVER")),
            ("iglu:a/b/c/1-*-*", Err("INVALID_SCHEMAVER")),
            ("iglu:a/b/c/x", Err("INVALID_SCHEMAVER")),
            ("iglu:a/b/c/1-0-0-0", Err("INVALID_SCHEMAVER")),
            ("iglu:a/b/c/1--0", Err("INVALID_SCHEMAVER")),
            ("iglu:a/b/c/ 1-0-0", Err("INVALID_SCHEMAVER")),
            ("iglu:a b/b/c/1-0-0", Err("INVALID_IGLUURI")),
            ("iglu:a/b/c/\u{e9}", Err("INVALID_SCHEMAVER")),
            ("iglu:a/b/c/1-0-0\u{e9}", Err("INVALID_SCHEMAVER")),
            ("", Err("INVALID_IGLUURI")),
            ("iglu:", Err("INVALID_IGLUURI")),
            ("iglu:a/b/c/99999999999999999999999-0-0", Ok(key("a", "b", "c", "99999999999999999999999-0-0"))),
            ("iglu:.../---/___/1-0-0", Ok(key("...", "---", "___", "1-0-0"))),
            ("iglu:a/b/c/1-0-0\u{0}", Err("INVALID_SCHEMAVER")),
            ("iglu:a/b/c/1-0-0\u{a}/x", Err("INVALID_IGLUURI")),
            ("iglu:a/b/c\u{a}/1-0-0", Err("INVALID_IGLUURI")),
        ];
        for (uri, expected) in cases {
            assert_eq!(parse_schema_key(uri), expected, "{uri:?}");
        }
    }
}
