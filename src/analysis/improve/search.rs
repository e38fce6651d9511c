//! The whole search, one pass down the data flow: operators -> single candidates -> race
//! (with pairs) -> the original at the final run count -> finals judged -> sensitivity of the
//! recommended change.

use rayon::prelude::*;

use super::candidates;
use super::edits::{singles, Exposure};
use super::evaluate::{simulate, Outcome};
use super::front::judge;
use super::race::{race, Settings};
use super::sensitivity::World;
use super::Improvement;
use crate::analysis::verdict::Practical;
use crate::engine::SimError;
use crate::input::file::ModelFile;
use crate::input::{Model, Scenario};

/// Searches for better versions of `original` (its file and the model it validates to) on
/// `scenarios`. `sensitivity_runs` runs per scenario behind each end of each tornado bar (0:
/// no sensitivity).
pub fn improve(
    scenarios: &[Scenario],
    original: &ModelFile,
    original_model: &Model,
    s: &Settings,
    practical: Practical,
    sensitivity_runs: u64,
) -> Result<Improvement, SimError> {
    let edits = singles(original, &Exposure::of(scenarios));
    let single = candidates::singles(original, edits);
    let raced = race(scenarios, original, single, s)?;
    let original_runs: Vec<Result<Vec<Outcome>, SimError>> = scenarios
        .par_iter()
        .map(|sc| simulate(sc, original_model, 0, s.final_runs, s.seed, s.max_events))
        .collect();
    let original_runs: Vec<Vec<Outcome>> = original_runs.into_iter().collect::<Result<_, _>>()?;
    let n = s.final_runs as usize;
    let judged = judge(
        scenarios,
        &raced.candidates,
        &raced.runs,
        &raced.finalists,
        &original_runs,
        n,
        &practical,
        &s.weights,
    );
    let sc = scenarios.len() as u64;
    let mut runs_simulated = raced.simulated + sc * s.final_runs;
    let sensitivity = match (&judged.recommended, sensitivity_runs.min(s.final_runs)) {
        (Some(r), k) if k > 0 => {
            let world = World {
                scenarios,
                models: [original_model, &raced.candidates[r.candidate].model],
                seed: s.seed,
                runs: k,
                practical: &practical,
                max_events: s.max_events,
            };
            // The finals' first k runs are runs 0..k at the calibrated values: no need to
            // simulate the base again.
            let first = |runs: &[Vec<Outcome>]| -> Vec<Vec<Outcome>> {
                runs.iter().map(|r| r[..k as usize].to_vec()).collect()
            };
            let base = [first(&original_runs), first(&raced.runs[r.candidate])];
            let (t, more) = world.tornado_from(&base)?;
            runs_simulated += more;
            Some(t)
        }
        _ => None,
    };
    let runs_without_racing = (raced.candidates.len() as u64 + 1) * sc * s.final_runs;
    Ok(Improvement {
        original: original.clone(),
        original_model: original_model.clone(),
        scenarios: scenarios.iter().map(|s| s.name.clone()).collect(),
        seed: s.seed,
        final_runs: s.final_runs,
        practical,
        weights: s.weights,
        singles: raced.singles,
        candidates: raced.candidates,
        rounds: raced.rounds,
        standings: raced.standings,
        finalists: judged.finalists,
        original_means: judged.original_means,
        recommended: judged.recommended,
        sensitivity,
        runs_simulated,
        runs_without_racing,
    })
}
