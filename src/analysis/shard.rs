//! Merging shards: a shard file is data from elsewhere (another machine, a pull request), so
//! every shard is checked strictly before anything is merged: its schema, that all come from
//! one study and one split, that together they cover every run exactly once, and that every
//! table has the shape and every value the range the study implies. Nothing a shard says
//! decides where the merged report is written.

use std::path::{Path, PathBuf};

use crate::analysis::compare::RawResult;
use crate::analysis::plan::Plan;
use crate::domain::WEEK;
use crate::engine::metrics::Breakdown;
use crate::input::study::{shard_range, study_from_shard, ShardFile, Study};
use crate::input::{Diagnostic, LoadError, Model, Scenario};

/// The shard file's schema version this build writes and reads.
pub const SHARD_SCHEMA_VERSION: u32 = 3;

/// Shards checked and merged: the study and its runs, as one machine would have them.
pub struct Merged {
    pub study: Study,
    /// `points[point][scenario][model]` in the order of the study's plan (the study's own
    /// models, then each sweep point), every run in run order.
    pub points: Vec<Vec<Vec<RawResult>>>,
}

/// A located complaint about one shard file (exit 2).
fn bad(path: &Path, field: &str, message: String, help: &str) -> LoadError {
    LoadError::Invalid(vec![Diagnostic {
        file: path.display().to_string(),
        line: 1,
        col: 1,
        field: field.to_string(),
        message,
        help: Some(help.to_string()),
    }])
}

const RERUN: &str = "merge takes the folders written by `raci-sim study --shard K/N` of one \
                     study, every K from 1 to N once; run the bad shard again";

/// Parses one shard file's bytes.
pub fn parse_shard(path: &Path, bytes: &[u8]) -> Result<ShardFile, LoadError> {
    let shard: ShardFile = serde_json::from_slice(bytes).map_err(|e| {
        LoadError::Invalid(vec![Diagnostic {
            file: path.display().to_string(),
            line: e.line(),
            col: e.column(),
            field: String::new(),
            message: format!("not a raci-sim shard file: {e}"),
            help: Some(RERUN.into()),
        }])
    })?;
    if shard.schema_version != SHARD_SCHEMA_VERSION {
        return Err(bad(
            path,
            "schema_version",
            format!(
                "shard schema version {} is not the version {SHARD_SCHEMA_VERSION} this raci-sim reads",
                shard.schema_version
            ),
            "run the shards again with this version of raci-sim",
        ));
    }
    Ok(shard)
}

/// Checks `shards` (path, contents) strictly and merges them in run order.
pub fn merge(mut shards: Vec<(PathBuf, ShardFile)>) -> Result<Merged, LoadError> {
    shards.sort_by_key(|(_, s)| s.shard);
    let Some((first_path, first)) = shards.first() else {
        return Err(LoadError::Invalid(vec![]));
    };
    let n = first.of;
    one_split(&shards)?;
    if let Some(w) = shards.windows(2).find(|w| w[0].1.shard == w[1].1.shard) {
        return Err(bad(
            &w[1].0,
            "shard",
            format!(
                "shard {} of {n} again (also {})",
                w[1].1.shard,
                w[0].0.display()
            ),
            RERUN,
        ));
    }
    let ks: Vec<u64> = shards.iter().map(|(_, s)| s.shard).collect();
    if n == 0 || ks.len() as u64 != n || ks.iter().enumerate().any(|(i, &k)| k != i as u64 + 1) {
        let shown: Vec<String> = ks.iter().take(20).map(|k| k.to_string()).collect();
        return Err(bad(
            first_path,
            "shard",
            format!(
                "merge needs shards 1 to {n} exactly once each, got {}{}",
                shown.join(", "),
                if ks.len() > 20 { ", ..." } else { "" }
            ),
            RERUN,
        ));
    }
    let study = study_from_shard(first)?;
    if n > study.runs {
        return Err(bad(
            first_path,
            "of",
            format!("{n} shards of {} runs", study.runs),
            RERUN,
        ));
    }
    {
        let plan = Plan::resolve(&study);
        let sweep_models: Vec<&[Model]> = plan.points[1..].iter().map(|p| &p.models[..]).collect();
        for (path, s) in &shards {
            check_one(path, s, &study, &sweep_models)?;
        }
    }
    let mut shards = shards.into_iter().map(|(_, s)| s);
    let first = shards.next().expect("n >= 1 shards");
    let (mut raw, mut sweep) = (first.raw, first.sweep);
    for s in shards {
        append(&mut raw, s.raw);
        for (acc, add) in sweep.iter_mut().zip(s.sweep) {
            append(acc, add);
        }
    }
    let mut points = vec![raw];
    points.extend(sweep);
    Ok(Merged { study, points })
}

/// An error unless every shard comes from the first one's study and split (`shards` sorted,
/// not empty).
fn one_split(shards: &[(PathBuf, ShardFile)]) -> Result<(), LoadError> {
    let (first_path, first) = &shards[0];
    for (path, s) in shards {
        let same = s.of == first.of
            && s.study_label == first.study_label
            && s.study_text == first.study_text
            && s.sources == first.sources;
        if !same {
            return Err(bad(
                path,
                "",
                format!(
                    "a shard of a different study or split ({} of {}) than {} ({} of {})",
                    s.shard,
                    s.of,
                    first_path.display(),
                    first.shard,
                    first.of
                ),
                "a folder left from an earlier run with another split or study (`shards/*` \
                 takes every folder there): remove it or list only this run's folders; \
                 otherwise run the bad shard again",
            ));
        }
    }
    Ok(())
}

/// Shards in order, each run range after the last: appending keeps every run in run order.
fn append(acc: &mut [Vec<RawResult>], add: Vec<Vec<RawResult>>) {
    for (row, add) in acc.iter_mut().zip(add) {
        for (acc, part) in row.iter_mut().zip(add) {
            acc.runs.extend(part.runs);
            acc.stage_done.append(part.stage_done);
            acc.breakdown.merge(&part.breakdown);
        }
    }
}

/// One shard against the study: its run range, and the shape and ranges of its tables.
fn check_one(
    path: &Path,
    s: &ShardFile,
    study: &Study,
    sweep_models: &[&[Model]],
) -> Result<(), LoadError> {
    let (first, count) = shard_range(s.shard, s.of, study.runs);
    if (s.first, s.count) != (first, count) {
        return Err(bad(
            path,
            "first",
            format!(
                "shard {}/{} must hold runs {first}..{}, but says {}..{}",
                s.shard,
                s.of,
                first + count,
                s.first,
                s.first.saturating_add(s.count)
            ),
            RERUN,
        ));
    }
    let span = (first, count);
    check_table(path, "raw", &s.raw, &study.scenarios, &study.models, span)?;
    if s.sweep.len() != sweep_models.len() {
        return Err(bad(
            path,
            "sweep",
            format!(
                "{} sweep points, but the study's sweep has {}",
                s.sweep.len(),
                sweep_models.len()
            ),
            RERUN,
        ));
    }
    for (i, (table, models)) in s.sweep.iter().zip(sweep_models).enumerate() {
        check_table(
            path,
            &format!("sweep[{i}]"),
            table,
            &study.scenarios,
            models,
            span,
        )?;
    }
    Ok(())
}

/// `table[scenario][model]`: one result per pair, each with runs `first..first + count` in
/// order, a breakdown of the model's size, and every value in range.
fn check_table(
    path: &Path,
    field: &str,
    table: &[Vec<RawResult>],
    scenarios: &[Scenario],
    models: &[Model],
    (first, count): (u64, u64),
) -> Result<(), LoadError> {
    let shape = |what: String| bad(path, field, what, RERUN);
    if table.len() != scenarios.len() || table.iter().any(|row| row.len() != models.len()) {
        return Err(shape(format!(
            "results are not one per scenario and model ({} x {})",
            scenarios.len(),
            models.len()
        )));
    }
    for (row, scenario) in table.iter().zip(scenarios) {
        for (r, model) in row.iter().zip(models) {
            let at = format!("{} under {}", scenario.name, model.name);
            if r.runs.len() as u64 != count {
                return Err(shape(format!(
                    "{at}: {} runs, the shard's range has {count}",
                    r.runs.len()
                )));
            }
            if !same_shape(&r.breakdown, model.teams.len(), scenario.credentials.len()) {
                return Err(shape(format!(
                    "{at}: the handoff, credential and wait tables are not sized for the \
                     model's {} teams and the scenario's {} credentials",
                    model.teams.len(),
                    scenario.credentials.len()
                )));
            }
            let stages = scenario.stages.len();
            let st = &r.stage_done;
            if st.stages != stages || st.times.len() as u64 != count * stages as u64 {
                return Err(shape(format!(
                    "{at}: stage times are not {stages} per run for {count} runs"
                )));
            }
            if st.times.iter().flatten().any(|&t| t > scenario.horizon) {
                return Err(shape(format!("{at}: a stage time past the horizon")));
            }
            for (i, m) in r.runs.iter().enumerate() {
                if let Some(what) = out_of_range(m, first + i as u64, scenario.horizon) {
                    return Err(shape(format!("{at}: run {}: {what}", first + i as u64)));
                }
            }
        }
    }
    Ok(())
}

fn same_shape(b: &Breakdown, teams: usize, creds: usize) -> bool {
    let e = Breakdown::new(teams, creds);
    b.teams == teams
        && b.handoffs.len() == e.handoffs.len()
        && b.handoff_wait.len() == e.handoff_wait.len()
        && b.stalls.len() == e.stalls.len()
        && b.stall_wait.len() == e.stall_wait.len()
        && b.busy.len() == e.busy.len()
        && b.capacity.len() == e.capacity.len()
        && b.background_jobs.len() == e.background_jobs.len()
        && b.background_wait.len() == e.background_wait.len()
        && b.credentials.same_shape(teams, creds)
        && b.wait_by_activity_cause.len() == e.wait_by_activity_cause.len()
}

/// What is wrong with one run's metrics, if anything: its index, times past the horizon,
/// counts that do not add up.
fn out_of_range(m: &crate::engine::metrics::RunMetrics, run: u64, horizon: u64) -> Option<String> {
    if m.run != run {
        return Some(format!("recorded as run {}", m.run));
    }
    if m.start_in_week >= WEEK {
        return Some("start time past the end of the week".into());
    }
    let times = [
        m.time_to_detect,
        m.time_to_declare,
        m.time_to_first_revocation,
        m.time_to_containment,
        m.time_to_first_close,
        m.first_compromise,
        m.time_to_final_eviction,
        m.time_to_first_re_entry,
        m.time_to_first_reopen,
        m.time_to_final_close,
    ];
    if times.iter().flatten().any(|&t| t > horizon) {
        return Some(format!("a time past the scenario's horizon of {horizon} s"));
    }
    if !m.attack && m.time_to_containment.is_some() {
        return Some("a benign run with a time to containment".into());
    }
    if m.abandoned_by_cause.iter().map(|&x| x as u64).sum::<u64>() != m.abandoned as u64
        || m.abandoned > m.stalls
    {
        return Some("abandoned tasks by cause do not add up (or exceed the stalls)".into());
    }
    if m.stalls_by_cause.iter().map(|&x| x as u64).sum::<u64>() != m.stalls as u64 {
        return Some("stalls by cause do not add up to the stalls".into());
    }
    if m.missed_by_kind.iter().map(|&x| x as u64).sum::<u64>() != m.missed_revocations as u64 {
        return Some("missed revocations by kind do not add up to the missed revocations".into());
    }
    if m.revocations_by_close > m.revocations || m.evidence_by_close > m.revocations {
        return Some("more revocations by close (or evidence) than revocations".into());
    }
    None
}
