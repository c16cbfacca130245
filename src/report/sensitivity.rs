//! A sensitivity analysis for a reader: the declared parameters ranked by their Morris
//! mu*, as a bar chart sized to its bars, the printed table and `sensitivity.csv`.

use std::fmt::Write as _;

use crate::chart::BarChart;
use crate::experiment::Seeds;
use crate::record::fixed;
use crate::research::sensitivity::Effect;
use crate::scenario::Scenario;

/// The bar chart of `effects` (in the order given, largest first), each bar labelled
/// with its parameter's name and bounds, over `paths` Morris paths of `seeds`.
pub fn sensitivity_chart(
    sc: &Scenario,
    effects: &[&Effect],
    seeds: Seeds,
    paths: usize,
) -> BarChart {
    let bound = |v: f64| {
        let text = format!("{:.2}", v.abs());
        let text = text.trim_end_matches('0').trim_end_matches('.');
        if v < 0.0 && text != "0" {
            format!("\u{2212}{text}")
        } else {
            text.to_string()
        }
    };
    let runs = if seeds.runs == 1 {
        "one run".to_string()
    } else {
        format!("the mean of {} runs", seeds.runs)
    };
    BarChart {
        title: format!("{}: which parameters move it", sc.title()),
        subtitle: format!(
            "Morris screening, {paths} paths: how far {runs} moves when one parameter \
             crosses its range"
        ),
        axis: "mu*: mean absolute change of the mean monthly score, in score points per \
               full range"
            .into(),
        small_print: format!(
            "{} · {paths} Morris paths · sigma and one-at-a-time ranges in sensitivity.csv · \
             diplosim {} · data: sensitivity.csv",
            super::seed_range(seeds),
            env!("CARGO_PKG_VERSION")
        ),
        bars: effects
            .iter()
            .map(|e| {
                (
                    format!("{}: {} to {}", e.name, bound(e.bounds.0), bound(e.bounds.1)),
                    e.mu_star,
                )
            })
            .collect(),
        directions: Vec::new(),
    }
}

/// `sensitivity.csv`: one row per parameter, in the order of the params file, and pair:
/// `parameter,pair,from,to,oat_trajectory,oat_rmse_min,oat_rmse_max,morris_mu_star,
/// morris_sigma,morris_fit_mu_star`. `rows` holds, per parameter, its effects: on the
/// only pair of a one-pair scenario; else on each pair, then on all pairs pooled (`all`).
pub fn sensitivity_csv(sc: &Scenario, rows: &[Vec<Effect>]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "parameter",
        "pair",
        "from",
        "to",
        "oat_trajectory",
        "oat_rmse_min",
        "oat_rmse_max",
        "morris_mu_star",
        "morris_sigma",
        "morris_fit_mu_star",
    ])?;
    let opt = |x: Option<f64>| x.map_or_else(String::new, fixed);
    for e in rows.iter().flatten() {
        let pair = match e.pair {
            Some(p) => sc.pair_key(p),
            None if sc.pairs.len() == 1 => sc.pair_key(0),
            None => "all".to_string(),
        };
        w.write_record([
            e.name.clone(),
            pair,
            fixed(e.bounds.0),
            fixed(e.bounds.1),
            fixed(e.oat_trajectory),
            opt(e.oat_rmse.map(|r| r.0)),
            opt(e.oat_rmse.map(|r| r.1)),
            fixed(e.mu_star),
            fixed(e.sigma),
            opt(e.fit_mu_star),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// The printed table of `effects` (in the order given), under a parameter column `w`
/// characters wide.
pub fn sensitivity_table(effects: &[&Effect], w: usize) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "  {:<w$}  {:>9}  {:>10}  {:>7}  {:>13}  {:>7}",
        "parameter", "OAT range", "Morris mu*", "sigma", "RMSE range", "fit mu*"
    );
    for e in effects {
        let _ = writeln!(
            text,
            "  {:<w$}  {:>9.3}  {:>10.3}  {:>7.3}  {:>13}  {:>7}",
            e.name,
            e.oat_trajectory,
            e.mu_star,
            e.sigma,
            e.oat_rmse
                .map_or_else(|| "-".to_string(), |(a, b)| format!("{a:.2} to {b:.2}")),
            e.fit_mu_star
                .map_or_else(|| "-".to_string(), |m| format!("{m:.3}"))
        );
    }
    text
}
