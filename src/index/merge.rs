//! Which segments are merged.
//!
//! tantivy's default policy ends a large indexing run by merging most of the index into one
//! segment, which reads (and maps into memory) the whole index: memory then grows with the
//! corpus. This policy only merges small segments into segments of a bounded number of posts, so
//! a merge reads a bounded slice of the index however large the corpus is. Indexing a folder
//! makes these merges after its last commit, one at a time (see `folder.rs`); posts added
//! through the library are merged by tantivy in the background, as they come.

use tantivy::SegmentMeta;
use tantivy::merge_policy::{MergeCandidate, MergePolicy};

/// A merge never produces a segment of more posts than this.
pub(crate) const MAX_MERGED_POSTS: u32 = 30_000;
/// Fewer small segments than this are left alone.
const MIN_SEGMENTS: usize = 3;

/// Merges segments smaller than half of [`MAX_MERGED_POSTS`], smallest first, in groups of at
/// least [`MIN_SEGMENTS`] and at most `MAX_MERGED_POSTS` posts.
#[derive(Debug, Clone, Default)]
pub(crate) struct BoundedMergePolicy;

impl MergePolicy for BoundedMergePolicy {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let mut small: Vec<&SegmentMeta> = segments
            .iter()
            .filter(|s| s.max_doc() < MAX_MERGED_POSTS / 2)
            .collect();
        small.sort_by_key(|s| s.max_doc());
        let mut candidates = Vec::new();
        let mut group = Vec::new();
        let mut posts = 0;
        for segment in small {
            if posts + segment.max_doc() > MAX_MERGED_POSTS {
                if group.len() >= MIN_SEGMENTS {
                    candidates.push(MergeCandidate(std::mem::take(&mut group)));
                }
                group.clear();
                posts = 0;
            }
            group.push(segment.id());
            posts += segment.max_doc();
        }
        if group.len() >= MIN_SEGMENTS {
            candidates.push(MergeCandidate(group));
        }
        candidates
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::index::SegmentId;
    use tantivy::{Index, schema::Schema};

    fn metas(sizes: &[u32]) -> Vec<SegmentMeta> {
        let index = Index::create_in_ram(Schema::builder().build());
        sizes
            .iter()
            .map(|&n| index.new_segment_meta(SegmentId::generate_random(), n))
            .collect()
    }

    fn merged_sizes(sizes: &[u32]) -> Vec<u32> {
        let segments = metas(sizes);
        BoundedMergePolicy
            .compute_merge_candidates(&segments)
            .iter()
            .map(|c| {
                c.0.iter()
                    .map(|id| segments.iter().find(|s| s.id() == *id).unwrap().max_doc())
                    .sum()
            })
            .collect()
    }

    #[test]
    fn merges_small_segments_up_to_the_bound() {
        assert_eq!(merged_sizes(&[10_000, 10_000, 10_000]), [30_000]);
        assert_eq!(merged_sizes(&[100, 200, 300, 400]), [1_000]);
        let sizes = [10_000; 12];
        let merged = merged_sizes(&sizes);
        assert_eq!(merged, [30_000; 4]);
    }

    #[test]
    fn leaves_large_or_few_segments_alone() {
        assert!(merged_sizes(&[30_000, 30_000, 30_000]).is_empty());
        assert!(merged_sizes(&[100, 200]).is_empty());
        assert!(merged_sizes(&[20_000, 20_000, 20_000]).is_empty());
    }
}
