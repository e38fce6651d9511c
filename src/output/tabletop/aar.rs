//! The After-Action Report / Improvement Plan, prefilled from the run: the exercise overview,
//! objectives, the run's measures, analysis per module (strengths and areas for improvement
//! observed), the credentials as they stood at the first close, and the improvement plan
//! (gap, recommendation, owner the model names, priority, due) with blank rows for the room.
//!
//! # Missed credentials
//!
//! A credential is listed as missed only when, at the first close (or at the horizon when the
//! incident never closed), the attacker still held it, it still worked and it had not been
//! revoked: the same rule as `RunMetrics::missed_revocations`, credential by credential. A
//! revoked credential still inside its residual validity is listed on its own, as "revoked,
//! still inside residual validity", never as missed.

use super::concerns::{situations, Priority, Situation};
use super::truth::{decided, measures, module_of, moment_text, time_taken, which_run};
use super::{document, Block, Exercise};
use crate::analysis::lint::{lint, Level};
use crate::domain::duration::{format_human, format_offset};
use crate::domain::WaitCause;

/// One credential the attacker held at the moment the report looks at.
pub(super) struct Held {
    pub credential: usize,
    /// When it was revoked (or rotated), if it was.
    pub revoked_at: Option<u64>,
}

/// The credentials at the first close (or the end of the run), from the trace.
pub(super) struct AtClose {
    /// The first close, or the horizon.
    pub at: u64,
    pub closed: bool,
    /// Held, working and never revoked: missed.
    pub missed: Vec<Held>,
    /// Held, revoked and still working (inside its residual validity).
    pub residual_at_close: Vec<Held>,
    /// Held and revoked, no longer working.
    pub revoked: Vec<Held>,
    /// Held when revoked and kept working after it (a residual validity), at any time.
    pub residual: Vec<Held>,
}

#[derive(Clone, Copy, Default)]
struct State {
    held: bool,
    working: bool,
    revoked_at: Option<u64>,
}

/// The credential id an event names after `prefix` ("credential `ID` ..."), longest id first.
fn named<'s>(ids: &[&str], what: &'s str, prefix: &str, suffix: &str) -> Option<(usize, &'s str)> {
    let rest = what.strip_prefix(prefix)?;
    ids.iter()
        .enumerate()
        .filter_map(|(k, id)| {
            rest.strip_prefix(id)
                .and_then(|r| r.strip_prefix(suffix))
                .map(|r| (k, id.len(), r))
        })
        .max_by_key(|&(_, len, _)| len)
        .map(|(k, _, r)| (k, r))
}

/// Replays the credentials' states from the trace up to the first close (inclusive), or to
/// the end of the run.
pub(super) fn credentials_at_close(ex: &Exercise) -> AtClose {
    let sc = ex.scenario;
    let ids: Vec<&str> = sc.credentials.iter().map(|c| c.id.as_str()).collect();
    let mut s: Vec<State> = sc
        .credentials
        .iter()
        .map(|c| State {
            held: c.held_at_start,
            working: true,
            revoked_at: None,
        })
        .collect();
    let mut residual = Vec::new();
    let m = &ex.played.metrics;
    let mut at = sc.horizon;
    for e in &ex.played.trace {
        let w = e.what.as_str();
        if let Some((k, _)) = named(&ids, w, "attacker obtains credential `", "`")
            .or_else(|| named(&ids, w, "attacker creates credential `", "`"))
        {
            s[k].held = true;
        } else if let Some((k, _)) = named(&ids, w, "attacker steals credential `", "` again") {
            s[k] = State {
                held: true,
                working: true,
                revoked_at: None,
            };
        } else if let Some((k, rest)) = named(&ids, w, "credential `", "` ") {
            if rest == "stops working" {
                s[k].working = false;
            } else if rest.starts_with("revoked (") || rest.starts_with("rotated (") {
                if s[k].revoked_at.is_none()
                    && s[k].held
                    && s[k].working
                    && sc.credentials[k].residual_validity > 0
                {
                    residual.push(Held {
                        credential: k,
                        revoked_at: Some(e.time),
                    });
                }
                s[k].revoked_at.get_or_insert(e.time);
            }
        } else if w == "incident closed" && m.time_to_first_close == Some(e.time) {
            at = e.time;
            break;
        }
    }
    let mut out = AtClose {
        at,
        closed: m.time_to_first_close.is_some(),
        missed: Vec::new(),
        residual_at_close: Vec::new(),
        revoked: Vec::new(),
        residual,
    };
    if !m.attack {
        return out;
    }
    for (k, st) in s.iter().enumerate().filter(|(_, st)| st.held) {
        let held = Held {
            credential: k,
            revoked_at: st.revoked_at,
        };
        match (st.working, st.revoked_at) {
            (true, None) => out.missed.push(held),
            (true, Some(_)) => out.residual_at_close.push(held),
            (false, Some(_)) => out.revoked.push(held),
            (false, None) => {}
        }
    }
    out
}

/// The report as `facilitator/after-action-report.{md,html}`.
pub(super) fn files(ex: &Exercise) -> Vec<(String, Vec<u8>)> {
    let title = format!(
        "After-Action Report / Improvement Plan: {} under {}",
        ex.scenario.name, ex.model.name
    );
    let raised = situations(ex);
    let mut blocks = overview(ex);
    blocks.extend(analysis(ex, &raised));
    blocks.extend(credentials(ex));
    blocks.extend(plan(ex, &raised));
    document("facilitator/after-action-report", &title, &blocks, &[])
}

fn overview(ex: &Exercise) -> Vec<Block> {
    let teams: Vec<&str> = ex.model.teams.iter().map(|t| t.id.as_str()).collect();
    let row = |k: &str, v: String| vec![k.to_string(), v];
    vec![
        Block::Para("Prefilled from the simulated run; the room's findings go in the blank rows. Edit freely before you circulate it.".into()),
        Block::Heading("Exercise overview".into()),
        Block::table(
            ["item", "details"],
            vec![
                row("exercise", format!("Tabletop: {}", ex.scenario.name)),
                row("date", String::new()),
                row("type", "discussion-based tabletop exercise, about two hours".into()),
                row("scenario", ex.scenario.summary.clone()),
                row("ownership model", format!("{}: {}", ex.model.name, ex.model.summary)),
                row("the run", which_run(ex)),
                row("participating teams", teams.join(", ")),
                row("facilitator", String::new()),
                row("evaluators", String::new()),
            ],
        ),
        Block::Heading("Objectives".into()),
        Block::Bullets(super::handbook::objectives(ex)),
        Block::Heading("Measures of the run".into()),
        measures(ex.scenario, &ex.played.metrics),
    ]
}

/// Per module: strengths observed (decisions made without waiting for owners, a clean close)
/// and the areas for improvement (the situations of that module).
fn analysis(ex: &Exercise, raised: &[Situation]) -> Vec<Block> {
    let mut blocks = vec![Block::Heading("Analysis by module".into())];
    for (i, module) in ex.modules.iter().enumerate() {
        let mut strengths = Vec::new();
        for (j, d) in ex
            .decisions
            .iter()
            .enumerate()
            .filter(|(j, d)| module_of(&ex.modules, *j, d.needed) == i)
        {
            let ownership: u64 = WaitCause::ALL
                .iter()
                .filter(|c| c.is_ownership() || **c == WaitCause::OffHours)
                .map(|c| d.waits[c.index()])
                .sum();
            if d.decided.is_some() && ownership == 0 {
                strengths.push(format!(
                    "The {} decision needed at {} was made without waiting for an owner or a shift ({}; {}).",
                    d.activity.name(),
                    moment_text(&ex.modules, &ex.decisions, j),
                    decided(d),
                    time_taken(d)
                ));
            }
        }
        let last = i + 1 == ex.modules.len();
        let m = &ex.played.metrics;
        if last && m.attack && m.time_to_first_close.is_some() && m.missed_revocations == 0 {
            strengths.push("The incident closed with no attacker credential still working.".into());
        }
        if strengths.is_empty() {
            strengths.push("None observed in the run: add what the room found.".into());
        }
        let mut improve: Vec<String> = raised
            .iter()
            .filter(|s| s.module == i)
            .map(|s| format!("{}: {}", s.kind.label(), s.gap()))
            .collect();
        if i == 0 {
            improve.extend(slow_detection(ex));
        }
        if improve.is_empty() {
            improve.push("None observed in the run: add what the room found.".into());
        }
        blocks.push(Block::Heading(format!(
            "Module {}: {}",
            i + 1,
            module.kind.title()
        )));
        blocks.push(Block::Para("Strengths:".into()));
        blocks.push(Block::Bullets(strengths));
        blocks.push(Block::Para("Areas for improvement:".into()));
        blocks.push(Block::Bullets(improve));
    }
    blocks
}

/// Detection as an area for improvement when the run's dwell (first compromise to the first
/// moment a team learned of the attack) was over an hour (the rule in docs/tabletop.md).
fn slow_detection(ex: &Exercise) -> Option<String> {
    let m = &ex.played.metrics;
    let (seen, dwell) = (m.time_to_detect?, m.dwell?);
    (dwell > 3600).then(|| {
        format!(
            "detection took {}: the defenders first learned of the attack {} after the attacker first held a credential ({}).",
            crate::domain::duration::format_offset(seen),
            crate::domain::duration::format_human(dwell as f64),
            super::concerns::cite(ex.model, crate::domain::Activity::Detect)
        )
    })
}

/// The credentials the attacker held, as they stood at the first close.
fn credentials(ex: &Exercise) -> Vec<Block> {
    let c = credentials_at_close(ex);
    let when = if c.closed {
        format!("the first close ({})", format_offset(c.at))
    } else {
        format!(
            "the end of the run ({}, never closed)",
            format_human(c.at as f64)
        )
    };
    let sc = ex.scenario;
    let row = |h: &Held, state: String| {
        let cred = &sc.credentials[h.credential];
        vec![
            cred.id.clone(),
            cred.kind.name().into(),
            sc.identities[cred.identity].id.clone(),
            cred.plane.name().into(),
            state,
        ]
    };
    let mut rows: Vec<Vec<String>> = c
        .missed
        .iter()
        .map(|h| {
            row(
                h,
                "missed: held by the attacker and working, never revoked".into(),
            )
        })
        .collect();
    rows.extend(c.residual_at_close.iter().map(|h| {
        let cred = &sc.credentials[h.credential];
        let stops = h.revoked_at.unwrap_or(0) + cred.residual_validity;
        row(
            h,
            format!(
                "revoked at {}, still inside residual validity (works until {})",
                format_offset(h.revoked_at.unwrap_or(0)),
                format_offset(stops)
            ),
        )
    }));
    rows.extend(c.revoked.iter().map(|h| {
        row(
            h,
            format!(
                "revoked at {}, no longer working",
                format_offset(h.revoked_at.unwrap_or(0))
            ),
        )
    }));
    let mut blocks = missed(ex, &c, &when);
    blocks.push(Block::Heading("Credentials the attacker held".into()));
    if rows.is_empty() {
        blocks.push(Block::Para(format!("None at {when}.")));
    } else {
        blocks.push(Block::table(
            [
                "credential",
                "kind",
                "identity",
                "plane",
                &format!("at {when}"),
            ],
            rows,
        ));
    }
    blocks
}

/// The missed revocations: only credentials still held, working and never revoked.
fn missed(ex: &Exercise, c: &AtClose, when: &str) -> Vec<Block> {
    let sc = ex.scenario;
    let missed: Vec<String> = c
        .missed
        .iter()
        .map(|h| {
            let cred = &sc.credentials[h.credential];
            format!(
                "{} ({}, {})",
                cred.id,
                cred.kind.name(),
                sc.identities[cred.identity].id
            )
        })
        .collect();
    vec![
        Block::Heading("Missed revocations".into()),
        Block::Para(format!(
            "Credentials the attacker still held, still working and never revoked at {when}. A revoked credential still inside its residual validity is not missed: it is listed below on its own row."
        )),
        if missed.is_empty() {
            Block::Para("None.".into())
        } else {
            Block::Bullets(missed)
        },
    ]
}

/// The improvement plan: each gap of the run with its recommendation, owner and priority,
/// the model's lint errors, and blank rows for the room.
fn plan(ex: &Exercise, raised: &[Situation]) -> Vec<Block> {
    let contained = ex.played.metrics.time_to_containment;
    let mut rows: Vec<(Priority, u64, Vec<String>)> = raised
        .iter()
        .map(|s| {
            let p = s.priority(contained);
            let gap = format!("{}: {}", s.kind.label(), s.gap());
            (
                p,
                s.first,
                vec![
                    gap,
                    s.recommendation.clone(),
                    s.owner.clone(),
                    p.name().into(),
                    String::new(),
                ],
            )
        })
        .collect();
    let (label, text) = ex.model_text;
    for f in lint(ex.model, label, text, std::slice::from_ref(ex.scenario)) {
        if f.level == Level::Error {
            rows.push((
                Priority::Low,
                u64::MAX,
                vec![
                    format!("Model error: {} [{}]", f.message, f.code),
                    f.help.clone(),
                    "the model's author".into(),
                    Priority::Low.name().into(),
                    String::new(),
                ],
            ));
        }
    }
    rows.sort_by_key(|(p, t, _)| (*p, *t));
    let mut table: Vec<Vec<String>> = rows.into_iter().map(|(_, _, r)| r).collect();
    table.extend(std::iter::repeat_n(vec![String::new(); 5], 5));
    vec![
        Block::Heading("Improvement plan".into()),
        Block::Para("Each gap the run showed, what to change, and who the model names to do it (the row's R, or its A for a decision; \"no owner: assign one\" where the row names nobody). Priority: high when the gap delayed containment (it cost waiting, or left work undone, before the attacker was evicted, or in a run never contained) or left a credential working; medium when it cost waiting after containment; low otherwise. The due dates are the room's; the blank rows are for what the room finds.".into()),
        Block::table(["gap", "recommendation", "owner", "priority", "due"], table),
    ]
}
