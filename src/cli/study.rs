//! `raci-sim study`, `check` and `merge`: a study file's models on its scenarios (and its
//! sweep), its gates, and sharded runs joined back into one report.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use raci_sim::analysis::compare::Comparison;
use raci_sim::analysis::plan::{Outcome, Plan};
use raci_sim::engine::budget::Estimate;
use raci_sim::input::study::Study;
use raci_sim::input::{Diagnostic, LoadError};
use raci_sim::output::{write_folder, write_report, Report};

use super::terminal::{out, outln};
use super::{progress_bar, within_budget, OutArgs, ReportArgs};

#[derive(clap::Args)]
pub struct StudyArgs {
    study: String,
    /// Run only slice K of N of the runs (1 <= K <= N); `merge` joins the slices.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Report folder (or shard folder); the study's `out` if not given.
    #[command(flatten)]
    report: ReportArgs,
}

#[derive(clap::Args)]
pub struct CheckArgs {
    study: String,
    /// An earlier results.json to hold models to, instead of the study's baseline model.
    #[arg(long, value_name = "RESULTS_JSON")]
    baseline: Option<String>,
    #[command(flatten)]
    report: ReportArgs,
}

#[derive(clap::Args)]
pub struct MergeArgs {
    /// The shard folders, every K of N once, in any order.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Where to write the merged report (required: nothing in a shard decides where).
    #[arg(long, value_name = "DIR", required = true)]
    out: PathBuf,
    /// Replace the --out folder even though raci-sim did not write it.
    #[arg(long)]
    force: bool,
    /// No progress bars.
    #[arg(long)]
    quiet: bool,
}

/// Largest shard or results file merge and check read (they hold every run's metrics).
pub const MAX_DATA_FILE_BYTES: u64 = 4 << 30;

/// A study's report folder: `--out`, else the study's `out:` (which must stay inside the
/// study's folder or the current folder), else reports/<study name>.
fn study_dir(study: &Study, out: &OutArgs) -> Result<PathBuf> {
    if out.out.is_some() {
        return Ok(out.target(PathBuf::new)?);
    }
    let dir = match &study.out {
        None => PathBuf::from("reports").join(raci_sim::output::slug(&study.name)),
        Some(o) => {
            let home = Path::new(&study.label).parent().unwrap_or(Path::new(""));
            let home = if home.as_os_str().is_empty() {
                Path::new(".")
            } else {
                home
            };
            raci_sim::output::confine::confined(o, &[home, Path::new(".")]).map_err(|why| {
                let at = raci_sim::input::ronpath::RonMap::new(&study.text).locate("out");
                LoadError::Invalid(vec![Diagnostic {
                    file: study.label.clone(),
                    line: at.line,
                    col: at.col,
                    field: "out".into(),
                    message: format!("the report folder {why}"),
                    help: Some("give a path inside the study's folder, or pass --out DIR on the command line".into()),
                }])
            })?;
            o.clone()
        }
    };
    raci_sim::output::check_target(&dir, out.force)?;
    Ok(dir)
}

/// Writes a study's report. The recorded command line is the canonical `raci-sim <command>
/// <file>` (`study` for study and merge, so a merged sharded study writes the same bytes as an
/// unsharded one; `check` for check), followed by `flags`: check's `--baseline` and the
/// `--practical-*` thresholds given on the command line, which change the report.
fn write_study_report(
    command: &str,
    study: &Study,
    comparison: &Comparison,
    dir: &Path,
    extra: &[(String, Vec<u8>)],
    force: bool,
    flags: &[String],
) -> Result<()> {
    let mut command_line = vec![
        "raci-sim".to_string(),
        command.to_string(),
        study.label.clone(),
    ];
    command_line.extend_from_slice(flags);
    let report = Report {
        comparison,
        inputs: &study.inputs,
        command_line: &command_line,
        extra,
        // The study's sources list every model's file first, in model order.
        lint: &raci_sim::analysis::consequence::lint_models(comparison, &study.sources),
        improvement: None,
    };
    write_report(dir, &report, force)
        .with_context(|| format!("cannot write the report to {}", dir.display()))
}

/// The study's memory: the comparison, plus one sweep point at a time (or, for a shard, its
/// slice of every point).
fn check_budget(plan: &Plan, runs: u64, all_points: bool) -> Result<()> {
    let study = plan.study;
    let teams: Vec<usize> = study.models.iter().map(|m| m.teams.len()).collect();
    let copies = match (plan.points.len() as u64, all_points) {
        (n, true) => n,
        (n, false) => n.min(2),
    };
    let largest = raci_sim::engine::budget::Shape::largest(&study.scenarios);
    let estimate = Estimate::comparison(runs, &teams, largest, study.scenarios.len(), copies);
    within_budget(
        estimate,
        &format!(
            "the study's {runs} runs of {} models on {} scenarios{}",
            study.models.len(),
            study.scenarios.len(),
            if plan.points.len() > 1 {
                " with its sweep"
            } else {
                ""
            }
        ),
    )?;
    Ok(())
}

/// Simulates the whole plan, a point at a time, with a progress bar.
fn simulate(plan: &Plan, quiet: bool, max_events: u64) -> Result<Outcome> {
    let bar = progress_bar(plan.runs(plan.study.runs), quiet);
    let outcome = plan.run(max_events, |n| bar.inc(n))?;
    bar.finish_and_clear();
    Ok(outcome)
}

/// The report's files beyond the comparison: the sweep's tidy CSV and a plot per metric.
fn sweep_report_files(study: &Study, outcome: &Outcome) -> Vec<(String, Vec<u8>)> {
    if study.sweep.is_empty() {
        return Vec::new();
    }
    let rows = &outcome.sweep;
    let mut files = vec![(
        "sweep.csv".to_string(),
        raci_sim::analysis::sweep::sweep_csv(study, rows),
    )];
    for (name, svg) in raci_sim::analysis::sweep::sweep_plots(study, rows) {
        files.push((name, svg.into_bytes()));
    }
    files
}

fn load(path: &str) -> Result<Study> {
    Ok(raci_sim::input::study::load_study(path)?)
}

pub fn study(a: StudyArgs) -> Result<ExitCode> {
    let mut study = load(&a.study)?;
    study.practical = a.report.practical.apply(study.practical);
    let plan = Plan::resolve(&study);
    if let Some(shard) = &a.shard {
        if a.report.practical.is_set() {
            return Err(super::Usage(
                "--practical-* thresholds apply when a report is written, which a shard does not do; put them in the study's `practical:` field, which merge reads".into(),
            )
            .into());
        }
        run_shard(&plan, shard, &a)?;
        return Ok(ExitCode::SUCCESS);
    }
    let dir = study_dir(&study, &a.report.out)?;
    check_budget(&plan, study.runs, false)?;
    let outcome = simulate(&plan, a.report.quiet, a.report.max_events)?;
    let extra = sweep_report_files(&study, &outcome);
    write_study_report(
        "study",
        &study,
        &outcome.comparison,
        &dir,
        &extra,
        a.report.out.force,
        &a.report.practical.to_args(),
    )?;
    print_study(&outcome.comparison, &dir);
    Ok(ExitCode::SUCCESS)
}

/// Runs one shard's slice of every point of the plan into a shard folder.
fn run_shard(plan: &Plan, shard: &str, a: &StudyArgs) -> Result<()> {
    let study = plan.study;
    let (k, n) = raci_sim::input::study::parse_shard(shard).map_err(super::Usage)?;
    if n > study.runs {
        return Err(
            super::Usage(format!("cannot split {} runs into {n} shards", study.runs)).into(),
        );
    }
    let (first, count) = raci_sim::input::study::shard_range(k, n, study.runs);
    let shard_dir = match &a.report.out.out {
        Some(_) => a.report.out.target(PathBuf::new)?,
        None => {
            let mut d = study_dir(study, &OutArgs::default())?.into_os_string();
            d.push(format!("-shard-{k}-of-{n}"));
            let d = PathBuf::from(d);
            raci_sim::output::check_target(&d, a.report.out.force)?;
            d
        }
    };
    check_budget(plan, count, true)?;
    let bar = progress_bar(plan.runs(count), a.report.quiet);
    let mut points = (0..plan.points.len())
        .map(|p| plan.simulate_point(p, first, count, a.report.max_events, &mut |x| bar.inc(x)))
        .collect::<Result<Vec<_>, _>>()?;
    bar.finish_and_clear();
    let raw = points.remove(0);
    let file = raci_sim::input::study::ShardFile {
        schema_version: raci_sim::analysis::shard::SHARD_SCHEMA_VERSION,
        study_label: study.label.clone(),
        study_text: study.text.clone(),
        sources: study.sources.clone(),
        shard: k,
        of: n,
        first,
        count,
        raw,
        sweep: points,
    };
    let json = serde_json::to_vec(&file).expect("plain data");
    write_folder(
        &shard_dir,
        &[("shard.json".into(), json)],
        a.report.out.force,
    )
    .with_context(|| format!("cannot write the shard to {}", shard_dir.display()))?;
    outln!(
        "shard {k}/{n}: runs {first}..{} written to {}",
        first + count,
        shard_dir.join("shard.json").display()
    );
    Ok(())
}

fn print_study(c: &Comparison, dir: &Path) {
    out(&raci_sim::output::text::comparison_table(c));
    outln!("\nreport: {}", dir.join("index.html").display());
}

pub fn merge(a: MergeArgs) -> Result<ExitCode> {
    raci_sim::output::check_target(&a.out, a.force)?;
    let same = |x: &Path, y: &Path| match (std::fs::canonicalize(x), std::fs::canonicalize(y)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    };
    if let Some(d) = a.dirs.iter().find(|d| same(d, &a.out)) {
        return Err(super::Usage(format!(
            "--out {} is one of the shard folders merge reads; give another --out",
            d.display()
        ))
        .into());
    }
    let mut shards = Vec::new();
    let mut total = 0u64;
    let bar = super::progress_of(a.dirs.len() as u64, a.quiet, "shards");
    for d in &a.dirs {
        let path = d.join("shard.json");
        let bytes = raci_sim::input::read_limited(&path, MAX_DATA_FILE_BYTES)?;
        total += bytes.len() as u64;
        // Parsed shards take about as much memory as their JSON; both are held at the peak.
        within_budget(Estimate { bytes: 2 * total }, "merging these shards")?;
        shards.push((
            path.clone(),
            raci_sim::analysis::shard::parse_shard(&path, &bytes)?,
        ));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let merged = raci_sim::analysis::shard::merge(shards)?;
    let plan = Plan::resolve(&merged.study);
    let bar = super::progress_of(merged.points.len() as u64, a.quiet, "points");
    let points = merged.points.into_iter().inspect(|_| bar.inc(1));
    let outcome = plan.render(points.map(Ok::<_, LoadError>))?;
    bar.finish_and_clear();
    let extra = sweep_report_files(&merged.study, &outcome);
    write_study_report(
        "study",
        &merged.study,
        &outcome.comparison,
        &a.out,
        &extra,
        a.force,
        &[],
    )?;
    print_study(&outcome.comparison, &a.out);
    Ok(ExitCode::SUCCESS)
}

/// Exit codes: 0 every gate passed, 1 a gate failed, 2 bad input: the study, `--baseline`
/// (checked before anything runs), or a run count that cannot resolve what its gates must
/// detect (checked after the runs; then nothing is written).
pub fn check(a: CheckArgs) -> Result<ExitCode> {
    let mut study = load(&a.study)?;
    study.practical = a.report.practical.apply(study.practical);
    if study.gates.is_empty() {
        return Err(LoadError::Invalid(vec![Diagnostic {
            file: a.study.clone(),
            line: 1,
            col: 1,
            field: "gates".into(),
            message: "the study has no gates to check".into(),
            help: Some("add `gates: [(metric: TimeToContainmentP90, at_most: \"4h\")]`; docs/ci.md has examples".into()),
        }])
        .into());
    }
    let recorded = (a.baseline.as_deref())
        .map(|p| read_baseline(p, &study))
        .transpose()?;
    let dir = study_dir(&study, &a.report.out)?;
    let plan = Plan::resolve(&study);
    check_budget(&plan, study.runs, false)?;
    let mut gates = raci_sim::analysis::gate::Collector::new(&study, recorded.as_ref());
    let bar = progress_bar(plan.runs(study.runs), a.report.quiet);
    let outcome = plan.run_visiting(a.report.max_events, |n| bar.inc(n), &mut gates)?;
    bar.finish_and_clear();
    let results = gates.finish();
    if let Some(refusal) = raci_sim::output::gate::power_refusal(&study, &results) {
        return Err(LoadError::Invalid(refusal).into());
    }
    let junit = raci_sim::output::gate::junit(&study, &results);
    let md = raci_sim::output::gate::summary_markdown(&study, &results);
    let mut extra = sweep_report_files(&study, &outcome);
    extra.push(("check.junit.xml".to_string(), junit.into_bytes()));
    extra.push(("check.md".to_string(), md.clone().into_bytes()));
    let mut flags = Vec::new();
    if let Some(b) = &a.baseline {
        flags.extend(["--baseline".to_string(), b.clone()]);
    }
    flags.extend(a.report.practical.to_args());
    write_study_report(
        "check",
        &study,
        &outcome.comparison,
        &dir,
        &extra,
        a.report.out.force,
        &flags,
    )?;
    out(&md);
    outln!("\nJUnit: {}", dir.join("check.junit.xml").display());
    Ok(if results.iter().all(|r| r.passed()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Reads `--baseline` and checks it against what the study's gates need (exit 2 otherwise).
fn read_baseline(
    p: &str,
    study: &Study,
) -> Result<raci_sim::analysis::gate::RecordedBaseline, LoadError> {
    let bytes = raci_sim::input::read_limited(Path::new(p), MAX_DATA_FILE_BYTES)?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        LoadError::Invalid(vec![Diagnostic {
            file: p.to_string(),
            line: e.line(),
            col: e.column(),
            field: String::new(),
            message: format!("not a results.json: {e}"),
            help: Some("give the results.json of an earlier `raci-sim study` or `check`".into()),
        }])
    })?;
    raci_sim::analysis::gate::RecordedBaseline::check(p, v, study)
}
