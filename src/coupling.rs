//! The coupling between the pairs: the friend-of-my-enemy rule, off unless a scenario (or a
//! what-if, or a calibration) gives it a rate.
//!
//! Each pair of states (i, j) has a coupling term c, added to its raw score (a part of its
//! own, [`crate::score::Parts::coupling`]). On the first of every month, once that day's
//! scores are final, the term takes the value it reaches by the next first of the month
//! relaxing toward its target, and holds it through the month:
//!
//! ```text
//! T = mean over third states k of s_ik · s_kj / M
//! c ← T + (c − T) · exp(−rate · days / 365.25)
//! ```
//!
//! with s the pairs' scores that day, M the scale's bound, `rate` per year and `days` the
//! days of the month (the exact solution of dc/dt = rate·(T − c) over the month, T held at
//! its value of the first). The term is 0 on the span's first day, so the first month's
//! sample reads 0 and the second month's reads the first step. This is
//! Lee, Muncaster & Zinnes's d r_ij/dt ∝ Σ_k r_ik · r_kj (Synthese 100, 1994) made to relax
//! toward its drive instead of integrating it, so that it stays on the scale: |T| < M, so
//! |c| < M, whereas their form and Marvel et al.'s dX/dt = X² (PNAS 2011) grow without
//! bound. The friend of my friend and the enemy of my enemy pull a pair up; the friend of
//! my enemy and the enemy of my friend pull it down. A pair with no third state (no
//! modelled pair joins its states through another) has no term.
//!
//! ## Order
//! The update happens after the monthly sample is taken (the sample reads the term as it
//! stood), so the term a month holds comes from the scores of its first day, and a change
//! that moves one pair on a day reaches the other two from the next first of the month.
//! The pairs are updated together, every target computed from the same day's scores
//! before any term moves. With no coupling the engine holds no [`Triangles`] and computes
//! nothing.

use crate::scenario::{Coupling, DAYS_PER_YEAR, Scenario};

/// The pairs that join each pair's two states through a third, and the coupling's rate:
/// what the engine's loop needs to update the terms on a monthly sample day.
#[derive(Clone, Debug)]
pub struct Triangles {
    /// Per year, above 0.
    rate: f64,
    /// The scale's bound, M.
    bound: f64,
    /// For each pair (i, j), the pairs (i, k) and (k, j) of every third state k that both
    /// are modelled, in the order of the states k.
    through: Vec<Vec<(usize, usize)>>,
    /// Each pair's target on the update's day (reused).
    targets: Vec<f64>,
}

impl Triangles {
    /// The triangles of a scenario's pairs, for a coupling at `coupling`'s rate.
    pub fn new(sc: &Scenario, coupling: Coupling) -> Triangles {
        let through = (sc.pairs.iter())
            .map(|p| {
                let (i, j) = p.states;
                (0..sc.states.len())
                    .filter(|&k| k != i && k != j)
                    .filter_map(|k| Some((sc.pair_of(i, k)?, sc.pair_of(k, j)?)))
                    .collect()
            })
            .collect();
        Triangles {
            rate: coupling.rate,
            bound: sc.scale.bound,
            through,
            targets: vec![0.0; sc.pairs.len()],
        }
    }

    /// Computes every pair's target from `scores` (each pair's score on a first of the
    /// month, in pair order), and the factor by which a term's gap to it shrinks over the
    /// `days` of that month; [`Triangles::relax`] then moves each term.
    pub fn aim(&mut self, days: i32, scores: &[f64]) -> f64 {
        for (target, through) in self.targets.iter_mut().zip(&self.through) {
            *target = target_of(scores, through, self.bound);
        }
        (-self.rate * f64::from(days) / DAYS_PER_YEAR).exp()
    }

    /// Pair `pair`'s term `c` after the step [`Triangles::aim`] prepared, with `keep` the
    /// factor it returned. A pair with no third state keeps its term (0).
    pub fn relax(&self, pair: usize, c: f64, keep: f64) -> f64 {
        if self.through[pair].is_empty() {
            return c;
        }
        let t = self.targets[pair];
        t + (c - t) * keep
    }
}

/// The mean over third states of the product of the two pairs that join a pair's states
/// through each, over the bound `m`: in (−m, m) for scores in (−m, m); 0 with no third
/// state.
pub fn target_of(scores: &[f64], through: &[(usize, usize)], m: f64) -> f64 {
    if through.is_empty() {
        return 0.0;
    }
    let sum: f64 = through.iter().map(|&(a, b)| scores[a] * scores[b]).sum();
    sum / m / through.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_is_the_friend_of_my_enemy_rule_on_the_scale() {
        // Two friends of a third state: pulled together; a friend and a foe: apart.
        assert!((target_of(&[6.0, 3.0], &[(0, 1)], 9.0) - 2.0).abs() < 1e-12);
        assert!((target_of(&[6.0, -3.0], &[(0, 1)], 9.0) + 2.0).abs() < 1e-12);
        // The enemy of my enemy.
        assert!(target_of(&[-6.0, -6.0], &[(0, 1)], 9.0) > 3.9);
        // Bounded by the scale, and the mean over third states.
        assert!(target_of(&[9.0, -9.0], &[(0, 1)], 9.0) >= -9.0);
        assert!((target_of(&[6.0, 3.0, 0.0, 9.0], &[(0, 1), (2, 3)], 9.0) - 1.0).abs() < 1e-12);
        assert_eq!(target_of(&[6.0, 3.0], &[], 9.0), 0.0);
    }

    #[test]
    fn a_term_relaxes_toward_its_target_at_the_rate() {
        let t = Triangles {
            rate: 0.5,
            bound: 9.0,
            through: vec![vec![(1, 2)], vec![]],
            targets: vec![3.0, 0.0],
        };
        // One year at 0.5 a year closes 1 − e^−0.5 of the gap.
        let keep = (-0.5f64).exp();
        assert!((t.relax(0, 0.0, keep) - 3.0 * (1.0 - keep)).abs() < 1e-12);
        assert_eq!(t.relax(0, 3.0, keep), 3.0);
        // A pair with no third state has no term.
        assert_eq!(t.relax(1, 0.0, keep), 0.0);
    }
}
