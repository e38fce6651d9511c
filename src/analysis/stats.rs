//! Statistics for comparing models on the same attacks: paired differences with a 95%
//! interval, restricted mean time to containment, and Kaplan-Meier survival.
//!
//! Why a paired t interval and not a bootstrap: every model sees the same attacks (common random
//! numbers), so each run gives one paired difference and the differences are independent across
//! runs. At the run counts the tool uses (hundreds to millions) the mean of independent
//! differences is normal to a very good approximation, so the t interval is accurate, exact when
//! every difference is zero, deterministic without resampling, and cheap. A bootstrap would add
//! cost and a second source of randomness for no gain at these sizes. Below 30 runs the
//! interval is reported but flagged as unreliable.

use serde::Serialize;

/// Mean of `after - before` over paired values, with a 95% interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PairedDiff {
    pub n: usize,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

impl PairedDiff {
    /// The interval contains zero: at this many runs the difference is not resolved (see
    /// `verdict` for what counts as a difference that matters).
    pub fn indistinguishable(&self) -> bool {
        self.low <= 0.0 && self.high >= 0.0
    }
}

/// Paired difference of `b - a`, element by element.
pub fn paired_diff(a: &[f64], b: &[f64]) -> PairedDiff {
    assert_eq!(a.len(), b.len(), "paired samples differ in length");
    let n = a.len();
    if n == 0 {
        return PairedDiff {
            n,
            mean: 0.0,
            low: 0.0,
            high: 0.0,
        };
    }
    let d = a.iter().zip(b).map(|(x, y)| y - x);
    let mean = d.clone().sum::<f64>() / n as f64;
    if n < 2 {
        return PairedDiff {
            n,
            mean,
            low: mean,
            high: mean,
        };
    }
    let var = d.map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
    let half = t_975(n - 1) * (var / n as f64).sqrt();
    PairedDiff {
        n,
        mean,
        low: mean - half,
        high: mean + half,
    }
}

/// Student's t 97.5% quantiles for 1 to 30 degrees of freedom (standard tables).
const T_TABLE: [f64; 30] = [
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281, 2.2010,
    2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687,
    2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];

/// The 97.5% quantile of Student's t with `df` degrees of freedom: tables up to 30, then the
/// Cornish-Fisher expansion about the normal (within 0.01% there).
pub fn t_975(df: usize) -> f64 {
    const Z: f64 = 1.959_963_984_540_054;
    if df == 0 {
        return f64::INFINITY;
    }
    if df <= T_TABLE.len() {
        return T_TABLE[df - 1];
    }
    let v = df as f64;
    let z3 = Z.powi(3);
    let z5 = Z.powi(5);
    let z7 = Z.powi(7);
    Z + (z3 + Z) / (4.0 * v)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * Z) / (96.0 * v * v)
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * Z) / (384.0 * v * v * v)
}

/// One step of a Kaplan-Meier curve: from `time` on, the share not yet contained is `survival`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SurvivalStep {
    pub time: u64,
    pub survival: f64,
    pub at_risk: usize,
}

/// Kaplan-Meier estimate of "not yet contained" from event times (`Some`) and runs censored at
/// `horizon` (`None`). Starts with (0, 1.0).
pub fn kaplan_meier(times: &[Option<u64>], horizon: u64) -> Vec<SurvivalStep> {
    let mut events: Vec<(u64, bool)> = times
        .iter()
        .map(|t| match t {
            Some(t) => (*t, true),
            None => (horizon, false),
        })
        .collect();
    // Events before censorings at the same time, as usual.
    events.sort_by_key(|&(t, event)| (t, !event));
    let mut at_risk = events.len();
    let mut survival = 1.0;
    let mut steps = vec![SurvivalStep {
        time: 0,
        survival,
        at_risk,
    }];
    let mut i = 0;
    while i < events.len() {
        let t = events[i].0;
        let mut deaths = 0;
        let mut leaving = 0;
        while i < events.len() && events[i].0 == t {
            deaths += events[i].1 as usize;
            leaving += 1;
            i += 1;
        }
        if deaths > 0 && at_risk > 0 {
            survival *= 1.0 - deaths as f64 / at_risk as f64;
            steps.push(SurvivalStep {
                time: t,
                survival,
                at_risk,
            });
        }
        at_risk -= leaving;
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_samples_differ_by_exactly_zero() {
        let a = [1.0, 5.0, 2.0, 8.0];
        let d = paired_diff(&a, &a);
        assert_eq!((d.mean, d.low, d.high), (0.0, 0.0, 0.0));
        assert!(d.indistinguishable());
    }

    #[test]
    fn paired_interval_matches_a_hand_computation() {
        // differences 1, 2, 3, 4: mean 2.5, sd sqrt(5/3), se sqrt(5/12), t(3) = 3.182446
        let d = paired_diff(&[0.0, 0.0, 0.0, 0.0], &[1.0, 2.0, 3.0, 4.0]);
        let half = 3.1824 * (5.0f64 / 12.0).sqrt();
        assert!((d.mean - 2.5).abs() < 1e-12);
        assert!((d.high - (2.5 + half)).abs() < 1e-9, "{d:?}");
        assert!((d.low - (2.5 - half)).abs() < 1e-9, "{d:?}");
        assert!(!d.indistinguishable());
    }

    #[test]
    fn t_quantiles_match_tables() {
        // beyond the table: 40 -> 2.0211, 60 -> 2.0003, 120 -> 1.9799 (standard tables)
        for (df, table) in [
            (3, 3.1824),
            (31, 2.0395),
            (40, 2.0211),
            (60, 2.0003),
            (120, 1.9799),
        ] {
            assert!((t_975(df) - table).abs() < 2e-4, "df {df}: {}", t_975(df));
        }
    }

    #[test]
    fn kaplan_meier_with_administrative_censoring_is_one_minus_the_ecdf() {
        // 5 runs: contained at 10, 20, 20, 40; one censored at the horizon 100.
        let km = kaplan_meier(&[Some(20), Some(10), None, Some(40), Some(20)], 100);
        let expected = [(0, 1.0), (10, 0.8), (20, 0.4), (40, 0.2)];
        assert_eq!(km.len(), expected.len());
        for (step, (t, s)) in km.iter().zip(expected) {
            assert_eq!(step.time, t);
            assert!((step.survival - s).abs() < 1e-12, "{step:?}");
        }
    }

    #[test]
    fn kaplan_meier_handles_censoring_before_events() {
        // censored at 5 (horizon for that run), events at 10 and 20: S(10) = 1 - 1/2, S(20) = 0.
        let km = kaplan_meier(&[None, Some(10), Some(20)], 5);
        assert_eq!(km[1].time, 10);
        assert!((km[1].survival - 0.5).abs() < 1e-12);
        assert_eq!(km[2].survival, 0.0);
    }
}
