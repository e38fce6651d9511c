//! The facilitator's side of a tabletop pack, on hand-computed cases: each kind of discussion
//! question appears exactly when its situation happened in the run; the after-action report
//! lists as missed only credentials still held and working at the first close; the agenda
//! fills two hours.
//!
//! The base timeline (tests/cases.rs case (a), one team `ops` doing everything, always on):
//! stage `use` done 600 -> detect 600..900 -> triage 900..1500 (declared) -> scope 1500..2400
//! -> validate 2400..3600 || confirm 2400..4200 -> approve 4200..4500 -> revoke 4500..5100 ->
//! evidence 5100..5400 -> verify 5400..6000 -> close 6000..6300.

use raci_sim::output::tabletop::{build_pack, play, Pick};

use crate::common::*;

const ALL_KINDS_OPS: &str =
    r#"ApiKey: (r: ["ops"]), AccessToken: (r: ["ops"]), Secret: (r: ["ops"])"#;
const OPS_DECIDES: &str = r#"(r: ["ops"], a: ["ops"])"#;
const MON_9: &str = r#"At(day: Mon, time: "09:00")"#;

/// The pack of run 0 (seed 1) of `scenario_text` under `model_text`.
fn pack(scenario_text: &str, model_text: &str) -> Vec<(String, Vec<u8>)> {
    let sc = scenario(scenario_text);
    let m = model(model_text);
    let played = play(&sc, &m, 1, 0, 1_000_000).unwrap();
    build_pack(
        &sc,
        &m,
        ("test-model.ron", model_text),
        &played,
        Pick::Run(0),
        1,
        None,
    )
    .expect("the run fills the modules")
}

/// The labels of the handbook's questions that come from situations (not the questions about
/// each module's decision and rows in play, which every module has), sorted and distinct.
fn situations(pack: &[(String, Vec<u8>)]) -> Vec<String> {
    let handbook = pack_file(pack, "facilitator/handbook.md");
    let mut labels: Vec<String> = handbook
        .lines()
        .filter(|l| l.starts_with("- ") && l.contains("(probes: "))
        .map(|l| l[2..].split(": ").next().unwrap().to_string())
        .filter(|l| {
            ![
                "Decision",
                "Row in play",
                "First signal",
                "Unseen steps",
                "Declaration",
            ]
            .contains(&l.as_str())
        })
        .collect();
    labels.sort();
    labels.dedup();
    labels
}

fn base_model() -> String {
    ops_model(ALL_KINDS_OPS, OPS_DECIDES, SURE, "")
}

fn chain(residual: &str, start: &str) -> String {
    chain_scenario("ApiKey", residual, start)
}

/// Case (a) as is: nothing waits, nothing is missed: no situation, so no situation question.
#[test]
fn a_run_where_nothing_goes_wrong_asks_no_situation_question() {
    let p = pack(&chain("0s", MON_9), &base_model());
    assert_eq!(situations(&p), Vec::<String>::new());
    let handbook = pack_file(&p, "facilitator/handbook.md");
    // Module 1 still asks about its decision, citing the triage row.
    assert!(handbook.contains("- Decision: at T+00:15 the room decides whether this is an incident (declare or dismiss). Who decides, on what evidence, and who must be told? (probes: raci.triage: R = ops; A = ops)"), "{handbook}");
}

/// Each situation alone, and the one question kind it raises.
#[test]
fn each_question_kind_appears_exactly_when_its_situation_happened() {
    let ops_on = r#"(id: "ops", staff: 10, coverage: AlwaysOn,"#;
    let hours = |on_call: &str| {
        base_model().replace(
            ops_on,
            &format!(
                r#"(id: "ops", staff: 10, coverage: BusinessHours(start: "09:00", end: "17:00"{on_call}),"#
            ),
        )
    };
    let evidence = r#"capture_evidence: (r: ["ops"]),"#;
    let second_key = r#"(id: "other", kind: Secret, plane: CloudIam, identity: "svc",
                   held_at_start: true, inventory: Unknown),
                   "#;
    let cases: Vec<(&str, String, String)> = vec![
        // x signs 4500..4560, y (13:00-17:00) at 13:00 = 14400..14460: 9900 s split.
        (
            "Committee",
            chain("0s", MON_9),
            ops_model(
                ALL_KINDS_OPS,
                r#"(r: ["ops"], a: ["x", "y"])"#,
                SURE,
                r#"(id: "x", coverage: AlwaysOn),
                   (id: "y", coverage: BusinessHours(start: "13:00", end: "17:00")),"#,
            ),
        ),
        // key revoked at 5100 keeps working 2h, to 12300: past the close at 6300.
        ("Residual validity", chain("2h", MON_9), base_model()),
        // The attack at Monday 16:50: the alert at 17:05 waits for Tuesday 09:00.
        (
            "Off-hours gap",
            chain("0s", r#"At(day: Mon, time: "16:50")"#),
            hours(""),
        ),
        // The same, with an on-call paged within 15 minutes.
        (
            "Paging",
            chain("0s", r#"At(day: Mon, time: "16:50")"#),
            hours(r#", on_call: (page_latency: "15m", min_severity: Low)"#),
        ),
        // Nobody captures evidence, nobody to escalate to: never done.
        (
            "Unowned row",
            chain("0s", MON_9),
            base_model().replace(evidence, "capture_evidence: (),"),
        ),
        // The same with escalation to lead after 30 minutes.
        (
            "Escalation",
            chain("0s", MON_9),
            ops_model(
                ALL_KINDS_OPS,
                OPS_DECIDES,
                &format!(r#"{SURE}, escalation: (after: "30m", to: "lead")"#),
                r#"(id: "lead", staff: 1, coverage: AlwaysOn),"#,
            )
            .replace(evidence, "capture_evidence: (),"),
        ),
        // Approve has an R and no A: its sign-off never starts, so key is never revoked and
        // still works at the end of the declared incident: a missed class too.
        (
            "Decision never made,Missed class of credentials",
            chain("0s", MON_9),
            ops_model(ALL_KINDS_OPS, r#"(r: ["ops"])"#, SURE, ""),
        ),
        // A second credential in no inventory: scope and verify never find it.
        (
            "Missed class of credentials",
            chain("0s", MON_9).replace("credentials: [", &format!("credentials: [{second_key}")),
            base_model(),
        ),
        // A second signal in a plane ops does not watch.
        (
            "Lost signal",
            chain("0s", MON_9).replace(
                "signals: [",
                "signals: [(kind: Generic, plane: Endpoint, probability: 1.0, severity: Low), ",
            ),
            base_model(),
        ),
        // A customer report 1 minute after the stage, and no intake row.
        (
            "Lost report",
            chain("0s", MON_9).replace(
                "severity: Medium)])",
                r#"severity: Medium)],
              reports: [(source: Customer, probability: 1.0, delay: Fixed("1m"), severity: Medium)])"#,
            ),
            base_model(),
        ),
    ];
    for (kind, sc, m) in cases {
        let p = pack(&sc, &m);
        let kinds: Vec<String> = kind.split(',').map(String::from).collect();
        assert_eq!(situations(&p), kinds, "{kind}");
    }
}

/// The after-action report's missed list. With a 2h residual validity, key is revoked at
/// 5100 and works until 12300; the incident closes at 6300 (T+01:45): revoked, still inside
/// residual validity, so not missed. A second credential nobody finds is held and working
/// and never revoked at the close: missed.
#[test]
fn the_after_action_report_misses_only_credentials_still_held_and_working_at_close() {
    let sc = chain("2h", MON_9);
    let p = pack(&sc, &base_model());
    let aar = pack_file(&p, "facilitator/after-action-report.md");
    let missed = section(&aar, "Missed revocations");
    assert!(missed.contains("at the first close (T+01:45)"), "{missed}");
    assert!(missed.contains("\nNone.\n"), "{missed}");
    assert!(
        aar.contains("| key | api\\_key | svc | cloud\\_iam | revoked at T+01:25, still inside residual validity (works until T+03:25) |"),
        "{aar}"
    );
    let second = r#"(id: "other", kind: Secret, plane: CloudIam, identity: "svc",
                   held_at_start: true, inventory: Unknown),"#;
    let sc = chain("0s", MON_9).replace("credentials: [", &format!("credentials: [{second}"));
    let p = pack(&sc, &base_model());
    let aar = pack_file(&p, "facilitator/after-action-report.md");
    let missed = section(&aar, "Missed revocations");
    let listed: Vec<&str> = missed.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(listed, ["- other (secret, svc)"], "{missed}");
    assert!(
        aar.contains(
            "| key | api\\_key | svc | cloud\\_iam | revoked at T+01:25, no longer working |"
        ),
        "{aar}"
    );
    assert!(aar.contains("| other | secret | svc | cloud\\_iam | missed: held by the attacker and working, never revoked |"), "{aar}");
    // The improvement plan: the missed class first, high, owned by the secret row's R.
    let plan = section(&aar, "Improvement plan");
    let first = plan.lines().find(|l| l.starts_with("| Missed")).unwrap();
    assert!(first.contains("| ops | high |"), "{first}");
}

/// The text from `## {heading}` to the next `## `.
fn section(doc: &str, heading: &str) -> String {
    let start = doc
        .find(&format!("## {heading}\n"))
        .unwrap_or_else(|| panic!("no {heading}"));
    let rest = &doc[start + heading.len() + 4..];
    rest[..rest.find("\n## ").unwrap_or(rest.len())].to_string()
}

/// The agenda's minutes, and its end.
fn agenda(p: &[(String, Vec<u8>)]) -> (u32, String, usize) {
    let handbook = pack_file(p, "facilitator/handbook.md");
    let table = section(&handbook, "Agenda");
    let rows: Vec<Vec<&str>> = table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| from"))
        .map(|l| l.split(" | ").collect())
        .collect();
    let minutes = rows.iter().map(|r| r[2].parse::<u32>().unwrap()).sum();
    let modules = rows.iter().filter(|r| r[3].starts_with("Module ")).count();
    (minutes, rows.last().unwrap()[1].to_string(), modules)
}

/// Two hours with four modules (case (a) closes), and with three (containment is never
/// approved, so no close is ever needed).
#[test]
fn the_agenda_fills_two_hours_with_three_or_four_modules() {
    let four = pack(&chain("0s", MON_9), &base_model());
    assert_eq!(agenda(&four), (120, "2:00".to_string(), 4));
    let never_closed = ops_model(ALL_KINDS_OPS, r#"(r: ["ops"])"#, SURE, "");
    let three = pack(&chain("0s", MON_9), &never_closed);
    assert_eq!(agenda(&three), (120, "2:00".to_string(), 3));
}
