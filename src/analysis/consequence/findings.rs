//! Lint findings read against the comparison: what each code predicts as a measurable
//! quantity, its value in every scenario the finding concerns, and whether it was observed.

use serde::Serialize;

use super::{
    abandoned, abandoned_by_cause, missed_credentials, missed_of_kind, row_waits, signals_lost,
    COUNT_OBSERVED, WAIT_OBSERVED,
};
use crate::analysis::compare::Comparison;
use crate::analysis::lint::Finding;
use crate::domain::{Activity, CredentialKind, Plane, WaitCause};
use crate::input::Model;

/// A measurable failure: what a lint finding predicts, as a number per scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum Quantity {
    /// Seconds per run waited on these rows for these causes.
    Wait {
        activities: Vec<Activity>,
        causes: Vec<WaitCause>,
    },
    /// Tasks of these activities per run that nobody would ever do.
    Abandoned(Vec<Activity>),
    /// Abandoned tasks per run that waited on this cause.
    AbandonedFor(WaitCause),
    /// Missed revocations of this kind per attack run.
    MissedKind(CredentialKind),
    /// The scenario's credentials in this plane missed at the first close, per attack run.
    MissedInPlane(Plane),
    /// These credentials of the scenario missed at the first close, per attack run.
    MissedCredentials(Vec<String>),
    /// Signals nobody saw, per attack run.
    SignalsLost,
}

fn names<T: Copy>(v: &[T], name: fn(T) -> &'static str, sep: &str) -> String {
    v.iter().map(|&x| name(x)).collect::<Vec<_>>().join(sep)
}

impl Quantity {
    /// Its value in scenario `s` under model `m`; `None` where it does not apply.
    pub fn value(&self, c: &Comparison, s: usize, m: usize) -> Option<f64> {
        match self {
            Quantity::Wait { activities, causes } => Some(
                activities
                    .iter()
                    .map(|&a| {
                        let w = row_waits(c, s, m, a);
                        causes.iter().map(|c| w[c.index()]).sum::<f64>()
                    })
                    .sum(),
            ),
            Quantity::Abandoned(acts) => Some(acts.iter().map(|&a| abandoned(c, s, m, a)).sum()),
            Quantity::AbandonedFor(cause) => Some(abandoned_by_cause(c, s, m, *cause)),
            Quantity::MissedKind(k) => missed_of_kind(c, s, m, *k),
            Quantity::MissedInPlane(p) => missed_credentials(c, s, m, |x| x.plane == *p),
            Quantity::MissedCredentials(ids) => {
                missed_credentials(c, s, m, |x| ids.contains(&x.id))
            }
            Quantity::SignalsLost => signals_lost(c, s, m),
        }
    }

    pub fn is_seconds(&self) -> bool {
        matches!(self, Quantity::Wait { .. })
    }

    /// The mean per run at which it counts as observed.
    pub fn threshold(&self) -> f64 {
        if self.is_seconds() {
            WAIT_OBSERVED
        } else {
            COUNT_OBSERVED
        }
    }

    /// "unowned wait on revoke", "missed revocations of api_key credentials".
    pub fn describe(&self) -> String {
        match self {
            Quantity::Wait { activities, causes } => format!(
                "{} wait on {}",
                names(causes, WaitCause::name, " or "),
                names(activities, Activity::name, ", ")
            ),
            Quantity::Abandoned(a) => {
                format!("{} tasks never done", names(a, Activity::name, ", "))
            }
            Quantity::AbandonedFor(cause) => format!("tasks never done ({})", cause.name()),
            Quantity::MissedKind(k) => format!("missed revocations of {} credentials", k.name()),
            Quantity::MissedInPlane(p) => {
                format!(
                    "missed revocations of credentials in the {} plane",
                    p.name()
                )
            }
            Quantity::MissedCredentials(ids) => {
                format!("missed revocations of {}", ids.join(", "))
            }
            Quantity::SignalsLost => "lost signals (any of the scenario's)".into(),
        }
    }

    /// "per run" or "per attack run".
    pub fn per(&self) -> &'static str {
        match self {
            Quantity::Wait { .. } | Quantity::Abandoned(_) | Quantity::AbandonedFor(_) => "per run",
            _ => "per attack run",
        }
    }

    /// A value as shown: a duration for waits, two decimals for counts.
    pub fn format(&self, v: f64) -> String {
        if self.is_seconds() {
            crate::domain::duration::format_human(v)
        } else {
            format!("{v:.2}")
        }
    }
}

/// What a lint code predicts for `model`, as quantities; `Err` says why it predicts nothing
/// measurable.
pub fn predicts(f: &Finding, model: &Model) -> Result<Vec<Quantity>, &'static str> {
    let a = &f.about;
    let wait = |causes: &[WaitCause]| Quantity::Wait {
        activities: a.activities.clone(),
        causes: causes.to_vec(),
    };
    Ok(match f.code {
        "L001" => vec![
            wait(&[WaitCause::Unowned]),
            Quantity::Abandoned(a.activities.clone()),
        ],
        "L002" => vec![
            wait(&[WaitCause::NoAccountable]),
            Quantity::AbandonedFor(WaitCause::NoAccountable),
        ],
        "L003" => vec![wait(&[WaitCause::SplitAccountability])],
        "L004" => match a.kind {
            Some(k) => vec![Quantity::MissedKind(k), wait(&[WaitCause::Unowned])],
            None => return Err("the finding names no credential kind"),
        },
        "L005" => vec![Quantity::SignalsLost],
        "L006" | "L010" => match a.plane {
            Some(p) => vec![Quantity::MissedInPlane(p)],
            None => return Err("the finding names no plane"),
        },
        // An office-hours team that is one of several A: its night shows as the committee's
        // split-accountability wait, not as its own off-hours wait.
        "L008" => {
            let committee = a.team.is_some_and(|t| {
                a.activities.iter().any(|&x| {
                    let row = &model.rows[x.index()];
                    x.is_decision() && row.a.len() > 1 && row.a.contains(&t)
                })
            });
            if committee {
                vec![wait(&[WaitCause::OffHours, WaitCause::SplitAccountability])]
            } else {
                vec![wait(&[WaitCause::OffHours])]
            }
        }
        "L011" => vec![Quantity::MissedCredentials(a.credentials.clone())],
        "L012" => vec![
            Quantity::MissedCredentials(a.credentials.clone()),
            wait(&[WaitCause::Unowned]),
        ],
        "L007" => {
            return Err(
                "escalated tasks' off-hours waits are not told apart from other off-hours waits",
            )
        }
        "L009" => return Err("an idle team predicts no failure, only unused staff"),
        "L020" => return Err("holidays that never apply change nothing in these runs"),
        _ => return Err("no simulated measure for this code"),
    })
}

/// A finding's quantities in one scenario, under the model and under the baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioEvidence {
    pub scenario: usize,
    pub values: Vec<Option<f64>>,
    pub baseline: Vec<Option<f64>>,
    /// Some quantity reached its threshold under the model.
    pub observed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The predicted failure was observed in at least one scenario the finding concerns.
    BorneOut,
    /// Measured, and observed in none of them.
    NotBorneOut,
    /// The code predicts nothing the simulation measures.
    NotMeasurable,
    /// No compared scenario has what the prediction is measured on.
    NotApplicable,
}

/// A lint finding read against the comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    pub quantities: Vec<Quantity>,
    /// Why nothing is measured (`NotMeasurable`).
    pub reason: Option<&'static str>,
    pub evidence: Vec<ScenarioEvidence>,
    pub outcome: Outcome,
}

/// Reads finding `f` of model `m` against the comparison: its quantities in every scenario it
/// concerns (its own, or all) where they apply.
pub fn evaluate(c: &Comparison, m: usize, f: &Finding) -> Evaluation {
    let quantities = match predicts(f, &c.models[m]) {
        Ok(q) => q,
        Err(reason) => {
            return Evaluation {
                quantities: Vec::new(),
                reason: Some(reason),
                evidence: Vec::new(),
                outcome: Outcome::NotMeasurable,
            }
        }
    };
    let concerned: Vec<usize> = (0..c.scenarios.len())
        .filter(|&s| {
            f.scenario
                .as_deref()
                .is_none_or(|n| c.scenarios[s].scenario.name == n)
        })
        .collect();
    let mut evidence = Vec::new();
    for s in concerned {
        let values: Vec<Option<f64>> = quantities.iter().map(|q| q.value(c, s, m)).collect();
        if values.iter().all(Option::is_none) {
            continue;
        }
        let baseline = quantities
            .iter()
            .map(|q| q.value(c, s, c.baseline))
            .collect();
        let observed = quantities
            .iter()
            .zip(&values)
            .any(|(q, v)| v.is_some_and(|v| v >= q.threshold()));
        evidence.push(ScenarioEvidence {
            scenario: s,
            values,
            baseline,
            observed,
        });
    }
    let outcome = if evidence.is_empty() {
        Outcome::NotApplicable
    } else if evidence.iter().any(|e| e.observed) {
        Outcome::BorneOut
    } else {
        Outcome::NotBorneOut
    };
    Evaluation {
        quantities,
        reason: None,
        evidence,
        outcome,
    }
}

impl Evaluation {
    /// "in replayed-token" for one scenario, "in 11 of 14 scenarios" for several.
    fn where_(&self, c: &Comparison, k: usize) -> String {
        match self.evidence.as_slice() {
            [one] => format!("in {}", c.scenarios[one.scenario].scenario.name),
            all => format!(
                "in {k} of {} scenario{}",
                all.len(),
                if all.len() == 1 { "" } else { "s" }
            ),
        }
    }

    /// The thresholds of this evaluation's quantities, in words.
    fn thresholds(&self) -> String {
        let waits = self.quantities.iter().any(|q| q.is_seconds());
        let counts = self.quantities.iter().any(|q| !q.is_seconds());
        let mut t = Vec::new();
        if waits {
            t.push("1 min of wait per run");
        }
        if counts {
            t.push("0.01 per run");
        }
        format!("observed means at least {} on average", t.join(" or "))
    }

    /// The verdict in one sentence: "borne out in 11 of 14 scenarios: ...".
    pub fn sentence(&self, c: &Comparison) -> String {
        let seen = self.evidence.iter().filter(|e| e.observed).count();
        match self.outcome {
            Outcome::NotMeasurable => format!(
                "no measurable prediction: {}",
                self.reason.unwrap_or("nothing to measure")
            ),
            Outcome::NotApplicable => format!(
                "nothing to measure here: no compared scenario has what it is measured on ({})",
                self.quantities
                    .first()
                    .map_or(String::new(), |q| q.describe())
            ),
            Outcome::NotBorneOut => {
                let what: Vec<String> = self.quantities.iter().map(|q| q.describe()).collect();
                let place = match self.evidence.as_slice() {
                    [one] => format!("in {}", c.scenarios[one.scenario].scenario.name),
                    all => format!("in any of the {} scenarios it concerns", all.len()),
                };
                format!(
                    "not borne out {place}: no {} observed ({})",
                    what.join(" and no "),
                    self.thresholds()
                )
            }
            Outcome::BorneOut => {
                let parts: Vec<String> = (0..self.quantities.len())
                    .filter_map(|i| self.observed_part(c, i))
                    .collect();
                format!("borne out {}: {}", self.where_(c, seen), parts.join("; "))
            }
        }
    }

    /// "3.2h of unowned wait on revoke per run (mean of the 11 where observed; most 7.1h, in
    /// x)", or "0.45 missed revocations of api_key credentials per attack run", for quantity
    /// `i` where it was observed.
    fn observed_part(&self, c: &Comparison, i: usize) -> Option<String> {
        let q = &self.quantities[i];
        let hits: Vec<(usize, f64)> = self
            .evidence
            .iter()
            .filter_map(|e| {
                e.values[i]
                    .filter(|&v| v >= q.threshold())
                    .map(|v| (e.scenario, v))
            })
            .collect();
        let (top_s, top) = hits.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1))?;
        let mean = hits.iter().map(|h| h.1).sum::<f64>() / hits.len() as f64;
        let of = if q.is_seconds() { " of" } else { "" };
        let body = format!("{}{of} {} {}", q.format(mean), q.describe(), q.per());
        Some(if self.evidence.len() == 1 {
            body
        } else if hits.len() == 1 {
            format!("{body} (in {})", c.scenarios[top_s].scenario.name)
        } else {
            format!(
                "{body} (mean of the {} where observed; most {}, in {})",
                hits.len(),
                q.format(top),
                c.scenarios[top_s].scenario.name
            )
        })
    }
}

/// A finding and its reading, for results.json.
#[derive(Serialize)]
pub struct FindingDoc<'a> {
    #[serde(flatten)]
    pub finding: &'a Finding,
    pub outcome: Outcome,
    /// The reading in words, as in the report.
    pub reading: String,
    pub measures: Vec<MeasureDoc<'a>>,
}

#[derive(Serialize)]
pub struct MeasureDoc<'a> {
    pub measure: String,
    /// "per run" or "per attack run"; seconds for waits, a count otherwise.
    pub per: &'static str,
    pub unit: &'static str,
    /// The mean per run at which it counts as observed.
    pub threshold: f64,
    pub scenarios: Vec<MeasuredDoc<'a>>,
}

#[derive(Serialize)]
pub struct MeasuredDoc<'a> {
    pub scenario: &'a str,
    pub value: Option<f64>,
    pub baseline_value: Option<f64>,
    pub observed: bool,
}

/// Every finding of model `m` with its reading against the comparison.
pub fn finding_docs<'a>(
    c: &'a Comparison,
    m: usize,
    findings: &'a [Finding],
) -> Vec<FindingDoc<'a>> {
    findings
        .iter()
        .map(|f| {
            let e = evaluate(c, m, f);
            let measures = e
                .quantities
                .iter()
                .enumerate()
                .map(|(i, q)| MeasureDoc {
                    measure: q.describe(),
                    per: q.per(),
                    unit: if q.is_seconds() { "seconds" } else { "count" },
                    threshold: q.threshold(),
                    scenarios: e
                        .evidence
                        .iter()
                        .map(|ev| MeasuredDoc {
                            scenario: &c.scenarios[ev.scenario].scenario.name,
                            value: ev.values[i],
                            baseline_value: ev.baseline[i],
                            observed: ev.values[i].is_some_and(|v| v >= q.threshold()),
                        })
                        .collect(),
                })
                .collect();
            FindingDoc {
                finding: f,
                outcome: e.outcome,
                reading: e.sentence(c),
                measures,
            }
        })
        .collect()
}
