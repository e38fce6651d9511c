//! The debrief page of `raci-sim tabletop replay` (`debrief.md` and `debrief.html`): the room's
//! decisions against the model as written and the best shipped model, on the picked run and
//! over many runs on common random numbers, with the three timelines of the picked run one
//! above the other on one time scale.
//!
//! Over the runs: restricted mean time to containment (uncontained runs count the horizon),
//! p50 and p90 of time to containment, the share contained, missed revocations per attack run
//! and wrongful revocations per run (every run: a benign run's revocations are all wrongful),
//! each with its 95% interval; then the room's paired differences from the other two with the
//! verdict rule of `compare` (`analysis::verdict`, default practical thresholds).

use rayon::prelude::*;

use super::blocks::Block;
use super::{document, run_end, timeline_svg, Played};
use crate::analysis::stats::{paired_diff, PairedDiff};
use crate::analysis::verdict::{verdict, MetricKind, Practical};
use crate::domain::duration::{format_human, format_offset};
use crate::engine::metrics::{Breakdown, RunMetrics};
use crate::engine::room::RoomPlan;
use crate::engine::{simulate, Context, SimError, Workspace};
use crate::input::decisions::{CapturePoint, RoomRow};
use crate::input::{Model, Scenario};

/// One traced run under `model`, with the room's decisions when `room` is given.
pub fn play_room(
    scenario: &Scenario,
    model: &Model,
    seed: u64,
    run: u64,
    max_events: u64,
    room: Option<&RoomPlan>,
) -> Result<Played, SimError> {
    let mut ctx = Context::new(scenario, model, seed);
    ctx.max_events = max_events;
    let ctx = match room {
        Some(r) => ctx.with_room(r),
        None => ctx,
    };
    let mut ws = Workspace::new(&ctx);
    let mut bd = Breakdown::new(model.teams.len(), scenario.credentials.len());
    let mut trace = Vec::new();
    let metrics = simulate(&ctx, &mut ws, run, &mut bd, Some(&mut trace))?;
    Ok(Played { metrics, trace })
}

/// Runs `0..runs` of the seeded sequence (common random numbers), with the room's decisions
/// when given; metrics in run order.
pub fn room_runs(
    scenario: &Scenario,
    model: &Model,
    seed: u64,
    runs: u64,
    max_events: u64,
    room: Option<&RoomPlan>,
) -> Result<Vec<RunMetrics>, SimError> {
    const UNIT: u64 = 256;
    let mut ctx = Context::new(scenario, model, seed);
    ctx.max_events = max_events;
    let ctx = match room {
        Some(r) => ctx.with_room(r),
        None => ctx,
    };
    let units: Vec<u64> = (0..runs.div_ceil(UNIT)).collect();
    let done: Result<Vec<Vec<RunMetrics>>, SimError> = units
        .par_iter()
        .map(|&u| {
            let mut ws = Workspace::new(&ctx);
            let mut bd = Breakdown::new(model.teams.len(), scenario.credentials.len());
            (u * UNIT..((u + 1) * UNIT).min(runs))
                .map(|run| simulate(&ctx, &mut ws, run, &mut bd, None))
                .collect()
        })
        .collect();
    Ok(done?.into_iter().flatten().collect())
}

/// One of the three sides of the debrief.
pub struct Arm<'a> {
    /// "The room", "The model as written", "Best shipped model: x".
    pub label: String,
    pub model: &'a Model,
    pub played: &'a Played,
    pub runs: &'a [RunMetrics],
}

/// Everything the debrief shows.
pub struct Debrief<'a> {
    pub scenario: &'a Scenario,
    /// The pack folder and the sheet, as given.
    pub pack: String,
    pub sheet: String,
    pub seed: u64,
    pub run: u64,
    pub points: &'a [CapturePoint],
    pub rows: &'a [RoomRow],
    /// The room, the model as written, the best shipped model.
    pub arms: [Arm<'a>; 3],
}

/// `debrief.md`, `debrief.html` and the three timelines.
pub fn files(d: &Debrief) -> Vec<(String, Vec<u8>)> {
    let title = format!(
        "Debrief: the room's decisions on {} under {}",
        d.scenario.name, d.arms[1].model.name
    );
    let mut blocks = intro(d);
    blocks.extend(picked_run(d));
    blocks.extend(over_runs(d));
    let end = d.arms.iter().map(|a| run_end(a.played)).max().unwrap_or(0);
    let names = [
        "timeline-room.svg",
        "timeline-model.svg",
        "timeline-best.svg",
    ];
    let mut svgs = Vec::new();
    blocks.push(Block::Heading(format!(
        "The three timelines of run {} (one time scale)",
        d.run
    )));
    for (arm, name) in d.arms.iter().zip(names) {
        blocks.push(Block::Para(arm.label.clone()));
        blocks.push(Block::Svg(name.to_string()));
        let svg = timeline_svg(
            &format!(
                "{}: {} under {}",
                arm.label, d.scenario.name, arm.model.name
            ),
            arm.played,
            arm.model,
            end,
        );
        svgs.push((name.to_string(), svg));
    }
    let mut out = document("debrief", &title, &blocks, &svgs);
    out.extend(svgs.into_iter().map(|(n, s)| (n, s.into_bytes())));
    out
}

fn intro(d: &Debrief) -> Vec<Block> {
    let model = d.arms[1].model;
    let mut rows = Vec::new();
    for (i, p) in d.points.iter().enumerate() {
        let needed = format_offset(p.needed / 60 * 60);
        let row = match d.rows.iter().find(|r| r.point == i) {
            Some(r) => vec![
                p.point.clone(),
                p.module.clone(),
                needed.clone(),
                model.teams[r.team].id.clone(),
                format_offset(p.needed / 60 * 60 + r.delay),
                r.choice.name().to_string(),
                r.revoke
                    .iter()
                    .map(|&k| d.scenario.credentials[k].id.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ],
            None => vec![
                p.point.clone(),
                p.module.clone(),
                needed,
                String::new(),
                String::new(),
                "the model's decision".into(),
                String::new(),
            ],
        };
        rows.push(row);
    }
    vec![
        Block::Para(format!(
            "The pack {} (seed {}, run {}) replayed with the room's decisions from {}. The attack is the same in every column: the attacker's draws do not depend on who decides. The room's decisions apply to each run's own decision points with the same delays (docs/semantics.md, \"The room's decisions\").",
            d.pack, d.seed, d.run, d.sheet
        )),
        Block::Heading("The room's decisions".into()),
        Block::table(
            ["Point", "Module", "Needed", "Team", "Decided", "Choice", "Revoked"],
            rows,
        ),
    ]
}

/// Time to containment of one run, or "not contained".
fn ttc(m: &RunMetrics) -> String {
    m.time_to_containment
        .map_or("not contained".into(), |t| format_human(t as f64))
}

fn picked_run(d: &Debrief) -> Vec<Block> {
    let row = |name: &str, f: &dyn Fn(&RunMetrics) -> String| {
        let mut r = vec![name.to_string()];
        r.extend(d.arms.iter().map(|a| f(&a.played.metrics)));
        r
    };
    let at = |t: Option<u64>| t.map_or("never".into(), format_offset);
    let rows = vec![
        row("Time to containment", &ttc),
        row("Incident declared", &|m| at(m.time_to_declare)),
        row("First close", &|m| at(m.time_to_first_close)),
        row("Missed revocations (held and working at close)", &|m| {
            m.missed_revocations.to_string()
        }),
        row(
            "Wrongful revocations (credentials the attacker did not hold)",
            &|m| m.wrongful_revocations.to_string(),
        ),
        row("Revocations", &|m| m.revocations.to_string()),
    ];
    vec![
        Block::Heading(format!("The picked run (run {})", d.run)),
        Block::Table(head(d), rows),
    ]
}

fn head(d: &Debrief) -> Vec<String> {
    let mut h = vec!["Measure".to_string()];
    h.extend(d.arms.iter().map(|a| a.label.clone()));
    h
}

/// Attack runs' values of `f`.
fn attack(runs: &[RunMetrics], f: impl Fn(&RunMetrics) -> f64) -> Vec<f64> {
    runs.iter().filter(|m| m.attack).map(f).collect()
}

/// The mean of `v` with its 95% interval (t), from the paired difference with zero.
fn mean_ci(v: &[f64]) -> PairedDiff {
    paired_diff(&vec![0.0; v.len()], v)
}

/// The nearest-rank `p` quantile of times (`None`: not contained, above every time) with a
/// distribution-free 95% interval: the order statistics at ranks `n p ± 1.96 sqrt(n p (1-p))`.
fn quantile(times: &[Option<u64>], p: f64) -> Option<(Option<u64>, Option<u64>, Option<u64>)> {
    let n = times.len();
    if n == 0 {
        return None;
    }
    let mut sorted: Vec<u64> = times.iter().map(|t| t.unwrap_or(u64::MAX)).collect();
    sorted.sort_unstable();
    let nf = n as f64;
    let at = |rank: f64| {
        let r = (rank.clamp(1.0, nf) as usize).clamp(1, n) - 1;
        Some(sorted[r]).filter(|&t| t != u64::MAX)
    };
    let half = 1.96 * (nf * p * (1.0 - p)).sqrt();
    Some((
        at((p * nf).ceil()),
        at((nf * p - half).floor()),
        at((nf * p + half).ceil()),
    ))
}

fn hours(h: f64) -> String {
    format_human(h * 3600.0)
}

fn over_runs(d: &Debrief) -> Vec<Block> {
    let horizon = d.scenario.horizon;
    let n = d.arms[0].runs.len();
    let attacks = d.arms[0].runs.iter().filter(|m| m.attack).count();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut add = |name: &str, f: &dyn Fn(&[RunMetrics]) -> String| {
        let mut r = vec![name.to_string()];
        r.extend(d.arms.iter().map(|a| f(a.runs)));
        rows.push(r);
    };
    let ci = |v: PairedDiff, fmt: &dyn Fn(f64) -> String| {
        format!("{} ({} to {})", fmt(v.mean), fmt(v.low), fmt(v.high))
    };
    let rmean = |r: &[RunMetrics]| {
        attack(r, |m| {
            m.time_to_containment.unwrap_or(horizon) as f64 / 3600.0
        })
    };
    add("Restricted mean time to containment", &|r| {
        ci(mean_ci(&rmean(r)), &hours)
    });
    for (label, p) in [
        ("p50 time to containment", 0.5),
        ("p90 time to containment", 0.9),
    ] {
        add(label, &|r| {
            let times: Vec<Option<u64>> = r
                .iter()
                .filter(|m| m.attack)
                .map(|m| m.time_to_containment)
                .collect();
            let show =
                |t: Option<u64>| t.map_or("not contained".into(), |t| format_human(t as f64));
            quantile(&times, p).map_or("no attack runs".into(), |(q, lo, hi)| {
                if q.is_none() && hi.is_none() && lo.is_none() {
                    show(q)
                } else {
                    format!("{} ({} to {})", show(q), show(lo), show(hi))
                }
            })
        });
    }
    let share = |x: f64| format!("{:.1}%", x * 100.0);
    let count = |x: f64| format!("{x:.2}");
    add("Share contained by the horizon", &|r| {
        ci(mean_ci(&contained(r)), &|x: f64| share(x.clamp(0.0, 1.0)))
    });
    add("Missed revocations per attack run", &|r| {
        ci(mean_ci(&missed(r)), &|x: f64| count(x.max(0.0)))
    });
    add("Wrongful revocations per run", &|r| {
        ci(mean_ci(&wrongful(r)), &|x: f64| count(x.max(0.0)))
    });
    vec![
        Block::Heading(format!("Over {n} runs on common random numbers")),
        Block::Para(format!(
            "Runs 0 to {} of seed {} ({attacks} attack runs), the same attacks under each column. Values are means (or nearest-rank quantiles) with their 95% interval in brackets; a run not contained counts the scenario's horizon ({}) in the restricted mean.",
            n.saturating_sub(1),
            d.seed,
            format_human(horizon as f64)
        )),
        Block::Table(head(d), rows),
    ]
    .into_iter()
    .chain(differences(d))
    .collect()
}

fn contained(r: &[RunMetrics]) -> Vec<f64> {
    attack(r, |m| m.contained() as u8 as f64)
}

fn missed(r: &[RunMetrics]) -> Vec<f64> {
    attack(r, |m| m.missed_revocations as f64)
}

fn wrongful(r: &[RunMetrics]) -> Vec<f64> {
    r.iter().map(|m| m.wrongful_revocations as f64).collect()
}

/// The room minus each of the other two, paired by run, with verdicts.
fn differences(d: &Debrief) -> Vec<Block> {
    let horizon = d.scenario.horizon;
    let practical = Practical::default();
    type Metric<'m> = (
        &'m str,
        MetricKind,
        bool,
        Box<dyn Fn(&[RunMetrics]) -> Vec<f64> + 'm>,
    );
    let metrics: Vec<Metric> = vec![
        (
            "Restricted mean time to containment",
            MetricKind::Time,
            true,
            Box::new(move |r: &[RunMetrics]| {
                attack(r, |m| {
                    m.time_to_containment.unwrap_or(horizon) as f64 / 3600.0
                })
            }),
        ),
        (
            "Share contained",
            MetricKind::Share,
            false,
            Box::new(contained),
        ),
        (
            "Missed revocations per attack run",
            MetricKind::Count,
            true,
            Box::new(missed),
        ),
        (
            "Wrongful revocations per run",
            MetricKind::Count,
            true,
            Box::new(wrongful),
        ),
    ];
    let mut rows = Vec::new();
    for (name, kind, lower_is_better, f) in &metrics {
        let room = f(d.arms[0].runs);
        let mut row = vec![name.to_string()];
        for other in &d.arms[1..] {
            let reference = f(other.runs);
            let diff = paired_diff(&reference, &room);
            let threshold = practical.threshold(*kind, mean_ci(&reference).mean);
            let v = verdict(&diff, threshold, *lower_is_better);
            let show = |x: f64| match kind {
                MetricKind::Time => format!("{x:+.1}h"),
                MetricKind::Share => format!("{:+.1} points", x * 100.0),
                _ => format!("{x:+.2}"),
            };
            row.push(format!(
                "{} ({} to {}): the room is {}",
                show(diff.mean),
                show(diff.low),
                show(diff.high),
                v.text()
            ));
        }
        rows.push(row);
    }
    vec![
        Block::Heading("The room against the model and the best shipped model".into()),
        Block::Para(format!(
            "The room's value minus the other's, paired run by run, with its 95% interval. Better or worse only when the interval excludes zero and the difference is larger than what matters in practice ({}); equivalent when the whole interval is within that; inconclusive otherwise (docs/comparing.md).",
            practical.describe()
        )),
        Block::Table(
            vec![
                "Measure".into(),
                format!("The room minus {}", d.arms[1].label.to_lowercase()),
                format!("The room minus {}", d.arms[2].label.to_lowercase()),
            ],
            rows,
        ),
    ]
}
