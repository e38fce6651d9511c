//! A model file written back as RON, in the layout of the shipped models (one team and one RACI
//! row per line), so a person can read and edit it. `raci-sim improve` writes its candidate
//! models with it and `raci-sim import` the models it reads from spreadsheets. Whatever it writes
//! parses back to the same `ModelFile` (tests check the round trip on every shipped model).

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::domain::duration::DistFile;
use crate::input::file::{
    BackgroundFile, CoverageFile, DetectRowFile, EffortFile, IntakeRowFile, ModelFile, PolicyFile,
    RaciFile, RowFile, TeamFile,
};

/// Comments written beside the model: lines at the top, and a comment after a team's line or
/// after the policy (e.g. "[assumption] default of raci-sim import").
#[derive(Clone, Debug, Default)]
pub struct Notes {
    pub header: Vec<String>,
    /// Team id -> comment written on the line before the team.
    pub teams: BTreeMap<String, String>,
    pub policy: Option<String>,
}

/// The model as RON text.
pub fn model_ron(m: &ModelFile, notes: &Notes) -> String {
    let mut o = String::new();
    for line in &notes.header {
        let _ = writeln!(o, "// {}", one_line(line));
    }
    o.push_str("Model(\n");
    let _ = writeln!(o, "    name: {},", quoted(&m.name));
    let _ = writeln!(o, "    summary: {},", quoted(&m.summary));
    if !m.sources.is_empty() {
        let _ = writeln!(o, "    sources: [{}],", list(&m.sources));
    }
    o.push_str("    teams: [\n");
    for t in &m.teams {
        if let Some(n) = notes.teams.get(&t.id) {
            let _ = writeln!(o, "        // {}", one_line(n));
        }
        let _ = writeln!(o, "        {},", team(t));
    }
    o.push_str("    ],\n");
    raci(&mut o, &m.raci);
    if let Some(n) = &notes.policy {
        let _ = writeln!(o, "    // {}", one_line(n));
    }
    let _ = writeln!(o, "    policy: {},", policy(&m.policy));
    if let Some(e) = effort(&m.effort) {
        let _ = writeln!(o, "    effort: {e},");
    }
    if !m.holidays.is_empty() {
        let _ = writeln!(o, "    holidays: [{}],", list(&m.holidays));
    }
    o.push_str(")\n");
    o
}

/// A comment stays on its line.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// A RON string literal.
pub fn quoted(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(o, "\\u{{{:x}}}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| quoted(s))
        .collect::<Vec<_>>()
        .join(", ")
}

fn variants<T: std::fmt::Debug>(items: &[T]) -> String {
    items
        .iter()
        .map(|v| format!("{v:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "1h30m" for 5400 seconds; "0s" for zero.
pub fn duration(seconds: u64) -> String {
    if seconds == 0 {
        return "\"0s\"".into();
    }
    let mut o = String::from("\"");
    let mut rest = seconds;
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if rest >= size {
            let _ = write!(o, "{}{unit}", rest / size);
            rest %= size;
        }
    }
    o.push('"');
    o
}

fn clock(seconds: u64) -> String {
    format!("\"{:02}:{:02}\"", seconds / 3600, (seconds % 3600) / 60)
}

/// A distribution as written in files.
pub fn dist(d: &DistFile) -> String {
    match d {
        DistFile::Fixed(x) => format!("Fixed({})", duration(x.0)),
        DistFile::Uniform { min, max } => {
            format!(
                "Uniform(min: {}, max: {})",
                duration(min.0),
                duration(max.0)
            )
        }
        DistFile::Exponential { mean } => format!("Exponential(mean: {})", duration(mean.0)),
        DistFile::LogNormal { median, p90 } => format!(
            "LogNormal(median: {}, p90: {})",
            duration(median.0),
            duration(p90.0)
        ),
        DistFile::Triangular { min, mode, max } => format!(
            "Triangular(min: {}, mode: {}, max: {})",
            duration(min.0),
            duration(mode.0),
            duration(max.0)
        ),
    }
}

/// A number as RON reads it back exactly (always with a decimal point).
fn number(x: f64) -> String {
    let s = format!("{x:?}");
    if s.contains('.') || s.contains('e') || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

fn map<K: std::fmt::Debug, V>(m: &BTreeMap<K, V>, value: impl Fn(&V) -> String) -> String {
    let inner: Vec<String> = m
        .iter()
        .map(|(k, v)| format!("{k:?}: {}", value(v)))
        .collect();
    format!("{{{}}}", inner.join(", "))
}

fn team(t: &TeamFile) -> String {
    let mut f = vec![
        format!("id: {}", quoted(&t.id)),
        format!("staff: {}", t.staff),
    ];
    f.push(format!("coverage: {}", coverage(&t.coverage)));
    if t.utc_offset_hours != 0 {
        f.push(format!("utc_offset_hours: {}", t.utc_offset_hours));
    }
    if let Some(b) = &t.background {
        f.push(format!("background: {}", background(b)));
    }
    if !t.visibility.is_empty() {
        f.push(format!(
            "visibility: {}",
            map(&t.visibility, |x| number(*x))
        ));
    }
    if !t.revoke_effort.is_empty() {
        f.push(format!("revoke_effort: {}", map(&t.revoke_effort, dist)));
    }
    if let Some(tel) = &t.telemetry {
        f.push(format!("telemetry: {}", map(tel, |x| number(*x))));
    }
    format!("({})", f.join(", "))
}

fn coverage(c: &CoverageFile) -> String {
    match c {
        CoverageFile::AlwaysOn => "AlwaysOn".into(),
        CoverageFile::BusinessHours {
            start,
            end,
            days,
            on_call,
        } => {
            let mut f = vec![
                format!("start: {}", clock(start.0)),
                format!("end: {}", clock(end.0)),
                format!("days: [{}]", variants(days)),
            ];
            if let Some(oc) = on_call {
                f.push(format!(
                    "on_call: (page_latency: {}, min_severity: {:?})",
                    duration(oc.page_latency.0),
                    oc.min_severity
                ));
            }
            format!("BusinessHours({})", f.join(", "))
        }
    }
}

fn background(b: &BackgroundFile) -> String {
    format!(
        "(alerts_per_hour: {}, effort: {})",
        number(b.alerts_per_hour),
        dist(&b.effort)
    )
}

/// A RACI row: only its non-empty letters, `(r: ["soc"], a: ["lead"])`.
pub fn row(r: &RowFile) -> String {
    let mut f = Vec::new();
    for (letter, teams) in [("r", &r.r), ("a", &r.a), ("c", &r.c), ("i", &r.i)] {
        if !teams.is_empty() {
            f.push(format!("{letter}: [{}]", list(teams)));
        }
    }
    format!("({})", f.join(", "))
}

fn detect_row(d: &DetectRowFile) -> String {
    let mut f = Vec::new();
    if !d.signals.is_empty() {
        f.push(format!("signals: [{}]", variants(&d.signals)));
    }
    if !d.r.is_empty() {
        f.push(format!("r: [{}]", list(&d.r)));
    }
    if !d.i.is_empty() {
        f.push(format!("i: [{}]", list(&d.i)));
    }
    format!("({})", f.join(", "))
}

fn intake_row(d: &IntakeRowFile) -> String {
    let mut f = Vec::new();
    if !d.sources.is_empty() {
        f.push(format!("sources: [{}]", variants(&d.sources)));
    }
    if !d.r.is_empty() {
        f.push(format!("r: [{}]", list(&d.r)));
    }
    if !d.i.is_empty() {
        f.push(format!("i: [{}]", list(&d.i)));
    }
    format!("({})", f.join(", "))
}

fn raci(o: &mut String, r: &RaciFile) {
    o.push_str("    raci: (\n");
    let detect: Vec<String> = r.detect.iter().map(detect_row).collect();
    let _ = writeln!(o, "        detect: [{}],", detect.join(", "));
    for (name, x) in [
        ("triage", &r.triage),
        ("scope", &r.scope),
        ("validate_entitlement", &r.validate_entitlement),
        ("confirm_business", &r.confirm_business),
        ("approve_containment", &r.approve_containment),
    ] {
        let _ = writeln!(o, "        {name}: {},", row(x));
    }
    o.push_str("        revoke: {\n");
    for (kind, x) in &r.revoke {
        let _ = writeln!(o, "            {kind:?}: {},", row(x));
    }
    o.push_str("        },\n");
    for (name, x) in [
        ("verify", &r.verify),
        ("capture_evidence", &r.capture_evidence),
        ("close", &r.close),
    ] {
        let _ = writeln!(o, "        {name}: {},", row(x));
    }
    if let Some(x) = &r.rotate_all {
        let _ = writeln!(o, "        rotate_all: {},", row(x));
    }
    if !r.intake.is_empty() {
        let rows: Vec<String> = r.intake.iter().map(intake_row).collect();
        let _ = writeln!(o, "        intake: [{}],", rows.join(", "));
    }
    o.push_str("    ),\n");
}

fn policy(p: &PolicyFile) -> String {
    let mut f = Vec::new();
    if let Some(e) = &p.escalation {
        f.push(format!(
            "escalation: (after: {}, to: {})",
            duration(e.after.0),
            quoted(&e.to)
        ));
    }
    if let Some(e) = &p.emergency_containment {
        f.push(format!(
            "emergency_containment: (team: {}, min_severity: {:?})",
            quoted(&e.team),
            e.min_severity
        ));
    }
    f.push(format!("diffusion: {}", number(p.diffusion)));
    f.push(format!(
        "stall_threshold: {}",
        duration(p.stall_threshold.0)
    ));
    f.push(format!("triage_accuracy: {}", number(p.triage_accuracy)));
    f.push(format!(
        "triage_specificity: {}",
        number(p.triage_specificity)
    ));
    f.push(format!(
        "business_recognition: {}",
        number(p.business_recognition)
    ));
    f.push(format!("verify_accuracy: {}", number(p.verify_accuracy)));
    if let Some(r) = &p.rotate_all {
        let mut g = Vec::new();
        if let Some(s) = r.from_severity {
            g.push(format!("from_severity: Some({s:?})"));
        }
        if r.on_reopen {
            g.push("on_reopen: true".into());
        }
        if !r.planes.is_empty() {
            g.push(format!("planes: [{}]", variants(&r.planes)));
        }
        if !r.kinds.is_empty() {
            g.push(format!("kinds: [{}]", variants(&r.kinds)));
        }
        f.push(format!("rotate_all: ({})", g.join(", ")));
    }
    if p.incremental_revocation {
        f.push("incremental_revocation: true".into());
    }
    if p.preemptive_revocation {
        f.push("preemptive_revocation: true".into());
    }
    format!("(\n        {},\n    )", f.join(",\n        "))
}

fn effort(e: &EffortFile) -> Option<String> {
    let mut f = Vec::new();
    for (name, d) in [
        ("detect", &e.detect),
        ("triage", &e.triage),
        ("scope", &e.scope),
        ("validate_entitlement", &e.validate_entitlement),
        ("confirm_business", &e.confirm_business),
        ("approve_containment", &e.approve_containment),
        ("revoke", &e.revoke),
        ("verify", &e.verify),
        ("capture_evidence", &e.capture_evidence),
        ("close", &e.close),
        ("consult", &e.consult),
        ("sign_off", &e.sign_off),
        ("rotate_all", &e.rotate_all),
        ("intake", &e.intake),
    ] {
        if let Some(d) = d {
            f.push(format!("{name}: Some({})", dist(d)));
        }
    }
    if !e.revoke_by_kind.is_empty() {
        f.push(format!("revoke_by_kind: {}", map(&e.revoke_by_kind, dist)));
    }
    (!f.is_empty()).then(|| format!("(\n        {},\n    )", f.join(",\n        ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::file::ModelFile;
    use crate::input::library::all_models;

    /// Every shipped model written back parses to the same file value and validates.
    #[test]
    fn every_shipped_model_round_trips() {
        for s in all_models() {
            let file: ModelFile = crate::input::parse_ron(s.path, s.text).unwrap();
            let text = model_ron(&file, &Notes::default());
            let back: ModelFile = crate::input::parse_ron("written", &text)
                .unwrap_or_else(|e| panic!("{}: {e:?}\n{text}", s.name));
            assert_eq!(back, file, "{}", s.name);
            crate::input::library::parse_model("written", &text).unwrap();
        }
    }

    #[test]
    fn durations_are_written_as_people_write_them() {
        assert_eq!(duration(5400), "\"1h30m\"");
        assert_eq!(duration(0), "\"0s\"");
        assert_eq!(duration(90_061), "\"1d1h1m1s\"");
        assert_eq!(quoted("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }
}
