//! Sweep axes: the parameters a study can sweep, applying one to a model, and checking an axis
//! of the study file (its team in every model, every value in range, no staff level that would
//! leave a team overloaded).

use super::file::{AxisFile, ParameterFile, Threshold};
use crate::domain::Plane;
use crate::input::check::{Checker, Names};
use crate::input::{clip, Model};

/// A swept parameter. Team parameters name a team every model has.
#[derive(Clone, Debug, PartialEq)]
pub enum Parameter {
    TeamStaff(String),
    EscalationTimeout,
    PageLatency(String),
    Diffusion,
    InventoryAccuracy(String, Plane),
}

impl Parameter {
    pub fn column(&self) -> String {
        match self {
            Parameter::TeamStaff(t) => format!("staff[{t}]"),
            Parameter::EscalationTimeout => "escalation_timeout_seconds".into(),
            Parameter::PageLatency(t) => format!("page_latency_seconds[{t}]"),
            Parameter::Diffusion => "diffusion".into(),
            Parameter::InventoryAccuracy(t, p) => format!("inventory_accuracy[{t}.{}]", p.name()),
        }
    }

    /// A copy of `model` with this parameter set to `value`.
    pub fn apply(&self, model: &Model, value: f64) -> Model {
        let mut m = model.clone();
        self.set(&mut m, value);
        m
    }

    /// Sets this parameter of `m` to `value` in place (a team parameter's team must exist).
    pub fn set(&self, m: &mut Model, value: f64) {
        let team = |m: &Model, id: &str| m.team_index(id).expect("checked at load");
        match self {
            Parameter::TeamStaff(t) => {
                let i = team(m, t);
                m.teams[i].staff = value as u32;
            }
            Parameter::EscalationTimeout => {
                if let Some(e) = m.policy.escalation.as_mut() {
                    e.after = value as u64;
                }
            }
            Parameter::PageLatency(t) => {
                let i = team(m, t);
                if let crate::input::Coverage::BusinessHours {
                    on_call: Some(oc), ..
                } = &mut m.teams[i].coverage
                {
                    oc.page_latency = value as u64;
                }
            }
            Parameter::Diffusion => m.policy.diffusion = value,
            Parameter::InventoryAccuracy(t, p) => {
                let i = team(m, t);
                let t = &mut m.teams[i];
                t.visibility[p.index()] = Some(value);
                if t.telemetry_follows_visibility {
                    t.telemetry[p.index()] = 1.0;
                }
            }
        }
    }
}

#[derive(Clone, Debug)]
pub struct Axis {
    pub parameter: Parameter,
    pub values: Vec<f64>,
}

/// Most sweep axes in a study.
pub const MAX_AXES: usize = 8;
/// Most points in a sweep grid (the product of the axes' value counts), and so most values
/// on one axis.
pub const MAX_GRID: usize = 1000;

/// Points in a grid with these axis lengths (an empty axis counts as one), saturating.
pub(super) fn grid_points(lengths: impl Iterator<Item = usize>) -> usize {
    lengths.fold(1usize, |n, len| n.saturating_mul(len.max(1)))
}

/// One sweep axis: a team parameter names a team every model has; every value fits it.
pub(super) fn axis(c: &mut Checker, i: usize, a: &AxisFile, models: &[Model]) -> Axis {
    let p = format!("sweep[{i}]");
    let parameter = parameter(c, &p, &a.parameter, models);
    let mut values = Vec::new();
    for (j, v) in a.values.iter().enumerate() {
        let field = format!("{p}.values[{j}]");
        let Some(x) = value(c, &field, &parameter, v) else {
            continue;
        };
        if let Parameter::TeamStaff(t) = &parameter {
            staff_fits(c, &field, t, x, models);
        }
        values.push(x);
    }
    if a.values.is_empty() {
        c.error(
            &format!("{p}.values"),
            "a sweep axis needs at least one value",
            None,
        );
    }
    Axis { parameter, values }
}

/// The parameter of axis `p`, its team (if it names one) checked against every model.
fn parameter(c: &mut Checker, p: &str, pf: &ParameterFile, models: &[Model]) -> Parameter {
    let parameter = parameter_of(pf);
    if let Parameter::TeamStaff(team)
    | Parameter::PageLatency(team)
    | Parameter::InventoryAccuracy(team, _) = &parameter
    {
        team_in_every_model(c, p, team, models);
    }
    parameter
}

/// The parameter a file names, unchecked.
pub(super) fn parameter_of(pf: &ParameterFile) -> Parameter {
    match pf {
        ParameterFile::TeamStaff { team } => Parameter::TeamStaff(team.clone()),
        ParameterFile::EscalationTimeout => Parameter::EscalationTimeout,
        ParameterFile::PageLatency { team } => Parameter::PageLatency(team.clone()),
        ParameterFile::Diffusion => Parameter::Diffusion,
        ParameterFile::InventoryAccuracy { team, plane } => {
            Parameter::InventoryAccuracy(team.clone(), *plane)
        }
    }
}

/// Errors for the first model that has no team `t` (a suggestion, then the rule).
fn team_in_every_model(c: &mut Checker, p: &str, t: &str, models: &[Model]) {
    let Some(m) = models.iter().find(|m| m.team_index(t).is_none()) else {
        return;
    };
    let ids = Names::new(m.teams.iter().map(|t| t.id.as_str()));
    c.resolve(&format!("{p}.parameter.team"), "team", t, &ids);
    c.error(
        &format!("{p}.parameter.team"),
        format!("model \"{}\" has no team \"{}\"", clip(&m.name), clip(t)),
        Some("a swept team parameter must name a team every model in the study has".into()),
    );
}

/// One swept value as the parameter takes it, or an error at `field` if it does not fit.
pub(super) fn value(
    c: &mut Checker,
    field: &str,
    parameter: &Parameter,
    v: &Threshold,
) -> Option<f64> {
    match (parameter, v) {
        (Parameter::EscalationTimeout | Parameter::PageLatency(_), Threshold::Seconds(s)) => {
            Some(*s as f64)
        }
        (Parameter::TeamStaff(_), Threshold::Number(n))
            if n.fract() == 0.0 && (1.0..=10_000.0).contains(n) =>
        {
            Some(*n)
        }
        (Parameter::Diffusion | Parameter::InventoryAccuracy(..), Threshold::Number(n))
            if (0.0..=1.0).contains(n) =>
        {
            Some(*n)
        }
        _ => {
            c.error(
                field,
                format!("{v:?} is not a valid value for {}", parameter.column()),
                Some("staff: whole numbers 1 to 10000; timeouts and latencies: durations like \"30m\"; diffusion and accuracy: 0.0 to 1.0".into()),
            );
            None
        }
    }
}

/// A staff level too small for a team's background work would never settle: an error at
/// `field` for every model whose team `t` would be overloaded with `x` staff.
fn staff_fits(c: &mut Checker, field: &str, t: &str, x: f64, models: &[Model]) {
    for m in models {
        let Some(i) = m.team_index(t) else { continue };
        let mut team = m.teams[i].clone();
        team.staff = x as u32;
        if let Some((load, capacity)) = team.overload() {
            c.error(
                field,
                format!(
                    "with {x} staff, team \"{}\" of model \"{}\" is overloaded: background work needs {load:.3} staff on average but only {capacity:.3} would be on shift",
                    clip(t),
                    clip(&m.name)
                ),
                Some(format!(
                    "sweep staff from {} up",
                    // The smallest staff level the 2% margin of `overload` accepts.
                    ((load / (0.98 * capacity / x)).floor() as u64).saturating_add(1)
                )),
            );
        }
    }
}
