//! CI gates: evaluate a study's gates on its comparison, and at sweep points on the point's
//! own comparison (`output::gate` renders the results as JUnit XML and Markdown). A baseline
//! gate fails only when the whole 95% interval of the difference lies beyond its tolerance,
//! so an unchanged model never fails by chance. Every check also carries its power (`power`):
//! what its runs resolve against the effect the gate must detect.

pub mod power;
mod recorded;

pub use recorded::RecordedBaseline;

use crate::analysis::compare::{
    Comparison, MetricDef, ModelResult, RunSet, ScenarioResult, METRICS,
};
use crate::analysis::summary::Censored;
use crate::analysis::verdict::{resolvable, Practical};
use crate::engine::metrics::RunMetrics;
use crate::input::study::{show, Gate, GateMetric, Rule, Study};

/// How one check came out.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Passed,
    Failed,
    /// No runs of the kind the metric needs (the reason).
    NoData(String),
}

/// What a check's runs resolve (95% confidence, 80% power) against what the gate must detect,
/// both in the gate's unit (seconds for time metrics).
#[derive(Clone, Debug, PartialEq)]
pub struct Power {
    /// Infinite with fewer than two runs of the kind the metric needs.
    pub resolves: f64,
    pub detect: f64,
    /// `detect` is the practical threshold (the gate gives none).
    pub by_default: bool,
    /// Study runs that would resolve `detect`, when these do not (`u64::MAX`: no run count).
    pub runs_needed: Option<u64>,
}

impl Power {
    pub fn enough(&self) -> bool {
        self.resolves <= self.detect
    }
}

/// One gate applied to one scenario and model.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub scenario: String,
    pub model: String,
    pub status: Status,
    /// What was measured, in words.
    pub measured: String,
    pub detail: String,
    /// `None` without data.
    pub power: Option<Power>,
}

impl Check {
    pub fn passed(&self) -> bool {
        self.status != Status::Failed
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct GateResult {
    pub name: String,
    pub metric: GateMetric,
    /// Where the gate is in the study file: its field path (`gates[2]`), line and column.
    pub field: String,
    pub line: usize,
    pub col: usize,
    /// The sweep point it applies at, in words (empty for the study's own models).
    pub at: String,
    /// The gate names its scenario (then a check without data is bad input, not skipped).
    pub names_scenario: bool,
    pub checks: Vec<Check>,
}

impl GateResult {
    pub fn passed(&self) -> bool {
        self.checks.iter().all(Check::passed)
    }
}

/// The gate's measured value from the summary, in its unit; `None` without data.
fn absolute_value(metric: GateMetric, r: &ModelResult) -> Option<f64> {
    let s = &r.summary;
    let censored = |c: Censored| match c {
        Censored::Seconds(v) => Some(v as f64),
        Censored::BeyondHorizon => Some(f64::INFINITY),
        Censored::NoData => None,
    };
    match metric {
        GateMetric::TimeToContainmentP50 => censored(s.time_to_containment_p50),
        GateMetric::TimeToContainmentP90 => censored(s.time_to_containment_p90),
        GateMetric::RestrictedMeanTimeToContainment => {
            (s.attack_runs > 0).then(|| r.diffs[0].model_mean * 3600.0)
        }
        GateMetric::ContainedShare => (s.attack_runs > 0).then_some(s.share_contained),
        GateMetric::MissedRevocationRate => {
            (s.attack_runs > 0).then_some(s.missed_revocations_mean)
        }
        GateMetric::RunsWithMissedRevocation => (s.attack_runs > 0).then_some(s.share_with_missed),
        GateMetric::WrongfulRevocationRate => {
            (s.benign_runs > 0).then_some(s.wrongful_per_benign_run)
        }
        GateMetric::StallHours => (s.runs > 0).then_some(s.stall_wait_mean),
        GateMetric::Damage => (s.attack_runs > 0).then_some(s.damage_mean),
    }
}

/// The runs a gate metric is measured over, in words (for a check without data).
fn run_kind(metric: GateMetric) -> &'static str {
    match metric {
        GateMetric::WrongfulRevocationRate => "benign runs",
        GateMetric::StallHours => "runs",
        _ => "attack runs",
    }
}

/// Per-run values of a mean-type gate metric in its unit (seconds for times); percentiles
/// take every attack run's time to containment, a run not contained counting as `horizon`,
/// sorted.
fn per_run(metric: GateMetric, runs: &[RunMetrics], horizon: u64) -> Vec<f64> {
    let attack = runs.iter().filter(|m| m.attack);
    let mut v: Vec<f64> = match metric {
        GateMetric::TimeToContainmentP50
        | GateMetric::TimeToContainmentP90
        | GateMetric::RestrictedMeanTimeToContainment => attack
            .map(|m| m.time_to_containment.unwrap_or(horizon) as f64)
            .collect(),
        GateMetric::ContainedShare => attack.map(|m| m.contained() as u8 as f64).collect(),
        GateMetric::MissedRevocationRate => attack.map(|m| m.missed_revocations as f64).collect(),
        GateMetric::RunsWithMissedRevocation => attack
            .map(|m| (m.missed_revocations > 0) as u8 as f64)
            .collect(),
        GateMetric::WrongfulRevocationRate => (runs.iter().filter(|m| !m.attack))
            .map(|m| m.wrongful_revocations as f64)
            .collect(),
        GateMetric::StallHours => runs.iter().map(|m| m.stall_wait as f64).collect(),
        GateMetric::Damage => attack.map(|m| m.damage as f64).collect(),
    };
    v.sort_by(f64::total_cmp);
    v
}

/// The practical threshold of `metric` at `reference` (both in the gate's unit).
fn practical_at(p: &Practical, metric: GateMetric, reference: f64) -> f64 {
    if metric.is_time() {
        p.threshold(metric.kind(), reference / 3600.0) * 3600.0
    } else {
        p.threshold(metric.kind(), reference)
    }
}

/// A check's power from what its runs resolve and the effect it must detect (the gate's
/// `detect`, else `default`).
fn power(gate: &Gate, runs: u64, resolves: f64, default: f64) -> Power {
    let detect = gate.detect.unwrap_or(default);
    Power {
        resolves,
        detect,
        by_default: gate.detect.is_none(),
        runs_needed: power::runs_needed(runs, resolves, detect),
    }
}

/// Where a check is made: the scenario and model it names, and the study's run count.
struct Place<'a> {
    scenario: String,
    model: String,
    runs: u64,
    practical: &'a Practical,
}

impl Place<'_> {
    fn check(&self, passed: bool, measured: String, detail: String, power: Power) -> Check {
        Check {
            scenario: self.scenario.clone(),
            model: self.model.clone(),
            status: if passed {
                Status::Passed
            } else {
                Status::Failed
            },
            measured,
            detail,
            power: Some(power),
        }
    }

    fn no_data(&self, gate: &Gate, runs: u64) -> Check {
        let reason = format!(
            "no {} in {runs} runs: {} needs them",
            run_kind(gate.metric),
            gate.metric.name()
        );
        Check {
            scenario: self.scenario.clone(),
            model: self.model.clone(),
            status: Status::NoData(reason.clone()),
            measured: "no data".into(),
            detail: reason,
            power: None,
        }
    }
}

fn check_one(
    gate: &Gate,
    c: &Comparison,
    si: usize,
    mi: usize,
    recorded: Option<&RecordedBaseline>,
) -> Check {
    let s = &c.scenarios[si];
    let at = Place {
        scenario: s.scenario.name.clone(),
        model: c.models[mi].name.clone(),
        runs: c.runs,
        practical: &c.practical,
    };
    match gate.rule {
        Rule::AtMost(limit) | Rule::AtLeast(limit) => {
            check_limit(gate, &s.models[mi], s.scenario.horizon, limit, &at)
        }
        Rule::NoWorseThanBaseline(tol) => check_baseline(gate, tol, c, s, mi, recorded, &at),
    }
}

/// An absolute limit: the measured value within `limit`; power on the value's own interval
/// (order statistics for percentiles), the default `detect` the practical threshold at the
/// limit.
fn check_limit(gate: &Gate, r: &ModelResult, horizon: u64, limit: f64, at: &Place) -> Check {
    let Some(v) = absolute_value(gate.metric, r) else {
        return at.no_data(gate, at.runs);
    };
    let values = per_run(gate.metric, &r.runs, horizon);
    let default = practical_at(at.practical, gate.metric, limit);
    let quantile = match gate.metric {
        GateMetric::TimeToContainmentP50 => Some(0.5),
        GateMetric::TimeToContainmentP90 => Some(0.9),
        _ => None,
    };
    let mut power = match quantile {
        Some(q) => power(
            gate,
            at.runs,
            power::quantile_resolvable(&values, q),
            default,
        ),
        None => power(gate, at.runs, power::mean_resolvable(&values), default),
    };
    if let Some(q) = quantile {
        power.runs_needed = power::quantile_runs_needed(&values, q, at.runs, power.detect);
    }
    let at_most = matches!(gate.rule, Rule::AtMost(_));
    let passed = if at_most { v <= limit } else { v >= limit };
    at.check(
        passed,
        show(gate.metric, v),
        {
            let (v, limit) = show_apart(gate.metric, v, limit);
            let side = if passed { "within" } else { "beyond" };
            format!("measured {v} {side} limit {limit}")
        },
        power,
    )
}

/// A measured value and its limit as people read them, precise enough to tell apart when they
/// differ ("4.03d" and "4.00d" rounded to "4.0d" both would hide why a gate failed).
fn show_apart(metric: GateMetric, v: f64, limit: f64) -> (String, String) {
    let (a, b) = (show(metric, v), show(metric, limit));
    if a != b || v == limit || !v.is_finite() {
        return (a, b);
    }
    if metric.is_time() {
        (format!("{a} ({v:.0} s)"), format!("{b} ({limit:.0} s)"))
    } else {
        (format!("{v:.6}"), format!("{limit:.6}"))
    }
}

/// A model's difference from a baseline on one metric: the baseline's mean, the difference's
/// mean and 95% interval, what it was measured against, the difference the runs resolve and
/// the practical threshold at the baseline's mean (the metric's unit: hours for times).
struct Difference {
    base: f64,
    low: f64,
    high: f64,
    mean: f64,
    how: String,
    n: usize,
    resolves: f64,
    threshold: f64,
}

/// A baseline gate: fails only when the whole interval lies beyond the tolerance `tol`.
fn check_baseline(
    gate: &Gate,
    tol: f64,
    c: &Comparison,
    s: &ScenarioResult,
    mi: usize,
    recorded: Option<&RecordedBaseline>,
    at: &Place,
) -> Check {
    let key = gate.metric.paired_key().expect("checked at load");
    let def = METRICS.iter().find(|m| m.key == key).expect("known metric");
    let r = &s.models[mi];
    let d = match recorded {
        None => paired_difference(c, r, key),
        Some(rec) => {
            // `RecordedBaseline::check` made sure the metric is there before anything ran; a
            // recorded `null` (no runs of its kind then) leaves nothing to compare with.
            let Some(Some(base)) = rec.mean(&at.scenario, &at.model, key) else {
                let mut check = at.no_data(gate, at.runs);
                let reason = format!(
                    "the baseline results recorded no data for {} on {} with {}",
                    gate.metric.name(),
                    at.scenario,
                    at.model
                );
                check.status = Status::NoData(reason.clone());
                check.detail = reason;
                return check;
            };
            recorded_difference(def, r, s.scenario.horizon, base, c.practical)
        }
    };
    if d.n == 0 {
        return at.no_data(gate, at.runs);
    }
    let allowance = tol * d.base.abs();
    let passed = if def.lower_is_better {
        d.low <= allowance
    } else {
        d.high >= -allowance
    };
    let unit = |v| in_unit(key, v);
    let signed = |v| signed_in_unit(key, v);
    let factor = if key.ends_with("_hours") { 3600.0 } else { 1.0 };
    at.check(
        passed,
        format!(
            "{} ({}, 95% CI [{}, {}])",
            unit(d.base + d.mean),
            signed(d.mean),
            signed(d.low),
            signed(d.high)
        ),
        format!(
            "{}: baseline {}, difference {} [{}, {}], tolerance {:.0}% ({}); {}",
            d.how,
            unit(d.base),
            signed(d.mean),
            signed(d.low),
            signed(d.high),
            tol * 100.0,
            signed(allowance),
            if passed {
                "the interval reaches within the tolerance"
            } else {
                "the whole interval lies beyond the tolerance"
            }
        ),
        power(gate, at.runs, d.resolves * factor, d.threshold * factor),
    )
}

/// The paired difference from the study's baseline model, as the comparison computed it.
fn paired_difference(c: &Comparison, r: &ModelResult, key: &str) -> Difference {
    let d = r.diffs.iter().find(|d| d.metric == key).expect("metric");
    Difference {
        base: d.baseline_mean,
        low: d.difference.low,
        high: d.difference.high,
        mean: d.difference.mean,
        how: format!("vs baseline model {}, paired", c.models[c.baseline].name),
        n: d.difference.n,
        resolves: d.resolvable.unwrap_or(f64::INFINITY),
        threshold: d.threshold,
    }
}

/// Unpaired: the candidate's own 95% interval against the recorded mean `base`.
fn recorded_difference(
    def: &MetricDef,
    r: &ModelResult,
    horizon: u64,
    base: f64,
    practical: Practical,
) -> Difference {
    let values: Vec<f64> = r
        .runs
        .iter()
        .filter(|m| match def.runs {
            RunSet::Attack => m.attack,
            RunSet::Benign => !m.attack,
            RunSet::All => true,
        })
        .map(|m| def.value(m, horizon))
        .collect();
    let d = power::mean_interval(&values);
    Difference {
        base,
        low: d.low - base,
        high: d.high - base,
        mean: d.mean - base,
        how: "vs recorded baseline results".to_string(),
        n: d.n,
        resolves: resolvable(&d).unwrap_or(f64::INFINITY),
        threshold: practical.threshold(def.kind, base),
    }
}

/// A value of the paired metric `key` in its unit.
fn in_unit(key: &str, v: f64) -> String {
    if key.ends_with("_hours") {
        crate::domain::duration::format_human(v * 3600.0)
    } else if key.ends_with("_share") {
        format!("{:.1}%", v * 100.0)
    } else {
        format!("{v:.3}")
    }
}

/// A difference of the paired metric `key`, signed, in its unit.
fn signed_in_unit(key: &str, v: f64) -> String {
    let sign = if v < 0.0 { "-" } else { "+" };
    format!("{sign}{}", in_unit(key, v.abs()))
}

/// Evaluates the gates of `study` at plan point `point` on `c`, that point's comparison (the
/// study's own models for point 0), in gate order.
pub fn evaluate_at(
    study: &Study,
    point: usize,
    c: &Comparison,
    recorded: Option<&RecordedBaseline>,
) -> Vec<GateResult> {
    (study.gates.iter())
        .filter(|g| g.point == point)
        .map(|g| evaluate_gate(g, c, recorded))
        .collect()
}

/// Evaluates the gates of `study` that apply to its own models on `c` (the study's
/// comparison).
pub fn evaluate(
    study: &Study,
    c: &Comparison,
    recorded: Option<&RecordedBaseline>,
) -> Vec<GateResult> {
    evaluate_at(study, 0, c, recorded)
}

/// One gate on every scenario and model it spans.
fn evaluate_gate(g: &Gate, c: &Comparison, recorded: Option<&RecordedBaseline>) -> GateResult {
    let scenarios: Vec<usize> = match g.scenario {
        Some(s) => vec![s],
        None => (0..c.scenarios.len()).collect(),
    };
    let models: Vec<usize> = match g.model {
        Some(m) => vec![m],
        None => (0..c.models.len())
            .filter(|&m| {
                recorded.is_some()
                    || !matches!(g.rule, Rule::NoWorseThanBaseline(_))
                    || m != c.baseline
            })
            .collect(),
    };
    let mut checks = Vec::new();
    for &s in &scenarios {
        for &m in &models {
            checks.push(check_one(g, c, s, m, recorded));
        }
    }
    GateResult {
        name: g.name.clone(),
        metric: g.metric,
        field: g.field.clone(),
        line: g.line,
        col: g.col,
        at: g.at_label(),
        names_scenario: g.scenario.is_some(),
        checks,
    }
}

/// Gate results gathered point by point as a plan renders (each point's comparison exists
/// only while it is rendered), returned in the study's gate order.
pub struct Collector<'s> {
    study: &'s Study,
    recorded: Option<&'s RecordedBaseline>,
    found: Vec<(usize, GateResult)>,
}

impl<'s> Collector<'s> {
    pub fn new(study: &'s Study, recorded: Option<&'s RecordedBaseline>) -> Self {
        Collector {
            study,
            recorded,
            found: Vec::with_capacity(study.gates.len()),
        }
    }

    /// Whether some gate applies at plan point `point`.
    pub fn wants(&self, point: usize) -> bool {
        self.study.gates.iter().any(|g| g.point == point)
    }

    /// Evaluates the gates at `point` on its comparison.
    pub fn visit(&mut self, point: usize, c: &Comparison) {
        for (i, g) in self.study.gates.iter().enumerate() {
            if g.point == point {
                self.found.push((i, evaluate_gate(g, c, self.recorded)));
            }
        }
    }

    pub fn finish(mut self) -> Vec<GateResult> {
        self.found.sort_by_key(|(i, _)| *i);
        self.found.into_iter().map(|(_, r)| r).collect()
    }
}

/// The checks whose runs cannot resolve what their gate must detect, with their gates; a
/// check without data counts when its gate names the scenario (it can never be measured
/// there), and is skipped otherwise.
pub fn underpowered(results: &[GateResult]) -> Vec<(&GateResult, &Check)> {
    let mut out = Vec::new();
    for r in results {
        for c in &r.checks {
            let short = match &c.power {
                Some(p) => !p.enough(),
                None => r.names_scenario,
            };
            if short {
                out.push((r, c));
            }
        }
    }
    out
}

impl crate::analysis::plan::Visitor for Collector<'_> {
    fn wants(&self, point: usize) -> bool {
        Collector::wants(self, point)
    }
    fn visit(&mut self, point: usize, c: &Comparison) {
        Collector::visit(self, point, c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_and_its_limit_are_told_apart_when_rounding_would_hide_it() {
        let p90 = GateMetric::TimeToContainmentP90;
        // 4.03 days and 4 days both read "4.0d"; the seconds say why the gate failed.
        let (v, limit) = show_apart(p90, 348_192.0, 345_600.0);
        assert_ne!(v, limit);
        assert!(
            v.ends_with("(348192 s)") && limit.ends_with("(345600 s)"),
            "{v} {limit}"
        );
        // Apart already, or equal: as `show` writes them.
        assert_eq!(
            show_apart(p90, 7200.0, 14_400.0),
            (show(p90, 7200.0), show(p90, 14_400.0))
        );
        assert_eq!(show_apart(p90, 7200.0, 7200.0).0, show(p90, 7200.0));
        let rate = GateMetric::MissedRevocationRate;
        assert_eq!(
            show_apart(rate, 0.0104, 0.0101),
            ("0.010400".to_string(), "0.010100".to_string())
        );
    }
}
