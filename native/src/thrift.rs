//! Bounded reader of Thrift CollectorPayload records.
