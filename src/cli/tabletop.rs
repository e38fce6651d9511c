//! `raci-sim tabletop`: one seeded run turned into an exercise pack.

use std::process::ExitCode;

use anyhow::{Context as _, Result};

use raci_sim::engine::batch::{run_batch, BatchOptions, DEFAULT_SEED};
use raci_sim::engine::budget::{Estimate, MAX_RUNS};
use raci_sim::engine::DEFAULT_MAX_EVENTS;
use raci_sim::input::library::{load_model, load_scenario, model_source, parse_model};
use raci_sim::output::tabletop::{build_pack, pick_run, play, Pick};

use super::terminal::outln;
use super::{within_budget, OutArgs, Usage};

#[derive(clap::Args)]
pub struct TabletopArgs {
    scenario: String,
    #[arg(long)]
    model: String,
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

pub fn run(a: TabletopArgs) -> Result<ExitCode> {
    if let Pick::Run(i) = a.pick {
        if i >= MAX_RUNS {
            return Err(Usage(format!(
                "--pick run:{i}: a run index is a whole number from 0 to {}",
                MAX_RUNS - 1
            ))
            .into());
        }
    }
    let sc = load_scenario(&a.scenario)?;
    let src = model_source(&a.model)?;
    let m = parse_model(&src.label, &src.text)?;
    let dir = a
        .out
        .target(|| raci_sim::output::tabletop::default_dir(&sc, &m, a.pick))?;
    let run = match a.pick {
        Pick::Run(i) => i,
        _ => {
            within_budget(
                Estimate::batch(a.runs, raci_sim::engine::budget::Shape::of(&sc, &m), true),
                &format!("picking from {} runs", a.runs),
            )?;
            let opts = BatchOptions {
                first: 0,
                runs: a.runs,
                seed: a.seed,
                keep_runs: true,
                max_events: a.max_events,
            };
            let batch = run_batch(&sc, &m, opts, |_| {})?;
            pick_run(&batch.runs, a.pick).ok_or_else(|| {
                anyhow::anyhow!(
                    "no attack runs among {} to pick from (the scenario's benign share is 1?); use --pick run:I",
                    a.runs
                )
            })?
        }
    };
    let played = play(&sc, &m, a.seed, run, a.max_events)?;
    let vs_model = a.vs.as_deref().map(load_model).transpose()?;
    let vs_played = match &vs_model {
        Some(vm) => Some(play(&sc, vm, a.seed, run, a.max_events)?),
        None => None,
    };
    let files = build_pack(
        &sc,
        &m,
        (&src.label, &src.text),
        &played,
        a.pick,
        a.seed,
        vs_model.as_ref().zip(vs_played.as_ref()),
    )
    .map_err(|missing| {
        Usage(format!(
            "run {run} cannot make a tabletop pack: {}",
            missing.why()
        ))
    })?;
    raci_sim::output::write_folder(&dir, &files, a.out.force)
        .with_context(|| format!("cannot write the pack to {}", dir.display()))?;
    outln!(
        "tabletop pack for run {run} ({}): {}",
        a.pick.name(),
        dir.join("facilitator.html").display()
    );
    Ok(ExitCode::SUCCESS)
}
