//! From runs to answers: summaries with censored percentiles (`summary`), paired statistics
//! (`stats`), every model on every scenario with common random numbers (`compare`), a study
//! resolved into a plan (`plan`) and its sweep rows (`sweep`), shards checked and merged
//! (`shard`), CI gates (`gate`) and static checks of a model (`lint`).

pub mod compare;
pub mod consequence;
pub mod gate;
pub mod lint;
pub mod plan;
pub mod shard;
pub mod stats;
pub mod summary;
pub mod sweep;
