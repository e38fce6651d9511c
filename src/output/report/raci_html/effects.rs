//! What the runs measured on each changed row of a model's diff: waiting per run by cause on
//! the row's activity and, for revoke rows, missed revocations of the kind, baseline and model.

use std::fmt::Write as _;

use crate::analysis::compare::Comparison;
use crate::analysis::consequence::{missed_of_kind, row_waits, RowKey};
use crate::domain::duration::format_human;
use crate::domain::{Activity, CredentialKind, WaitCause};
use crate::output::escape::html;

/// Waiting per run by cause: mean over the scenarios (each weighs the same).
fn mean_waits(c: &Comparison, m: usize, a: Activity) -> [f64; WaitCause::COUNT] {
    let mut out = [0.0; WaitCause::COUNT];
    let n = c.scenarios.len().max(1) as f64;
    for s in 0..c.scenarios.len() {
        for (x, w) in out.iter_mut().zip(row_waits(c, s, m, a)) {
            *x += w / n;
        }
    }
    out
}

/// "2.1h → 10m (queue 1.0h → 8m, unowned 1.1h → 0s)"; causes under a second in both are left
/// out.
fn waits_text(b: &[f64; WaitCause::COUNT], m: &[f64; WaitCause::COUNT]) -> String {
    let (tb, tm) = (b.iter().sum::<f64>(), m.iter().sum::<f64>());
    if tb < 1.0 && tm < 1.0 {
        return "none in either".into();
    }
    let parts: Vec<String> = WaitCause::ALL
        .iter()
        .filter(|c| b[c.index()].max(m[c.index()]) >= 1.0)
        .map(|c| {
            format!(
                "{} {} → {}",
                c.name(),
                format_human(b[c.index()]),
                format_human(m[c.index()])
            )
        })
        .collect();
    format!(
        "{} → {} ({})",
        format_human(tb),
        format_human(tm),
        parts.join(", ")
    )
}

/// Missed revocations of `kind` per attack run, baseline and model, over the scenarios that
/// hold the kind: (baseline, model, scenarios).
fn mean_missed(c: &Comparison, m: usize, kind: CredentialKind) -> Option<(f64, f64, usize)> {
    let per: Vec<(f64, f64)> = (0..c.scenarios.len())
        .filter_map(|s| {
            Some((
                missed_of_kind(c, s, c.baseline, kind)?,
                missed_of_kind(c, s, m, kind)?,
            ))
        })
        .collect();
    let n = per.len();
    (n > 0).then(|| {
        let b = per.iter().map(|p| p.0).sum::<f64>() / n as f64;
        let x = per.iter().map(|p| p.1).sum::<f64>() / n as f64;
        (b, x, n)
    })
}

/// The kinds of a line of revoke rows.
fn kinds(line: &[&RowKey]) -> Vec<CredentialKind> {
    line.iter()
        .filter_map(|k| match k {
            RowKey::Revoke(kind) => Some(*kind),
            _ => None,
        })
        .collect()
}

/// What the runs measured on each changed line, one anchored paragraph each, per scenario in a
/// fold.
pub(super) fn effects(o: &mut String, c: &Comparison, m: usize, lines: &[Vec<&RowKey>]) {
    let _ = writeln!(
        o,
        "<p>What the runs measured on the changed rows (baseline → {}):</p>",
        html(&c.models[m].name)
    );
    for line in lines {
        let a = line[0].activity();
        let (wb, wm) = (mean_waits(c, c.baseline, a), mean_waits(c, m, a));
        let _ = write!(
            o,
            "<div class=\"effect\" id=\"raci-c{}-{}\"><p><b>{}</b>: waiting on {} per run {}",
            m + 1,
            line[0].slug(),
            html(&super::label(line)),
            a.name(),
            html(&waits_text(&wb, &wm))
        );
        let kinds = kinds(line);
        let missed: Vec<String> = kinds
            .iter()
            .filter_map(|&k| {
                let (b, x, n) = mean_missed(c, m, k)?;
                Some(format!(
                    "{} {b:.2} → {x:.2} ({} scenario{})",
                    k.name(),
                    n,
                    if n == 1 { "" } else { "s" }
                ))
            })
            .collect();
        if !kinds.is_empty() {
            if missed.is_empty() {
                o.push_str("; no compared scenario holds credentials of these kinds");
            } else {
                let _ = write!(
                    o,
                    "; missed revocations per attack run, over the scenarios holding the kind: {}",
                    missed.join(", ")
                );
            }
        }
        o.push_str(".</p>\n");
        per_scenario(o, c, m, a, &kinds);
        o.push_str("</div>\n");
    }
}

/// The fold with one row per scenario: waiting on the activity and, for revoke rows, missed
/// revocations of the kinds the scenario holds.
fn per_scenario(o: &mut String, c: &Comparison, m: usize, a: Activity, kinds: &[CredentialKind]) {
    o.push_str("<details><summary>per scenario</summary><div class=\"wide\"><table><thead><tr><th class=\"name\">scenario</th><th class=\"name\">waiting per run, baseline → model</th>");
    if !kinds.is_empty() {
        o.push_str("<th class=\"name\">missed per attack run, baseline → model</th>");
    }
    o.push_str("</tr></thead><tbody>\n");
    for (s, sr) in c.scenarios.iter().enumerate() {
        let (wb, wm) = (row_waits(c, s, c.baseline, a), row_waits(c, s, m, a));
        let _ = write!(
            o,
            "<tr><td class=\"name\">{}</td><td class=\"name\">{}</td>",
            html(&sr.scenario.name),
            html(&waits_text(&wb, &wm))
        );
        if !kinds.is_empty() {
            let missed: Vec<String> = kinds
                .iter()
                .filter_map(|&k| {
                    let b = missed_of_kind(c, s, c.baseline, k)?;
                    let x = missed_of_kind(c, s, m, k)?;
                    Some(format!("{} {b:.2} → {x:.2}", k.name()))
                })
                .collect();
            let text = if missed.is_empty() {
                "none of these kinds held".to_string()
            } else {
                missed.join(", ")
            };
            let _ = write!(o, "<td class=\"name\">{text}</td>");
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody></table></div></details>\n");
}
