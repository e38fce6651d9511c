//! The report's RACI section (matrices, the diff and what the runs measured on each changed
//! row) and its lint section (each finding borne out, not borne out, or with nothing to
//! measure), on shipped models checked by hand against their files and on tiny inline cases.

use raci_sim::analysis::compare::{compare, Comparison};
use raci_sim::analysis::consequence::{evaluate, lint_models, Outcome};
use raci_sim::engine::DEFAULT_MAX_EVENTS;
use raci_sim::input::library::{load_model, load_scenario, MODELS};
use raci_sim::input::Model;
use raci_sim::output::{exporters, Report};

use crate::common::*;

fn index_html(c: &Comparison, files: &[(String, String)]) -> String {
    let lint = lint_models(c, files);
    let report = Report {
        comparison: c,
        inputs: &[],
        command_line: &[],
        extra: &[],
        lint: &lint,
        improvement: None,
    };
    let e = exporters()
        .into_iter()
        .find(|e| e.file_name() == "index.html")
        .unwrap();
    String::from_utf8(e.render(&report)).unwrap()
}

/// The text of `<section id="id">`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = start + html[start..].find("</section>").unwrap();
    &html[start..end]
}

fn shipped_files(c: &Comparison) -> Vec<(String, String)> {
    c.models
        .iter()
        .map(|m| {
            let s = MODELS.iter().find(|s| s.name == m.name).unwrap();
            (s.path.to_string(), s.text.to_string())
        })
        .collect()
}

/// Letters checked by hand against scenarios/models/split-iam-security.ron (teams soc, iam,
/// app-owner) and anti-approval-committee.ron (soc, iam, business-owner, risk).
#[test]
fn shipped_matrices_show_the_letters_of_their_files() {
    let sc = load_scenario("replayed-token").unwrap();
    let models = vec![
        load_model("split-iam-security").unwrap(),
        load_model("anti-approval-committee").unwrap(),
    ];
    let c = compare(
        vec![sc],
        models,
        0,
        20,
        1,
        Default::default(),
        DEFAULT_MAX_EVENTS,
        |_| {},
    )
    .unwrap();
    let html = index_html(&c, &shipped_files(&c));
    let raci = section(&html, "raci");
    let row = |label: &str, cells: &[&str]| {
        let tds: String = cells.iter().map(|x| format!("<td>{x}</td>")).collect();
        format!("<tr><td class=\"name\">{label}</td>{tds}</tr>")
    };
    // split-iam-security: triage (r: soc, a: soc); scope (r: soc, c: iam); close (r: soc,
    // a: soc, i: iam); every revoke row (r: iam, i: soc), so they share one line.
    for want in [
        row("triage", &["A/R", "", ""]),
        row("scope", &["R", "C", ""]),
        row("confirm_business", &["", "", "R"]),
        row("close", &["A/R", "I", ""]),
        row(
            "revoke session, password, api_key, access_token, refresh_token, certificate, secret, ssh_key, agent_credential",
            &["I", "R", ""],
        ),
        // anti-approval-committee: approve_containment (r: soc, a: soc, iam, business-owner,
        // risk); verify (r: soc, c: iam).
        row("approve_containment", &["A/R", "A", "A", "A"]),
        row("verify", &["R", "C", "", ""]),
    ] {
        assert!(raci.contains(&want), "{want}");
    }
    // Team headers: iam's office hours and on-call; the SOC is always on.
    assert!(raci.contains(
        "iam<br><small>2 staff<br>Mon-Fri 09:00-17:00 UTC<br>on-call: page 30m from high</small>"
    ));
    assert!(raci.contains("soc<br><small>2 staff<br>24x7<br>always on</small>"));
    assert!(raci.contains("Escalation: a task nobody takes (no R, no A, or several R who each leave it) goes to soc after 4.0h."));
    // The diff: iam becomes an A of approve_containment; app-owner is gone, risk is new.
    assert!(raci.contains("<td class=\"chg\">— → A</td>"), "{raci}");
    assert!(raci.contains("app-owner<br><small>(removed)</small>"));
    assert!(raci.contains("risk<br><small>(added)</small>"));
    // Every changed row links to its measured consequence, and every link lands.
    let links: Vec<&str> = raci.split("href=\"#raci-c").skip(1).collect();
    assert!(links.len() >= 5, "{}", links.len());
    for l in links {
        let id = &l[..l.find('"').unwrap()];
        assert!(raci.contains(&format!("id=\"raci-c{id}\"")), "{id}");
    }
    // Approve's measured consequence names the committee's wait.
    let approve = &raci[raci.find("id=\"raci-c2-approve_containment\"").unwrap()..];
    let approve = &approve[..approve.find("</p>").unwrap()];
    assert!(approve.contains("split_accountability 0s → "), "{approve}");
    // Wide tables scroll inside their box.
    assert_eq!(
        raci.matches("<table class=\"raci\">").count(),
        raci.matches("<div class=\"wide\"><table class=\"raci\">")
            .count()
    );
}

/// The ops model of the hand-computed cases, renamed, with approve_containment signed by x
/// (always on) and `other`, and API keys revoked by `revoker` (`""`: nobody).
fn approvers(name: &str, other: &str, revoker: &str) -> String {
    let revoke = if revoker.is_empty() {
        r#"Secret: (r: ["ops"])"#.to_string()
    } else {
        format!(r#"ApiKey: (r: ["{revoker}"])"#)
    };
    ops_model(
        &revoke,
        r#"(r: ["ops"], a: ["x", "y"])"#,
        SURE,
        &format!(r#"(id: "x", coverage: AlwaysOn), (id: "y", coverage: {other}),"#),
    )
    .replacen("name: \"ops-only\"", &format!("name: \"{name}\""), 1)
}

/// The chain scenario (Monday 09:00) under two committees. "slow": y works 13:00-17:00, so the
/// decision waits from x's sign-off at 4560 to y's at 14460: 9900 s (2.8h) of split
/// accountability per run (cases.rs, case d); API keys revoked by ops. "fast": y is always on
/// and signs at 4560 with x: no wait; nobody revokes API keys and nobody is escalated to, so
/// the key is missed in every run (1.00 per attack run); team z owns nothing.
#[test]
fn lint_findings_are_read_against_the_runs() {
    let sc = scenario(&chain_scenario(
        "ApiKey",
        "0s",
        r#"At(day: Mon, time: "09:00")"#,
    ));
    let slow = approvers(
        "slow",
        r#"BusinessHours(start: "13:00", end: "17:00")"#,
        "ops",
    );
    let fast = approvers("fast", "AlwaysOn", "").replacen(
        r#"(id: "x", coverage: AlwaysOn),"#,
        r#"(id: "x", coverage: AlwaysOn), (id: "z", coverage: AlwaysOn),"#,
        1,
    );
    let models: Vec<Model> = [&slow, &fast].iter().map(|t| model(t)).collect();
    let c = compare(
        vec![sc],
        models,
        0,
        4,
        1,
        Default::default(),
        DEFAULT_MAX_EVENTS,
        |_| {},
    )
    .unwrap();
    let files = vec![
        ("slow.ron".to_string(), slow.clone()),
        ("fast.ron".to_string(), fast.clone()),
    ];
    let lint = lint_models(&c, &files);
    let read = |m: usize, code: &str| {
        let f = lint[m]
            .findings
            .iter()
            .find(|f| f.code == code)
            .unwrap_or_else(|| panic!("{code} in {:?}", lint[m].findings));
        let e = evaluate(&c, m, f);
        (e.outcome, e.sentence(&c))
    };
    assert_eq!(
        read(0, "L003"),
        (
            Outcome::BorneOut,
            "borne out in chain: 2.8h of split_accountability wait on approve_containment per run"
                .to_string()
        )
    );
    assert_eq!(
        read(1, "L003"),
        (
            Outcome::NotBorneOut,
            "not borne out in chain: no split_accountability wait on approve_containment observed (observed means at least 1 min of wait per run on average)"
                .to_string()
        )
    );
    assert_eq!(
        read(1, "L004"),
        (
            Outcome::BorneOut,
            "borne out in chain: 1.00 missed revocations of api_key credentials per attack run"
                .to_string()
        )
    );
    assert_eq!(
        read(1, "L009"),
        (
            Outcome::NotMeasurable,
            "no measurable prediction: an idle team predicts no failure, only unused staff"
                .to_string()
        )
    );
    // In the page: each finding beside its reading, the baseline's value beside the model's.
    let html = index_html(&c, &files);
    let lint_html = section(&html, "lint");
    assert!(lint_html.contains("<code>fast.ron:"), "{lint_html}");
    assert!(lint_html.contains(
        "borne out in chain: 1.00 missed revocations of api_key credentials per attack run<br><small>missed revocations of api_key credentials per attack run: baseline 0.00; unowned wait on revoke per run: baseline 0s</small>"
    ), "{lint_html}");
    assert!(lint_html.contains(
        "class=\"name unborne\">not borne out in chain: no split_accountability wait on approve_containment observed (observed means at least 1 min of wait per run on average)<br><small>measured 0s (baseline 2.8h)</small>"
    ));
}
