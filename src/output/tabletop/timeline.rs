//! The swimlane timeline: a lane per team and one for the attacker; tasks as blue bars, the
//! waits before them coloured by cause, attacker steps and signals as dots.

use std::fmt::Write as _;

use super::injects::event_text;
use super::{lanes, Played};
use crate::domain::duration::{format_human, format_offset};
use crate::domain::{WaitCause, DAY, HOUR};
use crate::engine::TraceEvent;
use crate::input::Model;
use crate::output::escape::html;

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

/// The colours of attacker dots: a step, a signal, a credential that stops working.
const STEP: &str = "#d62728";
const SIGNAL: &str = "#ff7f0e";
const EVICTED: &str = "#2ca02c";

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

/// Where things go on the drawing: lanes from `top`, the time axis from `left`, `width` wide,
/// running to `end`.
struct Frame {
    left: f64,
    width: f64,
    lane_h: f64,
    top: f64,
    lanes: usize,
    end: u64,
}

impl Frame {
    /// The x of time `t`.
    fn x(&self, t: u64) -> f64 {
        self.left + self.width * t as f64 / self.end as f64
    }

    /// The top of lane `i`.
    fn lane_y(&self, i: usize) -> f64 {
        self.top + i as f64 * self.lane_h
    }

    /// The y of the time axis, below the last lane.
    fn axis_y(&self) -> f64 {
        self.lane_y(self.lanes)
    }
}

/// The swimlane timeline: a lane per team and one for the attacker; tasks as blue bars, waits
/// before them coloured by cause.
/// `end` is the time the axis runs to (at least `run_end(played)`; a shared end puts two runs
/// on one scale).
pub fn timeline_svg(title: &str, played: &Played, model: &Model, end: u64) -> String {
    let folded = lanes::lanes(title, played, model);
    let f = Frame {
        left: 170.0,
        width: 900.0,
        lane_h: 46.0,
        top: 56.0,
        lanes: folded.names.len(),
        end: end.max(run_end(played)),
    };
    let mut o = String::new();
    draw_lanes(&mut o, &f, &folded);
    draw_axis(&mut o, &f);
    draw_tasks(&mut o, &f, played, &folded.of_team);
    draw_attacker(&mut o, &f, played);
    draw_legend(&mut o, &f);
    o.push_str("</svg>\n");
    o
}

/// The opening tag, the title and a band per lane with its label.
fn draw_lanes(o: &mut String, f: &Frame, folded: &lanes::Lanes) {
    let (left, width, lane_h) = (f.left, f.width, f.lane_h);
    let height = f.top + f.lanes as f64 * lane_h + 130.0;
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
        let y = f.lane_y(i);
        let fill = if i % 2 == 0 { "#f7f7f7" } else { "#ffffff" };
        let _ = writeln!(
            o,
            r##"<rect x="{left}" y="{y}" width="{width}" height="{lane_h}" fill="{fill}" stroke="#e0e0e0"/><text x="{}" y="{}" text-anchor="end">{}</text>"##,
            left - 8.0,
            y + lane_h / 2.0 + 4.0,
            html(name)
        );
    }
}

/// The time axis: about ten ticks at T+hh:mm, and its label.
fn draw_axis(o: &mut String, f: &Frame) {
    let (end, top, axis_y) = (f.end, f.top, f.axis_y());
    let step = [HOUR, 2 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY]
        .into_iter()
        .find(|s| end / s <= 12)
        .unwrap_or(7 * DAY);
    let mut t = 0;
    while t <= end {
        let _ = writeln!(
            o,
            r##"<line x1="{0}" y1="{top}" x2="{0}" y2="{axis_y}" stroke="#cccccc"/><text x="{0}" y="{1}" text-anchor="middle">{2}</text>"##,
            f.x(t),
            axis_y + 16.0,
            format_offset(t)
        );
        t += step;
    }
    let _ = writeln!(
        o,
        r#"<text x="{}" y="{}" text-anchor="middle">time since the attack started (T+hours:minutes)</text>"#,
        f.left + f.width / 2.0,
        axis_y + 34.0
    );
}

/// Every finished task as a bar in its team's lane, the wait before it coloured by cause.
fn draw_tasks(o: &mut String, f: &Frame, played: &Played, of_team: &[usize]) {
    let mut started: Vec<(u32, &TraceEvent)> = Vec::new();
    for e in &played.trace {
        match (e.task, e.what.as_str()) {
            (Some(task), "started") => started.push((task.id, e)),
            (Some(task), "done") => {
                if let Some(pos) = started.iter().position(|(id, _)| *id == task.id) {
                    let (_, s) = started.swap_remove(pos);
                    let y = f.lane_y(s.team.map_or(0, |t| of_team[t]));
                    draw_task(o, f, s, e.time, y);
                }
            }
            _ => {}
        }
    }
}

/// One task, started by `s` and done at `done`, in the lane whose top is `y`.
fn draw_task(o: &mut String, f: &Frame, s: &TraceEvent, done: u64, y: f64) {
    if s.wait > 0 {
        let c = s.cause.map_or("#cccccc", cause_colour);
        let _ = writeln!(
            o,
            r#"<rect x="{}" y="{}" width="{}" height="10" fill="{c}" opacity="0.8"><title>waited {} ({})</title></rect>"#,
            f.x(s.time - s.wait),
            y + 6.0,
            (f.x(s.time) - f.x(s.time - s.wait)).max(1.0),
            format_human(s.wait as f64),
            s.cause.map_or("", |c| c.name())
        );
    }
    let _ = writeln!(
        o,
        r##"<rect x="{}" y="{}" width="{}" height="18" fill="#1f77b4"><title>{}</title></rect>"##,
        f.x(s.time),
        y + 20.0,
        (f.x(done) - f.x(s.time)).max(2.0),
        html(&event_text(s))
    );
}

/// A dot on the attacker's lane: the first event of a group of one colour and how many more
/// it stands for.
struct Dot<'a> {
    colour: &'static str,
    first: &'a TraceEvent,
    more: u32,
    last: u64,
}

/// Attacker events on the first lane. Events of one colour closer than a dot's width to the
/// first of their group share its dot (its tooltip says how many), so an attacker looping
/// a stage for weeks draws a readable row of dots, not thousands of overlapping ones.
fn attacker_dots<'a>(f: &Frame, played: &'a Played) -> Vec<Dot<'a>> {
    let mut dots: Vec<Dot> = Vec::new();
    for e in played
        .trace
        .iter()
        .filter(|e| e.team.is_none() && e.activity.is_none())
    {
        let colour = if e.what.starts_with("signal") {
            SIGNAL
        } else if e.what.contains("evicted") || e.what.contains("stops working") {
            EVICTED
        } else {
            STEP
        };
        match dots.iter_mut().rev().find(|d| d.colour == colour) {
            Some(d) if f.x(e.time) - f.x(d.first.time) < 8.0 => {
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
    dots
}

fn draw_attacker(o: &mut String, f: &Frame, played: &Played) {
    for d in &attacker_dots(f, played) {
        let more = if d.more > 0 {
            format!(" (and {} more events to {})", d.more, format_offset(d.last))
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            r#"<circle cx="{}" cy="{}" r="5" fill="{}"><title>{} {}{more}</title></circle>"#,
            f.x(d.first.time),
            // Steps above signals, so a step and the signal it raised are both seen.
            f.top
                + f.lane_h / 2.0
                + match d.colour {
                    STEP => -7.0,
                    SIGNAL => 7.0,
                    _ => 0.0,
                },
            d.colour,
            format_offset(d.first.time),
            html(&d.first.what)
        );
    }
}

/// The legend: work, every wait cause (wrapping at the axis's end), then the attacker's dots.
fn draw_legend(o: &mut String, f: &Frame) {
    let left = f.left;
    let ly = f.axis_y() + 56.0;
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
        if lx + step > left + f.width {
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
        (STEP, "attacker step"),
        (SIGNAL, "signal"),
        (EVICTED, "attacker credential stops working"),
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
}
