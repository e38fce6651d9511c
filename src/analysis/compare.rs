//! Comparing ownership models on the same attacks. Every model runs with the same seed and run
//! indices (common random numbers), so each run gives one paired difference per metric; the
//! differences from the baseline come with a 95% paired-t interval (see `stats`) and a verdict
//! with practical significance (see `verdict`). Models are ranked by restricted mean time to
//! containment; a model shares the rank of the group above it unless a model of that group is
//! better than it by the verdict rule, so the ranking never contradicts a verdict.

use serde::Serialize;

use crate::analysis::decision::{decide, Decision};
use crate::analysis::stats::{kaplan_meier, paired_diff, PairedDiff, SurvivalStep};
use crate::analysis::summary::Summary;
use crate::analysis::verdict::{resolvable, runs_needed, verdict};
pub use crate::analysis::verdict::{MetricKind, Practical, Verdict};
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
    pub kind: MetricKind,
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
        kind: MetricKind::Time,
        lower_is_better: true,
        runs: RunSet::Attack,
        value: |m, h| m.time_to_containment.unwrap_or(h) as f64 / 3600.0,
    },
    MetricDef {
        key: "contained_share",
        label: "share contained (at least once) by the horizon",
        unit: "",
        kind: MetricKind::Share,
        lower_is_better: false,
        runs: RunSet::Attack,
        value: |m, _| m.contained() as u8 as f64,
    },
    MetricDef {
        key: "missed_revocations",
        label: "missed revocations per attack run",
        unit: "",
        kind: MetricKind::Count,
        lower_is_better: true,
        runs: RunSet::Attack,
        value: |m, _| m.missed_revocations as f64,
    },
    MetricDef {
        key: "stall_hours",
        label: "stalled hours per run",
        unit: "h",
        kind: MetricKind::Time,
        lower_is_better: true,
        runs: RunSet::All,
        value: |m, _| m.stall_wait as f64 / 3600.0,
    },
    MetricDef {
        key: "wrongful_revocations",
        label: "wrongful revocations per benign run",
        unit: "",
        kind: MetricKind::Count,
        lower_is_better: true,
        runs: RunSet::Benign,
        value: |m, _| m.wrongful_revocations as f64,
    },
    MetricDef {
        key: "damage",
        label: "damage per attack run",
        unit: "units",
        kind: MetricKind::Damage,
        lower_is_better: true,
        runs: RunSet::Attack,
        value: |m, _| m.damage as f64,
    },
    MetricDef {
        key: "evicted_at_horizon_share",
        label: "share with the attacker evicted at the horizon",
        unit: "",
        kind: MetricKind::Share,
        lower_is_better: false,
        runs: RunSet::Attack,
        value: |m, _| m.time_to_final_eviction.is_some() as u8 as f64,
    },
    MetricDef {
        key: "re_entry_share",
        label: "share of attack runs with a re-entry after containment",
        unit: "",
        kind: MetricKind::Share,
        lower_is_better: true,
        runs: RunSet::Attack,
        value: |m, _| (m.re_entries > 0) as u8 as f64,
    },
];

#[derive(Clone, Debug, Serialize)]
pub struct MetricDiff {
    pub metric: &'static str,
    pub baseline_mean: f64,
    pub model_mean: f64,
    /// Model minus baseline, with its 95% interval.
    pub difference: PairedDiff,
    /// The practical threshold the verdict used (the metric's unit).
    pub threshold: f64,
    pub verdict: Verdict,
    /// The smallest difference these runs resolve (80% power, 95% confidence), if any.
    pub resolvable: Option<f64>,
    /// Runs needed to resolve `threshold` when these cannot.
    pub runs_needed: Option<u64>,
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
    /// Shares the rank of the model just above (none of its group is better than it).
    pub tied_with_previous: bool,
    /// The model of the group above that is better than it, when it starts a new rank.
    pub below: Option<String>,
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
    /// The practical thresholds every verdict used.
    pub practical: Practical,
    /// The answer across scenarios: which model to prefer, and why.
    pub decision: Decision,
    pub models: Vec<Model>,
    pub scenarios: Vec<ScenarioResult>,
}

/// Per-run values of a metric over the runs it applies to.
pub fn values(def: &MetricDef, runs: &[RunMetrics], horizon: u64) -> Vec<f64> {
    runs.iter()
        .filter(|m| def.includes(m))
        .map(|m| def.value(m, horizon))
        .collect()
}

pub fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// Compares `model` runs with `reference` runs of the same scenario on one metric.
pub fn metric_diff(
    def: &MetricDef,
    reference: &[RunMetrics],
    model: &[RunMetrics],
    horizon: u64,
    practical: &Practical,
) -> MetricDiff {
    let a = values(def, reference, horizon);
    let b = values(def, model, horizon);
    diff_of_values(def, &a, &b, practical)
}

/// Compares per-run values of `def` (`b`, the model) with the reference's (`a`), paired run by
/// run: the difference, its interval, the threshold and the verdict.
pub fn diff_of_values(def: &MetricDef, a: &[f64], b: &[f64], practical: &Practical) -> MetricDiff {
    let difference = paired_diff(a, b);
    let baseline_mean = mean(a);
    let threshold = practical.threshold(def.kind, baseline_mean);
    MetricDiff {
        metric: def.key,
        baseline_mean,
        model_mean: mean(b),
        difference,
        threshold,
        verdict: verdict(&difference, threshold, def.lower_is_better),
        resolvable: resolvable(&difference),
        runs_needed: runs_needed(&difference, threshold),
    }
}

/// Compares `model` runs with `baseline` runs of the same scenario, metric by metric.
pub fn diffs(
    baseline: &[RunMetrics],
    model: &[RunMetrics],
    horizon: u64,
    practical: &Practical,
) -> Vec<MetricDiff> {
    METRICS
        .iter()
        .map(|def| metric_diff(def, baseline, model, horizon, practical))
        .collect()
}

/// Ranks by restricted mean time to containment. Models are sorted by it; walking down, a
/// model shares the rank of the group above unless some model of that group is `better` than
/// it (the verdict rule), in which case it starts a new rank. A model is thus never ranked
/// above, or tied with, a model that is better than it.
pub fn rank(
    models: &[Model],
    results: &[ModelResult],
    horizon: u64,
    practical: &Practical,
) -> Vec<RankEntry> {
    let def = &METRICS[0];
    let means: Vec<f64> = results
        .iter()
        .map(|r| mean(&values(def, &r.runs, horizon)))
        .collect();
    let better = |a: usize, b: usize| {
        metric_diff(def, &results[b].runs, &results[a].runs, horizon, practical).verdict
            == Verdict::Better
    };
    rank_by(&means, better)
        .into_iter()
        .map(|p| RankEntry {
            rank: p.rank,
            model: models[p.index].name.clone(),
            restricted_mean_hours: means[p.index],
            tied_with_previous: p.tied,
            below: p.beaten_by.map(|b| models[b].name.clone()),
        })
        .collect()
}

/// One place in a ranking: the entry's index, its rank, whether it shares the rank above, and
/// the model of the group above that is better than it (why it starts a new rank).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub index: usize,
    pub rank: usize,
    pub tied: bool,
    pub beaten_by: Option<usize>,
}

/// The ranking rule on sort keys (lower first) and a `better(a, b)` relation, in rank order.
pub fn rank_by(keys: &[f64], better: impl Fn(usize, usize) -> bool) -> Vec<Place> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys[a].total_cmp(&keys[b]).then(a.cmp(&b)));
    let mut out: Vec<Place> = Vec::new();
    let mut group_start = 0;
    for (pos, &i) in order.iter().enumerate() {
        let beaten_by = (order[group_start..pos].iter().copied()).find(|&g| better(g, i));
        let tied = pos > 0 && beaten_by.is_none();
        if !tied {
            group_start = pos;
        }
        out.push(Place {
            index: i,
            rank: group_start + 1,
            tied,
            beaten_by,
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
    practical: Practical,
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
            let d = diffs(
                &results[baseline].runs,
                &results[i].runs,
                scenario.horizon,
                &practical,
            );
            results[i].diffs = d;
        }
        let ranking = rank(&models, &results, scenario.horizon, &practical);
        out.push(ScenarioResult {
            scenario,
            models: results,
            ranking,
        });
    }
    let decision = decide(&models, &out, &practical);
    Comparison {
        seed,
        runs,
        baseline,
        practical,
        decision,
        models,
        scenarios: out,
    }
}

/// Runs every model on every scenario with the same seed and run indices.
#[allow(clippy::too_many_arguments)]
pub fn compare(
    scenarios: Vec<Scenario>,
    models: Vec<Model>,
    baseline: usize,
    runs: u64,
    seed: u64,
    practical: Practical,
    max_events: u64,
    progress: impl FnMut(u64),
) -> Result<Comparison, SimError> {
    let raw = simulate_all(&scenarios, &models, 0, runs, seed, max_events, progress)?;
    Ok(assemble(
        scenarios, models, baseline, runs, seed, practical, raw,
    ))
}
