//! Verdicts with practical significance, and power.
//!
//! A difference is called a win only when it is both real and large enough to matter:
//! - **better** / **worse**: the 95% interval excludes zero and the mean difference exceeds the
//!   practical threshold;
//! - **equivalent**: the whole interval lies inside (-threshold, +threshold);
//! - **inconclusive**: anything else (the runs cannot tell whether the difference matters).
//!
//! The threshold depends on the metric's kind and on the value it is compared with (the
//! reference: the baseline, or the model ranked above): times, the larger of 30 minutes and
//! 10% of the reference; shares, 1 percentage point; counts per run, the larger of 0.1 and 10%;
//! damage, 10%. A study (`practical:`) or the command line (`--practical-*`) can change them.
//!
//! Power: the smallest difference the run count can resolve is the difference a 95% interval
//! would exclude zero for with 80% probability, `(t + z_0.8) * se`. When it exceeds the
//! threshold, the runs needed scale with the square of the ratio.

use serde::Serialize;

use crate::analysis::stats::{t_975, PairedDiff};

/// What kind of quantity a metric is, for its practical threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    /// Hours.
    Time,
    /// A share in [0, 1].
    Share,
    /// A count per run.
    Count,
    /// Damage units.
    Damage,
}

/// Differences smaller than these do not matter in practice.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Practical {
    /// Smallest time difference that matters, in seconds.
    pub time_seconds: u64,
    /// Smallest relative difference that matters for times, counts and damage (0.10 = 10%).
    pub relative: f64,
    /// Smallest difference in a share that matters, in percentage points.
    pub share_points: f64,
    /// Smallest difference in a count per run that matters.
    pub count: f64,
}

impl Default for Practical {
    fn default() -> Self {
        Practical {
            time_seconds: 1800,
            relative: 0.10,
            share_points: 1.0,
            count: 0.1,
        }
    }
}

impl Practical {
    /// The threshold for a metric of `kind` compared with a `reference` value (in the
    /// metric's own unit: hours for times).
    pub fn threshold(&self, kind: MetricKind, reference: f64) -> f64 {
        let rel = self.relative * reference.abs();
        match kind {
            MetricKind::Time => (self.time_seconds as f64 / 3600.0).max(rel),
            MetricKind::Share => self.share_points / 100.0,
            MetricKind::Count => self.count.max(rel),
            MetricKind::Damage => rel,
        }
    }

    /// "30 min and 10% for times, 1 point for shares, 0.1 and 10% for counts".
    pub fn describe(&self) -> String {
        format!(
            "times: the larger of {} and {}% of the reference; shares: {} percentage point{}; counts per run: the larger of {} and {}%; damage: {}%",
            crate::domain::duration::format_human(self.time_seconds as f64),
            trim(self.relative * 100.0),
            trim(self.share_points),
            if self.share_points == 1.0 { "" } else { "s" },
            trim(self.count),
            trim(self.relative * 100.0),
            trim(self.relative * 100.0),
        )
    }
}

fn trim(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// How one model compares with another on one metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Better,
    Worse,
    /// The whole interval lies within the practical threshold.
    Equivalent,
    /// Neither: the runs cannot tell whether the difference matters.
    Inconclusive,
    /// No runs of the kind the metric needs (e.g. no benign runs).
    NoData,
}

impl Verdict {
    pub fn text(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::Equivalent => "equivalent",
            Verdict::Inconclusive => "inconclusive",
            Verdict::NoData => "no data",
        }
    }
}

/// The verdict on `d` (model minus reference) against `threshold`.
pub fn verdict(d: &PairedDiff, threshold: f64, lower_is_better: bool) -> Verdict {
    if d.n == 0 {
        Verdict::NoData
    } else if !d.indistinguishable() && d.mean.abs() > threshold {
        if (d.mean < 0.0) == lower_is_better {
            Verdict::Better
        } else {
            Verdict::Worse
        }
    } else if d.low >= -threshold && d.high <= threshold {
        Verdict::Equivalent
    } else {
        Verdict::Inconclusive
    }
}

/// z for 80% power.
const Z_POWER: f64 = 0.841_621_233_572_914_3;

/// The smallest difference the runs behind `d` resolve with 80% power at 95% confidence, in
/// the metric's unit; `None` with fewer than two runs.
pub fn resolvable(d: &PairedDiff) -> Option<f64> {
    if d.n < 2 {
        return None;
    }
    let t = t_975(d.n - 1);
    let half = (d.high - d.low) / 2.0;
    Some(half / t * (t + Z_POWER))
}

/// Runs needed to resolve `threshold` when the runs behind `d` cannot; `None` when they can.
pub fn runs_needed(d: &PairedDiff, threshold: f64) -> Option<u64> {
    let r = resolvable(d)?;
    if r <= threshold || threshold <= 0.0 {
        return None;
    }
    let ratio = r / threshold;
    let need = (d.n as f64 * ratio * ratio).ceil();
    Some(if need >= 1e15 { u64::MAX } else { need as u64 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(mean: f64, low: f64, high: f64) -> PairedDiff {
        PairedDiff {
            n: 1000,
            mean,
            low,
            high,
        }
    }

    #[test]
    fn verdicts_follow_the_interval_and_the_threshold() {
        // threshold 0.5 h, lower is better
        assert_eq!(verdict(&diff(-2.0, -2.5, -1.5), 0.5, true), Verdict::Better);
        assert_eq!(verdict(&diff(2.0, 1.5, 2.5), 0.5, true), Verdict::Worse);
        assert_eq!(verdict(&diff(2.0, 1.5, 2.5), 0.5, false), Verdict::Better);
        // real but tiny: equivalent
        assert_eq!(
            verdict(&diff(-0.1, -0.2, -0.05), 0.5, true),
            Verdict::Equivalent
        );
        // contains zero, narrow: equivalent; wide: inconclusive
        assert_eq!(
            verdict(&diff(0.0, -0.3, 0.3), 0.5, true),
            Verdict::Equivalent
        );
        assert_eq!(
            verdict(&diff(0.2, -0.9, 1.3), 0.5, true),
            Verdict::Inconclusive
        );
        // excludes zero, mean under the threshold, interval reaches past it: inconclusive
        assert_eq!(
            verdict(&diff(0.4, 0.1, 0.7), 0.5, true),
            Verdict::Inconclusive
        );
        let none = PairedDiff {
            n: 0,
            mean: 0.0,
            low: 0.0,
            high: 0.0,
        };
        assert_eq!(verdict(&none, 0.5, true), Verdict::NoData);
    }

    #[test]
    fn thresholds_by_kind() {
        let p = Practical::default();
        // 30 min beats 10% of 2 h; 10% of 10 h beats 30 min
        assert_eq!(p.threshold(MetricKind::Time, 2.0), 0.5);
        assert!((p.threshold(MetricKind::Time, 10.0) - 1.0).abs() < 1e-12);
        assert!((p.threshold(MetricKind::Share, 0.9) - 0.01).abs() < 1e-12);
        assert_eq!(p.threshold(MetricKind::Count, 0.3), 0.1);
        assert!((p.threshold(MetricKind::Count, 3.0) - 0.3).abs() < 1e-12);
        assert!((p.threshold(MetricKind::Damage, 500.0) - 50.0).abs() < 1e-9);
    }

    #[test]
    fn power_scales_with_the_square_root_of_runs() {
        // n = 1000, half-width 0.5: se = 0.5 / t(999); resolvable = se * (t + 0.8416)
        let d = diff(0.0, -0.5, 0.5);
        let t = t_975(999);
        let r = resolvable(&d).unwrap();
        assert!((r - 0.5 / t * (t + Z_POWER)).abs() < 1e-12);
        assert!((r - 0.7147).abs() < 1e-3, "{r}");
        // a threshold half as large needs four times the runs (ceil)
        let need = runs_needed(&d, r / 2.0).unwrap();
        assert_eq!(need, 4000);
        assert_eq!(runs_needed(&d, r), None);
        assert_eq!(runs_needed(&d, 1.0), None);
    }
}
