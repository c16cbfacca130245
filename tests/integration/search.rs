//! The calibration's search through the library: several starts recover known
//! parameters, and what they find does not depend on the number of threads nor on how
//! the starts are split between machines.

use std::path::Path;

use diplosim::experiment::{self, Seeds};
use diplosim::research::Reference;
use diplosim::research::calibrate::{Objective, Params, Problem};
use diplosim::research::search::{self, Start};
use diplosim::scenario::Scenario;
use diplosim::scenario::counterfactual::Source;
use diplosim::scenario::file::ScenarioFile;

use crate::common::{fixture, small, small_file};

/// The small fixture's mean over 20 runs with the base at 1.0 and the treaty's values
/// times 1.5, plus a fixed saw-tooth noise of up to ±0.15, as a reference CSV.
fn made_reference() -> Vec<u8> {
    let file = small_file();
    let path = fixture("small.ron");
    let truth = Source::parse(
        "Counterfactual(base: \"small.ron\", name: \"truth\", title: \"t\", question: \"q\",\n  changes: [Structure(base: 1.0), Scale(event: \"treaty\", by: 1.5)])\n".into(),
        &path.with_file_name("truth.ron"),
    )
    .unwrap()
    .apply(&file, &path)
    .unwrap();
    let seeds = Seeds::new(1, 20).unwrap();
    let values = experiment::monthly_scores(&truth.scenario, seeds, &()).unwrap();
    let days = experiment::months(&truth.scenario);
    let mut out = String::from("date,score\n");
    for (m, day) in days.iter().enumerate() {
        let mean = values.iter().skip(m).step_by(days.len()).sum::<f64>() / 20.0;
        let noise = 0.15 * (((m * 7919) % 13) as f64 / 6.0 - 1.0);
        let date = diplosim::date::Date::from_day(*day).to_string();
        out.push_str(&format!("{},{:.4}\n", &date[..7], mean + noise));
    }
    out.into_bytes()
}

/// Runs `f` on a pool of `threads` threads.
fn on<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

/// A problem on the small fixture with 20 runs (1 without a reference).
fn problem<'a>(
    file: &'a ScenarioFile,
    sc: &'a Scenario,
    path: &'a Path,
    reference: Option<&'a Reference>,
    params: &'a Params,
    budget: usize,
) -> Problem<'a> {
    Problem {
        file,
        path,
        scenario: sc,
        reference,
        params,
        train: None,
        seeds: Seeds::new(1, if reference.is_some() { 20 } else { 1 }).unwrap(),
        budget,
        objective: Objective::Rmse,
    }
}

fn bits(starts: &[Start]) -> Vec<u64> {
    starts
        .iter()
        .flat_map(Start::row)
        .map(f64::to_bits)
        .collect()
}

#[test]
fn starts_recover_known_parameters_on_any_thread_count_and_split() {
    let dir = tempfile::tempdir().unwrap();
    let file = small_file();
    let sc = small();
    let path = fixture("small.ron");
    let reference = Reference::parse(&made_reference(), Path::new("ref.csv"), &sc).unwrap();
    let params_path = dir.path().join("params.ron");
    std::fs::write(
        &params_path,
        "Params(params: [Base(from: -2.0, to: 2.0), EventValue(event: \"treaty\", from: 0.5, to: 2.5)])\n",
    )
    .unwrap();
    let params = Params::load(&params_path, &file).unwrap();
    let problem = problem(&file, &sc, &path, Some(&reference), &params, 240);
    let starts = 4;
    let one = on(1, || {
        search::search(&problem, starts, 0..starts, &()).unwrap()
    });
    let two = on(2, || {
        search::search(&problem, starts, 0..starts, &()).unwrap()
    });
    assert_eq!(bits(&one), bits(&two), "one thread and two differ");
    // Split as two shards would split them: the same starts, the same bits.
    let mut split = search::search(&problem, starts, 0..1, &()).unwrap();
    split.extend(search::search(&problem, starts, 1..starts, &()).unwrap());
    assert_eq!(bits(&one), bits(&split), "split starts differ");
    // Every start keeps to its share of the budget.
    for (i, s) in one.iter().enumerate() {
        assert!(s.evaluations <= search::share(240, starts, i), "{s:?}");
    }
    let cal = search::calibration(&problem, &one, "small.ron", "test");
    // Stated tolerances: the base within 0.1 point of 1.0, the multiplier within 0.1 of 1.5.
    assert!((cal.best[0] - 1.0).abs() < 0.1, "{cal:?}");
    assert!((cal.best[1] - 1.5).abs() < 0.1, "{cal:?}");
    assert!(cal.loss < cal.start.1, "{cal:?}");
    // The first start is the scenario's own values: base 0, multiplier 1.
    assert_eq!(cal.start.0, vec![0.0, 1.0]);
}

#[test]
fn the_design_starts_from_the_scenario_then_spreads_over_the_box() {
    let file = small_file();
    let sc = small();
    let path = fixture("small.ron");
    let dir = tempfile::tempdir().unwrap();
    let params_path = dir.path().join("params.ron");
    std::fs::write(
        &params_path,
        "Params(params: [Base(from: -2.0, to: 2.0), Values(from: 0.5, to: 1.5), Affinity(from: 0.0, to: 4.0)])\n",
    )
    .unwrap();
    let params = Params::load(&params_path, &file).unwrap();
    let problem = problem(&file, &sc, &path, None, &params, 10);
    let design = search::design(&problem, 8);
    assert_eq!(design.len(), 8);
    // The scenario's own values (base 0, multiplier 1, affinity 2) on the unit cube.
    assert_eq!(design[0], vec![0.5, 0.5, 0.5]);
    for (i, p) in design.iter().enumerate() {
        assert!(p.iter().all(|t| (0.0..=1.0).contains(t)), "{p:?}");
        for q in &design[..i] {
            assert_ne!(p, q, "two starts coincide");
        }
    }
    // The budget is shared to the evaluation.
    for (budget, k) in [(200, 4), (7, 3), (3, 5), (1001, 7)] {
        let shares: Vec<usize> = (0..k).map(|i| search::share(budget, k, i)).collect();
        assert_eq!(shares.iter().sum::<usize>(), budget);
        assert!(shares.iter().max().unwrap() - shares.iter().min().unwrap() <= 1);
    }
}
