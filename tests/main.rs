//! The one integration-test binary (links once).

mod alloc;
mod cases;
mod common;
mod determinism;
mod invalid;
mod limits;
mod queueing;

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;
