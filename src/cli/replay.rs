//! `raci-sim tabletop replay PACK --decisions FILE`: the pack's run again with the room's
//! decisions in place of the model's, then many runs on common random numbers under the
//! room, the model as written and the best shipped model, written as a debrief page.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use raci_sim::engine::batch::{run_batch, BatchOptions};
use raci_sim::engine::budget::{Estimate, Shape};
use raci_sim::engine::metrics::RunMetrics;
use raci_sim::engine::room::RoomPlan;
use raci_sim::engine::DEFAULT_MAX_EVENTS;
use raci_sim::input::decisions::{self, load_decisions, read_pack, SheetContext};
use raci_sim::input::library::{parse_model, parse_scenario, INCIDENT_MODELS, MODELS};
use raci_sim::input::{Model, Scenario};
use raci_sim::output::tabletop::debrief::{self, play_room, room_runs, Arm, Debrief};
use raci_sim::output::tabletop::{capture, decision_points, modules};

use super::terminal::outln;
use super::{within_budget, OutArgs, Usage};

#[derive(clap::Args, Clone, Debug)]
pub struct ReplayArgs {
    /// The pack folder `raci-sim tabletop` wrote (it holds replay/pack.ron).
    pack: PathBuf,
    /// The capture sheet the room filled in: the pack's facilitator/decision-capture.csv or
    /// .ron.
    #[arg(long, value_name = "FILE")]
    decisions: PathBuf,
    /// Runs on common random numbers (runs 0..N of the pack's seed) for the comparison.
    #[arg(long, default_value_t = 1000, value_parser = super::runs_arg)]
    runs: u64,
    /// Debrief folder; PACK/debrief if not given.
    #[command(flatten)]
    out: OutArgs,
    #[arg(long, default_value_t = DEFAULT_MAX_EVENTS)]
    max_events: u64,
}

pub fn run(a: ReplayArgs) -> Result<ExitCode> {
    let (sc, m, seed, run) = inputs(&a)?;
    let dir = a.out.target(|| a.pack.join("debrief"))?;
    // The debrief folder replaces what is there: never the pack (or a folder holding it).
    if let (Ok(d), Ok(p)) = (dir.canonicalize(), a.pack.canonicalize()) {
        if p.starts_with(&d) {
            return Err(Usage(format!(
                "--out {}: the debrief would replace the pack itself; give a folder outside it or leave --out out (PACK/debrief)",
                dir.display()
            ))
            .into());
        }
    }
    within_budget(
        Estimate::batch(a.runs.saturating_mul(4), Shape::of(&sc, &m), true),
        &format!("replaying {} runs under three models", a.runs),
    )?;
    let played = play_room(&sc, &m, seed, run, a.max_events, None)?;
    let decisions = decision_points(&played.trace, &m);
    let mods = modules(&decisions, &played.trace).map_err(|missing| {
        Usage(format!(
            "run {run} of this pack no longer reaches its decision points ({}): was replay/model.ron or scenario.ron edited?",
            missing.why()
        ))
    })?;
    let points = capture::points(&sc, &played.trace, &decisions, &mods);
    let cx = SheetContext {
        points: &points,
        model: &m,
        scenario: &sc,
    };
    let rows = load_decisions(&a.decisions, &cx)?;
    if rows.is_empty() {
        return Err(Usage(format!(
            "{}: no decision is filled in (every row's `choice` is blank), so the room would be the model as written\n  help: fill in what the room decided for at least one point: `team`, `decided_at` (T+hh:mm) and `choice`",
            a.decisions.display()
        ))
        .into());
    }
    let plan = RoomPlan::new(
        rows.iter().map(decisions::room_decision).collect(),
        m.teams.len(),
        sc.credentials.len(),
    )
    .map_err(|e| Usage(format!("{}: {e}", a.decisions.display())))?;
    let room_played = play_room(&sc, &m, seed, run, a.max_events, Some(&plan))?;
    let room = room_runs(&sc, &m, seed, a.runs, a.max_events, Some(&plan))?;
    let model = room_runs(&sc, &m, seed, a.runs, a.max_events, None)?;
    let (best_model, best) = best_shipped(&sc, seed, a.runs, a.max_events)?;
    let best_played = play_room(&sc, &best_model, seed, run, a.max_events, None)?;
    let files = debrief::files(&Debrief {
        scenario: &sc,
        pack: a.pack.display().to_string(),
        sheet: a.decisions.display().to_string(),
        seed,
        run,
        points: &points,
        rows: &rows,
        arms: [
            arm("The room", &m, &room_played, &room),
            arm("The model as written", &m, &played, &model),
            arm(
                &format!("Best shipped model ({})", best_model.name),
                &best_model,
                &best_played,
                &best,
            ),
        ],
    });
    raci_sim::output::write_folder(&dir, &files, a.out.force)
        .with_context(|| format!("cannot write the debrief to {}", dir.display()))?;
    outln!(
        "debrief of the room's decisions ({} of {} points, {} runs): {}",
        rows.len(),
        points.len(),
        a.runs,
        dir.join("debrief.html").display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The pack's scenario and model copies, its seed and its run (the copies checked against
/// the names pack.ron records).
fn inputs(a: &ReplayArgs) -> Result<(Scenario, Model, u64, u64)> {
    let rp = read_pack(&a.pack)?;
    let sc = parse_scenario(&rp.scenario.0, &rp.scenario.1)?;
    let m = parse_model(&rp.model.0, &rp.model.1)?;
    if sc.name != rp.pack.scenario || m.name != rp.pack.model {
        return Err(Usage(format!(
            "{}: pack.ron names `{}` under `{}`, but its copies are `{}` under `{}`: make the pack again",
            a.pack.display(),
            rp.pack.scenario,
            rp.pack.model,
            sc.name,
            m.name
        ))
        .into());
    }
    Ok((sc, m, rp.pack.seed, rp.pack.run))
}

fn arm<'a>(
    label: &str,
    model: &'a Model,
    played: &'a raci_sim::output::tabletop::Played,
    runs: &'a [RunMetrics],
) -> Arm<'a> {
    Arm {
        label: label.to_string(),
        model,
        played,
        runs,
    }
}

/// The shipped model with the lowest restricted mean time to containment over runs `0..runs`
/// (uncontained runs count the horizon), ties by name: the library's models, and for an
/// incident scenario also that incident's two models.
fn best_shipped(
    sc: &Scenario,
    seed: u64,
    runs: u64,
    max_events: u64,
) -> Result<(Model, Vec<RunMetrics>)> {
    let incident = format!("{}-", sc.name);
    let candidates = MODELS.iter().chain(
        INCIDENT_MODELS
            .iter()
            .filter(|s| s.name.starts_with(&incident)),
    );
    let mut best: Option<(f64, Model, Vec<RunMetrics>)> = None;
    for s in candidates {
        let m = parse_model(s.path, s.text)?;
        let opts = BatchOptions {
            first: 0,
            runs,
            seed,
            keep_runs: true,
            max_events,
        };
        let batch = run_batch(sc, &m, opts, |_| {})?;
        let times: Vec<f64> = batch
            .runs
            .iter()
            .filter(|r| r.attack)
            .map(|r| r.time_to_containment.unwrap_or(sc.horizon) as f64)
            .collect();
        let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
        let better = best
            .as_ref()
            .is_none_or(|(b, bm, _)| mean < *b || (mean == *b && m.name < bm.name));
        if better {
            best = Some((mean, m, batch.runs));
        }
    }
    let (_, m, r) = best.expect("the library ships models");
    Ok((m, r))
}
