//! The report's table "Credentials: what happened to each": per scenario, one row per model
//! and credential, counts over attack runs with their share of attack runs.

use std::fmt::Write as _;

use super::files::pct;
use crate::analysis::compare::{Comparison, ScenarioResult};
use crate::domain::duration::format_human;
use crate::output::escape::{html, markdown};
use crate::output::runs::{credential_rows, CredentialRow};

const HEADER: [&str; 10] = [
    "model",
    "credential",
    "kind",
    "held",
    "revoked",
    "mean time to revocation",
    "revoked by",
    "missed at first close",
    "found by verify",
    "found by a later detection",
];

/// What the table says under its title.
const NOTE: &str = "Counts of attack runs, with their share of attack runs. Held: the attacker \
                    held it; missed at first close: held, working and not revoked when the \
                    incident first closed; found by verify or by a later detection: who found \
                    it after scope.";

fn share(n: u64, of: u64) -> String {
    if of == 0 {
        "0".into()
    } else {
        format!("{n} ({})", pct(n as f64 / of as f64))
    }
}

/// The cells of one row, unescaped.
fn cells(model: &str, r: &CredentialRow) -> Vec<String> {
    let a = r.attack_runs;
    let by: Vec<String> = r
        .revoked_by
        .iter()
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    vec![
        model.to_string(),
        r.credential.clone(),
        r.kind.to_string(),
        share(r.held, a),
        share(r.revoked, a),
        r.mean_time_to_revocation_seconds
            .map_or("-".into(), format_human),
        if by.is_empty() {
            "-".into()
        } else {
            by.join(", ")
        },
        share(r.missed_at_first_close, a),
        share(r.found_by_verify, a),
        share(r.found_by_later_detection, a),
    ]
}

/// Every (model, credential) row of one scenario.
fn rows(c: &Comparison, s: &ScenarioResult) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (i, m) in s.models.iter().enumerate() {
        let model = &c.models[i];
        let table = &m.breakdown.credentials;
        for r in credential_rows(table, &s.scenario, model, m.summary.attack_runs) {
            out.push(cells(&model.name, &r));
        }
    }
    out
}

/// The table in Markdown, with its title, for one scenario.
pub fn markdown_table(c: &Comparison, s: &ScenarioResult) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "### Credentials: what happened to each\n\n{NOTE}\n");
    let _ = writeln!(o, "| {} |", HEADER.join(" | "));
    let _ = writeln!(o, "|---|---|---|{}", "---:|".repeat(HEADER.len() - 3));
    for row in rows(c, s) {
        let cells: Vec<String> = row.iter().map(|x| markdown(x)).collect();
        let _ = writeln!(o, "| {} |", cells.join(" | "));
    }
    o.push('\n');
    o
}

/// The table in HTML, with its title, for one scenario.
pub fn html_table(c: &Comparison, s: &ScenarioResult) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<h4>Credentials: what happened to each</h4>\n<p><small>{}</small></p>",
        html(NOTE)
    );
    o.push_str("<table><thead><tr>");
    for (i, h) in HEADER.iter().enumerate() {
        let class = if i < 3 { " class=\"name\"" } else { "" };
        let _ = write!(o, "<th{class}>{h}</th>");
    }
    o.push_str("</tr></thead><tbody>\n");
    for row in rows(c, s) {
        o.push_str("<tr>");
        for (i, x) in row.iter().enumerate() {
            let class = if i < 3 { " class=\"name\"" } else { "" };
            let _ = write!(o, "<td{class}>{}</td>", html(x));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody></table>\n");
    o
}
