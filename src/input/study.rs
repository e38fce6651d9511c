//! Studies: a RON file naming models, scenarios, runs, seed, output folder, CI gates and an
//! optional parameter sweep. `raci-sim study` runs one; `raci-sim check` evaluates its gates.
//! Paths in a study are relative to the study file's folder; shipped names work too.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::domain::duration::parse_duration;
use crate::domain::Plane;
use crate::engine::budget::MAX_RUNS;
use crate::input::check::{Checker, Names};
use crate::input::library::{model_source, parse_model, parse_scenario, scenario_source};
use crate::input::{clip, parse_ron, read_text_limited, LoadError, Model, Scenario};
use crate::output::{sha256_hex, InputFile};

// ---------------------------------------------------------------- file format

#[derive(Debug, Deserialize)]
#[serde(rename = "Study", deny_unknown_fields)]
struct StudyFile {
    name: String,
    models: Vec<String>,
    scenarios: Vec<String>,
    #[serde(default)]
    baseline: Option<String>,
    #[serde(default = "default_runs")]
    runs: u64,
    #[serde(default = "default_seed")]
    seed: u64,
    #[serde(default)]
    out: Option<String>,
    #[serde(default)]
    gates: Vec<GateFile>,
    #[serde(default)]
    sweep: Vec<AxisFile>,
}

fn default_runs() -> u64 {
    2000
}
fn default_seed() -> u64 {
    crate::engine::batch::DEFAULT_SEED
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Gate", deny_unknown_fields)]
struct GateFile {
    #[serde(default)]
    name: Option<String>,
    metric: GateMetric,
    #[serde(default)]
    scenario: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    at_most: Option<Threshold>,
    #[serde(default)]
    at_least: Option<Threshold>,
    /// Relative tolerance, e.g. 0.10 for "no worse than the baseline by more than 10%".
    #[serde(default)]
    no_worse_than_baseline_by: Option<f64>,
}

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

/// A threshold: a number, or a duration string for time metrics.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Threshold {
    Number(f64),
    Seconds(u64),
}

impl<'de> Deserialize<'de> for Threshold {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Threshold;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, or a duration such as \"4h\"")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Threshold, E> {
                Ok(Threshold::Number(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Threshold, E> {
                Ok(Threshold::Number(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Threshold, E> {
                Ok(Threshold::Number(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Threshold, E> {
                parse_duration(v).map(Threshold::Seconds).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Axis", deny_unknown_fields)]
struct AxisFile {
    parameter: ParameterFile,
    values: Vec<Threshold>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Parameter", deny_unknown_fields)]
enum ParameterFile {
    TeamStaff { team: String },
    EscalationTimeout,
    PageLatency { team: String },
    Diffusion,
    InventoryAccuracy { team: String, plane: Plane },
}

// ---------------------------------------------------------------- resolved

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
        let team = |m: &Model, id: &str| m.team_index(id).expect("checked at load");
        match self {
            Parameter::TeamStaff(t) => {
                let i = team(&m, t);
                m.teams[i].staff = value as u32;
            }
            Parameter::EscalationTimeout => {
                if let Some(e) = m.policy.escalation.as_mut() {
                    e.after = value as u64;
                }
            }
            Parameter::PageLatency(t) => {
                let i = team(&m, t);
                if let crate::input::Coverage::BusinessHours {
                    on_call: Some(oc), ..
                } = &mut m.teams[i].coverage
                {
                    oc.page_latency = value as u64;
                }
            }
            Parameter::Diffusion => m.policy.diffusion = value,
            Parameter::InventoryAccuracy(t, p) => {
                let i = team(&m, t);
                m.teams[i].visibility[p.index()] = Some(value);
            }
        }
        m
    }
}

#[derive(Clone, Debug)]
pub struct Axis {
    pub parameter: Parameter,
    pub values: Vec<f64>,
}

/// A validated study.
pub struct Study {
    pub name: String,
    /// The study file as given (used in the recorded command line).
    pub label: String,
    pub text: String,
    pub models: Vec<Model>,
    pub scenarios: Vec<Scenario>,
    /// The study file and every model and scenario, with SHA-256.
    pub inputs: Vec<InputFile>,
    /// Model and scenario texts with their labels, to rebuild the study from a shard.
    pub sources: Vec<(String, String)>,
    pub baseline: usize,
    pub runs: u64,
    pub seed: u64,
    pub out: Option<PathBuf>,
    pub gates: Vec<Gate>,
    pub sweep: Vec<Axis>,
}

/// Resolves a model or scenario reference: a path relative to the study's folder if such a
/// file exists, else a shipped name or a path as given.
fn resolve_ref(dir: &Path, r: &str) -> String {
    let relative = dir.join(r);
    if !Path::new(r).is_absolute() && relative.is_file() {
        relative.to_string_lossy().to_string()
    } else {
        r.to_string()
    }
}

/// Loads and validates a study file.
pub fn load_study(path: &str) -> Result<Study, LoadError> {
    let text = read_text_limited(Path::new(path), crate::input::MAX_INPUT_BYTES as u64)?;
    parse_study(path, &text)
}

/// Parses and validates study text; `label` is its path (for errors and relative paths).
pub fn parse_study(label: &str, text: &str) -> Result<Study, LoadError> {
    let dir = Path::new(label)
        .parent()
        .unwrap_or(Path::new("."))
        .to_path_buf();
    parse_study_with(label, text, &|kind, _, r| match kind {
        "model" => model_source(&resolve_ref(&dir, r)),
        _ => scenario_source(&resolve_ref(&dir, r)),
    })
}

/// Parses and validates study text whose models and scenarios are shipped names only: the
/// file system is never touched (the fuzz target's entry point).
pub fn parse_study_shipped(label: &str, text: &str) -> Result<Study, LoadError> {
    use crate::input::library::{Source, MODELS, SCENARIOS};
    parse_study_with(label, text, &|kind, _, r| {
        let shipped = if kind == "model" { MODELS } else { SCENARIOS };
        match shipped.iter().find(|s| s.name == r) {
            Some(s) => Ok(Source {
                label: s.path.to_string(),
                text: s.text.into(),
            }),
            None => Err(LoadError::NotFound {
                kind: "shipped input",
                name: clip(r),
                help: None,
            }),
        }
    })
}

/// Reads a model or scenario for a study: (kind, position among all references, reference).
pub type Loader<'a> =
    &'a dyn Fn(&str, usize, &str) -> Result<crate::input::library::Source, LoadError>;

/// `parse_study` with the model and scenario files supplied by `load` (merge uses the copies
/// embedded in shard files).
pub fn parse_study_with(label: &str, text: &str, load: Loader) -> Result<Study, LoadError> {
    let f: StudyFile = parse_ron(label, text)?;
    let dir = Path::new(label).parent().unwrap_or(Path::new("."));
    let mut c = Checker::new(label, text);
    if !study_lists_fit(&mut c, &f) {
        return Err(c.stop());
    }
    c.identifier("name", "name", &f.name);
    for (i, g) in f.gates.iter().enumerate() {
        if let Some(name) = &g.name {
            c.identifier(&format!("gates[{i}].name"), "name", name);
        }
    }
    let mut models = Vec::new();
    let mut scenarios = Vec::new();
    let mut inputs = vec![InputFile {
        kind: "study",
        name: f.name.clone(),
        source: label.to_string(),
        sha256: sha256_hex(text.as_bytes()),
    }];
    let mut sources = Vec::new();
    // A referenced file that fails to load is reported as itself (its own file and line).
    for (i, r) in f.models.iter().enumerate() {
        let src = load("model", i, r).map_err(|e| match e {
            LoadError::NotFound { .. } => {
                let mut c = Checker::new(label, text);
                c.error(
                    &format!("models[{i}]"),
                    format!("no shipped model or file named \"{}\"", clip(r)),
                    Some("give a shipped model name (`raci-sim list`) or a path relative to the study file".into()),
                );
                c.finish(()).unwrap_err()
            }
            other => other,
        })?;
        let m = parse_model(&src.label, &src.text)?;
        if models.iter().any(|x: &Model| x.name == m.name) {
            c.error(
                &format!("models[{i}]"),
                format!("model \"{}\" is listed twice", clip(&m.name)),
                None,
            );
        }
        inputs.push(InputFile::new("model", &m.name, &src));
        sources.push((src.label.clone(), src.text.to_string()));
        models.push(m);
    }
    for (i, r) in f.scenarios.iter().enumerate() {
        let src = load("scenario", f.models.len() + i, r).map_err(|e| match e {
            LoadError::NotFound { .. } => {
                let mut c = Checker::new(label, text);
                c.error(
                    &format!("scenarios[{i}]"),
                    format!("no shipped scenario or file named \"{}\"", clip(r)),
                    Some("give a shipped scenario name (`raci-sim list`) or a path relative to the study file".into()),
                );
                c.finish(()).unwrap_err()
            }
            other => other,
        })?;
        let s = parse_scenario(&src.label, &src.text)?;
        inputs.push(InputFile::new("scenario", &s.name, &src));
        sources.push((src.label.clone(), src.text.to_string()));
        scenarios.push(s);
    }
    if models.is_empty() {
        c.error("models", "a study needs at least one model", None);
    }
    if scenarios.is_empty() {
        c.error("scenarios", "a study needs at least one scenario", None);
    }
    if f.runs == 0 || f.runs > MAX_RUNS {
        c.error(
            "runs",
            format!("runs must be between 1 and {MAX_RUNS}, got {}", f.runs),
            None,
        );
    }
    let model_names = Names::new(models.iter().map(|m| m.name.as_str()));
    let scenario_names = Names::new(scenarios.iter().map(|s| s.name.as_str()));
    let baseline = f
        .baseline
        .as_ref()
        .and_then(|b| c.resolve("baseline", "model", b, &model_names))
        .unwrap_or(0);
    let gates = (f.gates.iter().enumerate())
        .filter_map(|(i, g)| gate(&mut c, i, g, &model_names, &scenario_names))
        .collect();
    let sweep = (f.sweep.iter().enumerate())
        .map(|(i, a)| axis(&mut c, i, a, &models))
        .collect();
    let study = Study {
        name: f.name,
        label: label.to_string(),
        text: text.to_string(),
        models,
        scenarios,
        inputs,
        sources,
        baseline,
        runs: f.runs,
        seed: f.seed,
        out: f.out.map(|o| normalise(&dir.join(o))),
        gates,
        sweep,
    };
    c.finish(study)
}

/// One gate: its scenario and model resolved, exactly one rule, a name.
fn gate(
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
    if let Some(tol) = g.no_worse_than_baseline_by {
        if !(0.0..=10.0).contains(&tol) {
            c.error(
                &format!("{p}.no_worse_than_baseline_by"),
                format!("tolerance must be between 0 and 10 (a share, 0.10 = 10%), got {tol}"),
                None,
            );
        } else if g.metric.paired_key().is_none() {
            c.error(
                &format!("{p}.metric"),
                format!(
                    "{} cannot be compared run by run with the baseline",
                    g.metric.name()
                ),
                Some("baseline gates take RestrictedMeanTimeToContainment, ContainedShare, MissedRevocationRate, StallHours, WrongfulRevocationRate or Damage".into()),
            );
        } else {
            rules.push(Rule::NoWorseThanBaseline(tol));
        }
    }
    if rules.len() != 1 {
        c.error(
            &p,
            format!("a gate needs exactly one rule, it has {}", rules.len()),
            Some("give one of `at_most`, `at_least` or `no_worse_than_baseline_by`".into()),
        );
        return None;
    }
    let name = g.name.clone().unwrap_or_else(|| {
        let rule = match rules[0] {
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
    });
    Some(Gate {
        name,
        metric: g.metric,
        scenario,
        model,
        rule: rules[0],
    })
}

/// One sweep axis: a team parameter names a team every model has; every value fits it.
fn axis(c: &mut Checker, i: usize, a: &AxisFile, models: &[Model]) -> Axis {
    let p = format!("sweep[{i}]");
    let team_ok = |c: &mut Checker, t: &str| {
        for m in models {
            if m.team_index(t).is_none() {
                let ids = Names::new(m.teams.iter().map(|t| t.id.as_str()));
                c.resolve(&format!("{p}.parameter.team"), "team", t, &ids);
                c.error(
                    &format!("{p}.parameter.team"),
                    format!("model \"{}\" has no team \"{}\"", clip(&m.name), clip(t)),
                    Some(
                        "a swept team parameter must name a team every model in the study has"
                            .into(),
                    ),
                );
                return;
            }
        }
    };
    let parameter = match &a.parameter {
        ParameterFile::TeamStaff { team } => {
            team_ok(c, team);
            Parameter::TeamStaff(team.clone())
        }
        ParameterFile::EscalationTimeout => Parameter::EscalationTimeout,
        ParameterFile::PageLatency { team } => {
            team_ok(c, team);
            Parameter::PageLatency(team.clone())
        }
        ParameterFile::Diffusion => Parameter::Diffusion,
        ParameterFile::InventoryAccuracy { team, plane } => {
            team_ok(c, team);
            Parameter::InventoryAccuracy(team.clone(), *plane)
        }
    };
    let mut values = Vec::new();
    for (j, v) in a.values.iter().enumerate() {
        let field = format!("{p}.values[{j}]");
        let x = match (&parameter, v) {
            (Parameter::EscalationTimeout | Parameter::PageLatency(_), Threshold::Seconds(s)) => {
                *s as f64
            }
            (Parameter::TeamStaff(_), Threshold::Number(n))
                if n.fract() == 0.0 && (1.0..=10_000.0).contains(n) =>
            {
                *n
            }
            (Parameter::Diffusion | Parameter::InventoryAccuracy(..), Threshold::Number(n))
                if (0.0..=1.0).contains(n) =>
            {
                *n
            }
            _ => {
                c.error(
                    &field,
                    format!("{v:?} is not a valid value for {}", parameter.column()),
                    Some("staff: whole numbers 1 to 10000; timeouts and latencies: durations like \"30m\"; diffusion and accuracy: 0.0 to 1.0".into()),
                );
                continue;
            }
        };
        // A staff level too small for a team's background work would never settle.
        if let Parameter::TeamStaff(t) = &parameter {
            for m in models {
                let Some(i) = m.team_index(t) else { continue };
                let mut team = m.teams[i].clone();
                team.staff = x as u32;
                if let Some((load, capacity)) = team.overload() {
                    c.error(
                        &field,
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

/// Most models in a study.
pub const MAX_STUDY_MODELS: usize = 50;
/// Most scenarios in a study.
pub const MAX_STUDY_SCENARIOS: usize = 100;
/// Most gates in a study.
pub const MAX_GATES: usize = 500;
/// Most sweep axes in a study.
pub const MAX_AXES: usize = 8;
/// Most points in a sweep grid (the product of the axes' value counts), and so most values
/// on one axis.
pub const MAX_GRID: usize = 1000;

/// Points in a grid with these axis lengths (an empty axis counts as one), saturating.
fn grid_points(lengths: impl Iterator<Item = usize>) -> usize {
    lengths.fold(1usize, |n, len| n.saturating_mul(len.max(1)))
}

/// Every list of a study within its cap, the sweep grid included (errors for those that
/// are not).
fn study_lists_fit(c: &mut Checker, f: &StudyFile) -> bool {
    let mut ok = c.cap("models", f.models.len(), MAX_STUDY_MODELS)
        & c.cap("scenarios", f.scenarios.len(), MAX_STUDY_SCENARIOS)
        & c.cap("gates", f.gates.len(), MAX_GATES)
        & c.cap("sweep", f.sweep.len(), MAX_AXES);
    for (i, a) in f.sweep.iter().enumerate() {
        ok &= c.cap(&format!("sweep[{i}].values"), a.values.len(), MAX_GRID);
    }
    let grid = grid_points(f.sweep.iter().map(|a| a.values.len()));
    if ok && grid > MAX_GRID {
        c.error(
            "sweep",
            format!("the sweep grid has {grid} points, more than {MAX_GRID}"),
            Some("sweep fewer values, or fewer parameters at once".into()),
        );
        ok = false;
    }
    ok
}

/// `a/b/../c` -> `a/c`, lexically (the folder may not exist yet).
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
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

// ---------------------------------------------------------------- shards

/// What one shard of a study writes: its slice of every run, and everything needed to merge
/// without the original files.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct ShardFile {
    pub schema_version: u32,
    pub study_label: String,
    pub study_text: String,
    /// (label, text) of every model, then every scenario, in study order.
    pub sources: Vec<(String, String)>,
    pub shard: u64,
    pub of: u64,
    pub first: u64,
    pub count: u64,
    pub raw: Vec<Vec<crate::analysis::compare::RawResult>>,
    /// The sweep's slice, `sweep[point][scenario][model]` (empty without a sweep).
    #[serde(default)]
    pub sweep: Vec<Vec<Vec<crate::analysis::compare::RawResult>>>,
}

/// Runs `first .. first + count` of shard `k` (1-based) of `n`, over `runs` runs.
pub fn shard_range(k: u64, n: u64, runs: u64) -> (u64, u64) {
    let first = (k - 1) * runs / n;
    let end = k * runs / n;
    (first, end - first)
}

/// Parses "K/N" (1 <= K <= N).
pub fn parse_shard(text: &str) -> Result<(u64, u64), String> {
    let bad = || format!("bad shard \"{text}\": write K/N with 1 <= K <= N, e.g. 2/4");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let k: u64 = k.trim().parse().map_err(|_| bad())?;
    let n: u64 = n.trim().parse().map_err(|_| bad())?;
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// Rebuilds a study from a shard file's embedded copies.
pub fn study_from_shard(shard: &ShardFile) -> Result<Study, LoadError> {
    parse_study_with(&shard.study_label, &shard.study_text, &|_, i, r| {
        let (label, text) = shard.sources.get(i).ok_or_else(|| LoadError::NotFound {
            kind: "input in the shard file",
            name: r.to_string(),
            help: Some("the shard file is incomplete; run the shard again".into()),
        })?;
        Ok(crate::input::library::Source {
            label: label.clone(),
            text: text.clone().into(),
        })
    })
}
