//! The title-cover bonus: a post whose title contains everything the query requires, scored by
//! how much of that title the query is.
//!
//! For news, the story whose headline *is* the query (`天南地北迎新年`) is the one asked for,
//! more than a longer headline that merely contains it (`天南地北迎新年 喜庆欢乐庆元旦`). BM25
//! on the title would say so too, but without a bound: it would compete with the literal bonus.
//! This bonus stays between `bonus` and `2 × bonus`.

use std::fmt;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::Field;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term};

/// Matches what `query` matches; scores `bonus × (1 + units / title length)`, the share capped
/// at 1. The title length is the number of tokens `title` holds for the post: its units.
pub struct CoverQuery {
    query: Box<dyn Query>,
    title: Field,
    units: u32,
    bonus: Score,
    /// The bonus is added to `query`'s own score instead of standing alone.
    adds_to_query: bool,
}

impl CoverQuery {
    /// `query` must match only posts whose title contains the `units` units asked for.
    pub fn new(query: Box<dyn Query>, title: Field, units: u32, bonus: Score) -> CoverQuery {
        CoverQuery {
            query,
            title,
            units,
            bonus,
            adds_to_query: false,
        }
    }

    /// Like [`CoverQuery::new`], scoring `query`'s own score plus the bonus: `query` can then be
    /// the title's half of a string searched in title or body, and the title it checks serves
    /// both the match and the bonus.
    pub fn adding_to(query: Box<dyn Query>, title: Field, units: u32, bonus: Score) -> CoverQuery {
        CoverQuery {
            adds_to_query: true,
            ..CoverQuery::new(query, title, units, bonus)
        }
    }
}

impl Clone for CoverQuery {
    fn clone(&self) -> Self {
        CoverQuery {
            query: self.query.box_clone(),
            ..*self
        }
    }
}

impl fmt::Debug for CoverQuery {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "TitleCover(units={}, bonus={}, adds_to_query={}, query={:?})",
            self.units, self.bonus, self.adds_to_query, self.query
        )
    }
}

impl Query for CoverQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let Some(searcher) = enable_scoring
            .searcher()
            .filter(|_| enable_scoring.is_scoring_enabled())
        else {
            return self.query.weight(enable_scoring);
        };
        let inner = if self.adds_to_query {
            self.query.weight(enable_scoring)?
        } else {
            self.query
                .weight(EnableScoring::disabled_from_searcher(searcher))?
        };
        Ok(Box::new(CoverWeight {
            inner,
            title: self.title,
            units: self.units,
            bonus: self.bonus,
            adds_to_query: self.adds_to_query,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct CoverWeight {
    inner: Box<dyn Weight>,
    title: Field,
    units: u32,
    bonus: Score,
    adds_to_query: bool,
}

impl CoverWeight {
    fn cover_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<CoverScorer> {
        let inner_boost = if self.adds_to_query { boost } else { 1.0 };
        Ok(CoverScorer {
            inner: self.inner.scorer(reader, inner_boost)?,
            lengths: reader.get_fieldnorms_reader(self.title)?,
            units: self.units as Score,
            bonus: self.bonus * boost,
            adds_to_query: self.adds_to_query,
        })
    }
}

impl Weight for CoverWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.cover_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.cover_scorer(reader, 1.0)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "Document #({doc}) does not match"
            )));
        }
        let mut explanation = Explanation::new("title cover", scorer.score());
        if self.adds_to_query {
            explanation.add_detail(self.inner.explain(reader, doc)?);
        }
        explanation.add_const("bonus", self.bonus);
        explanation.add_const("units asked for", self.units as Score);
        explanation.add_const(
            "title length in units",
            scorer.lengths.fieldnorm(doc) as Score,
        );
        Ok(explanation)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }
}

struct CoverScorer {
    inner: Box<dyn Scorer>,
    lengths: FieldNormReader,
    units: Score,
    bonus: Score,
    adds_to_query: bool,
}

impl DocSet for CoverScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for CoverScorer {
    fn score(&mut self) -> Score {
        let length = self.lengths.fieldnorm(self.inner.doc()).max(1) as Score;
        let bonus = self.bonus * (1.0 + (self.units / length).min(1.0));
        if self.adds_to_query {
            bonus + self.inner.score()
        } else {
            bonus
        }
    }
}
