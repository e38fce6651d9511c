//! Evaluating one model on the chosen scenarios: the few numbers per run the search needs
//! (`Outcome`, small and `Copy`), simulated on common random numbers (the same seed and run
//! indices for every candidate), and differences pooled over scenarios by the report's rule
//! (`decision::pool`: every scenario weighs the same, 95% intervals, practical thresholds).

use crate::analysis::compare::{diff_of_values, Practical, METRICS};
use crate::analysis::decision::{pool, Pooled};
use crate::engine::batch::{run_batch, BatchOptions};
use crate::engine::metrics::RunMetrics;
use crate::engine::SimError;
use crate::input::{Model, Scenario};

/// The metrics the search weighs, as indices into `compare::METRICS`: restricted mean time to
/// containment, missed revocations per attack run, wrongful revocations per benign run.
pub const TTC: usize = 0;
pub const MISSED: usize = 2;
pub const WRONGFUL: usize = 4;
/// The three, in the order the front and the report show them.
pub const SEARCHED: [usize; 3] = [TTC, MISSED, WRONGFUL];

/// One run, reduced to what the search compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub attack: bool,
    /// Seconds to the first containment, `None` when never contained by the horizon.
    pub time_to_containment: Option<u64>,
    pub missed: u32,
    pub wrongful: u32,
}

impl Outcome {
    pub fn of(m: &RunMetrics) -> Self {
        Outcome {
            attack: m.attack,
            time_to_containment: m.time_to_containment,
            missed: m.missed_revocations,
            wrongful: m.wrongful_revocations,
        }
    }

    /// The run's value of metric `k` (one of `SEARCHED`), or `None` when the metric does not
    /// apply to this run (attack metrics on benign runs and the other way round).
    pub fn value(&self, k: usize, horizon: u64) -> Option<f64> {
        match k {
            TTC => self
                .attack
                .then(|| self.time_to_containment.unwrap_or(horizon) as f64 / 3600.0),
            MISSED => self.attack.then_some(self.missed as f64),
            WRONGFUL => (!self.attack).then_some(self.wrongful as f64),
            _ => None,
        }
    }
}

/// Runs `first .. first + count` of `model` on `scenario`, reduced to outcomes in run order.
pub fn simulate(
    scenario: &Scenario,
    model: &Model,
    first: u64,
    count: u64,
    seed: u64,
    max_events: u64,
) -> Result<Vec<Outcome>, SimError> {
    let opts = BatchOptions {
        first,
        runs: count,
        seed,
        keep_runs: true,
        max_events,
    };
    let batch = run_batch(scenario, model, opts, |_| {})?;
    Ok(batch.runs.iter().map(Outcome::of).collect())
}

/// Values of metric `k` over the first `n` runs.
fn values(k: usize, runs: &[Outcome], n: usize, horizon: u64) -> Vec<f64> {
    runs[..n.min(runs.len())]
        .iter()
        .filter_map(|o| o.value(k, horizon))
        .collect()
}

/// `model` minus `reference` on metric `k` over the first `n` runs of every scenario
/// (`runs[s]` in scenario order), pooled by the report's rule.
pub fn pooled(
    k: usize,
    scenarios: &[Scenario],
    reference: &[Vec<Outcome>],
    model: &[Vec<Outcome>],
    n: usize,
    practical: &Practical,
) -> Pooled {
    let def = &METRICS[k];
    let per = scenarios.iter().enumerate().map(|(s, sc)| {
        let a = values(k, &reference[s], n, sc.horizon);
        let b = values(k, &model[s], n, sc.horizon);
        diff_of_values(def, &a, &b, practical)
    });
    pool(k, per, practical)
}

/// The overall value of metric `k` over the first `n` runs: the mean over scenarios with
/// runs of its kind of the per-scenario mean (as the report's overall values).
pub fn overall(k: usize, scenarios: &[Scenario], runs: &[Vec<Outcome>], n: usize) -> f64 {
    let means: Vec<f64> = scenarios
        .iter()
        .enumerate()
        .filter_map(|(s, sc)| {
            let v = values(k, &runs[s], n, sc.horizon);
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        })
        .collect();
    crate::analysis::compare::mean(&means)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(attack: bool, ttc: Option<u64>, missed: u32, wrongful: u32) -> Outcome {
        Outcome {
            attack,
            time_to_containment: ttc,
            missed,
            wrongful,
        }
    }

    #[test]
    fn values_apply_to_their_own_runs_and_censor_at_the_horizon() {
        let a = run(true, None, 2, 0);
        assert_eq!(a.value(TTC, 7200), Some(2.0));
        assert_eq!(a.value(MISSED, 7200), Some(2.0));
        assert_eq!(a.value(WRONGFUL, 7200), None);
        let b = run(false, None, 0, 1);
        assert_eq!(b.value(TTC, 7200), None);
        assert_eq!(b.value(WRONGFUL, 7200), Some(1.0));
        assert_eq!(run(true, Some(1800), 0, 0).value(TTC, 7200), Some(0.5));
    }
}
