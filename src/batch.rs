//! Many runs of one scenario against one model, in parallel across runs (rayon). Runs are
//! independent and seeded by index; results come back in run order and are folded in that
//! order, so output bytes never depend on the thread count.

use rayon::prelude::*;

use crate::engine::{simulate, Context, SimError, Workspace};
use crate::input::{Model, Scenario};
use crate::metrics::{Breakdown, RunMetrics};
use crate::summary::Summary;

/// Runs per parallel work unit: large enough to amortise a workspace, small enough to balance.
const UNIT: u64 = 64;
/// Runs held in memory at once when per-run metrics are not kept.
const CHUNK: u64 = 1 << 16;

/// What a batch produced.
pub struct Batch {
    pub summary: Summary,
    pub breakdown: Breakdown,
    /// Per-run metrics, in run order, when asked for.
    pub runs: Vec<RunMetrics>,
}

/// Options for a batch.
#[derive(Clone, Copy, Debug)]
pub struct BatchOptions {
    /// Runs `first .. first + runs` of the seeded sequence.
    pub first: u64,
    pub runs: u64,
    pub seed: u64,
    /// Keep every run's metrics (for `--json`); otherwise only the summary's needs are kept.
    pub keep_runs: bool,
    pub max_events: u64,
}

/// Simulates `runs` runs and aggregates them.
pub fn run_batch(
    scenario: &Scenario,
    model: &Model,
    opts: BatchOptions,
    mut progress: impl FnMut(u64),
) -> Result<Batch, SimError> {
    let mut ctx = Context::new(scenario, model, opts.seed);
    ctx.max_events = opts.max_events;
    let mut summary = Summary::new(scenario, model, opts.seed);
    let mut breakdown = Breakdown::new(model.teams.len());
    let mut runs = Vec::new();
    let last = opts.first + opts.runs;
    let mut next = opts.first;
    while next < last {
        let end = (next + CHUNK).min(last);
        let units: Vec<(u64, u64)> = (next..end)
            .step_by(UNIT as usize)
            .map(|a| (a, (a + UNIT).min(end)))
            .collect();
        let results: Vec<Result<(Vec<RunMetrics>, Breakdown), SimError>> = units
            .par_iter()
            .map(|&(a, b)| {
                let mut ws = Workspace::new(&ctx);
                let mut bd = Breakdown::new(model.teams.len());
                let mut out = Vec::with_capacity((b - a) as usize);
                for run in a..b {
                    out.push(simulate(&ctx, &mut ws, run, &mut bd, None)?);
                }
                Ok((out, bd))
            })
            .collect();
        for r in results {
            let (metrics, bd) = r?;
            breakdown.merge(&bd);
            for m in &metrics {
                summary.add(m);
            }
            if opts.keep_runs {
                runs.extend(metrics);
            }
        }
        progress(end - next);
        next = end;
    }
    summary.finish();
    Ok(Batch {
        summary,
        breakdown,
        runs,
    })
}

/// The seed every command uses unless told otherwise.
pub const DEFAULT_SEED: u64 = 20_261_123;

/// Why the shipped library could not be run.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error(transparent)]
    Load(#[from] crate::input::LoadError),
    #[error(transparent)]
    Sim(#[from] SimError),
}

/// Every shipped scenario against every shipped model, scenario-major, in shipped order.
pub fn run_library(runs: u64, seed: u64) -> Result<Vec<Summary>, LibraryError> {
    use crate::library::{load_model, load_scenario, MODELS, SCENARIOS};
    let models = MODELS
        .iter()
        .map(|m| load_model(m.name))
        .collect::<Result<Vec<_>, _>>()?;
    let mut rows = Vec::new();
    for s in SCENARIOS {
        let sc = load_scenario(s.name)?;
        for m in &models {
            let opts = BatchOptions {
                first: 0,
                runs,
                seed,
                keep_runs: false,
                max_events: crate::engine::DEFAULT_MAX_EVENTS,
            };
            rows.push(run_batch(&sc, m, opts, |_| {})?.summary);
        }
    }
    Ok(rows)
}
