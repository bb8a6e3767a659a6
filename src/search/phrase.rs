//! Exact phrases of unit bigrams, with each post's positions found as the postings are walked.
//!
//! Every string of three units or more is matched as a phrase of bigrams (see
//! `Planner::unit_query`), so phrase checks are most of what a broad query does. tantivy's
//! phrase scorer finds where a post's positions start by adding up the term frequencies of the
//! posts before it in its block of 128, for every post it checks. [`Cursor`] walks a term's
//! blocks in order and keeps that sum as it moves, adding each frequency once, and its scorer
//! opens no file per query (the segments' positions files are kept with the [`Columns`]): a
//! query for `习近平` went from 6.66 M to 5.82 M instructions, the 25 latency queries from
//! 2.29 M to 2.14 M on average. Where a block turns out dense (a second post in it is checked),
//! the rest of its positions are read in one call instead of one call per post: 5.23 M and
//! 2.07 M. Two-term phrases (three or four units, most of them) merge the two position lists
//! as they are decoded instead of writing both out first: 4.95 M and 2.05 M.
//!
//! The price is that a cursor decodes every block it passes instead of skipping blocks through
//! the skip list: it must know every frequency before the post it reads. Decoding a block of
//! 128 posts costs about as much as one phrase check, and the rarest term leads the intersection.

use std::fmt;
use std::sync::Arc;

use tantivy::directory::CompositeFile;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentComponent;
use tantivy::positions::PositionReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

use super::columns::Columns;

/// Posts where the terms occur at the given offsets from each other (all terms of one field,
/// indexed with positions), scored with BM25 on the number of occurrences: the same posts and
/// scores as tantivy's `PhraseQuery::new_with_offset`.
#[derive(Clone)]
pub struct PhraseQuery {
    terms: Vec<(usize, Term)>,
    /// Where the segments' positions files are kept open.
    columns: Arc<Columns>,
}

impl PhraseQuery {
    /// The phrase of `terms` at their offsets, searched in the segments of `columns`. Panics
    /// unless there are two terms or more, all of one field.
    pub fn new(terms: Vec<(usize, Term)>, columns: Arc<Columns>) -> PhraseQuery {
        assert!(terms.len() >= 2, "a phrase has two terms or more");
        let field = terms[0].1.field();
        assert!(terms.iter().all(|(_, t)| t.field() == field), "one field");
        PhraseQuery { terms, columns }
    }

    fn field(&self) -> Field {
        self.terms[0].1.field()
    }
}

impl fmt::Debug for PhraseQuery {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_tuple("Phrase").field(&self.terms).finish()
    }
}

impl Query for PhraseQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let entry = enable_scoring.schema().get_field_entry(self.field());
        let has_positions = entry
            .field_type()
            .get_index_record_option()
            .is_some_and(|o| o.has_positions());
        if !has_positions {
            return Err(TantivyError::SchemaError(format!(
                "phrase on field {:?}, which has no positions",
                entry.name()
            )));
        }
        let bm25 = match enable_scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => {
                let terms: Vec<Term> = self.terms.iter().map(|(_, t)| t.clone()).collect();
                Some(Bm25Weight::for_terms(statistics_provider, &terms)?)
            }
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(PhraseWeight {
            terms: self.terms.clone(),
            bm25,
            columns: self.columns.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (_, term) in &self.terms {
            visitor(term, true);
        }
    }
}

struct PhraseWeight {
    terms: Vec<(usize, Term)>,
    bm25: Option<Bm25Weight>,
    columns: Arc<Columns>,
}

impl PhraseWeight {
    fn phrase_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<PhraseScorer>> {
        let field = self.terms[0].1.field();
        let inverted = reader.inverted_index(field)?;
        let mut infos = Vec::with_capacity(self.terms.len());
        for (_, term) in &self.terms {
            match inverted.get_term_info(term)? {
                Some(info) => infos.push(info),
                None => return Ok(None),
            }
        }
        let positions = match self.columns.find(reader.segment_id()) {
            Some(segment) => segment.positions(field),
            // A segment of another generation than the columns' (not one a search gives).
            None => positions_files(reader)?.open_read(field),
        }
        .ok_or_else(|| {
            TantivyError::SchemaError(format!("no positions for field {}", field.field_id()))
        })?;
        let last = self.terms.iter().map(|(o, _)| *o).max().unwrap_or(0);
        let mut cursors = Vec::with_capacity(infos.len());
        for ((offset, _), info) in self.terms.iter().zip(&infos) {
            let block =
                inverted.read_block_postings_from_terminfo(info, IndexRecordOption::WithFreqs)?;
            let bytes = positions.slice(info.positions_range.clone()).read_bytes()?;
            cursors.push(Cursor::new(
                block,
                PositionReader::open(bytes)?,
                (last - offset) as u32,
            ));
        }
        let fieldnorms = match self.bm25 {
            Some(_) => reader.get_fieldnorms_reader(field)?,
            None => FieldNormReader::constant(reader.max_doc(), 1),
        };
        Ok(Some(PhraseScorer::new(
            cursors,
            self.bm25.as_ref().map(|w| w.boost_by(boost)),
            fieldnorms,
        )))
    }
}

/// The segment's positions files, one per field with positions.
pub(crate) fn positions_files(reader: &SegmentReader) -> tantivy::Result<CompositeFile> {
    let file = reader
        .open_read(SegmentComponent::Positions)
        .map_err(|e| TantivyError::InternalError(e.to_string()))?;
    Ok(CompositeFile::open(&file)?)
}

impl Weight for PhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.phrase_scorer(reader, boost)? {
            Some(scorer) => Box::new(scorer),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.phrase_scorer(reader, 1.0)?;
        let Some(scorer) = scorer.as_mut() else {
            return Err(does_not_match(doc));
        };
        if scorer.seek(doc) != doc {
            return Err(does_not_match(doc));
        }
        let mut explanation = Explanation::new("Phrase Scorer", scorer.score());
        if let Some(bm25) = &self.bm25 {
            explanation.add_detail(bm25.explain(scorer.fieldnorms.fieldnorm_id(doc), scorer.count));
        }
        Ok(explanation)
    }
}

fn does_not_match(doc: DocId) -> TantivyError {
    TantivyError::InvalidArgument(format!("Document #({doc}) does not match"))
}

/// The intersection of the terms' postings, keeping the posts where the phrase occurs.
struct PhraseScorer {
    /// In phrase order.
    cursors: Vec<Cursor>,
    /// Cursor indexes, rarest term first: the order the intersection moves them in.
    lead: Vec<usize>,
    doc: DocId,
    /// Occurrences of the phrase in `doc`.
    count: u32,
    bm25: Option<Bm25Weight>,
    fieldnorms: FieldNormReader,
    left: Vec<u32>,
}

impl PhraseScorer {
    fn new(
        cursors: Vec<Cursor>,
        bm25: Option<Bm25Weight>,
        fieldnorms: FieldNormReader,
    ) -> PhraseScorer {
        let mut lead: Vec<usize> = (0..cursors.len()).collect();
        lead.sort_by_key(|&i| cursors[i].block.doc_freq());
        let mut scorer = PhraseScorer {
            cursors,
            lead,
            doc: 0,
            count: 0,
            bm25,
            fieldnorms,
            left: Vec::new(),
        };
        scorer.doc = scorer.next_phrase(0);
        scorer
    }

    /// The first post from `target` on that holds every term.
    fn next_common(&mut self, mut target: DocId) -> DocId {
        'again: loop {
            for &i in &self.lead {
                let doc = self.cursors[i].seek(target);
                if doc != target {
                    if doc == TERMINATED {
                        return TERMINATED;
                    }
                    target = doc;
                    continue 'again;
                }
            }
            return target;
        }
    }

    /// The first post from `target` on where the phrase occurs.
    fn next_phrase(&mut self, mut target: DocId) -> DocId {
        loop {
            let doc = self.next_common(target);
            if doc == TERMINATED {
                return TERMINATED;
            }
            self.count = self.occurrences();
            if self.count > 0 {
                return doc;
            }
            target = doc + 1;
        }
    }

    /// How often the phrase occurs in the post every cursor is on: each term's positions,
    /// shifted to where the phrase would end, intersected.
    fn occurrences(&mut self) -> u32 {
        let (first, rest) = self.cursors.split_first_mut().expect("two terms or more");
        if let [second] = rest {
            // Two terms (most phrases): the lists are merged as they are decoded.
            let (shift_a, shift_b) = (first.shift, second.shift);
            return common(first.deltas(), shift_a, second.deltas(), shift_b);
        }
        self.left.clear();
        self.left.extend(first.positions());
        for cursor in rest {
            let mut right = cursor.positions().peekable();
            self.left.retain(|&p| {
                while right.next_if(|&q| q < p).is_some() {}
                right.peek() == Some(&p)
            });
            if self.left.is_empty() {
                return 0;
            }
        }
        self.left.len() as u32
    }
}

/// A post's positions of a term from their deltas (tantivy stores each position as its distance
/// from the one before), plus `shift`.
fn absolute(deltas: &[u32], shift: u32) -> impl Iterator<Item = u32> + '_ {
    deltas.iter().scan(shift, |position, &delta| {
        *position += delta;
        Some(*position)
    })
}

/// How many positions two lists share, each given as deltas (see [`absolute`]) plus a shift.
fn common(a: &[u32], shift_a: u32, b: &[u32], shift_b: u32) -> u32 {
    let (Some(&first_a), Some(&first_b)) = (a.first(), b.first()) else {
        return 0;
    };
    let (mut p, mut q) = (shift_a + first_a, shift_b + first_b);
    let (mut i, mut j, mut count) = (0, 0, 0);
    loop {
        count += u32::from(p == q);
        let (was_p, was_q) = (p, q);
        if was_p <= was_q {
            i += 1;
            match a.get(i) {
                Some(&delta) => p += delta,
                None => return count,
            }
        }
        if was_q <= was_p {
            j += 1;
            match b.get(j) {
                Some(&delta) => q += delta,
                None => return count,
            }
        }
    }
}

impl DocSet for PhraseScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.next_phrase(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            self.doc = self.next_phrase(target);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        // As tantivy's phrase: the rarest term's posts, of which a phrase holds few.
        self.cursors[self.lead[0]].block.doc_freq() / (10 * self.cursors.len() as u32)
    }

    fn cost(&self) -> u64 {
        u64::from(self.cursors[self.lead[0]].block.doc_freq()) * 10 * self.cursors.len() as u64
    }
}

impl Scorer for PhraseScorer {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(bm25) => bm25.score(self.fieldnorms.fieldnorm_id(self.doc), self.count),
            None => 1.0,
        }
    }
}

/// One term's postings, walked block by block, with the offset of the current post's positions.
struct Cursor {
    block: BlockSegmentPostings,
    positions: PositionReader,
    /// Index of the current post in the block.
    at: usize,
    /// Positions of the terms in the blocks before this one.
    block_start: u64,
    /// Positions of the posts of this block before `summed_to`.
    summed: u64,
    summed_to: usize,
    /// Added to every position: how far the phrase ends after this term.
    shift: u32,
    /// Posts of this block whose positions were read one at a time.
    reads: u32,
    /// The positions of the rest of the block, read at once when it proves dense: from
    /// `buffered_from` (positions of the block before it) on.
    buffered: Vec<u32>,
    buffered_from: Option<u64>,
    /// The current post's positions when read alone.
    single: Vec<u32>,
}

/// After this many posts of a block read one at a time, the rest of the block's positions are
/// read in one go: each read costs about a hundred instructions besides the decoding, and a
/// block asked about twice is usually asked about again (`习近平`: 5.82 M → 5.23 M
/// instructions; after 4 reads, 5.25 M; after 8, 5.29 M).
const DENSE_READS: u32 = 1;

impl Cursor {
    fn new(block: BlockSegmentPostings, positions: PositionReader, shift: u32) -> Cursor {
        Cursor {
            block,
            positions,
            at: 0,
            block_start: 0,
            summed: 0,
            summed_to: 0,
            shift,
            reads: 0,
            buffered: Vec::new(),
            buffered_from: None,
            single: Vec::new(),
        }
    }

    /// Moves to the next block (the current one must have posts).
    fn next_block(&mut self) {
        self.block_start += self
            .block
            .freqs()
            .iter()
            .map(|&f| u64::from(f))
            .sum::<u64>();
        self.block.advance();
        self.at = 0;
        self.summed = 0;
        self.summed_to = 0;
        self.reads = 0;
        self.buffered_from = None;
    }

    /// The first post from `target` on that holds the term (`TERMINATED` when none).
    fn seek(&mut self, target: DocId) -> DocId {
        loop {
            let docs = self.block.docs();
            match docs.last() {
                None => return TERMINATED,
                Some(&last) if last < target => self.next_block(),
                Some(_) => {
                    // Targets are mostly a few posts ahead: a scan beats a binary search.
                    while docs[self.at] < target {
                        self.at += 1;
                    }
                    return docs[self.at];
                }
            }
        }
    }

    /// The current post's positions, shifted.
    #[inline]
    fn positions(&mut self) -> impl Iterator<Item = u32> + '_ {
        let shift = self.shift;
        absolute(self.deltas(), shift)
    }

    /// The current post's positions as deltas (see [`absolute`]).
    #[inline(always)]
    fn deltas(&mut self) -> &[u32] {
        let freqs = self.block.freqs();
        self.summed += freqs[self.summed_to..self.at]
            .iter()
            .map(|&f| u64::from(f))
            .sum::<u64>();
        self.summed_to = self.at;
        let freq = freqs[self.at] as usize;
        match self.buffered_from {
            Some(from) => {
                let start = (self.summed - from) as usize;
                &self.buffered[start..start + freq]
            }
            None => self.read_deltas(freq),
        }
    }

    /// The current post's `freq` positions read from the file: alone, or with the rest of the
    /// block's once it proves dense.
    #[inline(never)]
    fn read_deltas(&mut self, freq: usize) -> &[u32] {
        if self.reads >= DENSE_READS {
            let total: u64 = self.block.freqs().iter().map(|&f| u64::from(f)).sum();
            self.buffered.resize((total - self.summed) as usize, 0);
            self.positions
                .read(self.block_start + self.summed, &mut self.buffered);
            self.buffered_from = Some(self.summed);
            return &self.buffered[..freq];
        }
        self.reads += 1;
        self.single.resize(freq, 0);
        self.positions
            .read(self.block_start + self.summed, &mut self.single);
        &self.single
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, Occur, PhraseQuery as TantivyPhrase, TermQuery};

    use super::*;
    use crate::{NewsIndex, Post};

    /// Bodies of four characters in a pseudo-random order: every bigram term has hundreds of
    /// posts (several blocks of 128) and many positions per post.
    fn bodies(seed: u64, count: usize) -> Vec<String> {
        let mut state = seed;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        (0..count)
            .map(|_| {
                let len = next() % 40;
                (0..len)
                    .map(|_| ['甲', '乙', '丙', '丁'][next() % 4])
                    .collect()
            })
            .collect()
    }

    /// The bigrams of a Han string at offsets 0, 2, 4, … and the last, as the planner asks.
    fn terms(field: Field, text: &str) -> Vec<(usize, Term)> {
        let chars: Vec<char> = text.chars().collect();
        let last = chars.len() - 2;
        (0..=last)
            .filter(|&i| i % 2 == 0 || i == last)
            .map(|i| {
                let bigram: String = chars[i..i + 2].iter().collect();
                (i, Term::from_field_text(field, &bigram))
            })
            .collect()
    }

    #[test]
    fn same_posts_and_scores_as_tantivy_phrases() -> crate::Result<()> {
        let index = NewsIndex::create_in_ram()?;
        // Three commits: three segments, each with its own positions file.
        for (batch, seed) in [(0, 7), (1, 11), (2, 13)] {
            let posts = bodies(seed, 400).into_iter().enumerate().map(|(i, body)| {
                let post = Post {
                    title: "标题".into(),
                    body,
                    ..Default::default()
                };
                (format!("{batch}/{i}.md"), post)
            });
            index.add_posts(posts)?;
        }
        let searcher = index.reader.searcher();
        assert!(searcher.segment_readers().len() >= 2);
        let columns = index.columns.get(&searcher)?;
        let field = index.fields.body_bi;
        let other = Term::from_field_text(field, "丁丁");
        let top = || TopDocs::with_limit(2000).order_by_score();
        for text in [
            "甲乙丙",
            "甲乙丙丁",
            "丁丁丁",
            "乙甲乙甲乙",
            "丙丁甲乙丙丁",
            "甲甲甲甲甲",
        ] {
            let ours = PhraseQuery::new(terms(field, text), columns.clone());
            let theirs = TantivyPhrase::new_with_offset(terms(field, text));
            let (alone, count) = searcher.search(&ours, &(top(), Count))?;
            let expected = searcher.search(&theirs, &(top(), Count))?;
            assert!(count > 0, "{text}");
            assert_eq!((alone.clone(), count), expected, "{text}");
            // Inside an intersection, where the phrase is moved by `seek`.
            let with = |phrase: Box<dyn Query>| {
                let term = TermQuery::new(other.clone(), IndexRecordOption::WithFreqs);
                BooleanQuery::new(vec![(Occur::Must, phrase), (Occur::Must, Box::new(term))])
            };
            let found = searcher.search(&with(Box::new(ours.clone())), &top())?;
            let expected = searcher.search(&with(Box::new(theirs)), &top())?;
            assert_eq!(found, expected, "{text} and 丁丁");
            // Explained with the score it was ranked with.
            let (score, address) = alone[count / 2];
            let explanation = ours.explain(&searcher, address)?;
            assert!((explanation.value() - score).abs() < 1e-4, "{text}");
        }
        Ok(())
    }
}
