//! Tabletop packs: handouts show a team only what it saw; --pick p90 is the batch's 90th
//! percentile; the same command gives the same bytes; repeats fold so long runs stay readable.

use raci_sim::analysis::summary::Censored;
use raci_sim::domain::WaitCause;
use raci_sim::engine::batch::{run_batch, BatchOptions};
use raci_sim::engine::TraceEvent;
use raci_sim::input::library::{load_model, load_scenario, MODELS};
use raci_sim::output::tabletop::{build_pack, injects, pick_run, play, Pick};

use crate::common::pack_file;

const SEED: u64 = 20261123;

fn text_of(name: &str) -> (&'static str, &'static str) {
    let m = MODELS.iter().find(|m| m.name == name).unwrap();
    (m.path, m.text)
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
        .expect("the run fills the modules")
    };
    let (one, two) = (build(), build());
    assert_eq!(one, two);
    let names: Vec<&str> = one.iter().map(|(p, _)| p.as_str()).collect();
    for f in [
        "facilitator/handbook.md",
        "facilitator/handbook.html",
        "facilitator/hot-wash.md",
        "facilitator/after-action-report.md",
        "participants/feedback-form.md",
        "facilitator/timeline.svg",
        "facilitator/vs/timeline.svg",
    ] {
        assert!(names.contains(&f), "{f} missing from {names:?}");
    }
}

fn event(time: u64, team: Option<usize>, what: &str) -> TraceEvent {
    TraceEvent {
        time,
        team,
        activity: None,
        what: what.to_string(),
        wait: 0,
        cause: None,
        waits: [0; WaitCause::COUNT],
        task: None,
        phase: Default::default(),
    }
}

fn waited(time: u64, wait: u64) -> TraceEvent {
    TraceEvent {
        wait,
        cause: Some(WaitCause::Queue),
        ..event(time, Some(0), "alert raised")
    }
}

#[test]
fn repeats_fold_into_one_inject_until_something_new_happens() {
    let trace = [
        event(60, None, "attacker stage `loop` completed"), // new: row 0
        event(70, None, "signal x lost"),                   // new: row 1, listing afresh
        event(120, None, "attacker stage `loop` completed"), // not listed since row 1: row 2
        event(125, None, "ready"),                          // never an inject
        event(180, None, "attacker stage `loop` completed"), // folds into row 2
        event(200, Some(0), "alert raised"),                // new: row 3, listing afresh
        event(240, None, "attacker stage `loop` completed"), // row 4
        event(260, Some(0), "alert raised"),                // folds into row 3
        event(300, None, "signal x lost"),                  // row 5
        event(320, None, "attacker stage `loop` completed"), // folds into row 4
        waited(330, 50),                                    // a wait caused by queue: new, row 6
        waited(340, 90),                                    // folds into row 6, longer wait
    ];
    let rows: Vec<(u64, u32, u64, u64)> = injects(&trace)
        .iter()
        .map(|i| (i.event.time, i.repeats, i.last, i.longest_wait))
        .collect();
    assert_eq!(
        rows,
        vec![
            (60, 0, 60, 0),
            (70, 0, 70, 0),
            (120, 1, 180, 0),
            (200, 1, 260, 0),
            (240, 1, 320, 0),
            (300, 0, 300, 0),
            (330, 1, 340, 90)
        ]
    );
}

/// Run 366 of agent-privilege-chaining under hub-and-spoke: the attacker loops a stage for
/// weeks (over a thousand events) in an incident that is declared, reaches its containment
/// decision and never closes.
#[test]
fn an_attacker_looping_for_weeks_gives_a_short_handbook_with_each_question_once() {
    let sc = load_scenario("agent-privilege-chaining").unwrap();
    let m = load_model("hub-and-spoke").unwrap();
    let played = play(&sc, &m, SEED, 366, 1_000_000).unwrap();
    let shown = injects(&played.trace);
    let events = played.trace.iter().filter(|e| e.what != "ready").count();
    let folded: usize = shown.iter().map(|i| i.repeats as usize).sum();
    assert_eq!(shown.len() + folded, events);
    assert!(events > 1000 && shown.len() < 60, "{} rows", shown.len());
    let pack = build_pack(
        &sc,
        &m,
        text_of("hub-and-spoke"),
        &played,
        Pick::Run(366),
        SEED,
        None,
    )
    .expect("the run fills the modules");
    let handbook = pack_file(&pack, "facilitator/handbook.md");
    // Within each module, each question once.
    let mut all = Vec::new();
    for module in handbook.split("\n## Module ").skip(1) {
        let questions: Vec<&str> = module
            .lines()
            .filter(|l| l.starts_with("- ") && l.contains("(probes: "))
            .collect();
        let mut unique = questions.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), questions.len(), "{questions:#?}");
        assert!((3..=5).contains(&questions.len()), "{questions:#?}");
        all.extend(questions);
    }
    println!("{}", all.join("\n"));
    // The signal lost in the agent platform 80 times is asked about once.
    assert!(
        all.iter()
            .any(|q| q.starts_with("- Lost signal: ") && q.contains("It happened 80 times")),
        "{all:#?}"
    );
    let aar = pack_file(&pack, "facilitator/after-action-report.md");
    println!(
        "{}",
        aar.lines()
            .filter(|l| l.contains("missed"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        aar.contains("| missed revocations | 0 (never closed: counted at the end) |"),
        "{aar}"
    );
}

#[test]
fn with_vs_both_timelines_share_one_time_axis_for_the_debrief() {
    let sc = load_scenario("compromised-service-account").unwrap();
    let lead = "single-incident-lead";
    let assurance = "cross-channel-identity-assurance";
    // Either model first: the run under the first ends later (1.6 days) or earlier (0.4 days).
    for (first, second) in [(lead, assurance), (assurance, lead)] {
        let m = load_model(first).unwrap();
        let vs = load_model(second).unwrap();
        let a = play(&sc, &m, SEED, 296, 1_000_000).unwrap();
        let b = play(&sc, &vs, SEED, 296, 1_000_000).unwrap();
        assert_ne!(
            raci_sim::output::tabletop::run_end(&a),
            raci_sim::output::tabletop::run_end(&b)
        );
        let pack = build_pack(
            &sc,
            &m,
            text_of(first),
            &a,
            Pick::Run(296),
            SEED,
            Some((&vs, &b)),
        )
        .expect("the run fills the modules");
        let file = |name: &str| pack_file(&pack, name);
        // Axis labels and where they sit across: `<text x="260.18" y=".." ..>T+06:00`.
        let ticks = |svg: &str| -> Vec<(String, String)> {
            svg.split("<text")
                .filter_map(|t| t.split("</text>").next())
                .filter_map(|t| t.split_once(">T+"))
                .map(|(attrs, label)| {
                    let x = attrs.split('"').nth(1).unwrap().to_string();
                    (x, label.to_string())
                })
                .collect()
        };
        // Both timelines get the same axis, and the debrief shows them one above the other.
        let (one, two) = (
            ticks(&file("facilitator/timeline.svg")),
            ticks(&file("facilitator/vs/timeline.svg")),
        );
        assert!(one.len() >= 5, "{one:?}");
        assert_eq!(one, two, "{first} vs {second}");
        let guide = file("facilitator/handbook.md");
        let debrief = guide.split("## Debrief").nth(1).unwrap();
        assert!(debrief.contains("(timeline.svg)") && debrief.contains("(vs/timeline.svg)"));
    }
}

/// Every decided decision point's waits and work add up to the time it took, for every shipped
/// model (committees, lone approvers, emergency containment, escalation) on three scenarios.
#[test]
fn decision_points_account_for_every_second_between_needed_and_decided() {
    let mut checked = 0;
    for scenario in [
        "compromised-service-account",
        "alert-storm-cover",
        "break-glass-misuse",
    ] {
        let sc = load_scenario(scenario).unwrap();
        for model in MODELS {
            let m = load_model(model.name).unwrap();
            for run in 0..20 {
                let played = play(&sc, &m, SEED, run, 1_000_000).unwrap();
                for d in raci_sim::output::tabletop::decision_points(&played.trace, &m) {
                    let Some(decided) = d.decided else { continue };
                    let accounted: u64 = d.waits.iter().sum::<u64>() + d.work;
                    assert_eq!(
                        accounted,
                        decided - d.needed,
                        "{scenario} x {} run {run}: {d:?}",
                        model.name
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

/// The I of RACI: every notification the run counted reaches the informed team's handout.
#[test]
fn informed_teams_are_told_in_the_truth_never_in_their_handout() {
    let sc = load_scenario("compromised-service-account").unwrap();
    let m = load_model("split-iam-security").unwrap();
    let mut seen = 0;
    for run in 0..10 {
        let played = play(&sc, &m, SEED, run, 1_000_000).unwrap();
        let notes: Vec<_> = played
            .trace
            .iter()
            .filter(|e| e.what.starts_with("informed that "))
            .collect();
        assert_eq!(
            notes.len() as u32,
            played.metrics.notifications,
            "run {run}"
        );
        for e in &notes {
            let (team, activity) = (e.team.unwrap(), e.activity.unwrap());
            let row = m.row(activity, raci_sim::domain::CredentialKind::Session);
            assert!(
                activity == raci_sim::domain::Activity::Revoke
                    || activity == raci_sim::domain::Activity::Detect
                    || row.i.contains(&team),
                "{e:?}"
            );
        }
        let files = build_pack(
            &sc,
            &m,
            text_of("split-iam-security"),
            &played,
            Pick::Run(run),
            SEED,
            None,
        )
        .expect("the run fills the modules");
        // Being told that a task was finished is an outcome: the players' handouts never
        // show it (what a team saw is checked in tabletop_spoilers.rs), the handbook's
        // simulated truth does.
        for e in &notes {
            let path = &raci_sim::output::tabletop::model_handout_paths(&m)[e.team.unwrap()];
            assert!(!pack_file(&files, path).contains("informed that"), "{path}");
        }
        if !notes.is_empty() {
            let truth = pack_file(&files, "facilitator/handbook.md");
            assert!(truth.contains("informed that"), "run {run}");
        }
        seen += notes.len();
    }
    assert!(seen > 10, "{seen}");
}

/// The after-action report's missed list, read back from the trace credential by credential,
/// names exactly as many credentials as the run's `missed_revocations`, for every shipped
/// model on three scenarios.
#[test]
fn the_after_action_missed_list_matches_the_runs_missed_revocations() {
    let (mut checked, mut with_missed) = (0, 0);
    for scenario in [
        "compromised-service-account",
        "orphaned-nhi-key",
        "user-to-workload-compromise",
    ] {
        let sc = load_scenario(scenario).unwrap();
        for model in MODELS {
            let m = load_model(model.name).unwrap();
            for run in 0..4 {
                let played = play(&sc, &m, SEED, run, 1_000_000).unwrap();
                let Ok(pack) = build_pack(
                    &sc,
                    &m,
                    text_of(model.name),
                    &played,
                    Pick::Run(run),
                    SEED,
                    None,
                ) else {
                    continue;
                };
                let aar = pack_file(&pack, "facilitator/after-action-report.md");
                let missed = aar
                    .split("## Missed revocations\n")
                    .nth(1)
                    .unwrap()
                    .split("\n## ")
                    .next()
                    .unwrap()
                    .lines()
                    .filter(|l| l.starts_with("- "))
                    .count();
                assert_eq!(
                    missed as u32, played.metrics.missed_revocations,
                    "{scenario} x {} run {run}",
                    model.name
                );
                checked += 1;
                with_missed += usize::from(missed > 0);
            }
        }
    }
    assert!(checked > 50 && with_missed > 5, "{checked} {with_missed}");
}
