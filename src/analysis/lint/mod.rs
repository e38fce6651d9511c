//! Static analysis of an ownership model, alone and against scenarios: the ownership gaps the
//! simulation would reveal, found before simulating. Every finding has a level, a stable code,
//! the place in the model file it concerns (rendered as compilers do), and a fix.
//!
//! Error-level codes predict a definite failure in simulation (tests/lint.rs shows each one):
//! L001 a task never done, L002 a decision never made, L004 a missed revocation, L005 a lost
//! signal, L012 a revocation whose owner the model lacks.
//!
//! This file holds findings, their rendering and the order they come out in; the checks, one
//! method per code (L002 and L003 share one), are in `checks.rs`.

mod calendar;
mod checks;
mod response;

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
    ("L020", "holidays-undated", "the model lists holidays but a scenario starts on no date: they do not apply"),
    ("L010", "blind-inventory", "a team lists a plane with inventory accuracy 0: scope and verify never find credentials there"),
    ("L011", "believed-unused-not-rotated", "a scenario has believed-unused credentials no rotate-all covers: they are missed together"),
    ("L012", "absent-owner", "a credential's owner is not a team of the model: its revocation has no owner"),
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
    /// What in the model or scenario it is about, to read it against simulated results.
    #[serde(skip)]
    pub about: About,
}

/// What a finding concerns, in the model's and scenario's own terms (the report measures the
/// failure a finding predicts with these: `analysis::consequence`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct About {
    /// The RACI rows (activities) it is about.
    pub activities: Vec<Activity>,
    pub kind: Option<CredentialKind>,
    pub plane: Option<Plane>,
    /// Ids of the scenario's credentials it is about.
    pub credentials: Vec<String>,
    /// The team (index in the model) it is about.
    pub team: Option<usize>,
}

impl About {
    pub fn activity(a: Activity) -> Self {
        About {
            activities: vec![a],
            ..About::default()
        }
    }
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
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        level: Level,
        c: &str,
        field: &str,
        message: String,
        help: String,
        scenario: Option<&str>,
        about: About,
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
            about,
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
    l.no_responsible();
    l.decision_owners();
    l.idle_teams(scenarios);
    l.blind_inventories();
    l.escalation_off_hours(scenarios);
    for s in scenarios {
        l.unowned_revocations(s);
        l.unwatched_signals(s);
        l.scope_blind_planes(s);
        l.severity_outside_coverage(s);
        l.holidays_undated(s);
        l.believed_unused_not_rotated(s);
        l.absent_owners(s);
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
