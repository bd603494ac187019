//! The little of Python's `datetime` that sessions need: an instant with an
//! optional UTC offset, `isoformat()`, `fromisoformat()`, and `http_date`.
//!
//! Hand-written rather than a calendar crate: it is three civil-date
//! formulas, and sessions need Python's exact text forms, not a crate's.

use crate::error::{Error, Result};

const MICROS_PER_SEC: i64 = 1_000_000;
const SECS_PER_DAY: i64 = 86_400;
/// Python's `datetime.MINYEAR`/`MAXYEAR`: dates outside are refused as Python does.
const MIN_YEAR: i64 = 1;
const MAX_YEAR: i64 = 9999;

/// A point in time as Python's `datetime` holds it.
///
/// `utc_micros` is microseconds since the Unix epoch. For an aware value that
/// is the real instant; for a naive value (no `offset`) it is the wall clock
/// read as if it were UTC. Python refuses to compare the two kinds, and so
/// does [`DateTime::seconds_until`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    /// Microseconds since 1970-01-01T00:00:00 (UTC for aware values).
    pub utc_micros: i64,
    /// The UTC offset in seconds, or `None` for a naive datetime.
    pub offset: Option<i32>,
}

impl DateTime {
    /// An aware UTC datetime from microseconds since the epoch.
    pub fn from_utc_micros(utc_micros: i64) -> Self {
        DateTime {
            utc_micros,
            offset: Some(0),
        }
    }

    /// An aware UTC datetime from (possibly fractional) seconds since the epoch.
    pub fn from_timestamp(seconds: f64) -> Self {
        Self::from_utc_micros(seconds_to_micros(seconds))
    }

    /// Seconds since the epoch, with the microseconds as a fraction.
    pub fn timestamp(&self) -> f64 {
        self.utc_micros as f64 / MICROS_PER_SEC as f64
    }

    /// `(other - self)` as Python computes `delta.days * 86400 + delta.seconds`:
    /// whole seconds, rounded down. Naive against aware is Python's TypeError.
    pub fn seconds_until(&self, other: &DateTime) -> Result<i64> {
        if self.offset.is_some() != other.offset.is_some() {
            return Err(Error::InvalidExpiry(
                "can't subtract offset-naive and offset-aware datetimes".into(),
            ));
        }
        let delta = i128::from(other.utc_micros) - i128::from(self.utc_micros);
        let secs = delta.div_euclid(i128::from(MICROS_PER_SEC));
        i64::try_from(secs).map_err(|_| Error::InvalidExpiry("date value out of range".into()))
    }

    /// This instant moved by `seconds` (Python's `dt + timedelta(seconds=...)`).
    pub fn plus_seconds(&self, seconds: f64) -> Result<DateTime> {
        let moved = i128::from(self.utc_micros) + i128::from(seconds_to_micros(seconds));
        let utc_micros = i64::try_from(moved)
            .map_err(|_| Error::InvalidExpiry("date value out of range".into()))?;
        let result = DateTime {
            utc_micros,
            ..*self
        };
        result.check_range()?;
        Ok(result)
    }

    fn local_micros(&self) -> i64 {
        self.utc_micros
            .saturating_add(i64::from(self.offset.unwrap_or(0)).saturating_mul(MICROS_PER_SEC))
    }

    fn check_range(&self) -> Result<()> {
        let (year, ..) = civil_from_days(
            self.local_micros()
                .div_euclid(SECS_PER_DAY * MICROS_PER_SEC),
        );
        if (MIN_YEAR..=MAX_YEAR).contains(&year) {
            Ok(())
        } else {
            Err(Error::InvalidExpiry(format!("year {year} is out of range")))
        }
    }

    /// Python's `datetime.isoformat()`: `2023-11-14T22:23:20+00:00`, with
    /// `.ffffff` only when there are microseconds and no offset when naive.
    pub fn isoformat(&self) -> String {
        let local = self.local_micros();
        let days = local.div_euclid(SECS_PER_DAY * MICROS_PER_SEC);
        let in_day = local.rem_euclid(SECS_PER_DAY * MICROS_PER_SEC);
        let (y, m, d) = civil_from_days(days);
        let secs = in_day / MICROS_PER_SEC;
        let micros = in_day % MICROS_PER_SEC;
        let mut out = format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        );
        if micros != 0 {
            out.push_str(&format!(".{micros:06}"));
        }
        if let Some(offset) = self.offset {
            let sign = if offset < 0 { '-' } else { '+' };
            let abs = offset.unsigned_abs();
            out.push_str(&format!("{sign}{:02}:{:02}", abs / 3600, abs / 60 % 60));
            if abs % 60 != 0 {
                out.push_str(&format!(":{:02}", abs % 60));
            }
        }
        out
    }

    /// The UTC instant as Django writes a `DateTimeField` into SQLite:
    /// `2023-11-28 22:13:20` (`.ffffff` only when there are microseconds).
    /// This text is what database adapters store and compare.
    pub fn db_text(&self) -> String {
        let naive_utc = DateTime {
            utc_micros: self.utc_micros,
            offset: None,
        };
        naive_utc.isoformat().replacen('T', " ", 1)
    }

    /// Python 3.11's `datetime.fromisoformat()` for the extended forms:
    /// `YYYY-MM-DD`, then any one separator and `HH[:MM[:SS[.f...]]]`, then
    /// `Z`, `±HH[:MM[:SS[.ffffff]]]` or `±HHMM`.
    pub fn parse_iso(text: &str) -> Result<DateTime> {
        let bad = || Error::InvalidExpiry(format!("Invalid isoformat string: {text:?}"));
        let b = text.as_bytes();
        let year = digits(b, 0, 4).ok_or_else(bad)?;
        if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return Err(bad());
        }
        let month = digits(b, 5, 2).ok_or_else(bad)?;
        let day = digits(b, 8, 2).ok_or_else(bad)?;
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || year < MIN_YEAR
        {
            return Err(bad());
        }
        let mut seconds_of_day = 0;
        let mut micros = 0;
        let mut offset = None;
        if b.len() > 10 {
            // Any single character separates date and time in Python 3.11,
            // but it must be a whole character, not a byte of one.
            let rest = text.get(10..).ok_or_else(bad)?;
            let sep_len = rest.chars().next().map_or(1, char::len_utf8);
            let time = rest.get(sep_len..).ok_or_else(bad)?;
            let (clock, tz) = match time.find(['Z', '+', '-']) {
                Some(at) => (&time[..at], Some(&time[at..])),
                None => (time, None),
            };
            (seconds_of_day, micros) = parse_clock(clock).ok_or_else(bad)?;
            if let Some(tz) = tz {
                offset = Some(parse_offset(tz).ok_or_else(bad)?);
            }
        }
        let local = (days_from_civil(year, month, day) * SECS_PER_DAY + seconds_of_day)
            * MICROS_PER_SEC
            + micros;
        let utc_micros = local - i64::from(offset.unwrap_or(0)) * MICROS_PER_SEC;
        Ok(DateTime { utc_micros, offset })
    }
}

/// Python's `email.utils.formatdate(t, usegmt=True)`, as Django's `http_date`:
/// `Tue, 28 Nov 2023 22:13:20 GMT`, the fraction of a second dropped (floor).
pub fn http_date(seconds: f64) -> Result<String> {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = seconds.floor();
    if !secs.is_finite() || secs.abs() > 253_402_300_799.0 {
        return Err(Error::InvalidExpiry(format!(
            "timestamp {} out of range",
            crate::float::repr(seconds)
        )));
    }
    let secs = secs as i64;
    let days = secs.div_euclid(SECS_PER_DAY);
    let in_day = secs.rem_euclid(SECS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    let weekday = WEEKDAYS
        .get(days.rem_euclid(7) as usize)
        .copied()
        .unwrap_or_default();
    let month = MONTHS
        .get((m - 1).clamp(0, 11) as usize)
        .copied()
        .unwrap_or_default();
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return Err(Error::InvalidExpiry(format!("year {y} is out of range")));
    }
    // Built by hand: this runs for every Set-Cookie, and `format!` with
    // padded fields costs more than everything else in the header.
    let mut out = String::with_capacity(29);
    let digits = |out: &mut String, n: i64, width: u32| {
        for place in (0..width).rev() {
            out.push(char::from(b'0' + (n / 10i64.pow(place) % 10) as u8));
        }
    };
    out.extend([weekday, ", "]);
    digits(&mut out, d, 2);
    out.extend([" ", month, " "]);
    digits(&mut out, y, 4);
    for (i, part) in [in_day / 3600, in_day / 60 % 60, in_day % 60]
        .into_iter()
        .enumerate()
    {
        out.push_str(if i == 0 { " " } else { ":" });
        digits(&mut out, part, 2);
    }
    out.push_str(" GMT");
    Ok(out)
}

/// Seconds (possibly fractional, possibly huge) to whole microseconds,
/// saturating instead of overflowing.
pub fn seconds_to_micros(seconds: f64) -> i64 {
    // `as` saturates for floats; NaN becomes 0.
    (seconds * MICROS_PER_SEC as f64).round() as i64
}

fn digits(b: &[u8], at: usize, len: usize) -> Option<i64> {
    let field = b.get(at..at + len)?;
    field.iter().try_fold(0i64, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

/// `HH`, `HH:MM`, `HH:MM:SS` or `HH:MM:SS.f...` (digits past six dropped).
fn parse_clock(clock: &str) -> Option<(i64, i64)> {
    let b = clock.as_bytes();
    let hour = digits(b, 0, 2)?;
    let (minute, second, frac_at) = match b.len() {
        2 => (0, 0, None),
        5 if b.get(2) == Some(&b':') => (digits(b, 3, 2)?, 0, None),
        n if n >= 8 && b.get(2) == Some(&b':') && b.get(5) == Some(&b':') => {
            (digits(b, 3, 2)?, digits(b, 6, 2)?, Some(8))
        }
        _ => return None,
    };
    let mut micros = 0;
    if let Some(at) = frac_at.filter(|&at| at < b.len()) {
        if !matches!(b.get(at), Some(b'.' | b',')) {
            return None;
        }
        let frac = b.get(at + 1..)?;
        if frac.is_empty() || !frac.iter().all(u8::is_ascii_digit) {
            return None;
        }
        for i in 0..6 {
            micros = micros * 10 + frac.get(i).map_or(0, |c| i64::from(c - b'0'));
        }
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some((hour * 3600 + minute * 60 + second, micros))
}

/// `Z`, `±HH`, `±HHMM`, `±HH:MM`, `±HH:MM:SS` → seconds east of UTC.
fn parse_offset(tz: &str) -> Option<i32> {
    if tz == "Z" {
        return Some(0);
    }
    let sign = match tz.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let b = tz.as_bytes().get(1..)?;
    let (h, m, s) = match b.len() {
        2 => (digits(b, 0, 2)?, 0, 0),
        4 => (digits(b, 0, 2)?, digits(b, 2, 2)?, 0),
        5 if b.get(2) == Some(&b':') => (digits(b, 0, 2)?, digits(b, 3, 2)?, 0),
        8 if b.get(2) == Some(&b':') && b.get(5) == Some(&b':') => {
            (digits(b, 0, 2)?, digits(b, 3, 2)?, digits(b, 6, 2)?)
        }
        _ => return None,
    };
    if h > 23 || m > 59 || s > 59 {
        return None;
    }
    i32::try_from(sign * (h * 3600 + m * 60 + s)).ok()
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_date_matches_python() {
        assert_eq!(http_date(0.0).unwrap(), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            http_date(1_700_000_000.0).unwrap(),
            "Tue, 14 Nov 2023 22:13:20 GMT"
        );
        assert_eq!(
            http_date(1_701_209_600.9).unwrap(),
            "Tue, 28 Nov 2023 22:13:20 GMT"
        );
        assert_eq!(http_date(-0.5).unwrap(), "Wed, 31 Dec 1969 23:59:59 GMT");
        assert!(http_date(1e300).is_err());
    }

    #[test]
    fn isoformat_round_trips() {
        for text in [
            "2023-11-14T22:23:20+00:00",
            "2023-11-14T22:23:20.500000+00:00",
            "2023-11-15T03:43:20+05:30",
            "2023-11-14T23:13:20",
            "2023-11-14T23:13:20-01:00:30",
        ] {
            assert_eq!(DateTime::parse_iso(text).unwrap().isoformat(), text);
        }
    }

    #[test]
    fn fromisoformat_accepts_python_variants() {
        let utc = DateTime::parse_iso("2023-11-14T23:13:20+00:00").unwrap();
        for text in [
            "2023-11-14T23:13:20Z",
            "2023-11-14T23:13:20+0000",
            "2023-11-14 23:13:20+00:00",
        ] {
            assert_eq!(DateTime::parse_iso(text).unwrap(), utc, "{text}");
        }
        assert_eq!(
            DateTime::parse_iso("2023-11-14T23:13:20.5+00:00")
                .unwrap()
                .utc_micros
                % 1_000_000,
            500_000
        );
        for bad in [
            "not a date",
            "2023-13-01",
            "2023-02-30",
            "2023-11-14T25:00",
            "",
            "2023-11-14T23:13:20+",
        ] {
            assert!(DateTime::parse_iso(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn seconds_until_floors_and_refuses_naive_against_aware() {
        let a = DateTime::from_timestamp(100.0);
        assert_eq!(
            a.seconds_until(&DateTime::from_timestamp(99.5)).unwrap(),
            -1
        );
        assert_eq!(
            a.seconds_until(&DateTime::from_timestamp(110.5)).unwrap(),
            10
        );
        let naive = DateTime {
            utc_micros: 0,
            offset: None,
        };
        assert!(a.seconds_until(&naive).is_err());
    }
}
