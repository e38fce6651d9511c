//! Studies: a RON file naming models, scenarios, runs, seed, output folder, CI gates and an
//! optional parameter sweep. `raci-sim study` runs one; `raci-sim check` evaluates its gates.
//! Paths in a study are relative to the study file's folder; shipped names work too.
//!
//! This module holds the `Study`, loading and parsing one, and shard files; `file` the serde
//! types of the study file, `gates` its gates, `sweep` its sweep axes.

use std::path::{Path, PathBuf};

use crate::analysis::verdict::Practical;
use crate::engine::budget::MAX_RUNS;
use crate::input::check::{Checker, Names};
use crate::input::library::{model_source, parse_model, parse_scenario, scenario_source, Source};
use crate::input::{clip, parse_ron, read_text_limited, LoadError, Model, Scenario};
use crate::output::{sha256_hex, InputFile};

mod file;
mod gates;
mod practical;
mod sweep;

use file::StudyFile;
pub use file::Threshold;
pub use gates::{show, Gate, GateMetric, Rule, MAX_GATES};
pub use sweep::{Axis, Parameter, MAX_AXES, MAX_GRID};

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
    /// Practical thresholds of the verdicts (`practical:`, defaults otherwise).
    pub practical: Practical,
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
    use crate::input::library::{all_models, all_scenarios};
    parse_study_with(label, text, &|kind, _, r| {
        let found = if kind == "model" {
            all_models().find(|s| s.name == r)
        } else {
            all_scenarios().find(|s| s.name == r)
        };
        match found {
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
pub type Loader<'a> = &'a dyn Fn(&str, usize, &str) -> Result<Source, LoadError>;

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
    let read = read_inputs(&mut c, label, text, &f, load)?;
    counts_fit(&mut c, &read, f.runs);
    let model_names = Names::new(read.models.iter().map(|m| m.name.as_str()));
    let scenario_names = Names::new(read.scenarios.iter().map(|s| s.name.as_str()));
    let baseline = f
        .baseline
        .as_ref()
        .and_then(|b| c.resolve("baseline", "model", b, &model_names))
        .unwrap_or(0);
    let sweep: Vec<Axis> = (f.sweep.iter().enumerate())
        .map(|(i, a)| sweep::axis(&mut c, i, a, &read.models))
        .collect();
    let refs = gates::Refs {
        models: &model_names,
        scenarios: &scenario_names,
        axes: &sweep,
    };
    let gates = (f.gates.iter().enumerate())
        .filter_map(|(i, g)| gates::gate(&mut c, i, g, &refs))
        .collect();
    let study = Study {
        name: f.name,
        label: label.to_string(),
        text: text.to_string(),
        models: read.models,
        scenarios: read.scenarios,
        inputs: read.inputs,
        sources: read.sources,
        baseline,
        runs: f.runs,
        seed: f.seed,
        out: f.out.map(|o| normalise(&dir.join(o))),
        gates,
        sweep,
        practical: practical::practical(&mut c, f.practical.as_ref()),
    };
    c.finish(study)
}

/// A study's models and scenarios as read, with the files they came from.
struct Inputs {
    models: Vec<Model>,
    scenarios: Vec<Scenario>,
    /// The study file, then every model and scenario.
    inputs: Vec<InputFile>,
    /// (label, text) of every model, then every scenario.
    sources: Vec<(String, String)>,
}

/// Reads and parses every model, then every scenario, of study `f` (errors in `c` for a model
/// listed twice). A file that fails to load or parse stops the study.
fn read_inputs(
    c: &mut Checker,
    label: &str,
    text: &str,
    f: &StudyFile,
    load: Loader,
) -> Result<Inputs, LoadError> {
    let mut read = Inputs {
        models: Vec::new(),
        scenarios: Vec::new(),
        inputs: vec![InputFile {
            kind: "study",
            name: f.name.clone(),
            source: label.to_string(),
            sha256: sha256_hex(text.as_bytes()),
        }],
        sources: Vec::new(),
    };
    for (i, r) in f.models.iter().enumerate() {
        let src = load_ref(label, text, load, "model", i, i, r)?;
        let m = parse_model(&src.label, &src.text)?;
        if read.models.iter().any(|x: &Model| x.name == m.name) {
            c.error(
                &format!("models[{i}]"),
                format!("model \"{}\" is listed twice", clip(&m.name)),
                None,
            );
        }
        read.inputs.push(InputFile::new("model", &m.name, &src));
        read.sources.push((src.label.clone(), src.text.to_string()));
        read.models.push(m);
    }
    for (i, r) in f.scenarios.iter().enumerate() {
        let src = load_ref(label, text, load, "scenario", f.models.len() + i, i, r)?;
        let s = parse_scenario(&src.label, &src.text)?;
        read.inputs.push(InputFile::new("scenario", &s.name, &src));
        read.sources.push((src.label.clone(), src.text.to_string()));
        read.scenarios.push(s);
    }
    Ok(read)
}

/// Loads reference `r`, entry `i` of the study's list of `kind`s and `position` among all its
/// references. A reference that names nothing is reported in the study file; any other failure
/// as itself (its own file and line).
fn load_ref(
    label: &str,
    text: &str,
    load: Loader,
    kind: &str,
    position: usize,
    i: usize,
    r: &str,
) -> Result<Source, LoadError> {
    load(kind, position, r).map_err(|e| match e {
        LoadError::NotFound { .. } => {
            let mut c = Checker::new(label, text);
            c.error(
                &format!("{kind}s[{i}]"),
                format!("no shipped {kind} or file named \"{}\"", clip(r)),
                Some(format!("give a shipped {kind} name (`raci-sim list`) or a path relative to the study file")),
            );
            c.finish(()).unwrap_err()
        }
        other => other,
    })
}

/// At least one model and one scenario, and a run count within bounds.
fn counts_fit(c: &mut Checker, read: &Inputs, runs: u64) {
    if read.models.is_empty() {
        c.error("models", "a study needs at least one model", None);
    }
    if read.scenarios.is_empty() {
        c.error("scenarios", "a study needs at least one scenario", None);
    }
    if runs == 0 || runs > MAX_RUNS {
        c.error(
            "runs",
            format!("runs must be between 1 and {MAX_RUNS}, got {runs}"),
            None,
        );
    }
}

/// Most models in a study.
pub const MAX_STUDY_MODELS: usize = 50;
/// Most scenarios in a study.
pub const MAX_STUDY_SCENARIOS: usize = 100;

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
    let grid = sweep::grid_points(f.sweep.iter().map(|a| a.values.len()));
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

// ---------------------------------------------------------------- shards

/// What one shard of a study writes: its slice of every run, and everything needed to merge
/// without the original files.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
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
        Ok(Source {
            label: label.clone(),
            text: text.clone().into(),
        })
    })
}
