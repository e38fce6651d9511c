//! Many runs of one scenario against one model, in parallel across runs (rayon). Runs are
//! independent and seeded by index; results come back in run order and are folded in that
//! order, so output bytes never depend on the thread count.

use rayon::prelude::*;

use crate::analysis::summary::Summary;
use crate::engine::metrics::{Breakdown, RunMetrics};
use crate::engine::{simulate, Context, SimError, Workspace};
use crate::input::{Model, Scenario};

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
    /// With `runs`: each run's stage first-completion times, `stages` per run (scenario
    /// order), flattened; `None` where the stage never completed.
    pub stage_done: StageTimes,
}

/// Stage first-completion times of kept runs: `stages` values per run, flattened, so the
/// per-run metrics stay small and `Copy`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StageTimes {
    pub stages: usize,
    pub times: Vec<Option<u64>>,
}

impl StageTimes {
    pub fn new(stages: usize) -> Self {
        StageTimes {
            stages,
            times: Vec::new(),
        }
    }

    /// Run `i` (its position among the kept runs).
    pub fn run(&self, i: usize) -> &[Option<u64>] {
        &self.times[i * self.stages..(i + 1) * self.stages]
    }

    /// Runs held.
    pub fn len(&self) -> usize {
        self.times.len().checked_div(self.stages).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    pub fn append(&mut self, other: StageTimes) {
        self.times.extend(other.times);
    }
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
    let shape = (model.teams.len(), scenario.credentials.len());
    let mut breakdown = Breakdown::new(shape.0, shape.1);
    let mut runs = Vec::new();
    let mut stage_done = StageTimes::new(scenario.stages.len());
    let last = opts.first + opts.runs;
    let mut next = opts.first;
    while next < last {
        let end = (next + CHUNK).min(last);
        let units: Vec<(u64, u64)> = (next..end)
            .step_by(UNIT as usize)
            .map(|a| (a, (a + UNIT).min(end)))
            .collect();
        let (bd, done) = fold_chunk(&ctx, shape, &units, opts.keep_runs)?;
        breakdown.merge(&bd);
        for (metrics, stages) in done {
            for m in &metrics {
                summary.add(m);
            }
            if opts.keep_runs {
                runs.extend(metrics);
                stage_done.times.extend(stages);
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
        stage_done,
    })
}

/// One unit's runs: their metrics and (when kept) their stage times, flattened.
type UnitRuns = (Vec<RunMetrics>, Vec<Option<u64>>);

/// What one rayon split of a chunk accumulates: its workspace, the breakdown of its runs,
/// each unit's runs tagged with the unit's index, and the first unit that failed.
type Split = (
    Workspace,
    Breakdown,
    Vec<(usize, UnitRuns)>,
    Option<(usize, SimError)>,
);

/// Simulates a chunk's units in parallel. Each rayon split keeps one workspace and one
/// breakdown (integer sums, so the order they are added in does not matter), so the memory in
/// flight is a breakdown per split, not per unit. Metrics come back in run order; an error is
/// the one of the earliest failing unit, whatever the thread count.
fn fold_chunk(
    ctx: &Context,
    (teams, creds): (usize, usize),
    units: &[(u64, u64)],
    keep_stages: bool,
) -> Result<(Breakdown, Vec<UnitRuns>), SimError> {
    let new_bd = || Breakdown::new(teams, creds);
    let start = || -> Split { (Workspace::new(ctx), new_bd(), Vec::new(), None) };
    let step = |(mut ws, mut bd, mut done, mut err): Split, (u, &(a, b)): (usize, &(u64, u64))| {
        if err.is_none() {
            let mut out = Vec::with_capacity((b - a) as usize);
            let mut stages = Vec::new();
            for run in a..b {
                match simulate(ctx, &mut ws, run, &mut bd, None) {
                    Ok(m) => {
                        out.push(m);
                        if keep_stages {
                            stages.extend_from_slice(ws.stage_done());
                        }
                    }
                    Err(e) => {
                        err = Some((u, e));
                        break;
                    }
                }
            }
            done.push((u, (out, stages)));
        }
        (ws, bd, done, err)
    };
    let (bd, mut done, err) = units
        .par_iter()
        .enumerate()
        .fold(start, step)
        .map(|(_, bd, done, err)| (bd, done, err))
        // `reduce_with`, not `reduce`: no identity breakdowns are allocated while joining.
        .reduce_with(|(mut a, mut da, ea), (b, db, eb)| {
            a.merge(&b);
            da.extend(db);
            let err = match (ea, eb) {
                (Some(x), Some(y)) => Some(if x.0 <= y.0 { x } else { y }),
                (x, y) => x.or(y),
            };
            (a, da, err)
        })
        .unwrap_or_else(|| (new_bd(), Vec::new(), None));
    if let Some((_, e)) = err {
        return Err(e);
    }
    done.sort_unstable_by_key(|(u, _)| *u);
    Ok((bd, done.into_iter().map(|(_, m)| m).collect()))
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
    use crate::input::library::{load_model, load_scenario, MODELS, SCENARIOS};
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
