//! The 131 fields of the enriched event (the port of `FIELDS` in `transforms/atomic.py`): their names in the
//! canonical order (the enriched TSV, the Parquet columns and the warehouse tables follow it), their logical
//! types and the maxLength of `atomic/jsonschema/1-0-0`, with the bounds that the typed fields share.

use std::sync::OnceLock;

use crate::event::NameMap;
use crate::good_events::Kind;

/// One canonical field: name, logical type and the maxLength (in code points) of atomic/jsonschema/1-0-0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub max_length: Option<usize>,
}

const fn def(name: &'static str, kind: Kind, max_length: Option<usize>) -> Field {
    Field { name, kind, max_length }
}

/// How many canonical fields there are.
pub const FIELD_COUNT: usize = 131;

/// Snowplow's decimal fields (monetary values, `se_value`) hold at most 20 digits before the point and 18 after
/// it: exactly what `decimal128(38, 18)` holds.
pub const DECIMAL_DIGITS: (usize, usize) = (20, 18);

/// Timestamps an event may hold: years 1 to 9999 (what the warehouses and Parquet readers accept), in
/// milliseconds since the epoch; `MAX_TIMESTAMP_MS` is excluded.
pub const MIN_TIMESTAMP_MS: i64 = -62_135_596_800_000;
pub const MAX_TIMESTAMP_MS: i64 = 253_402_300_800_000;

/// The canonical fields, in order.
pub const FIELDS: [Field; FIELD_COUNT] = [
    def("app_id", Kind::String, Some(255)),
    def("platform", Kind::String, Some(255)),
    def("etl_tstamp", Kind::Timestamp, None),
    def("collector_tstamp", Kind::Timestamp, None),
    def("dvce_created_tstamp", Kind::Timestamp, None),
    def("event", Kind::String, Some(128)),
    def("event_id", Kind::String, Some(36)),
    def("txn_id", Kind::Int, None),
    def("name_tracker", Kind::String, Some(128)),
    def("v_tracker", Kind::String, Some(100)),
    def("v_collector", Kind::String, Some(100)),
    def("v_etl", Kind::String, Some(100)),
    def("user_id", Kind::String, Some(255)),
    def("user_ipaddress", Kind::String, Some(128)),
    def("user_fingerprint", Kind::String, Some(128)),
    def("domain_userid", Kind::String, Some(128)),
    def("domain_sessionidx", Kind::Int, None),
    def("network_userid", Kind::String, Some(128)),
    def("geo_country", Kind::String, Some(2)),
    def("geo_region", Kind::String, Some(3)),
    def("geo_city", Kind::String, Some(75)),
    def("geo_zipcode", Kind::String, Some(15)),
    def("geo_latitude", Kind::Float, None),
    def("geo_longitude", Kind::Float, None),
    def("geo_region_name", Kind::String, Some(100)),
    def("ip_isp", Kind::String, Some(100)),
    def("ip_organization", Kind::String, Some(128)),
    def("ip_domain", Kind::String, Some(128)),
    def("ip_netspeed", Kind::String, Some(100)),
    def("page_url", Kind::String, Some(4096)),
    def("page_title", Kind::String, Some(2000)),
    def("page_referrer", Kind::String, Some(4096)),
    def("page_urlscheme", Kind::String, Some(16)),
    def("page_urlhost", Kind::String, Some(255)),
    def("page_urlport", Kind::Int, None),
    def("page_urlpath", Kind::String, Some(3000)),
    def("page_urlquery", Kind::String, Some(6000)),
    def("page_urlfragment", Kind::String, Some(3000)),
    def("refr_urlscheme", Kind::String, Some(16)),
    def("refr_urlhost", Kind::String, Some(255)),
    def("refr_urlport", Kind::Int, None),
    def("refr_urlpath", Kind::String, Some(6000)),
    def("refr_urlquery", Kind::String, Some(6000)),
    def("refr_urlfragment", Kind::String, Some(3000)),
    def("refr_medium", Kind::String, Some(25)),
    def("refr_source", Kind::String, Some(50)),
    def("refr_term", Kind::String, Some(255)),
    def("mkt_medium", Kind::String, Some(255)),
    def("mkt_source", Kind::String, Some(255)),
    def("mkt_term", Kind::String, Some(255)),
    def("mkt_content", Kind::String, Some(500)),
    def("mkt_campaign", Kind::String, Some(255)),
    def("contexts", Kind::Json, None),
    def("se_category", Kind::String, Some(1000)),
    def("se_action", Kind::String, Some(1000)),
    def("se_label", Kind::String, Some(4096)),
    def("se_property", Kind::String, Some(1000)),
    def("se_value", Kind::Decimal, None),
    def("unstruct_event", Kind::Json, None),
    def("tr_orderid", Kind::String, Some(255)),
    def("tr_affiliation", Kind::String, Some(255)),
    def("tr_total", Kind::Decimal, None),
    def("tr_tax", Kind::Decimal, None),
    def("tr_shipping", Kind::Decimal, None),
    def("tr_city", Kind::String, Some(255)),
    def("tr_state", Kind::String, Some(255)),
    def("tr_country", Kind::String, Some(255)),
    def("ti_orderid", Kind::String, Some(255)),
    def("ti_sku", Kind::String, Some(255)),
    def("ti_name", Kind::String, Some(255)),
    def("ti_category", Kind::String, Some(255)),
    def("ti_price", Kind::Decimal, None),
    def("ti_quantity", Kind::Int, None),
    def("pp_xoffset_min", Kind::Int, None),
    def("pp_xoffset_max", Kind::Int, None),
    def("pp_yoffset_min", Kind::Int, None),
    def("pp_yoffset_max", Kind::Int, None),
    def("useragent", Kind::String, Some(1000)),
    def("br_name", Kind::String, Some(50)),
    def("br_family", Kind::String, Some(50)),
    def("br_version", Kind::String, Some(50)),
    def("br_type", Kind::String, Some(50)),
    def("br_renderengine", Kind::String, Some(50)),
    def("br_lang", Kind::String, Some(255)),
    def("br_features_pdf", Kind::Bool, None),
    def("br_features_flash", Kind::Bool, None),
    def("br_features_java", Kind::Bool, None),
    def("br_features_director", Kind::Bool, None),
    def("br_features_quicktime", Kind::Bool, None),
    def("br_features_realplayer", Kind::Bool, None),
    def("br_features_windowsmedia", Kind::Bool, None),
    def("br_features_gears", Kind::Bool, None),
    def("br_features_silverlight", Kind::Bool, None),
    def("br_cookies", Kind::Bool, None),
    def("br_colordepth", Kind::String, Some(12)),
    def("br_viewwidth", Kind::Int, None),
    def("br_viewheight", Kind::Int, None),
    def("os_name", Kind::String, Some(50)),
    def("os_family", Kind::String, Some(50)),
    def("os_manufacturer", Kind::String, Some(50)),
    def("os_timezone", Kind::String, Some(255)),
    def("dvce_type", Kind::String, Some(50)),
    def("dvce_ismobile", Kind::Bool, None),
    def("dvce_screenwidth", Kind::Int, None),
    def("dvce_screenheight", Kind::Int, None),
    def("doc_charset", Kind::String, Some(128)),
    def("doc_width", Kind::Int, None),
    def("doc_height", Kind::Int, None),
    def("tr_currency", Kind::String, Some(3)),
    def("tr_total_base", Kind::Decimal, None),
    def("tr_tax_base", Kind::Decimal, None),
    def("tr_shipping_base", Kind::Decimal, None),
    def("ti_currency", Kind::String, Some(3)),
    def("ti_price_base", Kind::Decimal, None),
    def("base_currency", Kind::String, Some(3)),
    def("geo_timezone", Kind::String, Some(64)),
    def("mkt_clickid", Kind::String, Some(128)),
    def("mkt_network", Kind::String, Some(64)),
    def("etl_tags", Kind::String, Some(500)),
    def("dvce_sent_tstamp", Kind::Timestamp, None),
    def("refr_domain_userid", Kind::String, Some(128)),
    def("refr_dvce_tstamp", Kind::Timestamp, None),
    def("derived_contexts", Kind::Json, None),
    def("domain_sessionid", Kind::String, Some(128)),
    def("derived_tstamp", Kind::Timestamp, None),
    def("event_vendor", Kind::String, Some(1000)),
    def("event_name", Kind::String, Some(1000)),
    def("event_format", Kind::String, Some(128)),
    def("event_version", Kind::String, Some(128)),
    def("event_fingerprint", Kind::String, Some(128)),
    def("true_tstamp", Kind::Timestamp, None),
];

/// The UTC calendar fields of milliseconds since the epoch: (year, month, day, hour, minute, second, millisecond)
/// (Howard Hinnant's days_from_civil, inverted; any year, proleptic Gregorian).
pub fn civil(millis: i64) -> (i64, i64, i64, i64, i64, i64, i64) {
    let days = millis.div_euclid(86_400_000);
    let in_day = millis.rem_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day, in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60, in_day % 1000)
}

/// The position of a field in [`FIELDS`] (a hash lookup: it runs for every field of every event).
pub fn field_index(name: &str) -> Option<usize> {
    static INDEX: OnceLock<NameMap<&'static str, usize>> = OnceLock::new();
    INDEX.get_or_init(|| FIELDS.iter().enumerate().map(|(at, field)| (field.name, at)).collect()).get(name).copied()
}

/// The field called `name`.
pub fn field(name: &str) -> Option<&'static Field> {
    field_index(name).and_then(|at| FIELDS.get(at))
}

/// The maxLength of a field, if it has one.
pub fn max_length(name: &str) -> Option<usize> {
    field(name).and_then(|field| field.max_length)
}

/// Snowplow's cleaning of free text an event takes from a header or a URL (the user agent, a referer's search
/// term, a cross-navigation user id): a tab becomes four spaces, line breaks (`\n`, `\r`) are dropped.
pub fn fix_tabs_newlines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push_str("    "),
            '\n' | '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_131_fields_in_order() {
        // tests/test_atomic.py: the order is the contract
        assert_eq!(FIELDS.len(), 131);
        assert_eq!((FIELDS[0].name, FIELDS[130].name), ("app_id", "true_tstamp"));
        assert_eq!(
            (field_index("contexts"), field_index("unstruct_event"), field_index("derived_contexts")),
            (Some(52), Some(58), Some(122))
        );
        let mut names: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 131);
        assert_eq!(field_index("nope"), None);
    }

    #[test]
    fn types_and_max_lengths() {
        assert_eq!(field("page_urlport"), Some(&Field { name: "page_urlport", kind: Kind::Int, max_length: None }));
        assert_eq!(field("se_value").map(|f| f.kind), Some(Kind::Decimal));
        assert_eq!(field("derived_tstamp").map(|f| f.kind), Some(Kind::Timestamp));
        assert_eq!(field("br_cookies").map(|f| f.kind), Some(Kind::Bool));
        assert_eq!(field("geo_latitude").map(|f| f.kind), Some(Kind::Float));
        assert_eq!(field("contexts").map(|f| f.kind), Some(Kind::Json));
        assert_eq!(
            (max_length("app_id"), max_length("page_url"), max_length("refr_urlpath"), max_length("tr_currency")),
            (Some(255), Some(4096), Some(6000), Some(3))
        );
        assert_eq!((max_length("txn_id"), max_length("unknown")), (None, None));
        // every field that has a maxLength is a string field, every string field has one
        for f in FIELDS {
            assert_eq!(f.max_length.is_some(), f.kind == Kind::String, "{}", f.name);
        }
        assert_eq!(FIELDS.iter().filter(|f| f.max_length.is_some()).count(), 84);
    }

    #[test]
    fn fix_tabs_newlines_as_snowplow_cleans_free_text() {
        assert_eq!(fix_tabs_newlines("a\tb\r\nc\nd\re"), "a    bcde");
        assert_eq!(fix_tabs_newlines("\r\n"), "");
        assert_eq!(fix_tabs_newlines("plain"), "plain");
        assert_eq!(fix_tabs_newlines("é\tü"), "é    ü");
    }
}
