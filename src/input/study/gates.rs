//! CI gates: what a gate measures (`GateMetric`), what it requires (`Rule`), and checking a
//! gate of the study file into a `Gate`.

use serde::Deserialize;

use super::file::{GateFile, Threshold};
use crate::input::check::{Checker, Names};

/// What a gate measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum GateMetric {
    TimeToContainmentP50,
    TimeToContainmentP90,
    RestrictedMeanTimeToContainment,
    ContainedShare,
    MissedRevocationRate,
    RunsWithMissedRevocation,
    WrongfulRevocationRate,
    StallHours,
    Damage,
}

impl GateMetric {
    pub fn name(self) -> &'static str {
        match self {
            GateMetric::TimeToContainmentP50 => "time to containment p50",
            GateMetric::TimeToContainmentP90 => "time to containment p90",
            GateMetric::RestrictedMeanTimeToContainment => "restricted mean time to containment",
            GateMetric::ContainedShare => "share contained",
            GateMetric::MissedRevocationRate => "missed revocations per attack run",
            GateMetric::RunsWithMissedRevocation => "share of runs with a missed revocation",
            GateMetric::WrongfulRevocationRate => "wrongful revocations per benign run",
            GateMetric::StallHours => "stalled hours per run",
            GateMetric::Damage => "damage per attack run",
        }
    }

    /// Time metrics take durations ("4h") and report them as durations.
    pub fn is_time(self) -> bool {
        matches!(
            self,
            GateMetric::TimeToContainmentP50
                | GateMetric::TimeToContainmentP90
                | GateMetric::RestrictedMeanTimeToContainment
                | GateMetric::StallHours
        )
    }

    /// The per-run metric of `compare::METRICS` a baseline gate compares, if there is one.
    pub fn paired_key(self) -> Option<&'static str> {
        Some(match self {
            GateMetric::RestrictedMeanTimeToContainment => {
                "restricted_mean_time_to_containment_hours"
            }
            GateMetric::ContainedShare => "contained_share",
            GateMetric::MissedRevocationRate => "missed_revocations",
            GateMetric::StallHours => "stall_hours",
            GateMetric::WrongfulRevocationRate => "wrongful_revocations",
            GateMetric::Damage => "damage",
            _ => return None,
        })
    }
}

/// What a gate requires.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rule {
    AtMost(f64),
    AtLeast(f64),
    /// Fails only when the paired 95% interval of the difference lies wholly beyond this
    /// relative tolerance in the bad direction.
    NoWorseThanBaseline(f64),
}

#[derive(Clone, Debug)]
pub struct Gate {
    pub name: String,
    pub metric: GateMetric,
    pub scenario: Option<usize>,
    pub model: Option<usize>,
    pub rule: Rule,
}

/// Most gates in a study.
pub const MAX_GATES: usize = 500;

/// One gate: its scenario and model resolved, exactly one rule, a name.
pub(super) fn gate(
    c: &mut Checker,
    i: usize,
    g: &GateFile,
    model_names: &Names,
    scenario_names: &Names,
) -> Option<Gate> {
    let p = format!("gates[{i}]");
    let scenario = g
        .scenario
        .as_ref()
        .and_then(|s| c.resolve(&format!("{p}.scenario"), "scenario", s, scenario_names));
    let model = g
        .model
        .as_ref()
        .and_then(|m| c.resolve(&format!("{p}.model"), "model", m, model_names));
    let mut rules = threshold_rules(c, &p, g);
    rules.extend(baseline_rule(c, &p, g));
    if rules.len() != 1 {
        c.error(
            &p,
            format!("a gate needs exactly one rule, it has {}", rules.len()),
            Some("give one of `at_most`, `at_least` or `no_worse_than_baseline_by`".into()),
        );
        return None;
    }
    Some(Gate {
        name: g.name.clone().unwrap_or_else(|| default_name(g, rules[0])),
        metric: g.metric,
        scenario,
        model,
        rule: rules[0],
    })
}

/// The `at_most` and `at_least` rules of gate `p`, each a duration for a time metric and a
/// finite number otherwise (errors for those that are not).
fn threshold_rules(c: &mut Checker, p: &str, g: &GateFile) -> Vec<Rule> {
    let mut rules = Vec::new();
    for (field, t, at_most) in [
        ("at_most", g.at_most, true),
        ("at_least", g.at_least, false),
    ] {
        let Some(t) = t else { continue };
        let v = match (t, g.metric.is_time()) {
            (Threshold::Seconds(s), true) => s as f64,
            (Threshold::Number(n), false) if n.is_finite() => n,
            (Threshold::Number(_), true) => {
                c.error(
                    &format!("{p}.{field}"),
                    format!("{} is a time: write a duration", g.metric.name()),
                    Some("e.g. \"4h\" or \"2d\"".into()),
                );
                continue;
            }
            _ => {
                c.error(
                    &format!("{p}.{field}"),
                    format!("{} is not a time: write a number", g.metric.name()),
                    Some("shares and rates are numbers, e.g. 0.01".into()),
                );
                continue;
            }
        };
        rules.push(if at_most {
            Rule::AtMost(v)
        } else {
            Rule::AtLeast(v)
        });
    }
    rules
}

/// The `no_worse_than_baseline_by` rule of gate `p`, if it is given, in range, and its metric
/// can be compared run by run (errors otherwise).
fn baseline_rule(c: &mut Checker, p: &str, g: &GateFile) -> Option<Rule> {
    let tol = g.no_worse_than_baseline_by?;
    if !(0.0..=10.0).contains(&tol) {
        c.error(
            &format!("{p}.no_worse_than_baseline_by"),
            format!("tolerance must be between 0 and 10 (a share, 0.10 = 10%), got {tol}"),
            None,
        );
        None
    } else if g.metric.paired_key().is_none() {
        c.error(
            &format!("{p}.metric"),
            format!(
                "{} cannot be compared run by run with the baseline",
                g.metric.name()
            ),
            Some("baseline gates take RestrictedMeanTimeToContainment, ContainedShare, MissedRevocationRate, StallHours, WrongfulRevocationRate or Damage".into()),
        );
        None
    } else {
        Some(Rule::NoWorseThanBaseline(tol))
    }
}

/// The name of a gate that gives none: its metric, rule and scenario.
fn default_name(g: &GateFile, rule: Rule) -> String {
    let rule = match rule {
        Rule::AtMost(v) => format!("<= {}", show(g.metric, v)),
        Rule::AtLeast(v) => format!(">= {}", show(g.metric, v)),
        Rule::NoWorseThanBaseline(t) => {
            format!("no worse than baseline by more than {:.0}%", t * 100.0)
        }
    };
    format!(
        "{} {rule}{}",
        g.metric.name(),
        g.scenario
            .as_ref()
            .map(|s| format!(" on {s}"))
            .unwrap_or_default()
    )
}

/// A gate value as people read it.
pub fn show(metric: GateMetric, v: f64) -> String {
    if !v.is_finite() {
        return "beyond the horizon".into();
    }
    if metric.is_time() {
        crate::domain::duration::format_human(v)
    } else if matches!(
        metric,
        GateMetric::ContainedShare | GateMetric::RunsWithMissedRevocation
    ) {
        format!("{:.1}%", v * 100.0)
    } else {
        format!("{v:.3}")
    }
}
