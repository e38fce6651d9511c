//! The calendar: a run's start as an instant, each team's local date, weekday and time of day,
//! its business hours and the model's holidays (dated runs only).
//!
//! Every run has an instant `epoch0` (seconds after 1970-01-01T00:00:00Z). A dated start gives
//! it; an undated one (`At`, `UniformWeek`) is placed in the week of Monday 1970-01-05, where
//! holidays never apply, so weekday and time of day are exactly as before dated starts existed.

use super::*;

/// 1970-01-05, a Monday, as seconds after 1970-01-01 (a Thursday).
const UNDATED_MONDAY: i64 = 4 * DAY as i64;

/// The start instant and seconds after the Monday 00:00 UTC before it, for run streams that
/// have drawn `benign` already. Draws one value from `run_rng` for `UniformWeek` and `WeekOf`
/// (the same draw, so paired runs share their offset within the week of their start).
pub(super) fn start_instant(start: Start, run_rng: &mut ChaCha8Rng) -> (i64, u64) {
    let epoch0 = match start {
        Start::At(s) => UNDATED_MONDAY + s as i64,
        Start::UniformWeek => UNDATED_MONDAY + run_rng.random_range(0..WEEK) as i64,
        Start::Date(t) => t,
        Start::WeekOf(t) => t + run_rng.random_range(0..WEEK) as i64,
    };
    let week_offset = (epoch0 + 3 * DAY as i64).rem_euclid(WEEK as i64) as u64;
    (epoch0, week_offset)
}

impl<'c, 'w> Sim<'c, 'w> {
    /// Team-local seconds after 1970-01-01 at run time `t`.
    fn local(&self, team: usize, t: u64) -> i64 {
        self.epoch0 + t as i64 + self.m.teams[team].utc_offset
    }

    /// Whether local day number `day` is a working day of `days` (and not a holiday).
    fn working_day(&self, days: u8, day: i64) -> bool {
        let weekday = (day + 3).rem_euclid(7);
        days & (1 << weekday) != 0 && !(self.dated && self.m.holidays.binary_search(&day).is_ok())
    }

    pub(super) fn on_shift(&self, team: usize, t: u64) -> bool {
        match self.m.teams[team].coverage {
            Coverage::AlwaysOn => true,
            Coverage::BusinessHours {
                start, end, days, ..
            } => {
                let local = self.local(team, t);
                let sec = local.rem_euclid(DAY as i64) as u64;
                sec >= start && sec < end && self.working_day(days, local.div_euclid(DAY as i64))
            }
        }
    }

    /// The next time at or after `t` when the team's shift starts.
    pub(super) fn next_shift_start(&self, team: usize, t: u64) -> u64 {
        let Coverage::BusinessHours { start, days, .. } = self.m.teams[team].coverage else {
            return t;
        };
        let local = self.local(team, t);
        let day = local.div_euclid(DAY as i64);
        // Every week has a working day; holidays can only push it back by their number.
        let reach = 8 + if self.dated { self.m.holidays.len() } else { 0 };
        for d in day..=day + reach as i64 {
            if !self.working_day(days, d) {
                continue;
            }
            let at = d * DAY as i64 + start as i64;
            if at >= local {
                return t + (at - local) as u64;
            }
        }
        debug_assert!(false, "validation requires a working weekday");
        t + reach as u64 * DAY
    }

    /// Seconds of [a, b) the team is off shift.
    pub(super) fn off_shift_seconds(&self, team: usize, a: u64, b: u64) -> u64 {
        let Coverage::BusinessHours {
            start, end, days, ..
        } = self.m.teams[team].coverage
        else {
            return 0;
        };
        let from = self.local(team, a);
        let len = b - a;
        let to = from + len as i64;
        let (start, end, day_len) = (start as i64, end as i64, DAY as i64);
        let mut on = 0;
        // Walk whole days from the local midnight before `a`.
        let mut d = from.div_euclid(day_len);
        while d * day_len < to {
            if self.working_day(days, d) {
                let s = (d * day_len + start).max(from);
                let e = (d * day_len + end).min(to);
                if e > s {
                    on += (e - s) as u64;
                }
            }
            d += 1;
        }
        len - on
    }
}
