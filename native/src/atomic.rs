//! The 131 fields of the enriched event.
