//! A clause: the strings it requires, plus parts that only add to its score, asked about the
//! posts the required strings match and about nothing else.
//!
//! Put as tantivy's optional clauses, each score-only part runs on its own: a phrase that does
//! not occur in the post asked about moves on, checking positions, to the next post where it
//! occurs. Here each part is asked about one post at a time (`seek_danger`), and a part that
//! another part's match implies is counted without being asked: the words of a clause are near
//! each other wherever the whole clause occurs literally, so the (costly) sloppy phrase is
//! checked only in posts that do not hold the literal.

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED, Term};

use super::prune::{Bar, Bars, below};

/// What a score-only part adds, and how it depends on the parts before it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Adds {
    /// Its query's own score.
    Score,
    /// A fixed bonus, not counted when part `unless` (an earlier one) matched.
    Bonus {
        /// The bonus.
        value: Score,
        /// An earlier part whose match cancels this bonus.
        unless: Option<usize>,
    },
    /// A fixed bonus, counted without asking the query when part `implied_by` (an earlier one)
    /// matched: that part's match implies this one's.
    Implied {
        /// The bonus.
        value: Score,
        /// The earlier part whose match implies this one.
        implied_by: usize,
    },
}

/// A part of a clause that only adds to its score.
pub struct Extra {
    /// What `explain` calls it.
    pub label: &'static str,
    /// The posts it applies to.
    pub query: Box<dyn Query>,
    /// What it adds.
    pub adds: Adds,
}

impl Adds {
    /// The most it adds (a score's is not known in advance).
    fn at_most(self) -> Score {
        match self {
            Adds::Score => Score::INFINITY,
            Adds::Bonus { value, .. } | Adds::Implied { value, .. } => value,
        }
    }
}

/// Posts `required` matches, scored by it plus the `extras` that also match.
pub struct ClauseQuery {
    required: Box<dyn Query>,
    extras: Vec<Extra>,
    pruning: Option<Pruning>,
}

/// Where a clause finds the bar a post must reach, and what the rest of the query can add.
#[derive(Debug, Clone)]
struct Pruning {
    bars: Bars,
    outside: Score,
}

impl ClauseQuery {
    /// The clause; `Adds` of each extra may only refer to extras before it.
    pub fn new(required: Box<dyn Query>, extras: Vec<Extra>) -> ClauseQuery {
        for (i, extra) in extras.iter().enumerate() {
            let earlier = match extra.adds {
                Adds::Bonus {
                    unless: Some(j), ..
                }
                | Adds::Implied { implied_by: j, .. } => Some(j),
                _ => None,
            };
            assert!(
                earlier.is_none_or(|j| j < i),
                "extra {i} refers to a later one"
            );
        }
        ClauseQuery {
            required,
            extras,
            pruning: None,
        }
    }

    /// Whether pruning could skip anything: its last extra adds a bounded amount.
    pub fn can_prune(&self) -> bool {
        self.extras
            .last()
            .is_some_and(|e| e.adds.at_most().is_finite())
    }

    /// Lets the clause stop asking its extras about a post once what they could still add
    /// would not lift it to the bar of its segment in `bars` (see [`super::prune`]). The
    /// clause must then be the query's only scored part but for parts adding at most
    /// `outside`. Extras are asked in order, so cheap ones (over the title) should come first.
    pub fn pruned_by(mut self, bars: Bars, outside: Score) -> ClauseQuery {
        self.pruning = Some(Pruning { bars, outside });
        self
    }
}

impl Clone for ClauseQuery {
    fn clone(&self) -> Self {
        ClauseQuery {
            required: self.required.box_clone(),
            extras: self
                .extras
                .iter()
                .map(|e| Extra {
                    label: e.label,
                    query: e.query.box_clone(),
                    adds: e.adds,
                })
                .collect(),
            pruning: self.pruning.clone(),
        }
    }
}

impl fmt::Debug for ClauseQuery {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let extras: Vec<_> = self
            .extras
            .iter()
            .map(|e| (e.label, &e.query, e.adds))
            .collect();
        f.debug_struct("Clause")
            .field("required", &self.required)
            .field("extras", &extras)
            .finish()
    }
}

impl Query for ClauseQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let required = self.required.weight(enable_scoring)?;
        if !enable_scoring.is_scoring_enabled() {
            return Ok(required);
        }
        let extras = self
            .extras
            .iter()
            .map(|e| Ok((e.label, e.adds, e.query.weight(enable_scoring)?)))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(ClauseWeight {
            required,
            extras,
            pruning: self.pruning.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.required.query_terms(visitor);
        for extra in &self.extras {
            extra.query.query_terms(visitor);
        }
    }
}

struct ClauseWeight {
    required: Box<dyn Weight>,
    extras: Vec<(&'static str, Adds, Box<dyn Weight>)>,
    pruning: Option<Pruning>,
}

impl Weight for ClauseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let probes = self
            .extras
            .iter()
            .map(|(_, adds, weight)| Ok((*adds, Probe::new(weight.scorer(reader, boost)?))))
            .collect::<tantivy::Result<Vec<_>>>()?;
        // rest[i]: the most extras i.. and the rest of the query can add; least_rest[i]: the
        // same if every bonus that an earlier match can cancel were cancelled.
        let mut rest = vec![0.0; probes.len()];
        let mut least_rest = vec![0.0; probes.len()];
        let outside = self.pruning.as_ref().map_or(0.0, |p| p.outside);
        let (mut sum, mut least) = (outside, outside);
        for (i, (adds, _)) in probes.iter().enumerate().rev() {
            sum += adds.at_most();
            if !matches!(
                adds,
                Adds::Bonus {
                    unless: Some(_),
                    ..
                }
            ) {
                least += adds.at_most();
            }
            rest[i] = sum;
            least_rest[i] = least;
        }
        let bar = self
            .pruning
            .as_ref()
            .map(|p| p.bars.of(reader.segment_id()));
        let bounded_from = match bar {
            Some(_) => rest
                .iter()
                .position(|r| r.is_finite())
                .unwrap_or(rest.len()),
            None => rest.len(),
        };
        Ok(Box::new(ClauseScorer {
            required: self.required.scorer(reader, boost)?,
            matched: vec![false; probes.len()],
            probes,
            bar,
            rest,
            least_rest,
            bounded_from,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let required = self.required.explain(reader, doc)?;
        let mut details = vec![required];
        let mut matched = vec![false; self.extras.len()];
        for (i, (label, adds, weight)) in self.extras.iter().enumerate() {
            if let Adds::Implied { value, implied_by } = *adds
                && matched[implied_by]
            {
                matched[i] = true;
                details.push(Explanation::new_with_string(
                    format!("{label} (implied by: {})", self.extras[implied_by].0),
                    value,
                ));
                continue;
            }
            let Ok(explained) = weight.explain(reader, doc) else {
                continue;
            };
            matched[i] = true;
            match *adds {
                Adds::Score => {
                    let mut part = Explanation::new(label, explained.value());
                    part.add_detail(explained);
                    details.push(part);
                }
                Adds::Bonus {
                    unless: Some(j), ..
                } if matched[j] => {}
                Adds::Bonus { value, .. } | Adds::Implied { value, .. } => {
                    details.push(Explanation::new(label, value));
                }
            }
        }
        let mut explanation = Explanation::new(
            "clause: required strings plus score-only parts",
            details.iter().map(|d| d.value()).sum(),
        );
        for detail in details {
            explanation.add_detail(detail);
        }
        Ok(explanation)
    }
}

/// A score-only part's scorer, asked about one post at a time in increasing order.
struct Probe {
    scorer: Box<dyn Scorer>,
    state: State,
}

/// Where a probe's scorer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// On a post it matches (`doc()`).
    On,
    /// Left by a miss: it matches no post before this one, and may only be asked again with
    /// `seek_danger` (tantivy's contract).
    Below(DocId),
}

impl Probe {
    fn new(scorer: Box<dyn Scorer>) -> Probe {
        Probe {
            scorer,
            state: State::On,
        }
    }

    /// Whether the part matches `doc` (asked in increasing order, the same post again allowed).
    fn matches(&mut self, doc: DocId) -> bool {
        match self.state {
            State::On if self.scorer.doc() >= doc => return self.scorer.doc() == doc,
            State::Below(bound) if bound > doc => return false,
            _ => {}
        }
        match self.scorer.seek_danger(doc) {
            SeekDangerResult::Found => {
                self.state = State::On;
                true
            }
            SeekDangerResult::SeekLowerBound(bound) => {
                self.state = State::Below(bound.max(doc + 1).min(TERMINATED));
                false
            }
        }
    }
}

struct ClauseScorer {
    required: Box<dyn Scorer>,
    probes: Vec<(Adds, Probe)>,
    matched: Vec<bool>,
    /// The bar of this segment, when the clause is pruned.
    bar: Option<Bar>,
    /// What extras `i..` and the rest of the query can add at most.
    rest: Vec<Score>,
    /// The same with every cancellable bonus cancelled.
    least_rest: Vec<Score>,
    /// The first extra from which that is bounded (all of them without a bar).
    bounded_from: usize,
}

impl DocSet for ClauseScorer {
    fn advance(&mut self) -> DocId {
        self.required.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.required.seek(target)
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        self.required.seek_danger(target)
    }

    fn doc(&self) -> DocId {
        self.required.doc()
    }

    fn size_hint(&self) -> u32 {
        self.required.size_hint()
    }

    fn cost(&self) -> u64 {
        self.required.cost()
    }
}

impl ClauseScorer {
    /// Whether extras `i..` cannot lift `score` to `bar`. A bonus that an earlier part's match
    /// cancels adds nothing.
    #[inline(never)]
    fn cannot_reach(&self, i: usize, score: Score, bar: Score) -> bool {
        if below(score, self.rest[i], bar) {
            return true;
        }
        if !below(score, self.least_rest[i], bar) {
            return false;
        }
        let mut rest = self.rest[i];
        for (adds, _) in &self.probes[i..] {
            if let Adds::Bonus {
                value,
                unless: Some(earlier),
            } = *adds
                && earlier < i
                && self.matched[earlier]
            {
                rest -= value;
            }
        }
        below(score, rest, bar)
    }
}

impl Scorer for ClauseScorer {
    fn score(&mut self) -> Score {
        let doc = self.required.doc();
        let mut score = self.required.score();
        let bar = self.bar.as_ref().map_or(Score::NEG_INFINITY, Bar::get);
        // No bar yet (or none at all): nothing to check.
        let checked_from = if bar == Score::NEG_INFINITY {
            usize::MAX
        } else {
            self.bounded_from
        };
        for i in 0..self.probes.len() {
            if i >= checked_from && self.cannot_reach(i, score, bar) {
                // Not on the page whatever the rest finds: what it has so far is below the bar.
                return score;
            }
            let (adds, probe) = &mut self.probes[i];
            let (matched, adds_score) = match *adds {
                Adds::Implied { value, implied_by } if self.matched[implied_by] => (true, value),
                Adds::Implied { value, .. } => (probe.matches(doc), value),
                Adds::Bonus { value, unless } => {
                    let matched = probe.matches(doc);
                    let cancelled = unless.is_some_and(|j| self.matched[j]);
                    (matched, if cancelled { 0.0 } else { value })
                }
                Adds::Score => {
                    let matched = probe.matches(doc);
                    (matched, if matched { probe.scorer.score() } else { 0.0 })
                }
            };
            self.matched[i] = matched;
            if matched {
                score += adds_score;
            }
        }
        score
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::Field;
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, Searcher, TantivyDocument};

    /// A searcher over posts of two text fields, `t` and `u`, given as pairs.
    fn two_fields(
        posts: impl Iterator<Item = (String, String)>,
    ) -> tantivy::Result<(Searcher, Field, Field)> {
        let mut builder = Schema::builder();
        let t = builder.add_text_field("t", TEXT);
        let u = builder.add_text_field("u", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
        for (in_t, in_u) in posts {
            let mut doc = TantivyDocument::new();
            doc.add_text(t, in_t);
            doc.add_text(u, in_u);
            writer.add_document(doc)?;
        }
        writer.commit()?;
        Ok((index.reader()?.searcher(), t, u))
    }

    /// `x y` in `field`, within `slop`.
    fn x_y(field: Field, slop: u32) -> Box<dyn Query> {
        let terms = vec![
            Term::from_field_text(field, "x"),
            Term::from_field_text(field, "y"),
        ];
        let mut query = PhraseQuery::new(terms);
        query.set_slop(slop);
        Box::new(query)
    }

    /// The same posts and scores as tantivy's boolean query for the same sum (a required part,
    /// bonuses as constant-score optional clauses, "unless" as a bonus for posts without the
    /// other part), and every score explained.
    #[test]
    fn scores_as_the_boolean_query_it_stands_for() -> tantivy::Result<()> {
        let texts = [
            "a x y",
            "a y x",
            "a x w y",
            "x y",
            "a w",
            "a x c c c y w",
            "a",
            "a x y x y w",
        ];
        let posts = (0..3_000usize).map(|i| {
            let in_t = texts[i % texts.len()];
            (in_t.to_owned(), texts[(i / 5) % texts.len()].to_owned())
        });
        let (searcher, t, u) = two_fields(posts)?;
        let term = |field, text: &str| -> Box<dyn Query> {
            let term = Term::from_field_text(field, text);
            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
        };
        let constant = |query: Box<dyn Query>, value| -> Box<dyn Query> {
            Box::new(ConstScoreQuery::new(query, value))
        };
        let ours = ClauseQuery::new(
            term(t, "a"),
            vec![
                Extra {
                    label: "x y in t",
                    query: x_y(t, 0),
                    adds: Adds::Bonus {
                        value: 100.0,
                        unless: None,
                    },
                },
                Extra {
                    label: "x y in u",
                    query: x_y(u, 0),
                    adds: Adds::Bonus {
                        value: 50.0,
                        unless: Some(0),
                    },
                },
                Extra {
                    label: "x near y in t",
                    query: x_y(t, 3),
                    adds: Adds::Implied {
                        value: 10.0,
                        implied_by: 0,
                    },
                },
                Extra {
                    label: "w in t",
                    query: term(t, "w"),
                    adds: Adds::Score,
                },
            ],
        );
        let u_unless_t =
            BooleanQuery::new(vec![(Occur::Must, x_y(u, 0)), (Occur::MustNot, x_y(t, 0))]);
        let theirs = BooleanQuery::new(vec![
            (Occur::Must, term(t, "a")),
            (Occur::Should, constant(x_y(t, 0), 100.0)),
            (Occur::Should, constant(Box::new(u_unless_t), 50.0)),
            (Occur::Should, constant(x_y(t, 3), 10.0)),
            (Occur::Should, term(t, "w")),
        ]);
        let top = || TopDocs::with_limit(3_000).order_by_score();
        let (mut mine, count) = searcher.search(&ours, &(top(), Count))?;
        let (mut reference, reference_count) = searcher.search(&theirs, &(top(), Count))?;
        assert_eq!(count, reference_count);
        let keys = |hits: &mut Vec<(Score, tantivy::DocAddress)>| -> Vec<(u32, u32)> {
            hits.sort_by_key(|(_, d)| d.doc_id);
            hits.iter()
                .map(|(s, d)| (d.doc_id, (s * 100.0).round() as u32))
                .collect()
        };
        assert_eq!(keys(&mut mine), keys(&mut reference));
        let distinct: std::collections::BTreeSet<u32> =
            keys(&mut mine).into_iter().map(|(_, s)| s).collect();
        assert!(distinct.len() >= 5, "{distinct:?}");
        for (score, address) in &mine {
            let explained = ours.explain(&searcher, *address)?.value();
            assert!((explained - score).abs() < 1e-3, "{explained} vs {score}");
        }
        Ok(())
    }

    /// A pruned clause gives the page the same posts and scores as an unpruned one, for pages
    /// of several sizes run one after the other with the same bars, while some posts off the
    /// page were scored only in part (their body parts skipped), and always below the page.
    #[test]
    fn pruning_keeps_the_page_and_skips_work_off_it() -> tantivy::Result<()> {
        use super::super::prune::{Bars, Pruned};

        let titles = ["a x y", "a w", "a", "a x w y", "a y x w w"];
        let bodies = ["x y c", "y c x", "x c c y", "c", "x y x y"];
        // Padding varies the lengths, and so the scores.
        let posts = (0..2_000usize).map(|i| {
            let v = if i % 7 == 0 { 1 + (i / 7) % 5 } else { 0 };
            let title = format!(
                "{} {} {}",
                titles[i % titles.len()],
                "v ".repeat(v),
                "z ".repeat(i % 11)
            );
            let body = format!("{} {}", bodies[(i / 3) % bodies.len()], "c ".repeat(i % 13));
            (title, body)
        });
        let (searcher, t, u) = two_fields(posts)?;
        // With a word's score among the extras, and with bonuses alone.
        let clause = |with_v: bool| {
            let v = Term::from_field_text(t, "v");
            let mut extras = vec![Extra {
                label: "x y in t",
                query: x_y(t, 0),
                adds: Adds::Bonus {
                    value: 3.0,
                    unless: None,
                },
            }];
            if with_v {
                extras.push(Extra {
                    label: "v in t",
                    query: Box::new(TermQuery::new(v, IndexRecordOption::WithFreqs)),
                    adds: Adds::Score,
                });
            }
            extras.push(Extra {
                label: "x y in u",
                query: x_y(u, 0),
                adds: Adds::Bonus {
                    value: 2.0,
                    unless: Some(0),
                },
            });
            extras.push(Extra {
                label: "x near y in u",
                query: x_y(u, 3),
                adds: Adds::Implied {
                    value: 0.5,
                    implied_by: extras.len() - 1,
                },
            });
            let a = Term::from_field_text(t, "a");
            ClauseQuery::new(
                Box::new(TermQuery::new(a, IndexRecordOption::WithFreqs)),
                extras,
            )
        };
        let all = || TopDocs::with_limit(2_000).order_by_score();
        for with_v in [true, false] {
            let (plain, _) = searcher.search(&clause(with_v), &(all(), Count))?;
            let bars = Bars::default();
            let pruned = clause(with_v).pruned_by(bars.clone(), 0.0);
            assert!(pruned.can_prune());
            for page in [3, 40, 1, 10] {
                let collector = Pruned {
                    inner: (TopDocs::with_limit(page).order_by_score(), (all(), Count)),
                    bars: bars.clone(),
                    page,
                };
                let (top, (seen, count)) = searcher.search(&pruned, &collector)?;
                assert_eq!(count, 2_000);
                assert_eq!(top, plain[..page], "page of {page}");
                let lowest = top[page - 1].0;
                let true_score: std::collections::HashMap<_, _> =
                    plain.iter().map(|(s, d)| (*d, *s)).collect();
                let mut skipped = 0;
                for (score, doc) in &seen {
                    if *score != true_score[doc] {
                        skipped += 1;
                        assert!(*score < true_score[doc] && true_score[doc] < lowest);
                    }
                }
                assert!(skipped > 100, "{skipped} posts pruned for a page of {page}");
            }
        }
        Ok(())
    }
}
