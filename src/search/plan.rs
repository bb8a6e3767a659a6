//! From a parsed query to a tantivy query: matching on units, scoring on words.

use std::ops::Bound;
use std::sync::Arc;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery as SloppyPhrase, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};

use tantivy::{DateTime, Score, Searcher, Term};

use super::SearchRequest;
use super::any::AnyQuery;
use super::clause::{Adds, ClauseQuery, Extra};
use super::columns::Columns;
use super::cover::CoverQuery;
use super::phrase::PhraseQuery;
use super::prefix::{self, Prefix};
use super::prune::Bars;
use super::segment::segment_run;
use super::syntax::{Clause, ParsedQuery, Scope};
use crate::analysis::{
    Run, Unit, UnitKind, Vocabulary, bigram, is_edge_punctuation, normalize, runs, units,
};
use crate::error::{Error, Result};
use crate::index::Fields;

/// Title matches weigh this much more than body matches.
pub const TITLE_BOOST: f32 = 2.5;
/// Added to a post that contains a bare clause literally, so that such posts rank first.
pub const LITERAL_BONUS: f32 = 1000.0;
/// Added on top when the literal is in the title.
pub const TITLE_LITERAL_BONUS: f32 = 500.0;
/// Added when a clause's words occur in order close together (within `PROXIMITY_SLOP` units)
/// without being literally adjacent everywhere.
pub const PROXIMITY_BONUS: f32 = 10.0;
/// How far apart (in units) words may be for `PROXIMITY_BONUS`.
pub const PROXIMITY_SLOP: u32 = 12;
/// Added to a post whose title alone satisfies the whole query: for news, the story that is
/// *about* the query. Up to twice as much when the query is the whole title (see
/// [`CoverQuery`]).
pub const TITLE_COVER_BONUS: f32 = 25.0;

/// How one clause of the query is searched for.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClausePlan {
    /// The clause as typed.
    pub text: String,
    /// After normalisation.
    pub normalized: String,
    /// Quoted: the literal string only.
    pub exact: bool,
    /// Title, body or both.
    pub scope: Scope,
    /// Excluded (`-`).
    pub excluded: bool,
    /// Strings that must all occur (substring match on units): the words of a bare clause, or
    /// the whole phrase of a quoted one.
    pub required: Vec<String>,
    /// The whole clause, rewarded when it occurs literally (bare clauses of several words, or
    /// of one word with brackets or sentence marks around it).
    pub literal: Option<String>,
    /// The words scored with BM25.
    pub words: Vec<String>,
}

/// A query ready to run, and what to highlight.
pub struct Plan {
    /// The tantivy query.
    pub query: Box<dyn Query>,
    /// Every clause, in order, for `explain`.
    pub clauses: Vec<ClausePlan>,
    /// The clauses ending in `*`, and the words each was searched as (they are among
    /// `clauses`).
    pub prefixes: Vec<Prefix>,
    /// The bars the query's clause is pruned by, when it has one clause (see
    /// [`super::prune`]).
    pub(crate) bars: Option<Bars>,
    /// The whole query as typed, normalised, when it is bare clauses and nothing else, two or more
    /// or one of several words: the title focus rewards a title that holds it so, spaces where the
    /// query has them (`会议 传达学习`, pasted from a headline that parts its phrases with a space)
    /// and none where it has none (`凝心聚力奋进` is in `凝心聚力奋进新征程` as typed, in
    /// `凝心聚力 奋进新征程` only across a space).
    pub(crate) typed: Option<String>,
}

impl Plan {
    /// The strings to highlight in results: what the positive clauses require or reward.
    pub fn needles(&self) -> Vec<String> {
        let mut needles: Vec<String> = self
            .clauses
            .iter()
            .filter(|c| !c.excluded)
            .flat_map(|c| c.required.iter().chain(c.literal.iter()).cloned())
            .collect();
        needles.sort();
        needles.dedup();
        needles
    }
}

/// Builds queries against one searcher (for word statistics).
pub struct Planner<'a> {
    pub(crate) fields: &'a Fields,
    pub(crate) searcher: &'a Searcher,
    pub(crate) columns: &'a Arc<Columns>,
    pub(crate) vocabulary: &'a Vocabulary,
}

impl Planner<'_> {
    /// Plans `parsed` with the filters of `request`.
    pub fn plan(&self, parsed: &ParsedQuery, request: &SearchRequest) -> Result<Plan> {
        let mut prefixes = Vec::new();
        let groups = parsed
            .groups
            .iter()
            .map(|group| self.expand(group, &mut prefixes))
            .collect::<Result<Vec<_>>>()?;
        let excluded = self.expand(&parsed.excluded, &mut prefixes)?;
        let mut clauses = Vec::new();
        let mut top: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let single_clause = matches!(groups.as_slice(), [group] if group.len() == 1);
        let mut bars = None;
        let mut covered = false;
        for group in &groups {
            let mut alternatives = Vec::new();
            for clause in group {
                let plan = self.clause_plan(clause, false, &request.query)?;
                // A single clause requiring one string has its title cover checked where its
                // title is searched for the string (see `contains`).
                let cover =
                    (single_clause && plan.required.len() == 1 && plan.scope != Scope::Body)
                        .then(|| units(&plan.required[0]).len() as u32);
                covered |= cover.is_some();
                // The query's only scored part but for the title-cover bonus: its body checks
                // can be skipped for posts that cannot reach the page.
                let outside = single_clause.then_some(2.0 * TITLE_COVER_BONUS);
                let (query, pruned) = self.clause_query(&plan, cover, outside);
                bars = bars.or(pruned);
                alternatives.push((Occur::Should, query));
                clauses.push(plan);
            }
            top.push((Occur::Must, one_or_boolean(alternatives)));
        }
        let has_or = groups.iter().any(|group| group.len() > 1);
        let plain = |c: &ClausePlan| !c.exact && c.scope == Scope::All;
        // One clause counts when the literal bonus finds it across a space too; one word cannot
        // be held across a space.
        let several = clauses.len() >= 2 || clauses.iter().any(|c| c.literal.is_some());
        let typed =
            (several && !has_or && excluded.is_empty() && clauses.iter().all(plain)).then(|| {
                let texts: Vec<&str> = clauses.iter().map(|c| c.normalized.as_str()).collect();
                texts.join(" ")
            });
        if let Some(cover) = self.title_cover(&clauses).filter(|_| !has_or && !covered) {
            top.push((Occur::Should, cover));
        }
        for clause in &excluded {
            let plan = self.clause_plan(clause, true, &request.query)?;
            top.push((Occur::MustNot, self.match_query(&plan)));
            clauses.push(plan);
        }
        let filters = self.filters(request);
        if groups.is_empty() {
            if filters.is_empty() && excluded.is_empty() {
                return Err(Error::query(
                    &request.query,
                    "empty query: give words to search for, or a filter such as --category",
                ));
            }
            top.push((Occur::Must, Box::new(AllQuery)));
        }
        for filter in filters {
            top.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
        }
        Ok(Plan {
            query: Box::new(BooleanQuery::new(top)),
            clauses,
            prefixes,
            bars,
            typed,
        })
    }

    /// `clauses` with each clause ending in `*` replaced by the words it stands for (see
    /// [`super::prefix`]), which are added to `prefixes`.
    fn expand(&self, clauses: &[Clause], prefixes: &mut Vec<Prefix>) -> Result<Vec<Clause>> {
        let mut expanded = Vec::with_capacity(clauses.len());
        for clause in clauses {
            let fields = self
                .scoped(clause.scope)
                .into_iter()
                .map(|(_, uni, _, _)| uni);
            let (each, prefix) =
                prefix::expand(clause, self.searcher, &fields.collect::<Vec<_>>())?;
            expanded.extend(each);
            prefixes.extend(prefix);
        }
        Ok(expanded)
    }

    /// The posts whose `scope` holds `text`, the filters of `request` applied: one required
    /// string on its own.
    pub fn holding(&self, text: &str, scope: Scope, request: &SearchRequest) -> Box<dyn Query> {
        let mut parts = vec![(Occur::Must, self.contains(text, scope))];
        parts.extend(self.filters(request).into_iter().map(|f| (Occur::Must, f)));
        one_or_boolean(parts)
    }

    /// Rewards posts whose title contains what every clause requires (queries without OR).
    fn title_cover(&self, clauses: &[ClausePlan]) -> Option<Box<dyn Query>> {
        if clauses.is_empty() || clauses.iter().any(|c| c.scope == Scope::Body) {
            return None;
        }
        let each = clauses
            .iter()
            .map(|c| {
                let pieces = c
                    .required
                    .iter()
                    .map(|p| (Occur::Must, self.contains(p, Scope::Title)))
                    .collect();
                (Occur::Must, one_or_boolean(pieces))
            })
            .collect();
        let units = clauses
            .iter()
            .flat_map(|c| &c.required)
            .map(|piece| units(piece).len() as u32)
            .sum();
        Some(Box::new(CoverQuery::new(
            one_or_boolean(each),
            self.fields.title_bi,
            units,
            TITLE_COVER_BONUS,
        )))
    }

    fn clause_plan(&self, clause: &Clause, excluded: bool, query: &str) -> Result<ClausePlan> {
        let normalized = normalize(&clause.text);
        let us = units(&normalized);
        // Punctuation alone (`——`, `……`) is searched for like anything else: symbols are units
        // of the index. Only what normalises to nothing (a soft hyphen) has nothing to find.
        if us.is_empty() {
            return Err(Error::query(
                query,
                format!("{:?} has nothing to search for", clause.text),
            ));
        }
        let whole = normalized[us[0].bytes.start..us[us.len() - 1].bytes.end].to_owned();
        let mut words = Vec::new();
        let mut pieces = Vec::new();
        for run in runs(&us) {
            match run {
                Run::Word(unit) => {
                    words.push(unit.text.to_owned());
                    pieces.push(unit.text.to_owned());
                }
                Run::Han { bytes, .. } => {
                    let text = &normalized[bytes];
                    let cut = self.segment(text);
                    pieces.extend(attach_single_characters(&cut));
                    words.extend(cut);
                }
            }
        }
        // An exclusion removes posts that contain it literally: `-数字经济` should not also remove
        // every post that mentions 数字 and 经济 apart.
        let (required, literal) = if clause.exact || excluded || pieces.is_empty() {
            (vec![whole], None)
        } else if pieces.len() == 1 {
            // One word, perhaps with symbols (`c++`, `5%`): required as written, less the
            // brackets, quotes and sentence marks a pasted `(数字化)` or `数字化。` brings along.
            let edge =
                |u: &&Unit| u.kind == UnitKind::Symbol && u.text.chars().all(is_edge_punctuation);
            let first = us.iter().find(|u| !edge(u)).expect("a word");
            let last = us.iter().rfind(|u| !edge(u)).expect("a word");
            let inner = normalized[first.bytes.start..last.bytes.end].to_owned();
            let literal = (inner != whole).then_some(whole);
            (vec![inner], literal)
        } else {
            (pieces, Some(whole))
        };
        Ok(ClausePlan {
            text: clause.text.clone(),
            normalized,
            exact: clause.exact,
            scope: clause.scope,
            excluded,
            required,
            literal,
            words,
        })
    }

    /// Cuts a Han run into the words the index's vocabulary knows.
    fn segment(&self, run: &str) -> Vec<String> {
        let total = self.searcher.num_docs();
        let chars: Vec<char> = run.chars().collect();
        segment_run(run, total, |word| self.vocabulary.doc_freq(word))
            .into_iter()
            .map(|r| chars[r].iter().collect())
            .collect()
    }

    /// Title and body fields in scope (words, Latin/digit words, bigrams), with their weights.
    /// Bodies have no word field: their bigram phrases are scored instead.
    fn scoped(&self, scope: Scope) -> Vec<(Option<Field>, Field, Field, f32)> {
        let f = self.fields;
        let title = (Some(f.title), f.title_uni, f.title_bi, TITLE_BOOST);
        let body = (None, f.body_uni, f.body_bi, 1.0);
        match scope {
            Scope::All => vec![title, body],
            Scope::Title => vec![title],
            Scope::Body => vec![body],
        }
    }

    /// Posts whose scope contains `text` (normalised), whatever jieba made of it.
    pub(crate) fn contains(&self, text: &str, scope: Scope) -> Box<dyn Query> {
        self.contains_covering(text, scope, None)
    }

    /// [`Planner::contains`]; with `cover` (the units of `text`), a title that contains `text`
    /// also earns the title-cover bonus, for a query that requires nothing else.
    fn contains_covering(&self, text: &str, scope: Scope, cover: Option<u32>) -> Box<dyn Query> {
        let title_bi = self.fields.title_bi;
        let mut alternatives: Vec<Box<dyn Query>> = self
            .scoped(scope)
            .into_iter()
            .filter_map(|(_, uni, bi, boost)| {
                let query: Box<dyn Query> =
                    Box::new(BoostQuery::new(self.unit_query(uni, bi, text)?, boost));
                Some(match cover {
                    Some(units) if bi == title_bi => Box::new(CoverQuery::adding_to(
                        query,
                        title_bi,
                        units,
                        TITLE_COVER_BONUS,
                    )),
                    _ => query,
                })
            })
            .collect();
        match alternatives.len() {
            0 => Box::new(BooleanQuery::new(Vec::new())),
            1 => alternatives.pop().expect("one"),
            _ => Box::new(AnyQuery::new("in the title or the body", alternatives)),
        }
    }

    /// What a post must satisfy for the clause to match (no scoring extras).
    fn match_query(&self, plan: &ClausePlan) -> Box<dyn Query> {
        let required = plan
            .required
            .iter()
            .map(|piece| (Occur::Must, self.contains(piece, plan.scope)))
            .collect();
        one_or_boolean(required)
    }

    /// The clause: its required strings, the literal bonus and word scores.
    ///
    /// A post scores [`LITERAL_BONUS`] when the clause occurs literally in its title or body,
    /// [`TITLE_LITERAL_BONUS`] more when in its title, and [`PROXIMITY_BONUS`] for each field
    /// where the words occur near each other (implied where the literal occurs).
    /// `cover`: the units of the clause's one required string, when the title-cover bonus is
    /// to be earned where the title is searched for it. `outside`: when the clause is to be
    /// pruned, the most the rest of the query adds; the bars it is pruned by are returned when it
    /// has parts to skip.
    fn clause_query(
        &self,
        plan: &ClausePlan,
        cover: Option<u32>,
        outside: Option<Score>,
    ) -> (Box<dyn Query>, Option<Bars>) {
        let required = plan
            .required
            .iter()
            .map(|piece| {
                (
                    Occur::Must,
                    self.contains_covering(piece, plan.scope, cover),
                )
            })
            .collect();
        let required = one_or_boolean(required);
        let f = self.fields;
        let mut extras: Vec<Extra> = Vec::new();
        let mut title_literal = None;
        let mut nearness = Vec::new();
        // Title first, proximity last: the title's parts are cheap, and a post left far below
        // the page by them skips the body's and the proximity's phrase checks
        // (`ClauseQuery::pruned_by`).
        for (words, uni, bi, boost) in self.scoped(plan.scope) {
            let in_title = bi == f.title_bi;
            if let Some(literal) = &plan.literal
                && let Some(query) = self.unit_query(uni, bi, literal)
            {
                let (label, adds) = if in_title {
                    let value = TITLE_LITERAL_BONUS + LITERAL_BONUS;
                    let adds = Adds::Bonus {
                        value,
                        unless: None,
                    };
                    ("the clause literally, in the title", adds)
                } else {
                    let adds = Adds::Bonus {
                        value: LITERAL_BONUS,
                        unless: title_literal,
                    };
                    ("the clause literally, in the body", adds)
                };
                let literal_at = extras.len();
                if in_title {
                    title_literal = Some(literal_at);
                }
                extras.push(Extra { label, query, adds });
                if plan.required.len() > 1
                    && let Some(query) = proximity(bi, &plan.required)
                {
                    nearness.push(Extra {
                        label: "the words near each other",
                        query,
                        adds: Adds::Implied {
                            value: PROXIMITY_BONUS,
                            implied_by: literal_at,
                        },
                    });
                }
            }
            let Some(words) = words else { continue };
            for word in &plan.words {
                let term = Term::from_field_text(words, word);
                let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                extras.push(Extra {
                    label: "a word of the clause in the title",
                    query: Box::new(BoostQuery::new(Box::new(query), boost)),
                    adds: Adds::Score,
                });
            }
        }
        extras.append(&mut nearness);
        if extras.is_empty() {
            return (required, None);
        }
        let clause = ClauseQuery::new(required, extras);
        match outside {
            Some(outside) if clause.can_prune() => {
                let bars = Bars::default();
                (
                    Box::new(clause.pruned_by(bars.clone(), outside)),
                    Some(bars),
                )
            }
            _ => (Box::new(clause), None),
        }
    }

    /// The query for "contains these units": one unigram, one bigram, or a phrase of bigrams that
    /// covers every unit (bigrams at offsets 0, 2, 4, … and the last one).
    fn unit_query(&self, uni: Field, bi: Field, text: &str) -> Option<Box<dyn Query>> {
        let us = units(text);
        match us.as_slice() {
            [] => None,
            [only] => match only.kind {
                UnitKind::Word => {
                    let term = Term::from_field_text(uni, only.text);
                    Some(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)))
                }
                // Every occurrence of a Han character (or of a symbol, one character too) starts a
                // bigram (the last unit pairs with END).
                UnitKind::Han | UnitKind::Symbol => {
                    let next = char::from_u32(only.text.chars().next()? as u32 + 1)?;
                    Some(Box::new(RangeQuery::new(
                        Bound::Included(Term::from_field_text(bi, only.text)),
                        Bound::Excluded(Term::from_field_text(bi, &next.to_string())),
                    )))
                }
            },
            [a, b] => {
                let term = Term::from_field_text(bi, &bigram(a, b));
                Some(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)))
            }
            _ => {
                let last = us.len() - 2;
                let terms = (0..=last)
                    .filter(|&i| i % 2 == 0 || i == last)
                    .map(|i| (i, Term::from_field_text(bi, &bigram(&us[i], &us[i + 1]))))
                    .collect();
                Some(Box::new(PhraseQuery::new(terms, self.columns.clone())))
            }
        }
    }

    fn filters(&self, request: &SearchRequest) -> Vec<Box<dyn Query>> {
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        for (field, values, tags) in [
            (self.fields.category, &request.categories, false),
            (self.fields.tag, &request.tags, true),
        ] {
            if values.is_empty() {
                continue;
            }
            let variants = self.columns.facet_variants();
            let any = values
                .iter()
                .flat_map(|v| variants.of(tags, v))
                .map(|v| {
                    let term = Term::from_facet(field, &Facet::from_path([v]));
                    let q: Box<dyn Query> =
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                    (Occur::Should, q)
                })
                .collect();
            filters.push(one_or_boolean(any));
        }
        if request.from.is_some() || request.to.is_some() {
            let bound = |d: Option<chrono::DateTime<chrono::FixedOffset>>, inclusive: bool| match d
            {
                None => Bound::Unbounded,
                Some(d) => {
                    let term = Term::from_field_date(
                        self.fields.date,
                        DateTime::from_timestamp_secs(d.timestamp()),
                    );
                    if inclusive {
                        Bound::Included(term)
                    } else {
                        Bound::Excluded(term)
                    }
                }
            };
            filters.push(Box::new(RangeQuery::new(
                bound(request.from, true),
                bound(request.to, false),
            )));
        }
        filters
    }
}

/// Single characters left alone by the segmenter are not words of their own (碳中/和, 泽/连斯基,
/// 在/上海): each joins the word before it (or after it, at the start), so `碳中和` requires
/// `碳中和`, not `碳中` plus a `和` anywhere in the post.
fn attach_single_characters(words: &[String]) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut pending = String::new();
    for word in words {
        if word.chars().count() == 1 {
            match pieces.last_mut() {
                Some(last) => last.push_str(word),
                None => pending.push_str(word),
            }
        } else {
            pieces.push(std::mem::take(&mut pending) + word);
        }
    }
    if !pending.is_empty() {
        pieces.push(pending);
    }
    pieces
}

/// The clause's words in order, each allowed to drift a few units from the next: a sloppy phrase
/// over the bigrams of every word (none when a word is a single unit).
fn proximity(bi: Field, pieces: &[String]) -> Option<Box<dyn Query>> {
    let mut terms = Vec::new();
    let mut offset = 0;
    for piece in pieces {
        let us = units(piece);
        if us.len() < 2 {
            return None;
        }
        for (i, pair) in us.windows(2).enumerate() {
            terms.push((
                offset + i,
                Term::from_field_text(bi, &bigram(&pair[0], &pair[1])),
            ));
        }
        offset += us.len();
    }
    (terms.len() >= 2).then(|| {
        Box::new(SloppyPhrase::new_with_offset_and_slop(
            terms,
            PROXIMITY_SLOP,
        )) as Box<dyn Query>
    })
}

fn one_or_boolean(mut parts: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    if parts.len() == 1 && parts[0].0 != Occur::MustNot {
        parts.pop().expect("one part").1
    } else {
        Box::new(BooleanQuery::new(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_characters_join_a_neighbour() {
        let table: &[(&[&str], &[&str])] = &[
            (&["巴", "以", "冲突"], &["巴以冲突"]),
            (&["碳中", "和"], &["碳中和"]),
            (&["在", "上海", "举行"], &["在上海", "举行"]),
            (&["新能源汽车", "出口"], &["新能源汽车", "出口"]),
            (&["党"], &["党"]),
        ];
        for (words, pieces) in table {
            let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            assert_eq!(attach_single_characters(&words), *pieces, "{words:?}");
        }
    }
}
