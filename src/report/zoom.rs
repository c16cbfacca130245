//! `--from` and `--to`: a chart zoomed to the years that matter. Only the chart's time
//! axis changes; the CSV files keep the whole span.

use crate::chart::ChartModel;
use crate::date::Date;

/// One end of a zoom as typed: a year (`1956`) or a date (`1956-02-25`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// A whole year: from its first day, or to its last.
    Year(i32),
    /// A day.
    Day(Date),
}

impl std::str::FromStr for Bound {
    type Err = String;

    fn from_str(text: &str) -> Result<Bound, String> {
        let text = text.trim();
        if let Ok(year) = text.parse::<i32>()
            && !text.starts_with(['+', '-'])
        {
            return Ok(Bound::Year(year));
        }
        text.parse::<Date>()
            .map(Bound::Day)
            .map_err(|_| format!("`{text}` is neither a year (1956) nor a date (1956-02-25)"))
    }
}

/// The span a chart of `span` is zoomed to by `from` and `to` (either may be absent): a
/// year starts on 1 January and ends on 31 December, cut to the span. An error says what
/// to type when an end lies outside the span or the zoom is empty or reversed.
pub fn zoom_span(
    span: (Date, Date),
    from: Option<Bound>,
    to: Option<Bound>,
) -> Result<(Date, Date), String> {
    let outside = |flag: &str, text: String| {
        format!(
            "{flag} {text} is outside the scenario's span, {} to {}",
            span.0, span.1
        )
    };
    let first = match from {
        None => span.0,
        Some(Bound::Day(d)) if (span.0..=span.1).contains(&d) => d,
        Some(Bound::Year(y)) if (span.0.year()..=span.1.year()).contains(&y) => {
            Date::from_ymd(y, 1, 1).map_or(span.0, |d| d.max(span.0))
        }
        Some(Bound::Day(d)) => return Err(outside("--from", d.to_string())),
        Some(Bound::Year(y)) => return Err(outside("--from", y.to_string())),
    };
    let last = match to {
        None => span.1,
        Some(Bound::Day(d)) if (span.0..=span.1).contains(&d) => d,
        Some(Bound::Year(y)) if (span.0.year()..=span.1.year()).contains(&y) => {
            Date::from_ymd(y, 12, 31).map_or(span.1, |d| d.min(span.1))
        }
        Some(Bound::Day(d)) => return Err(outside("--to", d.to_string())),
        Some(Bound::Year(y)) => return Err(outside("--to", y.to_string())),
    };
    if first >= last {
        return Err(format!(
            "--from {first} is not before --to {last}: the chart would show no time"
        ));
    }
    Ok((first, last))
}

/// Zooms the chart to `span` (from [`zoom_span`]): the time axis, and the small print
/// says the files still hold the whole span.
pub fn zoom(m: &mut ChartModel, span: (Date, Date)) {
    if span == m.span {
        return;
    }
    m.span = span;
    m.small_print = format!(
        "{} · shown {} to {}, the CSV files hold the whole span",
        m.small_print, span.0, span.1
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn years_and_dates_zoom_inside_the_span() {
        let span = (d("1917-11-07"), d("1991-12-26"));
        let year = |t: &str| Some(t.parse::<Bound>().unwrap());
        assert_eq!(
            zoom_span(span, year("1956"), year("1969")),
            Ok((d("1956-01-01"), d("1969-12-31")))
        );
        assert_eq!(
            zoom_span(span, year("1917"), year("1991")),
            Ok(span),
            "a year is cut to the span"
        );
        assert_eq!(
            zoom_span(span, year("1950-02-14"), None),
            Ok((d("1950-02-14"), span.1))
        );
        assert_eq!(
            zoom_span(span, year("1900"), None).unwrap_err(),
            "--from 1900 is outside the scenario's span, 1917-11-07 to 1991-12-26"
        );
        assert_eq!(
            zoom_span(span, None, year("1992-01-01")).unwrap_err(),
            "--to 1992-01-01 is outside the scenario's span, 1917-11-07 to 1991-12-26"
        );
        assert_eq!(
            zoom_span(span, year("1970"), year("1960")).unwrap_err(),
            "--from 1970-01-01 is not before --to 1960-12-31: the chart would show no time"
        );
        assert!(
            "1956-13-01"
                .parse::<Bound>()
                .unwrap_err()
                .contains("neither a year")
        );
        assert!("-5".parse::<Bound>().is_err());
    }
}
