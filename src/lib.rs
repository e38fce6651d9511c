//! raci-sim: an offline tabletop simulator and ownership-model tester for identity threat
//! response. Data flows one way: files -> validated inputs (`input`) -> engine (`engine`) ->
//! per-run metrics (`metrics`) -> aggregates (`summary`) -> exporters (`report`).

pub mod compare;
pub mod domain;
pub mod duration;
pub mod engine;
pub mod eventlog;
pub mod export;
pub mod fuzzing;
pub mod gate;
pub mod input;
pub mod library;
pub mod lint;
pub mod plan;
pub mod report;
pub mod ronpath;
pub mod shard;
pub mod stats;
pub mod study;
pub mod summary;
pub mod sweep;
pub mod tabletop;
