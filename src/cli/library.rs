//! `raci-sim list` and `raci-sim table`: the shipped library.

use std::process::ExitCode;

use anyhow::{Context as _, Result};

use raci_sim::engine::batch::{run_library, DEFAULT_SEED};
use raci_sim::input::library::{
    load_model, load_scenario, Shipped, INCIDENT_MODELS, INCIDENT_SCENARIOS, MODELS, SCENARIOS,
};
use raci_sim::output::text as report;

use super::terminal::{out, outln};

#[derive(clap::Args)]
pub struct TableArgs {
    /// Runs per scenario and model (at most 100000000).
    #[arg(long, default_value_t = 2000, value_parser = super::runs_arg)]
    runs: u64,
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// `text` for reading, `markdown` for docs/findings.md.
    #[arg(long, value_enum, default_value_t = TableFormat::Text)]
    format: TableFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum TableFormat {
    Text,
    Markdown,
}

pub fn list() -> Result<ExitCode> {
    list_files(SCENARIOS, MODELS)?;
    outln!("\nincidents (docs/incidents.md; run each scenario with its own models):");
    list_files(INCIDENT_SCENARIOS, INCIDENT_MODELS)?;
    Ok(ExitCode::SUCCESS)
}

fn list_files(scenarios: &[Shipped], models: &[Shipped]) -> Result<()> {
    let longest = scenarios.iter().chain(models).map(|s| s.name.len());
    let w = longest.max().unwrap_or(0).max(32);
    for s in scenarios {
        let summary = load_scenario(s.name)
            .map(|x| x.summary)
            .with_context(|| format!("shipped file {} is invalid", s.path))?;
        outln!("scenario  {:<w$} {summary}", s.name);
    }
    for s in models {
        let summary = load_model(s.name)
            .map(|x| x.summary)
            .with_context(|| format!("shipped file {} is invalid", s.path))?;
        outln!("model     {:<w$} {summary}", s.name);
    }
    Ok(())
}

pub fn table(a: TableArgs) -> Result<ExitCode> {
    let rows = run_library(a.runs, a.seed)?;
    match a.format {
        TableFormat::Markdown => out(&report::findings_markdown(&rows)),
        TableFormat::Text => {
            outln!(
                "{} shipped scenarios x {} shipped models, {} runs each, seed {}\n",
                SCENARIOS.len(),
                MODELS.len(),
                a.runs,
                a.seed
            );
            out(&report::summary_table(&rows));
            outln!("\nTTC = time to containment (attacker holds no working credential); \"> 30.0d\" = not reached by the horizon in that share of runs.\nDrill down: raci-sim run <scenario> --model <model>; raci-sim trace <scenario> --model <model>.");
        }
    }
    Ok(ExitCode::SUCCESS)
}
