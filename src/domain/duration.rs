//! Durations as people write them ("90s", "15m", "4h", "2d", "1h30m"), clock times ("09:00"),
//! and the effort and delay distributions the engine samples, in integer seconds.

use rand::{Rng, RngExt};
use serde::de::{self, Deserializer};
use serde::Deserialize;

use crate::domain::{DAY, HOUR, MINUTE, WEEK};

/// The longest duration any input may name: ten years. Keeps sums far from overflow.
pub const MAX_SECONDS: u64 = 10 * 365 * DAY;

/// A non-negative whole number of seconds, written "90s", "15m", "4h", "2d", "1w" or a
/// combination such as "1h30m".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration(pub u64);

impl Duration {
    pub fn seconds(self) -> u64 {
        self.0
    }
}

/// Parses "1h30m" into seconds; the error text says what to write instead.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let s = text.trim();
    // Quoted in messages at most 60 characters long, whatever the input holds.
    let text = crate::input::clip(text);
    if s.is_empty() {
        return Err("empty duration; write a number and a unit, e.g. \"15m\"".into());
    }
    if s.starts_with('-') {
        return Err(format!(
            "negative duration \"{text}\"; durations are zero or more, e.g. \"0s\" or \"15m\""
        ));
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => MINUTE,
            'h' => HOUR,
            'd' => DAY,
            'w' => WEEK,
            _ => {
                return Err(format!(
                    "bad duration \"{text}\": unknown unit `{c}`; use s, m, h, d or w, e.g. \"90s\", \"4h\""
                ))
            }
        };
        if digits.is_empty() {
            return Err(format!(
                "bad duration \"{text}\": a unit needs a number before it, e.g. \"15m\""
            ));
        }
        let n: u64 = digits
            .parse()
            .map_err(|_| format!("duration \"{text}\" is too large"))?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("duration \"{text}\" is too large"))?;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(format!(
            "bad duration \"{text}\": number without a unit; write e.g. \"{0}s\" or \"{0}m\"",
            crate::input::clip(&digits)
        ));
    }
    if total > MAX_SECONDS {
        return Err(format!(
            "duration \"{text}\" is longer than the ten-year limit"
        ));
    }
    Ok(total)
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_duration(&s).map(Duration).map_err(de::Error::custom)
    }
}

/// A time of day, "HH:MM", stored as seconds after midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime(pub u64);

pub fn parse_clock(text: &str) -> Result<u64, String> {
    let bad = || {
        format!(
            "bad time of day \"{}\"; write \"HH:MM\", e.g. \"09:00\"",
            crate::input::clip(text)
        )
    };
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let h: u64 = h.parse().map_err(|_| bad())?;
    let m: u64 = m.parse().map_err(|_| bad())?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * HOUR + m * MINUTE)
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_clock(&s).map(ClockTime).map_err(de::Error::custom)
    }
}

/// A distribution as written in a file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum DistFile {
    /// Always this long.
    Fixed(Duration),
    /// Uniform between `min` and `max`.
    Uniform { min: Duration, max: Duration },
    /// Exponential with this mean.
    Exponential { mean: Duration },
    /// Lognormal given by what practitioners can estimate: the median and the 90th percentile.
    LogNormal { median: Duration, p90: Duration },
    /// Triangular between `min` and `max`, most likely `mode`.
    Triangular {
        min: Duration,
        mode: Duration,
        max: Duration,
    },
}

/// z of the 90th percentile of the standard normal.
const Z90: f64 = 1.281_551_565_544_600_4;

/// A validated distribution over whole seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Dist {
    Fixed(u64),
    Uniform { min: f64, max: f64 },
    Exponential { mean: f64 },
    LogNormal { mu: f64, sigma: f64 },
    Triangular { min: f64, mode: f64, max: f64 },
}

impl DistFile {
    /// Checks the parameters and converts; the error says which parameter is wrong.
    pub fn resolve(&self) -> Result<Dist, String> {
        Ok(match *self {
            DistFile::Fixed(d) => Dist::Fixed(d.0),
            DistFile::Uniform { min, max } => {
                if min > max {
                    return Err(format!(
                        "uniform min ({}s) is greater than max ({}s)",
                        min.0, max.0
                    ));
                }
                Dist::Uniform {
                    min: min.0 as f64,
                    max: max.0 as f64,
                }
            }
            DistFile::Exponential { mean } => Dist::Exponential {
                mean: mean.0 as f64,
            },
            DistFile::LogNormal { median, p90 } => {
                if median.0 == 0 {
                    return Err("lognormal median must be above 0s".into());
                }
                if p90 <= median {
                    return Err(format!(
                        "lognormal p90 ({}s) must be greater than its median ({}s); for a constant use Fixed",
                        p90.0, median.0
                    ));
                }
                let mu = (median.0 as f64).ln();
                Dist::LogNormal {
                    mu,
                    sigma: ((p90.0 as f64).ln() - mu) / Z90,
                }
            }
            DistFile::Triangular { min, mode, max } => {
                if !(min <= mode && mode <= max) {
                    return Err(format!(
                        "triangular needs min <= mode <= max, got {}s, {}s, {}s",
                        min.0, mode.0, max.0
                    ));
                }
                Dist::Triangular {
                    min: min.0 as f64,
                    mode: mode.0 as f64,
                    max: max.0 as f64,
                }
            }
        })
    }
}

impl Dist {
    /// Draws whole seconds. `Fixed` consumes no randomness, so a fixed effort never shifts the
    /// stream of the draws that follow it.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        let x = match *self {
            Dist::Fixed(s) => return s,
            Dist::Uniform { min, max } => min + rng.random::<f64>() * (max - min),
            Dist::Exponential { mean } => -mean * (1.0 - rng.random::<f64>()).ln(),
            Dist::LogNormal { mu, sigma } => (mu + sigma * standard_normal(rng)).exp(),
            Dist::Triangular { min, mode, max } => {
                let u = rng.random::<f64>();
                let span = max - min;
                if span <= 0.0 {
                    min
                } else {
                    let cut = (mode - min) / span;
                    if u < cut {
                        min + (u * span * (mode - min)).sqrt()
                    } else {
                        max - ((1.0 - u) * span * (max - mode)).sqrt()
                    }
                }
            }
        };
        // Round to the nearest second; clamp so sums cannot overflow.
        (x + 0.5).clamp(0.0, MAX_SECONDS as f64) as u64
    }

    /// The mean in seconds, for capacity checks.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed(s) => s as f64,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Exponential { mean } => mean,
            Dist::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
        }
    }

    /// The same distribution with every duration multiplied by `factor` (> 0): the same kind,
    /// so it draws exactly as often as before (common random numbers hold); a fixed duration is
    /// rounded to the nearest second.
    pub fn scaled(&self, factor: f64) -> Dist {
        match *self {
            Dist::Fixed(s) => {
                Dist::Fixed((s as f64 * factor + 0.5).clamp(0.0, MAX_SECONDS as f64) as u64)
            }
            Dist::Uniform { min, max } => Dist::Uniform {
                min: min * factor,
                max: max * factor,
            },
            Dist::Exponential { mean } => Dist::Exponential {
                mean: mean * factor,
            },
            Dist::LogNormal { mu, sigma } => Dist::LogNormal {
                mu: mu + factor.ln(),
                sigma,
            },
            Dist::Triangular { min, mode, max } => Dist::Triangular {
                min: min * factor,
                mode: mode * factor,
                max: max * factor,
            },
        }
    }
}

/// Box-Muller, one normal per two uniforms (the second is discarded so every draw consumes the
/// same amount of the stream).
#[inline]
fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    let u1 = 1.0 - rng.random::<f64>(); // (0, 1]
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// "T+hh:mm" for a trace, days folded into hours ("T+63:00").
pub fn format_offset(seconds: u64) -> String {
    format!("T+{:02}:{:02}", seconds / HOUR, (seconds % HOUR) / MINUTE)
}

/// A compact human duration: "45s", "12m", "3.5h", "2.1d".
pub fn format_human(seconds: f64) -> String {
    if seconds < 90.0 {
        format!("{seconds:.0}s")
    } else if seconds < 90.0 * 60.0 {
        format!("{:.0}m", seconds / 60.0)
    } else if seconds < 48.0 * 3600.0 {
        format!("{:.1}h", seconds / 3600.0)
    } else {
        format!("{:.1}d", seconds / 86_400.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_people_durations() {
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("15m"), Ok(900));
        assert_eq!(parse_duration("4h"), Ok(14_400));
        assert_eq!(parse_duration("2d"), Ok(172_800));
        assert_eq!(parse_duration("1h30m"), Ok(5_400));
        assert!(parse_duration("-5m").unwrap_err().contains("negative"));
        assert!(parse_duration("15").unwrap_err().contains("without a unit"));
        assert!(parse_duration("3x").unwrap_err().contains("unknown unit"));
        assert!(parse_duration("99999999999999999999s")
            .unwrap_err()
            .contains("too large"));
    }

    #[test]
    fn parses_clock_times() {
        assert_eq!(parse_clock("09:00"), Ok(9 * HOUR));
        assert_eq!(parse_clock("17:30"), Ok(17 * HOUR + 30 * MINUTE));
        assert!(parse_clock("25:00").is_err());
        assert!(parse_clock("9").is_err());
    }

    #[test]
    fn lognormal_matches_its_median_and_p90() {
        use rand::SeedableRng;
        let d = DistFile::LogNormal {
            median: Duration(600),
            p90: Duration(3600),
        }
        .resolve()
        .unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut xs: Vec<u64> = (0..200_000).map(|_| d.sample(&mut rng)).collect();
        xs.sort_unstable();
        let median = xs[xs.len() / 2] as f64;
        let p90 = xs[xs.len() * 9 / 10] as f64;
        assert!((median - 600.0).abs() / 600.0 < 0.02, "median {median}");
        assert!((p90 - 3600.0).abs() / 3600.0 < 0.02, "p90 {p90}");
    }

    #[test]
    fn exponential_and_triangular_means() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        for d in [
            Dist::Exponential { mean: 1800.0 },
            Dist::Triangular {
                min: 60.0,
                mode: 600.0,
                max: 3000.0,
            },
            Dist::Uniform {
                min: 100.0,
                max: 500.0,
            },
        ] {
            let n = 200_000;
            let mean = (0..n).map(|_| d.sample(&mut rng) as f64).sum::<f64>() / n as f64;
            assert!(
                (mean - d.mean()).abs() / d.mean() < 0.01,
                "{d:?}: {mean} vs {}",
                d.mean()
            );
        }
    }

    #[test]
    fn scaled_multiplies_every_duration_and_keeps_the_kind() {
        assert_eq!(Dist::Fixed(600).scaled(0.5), Dist::Fixed(300));
        assert_eq!(
            Dist::Fixed(5).scaled(0.5),
            Dist::Fixed(3),
            "rounded to the nearest second"
        );
        let ln = Dist::LogNormal {
            mu: (600f64).ln(),
            sigma: 0.7,
        };
        let Dist::LogNormal { mu, sigma } = ln.scaled(3.0) else {
            panic!("kind kept")
        };
        assert!((mu.exp() - 1800.0).abs() < 1e-9, "median x3");
        assert_eq!(sigma, 0.7, "spread kept");
        assert!((ln.scaled(3.0).mean() - 3.0 * ln.mean()).abs() < 1e-6);
        assert_eq!(
            Dist::Triangular {
                min: 60.0,
                mode: 600.0,
                max: 3000.0
            }
            .scaled(2.0),
            Dist::Triangular {
                min: 120.0,
                mode: 1200.0,
                max: 6000.0
            }
        );
        assert_eq!(
            Dist::Exponential { mean: 100.0 }.scaled(0.5),
            Dist::Exponential { mean: 50.0 }
        );
        assert_eq!(
            Dist::Uniform {
                min: 100.0,
                max: 500.0
            }
            .scaled(2.0),
            Dist::Uniform {
                min: 200.0,
                max: 1000.0
            }
        );
    }
}
