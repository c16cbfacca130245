//! The chart of a sensitivity analysis: the declared parameters ranked by their Morris
//! mu*, as a bar chart sized to its bars.

use crate::chart::BarChart;
use crate::experiment::Seeds;
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
        effects: Vec::new(),
    }
}
