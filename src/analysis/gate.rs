//! CI gates: evaluate a study's gates on its comparison (`output::gate` renders the results as
//! JUnit XML and Markdown). A baseline gate fails only when the whole 95% interval of
//! the difference lies beyond its tolerance, so an unchanged model never fails by chance.

use crate::analysis::compare::{
    Comparison, MetricDef, ModelResult, RunSet, ScenarioResult, METRICS,
};
use crate::analysis::stats::paired_diff;
use crate::analysis::summary::Censored;
use crate::input::study::{show, Gate, GateMetric, Rule, Study};

/// One gate applied to one scenario and model.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub scenario: String,
    pub model: String,
    pub passed: bool,
    /// What was measured, in words.
    pub measured: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GateResult {
    pub name: String,
    pub checks: Vec<Check>,
}

impl GateResult {
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }
}

/// Recorded per-model means from an earlier results.json, for `--baseline results.json`.
pub struct RecordedBaseline(pub serde_json::Value);

impl RecordedBaseline {
    /// The recorded mean of `key` for `model` on `scenario`.
    fn mean(&self, scenario: &str, model: &str, key: &str) -> Option<f64> {
        let scenarios = self.0.get("scenarios")?.as_array()?;
        let s = scenarios.iter().find(|s| s["name"] == scenario)?;
        let m = s["models"]
            .as_array()?
            .iter()
            .find(|m| m["model"] == model)?;
        let d = m["differences_from_baseline"]
            .as_array()?
            .iter()
            .find(|d| d["metric"] == key)?;
        d["model_mean"].as_f64()
    }
}

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
        GateMetric::StallHours => Some(s.stall_wait_mean),
        GateMetric::Damage => (s.attack_runs > 0).then_some(s.damage_mean),
    }
}

/// Where a check is made: the scenario and model it names.
struct Place {
    scenario: String,
    model: String,
}

impl Place {
    fn check(&self, passed: bool, measured: String, detail: String) -> Check {
        Check {
            scenario: self.scenario.clone(),
            model: self.model.clone(),
            passed,
            measured,
            detail,
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
    };
    match gate.rule {
        Rule::AtMost(limit) | Rule::AtLeast(limit) => check_limit(gate, &s.models[mi], limit, &at),
        Rule::NoWorseThanBaseline(tol) => check_baseline(gate, tol, c, s, mi, recorded, &at),
    }
}

/// An absolute limit: the measured value within `limit`.
fn check_limit(gate: &Gate, r: &ModelResult, limit: f64, at: &Place) -> Check {
    let Some(v) = absolute_value(gate.metric, r) else {
        return at.check(
            false,
            "no data".into(),
            format!("no runs of the kind {} needs", gate.metric.name()),
        );
    };
    let at_most = matches!(gate.rule, Rule::AtMost(_));
    let passed = if at_most { v <= limit } else { v >= limit };
    at.check(
        passed,
        show(gate.metric, v),
        format!(
            "measured {} {} limit {}",
            show(gate.metric, v),
            if passed { "within" } else { "beyond" },
            show(gate.metric, limit)
        ),
    )
}

/// A model's difference from a baseline on one metric: the baseline's mean, the difference's
/// mean and 95% interval, and what it was measured against.
struct Difference {
    base: f64,
    low: f64,
    high: f64,
    mean: f64,
    how: String,
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
            let Some(base) = rec.mean(&at.scenario, &at.model, key) else {
                return at.check(
                    false,
                    "no baseline".into(),
                    format!(
                        "the baseline results have no {key} for {} on {}",
                        at.model, at.scenario
                    ),
                );
            };
            recorded_difference(def, r, s.scenario.horizon, base)
        }
    };
    let allowance = tol * d.base.abs();
    let passed = if def.lower_is_better {
        d.low <= allowance
    } else {
        d.high >= -allowance
    };
    let unit = |v| in_unit(key, v);
    let signed = |v| signed_in_unit(key, v);
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
    }
}

/// Unpaired: the candidate's own 95% interval against the recorded mean `base`.
fn recorded_difference(def: &MetricDef, r: &ModelResult, horizon: u64, base: f64) -> Difference {
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
    let zeros = vec![0.0; values.len()];
    let d = paired_diff(&zeros, &values);
    Difference {
        base,
        low: d.low - base,
        high: d.high - base,
        mean: d.mean - base,
        how: "vs recorded baseline results".to_string(),
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

/// Evaluates every gate of `study` on `c` (which must come from the same study).
pub fn evaluate(
    study: &Study,
    c: &Comparison,
    recorded: Option<&RecordedBaseline>,
) -> Vec<GateResult> {
    study
        .gates
        .iter()
        .map(|g| {
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
                checks,
            }
        })
        .collect()
}
