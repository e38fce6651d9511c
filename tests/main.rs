//! The one integration-test binary (links once).

mod alloc;
mod bounded;
mod cases;
mod claims;
mod common;
mod determinism;
mod eventlog;
mod findings;
mod invalid;
mod library;
mod limits;
mod lint;
mod queueing;
mod report;
mod robustness;
mod study;
mod tabletop;

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;
