//! The terminal summary of `raci-sim improve`: the recommendation, the front (a line per
//! model), the flips, the race's numbers. At most about 25 lines, none wider than 100
//! characters; plain text (the CLI escapes it on the way out).

use super::{
    edits_text, flips, front, race_runs, recommended, saved_text, signed, thousands, trim_number,
    weighed, LABELS, SHORT,
};
use crate::analysis::improve::Improvement;

/// Widest line.
pub const WIDTH: usize = 100;
/// Front models listed before "... and N more".
const FRONT_LINES: usize = 6;

/// `s` cut to `max` characters with an ellipsis.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut o: String = s.chars().take(max - 1).collect();
    o.push('…');
    o
}

/// `text` after `indent`, wrapped at spaces into lines of at most `WIDTH` characters; the
/// continuation lines are indented two more. A change is read whole, never cut.
fn wrap(indent: &str, text: &str, out: &mut Vec<String>) {
    let more = format!("{indent}  ");
    let mut line = indent.to_string();
    let mut fresh = true;
    for word in text.split(' ') {
        let len = line.chars().count() + 1 + word.chars().count();
        if !fresh && len > WIDTH {
            out.push(std::mem::replace(&mut line, more.clone()));
            fresh = true;
        }
        if !fresh {
            line.push(' ');
        }
        line.push_str(word);
        fresh = false;
    }
    out.push(line);
}

/// The summary, one string per line.
pub fn terminal(imp: &Improvement) -> Vec<String> {
    let mut out = Vec::new();
    let pairs = imp.candidates.len().saturating_sub(imp.singles);
    let head = format!(
        "Improving {}: {} candidates ({} single edits, {} pairs), {} scenarios, {} runs in the finals",
        imp.original.name,
        imp.candidates.len(),
        imp.singles,
        pairs,
        imp.scenarios.len(),
        imp.final_runs
    );
    wrap("", &head, &mut out);
    match recommended(imp) {
        Some((c, f)) => {
            out.push(format!(
                "Recommended: {} ({}), weighed cost {}:",
                c.id,
                edits_text(c.edits.len()),
                trim_number(weighed(
                    imp,
                    imp.recommended.as_ref().map_or(0, |r| r.candidate)
                ))
            ));
            for line in c.changes.iter().take(3) {
                wrap("  ", line, &mut out);
            }
            if c.changes.len() > 3 {
                out.push(format!(
                    "  ... {} more changes in improve/changes.md",
                    c.changes.len() - 3
                ));
            }
            if let Some(f) = f {
                for (j, p) in f.versus_original.iter().enumerate().take(3) {
                    out.push(format!(
                        "  {}: {} (95% CI {} to {}), {}",
                        LABELS[j],
                        signed(j, p.difference.mean),
                        signed(j, p.difference.low),
                        signed(j, p.difference.high),
                        p.verdict.text()
                    ));
                }
            }
        }
        None => out
            .extend([
                "No recommendation: no candidate beat the original by the verdict rule.".into(),
                "  One or two edits may not close its gaps: `raci-sim lint` on the model file lists them."
                    .into(),
            ]),
    }
    sensitivity_line(imp, &mut out);
    front_lines(imp, &mut out);
    out.push(format!(
        "Race: {} runs simulated, {} without racing: {}",
        thousands(race_runs(imp)),
        thousands(imp.runs_without_racing),
        saved_text(imp)
    ));
    out.into_iter().map(|l| clip(&l, WIDTH)).collect()
}

/// "Sensitivity: the verdict holds ..." or names the assumptions that flip it.
fn sensitivity_line(imp: &Improvement, out: &mut Vec<String>) {
    if let Some(s) = &imp.sensitivity {
        let fl = flips(imp);
        if fl.is_empty() {
            out.push(format!(
                "Sensitivity: the verdict holds under all {} assumptions at both ends",
                s.bars.len()
            ));
        } else {
            let text = format!(
                "Sensitivity: the verdict flips if {} wrong: {}",
                if fl.len() == 1 {
                    "this assumption is"
                } else {
                    "these assumptions are"
                },
                fl.join("; ")
            );
            wrap("", &text, out);
        }
    }
}

/// "Front (3 models, cheapest first; * recommended):" and two lines a model: its numbers
/// against the original, then its change.
fn front_lines(imp: &Improvement, out: &mut Vec<String>) {
    let fr = front(imp);
    out.push(format!(
        "Front ({} model{}, cheapest first; * recommended), vs original:",
        fr.len(),
        if fr.len() == 1 { "" } else { "s" }
    ));
    for f in fr.iter().take(FRONT_LINES) {
        let c = &imp.candidates[f.candidate];
        let cell = |j: usize| {
            f.versus_original.get(j).map_or("-".to_string(), |p| {
                format!(
                    "{} {} {}",
                    SHORT[j],
                    signed(j, p.difference.mean),
                    p.verdict.text()
                )
            })
        };
        let rec = imp
            .recommended
            .as_ref()
            .is_some_and(|r| r.candidate == f.candidate);
        out.push(format!(
            "{} {}  {} | {} | {} | cost {}",
            if rec { "*" } else { " " },
            c.id,
            cell(0),
            cell(1),
            cell(2),
            trim_number(weighed(imp, f.candidate)),
        ));
        wrap("      ", &c.changes.join("; "), out);
    }
    if fr.len() > FRONT_LINES {
        out.push(format!(
            "  ... and {} more in improve/changes.md",
            fr.len() - FRONT_LINES
        ));
    }
}
