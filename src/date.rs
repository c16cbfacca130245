//! Calendar dates as whole days.
//!
//! Simulated time is a count of days since 1970-01-01 ([`Day`]); it is never a float.
//! [`Date`] is the validated form a scenario file writes (`"1950-02-14"`): it parses the
//! proleptic Gregorian calendar for years 1000 to 2999 and rejects impossible days with a
//! message that says why. The conversions are Howard Hinnant's `days_from_civil` and
//! `civil_from_days`, exact for every day in that range.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Days since 1970-01-01 (negative before). The engine's clock.
pub type Day = i32;

/// The earliest and latest year a scenario may name.
pub const YEARS: std::ops::RangeInclusive<i32> = 1000..=2999;

/// A calendar date in the proleptic Gregorian calendar, stored as its day count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date(Day);

/// Why a date string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The text is not of the form YYYY-MM-DD.
    #[error("`{0}` is not a date: write it as YYYY-MM-DD, e.g. \"1950-02-14\"")]
    Format(String),
    /// The year is outside [`YEARS`].
    #[error("year {0} is out of range: dates must fall in the years 1000 to 2999")]
    Year(i32),
    /// The month is not 1 to 12.
    #[error("`{0}` has no month {1}: months run from 01 to 12")]
    Month(String, u32),
    /// The day does not exist in that month.
    #[error("`{text}` does not exist: {month} {year} has {days} days")]
    Day {
        /// The date as written.
        text: String,
        /// The month's English name.
        month: &'static str,
        /// The year.
        year: i32,
        /// How many days that month has in that year.
        days: u32,
    },
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Whether `year` is a Gregorian leap year.
pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` (1-12) of `year`.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// The date for a valid year, month (1-12) and day of month.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Result<Date, DateError> {
        let text = format!("{year:04}-{month:02}-{day:02}");
        if !YEARS.contains(&year) {
            return Err(DateError::Year(year));
        }
        if !(1..=12).contains(&month) {
            return Err(DateError::Month(text, month));
        }
        let days = days_in_month(year, month);
        if day == 0 || day > days {
            return Err(DateError::Day {
                text,
                month: MONTHS[month as usize - 1],
                year,
                days,
            });
        }
        Ok(Date(days_from_civil(year, month, day)))
    }

    /// The date of a day count. Days outside [`YEARS`] are clamped to its ends.
    pub fn from_day(day: Day) -> Date {
        let lo = days_from_civil(*YEARS.start(), 1, 1);
        let hi = days_from_civil(*YEARS.end(), 12, 31);
        Date(day.clamp(lo, hi))
    }

    /// Days since 1970-01-01.
    pub fn day(self) -> Day {
        self.0
    }

    /// (year, month 1-12, day 1-31).
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// The month and year in words: "October 1950".
    pub fn month_in_words(self) -> String {
        let (y, m, _) = self.ymd();
        format!("{} {y}", MONTHS[m as usize - 1])
    }

    /// The first day of the month after this date's month.
    pub fn next_month_start(self) -> Date {
        let (y, m, _) = self.ymd();
        let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        Date(days_from_civil(y, m, 1))
    }

    /// The first day of this date's month.
    pub fn month_start(self) -> Date {
        let (y, m, _) = self.ymd();
        Date(days_from_civil(y, m, 1))
    }

    /// The date as a year with a fraction, for chart axes (1950-07-02 is about 1950.5).
    pub fn fractional_year(self) -> f64 {
        let (y, _, _) = self.ymd();
        let start = days_from_civil(y, 1, 1);
        let len = if is_leap(y) { 366.0 } else { 365.0 };
        f64::from(y) + f64::from(self.0 - start) / len
    }

    /// Every first of the month from the month of `from` (its first day, or the next
    /// month's first if `from` is not a first) up to and including `to`.
    pub fn month_starts(from: Date, to: Date) -> Vec<Date> {
        let mut d = if from.ymd().2 == 1 {
            from
        } else {
            from.next_month_start()
        };
        let mut out = Vec::new();
        while d <= to {
            out.push(d);
            d = d.next_month_start();
        }
        out
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;

    fn from_str(text: &str) -> Result<Date, DateError> {
        let bad = || DateError::Format(text.to_string());
        let mut parts = text.split('-');
        let (y, m, d) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(y), Some(m), Some(d), None) => (y, m, d),
            _ => return Err(bad()),
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
            return Err(bad());
        }
        // The digit checks above make these parses infallible.
        let (y, m, d) = (
            y.parse::<i32>().map_err(|_| bad())?,
            m.parse::<u32>().map_err(|_| bad())?,
            d.parse::<u32>().map_err(|_| bad())?,
        );
        Date::from_ymd(y, m, d)
    }
}

impl TryFrom<String> for Date {
    type Error = DateError;

    fn try_from(text: String) -> Result<Date, DateError> {
        text.parse()
    }
}

impl From<Date> for String {
    fn from(date: Date) -> String {
        date.to_string()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Days from 1970-01-01 to the given civil date (Hinnant).
fn days_from_civil(y: i32, m: u32, d: u32) -> Day {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let m = m as i32;
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d as i32 - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count (Hinnant).
fn civil_from_days(z: Day) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i32::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_in_words_names_month_and_year() {
        let d = |s: &str| s.parse::<Date>().expect("a date");
        assert_eq!(d("1950-10-15").month_in_words(), "October 1950");
        assert_eq!(d("1991-12-26").month_in_words(), "December 1991");
        assert_eq!(d("1917-01-01").month_in_words(), "January 1917");
    }

    #[test]
    fn epoch_and_known_days() {
        assert_eq!("1970-01-01".parse::<Date>().unwrap().day(), 0);
        assert_eq!("1969-12-31".parse::<Date>().unwrap().day(), -1);
        assert_eq!("2000-03-01".parse::<Date>().unwrap().day(), 11_017);
    }

    #[test]
    fn round_trips_every_day_of_the_span() {
        let start = "1900-01-01".parse::<Date>().unwrap().day();
        for day in start..start + 200 * 366 {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(Date::from_ymd(y, m, d).unwrap().day(), day);
        }
    }

    #[test]
    fn refuses_impossible_dates_with_reasons() {
        let e = "1950-02-30".parse::<Date>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "`1950-02-30` does not exist: February 1950 has 28 days"
        );
        assert!("1900-02-29".parse::<Date>().is_err());
        assert!("2000-02-29".parse::<Date>().is_ok());
        assert!(matches!(
            "1950-13-01".parse::<Date>(),
            Err(DateError::Month(..))
        ));
        assert!(matches!(
            "1950-2-1".parse::<Date>(),
            Err(DateError::Format(_))
        ));
        assert!(matches!(
            "0950-02-01".parse::<Date>(),
            Err(DateError::Year(950))
        ));
    }

    #[test]
    fn month_starts_cover_the_span() {
        let a = "1917-11-07".parse::<Date>().unwrap();
        let b = "1918-02-01".parse::<Date>().unwrap();
        let v: Vec<String> = Date::month_starts(a, b)
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(v, ["1917-12-01", "1918-01-01", "1918-02-01"]);
    }
}
