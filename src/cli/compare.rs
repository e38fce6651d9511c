//! `raci-sim compare` (and the default command): models on the same attacks, a report folder.

use std::process::ExitCode;

use anyhow::{Context as _, Result};

use raci_sim::analysis::compare::compare;
use raci_sim::engine::batch::DEFAULT_SEED;
use raci_sim::engine::budget::Estimate;
use raci_sim::input::library::{
    model_source, parse_model, parse_scenario, scenario_source, Source,
};
use raci_sim::input::library::{MODELS, SCENARIOS};
use raci_sim::input::{Diagnostic, LoadError, Model, Scenario};
use raci_sim::output::text as report;
use raci_sim::output::{default_dir, write_report, InputFile, Report};

use super::terminal::{out, outln};
use super::{progress_bar, within_budget, ReportArgs};

#[derive(clap::Args)]
pub struct CompareArgs {
    /// Models to compare (shipped names or paths); all shipped models if none.
    #[arg(long, num_args = 1..)]
    models: Vec<String>,
    /// Scenarios to run (shipped names or paths); all shipped scenarios if none.
    #[arg(long, num_args = 1..)]
    scenarios: Vec<String>,
    /// The model the others are compared with; the first model if not given.
    #[arg(long)]
    baseline: Option<String>,
    /// Runs per model and scenario (at most 100000000).
    #[arg(long, default_value_t = 2000, value_parser = super::runs_arg)]
    runs: u64,
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Report folder: reports/<name from the inputs> if not given.
    #[command(flatten)]
    report: ReportArgs,
    /// The default command (nothing typed after the global options): recorded as `compare`.
    #[arg(skip)]
    implicit: bool,
}

impl CompareArgs {
    /// The default command: every shipped model on every shipped scenario.
    pub fn shipped_library() -> Self {
        CompareArgs {
            models: Vec::new(),
            scenarios: Vec::new(),
            baseline: None,
            runs: 2000,
            seed: DEFAULT_SEED,
            report: ReportArgs::default(),
            implicit: true,
        }
    }
}

/// Models, or scenarios, by name or path, each with its input record; two with one name are
/// refused (rows and reports would mix them up).
fn load_named<T>(
    kind: &'static str,
    names: &[String],
    inputs: &mut Vec<InputFile>,
    load: fn(&str) -> Result<(Source, T), LoadError>,
    name: fn(&T) -> &str,
) -> Result<Vec<(Source, T)>> {
    let mut loaded: Vec<(Source, T)> = Vec::new();
    for n in names {
        let (src, x) = load(n)?;
        if loaded.iter().any(|(_, y)| name(y) == name(&x)) {
            return Err(twice(kind, name(&x), &src.label).into());
        }
        inputs.push(InputFile::new(kind, name(&x), &src));
        loaded.push((src, x));
    }
    Ok(loaded)
}

/// Each model file's (label, text), for lint.
type ModelFiles = Vec<(String, String)>;

/// The models, and their files.
fn load_models(names: &[String], inputs: &mut Vec<InputFile>) -> Result<(Vec<Model>, ModelFiles)> {
    let load = |n: &str| {
        let src = model_source(n)?;
        let m = parse_model(&src.label, &src.text)?;
        Ok((src, m))
    };
    let loaded = load_named("model", names, inputs, load, |m: &Model| &m.name)?;
    Ok(loaded
        .into_iter()
        .map(|(src, m)| (m, (src.label, src.text.into_owned())))
        .unzip())
}

fn load_scenarios(names: &[String], inputs: &mut Vec<InputFile>) -> Result<Vec<Scenario>> {
    let load = |n: &str| {
        let src = scenario_source(n)?;
        let s = parse_scenario(&src.label, &src.text)?;
        Ok((src, s))
    };
    let loaded = load_named("scenario", names, inputs, load, |s: &Scenario| &s.name)?;
    Ok(loaded.into_iter().map(|(_, s)| s).collect())
}

/// Two compared models (or scenarios) with one name: rows and reports would mix them up.
fn twice(kind: &str, name: &str, file: &str) -> LoadError {
    LoadError::Invalid(vec![Diagnostic {
        file: file.to_string(),
        line: 1,
        col: 1,
        field: "name".into(),
        message: format!(
            "{kind} name \"{name}\" is given twice; each compared {kind} needs its own name"
        ),
        help: Some(format!("give each {kind} once, or rename one in its file")),
    }])
}

/// The baseline's index: by model name, or by the name or path it was given as.
fn baseline_index(baseline: Option<&str>, models: &[Model], names: &[String]) -> Result<usize> {
    let Some(b) = baseline else { return Ok(0) };
    let by_name = models.iter().position(|m| m.name == b);
    let by_arg = names.iter().position(|m| m == b);
    Ok(by_name.or(by_arg).ok_or_else(|| LoadError::NotFound {
        kind: "baseline model among --models",
        name: b.to_string(),
        help: Some(format!(
            "the baseline must be one of the compared models: {}",
            models
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    })?)
}

pub fn run(a: CompareArgs) -> Result<ExitCode> {
    let all_shipped = a.models.is_empty() && a.scenarios.is_empty();
    let or_all = |given: &[String], all: &[raci_sim::input::library::Shipped]| -> Vec<String> {
        if given.is_empty() {
            all.iter().map(|s| s.name.to_string()).collect()
        } else {
            given.to_vec()
        }
    };
    let model_names = or_all(&a.models, MODELS);
    let scenario_names = or_all(&a.scenarios, SCENARIOS);
    // An output folder raci-sim may not write is refused before anything is simulated.
    if let Some(dir) = &a.report.out.out {
        raci_sim::output::check_target(dir, a.report.out.force)?;
    }
    let mut inputs = Vec::new();
    let (models, model_files) = load_models(&model_names, &mut inputs)?;
    let scenarios = load_scenarios(&scenario_names, &mut inputs)?;
    let baseline = baseline_index(a.baseline.as_deref(), &models, &model_names)?;
    let teams: Vec<usize> = models.iter().map(|m| m.teams.len()).collect();
    within_budget(
        Estimate::comparison(
            a.runs,
            &teams,
            raci_sim::engine::budget::Shape::largest(&scenarios),
            scenarios.len(),
            1,
        ),
        &format!(
            "{} runs of {} models on {} scenarios",
            a.runs,
            models.len(),
            scenarios.len()
        ),
    )?;
    let bar = progress_bar(
        a.runs * (models.len() * scenarios.len()) as u64,
        a.report.quiet,
    );
    let comparison = compare(
        scenarios,
        models,
        baseline,
        a.runs,
        a.seed,
        a.report.practical.apply(Default::default()),
        a.report.max_events,
        |n| bar.inc(n),
    )?;
    bar.finish_and_clear();
    let dir = a
        .report
        .out
        .target(|| default_dir(&comparison, all_shipped))?;
    let command_line = super::typed_command(a.implicit.then_some("compare"));
    let report = Report {
        comparison: &comparison,
        inputs: &inputs,
        command_line: &command_line,
        extra: &[],
        lint: &raci_sim::analysis::consequence::lint_models(&comparison, &model_files),
        improvement: None,
    };
    write_report(&dir, &report, a.report.out.force)
        .with_context(|| format!("cannot write the report to {}", dir.display()))?;
    let c = &comparison;
    outln!(
        "{} models x {} scenarios, {} runs each, seed {}; baseline {}\n",
        c.models.len(),
        c.scenarios.len(),
        c.runs,
        c.seed,
        c.models[c.baseline].name
    );
    out(&report::comparison_table(c));
    outln!();
    out(&raci_sim::output::decision_text::decision_lines(c));
    outln!("\nreport: {}", dir.join("index.html").display());
    Ok(ExitCode::SUCCESS)
}
