//! HMAC-SHA256 pseudonyms.
