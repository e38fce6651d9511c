//! The recommended change under moved calibration assumptions (the tornado).
//!
//! Each assumption in [`RANGES`] is about the world, not about who owns what, so it is moved
//! for both models at once (and in the scenarios, where it lives there): the recommended model
//! and the original are simulated at the low and at the high end of its documented range on
//! common random numbers (the same seed and run indices as at the calibrated values), and the
//! bar gives recommended minus original on restricted mean time to containment, pooled over
//! the scenarios by the report's rule. docs/improve.md, "Sensitivity", documents every range
//! and its source; a test checks the document against [`RANGES`].
//!
//! Runs: the calibrated values are simulated once (both models: the base); an end that leaves
//! a model (or a scenario) unchanged reuses its base runs instead of simulating them again.

use super::evaluate::{pooled, simulate, Outcome, TTC};
use super::{Bar, Sensitivity};
use crate::analysis::decision::Pooled;
use crate::analysis::verdict::Practical;
use crate::domain::{Activity, Plane};
use crate::engine::SimError;
use crate::input::study::Parameter;
use crate::input::{Coverage, Model, Scenario};

/// A calibration assumption the tornado moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assumption {
    /// `effort.detect` and `effort.intake` of every model, and the delay of every external
    /// report of the scenarios: how long until the organisation knows.
    DetectionDelay,
    /// The page latency of every on-call team.
    PageLatency,
    /// `policy.triage_accuracy`, moved through its miss rate (1 - accuracy).
    TriageAccuracy,
    /// The background alert rate of every team (clamped so no team is overloaded).
    BackgroundLoad,
    /// Every inventory accuracy of every team (`visibility`), clamped at 1.0.
    InventoryAccuracy,
}

/// One assumption's documented range: the factor applied at each end, what is moved, and where
/// the range comes from.
#[derive(Clone, Copy, Debug)]
pub struct Range {
    pub assumption: Assumption,
    /// "detection delay".
    pub name: &'static str,
    /// What is moved, in words.
    pub moves: &'static str,
    /// Factor at the low end of the assumption (for triage accuracy: on the miss rate, so the
    /// low end of accuracy is the larger factor).
    pub low: f64,
    /// Factor at the high end.
    pub high: f64,
    /// Where the range comes from: docs/sources/calibration.md anchors or [assumption].
    pub source: &'static str,
}

/// The documented ranges (docs/improve.md, "Sensitivity", lists the same).
pub const RANGES: [Range; 5] = [
    Range {
        assumption: Assumption::DetectionDelay,
        name: "detection delay",
        moves: "effort.detect and effort.intake of both models and every external report's delay",
        low: 0.5,
        high: 3.0,
        source: "[assumption]: the shipped detect efforts are assumptions; published median dwell times differ about fourfold between sources (3 days, 10-14 days: calibration.md#dwell-time, #identity-as-initial-access), so slower detection gets the wider side",
    },
    Range {
        assumption: Assumption::PageLatency,
        name: "page latency",
        moves: "page_latency of every on-call team of both models",
        low: 0.5,
        high: 2.0,
        source: "[assumption]: no public measurement of page-to-start time was found (calibration.md#handoff-delay); half to twice the modelled latency",
    },
    Range {
        assumption: Assumption::TriageAccuracy,
        name: "triage accuracy",
        moves: "policy.triage_accuracy of both models, through its miss rate (1 - accuracy)",
        low: 2.0,
        high: 0.5,
        source: "[assumption]: the miss rate doubled and halved; analysts cannot deal with 67% of their alerts (calibration.md#alert-volume), so misses may be more common than modelled",
    },
    Range {
        assumption: Assumption::BackgroundLoad,
        name: "background load",
        moves: "the background alert rate of every team of both models",
        low: 0.5,
        high: 2.0,
        source: "calibration.md#alert-volume (4,484 alerts a day, 67% never handled) shows queues can be far busier than the filtered rates modelled [assumption: half to twice]",
    },
    Range {
        assumption: Assumption::InventoryAccuracy,
        name: "inventory accuracy",
        moves: "every inventory accuracy (visibility) of every team of both models, at most 1.0",
        low: 0.6,
        high: 1.2,
        source: "[assumption]: inventories are known to lag, most of all for non-human identities (calibration.md#non-human-identities, #key-age), so the low end goes further",
    },
];

/// The recommended change (`recommended` against `original`) with each calibration assumption
/// moved to the ends of its documented range, on `runs` runs per scenario.
pub fn sensitivity(
    scenarios: &[Scenario],
    original: &Model,
    recommended: &Model,
    seed: u64,
    runs: u64,
    practical: &Practical,
    max_events: u64,
) -> Result<Sensitivity, SimError> {
    let world = World {
        scenarios,
        models: [original, recommended],
        seed,
        runs,
        practical,
        max_events,
    };
    world.tornado().map(|(s, _)| s)
}

/// The moved world shared by every bar end.
pub struct World<'a> {
    pub scenarios: &'a [Scenario],
    /// The original, then the recommended model.
    pub models: [&'a Model; 2],
    pub seed: u64,
    pub runs: u64,
    pub practical: &'a Practical,
    pub max_events: u64,
}

/// Runs of both models on every scenario: `[original, recommended][scenario]`.
pub type Runs = [Vec<Vec<Outcome>>; 2];

impl World<'_> {
    /// The tornado and the runs it simulated (all scenarios, both models, every end).
    pub fn tornado(&self) -> Result<(Sensitivity, u64), SimError> {
        let mut simulated = 0;
        let base_runs = self.runs_at(None, None, &mut simulated)?;
        let (s, more) = self.tornado_from(&base_runs)?;
        Ok((s, simulated + more))
    }

    /// The tornado from runs already simulated at the calibrated values (`[original,
    /// recommended][scenario]`, runs `0 .. self.runs` at `self.seed`, e.g. the finalists'), and
    /// the runs it simulated for the ends.
    pub fn tornado_from(&self, base_runs: &Runs) -> Result<(Sensitivity, u64), SimError> {
        let mut simulated = 0;
        let base = self.pooled(base_runs);
        let mut bars = Vec::with_capacity(RANGES.len());
        for r in &RANGES {
            let (low_f, high_f) = factors(r, &self.models);
            let mut end = |f: f64| -> Result<Pooled, SimError> {
                let runs =
                    self.runs_at(Some((r.assumption, f)), Some(base_runs), &mut simulated)?;
                Ok(self.pooled(&runs))
            };
            let (low, high) = (end(low_f)?, end(high_f)?);
            let flips = low.verdict != base.verdict || high.verdict != base.verdict;
            bars.push(Bar {
                assumption: r.name,
                range: describe(r, &self.models, low_f, high_f),
                low_label: label(r, &self.models, low_f),
                high_label: label(r, &self.models, high_f),
                low,
                high,
                flips,
            });
        }
        sort_bars(&mut bars);
        let s = Sensitivity {
            runs: self.runs,
            base,
            bars,
        };
        Ok((s, simulated))
    }

    /// Recommended minus original on time to containment, pooled over the scenarios.
    pub fn pooled(&self, runs: &Runs) -> Pooled {
        let n = self.runs as usize;
        pooled(TTC, self.scenarios, &runs[0], &runs[1], n, self.practical)
    }

    /// Both models' runs on every scenario with `moved` applied (`None`: at the calibrated
    /// values). A pair of scenario and model the move leaves unchanged takes its runs from
    /// `base` (the calibrated runs; they would be identical) when given. `simulated` counts
    /// the runs actually simulated.
    pub fn runs_at(
        &self,
        moved: Option<(Assumption, f64)>,
        base: Option<&Runs>,
        simulated: &mut u64,
    ) -> Result<Runs, SimError> {
        let scenarios: Vec<Option<Scenario>> = self
            .scenarios
            .iter()
            .map(|s| moved.and_then(|(a, f)| changed(move_scenario(a, s, f))))
            .collect();
        let mut out: Runs = [Vec::new(), Vec::new()];
        for (i, &m) in self.models.iter().enumerate() {
            let model = moved.and_then(|(a, f)| changed(move_model(a, m, f)));
            for (s, sc) in self.scenarios.iter().enumerate() {
                let unchanged = model.is_none() && scenarios[s].is_none();
                if let (true, Some(b)) = (unchanged, base) {
                    out[i].push(b[i][s].clone());
                    continue;
                }
                let sc = scenarios[s].as_ref().unwrap_or(sc);
                let m = model.as_ref().unwrap_or(m);
                out[i].push(simulate(sc, m, 0, self.runs, self.seed, self.max_events)?);
                *simulated += self.runs;
            }
        }
        Ok(out)
    }
}

/// The moved copy, if the move changed anything.
fn changed<T>((x, changed): (T, bool)) -> Option<T> {
    changed.then_some(x)
}

/// Widest swing (|high - low| of the mean difference, in micro-hours so that swings equal up
/// to rounding tie) first; ties by name.
fn sort_bars(bars: &mut [Bar]) {
    let swing = |b: &Bar| {
        let hours = (b.high.difference.mean - b.low.difference.mean).abs();
        if hours.is_finite() {
            (hours * 1e6).round() as i64
        } else {
            i64::MAX
        }
    };
    bars.sort_by(|a, b| {
        swing(b)
            .cmp(&swing(a))
            .then_with(|| a.assumption.cmp(b.assumption))
    });
}

/// The factors actually used at the low and high end of `r` for these models: the documented
/// ones, except that background load stops at the largest factor that keeps every team of
/// every model under capacity.
pub fn factors(r: &Range, models: &[&Model]) -> (f64, f64) {
    match r.assumption {
        Assumption::BackgroundLoad => {
            let cap = background_cap(models);
            (r.low.min(cap), r.high.min(cap))
        }
        _ => (r.low, r.high),
    }
}

/// The largest factor on background rates (rounded down to 0.01, at least 1.0) under which no
/// team of any of `models` is overloaded (`Team::overload`).
pub fn background_cap(models: &[&Model]) -> f64 {
    let fits = |f: f64| {
        models.iter().all(|m| {
            move_model(Assumption::BackgroundLoad, m, f)
                .0
                .teams
                .iter()
                .all(|t| t.overload().is_none())
        })
    };
    // The bound from the load alone, then stepped down to where `overload` agrees.
    let mut cap = f64::INFINITY;
    for t in models.iter().flat_map(|m| &m.teams) {
        let Some(b) = t.background else { continue };
        let (load, capacity) = (b.rate * b.effort.mean(), t.capacity());
        if load > 0.0 {
            cap = cap.min(0.98 * capacity / load);
        }
    }
    if !cap.is_finite() {
        return f64::INFINITY;
    }
    let mut f = (cap * 100.0).floor() / 100.0;
    while f > 1.0 && !fits(f) {
        f -= 0.01;
    }
    f.max(1.0)
}

/// A copy of `sc` with assumption `a` moved by `factor`, and whether anything changed (only
/// detection delay lives in a scenario: its external reports' delays).
pub fn move_scenario(a: Assumption, sc: &Scenario, factor: f64) -> (Scenario, bool) {
    let mut out = sc.clone();
    let mut changed = false;
    if a == Assumption::DetectionDelay {
        for rep in out.stages.iter_mut().flat_map(|st| st.reports.iter_mut()) {
            let d = rep.delay.scaled(factor);
            changed |= d != rep.delay;
            rep.delay = d;
        }
    }
    (out, changed)
}

/// A copy of `m` with assumption `a` moved by `factor`, and whether anything changed.
pub fn move_model(a: Assumption, m: &Model, factor: f64) -> (Model, bool) {
    let mut out = m.clone();
    match a {
        Assumption::DetectionDelay => {
            for act in [Activity::Detect, Activity::Intake] {
                out.effort[act.index()] = m.effort[act.index()].scaled(factor);
            }
        }
        Assumption::PageLatency => {
            for t in &m.teams {
                if let Coverage::BusinessHours {
                    on_call: Some(oc), ..
                } = t.coverage
                {
                    let latency = (oc.page_latency as f64 * factor).round();
                    Parameter::PageLatency(t.id.clone()).set(&mut out, latency);
                }
            }
        }
        Assumption::TriageAccuracy => {
            out.policy.triage_accuracy = moved_accuracy(m.policy.triage_accuracy, factor);
        }
        Assumption::BackgroundLoad => {
            for t in out.teams.iter_mut() {
                if let Some(b) = t.background.as_mut() {
                    b.rate *= factor;
                }
            }
        }
        Assumption::InventoryAccuracy => {
            for t in &m.teams {
                for &p in Plane::ALL {
                    if let Some(v) = t.visibility[p.index()] {
                        let param = Parameter::InventoryAccuracy(t.id.clone(), p);
                        param.set(&mut out, (v * factor).min(1.0));
                    }
                }
            }
        }
    }
    let changed = differs(a, m, &out);
    (out, changed)
}

/// Triage accuracy with its miss rate (1 - accuracy) multiplied by `factor`, within [0, 1].
pub fn moved_accuracy(accuracy: f64, factor: f64) -> f64 {
    (1.0 - (1.0 - accuracy) * factor).clamp(0.0, 1.0)
}

/// Whether the part of the model that `a` moves differs between `m` and `out`.
fn differs(a: Assumption, m: &Model, out: &Model) -> bool {
    match a {
        Assumption::DetectionDelay => [Activity::Detect, Activity::Intake]
            .iter()
            .any(|x| m.effort[x.index()] != out.effort[x.index()]),
        Assumption::PageLatency => m
            .teams
            .iter()
            .zip(&out.teams)
            .any(|(x, y)| x.coverage != y.coverage),
        Assumption::TriageAccuracy => m.policy.triage_accuracy != out.policy.triage_accuracy,
        Assumption::BackgroundLoad => m
            .teams
            .iter()
            .zip(&out.teams)
            .any(|(x, y)| x.background != y.background),
        Assumption::InventoryAccuracy => m
            .teams
            .iter()
            .zip(&out.teams)
            .any(|(x, y)| x.visibility != y.visibility || x.telemetry != y.telemetry),
    }
}

/// "x0.5", "x1.95"; for triage accuracy the accuracy itself ("0.70") when both models share
/// it, else the factor on the miss rate ("miss x2").
pub fn label(r: &Range, models: &[&Model], factor: f64) -> String {
    if r.assumption != Assumption::TriageAccuracy {
        return format!("x{}", number(factor));
    }
    match shared_accuracy(models) {
        Some(a) => accuracy_text(moved_accuracy(a, factor)),
        None => format!("miss x{}", number(factor)),
    }
}

/// The triage accuracy every model has, if they agree.
fn shared_accuracy(models: &[&Model]) -> Option<f64> {
    let a = models.first()?.policy.triage_accuracy;
    models
        .iter()
        .all(|m| m.policy.triage_accuracy == a)
        .then_some(a)
}

/// What a bar moved and where its range comes from, in words, with the factors actually used.
pub fn describe(r: &Range, models: &[&Model], low: f64, high: f64) -> String {
    let span = match (r.assumption, shared_accuracy(models)) {
        (Assumption::TriageAccuracy, Some(a)) => format!(
            "miss rate x{} to x{}: {} -> {} and {}",
            number(r.low),
            number(r.high),
            accuracy_text(a),
            accuracy_text(moved_accuracy(a, low)),
            accuracy_text(moved_accuracy(a, high))
        ),
        (Assumption::TriageAccuracy, None) => {
            format!("miss rate x{} to x{}", number(r.low), number(r.high))
        }
        _ => format!("x{} to x{}", number(low), number(high)),
    };
    let clamped = if (low, high) != (r.low, r.high) && r.assumption != Assumption::TriageAccuracy {
        format!(
            " (documented x{} to x{}; clamped so no team is overloaded)",
            number(r.low),
            number(r.high)
        )
    } else {
        String::new()
    };
    format!("{}, {span}{clamped}; {}", r.moves, r.source)
}

/// A factor without trailing zeros: 0.5, 2, 1.95.
fn number(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// An accuracy with two decimals at least: 0.70, 0.925.
fn accuracy_text(x: f64) -> String {
    let s = format!("{x:.3}");
    match s.strip_suffix('0') {
        Some(t) => t.to_string(),
        None => s,
    }
}
