//! Chart models built without the engine, for the chart tests, the chart benchmark and
//! the chart gallery example, so a change to the chart can be looked at and timed on the
//! pictures a teacher will see.
//!
//! The realistic one is Sino-Soviet relations, 1917-1991: 58 dated events whose effects
//! fade with their own half-lives, squashed onto the -9..9 scale as the engine does. The
//! tiny one has two events, one era, no checkpoints and one leader per state.
#![allow(dead_code)]

use diplosim::chart::{
    BandShade, ChartModel, CheckpointMark, EnsembleBand, EnsemblePoint, EraSpan, EventMarker,
    Series, SeriesRole, Strip, Tenure,
};
use diplosim::date::Date;

/// A fixture date; the literals below are all valid.
pub fn date(text: &str) -> Date {
    text.parse().expect("fixture dates are valid")
}

pub const BOUND: f64 = 9.0;
pub const START: &str = "1917-11-07";
pub const END: &str = "1991-12-26";

/// (date, title, source, step in raw points, half-life in years).
pub const EVENTS: &[(&str, &str, &str, f64, f64)] = &[
    (
        "1919-07-25",
        "Karakhan Manifesto renounces tsarist privileges",
        "seed ¶3",
        3.0,
        8.0,
    ),
    (
        "1921-07-11",
        "Red Army enters Outer Mongolia",
        "seed ¶4",
        -1.5,
        5.0,
    ),
    ("1923-01-26", "Sun–Joffe Manifesto", "seed ¶5", 2.5, 6.0),
    (
        "1923-10-06",
        "Borodin arrives in Canton",
        "seed ¶5",
        1.5,
        5.0,
    ),
    (
        "1924-01-20",
        "First KMT Congress admits Communists",
        "seed ¶6",
        1.5,
        5.0,
    ),
    (
        "1924-05-31",
        "Sino-Soviet Agreement restores ties",
        "seed ¶6",
        2.5,
        10.0,
    ),
    (
        "1924-06-16",
        "Whampoa Academy opens with Soviet aid",
        "seed ¶7",
        1.0,
        5.0,
    ),
    ("1925-03-12", "Death of Sun Yat-sen", "seed ¶7", -1.0, 3.0),
    (
        "1926-03-20",
        "Zhongshan Warship Incident",
        "seed ¶8",
        -1.5,
        3.0,
    ),
    (
        "1927-04-12",
        "Shanghai massacre of Communists",
        "seed ¶8",
        -4.0,
        6.0,
    ),
    (
        "1927-12-14",
        "Nanjing breaks relations after Canton Commune",
        "seed ¶9",
        -4.0,
        8.0,
    ),
    (
        "1929-07-10",
        "Chinese Eastern Railway seized",
        "seed ¶10",
        -3.0,
        4.0,
    ),
    (
        "1929-11-17",
        "Soviet troops cross into Manchuria",
        "seed ¶10",
        -3.0,
        4.0,
    ),
    (
        "1931-09-18",
        "Mukden Incident: Japan invades Manchuria",
        "seed ¶11",
        1.0,
        6.0,
    ),
    (
        "1932-12-12",
        "Diplomatic relations restored",
        "seed ¶11",
        3.0,
        8.0,
    ),
    (
        "1935-03-23",
        "USSR sells the railway to Manchukuo",
        "seed ¶12",
        -1.5,
        4.0,
    ),
    ("1936-12-12", "Xi'an Incident", "seed ¶12", 1.0, 4.0),
    (
        "1937-08-21",
        "Sino-Soviet Non-Aggression Pact",
        "seed ¶13",
        3.0,
        6.0,
    ),
    (
        "1937-11-01",
        "Soviet Volunteer Group flies for China",
        "seed ¶13",
        1.5,
        4.0,
    ),
    (
        "1939-06-16",
        "Soviet credit of 150 million dollars",
        "seed ¶14",
        1.0,
        4.0,
    ),
    (
        "1941-04-13",
        "Soviet-Japanese Neutrality Pact",
        "seed ¶14",
        -2.5,
        4.0,
    ),
    (
        "1944-11-12",
        "Ili Rebellion in Xinjiang",
        "seed ¶15",
        -1.5,
        4.0,
    ),
    (
        "1945-02-11",
        "Yalta agreement on Manchuria",
        "seed ¶15",
        -1.0,
        3.0,
    ),
    (
        "1945-08-09",
        "Soviet invasion of Manchuria",
        "seed ¶16",
        1.0,
        2.0,
    ),
    (
        "1945-08-14",
        "Treaty of Friendship with the Republic",
        "seed ¶16",
        2.0,
        4.0,
    ),
    (
        "1946-03-15",
        "Soviets strip Manchurian industry",
        "seed ¶16",
        -1.5,
        3.0,
    ),
    (
        "1949-10-02",
        "USSR recognises the People's Republic",
        "seed ¶17",
        4.0,
        10.0,
    ),
    ("1949-12-16", "Mao arrives in Moscow", "seed ¶17", 1.0, 2.0),
    (
        "1950-02-14",
        "Treaty of Friendship, Alliance and Mutual Assistance",
        "seed ¶18",
        4.0,
        15.0,
    ),
    (
        "1950-10-19",
        "China enters the Korean War",
        "seed ¶19",
        1.5,
        5.0,
    ),
    ("1953-03-05", "Death of Stalin", "seed ¶20", -0.5, 3.0),
    (
        "1954-10-12",
        "Khrushchev in Beijing: Port Arthur returned",
        "seed ¶21",
        2.0,
        6.0,
    ),
    (
        "1956-02-25",
        "Khrushchev's Secret Speech",
        "seed ¶22",
        -2.5,
        10.0,
    ),
    (
        "1957-10-15",
        "New Defence Technical Accord",
        "seed ¶23",
        1.5,
        4.0,
    ),
    (
        "1958-07-31",
        "Khrushchev visit: joint fleet refused",
        "seed ¶24",
        -1.5,
        5.0,
    ),
    (
        "1958-08-23",
        "Second Taiwan Strait Crisis",
        "seed ¶24",
        -1.0,
        4.0,
    ),
    (
        "1959-06-20",
        "USSR tears up the nuclear accord",
        "seed ¶25",
        -2.5,
        8.0,
    ),
    (
        "1959-09-09",
        "TASS neutral on the Sino-Indian border",
        "seed ¶25",
        -1.5,
        5.0,
    ),
    (
        "1960-04-22",
        "\"Long Live Leninism!\" polemic",
        "seed ¶26",
        -2.0,
        6.0,
    ),
    (
        "1960-07-16",
        "Soviet advisers withdrawn",
        "seed ¶26",
        -3.5,
        12.0,
    ),
    (
        "1962-10-20",
        "Sino-Indian War: MiGs for India",
        "seed ¶27",
        -1.5,
        5.0,
    ),
    (
        "1963-07-14",
        "Open Letter of the CPSU",
        "seed ¶28",
        -2.0,
        8.0,
    ),
    (
        "1964-10-16",
        "China's first atomic bomb",
        "seed ¶29",
        -1.0,
        5.0,
    ),
    (
        "1967-01-25",
        "Red Guards besiege the Soviet embassy",
        "seed ¶30",
        -2.0,
        5.0,
    ),
    (
        "1968-08-21",
        "Invasion of Czechoslovakia",
        "seed ¶31",
        -1.5,
        5.0,
    ),
    (
        "1969-03-02",
        "Zhenbao Island clashes",
        "seed ¶32",
        -4.0,
        8.0,
    ),
    ("1969-08-13", "Tielieketi incident", "seed ¶32", -1.5, 3.0),
    (
        "1969-09-11",
        "Kosygin and Zhou meet at Beijing airport",
        "seed ¶33",
        2.0,
        4.0,
    ),
    ("1972-02-21", "Nixon visits China", "seed ¶34", -1.5, 6.0),
    ("1976-09-09", "Death of Mao", "seed ¶35", 0.5, 4.0),
    ("1979-02-17", "Sino-Vietnamese War", "seed ¶36", -2.0, 4.0),
    (
        "1979-12-27",
        "Soviet invasion of Afghanistan",
        "seed ¶36",
        -2.0,
        6.0,
    ),
    (
        "1982-03-24",
        "Brezhnev's Tashkent speech",
        "seed ¶37",
        2.0,
        6.0,
    ),
    (
        "1982-10-05",
        "Vice-ministerial consultations begin",
        "seed ¶37",
        1.0,
        5.0,
    ),
    (
        "1986-07-28",
        "Gorbachev's Vladivostok speech",
        "seed ¶38",
        2.0,
        6.0,
    ),
    (
        "1989-02-15",
        "Last Soviet troops leave Afghanistan",
        "seed ¶39",
        1.5,
        6.0,
    ),
    (
        "1989-05-15",
        "Gorbachev in Beijing: relations normalised",
        "seed ¶39",
        3.5,
        10.0,
    ),
    (
        "1991-05-16",
        "Eastern border agreement",
        "seed ¶40",
        1.5,
        6.0,
    ),
];

/// The structural part: higher while both states are ruled by communist parties.
fn structural(day: i32) -> f64 {
    // 1949-10-01, the founding of the People's Republic.
    if day >= -7397 { 1.0 } else { 0.0 }
}

/// The day count of every event, parsed once.
fn event_days() -> &'static [i32] {
    static DAYS: std::sync::OnceLock<Vec<i32>> = std::sync::OnceLock::new();
    DAYS.get_or_init(|| EVENTS.iter().map(|e| date(e.0).day()).collect())
}

/// The score on `day` when event `i`'s step is multiplied by `weight(i)`.
pub fn score_on(day: i32, weight: &dyn Fn(usize) -> f64) -> f64 {
    let mut raw = structural(day);
    for (i, &(_, _, _, step, half_life)) in EVENTS.iter().enumerate() {
        let at = event_days()[i];
        if at <= day {
            let years = f64::from(day - at) / 365.25;
            raw += weight(i) * step * 0.5f64.powf(years / half_life);
        }
    }
    BOUND * (raw / BOUND).tanh()
}

/// Monthly samples of the score, the first of each month across the span.
pub fn trajectory(weight: &dyn Fn(usize) -> f64) -> Vec<(Date, f64)> {
    Date::month_starts(date(START), date(END))
        .into_iter()
        .map(|d| (d, score_on(d.day(), weight)))
        .collect()
}

pub fn bands() -> Vec<BandShade> {
    [
        "confrontation",
        "tense",
        "bad",
        "ordinary",
        "good",
        "friendly",
    ]
    .iter()
    .enumerate()
    .map(|(k, name)| BandShade {
        name: name.to_string(),
        lo: -9.0 + 3.0 * k as f64,
        hi: -6.0 + 3.0 * k as f64,
    })
    .collect()
}

pub fn eras() -> Vec<EraSpan> {
    [
        ("1917-11-07", "1923-01-25", "Revolution"),
        ("1923-01-26", "1927-04-11", "First United Front"),
        ("1927-04-12", "1937-08-20", "Split with the Nationalists"),
        ("1937-08-21", "1945-08-13", "War against Japan"),
        ("1945-08-14", "1949-09-30", "Civil war"),
        ("1949-10-01", "1956-02-24", "Alliance"),
        ("1956-02-25", "1960-07-15", "Growing rift"),
        ("1960-07-16", "1969-03-01", "Open split"),
        ("1969-03-02", "1978-12-17", "Border war and hostility"),
        ("1978-12-18", "1989-05-14", "Slow thaw"),
        ("1989-05-15", "1991-12-26", "Normalisation"),
    ]
    .iter()
    .map(|&(from, to, label)| EraSpan {
        label: label.to_string(),
        from: date(from),
        to: date(to),
    })
    .collect()
}

pub fn checkpoints(line: &[(Date, f64)]) -> Vec<CheckpointMark> {
    [
        ("united-front", "1924-06-01", "1927-03-01", 3.0, 9.0),
        ("break-1927", "1928-01-01", "1929-12-31", -9.0, -3.0),
        ("war-aid", "1937-09-01", "1941-03-01", 0.0, 6.0),
        ("alliance", "1950-03-01", "1956-01-01", 6.0, 9.0),
        ("split", "1960-08-01", "1963-12-31", -6.0, -3.0),
        ("border-war", "1969-03-02", "1969-12-31", -9.0, -6.0),
        ("thaw", "1983-01-01", "1985-12-31", -3.0, 0.0),
        ("normal", "1989-06-01", "1989-06-01", 0.0, 6.0),
    ]
    .iter()
    .map(|&(id, from, to, lo, hi)| {
        let (from, to) = (date(from), date(to));
        let inside = line
            .iter()
            .filter(|(d, _)| *d >= from.month_start() && *d <= to)
            .all(|(_, v)| (lo..=hi).contains(v));
        CheckpointMark {
            id: id.to_string(),
            from,
            to,
            lo,
            hi,
            met: inside,
        }
    })
    .collect()
}

pub fn markers(weight: &dyn Fn(usize) -> f64) -> Vec<EventMarker> {
    EVENTS
        .iter()
        .enumerate()
        .filter(|&(i, _)| weight(i) != 0.0)
        .map(|(i, &(d, title, source, step, half_life))| EventMarker {
            date: date(d),
            score: score_on(date(d).day(), weight),
            title: title.to_string(),
            source: source.to_string(),
            influence: weight(i) * step.abs() * half_life.min(10.0).sqrt(),
            eligible: true,
        })
        .collect()
}

pub fn strips() -> Vec<Strip> {
    let tenure = |name: &str, short: &str, from: &str, to: &str| Tenure {
        name: name.to_string(),
        short: short.to_string(),
        from: date(from),
        to: date(to),
    };
    vec![
        Strip {
            state: "China".to_string(),
            tenures: vec![
                tenure("Sun Yat-sen", "Sun", "1917-11-07", "1925-03-12"),
                tenure("Chiang Kai-shek", "Chiang", "1926-07-09", "1949-10-01"),
                tenure("Mao Zedong", "Mao", "1949-10-01", "1976-09-09"),
                tenure("Hua Guofeng", "Hua", "1976-10-07", "1978-12-22"),
                tenure("Deng Xiaoping", "Deng", "1978-12-22", "1991-12-26"),
            ],
        },
        Strip {
            state: "Soviet Union".to_string(),
            tenures: vec![
                tenure("Lenin", "Lenin", "1917-11-07", "1924-01-21"),
                tenure("Stalin", "Stalin", "1924-01-21", "1953-03-05"),
                tenure("Malenkov", "Mal.", "1953-03-05", "1955-02-08"),
                tenure("Khrushchev", "Khr.", "1955-02-08", "1964-10-14"),
                tenure("Brezhnev", "Brezh.", "1964-10-14", "1982-11-10"),
                tenure("Andropov", "An", "1982-11-12", "1984-02-09"),
                tenure("Chernenko", "Ch", "1984-02-13", "1985-03-10"),
                tenure("Gorbachev", "Gorb.", "1985-03-11", "1991-12-25"),
            ],
        },
    ]
}

fn frame(title: &str, subtitle: &str, small_print: &str) -> ChartModel {
    ChartModel {
        subtitle: subtitle.to_string(),
        small_print: small_print.to_string(),
        bands: bands(),
        eras: eras(),
        strips: strips(),
        events_file: "events.csv".to_string(),
        ..ChartModel::new(title, (date(START), date(END)), BOUND)
    }
}

/// One run: the baseline, its checkpoints and all its events.
pub fn single_run() -> ChartModel {
    let all = |_: usize| 1.0;
    let line = trajectory(&all);
    ChartModel {
        checkpoints: checkpoints(&line),
        markers: markers(&all),
        series: vec![Series {
            label: "baseline".to_string(),
            points: line,
            role: SeriesRole::Baseline,
        }],
        ..frame(
            "Sino-Soviet relations, 1917-1991",
            "Relation score on Yan Xuetong's scale, from the scenario sino-soviet",
            "seed 1 · diplosim 0.1.0 · data: trajectory.csv",
        )
    }
}

fn index_of(title: &str) -> usize {
    EVENTS
        .iter()
        .position(|e| e.1 == title)
        .expect("fixture event exists")
}

/// The baseline against two what-ifs.
pub fn comparison() -> ChartModel {
    let speech = index_of("Khrushchev's Secret Speech");
    let advisers = index_of("Soviet advisers withdrawn");
    let all = |_: usize| 1.0;
    let mut model = single_run();
    model.title = "What if Khrushchev had kept quiet?".to_string();
    model.subtitle =
        "Sino-Soviet relations without the Secret Speech, and without the advisers' withdrawal"
            .to_string();
    model.small_print = "seed 1 · diplosim 0.1.0 · data: compare.csv".to_string();
    model.series = vec![
        Series {
            label: "history as written".to_string(),
            points: trajectory(&all),
            role: SeriesRole::Baseline,
        },
        Series {
            label: "no Secret Speech".to_string(),
            points: trajectory(&|i| if i == speech { 0.0 } else { 1.0 }),
            role: SeriesRole::Variant,
        },
        Series {
            label: "advisers stay".to_string(),
            points: trajectory(&|i| if i == advisers { 0.0 } else { 1.0 }),
            role: SeriesRole::Variant,
        },
    ];
    model
}

/// Percentiles of `runs` runs whose steps are scaled by deterministic pseudo-random
/// weights in [0.5, 1.5].
pub fn ensemble_band(runs: usize) -> EnsembleBand {
    let months = Date::month_starts(date(START), date(END));
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(runs); months.len()];
    for _ in 0..runs {
        let weights: Vec<f64> = (0..EVENTS.len()).map(|_| 0.5 + next()).collect();
        for (m, d) in months.iter().enumerate() {
            samples[m].push(score_on(d.day(), &|i| weights[i]));
        }
    }
    let points = months
        .iter()
        .zip(samples.iter_mut())
        .map(|(d, s)| {
            s.sort_by(f64::total_cmp);
            let q = |p: f64| s[((s.len() - 1) as f64 * p).round() as usize];
            EnsemblePoint {
                date: *d,
                p5: q(0.05),
                p25: q(0.25),
                p50: q(0.5),
                p75: q(0.75),
                p95: q(0.95),
            }
        })
        .collect();
    EnsembleBand {
        label: format!("{runs} seeded runs"),
        points,
    }
}

/// An ensemble: percentile bands, the median as the line the markers sit near.
pub fn ensemble() -> ChartModel {
    let mut model = single_run();
    model.subtitle =
        "Uncertain event weights: 5-95% and 25-75% of runs, and the median".to_string();
    model.small_print = "seeds 1-60 · diplosim 0.1.0 · data: ensemble.csv".to_string();
    model.series.clear();
    model.ensembles = vec![ensemble_band(60)];
    model
}

/// Two events, one era, no checkpoints, one leader per state (one in Cyrillic).
pub fn tiny() -> ChartModel {
    let (start, end) = (date("1950-01-01"), date("1960-01-01"));
    let points = Date::month_starts(start, end)
        .into_iter()
        .map(|d| (d, if d < date("1955-01-01") { 2.0 } else { -4.0 }))
        .collect();
    let event = |d: &str, score: f64, title: &str| EventMarker {
        date: date(d),
        score,
        title: title.to_string(),
        source: "fixture".to_string(),
        influence: 1.0,
        eligible: true,
    };
    let strip = |state: &str, name: &str, short: &str| Strip {
        state: state.to_string(),
        tenures: vec![Tenure {
            name: name.to_string(),
            short: short.to_string(),
            from: start,
            to: end,
        }],
    };
    ChartModel {
        subtitle: "two events".to_string(),
        small_print: "seed 7".to_string(),
        bands: bands(),
        eras: vec![EraSpan {
            label: "The only era".to_string(),
            from: start,
            to: end,
        }],
        series: vec![Series {
            label: "baseline".to_string(),
            points,
            role: SeriesRole::Baseline,
        }],
        markers: vec![
            event("1952-03-01", 2.0, "Friendly visit"),
            event("1955-01-01", -4.0, "Border incident"),
        ],
        strips: vec![
            strip("Ruritania", "Рудольф Первый", "Рудольф"),
            strip("Borduria", "Kurvi-Tasch", "K-T"),
        ],
        events_file: "events.csv".to_string(),
        ..ChartModel::new("A tiny history", (start, end), 9.0)
    }
}
