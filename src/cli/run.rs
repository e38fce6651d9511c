//! `raci-sim run` (many runs of one scenario under one model, summarised) and `raci-sim trace`
//! (one run's timeline), with their per-run outputs: JSON, JSON Lines and event logs.

use std::process::ExitCode;

use anyhow::Result;

use raci_sim::engine::batch::{run_batch, BatchOptions, DEFAULT_SEED};
use raci_sim::engine::budget::Estimate;
use raci_sim::engine::metrics::Breakdown;
use raci_sim::engine::{simulate, Context, Workspace, DEFAULT_MAX_EVENTS};
use raci_sim::input::library::{load_model, load_scenario};
use raci_sim::input::{Model, Scenario};
use raci_sim::output::eventlog::{CaseNotion, Format as LogFormat, TaskRecord};
use raci_sim::output::text as report;

use super::terminal::{out, outln};
use super::{check_file_output, within_budget, write_file_output, Usage};

#[derive(clap::Args)]
pub struct RunArgs {
    /// Shipped scenario name or path to a scenario file.
    scenario: String,
    /// Shipped model name or path to a model file.
    #[arg(long)]
    model: String,
    /// Runs to simulate (at most 100000000).
    #[arg(long, default_value_t = 1000, value_parser = super::runs_arg)]
    runs: u64,
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Write the summary and per-run metrics as JSON (`-` for stdout).
    #[arg(long, value_name = "PATH")]
    json: Option<String>,
    #[command(flatten)]
    log: EventLogArgs,
    /// Stop a run that processes more events than this (a runaway input).
    #[arg(long, default_value_t = DEFAULT_MAX_EVENTS)]
    max_events: u64,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

#[derive(clap::Args)]
pub struct TraceArgs {
    scenario: String,
    #[arg(long)]
    model: String,
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Which run of the seeded batch (0-based).
    #[arg(long, default_value_t = 0, value_parser = super::run_index_arg)]
    run: u64,
    /// Write the trace as JSON Lines (`-` for stdout instead of the readable form).
    #[arg(long, value_name = "PATH")]
    jsonl: Option<String>,
    #[command(flatten)]
    log: EventLogArgs,
    #[arg(long, default_value_t = DEFAULT_MAX_EVENTS)]
    max_events: u64,
}

pub fn run(a: RunArgs) -> Result<ExitCode> {
    let log = a.log.checked()?;
    if let Some(path) = &a.json {
        check_file_output(path)?;
    }
    let sc = load_scenario(&a.scenario)?;
    let m = load_model(&a.model)?;
    let mut need = Estimate::batch(
        a.runs,
        raci_sim::engine::budget::Shape::of(&sc, &m),
        a.json.is_some(),
    );
    if log.is_some() {
        need = need.plus(log_estimate(&sc, &m, a.seed, a.runs, a.max_events)?);
    }
    let what = if log.is_some() {
        " with its event log"
    } else {
        ""
    };
    let teams = m.teams.len();
    within_budget(
        need,
        &format!("{} runs of a {teams}-team model{what}", a.runs),
    )?;
    if let Some(log) = &log {
        let traced =
            raci_sim::output::eventlog::traced_runs(&sc, &m, a.seed, a.runs, a.max_events)?;
        let tasks: Vec<_> = traced.into_iter().flat_map(|(_, t)| t).collect();
        log.write(&tasks, &sc, &m)?;
    }
    let opts = BatchOptions {
        first: 0,
        runs: a.runs,
        seed: a.seed,
        keep_runs: a.json.is_some(),
        max_events: a.max_events,
    };
    let bar = super::progress_bar(a.runs, a.quiet);
    let batch = run_batch(&sc, &m, opts, |n| bar.inc(n))?;
    bar.finish_and_clear();
    if let Some(path) = &a.json {
        write_file_output(path, report::run_json(&batch, &sc, &m).as_bytes())?;
    }
    if a.json.as_deref() != Some("-") {
        out(&report::summary_text(&batch.summary, &batch.breakdown, &m));
    }
    Ok(ExitCode::SUCCESS)
}

/// An event log's memory: every task of every run is held until the log is written. Measured
/// on the first runs (at most 20), scaled to all.
fn log_estimate(
    sc: &Scenario,
    m: &Model,
    seed: u64,
    runs: u64,
    max_events: u64,
) -> Result<Estimate> {
    let pilot = runs.min(20);
    let tasks: usize = raci_sim::output::eventlog::traced_runs(sc, m, seed, pilot, max_events)?
        .iter()
        .map(|(_, t)| t.len())
        .sum();
    // Each task is held as a record and as its rendered event (or two, for task cases); XES is
    // the wordiest at about 1 KB an event (measured: 90,000 runs to XES peak at 1.3 GB).
    let per_task = std::mem::size_of::<TaskRecord>() as u64 + 1024;
    let per_run = (tasks as u64).div_ceil(pilot.max(1)) * per_task;
    Ok(Estimate {
        bytes: per_run.saturating_mul(runs),
    })
}

pub fn trace(a: TraceArgs) -> Result<ExitCode> {
    let log = a.log.checked()?;
    if let Some(path) = &a.jsonl {
        check_file_output(path)?;
    }
    let sc = load_scenario(&a.scenario)?;
    let m = load_model(&a.model)?;
    let mut ctx = Context::new(&sc, &m, a.seed);
    ctx.max_events = a.max_events;
    let mut ws = Workspace::new(&ctx);
    let mut bd = Breakdown::new(m.teams.len(), sc.credentials.len());
    let mut events = Vec::new();
    let metrics = simulate(&ctx, &mut ws, a.run, &mut bd, Some(&mut events))?;
    if let Some(log) = &log {
        let tasks = raci_sim::output::eventlog::task_records(&metrics, &events);
        log.write(&tasks, &sc, &m)?;
    }
    if let Some(path) = &a.jsonl {
        write_file_output(path, report::trace_jsonl(&events, &m).as_bytes())?;
    }
    if a.jsonl.as_deref() == Some("-") {
        return Ok(ExitCode::SUCCESS);
    }
    out(&report::trace_text(&events, &sc, &m));
    let human = |t: u64| raci_sim::domain::duration::format_human(t as f64);
    let ttc = metrics.time_to_containment.map_or(
        format!("not contained by the horizon ({})", human(sc.horizon)),
        human,
    );
    outln!(
        "\n{} run; time to containment {ttc}; missed revocations {}; stalls {}; handoffs {}",
        if metrics.attack {
            "attack"
        } else {
            "benign look-alike"
        },
        metrics.missed_revocations,
        metrics.stalls,
        metrics.handoffs
    );
    Ok(ExitCode::SUCCESS)
}

/// `--event-log` and `--case-notion`, on `run` and `trace`.
#[derive(clap::Args)]
pub struct EventLogArgs {
    /// Write the tasks as an event log: .csv, .xes or .jsonocel (OCEL 2.0).
    #[arg(long, value_name = "PATH")]
    event_log: Option<String>,
    /// A case of a .csv or .xes log: a run's incident, or one task with the handoff into it.
    #[arg(long, value_name = "incident|task", default_value = "incident", value_parser = CaseNotion::parse)]
    case_notion: CaseNotion,
}

/// An event log asked for, its format and path checked.
pub struct EventLog {
    path: String,
    format: LogFormat,
    notion: CaseNotion,
}

impl EventLogArgs {
    /// The event log asked for, if any, checked before anything is simulated.
    pub fn checked(self) -> Result<Option<EventLog>> {
        let Some(path) = self.event_log else {
            return Ok(None);
        };
        let format = LogFormat::from_path(&path).map_err(Usage)?;
        format.check(self.case_notion).map_err(Usage)?;
        check_file_output(&path)?;
        Ok(Some(EventLog {
            path,
            format,
            notion: self.case_notion,
        }))
    }
}

impl EventLog {
    pub fn write(&self, tasks: &[TaskRecord], scenario: &Scenario, model: &Model) -> Result<()> {
        let bytes =
            raci_sim::output::eventlog::render(self.format, self.notion, tasks, scenario, model)
                .map_err(anyhow::Error::msg)?;
        write_file_output(&self.path, &bytes)
    }
}
