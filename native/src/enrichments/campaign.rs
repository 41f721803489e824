//! `campaign_attribution` (the port of `transforms/enrichments/campaign.py`): the `mkt_*` fields from the page
//! URL's querystring (`page_urlquery`).
//!
//! Settings (`CampaignAttribution.native_settings()`): `{"fields": [[field, [parameter, ...]], ...],
//! "click_ids": [[parameter, network], ...], "cache_size": int}`: the `mkt_*` fields in the order they are set
//! (`mkt_medium`, `mkt_source`, `mkt_term`, `mkt_content`, `mkt_campaign`) each with its parameters in the
//! configured order, and the click-id parameters (the defaults, then the configured ones) in the order they are
//! tried.


use regex::Regex;
use serde_json::Value;

use super::{Enrichment, RawEvent};
use crate::event::{Event, FieldValue, NameMap};
use crate::querystring::parse_querystring;

/// The bytes of querystrings kept in the cache at most (besides `cache_size` entries).
const CACHE_BYTES: usize = 16 << 20;

const MKT_FIELDS: [&str; 5] = ["mkt_medium", "mkt_source", "mkt_term", "mkt_content", "mkt_campaign"];

/// Whether a querystring may hold any of the parameters: Python's search for any of the names in the raw
/// text (a name written with escapes, `utm%5Fsource`, is not seen, as in Python).
enum Candidates {
    Never,
    Always,
    Pattern(Regex),
    /// The names, when there are too many for one regular expression.
    Names(Vec<String>),
}

impl Candidates {
    fn new(names: Vec<String>) -> Candidates {
        if names.is_empty() {
            return Candidates::Never;
        }
        if names.iter().any(String::is_empty) {
            return Candidates::Always;
        }
        let pattern = names.iter().map(|name| regex::escape(name)).collect::<Vec<_>>().join("|");
        match regex::RegexBuilder::new(&pattern).size_limit(1 << 24).build() {
            Ok(regex) => Candidates::Pattern(regex),
            Err(_) => Candidates::Names(names),
        }
    }

    fn found_in(&self, query: &str) -> bool {
        match self {
            Candidates::Never => false,
            Candidates::Always => true,
            Candidates::Pattern(regex) => regex.is_match(query),
            Candidates::Names(names) => names.iter().any(|name| query.contains(name.as_str())),
        }
    }
}

type Fields = Vec<(&'static str, String)>;

pub struct CampaignAttribution {
    fields: Vec<(&'static str, Vec<String>)>,
    click_ids: Vec<(String, String)>,
    candidates: Candidates,
    cache: NameMap<String, Fields>,
    cache_size: usize,
    cache_bytes: usize,
}

fn string_list(value: &Value, what: &str) -> Result<Vec<String>, String> {
    let items = value.as_array().ok_or_else(|| format!("{what} must be a list"))?;
    items.iter().map(|item| item.as_str().map(str::to_string).ok_or_else(|| format!("{what} must hold strings"))).collect()
}

impl CampaignAttribution {
    pub fn from_settings(settings: &Value) -> Result<Self, String> {
        let mut fields = Vec::new();
        for entry in settings.get("fields").and_then(Value::as_array).ok_or("\"fields\" must be a list")? {
            let pair = entry.as_array().filter(|pair| pair.len() == 2).ok_or("a field must be [field, parameters]")?;
            let name = pair[0].as_str().ok_or("a field's name must be a string")?;
            let field = MKT_FIELDS
                .into_iter()
                .find(|field| *field == name)
                .ok_or_else(|| format!("{name} is not a campaign field"))?;
            fields.push((field, string_list(&pair[1], &format!("{name}'s parameters"))?));
        }
        let mut click_ids = Vec::new();
        for entry in settings.get("click_ids").and_then(Value::as_array).ok_or("\"click_ids\" must be a list")? {
            let pair = entry.as_array().filter(|pair| pair.len() == 2).ok_or("a click id must be [parameter, network]")?;
            match (pair[0].as_str(), pair[1].as_str()) {
                (Some(name), Some(network)) => click_ids.push((name.to_string(), network.to_string())),
                _ => return Err("a click id's parameter and network must be strings".to_string()),
            }
        }
        let cache_size = match settings.get("cache_size") {
            None => 4096,
            Some(size) => size
                .as_u64()
                .and_then(|size| usize::try_from(size).ok())
                .ok_or("\"cache_size\" must be a non-negative integer")?,
        };
        let mut names: Vec<String> =
            fields.iter().flat_map(|(_, names)| names.iter().cloned()).chain(click_ids.iter().map(|(name, _)| name.clone())).collect();
        names.sort_unstable();
        names.dedup();
        Ok(CampaignAttribution { fields, click_ids, candidates: Candidates::new(names), cache: NameMap::default(), cache_size, cache_bytes: 0 })
    }

    /// The fields a querystring sets, in order (what the cache holds per querystring).
    fn fields_of(&self, query: &str) -> Fields {
        let params = parse_querystring(Some(query));
        let mut fields = Vec::new();
        for (field, names) in &self.fields {
            if let Some(value) = names.iter().find_map(|name| params.get(name)) {
                if !value.is_empty() {
                    fields.push((*field, value.clone()));
                }
            }
        }
        if let Some((value, network)) = self.click_ids.iter().find_map(|(name, network)| Some((params.get(name)?, network))) {
            if !value.is_empty() {
                fields.push(("mkt_clickid", value.clone()));
                fields.push(("mkt_network", network.clone()));
            }
        }
        fields
    }

    /// `fields_of` through the cache (bounded: emptied when full).
    fn fields_cached(&mut self, query: &str) -> Fields {
        if let Some(fields) = self.cache.get(query) {
            return fields.clone();
        }
        let fields = self.fields_of(query);
        if self.cache_size > 0 && query.len() <= CACHE_BYTES / 16 {
            if self.cache.len() >= self.cache_size || self.cache_bytes + query.len() > CACHE_BYTES {
                self.cache.clear();
                self.cache_bytes = 0;
            }
            self.cache_bytes += query.len();
            self.cache.insert(query.to_string(), fields.clone());
        }
        fields
    }
}

impl Enrichment for CampaignAttribution {
    fn enrich(&mut self, event: &mut Event, _raw: &RawEvent<'_>) -> Vec<Value> {
        let Some(FieldValue::Str(query)) = event.get("page_urlquery") else {
            return Vec::new();
        };
        if query.is_empty() || !self.candidates.found_in(query) {
            return Vec::new();
        }
        let fields = self.fields_cached(query);
        for (field, value) in fields {
            event.insert(field, FieldValue::Str(value));
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

    /// (page_urlquery, the fields Python's enrich sets in order); None: no page_urlquery.
    type Case = (Option<&'static str>, &'static [(&'static str, &'static str)]);

    fn google() -> Value {
        json!([["mkt_medium", ["utm_medium"]], ["mkt_source", ["utm_source"]], ["mkt_term", ["utm_term"]],
               ["mkt_content", ["utm_content"]], ["mkt_campaign", ["utm_campaign"]]])
    }

    fn default_click_ids() -> Value {
        json!([["gclid", "Google"], ["msclkid", "Microsoft"], ["dclid", "DoubleClick"]])
    }

    // native_settings() of the Python objects the cases were computed with (printed by Python)
    fn default_settings() -> Value {
        json!({"fields": google(), "click_ids": default_click_ids(), "cache_size": 4096})
    }

    fn snowplow_example_settings() -> Value {
        json!({"fields": [["mkt_medium", ["utm_medium", "medium"]], ["mkt_source", ["utm_source", "source"]],
                          ["mkt_term", ["utm_term", "legacy_term"]], ["mkt_content", ["utm_content"]],
                          ["mkt_campaign", ["utm_campaign", "cid", "legacy_campaign"]]],
               "click_ids": default_click_ids(), "cache_size": 4096})
    }

    fn click_ids_settings() -> Value {
        json!({"fields": google(),
               "click_ids": [["gclid", "Google"], ["msclkid", "NotMicrosoft"], ["dclid", "DoubleClick"],
                             ["wbraid", "Google"], ["gbraid", "Google"], ["xyzid", "XYZ"]],
               "cache_size": 4096})
    }

    fn omniture_settings() -> Value {
        json!({"fields": [["mkt_medium", []], ["mkt_source", []], ["mkt_term", []], ["mkt_content", []],
                          ["mkt_campaign", ["cid"]]],
               "click_ids": default_click_ids(), "cache_size": 4096})
    }

    fn empty_name_settings() -> Value {
        json!({"fields": [["mkt_medium", ["", "utm_medium"]], ["mkt_source", ["utm_source"]], ["mkt_term", ["utm_term"]],
                          ["mkt_content", ["utm_content"]], ["mkt_campaign", ["utm_campaign"]]],
               "click_ids": default_click_ids(), "cache_size": 4096})
    }

    fn with_cache_size(mut settings: Value, cache_size: usize) -> Value {
        settings["cache_size"] = json!(cache_size);
        settings
    }

    fn event_of(query: Option<&str>) -> Event {
        let mut event = Event::default();
        event.insert("page_url", FieldValue::Str("https://x.example/".to_string()));
        if let Some(query) = query {
            event.insert("page_urlquery", FieldValue::Str(query.to_string()));
        }
        event
    }

    /// The fields `enrich` set or changed, in the event's order.
    fn run(campaign: &mut CampaignAttribution, mut event: Event) -> Vec<(String, String)> {
        let before = event.clone();
        let parameters = Parameters::default();
        let payload = CollectorPayload::default();
        assert!(campaign.enrich(&mut event, &RawEvent { parameters: &parameters, payload: &payload }).is_empty());
        event
            .iter()
            .filter(|(name, value)| before.get(*name) != Some(value))
            .map(|(name, value)| match value {
                FieldValue::Str(text) => (name.to_string(), text.clone()),
                other => panic!("{name}: {other:?}"),
            })
            .collect()
    }

    fn check(settings: Value, cases: &[Case]) {
        for cache_size in [4096, 3, 1, 0] {
            let mut campaign = CampaignAttribution::from_settings(&with_cache_size(settings.clone(), cache_size)).unwrap();
            for _ in 0..2 {
                for (query, expected) in cases {
                    let got = run(&mut campaign, event_of(*query));
                    let expected: Vec<(String, String)> = expected.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
                    assert_eq!(got, expected, "{query:?} (cache size {cache_size})");
                }
            }
            assert!(campaign.cache.len() <= cache_size);
        }
    }

    // Expected values: the Python reference (`CampaignAttribution.enrich` on {"page_urlquery": query}).
    const DEFAULT_CASES: &[Case] = &[
        (Some("utm_source=influencer&utm_medium=blog&utm_campaign=spring_offer"), &[("mkt_medium", "blog"), ("mkt_source", "influencer"), ("mkt_campaign", "spring_offer")]),
        (Some("gclid=abc"), &[("mkt_clickid", "abc"), ("mkt_network", "Google")]),
        (Some("utm_source="), &[]),
        (Some("utm_source=a&utm_source=b"), &[("mkt_source", "b")]),
        (Some("utm_source=a&utm_source="), &[]),
        (Some("utm%5Fsource=x"), &[]),
        (Some("utm%5Fsource=x&gclid=1"), &[("mkt_source", "x"), ("mkt_clickid", "1"), ("mkt_network", "Google")]),
        (Some("medium=cpc&source=bing&legacy_term=red+shoes&utm_content=banner%201&cid=c42&msclkid=ms-1&utm_source="), &[("mkt_content", "banner 1"), ("mkt_clickid", "ms-1"), ("mkt_network", "Microsoft")]),
        (Some("legacy_campaign=abc&utm_campaign=def"), &[("mkt_campaign", "def")]),
        (Some("legacy_campaign=abc"), &[]),
        (Some("cid=summer&utm_source=ignored"), &[("mkt_source", "ignored")]),
        (Some("msclkid=&gclid=g"), &[("mkt_clickid", "g"), ("mkt_network", "Google")]),
        (Some("gclid=&msclkid=m"), &[]),
        (Some("dclid=d"), &[("mkt_clickid", "d"), ("mkt_network", "DoubleClick")]),
        (Some("wbraid=abc"), &[]),
        (Some("msclkid=abc"), &[("mkt_clickid", "abc"), ("mkt_network", "Microsoft")]),
        (Some("xyzid=abc"), &[]),
        (Some("gbraid=1&wbraid=2"), &[]),
        (Some(""), &[]),
        (None, &[]),
        (Some("utm_source=%FF"), &[("mkt_source", "\u{fffd}")]),
        (Some("utm_source=a%0Ab%09c"), &[("mkt_source", "a\u{a}b\u{9}c")]),
        (Some("utm_source=a;utm_medium=b"), &[("mkt_source", "a;utm_medium=b")]),
        (Some("UTM_SOURCE=x"), &[]),
        (Some("xutm_source=1"), &[]),
        (Some("=x"), &[]),
        (Some("=x&utm_medium=m"), &[("mkt_medium", "m")]),
        (Some("utm_medium&utm_source=s"), &[("mkt_source", "s")]),
        (Some("&&&utm_term=%2B+t&&"), &[("mkt_term", "+ t")]),
        (Some("utm_campaign=a=b"), &[("mkt_campaign", "a=b")]),
        (Some("utm_content=%E2%82%C3%A9"), &[("mkt_content", "\u{fffd}\u{e9}")]),
        (Some("utm_medium=1&utm_medium=2&utm_medium=3&gclid=g1&gclid=g2"), &[("mkt_medium", "3"), ("mkt_clickid", "g2"), ("mkt_network", "Google")]),
    ];

    const SNOWPLOW_EXAMPLE_CASES: &[Case] = &[
        (Some("utm_source=influencer&utm_medium=blog&utm_campaign=spring_offer"), &[("mkt_medium", "blog"), ("mkt_source", "influencer"), ("mkt_campaign", "spring_offer")]),
        (Some("gclid=abc"), &[("mkt_clickid", "abc"), ("mkt_network", "Google")]),
        (Some("utm_source="), &[]),
        (Some("utm_source=a&utm_source=b"), &[("mkt_source", "b")]),
        (Some("utm_source=a&utm_source="), &[]),
        (Some("utm%5Fsource=x"), &[("mkt_source", "x")]),
        (Some("utm%5Fsource=x&gclid=1"), &[("mkt_source", "x"), ("mkt_clickid", "1"), ("mkt_network", "Google")]),
        (Some("medium=cpc&source=bing&legacy_term=red+shoes&utm_content=banner%201&cid=c42&msclkid=ms-1&utm_source="), &[("mkt_medium", "cpc"), ("mkt_term", "red shoes"), ("mkt_content", "banner 1"), ("mkt_campaign", "c42"), ("mkt_clickid", "ms-1"), ("mkt_network", "Microsoft")]),
        (Some("legacy_campaign=abc&utm_campaign=def"), &[("mkt_campaign", "def")]),
        (Some("legacy_campaign=abc"), &[("mkt_campaign", "abc")]),
        (Some("cid=summer&utm_source=ignored"), &[("mkt_source", "ignored"), ("mkt_campaign", "summer")]),
        (Some("msclkid=&gclid=g"), &[("mkt_clickid", "g"), ("mkt_network", "Google")]),
        (Some("gclid=&msclkid=m"), &[]),
        (Some("dclid=d"), &[("mkt_clickid", "d"), ("mkt_network", "DoubleClick")]),
        (Some("wbraid=abc"), &[]),
        (Some("msclkid=abc"), &[("mkt_clickid", "abc"), ("mkt_network", "Microsoft")]),
        (Some("xyzid=abc"), &[]),
        (Some("gbraid=1&wbraid=2"), &[]),
        (Some(""), &[]),
        (None, &[]),
        (Some("utm_source=%FF"), &[("mkt_source", "\u{fffd}")]),
        (Some("utm_source=a%0Ab%09c"), &[("mkt_source", "a\u{a}b\u{9}c")]),
        (Some("utm_source=a;utm_medium=b"), &[("mkt_source", "a;utm_medium=b")]),
        (Some("UTM_SOURCE=x"), &[]),
        (Some("xutm_source=1"), &[]),
        (Some("=x"), &[]),
        (Some("=x&utm_medium=m"), &[("mkt_medium", "m")]),
        (Some("utm_medium&utm_source=s"), &[("mkt_source", "s")]),
        (Some("&&&utm_term=%2B+t&&"), &[("mkt_term", "+ t")]),
        (Some("utm_campaign=a=b"), &[("mkt_campaign", "a=b")]),
        (Some("utm_content=%E2%82%C3%A9"), &[("mkt_content", "\u{fffd}\u{e9}")]),
        (Some("utm_medium=1&utm_medium=2&utm_medium=3&gclid=g1&gclid=g2"), &[("mkt_medium", "3"), ("mkt_clickid", "g2"), ("mkt_network", "Google")]),
    ];

    const CLICK_IDS_CASES: &[Case] = &[
        (Some("utm_source=influencer&utm_medium=blog&utm_campaign=spring_offer"), &[("mkt_medium", "blog"), ("mkt_source", "influencer"), ("mkt_campaign", "spring_offer")]),
        (Some("gclid=abc"), &[("mkt_clickid", "abc"), ("mkt_network", "Google")]),
        (Some("utm_source="), &[]),
        (Some("utm_source=a&utm_source=b"), &[("mkt_source", "b")]),
        (Some("utm_source=a&utm_source="), &[]),
        (Some("utm%5Fsource=x"), &[]),
        (Some("utm%5Fsource=x&gclid=1"), &[("mkt_source", "x"), ("mkt_clickid", "1"), ("mkt_network", "Google")]),
        (Some("medium=cpc&source=bing&legacy_term=red+shoes&utm_content=banner%201&cid=c42&msclkid=ms-1&utm_source="), &[("mkt_content", "banner 1"), ("mkt_clickid", "ms-1"), ("mkt_network", "NotMicrosoft")]),
        (Some("legacy_campaign=abc&utm_campaign=def"), &[("mkt_campaign", "def")]),
        (Some("legacy_campaign=abc"), &[]),
        (Some("cid=summer&utm_source=ignored"), &[("mkt_source", "ignored")]),
        (Some("msclkid=&gclid=g"), &[("mkt_clickid", "g"), ("mkt_network", "Google")]),
        (Some("gclid=&msclkid=m"), &[]),
        (Some("dclid=d"), &[("mkt_clickid", "d"), ("mkt_network", "DoubleClick")]),
        (Some("wbraid=abc"), &[("mkt_clickid", "abc"), ("mkt_network", "Google")]),
        (Some("msclkid=abc"), &[("mkt_clickid", "abc"), ("mkt_network", "NotMicrosoft")]),
        (Some("xyzid=abc"), &[("mkt_clickid", "abc"), ("mkt_network", "XYZ")]),
        (Some("gbraid=1&wbraid=2"), &[("mkt_clickid", "2"), ("mkt_network", "Google")]),
        (Some(""), &[]),
        (None, &[]),
        (Some("utm_source=%FF"), &[("mkt_source", "\u{fffd}")]),
        (Some("utm_source=a%0Ab%09c"), &[("mkt_source", "a\u{a}b\u{9}c")]),
        (Some("utm_source=a;utm_medium=b"), &[("mkt_source", "a;utm_medium=b")]),
        (Some("UTM_SOURCE=x"), &[]),
        (Some("xutm_source=1"), &[]),
        (Some("=x"), &[]),
        (Some("=x&utm_medium=m"), &[("mkt_medium", "m")]),
        (Some("utm_medium&utm_source=s"), &[("mkt_source", "s")]),
        (Some("&&&utm_term=%2B+t&&"), &[("mkt_term", "+ t")]),
        (Some("utm_campaign=a=b"), &[("mkt_campaign", "a=b")]),
        (Some("utm_content=%E2%82%C3%A9"), &[("mkt_content", "\u{fffd}\u{e9}")]),
        (Some("utm_medium=1&utm_medium=2&utm_medium=3&gclid=g1&gclid=g2"), &[("mkt_medium", "3"), ("mkt_clickid", "g2"), ("mkt_network", "Google")]),
    ];

    const OMNITURE_CASES: &[Case] = &[
        (Some("utm_source=influencer&utm_medium=blog&utm_campaign=spring_offer"), &[]),
        (Some("gclid=abc"), &[("mkt_clickid", "abc"), ("mkt_network", "Google")]),
        (Some("utm_source="), &[]),
        (Some("utm_source=a&utm_source=b"), &[]),
        (Some("utm_source=a&utm_source="), &[]),
        (Some("utm%5Fsource=x"), &[]),
        (Some("utm%5Fsource=x&gclid=1"), &[("mkt_clickid", "1"), ("mkt_network", "Google")]),
        (Some("medium=cpc&source=bing&legacy_term=red+shoes&utm_content=banner%201&cid=c42&msclkid=ms-1&utm_source="), &[("mkt_campaign", "c42"), ("mkt_clickid", "ms-1"), ("mkt_network", "Microsoft")]),
        (Some("legacy_campaign=abc&utm_campaign=def"), &[]),
        (Some("legacy_campaign=abc"), &[]),
        (Some("cid=summer&utm_source=ignored"), &[("mkt_campaign", "summer")]),
        (Some("msclkid=&gclid=g"), &[("mkt_clickid", "g"), ("mkt_network", "Google")]),
        (Some("gclid=&msclkid=m"), &[]),
        (Some("dclid=d"), &[("mkt_clickid", "d"), ("mkt_network", "DoubleClick")]),
        (Some("wbraid=abc"), &[]),
        (Some("msclkid=abc"), &[("mkt_clickid", "abc"), ("mkt_network", "Microsoft")]),
        (Some("xyzid=abc"), &[]),
        (Some("gbraid=1&wbraid=2"), &[]),
        (Some(""), &[]),
        (None, &[]),
        (Some("utm_source=%FF"), &[]),
        (Some("utm_source=a%0Ab%09c"), &[]),
        (Some("utm_source=a;utm_medium=b"), &[]),
        (Some("UTM_SOURCE=x"), &[]),
        (Some("xutm_source=1"), &[]),
        (Some("=x"), &[]),
        (Some("=x&utm_medium=m"), &[]),
        (Some("utm_medium&utm_source=s"), &[]),
        (Some("&&&utm_term=%2B+t&&"), &[]),
        (Some("utm_campaign=a=b"), &[]),
        (Some("utm_content=%E2%82%C3%A9"), &[]),
        (Some("utm_medium=1&utm_medium=2&utm_medium=3&gclid=g1&gclid=g2"), &[("mkt_clickid", "g2"), ("mkt_network", "Google")]),
    ];

    const EMPTY_NAME_CASES: &[Case] = &[
        (Some("utm_source=influencer&utm_medium=blog&utm_campaign=spring_offer"), &[("mkt_medium", "blog"), ("mkt_source", "influencer"), ("mkt_campaign", "spring_offer")]),
        (Some("gclid=abc"), &[("mkt_clickid", "abc"), ("mkt_network", "Google")]),
        (Some("utm_source="), &[]),
        (Some("utm_source=a&utm_source=b"), &[("mkt_source", "b")]),
        (Some("utm_source=a&utm_source="), &[]),
        (Some("utm%5Fsource=x"), &[("mkt_source", "x")]),
        (Some("utm%5Fsource=x&gclid=1"), &[("mkt_source", "x"), ("mkt_clickid", "1"), ("mkt_network", "Google")]),
        (Some("medium=cpc&source=bing&legacy_term=red+shoes&utm_content=banner%201&cid=c42&msclkid=ms-1&utm_source="), &[("mkt_content", "banner 1"), ("mkt_clickid", "ms-1"), ("mkt_network", "Microsoft")]),
        (Some("legacy_campaign=abc&utm_campaign=def"), &[("mkt_campaign", "def")]),
        (Some("legacy_campaign=abc"), &[]),
        (Some("cid=summer&utm_source=ignored"), &[("mkt_source", "ignored")]),
        (Some("msclkid=&gclid=g"), &[("mkt_clickid", "g"), ("mkt_network", "Google")]),
        (Some("gclid=&msclkid=m"), &[]),
        (Some("dclid=d"), &[("mkt_clickid", "d"), ("mkt_network", "DoubleClick")]),
        (Some("wbraid=abc"), &[]),
        (Some("msclkid=abc"), &[("mkt_clickid", "abc"), ("mkt_network", "Microsoft")]),
        (Some("xyzid=abc"), &[]),
        (Some("gbraid=1&wbraid=2"), &[]),
        (Some(""), &[]),
        (None, &[]),
        (Some("utm_source=%FF"), &[("mkt_source", "\u{fffd}")]),
        (Some("utm_source=a%0Ab%09c"), &[("mkt_source", "a\u{a}b\u{9}c")]),
        (Some("utm_source=a;utm_medium=b"), &[("mkt_source", "a;utm_medium=b")]),
        (Some("UTM_SOURCE=x"), &[]),
        (Some("xutm_source=1"), &[]),
        (Some("=x"), &[("mkt_medium", "x")]),
        (Some("=x&utm_medium=m"), &[("mkt_medium", "x")]),
        (Some("utm_medium&utm_source=s"), &[("mkt_source", "s")]),
        (Some("&&&utm_term=%2B+t&&"), &[("mkt_term", "+ t")]),
        (Some("utm_campaign=a=b"), &[("mkt_campaign", "a=b")]),
        (Some("utm_content=%E2%82%C3%A9"), &[("mkt_content", "\u{fffd}\u{e9}")]),
        (Some("utm_medium=1&utm_medium=2&utm_medium=3&gclid=g1&gclid=g2"), &[("mkt_medium", "3"), ("mkt_clickid", "g2"), ("mkt_network", "Google")]),
    ];

    #[test]
    fn the_default_fields_as_python() {
        check(default_settings(), DEFAULT_CASES);
    }

    #[test]
    fn snowplows_example_config_as_python() {
        check(snowplow_example_settings(), SNOWPLOW_EXAMPLE_CASES);
    }

    #[test]
    fn configured_click_ids_as_python() {
        check(click_ids_settings(), CLICK_IDS_CASES);
    }

    #[test]
    fn omnitures_cid_alone_as_python() {
        check(omniture_settings(), OMNITURE_CASES);
    }

    #[test]
    fn an_empty_parameter_name_as_python() {
        // "" is in every querystring: Python's search for the names always finds it
        check(empty_name_settings(), EMPTY_NAME_CASES);
    }

    #[test]
    fn huge_querystrings_and_values() {
        let mut campaign = CampaignAttribution::from_settings(&default_settings()).unwrap();
        // Python: [('mkt_campaign', 'big')]
        let query = format!("{}utm_campaign=big", "a=1&".repeat(50_000));
        assert_eq!(run(&mut campaign, event_of(Some(&query))), [("mkt_campaign".to_string(), "big".to_string())]);
        // Python: mkt_term of 200,000 characters
        let value = "x".repeat(200_000);
        let query = format!("utm_term={value}");
        assert_eq!(run(&mut campaign, event_of(Some(&query))), [("mkt_term".to_string(), value)]);
        // a querystring longer than the cache's share is not kept
        let query = format!("utm_term={}", "y".repeat(CACHE_BYTES));
        assert_eq!(run(&mut campaign, event_of(Some(&query))).len(), 1);
        assert!(campaign.cache_bytes <= CACHE_BYTES && !campaign.cache.contains_key(&query));
    }

    #[test]
    fn fields_already_set_keep_their_place() {
        // Python: {"mkt_source": "old", "page_url": "u", "page_urlquery": q} gives the keys
        // ['mkt_source', 'page_url', 'page_urlquery', 'mkt_medium'], mkt_source "new"
        let mut campaign = CampaignAttribution::from_settings(&default_settings()).unwrap();
        let mut event = Event::default();
        event.insert("mkt_source", FieldValue::Str("old".to_string()));
        event.insert("page_url", FieldValue::Str("u".to_string()));
        event.insert("page_urlquery", FieldValue::Str("utm_source=new&utm_medium=m".to_string()));
        let parameters = Parameters::default();
        let payload = CollectorPayload::default();
        assert!(campaign.enrich(&mut event, &RawEvent { parameters: &parameters, payload: &payload }).is_empty());
        assert_eq!(event.keys().copied().collect::<Vec<_>>(), ["mkt_source", "page_url", "page_urlquery", "mkt_medium"]);
        assert_eq!(event["mkt_source"], FieldValue::Str("new".to_string()));
    }

    #[test]
    fn many_names_without_a_regular_expression() {
        // many names; and the names searched one by one (when there are too many for one regular expression)
        let names: Vec<String> = (0..1000).map(|n| format!("p{n}_{}", "n".repeat(100))).collect();
        let candidates = Candidates::new(names.clone());
        let query = format!("a=1&{}=2", names[432]);
        assert!(candidates.found_in(&query) && !candidates.found_in("a=1&p1=2"));
        assert!(Candidates::Names(names.clone()).found_in(&query) && !Candidates::Names(names).found_in("a=1&p1=2"));
        assert!(!Candidates::new(Vec::new()).found_in("a=1"));
    }

    /// Not from Python: a page_urlquery of a type the mapping never gives it is read as absent.
    #[test]
    fn a_query_that_is_not_text_is_absent() {
        let mut campaign = CampaignAttribution::from_settings(&default_settings()).unwrap();
        let mut event = event_of(None);
        event.insert("page_urlquery", FieldValue::Json(json!("utm_source=x")));
        assert!(run(&mut campaign, event).is_empty());
    }

    #[test]
    fn bad_settings_are_errors() {
        for bad in [
            json!(null),
            json!({}),
            json!({"fields": google()}),
            json!({"fields": [["mkt_other", ["a"]]], "click_ids": []}),
            json!({"fields": [["mkt_medium", "a"]], "click_ids": []}),
            json!({"fields": [["mkt_medium", [1]]], "click_ids": []}),
            json!({"fields": [["mkt_medium"]], "click_ids": []}),
            json!({"fields": [], "click_ids": [["gclid"]]}),
            json!({"fields": [], "click_ids": [["gclid", 1]]}),
            json!({"fields": [], "click_ids": {"gclid": "Google"}}),
            json!({"fields": [], "click_ids": [], "cache_size": "1"}),
        ] {
            assert!(CampaignAttribution::from_settings(&bad).is_err(), "{bad}");
        }
        assert!(CampaignAttribution::from_settings(&json!({"fields": [], "click_ids": []})).is_ok());
    }
}
