#![no_main]
//! `cargo fuzz run model`: see docs/lint.md, "Hostile input".

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| raci_sim::fuzzing::fuzz_model(data));
