//! Racing: successive halving on common random numbers (docs/improve.md, "Racing").
//!
//! Every candidate runs the same first `first_runs` runs of every scenario (same seed, same run
//! indices). After each round the entrants are ordered by Pareto layer over (restricted mean
//! time to containment, missed revocations, wrongful revocations, weighed cost), then by time
//! to containment, then by cost, then by id; the first half (at least `finalists`) is kept and
//! its run count doubled: a kept candidate simulates only its new runs. When doubling would
//! reach the final run count, the cut goes straight to `finalists`, which then run the final
//! run count. Each operator's best single edit is kept besides (see `cut`), so the finals
//! hold every kind of fix the model admits, judged alone.
//!
//! Pairs: after the singles' first round, the best singles (in the same order) are paired,
//! as many as fit the budget, and the pairs race from their own first round.

use rayon::prelude::*;

use super::candidates;
use super::evaluate::{overall, simulate, Outcome, SEARCHED};
use super::{Candidate, CostWeights, Round, Standing};
use crate::engine::SimError;
use crate::input::file::ModelFile;
use crate::input::{Model, Scenario};

/// How the race is run.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub seed: u64,
    /// Runs per scenario of the finalists (and the original).
    pub final_runs: u64,
    /// Runs per scenario of the first round.
    pub first_runs: u64,
    /// Candidates that reach the final run count.
    pub finalists: usize,
    /// Most candidates (singles and pairs) to race.
    pub budget: usize,
    pub max_events: u64,
    pub weights: CostWeights,
}

/// What the race leaves: every candidate, the runs of each (the finalists' at the final run
/// count), the rounds, each candidate's standing and the finalists (in race order).
pub struct Raced {
    pub candidates: Vec<Candidate>,
    pub singles: usize,
    pub runs: Vec<Vec<Vec<Outcome>>>,
    pub rounds: Vec<Round>,
    pub standings: Vec<Standing>,
    pub finalists: Vec<usize>,
    pub simulated: u64,
}

/// Extends the runs of candidates `which` to `to` runs per scenario; returns runs simulated.
/// Parallel over (candidate, scenario); the outcomes are stored in order, so the result does
/// not depend on the thread count.
pub fn extend(
    scenarios: &[Scenario],
    models: &[&Model],
    runs: &mut [Vec<Vec<Outcome>>],
    which: &[usize],
    to: u64,
    s: &Settings,
) -> Result<u64, SimError> {
    let jobs: Vec<(usize, usize, u64)> = which
        .iter()
        .flat_map(|&c| (0..scenarios.len()).map(move |sc| (c, sc)))
        .map(|(c, sc)| (c, sc, runs[c][sc].len() as u64))
        .filter(|&(_, _, have)| have < to)
        .collect();
    let done: Vec<Result<Vec<Outcome>, SimError>> = jobs
        .par_iter()
        .map(|&(c, sc, have)| {
            simulate(
                &scenarios[sc],
                models[c],
                have,
                to - have,
                s.seed,
                s.max_events,
            )
        })
        .collect();
    let mut n = 0;
    for (&(c, sc, _), r) in jobs.iter().zip(done) {
        let r = r?;
        n += r.len() as u64;
        runs[c][sc].extend(r);
    }
    Ok(n)
}

/// `a` is at least as good as `b` everywhere and better somewhere (lower is better).
fn dominates(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a.iter().zip(b).all(|(x, y)| x <= y) && a.iter().zip(b).any(|(x, y)| x < y)
}

/// Pareto layer of each point: 0 for the non-dominated, 1 for those dominated only by layer 0,
/// and so on.
pub fn layers(points: &[[f64; 4]]) -> Vec<usize> {
    let mut layer = vec![usize::MAX; points.len()];
    let mut current = 0;
    while layer.contains(&usize::MAX) {
        let open: Vec<usize> = (0..points.len())
            .filter(|&i| layer[i] == usize::MAX)
            .collect();
        let front: Vec<usize> = open
            .iter()
            .copied()
            .filter(|&i| !open.iter().any(|&j| dominates(&points[j], &points[i])))
            .collect();
        for i in front {
            layer[i] = current;
        }
        current += 1;
    }
    layer
}

/// NSGA-II crowding distance of each point within its layer: the sum over the four objectives
/// of the gap between its two neighbours, divided by the layer's range; the extremes of every
/// objective get infinity, so the fastest, the cheapest, the fewest missed and the fewest
/// wrongful revocations of a layer are kept before anything in its middle.
#[allow(clippy::needless_range_loop)] // k indexes an objective of several points
pub fn crowding(points: &[[f64; 4]], layer: &[usize]) -> Vec<f64> {
    let mut d = vec![0.0; points.len()];
    let top = layer.iter().copied().max().unwrap_or(0);
    for l in 0..=top {
        let members: Vec<usize> = (0..points.len()).filter(|&i| layer[i] == l).collect();
        for k in 0..4 {
            let mut m = members.clone();
            m.sort_by(|&a, &b| points[a][k].total_cmp(&points[b][k]).then(a.cmp(&b)));
            let (Some(&lo), Some(&hi)) = (m.first(), m.last()) else {
                continue;
            };
            let range = points[hi][k] - points[lo][k];
            d[lo] = f64::INFINITY;
            d[hi] = f64::INFINITY;
            if range <= 0.0 {
                continue;
            }
            for w in m.windows(3) {
                d[w[1]] += (points[w[2]][k] - points[w[0]][k]) / range;
            }
        }
    }
    d
}

/// The overall means of `SEARCHED` over the first `n` runs.
fn means(scenarios: &[Scenario], runs: &[Vec<Outcome>], n: usize) -> [f64; 3] {
    SEARCHED.map(|k| overall(k, scenarios, runs, n))
}

/// `entrants` in race order (layer, time to containment, cost, id) at `n` runs.
fn order(
    scenarios: &[Scenario],
    cands: &[Candidate],
    runs: &[Vec<Vec<Outcome>>],
    entrants: &[usize],
    n: usize,
    w: &CostWeights,
) -> Vec<usize> {
    let points: Vec<[f64; 4]> = entrants
        .iter()
        .map(|&c| {
            let m = means(scenarios, &runs[c], n);
            [m[0], m[1], m[2], cands[c].cost.weighed(w)]
        })
        .collect();
    let layer = layers(&points);
    let crowd = crowding(&points, &layer);
    let mut idx: Vec<usize> = (0..entrants.len()).collect();
    idx.sort_by(|&a, &b| {
        (layer[a].cmp(&layer[b]))
            .then(crowd[b].total_cmp(&crowd[a]))
            .then(points[a][0].total_cmp(&points[b][0]))
            .then(points[a][3].total_cmp(&points[b][3]))
            .then(entrants[a].cmp(&entrants[b]))
    });
    idx.into_iter().map(|i| entrants[i]).collect()
}

/// The first `keep` of `ordered`, and each operator's best single-edit candidate (its first
/// single in `ordered`) when none of the first `keep` is a single of that operator, so every
/// kind of fix the model admits reaches the finals alone and is judged at the full run count;
/// then the dropped ones, in order.
fn cut(cands: &[Candidate], ordered: &[usize], keep: usize) -> (Vec<usize>, Vec<usize>) {
    let keep = keep.min(ordered.len());
    let single = |c: usize| (cands[c].edits.len() == 1).then(|| cands[c].edits[0].operator());
    let mut kept: Vec<usize> = ordered[..keep].to_vec();
    let mut seen: std::collections::BTreeSet<&str> =
        kept.iter().filter_map(|&c| single(c)).collect();
    let mut dropped = Vec::new();
    for &c in &ordered[keep..] {
        match single(c) {
            Some(op) if seen.insert(op) => kept.push(c),
            _ => dropped.push(c),
        }
    }
    (kept, dropped)
}

/// Candidate `c`'s standing at `n` runs.
fn standing(
    scenarios: &[Scenario],
    runs: &[Vec<Vec<Outcome>>],
    c: usize,
    n: u64,
    dropped_after: Option<usize>,
) -> Standing {
    Standing {
        candidate: c,
        runs: n,
        dropped_after,
        means: means(scenarios, &runs[c], n as usize),
    }
}

/// The first round: every single at `n0` runs, then the pairs of the best singles the budget
/// allows, at `n0` runs too. Returns the candidates, their runs and the runs simulated.
type FirstRound = (Vec<Candidate>, Vec<Vec<Vec<Outcome>>>, u64);

fn first_round(
    scenarios: &[Scenario],
    original: &ModelFile,
    singles: Vec<Candidate>,
    n0: u64,
    s: &Settings,
) -> Result<FirstRound, SimError> {
    let sc = scenarios.len();
    let mut cands = singles;
    let n_singles = cands.len();
    let mut runs = vec![vec![Vec::new(); sc]; cands.len()];
    let all: Vec<usize> = (0..cands.len()).collect();
    let models: Vec<&Model> = cands.iter().map(|c| &c.model).collect();
    let mut simulated = extend(scenarios, &models, &mut runs, &all, n0, s)?;
    if n_singles < s.budget {
        let ranked = order(scenarios, &cands, &runs, &all, n0 as usize, &s.weights);
        let room = s.budget - n_singles;
        let mut k = 2;
        while k < ranked.len() && candidates::pair_count(&cands, &ranked[..k + 1]) <= room {
            k += 1;
        }
        let pairs = candidates::pairs(original, &cands, &ranked[..k.min(ranked.len())], room);
        let first_pair = cands.len();
        cands.extend(pairs);
        runs.resize(cands.len(), vec![Vec::new(); sc]);
        let new: Vec<usize> = (first_pair..cands.len()).collect();
        let models: Vec<&Model> = cands.iter().map(|c| &c.model).collect();
        simulated += extend(scenarios, &models, &mut runs, &new, n0, s)?;
    }
    Ok((cands, runs, simulated))
}

/// How many of `entrants` a round keeps before the operators' best singles: half (at least
/// the finalists), or just the finalists when the next run count is the final one.
fn keep_count(s: &Settings, entrants: usize, next: u64) -> usize {
    if next >= s.final_runs {
        s.finalists
    } else {
        s.finalists.max(entrants.div_ceil(2))
    }
}

/// The race over the single-edit candidates `singles` (and the pairs it forms).
pub fn race(
    scenarios: &[Scenario],
    original: &ModelFile,
    singles: Vec<Candidate>,
    s: &Settings,
) -> Result<Raced, SimError> {
    let n0 = s.first_runs.clamp(2, s.final_runs.max(2));
    let n_singles = singles.len();
    let (cands, mut runs, simulated) = first_round(scenarios, original, singles, n0, s)?;
    let mut simulated = simulated;
    let models: Vec<&Model> = cands.iter().map(|c| &c.model).collect();
    let mut rounds = Vec::new();
    let mut standings = Vec::new();
    let mut entrants: Vec<usize> = (0..cands.len()).collect();
    let mut n = n0;
    let mut round_simulated = simulated;
    let mut recorded = false;
    while entrants.len() > s.finalists {
        let ordered = order(scenarios, &cands, &runs, &entrants, n as usize, &s.weights);
        let next = (n * 2).min(s.final_runs);
        let (kept, dropped) = cut(&cands, &ordered, keep_count(s, entrants.len(), next));
        let round = rounds.len();
        standings.extend(
            dropped
                .iter()
                .map(|&c| standing(scenarios, &runs, c, n, Some(round))),
        );
        rounds.push(Round {
            runs: n,
            entrants: entrants.len(),
            kept: kept.len(),
            simulated: round_simulated,
        });
        entrants = kept;
        recorded = true;
        if next >= s.final_runs {
            break;
        }
        round_simulated = extend(scenarios, &models, &mut runs, &entrants, next, s)?;
        simulated += round_simulated;
        recorded = false;
        n = next;
    }
    if !recorded {
        // The last halving left no more than the finalists at `n` runs (or there were never
        // more): that round is theirs alone.
        let k = entrants.len();
        rounds.push(Round {
            runs: n,
            entrants: k,
            kept: k,
            simulated: round_simulated,
        });
    }
    let last = extend(scenarios, &models, &mut runs, &entrants, s.final_runs, s)?;
    simulated += last;
    let n_final = s.final_runs as usize;
    let finalists = order(scenarios, &cands, &runs, &entrants, n_final, &s.weights);
    rounds.push(Round {
        runs: s.final_runs,
        entrants: finalists.len(),
        kept: finalists.len(),
        simulated: last,
    });
    let last_standing = |c: usize| standing(scenarios, &runs, c, s.final_runs, None);
    standings.extend(finalists.iter().map(|&c| last_standing(c)));
    standings.sort_by_key(|st| st.candidate);
    Ok(Raced {
        candidates: cands,
        singles: n_singles,
        runs,
        rounds,
        standings,
        finalists,
        simulated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_peel_the_front_first() {
        let p = [
            [1.0, 1.0, 0.0, 1.0], // front
            [2.0, 2.0, 0.0, 2.0], // dominated by 0 only
            [0.5, 3.0, 0.0, 1.0], // front: fastest
            [3.0, 3.0, 0.0, 3.0], // dominated by 1
            [1.0, 1.0, 0.0, 1.0], // equal to 0: not dominated
        ];
        assert_eq!(layers(&p), vec![0, 1, 0, 2, 0]);
    }

    #[test]
    fn crowding_keeps_the_extremes_and_the_isolated() {
        // One layer on a line: cost rises as time falls.
        let p = [
            [4.0, 0.0, 0.0, 0.0],
            [3.0, 0.0, 0.0, 1.0],
            [2.9, 0.0, 0.0, 1.1],
            [1.0, 0.0, 0.0, 3.0],
            [0.0, 0.0, 0.0, 4.0],
        ];
        let d = crowding(&p, &[0; 5]);
        assert!(d[0].is_infinite() && d[4].is_infinite());
        // Point 3's neighbours are 2.9 and 0.0 apart on time (2.9/4) and 1.1..4 on cost
        // (2.9/4): 1.45; point 2's are 3.0 and 1.0 (0.5) and 1..3 (0.5): 1.0; point 1's
        // 4.0 and 2.9 (0.275) and 0..1.1 (0.275): 0.55.
        assert!((d[3] - 1.45).abs() < 1e-12, "{d:?}");
        assert!((d[2] - 1.0).abs() < 1e-12);
        assert!((d[1] - 0.55).abs() < 1e-12);
    }
}
