//! What a command may ask of the machine: the most runs, and the memory it will need,
//! estimated before anything is simulated so that a run too big for the machine is refused
//! with its estimate instead of being killed (or swapping) an hour in.

use crate::engine::metrics::{Breakdown, RunMetrics};

/// Most runs a command accepts (`--runs`, a study's `runs`); a run index (`trace --run`,
/// `tabletop --pick run:I`) is below it. Per-run random streams are keyed by
/// `run << 20 | source`, distinct for every run index below 2^44, far above this.
pub const MAX_RUNS: u64 = 100_000_000;
const _: () = assert!(MAX_RUNS < 1 << 44);

/// Memory a command may plan to use unless `--memory-budget` says otherwise.
pub const DEFAULT_MEMORY_BUDGET: u64 = 8 << 30;

/// What the memory of a batch depends on besides its runs: the model's teams, the
/// scenario's credentials (the per-credential outcome table) and stages (kept stage times).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    pub teams: usize,
    pub credentials: usize,
    pub stages: usize,
}

impl Shape {
    pub fn of(scenario: &crate::input::Scenario, model: &crate::input::Model) -> Self {
        Shape {
            teams: model.teams.len(),
            credentials: scenario.credentials.len(),
            stages: scenario.stages.len(),
        }
    }

    /// The most credentials and stages of any of `scenarios` (no teams).
    pub fn largest(scenarios: &[crate::input::Scenario]) -> Self {
        Shape {
            teams: 0,
            credentials: scenarios
                .iter()
                .map(|s| s.credentials.len())
                .max()
                .unwrap_or(0),
            stages: scenarios.iter().map(|s| s.stages.len()).max().unwrap_or(0),
        }
    }
}

/// Bytes of one breakdown (handoff, stall and credential tables): `teams` teams, `creds`
/// credentials.
pub fn breakdown_bytes(teams: usize, creds: usize) -> u64 {
    let b = Breakdown::new(0, 0);
    let pairs = ((teams + 1) * (teams + 1)) as u64;
    let per_pair = 1 + b.stalls.len() as u64; // a handoff and a stall per activity
    let per_cred = 6 + teams as u64; // six counts, and revocations by team
    (pairs * per_pair * 2 + teams as u64 * 4 + creds as u64 * per_cred) * 8
}

/// Bytes kept per run when runs are kept: the metrics, the summary's censored times, and the
/// per-run output written from it while it is still held (a JSON or CSV row, about 1 KB, and
/// the buffers that grow to hold it; measured: `run --runs 200000 --json` peaks at 2.4 KB a
/// run), and its stage first-completion times (16 bytes each held, about 32 written).
pub fn kept_run_bytes(stages: usize) -> u64 {
    std::mem::size_of::<RunMetrics>() as u64 + 4 * 16 + 2200 + stages as u64 * 48
}

/// What a command will hold in memory at its peak.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Estimate {
    pub bytes: u64,
}

impl Estimate {
    /// One batch of `runs` runs of a scenario and model of this shape; `keep_runs` for per-run
    /// output.
    pub fn batch(runs: u64, shape: Shape, keep_runs: bool) -> Self {
        let Shape {
            teams,
            credentials,
            stages,
        } = shape;
        let threads = rayon::current_num_threads() as u64;
        // A breakdown per rayon split (about two per thread, measured; never more than the
        // chunk's units of 64 runs), the batch's own, and a chunk of runs.
        let units = runs.min(1 << 16).div_ceil(64).max(1);
        let splits = units.min(2 * threads + 1);
        let in_flight = (splits + 2) * breakdown_bytes(teams, credentials)
            + (1 << 16) * std::mem::size_of::<RunMetrics>() as u64;
        let kept = if keep_runs {
            runs.saturating_mul(kept_run_bytes(stages))
        } else {
            0
        };
        Estimate {
            bytes: in_flight.saturating_add(kept),
        }
    }

    /// Every model (by team count) on `scenarios` scenarios, `runs` runs each, all runs kept,
    /// `copies` times over (the comparison, and each sweep point of a shard). `largest` gives
    /// the most credentials and stages of any scenario (its `teams` is ignored).
    pub fn comparison(
        runs: u64,
        teams: &[usize],
        largest: Shape,
        scenarios: usize,
        copies: u64,
    ) -> Self {
        let most_teams = teams.iter().copied().max().unwrap_or(0);
        let shape = Shape {
            teams: most_teams,
            ..largest
        };
        let mut bytes = Estimate::batch(runs, shape, false).bytes;
        for &t in teams {
            let one = runs
                .saturating_mul(kept_run_bytes(largest.stages))
                .saturating_add(breakdown_bytes(t, largest.credentials));
            bytes = bytes.saturating_add(
                one.saturating_mul(scenarios as u64)
                    .saturating_mul(copies.max(1)),
            );
        }
        Estimate { bytes }
    }

    /// Both estimates held at once.
    pub fn plus(self, other: Estimate) -> Estimate {
        Estimate {
            bytes: self.bytes.saturating_add(other.bytes),
        }
    }

    /// Refuses an estimate over `budget` bytes.
    pub fn within(self, budget: u64, what: &str) -> Result<(), OverBudget> {
        if self.bytes > budget {
            Err(OverBudget {
                what: what.to_string(),
                need: self.bytes,
                budget,
            })
        } else {
            Ok(())
        }
    }
}

/// A command that would need more memory than allowed (bad input: exit 2).
#[derive(Debug, thiserror::Error)]
#[error(
    "{what} would need about {} of memory, more than the memory budget of {}\n  help: use \
     fewer runs, models, scenarios or teams, or raise the budget with --memory-budget {} if \
     this machine has the memory",
    human_bytes(*need),
    human_bytes(*budget),
    suggest_budget(*need)
)]
pub struct OverBudget {
    pub what: String,
    pub need: u64,
    pub budget: u64,
}

/// Bytes in the units people read (1 decimal, powers of 1024).
pub fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

fn suggest_budget(need: u64) -> String {
    format!("{}G", need.div_ceil(1 << 30))
}

/// Parses a memory size: `512M`, `16G`, `16GiB`, `2T`, or plain bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(format!("bad size \"{text}\": write e.g. 512M or 16G")),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("bad size \"{text}\": write e.g. 512M or 16G"))?;
    n.checked_mul(1 << shift)
        .filter(|&b| b > 0)
        .ok_or_else(|| format!("bad size \"{text}\": write e.g. 512M or 16G"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breakdown_bytes_is_what_a_breakdown_holds() {
        for teams in [0, 1, 7, 40] {
            let b = Breakdown::new(teams, 3);
            let c = &b.credentials;
            let words = c.held.len()
                + c.revoked.len()
                + c.revoke_seconds.len()
                + c.revoked_by_team.len()
                + c.missed_at_close.len()
                + c.found_by_verify.len()
                + c.found_by_later_detection.len()
                + b.handoffs.len()
                + b.handoff_wait.len()
                + b.stalls.len()
                + b.stall_wait.len()
                + b.busy.len()
                + b.capacity.len()
                + b.background_jobs.len()
                + b.background_wait.len();
            assert_eq!(breakdown_bytes(teams, 3), words as u64 * 8, "{teams} teams");
        }
    }

    #[test]
    fn sizes_parse_in_binary_units() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("16G"), Ok(16 << 30));
        assert_eq!(parse_size("16GiB"), Ok(16 << 30));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("0").is_err());
        assert!(parse_size("x").is_err());
        assert!(parse_size("99999999999T").is_err());
        assert_eq!(human_bytes(12_800_000_000), "11.9 GiB");
    }
}
