//! The report's RACI section: each model's matrix (activities x teams, with every team's hours
//! and on-call), its escalation and policy, and for two or more models each model's changes
//! from the baseline, every changed row linked to what the runs measured on it.

use std::fmt::Write as _;

use crate::analysis::compare::Comparison;
mod diff;
mod effects;

use crate::analysis::consequence::{has_reports, revoke_kinds, rows, RowKey};
use crate::domain::duration::format_human;
use crate::domain::{CredentialKind, Weekday};
use crate::input::{Coverage, Model, Team};
use crate::output::escape::html;

use super::Report;

/// The section `<section id="raci">`: matrices, then (two or more models) the differences.
pub fn raci_section(o: &mut String, r: &Report) {
    let c = r.comparison;
    let _ = writeln!(
        o,
        "<section id=\"raci\"><h2>Who owns what: the RACI matrices</h2>"
    );
    o.push_str("<p>Rows are the response's activities in lifecycle order, columns the model's teams. <b>R</b> does the work; <b>A</b> signs the decision (triage, approve_containment, close: every A must sign) or answers for it; <b>C</b> is consulted, and the work is done only when every C has answered; <b>I</b> is told when it is done. An empty row has no owner. Under each team: its staff, its hours in its local time, and whether an on-call is paged off hours. A credential with an <code>owner</code> in a scenario is revoked by that owner, whatever its kind's row says.</p>\n");
    let kinds = shown_kinds(c);
    let reports = has_reports(c);
    for (m, model) in c.models.iter().enumerate() {
        let base = m == c.baseline;
        let _ = writeln!(
            o,
            "<details id=\"raci-m{}\"{}><summary><b>{}</b>{}: {} teams. <small>{}</small></summary>",
            m + 1,
            if base { " open=\"\"" } else { "" },
            html(&model.name),
            if base { " (baseline)" } else { "" },
            model.teams.len(),
            html(&model.summary)
        );
        matrix(o, model, &rows(model, &kinds, reports));
        let _ = writeln!(o, "<ul class=\"policy\">");
        for line in policy_lines(model) {
            let _ = writeln!(o, "<li>{}</li>", html(&line));
        }
        o.push_str("</ul></details>\n");
    }
    if c.models.len() > 1 {
        diff::diff_section(o, c, &kinds, reports);
    }
    o.push_str("</section>\n");
}

/// The revoke rows every matrix of the comparison shows.
pub(super) fn shown_kinds(c: &Comparison) -> Vec<CredentialKind> {
    let models: Vec<&Model> = c.models.iter().collect();
    let scenarios: Vec<_> = c.scenarios.iter().map(|s| &s.scenario).collect();
    revoke_kinds(&models, &scenarios)
}

/// One model's matrix; consecutive revoke rows with the same cells share a line.
fn matrix(o: &mut String, m: &Model, rows: &[(RowKey, Vec<String>)]) {
    o.push_str(
        "<div class=\"wide\"><table class=\"raci\"><thead><tr><th class=\"name\">activity</th>",
    );
    for t in &m.teams {
        let _ = write!(o, "<th>{}</th>", team_header(t));
    }
    o.push_str("</tr></thead><tbody>\n");
    let keys: Vec<&RowKey> = rows.iter().map(|(k, _)| k).collect();
    let lines = group(&keys, |a, b| {
        let cells = |k: &RowKey| rows.iter().find(|(x, _)| x == k).map(|(_, c)| c);
        cells(a) == cells(b)
    });
    for line in lines {
        let cells = &rows.iter().find(|(k, _)| k == line[0]).expect("a row").1;
        let _ = write!(o, "<tr><td class=\"name\">{}</td>", html(&label(&line)));
        for cell in cells {
            let _ = write!(o, "<td>{}</td>", html(cell));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody></table></div>\n");
}

/// Rows in lines: consecutive revoke rows that `same` says alike share one.
fn group<'a>(keys: &[&'a RowKey], same: impl Fn(&RowKey, &RowKey) -> bool) -> Vec<Vec<&'a RowKey>> {
    let mut out: Vec<Vec<&RowKey>> = Vec::new();
    for &k in keys {
        match out.last_mut() {
            Some(line)
                if matches!(k, RowKey::Revoke(_))
                    && matches!(line[0], RowKey::Revoke(_))
                    && same(line[0], k) =>
            {
                line.push(k)
            }
            _ => out.push(vec![k]),
        }
    }
    out
}

/// A line's label: the row's, or "revoke session, password, api_key" for several kinds.
fn label(line: &[&RowKey]) -> String {
    if line.len() == 1 {
        return line[0].label();
    }
    let kinds: Vec<&str> = line
        .iter()
        .filter_map(|k| match k {
            RowKey::Revoke(kind) => Some(kind.name()),
            _ => None,
        })
        .collect();
    format!("revoke {}", kinds.join(", "))
}

/// A team's column header: its id, staff, hours and on-call (escaped).
pub(super) fn team_header(t: &Team) -> String {
    let (hours, on_call) = coverage(t);
    format!(
        "{}<br><small>{} staff<br>{}<br>{}</small>",
        html(&t.id),
        t.staff,
        html(&hours),
        html(&on_call)
    )
}

/// (hours, on-call): "Mon-Fri 09:00-17:00 UTC+01:00" or "24x7"; "on-call: page 30m from high"
/// or "no on-call" (or "always on").
pub fn coverage(t: &Team) -> (String, String) {
    match t.coverage {
        Coverage::AlwaysOn => ("24x7".into(), "always on".into()),
        Coverage::BusinessHours {
            start,
            end,
            days,
            on_call,
        } => {
            let hours = format!(
                "{} {}-{} {}",
                day_ranges(days),
                clock(start),
                clock(end),
                utc_offset(t.utc_offset)
            );
            let on_call = match on_call {
                Some(oc) => format!(
                    "on-call: page {} from {}",
                    format_human(oc.page_latency as f64),
                    oc.min_severity
                ),
                None => "no on-call".into(),
            };
            (hours, on_call)
        }
    }
}

fn clock(seconds: u64) -> String {
    format!("{:02}:{:02}", seconds / 3600, seconds % 3600 / 60)
}

/// "UTC", "UTC+01:00", "UTC-05:30".
fn utc_offset(seconds: i64) -> String {
    if seconds == 0 {
        return "UTC".into();
    }
    let sign = if seconds < 0 { '-' } else { '+' };
    let a = seconds.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
}

/// Working days as ranges: "Mon-Fri", "Mon, Wed-Fri", "no days".
fn day_ranges(days: u8) -> String {
    let name = |d: usize| {
        let n = Weekday::ALL[d].name();
        let mut s = n[..1].to_uppercase();
        s.push_str(&n[1..]);
        s
    };
    let on = |d: usize| d < 7 && days & (1 << d) != 0;
    let mut parts = Vec::new();
    let mut d = 0;
    while d < 7 {
        if !on(d) {
            d += 1;
            continue;
        }
        let first = d;
        while on(d + 1) {
            d += 1;
        }
        parts.push(match d - first {
            0 => name(first),
            1 => format!("{}, {}", name(first), name(d)),
            _ => format!("{}-{}", name(first), name(d)),
        });
        d += 1;
    }
    if parts.is_empty() {
        "no days".into()
    } else {
        parts.join(", ")
    }
}

/// The model's escalation and policy, one plain sentence each.
pub fn policy_lines(m: &Model) -> Vec<String> {
    let p = &m.policy;
    let team = |t: usize| m.teams[t].id.as_str();
    let mut out = vec![match p.escalation {
        Some(e) => format!(
            "Escalation: a task nobody takes (no R, no A, or several R who each leave it) goes to {} after {}.",
            team(e.to),
            format_human(e.after as f64)
        ),
        None => "No escalation: a task nobody takes is never done.".into(),
    }];
    out.push(match p.emergency {
        Some(e) => format!(
            "Emergency containment: once scope is done at {} severity or above, {} may approve containment alone, without waiting for validation or business confirmation (the first approval wins).",
            e.min_severity,
            team(e.team)
        ),
        None => "No emergency containment: approval always follows the row.".into(),
    });
    if let Some(ra) = p.rotate_all {
        let from = ra
            .from_severity
            .map(|s| format!("from {s} severity"))
            .unwrap_or_else(|| "never on severity".into());
        let reopen = if ra.on_reopen {
            ", and when the incident reopens"
        } else {
            ""
        };
        out.push(format!(
            "Rotate-all: {from}{reopen}, every credential of the covered planes and kinds is rotated ({} planes, {} kinds).",
            ra.planes.count_ones(),
            ra.kinds.count_ones()
        ));
    }
    out.push(if p.incremental_revocation {
        "Incremental revocation: each credential scope finds is revoked as it is found.".into()
    } else {
        "Revocation waits for scope to finish.".into()
    });
    if p.preemptive_revocation {
        out.push("Pre-emptive revocation: an upstream compromise notice revokes the linked credentials at once.".into());
    }
    out.push(format!(
        "Several R: each picks a task up with probability {:.2} (diffusion of responsibility).",
        p.diffusion
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_compress_into_ranges() {
        assert_eq!(day_ranges(0b0011111), "Mon-Fri");
        assert_eq!(day_ranges(0b1111111), "Mon-Sun");
        assert_eq!(day_ranges(0b0011101), "Mon, Wed-Fri");
        assert_eq!(day_ranges(0b1100000), "Sat, Sun");
        assert_eq!(day_ranges(0), "no days");
        assert_eq!(utc_offset(3600), "UTC+01:00");
        assert_eq!(utc_offset(-5 * 3600 - 1800), "UTC-05:30");
        assert_eq!(clock(9 * 3600 + 30 * 60), "09:30");
    }
}
