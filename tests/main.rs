//! The one integration-test binary (links once).

mod alloc;
mod cases;
mod claims;
mod common;
mod determinism;
mod eventlog;
mod findings;
mod handouts;
mod hostile_text;
mod invalid;
mod library;
mod limits;
mod lint;
mod queueing;
mod report;
mod report_size;
mod robustness;
mod study;
mod tabletop;

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;
