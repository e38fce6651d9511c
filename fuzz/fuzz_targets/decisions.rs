#![no_main]
//! `cargo fuzz run decisions`: a filled-in decision capture sheet (CSV or RON) read against a
//! fixed pack and replayed; see docs/lint.md, "Hostile input".

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| raci_sim::fuzzing::fuzz_decisions(data));
