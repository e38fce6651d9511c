//! The recommended change under moved calibration assumptions (the tornado).

use super::Sensitivity;
use crate::analysis::verdict::Practical;
use crate::engine::SimError;
use crate::input::{Model, Scenario};

/// The recommended change (`recommended` against `original`) with each calibration assumption
/// moved to the ends of its documented range, on `runs` runs per scenario.
pub fn sensitivity(
    _scenarios: &[Scenario],
    _original: &Model,
    _recommended: &Model,
    _seed: u64,
    _runs: u64,
    _practical: &Practical,
    _max_events: u64,
) -> Result<Sensitivity, SimError> {
    todo!("helper B")
}
