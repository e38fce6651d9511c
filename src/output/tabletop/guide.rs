//! The facilitator guide's sections, in the order they appear: the scenario brief and
//! objectives, the timeline of injects, decision points, discussion questions, the prefilled
//! after-action report, and with `--vs` the debrief setting two models side by side.

use super::concerns::Raised;
use super::injects::{inject_text, injects, wall_clock};
use super::{names, Block, DecisionPoint, Pick, Played};
use crate::domain::duration::{format_human, format_offset};
use crate::domain::{CredentialKind, WaitCause};
use crate::engine::metrics::RunMetrics;
use crate::input::{Model, Scenario};

/// The scenario brief: what happened, which run this is, the run at a glance for the
/// facilitator, the credentials at stake and the sources; then the objectives.
pub(super) fn brief(
    scenario: &Scenario,
    model: &Model,
    played: &Played,
    pick: Pick,
    seed: u64,
) -> Vec<Block> {
    let m = &played.metrics;
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
    vec![
        Block::Heading("Scenario brief".into()),
        Block::Para(scenario.summary.clone()),
        Block::Para(format!(
            "This script replays run {} of seed {} (picked: {}). It starts {}. {}",
            m.run,
            seed,
            pick.name(),
            wall_clock(m.start_in_week, 0),
            if m.attack {
                "It is a real attack."
            } else {
                "It is a legitimate look-alike: nothing malicious happened, which the players do not know."
            }
        )),
        Block::Para(at_a_glance(m, scenario.horizon)),
        Block::table(["credential", "kind", "plane", "identity", "attacker"], creds),
        Block::Para(format!("Sources: {}", scenario.sources.join("; "))),
        Block::Heading("Objectives".into()),
        Block::Bullets(vec![
            "Walk the response step by step and say, at each step, which team acts and who decides.".into(),
            "Find where work waits between teams, and why.".into(),
            "Check that every credential the attacker holds has an owner who revokes it and someone who verifies it is gone.".into(),
            format!("Agree what to change in the ownership model \"{}\".", model.name),
        ]),
    ]
}

/// The run in one sentence, for the facilitator only: the key moments at T+hh:mm.
fn at_a_glance(m: &RunMetrics, horizon: u64) -> String {
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
        "For the facilitator, at a glance: {}; {} handoffs, {} stalls.",
        parts.join(", "),
        m.handoffs,
        m.stalls
    )
}

/// The timeline of injects: a row per inject (repeats folded), then the swimlane timeline.
pub(super) fn inject_timeline(model: &Model, played: &Played) -> Vec<Block> {
    let start_in_week = played.metrics.start_in_week;
    let rows: Vec<Vec<String>> = injects(&played.trace)
        .into_iter()
        .map(|i| {
            let text = inject_text(&i);
            vec![
                format_offset(i.event.time),
                wall_clock(start_in_week, i.event.time),
                match i.event.team {
                    Some(t) => model.teams[t].id.clone(),
                    None => "facilitator only".to_string(),
                },
                text,
            ]
        })
        .collect();
    vec![
        Block::Heading("Timeline of injects".into()),
        Block::Para("What happens, when, and who sees it. Read each inject aloud at its time; players answer as the team named.".into()),
        Block::table(["T+", "clock", "who sees it", "what happens"], rows),
        Block::Svg("timeline.svg".into()),
    ]
}

/// The decision points: each decision, who worked it, its R, A, C and I, and where its time
/// went.
pub(super) fn decisions(model: &Model, points: &[DecisionPoint]) -> Vec<Block> {
    let rows: Vec<Vec<String>> = points.iter().map(|d| decision_row(model, d)).collect();
    let intro = if rows.is_empty() {
        "No decision was needed in this run: the response never got as far as triage."
    } else {
        "Each decision from the moment it was needed to the moment it was made: who worked it, the owners the model names, and where the time went."
    };
    vec![
        Block::Heading("Decision points".into()),
        Block::Para(intro.into()),
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
        ),
    ]
}

fn decision_row(model: &Model, d: &DecisionPoint) -> Vec<String> {
    let row = model.row(d.activity, CredentialKind::Session);
    vec![
        format_offset(d.needed),
        d.activity.name().into(),
        d.worked_by
            .map_or("nobody".to_string(), |t| model.teams[t].id.clone()),
        names(model, &row.r),
        names(model, &row.a),
        names(model, &row.c),
        names(model, &row.i),
        match (d.decided, &d.outcome) {
            (Some(t), Some(o)) => format!("{}: {o}", format_offset(t)),
            (Some(t), None) => format_offset(t),
            (None, _) => "never".into(),
        },
        time_taken(d),
    ]
}

/// How long a decision took, and where the time went: each cause of waiting, then work.
fn time_taken(d: &DecisionPoint) -> String {
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

/// The discussion questions, then the prefilled after-action report: the run's measures and
/// a table of the gaps found, with blank rows for what the players find.
pub(super) fn questions_and_after_action(
    scenario: &Scenario,
    m: &RunMetrics,
    raised: Raised,
) -> Vec<Block> {
    let never = |t: Option<u64>| t.map_or("never".into(), |t| format_human(t as f64));
    let ttc = m.time_to_containment.map_or(
        format!(
            "not contained within {}",
            format_human(scenario.horizon as f64)
        ),
        |t| format_human(t as f64),
    );
    let mut measured = vec![
        vec!["time to detect".into(), never(m.time_to_detect)],
        vec!["time to declare".into(), never(m.time_to_declare)],
        vec![
            "time to first revocation".into(),
            never(m.time_to_first_revocation),
        ],
        vec!["time to containment".into(), ttc],
        vec!["missed revocations".into(), missed(m)],
        vec![
            "handoffs / stalls".into(),
            format!("{} / {}", m.handoffs, m.stalls),
        ],
    ];
    for c in WaitCause::ALL {
        let w = m.wait_by_cause[c.index()];
        if w > 0 {
            measured.push(vec![
                format!("waiting: {}", c.name()),
                format_human(w as f64),
            ]);
        }
    }
    // The measured gaps, then blank rows for what the players find.
    let gaps = (raised.gaps.into_iter())
        .chain(std::iter::repeat_n(vec![String::new(); 4], 2))
        .collect();
    vec![
        Block::Heading("Discussion questions".into()),
        Block::Bullets(raised.questions),
        Block::Heading("After-action report (prefilled)".into()),
        Block::table(["measure", "this run"], measured),
        Block::table(["gap found", "owner", "action", "due"], gaps),
    ]
}

/// Missed revocations are counted at the first close; a run never closed has none to show.
fn missed(m: &RunMetrics) -> String {
    if m.time_to_first_close.is_some() {
        m.missed_revocations.to_string()
    } else {
        "not measured: the incident was never closed".into()
    }
}

/// The `--vs` debrief: the same attack's measures under both models, and both timelines on
/// one time scale.
pub(super) fn debrief(
    model: &Model,
    m: &RunMetrics,
    vs_model: &Model,
    v: &RunMetrics,
) -> Vec<Block> {
    let fmt = |t: Option<u64>| t.map_or("never".to_string(), |t| format_human(t as f64));
    let both = |measure: &str, f: fn(&RunMetrics) -> Option<u64>| {
        vec![measure.into(), fmt(f(m)), fmt(f(v))]
    };
    vec![
        Block::Heading(format!("Debrief: the same attack under {}", vs_model.name)),
        Block::Table(
            [
                "measure".to_string(),
                model.name.clone(),
                vs_model.name.clone(),
            ]
            .to_vec(),
            vec![
                both("time to declare", |m| m.time_to_declare),
                both("time to first revocation", |m| m.time_to_first_revocation),
                both("time to containment", |m| m.time_to_containment),
                vec!["missed revocations".into(), missed(m), missed(v)],
                vec!["stalls".into(), m.stalls.to_string(), v.stalls.to_string()],
            ],
        ),
        Block::Para(format!(
            "The two timelines on one time scale: {} above, {} below.",
            model.name, vs_model.name
        )),
        Block::Svg("timeline.svg".into()),
        Block::Svg("vs/timeline.svg".into()),
    ]
}
