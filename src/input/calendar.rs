//! Calendar inputs: ISO dates and date-times (parsed by hand, civil-from-days arithmetic, no
//! time-zone database), a scenario's dated start, a model's holidays, and a scenario's
//! `damage_severity` thresholds. Every problem is reported at its field.

use crate::domain::DAY;

use super::check::Checker;
use super::file::{DamageSeverityFile, StartFile};
use super::{DamageSeverity, Start};

/// Earliest and latest accepted years (four digits; far from any overflow).
const YEARS: std::ops::RangeInclusive<i64> = 1900..=9999;

/// Days from 1970-01-01 to the civil date `y-m-d` (proleptic Gregorian; negative before 1970).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of day `z` after 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `YYYY-MM-DD` as an ISO date string.
pub fn format_date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

/// `YYYY-MM-DD` as days after 1970-01-01, or why not.
pub fn parse_date(s: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "\"{}\" is not a date of the form YYYY-MM-DD",
            super::clip(s)
        )
    };
    let mut parts = s.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let (Some(y), Some(m), Some(d)) = (digits(y, 4), digits(m, 2), digits(d, 2)) else {
        return Err(bad());
    };
    let y = i64::from(y);
    if !YEARS.contains(&y) {
        return Err(format!("year {y} is outside 1900..9999"));
    }
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap(y) => 29,
        2 => 28,
        _ => return Err(format!("month {m:02} does not exist in \"{s}\"")),
    };
    if d == 0 || d > days_in_month {
        return Err(format!("day {d:02} does not exist in {y:04}-{m:02}"));
    }
    Ok(days_from_civil(y, m, d))
}

/// `YYYY-MM-DDThh:mm[:ss]` followed by `Z` or `+hh:mm` / `-hh:mm`, as seconds after
/// 1970-01-01T00:00:00Z, or why not.
pub fn parse_date_time(s: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "\"{}\" is not a date and time with its utc offset (YYYY-MM-DDThh:mm[:ss] then Z, +hh:mm or -hh:mm)",
            super::clip(s)
        )
    };
    let Some((date, rest)) = s.split_once('T') else {
        return Err(bad());
    };
    let day = parse_date(date)?;
    let (clock, zone) = match rest.strip_suffix('Z') {
        Some(c) => (c, 0),
        None => {
            let at = rest.rfind(['+', '-']).ok_or_else(bad)?;
            let (c, z) = rest.split_at(at);
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let (zh, zm) = z[1..].split_once(':').ok_or_else(bad)?;
            let (Some(zh), Some(zm)) = (digits(zh, 2), digits(zm, 2)) else {
                return Err(bad());
            };
            if zh > 14 || zm > 59 {
                return Err(format!("utc offset {z} is out of range"));
            }
            (c, sign * i64::from(zh * 3600 + zm * 60))
        }
    };
    let mut parts = clock.split(':');
    let (Some(h), Some(m)) = (parts.next(), parts.next()) else {
        return Err(bad());
    };
    let sec = parts.next();
    if parts.next().is_some() {
        return Err(bad());
    }
    let (Some(h), Some(m)) = (digits(h, 2), digits(m, 2)) else {
        return Err(bad());
    };
    let sec = match sec {
        Some(x) => digits(x, 2).ok_or_else(bad)?,
        None => 0,
    };
    if h > 23 || m > 59 || sec > 59 {
        return Err(format!("time {clock} is out of range"));
    }
    let local = day * DAY as i64 + i64::from(h * 3600 + m * 60 + sec);
    Ok(local - zone)
}

/// The scenario's `start`, checked.
pub(crate) fn start(c: &mut Checker, f: &StartFile) -> Start {
    let located = |c: &mut Checker, r: Result<i64, String>, help: &str| {
        r.unwrap_or_else(|e| {
            c.error("start", e, Some(help.to_string()));
            0
        })
    };
    match f {
        StartFile::At { day, time } => {
            if time.0 >= DAY {
                c.error("start.time", "start time must be before 24:00", None);
            }
            Start::At(day.index() as u64 * DAY + time.0)
        }
        StartFile::UniformWeek => Start::UniformWeek,
        StartFile::Date(s) => Start::Date(located(
            c,
            parse_date_time(s),
            "e.g. Date(\"2023-09-28T14:00:00Z\") or Date(\"2023-09-28T16:00+02:00\")",
        )),
        StartFile::WeekOf(s) => {
            Start::WeekOf(located(c, parse_date(s), "e.g. WeekOf(\"2024-12-23\")") * DAY as i64)
        }
    }
}

/// A model's holidays as sorted, distinct days after 1970-01-01.
pub(crate) fn holidays(c: &mut Checker, list: &[String]) -> Vec<i64> {
    let mut days = Vec::with_capacity(list.len());
    for (i, s) in list.iter().enumerate() {
        match parse_date(s) {
            Ok(d) => days.push(d),
            Err(e) => c.error(
                &format!("holidays[{i}]"),
                e,
                Some("holidays are local dates, e.g. \"2024-12-25\"".into()),
            ),
        }
    }
    days.sort_unstable();
    days.dedup();
    days
}

/// A scenario's `damage_severity` thresholds, sorted by damage.
pub(crate) fn damage_severity(list: &[DamageSeverityFile]) -> Vec<DamageSeverity> {
    let mut out: Vec<DamageSeverity> = list
        .iter()
        .map(|d| DamageSeverity {
            damage: d.damage,
            severity: d.severity,
        })
        .collect();
    out.sort_by_key(|d| (d.damage, d.severity));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_round_trip_and_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(parse_date("2024-12-23"), Ok(20_080));
        assert_eq!(format_date(20_080), "2024-12-23");
        for z in [-25_567, -1, 0, 59, 11_016, 20_080, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z, "{z}");
        }
        assert_eq!(parse_date("2024-02-29"), Ok(days_from_civil(2024, 2, 29)));
        assert!(parse_date("2023-02-29").is_err());
        assert!(parse_date("1900-02-29").is_err());
        assert!(parse_date("2000-02-29").is_ok());
        assert!(parse_date("2024-13-01").is_err());
        assert!(parse_date("2024-1-01").is_err());
        assert!(parse_date("24-01-01").is_err());
        assert!(parse_date("2024-01-01x").is_err());
    }

    #[test]
    fn date_times_take_z_or_an_offset_and_optional_seconds() {
        // 2023-09-28 is day 19628; 14:00 UTC.
        let t = 19_628 * 86_400 + 14 * 3600;
        assert_eq!(parse_date_time("2023-09-28T14:00:00Z"), Ok(t));
        assert_eq!(parse_date_time("2023-09-28T14:00Z"), Ok(t));
        assert_eq!(parse_date_time("2023-09-28T16:00+02:00"), Ok(t));
        assert_eq!(parse_date_time("2023-09-28T09:30:00-04:30"), Ok(t));
        assert_eq!(parse_date_time("2023-09-28T14:00:07Z"), Ok(t + 7));
        for bad in [
            "2023-09-28",
            "2023-09-28T14:00",
            "2023-09-28T24:00Z",
            "2023-09-28T14:60Z",
            "2023-09-28T14Z",
            "2023-09-28T14:00+2:00",
            "2023-09-28T14:00:00:00Z",
            "2023-09-28 14:00Z",
        ] {
            assert!(parse_date_time(bad).is_err(), "{bad}");
        }
    }
}
