//! raci-sim lint, response codes (issue 14): L010 blind inventory, L011 believed-unused
//! credentials no rotate-all covers, L012 an owner the model lacks; each with its exact
//! rendered finding, and L012 shown failing in simulation.

use raci_sim::analysis::lint::{lint, Finding};
use raci_sim::domain::WaitCause;
use raci_sim::input::library::parse_model;

use crate::common::{chain_scenario, run_one, scenario};

use crate::lint::BASE;

fn edited(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from}");
    BASE.replace(from, to)
}

/// The chain scenario of tests/common.rs with `extra` added to its credential.
fn chain(extra: &str) -> raci_sim::input::Scenario {
    let text = chain_scenario("ApiKey", "0s", r#"At(day: Mon, time: "09:00")"#);
    scenario(&text.replace(
        "residual_validity: \"0s\"",
        &format!("residual_validity: \"0s\", {extra}"),
    ))
}

fn findings(model_text: &str, credential: &str) -> Vec<Finding> {
    let m = parse_model("lint-test.ron", model_text).unwrap_or_else(|e| panic!("{e}"));
    lint(&m, "lint-test.ron", model_text, &[chain(credential)])
}

fn only(fs: &[Finding], code: &str) -> String {
    let hits: Vec<&Finding> = fs.iter().filter(|f| f.code == code).collect();
    assert_eq!(hits.len(), 1, "{code}: {fs:#?}");
    hits[0].render()
}

#[test]
fn the_base_model_is_clean_with_a_known_owned_credential() {
    assert_eq!(findings(BASE, "inventory: Known, owner: \"iam\""), vec![]);
}

#[test]
fn l010_blind_inventory() {
    let fs = findings(
        &edited(
            r#"(id: "iam", staff: 2, coverage: AlwaysOn, visibility: {CloudIam: 1.0}),"#,
            r#"(id: "iam", staff: 2, coverage: AlwaysOn, visibility: {CloudIam: 1.0, Saas: 0.0}),"#,
        ),
        "",
    );
    assert_eq!(
        only(&fs, "L010"),
        r#"warning[L010]: team "iam" has inventory accuracy 0 in the saas plane: its scope and verify never find a credential there
 --> lint-test.ron:6:79
  |
6 |         (id: "iam", staff: 2, coverage: AlwaysOn, visibility: {CloudIam: 1.0, Saas: 0.0}),
  |                                                                               ^ teams[1].visibility.Saas
  = help: if the team really has no inventory of `Saas`, leave the plane out; otherwise give its accuracy (a probability above 0)
"#
    );
}

#[test]
fn l011_believed_unused_not_rotated() {
    let fs = findings(BASE, "inventory: BelievedUnused");
    assert_eq!(
        only(&fs, "L011"),
        r#"warning[L011]: scenario "chain" has believed-unused credentials (key) that no rotate-all covers: scope skips them, so they are missed together unless verify sees the attacker use them
  --> lint-test.ron:20:5
   |
20 |     policy: (triage_accuracy: 1.0, verify_accuracy: 1.0),
   |     ^ policy
   = help: add `rotate_all: (from_severity: High)` to `policy` (or widen its planes and kinds) so a severe incident rotates them
"#
    );
    // A rotate-all on another plane does not cover it; one on its plane does.
    let saas = edited(
        "policy: (triage_accuracy: 1.0,",
        "policy: (rotate_all: (from_severity: High, planes: [Saas]), triage_accuracy: 1.0,",
    );
    let fs = findings(&saas, "inventory: BelievedUnused");
    assert!(
        only(&fs, "L011").contains("^ policy.rotate_all\n"),
        "{fs:#?}"
    );
    let iam = saas.replace("planes: [Saas]", "planes: [CloudIam]");
    assert_eq!(findings(&iam, "inventory: BelievedUnused"), vec![]);
}

#[test]
fn l012_absent_owner() {
    let fs = findings(BASE, "owner: \"data-platform\"");
    assert_eq!(
        only(&fs, "L012"),
        r#"error[L012]: credential "key" of scenario "chain" is owned by "data-platform", which is not a team of this model: nobody revokes it
 --> lint-test.ron:4:5
  |
4 |     teams: [
  |     ^ teams
  = help: add a team "data-platform" to `teams`, or change the owner of "key" in the scenario, or set `policy.escalation` so someone takes it after a timeout
"#
    );
    let esc = edited(
        "policy: (triage_accuracy: 1.0,",
        "policy: (escalation: (after: \"1h\", to: \"soc\"), triage_accuracy: 1.0,",
    );
    // With escalation the revocation is taken after a timeout: a warning.
    let fs = findings(&esc, "owner: \"data-platform\"");
    assert!(only(&fs, "L012").starts_with("warning[L012]"), "{fs:#?}");
    assert!(
        only(&fs, "L012").contains("until then \"soc\" takes it"),
        "{fs:#?}"
    );
}

/// L012 at error level predicts a missed revocation in every run.
#[test]
fn l012_predicts_a_missed_revocation() {
    let m = parse_model("lint-test.ron", BASE).unwrap();
    let sc = chain("owner: \"data-platform\"");
    let (met, _) = run_one(&sc, &m, 1, 0);
    assert_eq!(met.missed_revocations, 1);
    assert_eq!(met.stalls_by_cause[WaitCause::Unowned.index()], 1);
}
