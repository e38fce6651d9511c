//! The JSON shapes of analysis values, shared by results.json and `run --json`
//! (docs/data.md). One rule throughout: a numeric field holds a number or `null`, never a
//! string or an object; `null` means "no data" (nothing to take it over) or, for a percentile,
//! "beyond the horizon" with its `_beyond_horizon` flag beside it. Every duration field names
//! its unit (`_seconds`, `_hours`); counts by cause or kind are objects with every key present.

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::analysis::compare::{MetricDiff, RankEntry, Verdict};
use crate::analysis::decision::{OverallEntry, Pooled, Tally};
use crate::analysis::stats::{PairedDiff, SurvivalStep};
use crate::analysis::summary::{Censored, Summary};
use crate::domain::{CredentialKind, WaitCause};

/// A finite number, or `None` (serde_json would write a non-finite one as `null` anyway; this
/// makes it a decision, not an accident).
pub fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// `x` over `n` runs as already divided by the analysis, or `None` when `n` is 0.
fn over(x: f64, n: u64) -> Option<f64> {
    (n > 0).then_some(x).and_then(finite)
}

/// A censored percentile as (seconds, beyond the horizon): `(Some(s), Some(false))`,
/// `(None, Some(true))` beyond the horizon, `(None, None)` with no runs to take it over.
pub fn censored(c: Censored) -> (Option<u64>, Option<bool>) {
    match c {
        Censored::Seconds(s) => (Some(s), Some(false)),
        Censored::BeyondHorizon => (None, Some(true)),
        Censored::NoData => (None, None),
    }
}

/// A verdict as written to every file: `better`, `worse`, `equivalent`, `inconclusive`,
/// `no_data`.
pub fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::NoData => "no_data",
        v => v.text(),
    }
}

/// A JSON object whose keys come in a fixed order (the vocabulary's, not alphabetical).
pub struct Ordered<V>(pub Vec<(&'static str, V)>);

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Every wait cause with its value in `pairs` (by name), 0 when absent.
fn by_cause<V: Copy + Default + Serialize>(pairs: &[(String, V)]) -> Ordered<V> {
    Ordered(
        WaitCause::ALL
            .iter()
            .map(|c| {
                let v = pairs.iter().find(|(n, _)| n == c.name());
                (c.name(), v.map_or(V::default(), |(_, v)| *v))
            })
            .collect(),
    )
}

/// Every credential kind with its count in `pairs` (by name), 0 when absent.
fn by_kind(pairs: &[(String, u64)]) -> Ordered<u64> {
    Ordered(
        CredentialKind::ALL
            .iter()
            .map(|k| {
                let v = pairs.iter().find(|(n, _)| n == k.name());
                (k.name(), v.map_or(0, |(_, v)| *v))
            })
            .collect(),
    )
}

/// A run batch's aggregates (`summary` in results.json and `run --json`).
#[derive(serde::Serialize)]
pub struct SummaryDoc<'a> {
    scenario: &'a str,
    model: &'a str,
    seed: u64,
    horizon_seconds: u64,
    runs: u64,
    attack_runs: u64,
    benign_runs: u64,
    detected: u64,
    contained: u64,
    share_detected: Option<f64>,
    share_contained: Option<f64>,
    compromised: u64,
    evicted_at_horizon: u64,
    share_evicted_at_horizon: Option<f64>,
    re_entered: u64,
    share_re_entered: Option<f64>,
    dwell_p50_seconds: Option<u64>,
    dwell_p50_beyond_horizon: Option<bool>,
    dwell_p90_seconds: Option<u64>,
    dwell_p90_beyond_horizon: Option<bool>,
    abandoned_total: u64,
    abandoned_mean: Option<f64>,
    abandoned_by_cause: Ordered<u64>,
    time_to_containment_p50_seconds: Option<u64>,
    time_to_containment_p50_beyond_horizon: Option<bool>,
    time_to_containment_p90_seconds: Option<u64>,
    time_to_containment_p90_beyond_horizon: Option<bool>,
    time_to_detect_p50_seconds: Option<u64>,
    time_to_detect_p50_beyond_horizon: Option<bool>,
    time_to_first_revocation_p50_seconds: Option<u64>,
    time_to_first_revocation_p50_beyond_horizon: Option<bool>,
    missed_revocations_total: u64,
    missed_revocations_mean: Option<f64>,
    share_with_missed: Option<f64>,
    missed_by_kind: Ordered<u64>,
    false_closures: u64,
    reopened: u64,
    wrongful_revocations_total: u64,
    wrongful_per_benign_run: Option<f64>,
    revocations_total: u64,
    revocations_by_close: u64,
    evidence_completeness: Option<f64>,
    handoffs_mean: Option<f64>,
    stalls_total: u64,
    stalls_mean: Option<f64>,
    stall_wait_mean_seconds: Option<f64>,
    stalls_by_cause: Ordered<u64>,
    wait_mean_seconds_by_cause: Ordered<f64>,
    damage_mean: Option<f64>,
    signals_lost_mean: Option<f64>,
    events_total: u64,
}

impl<'a> SummaryDoc<'a> {
    pub fn new(s: &'a Summary) -> Self {
        let (a, n) = (s.attack_runs, s.runs);
        let (ttc50, ttc50b) = censored(s.time_to_containment_p50);
        let (ttc90, ttc90b) = censored(s.time_to_containment_p90);
        let (ttd50, ttd50b) = censored(s.time_to_detect_p50);
        let (ttr50, ttr50b) = censored(s.time_to_first_revocation_p50);
        let (d50, d50b) = censored(s.dwell_p50);
        let (d90, d90b) = censored(s.dwell_p90);
        let by_close = s.revocations_by_close();
        SummaryDoc {
            scenario: &s.scenario,
            model: &s.model,
            seed: s.seed,
            horizon_seconds: s.horizon_seconds,
            runs: n,
            attack_runs: a,
            benign_runs: s.benign_runs,
            detected: s.detected,
            contained: s.contained,
            share_detected: over(s.share_detected, a),
            share_contained: over(s.share_contained, a),
            compromised: s.compromised,
            evicted_at_horizon: s.evicted_at_horizon,
            share_evicted_at_horizon: over(s.share_evicted_at_horizon, a),
            re_entered: s.re_entered,
            share_re_entered: over(s.share_re_entered, a),
            dwell_p50_seconds: d50,
            dwell_p50_beyond_horizon: d50b,
            dwell_p90_seconds: d90,
            dwell_p90_beyond_horizon: d90b,
            abandoned_total: s.abandoned_total,
            abandoned_mean: over(s.abandoned_mean, n),
            abandoned_by_cause: by_cause(&s.abandoned_by_cause),
            time_to_containment_p50_seconds: ttc50,
            time_to_containment_p50_beyond_horizon: ttc50b,
            time_to_containment_p90_seconds: ttc90,
            time_to_containment_p90_beyond_horizon: ttc90b,
            time_to_detect_p50_seconds: ttd50,
            time_to_detect_p50_beyond_horizon: ttd50b,
            time_to_first_revocation_p50_seconds: ttr50,
            time_to_first_revocation_p50_beyond_horizon: ttr50b,
            missed_revocations_total: s.missed_revocations_total,
            missed_revocations_mean: over(s.missed_revocations_mean, a),
            share_with_missed: over(s.share_with_missed, a),
            missed_by_kind: by_kind(&s.missed_by_kind),
            false_closures: s.false_closures,
            reopened: s.reopened,
            wrongful_revocations_total: s.wrongful_revocations_total,
            wrongful_per_benign_run: over(s.wrongful_per_benign_run, s.benign_runs),
            revocations_total: s.revocations_total,
            revocations_by_close: by_close,
            evidence_completeness: over(s.evidence_completeness, by_close),
            handoffs_mean: over(s.handoffs_mean, n),
            stalls_total: s.stalls_total,
            stalls_mean: over(s.stalls_mean, n),
            stall_wait_mean_seconds: over(s.stall_wait_mean, n),
            stalls_by_cause: by_cause(&s.stalls_by_cause),
            wait_mean_seconds_by_cause: by_cause(&s.wait_mean_by_cause),
            damage_mean: over(s.damage_mean, a),
            signals_lost_mean: over(s.signals_lost_mean, n),
            events_total: s.events_total,
        }
    }
}

/// A paired difference; its mean and bounds are `null` with no runs (`n` 0).
#[derive(serde::Serialize)]
pub struct DifferenceDoc {
    n: usize,
    mean: Option<f64>,
    low: Option<f64>,
    high: Option<f64>,
}

impl DifferenceDoc {
    pub fn new(d: &PairedDiff) -> Self {
        let v = |x: f64| (d.n > 0).then_some(x).and_then(finite);
        DifferenceDoc {
            n: d.n,
            mean: v(d.mean),
            low: v(d.low),
            high: v(d.high),
        }
    }
}

/// One entry of `differences_from_baseline`: means are `null` with no runs of the metric's
/// kind (verdict `no_data`).
#[derive(serde::Serialize)]
pub struct DiffDoc {
    metric: &'static str,
    baseline_mean: Option<f64>,
    model_mean: Option<f64>,
    difference: DifferenceDoc,
    threshold: Option<f64>,
    verdict: &'static str,
    resolvable: Option<f64>,
    runs_needed: Option<u64>,
}

impl DiffDoc {
    pub fn new(d: &MetricDiff) -> Self {
        let data = |x: f64| (d.difference.n > 0).then_some(x).and_then(finite);
        DiffDoc {
            metric: d.metric,
            baseline_mean: data(d.baseline_mean),
            model_mean: data(d.model_mean),
            difference: DifferenceDoc::new(&d.difference),
            threshold: finite(d.threshold),
            verdict: verdict_name(d.verdict),
            resolvable: d.resolvable.and_then(finite),
            runs_needed: d.runs_needed,
        }
    }
}

/// One entry of `decision.headline`: the preferred model minus the runner-up on a metric.
#[derive(serde::Serialize)]
pub struct PooledDoc {
    metric: &'static str,
    model_mean: Option<f64>,
    reference_mean: Option<f64>,
    difference: DifferenceDoc,
    threshold: Option<f64>,
    verdict: &'static str,
    resolvable: Option<f64>,
    runs_needed: Option<u64>,
    scenarios: usize,
    tally: Tally,
}

impl PooledDoc {
    pub fn new(p: &Pooled) -> Self {
        let data = |x: f64| (p.scenarios > 0).then_some(x).and_then(finite);
        PooledDoc {
            metric: p.metric,
            model_mean: data(p.model_mean),
            reference_mean: data(p.reference_mean),
            difference: DifferenceDoc::new(&p.difference),
            threshold: finite(p.threshold),
            verdict: verdict_name(p.verdict),
            resolvable: p.resolvable.and_then(finite),
            runs_needed: p.runs_needed,
            scenarios: p.scenarios,
            tally: p.tally,
        }
    }
}

#[derive(serde::Serialize)]
struct StallRiskDoc {
    cause: &'static str,
    stalls_per_run: f64,
    waiting_hours_per_run: f64,
}

#[derive(serde::Serialize)]
struct MissedRiskDoc {
    kind: &'static str,
    missed_per_attack_run: f64,
}

#[derive(serde::Serialize)]
struct RiskDoc {
    top_stall_cause: Option<StallRiskDoc>,
    most_missed_kind: Option<MissedRiskDoc>,
}

/// One model of `decision.ranking`: `means` keyed by metric (`null`: no scenario has runs of
/// the metric's kind), `risk` as objects.
#[derive(serde::Serialize)]
pub struct OverallDoc<'a> {
    model: &'a str,
    rank: usize,
    tied_with_previous: bool,
    below: Option<&'a str>,
    means: Ordered<Option<f64>>,
    risk: RiskDoc,
}

impl<'a> OverallDoc<'a> {
    /// `has_data[k]`: some scenario has runs of metric `k`'s kind for this model.
    pub fn new(e: &'a OverallEntry, has_data: &[bool]) -> Self {
        let keys = crate::analysis::compare::METRICS.iter().map(|m| m.key);
        OverallDoc {
            model: &e.model,
            rank: e.rank,
            tied_with_previous: e.tied_with_previous,
            below: e.below.as_deref(),
            means: Ordered(
                keys.zip(&e.means)
                    .zip(has_data)
                    .map(|((k, &v), &d)| (k, d.then_some(v).and_then(finite)))
                    .collect(),
            ),
            risk: RiskDoc {
                top_stall_cause: e.risk.top_stall_cause.map(|(c, s, h)| StallRiskDoc {
                    cause: c,
                    stalls_per_run: s,
                    waiting_hours_per_run: h,
                }),
                most_missed_kind: e.risk.most_missed_kind.map(|(k, m)| MissedRiskDoc {
                    kind: k,
                    missed_per_attack_run: m,
                }),
            },
        }
    }
}

/// One step of the Kaplan-Meier curve of first containment.
#[derive(serde::Serialize)]
pub struct SurvivalDoc {
    time_seconds: u64,
    survival: f64,
    at_risk: usize,
}

impl SurvivalDoc {
    pub fn new(s: &SurvivalStep) -> Self {
        SurvivalDoc {
            time_seconds: s.time,
            survival: s.survival,
            at_risk: s.at_risk,
        }
    }
}

/// One model of a scenario's ranking; the restricted mean is `null` with no attack runs.
#[derive(serde::Serialize)]
pub struct RankDoc<'a> {
    rank: usize,
    model: &'a str,
    restricted_mean_hours: Option<f64>,
    tied_with_previous: bool,
    below: Option<&'a str>,
}

impl<'a> RankDoc<'a> {
    pub fn new(e: &'a RankEntry, attack_runs: u64) -> Self {
        RankDoc {
            rank: e.rank,
            model: &e.model,
            restricted_mean_hours: over(e.restricted_mean_hours, attack_runs),
            tied_with_previous: e.tied_with_previous,
            below: e.below.as_deref(),
        }
    }
}
