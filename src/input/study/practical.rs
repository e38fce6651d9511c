//! A study's `practical:` thresholds: the smallest differences that matter (see
//! `analysis::verdict`). Every field is optional; a missing one keeps its default.

use super::file::PracticalFile;
use crate::analysis::verdict::Practical;
use crate::domain::duration::parse_duration;
use crate::input::check::Checker;

/// The largest time threshold accepted (a year): beyond it no difference could be a win.
const MAX_TIME: u64 = 365 * 86_400;

/// The thresholds of `f` over the defaults, every problem reported in `c`.
pub(super) fn practical(c: &mut Checker, f: Option<&PracticalFile>) -> Practical {
    let mut p = Practical::default();
    let Some(f) = f else { return p };
    if let Some(t) = &f.time {
        match parse_duration(t) {
            Ok(s) if s <= MAX_TIME => p.time_seconds = s,
            Ok(_) => c.error(
                "practical.time",
                "the time threshold is longer than a year",
                Some(
                    "a practical threshold is the smallest difference that matters, e.g. \"30m\""
                        .into(),
                ),
            ),
            Err(e) => c.error(
                "practical.time",
                e,
                Some("a duration such as \"30m\" or \"2h\"".into()),
            ),
        }
    }
    if let Some(v) = f.relative_percent {
        if let Some(v) = within(c, "practical.relative_percent", v, 1000.0) {
            p.relative = v / 100.0;
        }
    }
    if let Some(v) = f.share_points {
        if let Some(v) = within(c, "practical.share_points", v, 100.0) {
            p.share_points = v;
        }
    }
    if let Some(v) = f.count {
        if let Some(v) = within(c, "practical.count", v, 1e6) {
            p.count = v;
        }
    }
    p
}

/// `v` if it is a number in `0 ..= max`, else an error at `field`.
fn within(c: &mut Checker, field: &str, v: f64, max: f64) -> Option<f64> {
    if v.is_finite() && (0.0..=max).contains(&v) {
        Some(v)
    } else {
        c.error(
            field,
            format!("must be a number from 0 to {max}, not {v}"),
            None,
        );
        None
    }
}
