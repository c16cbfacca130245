//! Draws the chart gallery: a single run, a comparison, an ensemble, a tiny model and a
//! ranking, as PNG and SVG, into the folder named on the command line (default: the
//! system's temporary folder), and prints how long each render took.
//!
//! `cargo run --release --example chart_gallery -- OUT_DIR`

#[path = "../tests/support/chart_models.rs"]
mod models;

use std::path::PathBuf;
use std::time::Instant;

use diplosim::chart::{self, ChartModel};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    std::fs::create_dir_all(&out)?;
    let models: [(&str, ChartModel); 4] = [
        ("single", models::single_run()),
        ("comparison", models::comparison()),
        ("ensemble", models::ensemble()),
        ("tiny", models::tiny()),
    ];
    for (name, model) in &models {
        let rendered = chart::render(model)?;
        std::fs::write(out.join(format!("chart-{name}.png")), &rendered.png)?;
        std::fs::write(out.join(format!("chart-{name}.svg")), &rendered.svg)?;
    }
    let mut bars: Vec<(String, f64)> = models::markers(&|_| 1.0)
        .iter()
        .map(|m| (format!("{} {}", m.date.year(), m.title), m.influence))
        .collect();
    bars.sort_by(|a, b| b.1.total_cmp(&a.1));
    bars.truncate(20);
    let rendered = chart::render_bars(
        "Which events shaped Sino-Soviet relations?",
        "How far the trajectory moves when each event is removed",
        "seed 1 · diplosim 0.1.0 · data: rank.csv",
        &bars,
    )?;
    std::fs::write(out.join("chart-rank.png"), &rendered.png)?;
    std::fs::write(out.join("chart-rank.svg"), &rendered.svg)?;

    let model = &models[0].1;
    let reps = if cfg!(debug_assertions) { 1 } else { 20 };
    let t = Instant::now();
    for _ in 0..reps {
        chart::render_png(model)?;
    }
    let png = t.elapsed() / reps;
    let t = Instant::now();
    for _ in 0..reps {
        chart::render_svg(model)?;
    }
    let svg = t.elapsed() / reps;
    println!("wrote the gallery to {}", out.display());
    println!("single run: png {png:?}, svg {svg:?} per render (mean of {reps})");
    Ok(())
}
