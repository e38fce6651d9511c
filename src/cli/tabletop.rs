//! `raci-sim tabletop`: one seeded run turned into an exercise pack.

use std::process::ExitCode;

use anyhow::{Context as _, Result};

use raci_sim::engine::batch::{run_batch, BatchOptions, DEFAULT_SEED};
use raci_sim::engine::budget::{Estimate, MAX_RUNS};
use raci_sim::engine::DEFAULT_MAX_EVENTS;
use raci_sim::input::library::{
    load_model, model_source, parse_model, parse_scenario, scenario_source,
};
use raci_sim::input::{Model, Scenario};
use raci_sim::output::tabletop::{
    candidates, decision_points, modules, pack_files, play, Exercise, Missing, Pick, Played,
};

use super::terminal::outln;
use super::{within_budget, OutArgs, Usage};

#[derive(clap::Args, Clone)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct TabletopArgs {
    #[command(subcommand)]
    command: Option<TabletopCommand>,
    #[arg(required = true)]
    scenario: Option<String>,
    #[arg(long, required = true)]
    model: Option<String>,
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Which run: median, p90 or worst time to containment of the seeded batch, or run:I.
    #[arg(long, default_value = "p90", value_parser = Pick::parse)]
    pick: Pick,
    /// Runs in the batch the pick is made from (at most 100000000).
    #[arg(long, default_value_t = 1000, value_parser = super::runs_arg)]
    runs: u64,
    /// A second model: the same attack under it, side by side, for the debrief.
    #[arg(long)]
    vs: Option<String>,
    /// Pack folder; reports/tabletop-<scenario>-<model>-<pick> if not given.
    #[command(flatten)]
    out: OutArgs,
    #[arg(long, default_value_t = DEFAULT_MAX_EVENTS)]
    max_events: u64,
}

#[derive(clap::Subcommand, Clone)]
pub enum TabletopCommand {
    /// Replay a pack's run with the room's decisions (its filled-in capture sheet), then many
    /// runs against the model as written and the best shipped model; writes a debrief page.
    Replay(super::replay::ReplayArgs),
}

pub fn run(a: TabletopArgs) -> Result<ExitCode> {
    if let Some(TabletopCommand::Replay(r)) = a.command {
        return super::replay::run(r);
    }
    if let Pick::Run(i) = a.pick {
        if i >= MAX_RUNS {
            return Err(Usage(format!(
                "--pick run:{i}: a run index is a whole number from 0 to {}",
                MAX_RUNS - 1
            ))
            .into());
        }
    }
    let ssrc = scenario_source(a.scenario.as_deref().unwrap_or_default())?;
    let sc = parse_scenario(&ssrc.label, &ssrc.text)?;
    let src = model_source(a.model.as_deref().unwrap_or_default())?;
    let m = parse_model(&src.label, &src.text)?;
    let dir = a
        .out
        .target(|| raci_sim::output::tabletop::default_dir(&sc, &m, a.pick))?;
    let (run, played) = choose_run(&a, &sc, &m)?;
    let vs_model = a.vs.as_deref().map(load_model).transpose()?;
    let vs_played = match &vs_model {
        Some(vm) => Some(play(&sc, vm, a.seed, run, a.max_events)?),
        None => None,
    };
    let decisions = decision_points(&played.trace, &m);
    let modules = modules(&decisions, &played.trace).map_err(|missing| {
        Usage(format!(
            "run {run} cannot make a tabletop pack: {}",
            missing.why()
        ))
    })?;
    // Built here rather than by `build_pack`: the replay inputs need the scenario's text and
    // the batch size.
    let files = pack_files(&Exercise {
        scenario: &sc,
        model: &m,
        model_text: (&src.label, &src.text),
        scenario_text: &ssrc.text,
        played: &played,
        pick: a.pick,
        seed: a.seed,
        runs: a.runs,
        decisions,
        modules,
        vs: vs_model.as_ref().zip(vs_played.as_ref()),
    });
    raci_sim::output::write_folder(&dir, &files, a.out.force)
        .with_context(|| format!("cannot write the pack to {}", dir.display()))?;
    outln!(
        "tabletop pack for run {run} ({}): {}",
        a.pick.name(),
        dir.join(raci_sim::output::tabletop::layout::INDEX)
            .display()
    );
    outln!("  facilitator: facilitator/handbook.html; players: participants/ (and nothing else)");
    Ok(ExitCode::SUCCESS)
}

/// The run the pack is built from, traced: the first of the pick's candidates that fills the
/// exercise's modules (docs/tabletop.md, "Which run"). Refused (exit 2) when none does.
fn choose_run(a: &TabletopArgs, sc: &Scenario, m: &Model) -> Result<(u64, Played)> {
    let tried = match a.pick {
        Pick::Run(i) => vec![i],
        pick => candidates(&batch(a, sc, m)?, pick),
    };
    let mut first_missing: Option<(u64, Missing)> = None;
    for &run in &tried {
        let played = play(sc, m, a.seed, run, a.max_events)?;
        match modules(&decision_points(&played.trace, m), &played.trace) {
            Ok(_) => return Ok((run, played)),
            Err(missing) => {
                first_missing.get_or_insert((run, missing));
            }
        }
    }
    let pair = format!("`{}` under `{}`", sc.name, m.name);
    let Some((run, missing)) = first_missing else {
        return Err(Usage(format!(
            "no attack runs among {} of {pair} to pick from (the scenario's benign share is 1?); use --pick run:I",
            a.runs
        ))
        .into());
    };
    if let Pick::Run(_) = a.pick {
        let default = TabletopArgs {
            pick: Pick::P90,
            ..a.clone()
        };
        let instead = match choose_run(&default, sc, m) {
            Ok((r, _)) => format!(
                "the default pick (p90 of {} runs) gives run {r}: use --pick p90 or --pick run:{r}",
                a.runs
            ),
            Err(_) => format!(
                "and no run of the default pick (p90 of {} runs) does either",
                a.runs
            ),
        };
        return Err(Usage(format!(
            "run {run} of {pair} cannot make an exercise: {}; {instead}",
            missing.why()
        ))
        .into());
    }
    Err(Usage(format!(
        "{pair} cannot make an exercise: none of the {} attack runs (seed {}, --runs {}) reaches the moments the modules need (a triage, a declaration and a containment decision); at the pick's rank, run {run}: {}. Try more --runs, another model, or another scenario",
        tried.len(),
        a.seed,
        a.runs,
        missing.why()
    ))
    .into())
}

/// The seeded batch the pick ranks, with every run's measures kept.
fn batch(
    a: &TabletopArgs,
    sc: &Scenario,
    m: &Model,
) -> Result<Vec<raci_sim::engine::metrics::RunMetrics>> {
    within_budget(
        Estimate::batch(a.runs, raci_sim::engine::budget::Shape::of(sc, m), true),
        &format!("picking from {} runs", a.runs),
    )?;
    let opts = BatchOptions {
        first: 0,
        runs: a.runs,
        seed: a.seed,
        keep_runs: true,
        max_events: a.max_events,
    };
    Ok(run_batch(sc, m, opts, |_| {})?.runs)
}
