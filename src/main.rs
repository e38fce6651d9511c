//! The `raci-sim` binary: parse options -> load inputs -> simulate -> aggregate -> export.
//!
//! Exit codes: 0 success; 1 the simulation or writing an output failed; 2 bad input (an
//! unreadable or invalid file, an unknown name, or bad options).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand};

use raci_sim::batch::{run_batch, run_library, BatchOptions, DEFAULT_SEED};
use raci_sim::compare::compare;
use raci_sim::engine::{simulate, Context, Workspace, DEFAULT_MAX_EVENTS};
use raci_sim::eventlog::{CaseNotion, Format as LogFormat};
use raci_sim::export::{default_dir, write_report, InputFile, Report};
use raci_sim::input::LoadError;
use raci_sim::library::{
    load_model, load_scenario, model_source, parse_model, parse_scenario, scenario_source, MODELS,
    SCENARIOS,
};
use raci_sim::metrics::Breakdown;
use raci_sim::report;

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
        #[command(flatten)]
        log: EventLogArgs,
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
        #[command(flatten)]
        log: EventLogArgs,
        #[arg(long, default_value_t = DEFAULT_MAX_EVENTS)]
        max_events: u64,
    },
    /// Compare models on the same attacks and write a report folder.
    Compare(CompareArgs),
    /// Run a study file: its models on its scenarios (and its sweep), writing the report.
    Study {
        study: String,
        /// Run only slice K of N of the runs (1 <= K <= N); `merge` joins the slices.
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// Report folder (or shard folder); the study's `out` if not given.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[arg(long)]
        quiet: bool,
        #[arg(long, default_value_t = DEFAULT_MAX_EVENTS)]
        max_events: u64,
    },
    /// Run a study and evaluate its gates: exit 0 all pass, 1 a gate failed, 2 bad input.
    Check {
        study: String,
        /// An earlier results.json to hold models to, instead of the study's baseline model.
        #[arg(long, value_name = "RESULTS_JSON")]
        baseline: Option<String>,
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[arg(long)]
        quiet: bool,
        #[arg(long, default_value_t = DEFAULT_MAX_EVENTS)]
        max_events: u64,
    },
    /// Merge shard folders into exactly the report one machine would have written.
    Merge {
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Check a model for ownership gaps, alone and against scenarios.
    Lint {
        /// Shipped model name or path.
        model: String,
        /// Scenarios to check it against (shipped names or paths).
        #[arg(long = "scenario", num_args = 1..)]
        scenarios: Vec<String>,
        /// Check against every shipped scenario.
        #[arg(long, conflicts_with = "scenarios")]
        all_scenarios: bool,
        #[arg(long, value_enum, default_value_t = LintFormat::Text)]
        format: LintFormat,
    },
    /// Turn one seeded run into a tabletop exercise pack for a facilitator.
    Tabletop {
        scenario: String,
        #[arg(long)]
        model: String,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// Which run: median, p90 or worst time to containment of the seeded batch, or run:I.
        #[arg(long, default_value = "p90", value_parser = raci_sim::tabletop::Pick::parse)]
        pick: raci_sim::tabletop::Pick,
        /// Runs in the batch the pick is made from.
        #[arg(long, default_value_t = 1000)]
        runs: u64,
        /// A second model: the same attack under it, side by side, for the debrief.
        #[arg(long)]
        vs: Option<String>,
        /// Pack folder; reports/tabletop-<scenario>-<model>-<pick> if not given.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
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
enum LintFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum TableFormat {
    Text,
    Markdown,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Compare(CompareArgs {
        models: Vec::new(),
        scenarios: Vec::new(),
        baseline: None,
        runs: 2000,
        seed: DEFAULT_SEED,
        out: None,
        quiet: false,
        max_events: DEFAULT_MAX_EVENTS,
    }));
    match dispatch(command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            let bad_input = |c: &(dyn std::error::Error + 'static)| {
                c.downcast_ref::<LoadError>().is_some() || c.downcast_ref::<Usage>().is_some()
            };
            if e.chain().any(bad_input) {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

fn dispatch(command: Command) -> Result<ExitCode> {
    match command {
        Command::Run {
            scenario,
            model,
            runs,
            seed,
            json,
            log,
            max_events,
        } => {
            let log = log.checked()?;
            let sc = load_scenario(&scenario)?;
            let m = load_model(&model)?;
            if let Some(log) = &log {
                let traced = raci_sim::eventlog::traced_runs(&sc, &m, seed, runs, max_events)?;
                let tasks: Vec<_> = traced.into_iter().flat_map(|(_, t)| t).collect();
                log.write(&tasks, &sc, &m)?;
            }
            let batch = run_batch(
                &sc,
                &m,
                BatchOptions {
                    first: 0,
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
            log,
            max_events,
        } => {
            let log = log.checked()?;
            let sc = load_scenario(&scenario)?;
            let m = load_model(&model)?;
            let mut ctx = Context::new(&sc, &m, seed);
            ctx.max_events = max_events;
            let mut ws = Workspace::new(&ctx);
            let mut bd = Breakdown::new(m.teams.len());
            let mut events = Vec::new();
            let metrics = simulate(&ctx, &mut ws, run, &mut bd, Some(&mut events))?;
            if let Some(log) = &log {
                log.write(
                    &raci_sim::eventlog::task_records(&metrics, &events),
                    &sc,
                    &m,
                )?;
            }
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
        Command::Compare(args) => run_compare(args)?,
        Command::Lint {
            model,
            scenarios,
            all_scenarios,
            format,
        } => return run_lint(&model, &scenarios, all_scenarios, format),
        Command::Check {
            study,
            baseline,
            out,
            quiet,
            max_events,
        } => return run_check(&study, baseline.as_deref(), out, quiet, max_events),
        Command::Study {
            study,
            shard,
            out,
            quiet,
            max_events,
        } => run_study(&study, shard.as_deref(), out, quiet, max_events)?,
        Command::Merge { dirs, out } => run_merge(&dirs, out)?,
        Command::Tabletop {
            scenario,
            model,
            seed,
            pick,
            runs,
            vs,
            out,
            max_events,
        } => {
            use raci_sim::tabletop::{build_pack, pick_run, play, Pick};
            let sc = load_scenario(&scenario)?;
            let src = model_source(&model)?;
            let m = parse_model(&src.label, &src.text)?;
            let run = match pick {
                Pick::Run(i) => i,
                _ => {
                    let batch = run_batch(
                        &sc,
                        &m,
                        BatchOptions {
                            first: 0,
                            runs,
                            seed,
                            keep_runs: true,
                            max_events,
                        },
                        |_| {},
                    )?;
                    pick_run(&batch.runs, pick).ok_or_else(|| {
                        anyhow::anyhow!(
                            "no attack runs among {runs} to pick from (the scenario's benign share is 1?); use --pick run:I"
                        )
                    })?
                }
            };
            let played = play(&sc, &m, seed, run, max_events)?;
            let vs_model = vs.as_deref().map(load_model).transpose()?;
            let vs_played = match &vs_model {
                Some(vm) => Some(play(&sc, vm, seed, run, max_events)?),
                None => None,
            };
            let files = build_pack(
                &sc,
                &m,
                (&src.label, &src.text),
                &played,
                pick,
                seed,
                vs_model.as_ref().zip(vs_played.as_ref()),
            );
            let dir = out.unwrap_or_else(|| raci_sim::tabletop::default_dir(&sc, &m, pick));
            raci_sim::export::write_folder(&dir, &files)
                .with_context(|| format!("cannot write the pack to {}", dir.display()))?;
            println!(
                "tabletop pack for run {run} ({}): {}",
                pick.name(),
                dir.join("facilitator.html").display()
            );
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
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
struct CompareArgs {
    /// Models to compare (shipped names or paths); all shipped models if none.
    #[arg(long, num_args = 1..)]
    models: Vec<String>,
    /// Scenarios to run (shipped names or paths); all shipped scenarios if none.
    #[arg(long, num_args = 1..)]
    scenarios: Vec<String>,
    /// The model the others are compared with; the first model if not given.
    #[arg(long)]
    baseline: Option<String>,
    #[arg(long, default_value_t = 2000)]
    runs: u64,
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Report folder; reports/<name from the inputs> if not given.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    #[arg(long, default_value_t = DEFAULT_MAX_EVENTS)]
    max_events: u64,
}

fn run_compare(a: CompareArgs) -> Result<()> {
    let all_shipped = a.models.is_empty() && a.scenarios.is_empty();
    let model_names: Vec<String> = if a.models.is_empty() {
        MODELS.iter().map(|m| m.name.to_string()).collect()
    } else {
        a.models
    };
    let scenario_names: Vec<String> = if a.scenarios.is_empty() {
        SCENARIOS.iter().map(|s| s.name.to_string()).collect()
    } else {
        a.scenarios
    };
    let mut inputs = Vec::new();
    let mut models = Vec::new();
    for name in &model_names {
        let src = model_source(name)?;
        let m = parse_model(&src.label, &src.text)?;
        if models
            .iter()
            .any(|x: &raci_sim::input::Model| x.name == m.name)
        {
            return Err(LoadError::Invalid(vec![raci_sim::input::Diagnostic {
                file: src.label.clone(),
                line: 1,
                col: 1,
                field: "name".into(),
                message: format!(
                    "model name \"{}\" is given twice; each compared model needs its own name",
                    m.name
                ),
                help: Some("rename one of the models in its file".into()),
            }])
            .into());
        }
        inputs.push(InputFile::new("model", &m.name, &src));
        models.push(m);
    }
    let mut scenarios = Vec::new();
    for name in &scenario_names {
        let src = scenario_source(name)?;
        let s = parse_scenario(&src.label, &src.text)?;
        inputs.push(InputFile::new("scenario", &s.name, &src));
        scenarios.push(s);
    }
    let baseline = match &a.baseline {
        None => 0,
        Some(b) => {
            let by_name = models.iter().position(|m| &m.name == b);
            let by_arg = model_names.iter().position(|m| m == b);
            by_name.or(by_arg).ok_or_else(|| LoadError::NotFound {
                kind: "baseline model among --models",
                name: b.clone(),
                help: Some(format!(
                    "the baseline must be one of the compared models: {}",
                    models
                        .iter()
                        .map(|m| m.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            })?
        }
    };
    let total = a.runs * models.len() as u64 * scenarios.len() as u64;
    let bar = if a.quiet || !std::io::stderr().is_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(total)
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {eta} left")
            .expect("valid template"),
    );
    let comparison = compare(
        scenarios,
        models,
        baseline,
        a.runs,
        a.seed,
        a.max_events,
        |n| bar.inc(n),
    )?;
    bar.finish_and_clear();
    let dir = a
        .out
        .unwrap_or_else(|| default_dir(&comparison, all_shipped));
    let command_line: Vec<String> = std::env::args().collect();
    let report = Report {
        comparison: &comparison,
        inputs: &inputs,
        command_line: &command_line,
        extra: &[],
    };
    write_report(&dir, &report)
        .with_context(|| format!("cannot write the report to {}", dir.display()))?;
    let rows: Vec<raci_sim::summary::Summary> = comparison
        .scenarios
        .iter()
        .flat_map(|s| s.models.iter().map(|m| m.summary.clone()))
        .collect();
    println!(
        "{} models x {} scenarios, {} runs each, seed {}; baseline {}\n",
        comparison.models.len(),
        comparison.scenarios.len(),
        comparison.runs,
        comparison.seed,
        comparison.models[comparison.baseline].name
    );
    print!("{}", report::comparison_table(&rows));
    println!("\nreport: {}", dir.join("index.html").display());
    Ok(())
}

/// Lint exit codes: 0 no error-level finding, 1 at least one, 2 unreadable input.
fn run_lint(model: &str, scenarios: &[String], all: bool, format: LintFormat) -> Result<ExitCode> {
    let src = model_source(model)?;
    let m = parse_model(&src.label, &src.text)?;
    let names: Vec<String> = if all {
        SCENARIOS.iter().map(|s| s.name.to_string()).collect()
    } else {
        scenarios.to_vec()
    };
    let scenarios = names
        .iter()
        .map(|s| load_scenario(s))
        .collect::<Result<Vec<_>, _>>()?;
    let findings = raci_sim::lint::lint(&m, &src.label, &src.text, &scenarios);
    match format {
        LintFormat::Text => print!("{}", raci_sim::lint::render_text(&findings)),
        LintFormat::Json => {
            #[derive(serde::Serialize)]
            struct Doc<'a> {
                schema_version: u32,
                model: &'a str,
                findings: &'a [raci_sim::lint::Finding],
            }
            let doc = Doc {
                schema_version: 1,
                model: &m.name,
                findings: &findings,
            };
            println!(
                "{}",
                raci_sim::export::escape::json_for_html(
                    serde_json::to_string_pretty(&doc).expect("plain data")
                )
            );
        }
    }
    let errors = findings
        .iter()
        .any(|f| f.level == raci_sim::lint::Level::Error);
    Ok(if errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn progress_bar(total: u64, quiet: bool) -> indicatif::ProgressBar {
    let bar = if quiet || !std::io::stderr().is_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(total)
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {eta} left")
            .expect("valid template"),
    );
    bar
}

fn study_dir(study: &raci_sim::study::Study, out: Option<PathBuf>) -> PathBuf {
    out.or_else(|| study.out.clone())
        .unwrap_or_else(|| PathBuf::from("reports").join(raci_sim::export::slug(&study.name)))
}

/// Writes a study's report. The recorded command line is the canonical `raci-sim study
/// <file>`, so a merged sharded study writes the same bytes as an unsharded one.
fn write_study_report(
    study: &raci_sim::study::Study,
    comparison: &raci_sim::compare::Comparison,
    dir: &std::path::Path,
    extra: &[(String, Vec<u8>)],
) -> Result<()> {
    let command_line = vec![
        "raci-sim".to_string(),
        "study".to_string(),
        study.label.clone(),
    ];
    let report = Report {
        comparison,
        inputs: &study.inputs,
        command_line: &command_line,
        extra,
    };
    write_report(dir, &report)
        .with_context(|| format!("cannot write the report to {}", dir.display()))
}

fn simulate_study(
    study: &raci_sim::study::Study,
    quiet: bool,
    max_events: u64,
) -> Result<raci_sim::compare::Comparison> {
    let total = study.runs * (study.models.len() * study.scenarios.len()) as u64;
    let bar = progress_bar(total, quiet);
    let c = compare(
        study.scenarios.clone(),
        study.models.clone(),
        study.baseline,
        study.runs,
        study.seed,
        max_events,
        |n| bar.inc(n),
    )?;
    bar.finish_and_clear();
    Ok(c)
}

fn sweep_files(
    study: &raci_sim::study::Study,
    quiet: bool,
    max_events: u64,
) -> Result<Vec<(String, Vec<u8>)>> {
    if study.sweep.is_empty() {
        return Ok(Vec::new());
    }
    let points = raci_sim::sweep::grid(study).len() as u64;
    let bar = progress_bar(
        points * study.runs * (study.models.len() * study.scenarios.len()) as u64,
        quiet,
    );
    let rows = raci_sim::sweep::run_sweep(study, max_events, |n| bar.inc(n))?;
    bar.finish_and_clear();
    Ok(sweep_report_files(study, &rows))
}

/// The sweep's files in the report: the tidy CSV and a plot per metric.
fn sweep_report_files(
    study: &raci_sim::study::Study,
    rows: &[raci_sim::sweep::SweepRow],
) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![(
        "sweep.csv".to_string(),
        raci_sim::sweep::sweep_csv(study, rows),
    )];
    for (name, svg) in raci_sim::sweep::sweep_plots(study, rows) {
        files.push((name, svg.into_bytes()));
    }
    files
}

fn run_study(
    path: &str,
    shard: Option<&str>,
    out: Option<PathBuf>,
    quiet: bool,
    max_events: u64,
) -> Result<()> {
    let study = raci_sim::study::load_study(path)?;
    let dir = study_dir(&study, out.clone());
    if let Some(shard) = shard {
        let (k, n) = raci_sim::study::parse_shard(shard).map_err(anyhow::Error::msg)?;
        if n > study.runs {
            anyhow::bail!("cannot split {} runs into {n} shards", study.runs);
        }
        let (first, count) = raci_sim::study::shard_range(k, n, study.runs);
        let points = if study.sweep.is_empty() {
            0
        } else {
            raci_sim::sweep::grid(&study).len() as u64
        };
        let bar = progress_bar(
            (1 + points) * count * (study.models.len() * study.scenarios.len()) as u64,
            quiet,
        );
        let raw = raci_sim::compare::simulate_all(
            &study.scenarios,
            &study.models,
            first,
            count,
            study.seed,
            max_events,
            |x| bar.inc(x),
        )?;
        let sweep = if study.sweep.is_empty() {
            Vec::new()
        } else {
            raci_sim::sweep::simulate_sweep(&study, first, count, max_events, |x| bar.inc(x))?
        };
        bar.finish_and_clear();
        let file = raci_sim::study::ShardFile {
            schema_version: 1,
            study_label: study.label.clone(),
            study_text: study.text.clone(),
            sources: study.sources.clone(),
            shard: k,
            of: n,
            first,
            count,
            raw,
            sweep,
        };
        let shard_dir = out.unwrap_or_else(|| {
            let mut d = dir.clone().into_os_string();
            d.push(format!("-shard-{k}-of-{n}"));
            PathBuf::from(d)
        });
        std::fs::create_dir_all(&shard_dir)
            .with_context(|| format!("cannot create {}", shard_dir.display()))?;
        let target = shard_dir.join("shard.json");
        let json = serde_json::to_vec(&file).expect("plain data");
        report::write_output(&target.to_string_lossy(), &json)
            .with_context(|| format!("cannot write {}", target.display()))?;
        println!(
            "shard {k}/{n}: runs {first}..{} written to {}",
            first + count,
            target.display()
        );
        return Ok(());
    }
    let comparison = simulate_study(&study, quiet, max_events)?;
    let extra = sweep_files(&study, quiet, max_events)?;
    write_study_report(&study, &comparison, &dir, &extra)?;
    print_study(&comparison, &dir);
    Ok(())
}

fn print_study(c: &raci_sim::compare::Comparison, dir: &std::path::Path) {
    let rows: Vec<raci_sim::summary::Summary> = c
        .scenarios
        .iter()
        .flat_map(|s| s.models.iter().map(|m| m.summary.clone()))
        .collect();
    print!("{}", report::comparison_table(&rows));
    println!("\nreport: {}", dir.join("index.html").display());
}

fn run_merge(dirs: &[PathBuf], out: Option<PathBuf>) -> Result<()> {
    let mut shards = Vec::new();
    for d in dirs {
        let path = d.join("shard.json");
        let bytes = std::fs::read(&path).map_err(|source| LoadError::Read {
            file: path.display().to_string(),
            source,
        })?;
        let shard: raci_sim::study::ShardFile = serde_json::from_slice(&bytes).map_err(|e| {
            LoadError::Invalid(vec![raci_sim::input::Diagnostic {
                file: path.display().to_string(),
                line: e.line(),
                col: e.column(),
                field: String::new(),
                message: format!("not a raci-sim shard file: {e}"),
                help: Some(
                    "merge takes the folders written by `raci-sim study --shard K/N`".into(),
                ),
            }])
        })?;
        shards.push((path, shard));
    }
    shards.sort_by_key(|(_, s)| s.shard);
    let n = shards[0].1.of;
    let same = |s: &raci_sim::study::ShardFile| {
        s.of == n && s.study_text == shards[0].1.study_text && s.sources == shards[0].1.sources
    };
    if let Some((p, _)) = shards.iter().find(|(_, s)| !same(s)) {
        anyhow::bail!(
            "{} is a shard of a different study or split; every shard must come from the same study file and the same N",
            p.display()
        );
    }
    let ks: Vec<u64> = shards.iter().map(|(_, s)| s.shard).collect();
    if ks != (1..=n).collect::<Vec<_>>() {
        anyhow::bail!("merge needs shards 1 to {n} exactly once each, got {ks:?}");
    }
    let study = raci_sim::study::study_from_shard(&shards[0].1)?;
    // Shards in order, each run range after the last: appending keeps every run in run order.
    let append = |acc: &mut Vec<Vec<raci_sim::compare::RawResult>>,
                  add: Vec<Vec<raci_sim::compare::RawResult>>| {
        for (row, add) in acc.iter_mut().zip(add) {
            for (acc, part) in row.iter_mut().zip(add) {
                acc.runs.extend(part.runs);
                acc.breakdown.merge(&part.breakdown);
            }
        }
    };
    let mut shards = shards.into_iter().map(|(_, s)| s);
    let first = shards.next().expect("at least one shard");
    let (mut raw, mut sweep) = (first.raw, first.sweep);
    for s in shards {
        append(&mut raw, s.raw);
        for (acc, add) in sweep.iter_mut().zip(s.sweep) {
            append(acc, add);
        }
    }
    let comparison = raci_sim::compare::assemble(
        study.scenarios.clone(),
        study.models.clone(),
        study.baseline,
        study.runs,
        study.seed,
        raw,
    );
    let grid = raci_sim::sweep::grid(&study);
    if !study.sweep.is_empty() && sweep.len() != grid.len() {
        anyhow::bail!(
            "the shards hold no results for the study's sweep ({} grid points); run the shards again with this version of raci-sim",
            grid.len()
        );
    }
    let mut rows = Vec::new();
    for (point, raw) in grid.iter().zip(&sweep) {
        rows.extend(raci_sim::sweep::rows_at(&study, point, raw));
    }
    let extra = if study.sweep.is_empty() {
        Vec::new()
    } else {
        sweep_report_files(&study, &rows)
    };
    let dir = study_dir(&study, out);
    write_study_report(&study, &comparison, &dir, &extra)?;
    print_study(&comparison, &dir);
    Ok(())
}

/// Exit codes: 0 every gate passed, 1 a gate failed, 2 bad input.
fn run_check(
    path: &str,
    baseline: Option<&str>,
    out: Option<PathBuf>,
    quiet: bool,
    max_events: u64,
) -> Result<ExitCode> {
    let study = raci_sim::study::load_study(path)?;
    if study.gates.is_empty() {
        return Err(anyhow::Error::new(LoadError::Invalid(vec![raci_sim::input::Diagnostic {
            file: path.to_string(),
            line: 1,
            col: 1,
            field: "gates".into(),
            message: "the study has no gates to check".into(),
            help: Some("add `gates: [(metric: TimeToContainmentP90, at_most: \"4h\")]`; docs/ci.md has examples".into()),
        }])));
    }
    let recorded = match baseline {
        None => None,
        Some(p) => {
            let bytes = std::fs::read(p).map_err(|source| LoadError::Read {
                file: p.to_string(),
                source,
            })?;
            let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
                LoadError::Invalid(vec![raci_sim::input::Diagnostic {
                    file: p.to_string(),
                    line: e.line(),
                    col: e.column(),
                    field: String::new(),
                    message: format!("not a results.json: {e}"),
                    help: Some(
                        "give the results.json of an earlier `raci-sim study` or `check`".into(),
                    ),
                }])
            })?;
            Some(raci_sim::gate::RecordedBaseline(v))
        }
    };
    let comparison = simulate_study(&study, quiet, max_events)?;
    let results = raci_sim::gate::evaluate(&study, &comparison, recorded.as_ref());
    let junit = raci_sim::gate::junit(&study, &results);
    let md = raci_sim::gate::summary_markdown(&study, &results);
    let dir = study_dir(&study, out);
    write_study_report(
        &study,
        &comparison,
        &dir,
        &[
            ("check.junit.xml".into(), junit.into_bytes()),
            ("check.md".into(), md.clone().into_bytes()),
        ],
    )?;
    print!("{md}");
    println!("\nJUnit: {}", dir.join("check.junit.xml").display());
    Ok(if results.iter().all(|r| r.passed()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A flag that cannot be used as given (exit 2, like any bad input).
#[derive(Debug)]
struct Usage(String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// `--event-log` and `--case-notion`, on `run` and `trace`.
#[derive(clap::Args)]
struct EventLogArgs {
    /// Write the tasks as an event log: .csv, .xes or .jsonocel (OCEL 2.0).
    #[arg(long, value_name = "PATH")]
    event_log: Option<String>,
    /// A case of a .csv or .xes log: a run's incident, or one task with the handoff into it.
    #[arg(long, value_name = "incident|task", default_value = "incident", value_parser = CaseNotion::parse)]
    case_notion: CaseNotion,
}

/// An event log asked for, its format checked.
struct EventLog {
    path: String,
    format: LogFormat,
    notion: CaseNotion,
}

impl EventLogArgs {
    /// The event log asked for, if any, checked before anything is simulated.
    fn checked(self) -> Result<Option<EventLog>> {
        let Some(path) = self.event_log else {
            return Ok(None);
        };
        let format = LogFormat::from_path(&path).map_err(Usage)?;
        format.check(self.case_notion).map_err(Usage)?;
        Ok(Some(EventLog {
            path,
            format,
            notion: self.case_notion,
        }))
    }
}

impl EventLog {
    fn write(
        &self,
        tasks: &[raci_sim::eventlog::TaskRecord],
        scenario: &raci_sim::input::Scenario,
        model: &raci_sim::input::Model,
    ) -> Result<()> {
        let bytes = raci_sim::eventlog::render(self.format, self.notion, tasks, scenario, model)
            .map_err(anyhow::Error::msg)?;
        report::write_output(&self.path, &bytes)
            .with_context(|| format!("cannot write {}", self.path))
    }
}
