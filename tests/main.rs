//! The one integration-test binary (links once).

mod alloc;
mod bounded;
mod cases;
mod claims;
mod common;
mod crash_safety;
mod determinism;
mod eventlog;
mod findings;
mod golden;
mod handouts;
mod hostile_text;
mod invalid;
mod library;
mod limits;
mod lint;
mod output_safety;
mod phases;
mod queueing;
mod report;
mod report_size;
mod robustness;
mod shards;
mod study;
mod tabletop;

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;
