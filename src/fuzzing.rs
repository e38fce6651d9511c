//! Robustness harness: drives any bytes through the loaders, validation, lint and a short
//! simulation, and mutates valid files into hostile ones. Used by `examples/fuzz.rs` (long runs,
//! crashes saved to tests/hostile/) and by tests (fixed seeds, and every corpus file as a
//! regression test). Nothing here may panic on any input: that is what it checks.

use rand::{Rng, RngExt};

use crate::batch::{run_batch, BatchOptions};
use crate::library::{load_model, load_scenario, parse_model, parse_scenario};
use crate::lint::lint;

/// Events a fuzzed run may take: enough to exercise the engine, small enough to stay fast.
pub const FUZZ_MAX_EVENTS: u64 = 200_000;

/// What an input did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub scenario_ok: bool,
    pub model_ok: bool,
    pub simulated: bool,
    pub sim_error: bool,
}

/// Loads `bytes` as a scenario and as a model; lints and briefly simulates whatever loads,
/// paired with a shipped counterpart. Errors are fine; a panic is the bug being looked for.
pub fn check(bytes: &[u8]) -> Outcome {
    let mut out = Outcome::default();
    let Ok(text) = std::str::from_utf8(bytes) else {
        // The loaders read UTF-8 text; bytes that are not are rejected before parsing.
        return out;
    };
    let shipped_model = load_model("split-iam-security").expect("shipped model loads");
    let shipped_scenario = load_scenario("replayed-token").expect("shipped scenario loads");
    let opts = BatchOptions {
        first: 0,
        runs: 2,
        seed: 1,
        keep_runs: true,
        max_events: FUZZ_MAX_EVENTS,
    };
    if let Ok(s) = parse_scenario("fuzz.ron", text) {
        out.scenario_ok = true;
        let _ = lint(
            &shipped_model,
            "split-iam-security.ron",
            crate::library::MODELS[0].text,
            std::slice::from_ref(&s),
        );
        match run_batch(&s, &shipped_model, opts, |_| {}) {
            Ok(_) => out.simulated = true,
            Err(_) => out.sim_error = true,
        }
    }
    if let Ok(m) = parse_model("fuzz.ron", text) {
        out.model_ok = true;
        let _ = lint(
            &m,
            "fuzz.ron",
            text,
            std::slice::from_ref(&shipped_scenario),
        );
        match run_batch(&shipped_scenario, &m, opts, |_| {}) {
            Ok(_) => out.simulated = true,
            Err(_) => out.sim_error = true,
        }
    }
    out
}

/// Values that break naive code: zero, negative, huge, fractional, non-numbers, odd durations.
const EDGE_TOKENS: &[&str] = &[
    "0",
    "-1",
    "1",
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "1e309",
    "-0.0",
    "NaN",
    "inf",
    "0.5",
    "1.5",
    "\"0s\"",
    "\"-5m\"",
    "\"99999999999d\"",
    "\"1s\"",
    "\"3650d\"",
    "\"\"",
    "\"x\"",
    "[]",
    "{}",
    "()",
    "None",
    "Some(\"a\")",
    "true",
];

/// One random edit of `input`, drawing splices from `corpus`.
pub fn mutate<R: Rng>(rng: &mut R, input: &[u8], corpus: &[&[u8]]) -> Vec<u8> {
    let mut v = input.to_vec();
    if v.is_empty() {
        v.push(b'(');
    }
    let pos = rng.random_range(0..v.len());
    match rng.random_range(0..9u32) {
        // flip a byte
        0 => v[pos] = rng.random::<u8>(),
        // delete a range
        1 => {
            let end = (pos + rng.random_range(1..64usize)).min(v.len());
            v.drain(pos..end);
        }
        // duplicate a range
        2 => {
            let end = (pos + rng.random_range(1..256usize)).min(v.len());
            let piece = v[pos..end].to_vec();
            let at = rng.random_range(0..=v.len());
            v.splice(at..at, piece);
        }
        // splice from another file
        3 => {
            let other = corpus[rng.random_range(0..corpus.len())];
            if !other.is_empty() {
                let a = rng.random_range(0..other.len());
                let b = (a + rng.random_range(1..512usize)).min(other.len());
                let end = (pos + rng.random_range(0..128usize)).min(v.len());
                v.splice(pos..end, other[a..b].iter().copied());
            }
        }
        // replace a number or a quoted string with an edge value
        4 | 5 => {
            let start = (pos..v.len()).find(|&i| v[i].is_ascii_digit() || v[i] == b'"');
            if let Some(s) = start {
                let end = if v[s] == b'"' {
                    (s + 1..v.len())
                        .find(|&i| v[i] == b'"')
                        .map_or(v.len(), |e| e + 1)
                } else {
                    (s..v.len())
                        .find(|&i| !(v[i].is_ascii_digit() || v[i] == b'.'))
                        .unwrap_or(v.len())
                };
                let token = EDGE_TOKENS[rng.random_range(0..EDGE_TOKENS.len())];
                v.splice(s..end, token.bytes());
            }
        }
        // swap an identifier-ish word for another from the text
        6 => {
            let words: Vec<(usize, usize)> = word_spans(&v);
            if words.len() > 1 {
                let (a0, a1) = words[rng.random_range(0..words.len())];
                let (b0, b1) = words[rng.random_range(0..words.len())];
                let word = v[b0..b1].to_vec();
                v.splice(a0..a1, word);
            }
        }
        // deep nesting
        7 => {
            let depth = rng.random_range(1..2000usize);
            let open = if rng.random_bool(0.5) { b'[' } else { b'(' };
            let piece: Vec<u8> = std::iter::repeat_n(open, depth).collect();
            v.splice(pos..pos, piece);
        }
        // repeat a list element many times (many stages, many teams)
        _ => {
            if let Some(s) = (pos..v.len()).find(|&i| v[i] == b'(') {
                if let Some(e) = (s..v.len()).find(|&i| v[i] == b')') {
                    let piece = v[s..=e].to_vec();
                    let n = rng.random_range(1..300usize);
                    let mut rep = Vec::with_capacity(piece.len() * n + n);
                    for _ in 0..n {
                        rep.extend_from_slice(&piece);
                        rep.push(b',');
                    }
                    v.splice(e + 1..e + 1, rep.into_iter().chain([b',']));
                }
            }
        }
    }
    v.truncate(crate::input::MAX_INPUT_BYTES + 1024);
    v
}

fn word_spans(v: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < v.len() {
        if v[i].is_ascii_alphabetic() {
            let s = i;
            while i < v.len() && (v[i].is_ascii_alphanumeric() || v[i] == b'_') {
                i += 1;
            }
            out.push((s, i));
        } else {
            i += 1;
        }
    }
    out
}
