//! Collapsing reprints: posts whose text SimHashes are within a few bits are one story.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::analysis::distance;

/// Fingerprints this close (in bits) are the same story.
pub const MAX_DISTANCE: u32 = 3;

/// Collects the fingerprint of every matching post.
pub struct Fingerprints;

/// [`Fingerprints`] for one segment.
pub struct SegmentFingerprints {
    segment: SegmentOrdinal,
    hashes: Column<u64>,
    found: Vec<(DocAddress, u64)>,
}

impl Collector for Fingerprints {
    type Fruit = Vec<(DocAddress, u64)>;
    type Child = SegmentFingerprints;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFingerprints> {
        Ok(SegmentFingerprints {
            segment,
            hashes: reader.fast_fields().u64("simhash")?,
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(DocAddress, u64)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentFingerprints {
    type Fruit = Vec<(DocAddress, u64)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let hash = self.hashes.first(doc).unwrap_or(0);
        if hash != 0 {
            self.found.push((DocAddress::new(self.segment, doc), hash));
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.found
    }
}

/// Whether two fingerprints are the same story (an empty text's fingerprint matches nothing).
pub fn same_story(a: u64, b: u64) -> bool {
    a != 0 && b != 0 && distance(a, b) <= MAX_DISTANCE
}
