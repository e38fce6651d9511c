//! The `raci-sim` binary: parses the command line and hands each command to its module in
//! `cli/`, which loads inputs, simulates, aggregates and writes.
//!
//! Exit codes: 0 success; 1 the simulation or writing an output failed; 2 bad input (an
//! unreadable or invalid file, an unknown name, bad options, an output path raci-sim may not
//! write, or a job over the memory budget).

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cli::terminal::err;

#[derive(Parser)]
#[command(
    name = "raci-sim",
    version,
    about = "Replay identity breach scenarios against RACI ownership models: time to containment, missed revocations, handoff stalls and why.",
    after_help = "With no command, compares every shipped model on every shipped scenario, writes the report under reports/ and prints the comparison table.\nExit codes: 0 success, 1 simulation or output failure, 2 bad input."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Memory a command may plan to use (e.g. 512M, 16G); larger jobs are refused up front.
    #[arg(long, global = true, value_name = "SIZE", default_value = "8G",
          value_parser = raci_sim::engine::budget::parse_size)]
    memory_budget: u64,
}

#[derive(Subcommand)]
enum Command {
    /// Run one scenario against one model many times and summarise.
    Run(cli::run::RunArgs),
    /// Show one run's timeline: who did what when, every wait and its cause.
    Trace(cli::run::TraceArgs),
    /// Compare models on the same attacks and write a report folder.
    Compare(cli::compare::CompareArgs),
    /// Run a study file: its models on its scenarios (and its sweep), writing the report.
    Study(cli::study::StudyArgs),
    /// Run a study and evaluate its gates: exit 0 all pass, 1 a gate failed, 2 bad input.
    Check(cli::study::CheckArgs),
    /// Merge shard folders into exactly the report one machine would have written.
    Merge(cli::study::MergeArgs),
    /// Check a model for ownership gaps, alone and against scenarios.
    Lint(cli::lint::LintArgs),
    /// Turn one seeded run into a tabletop exercise pack for a facilitator.
    Tabletop(cli::tabletop::TabletopArgs),
    /// Search small changes to a model (one and two edits), race them, show the front and the
    /// recommended change with the assumption that would flip it.
    Improve(cli::improve::ImproveArgs),
    /// Read a RACI spreadsheet (.xlsx or .csv) into a model file, with documented defaults.
    Import(cli::sheet::ImportArgs),
    /// Write a model's RACI matrix as a spreadsheet (.csv or .xlsx).
    Export(cli::sheet::ExportArgs),
    /// List the shipped scenarios and models.
    List,
    /// Every shipped scenario against every shipped model (the default command).
    Table(cli::library::TableArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    cli::set_memory_budget(cli.memory_budget);
    let command = cli
        .command
        .unwrap_or_else(|| Command::Compare(cli::compare::CompareArgs::shipped_library()));
    // `check`'s exit 1 means a gate failed and nothing else: every error it meets is exit 2.
    let checking = matches!(command, Command::Check(_));
    let result = match command {
        Command::Run(a) => cli::run::run(a),
        Command::Trace(a) => cli::run::trace(a),
        Command::Compare(a) => cli::compare::run(a),
        Command::Study(a) => cli::study::study(a),
        Command::Check(a) => cli::study::check(a),
        Command::Merge(a) => cli::study::merge(a),
        Command::Lint(a) => cli::lint::run(a),
        Command::Tabletop(a) => cli::tabletop::run(a),
        Command::Improve(a) => cli::improve::run(a),
        Command::Import(a) => cli::sheet::import(a),
        Command::Export(a) => cli::sheet::export(a),
        Command::List => cli::library::list(),
        Command::Table(a) => cli::library::table(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let mut said = e.to_string();
            err(&format!("error: {said}\n"));
            for cause in e.chain().skip(1) {
                // A cause the message above already quotes is not said twice.
                let text = cause.to_string();
                if !said.contains(&text) {
                    err(&format!("  caused by: {text}\n"));
                    said = text;
                }
            }
            if checking {
                ExitCode::from(2)
            } else {
                cli::exit_code(&e)
            }
        }
    }
}
