//! Response fields (issue 14): credential inventory status, owner and upstream in scenarios;
//! the rotate-all row, policy and effort, incremental and pre-emptive revocation, and revoke
//! effort per credential kind and per team in models. Called from `validate`, reported through
//! the same `Checker`.

use crate::domain::duration::Dist;
use crate::domain::{Activity, CredentialKind, Plane};

use super::check::*;
use super::file::*;
use super::*;

/// Credential `cf` with its identity and parent resolved; owner and upstream are filled in by
/// [`credentials`] once every credential is built.
pub(crate) fn credential(
    cf: &CredentialFile,
    identity: usize,
    parent: Option<usize>,
) -> Credential {
    Credential {
        id: cf.id.clone(),
        kind: cf.kind,
        plane: cf.plane,
        identity,
        parent,
        held_at_start: cf.held_at_start,
        residual_validity: cf.residual_validity.map_or(0, |d| d.0),
        lifetime: cf.lifetime.map(|d| d.0),
        inventory: cf.inventory,
        owner: None,
        upstream: None,
        created: false,
    }
}

/// Fills each credential's owner and upstream; returns the distinct upstream labels in order
/// of first appearance (`Credential::upstream` indexes them).
pub(crate) fn credentials(
    c: &mut Checker,
    f: &ScenarioFile,
    credentials: &mut [Credential],
) -> Vec<String> {
    let mut upstreams: Vec<String> = Vec::new();
    for (i, (cf, cred)) in f.credentials.iter().zip(credentials.iter_mut()).enumerate() {
        if let Some(owner) = &cf.owner {
            let field = format!("credentials[{i}].owner");
            if owner.trim().is_empty() {
                c.error(&field, "owner is empty", Some(
                    "name the team id (in the model) that revokes this credential, or leave `owner` out".into(),
                ));
            }
            c.identifier(&field, "owner", owner);
            cred.owner = Some(owner.clone());
        }
        if let Some(label) = &cf.upstream {
            let field = format!("credentials[{i}].upstream");
            if label.trim().is_empty() {
                c.error(&field, "upstream is empty", None);
            }
            c.identifier(&field, "upstream", label);
            cred.upstream = Some(upstream_index(&mut upstreams, label));
        }
    }
    upstreams
}

/// The index of upstream `label` in `upstreams`, added if new. External reports naming an
/// upstream resolve their label with this too (a label no credential has gets an index that
/// revokes nothing).
pub(crate) fn upstream_index(upstreams: &mut Vec<String>, label: &str) -> usize {
    // Linear search: labels are few, and this runs once at load.
    match upstreams.iter().position(|u| u == label) {
        Some(at) => at,
        None => {
            upstreams.push(label.to_string());
            upstreams.len() - 1
        }
    }
}

/// The model's response settings, resolved.
pub(crate) struct ModelResponse {
    pub rotate_all_row: Option<Row>,
    pub rotate_all: Option<RotateAll>,
    pub incremental_revocation: bool,
    pub preemptive_revocation: bool,
    pub revoke_effort: Vec<Dist>,
    pub rotate_all_effort: Option<Dist>,
}

/// Checks and resolves the response fields of a model. `revoke` is the resolved
/// `effort.revoke` (the last fallback of the revoke effort table).
pub(crate) fn model(
    c: &mut Checker,
    f: &ModelFile,
    team_ids: &Names,
    revoke: &Dist,
) -> ModelResponse {
    let rotate_all_row = f
        .raci
        .rotate_all
        .as_ref()
        .map(|r| row(c, "raci.rotate_all", r, team_ids));
    let rotate_all = f.policy.rotate_all.as_ref().map(|r| rotate_all(c, r));
    ModelResponse {
        rotate_all_row,
        rotate_all,
        incremental_revocation: f.policy.incremental_revocation,
        preemptive_revocation: f.policy.preemptive_revocation,
        revoke_effort: revoke_effort(c, f, revoke),
        rotate_all_effort: f
            .effort
            .rotate_all
            .as_ref()
            .map(|d| c.dist("effort.rotate_all", d)),
    }
}

/// A RACI row as team indices (each list capped, each team once).
fn row(c: &mut Checker, field: &str, rf: &RowFile, team_ids: &Names) -> Row {
    let mut list = |name: &str, ids: &[String]| -> Vec<usize> {
        let field = format!("{field}.{name}");
        if !c.cap(&field, ids.len(), MAX_LIST) {
            return Vec::new();
        }
        c.teams(&field, ids, team_ids)
    };
    Row {
        r: list("r", &rf.r),
        a: list("a", &rf.a),
        c: list("c", &rf.c),
        i: list("i", &rf.i),
    }
}

/// Policy `rotate_all`: planes and kinds as bit sets (empty lists: everything).
fn rotate_all(c: &mut Checker, r: &RotateAllFile) -> RotateAll {
    let planes_ok = c.cap("policy.rotate_all.planes", r.planes.len(), MAX_LIST);
    let kinds_ok = c.cap("policy.rotate_all.kinds", r.kinds.len(), MAX_LIST);
    let planes = if r.planes.is_empty() || !planes_ok {
        (1u32 << Plane::COUNT) - 1
    } else {
        r.planes.iter().fold(0, |m, p| m | 1 << p.index())
    };
    let kinds = if r.kinds.is_empty() || !kinds_ok {
        (1u32 << CredentialKind::COUNT) - 1
    } else {
        r.kinds.iter().fold(0, |m, k| m | 1 << k.index())
    };
    if r.from_severity.is_none() && !r.on_reopen {
        c.error(
            "policy.rotate_all",
            "rotate_all has no trigger: it never runs",
            Some(
                "add `from_severity: High` (or another severity), `on_reopen: true`, or both"
                    .into(),
            ),
        );
    }
    RotateAll {
        from_severity: r.from_severity,
        on_reopen: r.on_reopen,
        planes,
        kinds,
    }
}

/// Revoke effort by (team, kind): team `revoke_effort` over `effort.revoke_by_kind` over
/// `effort.revoke`, each checked once.
fn revoke_effort(c: &mut Checker, f: &ModelFile, revoke: &Dist) -> Vec<Dist> {
    let mut by_kind = vec![*revoke; CredentialKind::COUNT];
    for (kind, d) in &f.effort.revoke_by_kind {
        by_kind[kind.index()] = c.dist(&format!("effort.revoke_by_kind.{kind:?}"), d);
    }
    let mut table = Vec::with_capacity(f.teams.len() * CredentialKind::COUNT);
    for (i, t) in f.teams.iter().enumerate() {
        let mut row = by_kind.clone();
        for (kind, d) in &t.revoke_effort {
            row[kind.index()] = c.dist(&format!("teams[{i}].revoke_effort.{kind:?}"), d);
        }
        table.extend(row);
    }
    table
}

/// The activities whose task is about one credential's revocation (owner applies).
pub fn revokes(activity: Activity) -> bool {
    matches!(activity, Activity::Revoke | Activity::RotateAll)
}
