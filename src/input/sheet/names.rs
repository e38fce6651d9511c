//! What a spreadsheet's words mean: activity names (`Approve containment`, `revoke api_key`,
//! `Revoke API keys`, `detect (bulk_export)`) as raci-sim rows, cells (`R`, `A/R`, `r, a`) as
//! letters, and team headers as ids.

use crate::domain::{CredentialKind, ReportSource, SignalKind};
use crate::input::closest;

/// The raci-sim rows a spreadsheet row can be, by the name written in files.
pub const ROW_NAMES: [&str; 13] = [
    "detect",
    "intake",
    "triage",
    "scope",
    "validate_entitlement",
    "confirm_business",
    "approve_containment",
    "revoke",
    "verify",
    "capture_evidence",
    "close",
    "rotate_all",
    "revoke.<kind>",
];

/// The single rows (one `RowFile` each in the model), in the model file's order.
pub const SINGLE: [&str; 8] = [
    "triage",
    "scope",
    "validate_entitlement",
    "confirm_business",
    "approve_containment",
    "verify",
    "capture_evidence",
    "close",
];

/// Which raci-sim row a spreadsheet row is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowKey {
    /// A detect row for these signal kinds (empty: all).
    Detect(Vec<SignalKind>),
    /// An intake row for these report sources (empty: all).
    Intake(Vec<ReportSource>),
    /// One of [`SINGLE`].
    Single(&'static str),
    /// The revoke row of these credential kinds (empty: every kind not given on its own row).
    Revoke(Vec<CredentialKind>),
    RotateAll,
}

impl RowKey {
    /// Detect and intake rows take R and I only.
    pub fn r_and_i_only(&self) -> bool {
        matches!(self, RowKey::Detect(_) | RowKey::Intake(_))
    }

    /// The name `export` writes and `import` reads back: `approve_containment`,
    /// `revoke api_key`, `detect (bulk_export, data_exfiltration)`.
    pub fn name(&self) -> String {
        fn listed<T: Copy>(base: &str, items: &[T], name: impl Fn(T) -> &'static str) -> String {
            if items.is_empty() {
                return base.to_string();
            }
            let names: Vec<&str> = items.iter().map(|&x| name(x)).collect();
            format!("{base} ({})", names.join(", "))
        }
        match self {
            RowKey::Detect(s) => listed("detect", s, SignalKind::name),
            RowKey::Intake(s) => listed("intake", s, ReportSource::name),
            RowKey::Single(n) => n.to_string(),
            RowKey::Revoke(k) if k.len() == 1 => format!("revoke {}", k[0].name()),
            RowKey::Revoke(k) => listed("revoke", k, CredentialKind::name),
            RowKey::RotateAll => "rotate_all".into(),
        }
    }
}

/// Why a name is not a raci-sim row: the message and a suggestion.
#[derive(Debug, PartialEq, Eq)]
pub struct NameError {
    pub message: String,
    pub help: String,
    /// The name is close to a raci-sim row (a misspelling, a bad list) rather than unrelated.
    pub close: bool,
    /// The row a word of the name names (`Detect suspicious sign-in`: `detect`), for the
    /// mapping the help suggests.
    pub by_word: Option<&'static str>,
}

/// Lower case, every run of characters other than letters and digits one space, trimmed:
/// `"Approve_Containment "` -> `"approve containment"`.
pub fn words(s: &str) -> String {
    let lower = s.to_lowercase();
    let parts: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    parts.join(" ")
}

/// What the base of a name (before any list in parentheses) can be.
#[derive(Clone, Copy)]
enum Base {
    Detect,
    Intake,
    Single(&'static str),
    Revoke,
    RotateAll,
}

/// Names (as [`words`]) and the spellings people use for them.
const PHRASES: &[(&str, Base)] = &[
    ("detect", Base::Detect),
    ("detection", Base::Detect),
    ("intake", Base::Intake),
    ("report intake", Base::Intake),
    ("triage", Base::Single("triage")),
    ("scope", Base::Single("scope")),
    ("scoping", Base::Single("scope")),
    ("validate entitlement", Base::Single("validate_entitlement")),
    (
        "validate entitlements",
        Base::Single("validate_entitlement"),
    ),
    ("confirm business", Base::Single("confirm_business")),
    ("business confirmation", Base::Single("confirm_business")),
    ("approve containment", Base::Single("approve_containment")),
    ("containment approval", Base::Single("approve_containment")),
    ("revoke", Base::Revoke),
    ("revocation", Base::Revoke),
    ("revoke credentials", Base::Revoke),
    ("verify", Base::Single("verify")),
    ("verification", Base::Single("verify")),
    ("capture evidence", Base::Single("capture_evidence")),
    ("evidence capture", Base::Single("capture_evidence")),
    ("close", Base::Single("close")),
    ("closure", Base::Single("close")),
    ("close incident", Base::Single("close")),
    ("rotate all", Base::RotateAll),
    ("rotate all credentials", Base::RotateAll),
    ("rotate", Base::RotateAll),
    ("triage alert", Base::Single("triage")),
    ("triage alerts", Base::Single("triage")),
    ("detect signals", Base::Detect),
    ("verify containment", Base::Single("verify")),
    ("revoke all", Base::Revoke),
];

/// The raci-sim row a name means, or why it means none.
pub fn parse_row(name: &str) -> Result<RowKey, NameError> {
    let name = name.trim();
    let (base, list) = match (name.find('('), name.strip_suffix(')')) {
        (Some(open), Some(inner)) => (&name[..open], Some(&inner[open + 1..])),
        _ => (name, None),
    };
    let w = words(base);
    if let Some((_, b)) = PHRASES.iter().find(|(p, _)| *p == w) {
        let items: Vec<&str> = list
            .map(|l| l.split([',', ';', '/', '+']).map(str::trim).collect())
            .unwrap_or_default();
        let items: Vec<&str> = items.into_iter().filter(|s| !s.is_empty()).collect();
        return with_list(*b, &items);
    }
    // `revoke api_key`, `Revoke API keys`, `revoke: session`.
    for lead in ["revoke ", "revocation of "] {
        if let Some(rest) = w.strip_prefix(lead) {
            if list.is_none() {
                return kinds(&[rest]).map(RowKey::Revoke);
            }
        }
    }
    let typed = w.replace(' ', "_");
    let best = closest(&typed, ROW_NAMES.iter().copied().chain(revoke_names()));
    let by_word = match best {
        Some(_) => None,
        None => w.split(' ').find_map(|word| {
            PHRASES
                .iter()
                .find(|(p, _)| *p == word)
                .map(|&(_, b)| base_name(b))
        }),
    };
    let help = match (best, by_word) {
        (Some(best), _) | (None, Some(best)) => format!("did you mean \"{best}\"?"),
        (None, None) => format!("raci-sim rows: {}", ROW_NAMES.join(", ")),
    };
    Err(NameError {
        message: "not a raci-sim activity".into(),
        help,
        close: best.is_some(),
        by_word,
    })
}

/// The name of a row's base as written in files.
fn base_name(b: Base) -> &'static str {
    match b {
        Base::Detect => "detect",
        Base::Intake => "intake",
        Base::Single(n) => n,
        Base::Revoke => "revoke",
        Base::RotateAll => "rotate_all",
    }
}

fn revoke_names() -> impl Iterator<Item = &'static str> {
    [
        "revoke_session",
        "revoke_password",
        "revoke_api_key",
        "revoke_access_token",
        "revoke_refresh_token",
        "revoke_certificate",
        "revoke_secret",
        "revoke_ssh_key",
        "revoke_agent_credential",
        "revoke_consent_grant",
        "revoke_mfa_factor",
        "revoke_service_token",
    ]
    .into_iter()
}

fn with_list(base: Base, items: &[&str]) -> Result<RowKey, NameError> {
    match base {
        Base::Detect => {
            vocab(items, SignalKind::ALL, SignalKind::name, "signal kind").map(RowKey::Detect)
        }
        Base::Intake => vocab(
            items,
            ReportSource::ALL,
            ReportSource::name,
            "report source",
        )
        .map(RowKey::Intake),
        Base::Revoke => kinds(items).map(RowKey::Revoke),
        Base::Single(n) if items.is_empty() => Ok(RowKey::Single(n)),
        Base::RotateAll if items.is_empty() => Ok(RowKey::RotateAll),
        Base::Single(n) => Err(no_list(n)),
        Base::RotateAll => Err(no_list("rotate_all")),
    }
}

fn no_list(name: &str) -> NameError {
    NameError {
        message: format!("{name} takes no list in parentheses"),
        help: "only detect (signal kinds), intake (report sources) and revoke (credential kinds) \
               take one"
            .into(),
        close: true,
        by_word: None,
    }
}

/// Credential kinds from their names, spaced or not, singular or plural (`API keys`).
fn kinds(items: &[&str]) -> Result<Vec<CredentialKind>, NameError> {
    vocab(
        items,
        CredentialKind::ALL,
        CredentialKind::name,
        "credential kind",
    )
}

/// Items of a closed vocabulary, each once, matched without case, spaces, underscores or a
/// plural `s`.
fn vocab<T: Copy + PartialEq>(
    items: &[&str],
    all: &[T],
    name: impl Fn(T) -> &'static str,
    what: &str,
) -> Result<Vec<T>, NameError> {
    let squash = |s: &str| words(s).replace(' ', "");
    let mut out = Vec::new();
    for item in items {
        let typed = squash(item);
        let found = all.iter().copied().find(|&x| {
            let n = name(x).replace('_', "");
            typed == n || typed.strip_suffix('s') == Some(n.as_str())
        });
        match found {
            Some(x) if !out.contains(&x) => out.push(x),
            Some(_) => {}
            None => {
                let names: Vec<&str> = all.iter().map(|&x| name(x)).collect();
                let typed = words(item).replace(' ', "_");
                let help = match closest(&typed, names.iter().copied()) {
                    Some(best) => format!("did you mean \"{best}\"?"),
                    None => format!("{what}s: {}", names.join(", ")),
                };
                return Err(NameError {
                    message: format!("\"{}\" is not a {what}", crate::input::clip(item)),
                    help,
                    close: true,
                    by_word: None,
                });
            }
        }
    }
    Ok(out)
}

/// The letters of one cell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Letters {
    pub r: bool,
    pub a: bool,
    pub c: bool,
    pub i: bool,
}

impl Letters {
    pub fn any(self) -> bool {
        self.r || self.a || self.c || self.i
    }

    /// As `export` writes them: `A/R`, `R`, `C/I`; empty for none.
    pub fn text(self) -> String {
        let mut parts = Vec::new();
        for (on, l) in [(self.a, "A"), (self.r, "R"), (self.c, "C"), (self.i, "I")] {
            if on {
                parts.push(l);
            }
        }
        parts.join("/")
    }
}

/// What a cell may hold, for messages.
pub const ALLOWED: &str = "R, A, C, I, a combination such as A/R (also R/A, \"A,R\", AR), \
                           the words Responsible, Accountable, Consulted, Informed, or blank \
                           (or -)";

/// The letters of a cell, or `None` if it holds anything else. Blank, `-`, `–` and `—` are no
/// letters; letters are case-insensitive and may be combined (`A/R`, `R/A`, `A,R`, `a r`,
/// `AR`) or written as words (`Responsible`).
pub fn parse_letters(cell: &str) -> Option<Letters> {
    let mut l = Letters::default();
    let cell = cell.trim();
    if matches!(cell, "" | "-" | "–" | "—") {
        return Some(l);
    }
    for token in cell
        .split(['/', ',', '+', '&', ';', ' ', '\t'])
        .filter(|t| !t.is_empty())
    {
        let t = token.to_lowercase();
        let set: &[char] = match t.as_str() {
            "responsible" => &['r'],
            "accountable" => &['a'],
            "consulted" | "consult" => &['c'],
            "informed" | "inform" => &['i'],
            _ if t.len() <= 4 && t.chars().all(|c| "raci".contains(c)) => &[],
            _ => return None,
        };
        let chars: Vec<char> = if set.is_empty() {
            t.chars().collect()
        } else {
            set.to_vec()
        };
        for c in chars {
            let slot = match c {
                'r' => &mut l.r,
                'a' => &mut l.a,
                'c' => &mut l.c,
                _ => &mut l.i,
            };
            *slot = true;
        }
    }
    Some(l)
}

/// A team id from a header: lower case, every run of characters other than letters, digits,
/// `_` and `-` one `-` (`Security Operations (SOC)` -> `security-operations-soc`). An id that
/// is already like that is kept as it is, so exported models import under their own ids.
pub fn slug(header: &str) -> String {
    let lower = header.trim().to_lowercase();
    let parts: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .filter(|p| !p.is_empty())
        .collect();
    parts.join("-")
}

/// A cell as written by `export` to CSV: a leading apostrophe before `=`, `+`, `-` or `@`
/// (so a spreadsheet does not run it as a formula) is taken off again.
pub fn unescape_csv(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obvious_spellings_name_the_same_row() {
        for n in [
            "approve_containment",
            "Approve containment",
            "Approve Containment",
            " approve-containment ",
            "Containment approval",
        ] {
            assert_eq!(
                parse_row(n),
                Ok(RowKey::Single("approve_containment")),
                "{n}"
            );
        }
        use CredentialKind::*;
        for n in [
            "revoke api_key",
            "Revoke API keys",
            "revoke.api_key",
            "revoke (ApiKey)",
        ] {
            assert_eq!(parse_row(n), Ok(RowKey::Revoke(vec![ApiKey])), "{n}");
        }
        assert_eq!(parse_row("Revoke"), Ok(RowKey::Revoke(vec![])));
        assert_eq!(
            parse_row("revoke (sessions, refresh tokens)"),
            Ok(RowKey::Revoke(vec![Session, RefreshToken]))
        );
        assert_eq!(
            parse_row("detect (bulk_export, Data Exfiltration)"),
            Ok(RowKey::Detect(vec![
                SignalKind::BulkExport,
                SignalKind::DataExfiltration
            ]))
        );
        assert_eq!(parse_row("Rotate all"), Ok(RowKey::RotateAll));
    }

    #[test]
    fn unknown_names_get_the_closest_row() {
        let e = parse_row("Aprove containment").unwrap_err();
        assert_eq!(e.help, "did you mean \"approve_containment\"?");
        let e = parse_row("revoke api_kee").unwrap_err();
        assert_eq!(e.help, "did you mean \"api_key\"?");
        assert!(parse_row("Kill sessions").is_err());
        let e = parse_row("Detect suspicious sign-in").unwrap_err();
        assert_eq!((e.by_word, e.close), (Some("detect"), false));
        let e = parse_row("Final closure review").unwrap_err();
        assert_eq!(e.help, "did you mean \"close\"?");
        assert!(parse_row("triage (x)")
            .unwrap_err()
            .message
            .contains("no list"));
    }

    #[test]
    fn names_read_back_as_their_rows() {
        for k in [
            RowKey::Detect(vec![]),
            RowKey::Detect(vec![SignalKind::Generic, SignalKind::UnusualHours]),
            RowKey::Intake(vec![ReportSource::Customer]),
            RowKey::Revoke(vec![CredentialKind::SshKey]),
            RowKey::Single("validate_entitlement"),
            RowKey::RotateAll,
        ] {
            assert_eq!(parse_row(&k.name()), Ok(k.clone()), "{}", k.name());
        }
    }

    #[test]
    fn cells_read_as_letters() {
        let ar = Letters {
            r: true,
            a: true,
            ..Letters::default()
        };
        for c in [
            "A/R",
            "R/A",
            "A,R",
            " a, r ",
            "AR",
            "ra",
            "Accountable/Responsible",
        ] {
            assert_eq!(parse_letters(c), Some(ar), "{c}");
        }
        assert_eq!(parse_letters(" - "), Some(Letters::default()));
        assert_eq!(parse_letters("C").unwrap().text(), "C");
        assert_eq!(ar.text(), "A/R");
        for bad in ["X", "yes", "R?", "RACIR", "1"] {
            assert_eq!(parse_letters(bad), None, "{bad}");
        }
    }

    #[test]
    fn headers_become_ids() {
        assert_eq!(slug("Security Operations (SOC)"), "security-operations-soc");
        assert_eq!(slug("business-owner"), "business-owner");
        assert_eq!(slug(" IAM "), "iam");
        assert_eq!(slug("!!!"), "");
        assert_eq!(unescape_csv("'-x"), "-x");
        assert_eq!(unescape_csv("'quote"), "'quote");
    }
}
