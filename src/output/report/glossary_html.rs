//! `<section id="definitions">`: every number of the report in plain words, one anchor each,
//! so every metric heading can link to its meaning.

use std::fmt::Write as _;

use crate::analysis::verdict::Practical;
use crate::output::escape::html;

/// (anchor, term, definition).
pub const DEFINITIONS: [(&str, &str, &str); 10] = [
    (
        "def-ttc",
        "Time to containment (TTC)",
        "From the start of the attack until the attacker first holds no working credential: every credential they stole or created is revoked, or its residual validity has run out. p50 is the median run, p90 the run slower than nine in ten. If the attacker returns later, that is a re-entry; containment still counts from the first time.",
    ),
    (
        "def-restricted-mean",
        "Restricted mean time to containment",
        "The average time to containment in which an attack never contained counts as the full horizon (for example 30 days). Unlike an average over contained attacks only, it does not hide the attacks a model never stops, and unlike the median it feels the long tail. Models are ranked by it.",
    ),
    (
        "def-censored",
        "Censored, contained, > horizon",
        "A run in which the attacker is not contained by the scenario's horizon is censored: we know only that containment took longer. It is never dropped. \"Contained\" is the share of attack runs contained by the horizon; a percentile shown as \"> 30.0d\" fell among the censored runs. Survival curves mark the censored share at the horizon.",
    ),
    (
        "def-missed",
        "Missed revocation",
        "A credential the attacker held that was still working when the incident was first closed: the responders believed they were done and were not. Counted per attack run and by credential kind.",
    ),
    (
        "def-stall",
        "Stall, wait by cause",
        "Every second a task waits is attributed, while simulating, to one cause: nobody owns the task (unowned), several teams own it (ambiguous), no one or several must approve (no accountable, split accountability), waiting for a consulted team, off hours, paging, queue (staff busy), or residual validity. A stall is a wait with an ownership cause, or a handoff wait longer than the model's stall threshold.",
    ),
    (
        "def-wrongful",
        "Wrongful disruption",
        "Credentials revoked in benign runs, where the alert was legitimate activity that looked like an attack: each one is an outage someone has to undo. Counted per benign run.",
    ),
    (
        "def-damage",
        "Damage",
        "What the attacker achieved before being evicted, in the units the scenario defines (for example records exfiltrated or hours of access to a system), summed over the attack's stages and counted per attack run. Scenario files say what their unit is.",
    ),
    (
        "def-dwell",
        "Dwell",
        "From the attacker's first use of a stolen credential until a defending team first learns of the attack (a detection or an external report).",
    ),
    (
        "def-verdict",
        "Verdict: better, worse, equivalent, inconclusive",
        "Each model faces the same attacks as the baseline, so each run gives a paired difference; its mean has a 95% interval. Better or worse: the interval excludes zero and the difference exceeds the practical threshold. Equivalent: the whole interval lies within the threshold, so any difference is too small to matter. Inconclusive: neither; more runs may settle it.",
    ),
    (
        "def-power",
        "Smallest resolvable difference",
        "The smallest true difference these runs would call real (interval excluding zero) four times in five: (t + 0.84) standard errors. When it is larger than the practical threshold, a difference that matters could go undetected, and the report says how many runs would resolve it (runs grow with the square of the ratio).",
    ),
];

/// The definitions section, with the practical thresholds in force.
pub fn definitions_section(o: &mut String, practical: &Practical) {
    o.push_str("<section id=\"definitions\"><h2>What the numbers mean</h2>\n<dl>\n");
    for (anchor, term, text) in DEFINITIONS {
        let _ = writeln!(
            o,
            "<dt id=\"{anchor}\">{}</dt><dd>{}</dd>",
            html(term),
            html(text)
        );
    }
    let _ = writeln!(
        o,
        "<dt id=\"def-threshold\">Practical threshold</dt><dd>The smallest difference that matters, set in a study's <code>practical:</code> field or with <code>--practical-time</code>, <code>--practical-relative</code>, <code>--practical-share</code> and <code>--practical-count</code>. In this report: {}.</dd>",
        html(&practical.describe())
    );
    o.push_str("</dl>\n</section>\n");
}
