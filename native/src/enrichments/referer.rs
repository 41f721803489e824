//! `referer_parser` (the port of `transforms/enrichments/referer.py`): `refr_medium`, `refr_source` and
//! `refr_term` from the referer's URL components (`refr_urlscheme`, `refr_urlhost`, `refr_urlpath`,
//! `refr_urlquery`) and the page's host.
//!
//! Settings (`RefererParser.native_settings()`): `{"lookup": {domain: {"medium": str, "source": str,
//! "parameters": [str, ...]}, ...}, "internal_domains": [str, ...], "cache_size": int}`: the Python object's
//! domain table (the database, then the `referrers` mappings, a later entry of a domain replacing an earlier
//! one), its internal domains (already stripped) and the size of its cache.


use serde_json::Value;

use super::{Enrichment, RawEvent};
use crate::atomic::fix_tabs_newlines;
use crate::event::{Event, FieldValue, NameMap, NameSet};
use crate::querystring::query_pairs;

/// The bytes of cache keys kept at most (besides `cache_size` entries): referers may be long.
const CACHE_BYTES: usize = 16 << 20;

/// A source of the database: its medium, its name and the querystring parameters holding its search term.
struct Source {
    medium: String,
    source: String,
    parameters: Vec<String>,
}

/// What a referer is.
#[derive(Clone)]
enum Class {
    Internal,
    Unknown,
    /// A database source (its index), with the search term when it has one.
    Found(usize, Option<String>),
}

pub struct RefererParser {
    sources: Vec<Source>,
    lookup: NameMap<String, usize>,
    /// The length in bytes of the longest domain of `lookup`: no longer text can be found there.
    longest: usize,
    internal: NameSet<String>,
    cache: NameMap<String, Option<Class>>,
    cache_size: usize,
    cache_bytes: usize,
}

fn strings(value: Option<&Value>, what: &str) -> Result<Vec<String>, String> {
    let items = value.and_then(Value::as_array).ok_or_else(|| format!("{what} must be a list of strings"))?;
    items
        .iter()
        .map(|item| item.as_str().map(str::to_string).ok_or_else(|| format!("{what} must be a list of strings")))
        .collect()
}

impl RefererParser {
    pub fn from_settings(settings: &Value) -> Result<Self, String> {
        let lookup_settings = settings
            .get("lookup")
            .and_then(Value::as_object)
            .ok_or("\"lookup\" must be an object of domains")?;
        let mut sources = Vec::new();
        let mut index: NameMap<(String, String, Vec<String>), usize> = NameMap::default();
        let mut lookup = NameMap::with_capacity_and_hasher(lookup_settings.len(), Default::default());
        for (domain, entry) in lookup_settings {
            let text = |name: &str| {
                entry
                    .get(name)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| format!("{domain}: \"{name}\" must be a string"))
            };
            let key = (text("medium")?, text("source")?, strings(entry.get("parameters"), &format!("{domain}: \"parameters\""))?);
            let at = *index.entry(key.clone()).or_insert_with(|| {
                let (medium, source, parameters) = key;
                sources.push(Source { medium, source, parameters });
                sources.len() - 1
            });
            lookup.insert(domain.clone(), at);
        }
        let internal = strings(settings.get("internal_domains"), "\"internal_domains\"")?.into_iter().collect();
        let cache_size = match settings.get("cache_size") {
            None => 10_000,
            Some(size) => size
                .as_u64()
                .and_then(|size| usize::try_from(size).ok())
                .ok_or("\"cache_size\" must be a non-negative integer")?,
        };
        let longest = lookup.keys().map(String::len).max().unwrap_or(0);
        Ok(RefererParser { sources, lookup, longest, internal, cache: NameMap::default(), cache_size, cache_bytes: 0 })
    }

    /// The source of the first suffix of `text` found, trying `text` then what follows each dot of its first
    /// `host_len` bytes (the host's leading labels dropped one by one); `text` is the host and what follows it.
    fn find_suffix(&self, text: &str, host_len: usize) -> Option<usize> {
        let mut start = 0;
        loop {
            let rest = text.get(start..)?;
            if rest.len() <= self.longest {
                if let Some(&found) = self.lookup.get(rest) {
                    return Some(found);
                }
            }
            let dot = text.get(start..host_len)?.find('.')?;
            start += dot + 1;
        }
    }

    /// Python's `_find(host, path, with_path)`.
    fn find(&self, host: &str, path: &str, with_path: bool) -> Option<usize> {
        if !with_path {
            return self.find_suffix(host, host.len());
        }
        let full = format!("{host}{path}");
        // host + "/" + the path's second "/"-separated segment (`path.split("/")[1]`), when the path has a "/"
        let segment = path.split_once('/').map(|(_, after)| {
            let first = after.split_once('/').map_or(after, |(first, _)| first);
            format!("{host}/{first}")
        });
        let mut start = 0;
        loop {
            for text in [Some(&full), segment.as_ref()].into_iter().flatten() {
                let rest = text.get(start..)?;
                if rest.len() <= self.longest {
                    if let Some(&found) = self.lookup.get(rest) {
                        return Some(found);
                    }
                }
            }
            let dot = host.get(start..)?.find('.')?;
            start += dot + 1;
        }
    }

    /// Python's `_classify_uncached`: None for a referer that is not http(s).
    fn classify(&self, scheme: Option<&str>, host: &str, path: &str, query: Option<&str>, page_host: Option<&str>) -> Option<Class> {
        if !matches!(scheme, Some("http" | "https")) || host.is_empty() {
            return None;
        }
        if page_host == Some(host) || self.internal.contains(host) {
            return Some(Class::Internal);
        }
        let Some(found) = self.find(host, path, true).or_else(|| self.find(host, path, false)) else {
            return Some(Class::Unknown);
        };
        let source = self.sources.get(found)?;
        let mut term = None;
        if let Some(query) = query.filter(|query| !query.is_empty()) {
            if source.medium == "search" && !source.parameters.is_empty() {
                // the first configured name present gives the term
                if let Some((_, value)) = query_pairs(query).into_iter().find(|(name, _)| source.parameters.contains(name)) {
                    term = Some(fix_tabs_newlines(&value)).filter(|term| !term.is_empty());
                }
            }
        }
        Some(Class::Found(found, term))
    }

    /// `classify` through the cache (bounded: emptied when full).
    fn classify_cached(&mut self, scheme: Option<&str>, host: &str, path: &str, query: Option<&str>, page_host: Option<&str>) -> Option<Class> {
        if self.cache_size == 0 {
            return self.classify(scheme, host, path, query, page_host);
        }
        let mut key = String::new();
        for part in [scheme, Some(host), Some(path), query, page_host] {
            match part {
                // the length first, so that no two tuples make the same key
                Some(part) => {
                    key.push_str(&part.len().to_string());
                    key.push(':');
                    key.push_str(part);
                }
                None => key.push('-'),
            }
        }
        if let Some(class) = self.cache.get(&key) {
            return class.clone();
        }
        let class = self.classify(scheme, host, path, query, page_host);
        if key.len() <= CACHE_BYTES / 16 {
            if self.cache.len() >= self.cache_size || self.cache_bytes + key.len() > CACHE_BYTES {
                self.cache.clear();
                self.cache_bytes = 0;
            }
            self.cache_bytes += key.len();
            self.cache.insert(key, class.clone());
        }
        class
    }
}

fn text<'e>(event: &'e Event, name: &str) -> Option<&'e str> {
    match event.get(name) {
        Some(FieldValue::Str(value)) => Some(value),
        _ => None,
    }
}

impl Enrichment for RefererParser {
    fn enrich(&mut self, event: &mut Event, _raw: &RawEvent<'_>) -> Vec<Value> {
        let Some(host) = text(event, "refr_urlhost") else {
            return Vec::new();
        };
        let class = self.classify_cached(
            text(event, "refr_urlscheme"),
            host,
            text(event, "refr_urlpath").unwrap_or_default(),
            text(event, "refr_urlquery"),
            text(event, "page_urlhost"),
        );
        let (medium, source, term) = match class {
            None => return Vec::new(),
            Some(Class::Internal) => ("internal".to_string(), None, None),
            Some(Class::Unknown) => ("unknown".to_string(), None, None),
            Some(Class::Found(found, term)) => match self.sources.get(found) {
                Some(source) => (source.medium.clone(), Some(source.source.clone()), term),
                None => return Vec::new(),
            },
        };
        event.insert("refr_medium", FieldValue::Str(medium));
        if let Some(source) = source {
            event.insert("refr_source", FieldValue::Str(source));
        }
        if let Some(term) = term {
            event.insert("refr_term", FieldValue::Str(term));
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

    /// (refr_urlscheme, refr_urlhost, refr_urlpath, refr_urlquery, page_urlhost, the fields Python's enrich sets in
    /// order); None: the field is absent.
    type Case = (
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        &'static [(&'static str, &'static str)],
    );

    const INPUTS: [&str; 5] = ["refr_urlscheme", "refr_urlhost", "refr_urlpath", "refr_urlquery", "page_urlhost"];

    /// What `RefererParser.__init__` makes of databases (later ones winning) and internal domains, as
    /// `native_settings()` returns it.
    fn settings(databases: &[&Value], internal: &[&str], cache_size: usize) -> Value {
        let mut lookup = serde_json::Map::new();
        for database in databases {
            for (medium, sources) in database.as_object().unwrap() {
                for (source, spec) in sources.as_object().unwrap() {
                    let parameters = spec.get("parameters").filter(|p| !p.is_null()).cloned().unwrap_or(json!([]));
                    for domain in spec["domains"].as_array().unwrap() {
                        lookup.insert(
                            domain.as_str().unwrap().to_string(),
                            json!({"medium": medium, "source": source, "parameters": parameters}),
                        );
                    }
                }
            }
        }
        let mut internal: Vec<&str> = internal.iter().map(|domain| domain.trim()).collect();
        internal.sort_unstable();
        json!({"lookup": lookup, "internal_domains": internal, "cache_size": cache_size})
    }

    fn shipped() -> Value {
        serde_json::from_str(include_str!("../../../transforms/data/referers.json")).unwrap()
    }

    /// The docs example of tests/test_enrichments.py: the shipped database, internal domains, `referrers`.
    fn docs_settings() -> Value {
        let referrers = json!({"search": {"Corporate Search": {"domains": ["search.example.com"], "parameters": ["q", "query"]}},
                               "social": {"Internal Forum": {"domains": ["forum.example.com"]}}});
        settings(&[&shipped(), &referrers], &["community.snowplow.io", "docs.snowplow.io"], 10_000)
    }

    fn custom_database() -> Value {
        json!({"search": {"S1": {"domains": ["dup.com", "s1.com", "s1.com/path/deep", "p.com/seg"], "parameters": ["k", "kw"]},
                          "S2NoParams": {"domains": ["np.com"]}},
               "social": {"Dup": {"domains": ["dup.com"]}, "Pathy": {"domains": ["p.com", "x.p.com/only"]}},
               "paid": {"Ads": {"domains": ["ads.com"], "parameters": ["q"]}}})
    }

    fn custom_settings(cache_size: usize) -> Value {
        let referrers = json!({"email": {"Mine": {"domains": ["s1.com"]}}});
        settings(&[&custom_database(), &referrers], &[" intra.net ", "intra.org"], cache_size)
    }

    fn event_of(values: [Option<&str>; 5]) -> Event {
        let mut event = Event::default();
        event.insert("page_url", FieldValue::Str("https://x.example/".to_string()));
        for (name, value) in INPUTS.into_iter().zip(values) {
            if let Some(value) = value {
                event.insert(name, FieldValue::Str(value.to_string()));
            }
        }
        event
    }

    /// The fields `enrich` set or changed, in the event's order.
    fn run(parser: &mut RefererParser, mut event: Event) -> Vec<(String, String)> {
        let before = event.clone();
        let parameters = Parameters::default();
        let payload = CollectorPayload::default();
        assert!(parser.enrich(&mut event, &RawEvent { parameters: &parameters, payload: &payload }).is_empty());
        event
            .iter()
            .filter(|(name, value)| before.get(*name) != Some(value))
            .map(|(name, value)| match value {
                FieldValue::Str(text) => (name.to_string(), text.clone()),
                other => panic!("{name}: {other:?}"),
            })
            .collect()
    }

    fn check(parser: &mut RefererParser, cases: &[Case]) {
        for (scheme, host, path, query, page_host, expected) in cases {
            let got = run(parser, event_of([*scheme, *host, *path, *query, *page_host]));
            let expected: Vec<(String, String)> = expected.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            assert_eq!(got, expected, "{scheme:?} {host:?} {path:?} {query:?} {page_host:?}");
        }
    }

    // Expected values: the Python reference (`RefererParser.enrich`); the docs cases' components are what
    // native.map_event makes of (page URL, referer URL) pairs.
    const DOCS_CASES: &[Case] = &[
        (Some("https"), Some("search.example.com"), Some("/"), Some("q=snowplow"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Corporate Search"), ("refr_term", "snowplow")]),
        (Some("https"), Some("search.example.com"), Some("/"), Some("query=a+b&q=c"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Corporate Search"), ("refr_term", "a b")]),
        (Some("https"), Some("search.example.com"), Some("/"), None, Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Corporate Search")]),
        (Some("https"), Some("forum.example.com"), Some("/t/1"), None, Some("snowplow.io"), &[("refr_medium", "social"), ("refr_source", "Internal Forum")]),
        (Some("https"), Some("docs.snowplow.io"), Some("/docs/"), None, Some("snowplow.io"), &[("refr_medium", "internal")]),
        (Some("https"), Some("sub.docs.snowplow.io"), Some("/docs/"), None, Some("snowplow.io"), &[("refr_medium", "unknown")]),
        (Some("https"), Some("snowplow.io"), Some("/blog"), None, Some("snowplow.io"), &[("refr_medium", "internal")]),
        (Some("http"), Some("snowplow.io"), Some("/blog"), None, Some("snowplow.io"), &[("refr_medium", "internal")]),
        (Some("https"), Some("snowplow.io"), Some("/x"), None, Some("snowplow.io"), &[("refr_medium", "internal")]),
        (Some("https"), Some("www.google.co.uk"), Some("/search"), Some("hl=en&q=event+pipeline&oq=x"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Google"), ("refr_term", "event pipeline")]),
        (Some("https"), Some("www.google.com"), Some("/"), None, Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Google")]),
        (Some("https"), Some("www.google.com"), Some("/search"), Some("oq=x&query=second&q=first"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Google"), ("refr_term", "second")]),
        (Some("https"), Some("www.google.com"), Some("/search"), Some("q=one&q=two"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Google"), ("refr_term", "one")]),
        (Some("https"), Some("www.google.com"), Some("/search"), Some("q=a%09b%0Ac%0Dd"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Google"), ("refr_term", "a    bcd")]),
        (Some("https"), Some("www.google.com"), Some("/search"), Some("q=%0A%0D"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Google")]),
        (Some("https"), Some("www.google.com"), Some("/search"), Some("q=&query=x"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Google")]),
        (Some("https"), Some("www.google.com"), Some("/search"), Some("q&query=x"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Google")]),
        (Some("https"), Some("www.google.com"), Some("/search"), Some("q=%FF%FEx"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Google"), ("refr_term", "\u{fffd}\u{fffd}x")]),
        (Some("https"), Some("www.google.com"), Some("/search"), Some("q=caf%C3%A9+%E2%9C%93"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Google"), ("refr_term", "caf\u{e9} \u{2713}")]),
        (Some("https"), Some("www.google.com"), Some("/search"), Some("q=port"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Google"), ("refr_term", "port")]),
        (Some("https"), Some("www.google.com"), Some("/"), Some("q=upper"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Google"), ("refr_term", "upper")]),
        (Some("https"), Some("google.com."), Some("/"), Some("q=x"), Some("snowplow.io"), &[("refr_medium", "unknown")]),
        (Some("https"), Some("www.bing.com"), Some("/search"), Some("q=auth"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Bing"), ("refr_term", "auth")]),
        (Some("https"), Some("cn.bing.com"), Some("/"), Some("Q=capital"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Bing"), ("refr_term", "capital")]),
        (Some("https"), Some("www.google.com"), Some("/search"), Some("Q=capital"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Google")]),
        (Some("https"), Some("www.google.com"), Some("/search"), None, Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Google")]),
        (Some("https"), Some("a.b.c.d.e.f.google.de"), Some("/x"), Some("as_q=deep"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Google"), ("refr_term", "deep")]),
        (Some("https"), Some("::1"), Some("/"), Some("q=x"), Some("snowplow.io"), &[("refr_medium", "unknown")]),
        (Some("ftp"), Some("www.google.com"), Some("/"), Some("q=x"), Some("snowplow.io"), &[]),
        (Some("android-app"), Some("com.google.android.gm"), None, None, Some("snowplow.io"), &[]),
        (Some("https"), Some("l.facebook.com"), Some("/l.php"), Some("u=x"), Some("snowplow.io"), &[("refr_medium", "social"), ("refr_source", "Facebook")]),
        (Some("https"), Some("mail.google.com"), Some("/mail/u/0/"), None, Some("snowplow.io"), &[("refr_medium", "email"), ("refr_source", "Gmail")]),
        (Some("https"), Some("www.icloud.com"), Some("/mail/inbox"), None, Some("snowplow.io"), &[("refr_medium", "email"), ("refr_source", "iCloud Mail")]),
        (Some("https"), Some("www.icloud.com"), Some("/mail"), None, Some("snowplow.io"), &[("refr_medium", "email"), ("refr_source", "iCloud Mail")]),
        (Some("https"), Some("icloud.com"), Some("/mailbox"), None, Some("snowplow.io"), &[("refr_medium", "unknown")]),
        (Some("https"), Some("www.icloud.com"), Some("/photos"), None, Some("snowplow.io"), &[("refr_medium", "unknown")]),
        (Some("https"), Some("blog.example.org"), Some("/post"), None, Some("snowplow.io"), &[("refr_medium", "unknown")]),
        (Some("https"), Some("search.yahoo.com"), Some("/search"), Some("p=yahoo&q=no"), Some("snowplow.io"), &[("refr_medium", "search"), ("refr_source", "Yahoo!"), ("refr_term", "yahoo")]),
        (Some("https"), Some("www.google.com"), Some("/"), Some("q=nopage"), None, &[("refr_medium", "search"), ("refr_source", "Google"), ("refr_term", "nopage")]),
        (None, None, None, None, Some("snowplow.io"), &[]),
        (Some("https"), None, None, None, Some("snowplow.io"), &[]),
        (None, Some("www.google.com"), Some("/"), Some("q=x"), Some("snowplow.io"), &[]),
    ];

    const CUSTOM_CASES: &[Case] = &[
        (Some("http"), Some("dup.com"), Some(""), None, None, &[("refr_medium", "social"), ("refr_source", "Dup")]),
        (Some("https"), Some("s1.com"), Some("/path/deep"), Some("k=v"), None, &[("refr_medium", "search"), ("refr_source", "S1"), ("refr_term", "v")]),
        (Some("https"), Some("s1.com"), Some("/path/deeper"), Some("k=v"), None, &[("refr_medium", "email"), ("refr_source", "Mine")]),
        (Some("https"), Some("www.s1.com"), Some("/path/deep"), Some("kw=1&k=2"), None, &[("refr_medium", "search"), ("refr_source", "S1"), ("refr_term", "1")]),
        (Some("https"), Some("s1.com"), Some("/path/deep"), Some("k&kw=x"), None, &[("refr_medium", "search"), ("refr_source", "S1")]),
        (Some("https"), Some("s1.com"), Some("/path/deep"), Some("kw=x&k"), None, &[("refr_medium", "search"), ("refr_source", "S1"), ("refr_term", "x")]),
        (Some("https"), Some("s1.com"), Some("/path/deep"), Some("k=a%09b+c"), None, &[("refr_medium", "search"), ("refr_source", "S1"), ("refr_term", "a    b c")]),
        (Some("https"), Some("s1.com"), Some("/path/deep"), Some(""), None, &[("refr_medium", "search"), ("refr_source", "S1")]),
        (Some("https"), Some("s1.com"), Some("/path/deep"), Some("k=v"), Some("s1.com"), &[("refr_medium", "internal")]),
        (Some("https"), Some("b\u{fc}cher.s1.com"), Some("/path/deep"), Some("k=%C3"), None, &[("refr_medium", "search"), ("refr_source", "S1"), ("refr_term", "\u{fffd}")]),
        (Some("https"), Some("p.com"), Some("/seg/more"), Some(""), None, &[("refr_medium", "search"), ("refr_source", "S1")]),
        (Some("https"), Some("p.com"), Some("seg/x"), None, None, &[("refr_medium", "social"), ("refr_source", "Pathy")]),
        (Some("https"), Some("p.com"), Some("/seg"), None, None, &[("refr_medium", "search"), ("refr_source", "S1")]),
        (Some("https"), Some("x.p.com"), Some("/only"), Some(""), None, &[("refr_medium", "social"), ("refr_source", "Pathy")]),
        (Some("https"), Some("x.p.com"), Some("/only/"), Some(""), None, &[("refr_medium", "social"), ("refr_source", "Pathy")]),
        (Some("https"), Some("y.x.p.com"), Some("/"), None, None, &[("refr_medium", "social"), ("refr_source", "Pathy")]),
        (Some("https"), Some("np.com"), Some(""), Some("q=1"), None, &[("refr_medium", "search"), ("refr_source", "S2NoParams")]),
        (Some("https"), Some("ads.com"), Some(""), Some("q=1"), None, &[("refr_medium", "paid"), ("refr_source", "Ads")]),
        (Some("https"), Some("intra.net"), Some(""), Some(""), None, &[("refr_medium", "internal")]),
        (Some("https"), Some(" intra.net "), Some(""), Some(""), None, &[("refr_medium", "unknown")]),
        (Some("http"), Some("intra.org"), Some(""), Some(""), Some("intra.org"), &[("refr_medium", "internal")]),
        (Some("https"), Some(""), Some(""), None, None, &[]),
        (None, Some("s1.com"), Some(""), None, None, &[]),
        (Some("HTTP"), Some("s1.com"), Some(""), None, None, &[]),
        (Some("https"), Some("s1.com"), None, None, None, &[("refr_medium", "email"), ("refr_source", "Mine")]),
        (Some("https"), Some("unknown.example"), Some("/a/b"), Some("k=v"), Some("page.example"), &[("refr_medium", "unknown")]),
        (Some("https"), Some("com"), Some(""), None, None, &[("refr_medium", "unknown")]),
        (Some("https"), Some("."), Some(""), None, None, &[("refr_medium", "unknown")]),
        (Some("https"), Some("..s1.com"), Some(""), None, None, &[("refr_medium", "email"), ("refr_source", "Mine")]),
        (Some("https"), Some("s1.com."), Some(""), None, None, &[("refr_medium", "unknown")]),
        (Some("https"), Some("s1.com"), Some("/path/deep/../x"), Some("kw=%E2%82"), None, &[("refr_medium", "email"), ("refr_source", "Mine")]),
    ];

    #[test]
    fn the_docs_example_classifies_as_python() {
        let mut parser = RefererParser::from_settings(&docs_settings()).unwrap();
        check(&mut parser, DOCS_CASES);
        check(&mut parser, DOCS_CASES); // from the cache
    }

    #[test]
    fn a_custom_database_with_paths_duplicates_and_internal_domains_classifies_as_python() {
        for cache_size in [10_000, 2, 1, 0] {
            let mut parser = RefererParser::from_settings(&custom_settings(cache_size)).unwrap();
            check(&mut parser, CUSTOM_CASES);
            check(&mut parser, CUSTOM_CASES);
            assert!(parser.cache.len() <= cache_size);
        }
    }

    #[test]
    fn the_test_settings_are_what_python_hands_over() {
        // RefererParser(CUSTOM_DB, [" intra.net ", "intra.org"], {"email": ...}).native_settings(), from Python
        let python = json!({"lookup": {
            "dup.com": {"medium": "social", "source": "Dup", "parameters": []},
            "s1.com": {"medium": "email", "source": "Mine", "parameters": []},
            "s1.com/path/deep": {"medium": "search", "source": "S1", "parameters": ["k", "kw"]},
            "p.com/seg": {"medium": "search", "source": "S1", "parameters": ["k", "kw"]},
            "np.com": {"medium": "search", "source": "S2NoParams", "parameters": []},
            "p.com": {"medium": "social", "source": "Pathy", "parameters": []},
            "x.p.com/only": {"medium": "social", "source": "Pathy", "parameters": []},
            "ads.com": {"medium": "paid", "source": "Ads", "parameters": ["q"]}},
            "internal_domains": ["intra.net", "intra.org"], "cache_size": 10000});
        assert_eq!(custom_settings(10_000), python);
        // the shipped database's 178 domains and the 2 of `referrers`, as in Python's lookup
        assert_eq!(docs_settings()["lookup"].as_object().unwrap().len(), 180);
    }

    #[test]
    fn huge_hosts_paths_and_querystrings() {
        let mut parser = RefererParser::from_settings(&custom_settings(10_000)).unwrap();
        // Python: ('search', 'S1', 'term    '): the first configured name present, its tab expanded
        let host = format!("{}s1.com", "a.".repeat(5000));
        let query = format!("{}kw=%0Aterm%09&k=no", "x=1&".repeat(20_000));
        let got = run(&mut parser, event_of([Some("https"), Some(&host), Some("/path/deep"), Some(&query), None]));
        assert_eq!(
            got,
            [("refr_medium", "search"), ("refr_source", "S1"), ("refr_term", "term    ")]
                .map(|(k, v)| (k.to_string(), v.to_string()))
        );
        // Python: unknown
        let host = format!("{}zz", "a.".repeat(50_000));
        let path = format!("/{}", "p".repeat(100_000));
        let query = format!("k={}", "v".repeat(100_000));
        let started = std::time::Instant::now();
        let got = run(&mut parser, event_of([Some("https"), Some(&host), Some(&path), Some(&query), None]));
        assert_eq!(got, [("refr_medium".to_string(), "unknown".to_string())]);
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
        assert!(parser.cache_bytes <= CACHE_BYTES);
    }

    /// Not from Python: values of types the mapping never gives these fields are read as absent, without a panic.
    #[test]
    fn fields_that_are_not_text_are_absent() {
        let mut parser = RefererParser::from_settings(&custom_settings(10)).unwrap();
        let mut event = event_of([Some("https"), None, Some("/"), None, None]);
        event.insert("refr_urlhost", FieldValue::Int(1));
        assert!(run(&mut parser, event).is_empty());
        let mut event = event_of([Some("https"), Some("s1.com"), Some("/path/deep"), None, None]);
        event.insert("refr_urlquery", FieldValue::Int(1));
        event.insert("page_urlhost", FieldValue::Json(json!("s1.com")));
        assert_eq!(run(&mut parser, event).len(), 2);
    }

    #[test]
    fn bad_settings_are_errors() {
        for bad in [
            json!(null),
            json!({}),
            json!({"lookup": [], "internal_domains": []}),
            json!({"lookup": {"a.com": {"medium": "search", "source": "A"}}, "internal_domains": []}),
            json!({"lookup": {"a.com": {"medium": 1, "source": "A", "parameters": []}}, "internal_domains": []}),
            json!({"lookup": {"a.com": {"medium": "search", "source": "A", "parameters": [1]}}, "internal_domains": []}),
            json!({"lookup": {}, "internal_domains": "a.com"}),
            json!({"lookup": {}, "internal_domains": [], "cache_size": -1}),
        ] {
            assert!(RefererParser::from_settings(&bad).is_err(), "{bad}");
        }
        assert!(RefererParser::from_settings(&json!({"lookup": {}, "internal_domains": []})).is_ok());
    }
}
