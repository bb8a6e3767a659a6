//! Collapsing reprints: posts published within a week of each other whose text fingerprints
//! are within a few bits are one story.
//!
//! The ranked candidates are grouped first (a reprint usually ranks next to its story); then
//! the page's stories gather their reprints among all the other matches, whose fingerprints the
//! search collected: a reprint under another title that lacks the query ranks far below its
//! story, and still counts among its reprints.

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::Columns;

use crate::analysis::distance;

/// Fingerprints this close (in bits) are the same story: a reprint with another source line or
/// footer shares nearly all of its story's shingles and lands within a few bits; a report
/// written from the same template with other names or figures lands further, and an unrelated
/// text about 32 bits away.
pub const MAX_DISTANCE: u32 = 4;

/// Days between the publication of a story and of its reprint, at most: the same text
/// published again later (a yearly announcement, the next volume of a series) is news again.
pub const MAX_DAYS: i64 = 7;

/// A hit and the reprints folded into it.
pub type Group = (Score, DocAddress, Vec<DocAddress>);

/// What tells a post's story: its text's fingerprint (0 for none) and its day of publication.
#[derive(Debug, Clone, Copy)]
struct Print {
    text: u64,
    day: Option<i64>,
}

impl Print {
    /// The print of the post at `address`, whose fingerprint is `text`.
    fn with_text(columns: &Columns, address: DocAddress, text: u64) -> Print {
        let day = columns
            .segment(address.segment_ord)
            .date
            .first(address.doc_id)
            .map(|d| d.into_timestamp_secs().div_euclid(86_400));
        Print { text, day }
    }

    /// The print of the post at `address`.
    fn of(columns: &Columns, address: DocAddress) -> Print {
        let segment = columns.segment(address.segment_ord);
        let text = segment.fingerprint.first(address.doc_id).unwrap_or(0);
        Print::with_text(columns, address, text)
    }

    /// Whether two posts are the same story (a post without a fingerprint is its own story;
    /// one without a date may be a reprint of any day's).
    fn same_story(self, other: Print) -> bool {
        same_text(self.text, other.text)
            && match (self.day, other.day) {
                (Some(a), Some(b)) => (a - b).abs() <= MAX_DAYS,
                _ => true,
            }
    }
}

/// Folds reprints into the best-ranked post of their story, keeping rank order, among the
/// ranked candidates.
pub fn collapse(columns: &Columns, ranked: &[(Score, DocAddress)]) -> Vec<Group> {
    let prints: Vec<Print> = ranked.iter().map(|r| Print::of(columns, r.1)).collect();
    let mut taken = vec![false; ranked.len()];
    let mut groups = Vec::new();
    for (i, &(score, address)) in ranked.iter().enumerate() {
        if taken[i] {
            continue;
        }
        // Single-link: a post joins the story when it is close to any post already in it, so
        // the grouping does not depend on which reprint happens to rank first.
        let mut members = vec![i];
        let mut grew = true;
        while grew {
            grew = false;
            for j in i + 1..ranked.len() {
                if !taken[j] && members.iter().any(|&m| prints[m].same_story(prints[j])) {
                    taken[j] = true;
                    members.push(j);
                    grew = true;
                }
            }
        }
        members.sort_unstable();
        let copies = members[1..].iter().map(|&j| ranked[j].1).collect();
        groups.push((score, address, copies));
    }
    groups
}

/// Adds to each of `groups` (the first groups [`collapse`] made of `ranked`, in order) the
/// matches outside `ranked` that are reprints of it, and of those, as [`collapse`] does: a match
/// joins the first group it is a reprint of. `matches` holds every match's fingerprint.
pub fn gather(
    columns: &Columns,
    groups: &mut [Group],
    ranked: &[(Score, DocAddress)],
    matches: &[(DocAddress, u64)],
) {
    let mut candidates: Vec<DocAddress> = ranked.iter().map(|r| r.1).collect();
    candidates.sort_unstable();
    let mut others: Vec<(DocAddress, u64)> = matches
        .iter()
        .filter(|(address, _)| candidates.binary_search(address).is_err())
        .copied()
        .collect();
    for (_, first, copies) in groups {
        let mut members: Vec<Print> = std::iter::once(*first)
            .chain(copies.iter().copied())
            .map(|address| Print::of(columns, address))
            .collect();
        let mut grew = true;
        while grew {
            grew = false;
            let mut i = 0;
            while i < others.len() {
                let (address, text) = others[i];
                // The fingerprint, at hand, first; the date is read for the near ones only.
                let other = members
                    .iter()
                    .any(|m| same_text(m.text, text))
                    .then(|| Print::with_text(columns, address, text))
                    .filter(|&other| members.iter().any(|m| m.same_story(other)));
                if let Some(other) = other {
                    members.push(other);
                    copies.push(address);
                    others.swap_remove(i);
                    grew = true;
                } else {
                    i += 1;
                }
            }
        }
    }
}

/// Collects the fingerprint of every match (when `enabled`), for [`gather`].
pub struct MatchPrints {
    /// The searcher's columns.
    pub columns: Arc<Columns>,
    /// Whether to collect anything (not when reprints are shown rather than collapsed).
    pub enabled: bool,
}

/// [`MatchPrints`] for one segment.
pub struct SegmentPrints {
    segment: SegmentOrdinal,
    column: Option<Column<u64>>,
    prints: Vec<(DocAddress, u64)>,
}

impl Collector for MatchPrints {
    type Fruit = Vec<(DocAddress, u64)>;
    type Child = SegmentPrints;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _: &SegmentReader,
    ) -> tantivy::Result<SegmentPrints> {
        Ok(SegmentPrints {
            segment,
            column: self
                .enabled
                .then(|| self.columns.segment(segment).fingerprint.clone()),
            prints: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for SegmentPrints {
    type Fruit = Vec<(DocAddress, u64)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(print) = self.column.as_ref().and_then(|c| c.first(doc))
            && print != 0
        {
            self.prints
                .push((DocAddress::new(self.segment, doc), print));
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.prints
    }
}

/// Whether two fingerprints are of the same text, but for a few shingles (a text without a
/// fingerprint matches nothing).
fn same_text(a: u64, b: u64) -> bool {
    a != 0 && b != 0 && distance(a, b) <= MAX_DISTANCE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reprint_is_published_within_a_week_of_its_story() {
        let print = |text, day| Print { text, day };
        let story = print(0b1011_0110, Some(19_000));
        assert!(story.same_story(print(0b1011_0111, Some(19_007))));
        assert!(story.same_story(print(0b1011_0110, Some(18_993))));
        assert!(story.same_story(print(0b1011_0110, None)));
        // The same text a week and a day later (next year's announcement, say) is news again.
        assert!(!story.same_story(print(0b1011_0110, Some(19_008))));
        // Too far apart in text, or without a fingerprint.
        assert!(!story.same_story(print(0b0100_1001, Some(19_000))));
        assert!(!print(0, Some(1)).same_story(print(0, Some(1))));
    }
}
