//! The simulated truth, for the facilitator only: the run's key moments, the timeline of
//! injects and the decision points of one module's window, the run's measures, and the `--vs`
//! comparison of key times. The handbook, the hot wash guide and the after-action report
//! share these pieces.

use super::injects::{inject_text, injects, wall_clock};
use super::{names, Block, DecisionPoint, Exercise, Module, Played};
use crate::domain::duration::{format_human, format_offset};
use crate::domain::{CredentialKind, WaitCause};
use crate::engine::metrics::RunMetrics;
use crate::input::{Model, Scenario};

/// The index of the module whose window holds `t` (the last module for anything after it).
pub(super) fn module_at(modules: &[Module], t: u64) -> usize {
    modules
        .iter()
        .position(|m| t < m.to)
        .unwrap_or(modules.len().saturating_sub(1))
}

/// The module a decision point belongs to: the module ending on it (its `decision`), else
/// the module whose window holds its readiness.
pub(super) fn module_of(modules: &[Module], index: usize, needed: u64) -> usize {
    modules
        .iter()
        .position(|m| m.decision == Some(index))
        .unwrap_or_else(|| module_at(modules, needed))
}

/// When the room decides point `index`: the moment its module presents it (the containment
/// module's `from`, when containment could first be decided: the capture sheet's
/// `needed_at`), else when the model's task became ready.
pub(super) fn room_moment(modules: &[Module], points: &[DecisionPoint], index: usize) -> u64 {
    let needed = points[index].needed;
    modules
        .iter()
        .find(|m| m.decision == Some(index) && m.kind == super::ModuleKind::Containment)
        .map_or(needed, |m| m.from)
}

/// "T+hh:mm", and when the model's task became ready later, that too.
pub(super) fn moment_text(modules: &[Module], points: &[DecisionPoint], index: usize) -> String {
    let at = room_moment(modules, points, index);
    let needed = points[index].needed;
    if at == needed {
        format_offset(at)
    } else {
        format!(
            "{} (the model's {} task became ready at {}, after the steps it requires first)",
            format_offset(at),
            points[index].activity.name(),
            format_offset(needed)
        )
    }
}

/// A module's window in words: "at T+hh:mm" for a moment, else "T+a to T+b".
pub(super) fn span(m: &Module) -> String {
    let last = m.to.saturating_sub(1).max(m.from);
    if last == m.from {
        format!("at {}", format_offset(m.from))
    } else {
        format!("{} to {}", format_offset(m.from), format_offset(last))
    }
}

/// The events of `[from, to)`, `to` `None` for the end of the run.
pub(super) fn window(
    played: &Played,
    from: u64,
    to: Option<u64>,
) -> impl Iterator<Item = &crate::engine::TraceEvent> {
    played
        .trace
        .iter()
        .filter(move |e| e.time >= from && to.is_none_or(|to| e.time < to))
}

/// The run in one sentence: the key moments at T+hh:mm.
pub(super) fn at_a_glance(m: &RunMetrics, horizon: u64) -> String {
    let moment = |t: Option<u64>, done: &str, not: &str| {
        t.map_or(not.to_string(), |t| format!("{done} {}", format_offset(t)))
    };
    let mut parts = vec![
        moment(m.time_to_detect, "detected", "never detected"),
        moment(m.time_to_declare, "declared", "never declared"),
        moment(
            m.time_to_first_revocation,
            "first revocation",
            "nothing revoked",
        ),
    ];
    if m.attack {
        let still_in = format!(
            "the attacker still in at the end ({})",
            format_human(horizon as f64)
        );
        parts.push(moment(m.time_to_containment, "attacker evicted", &still_in));
    }
    parts.push(moment(m.time_to_first_close, "closed", "never closed"));
    format!(
        "The run at a glance: {}; {} handoffs, {} stalls.",
        parts.join(", "),
        m.handoffs,
        m.stalls
    )
}

/// The credentials at stake: id, kind, plane, identity, whether the attacker starts with it.
pub(super) fn credentials(scenario: &Scenario) -> Block {
    let creds: Vec<Vec<String>> = scenario
        .credentials
        .iter()
        .map(|c| {
            vec![
                c.id.clone(),
                c.kind.name().into(),
                c.plane.name().into(),
                scenario.identities[c.identity].id.clone(),
                if c.held_at_start {
                    "stolen at start"
                } else {
                    "obtained later, if at all"
                }
                .into(),
            ]
        })
        .collect();
    Block::table(
        ["credential", "kind", "plane", "identity", "attacker"],
        creds,
    )
}

/// The inject rows of `[from, to)` (repeats folded): T+, wall clock, who sees it, what.
pub(super) fn inject_table(ex: &Exercise, from: u64, to: Option<u64>) -> Block {
    let start_in_week = ex.played.metrics.start_in_week;
    let rows: Vec<Vec<String>> = injects(window(ex.played, from, to))
        .into_iter()
        .map(|i| {
            vec![
                format_offset(i.event.time),
                wall_clock(start_in_week, i.event.time),
                match i.event.team {
                    Some(t) => ex.model.teams[t].id.clone(),
                    None => "nobody (attacker or system)".to_string(),
                },
                inject_text(&i),
            ]
        })
        .collect();
    Block::table(["T+", "clock", "who", "what the model did"], rows)
}

/// The decision points of module `module` (`module_of`): who worked each, its R, A, C and I,
/// and where its time went.
pub(super) fn decision_table(ex: &Exercise, module: usize) -> Option<Block> {
    let points = &ex.decisions;
    let rows: Vec<Vec<String>> = (0..points.len())
        .filter(|&i| module_of(&ex.modules, i, points[i].needed) == module)
        .map(|i| decision_row(ex.model, &points[i], moment_text(&ex.modules, points, i)))
        .collect();
    (!rows.is_empty()).then(|| {
        Block::table(
            [
                "needed at",
                "decision",
                "worked by",
                "R",
                "A",
                "C",
                "I",
                "decided",
                "took (where the time went)",
            ],
            rows,
        )
    })
}

fn decision_row(model: &Model, d: &DecisionPoint, at: String) -> Vec<String> {
    let row = model.row(d.activity, CredentialKind::Session);
    vec![
        at,
        d.activity.name().into(),
        d.worked_by
            .map_or("nobody".to_string(), |t| model.teams[t].id.clone()),
        names(model, &row.r),
        names(model, &row.a),
        names(model, &row.c),
        names(model, &row.i),
        decided(d),
        time_taken(d),
    ]
}

/// When and what was decided, or "never".
pub(super) fn decided(d: &DecisionPoint) -> String {
    match (d.decided, &d.outcome) {
        (Some(t), Some(o)) => format!("{}: {o}", format_offset(t)),
        (Some(t), None) => format_offset(t),
        (None, _) => "never".into(),
    }
}

/// How long a decision took, and where the time went: each cause of waiting, then work.
pub(super) fn time_taken(d: &DecisionPoint) -> String {
    let Some(t) = d.decided else {
        return "not decided by the end of the run".into();
    };
    let mut parts: Vec<String> = WaitCause::ALL
        .iter()
        .filter(|c| d.waits[c.index()] > 0)
        .map(|c| format!("{c} {}", format_human(d.waits[c.index()] as f64)))
        .collect();
    parts.push(format!("work {}", format_human(d.work as f64)));
    format!(
        "{} ({})",
        format_human((t - d.needed) as f64),
        parts.join(", ")
    )
}

/// The run's measures: key times, missed revocations, handoffs, waiting by cause.
pub(super) fn measures(scenario: &Scenario, m: &RunMetrics) -> Block {
    let never = |t: Option<u64>| t.map_or("never".into(), |t| format_human(t as f64));
    let ttc = m.time_to_containment.map_or(
        format!(
            "not contained within {}",
            format_human(scenario.horizon as f64)
        ),
        |t| format_human(t as f64),
    );
    let mut rows = vec![
        vec!["time to detect".into(), never(m.time_to_detect)],
        vec!["time to declare".into(), never(m.time_to_declare)],
        vec![
            "time to first revocation".into(),
            never(m.time_to_first_revocation),
        ],
        vec!["time to containment".into(), ttc],
        vec!["time to close".into(), never(m.time_to_first_close)],
        vec!["missed revocations".into(), missed(m)],
        vec![
            "handoffs / stalls".into(),
            format!("{} / {}", m.handoffs, m.stalls),
        ],
    ];
    for c in WaitCause::ALL {
        let w = m.wait_by_cause[c.index()];
        if w > 0 {
            rows.push(vec![
                format!("waiting: {}", c.name()),
                format_human(w as f64),
            ]);
        }
    }
    Block::table(["measure", "this run"], rows)
}

/// Missed revocations, counted at the first close (or at the end of a declared incident that
/// never closed).
pub(super) fn missed(m: &RunMetrics) -> String {
    if m.time_to_first_close.is_some() {
        m.missed_revocations.to_string()
    } else if m.time_to_declare.is_some() {
        format!(
            "{} (never closed: counted at the end)",
            m.missed_revocations
        )
    } else {
        "not measured: no incident was declared".into()
    }
}

/// The key times of the run under the model and, with `--vs`, under the other model.
pub(super) fn key_times(ex: &Exercise) -> Block {
    let fmt = |t: Option<u64>| t.map_or("never".to_string(), format_offset);
    let m = &ex.played.metrics;
    let v = ex.vs.map(|(_, p)| &p.metrics);
    let row = |measure: &str, f: fn(&RunMetrics) -> Option<u64>| {
        let mut r = vec![measure.to_string(), fmt(f(m))];
        r.extend(v.map(|v| fmt(f(v))));
        r
    };
    let mut rows = vec![
        row("detected", |m| m.time_to_detect),
        row("declared", |m| m.time_to_declare),
        row("first revocation", |m| m.time_to_first_revocation),
        row("attacker evicted", |m| m.time_to_containment),
        row("closed", |m| m.time_to_first_close),
    ];
    let mut missed_row = vec!["missed revocations".to_string(), missed(m)];
    missed_row.extend(v.map(missed));
    rows.push(missed_row);
    let mut stalls = vec!["stalls".to_string(), m.stalls.to_string()];
    stalls.extend(v.map(|v| v.stalls.to_string()));
    rows.push(stalls);
    let mut head = vec!["key moment".to_string(), ex.model.name.clone()];
    head.extend(ex.vs.map(|(vm, _)| vm.name.clone()));
    Block::Table(head, rows)
}

/// The `--vs` debrief: the same attack's key times under both models, and both timelines on
/// one time scale (the SVGs at `timeline.svg` and `vs/timeline.svg`).
pub(super) fn debrief(ex: &Exercise) -> Vec<Block> {
    let Some((vm, _)) = ex.vs else {
        return Vec::new();
    };
    vec![
        Block::Heading(format!("Debrief: the same attack under {}", vm.name)),
        Block::Para(format!(
            "The same seeded attack (run {}, seed {}) under a second model, for the discussion after the hot wash.",
            ex.played.metrics.run, ex.seed
        )),
        key_times(ex),
        Block::Para(format!(
            "The two timelines on one time scale: {} above, {} below.",
            ex.model.name, vm.name
        )),
        Block::Svg("timeline.svg".into()),
        Block::Svg("vs/timeline.svg".into()),
    ]
}

/// Where the run starts, which run it is, and whether it is an attack.
pub(super) fn which_run(ex: &Exercise) -> String {
    let m = &ex.played.metrics;
    format!(
        "This exercise replays run {} of seed {} (picked: {}). It starts {}. {}",
        m.run,
        ex.seed,
        ex.pick.name(),
        wall_clock(m.start_in_week, 0),
        if m.attack {
            "It is a real attack."
        } else {
            "It is a legitimate look-alike: nothing malicious happened, which the players do not know."
        }
    )
}
