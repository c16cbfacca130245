//! The words of contested readings: how the runs drew them, and for each conclusion
//! whether it holds under every reading (`readings.txt`, also printed).

use std::fmt::Write as _;

use crate::readings::{Holding, Plan};

/// How many runs took each reading, then each conclusion and whether it holds under
/// every reading, or which reading breaks it and what those runs come to instead:
///
/// ```text
/// Under the contested readings (--readings all: each run drew one reading per contested item)
///   event zhenbao_ambush: chinese_ambush 96 runs, soviet_patrol_first 104 runs
///   mean 1960s bad                                  holds under every reading
///   checkpoint border_war_1969 met by the median    does not hold: event zhenbao_ambush read as soviet_patrol_first (104 runs) gives missed
/// ```
pub fn readings_text(plan: &Plan, all: &[Holding]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nUnder the contested readings (--readings {}: each run drew one reading per contested item, on its own random stream)",
        plan.mode.name()
    );
    for (c, item) in plan.contested.iter().enumerate() {
        let counts: Vec<String> = (0..item.readings.len())
            .map(|r| {
                let n = plan.group(c, r).len();
                format!(
                    "{} {n} run{}",
                    item.readings[r].name,
                    if n == 1 { "" } else { "s" }
                )
            })
            .collect();
        let _ = writeln!(out, "  {}: {}", item.what(), counts.join(", "));
    }
    let width = (all.iter().map(|h| h.conclusion.chars().count()))
        .max()
        .unwrap_or(0);
    for h in all {
        let said = if h.holds() {
            "holds under every reading".to_string()
        } else {
            let mut why: Vec<String> = (h.breaks.iter())
                .map(|&(c, r, ref instead)| {
                    let item = &plan.contested[c];
                    format!(
                        "{} read as {} ({} runs) gives {instead}",
                        item.what(),
                        item.readings[r].name,
                        plan.group(c, r).len()
                    )
                })
                .collect();
            why.extend(h.undrawn.iter().map(|&(c, r)| {
                let item = &plan.contested[c];
                format!("no run read {} as {}", item.what(), item.readings[r].name)
            }));
            format!("does not hold: {}", why.join("; "))
        };
        let _ = writeln!(out, "  {:<width$}  {said}", h.conclusion);
    }
    out
}
