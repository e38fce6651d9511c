//! The one integration-test binary (links once).

mod alloc;
mod attack;
mod bounded;
mod calendar_cases;
mod cases;
mod ci_examples;
mod claims;
mod cluster_docs;
mod common;
mod crash_safety;
mod data_files;
mod determinism;
mod eventlog;
mod findings;
mod gate_exits;
mod gates;
mod golden;
mod handouts;
mod hostile_text;
mod incidents;
mod invalid;
mod library;
mod limits;
mod lint;
mod lint_response;
mod output_safety;
mod phases;
mod plots;
mod progress;
mod provenance;
mod queueing;
mod raci_report;
mod report;
mod report_size;
mod response;
mod robustness;
mod row_waits;
mod severity_cases;
mod shards;
mod sources;
mod study;
mod tabletop;
mod terminal;
mod verdicts;

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;
