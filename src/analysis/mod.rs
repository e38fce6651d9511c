//! From runs to answers: summaries with censored percentiles (`summary`), paired statistics
//! (`stats`), verdicts with practical significance and power (`verdict`), every model on every scenario with common random numbers (`compare`), the overall decision (`decision`), a study
//! resolved into a plan (`plan`) and its sweep rows (`sweep`), shards checked and merged
//! (`shard`), CI gates (`gate`) and static checks of a model (`lint`).

pub mod compare;
pub mod consequence;
pub mod decision;
pub mod gate;
pub mod improve;
pub mod lint;
pub mod plan;
pub mod shard;
pub mod stats;
pub mod summary;
pub mod sweep;
pub mod verdict;
