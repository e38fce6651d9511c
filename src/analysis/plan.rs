//! A study resolved once into a plan, simulated, then rendered: the one path every study,
//! check, shard and merge follows.
//!
//! The plan's points are the study's own models (point 0) and then, for a sweep, the models
//! at every grid point. Simulating a point gives its runs for every scenario and model
//! (`raw[scenario][model]`, common random numbers across points); rendering turns point 0 into
//! the comparison and every other point into sweep rows. A study renders each point as soon as
//! it is simulated (one sweep point in memory at a time); a shard keeps its slice of every
//! point; merge joins the slices and renders them the same way, so the reports are identical.

use crate::analysis::compare::{assemble, simulate_all, Comparison, RawResult};
use crate::analysis::sweep::{grid, models_at, rows_at, SweepRow};
use crate::engine::SimError;
use crate::input::study::Study;
use crate::input::Model;

/// One point of a plan: sweep parameter values (none for the study's own models) and the
/// models with those values applied.
pub struct Point {
    pub values: Vec<f64>,
    pub models: Vec<Model>,
}

/// A study resolved into the points it simulates.
pub struct Plan<'s> {
    pub study: &'s Study,
    pub points: Vec<Point>,
}

/// What a plan produced: the comparison of the study's models and the sweep's rows.
pub struct Outcome {
    pub comparison: Comparison,
    pub sweep: Vec<SweepRow>,
}

impl<'s> Plan<'s> {
    /// The study's own models, then every grid point of its sweep (if it has one).
    pub fn resolve(study: &'s Study) -> Self {
        let mut points = vec![Point {
            values: Vec::new(),
            models: study.models.clone(),
        }];
        if !study.sweep.is_empty() {
            points.extend(grid(study).into_iter().map(|values| Point {
                models: models_at(study, &values),
                values,
            }));
        }
        Plan { study, points }
    }

    /// Runs the plan simulates for `count` runs of each model and scenario at every point.
    pub fn runs(&self, count: u64) -> u64 {
        let per_point = (self.study.models.len() * self.study.scenarios.len()) as u64;
        count * per_point * self.points.len() as u64
    }

    /// Runs `first .. first + count` of every model on every scenario at point `p`.
    pub fn simulate_point(
        &self,
        p: usize,
        first: u64,
        count: u64,
        max_events: u64,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Vec<Vec<RawResult>>, SimError> {
        let s = self.study;
        let models = &self.points[p].models;
        simulate_all(
            &s.scenarios,
            models,
            first,
            count,
            s.seed,
            max_events,
            progress,
        )
    }

    /// Simulates every point for all of the study's runs and renders it.
    pub fn run(&self, max_events: u64, progress: impl FnMut(u64)) -> Result<Outcome, SimError> {
        self.run_visiting(max_events, progress, &mut Unvisited)
    }

    /// `run`, showing `visitor` the comparison of every point it wants (for gates).
    pub fn run_visiting(
        &self,
        max_events: u64,
        mut progress: impl FnMut(u64),
        visitor: &mut dyn Visitor,
    ) -> Result<Outcome, SimError> {
        self.render_visiting(
            (0..self.points.len())
                .map(|p| self.simulate_point(p, 0, self.study.runs, max_events, &mut progress)),
            visitor,
        )
    }

    /// Renders every point's runs (all of the study's runs, in run order), taken one point at
    /// a time from `raw`: point 0 is the comparison, the others the sweep's rows.
    pub fn render<E>(
        &self,
        raw: impl IntoIterator<Item = Result<Vec<Vec<RawResult>>, E>>,
    ) -> Result<Outcome, E> {
        self.render_visiting(raw, &mut Unvisited)
    }

    /// `render`, showing `visitor` point 0's comparison and, at every sweep point it wants, a
    /// comparison of the point's models, built while the point is in memory and dropped after.
    pub fn render_visiting<E>(
        &self,
        raw: impl IntoIterator<Item = Result<Vec<Vec<RawResult>>, E>>,
        visitor: &mut dyn Visitor,
    ) -> Result<Outcome, E> {
        let s = self.study;
        let mut raw = raw.into_iter();
        let base = raw.next().expect("a plan has point 0")?;
        let assembled = |models: &[Model], raw| {
            let (scenarios, models) = (s.scenarios.clone(), models.to_vec());
            assemble(
                scenarios,
                models,
                s.baseline,
                s.runs,
                s.seed,
                s.practical,
                raw,
            )
        };
        let comparison = assembled(&s.models, base);
        visitor.visit(0, &comparison);
        let mut sweep = Vec::new();
        for ((p, point), r) in self.points.iter().enumerate().skip(1).zip(raw) {
            let r = r?;
            sweep.extend(rows_at(s, &point.values, &point.models, &r));
            if visitor.wants(p) {
                visitor.visit(p, &assembled(&point.models, r));
            }
        }
        Ok(Outcome { comparison, sweep })
    }
}

/// What looks at the comparisons of a plan's points as they are rendered.
pub trait Visitor {
    /// Whether it needs the comparison of sweep point `point` (point 0's is always shown).
    fn wants(&self, point: usize) -> bool;
    fn visit(&mut self, point: usize, c: &Comparison);
}

/// A visitor that looks at nothing.
struct Unvisited;

impl Visitor for Unvisited {
    fn wants(&self, _: usize) -> bool {
        false
    }
    fn visit(&mut self, _: usize, _: &Comparison) {}
}
