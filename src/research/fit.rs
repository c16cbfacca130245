//! How well a simulated curve fits a measured reference series.
//!
//! The curve is monthly (a run's samples on the first of each month, or the mean of an
//! ensemble). At each reference date it is read as the mean of its monthly values that
//! fall in the date's period: the whole year for `1962`, the month for `1962-07` and for
//! `1962-07-14`. On those shared dates:
//!
//! - **r**: Pearson's correlation of the two (does the curve rise and fall when the
//!   measure does?), undefined when either side is constant;
//! - **RMSE**: the root mean square of `run - reference`, in score points;
//! - **bias**: the mean of `run - reference` (positive: the run is warmer);
//! - **same band**: the share of dates where both fall in the same band of the scale;
//! - **lag**: the shift `L` in months, within ±[`MAX_LAG`], that maximises r when the
//!   curve is read `L` months later than each reference date. A positive lag means the
//!   run's moves come after the measure's; ties go to the smaller shift.
//!
//! ## Many pairs
//! A curve holds the cells of every pair (pair `p`'s month `m` at `p * months + m`, as
//! [`crate::experiment`] lays them out), and each reference point is read on its own
//! pair's months. A fit is of one pair's points ([`Fit::of_pair`]) or of all pairs'
//! points pooled ([`Fit::of`]): the same measures over the union of the shared dates, a
//! lag shifting every pair alike. With one pair the two are the same.

use crate::date::{Date, Day};
use crate::research::reference::Reference;
use crate::scenario::Scenario;

/// The largest shift, in months, the lag search tries either way.
pub const MAX_LAG: i64 = 24;

/// The fit of one curve to a reference series.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// Number of shared dates.
    pub n: usize,
    /// Pearson's r; `None` when either side is constant (or fewer than 2 dates).
    pub r: Option<f64>,
    /// Root mean square of `run - reference`, in score points.
    pub rmse: f64,
    /// Mean of `run - reference`, in score points.
    pub bias: f64,
    /// Share of dates whose two values fall in the same band, in [0, 1].
    pub same_band: f64,
    /// The shift in months (curve read later by this much) that maximises r, with that r;
    /// `None` when r is undefined at every shift.
    pub lag: Option<(i64, f64)>,
}

/// One shared date: the reference's value and the curve's.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    /// Index of the reference point.
    pub point: usize,
    /// The reference's score.
    pub reference: f64,
    /// The curve's mean over the point's period.
    pub run: f64,
    /// The point's weight in the fit: 1 / sd² with an uncertainty, else 1.
    pub weight: f64,
}

/// The month indices of `days` (consecutive first-of-month days) in `[from, until)`.
fn indices(days: &[Day], from: Date, until: Date) -> std::ops::Range<usize> {
    let a = days.partition_point(|&d| d < from.day());
    let b = days.partition_point(|&d| d < until.day());
    a..b.max(a)
}

/// The curve's value at every reference point within `window` (inclusive first days of
/// periods), read `lag` months late; points whose shifted months leave their pair's
/// months are dropped. Every pair's points, pooled.
pub fn pairs(
    reference: &Reference,
    days: &[Day],
    curve: &[f64],
    window: Option<(Date, Date)>,
    lag: i64,
) -> Vec<Pair> {
    pairs_of(reference, days, curve, window, lag, None)
}

/// As [`pairs`], for the points of one pair only (index into the scenario's pairs), or of
/// every pair when `only` is `None`.
pub fn pairs_of(
    reference: &Reference,
    days: &[Day],
    curve: &[f64],
    window: Option<(Date, Date)>,
    lag: i64,
    only: Option<usize>,
) -> Vec<Pair> {
    let months = days.len() as i64;
    reference
        .points
        .iter()
        .enumerate()
        .filter(|(_, p)| only.is_none_or(|o| p.pair == o))
        .filter(|(_, p)| window.is_none_or(|(a, b)| a <= p.from && p.from <= b))
        .filter_map(|(i, p)| {
            let r = indices(days, p.from, p.until);
            let (a, b) = (r.start as i64 + lag, r.end as i64 + lag);
            let offset = p.pair as i64 * months;
            if r.is_empty() || a < 0 || b > months || offset + b > curve.len() as i64 {
                return None;
            }
            let values = &curve[(offset + a) as usize..(offset + b) as usize];
            Some(Pair {
                point: i,
                reference: p.score,
                run: values.iter().sum::<f64>() / values.len() as f64,
                weight: p.uncertainty.map_or(1.0, |u| u.weight()),
            })
        })
        .collect()
}

/// The weighted mean of `f` over the pairs (NaN for none). With every weight 1 it is the
/// plain mean, to the bit: `1.0 * x` is `x`, and the weights sum to the count.
fn weighted_mean(pairs: &[Pair], f: impl Fn(&Pair) -> f64) -> f64 {
    let total: f64 = pairs.iter().map(|p| p.weight).sum();
    pairs.iter().map(|p| p.weight * f(p)).sum::<f64>() / total
}

/// Pearson's r of the pairs, each weighted by its weight, `None` when undefined.
fn pearson(pairs: &[Pair]) -> Option<f64> {
    if pairs.len() < 2 {
        return None;
    }
    let mx = weighted_mean(pairs, |p| p.run);
    let my = weighted_mean(pairs, |p| p.reference);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for p in pairs {
        let (dx, dy) = (p.run - mx, p.reference - my);
        sxy += p.weight * dx * dy;
        sxx += p.weight * dx * dx;
        syy += p.weight * dy * dy;
    }
    // A side whose spread is at rounding level is constant: r would be noise.
    // The weights sum to the count when every weight is 1.
    let tiny = 1e-18 * pairs.iter().map(|p| p.weight).sum::<f64>();
    if sxx <= tiny || syy <= tiny {
        return None;
    }
    Some((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Root mean square of `run - reference` over the pairs, weighted (NaN for none).
pub fn rmse(pairs: &[Pair]) -> f64 {
    weighted_mean(pairs, |p| (p.run - p.reference).powi(2)).sqrt()
}

/// Share of pairs whose two values lie in different bands of the scale (0 for none).
pub fn band_miss(sc: &Scenario, pairs: &[Pair]) -> f64 {
    if pairs.is_empty() {
        return 0.0;
    }
    let miss = pairs
        .iter()
        .filter(|p| sc.scale.band_index(p.run) != sc.scale.band_index(p.reference))
        .count();
    miss as f64 / pairs.len() as f64
}

impl Fit {
    /// The fit of a monthly curve (`curve[i]` on `days[i]`, pair after pair) to the
    /// reference, on the reference points whose periods start within `window` (all when
    /// `None`): every pair's points pooled.
    pub fn of(
        sc: &Scenario,
        reference: &Reference,
        days: &[Day],
        curve: &[f64],
        window: Option<(Date, Date)>,
    ) -> Fit {
        Fit::of_pair(sc, reference, days, curve, window, None)
    }

    /// As [`Fit::of`], on the points of one pair (or of every pair, pooled, for `None`).
    pub fn of_pair(
        sc: &Scenario,
        reference: &Reference,
        days: &[Day],
        curve: &[f64],
        window: Option<(Date, Date)>,
        only: Option<usize>,
    ) -> Fit {
        let shared = pairs_of(reference, days, curve, window, 0, only);
        let n = shared.len();
        let mut lag: Option<(i64, f64)> = None;
        // From no shift outwards, so a tie keeps the smaller shift (and -L before +L).
        for k in (0..=MAX_LAG).flat_map(|k| if k == 0 { vec![0] } else { vec![-k, k] }) {
            if let Some(r) = pearson(&pairs_of(reference, days, curve, window, k, only))
                && lag.is_none_or(|(_, best)| r > best)
            {
                lag = Some((k, r));
            }
        }
        Fit {
            n,
            r: pearson(&shared),
            rmse: rmse(&shared),
            bias: weighted_mean(&shared, |p| p.run - p.reference),
            same_band: 1.0 - band_miss(sc, &shared),
            lag,
        }
    }

    /// `r 0.93, RMSE 1.21`: the chart footer's words.
    pub fn short(&self) -> String {
        format!("r {}, RMSE {:.2}", r_text(self.r), self.rmse)
    }
}

/// Below this many dates a fit is reported with a warning.
pub const FEW_DATES: usize = 12;

/// Student's t at 97.5% for 1 to 9 degrees of freedom: the two-sided 5% point.
const T975: [f64; 9] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
];

/// The |r| that chance alone reaches one time in twenty (two-sided 5%) on `n` dates of
/// uncorrelated normal values, `t / sqrt(t² + n - 2)`; `None` outside 3 to 11 dates.
pub fn chance_r(n: usize) -> Option<f64> {
    let df = n.checked_sub(2)?;
    let t = *T975.get(df.checked_sub(1)?)?;
    Some(t / (t * t + df as f64).sqrt())
}

/// What r and RMSE can mean on `n` dates, when they are fewer than [`FEW_DATES`]; `what`
/// names the dates (e.g. `the series`, `the test period`).
pub fn few_dates_warning(what: &str, n: usize) -> Option<String> {
    if n >= FEW_DATES {
        return None;
    }
    let dates = if n == 1 { "date" } else { "dates" };
    Some(match chance_r(n) {
        Some(r) => format!(
            "warning: {what} has {n} {dates}, fewer than {FEW_DATES}: one date moves r and RMSE much, and an r of {r:.2} or more in size comes by chance one time in twenty on {n} dates of unrelated values"
        ),
        None => format!(
            "warning: {what} has {n} {dates}, fewer than {FEW_DATES}: on {n} {dates} r is undefined or exactly 1 or -1, and RMSE is the size of {} difference{}",
            if n == 1 { "one" } else { "two" },
            if n == 1 { "" } else { "s" }
        ),
    })
}

/// r with two decimals, or "undefined".
pub fn r_text(r: Option<f64>) -> String {
    r.map_or_else(|| "undefined".to_string(), |r| format!("{r:.2}"))
}

/// A fit's columns in the printed tables: dates, r, RMSE, bias and the share in the same
/// band, each right-aligned under its heading.
pub fn columns(f: &Fit) -> String {
    format!(
        "{:>5}  {:>6}  {:>6.2}  {:>+6.2}  {:>8.0}%",
        f.n,
        r_text(f.r),
        f.rmse,
        // No "-0.00" for a bias that rounds to nothing.
        if f.bias.abs() < 0.005 { 0.0 } else { f.bias },
        100.0 * f.same_band
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Simulation;
    use std::path::Path;

    fn sino() -> Scenario {
        Scenario::load(Path::new("scenarios/sino_soviet_1917_1991.ron")).unwrap()
    }

    /// A reference made from a monthly curve: `YYYY-MM,score` at full precision.
    fn reference_of(sc: &Scenario, days: &[Day], values: &[f64], every: usize) -> Reference {
        let mut text = String::from("date,score\n");
        for (&d, v) in days.iter().zip(values).step_by(every) {
            let (y, m, _) = Date::from_day(d).ymd();
            text.push_str(&format!("{y:04}-{m:02},{v:?}\n"));
        }
        Reference::parse(text.as_bytes(), Path::new("made.csv"), sc).unwrap()
    }

    #[test]
    fn a_run_fits_its_own_trajectory_exactly() {
        let sc = sino();
        let run = Simulation::new(&sc).run(1).unwrap();
        let days: Vec<Day> = run.monthly().map(|s| s.day).collect();
        let curve: Vec<f64> = run.monthly().map(|s| s.score).collect();
        let reference = reference_of(&sc, &days, &curve, 1);
        let f = Fit::of(&sc, &reference, &days, &curve, None);
        assert_eq!(f.n, curve.len());
        assert!((f.r.unwrap() - 1.0).abs() < 1e-12, "{f:?}");
        assert_eq!(f.rmse, 0.0);
        assert_eq!(f.bias, 0.0);
        assert_eq!(f.same_band, 1.0);
        assert_eq!(f.lag.unwrap().0, 0);
    }

    #[test]
    fn a_shifted_copy_gives_the_lag() {
        let sc = sino();
        let run = Simulation::new(&sc).run(3).unwrap();
        let days: Vec<Day> = run.monthly().map(|s| s.day).collect();
        let curve: Vec<f64> = run.monthly().map(|s| s.score).collect();
        for shift in [-17i64, -6, 5, 11] {
            // The measure on month i is the run's value on month i - shift: the run's moves
            // come `-shift` months after the measure's... so the best lag is `-shift`.
            let n = curve.len() as i64;
            let (mut d2, mut v2) = (Vec::new(), Vec::new());
            for i in 0..n {
                let j = i - shift;
                if (0..n).contains(&j) {
                    d2.push(days[i as usize]);
                    v2.push(curve[j as usize]);
                }
            }
            let reference = reference_of(&sc, &d2, &v2, 1);
            let f = Fit::of(&sc, &reference, &days, &curve, None);
            let (lag, r) = f.lag.unwrap();
            assert_eq!(lag, -shift, "shift {shift}: {f:?}");
            assert!((r - 1.0).abs() < 1e-12);
            assert!(f.r.unwrap() < 0.99, "unshifted r should be worse: {f:?}");
        }
    }

    #[test]
    fn a_yearly_date_is_compared_with_the_mean_of_its_months() {
        let sc = sino();
        let days: Vec<Day> = Date::month_starts(sc.span().0, sc.span().1)
            .into_iter()
            .map(Date::day)
            .collect();
        let curve: Vec<f64> = (0..days.len()).map(|i| (i % 12) as f64 * 0.5).collect();
        let text = "date,score\n1950,1.0\n1960-03,2.0\n1970-03-17,3.0\n";
        let reference = Reference::parse(text.as_bytes(), Path::new("r.csv"), &sc).unwrap();
        let p = pairs(&reference, &days, &curve, None, 0);
        assert_eq!(p.len(), 3);
        // 1950: every month once, 0.0 to 5.5 in steps of 0.5 (from whatever month the
        // curve starts on): the mean is 2.75.
        assert!((p[0].run - 2.75).abs() < 1e-12, "{p:?}");
        let march = |y: i32| {
            let d = Date::from_ymd(y, 3, 1).unwrap().day();
            curve[days.iter().position(|&x| x == d).unwrap()]
        };
        assert_eq!(p[1].run, march(1960));
        assert_eq!(p[2].run, march(1970));
        let f = Fit::of(&sc, &reference, &days, &curve, None);
        let expected_bias = (p.iter().map(|q| q.run - q.reference).sum::<f64>()) / 3.0;
        assert!((f.bias - expected_bias).abs() < 1e-12);
    }

    #[test]
    fn a_constant_side_has_no_correlation() {
        let sc = sino();
        let days: Vec<Day> = Date::month_starts(sc.span().0, sc.span().1)
            .into_iter()
            .map(Date::day)
            .collect();
        let curve = vec![1.5; days.len()];
        let text = "date,score\n1950,1.0\n1951,2.0\n1952,4.0\n";
        let reference = Reference::parse(text.as_bytes(), Path::new("r.csv"), &sc).unwrap();
        let f = Fit::of(&sc, &reference, &days, &curve, None);
        assert_eq!(f.r, None);
        assert_eq!(f.lag, None);
        assert!((f.bias - (1.5 - 7.0 / 3.0)).abs() < 1e-12);
        // 1.5 is ordinary, as are 1.0 and 2.0; 4.0 is good.
        assert!((f.same_band - 2.0 / 3.0).abs() < 1e-12);
    }
    #[test]
    fn each_point_is_read_on_its_own_pairs_months() {
        let sc = Scenario::load(Path::new("tests/fixtures/three_states.ron")).unwrap();
        let days: Vec<Day> = Date::month_starts(sc.span().0, sc.span().1)
            .into_iter()
            .map(Date::day)
            .collect();
        let n = days.len();
        // Pair p's cells hold p + 1 in every month.
        let curve: Vec<f64> = (0..3 * n).map(|i| (i / n) as f64 + 1.0).collect();
        let text = "date,pair,score\n1970,us/china,2.0\n1970,china/soviet_union,1.0\n1971-05,soviet_union/us,4.0\n";
        let reference = Reference::parse(text.as_bytes(), Path::new("r.csv"), &sc).unwrap();
        let at: Vec<(usize, f64)> = reference.points.iter().map(|p| (p.pair, p.score)).collect();
        // Sorted by date, then by pair.
        assert_eq!(at, [(0, 1.0), (1, 2.0), (2, 4.0)]);
        let p = pairs(&reference, &days, &curve, None, 0);
        let runs: Vec<f64> = p.iter().map(|q| q.run).collect();
        assert_eq!(runs, [1.0, 2.0, 3.0]);
        // china/us and china/soviet_union are exact; soviet_union/us one point below.
        for (pair, rmse) in [(0, 0.0), (1, 0.0), (2, 1.0)] {
            let f = Fit::of_pair(&sc, &reference, &days, &curve, None, Some(pair));
            assert_eq!((f.n, f.rmse), (1, rmse), "pair {pair}");
        }
        let all = Fit::of(&sc, &reference, &days, &curve, None);
        assert_eq!(all.n, 3);
        assert!((all.rmse - (1.0f64 / 3.0).sqrt()).abs() < 1e-12, "{all:?}");
        assert!((all.bias + 1.0 / 3.0).abs() < 1e-12, "{all:?}");
    }
}
