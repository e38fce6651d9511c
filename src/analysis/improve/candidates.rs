//! Candidates: the original model file with one or two edits, written as RON and loaded back
//! through the normal validation, so the file a user gets is exactly the model simulated.

use super::changes::describe;
use super::edits::{apply, compatible};
use super::{Candidate, Edit};
use crate::input::file::ModelFile;
use crate::input::library::parse_model;
use crate::output::model_ron::{model_ron, Notes};

/// The longest summary written into a candidate file.
const SUMMARY_CHARS: usize = 240;

/// The candidate made of `edits` on `original`, or `None` when the edits change nothing or the
/// edited model does not validate (the reason is the validation error, for the record).
pub fn build(original: &ModelFile, id: &str, edits: Vec<Edit>) -> Result<Candidate, String> {
    let mut file = original.clone();
    for e in &edits {
        apply(&mut file, e);
    }
    let (changes, cost) = describe(original, &file);
    if changes.is_empty() {
        return Err("changes nothing".into());
    }
    file.name = format!("{}+{id}", original.name);
    let summary = format!("{} with: {}", original.name, changes.join("; "));
    file.summary = summary.chars().take(SUMMARY_CHARS).collect();
    let mut header = vec![format!(
        "Candidate {id} of `raci-sim improve {}`: the original model with these changes:",
        original.name
    )];
    header.extend(changes.iter().map(|c| format!("  {c}")));
    header.push(
        "Everything else, including the sources and [assumption] values, is as in the original."
            .into(),
    );
    let notes = Notes {
        header,
        ..Notes::default()
    };
    let text = model_ron(&file, &notes);
    let model = parse_model(&format!("improve/front/{id}.ron"), &text)
        .map_err(|e| format!("does not validate: {e:?}"))?;
    Ok(Candidate {
        id: id.to_string(),
        edits,
        name: file.name.clone(),
        file,
        text,
        model,
        cost,
        changes,
    })
}

/// Candidate ids in the order they are made: "c001", "c002", ...
pub fn id(n: usize) -> String {
    format!("c{:03}", n + 1)
}

/// The single-edit candidates, skipping edits that change nothing or do not validate, and
/// edits whose model equals an earlier candidate's.
pub fn singles(original: &ModelFile, edits: Vec<Edit>) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    for e in edits {
        if let Ok(c) = build(original, &id(out.len()), vec![e]) {
            if !out.iter().any(|o| same_model(o, &c)) {
                out.push(c);
            }
        }
    }
    out
}

/// Two candidates make the same model (their names aside).
fn same_model(a: &Candidate, b: &Candidate) -> bool {
    let mut x = a.file.clone();
    x.name.clone_from(&b.file.name);
    x.summary.clone_from(&b.file.summary);
    x == b.file
}

/// Pairs of the given single candidates (`chosen`, indices into `all`), in order (i < j),
/// when their edits are compatible and the pair is a new model; at most `max` pairs. Ids
/// continue after `all`.
pub fn pairs(
    original: &ModelFile,
    all: &[Candidate],
    chosen: &[usize],
    max: usize,
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    'outer: for (x, &i) in chosen.iter().enumerate() {
        for &j in &chosen[x + 1..] {
            if out.len() >= max {
                break 'outer;
            }
            let (a, b) = (&all[i].edits[0], &all[j].edits[0]);
            if !compatible(a, b) {
                continue;
            }
            let n = all.len() + out.len();
            let Ok(c) = build(original, &id(n), vec![a.clone(), b.clone()]) else {
                continue;
            };
            let new = !all.iter().chain(&out).any(|o| same_model(o, &c));
            if new {
                out.push(c);
            }
        }
    }
    out
}

/// How many pairs the first `k` of `chosen` would make (compatible edits only), for sizing the
/// pair pool to the budget without building models.
pub fn pair_count(all: &[Candidate], chosen: &[usize]) -> usize {
    let mut n = 0;
    for (x, &i) in chosen.iter().enumerate() {
        for &j in &chosen[x + 1..] {
            n += compatible(&all[i].edits[0], &all[j].edits[0]) as usize;
        }
    }
    n
}
