//! Handout names: unique for any set of team ids, every handout written (under
//! `participants/handouts/`) and linked from the facilitator guide.

use raci_sim::output::sha256_hex;
use raci_sim::output::tabletop::{build_pack, handout_paths, play, Pick};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::common::{chain_scenario, model, ops_model, pack_file, scenario, SURE};

const ALPHABET: [char; 14] = [
    'a', 'b', 'A', 'B', '0', '-', '_', ' ', '.', '!', 'é', '日', 'Ω', '/',
];

fn random_id(rng: &mut ChaCha8Rng) -> String {
    let len = rng.random_range(1..=60usize);
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())])
        .collect()
}

/// A set of distinct team ids of one hard kind (or a mix), by seed.
fn id_set(seed: u64) -> Vec<String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = rng.random_range(1..=40usize);
    let prefix = "a-very-long-team-name-that-goes-on-and-on-";
    let mut ids: Vec<String> = (0..n)
        .map(|i| match seed % 6 {
            // Case variants of one word.
            0 => "soc"
                .chars()
                .chain(std::iter::repeat_n('c', i / 8))
                .enumerate()
                .map(|(k, c)| {
                    if (i >> (k % 3)) & 1 == 1 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect(),
            // Punctuation only.
            1 => "!?.-_ /".chars().cycle().skip(i).take(1 + i % 5).collect(),
            // 60 characters sharing the first 40 and more.
            2 => format!("{prefix}{i:018}"),
            // Non-ASCII.
            3 => ["équipe", "Équipe", "サポート", "команда", "团队", "ñ"][i % 6].repeat(1 + i / 6),
            // An id spelled like another's hashed name.
            4 => match i % 3 {
                0 => format!("t{i}"),
                1 => format!("T{}", i - 1),
                _ => format!(
                    "t{}-{}",
                    i - 2,
                    &sha256_hex(format!("t{}", i - 2).as_bytes())[..8]
                ),
            },
            _ => random_id(&mut rng),
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| !id.trim().is_empty() && seen.insert(id.clone()));
    ids
}

fn assert_unique_and_safe(ids: &[String], paths: &[String]) {
    assert_eq!(paths.len(), ids.len());
    let mut lower: Vec<String> = paths.iter().map(|p| p.to_lowercase()).collect();
    lower.sort();
    lower.dedup();
    assert_eq!(lower.len(), ids.len(), "{ids:?} -> {paths:?}");
    for p in paths {
        let name = p
            .strip_prefix("participants/handouts/")
            .and_then(|n| n.strip_suffix(".md"))
            .unwrap_or_else(|| panic!("{p}"));
        assert!(!name.is_empty() && name.len() <= 52, "{p}");
        assert!(
            name.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{p}"
        );
    }
}

#[test]
fn handout_names_are_unique_for_any_team_ids() {
    let mut hashed = 0;
    for seed in 0..3000 {
        let ids = id_set(seed);
        let paths = handout_paths(&ids);
        assert_unique_and_safe(&ids, &paths);
        assert_eq!(paths, handout_paths(&ids), "deterministic");
        hashed += paths.iter().filter(|p| p.len() > 20).count();
    }
    // The generator does produce colliding slugs.
    assert!(hashed > 1000, "{hashed}");
}

#[test]
fn every_handout_is_written_and_linked_from_the_guide() {
    let sc = scenario(&chain_scenario("ApiKey", "0s", "UniformWeek"));
    for seed in 0..36 {
        let ids = id_set(seed);
        let extra: Vec<String> = (1..ids.len())
            .map(|i| format!("(id: \"x{i}\", staff: 1, coverage: AlwaysOn)"))
            .collect();
        let text = ops_model(
            "ApiKey: (r: [\"ops\"])",
            "(r: [\"ops\"])",
            SURE,
            &extra.join(",\n"),
        );
        let mut m = model(&text);
        for (team, id) in m.teams.iter_mut().zip(&ids) {
            team.id = id.clone();
        }
        let played = play(&sc, &m, 1, 0, 1_000_000).unwrap();
        let files = build_pack(&sc, &m, ("m.ron", &text), &played, Pick::Run(0), 1, None)
            .expect("the run fills the modules");
        let paths = handout_paths(&ids);
        assert_unique_and_safe(&ids, &paths);
        let written: Vec<&str> = files
            .iter()
            .map(|(p, _)| p.as_str())
            .filter(|p| p.starts_with("participants/handouts/") && p.ends_with(".md"))
            .collect();
        assert_eq!(written, paths, "{ids:?}");
        // Each handout is one document: Markdown, HTML (and whatever else documents get).
        for p in &paths {
            let html = p.replace(".md", ".html");
            assert!(files.iter().any(|(f, _)| *f == html), "{html}");
        }
        let (guide_md, guide_html) = (
            pack_file(&files, "facilitator/handbook.md"),
            pack_file(&files, "facilitator/handbook.html"),
        );
        for p in &paths {
            let md = format!("../{p}");
            assert!(guide_md.contains(&format!("]({md})")), "{md} not linked");
            let html = md.replace(".md", ".html");
            assert!(guide_html.contains(&format!("href=\"{html}\"")), "{html}");
        }
    }
}
