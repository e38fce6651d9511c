//! The answer across scenarios: which model to prefer, the runner-up, how much better and how
//! sure, and the biggest risk each model leaves.
//!
//! Every scenario weighs the same. A model's overall value on a metric is the mean, over the
//! scenarios that have runs of the metric's kind, of its per-scenario mean. The difference
//! between two models is the mean of their per-scenario paired differences; runs are
//! independent across scenarios, so its standard error is `sqrt(sum se_s^2) / S` and its 95%
//! interval uses that (normal at these run counts). Verdicts follow the same rule as within a
//! scenario (`verdict`), with the other model's overall value as the reference.
//!
//! Overall ranking: by overall restricted mean time to containment, with the ranking rule of
//! `compare::rank_by` on the overall verdicts. The preferred model is the first, the runner-up
//! the second.

use serde::Serialize;

use crate::analysis::compare::{metric_diff, MetricDiff, ModelResult, ScenarioResult, METRICS};
use crate::analysis::stats::{t_975, PairedDiff};
use crate::analysis::verdict::{resolvable, runs_needed, verdict, Practical, Verdict};
use crate::domain::{CredentialKind, WaitCause};
use crate::input::Model;

/// One model minus another on one metric, over all scenarios.
#[derive(Clone, Debug, Serialize)]
pub struct Pooled {
    pub metric: &'static str,
    /// Overall value of the model and of the one it is compared with.
    pub model_mean: f64,
    pub reference_mean: f64,
    /// Model minus reference, averaged over scenarios, with its 95% interval; `n` counts runs.
    pub difference: PairedDiff,
    pub threshold: f64,
    pub verdict: Verdict,
    pub resolvable: Option<f64>,
    pub runs_needed: Option<u64>,
    /// Scenarios with runs of the metric's kind.
    pub scenarios: usize,
    /// Per-scenario verdicts on this metric.
    pub tally: Tally,
}

/// How many scenarios gave each verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub better: usize,
    pub worse: usize,
    pub equivalent: usize,
    pub inconclusive: usize,
    pub no_data: usize,
}

impl Tally {
    fn add(&mut self, v: Verdict) {
        match v {
            Verdict::Better => self.better += 1,
            Verdict::Worse => self.worse += 1,
            Verdict::Equivalent => self.equivalent += 1,
            Verdict::Inconclusive => self.inconclusive += 1,
            Verdict::NoData => self.no_data += 1,
        }
    }
}

/// The biggest risk a model leaves, over all scenarios.
#[derive(Clone, Debug, Serialize)]
pub struct Risk {
    /// The stall cause with the most stalls, its stalls per run and its waiting hours per run.
    pub top_stall_cause: Option<(&'static str, f64, f64)>,
    /// The credential kind most often still working at the first close, and its misses per
    /// attack run.
    pub most_missed_kind: Option<(&'static str, f64)>,
}

/// One model in the overall ranking.
#[derive(Clone, Debug, Serialize)]
pub struct OverallEntry {
    pub model: String,
    #[serde(skip)]
    pub index: usize,
    pub rank: usize,
    pub tied_with_previous: bool,
    /// The model of the group above that is better than it overall, when it starts a new rank.
    pub below: Option<String>,
    /// Overall values (mean over scenarios) of every metric, in `METRICS` order.
    pub means: Vec<f64>,
    pub risk: Risk,
}

/// The decision a comparison supports.
#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    /// Every model, best first.
    pub ranking: Vec<OverallEntry>,
    /// Preferred minus runner-up, one per metric (empty with one model).
    pub headline: Vec<Pooled>,
}

impl Decision {
    pub fn preferred(&self) -> &OverallEntry {
        &self.ranking[0]
    }

    pub fn runner_up(&self) -> Option<&OverallEntry> {
        self.ranking.get(1)
    }
}

/// Model `a` minus model `b` on metric `k`, pooled over scenarios.
pub fn pooled(scenarios: &[ScenarioResult], a: usize, b: usize, k: usize, p: &Practical) -> Pooled {
    let def = &METRICS[k];
    let per_scenario = scenarios.iter().map(|s| {
        metric_diff(
            def,
            &s.models[b].runs,
            &s.models[a].runs,
            s.scenario.horizon,
            p,
        )
    });
    pool(k, per_scenario, p)
}

/// Per-scenario differences on metric `k` (model minus reference) pooled into one: every
/// scenario with runs of the metric's kind weighs the same (see the module documentation).
pub fn pool(k: usize, per_scenario: impl IntoIterator<Item = MetricDiff>, p: &Practical) -> Pooled {
    let def = &METRICS[k];
    let mut tally = Tally::default();
    let (mut sum_a, mut sum_b, mut sum_d, mut var, mut n, mut s_count) =
        (0.0, 0.0, 0.0, 0.0, 0usize, 0usize);
    for d in per_scenario {
        tally.add(d.verdict);
        if d.difference.n == 0 {
            continue;
        }
        s_count += 1;
        n += d.difference.n;
        sum_a += d.model_mean;
        sum_b += d.baseline_mean;
        sum_d += d.difference.mean;
        if d.difference.n >= 2 {
            let se = (d.difference.high - d.difference.low) / 2.0 / t_975(d.difference.n - 1);
            var += se * se;
        }
    }
    let k_s = s_count.max(1) as f64;
    let mean = sum_d / k_s;
    let half = if n >= 2 {
        t_975(n - 1) * var.sqrt() / k_s
    } else {
        0.0
    };
    let difference = PairedDiff {
        n,
        mean,
        low: mean - half,
        high: mean + half,
    };
    let reference_mean = sum_b / k_s;
    let threshold = p.threshold(def.kind, reference_mean);
    Pooled {
        metric: def.key,
        model_mean: sum_a / k_s,
        reference_mean,
        difference,
        threshold,
        verdict: verdict(&difference, threshold, def.lower_is_better),
        resolvable: resolvable(&difference),
        runs_needed: runs_needed(&difference, threshold),
        scenarios: s_count,
        tally,
    }
}

/// Overall value of model `m` on every metric: the mean over scenarios with data.
fn overall_means(scenarios: &[ScenarioResult], m: usize) -> Vec<f64> {
    (0..METRICS.len())
        .map(|k| {
            let vals: Vec<f64> = scenarios
                .iter()
                .filter(|s| s.models[m].diffs[k].difference.n > 0)
                .map(|s| s.models[m].diffs[k].model_mean)
                .collect();
            crate::analysis::compare::mean(&vals)
        })
        .collect()
}

/// The biggest risk model `m` leaves over all scenarios.
fn risk(scenarios: &[ScenarioResult], m: usize) -> Risk {
    let results: Vec<&ModelResult> = scenarios.iter().map(|s| &s.models[m]).collect();
    let runs: u64 = results.iter().map(|r| r.summary.runs).sum();
    let attack: u64 = results.iter().map(|r| r.summary.attack_runs).sum();
    let mut stalls = [0u64; WaitCause::COUNT];
    let mut wait = [0u64; WaitCause::COUNT];
    let mut missed = [0u64; CredentialKind::COUNT];
    for r in &results {
        for run in &r.runs {
            for c in 0..WaitCause::COUNT {
                stalls[c] += run.stalls_by_cause[c] as u64;
                wait[c] += run.wait_by_cause[c];
            }
            for (m, &x) in missed.iter_mut().zip(&run.missed_by_kind) {
                *m += x as u64;
            }
        }
    }
    let per = |x: u64, d: u64| if d == 0 { 0.0 } else { x as f64 / d as f64 };
    let top = (0..WaitCause::COUNT)
        .filter(|&c| stalls[c] > 0)
        .max_by_key(|&c| (stalls[c], std::cmp::Reverse(c)));
    let kind = (0..CredentialKind::COUNT)
        .filter(|&k| missed[k] > 0)
        .max_by_key(|&k| (missed[k], std::cmp::Reverse(k)));
    Risk {
        top_stall_cause: top.map(|c| {
            (
                WaitCause::ALL[c].name(),
                per(stalls[c], runs),
                per(wait[c], runs) / 3600.0,
            )
        }),
        most_missed_kind: kind.map(|k| (CredentialKind::ALL[k].name(), per(missed[k], attack))),
    }
}

/// The decision over all scenarios of a comparison.
pub fn decide(models: &[Model], scenarios: &[ScenarioResult], p: &Practical) -> Decision {
    let means: Vec<Vec<f64>> = (0..models.len())
        .map(|m| overall_means(scenarios, m))
        .collect();
    let keys: Vec<f64> = means.iter().map(|v| v[0]).collect();
    let better = |a: usize, b: usize| pooled(scenarios, a, b, 0, p).verdict == Verdict::Better;
    let order = crate::analysis::compare::rank_by(&keys, better);
    let ranking: Vec<OverallEntry> = order
        .iter()
        .map(|p| OverallEntry {
            model: models[p.index].name.clone(),
            index: p.index,
            rank: p.rank,
            tied_with_previous: p.tied,
            below: p.beaten_by.map(|b| models[b].name.clone()),
            means: means[p.index].clone(),
            risk: risk(scenarios, p.index),
        })
        .collect();
    let headline = match ranking.get(1) {
        Some(second) => (0..METRICS.len())
            .map(|k| pooled(scenarios, ranking[0].index, second.index, k, p))
            .collect(),
        None => Vec::new(),
    };
    Decision { ranking, headline }
}
