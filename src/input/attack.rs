//! Validation of the attack and signal fields of issue 14: credential templates and their slots,
//! initial access, `needs_any`, `creates`, re-theft, `open_until`, replay pinning (`at`),
//! what signals and external reports point at, and on the model side each team's telemetry and
//! the intake rows for external reports.

use crate::domain::{Plane, ReportSource};

use super::check::*;
use super::file::*;
use super::*;

/// The stages resolved, with the templates expanded into slots (appended to `identities` and
/// `credentials`) and the upstream labels reports name.
pub(crate) fn stages_and_templates(
    c: &mut Checker,
    f: &ScenarioFile,
    (stage_ids, cred_ids): (&Names, &Names),
    (identities, credentials): (&mut Vec<Identity>, &mut Vec<Credential>),
    mut upstreams: Vec<String>,
) -> (Vec<Stage>, Vec<Template>, Vec<String>) {
    initial_access(c, f);
    let templates = templates(c, f, identities, credentials);
    let template_ids = Names::new(templates.iter().map(|t| t.id.as_str()));
    let pools = Pools {
        creds: cred_ids,
        templates: &template_ids,
    };
    let stages = super::validate::stages(c, f, stage_ids, &pools, &mut upstreams);
    slot_parents(&templates, &stages, credentials);
    (stages, templates, upstreams)
}

/// Templates expanded into credential slots (and one identity each), appended to `identities`
/// and `credentials`. Slot parents are set later, from the stages (see [`slot_parents`]).
fn templates(
    c: &mut Checker,
    f: &ScenarioFile,
    identities: &mut Vec<Identity>,
    credentials: &mut Vec<Credential>,
) -> Vec<Template> {
    c.unique_ids("templates", f.templates.iter().map(|t| t.id.as_str()));
    let taken_creds = Names::new(f.credentials.iter().map(|x| x.id.as_str()));
    let taken_ids = Names::new(f.identities.iter().map(|x| x.id.as_str()));
    let mut out = Vec::new();
    let mut total = 0usize;
    for (i, tf) in f.templates.iter().enumerate() {
        let p = format!("templates[{i}]");
        if taken_creds.contains(&tf.id) {
            c.error(
                &format!("{p}.id"),
                format!("template \"{}\" has the id of a credential", clip(&tf.id)),
                Some("templates and credentials share one name space".into()),
            );
        }
        let max = slots(c, &p, f, tf, &mut total);
        if max == 0 {
            // A template in error keeps its name (no follow-on "unknown template"), no slot.
            out.push(Template {
                id: tf.id.clone(),
                first: credentials.len(),
                max: 0,
            });
            continue;
        }
        let clash = (1..=max).find(|k| {
            let id = format!("{}#{k}", tf.id);
            taken_creds.contains(&id) || taken_ids.contains(&id)
        });
        if let Some(k) = clash {
            c.error(
                &format!("{p}.id"),
                format!(
                    "slot \"{}#{k}\" of this template has the id of a credential or identity",
                    clip(&tf.id)
                ),
                Some("rename the template or the credential".into()),
            );
        }
        out.push(Template {
            id: tf.id.clone(),
            first: credentials.len(),
            max,
        });
        for k in 1..=max {
            let id = format!("{}#{k}", tf.id);
            identities.push(Identity {
                id: id.clone(),
                kind: tf.identity_kind,
            });
            credentials.push(Credential {
                id,
                kind: tf.kind,
                plane: tf.plane,
                identity: identities.len() - 1,
                parent: None,
                held_at_start: false,
                residual_validity: tf.residual_validity.map_or(0, |d| d.0),
                lifetime: tf.lifetime.map(|d| d.0),
                inventory: InventoryStatus::Unknown,
                owner: None,
                upstream: None,
                created: true,
            });
        }
    }
    out
}

/// Template `p`'s slot count, or 0 if `max` is out of range or the slots would not fit within
/// the limits (`total` counts the slots so far).
fn slots(
    c: &mut Checker,
    p: &str,
    f: &ScenarioFile,
    tf: &TemplateFile,
    total: &mut usize,
) -> usize {
    let max = tf.max as usize;
    if max == 0 || max > MAX_ITEMS {
        c.error(
            &format!("{p}.max"),
            format!("max must be between 1 and {MAX_ITEMS}, got {}", tf.max),
            None,
        );
        return 0;
    }
    let n = *total + max;
    if n + f.credentials.len() > MAX_ITEMS || n + f.identities.len() > MAX_ITEMS {
        c.error(
            &format!("{p}.max"),
            format!(
                "templates expand to {n} credential slots, each with its own identity; with the file's {} credential(s) and {} identity(ies) that is more than the limit of {MAX_ITEMS} credentials (and of {MAX_ITEMS} identities)",
                f.credentials.len(),
                f.identities.len()
            ),
            Some("lower `max`: it is the most credentials of this template the attacker creates in one run".into()),
        );
        return 0;
    }
    *total = n;
    max
}

/// A slot's parent is the first credential the first stage creating its template needs.
fn slot_parents(templates: &[Template], stages: &[Stage], credentials: &mut [Credential]) {
    for (t, tm) in templates.iter().enumerate() {
        let parent = stages
            .iter()
            .find(|s| s.creates.contains(&t))
            .and_then(|s| s.needs.first().or(s.needs_any.first()).copied());
        for cred in &mut credentials[tm.first..tm.first + tm.max] {
            cred.parent = parent;
        }
    }
}

/// Initial access: with no credential held at the start, some stage must need none.
fn initial_access(c: &mut Checker, f: &ScenarioFile) {
    let held = f.credentials.iter().any(|x| x.held_at_start);
    let open = f
        .stages
        .iter()
        .any(|s| s.needs.is_empty() && s.needs_any.is_empty());
    if !held && !open && !f.credentials.is_empty() {
        c.error(
            "credentials",
            "no credential is held by the attacker at the start and every stage needs one: nothing can ever happen",
            Some("mark the stolen credential with `held_at_start: true`, or add an initial-access stage that needs nothing and grants a credential".into()),
        );
    }
}

/// Every list the attack fields add, within its cap.
pub(crate) fn lists_fit(c: &mut Checker, f: &ScenarioFile) -> bool {
    let mut ok = c.cap("templates", f.templates.len(), MAX_LIST);
    for (i, s) in f.stages.iter().enumerate() {
        for (name, n) in [
            ("needs_any", s.needs_any.len()),
            ("creates", s.creates.len()),
            ("reports", s.reports.len()),
        ] {
            ok &= c.cap(&format!("stages[{i}].{name}"), n, MAX_LIST);
        }
    }
    ok
}

/// The names a stage's fields resolve against.
pub(crate) struct Pools<'a> {
    pub creds: &'a Names<'a>,
    pub templates: &'a Names<'a>,
}

/// The fields of one stage added by issue 14, resolved; `stage` already holds `needs`.
pub(crate) fn stage_fields(
    c: &mut Checker,
    i: usize,
    sf: &StageFile,
    pools: &Pools,
    upstreams: &mut Vec<String>,
    stage: &mut Stage,
) {
    let p = format!("stages[{i}]");
    stage.needs_any = sf
        .needs_any
        .iter()
        .enumerate()
        .filter_map(|(j, id)| {
            c.resolve(
                &format!("{p}.needs_any[{j}]"),
                "credential",
                id,
                pools.creds,
            )
        })
        .collect();
    stage.creates = sf
        .creates
        .iter()
        .enumerate()
        .filter_map(|(j, id)| {
            c.resolve(
                &format!("{p}.creates[{j}]"),
                "template",
                id,
                pools.templates,
            )
        })
        .collect();
    stage.steals_again = sf.steals_again;
    stage.open_until = sf.open_until.map(|d| d.0);
    stage.at = sf.at.map(|d| d.0);
    if sf.steals_again && sf.grants.is_empty() {
        c.error(
            &format!("{p}.steals_again"),
            "steals_again re-obtains granted credentials, but this stage grants none",
            Some("add the credentials it steals to `grants`".into()),
        );
    }
    for (j, s) in sf.signals.iter().enumerate() {
        let sp = format!("{p}.signals[{j}]");
        let probability = c.probability(&format!("{sp}.probability"), s.probability);
        let (credential, points) = pointer(c, &sp, s.credential.as_deref(), sf, stage, pools);
        stage.signals.push(Signal {
            kind: s.kind,
            plane: s.plane,
            probability,
            severity: s.severity,
            credential,
            points,
        });
    }
    for (j, r) in sf.reports.iter().enumerate() {
        let rp = format!("{p}.reports[{j}]");
        let report = report(c, &rp, r, sf, stage, pools, upstreams);
        stage.reports.push(report);
    }
}

fn report(
    c: &mut Checker,
    rp: &str,
    r: &ReportFile,
    sf: &StageFile,
    stage: &Stage,
    pools: &Pools,
    upstreams: &mut Vec<String>,
) -> Report {
    let probability = c.probability(&format!("{rp}.probability"), r.probability);
    let delay = c.dist(&format!("{rp}.delay"), &r.delay);
    let (credential, points) = pointer(c, rp, r.credential.as_deref(), sf, stage, pools);
    let upstream = r.upstream.as_ref().map(|u| {
        c.identifier(&format!("{rp}.upstream"), "upstream", u);
        match upstreams.iter().position(|x| x == u) {
            Some(k) => k,
            None => {
                upstreams.push(u.clone());
                upstreams.len() - 1
            }
        }
    });
    Report {
        source: r.source,
        probability,
        delay,
        severity: r.severity,
        credential,
        points,
        upstream,
    }
}

/// What a signal or report at `field` points at: the credential or template it names, else
/// the stage's first need, else the first usable of its `needs_any` at completion.
fn pointer(
    c: &mut Checker,
    field: &str,
    named: Option<&str>,
    sf: &StageFile,
    stage: &Stage,
    pools: &Pools,
) -> (usize, Points) {
    let f = format!("{field}.credential");
    if let Some(id) = named {
        if let Some(&k) = pools.creds.get(id) {
            return (k, Points::Named);
        }
        if let Some(&t) = pools.templates.get(id) {
            if !stage.creates.contains(&t) {
                c.error(
                    &f,
                    format!(
                        "template \"{}\" is named here but this stage does not create it",
                        clip(id)
                    ),
                    Some("add it to the stage's `creates`, or name a credential".into()),
                );
            }
            return (0, Points::Created(t));
        }
        return (
            c.resolve(&f, "credential", id, pools.creds).unwrap_or(0),
            Points::Named,
        );
    }
    if let Some(&k) = stage.needs.first() {
        return (k, Points::Named);
    }
    if let Some(&k) = stage.needs_any.first() {
        return (k, Points::AnyNeed);
    }
    // A need that did not resolve is reported already.
    if sf.needs.is_empty() && sf.needs_any.is_empty() {
        c.error(
            &f,
            "names no credential and its stage needs none",
            Some("add `credential: \"...\"` naming the credential or template the alert or report points at".into()),
        );
    }
    (0, Points::Named)
}

// ---------------------------------------------------------------- model side

/// Team `p`'s telemetry by plane: the file's map, or 1.0 for every plane it has inventory of.
pub(crate) fn telemetry(c: &mut Checker, p: &str, tf: &TeamFile) -> [f64; Plane::COUNT] {
    let mut out = [0.0; Plane::COUNT];
    match &tf.telemetry {
        Some(map) => {
            for (plane, &v) in map {
                out[plane.index()] = c.probability(&format!("{p}.telemetry.{plane:?}"), v);
            }
        }
        None => {
            for plane in tf.visibility.keys() {
                out[plane.index()] = 1.0;
            }
        }
    }
    out
}

/// The intake rows, as team indices.
pub(crate) fn intake_rows(c: &mut Checker, raci: &RaciFile, team_ids: &Names) -> Vec<IntakeRow> {
    let mut rows = Vec::new();
    for (j, row) in raci.intake.iter().enumerate() {
        let field = format!("raci.intake[{j}]");
        let mut teams =
            |name: &str, list: &[String]| c.teams(&format!("{field}.{name}"), list, team_ids);
        let r = teams("r", &row.r);
        let i = teams("i", &row.i);
        let mut sources: Vec<ReportSource> = Vec::new();
        for s in &row.sources {
            if !sources.contains(s) {
                sources.push(*s);
            }
        }
        rows.push(IntakeRow { sources, r, i });
    }
    rows
}

/// Every list the intake rows add, within its cap.
pub(crate) fn model_lists_fit(c: &mut Checker, f: &ModelFile) -> bool {
    let mut ok = c.cap("raci.intake", f.raci.intake.len(), MAX_LIST);
    for (j, d) in f.raci.intake.iter().enumerate() {
        for (name, n) in [
            ("sources", d.sources.len()),
            ("r", d.r.len()),
            ("i", d.i.len()),
        ] {
            ok &= c.cap(&format!("raci.intake[{j}].{name}"), n, MAX_LIST);
        }
    }
    ok
}
