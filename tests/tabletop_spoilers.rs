//! No spoilers in participant material: for every shipped scenario × model pair (at the default
//! pick and a few `run:I`), nothing under `participants/` shows a wait, an outcome, the model's
//! own decisions or an attacker step the defenders did not observe, and every player inject of
//! a module comes from an event before the module's decision point. Plus a hand-computed case
//! of what the players see (`player` module rule).

use raci_sim::domain::InventoryStatus;
use raci_sim::engine::batch::{run_batch, BatchOptions};
use raci_sim::engine::metrics::RunMetrics;
use raci_sim::input::decisions::SheetDecision;
use raci_sim::input::library::{
    load_model, load_scenario, INCIDENT_MODELS, INCIDENT_SCENARIOS, MODELS, SCENARIOS,
};
use raci_sim::input::{Model, Scenario};
use raci_sim::output::escape;
use raci_sim::output::tabletop::player::{credential_text, module_injects, Form};
use raci_sim::output::tabletop::{
    build_pack, candidates, capture, decision_points, model_handout_paths, modules, play,
    ModuleKind, Pick, Played,
};

use crate::common::{model, pack_file, scenario};

/// Outcome words and phrases that never appear in participant files (case-insensitive).
const OUTCOMES: &[&str] = &[
    "waited",
    "after waiting",
    "waits up to",
    "revoked",
    "contained",
    "evicted",
    "stops working",
    "approved",
    "declared",
    "dismissed",
    "closed",
    "missed",
    "abandoned",
    "never done",
    "credential(s)",
    "keeps working",
    "informed that",
    "escalated to",
    "will arrive in",
    "stage `",
];

/// Every spoiler in `text`: outcome words, "found N credential", "ACTIVITY: done|started",
/// and compact durations ("44.3h", "30m", "12s", "2.1d") as the trace writes waits.
fn spoilers(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut out: Vec<String> = OUTCOMES
        .iter()
        .filter(|w| lower.contains(*w))
        .map(|w| w.to_string())
        .collect();
    for (i, _) in lower.match_indices("found ") {
        let rest = &lower[i + 6..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && rest[digits..].trim_start().starts_with("credential") {
            out.push(format!("found N credential at {i}"));
        }
    }
    for status in [": done", ": started", ": ready"] {
        if lower.contains(status) {
            out.push(status.into());
        }
    }
    let b = lower.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let word_start = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.');
        if b[i].is_ascii_digit() && word_start {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'.') {
                j += 1;
            }
            let unit = j < b.len() && matches!(b[j], b's' | b'm' | b'h' | b'd');
            let ends = j + 1 >= b.len() || !b[j + 1].is_ascii_alphanumeric();
            if unit && ends {
                out.push(lower[i..=j].to_string());
            }
            i = j;
        }
        i += 1;
    }
    out
}

#[test]
fn the_scanner_catches_each_kind_of_spoiler() {
    for bad in [
        "detect: done",
        "triage: started (after waiting 44.3h, mostly off_hours)",
        "waited 2.0h",
        "a wait of 30m",
        "| 12s |",
        "2.1d later",
        "incident declared",
        "Containment APPROVED",
        "credential `key` revoked (keeps working 0s)",
        "scope found 3 credential(s)",
        "attacker stage `x` completed",
        "credential `x` stops working",
        "alert dismissed",
        "incident closed",
    ] {
        assert!(!spoilers(bad).is_empty(), "not caught: {bad}");
    }
    for fine in [
        "T+04:02 Friday 18:00 UTC",
        "answering a page within 30 minutes",
        "credential key-2 (api_key) of service account svc, cloud_iam plane",
        "containment decision; closure; revocation",
    ] {
        assert!(spoilers(fine).is_empty(), "{fine}: {:?}", spoilers(fine));
    }
}

/// The runs of a batch the packs are made from: the default pick (the nearest-rank p90 run
/// by time to containment, or the next lower rank that fills the modules) and runs 0..3.
fn picks(sc: &Scenario, m: &Model, runs: u64) -> Vec<u64> {
    let opts = BatchOptions {
        first: 0,
        runs,
        seed: 1,
        keep_runs: true,
        max_events: 1_000_000,
    };
    let batch = run_batch(sc, m, opts, |_| {}).unwrap();
    let mut attacks: Vec<&RunMetrics> = batch.runs.iter().filter(|r| r.attack).collect();
    attacks.sort_by_key(|r| (r.time_to_containment.unwrap_or(u64::MAX), r.run));
    let mut out: Vec<u64> = (0..3).collect();
    if !attacks.is_empty() {
        let p90 = (0.9 * attacks.len() as f64).ceil() as usize - 1;
        let fills = |r: &&&RunMetrics| {
            let played = play(sc, m, 1, r.run, 1_000_000).unwrap();
            modules(&decision_points(&played.trace, m), &played.trace).is_ok()
        };
        if let Some(r) = attacks[..=p90].iter().rev().find(fills) {
            out.push(r.run);
        }
    }
    out
}

/// What a reader of a participant file sees: an HTML page without its style sheet (whose
/// escapes such as `\2d` are not text), a DOCX's `word/document.xml` text runs, other files
/// as they are.
fn visible_text(path: &str, bytes: &[u8]) -> String {
    if path.ends_with(".docx") {
        let entries = crate::tabletop_documents::entries(bytes);
        let (_, xml) = entries
            .iter()
            .find(|(n, _)| n == "word/document.xml")
            .expect("a document part");
        let xml = std::str::from_utf8(xml).unwrap();
        let doc = roxmltree::Document::parse(xml).unwrap();
        let runs: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("t"))
            .filter_map(|n| n.text())
            .collect();
        return runs.join(" ");
    }
    let text = String::from_utf8(bytes.to_vec()).expect("a text file");
    match (text.find("<style>"), text.find("</style>")) {
        (Some(a), Some(b)) if b > a => format!("{}{}", &text[..a], &text[b..]),
        _ => text,
    }
}

/// Checks one pack's participant files and injects; returns whether the run filled modules.
fn check_pack(sc: &Scenario, m: &Model, run: u64) -> bool {
    let played = play(sc, m, 1, run, 1_000_000).unwrap();
    let Ok(files) = build_pack(sc, m, ("m.ron", ""), &played, Pick::Run(run), 1, None) else {
        return false;
    };
    let pair = format!("{} × {} run {run}", sc.name, m.name);
    let hidden = hidden_whats(&played);
    let mut participant = 0;
    for (path, bytes) in files.iter().filter(|(p, _)| p.starts_with("participants/")) {
        participant += 1;
        let text = visible_text(path, bytes);
        // The scenario's summary says what the attacker does (or that a run is benign), and
        // its sources are the facilitator's.
        for summary in [
            sc.summary.clone(),
            escape::markdown(&sc.summary),
            escape::html(&sc.summary),
        ] {
            assert!(
                !text.contains(&summary),
                "{pair}: {path} shows the scenario summary"
            );
        }
        assert!(
            !text.contains("docs/sources"),
            "{pair}: {path} shows a source path"
        );
        let found = spoilers(&text);
        assert!(found.is_empty(), "{pair}: {path} shows {found:?}");
        for what in &hidden {
            assert!(
                !text.contains(what.as_str()),
                "{pair}: {path} shows `{what}`"
            );
        }
    }
    assert!(
        participant >= 2 + 2 * m.teams.len(),
        "{pair}: {participant}"
    );
    // A handout lists only injects addressed to its team (the "to" column names it).
    for (team, path) in m.teams.iter().zip(model_handout_paths(m)) {
        let id = escape::markdown(&team.id);
        for row in pack_file(&files, &path)
            .lines()
            .filter(|l| l.starts_with("| T+"))
        {
            let cells: Vec<&str> = row.split(" | ").collect();
            if cells[0] == "| T+" {
                continue;
            }
            assert!(
                cells[3].split(", ").any(|t| t == id),
                "{pair}: {path} shows an inject for others: {row}"
            );
        }
    }
    check_injects(sc, m, &played, &pair);
    true
}

/// The trace's texts of what players never see (outcomes, the attacker, waits).
fn hidden_whats(played: &Played) -> Vec<String> {
    let mut out: Vec<String> = played
        .trace
        .iter()
        .map(|e| e.what.clone())
        .filter(|w| {
            !matches!(w.as_str(), "started" | "done" | "ready")
                && !w.starts_with("signal ")
                && !w.starts_with("incident severity rises")
                && !w.ends_with(") arrives")
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Every module's injects come from events before its end and lie in its window; module 1
/// has one; every inject names its recipients and a credential (its id, kind, identity and
/// plane), whatever its form.
fn check_injects(sc: &Scenario, m: &Model, played: &Played, pair: &str) {
    let points = decision_points(&played.trace, m);
    let mods = modules(&points, &played.trace).unwrap();
    check_sheet_credentials(sc, m, played, pair);
    for (i, module) in mods.iter().enumerate() {
        let injects = module_injects(sc, m, played, module);
        if i == 0 {
            assert!(!injects.is_empty(), "{pair}: module 1 has no inject");
        }
        for p in &injects {
            assert!(p.source < module.to, "{pair}: {p:?} after {module:?}");
            assert!(p.source <= p.time && p.time >= module.from && p.time < module.to);
            assert!(!p.to.is_empty(), "{pair}: {p:?} reaches nobody");
            // Every form names a credential: id, kind, identity and plane.
            let named = (0..sc.credentials.len()).any(|k| p.text.contains(&credential_text(sc, k)));
            assert!(named, "{pair}: {p:?} names no credential fully");
        }
    }
}

/// The capture sheet's `credentials` are exactly what the players' inventory report lists:
/// never a credential the attacker created or the inventory does not know.
fn check_sheet_credentials(sc: &Scenario, m: &Model, played: &Played, pair: &str) {
    let points = decision_points(&played.trace, m);
    let mods = modules(&points, &played.trace).unwrap();
    let sheet = capture::points(sc, &played.trace, &points, &mods);
    let contain = mods
        .iter()
        .find(|md| md.kind == ModuleKind::Containment)
        .unwrap();
    let report = module_injects(sc, m, played, contain)
        .into_iter()
        .find(|p| p.form == Form::InventoryReport);
    let shown: Vec<String> = (0..sc.credentials.len())
        .filter(|&k| {
            report.as_ref().is_some_and(|r| {
                r.text
                    .contains(&format!("{} [listed", credential_text(sc, k)))
            })
        })
        .map(|k| sc.credentials[k].id.clone())
        .collect();
    for p in sheet
        .iter()
        .filter(|p| p.decision == SheetDecision::Containment)
    {
        assert_eq!(p.credentials, shown, "{pair}: the sheet offers others");
        for id in &p.credentials {
            let c = sc.credentials.iter().find(|c| &c.id == id).unwrap();
            assert!(
                !c.created && c.inventory != InventoryStatus::Unknown,
                "{pair}: {id}"
            );
        }
    }
}

#[test]
fn the_capture_sheet_offers_what_the_inventory_report_shows_under_an_alert_storm() {
    // The review's case: alert-storm-cover under anti-approval-committee at --pick worst
    // offered credentials the players' inventory report never showed.
    let sc = load_scenario("alert-storm-cover").unwrap();
    let m = load_model("anti-approval-committee").unwrap();
    let opts = BatchOptions {
        first: 0,
        runs: 100,
        seed: 1,
        keep_runs: true,
        max_events: 1_000_000,
    };
    let batch = run_batch(&sc, &m, opts, |_| {}).unwrap();
    let mut checked = 0;
    for run in candidates(&batch.runs, Pick::Worst).into_iter().take(5) {
        let played = play(&sc, &m, 1, run, 1_000_000).unwrap();
        let points = decision_points(&played.trace, &m);
        if modules(&points, &played.trace).is_ok() {
            check_sheet_credentials(&sc, &m, &played, &format!("worst run {run}"));
            checked += 1;
        }
    }
    assert!(checked > 0, "no worst-ranked run fills the modules");
}

#[test]
fn participant_material_never_spoils_any_shipped_pair() {
    let mut pairs = Vec::new();
    for s in SCENARIOS {
        for m in MODELS {
            pairs.push((s.name, m.name));
        }
    }
    for s in INCIDENT_SCENARIOS {
        for m in INCIDENT_MODELS
            .iter()
            .filter(|m| m.name.starts_with(s.name))
        {
            pairs.push((s.name, m.name));
        }
    }
    let mut filled = 0;
    for (s, m) in &pairs {
        let (sc, m) = (load_scenario(s).unwrap(), load_model(m).unwrap());
        for run in picks(&sc, &m, 60) {
            filled += usize::from(check_pack(&sc, &m, run));
        }
    }
    // Most pairs fill the modules at the default pick.
    assert!(
        filled > pairs.len(),
        "{filled} packs of {} pairs",
        pairs.len()
    );
}

const HAND_SCENARIO: &str = r#"Scenario(
    name: "hand",
    summary: "a stolen key used once",
    identities: [(id: "svc", kind: ServiceAccount)],
    credentials: [
        (id: "key", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true),
        (id: "db", kind: Secret, plane: SecretsManager, identity: "svc", inventory: BelievedUnused),
        (id: "ghost", kind: Secret, plane: SecretsManager, identity: "svc", inventory: Unknown),
    ],
    stages: [(id: "use", needs: ["key"], duration: Fixed("10m"),
              signals: [(kind: Generic, plane: CloudIam, probability: 1.0, severity: High)],
              reports: [(source: LawEnforcement, probability: 1.0, delay: Fixed("5m"),
                         severity: High, credential: "key")])],
    start: At(day: Sat, time: "10:00"),
    horizon: "30d",
)"#;

const HAND_MODEL: &str = r#"Model(
    name: "hand",
    summary: "ops does everything; iam is asked at scope, on call at weekends",
    teams: [
        (id: "ops", staff: 10, coverage: AlwaysOn,
         visibility: {CloudIam: 1.0, SecretsManager: 1.0}),
        (id: "iam", staff: 1,
         coverage: BusinessHours(on_call: (page_latency: "30m", min_severity: High))),
    ],
    raci: (
        detect: [(r: ["ops"])],
        intake: [(sources: [LawEnforcement], r: ["ops"])],
        triage: (r: ["ops"], a: ["ops"]),
        scope: (r: ["ops"], c: ["iam"]),
        validate_entitlement: (r: ["ops"]),
        confirm_business: (r: ["ops"]),
        approve_containment: (r: ["ops"], a: ["ops"]),
        revoke: { ApiKey: (r: ["ops"]), Secret: (r: ["ops"]) },
        verify: (r: ["ops"]),
        capture_evidence: (r: ["ops"]),
        close: (r: ["ops"], a: ["ops"]),
    ),
    policy: (triage_accuracy: 1.0, triage_specificity: 1.0, verify_accuracy: 1.0),
    effort: (detect: Fixed("5m"), triage: Fixed("10m"), scope: Fixed("15m"), consult: Fixed("1m"),
             intake: Fixed("1m")),
)"#;

#[test]
fn a_hand_computed_run_shows_the_players_what_reached_them_and_when() {
    let (sc, m) = (scenario(HAND_SCENARIO), model(HAND_MODEL));
    let played = play(&sc, &m, 1, 0, 1_000_000).unwrap();
    let points = decision_points(&played.trace, &m);
    let mods = modules(&points, &played.trace).unwrap();
    let key = "credential key (api_key) of service account svc, cloud_iam plane";
    // Stage `use` completes at 600 s (10m): its signal is seen by ops (telemetry 1.0 on
    // cloud_iam, from its visibility), and the law-enforcement report arrives 5m later, at
    // 900 s, for ops (the intake row's R). Detection takes 5m: triage is needed at 900 s, so
    // module 1 is [0, 901) and shows both.
    assert_eq!((mods[0].from, mods[0].to), (0, 901));
    let m1 = module_injects(&sc, &m, &played, &mods[0]);
    let seen: Vec<(u64, Form, Vec<usize>)> =
        m1.iter().map(|p| (p.time, p.form, p.to.clone())).collect();
    assert_eq!(
        seen,
        [(600, Form::Alert, vec![0]), (900, Form::Call, vec![0])]
    );
    assert!(m1[0].text.contains(key) && m1[0].text.contains("generic alert (severity high)"));
    assert!(m1[1].text.contains("law enforcement") && m1[1].text.contains(key));
    // Scope starts when the incident is declared; its consult reaches iam at that moment,
    // Saturday and off shift, so iam's on-call is paged then (severity is high).
    let declared = points[0].decided.unwrap();
    let m2 = module_injects(&sc, &m, &played, &mods[1]);
    let iam: Vec<(u64, Form)> = m2
        .iter()
        .filter(|p| p.to == [1])
        .map(|p| (p.time, p.form))
        .collect();
    assert_eq!(iam, [(declared, Form::Ticket), (declared, Form::Page)]);
    // Module 3: the inventory lists key and db (believed unused), never ghost (unknown).
    let m3 = module_injects(&sc, &m, &played, &mods[2]);
    let inv = m3.iter().find(|p| p.form == Form::InventoryReport).unwrap();
    assert_eq!((inv.time, inv.to.clone()), (mods[2].from, vec![0]));
    assert!(inv.text.contains(&format!("{key} [listed, in use]")));
    assert!(inv.text.contains("credential db (secret) of service account svc, secrets_manager plane [listed, believed unused]"));
    assert!(!inv.text.contains("ghost"));
    // The handouts: iam's has only its own injects, its row and its weekend coverage.
    let files = build_pack(
        &sc,
        &m,
        ("m.ron", HAND_MODEL),
        &played,
        Pick::Run(0),
        1,
        None,
    )
    .unwrap();
    let iam = pack_file(&files, "participants/handouts/iam.md");
    assert!(iam.contains("- scope: C\n"), "{iam}");
    assert!(!iam.contains("law enforcement") && !iam.contains("generic alert"));
    assert!(iam.contains("| 1. First signal | T+00:00 | Saturday 10:00 UTC | off shift; on call for high severity and above, answering a page within 30 minutes"), "{iam}");
    let ops = pack_file(&files, "participants/handouts/ops.md");
    assert!(ops.contains("- approve\\_containment: R; A\n"), "{ops}");
    assert!(ops.contains("generic alert") && ops.contains("law enforcement"));
    // The capture sheet offers what the inventory report showed: key and db, never ghost.
    let sheet = pack_file(&files, "facilitator/decision-capture.csv");
    assert!(sheet.contains(",approve|hold,key db,"), "{sheet}");
    let sitman = pack_file(&files, "participants/situation-manual.md");
    // The background: the inventory's credentials, never the summary.
    assert!(
        sitman.contains(
            "| svc | service account | db | secret | secrets\\_manager | believed unused |"
        ),
        "{sitman}"
    );
    assert!(!sitman.contains("a stolen key used once") && !sitman.contains("ghost"));
    assert!(
        sitman.contains("| T+00:10 | Saturday 10:10 UTC | alert | ops |"),
        "{sitman}"
    );
    assert!(sitman.contains("| T+00:15 | Saturday 10:15 UTC | call | ops |"));
    assert!(
        pack_file(&files, "participants/situation-manual.html").contains("<h2>Ground rules</h2>")
    );
}
