//! Axis ticks chosen from fixed ladders of whole units, never rounded floats: durations at 15m,
//! 30m, 1h, 2h, 6h, 12h, 1d, 2d, 7d, 14d, 30d ..., counts at 1, 2 or 5 times a power of ten,
//! shares at whole percentages. A linear duration axis takes the smallest ladder step that
//! needs at most the allowed number of intervals; a log axis takes the ladder's whole units in
//! range, the major ones first, as many as fit apart.

use crate::domain::{DAY, HOUR, MINUTE};

/// Steps of a linear duration axis, in seconds.
const STEPS: [u64; 26] = [
    1,
    2,
    5,
    10,
    15,
    30,
    MINUTE,
    2 * MINUTE,
    5 * MINUTE,
    10 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    2 * HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    2 * DAY,
    7 * DAY,
    14 * DAY,
    30 * DAY,
    60 * DAY,
    90 * DAY,
    180 * DAY,
    365 * DAY,
];

/// Ticks of a log duration axis, in seconds, most important first: these are placed first and
/// the others only where they fit.
const LOG_TICKS: [u64; 17] = [
    HOUR,
    DAY,
    7 * DAY,
    30 * DAY,
    365 * DAY,
    6 * HOUR,
    2 * DAY,
    14 * DAY,
    90 * DAY,
    15 * MINUTE,
    MINUTE,
    12 * HOUR,
    2 * HOUR,
    30 * MINUTE,
    5 * MINUTE,
    60 * DAY,
    180 * DAY,
];

/// An axis: its range and its ticks (position in data units, label).
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<(f64, String)>,
}

/// A duration tick's label in whole units: the smallest unit is the largest of d, h, m, s that
/// divides `step`, the largest is the next one up (days only for whole-day steps, so an axis in
/// hours reads "36h", not "1d12h"): "90m" is "1h30m" on a 30m axis. "0" for zero.
pub fn duration_label(seconds: u64, step: u64) -> String {
    if seconds == 0 {
        return "0".into();
    }
    let units: &[(u64, &str)] = if step.is_multiple_of(DAY) {
        &[(DAY, "d")]
    } else if step.is_multiple_of(HOUR) {
        &[(HOUR, "h")]
    } else if step.is_multiple_of(MINUTE) {
        &[(HOUR, "h"), (MINUTE, "m")]
    } else {
        &[(MINUTE, "m"), (1, "s")]
    };
    let mut rest = seconds;
    let mut out = String::new();
    for &(size, suffix) in units {
        if rest >= size || (size == units[units.len() - 1].0 && rest > 0) {
            out.push_str(&format!("{}{suffix}", rest / size));
            rest %= size;
        }
    }
    out
}

/// A linear duration axis covering `lo..hi` seconds in at most `intervals` steps of the ladder
/// (the largest step when none is enough), from a multiple of the step below `lo` to one at or
/// above `hi`.
pub fn duration_axis(lo: f64, hi: f64, intervals: usize) -> Axis {
    let (lo, hi) = (lo.max(0.0), hi.max(lo.max(0.0)));
    let span = |step: u64| {
        let s = step as f64;
        let (a, b) = (
            (lo / s).floor(),
            (hi / s).ceil().max((lo / s).floor() + 1.0),
        );
        (a as u64, b as u64)
    };
    let step = STEPS
        .into_iter()
        .find(|&s| {
            let (a, b) = span(s);
            (b - a) as usize <= intervals.max(1)
        })
        .unwrap_or(STEPS[STEPS.len() - 1]);
    let (a, b) = span(step);
    Axis {
        lo: (a * step) as f64,
        hi: (b * step) as f64,
        ticks: (a..=b)
            .map(|k| ((k * step) as f64, duration_label(k * step, step)))
            .collect(),
    }
}

/// A linear axis for counts from 0 to at least `hi` in at most `intervals` steps of 1, 2 or 5
/// times a power of ten; labels with as many decimals as the step needs.
pub fn count_axis(hi: f64, intervals: usize) -> Axis {
    let hi = if hi.is_finite() && hi > 0.0 { hi } else { 1.0 };
    let intervals = intervals.max(1) as f64;
    let mut power = 10f64.powi((hi / intervals).log10().floor() as i32 - 1);
    let step = loop {
        if let Some(m) = [1.0, 2.0, 5.0]
            .into_iter()
            .find(|m| (hi / (m * power) - 1e-9).ceil() <= intervals)
        {
            break m * power;
        }
        power *= 10.0;
    };
    let k = (hi / step - 1e-9).ceil().max(1.0) as u64;
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    Axis {
        lo: 0.0,
        hi: k as f64 * step,
        ticks: (0..=k)
            .map(|i| {
                let v = i as f64 * step;
                (v, format!("{v:.decimals$}"))
            })
            .collect(),
    }
}

/// A linear axis for shares (0..1) from 0 to at least `hi`, labelled in whole percent.
pub fn share_axis(hi: f64, intervals: usize) -> Axis {
    let pct = count_axis((hi * 100.0).max(1.0), intervals);
    Axis {
        lo: 0.0,
        hi: pct.hi / 100.0,
        ticks: pct
            .ticks
            .into_iter()
            .map(|(v, l)| (v / 100.0, format!("{l}%")))
            .collect(),
    }
}

/// Where a log duration axis from `lo` to `hi` seconds starts: the largest of 1m, 5m, 15m,
/// 30m, 1h, ... at or below `first` (the earliest event) and at or below `hi / 10`, so the axis
/// spans at least a decade.
pub fn log_floor(first: Option<u64>, hi: u64) -> u64 {
    let limit = first.unwrap_or(hi / 100).min(hi / 10);
    let mut ladder = LOG_TICKS;
    ladder.sort_unstable();
    ladder
        .into_iter()
        .rev()
        .find(|&v| v <= limit)
        .unwrap_or(MINUTE)
}

/// Ticks of a log duration axis from `lo` to `hi` seconds drawn `px` wide: the ladder's whole
/// units in range, the major ones first, each kept only if it is at least `gap` px from every
/// tick kept before; in increasing order, with their labels.
pub fn log_ticks(lo: u64, hi: u64, px: f64, gap: f64) -> Vec<(u64, String)> {
    let (lo, hi) = (lo.max(1), hi.max(lo.max(1) + 1));
    let x = |v: u64| px * (v as f64 / lo as f64).ln() / (hi as f64 / lo as f64).ln();
    let mut kept: Vec<u64> = Vec::new();
    for v in LOG_TICKS.into_iter().filter(|&v| v >= lo && v <= hi) {
        if kept.iter().all(|&k| (x(k) - x(v)).abs() >= gap) {
            kept.push(v);
        }
    }
    kept.sort_unstable();
    kept.into_iter()
        .map(|v| (v, duration_label(v, v)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(a: &Axis) -> Vec<&str> {
        a.ticks.iter().map(|(_, l)| l.as_str()).collect()
    }

    #[test]
    fn duration_axes_step_on_whole_units() {
        // 0..35h in at most 6 intervals: 1h, 2h, 3h need 35, 18, 12; 6h needs ceil(35/6) = 6.
        let a = duration_axis(0.0, 35.0 * 3600.0, 6);
        assert_eq!(labels(&a), ["0", "6h", "12h", "18h", "24h", "30h", "36h"]);
        assert_eq!((a.lo, a.hi), (0.0, 36.0 * 3600.0));
        // The axis: 0..2.4h read "0h 0h 1h 2h 2h"; in 5 intervals 30m steps (5 of them).
        let a = duration_axis(0.0, 2.4 * 3600.0, 5);
        assert_eq!(labels(&a), ["0", "30m", "1h", "1h30m", "2h", "2h30m"]);
        // 0..36h in 5: 6h would need 6, one too many; 12h needs 3.
        let a = duration_axis(0.0, 36.0 * 3600.0, 5);
        assert_eq!(labels(&a), ["0", "12h", "24h", "36h"]);
        // 0..10 days in 5: 1d needs 10, 2d needs 5.
        let a = duration_axis(0.0, 10.0 * 86400.0, 5);
        assert_eq!(labels(&a), ["0", "2d", "4d", "6d", "8d", "10d"]);
        // 27h..15.2d in 4: 1d needs 16 - 1 = 15, 2d needs 8 - 0 = 8, 7d needs 3 - 0 = 3.
        let a = duration_axis(27.0 * 3600.0, 15.2 * 86400.0, 4);
        assert_eq!(labels(&a), ["0", "7d", "14d", "21d"]);
        // 50h..70h in 4: 6h steps from 48h to 72h.
        let a = duration_axis(50.0 * 3600.0, 70.0 * 3600.0, 4);
        assert_eq!(labels(&a), ["48h", "54h", "60h", "66h", "72h"]);
        // 0..100s in 4: 30s steps; labels in minutes and seconds.
        let a = duration_axis(0.0, 100.0, 4);
        assert_eq!(labels(&a), ["0", "30s", "1m", "1m30s", "2m"]);
        // Nothing: one step of the smallest unit.
        assert_eq!(labels(&duration_axis(0.0, 0.0, 4)), ["0", "1s"]);
    }

    #[test]
    fn count_and_share_axes_step_by_one_two_five() {
        // 0..2.54 in 5: 0.5 needs ceil(5.08) = 6; 1 needs 3.
        assert_eq!(labels(&count_axis(2.54, 5)), ["0", "1", "2", "3"]);
        // 0..0.083 in 4: 0.02 needs 5, 0.05 needs 2.
        assert_eq!(labels(&count_axis(0.083, 4)), ["0.00", "0.05", "0.10"]);
        // Exactly on a step: 0..4 in 4, step 1.
        assert_eq!(labels(&count_axis(4.0, 4)), ["0", "1", "2", "3", "4"]);
        // 0..37% in 4: 10% needs 4.
        assert_eq!(
            labels(&share_axis(0.37, 4)),
            ["0%", "10%", "20%", "30%", "40%"]
        );
    }

    #[test]
    fn log_axes_tick_at_whole_units_that_fit() {
        // 6 minutes to 30 days is ln(7200) = 8.88 e-folds. At 888 px (100 px per e-fold) and at
        // least 30 px apart, every ladder value in range fits: 15m at 91.6, 30m at 161, 1h at
        // 230, 2h 299, 6h 409, 12h 479, 1d 548, 2d 617, 7d 742, 14d 812, 30d 888.
        let all: Vec<String> = log_ticks(360, 30 * DAY, 888.0, 30.0)
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        assert_eq!(
            all,
            ["15m", "30m", "1h", "2h", "6h", "12h", "1d", "2d", "7d", "14d", "30d"]
        );
        // At least 100 px apart: 1h (230), 1d (548), 7d (742) and 30d (888) first; then 6h
        // (409) fits, 2d (617) is 69 px from 1d, 14d is 70 from 7d; 15m (92) fits; 12h, 2h and
        // 30m are too close.
        let few: Vec<String> = log_ticks(360, 30 * DAY, 888.0, 100.0)
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        assert_eq!(few, ["15m", "1h", "6h", "1d", "7d", "30d"]);
    }

    #[test]
    fn a_log_axis_starts_at_a_whole_unit_below_the_first_event() {
        assert_eq!(log_floor(Some(2 * HOUR + 5), 30 * DAY), 2 * HOUR);
        assert_eq!(log_floor(Some(40 * MINUTE), 30 * DAY), 30 * MINUTE);
        // At most a tenth of the horizon: 14d / 10 = 33.6h, so 1d.
        assert_eq!(log_floor(Some(5 * DAY), 14 * DAY), DAY);
        assert_eq!(log_floor(Some(10), 30 * DAY), MINUTE);
        // Nothing contained: a hundredth of the horizon, 7.2h, so 6h.
        assert_eq!(log_floor(None, 30 * DAY), 6 * HOUR);
    }
}
