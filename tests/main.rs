//! The one integration-test binary (links once).

mod cases;
mod common;
mod determinism;
mod invalid;
mod limits;
mod queueing;
