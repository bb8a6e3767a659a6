//! Collapsing reprints: posts whose text SimHashes are within a few bits are one story.

use tantivy::{DocAddress, Score};

use super::Columns;

use crate::analysis::distance;

/// Fingerprints this close (in bits) are the same story: short news texts with another
/// source line or footer land within a few bits; unrelated texts differ in about 32.
pub const MAX_DISTANCE: u32 = 6;

/// A hit and the reprints folded into it.
pub type Group = (Score, DocAddress, Vec<DocAddress>);

/// Folds reprints into the best-ranked post of their story, keeping rank order. Only the ranked
/// candidates are compared: a reprint of a story ranks next to it.
pub fn collapse(columns: &Columns, ranked: &[(Score, DocAddress)]) -> Vec<Group> {
    let prints: Vec<u64> = ranked
        .iter()
        .map(|(_, address)| {
            columns
                .segment(address.segment_ord)
                .simhash
                .first(address.doc_id)
                .unwrap_or(0)
        })
        .collect();
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
                if !taken[j] && members.iter().any(|&m| same_story(prints[m], prints[j])) {
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

/// Whether two fingerprints are the same story (an empty text's fingerprint matches nothing).
pub fn same_story(a: u64, b: u64) -> bool {
    a != 0 && b != 0 && distance(a, b) <= MAX_DISTANCE
}
