//! The edit operators: which single edits a model admits (`singles`), applying an edit to the
//! model file (`apply`), and which edits can be combined (`compatible`). docs/improve.md,
//! "Edit operators", lists the rules; each operator below cites its line there.

use std::collections::BTreeSet;

use super::{Edit, Letter, RowId};
use crate::domain::{CredentialKind, Plane, Severity};
use crate::input::file::{
    CoverageFile, EmergencyFile, ModelFile, OnCallFile, RaciFile, RotateAllFile, RowFile,
};
use crate::input::Scenario;

/// Page latency given to a team newly put on call [assumption: the shipped models' 30 min].
pub const NEW_PAGE_LATENCY: u64 = 30 * 60;
/// Inventory accuracy granted when no team of the model sees the plane [assumption].
pub const DEFAULT_ACCURACY: f64 = 0.8;
/// A team "sees a plane poorly" below this accuracy while another team sees it at
/// `GOOD_ACCURACY` or better; the visibility operator then offers the better inventory.
pub const POOR_ACCURACY: f64 = 0.5;
pub const GOOD_ACCURACY: f64 = 0.8;

/// The RACI rows of a model file with their ids, in file order (detect excluded: it is a list
/// of rows by signal kind).
pub fn rows(r: &RaciFile) -> Vec<(RowId, &RowFile)> {
    let mut out = vec![
        (RowId::Triage, &r.triage),
        (RowId::Scope, &r.scope),
        (RowId::ValidateEntitlement, &r.validate_entitlement),
        (RowId::ConfirmBusiness, &r.confirm_business),
        (RowId::ApproveContainment, &r.approve_containment),
    ];
    out.extend(r.revoke.iter().map(|(k, row)| (RowId::Revoke(*k), row)));
    out.push((RowId::Verify, &r.verify));
    out.push((RowId::CaptureEvidence, &r.capture_evidence));
    out.push((RowId::Close, &r.close));
    if let Some(row) = &r.rotate_all {
        out.push((RowId::RotateAll, row));
    }
    out
}

/// The row `id` of a model file, created empty when it is a revoke or rotate-all row the file
/// lacks. `Detect` has no single row: it maps to the first detect row's R and I.
fn row_mut(r: &mut RaciFile, id: RowId) -> &mut RowFile {
    match id {
        RowId::Triage => &mut r.triage,
        RowId::Scope => &mut r.scope,
        RowId::ValidateEntitlement => &mut r.validate_entitlement,
        RowId::ConfirmBusiness => &mut r.confirm_business,
        RowId::ApproveContainment => &mut r.approve_containment,
        RowId::Revoke(k) => r.revoke.entry(k).or_default(),
        RowId::Verify => &mut r.verify,
        RowId::CaptureEvidence => &mut r.capture_evidence,
        RowId::Close => &mut r.close,
        RowId::RotateAll | RowId::Detect => r.rotate_all.get_or_insert_with(RowFile::default),
    }
}

fn letter_mut(row: &mut RowFile, l: Letter) -> &mut Vec<String> {
    match l {
        Letter::R => &mut row.r,
        Letter::A => &mut row.a,
        Letter::C => &mut row.c,
        Letter::I => &mut row.i,
    }
}

/// Rows whose outcome is a decision: a team is accountable for it (A).
fn is_decision(id: RowId) -> bool {
    matches!(id, RowId::Triage | RowId::ApproveContainment | RowId::Close)
}

/// What the chosen scenarios hold: the planes and kinds of their credentials.
pub struct Exposure {
    /// Kind -> planes where the scenarios keep credentials of that kind.
    pub planes_of_kind: Vec<(CredentialKind, BTreeSet<Plane>)>,
    pub planes: BTreeSet<Plane>,
}

impl Exposure {
    pub fn of(scenarios: &[Scenario]) -> Self {
        let mut by_kind: std::collections::BTreeMap<CredentialKind, BTreeSet<Plane>> =
            Default::default();
        for c in scenarios.iter().flat_map(|s| &s.credentials) {
            by_kind.entry(c.kind).or_default().insert(c.plane);
        }
        let planes = by_kind.values().flatten().copied().collect();
        Exposure {
            planes_of_kind: by_kind.into_iter().collect(),
            planes,
        }
    }
}

/// Teams that own something (an R or an A on some row, or detection): the only teams worth
/// paging or granting authority.
fn owning_teams(f: &ModelFile) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, row) in rows(&f.raci) {
        out.extend(row.r.iter().chain(&row.a).cloned());
    }
    for d in &f.raci.detect {
        out.extend(d.r.iter().cloned());
    }
    out
}

/// Every single edit the operators admit on `f`, in operator order, then file order.
pub fn singles(f: &ModelFile, exposure: &Exposure) -> Vec<Edit> {
    let mut out = Vec::new();
    own_rows(f, exposure, &mut out);
    collapse_committees(f, &mut out);
    emergency_containment(f, &mut out);
    on_call(f, &mut out);
    visibility(f, exposure, &mut out);
    verify_owner(f, &mut out);
    rotate_all(f, &mut out);
    drop_consults(f, &mut out);
    revoke_to_plane_owner(f, exposure, &mut out);
    out
}

fn team_ids(f: &ModelFile) -> impl Iterator<Item = &String> {
    f.teams.iter().map(|t| &t.id)
}

/// Operator 1: a row with no R gets an R (each team in turn); a decision row with neither R nor
/// A gets an A instead. A credential kind the scenarios use without a revoke row counts as an
/// unowned revoke row.
fn own_rows(f: &ModelFile, exposure: &Exposure, out: &mut Vec<Edit>) {
    let mut unowned: Vec<RowId> = rows(&f.raci)
        .into_iter()
        .filter(|(_, row)| row.r.is_empty() && row.a.is_empty())
        .map(|(id, _)| id)
        .collect();
    for (kind, _) in &exposure.planes_of_kind {
        if !f.raci.revoke.contains_key(kind) {
            unowned.push(RowId::Revoke(*kind));
        }
    }
    if f.raci.detect.iter().all(|d| d.r.is_empty()) {
        unowned.push(RowId::Detect);
    }
    for row in unowned {
        let letter = if is_decision(row) {
            Letter::A
        } else {
            Letter::R
        };
        for team in team_ids(f) {
            out.push(Edit::OwnRow {
                row,
                letter,
                team: team.clone(),
            });
        }
    }
}

/// Operator 2: a row with several A (a committee) gets one A, each member or the row's R in
/// turn.
fn collapse_committees(f: &ModelFile, out: &mut Vec<Edit>) {
    for (id, row) in rows(&f.raci) {
        if row.a.len() < 2 {
            continue;
        }
        let mut to: Vec<&String> = row.a.iter().collect();
        to.extend(row.r.iter().filter(|t| !row.a.contains(t)));
        for team in to {
            out.push(Edit::CollapseCommittee {
                row: id,
                to: team.clone(),
            });
        }
    }
}

/// Operator 3: no emergency containment: each owning team that takes part in detection,
/// triage, scope or the approval may contain from high, or from medium, severity. An existing
/// grant above medium is offered from medium.
fn emergency_containment(f: &ModelFile, out: &mut Vec<Edit>) {
    match &f.policy.emergency_containment {
        Some(e) if e.min_severity > Severity::Medium => out.push(Edit::EmergencyContainment {
            team: e.team.clone(),
            min_severity: Severity::Medium,
        }),
        Some(_) => {}
        None => {
            let r = &f.raci;
            let mut teams: BTreeSet<&String> = r.detect.iter().flat_map(|d| &d.r).collect();
            for row in [&r.triage, &r.scope, &r.approve_containment] {
                teams.extend(row.r.iter().chain(&row.a));
            }
            for team in team_ids(f).filter(|t| teams.contains(t)) {
                for min_severity in [Severity::High, Severity::Medium] {
                    out.push(Edit::EmergencyContainment {
                        team: team.clone(),
                        min_severity,
                    });
                }
            }
        }
    }
}

/// Operator 4: an owning business-hours team without on-call is paged off shift from high
/// severity; one paged only from high or critical is paged from medium.
fn on_call(f: &ModelFile, out: &mut Vec<Edit>) {
    let owners = owning_teams(f);
    for t in f.teams.iter().filter(|t| owners.contains(&t.id)) {
        let CoverageFile::BusinessHours { on_call, .. } = &t.coverage else {
            continue;
        };
        let edit = match on_call {
            None => Edit::OnCall {
                team: t.id.clone(),
                page_latency: NEW_PAGE_LATENCY,
                min_severity: Severity::High,
            },
            Some(oc) if oc.min_severity > Severity::Medium => Edit::OnCall {
                team: t.id.clone(),
                page_latency: oc.page_latency.0,
                min_severity: Severity::Medium,
            },
            Some(_) => continue,
        };
        out.push(edit);
    }
}

/// Operator 5: the R team of detect, scope or verify gets an inventory of a plane the scenarios
/// use that it lacks (or sees poorly while another team sees it well), at the best accuracy
/// any team of the model has there (`DEFAULT_ACCURACY` when none sees it).
fn visibility(f: &ModelFile, exposure: &Exposure, out: &mut Vec<Edit>) {
    let r = &f.raci;
    let mut seen = BTreeSet::new();
    let detect = r
        .detect
        .iter()
        .flat_map(|d| &d.r)
        .map(|t| (RowId::Detect, t));
    let scope = r.scope.r.iter().map(|t| (RowId::Scope, t));
    let verify = r.verify.r.iter().map(|t| (RowId::Verify, t));
    for (row, team) in detect.chain(scope).chain(verify) {
        let Some(t) = f.teams.iter().find(|t| &t.id == team) else {
            continue;
        };
        for &plane in &exposure.planes {
            let best = f
                .teams
                .iter()
                .filter_map(|o| o.visibility.get(&plane).copied())
                .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
            let has = t.visibility.get(&plane).copied();
            let lacks = match (has, best) {
                (None, _) => true,
                (Some(x), Some(b)) => x < POOR_ACCURACY && b >= GOOD_ACCURACY,
                (Some(_), None) => false,
            };
            if lacks && seen.insert((team.clone(), plane)) {
                out.push(Edit::Visibility {
                    row,
                    team: team.clone(),
                    plane,
                    accuracy: best.unwrap_or(DEFAULT_ACCURACY),
                });
            }
        }
    }
}

/// Operator 6: verify gets one named R, each team with an inventory in turn (not the team that
/// is already its only R).
fn verify_owner(f: &ModelFile, out: &mut Vec<Edit>) {
    let current = &f.raci.verify.r;
    for t in &f.teams {
        if t.visibility.is_empty() || (current.len() == 1 && current[0] == t.id) {
            continue;
        }
        out.push(Edit::VerifyOwner { team: t.id.clone() });
    }
}

/// Operator 7: no rotate-all policy: rotate every known credential in scope when containment is
/// approved from high, or from medium, severity (and on a reopen).
fn rotate_all(f: &ModelFile, out: &mut Vec<Edit>) {
    if f.policy.rotate_all.is_none() {
        for from_severity in [Severity::High, Severity::Medium] {
            out.push(Edit::RotateAll { from_severity });
        }
    }
}

/// Operator 8: each consulted team of each row, dropped.
fn drop_consults(f: &ModelFile, out: &mut Vec<Edit>) {
    for (id, row) in rows(&f.raci) {
        for team in &row.c {
            out.push(Edit::DropConsult {
                row: id,
                team: team.clone(),
            });
        }
    }
}

/// Operator 9: for each credential kind the scenarios use, the plane owner is the team with the
/// largest summed inventory accuracy over the planes where that kind lives (first in file
/// order on ties); when it is not already the row's R, revoking moves to it.
fn revoke_to_plane_owner(f: &ModelFile, exposure: &Exposure, out: &mut Vec<Edit>) {
    for (kind, planes) in &exposure.planes_of_kind {
        let score = |t: &crate::input::file::TeamFile| -> f64 {
            planes.iter().filter_map(|p| t.visibility.get(p)).sum()
        };
        let Some(owner) = f.teams.iter().filter(|t| score(t) > 0.0).fold(
            None,
            |best: Option<&crate::input::file::TeamFile>, t| match best {
                Some(b) if score(b) >= score(t) => Some(b),
                _ => Some(t),
            },
        ) else {
            continue;
        };
        let current = f
            .raci
            .revoke
            .get(kind)
            .map(|r| r.r.as_slice())
            .unwrap_or(&[]);
        if current != [owner.id.clone()] {
            out.push(Edit::RevokeToPlaneOwner {
                kind: *kind,
                team: owner.id.clone(),
            });
        }
    }
}

/// What an edit changes, to tell edits that would overwrite each other: a row's letter, a
/// policy, a team's coverage, a team's plane.
fn targets(e: &Edit) -> Vec<String> {
    match e {
        Edit::OwnRow { row, letter, .. } => vec![format!("{}.{letter:?}", row.name())],
        Edit::CollapseCommittee { row, .. } => vec![format!("{}.A", row.name())],
        Edit::EmergencyContainment { .. } => vec!["policy.emergency_containment".into()],
        Edit::OnCall { team, .. } => vec![format!("team.{team}.on_call")],
        Edit::Visibility { team, plane, .. } => vec![format!("team.{team}.{}", plane.name())],
        Edit::VerifyOwner { .. } => vec!["verify.R".into()],
        Edit::RotateAll { .. } => vec!["policy.rotate_all".into()],
        Edit::DropConsult { row, team } => vec![format!("{}.C.{team}", row.name())],
        Edit::RevokeToPlaneOwner { kind, .. } => {
            vec![format!("{}.R", RowId::Revoke(*kind).name())]
        }
    }
}

/// Two edits can be combined when they change different things.
pub fn compatible(a: &Edit, b: &Edit) -> bool {
    let ta = targets(a);
    targets(b).iter().all(|t| !ta.contains(t))
}

/// Applies one edit to a model file.
pub fn apply(f: &mut ModelFile, e: &Edit) {
    match e {
        Edit::OwnRow { row, letter, team } => {
            if *row == RowId::Detect {
                match f.raci.detect.first_mut() {
                    Some(d) => d.r = vec![team.clone()],
                    None => f.raci.detect.push(crate::input::file::DetectRowFile {
                        signals: Vec::new(),
                        r: vec![team.clone()],
                        i: Vec::new(),
                    }),
                }
            } else {
                *letter_mut(row_mut(&mut f.raci, *row), *letter) = vec![team.clone()];
            }
        }
        Edit::CollapseCommittee { row, to } => row_mut(&mut f.raci, *row).a = vec![to.clone()],
        Edit::EmergencyContainment { team, min_severity } => {
            f.policy.emergency_containment = Some(EmergencyFile {
                team: team.clone(),
                min_severity: *min_severity,
            })
        }
        Edit::OnCall {
            team,
            page_latency,
            min_severity,
        } => {
            if let Some(t) = f.teams.iter_mut().find(|t| &t.id == team) {
                if let CoverageFile::BusinessHours { on_call, .. } = &mut t.coverage {
                    *on_call = Some(OnCallFile {
                        page_latency: crate::domain::duration::Duration(*page_latency),
                        min_severity: *min_severity,
                    });
                }
            }
        }
        Edit::Visibility {
            team,
            plane,
            accuracy,
            ..
        } => {
            if let Some(t) = f.teams.iter_mut().find(|t| &t.id == team) {
                t.visibility.insert(*plane, *accuracy);
                if let Some(tel) = t.telemetry.as_mut() {
                    tel.insert(*plane, 1.0);
                }
            }
        }
        Edit::VerifyOwner { team } => f.raci.verify.r = vec![team.clone()],
        Edit::RotateAll { from_severity } => {
            f.policy.rotate_all = Some(RotateAllFile {
                from_severity: Some(*from_severity),
                on_reopen: true,
                planes: Vec::new(),
                kinds: Vec::new(),
            })
        }
        Edit::DropConsult { row, team } => row_mut(&mut f.raci, *row).c.retain(|t| t != team),
        Edit::RevokeToPlaneOwner { kind, team } => {
            row_mut(&mut f.raci, RowId::Revoke(*kind)).r = vec![team.clone()]
        }
    }
}
