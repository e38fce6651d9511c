//! The participant feedback form (CTEP style), for every player: who they are (optional),
//! ratings of the exercise from 1 to 5, the top strengths and areas for improvement, and what
//! they will do next. It says nothing of the run, so it is safe under `participants/`.

use super::{document, Block, Exercise};

/// The statements the players rate, 1 (strongly disagree) to 5 (strongly agree).
const STATEMENTS: [&str; 8] = [
    "The exercise was well structured and organised.",
    "The scenario was plausible and realistic.",
    "The facilitator knew the material and kept the exercise on target.",
    "The Situation Manual and my team's handout were useful throughout the exercise.",
    "Taking part was appropriate for someone in my role.",
    "The right people took part, in level and in mix of teams.",
    "I know which RACI rows name my team, and what each asks of it.",
    "I know whom to call, and when, at each step of this kind of incident.",
];

/// The form as `participants/feedback-form.{md,html}`.
pub(super) fn files(ex: &Exercise) -> Vec<(String, Vec<u8>)> {
    let title = format!("Participant feedback form: {}", ex.scenario.name);
    let ratings: Vec<Vec<String>> = STATEMENTS
        .iter()
        .map(|s| {
            let mut row = vec![s.to_string()];
            row.extend(std::iter::repeat_n(String::new(), 5));
            row
        })
        .collect();
    let blank = |n: usize| vec![vec![String::new(), String::new()]; n];
    let numbered = |n: usize| -> Vec<Vec<String>> {
        (1..=n)
            .map(|i| vec![i.to_string(), String::new()])
            .collect()
    };
    let blocks = vec![
        Block::Para("Please fill in this form before you leave. Your answers improve the next exercise and feed the after-action report. Name and role are optional.".into()),
        Block::Heading("Part I: about you (optional)".into()),
        Block::table(["about you", "answer"], vec![
            vec!["name".into(), String::new()],
            vec!["team".into(), String::new()],
            vec!["role".into(), String::new()],
        ]),
        Block::Heading("Part II: the exercise".into()),
        Block::Para("Mark one box per statement: 1 strongly disagree, 2 disagree, 3 neutral, 4 agree, 5 strongly agree.".into()),
        Block::table(["statement", "1", "2", "3", "4", "5"], ratings),
        Block::Heading("Part III: strengths and improvements".into()),
        Block::Para("The top three strengths of the response you discussed:".into()),
        Block::table(["#", "strength"], numbered(3)),
        Block::Para("The top three areas for improvement, and who should own each:".into()),
        Block::table(["#", "area for improvement"], numbered(3)),
        Block::Heading("Part IV: what you will do next".into()),
        Block::Para("One thing you will do, or ask for, in the next 30 days as a result of this exercise, and by when:".into()),
        Block::table(["action", "by when"], blank(2)),
        Block::Heading("Part V: anything else".into()),
        Block::Para("How could the exercise be improved? Other comments:".into()),
        Block::table(["comments"], vec![vec![String::new()]; 4]),
    ];
    document("participants/feedback-form", &title, &blocks, &[])
}
