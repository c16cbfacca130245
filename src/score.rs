//! The score's arithmetic, as pure functions.
//!
//! raw = structural + the modifiers that count; score = M·tanh(raw / M), with M the
//! scale's bound. Structural = base + affinity·similarity of the two ruling parties'
//! ideologies. A modifier of value v started on day t0 with half-life h is worth
//! v·2^(−(t − t0)/h) on day t.

use std::f64::consts::LN_2;

/// The score on a scale of bound `m`: `m·tanh(raw/m)`, always inside (−m, m).
pub fn squash(raw: f64, m: f64) -> f64 {
    m * (raw / m).tanh()
}

/// What a value becomes after `days` of fading with half-life `half_life` (days; infinite
/// for a value that does not fade).
pub fn decay(value: f64, days: f64, half_life: f64) -> f64 {
    value * decay_factor(days, half_life)
}

/// The factor 2^(−days/half_life); exactly 1 for an infinite half-life.
pub fn decay_factor(days: f64, half_life: f64) -> f64 {
    if half_life.is_infinite() {
        1.0
    } else {
        (-days * LN_2 / half_life).exp()
    }
}

/// Ideological similarity of two positions on the same axes, each coordinate in [−1, 1]:
/// 1 for identical positions, −1 for opposite corners of the space, linear in the Euclidean
/// distance between them. With no axes, parties are identical (1).
pub fn similarity(a: &[f64], b: &[f64]) -> f64 {
    if a.is_empty() {
        return 1.0;
    }
    let d2: f64 = a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum();
    1.0 - d2.sqrt() / (a.len() as f64).sqrt()
}

/// The structural part: `base + affinity·similarity(a, b)`.
pub fn structural(base: f64, affinity: f64, a: &[f64], b: &[f64]) -> f64 {
    base + affinity * similarity(a, b)
}

/// The additive parts of the raw score on one day.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Parts {
    /// Base plus ideological affinity.
    pub structural: f64,
    /// Sum of the state-level modifiers.
    pub state: f64,
    /// Sum of the party-level modifiers that count (both parties rule).
    pub party: f64,
    /// Sum of the leader-level modifiers that count (both leaders in office).
    pub leader: f64,
    /// The coupling between the pairs' term ([`crate::coupling`]); 0 without coupling.
    pub coupling: f64,
}

impl Parts {
    /// The raw score: the sum of the parts. Without coupling the last addition is of
    /// +0.0, which leaves every sum as it was (the sum of the others is never −0.0: the
    /// modifiers' sums start from +0.0).
    pub fn raw(&self) -> f64 {
        self.structural + self.state + self.party + self.leader + self.coupling
    }

    /// The squashed score on a scale of bound `m`.
    pub fn score(&self, m: f64) -> f64 {
        squash(self.raw(), m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_stays_on_the_scale() {
        for raw in [-1e9, -100.0, -9.0, -1.0, 0.0, 0.5, 9.0, 27.0, 1e9] {
            let s = squash(raw, 9.0);
            assert!((-9.0..=9.0).contains(&s), "{raw} -> {s}");
        }
        assert!(squash(20.0, 9.0) < 9.0);
    }

    #[test]
    fn squash_is_near_identity_near_zero_and_saturates() {
        assert!((squash(0.5, 9.0) - 0.5).abs() < 0.001);
        assert!((squash(9.0, 9.0) - 9.0 * 1f64.tanh()).abs() < 1e-12);
        // Each extra point of raw score buys less as the relation saturates.
        assert!(squash(12.0, 9.0) - squash(9.0, 9.0) < squash(3.0, 9.0) - squash(0.0, 9.0));
        assert_eq!(squash(-4.0, 9.0), -squash(4.0, 9.0));
    }

    #[test]
    fn a_modifier_halves_in_one_half_life() {
        assert!((decay(4.0, 365.0, 365.0) - 2.0).abs() < 1e-12);
        assert!((decay(4.0, 730.0, 365.0) - 1.0).abs() < 1e-12);
        assert_eq!(decay(4.0, 1e6, f64::INFINITY), 4.0);
        assert_eq!(decay(-3.0, 0.0, 10.0), -3.0);
    }

    #[test]
    fn similarity_runs_from_minus_one_to_one() {
        assert_eq!(similarity(&[0.3, -0.2], &[0.3, -0.2]), 1.0);
        assert!((similarity(&[1.0, 1.0], &[-1.0, -1.0]) + 1.0).abs() < 1e-12);
        // One unit apart on one of two axes: 1 - 2·1/(2·√2).
        assert!((similarity(&[1.0, 0.0], &[0.0, 0.0]) - (1.0 - 1.0 / 2f64.sqrt())).abs() < 1e-12);
        assert_eq!(similarity(&[], &[]), 1.0);
    }

    #[test]
    fn parts_add_up_to_raw() {
        let p = Parts {
            structural: 1.5,
            state: -2.0,
            party: 0.25,
            leader: 3.0,
            coupling: 0.0,
        };
        assert_eq!(p.raw(), 2.75);
        assert_eq!(p.score(9.0), squash(2.75, 9.0));
    }
}
