#![no_main]
//! `cargo fuzz run baseline`: see docs/lint.md, "Hostile input".

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| raci_sim::fuzzing::fuzz_baseline(data));
