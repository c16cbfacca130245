//! Answers kept for the next student who asks the same question, and one computation for
//! students who ask it at the same moment.
//!
//! Every answer of the page is byte-deterministic (the same scenario file, what-if, runs,
//! seed, pairs and layout give the same bytes), so it can be kept by the canonical form of
//! the question ([`canonical`]: the counterfactual's text as it is validated and the
//! resolved defaults, not the spelling of the address). A [`Flight`] holds them within a
//! memory budget: the bytes of each answer and of its key are counted, and the least
//! recently used answers are dropped first when a new one would go over it (one larger than
//! the whole budget is not kept).
//!
//! A question asked while the same one is being computed waits for that computation (a
//! single flight). If the request that computes it is dropped (its client hung up) or
//! fails, one of those waiting computes it in its place; a question nobody waits for any
//! more leaves nothing behind.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use tokio::sync::OnceCell;

use crate::chart::Layout;
use crate::experiment::Seeds;

/// How an answer was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Found {
    /// Kept from an earlier request.
    Kept,
    /// Computed by another request while this one waited.
    Shared,
    /// Computed for this request.
    Computed,
}

impl Found {
    /// As the `x-diplosim-cache` header says it.
    pub(super) fn name(self) -> &'static str {
        match self {
            Found::Kept => "hit",
            Found::Shared => "shared",
            Found::Computed => "miss",
        }
    }
}

/// What a kept value costs the budget, bytes.
pub(super) trait Weigh {
    fn weight(&self) -> usize;
}

/// Answers kept by key, within a budget of bytes, with single-flight computation.
pub(super) struct Flight<V> {
    budget: usize,
    inner: Mutex<Inner<V>>,
}

struct Inner<V> {
    slots: HashMap<Arc<str>, Slot<V>>,
    /// The kept answers by their last use, oldest first.
    order: BTreeMap<u64, Arc<str>>,
    tick: u64,
    /// Bytes of the kept answers and their keys.
    bytes: usize,
}

struct Slot<V> {
    key: Arc<str>,
    cell: Arc<OnceCell<V>>,
    /// When a kept answer was last used and what it weighs; `None` while it is computed.
    kept: Option<(u64, usize)>,
}

impl<V: Clone + Weigh> Flight<V> {
    /// An empty store of at most `budget` bytes (0 keeps nothing, but identical requests
    /// at once still share one computation).
    pub(super) fn new(budget: usize) -> Flight<V> {
        Flight {
            budget,
            inner: Mutex::new(Inner {
                slots: HashMap::new(),
                order: BTreeMap::new(),
                tick: 0,
                bytes: 0,
            }),
        }
    }

    /// The answer for `key`: kept, computed by a request already at it, or computed now
    /// by `compute`.
    pub(super) async fn get<E, Fut>(
        &self,
        key: &str,
        compute: impl FnOnce() -> Fut,
    ) -> Result<(V, Found), E>
    where
        Fut: Future<Output = Result<V, E>>,
    {
        let (key, cell) = {
            let mut inner = self.lock();
            inner.tick += 1;
            let tick = inner.tick;
            let Inner { slots, order, .. } = &mut *inner;
            match slots.get_mut(key) {
                Some(slot) => {
                    if let (Some((used, size)), Some(v)) = (slot.kept, slot.cell.get()) {
                        order.remove(&used);
                        order.insert(tick, slot.key.clone());
                        slot.kept = Some((tick, size));
                        return Ok((v.clone(), Found::Kept));
                    }
                    (slot.key.clone(), slot.cell.clone())
                }
                None => {
                    let k: Arc<str> = key.into();
                    let cell = Arc::new(OnceCell::new());
                    slots.insert(
                        k.clone(),
                        Slot {
                            key: k.clone(),
                            cell: cell.clone(),
                            kept: None,
                        },
                    );
                    (k, cell)
                }
            }
        };
        // Whatever happens to this request, a slot that nobody computes or waits for
        // does not stay.
        let _leave = Leave {
            flight: self,
            key: &key,
            cell: &cell,
        };
        let mut computed = false;
        let v = cell
            .get_or_try_init(|| {
                computed = true;
                compute()
            })
            .await?
            .clone();
        if computed {
            self.keep(&key, &cell, &v);
            Ok((v, Found::Computed))
        } else {
            Ok((v, Found::Shared))
        }
    }

    /// Counts a computed answer in the budget, then drops the least recently used
    /// answers until the budget holds.
    fn keep(&self, key: &Arc<str>, cell: &Arc<OnceCell<V>>, v: &V) {
        let size = v.weight() + key.len();
        let mut inner = self.lock();
        let Some(slot) = inner.slots.get(key) else {
            return;
        };
        if !Arc::ptr_eq(&slot.cell, cell) || slot.kept.is_some() {
            return;
        }
        if size > self.budget {
            inner.slots.remove(key);
            return;
        }
        inner.tick += 1;
        let tick = inner.tick;
        inner.bytes += size;
        inner.order.insert(tick, key.clone());
        if let Some(slot) = inner.slots.get_mut(key) {
            slot.kept = Some((tick, size));
        }
        while inner.bytes > self.budget {
            let Some((_, oldest)) = inner.order.pop_first() else {
                break;
            };
            if let Some(Slot {
                kept: Some((_, s)), ..
            }) = inner.slots.remove(&oldest)
            {
                inner.bytes -= s;
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<V>> {
        // A panic while the lock is held leaves consistent maps (each step completes a
        // change before the next), so a poisoned lock is taken as it is.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Bytes counted against the budget now.
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// The keys kept now, least recently used first.
    #[cfg(test)]
    fn kept(&self) -> Vec<String> {
        self.lock().order.values().map(|k| k.to_string()).collect()
    }
}

/// Removes a slot still uncomputed when its last request leaves (dropped or failed).
struct Leave<'a, V: Clone + Weigh> {
    flight: &'a Flight<V>,
    key: &'a Arc<str>,
    cell: &'a Arc<OnceCell<V>>,
}

impl<V: Clone + Weigh> Drop for Leave<'_, V> {
    fn drop(&mut self) {
        let mut inner = self.flight.lock();
        let alone = Arc::strong_count(self.cell) <= 2;
        if let Some(slot) = inner.slots.get(self.key)
            && Arc::ptr_eq(&slot.cell, self.cell)
            && slot.kept.is_none()
            && !self.cell.initialized()
            && alone
        {
            inner.slots.remove(self.key);
        }
    }
}

/// What an answer's bytes depend on, besides the what-if's text.
pub(super) struct Question<'a> {
    /// The endpoint and anything it adds (a file's name).
    pub(super) endpoint: &'a str,
    /// The scenario's name in the folder and when its file was last changed.
    pub(super) scenario: &'a str,
    pub(super) modified: SystemTime,
    pub(super) seeds: Seeds,
    /// The pairs shown, as ascending indices into the scenario's pairs.
    pub(super) pairs: &'a [usize],
    /// The layout drawn (the default resolved).
    pub(super) layout: Layout,
    /// The what-if as the counterfactual file's text that is validated and run.
    pub(super) whatif: Option<&'a str>,
}

/// The canonical form of a question: the same for every spelling of it (parameters in any
/// order, defaults left out or written, changes written `0.50` or `0.5`, a preset or the
/// same changes made by hand with the same title), different whenever the answer's bytes
/// may differ.
pub(super) fn canonical(q: &Question<'_>) -> String {
    let since = q
        .modified
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let pairs: Vec<String> = q.pairs.iter().map(usize::to_string).collect();
    format!(
        "{}\n{}\n{since}\nseed {} runs {}\npairs {}\n{}\n{}",
        q.endpoint,
        q.scenario,
        q.seeds.first,
        q.seeds.runs,
        pairs.join(","),
        q.layout.name(),
        q.whatif.unwrap_or("")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    impl Weigh for Vec<u8> {
        fn weight(&self) -> usize {
            self.len()
        }
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_time()
            .build()
            .unwrap()
    }

    async fn ok(bytes: usize) -> Result<Vec<u8>, String> {
        Ok(vec![7; bytes])
    }

    #[test]
    fn a_kept_answer_is_found_and_the_budget_counts_answer_and_key() {
        runtime().block_on(async {
            let f = Flight::new(1000);
            let (v, how) = f.get("a", || ok(100)).await.unwrap();
            assert_eq!((v.len(), how), (100, Found::Computed));
            assert_eq!(f.bytes(), 101);
            let (v, how) = f
                .get("a", || async { Err::<Vec<u8>, _>("not asked".to_string()) })
                .await
                .unwrap();
            assert_eq!((v.len(), how), (100, Found::Kept));
            assert_eq!(f.bytes(), 101);
        });
    }

    #[test]
    fn the_least_recently_used_answers_go_first_and_the_budget_holds() {
        runtime().block_on(async {
            // Each answer weighs 300 + 1 byte: three fit in 1000, not four.
            let f = Flight::new(1000);
            for k in ["a", "b", "c"] {
                f.get(k, || ok(300)).await.unwrap();
            }
            assert_eq!(f.kept(), ["a", "b", "c"]);
            // "a" is used again, so "b" is now the oldest.
            assert_eq!(f.get("a", || ok(300)).await.unwrap().1, Found::Kept);
            f.get("d", || ok(300)).await.unwrap();
            assert_eq!(f.kept(), ["c", "a", "d"]);
            assert_eq!(f.bytes(), 903);
            // "b" was dropped, so it is computed again, and "c" goes.
            assert_eq!(f.get("b", || ok(300)).await.unwrap().1, Found::Computed);
            assert_eq!(f.kept(), ["a", "d", "b"]);
            // A large answer makes room for itself; one larger than the budget is not kept
            // and drops nothing.
            f.get("e", || ok(600)).await.unwrap();
            assert_eq!(f.kept(), ["b", "e"]);
            assert_eq!(f.bytes(), 902);
            f.get("huge", || ok(2000)).await.unwrap();
            assert_eq!(f.kept(), ["b", "e"]);
            assert_eq!(f.get("huge", || ok(2000)).await.unwrap().1, Found::Computed);
        });
    }

    #[test]
    fn identical_requests_at_once_share_one_computation() {
        let rt = runtime();
        let f = Arc::new(Flight::new(1 << 20));
        let computations = Arc::new(AtomicUsize::new(0));
        let asks: Vec<_> = (0..30)
            .map(|_| {
                let (f, n) = (f.clone(), computations.clone());
                rt.spawn(async move {
                    f.get("same", || async move {
                        n.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        Ok::<_, String>(vec![1, 2, 3])
                    })
                    .await
                })
            })
            .collect();
        let found: Vec<Found> = rt.block_on(async {
            let mut out = Vec::new();
            for a in asks {
                let (v, how) = a.await.unwrap().unwrap();
                assert_eq!(v, [1, 2, 3]);
                out.push(how);
            }
            out
        });
        assert_eq!(computations.load(Ordering::SeqCst), 1);
        assert_eq!(found.iter().filter(|&&h| h == Found::Computed).count(), 1);
    }

    #[test]
    fn a_failed_or_abandoned_computation_leaves_nothing_and_is_retried() {
        runtime().block_on(async {
            let f: Flight<Vec<u8>> = Flight::new(1000);
            let e = f.get("a", || async { Err("broke".to_string()) }).await;
            assert_eq!(e.unwrap_err(), "broke");
            assert!(f.lock().slots.is_empty());
            // A request dropped while it computes: the next computes again.
            let slow = f.get("a", || async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                ok(5).await
            });
            assert!(
                tokio::time::timeout(Duration::from_millis(20), slow)
                    .await
                    .is_err()
            );
            assert!(f.lock().slots.is_empty());
            assert_eq!(f.get("a", || ok(5)).await.unwrap().1, Found::Computed);
        });
    }

    fn question<'a>(whatif: Option<&'a str>, seeds: Seeds, pairs: &'a [usize]) -> Question<'a> {
        Question {
            endpoint: "lab",
            scenario: "s.ron",
            modified: SystemTime::UNIX_EPOCH + Duration::from_secs(5),
            seeds,
            pairs,
            layout: Layout::Lines,
            whatif,
        }
    }

    #[test]
    fn canonical_keys_differ_exactly_where_answers_may() {
        let seeds = Seeds {
            first: 1,
            runs: 200,
        };
        let base = canonical(&question(Some("cf"), seeds, &[0]));
        assert_eq!(base, canonical(&question(Some("cf"), seeds, &[0])));
        for other in [
            question(None, seeds, &[0]),
            question(Some("cf2"), seeds, &[0]),
            question(
                Some("cf"),
                Seeds {
                    first: 2,
                    runs: 200,
                },
                &[0],
            ),
            question(
                Some("cf"),
                Seeds {
                    first: 1,
                    runs: 201,
                },
                &[0],
            ),
            question(Some("cf"), seeds, &[0, 1]),
            Question {
                layout: Layout::Panels,
                ..question(Some("cf"), seeds, &[0])
            },
            Question {
                endpoint: "handout",
                ..question(Some("cf"), seeds, &[0])
            },
            Question {
                modified: SystemTime::UNIX_EPOCH + Duration::from_secs(6),
                ..question(Some("cf"), seeds, &[0])
            },
        ] {
            assert_ne!(canonical(&other), base);
        }
    }
}
