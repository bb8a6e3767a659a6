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
    if matches.is_empty() {
        return;
    }
    let mut candidates: Vec<DocAddress> = ranked.iter().map(|r| r.1).collect();
    candidates.sort_unstable();
    let mut members: Vec<Vec<Print>> = groups
        .iter()
        .map(|(_, first, copies)| {
            std::iter::once(*first)
                .chain(copies.iter().copied())
                .map(|address| Print::of(columns, address))
                .collect()
        })
        .collect();
    let mut near = Chunks::new();
    for print in members.iter().flatten() {
        near.insert(print.text);
    }
    let mut joined = vec![false; matches.len()];
    let mut grew = true;
    while grew {
        grew = false;
        for (i, &(address, text)) in matches.iter().enumerate() {
            if joined[i] || !near.may_hold(text) || candidates.binary_search(&address).is_ok() {
                continue;
            }
            let print = Print::with_text(columns, address, text);
            let group = members
                .iter()
                .position(|group| group.iter().any(|m| m.same_story(print)));
            if let Some(group) = group {
                members[group].push(print);
                groups[group].2.push(address);
                near.insert(text);
                joined[i] = true;
                grew = true;
            }
        }
    }
}

/// Chunks of a fingerprint: two fingerprints at most [`MAX_DISTANCE`] bits apart agree in at
/// least one of `MAX_DISTANCE + 1` chunks.
const CHUNKS: u32 = MAX_DISTANCE + 1;
/// Bits per chunk.
const CHUNK_BITS: u32 = u64::BITS.div_ceil(CHUNKS);

/// The chunks of the fingerprints looked for, one bit per value of each chunk: a fingerprint
/// that agrees with none of them in any chunk is not near any of them, which [`CHUNKS`] bit
/// lookups tell (comparing it with every page post's fingerprint took a sixth of a query).
struct Chunks(Vec<u64>);

impl Chunks {
    fn new() -> Chunks {
        Chunks(vec![0; (CHUNKS as usize) << CHUNK_BITS >> 6])
    }

    /// The bit of `print`'s chunk `k`.
    fn bit(print: u64, k: u32) -> usize {
        let value = (print >> (k * CHUNK_BITS)) & ((1 << CHUNK_BITS) - 1);
        ((k as usize) << CHUNK_BITS) + value as usize
    }

    fn insert(&mut self, print: u64) {
        if print != 0 {
            for k in 0..CHUNKS {
                let bit = Chunks::bit(print, k);
                self.0[bit >> 6] |= 1 << (bit & 63);
            }
        }
    }

    /// Whether `print` agrees with a fingerprint inserted in some chunk.
    fn may_hold(&self, print: u64) -> bool {
        (0..CHUNKS).any(|k| {
            let bit = Chunks::bit(print, k);
            self.0[bit >> 6] & (1 << (bit & 63)) != 0
        })
    }
}

/// For each segment of `columns`, a bit for each post that has a reprint, or is one, anywhere
/// in the index (deleted posts included); `None` for a segment without such posts. A generation that answers many queries finds them
/// once: its searches then collect only these matches for [`gather`], not every match.
///
/// Two posts near enough agree in one of their [`CHUNKS`] chunks, so only posts that agree in
/// a chunk are compared: sorted by each chunk in turn, a post is compared with the runs of
/// posts that share that chunk's value.
pub fn twins(columns: &Columns) -> Vec<Option<Arc<[u64]>>> {
    let mut posts: Vec<(u64, DocAddress)> = Vec::new();
    for (ordinal, segment) in columns.segments().iter().enumerate() {
        let prints = &segment.fingerprint;
        for doc in 0..prints.num_docs() {
            if let Some(text) = prints.first(doc).filter(|&t| t != 0) {
                posts.push((text, DocAddress::new(ordinal as u32, doc)));
            }
        }
    }
    let mut bits: Vec<Vec<u64>> = columns
        .segments()
        .iter()
        .map(|s| vec![0; (s.fingerprint.num_docs() as usize).div_ceil(64)])
        .collect();
    let mut mark = |address: DocAddress| {
        let doc = address.doc_id as usize;
        bits[address.segment_ord as usize][doc >> 6] |= 1 << (doc & 63);
    };
    for k in 0..CHUNKS {
        let chunk = |text: u64| Chunks::bit(text, k);
        posts.sort_unstable_by_key(|&(text, _)| chunk(text));
        for run in posts.chunk_by(|a, b| chunk(a.0) == chunk(b.0)) {
            for (i, &(a, at)) in run.iter().enumerate() {
                for &(b, bt) in &run[i + 1..] {
                    if same_text(a, b)
                        && Print::with_text(columns, at, a)
                            .same_story(Print::with_text(columns, bt, b))
                    {
                        mark(at);
                        mark(bt);
                    }
                }
            }
        }
    }
    bits.into_iter()
        .map(|bits| bits.iter().any(|&w| w != 0).then(|| Arc::from(bits)))
        .collect()
}

/// Collects the fingerprint of matches (when `enabled`), for [`gather`]: of every match, or,
/// when `twins` (the searcher's generation has answered a query before), of the matches that
/// have a reprint somewhere.
pub struct MatchPrints {
    /// The searcher's columns.
    pub columns: Arc<Columns>,
    /// Whether to collect anything (not when reprints are shown rather than collapsed).
    pub enabled: bool,
    /// Whether to collect only the posts [`Columns::twins`] names.
    pub twins: bool,
}

/// [`MatchPrints`] for one segment.
pub struct SegmentPrints {
    segment: SegmentOrdinal,
    column: Option<Column<u64>>,
    twins: Option<Arc<[u64]>>,
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
        let twins =
            (self.enabled && self.twins).then(|| self.columns.twins()[segment as usize].clone());
        // A segment without a post that has a reprint gives nothing to collect.
        let wanted = self.enabled && !matches!(twins, Some(None));
        Ok(SegmentPrints {
            segment,
            column: wanted.then(|| self.columns.segment(segment).fingerprint.clone()),
            twins: twins.flatten(),
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
        let Some(column) = &self.column else {
            return;
        };
        if let Some(twins) = &self.twins {
            let i = doc as usize;
            if twins.get(i >> 6).is_none_or(|w| w & (1 << (i & 63)) == 0) {
                return;
            }
        }
        if let Some(print) = column.first(doc)
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

    /// A long-running process finds a far-below reprint from its second query on through the
    /// generation's twins, as the first query does by comparing every match.
    #[test]
    fn later_queries_find_far_reprints_through_the_twins() -> crate::Result<()> {
        use crate::{NewsIndex, Post, SearchRequest};
        let story = "全国碳排放权交易市场今天迎来新一批控排企业，钢铁、水泥和电解铝行业首次纳入，\
            覆盖的年排放量增加约三十亿吨。生态环境部表示，将完善配额分配方法，加强数据质量监管，\
            推动市场平稳有序运行。业内人士认为，扩围后市场的活跃度和价格发现功能将进一步增强，\
            企业减排的内在动力也会随之提高。";
        let post = |title: String, body: String| Post {
            title,
            body,
            ..Default::default()
        };
        let mut posts = vec![
            (
                "story.md".to_owned(),
                post("碳排放权交易".into(), story.into()),
            ),
            (
                "reprint.md".to_owned(),
                post(
                    "三个行业纳入全国市场".into(),
                    format!("{story}（来源：某晚报）"),
                ),
            ),
        ];
        for i in 0..20 {
            posts.push((
                format!("other{i}.md"),
                post(
                    format!("第{i}篇谈碳排放权交易的观察报道"),
                    format!("第{i}篇报道谈到碳排放权交易。"),
                ),
            ));
        }
        let index = NewsIndex::create_in_ram()?;
        index.add_posts(posts)?;
        let request = SearchRequest {
            limit: 3,
            ..SearchRequest::new("碳排放权交易")
        };
        for round in 0..3 {
            let results = index.search(&request)?;
            assert_eq!(results.hits[0].path, "story.md", "round {round}");
            assert_eq!(results.hits[0].reprints, ["reprint.md"], "round {round}");
        }
        Ok(())
    }

    proptest::proptest! {
        /// Up to MAX_DISTANCE bits flipped anywhere (the worst case: one in each of as many
        /// chunks) never hides a print from the chunks.
        #[test]
        fn every_fingerprint_near_an_inserted_one_passes_the_chunks(
            inserted in proptest::collection::vec(1u64.., 1..20),
            pick in 0usize..20,
            flips in proptest::collection::vec(0u32..64, 0..=MAX_DISTANCE as usize),
        ) {
            let mut near = Chunks::new();
            for &print in &inserted {
                near.insert(print);
            }
            let base = inserted[pick % inserted.len()];
            let mask = flips.iter().fold(0u64, |m, &bit| m | 1 << bit);
            proptest::prop_assert!(near.may_hold(base ^ mask));
        }
    }

    #[test]
    fn a_print_that_differs_in_every_chunk_is_let_through_by_none() {
        let base = 0x5a5a_1234_9876_f00d_u64;
        let mut near = Chunks::new();
        near.insert(base);
        // One bit in each chunk: MAX_DISTANCE + 1 bits, too far, and no chunk agrees.
        let mask = (0..CHUNKS).fold(0u64, |m, k| m | 1 << (k * CHUNK_BITS));
        assert!(!near.may_hold(base ^ mask));
        assert!(near.may_hold(base ^ (mask & !1)));
    }
}
