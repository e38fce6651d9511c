//! CI gates: evaluate a study's gates on its comparison, and report them as JUnit XML (one
//! test case per gate) and Markdown. A baseline gate fails only when the whole 95% interval of
//! the difference lies beyond its tolerance, so an unchanged model never fails by chance.

use std::fmt::Write as _;

use crate::analysis::compare::{Comparison, ModelResult, METRICS};
use crate::analysis::stats::paired_diff;
use crate::analysis::summary::Censored;
use crate::input::study::{show, Gate, GateMetric, Rule, Study};
use crate::output::escape::{html, markdown};

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

fn check_one(
    gate: &Gate,
    c: &Comparison,
    si: usize,
    mi: usize,
    recorded: Option<&RecordedBaseline>,
) -> Check {
    let s = &c.scenarios[si];
    let r = &s.models[mi];
    let scenario = s.scenario.name.clone();
    let model = c.models[mi].name.clone();
    let fail = |measured: String, detail: String| Check {
        scenario: scenario.clone(),
        model: model.clone(),
        passed: false,
        measured,
        detail,
    };
    match gate.rule {
        Rule::AtMost(limit) | Rule::AtLeast(limit) => {
            let Some(v) = absolute_value(gate.metric, r) else {
                return fail(
                    "no data".into(),
                    format!("no runs of the kind {} needs", gate.metric.name()),
                );
            };
            let at_most = matches!(gate.rule, Rule::AtMost(_));
            let passed = if at_most { v <= limit } else { v >= limit };
            Check {
                scenario: scenario.clone(),
                model: model.clone(),
                passed,
                measured: show(gate.metric, v),
                detail: format!(
                    "measured {} {} limit {}",
                    show(gate.metric, v),
                    if passed { "within" } else { "beyond" },
                    show(gate.metric, limit)
                ),
            }
        }
        Rule::NoWorseThanBaseline(tol) => {
            let key = gate.metric.paired_key().expect("checked at load");
            let def = METRICS.iter().find(|m| m.key == key).expect("known metric");
            let unit = |v: f64| {
                if key.ends_with("_hours") {
                    crate::domain::duration::format_human(v * 3600.0)
                } else if key == "contained_share" {
                    format!("{:.1}%", v * 100.0)
                } else {
                    format!("{v:.3}")
                }
            };
            let signed = |v: f64| {
                let sign = if v < 0.0 { "-" } else { "+" };
                format!("{sign}{}", unit(v.abs()))
            };
            let (base, low, high, mean, how) = match recorded {
                None => {
                    let d = r.diffs.iter().find(|d| d.metric == key).expect("metric");
                    (
                        d.baseline_mean,
                        d.difference.low,
                        d.difference.high,
                        d.difference.mean,
                        format!("vs baseline model {}, paired", c.models[c.baseline].name),
                    )
                }
                Some(rec) => {
                    let Some(base) = rec.mean(&scenario, &model, key) else {
                        return fail(
                            "no baseline".into(),
                            format!("the baseline results have no {key} for {model} on {scenario}"),
                        );
                    };
                    // Unpaired: the candidate's own 95% interval against the recorded mean.
                    let values: Vec<f64> = r
                        .runs
                        .iter()
                        .filter(|m| match def.runs {
                            crate::analysis::compare::RunSet::Attack => m.attack,
                            crate::analysis::compare::RunSet::Benign => !m.attack,
                            crate::analysis::compare::RunSet::All => true,
                        })
                        .map(|m| def.value(m, s.scenario.horizon))
                        .collect();
                    let zeros = vec![0.0; values.len()];
                    let d = paired_diff(&zeros, &values);
                    (
                        base,
                        d.low - base,
                        d.high - base,
                        d.mean - base,
                        "vs recorded baseline results".to_string(),
                    )
                }
            };
            let allowance = tol * base.abs();
            let passed = if def.lower_is_better {
                low <= allowance
            } else {
                high >= -allowance
            };
            Check {
                scenario: scenario.clone(),
                model: model.clone(),
                passed,
                measured: format!(
                    "{} ({}, 95% CI [{}, {}])",
                    unit(base + mean),
                    signed(mean),
                    signed(low),
                    signed(high)
                ),
                detail: format!(
                    "{how}: baseline {}, difference {} [{}, {}], tolerance {:.0}% ({}); {}",
                    unit(base),
                    signed(mean),
                    signed(low),
                    signed(high),
                    tol * 100.0,
                    signed(allowance),
                    if passed {
                        "the interval reaches within the tolerance"
                    } else {
                        "the whole interval lies beyond the tolerance"
                    }
                ),
            }
        }
    }
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

/// JUnit XML: one test case per gate; a failure names the gate, the scenario, the model and the
/// measured value.
pub fn junit(study: &Study, results: &[GateResult]) -> String {
    let failures = results.iter().filter(|r| !r.passed()).count();
    let mut o = String::new();
    let _ = writeln!(o, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        o,
        r#"<testsuites name="raci-sim check" tests="{}" failures="{failures}">"#,
        results.len()
    );
    let _ = writeln!(
        o,
        r#"  <testsuite name="{}" tests="{}" failures="{failures}">"#,
        html(&study.name),
        results.len()
    );
    for r in results {
        let _ = write!(
            o,
            r#"    <testcase classname="raci-sim.gates" name="{}""#,
            html(&r.name)
        );
        let failed: Vec<&Check> = r.checks.iter().filter(|c| !c.passed).collect();
        if failed.is_empty() {
            o.push_str("/>\n");
            continue;
        }
        let first = failed[0];
        let _ = writeln!(
            o,
            r#">
      <failure message="{}: measured {} on {} with {}">"#,
            html(&r.name),
            html(&first.measured),
            html(&first.scenario),
            html(&first.model)
        );
        for c in failed {
            let _ = writeln!(
                o,
                "{} / {}: {}",
                html(&c.scenario),
                html(&c.model),
                html(&c.detail)
            );
        }
        o.push_str("      </failure>\n    </testcase>\n");
    }
    o.push_str("  </testsuite>\n</testsuites>\n");
    o
}

/// A Markdown summary for a CI job page.
pub fn summary_markdown(study: &Study, results: &[GateResult]) -> String {
    let failed = results.iter().filter(|r| !r.passed()).count();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "## raci-sim check: {}\n\n{} of {} gates passed ({} runs, seed {}).\n",
        markdown(&study.name),
        results.len() - failed,
        results.len(),
        study.runs,
        study.seed
    );
    o.push_str("| gate | result | scenario | model | measured |\n|---|---|---|---|---|\n");
    for r in results {
        for c in &r.checks {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                markdown(&r.name),
                if c.passed { "pass" } else { "**FAIL**" },
                markdown(&c.scenario),
                markdown(&c.model),
                markdown(&c.measured)
            );
        }
    }
    o
}
