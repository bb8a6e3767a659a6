//! Skipping score-only work for posts that cannot reach the page.
//!
//! Every post a query matches is counted (the total, the facets), but only the best few are
//! shown. A clause's score-only parts over the body (the literal and the proximity bonus) are
//! phrase checks, the costliest part of a broad query; their bonuses are bounded. So once a
//! segment has collected a full page, a post whose score so far plus everything its remaining
//! parts could add stays below the page's lowest score needs no more checks: it would not be
//! shown whatever they found. [`Pruned`] keeps that lowest score (the *bar*) for each segment
//! and a clause built with [`ClauseQuery::pruned_by`] reads it.
//!
//! The posts shown, their order and their scores are the same as without pruning: a pruned
//! post's true score is below the bar, and the bar only rises to scores already collected.
//!
//! [`ClauseQuery::pruned_by`]: super::clause::ClauseQuery::pruned_by

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::query::Weight;
use tantivy::{DocId, Score, SegmentReader};

/// The bars of one search, one per segment, shared by its collector and its clause scorers.
/// A bar nobody raised is −∞: nothing is pruned.
#[derive(Debug, Clone, Default)]
pub struct Bars {
    segments: Arc<Mutex<Vec<(SegmentId, Bar)>>>,
}

impl Bars {
    /// The bar of `segment`.
    pub fn of(&self, segment: SegmentId) -> Bar {
        let mut segments = self.segments.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, bar)) = segments.iter().find(|(id, _)| *id == segment) {
            return bar.clone();
        }
        let bar = Bar(Arc::new(AtomicU32::new(Score::NEG_INFINITY.to_bits())));
        segments.push((segment, bar.clone()));
        bar
    }
}

/// The lowest score on a segment's page once the page is full; −∞ before.
#[derive(Debug, Clone)]
pub struct Bar(Arc<AtomicU32>);

impl Bar {
    /// The bar now.
    #[inline]
    pub fn get(&self) -> Score {
        Score::from_bits(self.0.load(Ordering::Relaxed))
    }

    fn set(&self, score: Score) {
        self.0.store(score.to_bits(), Ordering::Relaxed);
    }
}

/// Whether a post whose score so far is `score`, and whose remaining parts add at most `rest`,
/// certainly scores below `bar`. The slack covers the rounding of adding the parts one by one.
#[inline]
pub fn below(score: Score, rest: Score, bar: Score) -> bool {
    let bound = score + rest;
    bound + 1e-3 + bound.abs() * 1e-5 < bar
}

/// Collects with `inner` (whose page holds the `page` best scores), raising each segment's bar
/// to the lowest score of the page collected so far.
pub struct Pruned<C> {
    /// The collector that does the work: the page, counts, facets.
    pub inner: C,
    /// Where the bars are kept.
    pub bars: Bars,
    /// How many posts the page holds.
    pub page: usize,
}

/// A score ordered as a number (scores are never NaN).
#[derive(PartialEq)]
struct Ordered(Score);

impl Eq for Ordered {}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl<C: Collector> Collector for Pruned<C> {
    type Fruit = C::Fruit;
    type Child = C::Child;

    fn for_segment(&self, ord: u32, reader: &SegmentReader) -> tantivy::Result<C::Child> {
        self.inner.for_segment(ord, reader)
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<<C::Child as SegmentCollector>::Fruit>,
    ) -> tantivy::Result<C::Fruit> {
        self.inner.merge_fruits(fruits)
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        ord: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<<C::Child as SegmentCollector>::Fruit> {
        let bar = self.bars.of(reader.segment_id());
        // A run before, with a smaller page, left it too high for this one.
        bar.set(Score::NEG_INFINITY);
        let mut child = self.inner.for_segment(ord, reader)?;
        let alive = reader.alive_bitset();
        let page = self.page.max(1);
        // The page's scores, lowest on top, and the lowest once the page is full.
        let mut best: BinaryHeap<Reverse<Ordered>> = BinaryHeap::with_capacity(page + 1);
        let mut low = Score::NEG_INFINITY;
        weight.for_each(reader, &mut |doc: DocId, score: Score| {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                return;
            }
            child.collect(doc, score);
            if score <= low {
                return;
            }
            best.push(Reverse(Ordered(score)));
            if best.len() > page {
                best.pop();
            }
            if best.len() == page
                && let Some(lowest) = best.peek()
            {
                low = lowest.0.0;
                bar.set(low);
            }
        })?;
        Ok(child.harvest())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_only_when_the_bound_is_clearly_lower() {
        assert!(below(10.0, 1000.0, 1500.0));
        assert!(!below(10.0, 1000.0, 1010.0));
        assert!(!below(10.0, 1000.0, 1009.9999));
        assert!(!below(10.0, Score::INFINITY, 1e30));
        assert!(!below(0.0, 0.0, Score::NEG_INFINITY));
    }

    #[test]
    fn bars_are_per_segment_and_start_at_minus_infinity() {
        let bars = Bars::default();
        let (a, b) = (SegmentId::generate_random(), SegmentId::generate_random());
        assert_eq!(bars.of(a).get(), Score::NEG_INFINITY);
        bars.of(a).set(5.0);
        assert_eq!(bars.of(a).get(), 5.0);
        assert_eq!(bars.of(b).get(), Score::NEG_INFINITY);
    }
}
