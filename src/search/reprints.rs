//! Collapsing reprints: posts whose text SimHashes are within a few bits, and whose figures
//! are the same but for a few, are one story.

use tantivy::{DocAddress, Score};

use super::Columns;

use crate::analysis::distance;

/// Fingerprints this close (in bits) are the same story: short news texts with another
/// source line or footer land within a few bits; unrelated texts differ in about 32.
pub const MAX_DISTANCE: u32 = 6;

/// Figures in which two reprints may differ (bits of [`figures_normalized`]): those a source
/// line or footer adds (`第5版`, a date). Reports written from one template differ in more.
///
/// [`figures_normalized`]: crate::analysis::figures_normalized
pub const MAX_FIGURES: u32 = 4;

/// A post's fingerprints: the SimHash of its text and the set of its figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Print {
    /// SimHash of the Han text (0 for a text too short to have one).
    pub text: u64,
    /// The figures, one bit each.
    pub figures: u64,
}

/// A hit and the reprints folded into it.
pub type Group = (Score, DocAddress, Vec<DocAddress>);

/// Folds reprints into the best-ranked post of their story, keeping rank order. Only the ranked
/// candidates are compared: a reprint of a story ranks next to it.
pub fn collapse(columns: &Columns, ranked: &[(Score, DocAddress)]) -> Vec<Group> {
    let prints: Vec<Print> = ranked
        .iter()
        .map(|(_, address)| {
            let segment = columns.segment(address.segment_ord);
            Print {
                text: segment.simhash.first(address.doc_id).unwrap_or(0),
                figures: segment.figures.first(address.doc_id).unwrap_or(0),
            }
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

/// Whether two posts are the same story (an empty text's fingerprint matches nothing).
pub fn same_story(a: Print, b: Print) -> bool {
    a.text != 0
        && b.text != 0
        && distance(a.text, b.text) <= MAX_DISTANCE
        && distance(a.figures, b.figures) <= MAX_FIGURES
}
