//! Aggregates over runs. Time to containment is censored at the horizon: a run not contained
//! counts as "longer than the horizon", never as missing, so percentiles read "> horizon" when
//! they land among censored runs and the share contained always stands beside them.

use crate::domain::{CredentialKind, WaitCause};
use crate::engine::metrics::RunMetrics;
use crate::input::{Model, Scenario};

/// A percentile of a censored sample: a value, or beyond the horizon. Not serialised as such:
/// output/json_doc.rs writes it as seconds (or `null`) with a `_beyond_horizon` flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Censored {
    Seconds(u64),
    BeyondHorizon,
    /// No runs to take it over.
    NoData,
}

impl Censored {
    pub fn display(self, horizon: u64) -> String {
        match self {
            Censored::Seconds(s) => crate::domain::duration::format_human(s as f64),
            Censored::BeyondHorizon => {
                format!(
                    "> {}",
                    crate::domain::duration::format_human(horizon as f64)
                )
            }
            Censored::NoData => "n/a".into(),
        }
    }
}

/// Nearest-rank percentile of values where `None` is "beyond the horizon".
/// `sorted` must be sorted with every `None` last.
pub fn censored_percentile(sorted: &[Option<u64>], p: f64) -> Censored {
    if sorted.is_empty() {
        return Censored::NoData;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    match sorted[rank - 1] {
        Some(v) => Censored::Seconds(v),
        None => Censored::BeyondHorizon,
    }
}

/// Sorts so that values come in order and censored runs last.
pub fn sort_censored(values: &mut [Option<u64>]) {
    values.sort_unstable_by_key(|v| v.unwrap_or(u64::MAX));
}

/// Serialised through output/json_doc.rs `SummaryDoc` (numbers or `null`, docs/data.md).
#[derive(Clone, Debug)]
pub struct Summary {
    pub scenario: String,
    pub model: String,
    pub seed: u64,
    pub horizon_seconds: u64,
    pub runs: u64,
    pub attack_runs: u64,
    pub benign_runs: u64,
    /// Attack runs in which some team detected a signal.
    pub detected: u64,
    /// Attack runs contained (attacker evicted at least once) by the horizon.
    pub contained: u64,
    pub share_detected: f64,
    pub share_contained: f64,
    /// Attack runs in which the attacker held a working credential at some point.
    pub compromised: u64,
    /// Attack runs whose attacker holds no working credential at the horizon.
    pub evicted_at_horizon: u64,
    pub share_evicted_at_horizon: f64,
    /// Attack runs in which the attacker came back after the first containment.
    pub re_entered: u64,
    /// `re_entered` over attack runs.
    pub share_re_entered: f64,
    /// Dwell (first compromise to a team learning of it) over compromised attack runs; never
    /// learned of counts as beyond the horizon.
    pub dwell_p50: Censored,
    pub dwell_p90: Censored,
    /// Tasks abandoned (nobody would ever do them), total, per run (all runs) and by cause.
    pub abandoned_total: u64,
    pub abandoned_mean: f64,
    pub abandoned_by_cause: Vec<(String, u64)>,
    pub time_to_containment_p50: Censored,
    pub time_to_containment_p90: Censored,
    pub time_to_detect_p50: Censored,
    pub time_to_first_revocation_p50: Censored,
    pub missed_revocations_total: u64,
    pub missed_revocations_mean: f64,
    /// Share of attack runs with at least one missed revocation.
    pub share_with_missed: f64,
    pub missed_by_kind: Vec<(String, u64)>,
    pub false_closures: u64,
    pub reopened: u64,
    pub wrongful_revocations_total: u64,
    /// Wrongful revocations per benign run (0 when there were none).
    pub wrongful_per_benign_run: f64,
    pub revocations_total: u64,
    pub evidence_completeness: f64,
    pub handoffs_mean: f64,
    pub stalls_total: u64,
    pub stalls_mean: f64,
    /// Mean seconds of stalled waiting per run (all runs).
    pub stall_wait_mean: f64,
    pub stalls_by_cause: Vec<(String, u64)>,
    /// Mean seconds of waiting per run, by cause (all runs).
    pub wait_mean_by_cause: Vec<(String, f64)>,
    pub damage_mean: f64,
    pub signals_lost_mean: f64,
    pub events_total: u64,
    ttc: Vec<Option<u64>>,
    ttd: Vec<Option<u64>>,
    ttr: Vec<Option<u64>>,
    dwell: Vec<Option<u64>>,
    sums: Sums,
}

#[derive(Clone, Debug, Default)]
struct Sums {
    any_missed: u64,
    missed_by_kind: [u64; CredentialKind::COUNT],
    stalls_by_cause: [u64; WaitCause::COUNT],
    abandoned_by_cause: [u64; WaitCause::COUNT],
    wait_by_cause: [u64; WaitCause::COUNT],
    handoffs: u64,
    stall_wait: u64,
    damage: u64,
    signals_lost: u64,
    evidence: u64,
    revocations_by_close: u64,
}

impl Summary {
    pub fn new(scenario: &Scenario, model: &Model, seed: u64) -> Self {
        Summary {
            scenario: scenario.name.clone(),
            model: model.name.clone(),
            seed,
            horizon_seconds: scenario.horizon,
            runs: 0,
            attack_runs: 0,
            benign_runs: 0,
            detected: 0,
            contained: 0,
            share_detected: 0.0,
            share_contained: 0.0,
            compromised: 0,
            evicted_at_horizon: 0,
            share_evicted_at_horizon: 0.0,
            re_entered: 0,
            share_re_entered: 0.0,
            dwell_p50: Censored::NoData,
            dwell_p90: Censored::NoData,
            abandoned_total: 0,
            abandoned_mean: 0.0,
            abandoned_by_cause: Vec::new(),
            time_to_containment_p50: Censored::NoData,
            time_to_containment_p90: Censored::NoData,
            time_to_detect_p50: Censored::NoData,
            time_to_first_revocation_p50: Censored::NoData,
            missed_revocations_total: 0,
            missed_revocations_mean: 0.0,
            share_with_missed: 0.0,
            missed_by_kind: Vec::new(),
            false_closures: 0,
            reopened: 0,
            wrongful_revocations_total: 0,
            wrongful_per_benign_run: 0.0,
            revocations_total: 0,
            evidence_completeness: 0.0,
            handoffs_mean: 0.0,
            stalls_total: 0,
            stalls_mean: 0.0,
            stall_wait_mean: 0.0,
            stalls_by_cause: Vec::new(),
            wait_mean_by_cause: Vec::new(),
            damage_mean: 0.0,
            signals_lost_mean: 0.0,
            events_total: 0,
            ttc: Vec::new(),
            ttd: Vec::new(),
            ttr: Vec::new(),
            dwell: Vec::new(),
            sums: Sums::default(),
        }
    }

    /// Adds one run; call in run order.
    pub fn add(&mut self, m: &RunMetrics) {
        self.runs += 1;
        self.events_total += m.events;
        self.stalls_total += m.stalls as u64;
        self.sums.handoffs += m.handoffs as u64;
        self.sums.stall_wait += m.stall_wait;
        for (s, &x) in self.sums.stalls_by_cause.iter_mut().zip(&m.stalls_by_cause) {
            *s += x as u64;
        }
        for (s, &x) in self.sums.wait_by_cause.iter_mut().zip(&m.wait_by_cause) {
            *s += x;
        }
        self.abandoned_total += m.abandoned as u64;
        for (s, &x) in (self.sums.abandoned_by_cause.iter_mut()).zip(&m.abandoned_by_cause) {
            *s += x as u64;
        }
        self.revocations_total += m.revocations as u64;
        self.sums.evidence += m.evidence_by_close as u64;
        self.sums.revocations_by_close += m.revocations_by_close as u64;
        self.wrongful_revocations_total += m.wrongful_revocations as u64;
        self.sums.signals_lost += m.signals_lost as u64;
        if !m.attack {
            self.benign_runs += 1;
            return;
        }
        self.attack_runs += 1;
        self.detected += m.detected() as u64;
        self.contained += m.contained() as u64;
        self.ttc.push(m.time_to_containment);
        self.ttd.push(m.time_to_detect);
        self.ttr.push(m.time_to_first_revocation);
        if m.first_compromise.is_some() {
            self.compromised += 1;
            self.dwell.push(m.dwell);
        }
        self.evicted_at_horizon += m.time_to_final_eviction.is_some() as u64;
        self.re_entered += (m.re_entries > 0) as u64;
        self.missed_revocations_total += m.missed_revocations as u64;
        self.sums.any_missed += (m.missed_revocations > 0) as u64;
        for (s, &x) in self.sums.missed_by_kind.iter_mut().zip(&m.missed_by_kind) {
            *s += x as u64;
        }
        self.false_closures += m.false_closure as u64;
        self.reopened += m.reopened as u64;
        self.sums.damage += m.damage;
    }

    /// Computes the derived figures once every run is in.
    pub fn finish(&mut self) {
        let per = |x: u64, n: u64| if n == 0 { 0.0 } else { x as f64 / n as f64 };
        let a = self.attack_runs;
        self.share_detected = per(self.detected, a);
        self.share_contained = per(self.contained, a);
        sort_censored(&mut self.ttc);
        sort_censored(&mut self.ttd);
        sort_censored(&mut self.ttr);
        sort_censored(&mut self.dwell);
        self.share_evicted_at_horizon = per(self.evicted_at_horizon, a);
        self.share_re_entered = per(self.re_entered, a);
        self.dwell_p50 = censored_percentile(&self.dwell, 0.5);
        self.dwell_p90 = censored_percentile(&self.dwell, 0.9);
        self.abandoned_mean = per(self.abandoned_total, self.runs);
        self.abandoned_by_cause = WaitCause::ALL
            .iter()
            .map(|c| {
                (
                    c.name().to_string(),
                    self.sums.abandoned_by_cause[c.index()],
                )
            })
            .filter(|(_, n)| *n > 0)
            .collect();
        self.time_to_containment_p50 = censored_percentile(&self.ttc, 0.5);
        self.time_to_containment_p90 = censored_percentile(&self.ttc, 0.9);
        self.time_to_detect_p50 = censored_percentile(&self.ttd, 0.5);
        self.time_to_first_revocation_p50 = censored_percentile(&self.ttr, 0.5);
        self.missed_revocations_mean = per(self.missed_revocations_total, a);
        self.share_with_missed = per(self.sums.any_missed, a);
        self.missed_by_kind = CredentialKind::ALL
            .iter()
            .map(|k| (k.name().to_string(), self.sums.missed_by_kind[k.index()]))
            .filter(|(_, n)| *n > 0)
            .collect();
        self.wrongful_per_benign_run = per(self.wrongful_revocations_total, self.benign_runs);
        self.evidence_completeness = if self.sums.revocations_by_close == 0 {
            1.0
        } else {
            self.sums.evidence as f64 / self.sums.revocations_by_close as f64
        };
        self.handoffs_mean = per(self.sums.handoffs, self.runs);
        self.stalls_mean = per(self.stalls_total, self.runs);
        self.stall_wait_mean = per(self.sums.stall_wait, self.runs);
        self.stalls_by_cause = WaitCause::ALL
            .iter()
            .map(|c| (c.name().to_string(), self.sums.stalls_by_cause[c.index()]))
            .collect();
        self.wait_mean_by_cause = WaitCause::ALL
            .iter()
            .map(|c| {
                (
                    c.name().to_string(),
                    per(self.sums.wait_by_cause[c.index()], self.runs),
                )
            })
            .collect();
        self.damage_mean = per(self.sums.damage, a);
        self.signals_lost_mean = per(self.sums.signals_lost, self.runs);
    }

    /// Revocations done before the first close (the denominator of `evidence_completeness`).
    pub fn revocations_by_close(&self) -> u64 {
        self.sums.revocations_by_close
    }

    /// Time to (first) containment of every attack run, sorted, censored runs last.
    pub fn containment_times(&self) -> &[Option<u64>] {
        &self.ttc
    }

    /// The stall cause with the most stalls, if any.
    pub fn top_stall_cause(&self) -> Option<(&str, u64)> {
        self.stalls_by_cause
            .iter()
            .filter(|(_, n)| *n > 0)
            .max_by_key(|(_, n)| *n)
            .map(|(c, n)| (c.as_str(), *n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_land_beyond_the_horizon_among_censored_runs() {
        let mut v = vec![Some(30), None, Some(10), Some(20), None];
        sort_censored(&mut v);
        assert_eq!(v, vec![Some(10), Some(20), Some(30), None, None]);
        assert_eq!(censored_percentile(&v, 0.5), Censored::Seconds(30));
        assert_eq!(censored_percentile(&v, 0.6), Censored::Seconds(30));
        assert_eq!(censored_percentile(&v, 0.61), Censored::BeyondHorizon);
        assert_eq!(censored_percentile(&v, 0.9), Censored::BeyondHorizon);
        assert_eq!(censored_percentile(&[], 0.5), Censored::NoData);
    }
}
