//! What a candidate changes, read off the two model files (so a pair of edits is described
//! and costed exactly as the file it produced): the change in RACI terms, one line per changed
//! row or setting, and its cost.

use super::edits::rows;
use super::{Cost, RowId};
use crate::domain::duration::format_human;
use crate::input::file::{CoverageFile, ModelFile, OnCallFile, PolicyFile, RowFile, TeamFile};

/// "soc+iam", or "none".
fn teams(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join("+")
    }
}

/// Cells that differ between two rows: (letter, team) pairs in one and not the other.
fn cell_changes(a: &RowFile, b: &RowFile) -> u32 {
    let mut n = 0;
    for (x, y) in [(&a.r, &b.r), (&a.a, &b.a), (&a.c, &b.c), (&a.i, &b.i)] {
        n += x.iter().filter(|t| !y.contains(t)).count() as u32;
        n += y.iter().filter(|t| !x.contains(t)).count() as u32;
    }
    n
}

/// "approve_containment: A soc+iam+business-owner+risk -> A soc".
fn row_line(id: RowId, a: &RowFile, b: &RowFile) -> Option<String> {
    let parts: Vec<String> = [("R", &a.r, &b.r), ("A", &a.a, &b.a), ("C", &a.c, &b.c)]
        .into_iter()
        .chain([("I", &a.i, &b.i)])
        .filter(|(_, x, y)| x != y)
        .map(|(l, x, y)| format!("{l} {} -> {l} {}", teams(x), teams(y)))
        .collect();
    (!parts.is_empty()).then(|| format!("{}: {}", id.name(), parts.join("; ")))
}

fn on_call_text(oc: &Option<OnCallFile>) -> String {
    match oc {
        None => "no on-call".into(),
        Some(oc) => format!(
            "on call from {} severity ({} to answer)",
            oc.min_severity.name(),
            format_human(oc.page_latency.0 as f64)
        ),
    }
}

/// Hours a week a business-hours team is off shift (what on-call makes reachable).
fn off_shift_hours(t: &TeamFile) -> f64 {
    match &t.coverage {
        CoverageFile::AlwaysOn => 0.0,
        CoverageFile::BusinessHours {
            start, end, days, ..
        } => {
            let shift = if end.0 > start.0 {
                end.0 - start.0
            } else {
                end.0 + 86_400 - start.0
            };
            (168.0 - shift as f64 / 3600.0 * days.len() as f64).max(0.0)
        }
    }
}

fn on_call_of(t: &TeamFile) -> &Option<OnCallFile> {
    match &t.coverage {
        CoverageFile::AlwaysOn => &None,
        CoverageFile::BusinessHours { on_call, .. } => on_call,
    }
}

/// Team lines (on-call, inventory) and their cost.
fn team_changes(a: &TeamFile, b: &TeamFile, lines: &mut Vec<String>, cost: &mut Cost) {
    let (oa, ob) = (on_call_of(a), on_call_of(b));
    if oa != ob {
        lines.push(format!(
            "team {}: {} -> {}",
            b.id,
            on_call_text(oa),
            on_call_text(ob)
        ));
        cost.cells += 1;
        if oa.is_none() {
            cost.on_call_teams += 1;
            cost.coverage_hours += off_shift_hours(b);
        }
    }
    for (plane, acc) in &b.visibility {
        let old = a.visibility.get(plane);
        if old != Some(acc) {
            let was = old.map_or("none".to_string(), |x| format!("{x:.2}"));
            lines.push(format!(
                "team {}: inventory of {} {was} -> {acc:.2}",
                b.id,
                plane.name()
            ));
            cost.cells += 1;
        }
    }
}

fn policy_changes(a: &PolicyFile, b: &PolicyFile, lines: &mut Vec<String>, cost: &mut Cost) {
    if a.emergency_containment != b.emergency_containment {
        let text = |e: &Option<crate::input::file::EmergencyFile>| match e {
            None => "none".to_string(),
            Some(e) => format!("{} from {} severity", e.team, e.min_severity.name()),
        };
        lines.push(format!(
            "policy emergency containment: {} -> {}",
            text(&a.emergency_containment),
            text(&b.emergency_containment)
        ));
        cost.cells += 1;
    }
    if a.rotate_all != b.rotate_all {
        let text = |r: &Option<crate::input::file::RotateAllFile>| match r {
            None => "none".to_string(),
            Some(r) => format!(
                "rotate all known credentials in scope from {} severity{}",
                r.from_severity.map_or("no", |s| s.name()),
                if r.on_reopen { ", and on reopen" } else { "" }
            ),
        };
        lines.push(format!(
            "policy rotate-all: {} -> {}",
            text(&a.rotate_all),
            text(&b.rotate_all)
        ));
        cost.cells += 1;
    }
}

/// The change from `a` to `b` in RACI terms and what it costs.
pub fn describe(a: &ModelFile, b: &ModelFile) -> (Vec<String>, Cost) {
    let mut lines = Vec::new();
    let mut cost = Cost::default();
    let detect = |m: &ModelFile| {
        let r: Vec<String> = m.raci.detect.iter().flat_map(|d| d.r.clone()).collect();
        RowFile {
            r,
            ..RowFile::default()
        }
    };
    let (da, db) = (detect(a), detect(b));
    if let Some(l) = row_line(RowId::Detect, &da, &db) {
        lines.push(l);
        cost.cells += cell_changes(&da, &db);
    }
    let empty = RowFile::default();
    let rows_a = rows(&a.raci);
    for (id, rb) in rows(&b.raci) {
        let ra = rows_a
            .iter()
            .find(|(i, _)| *i == id)
            .map_or(&empty, |(_, r)| *r);
        if let Some(l) = row_line(id, ra, rb) {
            lines.push(l);
            cost.cells += cell_changes(ra, rb);
        }
    }
    for tb in &b.teams {
        if let Some(ta) = a.teams.iter().find(|t| t.id == tb.id) {
            team_changes(ta, tb, &mut lines, &mut cost);
        }
    }
    policy_changes(&a.policy, &b.policy, &mut lines, &mut cost);
    (lines, cost)
}
