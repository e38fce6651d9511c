//! CI gates: what a gate measures (`GateMetric`), what it requires (`Rule`), and checking a
//! gate of the study file into a `Gate`.

use serde::Deserialize;

use super::file::{AtFile, GateFile, Threshold};
use super::sweep::{parameter_of, value, Axis, Parameter};
use crate::analysis::verdict::MetricKind;
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

    /// The kind of quantity, for the practical threshold that is a gate's default `detect`.
    pub fn kind(self) -> MetricKind {
        match self {
            GateMetric::ContainedShare | GateMetric::RunsWithMissedRevocation => MetricKind::Share,
            GateMetric::MissedRevocationRate | GateMetric::WrongfulRevocationRate => {
                MetricKind::Count
            }
            GateMetric::Damage => MetricKind::Damage,
            _ => MetricKind::Time,
        }
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
    /// The effect the runs must resolve, in the gate's unit (seconds for time metrics); `None`
    /// for the practical threshold at the limit or at the baseline's mean.
    pub detect: Option<f64>,
    /// The plan point the gate applies at: 0 for the study's own models, else 1 + the grid
    /// point's index (`analysis::sweep::grid` order).
    pub point: usize,
    /// The sweep point's coordinates, in axis order (empty at point 0).
    pub at: Vec<(Parameter, f64)>,
    /// The field path of the gate in the study file (`gates[2]`), and where it starts.
    pub field: String,
    pub line: usize,
    pub col: usize,
}

impl Gate {
    /// "staff[soc] = 2, escalation_timeout_seconds = 7200", as sweep.csv names and writes
    /// them (empty at point 0).
    pub fn at_label(&self) -> String {
        (self.at.iter())
            .map(|(p, v)| format!("{} = {v}", p.column()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Most gates in a study.
pub const MAX_GATES: usize = 500;

/// The names a gate may refer to: models, scenarios and the sweep's axes.
pub(super) struct Refs<'a> {
    pub(super) models: &'a Names<'a>,
    pub(super) scenarios: &'a Names<'a>,
    pub(super) axes: &'a [Axis],
}

/// One gate: its scenario, model and sweep point resolved, exactly one rule, a name.
pub(super) fn gate(c: &mut Checker, i: usize, g: &GateFile, refs: &Refs) -> Option<Gate> {
    let p = format!("gates[{i}]");
    let (model_names, scenario_names) = (refs.models, refs.scenarios);
    let detect = g.detect.and_then(|d| detect(c, &p, g.metric, d));
    let (point, at) = match &g.at {
        None => (0, Vec::new()),
        Some(at) => sweep_point(c, &p, at, refs.axes)?,
    };
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
    let start = c.locate(&p);
    Some(Gate {
        name: g.name.clone().unwrap_or_else(|| default_name(g, rules[0])),
        metric: g.metric,
        scenario,
        model,
        rule: rules[0],
        detect,
        point,
        at,
        field: p,
        line: start.line,
        col: start.col,
    })
}

/// A gate's `detect`: a positive duration for a time metric, a positive finite number
/// otherwise (an error at `p.detect` if not).
fn detect(c: &mut Checker, p: &str, metric: GateMetric, d: Threshold) -> Option<f64> {
    let field = format!("{p}.detect");
    match (d, metric.is_time()) {
        (Threshold::Seconds(s), true) if s > 0 => Some(s as f64),
        (Threshold::Number(n), false) if n.is_finite() && n > 0.0 => Some(n),
        (Threshold::Seconds(_), true) => {
            c.error(
                &field,
                "the effect to detect must be longer than zero",
                None,
            );
            None
        }
        (Threshold::Number(_), true) => {
            c.error(
                &field,
                format!("{} is a time: write a duration", metric.name()),
                Some("e.g. detect: \"1h\"".into()),
            );
            None
        }
        _ => {
            c.error(
                &field,
                format!(
                    "the effect to detect must be a number greater than zero ({} is not a time)",
                    metric.name()
                ),
                Some("shares are fractions: detect: 0.02 is 2 percentage points".into()),
            );
            None
        }
    }
}

/// The sweep point of `at`: every axis of the sweep given one of its values, once. Returns
/// the plan point (1 + the grid index, first axis slowest) and the coordinates in axis order.
fn sweep_point(
    c: &mut Checker,
    p: &str,
    at: &[AtFile],
    axes: &[Axis],
) -> Option<(usize, Vec<(Parameter, f64)>)> {
    let field = format!("{p}.at");
    if axes.is_empty() {
        c.error(
            &field,
            "the study has no sweep, so a gate has no sweep point to name",
            Some("remove `at`, or add a `sweep`".into()),
        );
        return None;
    }
    let mut index: Vec<Option<usize>> = vec![None; axes.len()];
    let mut ok = c.cap(&field, at.len(), super::MAX_AXES);
    for (j, a) in at.iter().enumerate().take(super::MAX_AXES) {
        ok &= coordinate(c, &format!("{field}[{j}]"), a, axes, &mut index);
    }
    let columns = |pick: &dyn Fn(usize) -> bool| {
        (axes.iter().enumerate())
            .filter(|(k, _)| pick(*k))
            .map(|(_, a)| a.parameter.column())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if ok && index.iter().any(Option::is_none) {
        c.error(
            &field,
            format!(
                "gives no value for {}: a sweep point gives every axis a value",
                columns(&|k| index[k].is_none())
            ),
            Some(format!("the sweep varies {}", columns(&|_| true))),
        );
        return None;
    }
    if !ok {
        return None;
    }
    let mut point = 0;
    let mut coords = Vec::new();
    for (axis, k) in axes.iter().zip(&index) {
        let k = k.expect("checked above");
        point = point * axis.values.len() + k;
        coords.push((axis.parameter.clone(), axis.values[k]));
    }
    Some((1 + point, coords))
}

/// One coordinate of a sweep point at `field`: its axis found, its value on the axis, the axis
/// not given before (`index[axis]` set to the value's position). False after an error.
fn coordinate(
    c: &mut Checker,
    field: &str,
    a: &AtFile,
    axes: &[Axis],
    index: &mut [Option<usize>],
) -> bool {
    let parameter = parameter_of(&a.parameter);
    let Some(k) = axes.iter().position(|x| x.parameter == parameter) else {
        c.error(
            &format!("{field}.parameter"),
            format!("the sweep does not vary {}", parameter.column()),
            Some(format!(
                "the sweep varies {}",
                (axes.iter())
                    .map(|x| x.parameter.column())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
        return false;
    };
    let Some(v) = value(c, &format!("{field}.value"), &parameter, &a.value) else {
        return false;
    };
    let Some(pos) = axes[k].values.iter().position(|&x| x == v) else {
        c.error(
            &format!("{field}.value"),
            format!(
                "{v} is not a value of the sweep axis {}",
                parameter.column()
            ),
            Some(format!(
                "its values are {}",
                (axes[k].values.iter())
                    .map(|x| format!("{x}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
        return false;
    };
    if index[k].replace(pos).is_some() {
        c.error(
            &format!("{field}.parameter"),
            format!("{} is given twice", parameter.column()),
            None,
        );
        return false;
    }
    true
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
        Rule::AtMost(v) => format!("at most {}", show(g.metric, v)),
        Rule::AtLeast(v) => format!("at least {}", show(g.metric, v)),
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
