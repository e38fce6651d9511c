//! One module per command (`run.rs` holds `run` and `trace`, `study.rs` holds `study`, `check`
//! and `merge`), and what they share: exit codes, output folder options, the run limit, the
//! memory budget and the progress bar. Everything printed goes through `terminal`.

pub mod compare;
pub mod improve;

pub mod library;
pub mod lint;
pub mod replay;
pub mod run;
pub mod sheet;
pub mod study;
pub mod tabletop;
pub mod terminal;

use raci_sim::analysis::verdict::Practical;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;

use raci_sim::engine::budget::{Estimate, OverBudget, DEFAULT_MEMORY_BUDGET, MAX_RUNS};
use raci_sim::input::LoadError;
use raci_sim::output::{Refusal, WriteError};

/// A flag that cannot be used as given (exit 2, like any bad input).
#[derive(Debug)]
pub struct Usage(pub String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// 2 for bad input (files, names, flags, output paths, the memory budget, a run over the event
/// cap: inputs that make events faster than anything finishes), 1 otherwise.
pub fn exit_code(e: &anyhow::Error) -> ExitCode {
    let bad_input = |c: &(dyn std::error::Error + 'static)| {
        c.downcast_ref::<LoadError>().is_some()
            || c.downcast_ref::<Usage>().is_some()
            || c.downcast_ref::<Refusal>().is_some()
            || c.downcast_ref::<OverBudget>().is_some()
            || c.downcast_ref::<raci_sim::engine::SimError>().is_some()
            || matches!(c.downcast_ref::<WriteError>(), Some(WriteError::Refused(_)))
    };
    if e.chain().any(bad_input) {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

/// The command line as the user typed it, for a report's provenance: `raci-sim`, then the
/// arguments as given (not the binary's path, paths never made absolute), then `implicit`, the
/// subcommand left out, if any.
pub fn typed_command(implicit: Option<&str>) -> Vec<String> {
    raci_sim::output::provenance::command_as_typed(
        std::env::args_os()
            .skip(1)
            .map(|a| a.to_string_lossy().into_owned()),
        implicit,
    )
}

/// `--runs`: a whole number from 1 to [`MAX_RUNS`].
pub fn runs_arg(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(n) if (1..=MAX_RUNS).contains(&n) => Ok(n),
        _ => Err(format!("runs must be a whole number from 1 to {MAX_RUNS}")),
    }
}

/// A run index (`trace --run`): a whole number below [`MAX_RUNS`].
pub fn run_index_arg(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(n) if n < MAX_RUNS => Ok(n),
        _ => Err(format!(
            "a run index is a whole number from 0 to {}",
            MAX_RUNS - 1
        )),
    }
}

static MEMORY_BUDGET: OnceLock<u64> = OnceLock::new();

/// Sets `--memory-budget` for this process.
pub fn set_memory_budget(bytes: u64) {
    let _ = MEMORY_BUDGET.set(bytes);
}

/// Refuses a job whose estimate is over `--memory-budget` (exit 2, with the estimate).
pub fn within_budget(estimate: Estimate, what: &str) -> Result<(), OverBudget> {
    estimate.within(*MEMORY_BUDGET.get().unwrap_or(&DEFAULT_MEMORY_BUDGET), what)
}

/// `--out DIR` and `--force`, for every command that writes a folder.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct OutArgs {
    /// The folder to write. An existing folder is replaced only when raci-sim wrote it (it
    /// holds a .raci-sim-output file) or it is empty.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace the --out folder even though raci-sim did not write it (everything in it is
    /// lost).
    #[arg(long)]
    pub force: bool,
}

impl OutArgs {
    /// The folder to write (the given `--out`, else `default`), checked before any work.
    pub fn target(&self, default: impl FnOnce() -> PathBuf) -> Result<PathBuf, Refusal> {
        let dir = self.out.clone().unwrap_or_else(default);
        raci_sim::output::check_target(&dir, self.force)?;
        Ok(dir)
    }
}

/// What every command that writes a report folder takes besides its inputs.
#[derive(clap::Args, Clone, Debug)]
pub struct ReportArgs {
    #[command(flatten)]
    pub out: OutArgs,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Stop a run that processes more events than this (a runaway input).
    #[arg(long, default_value_t = raci_sim::engine::DEFAULT_MAX_EVENTS)]
    pub max_events: u64,
    #[command(flatten)]
    pub practical: PracticalArgs,
}

impl Default for ReportArgs {
    fn default() -> Self {
        ReportArgs {
            out: OutArgs::default(),
            quiet: false,
            max_events: raci_sim::engine::DEFAULT_MAX_EVENTS,
            practical: PracticalArgs::default(),
        }
    }
}

/// The practical thresholds of verdicts, over the study's or the defaults (docs/comparing.md).
#[derive(clap::Args, Clone, Debug, Default)]
pub struct PracticalArgs {
    /// Smallest time difference that matters (default 30m; the larger of this and the relative
    /// threshold is used)
    #[arg(long, value_name = "DURATION", value_parser = parse_practical_time, allow_hyphen_values = true)]
    pub practical_time: Option<u64>,
    /// Smallest relative difference that matters for times and counts, in percent (default 10)
    #[arg(long, allow_hyphen_values = true, value_name = "PERCENT", value_parser = |s: &str| parse_bounded(s, 1000.0))]
    pub practical_relative: Option<f64>,
    /// Smallest difference in a share that matters, in percentage points (default 1)
    #[arg(long, allow_hyphen_values = true, value_name = "POINTS", value_parser = |s: &str| parse_bounded(s, 100.0))]
    pub practical_share: Option<f64>,
    /// Smallest difference in a count per run that matters (default 0.1)
    #[arg(long, allow_hyphen_values = true, value_name = "COUNT", value_parser = |s: &str| parse_bounded(s, 1e6))]
    pub practical_count: Option<f64>,
}

impl PracticalArgs {
    /// Some threshold was given on the command line.
    pub fn is_set(&self) -> bool {
        self.practical_time.is_some()
            || self.practical_relative.is_some()
            || self.practical_share.is_some()
            || self.practical_count.is_some()
    }

    /// The flags as a user would type them again (for the recorded command).
    pub fn to_args(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut push = |flag: &str, value: Option<String>| {
            if let Some(v) = value {
                out.push(flag.to_string());
                out.push(v);
            }
        };
        push(
            "--practical-time",
            self.practical_time.map(|t| format!("{t}s")),
        );
        push(
            "--practical-relative",
            self.practical_relative.map(|v| v.to_string()),
        );
        push(
            "--practical-share",
            self.practical_share.map(|v| v.to_string()),
        );
        push(
            "--practical-count",
            self.practical_count.map(|v| v.to_string()),
        );
        out
    }

    /// `base` with every threshold given on the command line replaced.
    pub fn apply(&self, mut base: Practical) -> Practical {
        if let Some(t) = self.practical_time {
            base.time_seconds = t;
        }
        if let Some(r) = self.practical_relative {
            base.relative = r / 100.0;
        }
        if let Some(s) = self.practical_share {
            base.share_points = s;
        }
        if let Some(c) = self.practical_count {
            base.count = c;
        }
        base
    }
}

fn parse_practical_time(s: &str) -> Result<u64, String> {
    let t = raci_sim::domain::duration::parse_duration(s)?;
    if t > 365 * 86_400 {
        return Err("longer than a year".into());
    }
    Ok(t)
}

fn parse_bounded(s: &str, max: f64) -> Result<f64, String> {
    let v: f64 = s
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("not a number: {s:?}"))?;
    if v.is_finite() && (0.0..=max).contains(&v) {
        Ok(v)
    } else {
        Err(format!("must be from 0 to {max}"))
    }
}

/// A progress bar over runs on standard error, when it is a terminal and not `quiet`.
pub fn progress_bar(total: u64, quiet: bool) -> indicatif::ProgressBar {
    progress_of(total, quiet, "runs")
}

/// A progress bar over `total` things named `unit` (runs, shards, points): the count, the rate
/// in `unit`/s and the time left. Hidden (drawing nothing) when standard error is not a
/// terminal or `quiet` is set, so pipes, logs and CI jobs get no control characters.
pub fn progress_of(total: u64, quiet: bool, unit: &'static str) -> indicatif::ProgressBar {
    let bar = if quiet || !std::io::stderr().is_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(total)
    };
    let template = format!("{{bar:40}} {{pos}}/{{len}} {unit}, {{rate}}, ETA {{eta}}");
    bar.set_style(
        indicatif::ProgressStyle::with_template(&template)
            .expect("valid template")
            .with_key(
                "rate",
                move |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0} {unit}/s", s.per_sec());
                },
            ),
    );
    bar
}

/// Writes a single-file output (`-` for standard output) whole or not at all.
pub fn write_file_output(path: &str, bytes: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context as _;
    if path == "-" {
        terminal::out_bytes(bytes);
        return Ok(());
    }
    raci_sim::output::write_file(std::path::Path::new(path), bytes)
        .with_context(|| format!("cannot write {path}"))
}

/// Refuses a single-file output path before any work (a folder in the way).
pub fn check_file_output(path: &str) -> Result<(), Refusal> {
    if path == "-" {
        return Ok(());
    }
    raci_sim::output::check_file_target(std::path::Path::new(path))
}
