//! The power of a gate's check: the smallest effect its runs resolve at 95% confidence with
//! 80% power, and the runs that would resolve the effect the gate must detect.
//!
//! - Means (and shares, counts, damage, and baseline differences): half the 95% t interval's
//!   width over t, times (t + z_0.8): `verdict::resolvable`, the rule every comparison uses.
//! - Percentiles (p50, p90 of time to containment): a distribution-free interval of order
//!   statistics, runs not contained counting as the horizon. For the q-quantile of n runs
//!   sorted ascending, the interval is [x_(l), x_(u)] with l = ceil(nq - z sqrt(nq(1-q))) and
//!   u = ceil(nq + z sqrt(nq(1-q))) (1-based ranks clamped to 1..n, z = 1.96: the normal
//!   approximation to the binomial count of runs below the quantile); the resolvable shift is
//!   half its width times (z + z_0.8) / z.
//! - Runs needed for a mean: the interval narrows with the square root of the runs, so
//!   resolving `detect` takes runs x (resolvable / detect)^2, rounded up (the study's run
//!   count: benign and attack runs keep their shares).
//! - Runs needed for a percentile: the square-root rule overstates it badly when a small run
//!   count's interval reaches the horizon (its width does not shrink like a standard error).
//!   Instead the runs' own distribution is read at the ranks a larger run count would use:
//!   at N runs (N x the attack share attack runs) the interval's ranks become quantile levels
//!   l/N and u/N, read off the measured times (the empirical quantile function); the
//!   estimate is the smallest N, searched by doubling and then halving, whose interval
//!   resolves `detect`. It is an estimate from the runs at hand: check again at that count.

use crate::analysis::stats::{paired_diff, PairedDiff};
use crate::analysis::verdict::resolvable;

/// z for a two-sided 95% interval.
const Z_975: f64 = 1.959_963_984_540_054;
/// z for 80% power.
const Z_POWER: f64 = 0.841_621_233_572_914_3;

/// The mean of `values` with its 95% t interval (the paired interval against zeros).
pub fn mean_interval(values: &[f64]) -> PairedDiff {
    paired_diff(&vec![0.0; values.len()], values)
}

/// The smallest difference from the mean of `values` they resolve; infinite with fewer than
/// two values.
pub fn mean_resolvable(values: &[f64]) -> f64 {
    resolvable(&mean_interval(values)).unwrap_or(f64::INFINITY)
}

/// The 1-based ranks (l, u) of the distribution-free 95% interval of the q-quantile of `n`
/// sorted values.
pub fn quantile_ranks(n: usize, q: f64) -> (usize, usize) {
    let nq = n as f64 * q;
    let spread = Z_975 * (nq * (1.0 - q)).sqrt();
    let rank = |x: f64| (x.ceil().max(1.0) as usize).min(n);
    (rank(nq - spread), rank(nq + spread))
}

/// The smallest shift of the q-quantile of `sorted` (ascending) the values resolve; infinite
/// with fewer than two values.
pub fn quantile_resolvable(sorted: &[f64], q: f64) -> f64 {
    if sorted.len() < 2 {
        return f64::INFINITY;
    }
    let (l, u) = quantile_ranks(sorted.len(), q);
    (sorted[u - 1] - sorted[l - 1]) / 2.0 * (Z_975 + Z_POWER) / Z_975
}

/// Runs that would resolve `detect` when `runs` resolve only `resolves`: `None` when they
/// already do, `u64::MAX` when no run count can (an infinite resolution or a zero `detect`).
pub fn runs_needed(runs: u64, resolves: f64, detect: f64) -> Option<u64> {
    if resolves <= detect {
        return None;
    }
    if !resolves.is_finite() || detect <= 0.0 {
        return Some(u64::MAX);
    }
    let ratio = resolves / detect;
    let need = (runs as f64 * ratio * ratio).ceil();
    Some(if need >= 1e15 { u64::MAX } else { need as u64 })
}

/// The empirical `p`-quantile of `sorted` (ascending, not empty): the value of rank
/// ceil(p n), clamped to 1..n.
fn empirical(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let rank = ((p * n as f64).ceil().max(1.0) as usize).min(n);
    sorted[rank - 1]
}

/// What the q-quantile's interval would resolve at `n` runs of the kind it counts, read off
/// the measured distribution `sorted`.
fn quantile_resolvable_at(sorted: &[f64], q: f64, n: u64) -> f64 {
    let (l, u) = quantile_ranks(n as usize, q);
    let level = |rank: usize| rank as f64 / n as f64;
    let width = empirical(sorted, level(u)) - empirical(sorted, level(l));
    width / 2.0 * (Z_975 + Z_POWER) / Z_975
}

/// Study runs that would resolve `detect` for the q-quantile of `sorted` (the `runs` study
/// runs gave `sorted.len()` runs of the kind it counts): `None` when they already do,
/// `u64::MAX` when no count up to a billion runs would.
pub fn quantile_runs_needed(sorted: &[f64], q: f64, runs: u64, detect: f64) -> Option<u64> {
    let counted = sorted.len() as u64;
    if counted < 2 || runs == 0 {
        return runs_needed(runs, f64::INFINITY, detect);
    }
    if quantile_resolvable(sorted, q) <= detect {
        return None;
    }
    // Study runs -> runs of the kind counted, keeping their share.
    let counted_at = |n: u64| ((n as f64 * counted as f64 / runs as f64).ceil() as u64).max(2);
    let resolves_at = |n: u64| quantile_resolvable_at(sorted, q, counted_at(n)) <= detect;
    const MOST: u64 = 1_000_000_000;
    let mut high = runs.max(1);
    while !resolves_at(high) {
        if high >= MOST {
            return Some(u64::MAX);
        }
        high = (high * 2).min(MOST);
    }
    let mut low = high / 2;
    while low + 1 < high {
        let mid = low + (high - low) / 2;
        if resolves_at(mid) {
            high = mid;
        } else {
            low = mid;
        }
    }
    Some(high.max(runs + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stats::t_975;

    #[test]
    fn a_quantile_interval_by_hand() {
        // n = 100, q = 0.5: nq = 50, z sqrt(25) = 9.79982; l = ceil(40.2) = 41, u = ceil(59.8) = 60
        assert_eq!(quantile_ranks(100, 0.5), (41, 60));
        // q = 0.9: nq = 90, z sqrt(9) = 5.87989; l = ceil(84.12) = 85, u = ceil(95.88) = 96
        assert_eq!(quantile_ranks(100, 0.9), (85, 96));
        // values 1..=100: half-width (60 - 41) / 2 = 9.5, times (1.95996 + 0.84162) / 1.95996
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        let r = quantile_resolvable(&v, 0.5);
        assert!((r - 9.5 * 1.429_406).abs() < 1e-4, "{r}");
        // ranks clamp into 1..=n; all equal values resolve any shift; one value resolves none
        assert_eq!(quantile_ranks(3, 0.9), (2, 3));
        assert_eq!(quantile_resolvable(&[7.0; 10], 0.9), 0.0);
        assert_eq!(quantile_resolvable(&[7.0], 0.5), f64::INFINITY);
    }

    #[test]
    fn percentile_runs_needed_read_the_measured_distribution() {
        // 50 runs: 47 contained at 1..=47 h, 3 censored at the horizon (720 h). The p90 is the
        // 45th time, 45 h. Its interval at 50 runs: nq = 45, z sqrt(4.5) = 4.15777, ranks
        // ceil(40.84) = 41 and ceil(49.16) = 50: it reaches the horizon, 720 - 41 = 679 h wide,
        // and resolves 339.5 x 1.429406 = 485.28 h.
        let mut v: Vec<f64> = (1..=47).map(f64::from).collect();
        v.extend([720.0; 3]);
        let r = quantile_resolvable(&v, 0.9);
        assert!((r - 339.5 * 1.429_406).abs() < 1e-3, "{r}");
        // The square-root rule would ask 50 x (485.28 / 6)^2 = about 327,080 runs to resolve 6 h.
        let square_root_rule = runs_needed(50, r, 6.0).unwrap();
        assert!(
            (327_000..327_200).contains(&square_root_rule),
            "{square_root_rule}"
        );
        // Read off the distribution: at N runs the upper level 0.9 + z sqrt(0.09 / N) must
        // stay at or below 47/50 = 0.94 (z x 0.3 / sqrt(N) <= 0.04: N >= 217), and then the
        // interval spans ranks about 43..47 of the 50, 4 h: resolves about 2.9 h <= 6 h.
        let need = quantile_runs_needed(&v, 0.9, 50, 6.0).unwrap();
        assert!((217..=260).contains(&need), "{need}");
        assert!(quantile_resolvable_at(&v, 0.9, need) <= 6.0);
        assert!(quantile_resolvable_at(&v, 0.9, need - 1) > 6.0, "{need}");
        // Attack runs a third of the study's runs: three times the study runs.
        let thirds = quantile_runs_needed(&v, 0.9, 150, 6.0).unwrap();
        assert!(
            (3 * need - 3..=3 * need).contains(&thirds),
            "{thirds} vs {need}"
        );
        // A p90 on the censored block itself (45 contained, 5 censored: the 45th time is the
        // last contained one and every larger rank is censored) is never resolved to a day.
        let mut edge: Vec<f64> = (1..=45).map(f64::from).collect();
        edge.extend([720.0; 5]);
        assert_eq!(quantile_runs_needed(&edge, 0.9, 50, 24.0), Some(u64::MAX));
        // Already resolved: none needed.
        assert_eq!(quantile_runs_needed(&v, 0.5, 50, 100.0), None);
    }

    #[test]
    fn a_mean_resolution_and_the_runs_needed_by_hand() {
        // 50 values, 25 zeros and 25 ones: mean 0.5, sd = sqrt(0.25 x 50 / 49) = 0.50508,
        // se = 0.071429, t(49) = 2.00958; resolvable = se x (t + 0.841621) = 0.203657
        let v: Vec<f64> = (0..50).map(|i| (i % 2) as f64).collect();
        let se = (0.25f64 * 50.0 / 49.0).sqrt() / 50f64.sqrt();
        let expected = se * (t_975(49) + Z_POWER);
        let r = mean_resolvable(&v);
        assert!(
            (r - expected).abs() < 1e-12 && (r - 0.203_657).abs() < 1e-5,
            "{r}"
        );
        // to resolve 0.05: 50 x (0.203657 / 0.05)^2 = 829.52 -> 830 runs
        assert_eq!(runs_needed(50, r, 0.05), Some(830));
        assert_eq!(runs_needed(50, r, 0.25), None);
        assert_eq!(runs_needed(50, r, 0.0), Some(u64::MAX));
        assert_eq!(runs_needed(50, f64::INFINITY, 1.0), Some(u64::MAX));
        assert_eq!(mean_resolvable(&[1.0]), f64::INFINITY);
        assert_eq!(mean_resolvable(&[2.0; 5]), 0.0);
    }
}
