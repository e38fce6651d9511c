//! From file types to resolved types: every id resolved, every number in range, the stage graph
//! acyclic. All problems in a file are reported together, each at its line, column and field.

use crate::domain::duration::Dist;
use crate::domain::{Activity, Weekday, HOUR};

use super::check::*;
use super::file::*;
use super::*;

/// Validates a parsed scenario file. `text` is the file's text, for positions.
pub fn validate_scenario(label: &str, text: &str, f: ScenarioFile) -> Result<Scenario, LoadError> {
    let mut c = Checker::new(label, text);
    if f.name.trim().is_empty() {
        c.error("name", "name is empty", None);
    }
    c.identifier("name", "name", &f.name);
    if !(scenario_lists_fit(&mut c, &f) & attack::lists_fit(&mut c, &f)) {
        return Err(c.stop());
    }
    c.unique_ids("identities", f.identities.iter().map(|i| i.id.as_str()));
    c.unique_ids("credentials", f.credentials.iter().map(|i| i.id.as_str()));
    c.unique_ids("stages", f.stages.iter().map(|i| i.id.as_str()));

    let identity_ids = Names::new(f.identities.iter().map(|i| i.id.as_str()));
    let cred_ids = Names::new(f.credentials.iter().map(|i| i.id.as_str()));
    let stage_ids = Names::new(f.stages.iter().map(|i| i.id.as_str()));

    let mut identities: Vec<Identity> = f
        .identities
        .iter()
        .map(|i| Identity {
            id: i.id.clone(),
            kind: i.kind,
        })
        .collect();

    let mut credentials = credentials(&mut c, &f, &identity_ids, &cred_ids);
    let upstreams = super::response::credentials(&mut c, &f, &mut credentials);
    let (stages, templates, upstreams) = attack::stages_and_templates(
        &mut c,
        &f,
        (&stage_ids, &cred_ids),
        (&mut identities, &mut credentials),
        upstreams,
    );
    if stages.is_empty() {
        c.error("stages", "a scenario needs at least one stage", None);
    }
    let dependents = dependents(&mut c, &stages);

    let benign_share = c.probability("benign_share", f.benign_share);
    let start = super::calendar::start(&mut c, &f.start);
    let damage_severity = super::calendar::damage_severity(&f.damage_severity);
    let horizon = f.horizon.0;
    if horizon == 0 || horizon > MAX_HORIZON {
        c.error(
            "horizon",
            format!("horizon must be between 1s and 366d, got {horizon}s"),
            None,
        );
    }

    let links = links(&credentials);
    let needed_by = needed_by(&stages, credentials.len());
    let scenario = Scenario {
        name: f.name,
        summary: f.summary,
        sources: f.sources,
        identities,
        credentials,
        stages,
        benign_share,
        start,
        horizon,
        damage_severity,
        links,
        dependents,
        needed_by,
        templates,
        upstreams,
    };
    c.finish(scenario)
}

/// Credentials with their identity and parent resolved; parent chains must end.
fn credentials(
    c: &mut Checker,
    f: &ScenarioFile,
    identity_ids: &Names,
    cred_ids: &Names,
) -> Vec<Credential> {
    let mut credentials = Vec::new();
    for (i, cf) in f.credentials.iter().enumerate() {
        let identity = c
            .resolve(
                &format!("credentials[{i}].identity"),
                "identity",
                &cf.identity,
                identity_ids,
            )
            .unwrap_or(0);
        let parent = cf.parent.as_ref().and_then(|p| {
            c.resolve(
                &format!("credentials[{i}].parent"),
                "credential",
                p,
                cred_ids,
            )
        });
        if parent == Some(i) {
            c.error(
                &format!("credentials[{i}].parent"),
                "a credential cannot be its own parent",
                None,
            );
        }
        credentials.push(super::response::credential(cf, identity, parent));
    }
    if f.credentials.is_empty() {
        c.error(
            "credentials",
            "a scenario needs at least one credential",
            None,
        );
    }
    // Parent chains must end.
    for start in 0..credentials.len() {
        let mut at = start;
        for _ in 0..=credentials.len() {
            match credentials[at].parent {
                Some(p) => at = p,
                None => break,
            }
            if at == start {
                c.error(
                    &format!("credentials[{start}].parent"),
                    format!(
                        "parent links of \"{}\" form a cycle",
                        clip(&credentials[start].id)
                    ),
                    None,
                );
                break;
            }
        }
    }

    credentials
}

/// Stages with their references resolved.
pub(super) fn stages(
    c: &mut Checker,
    f: &ScenarioFile,
    stage_ids: &Names,
    pools: &attack::Pools,
    upstreams: &mut Vec<String>,
) -> Vec<Stage> {
    let cred_ids = pools.creds;
    let mut stages = Vec::new();
    for (i, sf) in f.stages.iter().enumerate() {
        let p = format!("stages[{i}]");
        let ids = |c: &mut Checker, list: &[String], field: &str, what: &str, pool: &Names| {
            list.iter()
                .enumerate()
                .filter_map(|(j, id)| c.resolve(&format!("{p}.{field}[{j}]"), what, id, pool))
                .collect::<Vec<usize>>()
        };
        let after = ids(c, &sf.after, "after", "stage", stage_ids);
        let needs = ids(c, &sf.needs, "needs", "credential", cred_ids);
        let grants = ids(c, &sf.grants, "grants", "credential", cred_ids);
        let duration = c.dist(&format!("{p}.duration"), &sf.duration);
        let repeat = sf
            .repeat
            .as_ref()
            .map(|r| c.dist(&format!("{p}.repeat"), r));
        stages.push(Stage {
            id: sf.id.clone(),
            after,
            needs,
            duration,
            grants,
            repeat,
            damage: sf.damage,
            severity: sf.severity,
            signals: Vec::new(),
            needs_any: Vec::new(),
            creates: Vec::new(),
            steals_again: false,
            open_until: None,
            at: None,
            reports: Vec::new(),
        });
        let stage = stages.last_mut().expect("just pushed");
        attack::stage_fields(c, i, sf, pools, upstreams, stage);
    }
    stages
}

/// Stage -> stages that list it in `after`; a cycle is an error.
fn dependents(c: &mut Checker, stages: &[Stage]) -> Vec<Vec<usize>> {
    // Cycle check (Kahn): any stage left unvisited sits on a cycle.
    let n = stages.len();
    let mut indegree: Vec<usize> = stages.iter().map(|s| s.after.len()).collect();
    let mut dependents = vec![Vec::new(); n];
    for (i, s) in stages.iter().enumerate() {
        for &a in &s.after {
            dependents[a].push(i);
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut visited = 0;
    while let Some(i) = ready.pop() {
        visited += 1;
        for &d in &dependents[i] {
            indegree[d] -= 1;
            if indegree[d] == 0 {
                ready.push(d);
            }
        }
    }
    if visited < n {
        let on_cycle: Vec<usize> = (0..n).filter(|&i| indegree[i] > 0).collect();
        let names = known_list(on_cycle.iter().map(|&i| stages[i].id.as_str()), '"');
        c.error(
            &format!("stages[{}].after", on_cycle[0]),
            format!("stages form a cycle through {names}"),
            Some("`after` must describe a DAG: remove one of these links".into()),
        );
    }

    dependents
}

/// Credential link graph: same identity, parent and child.
fn links(credentials: &[Credential]) -> Vec<Vec<usize>> {
    let mut links = vec![Vec::new(); credentials.len()];
    for (i, a) in credentials.iter().enumerate() {
        for (j, b) in credentials.iter().enumerate() {
            if i != j && (a.identity == b.identity || a.parent == Some(j) || b.parent == Some(i)) {
                links[i].push(j);
            }
        }
    }
    links
}

/// Credential -> stages that need it.
fn needed_by(stages: &[Stage], credentials: usize) -> Vec<Vec<usize>> {
    let mut needed_by = vec![Vec::new(); credentials];
    for (i, s) in stages.iter().enumerate() {
        for &k in s.needs.iter().chain(&s.needs_any) {
            if !needed_by[k].contains(&i) {
                needed_by[k].push(i);
            }
        }
    }
    needed_by
}

/// Validates a parsed model file.
pub fn validate_model(label: &str, text: &str, f: ModelFile) -> Result<Model, LoadError> {
    let mut c = Checker::new(label, text);
    if f.name.trim().is_empty() {
        c.error("name", "name is empty", None);
    }
    c.identifier("name", "name", &f.name);
    if !(model_lists_fit(&mut c, &f) & attack::model_lists_fit(&mut c, &f)) {
        return Err(c.stop());
    }
    c.unique_ids("teams", f.teams.iter().map(|t| t.id.as_str()));
    if f.teams.is_empty() {
        c.error("teams", "a model needs at least one team", None);
    }
    let team_ids = Names::new(f.teams.iter().map(|t| t.id.as_str()));

    let teams: Vec<Team> = (f.teams.iter().enumerate())
        .map(|(i, tf)| team(&mut c, i, tf))
        .collect();

    let (rows, revoke, detect) = raci(&mut c, &f.raci, &team_ids);
    let intake = attack::intake_rows(&mut c, &f.raci, &team_ids);

    let mut policy = policy(&mut c, &f.policy, &team_ids);

    let effort = effort(&mut c, &f.effort);
    let holidays = super::calendar::holidays(&mut c, &f.holidays);
    let response = super::response::model(&mut c, &f, &team_ids, &effort[Activity::Revoke.index()]);
    policy.rotate_all = response.rotate_all;
    policy.incremental_revocation = response.incremental_revocation;
    policy.preemptive_revocation = response.preemptive_revocation;

    let model = Model {
        name: f.name,
        summary: f.summary,
        sources: f.sources,
        teams,
        detect,
        intake,
        rows,
        revoke,
        policy,
        effort,
        holidays,
        rotate_all: response.rotate_all_row,
        revoke_effort: response.revoke_effort,
        rotate_all_effort: response.rotate_all_effort,
    };
    c.finish(model)
}

/// One team, its hours, visibility and background work checked.
fn team(c: &mut Checker, i: usize, tf: &TeamFile) -> Team {
    let p = format!("teams[{i}]");
    staff_and_offset(c, &p, tf);
    let (coverage, hours_ok) = coverage(c, &p, &tf.coverage);
    let visibility = visibility(c, &p, tf);
    let background = tf.background.as_ref().map(|b| background(c, &p, b));
    let team = Team {
        id: tf.id.clone(),
        staff: tf.staff,
        coverage,
        utc_offset: tf.utc_offset_hours as i64 * HOUR as i64,
        background,
        visibility,
        telemetry: attack::telemetry(c, &p, tf),
        telemetry_follows_visibility: tf.telemetry.is_none(),
    };
    // Overload is measured against valid hours only (the error above says what is wrong).
    if let Some((load, capacity)) = team.overload().filter(|_| hours_ok) {
        c.error(
            &format!("{p}.background"),
            format!(
                "team \"{}\" is overloaded: background work needs {load:.2} staff on average but only {capacity:.2} are on shift",
                clip(&tf.id)
            ),
            Some("lower alerts_per_hour or effort, or raise staff or coverage".into()),
        );
    }
    team
}

/// Team `p`'s staff and UTC offset within range.
fn staff_and_offset(c: &mut Checker, p: &str, tf: &TeamFile) {
    if tf.staff == 0 || tf.staff > 10_000 {
        c.error(
            &format!("{p}.staff"),
            format!("staff must be between 1 and 10000, got {}", tf.staff),
            Some("staff is how many tasks the team works at once".into()),
        );
    }
    if !(-12..=14).contains(&tf.utc_offset_hours) {
        c.error(
            &format!("{p}.utc_offset_hours"),
            format!(
                "utc offset must be between -12 and 14 hours, got {}",
                tf.utc_offset_hours
            ),
            None,
        );
    }
}

/// Team `p`'s hours and on-call, and whether its hours are valid (business hours that end
/// after they start).
fn coverage(c: &mut Checker, p: &str, cf: &CoverageFile) -> (Coverage, bool) {
    let CoverageFile::BusinessHours {
        start,
        end,
        days,
        on_call,
    } = cf
    else {
        return (Coverage::AlwaysOn, true);
    };
    let hours_ok = start.0 < end.0;
    if !hours_ok {
        c.error(
            &format!("{p}.coverage.end"),
            "business hours must end after they start",
            None,
        );
    }
    if days.is_empty() {
        c.error(
            &format!("{p}.coverage.days"),
            "business hours need at least one day",
            Some(format!(
                "e.g. days: [{}]",
                Weekday::ALL[..5]
                    .iter()
                    .map(|d| format!("{d:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
    }
    let coverage = Coverage::BusinessHours {
        start: start.0,
        end: end.0,
        days: days.iter().fold(0u8, |m, d| m | 1 << d.index()),
        on_call: on_call.as_ref().map(|o| OnCall {
            page_latency: o.page_latency.0,
            min_severity: o.min_severity,
        }),
    };
    (coverage, hours_ok)
}

/// Team `p`'s inventory accuracy by plane, each a probability.
fn visibility(
    c: &mut Checker,
    p: &str,
    tf: &TeamFile,
) -> [Option<f64>; crate::domain::Plane::COUNT] {
    let mut visibility = [None; crate::domain::Plane::COUNT];
    for (plane, &acc) in &tf.visibility {
        let field = format!("{p}.visibility.{plane:?}");
        visibility[plane.index()] = Some(c.probability(&field, acc));
    }
    visibility
}

/// Team `p`'s background work: an alert rate in range (zero if it is not) and its effort.
fn background(c: &mut Checker, p: &str, b: &BackgroundFile) -> Background {
    let rate_ok = b.alerts_per_hour.is_finite() && (0.0..=10_000.0).contains(&b.alerts_per_hour);
    if !rate_ok {
        c.error(
            &format!("{p}.background.alerts_per_hour"),
            format!(
                "alerts per hour must be between 0 and 10000, got {}",
                b.alerts_per_hour
            ),
            None,
        );
    }
    let effort = c.dist(&format!("{p}.background.effort"), &b.effort);
    Background {
        rate: if rate_ok {
            b.alerts_per_hour / HOUR as f64
        } else {
            0.0
        },
        effort,
    }
}

/// The RACI table as team indices: single rows by activity, revoke rows by credential kind,
/// detect rows.
fn raci(
    c: &mut Checker,
    raci: &RaciFile,
    team_ids: &Names,
) -> (Vec<Row>, Vec<Row>, Vec<DetectRow>) {
    let team_list = |c: &mut Checker, field: &str, list: &[String]| -> Vec<usize> {
        c.teams(field, list, team_ids)
    };
    let row = |c: &mut Checker, field: &str, r: &RowFile| Row {
        r: team_list(c, &format!("{field}.r"), &r.r),
        a: team_list(c, &format!("{field}.a"), &r.a),
        c: team_list(c, &format!("{field}.c"), &r.c),
        i: team_list(c, &format!("{field}.i"), &r.i),
    };
    let mut rows = vec![Row::default(); Activity::COUNT];
    for (activity, name, rf) in raci_rows(raci) {
        rows[activity.index()] = row(c, &format!("raci.{name}"), rf);
    }
    let mut revoke = vec![Row::default(); crate::domain::CredentialKind::COUNT];
    for (kind, rf) in &raci.revoke {
        revoke[kind.index()] = row(c, &format!("raci.revoke.{kind:?}"), rf);
    }
    let mut detect = Vec::new();
    for (j, d) in raci.detect.iter().enumerate() {
        let field = format!("raci.detect[{j}]");
        detect.push(DetectRow {
            signals: d.signals.clone(),
            r: team_list(c, &format!("{field}.r"), &d.r),
            i: team_list(c, &format!("{field}.i"), &d.i),
        });
    }

    (rows, revoke, detect)
}

fn policy(c: &mut Checker, pf: &PolicyFile, team_ids: &Names) -> Policy {
    let escalation = pf.escalation.as_ref().and_then(|e| {
        c.resolve("policy.escalation.to", "team", &e.to, team_ids)
            .map(|to| Escalation {
                after: e.after.0,
                to,
            })
    });
    let emergency = pf.emergency_containment.as_ref().and_then(|e| {
        c.resolve(
            "policy.emergency_containment.team",
            "team",
            &e.team,
            team_ids,
        )
        .map(|team| Emergency {
            team,
            min_severity: e.min_severity,
        })
    });
    Policy {
        escalation,
        emergency,
        diffusion: c.probability("policy.diffusion", pf.diffusion),
        stall_threshold: pf.stall_threshold.0,
        triage_accuracy: c.probability("policy.triage_accuracy", pf.triage_accuracy),
        triage_specificity: c.probability("policy.triage_specificity", pf.triage_specificity),
        business_recognition: c.probability("policy.business_recognition", pf.business_recognition),
        verify_accuracy: c.probability("policy.verify_accuracy", pf.verify_accuracy),
        rotate_all: None,
        incremental_revocation: false,
        preemptive_revocation: false,
    }
}

/// Effort per activity: the file's where given, else the defaults.
fn effort(c: &mut Checker, ef: &EffortFile) -> Vec<Dist> {
    let mut effort: Vec<Dist> = Activity::ALL.iter().map(|&a| default_effort(a)).collect();
    for (activity, name, d) in [
        (Activity::Detect, "detect", &ef.detect),
        (Activity::Triage, "triage", &ef.triage),
        (Activity::Scope, "scope", &ef.scope),
        (
            Activity::ValidateEntitlement,
            "validate_entitlement",
            &ef.validate_entitlement,
        ),
        (
            Activity::ConfirmBusiness,
            "confirm_business",
            &ef.confirm_business,
        ),
        (
            Activity::ApproveContainment,
            "approve_containment",
            &ef.approve_containment,
        ),
        (Activity::Revoke, "revoke", &ef.revoke),
        (Activity::Verify, "verify", &ef.verify),
        (
            Activity::CaptureEvidence,
            "capture_evidence",
            &ef.capture_evidence,
        ),
        (Activity::Close, "close", &ef.close),
        (Activity::Consult, "consult", &ef.consult),
        (Activity::SignOff, "sign_off", &ef.sign_off),
        (Activity::Intake, "intake", &ef.intake),
    ] {
        if let Some(d) = d {
            effort[activity.index()] = c.dist(&format!("effort.{name}"), d);
        }
    }
    effort
}
