//! The pack's index, `README.md`: every file of the pack, who it is for, and how to run the day.
//!
//! # Rules
//!
//! - Each document is one row, its formats together (`.html` to print, `.docx` to edit, `.md`);
//!   every other file is a row of its own. Rows keep the pack's order.
//! - Who a file is for comes from where it is: under `participants/` it is player material
//!   (a handout: that team's players); `facilitator/decision-capture.*` is the note taker's;
//!   under `replay/` it is what `tabletop replay` reads; anything else is the facilitator's
//!   (and the evaluators', for the handbook and the after-action report).
//! - What it is comes from its name in the pack's layout; a file the index does not know is
//!   still listed, with its audience.

use std::fmt::Write as _;

use super::blocks::{to_markdown, Block};
use super::{layout, model_handout_paths, Exercise};
use crate::output::escape::markdown;

/// One row of the index: a file or a document (its stem) and its extensions.
struct Entry {
    stem: String,
    exts: Vec<String>,
}

/// The pack's files grouped into entries: a document's `.md`, `.html` and `.docx` together.
fn entries(files: &[(String, Vec<u8>)]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for (path, _) in files {
        let (stem, ext) = match path.rsplit_once('.') {
            Some((s, e)) if matches!(e, "md" | "html" | "docx") && !s.ends_with('/') => {
                (s.to_string(), e.to_string())
            }
            _ => (path.clone(), String::new()),
        };
        match out.iter_mut().find(|e| e.stem == stem && !ext.is_empty()) {
            Some(e) => e.exts.push(ext),
            None => out.push(Entry {
                stem,
                exts: vec![ext],
            }),
        }
    }
    // Print format first, then the editable one, then Markdown.
    let rank = |e: &String| ["html", "docx", "md"].iter().position(|x| x == e);
    for e in &mut out {
        e.exts.sort_by_key(rank);
    }
    out
}

/// The file names of an entry as the index shows them: `a/b.html, .docx, .md`.
fn shown(e: &Entry) -> String {
    if e.exts == [""] {
        return e.stem.clone();
    }
    let mut s = format!("{}.{}", e.stem, e.exts[0]);
    for x in &e.exts[1..] {
        let _ = write!(s, ", .{x}");
    }
    s
}

/// Who an entry is for and what it is (see the module documentation).
fn describe(ex: &Exercise, stem: &str) -> (String, String) {
    let name = stem.rsplit('/').next().unwrap_or(stem);
    if stem.contains("handouts/") {
        let paths = model_handout_paths(ex.model);
        let team = ex.model.teams.iter().zip(&paths).find(|(_, p)| {
            let file = p.rsplit('/').next().unwrap_or(p);
            file.rsplit_once('.').map_or(file, |(s, _)| s) == name
        });
        let id = team.map_or(name, |(t, _)| t.id.as_str());
        return (
            format!("players of team {id}"),
            format!("Handout: only what reached team {id} in each module, its own RACI rows and its coverage at that hour. Give it to that team's players with the Situation Manual."),
        );
    }
    let facilitator = "facilitator";
    let (who, what) = match stem {
        "participants/situation-manual" => ("every player", "Situation Manual (SitMan): background, ground rules, the modules and what players see in each. Print one for every player."),
        "participants/feedback-form" => ("every player", "Participant feedback form: hand one to every player at the end of the day and collect them."),
        "facilitator/handbook" => ("facilitator and evaluators", "Facilitator and Evaluator Handbook: roles, agenda with timings, per module the key issues, discussion questions, the RACI rows in play and the simulated truth. Never give it to players."),
        "facilitator/hot-wash" => (facilitator, "Hot wash guide: how to run the discussion right after the exercise, and the simulated truth to reveal then."),
        "facilitator/after-action-report" => ("facilitator and evaluators", "After-Action Report / Improvement Plan, prefilled from the run, with blank rows for what the room finds. Complete it after the exercise."),
        "facilitator/timeline.svg" => (facilitator, "Swimlane timeline of the simulated run: show it at the hot wash, not before."),
        "facilitator/vs/timeline.svg" => (facilitator, "The same attack under the comparison model, on the same time scale."),
        "facilitator/decision-capture.csv" | "facilitator/decision-capture.ron" => ("note taker", "Decision capture sheet (CSV and RON hold the same rows; fill one): one row per decision point; the note taker writes down what the room decided: which team acted, when (T+hh:mm), the choice, and for containment the credentials to revoke."),
        "replay/pack.ron" => ("raci-sim", "What `raci-sim tabletop replay` reads: the run, seed and inputs of this pack. Leave it as it is."),
        "replay/scenario.ron" | "replay/model.ron" => ("raci-sim", "A copy of the input as loaded, for the replay. Leave it as it is."),
        _ if stem.starts_with("participants/") => ("players", "Player material."),
        _ => (facilitator, "Facilitator material: keep it from the players."),
    };
    (who.to_string(), what.to_string())
}

/// How to run the day, step by step, as Markdown (commands as code).
const DAY: &str = "## How to run the day

Before the day:

1. Read the handbook (`facilitator/handbook`) and the hot wash guide (`facilitator/hot-wash`). Adapt the `.docx` files if you need to (names, rooms, local policy), then print the `.docx` or the `.html` (a browser prints it with page numbers, a footer and the header row of every table on each page).
2. Print the Situation Manual (`participants/situation-manual`) for every player, each team's handout (`participants/handouts/`) for that team's players, and one feedback form (`participants/feedback-form`) per player.
3. Print the handbook for the facilitator and each evaluator, and the decision capture sheet (`facilitator/decision-capture.csv`) for the note taker. Everything under `facilitator/` stays with the facilitator, the evaluators and the note taker: it holds the simulated truth.

On the day:

4. Give each player the Situation Manual and each team its handout. Follow the handbook's agenda module by module: present the module's injects, then discuss with the handbook's questions.
5. The note taker fills `facilitator/decision-capture.csv` as the room decides: for each decision point, which team acted, at what exercise time (T+hh:mm), the choice, and for containment the credentials to revoke. A row left blank keeps the model's decision.
6. Run the hot wash with the hot wash guide; reveal the simulated truth and `facilitator/timeline.svg` only then. Collect the feedback forms.

After the exercise:

7. Replay the room's decisions against the same attack, from this folder:

   ```
   raci-sim tabletop replay . --decisions facilitator/decision-capture.csv
   ```

   It writes `debrief/`: the room against the model as written and the best shipped model, on time to containment, missed revocations and wrongful disruption.
8. Complete the after-action report (`facilitator/after-action-report.docx`) with what the room found and the debrief's numbers.
";

/// The index `README.md` of the pack, listing `files` (every other file of the pack).
pub(super) fn file(ex: &Exercise, files: &[(String, Vec<u8>)]) -> (String, Vec<u8>) {
    let title = format!(
        "Tabletop exercise pack: {} under {}",
        ex.scenario.name, ex.model.name
    );
    let mut o = format!("# {}\n\n", markdown(&title));
    let _ = writeln!(
        o,
        "{}\n",
        markdown(&format!(
            "A discussion-based exercise after CISA's Tabletop Exercise Packages (CTEP), built from one simulated run of raci-sim: scenario {}, model {} ({}), pick {}, seed {}, run {}. Each document comes three ways: .html to print (open it in a browser), .docx to edit (Word, LibreOffice), .md to read here.",
            ex.scenario.name,
            ex.model.name,
            ex.model_text.0,
            ex.pick.name(),
            ex.seed,
            ex.played.metrics.run
        ))
    );
    let rows = entries(files)
        .iter()
        .filter(|e| e.stem != layout::INDEX)
        .map(|e| {
            let (who, what) = describe(ex, &e.stem);
            vec![shown(e), who, what]
        })
        .collect();
    o.push_str(&to_markdown(&[
        Block::Heading("Who gets what".into()),
        Block::Para(format!(
            "Player material is under {}/ and only there: hand out nothing from {}/ before the hot wash.",
            layout::PARTICIPANTS,
            layout::FACILITATOR
        )),
        Block::table(["File", "For", "What it is"], rows),
    ]));
    o.push_str(DAY);
    (layout::INDEX.to_string(), o.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(paths: &[&str]) -> Vec<(String, Vec<u8>)> {
        paths.iter().map(|p| (p.to_string(), Vec::new())).collect()
    }

    #[test]
    fn a_document_is_one_row_with_its_formats_in_print_edit_read_order() {
        let e = entries(&pack(&[
            "participants/situation-manual.md",
            "participants/situation-manual.html",
            "participants/situation-manual.docx",
            "facilitator/timeline.svg",
            "facilitator/decision-capture.csv",
            "facilitator/decision-capture.ron",
        ]));
        let shown: Vec<String> = e.iter().map(shown).collect();
        assert_eq!(
            shown,
            [
                "participants/situation-manual.html, .docx, .md",
                "facilitator/timeline.svg",
                "facilitator/decision-capture.csv",
                "facilitator/decision-capture.ron",
            ]
        );
    }
}
