//! A union that does no work ahead: the posts any of its queries match, scored by the sum of
//! the scores of those that match.
//!
//! A clause's strings are searched in the title and in the body, and tantivy's `BooleanQuery`
//! makes such an `OR` a buffered union: on every step it moves each branch through the next
//! 4,096 documents, checking bigram positions for every post in that window, although the
//! intersection it sits in will ask about a few of them. This union only moves a branch to the
//! document asked for (`seek`), so a phrase checks positions only where the other strings of
//! the clause also occur.

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// Matches what any of `queries` matches.
pub struct AnyQuery {
    label: &'static str,
    queries: Vec<Box<dyn Query>>,
}

impl AnyQuery {
    /// The union of `queries`; `label` names it in explanations.
    pub fn new(label: &'static str, queries: Vec<Box<dyn Query>>) -> AnyQuery {
        AnyQuery { label, queries }
    }
}

impl Clone for AnyQuery {
    fn clone(&self) -> Self {
        AnyQuery {
            label: self.label,
            queries: self.queries.iter().map(|q| q.box_clone()).collect(),
        }
    }
}

impl fmt::Debug for AnyQuery {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_tuple("Any")
            .field(&self.label)
            .field(&self.queries)
            .finish()
    }
}

impl Query for AnyQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .queries
            .iter()
            .map(|q| q.weight(enable_scoring))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(AnyWeight {
            label: self.label,
            weights,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for query in &self.queries {
            query.query_terms(visitor);
        }
    }
}

struct AnyWeight {
    label: &'static str,
    weights: Vec<Box<dyn Weight>>,
}

impl Weight for AnyWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let scorers = self
            .weights
            .iter()
            .map(|w| w.scorer(reader, boost))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(AnyScorer::new(scorers)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let matched: Vec<Explanation> = self
            .weights
            .iter()
            .filter_map(|w| w.explain(reader, doc).ok())
            .collect();
        if matched.is_empty() {
            return Err(TantivyError::InvalidArgument(format!(
                "Document #({doc}) does not match"
            )));
        }
        let mut explanation = Explanation::new(self.label, matched.iter().map(|e| e.value()).sum());
        for detail in matched {
            explanation.add_detail(detail);
        }
        Ok(explanation)
    }
}

struct AnyScorer {
    scorers: Vec<Box<dyn Scorer>>,
    /// Where each scorer is: asked once per move instead of through its layers on every step.
    docs: Vec<DocId>,
    doc: DocId,
}

impl AnyScorer {
    fn new(mut scorers: Vec<Box<dyn Scorer>>) -> AnyScorer {
        scorers.retain(|s| s.doc() != TERMINATED);
        let docs: Vec<DocId> = scorers.iter().map(|s| s.doc()).collect();
        let doc = docs.iter().copied().min().unwrap_or(TERMINATED);
        AnyScorer { scorers, docs, doc }
    }

    fn settle(&mut self) -> DocId {
        self.doc = self.docs.iter().copied().min().unwrap_or(TERMINATED);
        self.doc
    }
}

impl DocSet for AnyScorer {
    fn advance(&mut self) -> DocId {
        let doc = self.doc;
        for (scorer, at) in self.scorers.iter_mut().zip(&mut self.docs) {
            if *at == doc {
                *at = scorer.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for (scorer, at) in self.scorers.iter_mut().zip(&mut self.docs) {
            if *at < target {
                *at = scorer.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers
            .iter()
            .map(|s| s.size_hint())
            .fold(0, u32::saturating_add)
    }

    fn cost(&self) -> u64 {
        self.scorers.iter().map(|s| s.cost()).sum()
    }
}

impl Scorer for AnyScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        self.scorers
            .iter_mut()
            .zip(&self.docs)
            .filter(|(_, at)| **at == doc)
            .map(|(s, _)| s.score())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, STRING, Schema, TEXT};
    use tantivy::{Index, TantivyDocument};

    /// Phrases in the union: the same posts and scores as tantivy's union, alone, inside an
    /// intersection led by a rarer term, and as the optional part of a clause.
    #[test]
    fn phrases_match_and_score_as_in_tantivy_union() -> tantivy::Result<()> {
        let mut builder = Schema::builder();
        let t = builder.add_text_field("t", TEXT);
        let u = builder.add_text_field("u", TEXT);
        let z = builder.add_text_field("z", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
        let texts = ["x y w", "y x w", "x w y", "w x y x", "w w w", "y y x"];
        for i in 0..4_000usize {
            let mut doc = TantivyDocument::new();
            doc.add_text(t, texts[i % 6]);
            doc.add_text(u, texts[(i / 7) % 6]);
            if i % 11 == 0 {
                doc.add_text(z, "z");
            }
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let phrase = |field| -> Box<dyn Query> {
            Box::new(PhraseQuery::new(vec![
                Term::from_field_text(field, "x"),
                Term::from_field_text(field, "y"),
            ]))
        };
        let z_term = || -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(z, "z"),
                IndexRecordOption::WithFreqs,
            ))
        };
        let ours =
            || -> Box<dyn Query> { Box::new(AnyQuery::new("t or u", vec![phrase(t), phrase(u)])) };
        let theirs = || -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, phrase(t)),
                (Occur::Should, phrase(u)),
            ]))
        };
        type Shape = fn(Box<dyn Query>, Box<dyn Query>) -> Box<dyn Query>;
        let shapes: [Shape; 3] = [
            |q, _| q,
            |q, z| Box::new(BooleanQuery::new(vec![(Occur::Must, q), (Occur::Must, z)])),
            |q, z| {
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, z),
                    (Occur::Should, q),
                ]))
            },
        ];
        for shape in shapes {
            let (ours, theirs) = (shape(ours(), z_term()), shape(theirs(), z_term()));
            let top = || TopDocs::with_limit(4_000).order_by_score();
            let (mut mine, count) = searcher.search(ours.as_ref(), &(top(), Count))?;
            let (mut reference, reference_count) =
                searcher.search(theirs.as_ref(), &(top(), Count))?;
            assert_eq!(count, reference_count);
            assert!(count > 100);
            for hits in [&mut mine, &mut reference] {
                hits.sort_by_key(|(s, d)| (d.doc_id, (s * 1000.0) as u32));
            }
            let keys = |hits: &[(Score, tantivy::DocAddress)]| -> Vec<(u32, u32)> {
                hits.iter()
                    .map(|(s, d)| (d.doc_id, (s * 1000.0) as u32))
                    .collect()
            };
            assert_eq!(keys(&mine), keys(&reference));
        }
        Ok(())
    }

    /// The same posts, in the same order with the same scores, as tantivy's own union, also
    /// inside an intersection that seeks; and every match explains its score.
    #[test]
    fn matches_and_scores_as_tantivy_union() -> tantivy::Result<()> {
        let mut builder = Schema::builder();
        let a = builder.add_text_field("a", STRING);
        let b = builder.add_text_field("b", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
        for i in 0..3_000u32 {
            let mut doc = TantivyDocument::new();
            for (field, modulus) in [(a, 3), (b, 7)] {
                if i % modulus == 0 {
                    doc.add_text(field, "x");
                }
            }
            if i % 5 == 0 {
                doc.add_text(a, "y");
            }
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let term = |field, text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::WithFreqs,
            ))
        };
        let ours = AnyQuery::new("a or b", vec![term(a, "x"), term(b, "x")]);
        let theirs = BooleanQuery::new(vec![
            (Occur::Should, term(a, "x")),
            (Occur::Should, term(b, "x")),
        ]);
        let within = |q: Box<dyn Query>| {
            BooleanQuery::new(vec![(Occur::Must, q), (Occur::Must, term(a, "y"))])
        };
        for (ours, theirs) in [
            (
                Box::new(ours.clone()) as Box<dyn Query>,
                Box::new(theirs.clone()) as Box<dyn Query>,
            ),
            (
                Box::new(within(Box::new(ours))),
                Box::new(within(Box::new(theirs))),
            ),
        ] {
            let top = || TopDocs::with_limit(3_000).order_by_score();
            let (mine, count) = searcher.search(ours.as_ref(), &(top(), Count))?;
            let (reference, reference_count) = searcher.search(theirs.as_ref(), &(top(), Count))?;
            assert_eq!(count, reference_count);
            assert!(count > 100);
            let key = |hits: &[(Score, tantivy::DocAddress)]| -> Vec<(u32, u32)> {
                let mut v: Vec<_> = hits
                    .iter()
                    .map(|(s, d)| ((s * 1000.0) as u32, d.doc_id))
                    .collect();
                v.sort_unstable();
                v
            };
            assert_eq!(key(&mine), key(&reference));
            for (score, address) in mine.iter().take(20) {
                let explained = ours.explain(&searcher, *address)?.value();
                assert!((explained - score).abs() < 1e-4, "{explained} vs {score}");
            }
        }
        Ok(())
    }
}
