//! A calibration's diagnostics for a reader: the section of `calibration.txt` after the
//! fit table, and `calibration.csv`, the same numbers in long form (one row per quantity,
//! with the parameter, start, fold, period and curve it belongs to).

use std::fmt::Write as _;

use serde::Serialize;

use crate::record::fixed;
use crate::research::calibrate::{Objective, Params};
use crate::research::diagnose::{self, Diagnostics, Side};

/// The diagnostics as text, `w` the width of the parameter names.
pub fn diagnostics_text(
    params: &Params,
    objective: Objective,
    d: &Diagnostics,
    w: usize,
) -> String {
    let mut out = String::new();
    let objective = format!("{objective:?}").to_lowercase();
    let _ = writeln!(
        out,
        "diagnostics: the loss along each parameter (the others at their calibrated values) gives its interval, the values whose loss stays within {:.4} ({}):",
        d.limit,
        match objective.as_str() {
            "rmse" => format!(
                "RMSE ≤ best × sqrt(1 + 3.84/n) on the {} training dates, a 95% likelihood-ratio interval",
                d.train_dates
            ),
            _ => format!(
                "one training date more in another band, of {}",
                d.train_dates
            ),
        }
    );
    let _ = writeln!(
        out,
        "  {:<w$}  {:>10}  {:>10}  {:>27}  bound",
        "parameter", "from", "to", "interval"
    );
    let mut flagged = false;
    for ((p, profile), near) in params.params.iter().zip(&d.profiles).zip(&d.bounds) {
        let (a, b) = p.bounds();
        let end = |v: f64, open: bool| {
            if open {
                format!("bound {v:.3}")
            } else {
                format!("{v:.3}")
            }
        };
        let interval = format!(
            "{} to {}",
            end(profile.interval.0, profile.open.0),
            end(profile.interval.1, profile.open.1)
        );
        let bound = match near {
            None => String::new(),
            Some((side, on)) => {
                flagged = true;
                let side = match side {
                    Side::Lower => "LOWER",
                    Side::Upper => "UPPER",
                };
                if *on {
                    format!("ON ITS {side} BOUND")
                } else {
                    format!("NEAR ITS {side} BOUND (within 1%)")
                }
            }
        };
        let row = format!(
            "  {:<w$}  {a:>10.3}  {b:>10.3}  {interval:>27}  {bound}",
            p.name()
        );
        let _ = writeln!(out, "{}", row.trim_end());
    }
    // The profile's grid may find a clearly lower loss (by more than 0.1%) than the
    // search did: then the search had not converged, and the reader should know.
    for (p, profile) in params.params.iter().zip(&d.profiles) {
        let best = d.best_loss;
        if let Some(&(v, l)) = profile
            .points
            .iter()
            .filter(|pt| pt.1 < best * (1.0 - 1e-3))
            .min_by(|a, b| a.1.total_cmp(&b.1))
        {
            let _ = writeln!(
                out,
                "  the loss is lower at {} {v:.3} ({l:.4}) than at the calibrated values ({best:.4}): the search stopped before the best; give it more --budget",
                p.name()
            );
        }
    }
    if flagged {
        let _ = writeln!(
            out,
            "  a parameter on or near a bound may want a value beyond it: widen the bound if the model allows, or read the others' values as fitted around it"
        );
    }
    if let Some((base, cal)) = d.test {
        if d.overfit() {
            let _ = writeln!(
                out,
                "  OVERFIT: on the test period the calibrated run fits worse than the scenario as written: RMSE {cal:.2} against {base:.2}"
            );
        } else {
            let _ = writeln!(
                out,
                "  test period: the calibrated run fits it no worse than the scenario as written (RMSE {cal:.2} against {base:.2})"
            );
        }
    }
    let _ = writeln!(
        out,
        "starts (each its own Nelder-Mead on its share of the budget):"
    );
    for (i, (s, stop)) in d.starts.iter().enumerate() {
        let at: Vec<String> = params
            .params
            .iter()
            .zip(&s.best)
            .map(|(p, v)| format!("{} {v:.3}", p.name()))
            .collect();
        let _ = writeln!(
            out,
            "  {:>3}  loss {:.4}  {:>5} evaluations  stopped by {}  at {}",
            i + 1,
            s.loss,
            s.evaluations,
            stop.words(),
            at.join(", ")
        );
    }
    if !d.folds.is_empty() {
        let k = d.folds.len();
        let _ = writeln!(
            out,
            "rolling-origin cross-validation, {k} fold{}: the training dates cut in {} parts in time; fold i trains on parts 1 to i and tests on part i + 1",
            if k == 1 { "" } else { "s" },
            k + 1
        );
        let _ = writeln!(
            out,
            "  {:>4}  {:<31}  {:<31}  {:>8}  {:>10}",
            "fold", "train (dates)", "test (dates)", "scenario", "calibrated"
        );
        for (i, f) in d.folds.iter().enumerate() {
            let window = |((a, b), n): ((crate::date::Date, crate::date::Date), usize)| {
                format!("{a} to {b} ({n})")
            };
            let _ = writeln!(
                out,
                "  {:>4}  {:<31}  {:<31}  {:>8.2}  {:>10.2}{}",
                i + 1,
                window(f.train),
                window(f.test),
                f.test_rmse.0,
                f.test_rmse.1,
                if f.overfit() { "  OVERFIT" } else { "" }
            );
        }
        let base: Vec<f64> = d.folds.iter().map(|f| f.test_rmse.0).collect();
        let cal: Vec<f64> = d.folds.iter().map(|f| f.test_rmse.1).collect();
        let (bm, bs) = diagnose::mean_and_spread(&base);
        let (cm, cs) = diagnose::mean_and_spread(&cal);
        let _ = writeln!(
            out,
            "  test RMSE over the folds: calibrated mean {cm:.2}, spread (sd) {cs:.2}; the scenario as written mean {bm:.2}, spread {bs:.2}"
        );
    }
    out
}

/// A row of `calibration.csv`: one number and what it is of. Empty cells for what does
/// not apply.
#[derive(Serialize)]
struct Row {
    quantity: &'static str,
    parameter: String,
    start: String,
    fold: String,
    period: &'static str,
    curve: &'static str,
    at: String,
    value: String,
}

impl Row {
    fn new(quantity: &'static str, value: f64) -> Row {
        Row {
            quantity,
            parameter: String::new(),
            start: String::new(),
            fold: String::new(),
            period: "",
            curve: "",
            at: String::new(),
            value: fixed(value),
        }
    }

    fn parameter(mut self, name: String) -> Row {
        self.parameter = name;
        self
    }
}

/// `calibration.csv`: per parameter its bounds (`from`, `to`), the scenario's and the
/// calibrated value, `near_bound` (-1 lower, 1 upper, 0 neither), `on_bound` (1 or 0),
/// `interval_low` and `interval_high`, and `profile_loss` at each value `at`; per start
/// its `start_value` of each parameter, `start_loss`, `start_evaluations` and
/// `start_stopped_by_budget` (1, or 0 for a collapsed simplex); the `rmse` of each curve
/// (`scenario`, `calibrated`) on the test period and `overfit` (1 or 0); per fold its
/// `rmse` on its train and test periods, its `overfit`, and over the folds the
/// `test_rmse_mean` and `test_rmse_sd` of each curve.
pub fn calibration_csv(
    params: &Params,
    scenario: &[f64],
    calibrated: &[f64],
    d: &Diagnostics,
) -> Result<Vec<u8>, csv::Error> {
    let mut rows: Vec<Row> = Vec::new();
    for (j, p) in params.params.iter().enumerate() {
        let name = p.name();
        let (a, b) = p.bounds();
        let near = d.bounds[j].map_or(0.0, |(s, _)| match s {
            Side::Lower => -1.0,
            Side::Upper => 1.0,
        });
        let on = d.bounds[j].is_some_and(|(_, on)| on);
        for (q, v) in [
            ("from", a),
            ("to", b),
            ("scenario", scenario[j]),
            ("calibrated", calibrated[j]),
            ("near_bound", near),
            ("on_bound", f64::from(u8::from(on))),
            ("interval_low", d.profiles[j].interval.0),
            ("interval_high", d.profiles[j].interval.1),
        ] {
            rows.push(Row::new(q, v).parameter(name.clone()));
        }
        for &(at, loss) in &d.profiles[j].points {
            let mut r = Row::new("profile_loss", loss).parameter(name.clone());
            r.at = fixed(at);
            rows.push(r);
        }
    }
    for (i, (s, stop)) in d.starts.iter().enumerate() {
        let start = (i + 1).to_string();
        for (p, &v) in params.params.iter().zip(&s.best) {
            let mut r = Row::new("start_value", v).parameter(p.name());
            r.start = start.clone();
            rows.push(r);
        }
        for (q, v) in [
            ("start_loss", s.loss),
            ("start_evaluations", s.evaluations as f64),
            (
                "start_stopped_by_budget",
                f64::from(u8::from(*stop == diagnose::Stop::Budget)),
            ),
        ] {
            let mut r = Row::new(q, v);
            r.start = start.clone();
            rows.push(r);
        }
    }
    if let Some((base, cal)) = d.test {
        for (curve, v) in [("scenario", base), ("calibrated", cal)] {
            let mut r = Row::new("rmse", v);
            r.period = "test";
            r.curve = curve;
            rows.push(r);
        }
        let mut r = Row::new("overfit", f64::from(u8::from(d.overfit())));
        r.period = "test";
        rows.push(r);
    }
    for (i, f) in d.folds.iter().enumerate() {
        let fold = (i + 1).to_string();
        for (period, (base, cal)) in [("train", f.train_rmse), ("test", f.test_rmse)] {
            for (curve, v) in [("scenario", base), ("calibrated", cal)] {
                let mut r = Row::new("rmse", v);
                r.fold = fold.clone();
                r.period = period;
                r.curve = curve;
                rows.push(r);
            }
        }
        for (p, &v) in params.params.iter().zip(&f.best) {
            let mut r = Row::new("calibrated", v).parameter(p.name());
            r.fold = fold.clone();
            rows.push(r);
        }
        let mut r = Row::new("overfit", f64::from(u8::from(f.overfit())));
        r.fold = fold;
        r.period = "test";
        rows.push(r);
    }
    if !d.folds.is_empty() {
        for (curve, pick) in [
            (
                "scenario",
                (|f: &diagnose::Fold| f.test_rmse.0) as fn(&diagnose::Fold) -> f64,
            ),
            ("calibrated", |f: &diagnose::Fold| f.test_rmse.1),
        ] {
            let xs: Vec<f64> = d.folds.iter().map(pick).collect();
            let (m, s) = diagnose::mean_and_spread(&xs);
            for (q, v) in [("test_rmse_mean", m), ("test_rmse_sd", s)] {
                let mut r = Row::new(q, v);
                r.curve = curve;
                r.period = "test";
                rows.push(r);
            }
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
