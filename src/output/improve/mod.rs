//! What `raci-sim improve` found, for people and programs (docs/improve.md, "Reading the
//! output"): the report section at the top of index.html (`html`), the tornado chart
//! (`tornado`), the terminal summary (`terminal`) and the files of the report's `improve/`
//! folder (`files`: each front model's RON file, changes.md, candidates.csv, improve.json,
//! tornado.svg). All read one `Improvement`; every string from an input file is escaped for its
//! format.

mod files;
mod html;
mod terminal;
mod tornado;

pub use files::{files, CANDIDATE_COLUMNS, IMPROVE_SCHEMA_VERSION};
pub use html::{section_html, summary_markdown, CSS};
pub use terminal::terminal;
pub use tornado::tornado_svg;

use crate::analysis::decision::Pooled;
use crate::analysis::improve::{Candidate, CostWeights, Finalist, Improvement};
use crate::domain::duration::format_human;

/// Labels of the searched metrics, in `evaluate::SEARCHED` order.
pub const LABELS: [&str; 3] = [
    "restricted mean time to containment",
    "missed revocations per attack run",
    "wrongful revocations per benign run",
];

/// Short labels for tables and the terminal.
pub const SHORT: [&str; 3] = ["TTC", "missed", "wrongful"];

/// A value of searched metric `j` (0: hours, else a count per run).
pub fn value(j: usize, v: f64) -> String {
    if j == 0 {
        format_human(v.abs() * 3600.0)
    } else {
        format!("{v:.2}")
    }
}

/// A signed difference of searched metric `j`: "+1.2h", "-45m", "+0.12"; "0s" and "0.00" for
/// nothing (never "-0.00").
pub fn signed(j: usize, v: f64) -> String {
    if j == 0 {
        let body = format_human(v.abs() * 3600.0);
        let zero = body.trim_start_matches(['0', '.']).len() <= 1;
        let sign = match () {
            _ if zero => "",
            _ if v > 0.0 => "+",
            _ => "-",
        };
        return format!("{sign}{body}");
    }
    if (v * 100.0).round() == 0.0 {
        return "0.00".into();
    }
    format!("{v:+.2}")
}

/// "-8.1h (95% CI -9.0h to -7.2h)".
pub fn diff_ci(j: usize, p: &Pooled) -> String {
    let d = &p.difference;
    format!(
        "{} (95% CI {} to {})",
        signed(j, d.mean),
        signed(j, d.low),
        signed(j, d.high)
    )
}

/// "better: -8.1h (95% CI -9.0h to -7.2h; threshold 30m)".
pub fn verdict_line(j: usize, p: &Pooled) -> String {
    format!(
        "{}: {} {}; threshold {}",
        p.verdict.text(),
        signed(j, p.difference.mean),
        ci(j, p),
        value(j, p.threshold)
    )
}

/// "(95% CI -9.0h to -7.2h)" without the closing parenthesis's companions.
fn ci(j: usize, p: &Pooled) -> String {
    format!(
        "(95% CI {} to {})",
        signed(j, p.difference.low),
        signed(j, p.difference.high)
    )
}

/// "3 cells, 1 team put on call, 128 coverage hours a week".
pub fn cost_parts(c: &Candidate) -> String {
    let k = &c.cost;
    let plural = |n: u32, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    format!(
        "{}, {}, {} coverage hours a week",
        plural(k.cells, "cell", "cells"),
        plural(k.on_call_teams, "team newly on call", "teams newly on call"),
        trim_number(k.coverage_hours)
    )
}

/// "1 per cell, 3 per team put on call, 0.01 per coverage hour".
pub fn weights_text(w: &CostWeights) -> String {
    format!(
        "{} per changed cell, {} per team newly on call, {} per hour a week newly covered",
        trim_number(w.cell),
        trim_number(w.on_call_team),
        trim_number(w.coverage_hour)
    )
}

/// A number without trailing zeros: "3", "0.01", "127.5".
pub fn trim_number(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// The weighed cost of candidate `i`.
pub fn weighed(imp: &Improvement, i: usize) -> f64 {
    imp.candidates[i].cost.weighed(&imp.weights)
}

/// The front, cheapest first (weighed cost, then time to containment, then id).
/// The front model with the largest gain in time to containment when it is not the
/// recommended one: the model the comparison below the section, which ranks by time alone,
/// may prefer. "c034 (-12.0d, weighed cost 2)".
pub fn fastest_other(imp: &Improvement) -> Option<String> {
    let rec = imp.recommended.as_ref()?.candidate;
    let ttc = |f: &Finalist| f.versus_original.first().map_or(0.0, |p| p.difference.mean);
    let f = front(imp)
        .into_iter()
        .min_by(|a, b| ttc(a).total_cmp(&ttc(b)))?;
    (f.candidate != rec).then(|| {
        format!(
            "{} ({}, weighed cost {})",
            imp.candidates[f.candidate].id,
            signed(0, ttc(f)),
            trim_number(weighed(imp, f.candidate))
        )
    })
}

pub fn front(imp: &Improvement) -> Vec<&Finalist> {
    let mut f: Vec<&Finalist> = imp.finalists.iter().filter(|f| f.on_front).collect();
    f.sort_by(|a, b| {
        let ttc = |x: &Finalist| x.versus_original.first().map_or(0.0, |p| p.difference.mean);
        weighed(imp, a.candidate)
            .total_cmp(&weighed(imp, b.candidate))
            .then(ttc(a).total_cmp(&ttc(b)))
            .then(
                imp.candidates[a.candidate]
                    .id
                    .cmp(&imp.candidates[b.candidate].id),
            )
    });
    f
}

/// The file a front model is written to, inside the report folder.
pub fn ron_path(c: &Candidate) -> String {
    format!("improve/front/{}.ron", crate::output::slug(&c.id))
}

/// The recommended finalist, if any.
pub fn recommended(imp: &Improvement) -> Option<(&Candidate, Option<&Finalist>)> {
    let r = imp.recommended.as_ref()?;
    let f = imp.finalists.iter().find(|f| f.candidate == r.candidate);
    Some((&imp.candidates[r.candidate], f))
}

/// Runs the race's rounds simulated.
pub fn race_runs(imp: &Improvement) -> u64 {
    imp.rounds.iter().map(|r| r.simulated).sum()
}

/// "racing saved 1,234 runs (92%)" against evaluating every candidate fully; "racing saved
/// nothing" when it did not.
pub fn saved_text(imp: &Improvement) -> String {
    let race = race_runs(imp);
    let full = imp.runs_without_racing;
    if full <= race || full == 0 {
        return "racing saved nothing".into();
    }
    let saved = full - race;
    format!(
        "racing saved {} runs ({:.0}%)",
        thousands(saved),
        100.0 * saved as f64 / full as f64
    )
}

pub use crate::output::report::thousands;

/// The names of the bars whose verdict flips, with the end(s) and the verdict there:
/// "triage accuracy (at x0.7: inconclusive)".
pub fn flips(imp: &Improvement) -> Vec<String> {
    let Some(s) = &imp.sensitivity else {
        return Vec::new();
    };
    s.bars
        .iter()
        .filter(|b| b.flips)
        .map(|b| {
            let ends: Vec<String> = [(&b.low_label, &b.low), (&b.high_label, &b.high)]
                .iter()
                .filter(|(_, p)| p.verdict != s.base.verdict)
                .map(|(l, p)| format!("at {l}: {}", p.verdict.text()))
                .collect();
            let ends = if ends.is_empty() {
                "marked as flipping".to_string()
            } else {
                ends.join("; ")
            };
            format!("{} ({ends})", b.assumption)
        })
        .collect()
}

/// "one edit", "two edits".
pub fn edits_text(n: usize) -> String {
    match n {
        1 => "one edit".into(),
        2 => "two edits".into(),
        n => format!("{n} edits"),
    }
}

/// `s` as a Markdown code span: shown literally whatever it holds (a fence longer than any run
/// of backticks inside), on one line, hidden characters as visible escapes.
pub fn code_span(s: &str) -> String {
    let s = crate::output::escape::visible(s).replace(['\n', '\r'], " ");
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// An edit's operator name as docs/improve.md lists it ("collapse_committee").
pub fn operator(e: &crate::analysis::improve::Edit) -> String {
    e.operator().to_string()
}
