//! `raci-sim improve`'s search on the shipped anti-patterns: the front holds the fix each seed
//! article recommends (docs/sources/seed-articles.md), and the race's bookkeeping adds up.

use raci_sim::analysis::improve::race::Settings;
use raci_sim::analysis::improve::search::improve;
use raci_sim::analysis::improve::{CostWeights, Edit, Improvement, RowId};
use raci_sim::domain::Plane;
use raci_sim::input::file::ModelFile;
use raci_sim::input::library::{all_models, load_scenario, parse_model, SCENARIOS};
use raci_sim::input::parse_ron;

/// The search on `scenarios` (all shipped ones when empty), small enough for a test: 160
/// candidates, 20 runs in the first round, 300 in the finals.
fn search(model: &str, scenarios: &[&str]) -> Improvement {
    let shipped = all_models().find(|m| m.name == model).unwrap();
    let file: ModelFile = parse_ron(shipped.path, shipped.text).unwrap();
    let m = parse_model(shipped.path, shipped.text).unwrap();
    let names: Vec<&str> = if scenarios.is_empty() {
        SCENARIOS.iter().map(|s| s.name).collect()
    } else {
        scenarios.to_vec()
    };
    let scenarios: Vec<_> = names.iter().map(|s| load_scenario(s).unwrap()).collect();
    let s = Settings {
        seed: 7,
        final_runs: 300,
        first_runs: 20,
        finalists: 8,
        budget: 160,
        max_events: raci_sim::engine::DEFAULT_MAX_EVENTS,
        weights: CostWeights::default(),
    };
    improve(&scenarios, &file, &m, &s, Default::default(), 0).unwrap()
}

fn front(imp: &Improvement) -> Vec<&[Edit]> {
    imp.finalists
        .iter()
        .filter(|f| f.on_front)
        .map(|f| imp.candidates[f.candidate].edits.as_slice())
        .collect()
}

#[allow(dead_code)]
fn show(imp: &Improvement) {
    for f in &imp.finalists {
        let c = &imp.candidates[f.candidate];
        eprintln!(
            "{} front={} cost={:.2} ttc {:+.2} [{:+.2},{:+.2}] {:?} missed {:+.3} {:?} wrongful {:+.3} {:?}\n   {}",
            c.id,
            f.on_front,
            c.cost.weighed(&imp.weights),
            f.versus_original[0].difference.mean,
            f.versus_original[0].difference.low,
            f.versus_original[0].difference.high,
            f.versus_original[0].verdict,
            f.versus_original[1].difference.mean,
            f.versus_original[1].verdict,
            f.versus_original[2].difference.mean,
            f.versus_original[2].verdict,
            c.changes.join(" | ")
        );
    }
    eprintln!(
        "candidates {} singles {} rounds {:?} simulated {} full {} recommended {:?}",
        imp.candidates.len(),
        imp.singles,
        imp.rounds
            .iter()
            .map(|r| (r.runs, r.entrants, r.kept, r.simulated))
            .collect::<Vec<_>>(),
        imp.runs_simulated,
        imp.runs_without_racing,
        imp.recommended
            .as_ref()
            .map(|r| &imp.candidates[r.candidate].id)
    );
}

/// The front's edits, for the assertion message.
fn front_text(imp: &Improvement) -> String {
    imp.finalists
        .iter()
        .filter(|f| f.on_front)
        .map(|f| imp.candidates[f.candidate].changes.join(" + "))
        .collect::<Vec<_>>()
        .join("\n")
}

fn front_has(imp: &Improvement, fix: impl Fn(&Edit) -> bool) -> bool {
    front(imp).iter().any(|edits| edits.iter().any(&fix))
}

/// The race adds up: every candidate has one standing; the finals hold the final run count;
/// runs simulated are fewer than evaluating every candidate fully.
fn bookkeeping(imp: &Improvement) {
    assert_eq!(imp.standings.len(), imp.candidates.len());
    let finals = imp.standings.iter().filter(|s| s.dropped_after.is_none());
    assert!(finals.clone().all(|s| s.runs == imp.final_runs));
    assert_eq!(finals.count(), imp.finalists.len());
    let raced: u64 = imp.rounds.iter().map(|r| r.simulated).sum();
    let sc = imp.scenarios.len() as u64;
    assert_eq!(imp.runs_simulated, raced + sc * imp.final_runs);
    assert!(imp.runs_simulated < imp.runs_without_racing);
    // Each kept candidate is an entrant of the next round.
    for w in imp.rounds.windows(2) {
        assert_eq!(w[0].kept, w[1].entrants);
    }
}

/// Seed 002: containment approved by a committee stalls; one incident lead decides. The front
/// holds approve_containment collapsed to one accountable team.
#[test]
fn committee_gets_one_accountable_team() {
    let imp = search("anti-approval-committee", &[]);
    bookkeeping(&imp);
    let fix = |e: &Edit| {
        matches!(
            e,
            Edit::CollapseCommittee {
                row: RowId::ApproveContainment,
                ..
            }
        )
    };
    assert!(front_has(&imp, fix), "{}", front_text(&imp));
}

/// Seed 001: "IAM receives alerts but lacks authority to suspend access", named among its
/// breach patterns with alert storms. On the alert storm the front holds emergency
/// containment for IAM. (Over all 14 scenarios this model's inventory gaps cost far more than
/// the missing authority, and the front leads with those: docs/improve.md says so.)
#[test]
fn iam_without_authority_gets_emergency_containment() {
    let imp = search("anti-iam-without-authority", &["alert-storm-cover"]);
    bookkeeping(&imp);
    let fix = |e: &Edit| matches!(e, Edit::EmergencyContainment { team, .. } if team == "iam");
    assert!(front_has(&imp, fix), "{}", front_text(&imp));
}

/// The planes the NHI side of the siloed model sees and the human side does not.
const NHI_PLANES: [Plane; 4] = [
    Plane::CloudIam,
    Plane::SecretsManager,
    Plane::CiCd,
    Plane::AgentPlatform,
];

/// Seed 003: human and non-human identities in silos; one identity-assurance owner or shared
/// visibility. The front holds the human side (R of scope and verify) given an NHI plane's
/// inventory, or verification given to one owner of the NHI side.
#[test]
fn siloed_teams_get_shared_visibility() {
    let imp = search("anti-siloed-human-nhi", &[]);
    bookkeeping(&imp);
    let fix = |e: &Edit| match e {
        Edit::Visibility { team, plane, .. } => team == "human-iam" && NHI_PLANES.contains(plane),
        Edit::VerifyOwner { team } => team == "nhi-ops",
        _ => false,
    };
    assert!(front_has(&imp, fix), "{}", front_text(&imp));
}

/// Seed 004: the SOC owns NHI hygiene without the inventory. The front holds the revoking team
/// (the SOC, R of revoking non-human credentials) given an NHI plane's inventory, or a revoke
/// row moved to the team that has the inventory.
#[test]
fn soc_owning_hygiene_gets_the_inventory() {
    let imp = search("anti-soc-owns-hygiene", &[]);
    bookkeeping(&imp);
    let fix = |e: &Edit| match e {
        Edit::Visibility { team, plane, .. } => team == "soc" && NHI_PLANES.contains(plane),
        Edit::RevokeToPlaneOwner { .. } => true,
        _ => false,
    };
    assert!(front_has(&imp, fix), "{}", front_text(&imp));
}
