//! Comparing ownership models on the same attacks. Every model runs with the same seed and run
//! indices (common random numbers), so each run gives one paired difference per metric; the
//! differences from the baseline come with a 95% paired-t interval (see `stats`), and models are
//! ranked by restricted mean time to containment, with ties wherever two neighbours cannot be
//! told apart at the number of runs made.

use serde::Serialize;

use crate::analysis::stats::{kaplan_meier, paired_diff, PairedDiff, SurvivalStep};
use crate::analysis::summary::Summary;
use crate::engine::batch::{run_batch, BatchOptions, StageTimes};
use crate::engine::metrics::{Breakdown, RunMetrics};
use crate::engine::SimError;
use crate::input::{Model, Scenario};

/// Which runs a metric is measured over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunSet {
    Attack,
    Benign,
    All,
}

/// A metric compared between models.
pub struct MetricDef {
    pub key: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub lower_is_better: bool,
    pub runs: RunSet,
    value: fn(&RunMetrics, u64) -> f64,
}

impl MetricDef {
    pub fn value(&self, m: &RunMetrics, horizon: u64) -> f64 {
        (self.value)(m, horizon)
    }

    fn includes(&self, m: &RunMetrics) -> bool {
        match self.runs {
            RunSet::Attack => m.attack,
            RunSet::Benign => !m.attack,
            RunSet::All => true,
        }
    }
}

/// The metrics every comparison reports, the first being the one models are ranked by.
pub const METRICS: &[MetricDef] = &[
    MetricDef {
        key: "restricted_mean_time_to_containment_hours",
        label: "restricted mean time to containment",
        unit: "h",
        lower_is_better: true,
        runs: RunSet::Attack,
        value: |m, h| m.time_to_containment.unwrap_or(h) as f64 / 3600.0,
    },
    MetricDef {
        key: "contained_share",
        label: "share contained (at least once) by the horizon",
        unit: "",
        lower_is_better: false,
        runs: RunSet::Attack,
        value: |m, _| m.contained() as u8 as f64,
    },
    MetricDef {
        key: "missed_revocations",
        label: "missed revocations per attack run",
        unit: "",
        lower_is_better: true,
        runs: RunSet::Attack,
        value: |m, _| m.missed_revocations as f64,
    },
    MetricDef {
        key: "stall_hours",
        label: "stalled hours per run",
        unit: "h",
        lower_is_better: true,
        runs: RunSet::All,
        value: |m, _| m.stall_wait as f64 / 3600.0,
    },
    MetricDef {
        key: "wrongful_revocations",
        label: "wrongful revocations per benign run",
        unit: "",
        lower_is_better: true,
        runs: RunSet::Benign,
        value: |m, _| m.wrongful_revocations as f64,
    },
    MetricDef {
        key: "damage",
        label: "damage per attack run",
        unit: "units",
        lower_is_better: true,
        runs: RunSet::Attack,
        value: |m, _| m.damage as f64,
    },
    MetricDef {
        key: "evicted_at_horizon_share",
        label: "share with the attacker evicted at the horizon",
        unit: "",
        lower_is_better: false,
        runs: RunSet::Attack,
        value: |m, _| m.time_to_final_eviction.is_some() as u8 as f64,
    },
    MetricDef {
        key: "re_entry_share",
        label: "share of attack runs with a re-entry after containment",
        unit: "",
        lower_is_better: true,
        runs: RunSet::Attack,
        value: |m, _| (m.re_entries > 0) as u8 as f64,
    },
];

/// How a model compares with the baseline on one metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Better,
    Worse,
    /// The 95% interval of the difference contains zero.
    CannotBeToldApart,
    /// No runs of the kind the metric needs (e.g. no benign runs).
    NoData,
}

impl Verdict {
    pub fn text(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::CannotBeToldApart => "cannot be told apart",
            Verdict::NoData => "no data",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct MetricDiff {
    pub metric: &'static str,
    pub baseline_mean: f64,
    pub model_mean: f64,
    /// Model minus baseline, with its 95% interval.
    pub difference: PairedDiff,
    pub verdict: Verdict,
}

/// One model on one scenario.
pub struct ModelResult {
    pub summary: Summary,
    pub breakdown: Breakdown,
    pub runs: Vec<RunMetrics>,
    pub stage_done: StageTimes,
    pub survival: Vec<SurvivalStep>,
    /// Against the baseline, one per entry of `METRICS`.
    pub diffs: Vec<MetricDiff>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RankEntry {
    pub rank: usize,
    pub model: String,
    pub restricted_mean_hours: f64,
    /// Cannot be told apart from the model ranked just above.
    pub tied_with_previous: bool,
}

/// All models on one scenario.
pub struct ScenarioResult {
    pub scenario: Scenario,
    pub models: Vec<ModelResult>,
    pub ranking: Vec<RankEntry>,
}

/// The whole comparison.
pub struct Comparison {
    pub seed: u64,
    pub runs: u64,
    pub baseline: usize,
    pub models: Vec<Model>,
    pub scenarios: Vec<ScenarioResult>,
}

/// Per-run values of a metric over the runs it applies to.
fn values(def: &MetricDef, runs: &[RunMetrics], horizon: u64) -> Vec<f64> {
    runs.iter()
        .filter(|m| def.includes(m))
        .map(|m| def.value(m, horizon))
        .collect()
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// Compares `model` runs with `baseline` runs of the same scenario, metric by metric.
pub fn diffs(baseline: &[RunMetrics], model: &[RunMetrics], horizon: u64) -> Vec<MetricDiff> {
    METRICS
        .iter()
        .map(|def| {
            let a = values(def, baseline, horizon);
            let b = values(def, model, horizon);
            let difference = paired_diff(&a, &b);
            let verdict = if a.is_empty() {
                Verdict::NoData
            } else if difference.indistinguishable() {
                Verdict::CannotBeToldApart
            } else if (difference.mean < 0.0) == def.lower_is_better {
                Verdict::Better
            } else {
                Verdict::Worse
            };
            MetricDiff {
                metric: def.key,
                baseline_mean: mean(&a),
                model_mean: mean(&b),
                difference,
                verdict,
            }
        })
        .collect()
}

/// Ranks by restricted mean time to containment; a model that cannot be told apart from the
/// one just above it shares its rank.
pub fn rank(models: &[Model], results: &[ModelResult], horizon: u64) -> Vec<RankEntry> {
    let def = &METRICS[0];
    let per_model: Vec<Vec<f64>> = results
        .iter()
        .map(|r| values(def, &r.runs, horizon))
        .collect();
    let means: Vec<f64> = per_model.iter().map(|v| mean(v)).collect();
    let mut order: Vec<usize> = (0..results.len()).collect();
    order.sort_by(|&a, &b| means[a].total_cmp(&means[b]).then(a.cmp(&b)));
    let mut out: Vec<RankEntry> = Vec::new();
    for (pos, &i) in order.iter().enumerate() {
        let tied = pos > 0 && {
            let prev = order[pos - 1];
            paired_diff(&per_model[prev], &per_model[i]).indistinguishable()
        };
        let rank = if tied { out[pos - 1].rank } else { pos + 1 };
        out.push(RankEntry {
            rank,
            model: models[i].name.clone(),
            restricted_mean_hours: means[i],
            tied_with_previous: tied,
        });
    }
    out
}

/// The raw results of one model on one scenario: per-run metrics in run order and the
/// per-handoff sums. Everything a comparison reports is derived from these, so shards that
/// simulate slices of the runs can be merged into exactly what one machine would produce.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RawResult {
    pub runs: Vec<RunMetrics>,
    /// Each run's stage first-completion times, beside `runs`.
    pub stage_done: StageTimes,
    pub breakdown: Breakdown,
}

/// Simulates runs `first .. first + count` of every model on every scenario;
/// `raw[scenario][model]`.
#[allow(clippy::too_many_arguments)]
pub fn simulate_all(
    scenarios: &[Scenario],
    models: &[Model],
    first: u64,
    count: u64,
    seed: u64,
    max_events: u64,
    mut progress: impl FnMut(u64),
) -> Result<Vec<Vec<RawResult>>, SimError> {
    let mut out = Vec::new();
    for scenario in scenarios {
        let mut row = Vec::new();
        for model in models {
            let opts = BatchOptions {
                first,
                runs: count,
                seed,
                keep_runs: true,
                max_events,
            };
            let batch = run_batch(scenario, model, opts, &mut progress)?;
            row.push(RawResult {
                runs: batch.runs,
                stage_done: batch.stage_done,
                breakdown: batch.breakdown,
            });
        }
        out.push(row);
    }
    Ok(out)
}

/// Builds the comparison from raw results (`raw[scenario][model]`, runs in run order).
pub fn assemble(
    scenarios: Vec<Scenario>,
    models: Vec<Model>,
    baseline: usize,
    runs: u64,
    seed: u64,
    raw: Vec<Vec<RawResult>>,
) -> Comparison {
    let mut out = Vec::new();
    for (scenario, row) in scenarios.into_iter().zip(raw) {
        let mut results: Vec<ModelResult> = row
            .into_iter()
            .zip(&models)
            .map(|(r, model)| {
                let mut summary = Summary::new(&scenario, model, seed);
                for m in &r.runs {
                    summary.add(m);
                }
                summary.finish();
                let times: Vec<Option<u64>> = r
                    .runs
                    .iter()
                    .filter(|m| m.attack)
                    .map(|m| m.time_to_containment)
                    .collect();
                ModelResult {
                    survival: kaplan_meier(&times, scenario.horizon),
                    summary,
                    breakdown: r.breakdown,
                    runs: r.runs,
                    stage_done: r.stage_done,
                    diffs: Vec::new(),
                }
            })
            .collect();
        for i in 0..results.len() {
            let d = diffs(&results[baseline].runs, &results[i].runs, scenario.horizon);
            results[i].diffs = d;
        }
        let ranking = rank(&models, &results, scenario.horizon);
        out.push(ScenarioResult {
            scenario,
            models: results,
            ranking,
        });
    }
    Comparison {
        seed,
        runs,
        baseline,
        models,
        scenarios: out,
    }
}

/// Runs every model on every scenario with the same seed and run indices.
pub fn compare(
    scenarios: Vec<Scenario>,
    models: Vec<Model>,
    baseline: usize,
    runs: u64,
    seed: u64,
    max_events: u64,
    progress: impl FnMut(u64),
) -> Result<Comparison, SimError> {
    let raw = simulate_all(&scenarios, &models, 0, runs, seed, max_events, progress)?;
    Ok(assemble(scenarios, models, baseline, runs, seed, raw))
}
