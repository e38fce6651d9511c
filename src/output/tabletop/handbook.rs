//! The Facilitator and Evaluator Handbook (CTEP): the exercise, roles, ground rules, the
//! agenda, and per module the key issues, the discussion questions (each citing the RACI row,
//! calendar or policy it probes), the RACI rows in play and the simulated truth to reveal at
//! the hot wash; then the run's timeline and, with `--vs`, the debrief. Written with the
//! swimlane timeline(s) it shows to `facilitator/`.
//!
//! # Agenda rule
//!
//! Two hours: welcome and ground rules 10 minutes, the modules sharing 70 minutes (equal
//! shares, the earlier modules taking the odd minutes: 18, 18, 17, 17 for four modules, 24, 23,
//! 23 for three), a 10-minute break after the second module, the hot wash 20 minutes and the
//! wrap-up 10 minutes.
//!
//! # Questions rule
//!
//! A module asks first about the situations that began in its window (see `concerns`), high
//! priority and earliest first, then about its decision and the rows in play (each of these
//! happened: the module's decision was needed, the rows' activities ran). At most five; the
//! situations left over are in the after-action report. Never a question about something the
//! run did not show.

use super::concerns::{cite, cite_row, situations, Situation};
use super::truth::{
    at_a_glance, credentials, debrief, decision_table, inject_table, which_run, window,
};
use super::{document, names, run_end, timeline_svg, Block, Exercise, Module, ModuleKind};
use crate::domain::duration::format_offset;
use crate::domain::{Activity, CredentialKind};
use crate::input::Row;

/// Minutes of the fixed agenda items and of all the modules together.
const WELCOME: u32 = 10;
const MODULES: u32 = 70;
const BREAK: u32 = 10;
const HOT_WASH: u32 = 20;
const WRAP: u32 = 10;
const MAX_QUESTIONS: usize = 5;

/// The agenda: (item, minutes), summing to 120 (see the module documentation).
pub(super) fn agenda(modules: &[Module]) -> Vec<(String, u32)> {
    let n = modules.len().max(1) as u32;
    let mut out = vec![("Welcome, roles and ground rules".to_string(), WELCOME)];
    for (i, m) in modules.iter().enumerate() {
        let share = MODULES / n + u32::from((i as u32) < MODULES % n);
        out.push((format!("Module {}: {}", i + 1, m.kind.title()), share));
        if i == 1 {
            out.push(("Break".into(), BREAK));
        }
    }
    if modules.len() < 2 {
        out.push(("Break".into(), BREAK));
    }
    out.push(("Hot wash (see hot-wash.md)".into(), HOT_WASH));
    out.push(("Wrap-up: feedback forms and next steps".into(), WRAP));
    out
}

/// The exercise's objectives.
pub(super) fn objectives(ex: &Exercise) -> Vec<String> {
    vec![
        "Walk the response step by step and say, at each step, which team acts and who decides.".into(),
        "Find where work waits between teams, and why.".into(),
        "Check that every credential the attacker holds has an owner who revokes it and someone who verifies it is gone.".into(),
        format!("Agree what to change in the ownership model \"{}\".", ex.model.name),
    ]
}

/// The handbook and its timelines as `facilitator/...` files.
pub(super) fn files(ex: &Exercise) -> Vec<(String, Vec<u8>)> {
    let title = format!(
        "Facilitator and Evaluator Handbook: {} under {}",
        ex.scenario.name, ex.model.name
    );
    let raised = situations(ex);
    let mut blocks = front(ex);
    for (i, m) in ex.modules.iter().enumerate() {
        blocks.extend(module(ex, i, m, &raised));
    }
    let last = ex.modules.last().map_or(0, |m| m.to);
    if window(ex.played, last, None).any(|e| e.what != "ready") {
        blocks.push(Block::Heading(
            "After the last module (facilitator only)".into(),
        ));
        blocks.push(Block::Para(
            "What the model did after the exercise's last decision point, for the hot wash.".into(),
        ));
        blocks.push(inject_table(ex, last, None));
    }
    blocks.push(Block::Heading(
        "Timeline of the run (facilitator only)".into(),
    ));
    blocks.push(Block::Para("A swimlane per team and one for the attacker: work as bars, the wait before each task coloured by its cause, attacker steps, signals and lost credentials as dots.".into()));
    blocks.push(Block::Svg("timeline.svg".into()));
    blocks.extend(debrief(ex));
    let svgs = timelines(ex);
    let mut files = document("facilitator/handbook", &title, &blocks, &svgs);
    for (name, svg) in svgs {
        files.push((format!("facilitator/{name}"), svg.into_bytes()));
    }
    files
}

/// The timeline SVGs (path relative to `facilitator/`, SVG); with `--vs` both on one time
/// scale.
fn timelines(ex: &Exercise) -> Vec<(String, String)> {
    let end = ex.vs.map_or(run_end(ex.played), |(_, vp)| {
        run_end(ex.played).max(run_end(vp))
    });
    let title = |m: &crate::input::Model| format!("{} under {}", ex.scenario.name, m.name);
    let mut svgs = vec![(
        "timeline.svg".to_string(),
        timeline_svg(&title(ex.model), ex.played, ex.model, end),
    )];
    if let Some((vm, vp)) = ex.vs {
        svgs.push((
            "vs/timeline.svg".to_string(),
            timeline_svg(&title(vm), vp, vm, end),
        ));
    }
    svgs
}

/// The exercise, objectives, roles, ground rules and agenda.
fn front(ex: &Exercise) -> Vec<Block> {
    let mut roles = vec![
        vec!["Facilitator".into(), "Runs the day: presents each module's injects from the Situation Manual, asks the discussion questions, keeps time, and reveals the simulated truth at the hot wash.".into()],
        vec!["Evaluators".into(), "Watch the discussion against the objectives and the RACI rows in play; note strengths and areas for improvement for the after-action report.".into()],
        vec!["Note taker".into(), "Records the discussion and the room's answers to each question.".into()],
        vec!["Decision recorder".into(), "Fills in the decision capture sheet (decision-capture.csv) at each decision point: which team acted, when, and what it chose; it feeds raci-sim tabletop replay.".into()],
    ];
    roles.extend(ex.model.teams.iter().map(|t| {
        vec![
            format!("Players: {}", t.id),
            format!("Answer as {} would, with its handout.", t.id),
        ]
    }));
    let agenda = agenda(&ex.modules);
    let mut at = 0;
    let rows: Vec<Vec<String>> = agenda
        .iter()
        .map(|(item, minutes)| {
            let from = at;
            at += minutes;
            vec![clock(from), clock(at), minutes.to_string(), item.clone()]
        })
        .collect();
    vec![
        Block::Para("For the facilitator and evaluators only. The sections marked facilitator only hold the simulated truth: what the model did and when. Do not show them to the players before the hot wash.".into()),
        Block::Heading("The exercise".into()),
        Block::Para(ex.scenario.summary.clone()),
        Block::Para(which_run(ex)),
        Block::Para(format!("Facilitator only. {}", at_a_glance(&ex.played.metrics, ex.scenario.horizon))),
        credentials(ex.scenario),
        Block::Para(format!("Sources: {}", ex.scenario.sources.join("; "))),
        Block::Heading("Objectives".into()),
        Block::Bullets(objectives(ex)),
        Block::Heading("Roles".into()),
        Block::table(["role", "does"], roles),
        Block::Heading("Ground rules (as in the Situation Manual)".into()),
        Block::Bullets(super::situation::ground_rules()),
        Block::Heading("Agenda".into()),
        Block::table(["from", "to", "minutes", "item"], rows),
    ]
    .into_iter()
    .chain(material(ex))
    .collect()
}

/// Links to the players' material, from `facilitator/`: the Situation Manual, each team's
/// handout and the feedback form.
fn material(ex: &Exercise) -> Vec<Block> {
    let from_here = |path: &str| match path.strip_prefix("participants/") {
        Some(rest) => format!("../participants/{rest}"),
        None => format!("../participants/{path}"),
    };
    let mut blocks = vec![
        Block::Heading("Material for the day".into()),
        Block::Para("Hand out the Situation Manual to every player, each team its own handout (and nothing else), and the feedback form at the wrap-up. Print this handbook, the hot wash guide and the after-action report for the facilitator and evaluators only.".into()),
        Block::Links(vec![
            ("Situation Manual".into(), from_here("situation-manual.md")),
            ("Participant feedback form".into(), from_here("feedback-form.md")),
            ("Hot wash guide".into(), "hot-wash.md".into()),
            ("After-action report / improvement plan".into(), "after-action-report.md".into()),
        ]),
    ];
    // The team handouts, linked from here.
    for b in super::handouts::guide_links(ex.model) {
        match b {
            Block::Links(links) => blocks.push(Block::Links(
                links
                    .into_iter()
                    .map(|(t, p)| (format!("Handout: {t}"), from_here(&p)))
                    .collect(),
            )),
            Block::Heading(_) | Block::Para(_) => {}
            other => blocks.push(other),
        }
    }
    blocks
}

/// Minutes after the start as "h:mm".
fn clock(minutes: u32) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

/// One module: key issues, questions, rows in play, simulated truth.
fn module(ex: &Exercise, i: usize, m: &Module, raised: &[Situation]) -> Vec<Block> {
    let mut here: Vec<&Situation> = raised.iter().filter(|s| s.module == i).collect();
    let contained = ex.played.metrics.time_to_containment;
    here.sort_by_key(|s| (s.priority(contained), s.first));
    let rows = rows_in_play(ex, m);
    let mut questions: Vec<String> = here.iter().map(|s| s.question()).collect();
    let left = questions.len().saturating_sub(MAX_QUESTIONS);
    questions.extend(row_questions(ex, m, &rows));
    questions.truncate(MAX_QUESTIONS);
    let mut issues = vec![key_issue(ex, m)];
    issues.extend(
        here.iter()
            .map(|s| format!("{}: {}", s.kind.label(), s.gap())),
    );
    let mut blocks = vec![
        Block::Heading(format!(
            "Module {}: {} ({})",
            i + 1,
            m.kind.title(),
            super::truth::span(m)
        )),
        Block::Para("Key issues:".into()),
        Block::Bullets(issues),
        Block::Para("Discussion questions (each names what it probes):".into()),
        Block::Bullets(questions),
    ];
    if left > 0 {
        blocks.push(Block::Para(format!(
            "{left} more question(s) from this module's situations are in the after-action report's improvement plan."
        )));
    }
    blocks.push(Block::Para(
        "RACI rows in play (the activities that ran in this module's window):".into(),
    ));
    blocks.push(Block::table(
        ["row", "R", "A", "C", "I"],
        rows.iter()
            .map(|(name, row)| row_cells(ex, name, row))
            .collect(),
    ));
    blocks.push(Block::Para(format!(
        "Simulated truth, facilitator only (reveal at the hot wash): what the model did {}.",
        match super::truth::span(m) {
            s if s.starts_with("at ") => s,
            s => format!("from {s}"),
        }
    )));
    if let Some(t) = decision_table(ex, i) {
        blocks.push(t);
    }
    blocks.push(inject_table(ex, m.from, Some(m.to)));
    blocks
}

/// The module's key issue, from its kind and its decision's RACI row.
fn key_issue(ex: &Exercise, m: &Module) -> String {
    let row = |a: Activity| cite(ex.model, a);
    match m.kind {
        ModuleKind::FirstSignal => format!("Recognising the first signal and deciding whether it is an incident ({}).", row(Activity::Triage)),
        ModuleKind::ScopingAndEscalation => format!("Finding every credential the attacker may hold, and who is paged and told ({}).", row(Activity::Scope)),
        ModuleKind::Containment => format!("Approving containment: who approves, which credentials to revoke, at what risk to the business ({}).", row(Activity::ApproveContainment)),
        ModuleKind::VerificationAndClosure => format!("Knowing the attacker is out before closing: what evidence is enough ({}; {}).", row(Activity::Verify), row(Activity::Close)),
    }
}

/// The RACI rows of the activities that ran (became ready, started or were never done) in
/// the module's window, and the decision it ends on: (row name, citation).
fn rows_in_play(ex: &Exercise, m: &Module) -> Vec<(String, Row)> {
    let model = ex.model;
    let mut acts: Vec<Activity> = Vec::new();
    let mut kinds: Vec<CredentialKind> = Vec::new();
    if let Some(d) = m.decision {
        acts.push(ex.decisions[d].activity);
    }
    for e in window(ex.played, m.from, Some(m.to)) {
        let Some(a) = e.activity else { continue };
        match a {
            Activity::Revoke | Activity::RotateAll => {
                if let Some(k) = e.task.and_then(|t| t.credential) {
                    kinds.push(ex.scenario.credentials[k].kind);
                }
            }
            Activity::SignOff | Activity::Consult => {}
            _ => acts.push(a),
        }
    }
    acts.sort_by_key(|a| a.index());
    acts.dedup();
    kinds.sort_by_key(|k| k.index());
    kinds.dedup();
    let mut out: Vec<(String, Row)> = acts
        .into_iter()
        .map(|a| (format!("raci.{}", a.name()), row_of(ex, a)))
        .collect();
    out.extend(kinds.into_iter().map(|k| {
        (
            format!("raci.revoke.{}", k.name()),
            model.revoke[k.index()].clone(),
        )
    }));
    out
}

/// An activity's row; for detect and intake, whose rows are per signal or source, the
/// teams of all of them.
fn row_of(ex: &Exercise, a: Activity) -> Row {
    let union = |rows: &mut dyn Iterator<Item = (&Vec<usize>, &Vec<usize>)>| {
        let mut row = Row::default();
        for (r, i) in rows {
            row.r.extend(r);
            row.i.extend(i);
        }
        for v in [&mut row.r, &mut row.i] {
            v.sort_unstable();
            v.dedup();
        }
        row
    };
    match a {
        Activity::Detect => union(&mut ex.model.detect.iter().map(|d| (&d.r, &d.i))),
        Activity::Intake => union(&mut ex.model.intake.iter().map(|d| (&d.r, &d.i))),
        _ => ex.model.row(a, CredentialKind::Session).clone(),
    }
}

/// A row as table cells: name, R, A, C, I.
fn row_cells(ex: &Exercise, name: &str, row: &Row) -> Vec<String> {
    let n = |t: &[usize]| {
        if t.is_empty() {
            String::new()
        } else {
            names(ex.model, t)
        }
    };
    vec![
        name.to_string(),
        names(ex.model, &row.r),
        n(&row.a),
        n(&row.c),
        n(&row.i),
    ]
}

/// Questions about the module's decision and the rows in play: each of them ran in the
/// module, so each question is about something that happened.
fn row_questions(ex: &Exercise, m: &Module, rows: &[(String, Row)]) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(d) = m.decision {
        let a = ex.decisions[d].activity;
        let (what, options) = match a {
            Activity::Triage => ("whether this is an incident", "declare or dismiss"),
            Activity::ApproveContainment => (
                "containment, and which credentials to revoke",
                "approve or hold",
            ),
            _ => ("to close the incident", "close or hold"),
        };
        out.push(format!(
            "Decision: at {} the room decides {what} ({options}). Who decides, on what evidence, and who must be told? (probes: {})",
            format_offset(super::truth::room_moment(&ex.modules, &ex.decisions, d)),
            cite(ex.model, a)
        ));
    }
    if m.kind == ModuleKind::FirstSignal {
        out.extend(first_signal(ex, rows));
        out.extend(unseen_steps(ex, m));
    }
    out.extend(declared(ex, m));
    let decided = m
        .decision
        .map(|d| format!("raci.{}", ex.decisions[d].activity.name()));
    for (name, row) in rows {
        if Some(name) == decided.as_ref() || name == "raci.detect" || name == "raci.intake" {
            continue;
        }
        out.push(format!(
            "Row in play: who does {} here, who has to agree, and who hears about it? (probes: {})",
            name.trim_start_matches("raci."),
            cite_row(name, ex.model, row)
        ));
    }
    out
}

/// How the run's first signal or report reached the defenders (asked in module 1 only).
fn first_signal(ex: &Exercise, rows: &[(String, Row)]) -> Option<String> {
    let e = window(ex.played, 0, None).find(|e| {
        e.what == "started" && matches!(e.activity, Some(Activity::Detect | Activity::Intake))
    })?;
    let a = e.activity?;
    let (name, row) = rows
        .iter()
        .find(|(n, _)| *n == format!("raci.{}", a.name()))?;
    let team = super::team_name(ex.model, e.team);
    let what = if a == Activity::Detect {
        "alert"
    } else {
        "external report"
    };
    let since = ex
        .played
        .metrics
        .first_compromise
        .map_or(String::new(), |c| {
            format!("; the attacker was in from {}", format_offset(c))
        });
    Some(format!(
        "First signal: the first {what} reached {team} at {}{since}. Who else could have seen it sooner, and who must hear of it? (probes: {})",
        format_offset(e.time - e.wait),
        cite_row(name, ex.model, row)
    ))
}

/// The attacker's steps before the first alert of the module, when there were any: which of
/// them could the detect owners' telemetry have seen?
fn unseen_steps(ex: &Exercise, m: &Module) -> Option<String> {
    let alerted = window(ex.played, m.from, Some(m.to))
        .find(|e| {
            e.what == "started" && matches!(e.activity, Some(Activity::Detect | Activity::Intake))
        })
        .map(|e| e.time - e.wait)?;
    let mut steps: Vec<&str> = window(ex.played, m.from, Some(alerted))
        .filter_map(|e| {
            e.what
                .strip_prefix("attacker stage `")?
                .strip_suffix("` completed")
        })
        .collect();
    steps.dedup();
    let mut seen = Vec::new();
    steps.retain(|s| {
        !seen.contains(s) && {
            seen.push(*s);
            true
        }
    });
    if steps.is_empty() {
        return None;
    }
    let planes = |t: &crate::input::Team| -> String {
        let p: Vec<&str> = crate::domain::Plane::ALL
            .iter()
            .filter(|p| t.watches(**p))
            .map(|p| p.name())
            .collect();
        format!(
            "{} watches {}",
            t.id,
            if p.is_empty() {
                "nothing".into()
            } else {
                p.join(", ")
            }
        )
    };
    let mut owners: Vec<usize> = ex
        .model
        .detect
        .iter()
        .flat_map(|d| d.r.iter().copied())
        .collect();
    owners.sort_unstable();
    owners.dedup();
    let watch: Vec<String> = owners.iter().map(|&t| planes(&ex.model.teams[t])).collect();
    Some(format!(
        "Unseen steps: before the first alert the attacker completed {} step(s) ({}) that raised no alert. Which of them would your telemetry catch? (probes: raci.detect telemetry: {})",
        steps.len(),
        steps.join(", "),
        if watch.is_empty() { "no detect owner".into() } else { watch.join("; ") }
    ))
}

/// The declaration, in the module it happened in: who must be told and who is paged now.
fn declared(ex: &Exercise, m: &Module) -> Option<String> {
    let d = ex.decisions.iter().find(|d| {
        d.outcome.as_deref() == Some("incident declared")
            && d.decided.is_some_and(|t| t >= m.from && t < m.to)
    })?;
    Some(format!(
        "Declaration: the incident is declared at {}. Who must be told now, who is paged, and who starts scoping? (probes: {}; {})",
        format_offset(d.decided?),
        cite(ex.model, Activity::Triage),
        cite(ex.model, Activity::Scope)
    ))
}
