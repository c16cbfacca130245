use super::*;
use Sign::{Minus, Plus};

/// Positions: 0 China, 1 Soviet Union, 2 United States; pairs (0,1), (0,2), (1,2).
const CN: usize = 0;
const SU: usize = 1;
const US: usize = 2;

fn triangle(dwell_months: usize) -> Triangle {
    Triangle {
        states: [0, 1, 2],
        pairs: [0, 1, 2],
        dead_band: DEFAULT_DEAD_BAND,
        trend_dead_band: DEFAULT_TREND_DEAD_BAND,
        dwell_months,
    }
}

const ALL_SIGNS: [[Sign; 3]; 8] = [
    [Plus, Plus, Plus],
    [Plus, Plus, Minus],
    [Plus, Minus, Plus],
    [Minus, Plus, Plus],
    [Plus, Minus, Minus],
    [Minus, Plus, Minus],
    [Minus, Minus, Plus],
    [Minus, Minus, Minus],
];

#[test]
fn three_friends_are_a_menage_a_trois() {
    let c = Configuration::of_signs([Plus, Plus, Plus]);
    assert_eq!(c, Configuration::MenageATrois);
    assert!(c.balanced());
    assert_eq!([c.role(0), c.role(1), c.role(2)], [Role::Friend; 3]);
    assert_eq!(c.singled_out(), None);
}

#[test]
fn the_pivot_is_the_state_in_both_friendly_pairs() {
    // 1970s by Kissinger's design: US-China +, US-USSR +, China-USSR −.
    let c = Configuration::of_signs([Minus, Plus, Plus]);
    assert_eq!(c, Configuration::RomanticTriangle { pivot: US });
    assert!(!c.balanced());
    assert_eq!(c.role(US), Role::Pivot);
    assert_eq!(c.role(CN), Role::Wing);
    assert_eq!(c.role(SU), Role::Wing);
    // China as pivot (the 1980s drift): China-USSR +, China-US +, USSR-US −.
    let c = Configuration::of_signs([Plus, Plus, Minus]);
    assert_eq!(c, Configuration::RomanticTriangle { pivot: CN });
    // The USSR as pivot (after Tiananmen): China-USSR +, China-US −, USSR-US +.
    let c = Configuration::of_signs([Plus, Minus, Plus]);
    assert_eq!(c, Configuration::RomanticTriangle { pivot: SU });
}

#[test]
fn the_outcast_is_the_state_outside_the_friendly_pair() {
    // The 1950s: China-USSR +, the US foe of both.
    let c = Configuration::of_signs([Plus, Minus, Minus]);
    assert_eq!(c, Configuration::StableMarriage { outcast: US });
    assert!(c.balanced());
    assert_eq!(
        [c.role(CN), c.role(SU), c.role(US)],
        [Role::Partner, Role::Partner, Role::Outcast]
    );
    // 1979-82: China-US +, the USSR the outcast.
    let c = Configuration::of_signs([Minus, Plus, Minus]);
    assert_eq!(c, Configuration::StableMarriage { outcast: SU });
    assert_eq!(c.role(SU), Role::Outcast);
    // A US-Soviet marriage, China the outcast.
    let c = Configuration::of_signs([Minus, Minus, Plus]);
    assert_eq!(c, Configuration::StableMarriage { outcast: CN });
    assert_eq!(c.singled_out(), Some(CN));
}

#[test]
fn three_foes_are_a_unit_veto() {
    let c = Configuration::of_signs([Minus, Minus, Minus]);
    assert_eq!(c, Configuration::UnitVeto);
    assert!(!c.balanced());
    assert_eq!([c.role(0), c.role(1), c.role(2)], [Role::Foe; 3]);
}

#[test]
fn wus_payoff_from_the_signs_ranks_the_roles() {
    // The formula on the signs gives each role's payoff, in every one of the 8 cases.
    for signs in ALL_SIGNS {
        let c = Configuration::of_signs(signs);
        for k in 0..3 {
            assert_eq!(payoff(signs, k), c.role(k).payoff(), "{signs:?}, state {k}");
        }
        let product: i32 = signs.iter().map(|s| s.unit()).product();
        assert_eq!(c.balanced(), product > 0, "{signs:?}");
    }
    let by_role = |r: Role| r.payoff();
    assert_eq!(by_role(Role::Pivot), 3);
    assert_eq!(by_role(Role::Friend), 1);
    assert_eq!(by_role(Role::Partner), 1);
    assert_eq!(by_role(Role::Wing), -1);
    assert_eq!(by_role(Role::Foe), -1);
    assert_eq!(by_role(Role::Outcast), -3);
    // The pivot of the romantic triangle gains most, in an unbalanced configuration.
    let signs = [Minus, Plus, Plus];
    assert_eq!(payoff(signs, US), 3);
    assert_eq!(payoff(signs, CN), -1);
}

#[test]
fn the_dead_band_keeps_the_sign_before_it() {
    let values = [0.5, 1.0, 0.2, -0.5, -0.99, -1.0, 0.0, 0.9, 1.2, -3.0];
    let got = signs(&values.map(Some), 1.0);
    assert_eq!(
        got,
        [
            None,
            Some(Plus),
            Some(Plus),
            Some(Plus),
            Some(Plus),
            Some(Minus),
            Some(Minus),
            Some(Minus),
            Some(Plus),
            Some(Minus),
        ]
    );
}

#[test]
fn no_configuration_until_every_pair_has_a_sign() {
    let t = triangle(1);
    let a = [2.0, 2.0, 2.0, 2.0];
    let b = [-2.0, -2.0, -2.0, -2.0];
    // The third pair stays in the band until the third month.
    let c = [0.5, -0.9, -1.5, 0.0];
    let got = read([&a, &b, &c], Reading::Levels, &t);
    let marriage = Some(Configuration::StableMarriage { outcast: US });
    assert_eq!(got, [None, None, marriage, marriage]);
}

/// Months of a configuration: `n` copies.
fn months(c: Configuration, n: usize) -> Vec<Option<Configuration>> {
    vec![Some(c); n]
}

#[test]
fn a_three_month_blip_is_absorbed() {
    let marriage = Configuration::StableMarriage { outcast: US };
    let veto = Configuration::UnitVeto;
    let raw = [months(marriage, 10), months(veto, 3), months(marriage, 10)].concat();
    assert_eq!(dwell(&raw, 6), months(marriage, 23));
    // A different pivot or outcast is a different run, absorbed alike.
    let other = Configuration::StableMarriage { outcast: SU };
    let raw = [months(marriage, 10), months(other, 5), months(veto, 12)].concat();
    assert_eq!(
        dwell(&raw, 6),
        [months(marriage, 15), months(veto, 12)].concat()
    );
}

#[test]
fn a_six_month_run_is_kept_and_its_transition_not_delayed() {
    let marriage = Configuration::StableMarriage { outcast: US };
    let veto = Configuration::UnitVeto;
    let raw = [months(marriage, 10), months(veto, 6), months(marriage, 10)].concat();
    let got = dwell(&raw, 6);
    assert_eq!(got, raw);
    // The first month of the unit veto is month 10, as in the signs.
    assert_eq!(got[9], Some(marriage));
    assert_eq!(got[10], Some(veto));
}

#[test]
fn short_runs_after_an_absorbed_one_take_the_configuration_that_absorbed_it() {
    let a = Configuration::MenageATrois;
    let b = Configuration::UnitVeto;
    let c = Configuration::RomanticTriangle { pivot: CN };
    let raw = [months(a, 8), months(b, 2), months(c, 3), months(b, 9)].concat();
    assert_eq!(dwell(&raw, 6), [months(a, 13), months(b, 9)].concat());
}

#[test]
fn a_short_run_at_the_start_stays() {
    let a = Configuration::MenageATrois;
    let b = Configuration::UnitVeto;
    let raw = [vec![None; 4], months(a, 2), months(b, 8)].concat();
    assert_eq!(dwell(&raw, 6), raw);
    let raw = [months(a, 2), months(b, 8)].concat();
    assert_eq!(dwell(&raw, 6), raw);
}

#[test]
fn a_dwell_of_one_month_keeps_every_run() {
    let raw = [
        months(Configuration::MenageATrois, 1),
        months(Configuration::UnitVeto, 1),
        months(Configuration::MenageATrois, 1),
    ]
    .concat();
    assert_eq!(dwell(&raw, 1), raw);
}

#[test]
fn the_trend_reading_has_no_sign_in_the_first_twelve_months() {
    let t = triangle(1);
    // Every pair rises by a point a month: the trend is +12 from month 12 on.
    let rising: Vec<f64> = (0..20).map(|m| -9.0 + m as f64).collect();
    let falling: Vec<f64> = (0..20).map(|m| 9.0 - 0.5 * m as f64).collect();
    let d = trend(&rising);
    assert!(d[..12].iter().all(Option::is_none));
    assert_eq!(d[12], Some(12.0));
    let got = read([&rising, &rising, &falling], Reading::Trend, &t);
    assert!(got[..12].iter().all(Option::is_none), "{got:?}");
    assert!(
        got[12..]
            .iter()
            .all(|c| *c == Some(Configuration::RomanticTriangle { pivot: CN }))
    );
    // The levels of the same scores read otherwise: the rising pairs start negative.
    let levels = read([&rising, &rising, &falling], Reading::Levels, &t);
    assert_eq!(
        levels[0],
        Some(Configuration::StableMarriage { outcast: CN })
    );
}

#[test]
fn the_trend_dead_band_is_its_own() {
    let mut t = triangle(1);
    t.trend_dead_band = 0.5;
    // A drift of 0.4 over a year is no sign; 0.6 is.
    let slow: Vec<f64> = (0..14).map(|m| m as f64 * 0.4 / 12.0).collect();
    let fast: Vec<f64> = (0..14).map(|m| m as f64 * 0.6 / 12.0).collect();
    assert!(
        read([&slow, &fast, &fast], Reading::Trend, &t)
            .iter()
            .all(Option::is_none)
    );
    let got = read([&fast, &fast, &fast], Reading::Trend, &t);
    assert_eq!(got[12], Some(Configuration::MenageATrois));
}

#[test]
fn configurations_are_told_with_their_roles() {
    let names = ["China", "Soviet Union", "United States"];
    assert_eq!(
        Configuration::StableMarriage { outcast: US }.describe(names),
        "stable marriage, China and Soviet Union partners, United States the outcast"
    );
    assert_eq!(
        Configuration::RomanticTriangle { pivot: US }.describe(names),
        "romantic triangle, United States the pivot, China and Soviet Union the wings"
    );
}

fn strip(reading: Reading, configurations: &[Option<Configuration>]) -> Strip {
    let start = "1950-01-01"
        .parse::<Date>()
        .unwrap_or_else(|_| unreachable!());
    let mut d = start;
    let mut months = Vec::new();
    for &c in configurations {
        months.push((d, c));
        d = d.next_month_start();
    }
    Strip { reading, months }
}

#[test]
fn a_checkpoint_is_met_in_three_quarters_of_its_months() {
    let marriage = Configuration::StableMarriage { outcast: US };
    let veto = Configuration::UnitVeto;
    let date = |s: &str| s.parse::<Date>().unwrap_or_else(|_| unreachable!());
    let expectation = |reading, expect| Expectation {
        name: String::new(),
        reading,
        expect,
        quote: String::new(),
        source: String::new(),
    };
    let checkpoint = |readings: Vec<Expectation>, contested| Checkpoint {
        id: "fifties".into(),
        from: date("1950-01-01"),
        to: date("1950-12-31"),
        readings,
        contested,
    };
    // 9 of 12 months: met; 8 of 12: missed.
    let nine = strip(
        Reading::Levels,
        &[months(marriage, 9), months(veto, 3)].concat(),
    );
    let eight = strip(
        Reading::Levels,
        &[months(veto, 4), months(marriage, 8)].concat(),
    );
    let c = checkpoint(vec![expectation(Reading::Levels, marriage)], false);
    let v = &verdicts(std::slice::from_ref(&c), &[nine])[0];
    assert_eq!((v.readings[0].matching, v.readings[0].months), (9, 12));
    assert_eq!(v.met(&c), Some(true));
    let v = &verdicts(std::slice::from_ref(&c), std::slice::from_ref(&eight))[0];
    assert_eq!(v.met(&c), Some(false));
    assert_eq!(v.readings[0].most, Some(marriage));
    // The wrong outcast does not count.
    let c = checkpoint(
        vec![expectation(
            Reading::Levels,
            Configuration::StableMarriage { outcast: SU },
        )],
        false,
    );
    let v = &verdicts(std::slice::from_ref(&c), std::slice::from_ref(&eight))[0];
    assert_eq!(v.readings[0].matching, 0);
    // A contested checkpoint reports each reading and is neither met nor missed.
    let trend = strip(Reading::Trend, &months(veto, 12));
    let c = checkpoint(
        vec![
            expectation(Reading::Levels, marriage),
            expectation(Reading::Trend, veto),
        ],
        true,
    );
    let v = &verdicts(std::slice::from_ref(&c), &[eight, trend])[0];
    assert!(!v.readings[0].met);
    assert!(v.readings[1].met);
    assert_eq!(v.met(&c), None);
}

#[test]
fn shares_count_each_runs_configuration_month_by_month() {
    let t = triangle(1);
    // Run 0: a stable marriage with the US the outcast; run 1: the same until month 2,
    // then China-US and Soviet-US turn friendly: a ménage à trois.
    let friends = [2.0; 4];
    let foes = [-2.0; 4];
    let turning = [-2.0, -2.0, 2.0, 2.0];
    let runs: [[&[f64]; 3]; 2] = [[&friends, &foes, &foes], [&friends, &turning, &turning]];
    let [levels, trend] = shares(&t, 2, 4, |k, p| runs[k][p]);
    assert_eq!(levels.reading, Reading::Levels);
    let marriage = category(Some(Configuration::StableMarriage { outcast: US }));
    let menage = category(Some(Configuration::MenageATrois));
    assert_eq!(levels.counts[0][marriage], 2);
    assert_eq!(levels.counts[3][marriage], 1);
    assert_eq!(levels.counts[3][menage], 1);
    // Four months hold no trend: every run has none.
    assert!(trend.counts.iter().all(|c| c[0] == 2));
    // The categories and their inverse agree.
    for k in 0..CATEGORIES {
        assert_eq!(category(of_category(k)), k);
    }
}
