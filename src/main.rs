//! The `raci-sim` binary: parse options -> load inputs -> simulate -> aggregate -> export.
//!
//! Exit codes: 0 success; 1 the simulation or writing an output failed; 2 bad input (an
//! unreadable or invalid file, an unknown name, or bad options).

use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand};

use raci_sim::batch::{run_batch, run_library, BatchOptions, DEFAULT_SEED};
use raci_sim::engine::{simulate, Context, Workspace, DEFAULT_MAX_EVENTS};
use raci_sim::input::LoadError;
use raci_sim::library::{load_model, load_scenario, MODELS, SCENARIOS};
use raci_sim::metrics::Breakdown;
use raci_sim::report;

#[derive(Parser)]
#[command(
    name = "raci-sim",
    version,
    about = "Replay identity breach scenarios against RACI ownership models: time to containment, missed revocations, handoff stalls and why.",
    after_help = "With no command, runs every shipped scenario against every shipped model and prints the comparison table.\nExit codes: 0 success, 1 simulation or output failure, 2 bad input."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run one scenario against one model many times and summarise.
    Run {
        /// Shipped scenario name or path to a scenario file.
        scenario: String,
        /// Shipped model name or path to a model file.
        #[arg(long)]
        model: String,
        #[arg(long, default_value_t = 1000)]
        runs: u64,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// Write the summary and per-run metrics as JSON (`-` for stdout).
        #[arg(long, value_name = "PATH")]
        json: Option<String>,
        /// Stop a run that processes more events than this (a runaway input).
        #[arg(long, default_value_t = DEFAULT_MAX_EVENTS)]
        max_events: u64,
    },
    /// Show one run's timeline: who did what when, every wait and its cause.
    Trace {
        scenario: String,
        #[arg(long)]
        model: String,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// Which run of the seeded batch (0-based).
        #[arg(long, default_value_t = 0)]
        run: u64,
        /// Write the trace as JSON Lines (`-` for stdout instead of the readable form).
        #[arg(long, value_name = "PATH")]
        jsonl: Option<String>,
        #[arg(long, default_value_t = DEFAULT_MAX_EVENTS)]
        max_events: u64,
    },
    /// List the shipped scenarios and models.
    List,
    /// Every shipped scenario against every shipped model (the default command).
    Table {
        #[arg(long, default_value_t = 2000)]
        runs: u64,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// `text` for reading, `markdown` for docs/findings.md.
        #[arg(long, value_enum, default_value_t = TableFormat::Text)]
        format: TableFormat,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum TableFormat {
    Text,
    Markdown,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli.command.unwrap_or(Command::Table {
        runs: 2000,
        seed: DEFAULT_SEED,
        format: TableFormat::Text,
    })) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            if e.chain().any(|c| c.downcast_ref::<LoadError>().is_some()) {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

fn dispatch(command: Command) -> Result<()> {
    match command {
        Command::Run {
            scenario,
            model,
            runs,
            seed,
            json,
            max_events,
        } => {
            let sc = load_scenario(&scenario)?;
            let m = load_model(&model)?;
            let batch = run_batch(
                &sc,
                &m,
                BatchOptions {
                    runs,
                    seed,
                    keep_runs: json.is_some(),
                    max_events,
                },
                |_| {},
            )?;
            if let Some(path) = &json {
                report::write_output(path, report::run_json(&batch, &m).as_bytes())
                    .with_context(|| format!("cannot write {path}"))?;
            }
            if json.as_deref() != Some("-") {
                print!(
                    "{}",
                    report::summary_text(&batch.summary, &batch.breakdown, &m)
                );
            }
        }
        Command::Trace {
            scenario,
            model,
            seed,
            run,
            jsonl,
            max_events,
        } => {
            let sc = load_scenario(&scenario)?;
            let m = load_model(&model)?;
            let mut ctx = Context::new(&sc, &m, seed);
            ctx.max_events = max_events;
            let mut ws = Workspace::new(&ctx);
            let mut bd = Breakdown::new(m.teams.len());
            let mut events = Vec::new();
            let metrics = simulate(&ctx, &mut ws, run, &mut bd, Some(&mut events))?;
            if let Some(path) = &jsonl {
                report::write_output(path, report::trace_jsonl(&events, &m).as_bytes())
                    .with_context(|| format!("cannot write {path}"))?;
            }
            if jsonl.as_deref() != Some("-") {
                print!("{}", report::trace_text(&events, &sc, &m));
                let h = sc.horizon;
                let ttc = metrics.time_to_containment.map_or(
                    format!(
                        "not contained by the horizon ({})",
                        raci_sim::duration::format_human(h as f64)
                    ),
                    |t| raci_sim::duration::format_human(t as f64),
                );
                println!(
                    "\n{} run; time to containment {ttc}; missed revocations {}; stalls {}; handoffs {}",
                    if metrics.attack { "attack" } else { "benign look-alike" },
                    metrics.missed_revocations,
                    metrics.stalls,
                    metrics.handoffs
                );
            }
        }
        Command::List => {
            for (kind, list) in [("scenario", SCENARIOS), ("model", MODELS)] {
                for s in list {
                    let summary = match kind {
                        "scenario" => load_scenario(s.name).map(|x| x.summary),
                        _ => load_model(s.name).map(|x| x.summary),
                    }
                    .with_context(|| format!("shipped file {} is invalid", s.path))?;
                    println!("{kind:<9} {:<32} {summary}", s.name);
                }
            }
        }
        Command::Table { runs, seed, format } => {
            let rows = run_library(runs, seed)?;
            match format {
                TableFormat::Markdown => print!("{}", report::findings_markdown(&rows)),
                TableFormat::Text => {
                    println!(
                        "{} shipped scenarios x {} shipped models, {runs} runs each, seed {seed}\n",
                        SCENARIOS.len(),
                        MODELS.len()
                    );
                    print!("{}", report::comparison_table(&rows));
                    println!("\nTTC = time to containment (attacker holds no working credential); \"> 30.0d\" = not reached by the horizon in that share of runs.\nDrill down: raci-sim run <scenario> --model <model>; raci-sim trace <scenario> --model <model>.");
                }
            }
        }
    }
    Ok(())
}
