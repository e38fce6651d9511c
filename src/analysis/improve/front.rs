//! The finalists judged against the original (docs/improve.md, "The front and the
//! recommendation"): each one's pooled differences with 95% intervals and verdicts by the
//! report's rule, the Pareto front, and the recommended change.
//!
//! Front: the finalists no other finalist, and not the original, dominates on (restricted mean
//! time to containment, missed revocations, wrongful revocations, weighed cost; lower is
//! better on all four) and that are better than the original on at least one of the three
//! counts by the verdict rule.
//!
//! Recommendation, "the smallest change that fixes most of it": among front candidates better
//! than the original on time to containment by the verdict rule and worse on neither missed
//! nor wrongful revocations, those that get at least `MOST` of the largest such gain; of these
//! the cheapest (weighed cost), then the larger gain, then the earlier id.

use super::evaluate::{overall, pooled, Outcome, SEARCHED, TTC};
use super::race::layers;
use super::{Candidate, CostWeights, Finalist, Recommendation};
use crate::analysis::verdict::{Practical, Verdict};
use crate::domain::duration::format_human;
use crate::input::Scenario;

/// Share of the largest gain a recommended change must reach.
pub const MOST: f64 = 0.8;

/// What the finals decide.
pub struct Judged {
    pub finalists: Vec<Finalist>,
    pub original_means: [f64; 3],
    pub recommended: Option<Recommendation>,
}

/// Judges `finalists` (indices into `cands`, with their runs) against the original's runs,
/// over the first `n` runs of every scenario.
#[allow(clippy::too_many_arguments)]
pub fn judge(
    scenarios: &[Scenario],
    cands: &[Candidate],
    runs: &[Vec<Vec<Outcome>>],
    finalists: &[usize],
    original: &[Vec<Outcome>],
    n: usize,
    practical: &Practical,
    w: &CostWeights,
) -> Judged {
    let original_means = SEARCHED.map(|k| overall(k, scenarios, original, n));
    let mut points = vec![[original_means[0], original_means[1], original_means[2], 0.0]];
    for &c in finalists {
        let m = SEARCHED.map(|k| overall(k, scenarios, &runs[c], n));
        points.push([m[0], m[1], m[2], cands[c].cost.weighed(w)]);
    }
    let layer = layers(&points);
    let judged: Vec<Finalist> = finalists
        .iter()
        .map(|&c| Finalist {
            candidate: c,
            versus_original: SEARCHED
                .iter()
                .map(|&k| pooled(k, scenarios, original, &runs[c], n, practical))
                .collect(),
            on_front: false,
        })
        .collect();
    let mut judged = judged;
    for (i, f) in judged.iter_mut().enumerate() {
        // On the front: nothing beats it on all four, and it is better than the original on
        // at least one count (a change that buys nothing measurable is no option to weigh).
        let gains = f
            .versus_original
            .iter()
            .any(|p| p.verdict == Verdict::Better);
        f.on_front = layer[i + 1] == 0 && gains;
    }
    let recommended = recommend(cands, &judged, w);
    Judged {
        finalists: judged,
        original_means,
        recommended,
    }
}

/// The recommendation rule of the module documentation.
fn recommend(
    cands: &[Candidate],
    finalists: &[Finalist],
    w: &CostWeights,
) -> Option<Recommendation> {
    let eligible: Vec<&Finalist> = finalists
        .iter()
        .filter(|f| {
            f.on_front
                && f.versus_original[0].verdict == Verdict::Better
                && f.versus_original[1..]
                    .iter()
                    .all(|p| p.verdict != Verdict::Worse)
        })
        .collect();
    let gain = |f: &Finalist| -f.versus_original[TTC].difference.mean;
    let best = eligible.iter().map(|f| gain(f)).fold(0.0, f64::max);
    let pick = eligible
        .iter()
        .filter(|f| gain(f) >= MOST * best)
        .min_by(|a, b| {
            let (ca, cb) = (
                cands[a.candidate].cost.weighed(w),
                cands[b.candidate].cost.weighed(w),
            );
            ca.total_cmp(&cb)
                .then(gain(b).total_cmp(&gain(a)))
                .then(a.candidate.cmp(&b.candidate))
        })?;
    let c = &cands[pick.candidate];
    Some(Recommendation {
        candidate: pick.candidate,
        reason: format!(
            "the cheapest change (cost {:.2}) that is better than the original on time to containment by the verdict rule, worse on neither missed nor wrongful revocations, and gets at least {:.0}% of the largest such gain ({} of {} shorter)",
            c.cost.weighed(w),
            MOST * 100.0,
            format_human(gain(pick) * 3600.0),
            format_human(best * 3600.0),
        ),
    })
}
