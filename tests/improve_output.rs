//! What `raci-sim improve` writes, from a hand-made `Improvement` (candidates made by editing a
//! shipped model file, pooled differences set by hand): the recommended change in RACI terms in
//! every output, front RON files that load back to the simulated model, one CSV row per
//! candidate, the tornado's bars and its flip in words, escaping, and no trace of any of it in a
//! report without an improvement.

use raci_sim::analysis::decision::{Pooled, Tally};
use raci_sim::analysis::improve::{
    Bar, Candidate, Cost, CostWeights, Edit, Finalist, Improvement, Recommendation, Round, RowId,
    Sensitivity, Standing,
};
use raci_sim::analysis::stats::PairedDiff;
use raci_sim::analysis::verdict::{Practical, Verdict};
use raci_sim::input::file::ModelFile;
use raci_sim::input::library::{parse_model, MODELS};
use raci_sim::output::improve::{files, section_html, terminal, tornado_svg};
use raci_sim::output::model_ron::{model_ron, Notes};

const COMMITTEE: &str = "approve_containment: A soc+iam+business-owner+risk -> A soc";
/// Names may not hold control characters (the loader refuses them), so markup it is.
const HOSTILE: &str = "<script>alert('x')</script>&\"";

fn original(name: &str) -> ModelFile {
    let s = MODELS
        .iter()
        .find(|s| s.name == "anti-approval-committee")
        .unwrap();
    let mut f: ModelFile = raci_sim::input::parse_ron(s.path, s.text).unwrap();
    f.name = name.to_string();
    f
}

/// A candidate: `edit` applied to the original file, written as RON and loaded back.
fn candidate(
    orig: &ModelFile,
    id: &str,
    edits: Vec<Edit>,
    changes: &[&str],
    cells: u32,
    edit: impl Fn(&mut ModelFile),
) -> Candidate {
    let mut file = orig.clone();
    edit(&mut file);
    file.name = format!("{}+{id}", orig.name);
    let notes = Notes {
        header: vec![format!("raci-sim improve candidate {id}")],
        ..Notes::default()
    };
    let text = model_ron(&file, &notes);
    let model = parse_model(&format!("{id}.ron"), &text).unwrap();
    Candidate {
        id: id.into(),
        edits,
        name: file.name.clone(),
        file,
        text,
        model,
        cost: Cost {
            cells,
            on_call_teams: 0,
            coverage_hours: 0.0,
        },
        changes: changes.iter().map(|s| s.to_string()).collect(),
    }
}

/// Candidate minus original, by hand: mean and interval, the verdict as given.
fn pooled(
    metric: &'static str,
    model: f64,
    reference: f64,
    ci: (f64, f64),
    t: f64,
    v: Verdict,
) -> Pooled {
    Pooled {
        metric,
        model_mean: model,
        reference_mean: reference,
        difference: PairedDiff {
            n: 2000,
            mean: model - reference,
            low: ci.0,
            high: ci.1,
        },
        threshold: t,
        verdict: v,
        resolvable: None,
        runs_needed: None,
        scenarios: 2,
        tally: Tally::default(),
    }
}

fn ttc(model: f64, ci: (f64, f64), v: Verdict) -> Pooled {
    pooled(
        "restricted_mean_time_to_containment_hours",
        model,
        20.0,
        ci,
        2.0,
        v,
    )
}

fn versus(ttc_: Pooled) -> Vec<Pooled> {
    use Verdict::Equivalent;
    vec![
        ttc_,
        pooled(
            "missed_revocations",
            0.51,
            0.5,
            (-0.02, 0.04),
            0.1,
            Equivalent,
        ),
        pooled(
            "wrongful_revocations",
            1.2,
            1.2,
            (-0.03, 0.03),
            0.12,
            Equivalent,
        ),
    ]
}

fn bar(name: &'static str, low: Pooled, high: Pooled, flips: bool) -> Bar {
    Bar {
        assumption: name,
        range: format!("{name} moved by hand [assumption]"),
        low_label: "x0.5".into(),
        high_label: "x2".into(),
        low,
        high,
        flips,
    }
}

fn sensitivity() -> Sensitivity {
    use Verdict::{Better, Inconclusive};
    let b = |m: f64, lo: f64, hi: f64| ttc(20.0 + m, (lo, hi), Better);
    Sensitivity {
        runs: 500,
        base: ttc(12.0, (-9.0, -7.0), Better),
        bars: vec![
            bar(
                "triage accuracy",
                b(-11.0, -12.5, -9.5),
                ttc(19.0, (-3.5, 1.5), Inconclusive),
                true,
            ),
            bar(
                "detection delay",
                b(-9.0, -10.0, -8.0),
                b(-5.0, -6.5, -3.5),
                false,
            ),
            bar(
                "page latency",
                b(-8.5, -9.5, -7.5),
                b(-7.0, -8.0, -6.0),
                false,
            ),
            bar(
                "background load",
                b(-8.2, -9.2, -7.2),
                b(-7.6, -8.6, -6.6),
                false,
            ),
            bar(
                "inventory accuracy",
                b(-8.1, -9.0, -7.1),
                b(-7.9, -8.9, -6.9),
                false,
            ),
        ],
    }
}

/// Three candidates: the committee collapsed (recommended), a consult dropped (on the front,
/// cheaper, inconclusive), both (dropped after the first round).
fn fixture(name: &str, with_recommendation: bool) -> Improvement {
    let orig = original(name);
    let original_model = parse_model("original.ron", &model_ron(&orig, &Notes::default())).unwrap();
    let collapse = Edit::CollapseCommittee {
        row: RowId::ApproveContainment,
        to: "soc".into(),
    };
    let drop = Edit::DropConsult {
        row: RowId::Scope,
        team: "iam".into(),
    };
    let c1 = candidate(
        &orig,
        "c001",
        vec![collapse.clone()],
        &[COMMITTEE],
        3,
        |f| {
            f.raci.approve_containment.a = vec!["soc".into()];
        },
    );
    let c2 = candidate(
        &orig,
        "c002",
        vec![drop.clone()],
        &["scope: C iam -> (none)"],
        1,
        |f| {
            f.raci.scope.c.clear();
        },
    );
    let c3 = candidate(
        &orig,
        "c003",
        vec![collapse, drop],
        &[COMMITTEE, "scope: C iam -> (none)"],
        4,
        |f| {
            f.raci.approve_containment.a = vec!["soc".into()];
            f.raci.scope.c.clear();
        },
    );
    Improvement {
        original: orig,
        original_model,
        scenarios: vec![
            "replayed-token".into(),
            "compromised-service-account".into(),
        ],
        seed: 7,
        final_runs: 2000,
        practical: Practical::default(),
        weights: CostWeights::default(),
        candidates: vec![c1, c2, c3],
        singles: 2,
        rounds: vec![
            Round {
                runs: 250,
                entrants: 3,
                kept: 2,
                simulated: 2000,
            },
            Round {
                runs: 2000,
                entrants: 2,
                kept: 2,
                simulated: 10500,
            },
        ],
        standings: vec![
            Standing {
                candidate: 0,
                runs: 2000,
                dropped_after: None,
                means: [12.0, 0.51, 1.2],
            },
            Standing {
                candidate: 1,
                runs: 2000,
                dropped_after: None,
                means: [19.5, 0.5, 1.2],
            },
            Standing {
                candidate: 2,
                runs: 250,
                dropped_after: Some(0),
                means: [12.5, 0.5, 1.3],
            },
        ],
        finalists: vec![
            Finalist {
                candidate: 0,
                versus_original: versus(ttc(12.0, (-9.0, -7.0), Verdict::Better)),
                on_front: true,
            },
            Finalist {
                candidate: 1,
                versus_original: versus(ttc(19.5, (-1.5, 0.5), Verdict::Inconclusive)),
                on_front: true,
            },
        ],
        original_means: [20.0, 0.5, 1.2],
        recommended: with_recommendation.then(|| Recommendation {
            candidate: 0,
            reason:
                "the cheapest candidate better on time to containment and not worse on the others"
                    .into(),
        }),
        sensitivity: with_recommendation.then(sensitivity),
        runs_simulated: 22_500,
        runs_without_racing: 3 * 2000 * 2 * 2 + 2000 * 2,
    }
}

fn file<'a>(out: &'a [(String, Vec<u8>)], path: &str) -> &'a str {
    let (_, bytes) = out.iter().find(|(p, _)| p == path).unwrap_or_else(|| {
        panic!(
            "no {path} in {:?}",
            out.iter().map(|f| &f.0).collect::<Vec<_>>()
        )
    });
    std::str::from_utf8(bytes).unwrap()
}

#[test]
fn the_recommended_change_reads_in_raci_terms_everywhere() {
    let imp = fixture("anti-approval-committee", true);
    let html = section_html(&imp);
    let escaped = COMMITTEE.replace('>', "&gt;");
    assert!(html.contains(&format!("<code>{escaped}</code>")), "{html}");
    // The recommendation comes before the front table.
    let rec = html.find("Recommended change").unwrap();
    assert!(rec < html.find("The front").unwrap());
    // What it buys, with its interval and verdict.
    assert!(
        html.contains("-8.0h (95% CI -9.0h to -7.0h): <span class=\"v-better\">better</span>"),
        "{html}"
    );
    let lines = terminal(&imp);
    let rec = lines
        .iter()
        .position(|l| l.starts_with("Recommended: c001"))
        .unwrap();
    assert_eq!(lines[rec + 1], format!("  {COMMITTEE}"), "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("time to containment: -8.0h (95% CI -9.0h to -7.0h), better")),
        "{lines:#?}"
    );
    assert!(lines.len() <= 25, "{}", lines.len());
    assert!(lines.iter().all(|l| l.chars().count() <= 100), "{lines:#?}");
    let out = files(&imp);
    let md = file(&out, "improve/changes.md");
    assert!(md.contains(&format!("  - `{COMMITTEE}`\n")), "{md}");
    assert!(md.contains("### c001 (recommended)"), "{md}");
    assert!(
        md.contains("better: -8.0h (95% CI -9.0h to -7.0h); threshold 2.0h"),
        "{md}"
    );
}

#[test]
fn every_front_model_file_loads_back_to_the_simulated_candidate() {
    let imp = fixture("anti-approval-committee", true);
    let out = files(&imp);
    let rons: Vec<&(String, Vec<u8>)> = out.iter().filter(|(p, _)| p.ends_with(".ron")).collect();
    // c001 and c002 are on the front; c003 was dropped in the race.
    assert_eq!(
        rons.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["improve/front/c002.ron", "improve/front/c001.ron"],
        "cheapest first"
    );
    for (path, bytes) in rons {
        let text = std::str::from_utf8(bytes).unwrap();
        let id = path
            .trim_start_matches("improve/front/")
            .trim_end_matches(".ron");
        let c = imp.candidates.iter().find(|c| c.id == id).unwrap();
        assert_eq!(text, c.text, "exactly what was simulated");
        let back: ModelFile = raci_sim::input::parse_ron(path, text).unwrap();
        assert_eq!(back, c.file);
        let model = parse_model(path, text).unwrap();
        assert_eq!(model.name, c.name);
    }
}

#[test]
fn candidates_csv_has_a_row_per_candidate() {
    let imp = fixture("anti-approval-committee", true);
    let out = files(&imp);
    let mut r = csv::Reader::from_reader(file(&out, "improve/candidates.csv").as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, raci_sim::output::improve::CANDIDATE_COLUMNS);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), imp.candidates.len());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let c3 = &rows[2];
    assert_eq!(&c3[col("candidate")], "c003");
    assert_eq!(&c3[col("edits")], "2");
    assert_eq!(&c3[col("operators")], "collapse_committee;drop_consult");
    assert_eq!(&c3[col("dropped_after_round")], "1");
    assert_eq!(&c3[col("runs")], "250");
    assert_eq!(&c3[col("finalist")], "0");
    assert_eq!(&c3[col("weighed_cost")], "4.000000");
    assert_eq!(&rows[0][col("recommended")], "1");
    assert_eq!(&rows[0][col("dropped_after_round")], "");
    assert_eq!(&rows[0][col("ttc_verdict")], "better");
    assert_eq!(&rows[0][col("restricted_mean_ttc_hours")], "12.000000");
    assert_eq!(&rows[1][col("on_front")], "1");
    let json: serde_json::Value = serde_json::from_str(file(&out, "improve/improve.json")).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["recommended"]["candidate"], "c001");
    assert_eq!(json["candidates"].as_array().unwrap().len(), 3);
    assert_eq!(json["front"], serde_json::json!(["c002", "c001"]));
    assert_eq!(json["sensitivity"]["bars"][0]["flips"], true);
    let edit = &json["candidates"][2]["edits"][0];
    assert_eq!(edit["operator"], "collapse_committee");
    assert_eq!(edit["row"], "approve_containment");
}

#[test]
fn the_tornado_has_a_bar_per_assumption_and_names_the_flip() {
    let imp = fixture("anti-approval-committee", true);
    let s = imp.sensitivity.as_ref().unwrap();
    let svg = tornado_svg(s, "anti-approval-committee", "anti-approval-committee+c001");
    assert_eq!(svg.matches("class=\"bar").count(), s.bars.len(), "{svg}");
    assert_eq!(svg.matches("class=\"bar flips\"").count(), 1);
    assert_eq!(svg.matches("FLIPS the verdict").count(), 1);
    assert_eq!(svg.matches(">holds<").count(), 4);
    // The flip is on the triage accuracy row, its end named with its verdict.
    let row = &svg[svg.find(">triage accuracy<").unwrap()..svg.find(">detection delay<").unwrap()];
    assert!(
        row.contains("FLIPS the verdict") && row.contains("x2: inconclusive"),
        "{row}"
    );
    assert!(svg.contains("<desc>") && svg.contains("flips the verdict"));
    // The flip in words in the section and on the terminal.
    let html = section_html(&imp);
    assert!(
        html.contains(
            "<b>flips</b> if this assumption is wrong: triage accuracy (at x2: inconclusive)"
        ),
        "{html}"
    );
    assert!(terminal(&imp)
        .iter()
        .any(|l| l
            .contains("flips if this assumption is wrong: triage accuracy (at x2: inconclusive)")));
    assert!(files(&imp).iter().any(|(p, _)| p == "improve/tornado.svg"));
}

#[test]
fn hostile_names_are_escaped() {
    let imp = fixture(HOSTILE, true);
    let html = section_html(&imp);
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains("Improving &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"),
        "{html}"
    );
    let s = imp.sensitivity.as_ref().unwrap();
    let svg = tornado_svg(s, HOSTILE, HOSTILE);
    assert!(!svg.contains("<script>"));
    let out = files(&imp);
    let md = file(&out, "improve/changes.md");
    assert!(!md.contains("<script>"), "{md}");
    let json: serde_json::Value = serde_json::from_str(file(&out, "improve/improve.json")).unwrap();
    assert_eq!(json["original"], HOSTILE, "JSON keeps the exact text");
}

#[test]
fn without_a_recommendation_the_front_is_shown_and_said_so() {
    let imp = fixture("anti-approval-committee", false);
    let html = section_html(&imp);
    assert!(
        html.contains("No recommendation:</b> no candidate beat"),
        "{html}"
    );
    assert!(html.contains("improve/front/c001.ron") && html.contains("improve/front/c002.ron"));
    assert!(!html.contains("How sure"));
    let lines = terminal(&imp);
    assert!(
        lines.iter().any(|l| l.starts_with("No recommendation")),
        "{lines:#?}"
    );
    assert!(files(&imp).iter().all(|(p, _)| p != "improve/tornado.svg"));
}

#[test]
fn the_report_opens_with_the_section_only_when_there_is_an_improvement() {
    use raci_sim::input::library::load_scenario;
    use raci_sim::output::report::{Exporter, IndexHtml, SummaryMarkdown};
    use raci_sim::output::Report;
    let imp = fixture("anti-approval-committee", true);
    let c = crate::common::compare_all(
        vec![load_scenario("replayed-token").unwrap()],
        vec![imp.original_model.clone(), imp.candidates[0].model.clone()],
        20,
        7,
    );
    let report = |improvement| Report {
        comparison: &c,
        inputs: &[],
        command_line: &[],
        extra: &[],
        lint: &[],
        improvement,
    };
    let plain = String::from_utf8(IndexHtml.render(&report(None))).unwrap();
    assert!(!plain.contains("id=\"improve\"") && !plain.contains("Improving"));
    let with = String::from_utf8(IndexHtml.render(&report(Some(&imp)))).unwrap();
    let section = with.find("<section id=\"improve\">").unwrap();
    assert!(section < with.find("<header id=\"decision\">").unwrap());
    assert!(with.contains("<a href=\"#improve\">Improving anti-approval-committee</a>"));
    let md = String::from_utf8(SummaryMarkdown.render(&report(Some(&imp)))).unwrap();
    assert!(
        md.starts_with("# Ownership model comparison\n\n## Improving anti-approval-committee\n"),
        "{md}"
    );
    assert!(md.contains(&format!("- `{COMMITTEE}`")), "{md}");
    let md_plain = String::from_utf8(SummaryMarkdown.render(&report(None))).unwrap();
    assert!(!md_plain.contains("Improving"));
    // The folder holds every file the section links to.
    let dir = std::env::temp_dir().join(format!("raci-sim-improve-output-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    raci_sim::output::write_report(&dir, &report(Some(&imp)), false).unwrap();
    for link in with
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
    {
        if link.starts_with("improve/") {
            assert!(dir.join(link).is_file(), "{link}");
        }
    }
    if std::env::var_os("KEEP_IMPROVE_REPORT").is_none() {
        std::fs::remove_dir_all(&dir).unwrap();
    } else {
        eprintln!("report kept in {}", dir.display());
        eprintln!("{}", terminal(&imp).join("\n"));
    }
}
