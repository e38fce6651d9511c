//! The decision in plain text for the terminal: the preferred model and the runner-up, the
//! headline difference with its interval, and where the runs are too few to resolve what
//! matters (with the run count that would).

use std::fmt::Write as _;

use crate::analysis::compare::{Comparison, METRICS};
use crate::analysis::verdict::Verdict;
use crate::domain::duration::format_human;

fn hours(h: f64) -> String {
    format_human(h.abs() * 3600.0)
}

/// The decision lines, each under 100 columns when model names are short; names are as given
/// (the caller escapes for the terminal).
pub fn decision_lines(c: &Comparison) -> String {
    let d = &c.decision;
    let mut o = String::new();
    let first = d.preferred();
    let Some(second) = d.runner_up() else {
        let _ = writeln!(o, "one model ({}): nothing to compare", first.model);
        return o;
    };
    if second.tied_with_previous {
        let _ = writeln!(o, "tied first: {} = {}", first.model, second.model);
        let _ = writeln!(
            o,
            "  (neither is better than the other by the verdict rule)"
        );
    } else {
        let _ = writeln!(o, "prefer: {}; runner-up: {}", first.model, second.model);
    }
    let p = &d.headline[0];
    let (sooner, low, high) = (-p.difference.mean, -p.difference.high, -p.difference.low);
    let _ = writeln!(
        o,
        "  restricted mean TTC: the first {} {} (95% CI {}{} to {}{}): {}\n  per scenario: {} better, {} equivalent, {} inconclusive, {} worse",
        hours(sooner),
        if sooner >= 0.0 { "sooner" } else { "later" },
        if low < 0.0 { "-" } else { "" },
        hours(low),
        if high < 0.0 { "-" } else { "" },
        hours(high),
        p.verdict.text(),
        p.tally.better,
        p.tally.equivalent,
        p.tally.inconclusive,
        p.tally.worse
    );
    trade_offs(&mut o, c);
    underpowered(&mut o, c);
    o
}

/// The other headline metrics on which the preferred model is not equivalent to the runner-up.
fn trade_offs(o: &mut String, c: &Comparison) {
    let parts: Vec<String> = (c.decision.headline.iter().skip(1))
        .filter(|p| matches!(p.verdict, Verdict::Better | Verdict::Worse))
        .map(|p| {
            let change = if p.reference_mean.abs() > 1e-12 {
                format!(" ({:+.0}%)", 100.0 * p.difference.mean / p.reference_mean)
            } else {
                String::new()
            };
            format!("{} {}{change}", short(p.metric), p.verdict.text())
        })
        .collect();
    if !parts.is_empty() {
        for line in wrap("  also: ", &parts.join(", "), 100) {
            let _ = writeln!(o, "{line}");
        }
    }
}

/// `text` broken at spaces into lines of at most `width` characters: the first line starts
/// with `lead`, the others with four spaces.
fn wrap(lead: &str, text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![lead.to_string()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("one line");
        let fresh = last.trim().is_empty() || last.as_str() == lead;
        if !fresh && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(format!("    {word}"));
        } else {
            if !fresh {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

/// One warning per metric of the headline, and a count of per-scenario comparisons, whose
/// runs cannot resolve the practical threshold.
fn underpowered(o: &mut String, c: &Comparison) {
    // The metrics the first screen shows: time to containment, contained, missed, wrongful.
    for p in [0, 1, 2, 4]
        .iter()
        .filter_map(|&k| c.decision.headline.get(k))
    {
        if let (Some(need), Some(r)) = (p.runs_needed, p.resolvable) {
            let _ = writeln!(
                o,
                "  too few runs for {}: resolves {}, threshold {}; ~{need} runs needed",
                short(p.metric),
                shown(p.metric, r),
                shown(p.metric, p.threshold),
            );
        }
    }
    let mut count = 0;
    let mut most = 0u64;
    for s in &c.scenarios {
        for (i, m) in s.models.iter().enumerate() {
            if i == c.baseline {
                continue;
            }
            for d in &m.diffs {
                if let (Verdict::Inconclusive, Some(n)) = (d.verdict, d.runs_needed) {
                    count += 1;
                    most = most.max(n);
                }
            }
        }
    }
    if count > 0 {
        let _ = writeln!(
            o,
            "  too few runs: {count} inconclusive comparison{} with the baseline (up to ~{most} runs needed)",
            if count == 1 { "" } else { "s" }
        );
    }
}

/// A metric's name short enough for an 100-column line.
fn short(key: &str) -> &str {
    match key {
        "restricted_mean_time_to_containment_hours" => "restricted mean TTC",
        "contained_share" => "share contained",
        "stall_hours" => "stalled hours/run",
        "damage" => "damage/attack run",
        "evicted_at_horizon_share" => "share evicted at horizon",
        "re_entry_share" => "re-entry share",
        "missed_revocations" => "missed revocations/run",
        "wrongful_revocations" => "wrongful revocations/benign run",
        other => METRICS
            .iter()
            .find(|m| m.key == other)
            .map_or(other, |m| m.label),
    }
}

fn shown(key: &str, v: f64) -> String {
    if key.ends_with("_hours") {
        hours(v)
    } else if key.ends_with("_share") {
        format!("{:.1} pts", 100.0 * v)
    } else {
        format!("{v:.2}")
    }
}
