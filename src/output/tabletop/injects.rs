//! Injects: what happens in the run, when (T+ and the wall clock), who sees it, and how it reads
//! aloud; and the part of the run one team saw.

use std::fmt::Write as _;

use super::Played;
use crate::domain::duration::{format_human, format_offset};
use crate::domain::{Activity, WaitCause, DAY, HOUR, MINUTE};
use crate::engine::TraceEvent;

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The wall clock at `t` seconds into a run that started `start_in_week` seconds into the week.
///
/// The start is taken to its minute, so the clock and the exercise clock (`T+hh:mm`, whole
/// minutes of `t`) always move together: T+20:56 after a Wednesday 08:50 start is Thursday
/// 05:46, whatever the seconds.
pub(super) fn wall_clock(start_in_week: u64, t: u64) -> String {
    let w = (start_in_week - start_in_week % MINUTE + t) % (7 * DAY);
    format!(
        "{} {:02}:{:02} UTC",
        DAYS[(w / DAY) as usize],
        (w % DAY) / HOUR,
        (w % HOUR) / MINUTE
    )
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
pub(super) fn inject_text(i: &Inject) -> String {
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

/// What one event says: its activity, what happened, and the wait before it and its cause.
pub(super) fn event_text(e: &TraceEvent) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_clock_names_the_day() {
        assert_eq!(wall_clock(4 * DAY + 18 * HOUR, 0), "Friday 18:00 UTC");
        // 08:50:40 + 20:56:30 is 05:47:10, but T+20:56 reads with the start's minute: 05:46.
        let start = 2 * DAY + 8 * HOUR + 50 * MINUTE + 40;
        assert_eq!(
            wall_clock(start, 20 * HOUR + 56 * MINUTE + 30),
            "Thursday 05:46 UTC"
        );
        assert_eq!(
            wall_clock(6 * DAY + 23 * HOUR, 2 * HOUR),
            "Monday 01:00 UTC"
        );
    }
}
