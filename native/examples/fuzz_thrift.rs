//! A mutation fuzzer of the Thrift decoder and the base64 line reader, without Python:
//!
//!     cd native && cargo run --release --example fuzz_thrift -- SECONDS [SEED]
//!
//! Seeds are valid payloads of several shapes; each input is a seed mutated (bit flips, truncation, insertion,
//! length fields set to extremes, nested containers, duplicated spans) or random bytes. Checked on every input:
//! no panic, and a decoded payload re-encodes to bytes that decode to the same payload. (cargo-fuzz needs a
//! nightly toolchain, which this project does not require.)

use std::time::{Duration, Instant};

use snowplow_native::thrift::{decode_base64_line, decode_payload, CollectorPayload, SCHEMA_PREFIX};

/// xorshift64*: deterministic for a seed, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let base = CollectorPayload {
        schema: Some(format!("{SCHEMA_PREFIX}0-0")),
        ip_address: Some("203.0.113.9".into()),
        timestamp: Some(1_764_320_400_000),
        encoding: Some("UTF-8".into()),
        collector: Some("ssc-3.2.0-kinesis".into()),
        path: Some("/com.snowplowanalytics.snowplow/tp2".into()),
        querystring: Some("e=pv&aid=a".into()),
        body: Some(br#"{"schema":"iglu:x","data":[{"e":"pv"}]}"#.to_vec()),
        headers: Some(vec!["Host: c.example.com".into(), "Cookie: sp=1".into()]),
        content_type: Some("application/json".into()),
        hostname: Some("c.example.com".into()),
        network_user_id: Some("7d4a4ec8-6d36-4a14-a1a5-34b4a1c1e0f9".into()),
        user_agent: Some("Mozilla/5.0".into()),
        referer_uri: Some("https://a.example/".into()),
    };
    let mut minimal = base.clone();
    minimal.body = None;
    minimal.headers = Some(vec![]);
    let mut unknown = base.encode();
    unknown.pop();
    unknown.extend_from_slice(&[12, 0, 7, 15, 0, 1, 13, 0, 0, 0, 2, 10, 11, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    unknown.push(0);
    vec![base.encode(), minimal.encode(), unknown]
}

fn mutate(rng: &mut Rng, mut data: Vec<u8>) -> Vec<u8> {
    for _ in 0..=rng.below(6) {
        let len = data.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => data.truncate(rng.below(len)),
            2 => {
                let at = rng.below(len + 1);
                let extra: Vec<u8> = (0..=rng.below(8)).map(|_| rng.next() as u8).collect();
                data.splice(at..at, extra);
            }
            3 if len > 4 => {
                let i = rng.below(len - 4);
                let value: [u8; 4] = [[0x7f, 0xff, 0xff, 0xff], [0xff; 4], [0; 4], [0, 0, 0x10, 0]][rng.below(4)];
                data[i..i + 4].copy_from_slice(&value);
            }
            4 if len > 0 => {
                let i = rng.below(len);
                data[i] = [0, 1, 2, 3, 4, 6, 8, 10, 11, 12, 13, 14, 15, 16, 255][rng.below(15)];
            }
            5 if len > 0 => {
                let i = rng.below(len);
                let j = i + rng.below(len - i + 1);
                let span = data[i..j].to_vec();
                data.splice(j..j, span);
            }
            _ => {
                let at = rng.below(len + 1);
                let nested: Vec<u8> = (0..=rng.below(90)).flat_map(|_| [12 + (rng.next() % 4) as u8, 0, 1]).collect();
                data.splice(at..at, nested);
            }
        }
    }
    data
}

fn check(data: &[u8]) {
    if let Ok(payload) = decode_payload(data) {
        assert_eq!(decode_payload(&payload.encode()), Ok(payload), "a decoded payload must re-encode to itself");
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let mut rng = Rng(args.next().and_then(|a| a.parse().ok()).unwrap_or(0x9e37_79b9_7f4a_7c15) | 1);
    let seeds = seeds();
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t\r\n\x0b\x1c\x85\xa0-_";
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut inputs, mut decoded) = (0u64, 0u64);
    while Instant::now() < deadline {
        for _ in 0..1000 {
            let data = if rng.below(8) == 0 {
                (0..rng.below(64)).map(|_| rng.next() as u8).collect()
            } else {
                let seed = seeds[rng.below(seeds.len())].clone();
                mutate(&mut rng, seed)
            };
            check(&data);
            decoded += u64::from(decode_payload(&data).is_ok());
            let line: Vec<u8> = (0..rng.below(48)).map(|_| alphabet[rng.below(alphabet.len())]).collect();
            let _ = decode_base64_line(&line);
            inputs += 2;
        }
    }
    println!("{inputs} inputs in {seconds} s ({decoded} decoded payloads), no panic, every decoded payload re-encodes");
}
