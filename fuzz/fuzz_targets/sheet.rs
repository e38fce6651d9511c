#![no_main]
//! `cargo fuzz run sheet`: a RACI spreadsheet (CSV, .xlsx, or a mapping file then CSV) through
//! `raci-sim import`, and what imports exported and imported again; see docs/spreadsheets.md.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| raci_sim::fuzzing::fuzz_sheet(data));
