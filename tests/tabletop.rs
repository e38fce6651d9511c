//! Tabletop packs: handouts show a team only what it saw; --pick p90 is the batch's 90th
//! percentile; the same command gives the same bytes.

use raci_sim::batch::{run_batch, BatchOptions};
use raci_sim::library::{load_model, load_scenario, MODELS};
use raci_sim::summary::Censored;
use raci_sim::tabletop::{build_pack, pick_run, play, team_view, Pick};

const SEED: u64 = 20261123;

fn text_of(name: &str) -> (&'static str, &'static str) {
    let m = MODELS.iter().find(|m| m.name == name).unwrap();
    (m.path, m.text)
}

#[test]
fn no_handout_contains_an_event_its_team_could_not_have_seen() {
    for (scenario, model) in [
        ("compromised-service-account", "single-incident-lead"),
        ("user-to-workload-compromise", "anti-siloed-human-nhi"),
        ("break-glass-misuse", "hub-and-spoke"),
    ] {
        let sc = load_scenario(scenario).unwrap();
        let m = load_model(model).unwrap();
        let played = play(&sc, &m, SEED, 3, 1_000_000).unwrap();
        let files = build_pack(&sc, &m, text_of(model), &played, Pick::Run(3), SEED, None);
        for (t, team) in m.teams.iter().enumerate() {
            let seen = team_view(&played, t);
            assert!(seen.iter().all(|e| e.team == Some(t)));
            let path = format!("handouts/{}.md", raci_sim::export::slug(&team.id));
            let handout = String::from_utf8(
                files
                    .iter()
                    .find(|(p, _)| *p == path)
                    .expect("a handout per team")
                    .1
                    .clone(),
            )
            .unwrap();
            let rows: Vec<&str> = handout
                .lines()
                .filter(|l| l.starts_with("| T+") && !l.starts_with("| T+ |"))
                .collect();
            assert_eq!(rows.len(), seen.len(), "{scenario} {model} {}", team.id);
            // No row mentions an attacker step, a signal the team did not handle, or another
            // team's work.
            for row in rows {
                assert!(!row.contains("attacker stage"), "{}: {row}", team.id);
                let time = row.split('|').nth(1).unwrap().trim();
                assert!(
                    seen.iter()
                        .any(|e| raci_sim::duration::format_offset(e.time) == time),
                    "{}: {row}",
                    team.id
                );
            }
        }
    }
}

#[test]
fn pick_p90_is_the_90th_percentile_of_the_same_seeded_batch() {
    let sc = load_scenario("replayed-token").unwrap();
    let m = load_model("split-iam-security").unwrap();
    let batch = run_batch(
        &sc,
        &m,
        BatchOptions {
            first: 0,
            runs: 500,
            seed: SEED,
            keep_runs: true,
            max_events: 5_000_000,
        },
        |_| {},
    )
    .unwrap();
    for (pick, p) in [
        (Pick::P90, batch.summary.time_to_containment_p90),
        (Pick::Median, batch.summary.time_to_containment_p50),
    ] {
        let run = pick_run(&batch.runs, pick).unwrap();
        let picked = batch.runs.iter().find(|r| r.run == run).unwrap();
        assert!(picked.attack);
        match p {
            Censored::Seconds(s) => assert_eq!(picked.time_to_containment, Some(s), "{pick:?}"),
            Censored::BeyondHorizon => assert_eq!(picked.time_to_containment, None),
            Censored::NoData => panic!("no attack runs"),
        }
        // the replayed run is the same run
        let played = play(&sc, &m, SEED, run, 5_000_000).unwrap();
        assert_eq!(played.metrics, *picked);
    }
}

#[test]
fn the_same_pack_twice_is_byte_identical() {
    let sc = load_scenario("compromised-service-account").unwrap();
    let m = load_model("single-incident-lead").unwrap();
    let vs = load_model("cross-channel-identity-assurance").unwrap();
    let build = || {
        let a = play(&sc, &m, SEED, 11, 1_000_000).unwrap();
        let b = play(&sc, &vs, SEED, 11, 1_000_000).unwrap();
        build_pack(
            &sc,
            &m,
            text_of("single-incident-lead"),
            &a,
            Pick::Run(11),
            SEED,
            Some((&vs, &b)),
        )
    };
    let (one, two) = (build(), build());
    assert_eq!(one, two);
    let names: Vec<&str> = one.iter().map(|(p, _)| p.as_str()).collect();
    for f in [
        "facilitator.md",
        "facilitator.html",
        "timeline.svg",
        "vs/timeline.svg",
        "handouts/soc.md",
    ] {
        assert!(names.contains(&f), "{f} missing from {names:?}");
    }
}
