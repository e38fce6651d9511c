//! Per scenario: the ranking in words, the models sorted by rank with every difference from the
//! baseline, its interval, verdict and the smallest difference the runs resolve, and warnings
//! where the runs are too few.

use std::fmt::Write as _;

use super::decision_html::{power_warning, verdict_class};
use super::files::{diff_text, pct, ranking_sentence, ttc, value};
use crate::analysis::compare::{Comparison, MetricDiff, ScenarioResult, METRICS};
use crate::output::escape::html;

/// Metric columns of the table: (index in `METRICS`, header, definition anchor).
const COLUMNS: [(usize, &str, &str); 4] = [
    (0, "restricted mean TTC", "def-restricted-mean"),
    (2, "missed revocations / attack run", "def-missed"),
    (4, "wrongful revocations / benign run", "def-wrongful"),
    (3, "stalled hours / run", "def-stall"),
];

/// One verdict cell: value, difference [interval], verdict, and what the runs resolve.
fn cell(d: &MetricDiff, base: bool) -> String {
    let class = if base {
        "base"
    } else {
        verdict_class(d.verdict)
    };
    let verdict = if base {
        String::new()
    } else {
        let resolves = d.resolvable.map_or(String::new(), |r| {
            format!(
                " <small title=\"smallest difference these runs resolve\">(resolves {})</small>",
                html(&value(d.metric, r))
            )
        });
        format!("<br><b>{}</b>{resolves}", d.verdict.text())
    };
    format!(
        "<td class=\"{class}\">{}<br><small>{}</small>{verdict}</td>",
        html(&value(d.metric, d.model_mean)),
        html(&diff_text(d, base)),
    )
}

/// The table of one scenario, rows in rank order.
fn table(o: &mut String, c: &Comparison, s: &ScenarioResult) {
    o.push_str("<div class=\"wide\"><table><thead><tr><th>rank</th><th class=\"name\">model</th><th><a href=\"#def-censored\">contained</a></th><th><a href=\"#def-ttc\">TTC p50</a></th><th><a href=\"#def-ttc\">TTC p90</a></th><th><a href=\"#def-dwell\">dwell p50</a></th>");
    for (_, head, anchor) in COLUMNS {
        let _ = write!(
            o,
            "<th><a href=\"#{anchor}\">{head}</a><br><small>vs baseline [95% CI]</small></th>"
        );
    }
    o.push_str("</tr></thead><tbody>\n");
    for entry in &s.ranking {
        let Some(i) = c.models.iter().position(|m| m.name == entry.model) else {
            continue;
        };
        let m = &s.models[i];
        let sm = &m.summary;
        let base = i == c.baseline;
        let _ = write!(
            o,
            "<tr><td>{}{}</td><td class=\"name\">{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            if entry.tied_with_previous { "=" } else { "" },
            entry.rank,
            html(&entry.model),
            if base { " <small>(baseline)</small>" } else { "" },
            pct(sm.share_contained),
            html(&ttc(sm, sm.time_to_containment_p50)),
            html(&ttc(sm, sm.time_to_containment_p90)),
            html(&ttc(sm, sm.dwell_p50)),
        );
        for (k, _, _) in COLUMNS {
            o.push_str(&cell(&m.diffs[k], base));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody></table></div>\n");
}

/// Warnings where a difference from the baseline is too small for the runs to resolve against
/// its threshold, and the smallest resolvable difference on time to containment.
fn power_notes(o: &mut String, c: &Comparison, s: &ScenarioResult) {
    let mut warns = Vec::new();
    for (i, m) in s.models.iter().enumerate() {
        if i == c.baseline {
            continue;
        }
        for (k, _, _) in COLUMNS {
            let d = &m.diffs[k];
            if d.verdict != crate::analysis::verdict::Verdict::Inconclusive {
                continue;
            }
            if let Some(w) = power_warning(c.runs, d.resolvable, d.runs_needed, k) {
                warns.push(format!("{} vs baseline: {w}", c.models[i].name));
            }
        }
    }
    let resolvable: Vec<f64> = (s.models.iter().enumerate())
        .filter(|(i, _)| *i != c.baseline)
        .filter_map(|(_, m)| m.diffs[0].resolvable)
        .collect();
    if let Some(max) = resolvable.iter().cloned().reduce(f64::max) {
        let _ = writeln!(
            o,
            "<p><small><a href=\"#def-power\">Smallest resolvable difference</a> in restricted mean TTC against the baseline at {} runs: up to {}.</small></p>",
            c.runs,
            html(&value(METRICS[0].key, max))
        );
    }
    if warns.is_empty() {
        return;
    }
    o.push_str("<ul class=\"warn\">");
    for w in warns.iter().take(8) {
        let _ = write!(o, "<li>{}</li>", html(w));
    }
    if warns.len() > 8 {
        let _ = write!(o, "<li>and {} more like these.</li>", warns.len() - 8);
    }
    o.push_str("</ul>\n");
}

/// One scenario's part of the scenarios section: heading, summary, ranking, table, power.
pub fn scenario_head(o: &mut String, c: &Comparison, k: usize) {
    let s = &c.scenarios[k];
    let _ = writeln!(
        o,
        "<h3 id=\"scenario-{}\">S{}. {}</h3>",
        k + 1,
        k + 1,
        html(&s.scenario.name)
    );
    let _ = writeln!(o, "<p><small>{}</small></p>", html(&s.scenario.summary));
    let _ = writeln!(
        o,
        "<p>Ranking by restricted mean time to containment: {}.</p>",
        ranking_sentence(s, c.runs, html)
    );
    table(o, c, s);
    power_notes(o, c, s);
}
