//! The lint checks, one method per code (L002 and L003, the accountable teams of a decision,
//! share one), each pushing its findings through [`Linter::push`]. Model-wide checks come first,
//! then the per-scenario ones; `lint` sorts the findings afterwards.

use crate::domain::{Activity, CredentialKind, Plane, Severity};
use crate::input::{Row, Scenario};

use super::{covers, About, Level, Linter, ROWS};

impl Linter<'_> {
    /// L001: activities with no R.
    pub(super) fn no_responsible(&mut self) {
        for &(activity, name) in ROWS {
            if self.model.rows[activity.index()].r.is_empty() {
                let (level, help) = self.gap(&format!("name a team in `raci.{name}.r`"));
                self.push(
                    level,
                    "L001",
                    &format!("raci.{name}"),
                    format!("nobody is responsible for {name}"),
                    help,
                    None,
                    About::activity(activity),
                );
            }
        }
    }

    /// L002 and L003: decisions with no A, or with several.
    pub(super) fn decision_owners(&mut self) {
        for &(activity, name) in ROWS {
            if !activity.is_decision() {
                continue;
            }
            let a = &self.model.rows[activity.index()].a;
            if a.is_empty() {
                let (level, help) = self.gap(&format!("name one team in `raci.{name}.a`"));
                self.push(
                    level,
                    "L002",
                    &format!("raci.{name}"),
                    format!("nobody is accountable for the {name} decision"),
                    help,
                    None,
                    About::activity(activity),
                );
            } else if a.len() > 1 {
                let names: Vec<&str> = a.iter().map(|&t| self.team(t)).collect();
                let message = format!(
                    "{} teams must all sign the {name} decision ({})",
                    a.len(),
                    names.join(", ")
                );
                self.push(
                    Level::Warning,
                    "L003",
                    &format!("raci.{name}.a"),
                    message,
                    "keep one accountable team (an incident lead); make the others consulted (c) or informed (i)".into(),
                    None,
                    About::activity(activity),
                );
            }
        }
    }

    /// L009: teams with no role at all (owning a scenario's credential is a role).
    pub(super) fn idle_teams(&mut self, scenarios: &[Scenario]) {
        let m = self.model;
        for (t, team) in m.teams.iter().enumerate() {
            let in_row = |r: &Row| {
                r.r.contains(&t) || r.a.contains(&t) || r.c.contains(&t) || r.i.contains(&t)
            };
            let used = m.rows.iter().any(in_row)
                || m.revoke.iter().any(in_row)
                || m.rotate_all.as_ref().is_some_and(in_row)
                || scenarios.iter().any(|s| {
                    s.credentials
                        .iter()
                        .any(|c| c.owner.as_deref() == Some(team.id.as_str()))
                })
                || m.detect
                    .iter()
                    .any(|d| d.r.contains(&t) || d.i.contains(&t))
                || m.intake
                    .iter()
                    .any(|d| d.r.contains(&t) || d.i.contains(&t))
                || m.policy.escalation.is_some_and(|e| e.to == t)
                || m.policy.emergency.is_some_and(|e| e.team == t);
            if !used {
                self.push(
                    Level::Warning,
                    "L009",
                    &format!("teams[{t}]"),
                    format!("team \"{}\" owns nothing", team.id),
                    "give it a role in `raci`, or remove it".into(),
                    None,
                    About {
                        team: Some(t),
                        ..About::default()
                    },
                );
            }
        }
    }

    /// L007: an escalation target that sleeps through the scenarios' highest severity.
    pub(super) fn escalation_off_hours(&mut self, scenarios: &[Scenario]) {
        let Some(esc) = self.model.policy.escalation else {
            return;
        };
        let max = scenarios
            .iter()
            .filter_map(Scenario::max_severity)
            .max()
            .unwrap_or(Severity::Critical);
        if !covers(self.model, esc.to, max) {
            let message = format!(
                "escalation goes to \"{}\", which works office hours with no on-call for {max} severity",
                self.team(esc.to)
            );
            self.push(
                Level::Warning,
                "L007",
                "policy.escalation.to",
                message,
                "escalate to a team that is always on, or give it an on-call that pages at this severity".into(),
                None,
                About {
                    team: Some(esc.to),
                    ..About::default()
                },
            );
        }
    }

    /// L004: credential kinds the scenario uses that nobody revokes.
    pub(super) fn unowned_revocations(&mut self, s: &Scenario) {
        let sn = s.name.as_str();
        // Credentials with an owner are revoked by it (or flagged by L012).
        let unowned = || s.credentials.iter().filter(|c| c.owner.is_none());
        let mut kinds: Vec<CredentialKind> = unowned().map(|c| c.kind).collect();
        kinds.sort();
        kinds.dedup();
        for kind in kinds {
            if !self.model.revoke[kind.index()].r.is_empty() {
                continue;
            }
            let (level, help) = self.gap(&format!(
                "add `{kind:?}: (r: [\"<team>\"])` to `raci.revoke`"
            ));
            // A template's slots are named once, as `id#1..#max`.
            let ids: Vec<String> = unowned()
                .filter(|c| c.kind == kind && !c.created)
                .map(|c| c.id.clone())
                .chain(
                    s.templates
                        .iter()
                        .filter(|t| t.max > 0 && s.credentials[t.first].kind == kind)
                        .map(|t| format!("{}#1..#{}", t.id, t.max)),
                )
                .collect();
            self.push(
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
                About {
                    activities: vec![Activity::Revoke],
                    kind: Some(kind),
                    ..About::default()
                },
            );
        }
    }

    /// L005: signals no detect owner sees.
    pub(super) fn unwatched_signals(&mut self, s: &Scenario) {
        let m = self.model;
        let sn = s.name.as_str();
        for st in &s.stages {
            for g in &st.signals {
                let seen = m.detect.iter().any(|row| {
                    row.covers(g.kind) && row.r.iter().any(|&t| m.teams[t].watches(g.plane))
                });
                if seen {
                    continue;
                }
                self.push(
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
                    About {
                        activities: vec![Activity::Detect],
                        plane: Some(g.plane),
                        ..About::default()
                    },
                );
            }
        }
    }

    /// L006: planes where linked credentials can never be found.
    pub(super) fn scope_blind_planes(&mut self, s: &Scenario) {
        let m = self.model;
        let sn = s.name.as_str();
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
            if seen {
                continue;
            }
            let ids: Vec<&str> = s
                .credentials
                .iter()
                .filter(|c| c.plane == plane)
                .map(|c| c.id.as_str())
                .collect();
            self.push(
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
                About {
                    activities: vec![Activity::Scope, Activity::Verify],
                    plane: Some(plane),
                    ..About::default()
                },
            );
        }
    }

    /// L008: office-hours teams on the response path for the scenario's highest severity.
    pub(super) fn severity_outside_coverage(&mut self, s: &Scenario) {
        let sn = s.name.as_str();
        let Some(max) = s.max_severity() else {
            return;
        };
        for (t, whats) in self.uncovered_on_path(s, max) {
            let activities = whats
                .iter()
                .filter_map(|w| Activity::ALL.iter().copied().find(|a| a.name() == *w))
                .collect();
            let message = format!(
                "\"{}\" does {} for \"{sn}\" ({max} severity) but works office hours with no on-call for it",
                self.team(t),
                whats.join(", ")
            );
            self.push(
                Level::Warning,
                "L008",
                &format!("teams[{t}].coverage"),
                message,
                format!(
                    "add `on_call: (page_latency: \"30m\", min_severity: {max:?})` to its coverage, or move that work to an always-on team"
                ),
                Some(sn),
                About {
                    activities,
                    team: Some(t),
                    ..About::default()
                },
            );
        }
    }

    /// The teams on `s`'s response path (detect, the rows up to approval, revocation) that do
    /// not cover severity `max`, each with what it does there, in path order.
    fn uncovered_on_path(&self, s: &Scenario, max: Severity) -> Vec<(usize, Vec<&'static str>)> {
        let m = self.model;
        let mut path: Vec<(usize, &'static str)> = Vec::new();
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
            match c.owner.as_deref().map(|o| m.team_index(o)) {
                Some(owner) => path.extend(owner.map(|t| (t, "revoke"))),
                None => path.extend(m.revoke[c.kind.index()].r.iter().map(|&t| (t, "revoke"))),
            }
        }
        let emergency = m
            .policy
            .emergency
            .filter(|e| e.min_severity <= max)
            .map(|e| e.team);
        let mut per_team: Vec<(usize, Vec<&'static str>)> = Vec::new();
        for (t, what) in path {
            // Validation and confirmation do not hold up containment when emergency applies.
            let skipped =
                emergency.is_some() && matches!(what, "validate_entitlement" | "confirm_business");
            if skipped || covers(m, t, max) {
                continue;
            }
            match per_team.iter_mut().find(|(x, _)| *x == t) {
                Some((_, whats)) if !whats.contains(&what) => whats.push(what),
                Some(_) => {}
                None => per_team.push((t, vec![what])),
            }
        }
        per_team
    }
}
