//! `raci-sim improve`: search one- and two-edit changes to a model, race them on common random
//! numbers, and write the comparison report of the original and the front with the improvement
//! section first (docs/improve.md).

use std::process::ExitCode;

use anyhow::{Context as _, Result};

use raci_sim::analysis::compare::{assemble, simulate_all};
use raci_sim::analysis::improve::evaluate::Outcome;
use raci_sim::analysis::improve::race::Settings;
use raci_sim::analysis::improve::search::improve;
use raci_sim::analysis::improve::{CostWeights, Improvement};
use raci_sim::engine::batch::DEFAULT_SEED;
use raci_sim::engine::budget::{Estimate, Shape};
use raci_sim::input::file::ModelFile;
use raci_sim::input::library::SCENARIOS;
use raci_sim::input::library::{model_source, parse_model, parse_scenario, scenario_source};
use raci_sim::input::{parse_ron, Model, Scenario};
use raci_sim::output::{write_report, InputFile, Report};

use super::terminal::{out, outln};
use super::{within_budget, ReportArgs};

#[derive(clap::Args)]
pub struct ImproveArgs {
    /// The model to improve (a shipped name or a path).
    model: String,
    /// Scenarios to judge candidates on (shipped names or paths); all shipped scenarios if none.
    #[arg(long, num_args = 1..)]
    scenarios: Vec<String>,
    /// Most candidate models to race: every single edit is raced; pairs of the best singles
    /// fill the rest.
    #[arg(long, default_value_t = 240, value_parser = clap::value_parser!(u64).range(1..=5000))]
    budget: u64,
    /// Runs per scenario of the finalists and the original (the verdicts' run count; at least
    /// 30).
    #[arg(long, default_value_t = 2000, value_parser = final_runs)]
    runs: u64,
    /// Runs per scenario of the race's first round (doubled each round; 10 to --runs).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(10..=100_000))]
    first_runs: u64,
    /// Candidates that reach the full run count, besides each operator's best single edit.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=100))]
    finalists: u64,
    /// Runs per scenario behind each end of each sensitivity bar (the finals' first runs are
    /// its calibrated values; at most --runs, which gives the verdict's own numbers; 0: no
    /// sensitivity).
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u64).range(0..=100_000_000))]
    sensitivity_runs: u64,
    /// How the parts of a cost are weighed: cells, on-call teams, coverage hours a week.
    #[arg(long, default_value = "cells=1,on-call=3,hours=0.01", value_parser = parse_weights)]
    cost_weights: CostWeights,
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    #[command(flatten)]
    report: ReportArgs,
}

/// "cells=1,on-call=3,hours=0.01": any subset, the rest at their defaults.
fn parse_weights(text: &str) -> Result<CostWeights, String> {
    let mut w = CostWeights::default();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').ok_or_else(|| {
            format!("`{part}` is not key=value; write e.g. cells=1,on-call=3,hours=0.01")
        })?;
        let x: f64 = value
            .trim()
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite() && (0.0..=1e6).contains(x))
            .ok_or_else(|| format!("`{value}` is not a weight from 0 to 1000000"))?;
        match key.trim() {
            "cells" => w.cell = x,
            "on-call" => w.on_call_team = x,
            "hours" => w.coverage_hour = x,
            other => {
                return Err(format!(
                    "unknown cost part `{other}`; the parts are cells, on-call and hours"
                ))
            }
        }
    }
    Ok(w)
}

/// The model as its file (for editing) and as validated (for simulating).
fn load_model(name: &str, inputs: &mut Vec<InputFile>) -> Result<(ModelFile, Model)> {
    let src = model_source(name)?;
    let model = parse_model(&src.label, &src.text)?;
    let file: ModelFile = parse_ron(&src.label, &src.text)?;
    inputs.push(InputFile::new("model", &model.name, &src));
    Ok((file, model))
}

fn load_scenarios(names: &[String], inputs: &mut Vec<InputFile>) -> Result<Vec<Scenario>> {
    let mut out: Vec<Scenario> = Vec::new();
    for n in names {
        let src = scenario_source(n)?;
        let s = parse_scenario(&src.label, &src.text)?;
        if out.iter().any(|o| o.name == s.name) {
            continue;
        }
        inputs.push(InputFile::new("scenario", &s.name, &src));
        out.push(s);
    }
    Ok(out)
}

/// reports/improve-<model>-seed-<seed>-runs-<runs>.
fn default_dir(model: &str, seed: u64, runs: u64) -> std::path::PathBuf {
    let slug = raci_sim::output::report::slug(model);
    std::path::PathBuf::from("reports").join(format!("improve-{slug}-seed-{seed}-runs-{runs}"))
}

/// The finals' run count: verdicts need a sample, not a handful of runs.
fn final_runs(text: &str) -> Result<u64, String> {
    match super::runs_arg(text)? {
        n if n < 30 => Err(format!(
            "{n} runs cannot support a verdict; give at least 30 (the default is 2000)"
        )),
        n => Ok(n),
    }
}

pub fn run(a: ImproveArgs) -> Result<ExitCode> {
    if a.first_runs > a.runs {
        return Err(super::Usage(format!(
            "--first-runs {} is more than --runs {}: the first round cannot run more than the finals",
            a.first_runs, a.runs
        ))
        .into());
    }
    if let Some(dir) = &a.report.out.out {
        raci_sim::output::check_target(dir, a.report.out.force)?;
    }
    let mut inputs = Vec::new();
    let (file, model) = load_model(&a.model, &mut inputs)?;
    let names: Vec<String> = if a.scenarios.is_empty() {
        SCENARIOS.iter().map(|s| s.name.to_string()).collect()
    } else {
        a.scenarios.clone()
    };
    let scenarios = load_scenarios(&names, &mut inputs)?;
    let dir = a
        .report
        .out
        .target(|| default_dir(&model.name, a.seed, a.runs))?;
    let practical = a.report.practical.apply(Default::default());
    let settings = Settings {
        seed: a.seed,
        final_runs: a.runs,
        first_runs: a.first_runs,
        finalists: a.finalists as usize,
        budget: a.budget as usize,
        max_events: a.report.max_events,
        weights: a.cost_weights,
    };
    within_budget(
        estimate(&model, &scenarios, &settings),
        &format!(
            "improving {} with up to {} candidates on {} scenarios ({} runs in the finals)",
            model.name,
            settings.budget,
            scenarios.len(),
            settings.final_runs
        ),
    )?;
    let started = std::time::Instant::now();
    let imp = improve(
        &scenarios,
        &file,
        &model,
        &settings,
        practical,
        a.sensitivity_runs.min(a.runs),
    )?;
    let searched = started.elapsed();
    let comparison = report_comparison(&imp, scenarios, &settings)?;
    let command_line = super::typed_command(None);
    let report = Report {
        comparison: &comparison,
        inputs: &inputs,
        command_line: &command_line,
        // write_report adds the improve/ files itself.
        extra: &[],
        lint: &[],
        improvement: Some(&imp),
    };
    write_report(&dir, &report, a.report.out.force)
        .with_context(|| format!("cannot write the report to {}", dir.display()))?;
    for line in raci_sim::output::improve::terminal(&imp) {
        outln!("{line}");
    }
    if !a.report.quiet {
        super::terminal::err(&format!(
            "searched in {:.1} s on {} threads\n",
            searched.as_secs_f64(),
            rayon::current_num_threads()
        ));
    }
    out("");
    outln!("\nreport: {}", dir.join("index.html").display());
    Ok(ExitCode::SUCCESS)
}

/// Memory: every candidate's outcomes at the final run count (a bound: most stop early), and
/// the report's comparison of the original and the finalists.
fn estimate(model: &Model, scenarios: &[Scenario], s: &Settings) -> Estimate {
    let outcomes = (s.budget as u64 + 1)
        .saturating_mul(scenarios.len() as u64)
        .saturating_mul(s.final_runs)
        .saturating_mul(std::mem::size_of::<Outcome>() as u64);
    let teams = vec![model.teams.len() + 1; s.finalists + 1];
    Estimate::comparison(
        s.final_runs,
        &teams,
        Shape::largest(scenarios),
        scenarios.len(),
        1,
    )
    .plus(Estimate { bytes: outcomes })
}

/// The comparison of the original and the front models at the final run count: the report the
/// improvement section heads.
fn report_comparison(
    imp: &Improvement,
    scenarios: Vec<Scenario>,
    s: &Settings,
) -> Result<raci_sim::analysis::compare::Comparison> {
    let mut models = vec![imp.original_model.clone()];
    let mut front: Vec<usize> = imp
        .finalists
        .iter()
        .filter(|f| f.on_front)
        .map(|f| f.candidate)
        .collect();
    if let Some(r) = &imp.recommended {
        front.retain(|&c| c != r.candidate);
        front.insert(0, r.candidate);
    }
    models.extend(front.iter().map(|&c| imp.candidates[c].model.clone()));
    let raw = simulate_all(
        &scenarios,
        &models,
        0,
        s.final_runs,
        s.seed,
        s.max_events,
        |_| {},
    )?;
    Ok(assemble(
        scenarios,
        models,
        0,
        s.final_runs,
        s.seed,
        imp.practical,
        raw,
    ))
}
