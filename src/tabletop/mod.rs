//! Tabletop exercise packs: one seeded run, picked from the distribution, turned into what a
//! facilitator runs a discussion-based exercise with: brief and objectives, a timeline of
//! injects, decision points with the owners the model names and the delay that followed,
//! discussion questions from every stall, gap and missed revocation, an after-action template,
//! a swimlane timeline, and one handout per team with only what that team saw.

mod handouts;
mod lanes;

use std::fmt::Write as _;

pub use handouts::{handout_paths, model_handout_paths};

use crate::domain::{Activity, WaitCause, DAY, HOUR, MINUTE};
use crate::duration::{format_human, format_offset};
use crate::engine::metrics::{Breakdown, RunMetrics};
use crate::engine::{simulate, Context, SimError, TraceEvent, Workspace};
use crate::export::escape::{html, markdown};
use crate::input::{Model, Scenario};
use crate::lint::{lint, Level};

/// Which run of the seeded batch the pack is built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    Median,
    P90,
    Worst,
    Run(u64),
}

impl Pick {
    pub fn parse(s: &str) -> Result<Pick, String> {
        match s {
            "median" => Ok(Pick::Median),
            "p90" => Ok(Pick::P90),
            "worst" => Ok(Pick::Worst),
            _ => s
                .strip_prefix("run:")
                .and_then(|n| n.parse().ok())
                .map(Pick::Run)
                .ok_or_else(|| {
                    format!("\"{s}\" is not a pick; use median, p90, worst or run:I (e.g. run:42)")
                }),
        }
    }

    pub fn name(self) -> String {
        match self {
            Pick::Median => "median".into(),
            Pick::P90 => "p90".into(),
            Pick::Worst => "worst".into(),
            Pick::Run(i) => format!("run-{i}"),
        }
    }
}

/// The run index a pick selects from a batch: attack runs ordered by time to containment
/// (uncontained last, ties by run index), nearest rank for median and p90.
pub fn pick_run(runs: &[RunMetrics], pick: Pick) -> Option<u64> {
    if let Pick::Run(i) = pick {
        return Some(i);
    }
    let mut attacks: Vec<(u64, u64)> = runs
        .iter()
        .filter(|m| m.attack)
        .map(|m| (m.time_to_containment.unwrap_or(u64::MAX), m.run))
        .collect();
    if attacks.is_empty() {
        return None;
    }
    attacks.sort_unstable();
    let n = attacks.len();
    let rank = |p: f64| ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
    let i = match pick {
        Pick::Median => rank(0.5),
        Pick::P90 => rank(0.9),
        _ => n - 1,
    };
    Some(attacks[i].1)
}

/// One traced run.
pub struct Played {
    pub metrics: RunMetrics,
    pub trace: Vec<TraceEvent>,
}

pub fn play(
    scenario: &Scenario,
    model: &Model,
    seed: u64,
    run: u64,
    max_events: u64,
) -> Result<Played, SimError> {
    let mut ctx = Context::new(scenario, model, seed);
    ctx.max_events = max_events;
    let mut ws = Workspace::new(&ctx);
    let mut bd = Breakdown::new(model.teams.len());
    let mut trace = Vec::new();
    let metrics = simulate(&ctx, &mut ws, run, &mut bd, Some(&mut trace))?;
    Ok(Played { metrics, trace })
}

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn wall_clock(start_in_week: u64, t: u64) -> String {
    let w = (start_in_week + t) % (7 * DAY);
    format!(
        "{} {:02}:{:02} UTC",
        DAYS[(w / DAY) as usize],
        (w % DAY) / HOUR,
        (w % HOUR) / MINUTE
    )
}

fn team_name(model: &Model, t: Option<usize>) -> &str {
    t.map_or("attacker", |t| model.teams[t].id.as_str())
}

fn names(model: &Model, teams: &[usize]) -> String {
    if teams.is_empty() {
        "nobody".into()
    } else {
        teams
            .iter()
            .map(|&t| model.teams[t].id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A block of the facilitator guide, rendered to Markdown and HTML alike.
enum Block {
    Heading(String),
    Para(String),
    Bullets(Vec<String>),
    Table(Vec<String>, Vec<Vec<String>>),
    Svg(String),
    /// (text, relative link) items: links to files of the pack.
    Links(Vec<(String, String)>),
}

fn to_markdown(blocks: &[Block]) -> String {
    let mut o = String::new();
    for b in blocks {
        match b {
            Block::Heading(h) => {
                let _ = writeln!(o, "## {}\n", markdown(h));
            }
            Block::Para(p) => {
                let _ = writeln!(o, "{}\n", markdown(p));
            }
            Block::Bullets(items) => {
                for i in items {
                    let _ = writeln!(o, "- {}", markdown(i));
                }
                o.push('\n');
            }
            Block::Table(head, rows) => {
                let _ = writeln!(
                    o,
                    "| {} |",
                    head.iter()
                        .map(|h| markdown(h))
                        .collect::<Vec<_>>()
                        .join(" | ")
                );
                let _ = writeln!(o, "|{}", "---|".repeat(head.len()));
                for r in rows {
                    let _ = writeln!(
                        o,
                        "| {} |",
                        r.iter()
                            .map(|c| markdown(c))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    );
                }
                o.push('\n');
            }
            Block::Svg(file) => {
                let _ = writeln!(o, "![timeline]({file})\n");
            }
            Block::Links(links) => {
                for (text, href) in links {
                    let _ = writeln!(o, "- [{}]({href})", markdown(text));
                }
                o.push('\n');
            }
        }
    }
    o
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;font-size:.9rem;width:100%;margin:.5rem 0}th,td{border:1px solid #d6d6d6;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f4f6}td:empty::after{content:\"\\a0\"}.svg{overflow-x:auto;margin:.8rem 0}.svg svg{max-width:100%;height:auto}li{margin:.2rem 0}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}tr,.svg,li{break-inside:avoid}.svg{overflow:visible}}";

fn to_html(title: &str, blocks: &[Block], svgs: &[(String, String)]) -> String {
    let mut o = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{CSS}</style></head><body>\n<h1>{}</h1>\n",
        html(title),
        html(title)
    );
    for b in blocks {
        match b {
            Block::Heading(h) => {
                let _ = writeln!(o, "<h2>{}</h2>", html(h));
            }
            Block::Para(p) => {
                let _ = writeln!(o, "<p>{}</p>", html(p));
            }
            Block::Bullets(items) => {
                o.push_str("<ul>\n");
                for i in items {
                    let _ = writeln!(o, "<li>{}</li>", html(i));
                }
                o.push_str("</ul>\n");
            }
            Block::Table(head, rows) => {
                o.push_str("<table><thead><tr>");
                for h in head {
                    let _ = write!(o, "<th>{}</th>", html(h));
                }
                o.push_str("</tr></thead><tbody>\n");
                for r in rows {
                    o.push_str("<tr>");
                    for c in r {
                        let _ = write!(o, "<td>{}</td>", html(c));
                    }
                    o.push_str("</tr>\n");
                }
                o.push_str("</tbody></table>\n");
            }
            Block::Svg(file) => {
                let svg = svgs.iter().find(|(f, _)| f == file).map_or("", |(_, s)| s);
                let _ = writeln!(o, "<div class=\"svg\">{svg}</div>");
            }
            Block::Links(links) => {
                o.push_str("<ul>\n");
                for (text, href) in links {
                    let _ = writeln!(o, "<li><a href=\"{}\">{}</a></li>", html(href), html(text));
                }
                o.push_str("</ul>\n");
            }
        }
    }
    o.push_str("</body></html>\n");
    o
}

/// What a team saw of a run: its own tasks (when each reached it, started and finished),
/// the alerts it raised and the decisions it made.
pub fn team_view(played: &Played, team: usize) -> Vec<&TraceEvent> {
    played
        .trace
        .iter()
        .filter(|e| e.team == Some(team))
        .collect()
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

/// Missed revocations are counted at the first close; a run never closed has none to show.
fn missed(m: &RunMetrics) -> String {
    if m.time_to_first_close.is_some() {
        m.missed_revocations.to_string()
    } else {
        "not measured: the incident was never closed".into()
    }
}

/// What the pack raises from the run: a discussion question and the gap it points at, asked
/// once however often it recurs.
struct Concern {
    /// The question after "At T+hh:mm "; `{wait}` stands for the delay it is about.
    question: String,
    /// The after-action row; `{wait}` as above.
    gap: String,
    /// Who the model makes responsible for it ("nobody" for a gap in the model).
    owner: String,
    first: u64,
    again: u32,
    last: u64,
    longest: u64,
}

#[derive(Default)]
struct Concerns(Vec<Concern>);

impl Concerns {
    /// A concern at `time` about a delay of `wait` seconds (0 if none).
    fn at(&mut self, time: u64, wait: u64, question: String, gap: String, owner: &str) {
        if let Some(c) = self.0.iter_mut().find(|c| c.question == question) {
            c.again += 1;
            c.last = time;
            c.longest = c.longest.max(wait);
        } else {
            self.0.push(Concern {
                question,
                gap,
                owner: owner.to_string(),
                first: time,
                again: 0,
                last: time,
                longest: wait,
            });
        }
    }

    fn wait(c: &Concern) -> String {
        let wait = format_human(c.longest as f64);
        if c.again > 0 {
            format!("up to {wait}")
        } else {
            wait
        }
    }

    fn questions(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|c| {
                let mut s = format!(
                    "At {} {}",
                    format_offset(c.first),
                    c.question.replace("{wait}", &Self::wait(c))
                );
                if c.again > 0 {
                    let _ = write!(
                        s,
                        " It happened {} times, the last at {}.",
                        c.again + 1,
                        format_offset(c.last)
                    );
                }
                s
            })
            .collect()
    }

    /// Rows of the after-action gap table: gap, owner, and blanks for action and due.
    fn gaps(&self) -> Vec<Vec<String>> {
        self.0
            .iter()
            .map(|c| {
                let mut gap = format!(
                    "{} {}",
                    format_offset(c.first),
                    c.gap.replace("{wait}", &Self::wait(c))
                );
                if c.again > 0 {
                    let _ = write!(gap, " ({} times)", c.again + 1);
                }
                vec![gap, c.owner.clone(), String::new(), String::new()]
            })
            .collect()
    }
}

/// The activity of task `id`, from its start in the trace.
fn parent_activity(trace: &[TraceEvent], id: u32) -> Option<Activity> {
    trace
        .iter()
        .find(|e| e.what == "started" && e.task.is_some_and(|t| t.id == id))
        .and_then(|e| e.activity)
}

/// A decision the run needed (triage's declaration, approving containment, closing), from the
/// moment it became ready to the moment it was made.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionPoint {
    pub activity: Activity,
    /// When the decision became ready (its predecessor finished).
    pub needed: u64,
    /// The team that worked it (its R, or whoever escalation handed it to); `None` if nobody.
    pub worked_by: Option<usize>,
    /// When the last of its work, consults and sign-offs finished; `None` if not by the end.
    pub decided: Option<u64>,
    /// Waiting on the way, by cause (see `decision_points`).
    pub waits: [u64; WaitCause::COUNT],
    /// Working time: R's task and the first signature.
    pub work: u64,
    /// What was decided ("incident declared", "alert dismissed", ...), as the trace says it.
    pub outcome: Option<String>,
    /// The team whose signature came last, when the decision needed another team's.
    pub last_signer: Option<usize>,
}

/// Every decision point of a traced run under `model`, in the order they became ready. The
/// time from needed to decided is split the way the engine attributes it: R's wait and work,
/// consults answering after R finished, then the sign-off (a lone A's wait and work; for a
/// committee the first signature, then split accountability until the last).
pub fn decision_points(trace: &[TraceEvent], model: &Model) -> Vec<DecisionPoint> {
    use std::collections::BTreeMap;
    let (mut started, mut done) = (BTreeMap::new(), BTreeMap::new());
    for e in trace {
        if let Some(t) = e.task {
            match e.what.as_str() {
                "started" => {
                    started.insert(t.id, e);
                }
                "done" => {
                    done.insert(t.id, e.time);
                }
                _ => {}
            }
        }
    }
    let done_at = |e: &TraceEvent| e.task.and_then(|t| done.get(&t.id).copied());
    let mut out: Vec<DecisionPoint> = Vec::new();
    for s in started.values() {
        let (Some(activity), Some(task)) = (s.activity, s.task) else {
            continue;
        };
        if !activity.is_decision() {
            continue;
        }
        let mut point = DecisionPoint {
            activity,
            needed: s.time - s.wait,
            worked_by: s.team,
            decided: None,
            waits: s.waits,
            work: 0,
            outcome: None,
            last_signer: None,
        };
        let children: Vec<&TraceEvent> = started
            .values()
            .copied()
            .filter(|c| c.task.and_then(|t| t.parent) == Some(task.id))
            .collect();
        let (consults, sign_offs): (Vec<&TraceEvent>, Vec<&TraceEvent>) = children
            .into_iter()
            .partition(|c| c.activity == Some(Activity::Consult));
        let Some(r_done) = done_at(s) else {
            out.push(point);
            continue;
        };
        point.work = r_done - s.time;
        // R and every consult done: the decision goes to its A.
        let consulted: Option<Vec<u64>> = consults.iter().map(|c| done_at(c)).collect();
        let Some(consulted) = consulted else {
            out.push(point);
            continue;
        };
        let t1 = consulted.into_iter().fold(r_done, u64::max);
        point.waits[WaitCause::Consult.index()] += t1 - r_done;
        let signed: Option<Vec<(u64, &TraceEvent)>> = sign_offs
            .iter()
            .map(|so| done_at(so).map(|d| (d, *so)))
            .collect();
        let Some(mut signed) = signed else {
            out.push(point);
            continue;
        };
        signed.sort_by_key(|(d, _)| *d);
        let a = &model
            .row(activity, crate::domain::CredentialKind::Session)
            .a;
        let committee = a.len() > 1;
        let self_signed = s.team.is_some_and(|t| a.contains(&t));
        point.decided = Some(signed.last().map_or(t1, |(d, _)| *d));
        point.last_signer = signed.last().and_then(|(_, so)| so.team);
        if let (Some(&(first, so)), Some(&(last, _))) = (signed.first(), signed.last()) {
            let first_signature = if committee && self_signed {
                t1
            } else {
                for (w, x) in point.waits.iter_mut().zip(so.waits) {
                    *w += x;
                }
                point.work += first - so.time;
                first
            };
            if committee {
                point.waits[WaitCause::SplitAccountability.index()] += last - first_signature;
            }
        }
        out.push(point);
    }
    // Decisions that became ready and were never started (nobody owns them).
    for e in trace {
        let Some(activity) = e.activity.filter(|a| a.is_decision()) else {
            continue;
        };
        if e.what == "ready"
            && !out
                .iter()
                .any(|p| p.activity == activity && p.needed == e.time)
        {
            out.push(DecisionPoint {
                activity,
                needed: e.time,
                worked_by: None,
                decided: None,
                waits: [0; WaitCause::COUNT],
                work: 0,
                outcome: None,
                last_signer: None,
            });
        }
    }
    // Decided means the engine said what was decided when the last of the work finished; a
    // sign-off that never started (nobody accountable) leaves no task behind, only no outcome.
    for p in &mut out {
        let Some(decided) = p.decided else { continue };
        p.outcome = trace
            .iter()
            .filter(|e| e.time == decided && e.task.is_none() && e.activity == Some(p.activity))
            .map(|e| e.what.clone())
            .find(|w| {
                w != "ready" && !w.starts_with("decision waited") && !w.starts_with("informed that")
            });
        if p.outcome.is_none() {
            p.decided = None;
        }
    }
    out.sort_by_key(|p| p.needed);
    out
}

/// One row of the inject timeline.
#[derive(Debug, PartialEq)]
pub struct Inject<'a> {
    pub event: &'a TraceEvent,
    /// Later repeats folded into this row (see `injects`), and the time of the last.
    pub repeats: u32,
    pub last: u64,
    /// The longest wait before any of them started.
    pub longest_wait: u64,
}

/// The inject timeline: every event but "ready" notes, in order, with repeats folded. An
/// event that repeats one listed since the last new event (one whose team, activity, what
/// happened and cause of waiting the run has not shown before) is counted on that row instead
/// of listed again, with the longest wait among them. An attacker looping a
/// stage for days, or a SOC dismissing the same decoy alert all week, reads as a few rows with
/// counts, not thousands; anything new (a revocation, a scope that finds a credential) starts
/// the listing afresh.
pub fn injects<'a>(events: impl IntoIterator<Item = &'a TraceEvent>) -> Vec<Inject<'a>> {
    // The same inject: team, activity, what happened and the cause of any wait (not its length).
    type Key<'a> = (Option<usize>, Option<Activity>, &'a str, Option<WaitCause>);
    let key = |e: &'a TraceEvent| -> Key<'a> { (e.team, e.activity, e.what.as_str(), e.cause) };
    let mut out: Vec<Inject> = Vec::new();
    let mut seen: std::collections::BTreeSet<Key> = Default::default();
    // Rows listed since the last new event.
    let mut open: Vec<usize> = Vec::new();
    for e in events.into_iter().filter(|e| e.what != "ready") {
        if let Some(&i) = open.iter().find(|&&i| key(out[i].event) == key(e)) {
            let row = &mut out[i];
            row.repeats += 1;
            row.last = e.time;
            row.longest_wait = row.longest_wait.max(e.wait);
            continue;
        }
        if seen.insert(key(e)) {
            open.clear();
        }
        open.push(out.len());
        out.push(Inject {
            event: e,
            repeats: 0,
            last: e.time,
            longest_wait: e.wait,
        });
    }
    out
}

/// What an inject row says, with how often it repeated.
fn inject_text(i: &Inject) -> String {
    let mut text = event_text(i.event);
    if i.repeats > 0 {
        let _ = write!(
            text,
            " (and {} more time{}, the last at {}",
            i.repeats,
            if i.repeats == 1 { "" } else { "s" },
            format_offset(i.last)
        );
        if i.longest_wait > i.event.wait {
            let _ = write!(
                text,
                "; waits up to {}",
                format_human(i.longest_wait as f64)
            );
        }
        text.push(')');
    }
    text
}

fn event_text(e: &TraceEvent) -> String {
    let mut s = match e.activity {
        Some(a) => format!("{}: {}", a.name(), e.what),
        None => e.what.clone(),
    };
    if let Some(c) = e.cause {
        let _ = write!(
            s,
            " (after waiting {}, mostly {c})",
            format_human(e.wait as f64)
        );
    }
    s
}

/// Colour of a wait cause in the timeline.
fn cause_colour(c: WaitCause) -> &'static str {
    match c {
        WaitCause::Unowned => "#d62728",
        WaitCause::Ambiguous => "#ff7f0e",
        WaitCause::NoAccountable => "#e377c2",
        WaitCause::SplitAccountability => "#9467bd",
        WaitCause::Consult => "#8c564b",
        WaitCause::OffHours => "#7f7f7f",
        WaitCause::Paging => "#bcbd22",
        WaitCause::Queue => "#17becf",
        WaitCause::ResidualValidity => "#393b79",
    }
}

/// The last time anything happened in a run (at least an hour, so an axis has a length).
pub fn run_end(played: &Played) -> u64 {
    played
        .trace
        .iter()
        .map(|e| e.time)
        .max()
        .unwrap_or(0)
        .max(HOUR)
}

/// The swimlane timeline: a lane per team and one for the attacker; tasks as blue bars, waits
/// before them coloured by cause.
/// `end` is the time the axis runs to (at least `run_end(played)`; a shared end puts two runs
/// on one scale).
pub fn timeline_svg(title: &str, played: &Played, model: &Model, end: u64) -> String {
    let end = end.max(run_end(played));
    let folded = lanes::lanes(title, played, model);
    let lanes = folded.names.len();
    let (left, width, lane_h, top) = (170.0, 900.0, 46.0, 56.0);
    let height = top + lanes as f64 * lane_h + 130.0;
    let x = |t: u64| left + width * t as f64 / end as f64;
    let mut o = String::new();
    let _ = writeln!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{height}" viewBox="0 0 {} {height}" font-family="sans-serif" font-size="13">"#,
        left + width + 30.0,
        left + width + 30.0
    );
    let _ = writeln!(
        o,
        r#"<rect width="100%" height="100%" fill="white"/><text x="{left}" y="24" font-size="17">{}</text>"#,
        html(&folded.title)
    );
    for (i, name) in folded.names.iter().enumerate() {
        let y = top + i as f64 * lane_h;
        let fill = if i % 2 == 0 { "#f7f7f7" } else { "#ffffff" };
        let _ = writeln!(
            o,
            r##"<rect x="{left}" y="{y}" width="{width}" height="{lane_h}" fill="{fill}" stroke="#e0e0e0"/><text x="{}" y="{}" text-anchor="end">{}</text>"##,
            left - 8.0,
            y + lane_h / 2.0 + 4.0,
            html(name)
        );
    }
    // time axis: about ten ticks
    let step = [HOUR, 2 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY]
        .into_iter()
        .find(|s| end / s <= 12)
        .unwrap_or(7 * DAY);
    let axis_y = top + lanes as f64 * lane_h;
    let mut t = 0;
    while t <= end {
        let _ = writeln!(
            o,
            r##"<line x1="{0}" y1="{top}" x2="{0}" y2="{axis_y}" stroke="#cccccc"/><text x="{0}" y="{1}" text-anchor="middle">{2}</text>"##,
            x(t),
            axis_y + 16.0,
            format_offset(t)
        );
        t += step;
    }
    let _ = writeln!(
        o,
        r#"<text x="{}" y="{}" text-anchor="middle">time since the attack started (T+hours:minutes)</text>"#,
        left + width / 2.0,
        axis_y + 34.0
    );
    // tasks and their waits
    let mut started: Vec<(u32, &TraceEvent)> = Vec::new();
    for e in &played.trace {
        match (e.task, e.what.as_str()) {
            (Some(task), "started") => started.push((task.id, e)),
            (Some(task), "done") => {
                if let Some(pos) = started.iter().position(|(id, _)| *id == task.id) {
                    let (_, s) = started.swap_remove(pos);
                    let lane = s.team.map_or(0, |t| folded.of_team[t]);
                    let y = top + lane as f64 * lane_h;
                    if s.wait > 0 {
                        let c = s.cause.map_or("#cccccc", cause_colour);
                        let _ = writeln!(
                            o,
                            r#"<rect x="{}" y="{}" width="{}" height="10" fill="{c}" opacity="0.8"><title>waited {} ({})</title></rect>"#,
                            x(s.time - s.wait),
                            y + 6.0,
                            (x(s.time) - x(s.time - s.wait)).max(1.0),
                            format_human(s.wait as f64),
                            s.cause.map_or("", |c| c.name())
                        );
                    }
                    let _ = writeln!(
                        o,
                        r##"<rect x="{}" y="{}" width="{}" height="18" fill="#1f77b4"><title>{}</title></rect>"##,
                        x(s.time),
                        y + 20.0,
                        (x(e.time) - x(s.time)).max(2.0),
                        html(&event_text(s))
                    );
                }
            }
            _ => {}
        }
    }
    // Attacker events on the first lane. Events of one colour closer than a dot's width to the
    // first of their group share its dot (its tooltip says how many), so an attacker looping
    // a stage for weeks draws a readable row of dots, not thousands of overlapping ones.
    struct Dot<'a> {
        colour: &'static str,
        first: &'a TraceEvent,
        more: u32,
        last: u64,
    }
    let mut dots: Vec<Dot> = Vec::new();
    for e in played
        .trace
        .iter()
        .filter(|e| e.team.is_none() && e.activity.is_none())
    {
        let colour = if e.what.starts_with("signal") {
            "#ff7f0e"
        } else if e.what.contains("evicted") || e.what.contains("stops working") {
            "#2ca02c"
        } else {
            "#d62728"
        };
        match dots.iter_mut().rev().find(|d| d.colour == colour) {
            Some(d) if x(e.time) - x(d.first.time) < 8.0 => {
                d.more += 1;
                d.last = e.time;
            }
            _ => dots.push(Dot {
                colour,
                first: e,
                more: 0,
                last: e.time,
            }),
        }
    }
    for d in &dots {
        let more = if d.more > 0 {
            format!(" (and {} more events to {})", d.more, format_offset(d.last))
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            r#"<circle cx="{}" cy="{}" r="5" fill="{}"><title>{} {}{more}</title></circle>"#,
            x(d.first.time),
            // Steps above signals, so a step and the signal it raised are both seen.
            top + lane_h / 2.0
                + match d.colour {
                    "#d62728" => -7.0,
                    "#ff7f0e" => 7.0,
                    _ => 0.0,
                },
            d.colour,
            format_offset(d.first.time),
            html(&d.first.what)
        );
    }
    // legend
    let ly = axis_y + 56.0;
    let mut lx = left;
    let _ = writeln!(
        o,
        r##"<rect x="{lx}" y="{}" width="14" height="10" fill="#1f77b4"/><text x="{}" y="{ly}">work</text>"##,
        ly - 9.0,
        lx + 18.0
    );
    lx += 70.0;
    let mut ly = ly;
    for c in WaitCause::ALL {
        let step = 18.0 + 7.5 * c.name().len() as f64 + 14.0;
        if lx + step > left + width {
            lx = left;
            ly += 20.0;
        }
        let _ = writeln!(
            o,
            r#"<rect x="{lx}" y="{}" width="14" height="10" fill="{}"/><text x="{}" y="{ly}">{}</text>"#,
            ly - 9.0,
            cause_colour(*c),
            lx + 18.0,
            c.name()
        );
        lx += step;
    }
    let ly = ly + 22.0;
    let mut lx = left;
    for (colour, label) in [
        ("#d62728", "attacker step"),
        ("#ff7f0e", "signal"),
        ("#2ca02c", "attacker credential stops working"),
    ] {
        let _ = writeln!(
            o,
            r#"<circle cx="{}" cy="{}" r="5" fill="{colour}"/><text x="{}" y="{ly}">{label}</text>"#,
            lx + 6.0,
            ly - 4.0,
            lx + 16.0
        );
        lx += 16.0 + 7.5 * label.len() as f64 + 20.0;
    }
    o.push_str("</svg>\n");
    o
}

/// Everything the pack holds, as (path in the folder, bytes).
#[allow(clippy::too_many_arguments)]
pub fn build_pack(
    scenario: &Scenario,
    model: &Model,
    model_text: (&str, &str),
    played: &Played,
    pick: Pick,
    seed: u64,
    vs: Option<(&Model, &Played)>,
) -> Vec<(String, Vec<u8>)> {
    let m = &played.metrics;
    let title = format!("Tabletop exercise: {} under {}", scenario.name, model.name);
    let mut blocks = Vec::new();
    blocks.push(Block::Heading("Scenario brief".into()));
    blocks.push(Block::Para(scenario.summary.clone()));
    blocks.push(Block::Para(format!(
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
    )));
    blocks.push(Block::Para(at_a_glance(m, scenario.horizon)));
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
    blocks.push(Block::Table(
        ["credential", "kind", "plane", "identity", "attacker"]
            .map(String::from)
            .to_vec(),
        creds,
    ));
    blocks.push(Block::Para(format!(
        "Sources: {}",
        scenario.sources.join("; ")
    )));
    blocks.push(Block::Heading("Objectives".into()));
    blocks.push(Block::Bullets(vec![
        "Walk the response step by step and say, at each step, which team acts and who decides.".into(),
        "Find where work waits between teams, and why.".into(),
        "Check that every credential the attacker holds has an owner who revokes it and someone who verifies it is gone.".into(),
        format!("Agree what to change in the ownership model \"{}\".", model.name),
    ]));

    blocks.push(Block::Heading("Timeline of injects".into()));
    blocks.push(Block::Para("What happens, when, and who sees it. Read each inject aloud at its time; players answer as the team named.".into()));
    let rows: Vec<Vec<String>> = injects(&played.trace)
        .into_iter()
        .map(|i| {
            let text = inject_text(&i);
            vec![
                format_offset(i.event.time),
                wall_clock(m.start_in_week, i.event.time),
                match i.event.team {
                    Some(t) => model.teams[t].id.clone(),
                    None => "facilitator only".to_string(),
                },
                text,
            ]
        })
        .collect();
    blocks.push(Block::Table(
        ["T+", "clock", "who sees it", "what happens"]
            .map(String::from)
            .to_vec(),
        rows,
    ));
    blocks.push(Block::Svg("timeline.svg".into()));

    blocks.push(Block::Heading("Decision points".into()));
    let mut decisions = Vec::new();
    for d in decision_points(&played.trace, model) {
        let row = model.row(d.activity, crate::domain::CredentialKind::Session);
        let took = match d.decided {
            Some(t) => {
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
            None => "not decided by the end of the run".into(),
        };
        decisions.push(vec![
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
            took,
        ]);
    }
    if decisions.is_empty() {
        blocks.push(Block::Para(
            "No decision was needed in this run: the response never got as far as triage.".into(),
        ));
    } else {
        blocks.push(Block::Para(
            "Each decision from the moment it was needed to the moment it was made: who worked it, the owners the model names, and where the time went.".into(),
        ));
    }
    blocks.push(Block::Table(
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
        ]
        .map(String::from)
        .to_vec(),
        decisions,
    ));

    // Discussion questions and after-action gaps from every stall, gap and missed revocation;
    // the same question raised again later in the run is counted on its first asking.
    let mut raised = Concerns::default();
    for e in &played.trace {
        let Some(a) = e.activity else { continue };
        let a = a.name();
        if e.what.starts_with("never done") {
            raised.at(
                e.time,
                0,
                format!("the {a} task was never done: nobody owns it and nobody is escalated to. Who should?"),
                format!("{a} never done: no owner and no escalation"),
                "nobody",
            );
        } else if e.what.starts_with("escalated") {
            raised.at(
                e.time,
                0,
                format!("the {a} task went to escalation after waiting: {}. Who should have owned it from the start?", e.what),
                format!("{a} {}", e.what),
                "nobody until escalated",
            );
        } else if let Some(c) = e.cause {
            // A committee member's wait is the decision's split accountability, raised below.
            let committee = a == "sign_off"
                && e.task.and_then(|t| t.parent).is_some_and(|p| {
                    parent_activity(&played.trace, p).is_some_and(|pa| {
                        model
                            .row(pa, crate::domain::CredentialKind::Session)
                            .a
                            .len()
                            > 1
                    })
                });
            if !committee && (c.is_ownership() || e.wait > model.policy.stall_threshold) {
                let team = team_name(model, e.team);
                raised.at(
                    e.time,
                    e.wait,
                    format!("{a} waited {{wait}} before {team} started it ({c}). What would have shortened it?"),
                    format!("{a} waited {{wait}} for {team} ({c})"),
                    team,
                );
            }
        }
    }
    for d in decision_points(&played.trace, model) {
        let a = d.activity.name();
        let accountable = names(
            model,
            &model
                .row(d.activity, crate::domain::CredentialKind::Session)
                .a,
        );
        let split = d.waits[WaitCause::SplitAccountability.index()];
        match d.decided {
            Some(t) if split > 0 => {
                let last = team_name(model, d.last_signer);
                raised.at(
                    t,
                    split,
                    format!("the {a} decision waited {{wait}} for the last of its accountable teams ({accountable}) to sign (the last: {last}). Does it need every one of them?"),
                    format!("{a} waited {{wait}} for the last of {accountable} to sign (split_accountability)"),
                    &accountable,
                );
            }
            Some(_) => {}
            None => raised.at(
                d.needed,
                0,
                format!("the {a} decision was needed and never made by the end of the run. Who is accountable for it?"),
                format!("{a} never decided"),
                &accountable,
            ),
        }
    }
    for e in played.trace.iter().filter(|e| e.what.contains("lost")) {
        raised.at(
            e.time,
            0,
            format!("a {}. Who should be watching that plane?", e.what),
            e.what.clone(),
            "nobody",
        );
    }
    raised.0.sort_by_key(|c| c.first);
    let mut questions = raised.questions();
    let mut gaps = raised.gaps();
    for c in &scenario.credentials {
        if m.missed_by_kind[c.kind.index()] > 0 && model.revoke[c.kind.index()].r.is_empty() {
            questions.push(format!(
                "Nobody owns revoking {} credentials such as {}; who would?",
                c.kind.name(),
                c.id
            ));
            gaps.push(vec![
                format!(
                    "nobody owns revoking {} credentials ({} missed)",
                    c.kind.name(),
                    c.id
                ),
                "nobody".into(),
                String::new(),
                String::new(),
            ]);
        }
    }
    if m.missed_revocations > 0 {
        questions.push(format!(
            "The incident {} with {} attacker credential(s) still working. How would you have known?",
            if m.time_to_first_close.is_some() { "was closed" } else { "ended" },
            m.missed_revocations
        ));
        let verify = model.row(
            crate::domain::Activity::Verify,
            crate::domain::CredentialKind::Session,
        );
        gaps.push(vec![
            format!(
                "closed with {} attacker credential(s) still working",
                m.missed_revocations
            ),
            format!("verify: {}", names(model, &verify.r)),
            String::new(),
            String::new(),
        ]);
    }
    let (label, text) = model_text;
    for f in lint(model, label, text, std::slice::from_ref(scenario)) {
        if f.level == Level::Error {
            questions.push(format!("{} [{}]: {}", f.message, f.code, f.help));
            gaps.push(vec![
                format!("{} [{}]", f.message, f.code),
                "the model".into(),
                f.help.clone(),
                String::new(),
            ]);
        }
    }
    if questions.is_empty() {
        questions.push("Nothing stalled in this run. Would it have gone as well at 3am on a Sunday, or with one team absent?".into());
    }
    questions.dedup();
    blocks.push(Block::Heading("Discussion questions".into()));
    blocks.push(Block::Bullets(questions));

    blocks.push(Block::Heading("After-action report (prefilled)".into()));
    let ttc = m.time_to_containment.map_or(
        format!(
            "not contained within {}",
            format_human(scenario.horizon as f64)
        ),
        |t| format_human(t as f64),
    );
    let mut measured = vec![
        vec![
            "time to detect".into(),
            m.time_to_detect
                .map_or("never".into(), |t| format_human(t as f64)),
        ],
        vec![
            "time to declare".into(),
            m.time_to_declare
                .map_or("never".into(), |t| format_human(t as f64)),
        ],
        vec![
            "time to first revocation".into(),
            m.time_to_first_revocation
                .map_or("never".into(), |t| format_human(t as f64)),
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
    blocks.push(Block::Table(
        ["measure", "this run"].map(String::from).to_vec(),
        measured,
    ));
    blocks.push(Block::Table(
        ["gap found", "owner", "action", "due"]
            .map(String::from)
            .to_vec(),
        // The measured gaps, then blank rows for what the players find.
        gaps.into_iter()
            .chain(std::iter::repeat_n(vec![String::new(); 4], 2))
            .collect(),
    ));

    // With --vs both timelines share one time scale, so the debrief can set them side by side.
    let end = vs.map_or(run_end(played), |(_, vp)| run_end(played).max(run_end(vp)));
    let mut svgs = vec![(
        "timeline.svg".to_string(),
        timeline_svg(
            &format!("{} under {}", scenario.name, model.name),
            played,
            model,
            end,
        ),
    )];
    if let Some((vm, vp)) = vs {
        blocks.push(Block::Heading(format!(
            "Debrief: the same attack under {}",
            vm.name
        )));
        let v = &vp.metrics;
        let fmt = |t: Option<u64>| t.map_or("never".to_string(), |t| format_human(t as f64));
        blocks.push(Block::Table(
            ["measure".to_string(), model.name.clone(), vm.name.clone()].to_vec(),
            vec![
                vec![
                    "time to declare".into(),
                    fmt(m.time_to_declare),
                    fmt(v.time_to_declare),
                ],
                vec![
                    "time to first revocation".into(),
                    fmt(m.time_to_first_revocation),
                    fmt(v.time_to_first_revocation),
                ],
                vec![
                    "time to containment".into(),
                    fmt(m.time_to_containment),
                    fmt(v.time_to_containment),
                ],
                vec!["missed revocations".into(), missed(m), missed(v)],
                vec!["stalls".into(), m.stalls.to_string(), v.stalls.to_string()],
            ],
        ));
        blocks.push(Block::Para(format!(
            "The two timelines on one time scale: {} above, {} below.",
            model.name, vm.name
        )));
        blocks.push(Block::Svg("timeline.svg".into()));
        blocks.push(Block::Svg("vs/timeline.svg".into()));
        svgs.push((
            "vs/timeline.svg".to_string(),
            timeline_svg(&format!("{} under {}", scenario.name, vm.name), vp, vm, end),
        ));
    }

    blocks.extend(handouts::guide_links(model));
    let mut files = vec![
        (
            "facilitator.md".to_string(),
            format!("# {}\n\n{}", markdown(&title), to_markdown(&blocks)).into_bytes(),
        ),
        (
            "facilitator.html".to_string(),
            to_html(&title, &blocks, &svgs).into_bytes(),
        ),
    ];
    for (name, svg) in svgs {
        files.push((name, svg.into_bytes()));
    }
    files.extend(handouts::handout_files(model, played));
    files
}

/// The default folder for a pack.
pub fn default_dir(scenario: &Scenario, model: &Model, pick: Pick) -> std::path::PathBuf {
    std::path::PathBuf::from("reports").join(format!(
        "tabletop-{}-{}-{}",
        crate::export::slug(&scenario.name),
        crate::export::slug(&model.name),
        pick.name()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_parse() {
        assert_eq!(Pick::parse("p90"), Ok(Pick::P90));
        assert_eq!(Pick::parse("run:7"), Ok(Pick::Run(7)));
        assert!(Pick::parse("p95")
            .unwrap_err()
            .contains("median, p90, worst or run:I"));
    }

    #[test]
    fn wall_clock_names_the_day() {
        assert_eq!(wall_clock(4 * DAY + 18 * HOUR, 0), "Friday 18:00 UTC");
        assert_eq!(
            wall_clock(6 * DAY + 23 * HOUR, 2 * HOUR),
            "Monday 01:00 UTC"
        );
    }
}
