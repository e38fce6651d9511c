//! Collecting a file's problems: the [`Checker`] (located, bounded diagnostics), constant-time
//! id lookup ([`Names`]), and the length cap of every list in scenario and model files.

use std::collections::{HashMap, HashSet};

use crate::domain::duration::{Dist, DistFile};
use crate::domain::{Activity, DAY};
use crate::input::ronpath::{LineCol, RonMap};

use super::file::*;
use super::*;

/// Ids of one kind, for resolving references in constant time.
pub(crate) struct Names<'a> {
    list: Vec<&'a str>,
    index: HashMap<&'a str, usize>,
}

impl<'a> Names<'a> {
    pub(crate) fn new(ids: impl IntoIterator<Item = &'a str>) -> Self {
        let list: Vec<&str> = ids.into_iter().collect();
        let mut index = HashMap::with_capacity(list.len());
        for (i, id) in list.iter().enumerate() {
            index.entry(*id).or_insert(i);
        }
        Names { list, index }
    }

    pub(crate) fn get(&self, id: &str) -> Option<&usize> {
        self.index.get(id)
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }
}

/// Located diagnostics of one file: the first [`MAX_DIAGNOSTICS`] in full, the rest counted
/// only (they are not located or explained, so a file of a million problems costs little).
/// Every loader collects its problems here.
pub(crate) struct Collected {
    label: String,
    found: Vec<Diagnostic>,
    hidden: usize,
}

impl Collected {
    pub(crate) fn new(label: &str) -> Self {
        Collected {
            label: clip_to(label, read::MAX_LABEL),
            found: Vec::new(),
            hidden: 0,
        }
    }

    /// Whether further problems are only counted.
    pub(crate) fn full(&self) -> bool {
        self.found.len() >= MAX_DIAGNOSTICS
    }

    /// Counts one problem that is not shown.
    pub(crate) fn hide(&mut self) {
        self.hidden += 1;
    }

    pub(crate) fn any(&self) -> bool {
        !self.found.is_empty()
    }

    /// One problem at `at` in `field` (counted only once the collection is full).
    pub(crate) fn push(&mut self, at: LineCol, field: String, message: &str, help: Option<String>) {
        if self.full() {
            self.hidden += 1;
            return;
        }
        self.found.push(Diagnostic {
            file: self.label.clone(),
            line: at.line,
            col: at.col,
            field,
            message: clip_to(message, read::MAX_MESSAGE),
            help: help.map(|h| clip_to(&h, read::MAX_MESSAGE)),
        });
    }

    /// `value` when nothing was found; else the problems, the last saying how many more.
    pub(crate) fn finish<T>(mut self, value: T) -> Result<T, LoadError> {
        if self.found.is_empty() {
            return Ok(value);
        }
        // A file with hundreds of problems is usually the wrong file: show the first few.
        if self.hidden > 0 {
            let more = self.hidden;
            if let Some(last) = self.found.last_mut() {
                last.help = Some(format!("{more} more problems not shown; fix these first"));
            }
        }
        Err(LoadError::Invalid(self.found))
    }
}

/// Checks one RON file, its problems located by field path.
pub(crate) struct Checker<'a> {
    map: RonMap<'a>,
    found: Collected,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(label: &str, text: &'a str) -> Self {
        Checker {
            map: RonMap::new(text),
            found: Collected::new(label),
        }
    }

    fn full(&self) -> bool {
        self.found.full()
    }

    pub(crate) fn error(&mut self, field: &str, message: impl Into<String>, help: Option<String>) {
        if self.full() {
            self.found.hide();
            return;
        }
        let at = self.map.locate(field);
        self.found
            .push(at, field.to_string(), &message.into(), help);
    }

    /// Line and column of `field` (its nearest recorded ancestor when it is absent).
    pub(crate) fn locate(&self, field: &str) -> crate::input::ronpath::LineCol {
        self.map.locate(field)
    }

    /// Resolves `id` among `ids`, or reports it with the closest existing id.
    pub(crate) fn resolve(
        &mut self,
        field: &str,
        what: &str,
        id: &str,
        ids: &Names,
    ) -> Option<usize> {
        if let Some(&i) = ids.index.get(id) {
            return Some(i);
        }
        if self.full() {
            self.found.hide();
            return None;
        }
        let help = match closest(id, ids.list.iter().copied()) {
            Some(best) => Some(format!("did you mean \"{}\"?", clip(best))),
            None if ids.list.is_empty() => Some(format!("no {what} is defined in this file")),
            None => Some(format!(
                "known {what}s: {}",
                known_list(ids.list.iter().copied(), '"')
            )),
        };
        self.error(field, format!("unknown {what} \"{}\"", clip(id)), help);
        None
    }

    /// Team ids at `field` as team indices, each team once (a repeat is an error).
    pub(crate) fn teams(&mut self, field: &str, list: &[String], team_ids: &Names) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for (j, id) in list.iter().enumerate() {
            let Some(t) = self.resolve(&format!("{field}[{j}]"), "team", id, team_ids) else {
                continue;
            };
            if out.contains(&t) {
                self.error(
                    &format!("{field}[{j}]"),
                    format!("team \"{}\" is listed twice", clip(id)),
                    None,
                );
            } else {
                out.push(t);
            }
        }
        out
    }

    /// A list longer than `max` is an error; returns whether it fits.
    pub(crate) fn cap(&mut self, field: &str, n: usize, max: usize) -> bool {
        if n > max {
            self.error(
                field,
                format!("{n} entries, more than the limit of {max}"),
                Some("docs/lint.md lists every limit".into()),
            );
            return false;
        }
        true
    }

    /// An id or name is printed and used in file names: at most [`MAX_ID_CHARS`] characters,
    /// no control characters.
    pub(crate) fn identifier(&mut self, field: &str, what: &str, id: &str) {
        let len = id.chars().count();
        if len > MAX_ID_CHARS {
            self.error(
                field,
                format!("{what} is {len} characters long, more than the limit of {MAX_ID_CHARS}"),
                Some(format!(
                    "{what}s are printed and used in file names; keep them short"
                )),
            );
        } else if let Some((pos, ch)) = id.chars().enumerate().find(|(_, c)| c.is_control()) {
            self.error(
                field,
                format!(
                    "{what} contains a control character U+{:04X} at position {}; {what}s are printed and used in file names",
                    ch as u32,
                    pos + 1
                ),
                Some("remove it; summaries and sources may hold any text".into()),
            );
        }
    }

    pub(crate) fn probability(&mut self, field: &str, p: f64) -> f64 {
        if !(0.0..=1.0).contains(&p) {
            self.error(
                field,
                format!("probability {p} is outside 0..=1"),
                Some("write a probability as a number from 0.0 to 1.0".into()),
            );
            return 0.0;
        }
        p
    }

    pub(crate) fn dist(&mut self, field: &str, d: &DistFile) -> Dist {
        match d.resolve() {
            Ok(d) => d,
            Err(m) => {
                self.error(field, m, None);
                Dist::Fixed(0)
            }
        }
    }

    pub(crate) fn unique_ids<'b>(&mut self, list: &str, ids: impl Iterator<Item = &'b str>) {
        let mut seen: HashSet<&str> = HashSet::new();
        for (i, id) in ids.enumerate() {
            let field = format!("{list}[{i}].id");
            if id.trim().is_empty() {
                self.error(&field, "id is empty", None);
            } else if !seen.insert(id) {
                self.error(
                    &field,
                    format!("duplicate id \"{}\"", clip(id)),
                    Some("ids must be unique within their list".into()),
                );
            } else {
                self.identifier(&field, "id", id);
            }
        }
    }

    pub(crate) fn finish<T>(self, value: T) -> Result<T, LoadError> {
        self.found.finish(value)
    }

    /// The problems so far, as an error (for checks that stop early).
    pub(crate) fn stop(self) -> LoadError {
        let e = self.finish(());
        e.err().unwrap_or(LoadError::Invalid(Vec::new()))
    }
}

/// Most problems reported for one file.
const MAX_DIAGNOSTICS: usize = 20;

/// Longest horizon a scenario may ask for.
pub const MAX_HORIZON: u64 = 366 * DAY;
/// Longest id or name, in characters.
pub const MAX_ID_CHARS: usize = 100;
/// Most elements of a file's main lists (identities, credentials, stages, teams).
pub const MAX_ITEMS: usize = 2_000;
/// Most elements of any other list (needs, after, grants, signals, sources, RACI rows,
/// detect rows and their signals).
pub const MAX_LIST: usize = 100;
/// Most days in a team's business hours.
pub const MAX_DAYS: usize = 7;

/// Every list of a scenario within its cap (errors for those that are not).
pub(crate) fn scenario_lists_fit(c: &mut Checker, f: &ScenarioFile) -> bool {
    let mut ok = c.cap("stages", f.stages.len(), MAX_ITEMS)
        & c.cap("credentials", f.credentials.len(), MAX_ITEMS)
        & c.cap("identities", f.identities.len(), MAX_ITEMS)
        & c.cap("sources", f.sources.len(), MAX_LIST)
        & c.cap("damage_severity", f.damage_severity.len(), MAX_LIST);
    for (i, s) in f.stages.iter().enumerate() {
        for (name, n) in [
            ("after", s.after.len()),
            ("needs", s.needs.len()),
            ("grants", s.grants.len()),
            ("signals", s.signals.len()),
        ] {
            ok &= c.cap(&format!("stages[{i}].{name}"), n, MAX_LIST);
        }
    }
    ok
}

/// Every list of a model within its cap (errors for those that are not).
pub(crate) fn model_lists_fit(c: &mut Checker, f: &ModelFile) -> bool {
    let mut ok =
        c.cap("teams", f.teams.len(), MAX_ITEMS) & c.cap("sources", f.sources.len(), MAX_LIST);
    ok &= c.cap("holidays", f.holidays.len(), MAX_ITEMS);
    for (i, t) in f.teams.iter().enumerate() {
        if let CoverageFile::BusinessHours { days, .. } = &t.coverage {
            ok &= c.cap(&format!("teams[{i}].coverage.days"), days.len(), MAX_DAYS);
        }
    }
    let raci = &f.raci;
    ok &= c.cap("raci.detect", raci.detect.len(), MAX_LIST);
    for (j, d) in raci.detect.iter().enumerate() {
        for (name, n) in [
            ("signals", d.signals.len()),
            ("r", d.r.len()),
            ("i", d.i.len()),
        ] {
            ok &= c.cap(&format!("raci.detect[{j}].{name}"), n, MAX_LIST);
        }
    }
    let rows = raci_rows(raci)
        .into_iter()
        .map(|(_, name, row)| (format!("raci.{name}"), row))
        .chain(
            raci.revoke
                .iter()
                .map(|(kind, row)| (format!("raci.revoke.{kind:?}"), row)),
        );
    for (field, row) in rows {
        for (name, list) in [("r", &row.r), ("a", &row.a), ("c", &row.c), ("i", &row.i)] {
            ok &= c.cap(&format!("{field}.{name}"), list.len(), MAX_LIST);
        }
    }
    ok
}

/// The single-row activities of a RACI table with their field names.
pub(crate) fn raci_rows(raci: &RaciFile) -> [(Activity, &'static str, &RowFile); 8] {
    [
        (Activity::Triage, "triage", &raci.triage),
        (Activity::Scope, "scope", &raci.scope),
        (
            Activity::ValidateEntitlement,
            "validate_entitlement",
            &raci.validate_entitlement,
        ),
        (
            Activity::ConfirmBusiness,
            "confirm_business",
            &raci.confirm_business,
        ),
        (
            Activity::ApproveContainment,
            "approve_containment",
            &raci.approve_containment,
        ),
        (Activity::Verify, "verify", &raci.verify),
        (
            Activity::CaptureEvidence,
            "capture_evidence",
            &raci.capture_evidence,
        ),
        (Activity::Close, "close", &raci.close),
    ]
}
