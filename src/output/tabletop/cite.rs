//! How the handbook's questions and the improvement plan cite what they probe: a RACI row
//! ("raci.approve_containment: R = ops; A = x, y"), a team's calendar, who watches a plane,
//! and the owner the model names.

use std::fmt::Write as _;

use super::names;
use crate::domain::duration::format_human;
use crate::domain::{Activity, CredentialKind, DAY, HOUR, MINUTE};
use crate::input::{Coverage, Model, Row};

/// What the improvement plan names as owner when the row names nobody.
pub(super) const NO_OWNER: &str = "no owner: assign one";

/// The R teams of every detect row.
pub(super) fn detect_r(model: &Model) -> Vec<usize> {
    let mut r: Vec<usize> = model.detect.iter().flat_map(|d| d.r.clone()).collect();
    r.sort_unstable();
    r.dedup();
    r
}

/// Who watches the plane a lost signal was in ("signal KIND in PLANE").
pub(super) fn watchers(model: &Model, signal: &str) -> String {
    let plane = signal.rsplit(" in ").next().unwrap_or("");
    let teams: Vec<&str> = detect_r(model)
        .into_iter()
        .filter(|&t| {
            crate::domain::Plane::ALL
                .iter()
                .any(|p| p.name() == plane && model.teams[t].watches(*p))
        })
        .map(|t| model.teams[t].id.as_str())
        .collect();
    if teams.is_empty() {
        format!("no detect owner watches {plane}")
    } else {
        format!("{plane} watched by {}", teams.join(", "))
    }
}

/// The row's teams, or `NO_OWNER`.
pub(super) fn owner_of(model: &Model, teams: &[usize]) -> String {
    if teams.is_empty() {
        NO_OWNER.to_string()
    } else {
        names(model, teams)
    }
}

/// A RACI row as the questions cite it: "raci.approve_containment: R = ops; A = x, y".
pub(super) fn cite(model: &Model, a: Activity) -> String {
    cite_row(
        &format!("raci.{}", a.name()),
        model,
        model.row(a, CredentialKind::Session),
    )
}

pub(super) fn cite_revoke(model: &Model, k: CredentialKind) -> String {
    cite_row(
        &format!("raci.revoke.{}", k.name()),
        model,
        &model.revoke[k.index()],
    )
}

/// "name: R = ..; A = ..; C = ..; I = .." (empty letters left out; R always shown).
pub(super) fn cite_row(name: &str, model: &Model, row: &Row) -> String {
    let mut parts = vec![format!("R = {}", names(model, &row.r))];
    for (letter, teams) in [("A", &row.a), ("C", &row.c), ("I", &row.i)] {
        if !teams.is_empty() {
            parts.push(format!("{letter} = {}", names(model, teams)));
        }
    }
    format!("{name}: {}", parts.join("; "))
}

/// A team's calendar in one phrase: "always on", or "on shift 09:00-17:00 Mon-Fri UTC+1,
/// on call (page 30m from high)".
pub(super) fn calendar(c: &Coverage) -> String {
    match c {
        Coverage::AlwaysOn => "always on".into(),
        Coverage::BusinessHours {
            start,
            end,
            days,
            on_call,
        } => {
            let hm = |s: u64| format!("{:02}:{:02}", s / HOUR, (s % HOUR) / MINUTE);
            const D: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            let on: Vec<&str> = (0..7)
                .filter(|d| days & (1 << d) != 0)
                .map(|d| D[d])
                .collect();
            let mut s = format!(
                "on shift {}-{} {} (local time), off otherwise",
                hm(*start % DAY),
                hm(*end % DAY),
                on.join(" ")
            );
            match on_call {
                Some(o) => {
                    let _ = write!(
                        s,
                        ", on call: paged within {} from {} severity",
                        format_human(o.page_latency as f64),
                        o.min_severity
                    );
                }
                None => s.push_str(", no on-call"),
            }
            s
        }
    }
}
