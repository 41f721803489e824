//! The per-event core of the pipeline. Pure Rust, tested with `cargo test`; the Python bindings
//! (feature `python`, built by `setup.py` as `snowplow_beam.transforms.native`) are in [`python`].
//!
//! Nothing here panics on event data: every function that reads a record or an event returns a
//! `Result`, and the bindings turn a panic that escapes anyway into a Python exception.

pub mod adapters;
pub mod atomic;
pub mod enrich;
pub mod enrichments;
pub mod event;
pub mod good_events;
pub mod iglu_key;
pub mod json;
pub mod pseudonym;
pub mod python_text;
pub mod querystring;
pub mod thrift;
pub mod validate;

#[cfg(feature = "python")]
mod python;

/// The extension's allocator: the per-event path makes and frees many small strings and maps, which glibc's malloc
/// serves slowly (freeing a batch of good events cost about 10 µs per event).
#[cfg(feature = "python")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
