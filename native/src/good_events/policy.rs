//! The entity rules of the pseudonymization policy: which rule an entity's schema picks (Iglu URIs and schema
//! criteria with the grammar of `transforms/iglu/keys.py`, i.e. iglu-core's), and the paths a rule keeps in clear
//! (`allow`) or hashes (`deny`), as a trie. The policy file is read and validated by Python's `Policy`; this
//! module is given its rules.

use crate::event::NameMap;
use crate::pseudonym::Text;

/// `[a-zA-Z0-9-_]+` (with `.` too for a vendor).
fn is_part(text: &str, vendor: bool) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || (vendor && b == b'.'))
}

/// `0|[1-9][0-9]*` (`model`: `[1-9][0-9]*`).
fn is_number(text: &str, model: bool) -> bool {
    match text.as_bytes() {
        [b'0'] => !model,
        [first, rest @ ..] => (b'1'..=b'9').contains(first) && rest.iter().all(u8::is_ascii_digit),
        [] => false,
    }
}

/// `iglu:vendor/name/format/version` split in its four parts, the grammar of the parts not checked yet.
fn parts(uri: &str) -> Option<[&str; 4]> {
    let mut parts = uri.strip_prefix("iglu:")?.split('/');
    let four = [parts.next()?, parts.next()?, parts.next()?, parts.next()?];
    match parts.next() {
        None if is_part(four[0], true) && is_part(four[1], false) && is_part(four[2], false) => Some(four),
        _ => None,
    }
}

/// A valid Iglu URI `iglu:vendor/name/format/M-R-A` (M >= 1, no leading zeros). The numbers are kept as their
/// digits: without leading zeros, equal digits are equal numbers, however many there are.
#[derive(Debug, PartialEq, Eq)]
pub struct SchemaKey<'a> {
    pub vendor: &'a str,
    pub name: &'a str,
    pub format: &'a str,
    pub version: [&'a str; 3],
}

impl<'a> SchemaKey<'a> {
    pub fn parse(uri: &'a str) -> Option<SchemaKey<'a>> {
        let [vendor, name, format, version] = parts(uri)?;
        let mut numbers = version.split('-');
        let version = [numbers.next()?, numbers.next()?, numbers.next()?];
        if numbers.next().is_some() || !is_number(version[0], true) || !version[1..].iter().all(|n| is_number(n, false)) {
            return None;
        }
        Some(SchemaKey { vendor, name, format, version })
    }
}

/// Whether `text` is a valid Iglu URI (a text with surrogates never is).
pub fn is_schema_uri(text: Text<'_>) -> bool {
    text.as_str().and_then(SchemaKey::parse).is_some()
}

/// `iglu:vendor/name/format/M-R-A` where any of M, R, A may be `*` (None).
#[derive(Debug, PartialEq, Eq)]
pub struct Criterion {
    vendor: String,
    name: String,
    format: String,
    version: [Option<String>; 3],
}

impl Criterion {
    pub fn parse(text: &str) -> Result<Criterion, String> {
        let invalid = || format!("invalid schema criterion {text:?}");
        let [vendor, name, format, version] = parts(text).ok_or_else(invalid)?;
        let mut numbers = version.split('-');
        let mut parsed: [Option<String>; 3] = [None, None, None];
        for (at, slot) in parsed.iter_mut().enumerate() {
            let number = numbers.next().ok_or_else(invalid)?;
            if number != "*" {
                if !is_number(number, at == 0) {
                    return Err(invalid());
                }
                *slot = Some(number.to_owned());
            }
        }
        if numbers.next().is_some() {
            return Err(invalid());
        }
        Ok(Criterion { vendor: vendor.into(), name: name.into(), format: format.into(), version: parsed })
    }

    pub fn matches(&self, key: &SchemaKey<'_>) -> bool {
        key.vendor == self.vendor
            && key.name == self.name
            && key.format == self.format
            && self.version.iter().zip(key.version).all(|(wanted, got)| wanted.as_deref().map_or(true, |w| w == got))
    }
}

/// The paths of a rule: `$` (everything), or `$.key.key` (a key and everything below it); arrays are transparent.
/// Keys are compared as the bytes Python would hash (lone surrogates included).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Trie {
    /// This path is listed: it covers everything below it.
    pub terminal: bool,
    children: NameMap<Vec<u8>, Trie>,
}

impl Trie {
    pub fn from_paths(paths: &[Text<'_>]) -> Result<Trie, String> {
        let mut root = Trie::default();
        for path in paths {
            let bytes = path.bytes();
            if bytes == b"$" {
                return Ok(Trie { terminal: true, children: NameMap::default() });
            }
            let keys = bytes
                .strip_prefix(b"$.")
                .ok_or_else(|| format!("path {:?} must be '$' or start with '$.'", String::from_utf8_lossy(bytes)))?;
            let mut node = &mut root;
            for key in keys.split(|b| *b == b'.') {
                if key.is_empty() {
                    return Err(format!("path {:?} has an empty key", String::from_utf8_lossy(bytes)));
                }
                node = node.children.entry(key.to_vec()).or_default();
            }
            node.terminal = true;
        }
        Ok(root)
    }

    pub fn child(&self, key: Text<'_>) -> Option<&Trie> {
        self.children.get(key.bytes())
    }
}

/// How the data of the entities whose schema matches `criterion` is pseudonymized.
#[derive(Debug)]
pub struct EntityRule {
    pub criterion: Criterion,
    /// true: the paths are kept in clear (every other leaf hashed); false: only the paths are hashed.
    pub allow: bool,
    pub trie: Trie,
}

impl EntityRule {
    pub fn new(criterion: &str, allow: bool, paths: &[Text<'_>]) -> Result<EntityRule, String> {
        Ok(EntityRule { criterion: Criterion::parse(criterion)?, allow, trie: Trie::from_paths(paths)? })
    }
}

/// The rule of a schema: the first whose criterion matches it.
pub fn rule_for<'r>(rules: &'r [EntityRule], key: &SchemaKey<'_>) -> Option<&'r EntityRule> {
    rules.iter().find(|rule| rule.criterion.matches(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iglu_uris_follow_iglu_core() {
        for valid in ["iglu:com.acme/a_b-c/jsonschema/1-0-0", "iglu:a/b/c/10-20-30", "iglu:-._/-_/_/1-0-0",
                      "iglu:com.acme/x/jsonschema/1-99999999999999999999999-0"] {
            assert!(is_schema_uri(Text::Utf8(valid)), "{valid}");
        }
        for invalid in ["", "iglu:", "iglu:com.acme/x/jsonschema/01-0-0", "iglu:com.acme/x/jsonschema/0-0-0",
                        "iglu:com.acme/x/jsonschema/1-00-0", "iglu:com.acme/x/jsonschema/1-0", "iglu:com.acme/x/jsonschema/1-0-0-0",
                        "iglu:com.acme/x/jsonschema/1-0-0/", "iglu:com.acme/x.y/jsonschema/1-0-0", "iglu:com.acme/x/json.schema/1-0-0",
                        "iglu:com.acme//jsonschema/1-0-0", "IGLU:com.acme/x/jsonschema/1-0-0", "iglu:com.acme/x/jsonschema/1-0-0 ",
                        "iglu:com.acmé/x/jsonschema/1-0-0", "iglu:com.acme/x/jsonschema/1-0-٣", "iglu:com.acme/x/jsonschema/1-*-0",
                        "iglu:com.acme/x/jsonschema/+1-0-0"] {
            assert!(!is_schema_uri(Text::Utf8(invalid)), "{invalid}");
        }
        assert!(!is_schema_uri(Text::Surrogates(b"iglu:a/b/c/1-0-0\xed\xa0\x80")));
    }

    #[test]
    fn criteria_match_by_vendor_name_format_and_each_number() {
        let key = |uri| SchemaKey::parse(uri).unwrap_or_else(|| unreachable!());
        let criterion = |text| Criterion::parse(text).unwrap_or_else(|_| unreachable!());
        let any_one = criterion("iglu:com.acme/x/jsonschema/1-*-*");
        assert!(any_one.matches(&key("iglu:com.acme/x/jsonschema/1-0-0")));
        assert!(any_one.matches(&key("iglu:com.acme/x/jsonschema/1-12-3")));
        assert!(!any_one.matches(&key("iglu:com.acme/x/jsonschema/2-0-0")));
        assert!(!any_one.matches(&key("iglu:com.acme/y/jsonschema/1-0-0")));
        assert!(!any_one.matches(&key("iglu:com.acmex/x/jsonschema/1-0-0")));
        assert!(!any_one.matches(&key("iglu:com.acme/x/avro/1-0-0")));
        let exact = criterion("iglu:com.acme/x/jsonschema/1-0-2");
        assert!(exact.matches(&key("iglu:com.acme/x/jsonschema/1-0-2")));
        assert!(!exact.matches(&key("iglu:com.acme/x/jsonschema/1-0-20")));
        assert!(criterion("iglu:com.acme/x/jsonschema/*-*-*").matches(&key("iglu:com.acme/x/jsonschema/7-1-0")));
        for invalid in ["iglu:com.acme/x/jsonschema/0-*-*", "iglu:com.acme/x/jsonschema/1-01-*", "iglu:com.acme/x/jsonschema/**-*-*",
                        "iglu:com.acme/x/jsonschema/1-*", "com.acme/x/jsonschema/1-*-*"] {
            assert_eq!(Criterion::parse(invalid), Err(format!("invalid schema criterion {invalid:?}")));
        }
    }

    #[test]
    fn the_first_matching_rule_wins() {
        let rules = [
            EntityRule::new("iglu:com.acme/x/jsonschema/1-0-*", false, &[Text::Utf8("$.a")]),
            EntityRule::new("iglu:com.acme/x/jsonschema/1-*-*", true, &[Text::Utf8("$")]),
        ]
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_default();
        assert_eq!(rules.len(), 2);
        let rule = |uri| SchemaKey::parse(uri).and_then(|key| rule_for(&rules, &key).map(|rule| rule.allow));
        assert_eq!(rule("iglu:com.acme/x/jsonschema/1-0-3"), Some(false));
        assert_eq!(rule("iglu:com.acme/x/jsonschema/1-1-0"), Some(true));
        assert_eq!(rule("iglu:com.acme/x/jsonschema/2-0-0"), None);
    }

    #[test]
    fn tries_cover_what_is_below_a_path_and_dollar_covers_everything() {
        let trie = Trie::from_paths(&[Text::Utf8("$.a.b"), Text::Utf8("$.c"), Text::Surrogates(b"$.\xed\xa0\x80")])
            .unwrap_or_default();
        assert!(!trie.terminal);
        let a = trie.child(Text::Utf8("a"));
        assert!(a.is_some_and(|a| !a.terminal));
        assert!(a.and_then(|a| a.child(Text::Utf8("b"))).is_some_and(|b| b.terminal));
        assert!(trie.child(Text::Utf8("c")).is_some_and(|c| c.terminal));
        assert!(trie.child(Text::Surrogates(b"\xed\xa0\x80")).is_some_and(|s| s.terminal));
        assert!(trie.child(Text::Utf8("b")).is_none());
        assert!(Trie::from_paths(&[Text::Utf8("$.a"), Text::Utf8("$")]).is_ok_and(|t| t.terminal && t.children.is_empty()));
        assert!(Trie::from_paths(&[]).is_ok_and(|t| !t.terminal && t.children.is_empty()));
        assert_eq!(Trie::from_paths(&[Text::Utf8("a")]), Err("path \"a\" must be '$' or start with '$.'".into()));
        assert_eq!(Trie::from_paths(&[Text::Utf8("$.a..b")]), Err("path \"$.a..b\" has an empty key".into()));
    }
}
