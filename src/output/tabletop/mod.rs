//! Tabletop exercise packs: one seeded run, picked from the distribution, turned into what a
//! facilitator runs a discussion-based exercise with: brief and objectives, a timeline of
//! injects, decision points with the owners the model names and the delay that followed,
//! discussion questions from every stall, gap and missed revocation, an after-action template,
//! a swimlane timeline, and one handout per team with only what that team saw.
//!
//! The pack is assembled here from its parts: `guide` writes the facilitator guide's sections
//! as `blocks`, rendered to Markdown and HTML; `injects`, `decisions` and `concerns` read the
//! trace; `timeline` draws the swimlane SVG (its lanes from `lanes`); `handouts` writes one
//! file per team.

mod aar;
mod blocks;
pub mod capture;
mod cite;
mod concerns;
pub mod debrief;
mod decisions;
mod docx;
mod feedback;
mod handbook;
mod handouts;
mod hotwash;
mod index;
mod injects;
mod lanes;
mod modules;
pub mod player;
mod situation;
mod timeline;
mod truth;

pub use decisions::{decision_points, DecisionPoint};
pub use handouts::{coverage_at, handout_paths, handout_stems, model_handout_paths, raci_rows};
pub use injects::{injects, team_view, Inject};
pub use modules::{modules, Missing, Module, ModuleKind};
pub use timeline::{run_end, timeline_svg};

use blocks::{to_html, to_markdown, Block};

use crate::engine::metrics::{Breakdown, RunMetrics};
use crate::engine::{simulate, Context, SimError, TraceEvent, Workspace};
use crate::input::{Model, Scenario};
use crate::output::escape::markdown;

/// Which run of the seeded batch the pack is built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    Median,
    P90,
    Worst,
    Run(u64),
}

impl Pick {
    pub fn parse(s: &str) -> Result<Pick, String> {
        match s {
            "median" => Ok(Pick::Median),
            "p90" => Ok(Pick::P90),
            "worst" => Ok(Pick::Worst),
            _ => s
                .strip_prefix("run:")
                .and_then(|n| n.parse().ok())
                .map(Pick::Run)
                .ok_or_else(|| {
                    format!("\"{s}\" is not a pick; use median, p90, worst or run:I (e.g. run:42)")
                }),
        }
    }

    pub fn name(self) -> String {
        match self {
            Pick::Median => "median".into(),
            Pick::P90 => "p90".into(),
            Pick::Worst => "worst".into(),
            Pick::Run(i) => format!("run-{i}"),
        }
    }
}

/// The run index a pick selects from a batch: attack runs ordered by time to containment
/// (uncontained last, ties by run index), nearest rank for median and p90.
pub fn pick_run(runs: &[RunMetrics], pick: Pick) -> Option<u64> {
    candidates(runs, pick).first().copied()
}

/// The runs a pick may settle on, in the order they are tried: the run at the pick's rank
/// (see `pick_run`), then the ranks below it nearest first, then those above nearest first.
/// The pack takes the first that fills the modules (`modules`).
pub fn candidates(runs: &[RunMetrics], pick: Pick) -> Vec<u64> {
    if let Pick::Run(i) = pick {
        return vec![i];
    }
    let mut attacks: Vec<(u64, u64)> = runs
        .iter()
        .filter(|m| m.attack)
        .map(|m| (m.time_to_containment.unwrap_or(u64::MAX), m.run))
        .collect();
    if attacks.is_empty() {
        return Vec::new();
    }
    attacks.sort_unstable();
    let n = attacks.len();
    let rank = |p: f64| ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
    let i = match pick {
        Pick::Median => rank(0.5),
        Pick::P90 => rank(0.9),
        _ => n - 1,
    };
    let below = (0..=i).rev();
    let above = i + 1..n;
    below.chain(above).map(|r| attacks[r].1).collect()
}

/// One traced run.
pub struct Played {
    pub metrics: RunMetrics,
    pub trace: Vec<TraceEvent>,
}

pub fn play(
    scenario: &Scenario,
    model: &Model,
    seed: u64,
    run: u64,
    max_events: u64,
) -> Result<Played, SimError> {
    let mut ctx = Context::new(scenario, model, seed);
    ctx.max_events = max_events;
    let mut ws = Workspace::new(&ctx);
    let mut bd = Breakdown::new(model.teams.len(), scenario.credentials.len());
    let mut trace = Vec::new();
    let metrics = simulate(&ctx, &mut ws, run, &mut bd, Some(&mut trace))?;
    Ok(Played { metrics, trace })
}

/// A team's id, or "attacker" for an event of no team.
fn team_name(model: &Model, t: Option<usize>) -> &str {
    t.map_or("attacker", |t| model.teams[t].id.as_str())
}

/// The ids of `teams` (a RACI row's R, A, C or I), or "nobody".
fn names(model: &Model, teams: &[usize]) -> String {
    if teams.is_empty() {
        "nobody".into()
    } else {
        teams
            .iter()
            .map(|&t| model.teams[t].id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Everything one pack is built from, worked out once.
pub struct Exercise<'a> {
    pub scenario: &'a Scenario,
    pub model: &'a Model,
    /// The model file's label (its path or library name) and text, as loaded.
    pub model_text: (&'a str, &'a str),
    /// The scenario file's text, for the replay inputs.
    pub scenario_text: &'a str,
    pub played: &'a Played,
    pub pick: Pick,
    pub seed: u64,
    /// Runs in the batch the pick was made from (recorded for the replay).
    pub runs: u64,
    pub decisions: Vec<DecisionPoint>,
    pub modules: Vec<Module>,
    /// With `--vs`: the second model and the same attack under it.
    pub vs: Option<(&'a Model, &'a Played)>,
}

/// The pack's layout: participant material, facilitator material, and what `tabletop replay`
/// reads back. Paths are relative to the pack folder.
pub mod layout {
    pub const INDEX: &str = "README.md";
    pub const PARTICIPANTS: &str = "participants";
    pub const FACILITATOR: &str = "facilitator";
    pub const REPLAY: &str = "replay";
}

/// Everything the pack holds, as (path in the folder, bytes); `Err` when the run has no
/// decision points to fill the modules (see `modules`).
#[allow(clippy::too_many_arguments)]
pub fn build_pack(
    scenario: &Scenario,
    model: &Model,
    model_text: (&str, &str),
    played: &Played,
    pick: Pick,
    seed: u64,
    vs: Option<(&Model, &Played)>,
) -> Result<Vec<(String, Vec<u8>)>, Missing> {
    let decisions = decision_points(&played.trace, model);
    let modules = modules(&decisions, &played.trace)?;
    let ex = Exercise {
        scenario,
        model,
        model_text,
        scenario_text: "",
        played,
        pick,
        seed,
        runs: 0,
        decisions,
        modules,
        vs,
    };
    Ok(pack_files(&ex))
}

/// The files of a pack.
pub fn pack_files(ex: &Exercise) -> Vec<(String, Vec<u8>)> {
    let mut files = situation::files(ex);
    for part in [handbook::files, hotwash::files, aar::files, feedback::files] {
        files.extend(part(ex));
    }
    files.extend(capture::files(ex));
    files.push(index::file(ex, &files));
    files
}

/// One document of the pack as `{stem}.md`, `{stem}.html` (print-ready) and `{stem}.docx`
/// (editable): the same blocks in each. `svgs` are (path relative to the document, SVG) pairs
/// inlined into the HTML where an `Svg` block names them.
fn document(
    stem: &str,
    title: &str,
    blocks: &[Block],
    svgs: &[(String, String)],
) -> Vec<(String, Vec<u8>)> {
    vec![
        (
            format!("{stem}.md"),
            format!("# {}\n\n{}", markdown(title), to_markdown(blocks)).into_bytes(),
        ),
        (
            format!("{stem}.html"),
            to_html(title, blocks, svgs).into_bytes(),
        ),
        (format!("{stem}.docx"), docx::to_docx(title, blocks)),
    ]
}

/// The default folder for a pack.
pub fn default_dir(scenario: &Scenario, model: &Model, pick: Pick) -> std::path::PathBuf {
    std::path::PathBuf::from("reports").join(format!(
        "tabletop-{}-{}-{}",
        crate::output::slug(&scenario.name),
        crate::output::slug(&model.name),
        pick.name()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_parse() {
        assert_eq!(Pick::parse("p90"), Ok(Pick::P90));
        assert_eq!(Pick::parse("run:7"), Ok(Pick::Run(7)));
        assert!(Pick::parse("p95")
            .unwrap_err()
            .contains("median, p90, worst or run:I"));
    }
}
