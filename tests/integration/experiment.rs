//! Experiments: explanations that add up, ensembles that reduce to a run, results that do
//! not depend on the number of threads, and rankings that find the dominant event.

use crate::common::fixture;

use diplosim::date::Date;
use diplosim::engine::Simulation;
use diplosim::experiment::{self, ExperimentError, Seeds, Variant};
use diplosim::record::{fixed, trajectory_csv};
use diplosim::report;
use diplosim::scenario::Scenario;
use diplosim::scenario::counterfactual::Counterfactual;
use diplosim::scenario::file::ScenarioFile;

fn small() -> Scenario {
    Scenario::load(&fixture("small.ron")).unwrap()
}

#[test]
fn explained_parts_sum_to_the_score_of_the_run() {
    let sc = small();
    for (seed, date) in [
        (1, "1952-07-01"),
        (3, "1957-03-15"),
        (4, "1957-01-20"),
        (8, "1955-06-01"),
        (2, "1960-12-31"),
    ] {
        let date: Date = date.parse().unwrap();
        let x = experiment::explain(&sc, seed, date, 0).unwrap();
        let sum = x.structural + x.parts.iter().map(|p| p.value).sum::<f64>();
        assert!((sum - x.raw).abs() < 1e-12);
        assert!((x.score - diplosim::score::squash(x.raw, sc.scale.bound)).abs() < 1e-12);
        // The run's own sample on that day, from a full run.
        let run = Simulation::with_days(&sc, &[date.day()]).run(seed).unwrap();
        let sample = run.at(date.day(), 0).unwrap();
        assert!(
            (sample.score - x.score).abs() < 1e-9,
            "{date} seed {seed}: run {} explained {}",
            sample.score,
            x.score
        );
        assert!((sample.parts.raw() - x.raw).abs() < 1e-9);
        assert!(!x.parts.is_empty() || date.day() < sc.events[0].date().unwrap().day());
    }
    // On the first of a month, it is the trajectory's row.
    let x = experiment::explain(&sc, 1, "1952-07-01".parse().unwrap(), 0).unwrap();
    let csv =
        String::from_utf8(trajectory_csv(&sc, &Simulation::new(&sc).run(1).unwrap()).unwrap())
            .unwrap();
    let row = csv.lines().find(|l| l.starts_with("1952-07-01")).unwrap();
    assert_eq!(row.split(',').nth(1), Some("north/south"));
    assert_eq!(row.split(',').nth(2).unwrap(), fixed(x.score));
    // Treaty, friendship and party ties all count in mid-1952.
    assert_eq!(x.parts.len(), 3);
}

#[test]
fn explaining_a_date_outside_the_span_is_a_clear_error() {
    let err = experiment::explain(&small(), 1, "1949-12-31".parse().unwrap(), 0).unwrap_err();
    assert!(matches!(err, ExperimentError::OutsideSpan { .. }));
    assert!(
        err.to_string().contains("1950-01-01 to 1960-12-31"),
        "{err}"
    );
}

#[test]
fn an_ensemble_of_one_run_is_that_run() {
    let sc = small();
    let e = experiment::ensemble(&sc, Seeds::new(5, 1).unwrap(), &()).unwrap();
    let run = Simulation::new(&sc).run(5).unwrap();
    let scores: Vec<f64> = run.monthly().map(|s| s.score).collect();
    assert_eq!(e.mean, scores);
    for (p, s) in e.percentiles.iter().zip(&scores) {
        assert_eq!(p, &[*s; 5]);
    }
}

#[test]
fn ensemble_bands_are_ordered_and_spread_where_the_history_is_uncertain() {
    let sc = small();
    let e = experiment::ensemble(&sc, Seeds::new(1, 60).unwrap(), &()).unwrap();
    for p in &e.percentiles {
        assert!(p.windows(2).all(|w| w[0] <= w[1]), "{p:?}");
    }
    let at = |d: &str| {
        e.days
            .iter()
            .position(|&x| x == d.parse::<Date>().unwrap().day())
            .unwrap()
    };
    // Nothing is uncertain before the incident's window; it is after.
    let calm = e.percentiles[at("1955-01-01")];
    assert_eq!(calm[0], calm[4]);
    let stormy = e.percentiles[at("1957-02-01")];
    assert!(stormy[4] - stormy[0] > 1.0, "{stormy:?}");
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let sc = small();
    let cf = Counterfactual::load(&fixture("counterfactuals/late_treaty.ron")).unwrap();
    let path = fixture("small.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    let file = ScenarioFile::parse(&text, &path).unwrap();
    let all = |threads: usize| {
        in_pool(threads, || {
            let e = experiment::ensemble(&sc, Seeds::new(11, 37).unwrap(), &()).unwrap();
            let v = [Variant {
                name: "late",
                scenario: &cf.scenario,
            }];
            let c = experiment::compare(&sc, &v, Seeds::new(3, 13).unwrap(), &()).unwrap();
            let r = experiment::rank(&file, &text, &path, Seeds::new(7, 5).unwrap(), &()).unwrap();
            (
                report::ensemble_csv(&sc, &e).unwrap(),
                report::compare_csv(&sc, &c).unwrap(),
                report::divergence_text(&sc, &c, &["late"], &[]),
                report::rank_csv(&sc, &r).unwrap(),
            )
        })
    };
    assert_eq!(all(1), all(2));
}

#[test]
fn rank_puts_the_dominant_event_first() {
    let path = fixture("dominant.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    let file = ScenarioFile::parse(&text, &path).unwrap();
    let sc = Scenario::load(&path).unwrap();
    let r = experiment::rank(&file, &text, &path, Seeds::new(1, 4).unwrap(), &()).unwrap();
    let ids: Vec<&str> = r.iter().map(|i| sc.events[i.event].id.as_str()).collect();
    assert_eq!(ids[0], "war", "{ids:?}");
    assert_eq!(ids.len(), 4);
    assert!(r[0].mean_effect < -1.0, "the war cooled the relation");
    assert!(r[0].mean_abs_change > 5.0 * r[1].mean_abs_change);
    assert!(
        r.windows(2)
            .all(|w| w[0].mean_abs_change >= w[1].mean_abs_change)
    );
}

#[test]
fn a_variant_that_changes_nothing_never_parts() {
    let sc = small();
    let cf = Counterfactual::load(&fixture("counterfactuals/noop.ron")).unwrap();
    let v = [Variant {
        name: "noop",
        scenario: &cf.scenario,
    }];
    let c = experiment::compare(&sc, &v, Seeds::new(1, 4).unwrap(), &()).unwrap();
    assert!(c.variants[0].diff.iter().all(|&d| d == 0.0));
    assert_eq!(c.variants[0].divergence[0].parts, None);
}

#[test]
fn a_comparison_finds_where_the_curves_part() {
    let sc = small();
    let cf = Counterfactual::load(&fixture("counterfactuals/no_incident.ron")).unwrap();
    let v = [Variant {
        name: "no_incident",
        scenario: &cf.scenario,
    }];
    let c = experiment::compare(&sc, &v, Seeds::new(1, 20).unwrap(), &()).unwrap();
    let d = &c.variants[0].divergence[0];
    let parts = d.parts.unwrap();
    assert!(parts >= cf.first_change.day());
    assert!(parts <= "1957-02-01".parse::<Date>().unwrap().day());
    // Without the incident, the relation is warmer on average.
    assert!(d.mean_gap > 0.0);
    let (when, gap) = d.largest.unwrap();
    assert!(gap > 0.5 && when >= parts, "{gap} on {when}");
    let v0 = &c.variants[0];
    for i in 0..c.days.len() {
        assert!(v0.diff_p5[i] <= v0.diff_p95[i]);
    }
    assert_eq!(c.decades.len(), 1, "one pair");
    assert_eq!(c.decades[0].len(), 2);
}
