//! Static analysis of an ownership model, alone and against scenarios: the ownership gaps the
//! simulation would reveal, found before simulating. Every finding has a level, a stable code,
//! the place in the model file it concerns (rendered as compilers do), and a fix.
//!
//! Error-level codes predict a definite failure in simulation (tests/lint.rs shows each one):
//! L001 a task never done, L002 a decision never made, L004 a missed revocation, L005 a lost
//! signal.

use std::collections::HashSet;
use std::fmt::Write as _;

use serde::Serialize;

use crate::domain::{Activity, CredentialKind, Plane, Severity};
use crate::input::ronpath::RonMap;
use crate::input::{Coverage, Model, Scenario};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Error,
    Warning,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// Every lint code, its name and what it means.
pub const CODES: &[(&str, &str, &str)] = &[
    ("L001", "no-responsible", "an activity has no R: its tasks wait for escalation, or are never done"),
    ("L002", "no-accountable", "a decision has no A: it waits for escalation, or is never made"),
    ("L003", "split-accountability", "a decision has several A: it waits for the last sign-off"),
    ("L004", "unowned-revocation", "a scenario uses a credential kind nobody revokes"),
    ("L005", "unwatched-signal", "a scenario's signal is in a plane (or of a kind) no detect owner watches: it is lost"),
    ("L006", "scope-blind-plane", "scope and verify owners cannot see a plane where a scenario keeps linked credentials"),
    ("L007", "escalation-off-hours", "the escalation target works office hours with no on-call for the scenario's severity"),
    ("L008", "severity-outside-coverage", "a team on the response path works office hours with no on-call for the scenario's severity"),
    ("L009", "idle-team", "a team owns nothing"),
];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub level: Level,
    pub code: &'static str,
    pub name: &'static str,
    pub message: String,
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub field: String,
    /// The model file's line at the finding, for rendering; a window of at most 120
    /// characters around the field (marked with `…`) when the line is longer.
    pub source_line: String,
    /// 1-based column of the field within `source_line`.
    #[serde(skip)]
    pub caret: usize,
    pub help: String,
    /// The scenario the finding is about, when it is about one.
    pub scenario: Option<String>,
}

impl Finding {
    /// Renders the finding as compilers show errors.
    pub fn render(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "{}[{}]: {}", self.level.name(), self.code, self.message);
        let width = self.line.to_string().len();
        let pad = " ".repeat(width);
        let _ = writeln!(o, "{pad}--> {}:{}:{}", self.file, self.line, self.col);
        let _ = writeln!(o, "{pad} |");
        let _ = writeln!(o, "{} | {}", self.line, self.source_line);
        let caret_at: String = self
            .source_line
            .chars()
            .take(self.caret.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = writeln!(o, "{pad} | {caret_at}^ {}", self.field);
        let _ = writeln!(o, "{pad} = help: {}", self.help);
        o
    }
}

struct Linter<'a> {
    model: &'a Model,
    label: &'a str,
    map: RonMap<'a>,
    out: Vec<Finding>,
    /// Findings already made (level, code, field, message, help, scenario), to skip repeats.
    seen: HashSet<String>,
}

/// Longest source line shown with a finding, in characters.
const SOURCE_WINDOW: usize = 120;

/// `line` cut to [`SOURCE_WINDOW`] characters around 1-based column `col`, and the column
/// within the cut.
fn source_window(line: &str, col: usize) -> (String, usize) {
    let n = line.chars().count();
    if n <= SOURCE_WINDOW {
        return (line.to_string(), col);
    }
    let first = col
        .saturating_sub(1 + SOURCE_WINDOW / 2)
        .min(n - SOURCE_WINDOW);
    let mut out = String::from(if first > 0 { "…" } else { "" });
    out.extend(line.chars().skip(first).take(SOURCE_WINDOW));
    if first + SOURCE_WINDOW < n {
        out.push('…');
    }
    (out, col - first + usize::from(first > 0))
}

fn code(c: &str) -> (&'static str, &'static str) {
    CODES
        .iter()
        .find(|(k, _, _)| *k == c)
        .map(|(k, n, _)| (*k, *n))
        .expect("known lint code")
}

impl Linter<'_> {
    fn push(
        &mut self,
        level: Level,
        c: &str,
        field: &str,
        message: String,
        help: String,
        scenario: Option<&str>,
    ) {
        let (code, name) = code(c);
        let key = format!("{level:?}\0{code}\0{field}\0{message}\0{help}\0{scenario:?}");
        if !self.seen.insert(key) {
            return;
        }
        let at = self.map.locate(field);
        let (source_line, caret) = source_window(self.map.line_text(at.line), at.col);
        let f = Finding {
            level,
            code,
            name,
            message,
            file: self.label.to_string(),
            line: at.line,
            col: at.col,
            field: field.to_string(),
            source_line,
            caret,
            help,
            scenario: scenario.map(str::to_string),
        };
        self.out.push(f);
    }

    fn team(&self, t: usize) -> &str {
        &self.model.teams[t].id
    }

    fn escalation(&self) -> Option<&str> {
        self.model.policy.escalation.map(|e| self.team(e.to))
    }

    /// Level and help for a gap that escalation may or may not cover.
    fn gap(&self, fix: &str) -> (Level, String) {
        match self.escalation() {
            Some(to) => (
                Level::Warning,
                format!("{fix}; until then \"{to}\" takes it after the escalation timeout"),
            ),
            None => (
                Level::Error,
                format!("{fix}, or set `policy.escalation` so someone takes it after a timeout"),
            ),
        }
    }
}

const ROWS: &[(Activity, &str)] = &[
    (Activity::Triage, "triage"),
    (Activity::Scope, "scope"),
    (Activity::ValidateEntitlement, "validate_entitlement"),
    (Activity::ConfirmBusiness, "confirm_business"),
    (Activity::ApproveContainment, "approve_containment"),
    (Activity::Verify, "verify"),
    (Activity::CaptureEvidence, "capture_evidence"),
    (Activity::Close, "close"),
];

/// Does a team work tasks of this severity at any hour?
fn covers(model: &Model, team: usize, severity: Severity) -> bool {
    match model.teams[team].coverage {
        Coverage::AlwaysOn => true,
        Coverage::BusinessHours { on_call, .. } => {
            on_call.is_some_and(|o| o.min_severity <= severity)
        }
    }
}

/// Lints `model` (whose file is `label` with text `text`) alone and against `scenarios`.
pub fn lint(model: &Model, label: &str, text: &str, scenarios: &[Scenario]) -> Vec<Finding> {
    let mut l = Linter {
        model,
        label,
        map: RonMap::new(text),
        out: Vec::new(),
        seen: HashSet::new(),
    };
    let m = model;

    // L001 / L002 / L003: the rows themselves.
    for &(activity, name) in ROWS {
        let row = &m.rows[activity.index()];
        if row.r.is_empty() {
            let (level, help) = l.gap(&format!("name a team in `raci.{name}.r`"));
            l.push(
                level,
                "L001",
                &format!("raci.{name}"),
                format!("nobody is responsible for {name}"),
                help,
                None,
            );
        }
        if activity.is_decision() {
            if row.a.is_empty() {
                let (level, help) = l.gap(&format!("name one team in `raci.{name}.a`"));
                l.push(
                    level,
                    "L002",
                    &format!("raci.{name}"),
                    format!("nobody is accountable for the {name} decision"),
                    help,
                    None,
                );
            } else if row.a.len() > 1 {
                let names: Vec<&str> = row.a.iter().map(|&t| l.team(t)).collect();
                l.push(
                    Level::Warning,
                    "L003",
                    &format!("raci.{name}.a"),
                    format!(
                        "{} teams must all sign the {name} decision ({})",
                        row.a.len(),
                        names.join(", ")
                    ),
                    "keep one accountable team (an incident lead); make the others consulted (c) or informed (i)".into(),
                    None,
                );
            }
        }
    }

    // L009: teams with no role at all.
    for (t, team) in m.teams.iter().enumerate() {
        let in_row = |r: &crate::input::Row| {
            r.r.contains(&t) || r.a.contains(&t) || r.c.contains(&t) || r.i.contains(&t)
        };
        let used = m.rows.iter().any(in_row)
            || m.revoke.iter().any(in_row)
            || m.detect
                .iter()
                .any(|d| d.r.contains(&t) || d.i.contains(&t))
            || m.policy.escalation.is_some_and(|e| e.to == t)
            || m.policy.emergency.is_some_and(|e| e.team == t);
        if !used {
            l.push(
                Level::Warning,
                "L009",
                &format!("teams[{t}]"),
                format!("team \"{}\" owns nothing", team.id),
                "give it a role in `raci`, or remove it".into(),
                None,
            );
        }
    }

    // L007: escalation target that sleeps.
    if let Some(esc) = m.policy.escalation {
        let max = scenarios
            .iter()
            .flat_map(|s| {
                s.stages
                    .iter()
                    .flat_map(|st| st.signals.iter().map(|g| g.severity))
            })
            .max()
            .unwrap_or(Severity::Critical);
        if !covers(m, esc.to, max) {
            l.push(
                Level::Warning,
                "L007",
                "policy.escalation.to",
                format!(
                    "escalation goes to \"{}\", which works office hours with no on-call for {max} severity",
                    l.team(esc.to)
                ),
                "escalate to a team that is always on, or give it an on-call that pages at this severity".into(),
                None,
            );
        }
    }

    for s in scenarios {
        let sn = s.name.as_str();
        // L004: revocations nobody owns.
        let mut kinds: Vec<CredentialKind> = s.credentials.iter().map(|c| c.kind).collect();
        kinds.sort();
        kinds.dedup();
        for kind in kinds {
            if m.revoke[kind.index()].r.is_empty() {
                let (level, help) = l.gap(&format!(
                    "add `{kind:?}: (r: [\"<team>\"])` to `raci.revoke`"
                ));
                let ids: Vec<&str> = s
                    .credentials
                    .iter()
                    .filter(|c| c.kind == kind)
                    .map(|c| c.id.as_str())
                    .collect();
                l.push(
                    level,
                    "L004",
                    "raci.revoke",
                    format!(
                        "nobody revokes {} credentials, which scenario \"{sn}\" uses ({})",
                        kind.name(),
                        ids.join(", ")
                    ),
                    help,
                    Some(sn),
                );
            }
        }
        // L005: signals nobody sees.
        for st in &s.stages {
            for g in &st.signals {
                let seen = m.detect.iter().any(|row| {
                    row.covers(g.kind) && row.r.iter().any(|&t| m.teams[t].sees(g.plane))
                });
                if !seen {
                    l.push(
                        Level::Error,
                        "L005",
                        "raci.detect",
                        format!(
                            "{} signals in the {} plane (stage \"{}\" of \"{sn}\") are lost: no detect owner watches them",
                            g.kind, g.plane, st.id
                        ),
                        format!(
                            "give a detect owner visibility of `{:?}` (teams[..].visibility), or add a detect row for this signal kind",
                            g.plane
                        ),
                        Some(sn),
                    );
                }
            }
        }
        // L006: planes where linked credentials can never be found.
        let scope = &m.rows[Activity::Scope.index()];
        let verify = &m.rows[Activity::Verify.index()];
        let mut planes: Vec<Plane> = s.credentials.iter().map(|c| c.plane).collect();
        planes.sort();
        planes.dedup();
        for plane in planes {
            let seen = scope
                .r
                .iter()
                .chain(&scope.c)
                .chain(&verify.r)
                .any(|&t| m.teams[t].sees(plane));
            if !seen {
                let ids: Vec<&str> = s
                    .credentials
                    .iter()
                    .filter(|c| c.plane == plane)
                    .map(|c| c.id.as_str())
                    .collect();
                l.push(
                    Level::Warning,
                    "L006",
                    "raci.scope",
                    format!(
                        "no scope or verify owner sees the {} plane, so credentials there ({}) in \"{sn}\" are found only when an alert names them",
                        plane.name(),
                        ids.join(", ")
                    ),
                    format!(
                        "consult a team that sees `{plane:?}` in `raci.scope.c`, or give the scope or verify owner visibility of it"
                    ),
                    Some(sn),
                );
            }
        }
        // L008: office-hours teams on the response path for severe incidents.
        let max = s
            .stages
            .iter()
            .flat_map(|st| st.signals.iter().map(|g| g.severity))
            .max();
        if let Some(max) = max {
            let mut path: Vec<(usize, &str)> = Vec::new();
            for row in &m.detect {
                path.extend(row.r.iter().map(|&t| (t, "detect")));
            }
            for &(activity, name) in &ROWS[..5] {
                path.extend(m.rows[activity.index()].r.iter().map(|&t| (t, name)));
                if activity.is_decision() {
                    path.extend(m.rows[activity.index()].a.iter().map(|&t| (t, name)));
                }
            }
            for c in &s.credentials {
                path.extend(m.revoke[c.kind.index()].r.iter().map(|&t| (t, "revoke")));
            }
            let emergency = m
                .policy
                .emergency
                .filter(|e| e.min_severity <= max)
                .map(|e| e.team);
            let mut per_team: Vec<(usize, Vec<&str>)> = Vec::new();
            for (t, what) in path {
                // Validation and confirmation are skipped when emergency containment applies.
                let skipped = emergency.is_some()
                    && matches!(what, "validate_entitlement" | "confirm_business");
                if skipped || covers(m, t, max) {
                    continue;
                }
                match per_team.iter_mut().find(|(x, _)| *x == t) {
                    Some((_, whats)) if !whats.contains(&what) => whats.push(what),
                    Some(_) => {}
                    None => per_team.push((t, vec![what])),
                }
            }
            for (t, whats) in per_team {
                l.push(
                    Level::Warning,
                    "L008",
                    &format!("teams[{t}].coverage"),
                    format!(
                        "\"{}\" does {} for \"{sn}\" ({max} severity) but works office hours with no on-call for it",
                        l.team(t),
                        whats.join(", ")
                    ),
                    format!(
                        "add `on_call: (page_latency: \"30m\", min_severity: {max:?})` to its coverage, or move that work to an always-on team"
                    ),
                    Some(sn),
                );
            }
        }
    }
    l.out.sort_by(|a, b| {
        (a.level, a.code, &a.scenario, a.line, a.col).cmp(&(
            b.level,
            b.code,
            &b.scenario,
            b.line,
            b.col,
        ))
    });
    l.out
}

/// All findings as text, with a closing count line.
pub fn render_text(findings: &[Finding]) -> String {
    let mut o = String::new();
    for f in findings {
        o.push_str(&f.render());
        o.push('\n');
    }
    let errors = findings.iter().filter(|f| f.level == Level::Error).count();
    let warnings = findings.len() - errors;
    let _ = writeln!(o, "{errors} errors, {warnings} warnings");
    o
}

#[cfg(test)]
mod tests {
    use super::source_window;

    #[test]
    fn long_source_lines_are_cut_around_the_field() {
        assert_eq!(source_window("abc", 2), ("abc".to_string(), 2));
        let line: String = ('a'..='z').cycle().take(1000).collect();
        let (cut, caret) = source_window(&line, 500);
        assert_eq!(cut.chars().count(), 122);
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        assert_eq!(cut.chars().nth(caret - 1), line.chars().nth(499));
        let (cut, caret) = source_window(&line, 3);
        assert_eq!((cut.chars().count(), caret), (121, 3));
        let (cut, caret) = source_window(&line, 1000);
        assert_eq!(cut.chars().nth(caret - 1), Some('l'));
        assert!(!cut.ends_with('…'));
    }
}
