//! The articles' claims as directional tests: the same attacks (seed and run indices, common
//! random numbers) under two models, compared run by run. A claim holds when the mean paired
//! difference is positive and at least four standard errors from zero.

use raci_sim::domain::WaitCause;
use raci_sim::engine::batch::{run_batch, BatchOptions};
use raci_sim::engine::metrics::RunMetrics;
use raci_sim::engine::DEFAULT_MAX_EVENTS;
use raci_sim::input::library::{load_model, load_scenario, parse_model, MODELS};
use raci_sim::input::{Model, Scenario};

const RUNS: u64 = 1500;
const SEED: u64 = 2026;

fn runs(sc: &Scenario, m: &Model) -> Vec<RunMetrics> {
    run_batch(
        sc,
        m,
        BatchOptions {
            first: 0,
            runs: RUNS,
            seed: SEED,
            keep_runs: true,
            max_events: DEFAULT_MAX_EVENTS,
        },
        |_| {},
    )
    .expect("runs")
    .runs
}

/// Mean and standard error of `f(worse) - f(better)` over runs where `keep` holds.
fn paired(
    worse: &[RunMetrics],
    better: &[RunMetrics],
    keep: impl Fn(&RunMetrics) -> bool,
    f: impl Fn(&RunMetrics) -> f64,
) -> (f64, f64, usize) {
    let d: Vec<f64> = worse
        .iter()
        .zip(better)
        .filter(|(w, _)| keep(w))
        .map(|(w, b)| {
            assert_eq!((w.run, w.attack), (b.run, b.attack), "runs are paired");
            f(w) - f(b)
        })
        .collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt(), d.len())
}

fn assert_worse(name: &str, (mean, se, n): (f64, f64, usize)) {
    assert!(
        mean > 0.0 && mean > 4.0 * se,
        "{name}: mean paired difference {mean:.4} (se {se:.4}, n {n}) does not support the claim"
    );
}

fn shipped_text(name: &str) -> &'static str {
    MODELS
        .iter()
        .find(|m| m.name == name)
        .expect("shipped")
        .text
}

/// A shipped model with one line removed or replaced, renamed so outputs tell them apart.
fn variant(name: &str, from: &str, to: &str) -> Model {
    let text = shipped_text(name);
    assert!(text.contains(from), "{name} has no `{from}`");
    parse_model(&format!("{name} (variant)"), &text.replace(from, to)).expect("variant is valid")
}

fn attack(m: &RunMetrics) -> bool {
    m.attack
}

/// Censored time to containment as a number: uncontained runs count as the horizon.
fn ttc(horizon: u64) -> impl Fn(&RunMetrics) -> f64 {
    move |m| m.time_to_containment.unwrap_or(horizon) as f64
}

/// Seed 003: "one team revokes the user session while another misses the related token,
/// certificate, or workload credential". Siloed human and NHI owners miss more revocations than
/// one cross-channel owner on a user compromise that becomes a workload compromise.
#[test]
fn seed_003_siloed_owners_miss_more_revocations_than_one_cross_channel_owner() {
    let sc = load_scenario("user-to-workload-compromise").unwrap();
    let siloed = runs(&sc, &load_model("anti-siloed-human-nhi").unwrap());
    let cross = runs(
        &sc,
        &load_model("cross-channel-identity-assurance").unwrap(),
    );
    assert_worse(
        "missed revocations",
        paired(&siloed, &cross, attack, |m| m.missed_revocations as f64),
    );
}

/// Seed 002: "one incident lead coordinates decisions so revocation does not wait on a
/// committee". A committee of accountable teams stalls longer than a single incident lead on the
/// same attacks, and the first revocation, which waits on the approval, comes later.
///
/// Time to full eviction is not asserted: the shipped single-incident-lead model gives verify to
/// the SOC, which sees less inventory than the committee model's verify, so its censored tail is
/// worse (docs/findings.md discusses this).
#[test]
fn seed_002_a_committee_stalls_longer_than_a_single_incident_lead() {
    let sc = load_scenario("compromised-service-account").unwrap();
    let committee = runs(&sc, &load_model("anti-approval-committee").unwrap());
    let lead = runs(&sc, &load_model("single-incident-lead").unwrap());
    assert_worse(
        "stalled seconds",
        paired(&committee, &lead, attack, |m| m.stall_wait as f64),
    );
    assert_worse(
        "split-accountability seconds",
        paired(&committee, &lead, attack, |m| {
            m.wait_by_cause[WaitCause::SplitAccountability.index()] as f64
        }),
    );
    assert_worse(
        "time to first revocation",
        paired(&committee, &lead, attack, first_revocation(sc.horizon)),
    );
}

/// Censored time to first revocation: runs without one count as the horizon.
fn first_revocation(horizon: u64) -> impl Fn(&RunMetrics) -> f64 {
    move |m| m.time_to_first_revocation.unwrap_or(horizon) as f64
}

fn without_emergency() -> Model {
    let m = variant(
        "single-incident-lead",
        r#"emergency_containment: (team: "soc", min_severity: High),"#,
        "",
    );
    assert!(m.policy.emergency.is_none());
    m
}

/// Seed 002: "if the behaviour is clearly malicious and the blast radius is high, security
/// should not wait for full business confirmation". On a critical-severity attack, emergency
/// containment cuts access sooner: the first revocation comes earlier and more runs are
/// contained within a day.
#[test]
fn seed_002_emergency_containment_cuts_access_sooner_on_high_severity() {
    let sc = load_scenario("break-glass-misuse").unwrap();
    let with = runs(&sc, &load_model("single-incident-lead").unwrap());
    let without = runs(&sc, &without_emergency());
    assert_worse(
        "time to first revocation without emergency containment",
        paired(&without, &with, attack, first_revocation(sc.horizon)),
    );
    let within_a_day =
        |m: &RunMetrics| m.time_to_containment.is_some_and(|t| t <= 86_400) as u8 as f64;
    assert_worse(
        "contained within a day, with emergency containment",
        paired(&with, &without, attack, within_a_day),
    );
}

/// Where the simulation disagrees with seed 002: on full eviction, emergency containment leaves
/// MORE break-glass runs with the attacker still holding a credential at the horizon. Quick
/// revocation of the active session cuts the repeating stage whose later signals would have led
/// a second scope to the dormant break-glass password in the PAM vault, and this model's verify
/// owner (the SOC) cannot see the PAM vault. Pinned here so the finding cannot drift unnoticed.
#[test]
fn seed_002_disagreement_fast_containment_leaves_dormant_credentials_unfound() {
    let sc = load_scenario("break-glass-misuse").unwrap();
    let with = runs(&sc, &load_model("single-incident-lead").unwrap());
    let without = runs(&sc, &without_emergency());
    let uncontained = |m: &RunMetrics| m.time_to_containment.is_none() as u8 as f64;
    assert_worse(
        "runs never contained, with emergency containment",
        paired(&with, &without, attack, uncontained),
    );
}

/// Seed 002: business confirmation is the brake on wrongful disruption; emergency containment
/// skips it, so benign look-alike automation gets revoked more often.
#[test]
fn seed_002_emergency_containment_disrupts_benign_automation() {
    let sc = load_scenario("benign-lookalike-automation").unwrap();
    let with = runs(&sc, &load_model("single-incident-lead").unwrap());
    let without = runs(&sc, &without_emergency());
    assert_worse(
        "wrongful revocations with emergency containment",
        paired(
            &with,
            &without,
            |m| !m.attack,
            |m| m.wrongful_revocations as f64,
        ),
    );
}

/// Seed 003: response ownership must "verify that a rotated secret is no longer reachable".
/// Without a verify owner, revocation leaves more credentials working on agent privilege
/// chaining, where the agent mints new credentials after scoping.
#[test]
fn seed_003_revocation_without_a_verify_owner_misses_more_on_agent_chaining() {
    let sc = load_scenario("agent-privilege-chaining").unwrap();
    let owned = load_model("cross-channel-identity-assurance").unwrap();
    // No verify R, and no escalation target to pick it up.
    let text = shipped_text("cross-channel-identity-assurance")
        .replace(r#"verify: (r: ["identity-assurance"]),"#, "verify: (),")
        .replace(
            r#"escalation: (after: "1h", to: "identity-assurance"), // [assumption]"#,
            "",
        );
    let unowned = parse_model("no-verify-owner", &text).unwrap();
    assert!(unowned.policy.escalation.is_none());
    assert_worse(
        "missed revocations without a verify owner",
        paired(&runs(&sc, &unowned), &runs(&sc, &owned), attack, |m| {
            m.missed_revocations as f64
        }),
    );
}

/// Seed 004: "SOC can trigger emergency containment, but it should not become the long-term
/// owner of identity hygiene". With the SOC owning NHI revocation and verification, more
/// credentials stay unrevoked on the orphaned-NHI scenario than under hub and spoke.
#[test]
fn seed_004_soc_owned_hygiene_leaves_more_orphaned_credentials_unrevoked() {
    let sc = load_scenario("orphaned-nhi-key").unwrap();
    let soc = runs(&sc, &load_model("anti-soc-owns-hygiene").unwrap());
    let hub = runs(&sc, &load_model("hub-and-spoke").unwrap());
    assert_worse(
        "missed revocations",
        paired(&soc, &hub, attack, |m| m.missed_revocations as f64),
    );
    assert_worse(
        "time to containment",
        paired(&soc, &hub, attack, ttc(sc.horizon)),
    );
}

/// Seed 001: "IAM receives alerts but lacks authority to suspend access". Containment that
/// waits for office-hours approval is slower than the three-way model where security
/// operations may quarantine at once.
#[test]
fn seed_001_iam_without_authority_to_suspend_contains_later() {
    let sc = load_scenario("replayed-token").unwrap();
    let no_authority = runs(&sc, &load_model("anti-iam-without-authority").unwrap());
    let three_way = runs(&sc, &load_model("three-way-decision-rights").unwrap());
    assert_worse(
        "time to containment",
        paired(&no_authority, &three_way, attack, ttc(sc.horizon)),
    );
}
