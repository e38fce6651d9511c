//! The hot wash guide (facilitator only): the 20 minutes after the last module, the three
//! CTEP hot-wash questions, then module by module the simulated truth (what the model did and
//! when) and the run's key times, with `--vs` the other model's beside them.

use super::concerns::situations;
use super::truth::{decided, key_times, module_of, moment_text, span, time_taken, window};
use super::{document, team_name, Block, Exercise};

/// The hot wash guide as `facilitator/hot-wash.{md,html}`.
pub(super) fn files(ex: &Exercise) -> Vec<(String, Vec<u8>)> {
    let title = format!(
        "Hot wash guide: {} under {}",
        ex.scenario.name, ex.model.name
    );
    let step =
        |from: &str, to: &str, what: &str| vec![from.to_string(), to.to_string(), what.to_string()];
    let mut blocks = vec![
        Block::Para("Facilitator only: this guide reveals what the model did. Run the hot wash right after the last module, while the discussion is fresh; the note taker records the answers for the after-action report.".into()),
        Block::Heading("Timing (20 minutes)".into()),
        Block::table(
            ["from", "to", "step"],
            vec![
                step("0:00", "0:02", "Thank the players; the hot wash is no-fault."),
                step("0:02", "0:07", "Strengths: what worked in the response you discussed?"),
                step("0:07", "0:12", "Areas for improvement: what would you change, and who owns the change?"),
                step("0:12", "0:14", "What surprised you?"),
                step("0:14", "0:20", "Reveal the simulated truth, module by module, and compare it with the room's decisions."),
            ],
        ),
        Block::Heading("The three questions".into()),
        Block::Bullets(vec![
            "What were the strengths of the response, in your team and between teams?".into(),
            "What are the areas for improvement: where did work wait, and whose row is it?".into(),
            "What surprised you?".into(),
        ]),
        Block::Heading("Key times of the run".into()),
        key_times(ex),
    ];
    blocks.extend(truth_by_module(ex));
    blocks.push(Block::Heading("Notes".into()));
    blocks.push(Block::table(
        [
            "strength, improvement or surprise",
            "raised by",
            "for the after-action report",
        ],
        vec![vec![String::new(); 3]; 8],
    ));
    document("facilitator/hot-wash", &title, &blocks, &[])
}

/// Per module: each decision needed in it (who worked it, when it was made, what, how long)
/// and the situations the room should hear about.
fn truth_by_module(ex: &Exercise) -> Vec<Block> {
    let raised = situations(ex);
    let mut blocks = vec![Block::Heading(
        "The simulated truth, module by module".into(),
    )];
    for (i, m) in ex.modules.iter().enumerate() {
        let mut said: Vec<String> = ex
            .decisions
            .iter()
            .enumerate()
            .filter(|(j, d)| module_of(&ex.modules, *j, d.needed) == i)
            .map(|(j, d)| {
                format!(
                    "{}: the {} decision was needed; {} worked it; decided {} after {}.",
                    moment_text(&ex.modules, &ex.decisions, j),
                    d.activity.name(),
                    team_name(ex.model, d.worked_by).replace("attacker", "nobody"),
                    decided(d),
                    time_taken(d)
                )
            })
            .collect();
        said.extend(
            raised
                .iter()
                .filter(|s| s.module == i)
                .map(|s| format!("{}: {}", s.kind.label(), s.gap())),
        );
        let shown = window(ex.played, m.from, Some(m.to))
            .filter(|e| e.what != "ready")
            .count();
        said.push(format!(
            "{shown} event(s) of the run fall in this module: the handbook's simulated truth lists them."
        ));
        blocks.push(Block::Para(format!(
            "Module {}: {} ({})",
            i + 1,
            m.kind.title(),
            span(m)
        )));
        blocks.push(Block::Bullets(said));
    }
    blocks
}
