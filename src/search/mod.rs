//! Search: query parsing, planning, ranking, filters, facets, snippets.

mod any;
mod clause;
mod columns;
mod cover;
mod explain;
mod facets;
mod focus;
mod phrase;
mod plan;
mod prefix;
mod prune;
mod reprints;
mod request;
mod segment;
mod snippet;
mod syntax;

use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use tantivy::collector::sort_key::{NaturalComparator, SortBySimilarityScore};
use tantivy::collector::{Collector, SegmentSortKeyComputer, SortKeyComputer, TopDocs};
use tantivy::columnar::Column;
use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::{Field, OwnedValue};
use tantivy::{DocAddress, Score, Searcher};

pub use explain::{ClauseMatch, Explanation, Holding, PostExplanation, StringMatch};
pub use facets::{FacetCount, Facets, facet_key};
pub use focus::{FOCUS_BONUS, FOCUS_WINDOW, FocusWord, TYPED_BONUS, TitleFocus};
pub use plan::{
    ClausePlan, LITERAL_BONUS, PROXIMITY_BONUS, Plan, TITLE_BOOST, TITLE_LITERAL_BONUS,
};
pub use prefix::{MAX_PREFIX_WORDS, Prefix};
pub use request::{PeriodEnd, SearchRequest, Sort, parse_period};
pub use snippet::{
    Match, Snippet, SnippetOptions, find_matches, find_needles, find_needles_plain, highlight_html,
    snippets,
};
pub use syntax::{Clause, MAX_QUERY_CHARS, ParsedQuery, Scope, SyntaxError, parse};

use crate::analysis::Vocabulary;
use crate::error::{Error, Result};
use crate::index::NewsIndex;
pub(crate) use columns::ColumnCache;
use columns::Columns;
use focus::Focus;
use plan::Planner;
use prune::Pruned;

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The file, as found under the folder given to `index`.
    pub path: String,
    /// The title (original text).
    pub title: String,
    /// Byte ranges of `title` to highlight.
    pub title_highlights: Vec<Range<usize>>,
    /// Publication date with the post's own offset.
    pub date: Option<DateTime<FixedOffset>>,
    /// Categories.
    pub categories: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Source URL.
    pub url: Option<String>,
    /// Source named in the post.
    pub source: Option<String>,
    /// Relevance (with the freshness blend, if asked for).
    pub score: f32,
    /// Fragments of the body with highlighted matches.
    pub snippets: Vec<Snippet>,
    /// Paths of other matching posts that are reprints of this one (collapsed into this hit).
    pub reprints: Vec<String>,
}

impl Hit {
    /// The title as escaped HTML with the matches in `<mark>`.
    pub fn title_html(&self) -> String {
        highlight_html(&self.title, &self.title_highlights)
    }
}

/// What a search found.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    /// Number of matching posts (reprints included).
    pub total: usize,
    /// Time spent searching, index already open.
    pub took: Duration,
    /// The page of hits asked for, best first.
    pub hits: Vec<Hit>,
    /// Facet counts over every match.
    pub facets: Facets,
    /// The clauses ending in `*` and the words each was searched as.
    pub prefixes: Vec<Prefix>,
}

impl NewsIndex {
    /// Every category of the indexed posts, sorted. (A removed post's category may be listed
    /// until its segment is merged.)
    pub fn categories(&self) -> Result<Vec<String>> {
        let columns = self.columns.get(&self.reader.searcher())?;
        Ok(facets::all_values(&columns, |c| &c.category)?)
    }

    /// Every tag of the indexed posts, sorted (as for [`NewsIndex::categories`]).
    pub fn tags(&self) -> Result<Vec<String>> {
        let columns = self.columns.get(&self.reader.searcher())?;
        Ok(facets::all_values(&columns, |c| &c.tag)?)
    }

    /// Which of `values` no indexed category (`tags`: tag) matches, compared as a filter
    /// compares them ([`facet_key`]): the filter values that can only empty a result.
    pub fn unknown_facet_values(&self, tags: bool, values: &[String]) -> Result<Vec<String>> {
        let columns = self.columns.get(&self.reader.searcher())?;
        let variants = columns.facet_variants();
        Ok(values
            .iter()
            .filter(|v| !variants.knows(tags, v))
            .cloned()
            .collect())
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let started = Instant::now();
        request.validate()?;
        let searcher = self.reader.searcher();
        let columns = self.columns.get(&searcher)?;
        let plan = self.plan(&searcher, &columns, request)?;
        let num_docs = searcher.num_docs() as usize;
        let wanted = request.offset.min(num_docs) + request.limit.min(num_docs);
        let focused = request.sort == Sort::Relevance && request.limit > 0;
        let mut candidates = first_candidates(request, wanted, focused);
        let held = |word: &str| {
            columns.texts_holding(word, || focus::texts_holding(&searcher, &self.fields, word))
        };
        let focus = Focus::new(&plan, &held, num_docs as u64);
        let mut posts = ReadPosts::new(&searcher);
        let warm = columns.warm();
        loop {
            let collectors = counting(&columns, warm, request);
            let (mut ranked, ((total, (categories, tags), months), matches)) =
                self.ranked(&searcher, &columns, &plan, request, candidates, collectors)?;
            if focused {
                self.refocus(&focus, &mut ranked, &mut posts, &columns, request)?;
            }
            let mut groups = if request.show_reprints {
                ranked.iter().map(|(s, d)| (*s, *d, Vec::new())).collect()
            } else {
                reprints::collapse(&columns, &ranked)
            };
            if groups.len() < wanted && ranked.len() == candidates {
                // A page left short by collapsed reprints: search again with more.
                candidates *= 4;
                continue;
            }
            if !request.show_reprints {
                let page = groups.len().min(wanted);
                reprints::gather(&columns, &mut groups[..page], &ranked, &matches);
            }
            let hits = self.hits(groups, &mut posts, &columns, &plan, request)?;
            let (year, month) = facets::histograms(&months);
            return Ok(SearchResults {
                total,
                took: started.elapsed(),
                hits,
                facets: Facets {
                    category: facets::by_count(columns.facet_variants().merged(categories)),
                    tags: facets::by_count(columns.facet_variants().merged(tags)),
                    year,
                    month,
                },
                prefixes: plan.prefixes.clone(),
            });
        }
    }

    /// The hits of the page `request` asks for, out of the stories in `groups`.
    fn hits(
        &self,
        groups: Vec<reprints::Group>,
        posts: &mut ReadPosts,
        columns: &Columns,
        plan: &Plan,
        request: &SearchRequest,
    ) -> Result<Vec<Hit>> {
        let needles = plan.needles();
        groups
            .into_iter()
            .skip(request.offset)
            .take(request.limit)
            .map(|group| {
                let doc = posts.take(group.1)?;
                self.hit(doc, columns, group, &needles, request)
            })
            .collect()
    }

    /// Adds the title focus to the first candidates of `ranked` and orders them again.
    fn refocus(
        &self,
        focus: &Focus,
        ranked: &mut [(Score, DocAddress)],
        posts: &mut ReadPosts,
        columns: &Columns,
        request: &SearchRequest,
    ) -> Result<()> {
        let freshness = Freshness::new(columns, request.half_life_days);
        focus.rerank(
            ranked,
            |address| {
                let doc = posts.get(address)?;
                let text = |field| doc.text(field).unwrap_or_default().to_owned();
                Ok((text(self.fields.title_words), text(self.fields.title_text)))
            },
            |address| {
                let dates = &columns.segment(address.segment_ord).date;
                freshness.decay(dates, address.doc_id)
            },
        )?;
        Ok(())
    }

    /// Parses and plans a query (what `explain` shows).
    pub fn plan_query(&self, request: &SearchRequest) -> Result<Plan> {
        let searcher = self.reader.searcher();
        let columns = self.columns.get(&searcher)?;
        self.plan(&searcher, &columns, request)
    }

    /// How many posts hold each string the query's clauses require (exclusions aside), each on
    /// its own and with the request's filters: which of them keeps a query from matching.
    pub fn holding_each(&self, request: &SearchRequest) -> Result<Vec<Holding>> {
        let searcher = self.reader.searcher();
        let columns = self.columns.get(&searcher)?;
        let plan = self.plan(&searcher, &columns, request)?;
        let vocabulary = self.vocabulary();
        let planner = self.planner(&searcher, &columns, &vocabulary);
        let mut holding = Vec::new();
        for (i, clause) in plan.clauses.iter().enumerate().filter(|(_, c)| !c.excluded) {
            for text in &clause.required {
                let query = planner.holding(text, clause.scope, request);
                holding.push(Holding {
                    clause: i,
                    text: text.clone(),
                    scope: clause.scope,
                    posts: searcher.search(query.as_ref(), &tantivy::collector::Count)?,
                });
            }
        }
        Ok(holding)
    }

    /// How many texts (titles and bodies, each counted apart) hold each of `words`, exactly.
    pub(crate) fn texts_containing(&self, words: &[String]) -> Result<Vec<u64>> {
        let searcher = self.reader.searcher();
        let columns = self.columns.get(&searcher)?;
        let vocabulary = self.vocabulary();
        let planner = self.planner(&searcher, &columns, &vocabulary);
        let count = |word: &str, scope| {
            searcher.search(
                planner.contains(word, scope).as_ref(),
                &tantivy::collector::Count,
            )
        };
        words
            .iter()
            .map(|word| Ok((count(word, Scope::Title)? + count(word, Scope::Body)?) as u64))
            .collect()
    }

    fn plan(
        &self,
        searcher: &Searcher,
        columns: &Arc<Columns>,
        request: &SearchRequest,
    ) -> Result<Plan> {
        let parsed = syntax::parse(&crate::analysis::without_invisible(&request.query))
            .map_err(|e| Error::query(&request.query, e.0))?;
        self.planner(searcher, columns, &self.vocabulary())
            .plan(&parsed, request)
    }

    fn planner<'a>(
        &'a self,
        searcher: &'a Searcher,
        columns: &'a Arc<Columns>,
        vocabulary: &'a Vocabulary,
    ) -> Planner<'a> {
        Planner {
            fields: &self.fields,
            searcher,
            columns,
            vocabulary,
        }
    }

    #[allow(clippy::type_complexity)]
    fn ranked<C: tantivy::collector::Collector>(
        &self,
        searcher: &Searcher,
        columns: &Arc<Columns>,
        plan: &Plan,
        request: &SearchRequest,
        limit: usize,
        facets: C,
    ) -> Result<(Vec<(Score, DocAddress)>, C::Fruit)> {
        let top = TopDocs::with_limit(limit);
        let query = plan.query.as_ref();
        let result = match (request.sort, request.half_life_days) {
            (Sort::Date, _) => {
                let collector = top.order_by((Published(columns.clone()), SortBySimilarityScore));
                let (top, rest) = searcher.search(query, &(collector, facets))?;
                (top.into_iter().map(|((_, s), d)| (s, d)).collect(), rest)
            }
            (Sort::Relevance, Some(half_life)) => {
                let freshness = Freshness::new(columns, Some(half_life));
                let columns = columns.clone();
                let collector = top.tweak_score(move |segment: &tantivy::SegmentReader| {
                    let dates = columns.find(segment.segment_id()).map(|c| c.date.clone());
                    move |doc, score: Score| {
                        // In log space, so that old posts do not all underflow to zero.
                        (score.max(1e-9) as f64).ln() + freshness.log_decay(dates.as_ref(), doc)
                    }
                });
                let (top, rest) = searcher.search(query, &(collector, facets))?;
                (
                    top.into_iter()
                        .map(|(k, d)| (k.exp() as Score, d))
                        .collect(),
                    rest,
                )
            }
            (Sort::Relevance, None) => {
                let (top, rest) = match &plan.bars {
                    Some(bars) => {
                        let pruned = Pruned {
                            inner: (newest_first_on_ties(top, columns), facets),
                            bars: bars.clone(),
                            page: limit,
                        };
                        searcher.search(query, &pruned)?
                    }
                    None => {
                        searcher.search(query, &(newest_first_on_ties(top, columns), facets))?
                    }
                };
                (top.into_iter().map(|((s, _), d)| (s, d)).collect(), rest)
            }
        };
        Ok(result)
    }

    /// The hit for `group`, whose best post's stored values are `doc`.
    fn hit(
        &self,
        mut doc: StoredValues,
        columns: &Columns,
        (score, _, reprints): reprints::Group,
        needles: &[String],
        request: &SearchRequest,
    ) -> Result<Hit> {
        let f = &self.fields;
        let title = doc.take_text(f.title_text).unwrap_or_default();
        let body = doc.take_text(f.body_text).unwrap_or_default();
        let reprints = reprints
            .into_iter()
            .map(|d| fast_path(columns, d))
            .collect::<Result<Vec<_>>>()?;
        Ok(Hit {
            path: doc.take_text(f.path).unwrap_or_default(),
            title_highlights: find_matches(&title, needles),
            snippets: if request.snippets.max_fragments == 0 {
                Vec::new()
            } else {
                let plain = doc.flag(f.body_plain);
                snippets(
                    &body,
                    &find_needles_plain(&body, needles, plain),
                    request.snippets,
                )
            },
            title,
            date: doc
                .take_text(f.date_text)
                .and_then(|d| DateTime::parse_from_rfc3339(&d).ok()),
            categories: doc.facet_names(f.category),
            tags: doc.facet_names(f.tag),
            url: doc.take_text(f.url),
            source: doc.take_text(f.source),
            score,
            reprints,
        })
    }
}

/// Relevance first; among posts of equal score, the newest first (undated ones last). Without
/// it, equal scores came in the order the indexing threads happened to add the posts, which
/// changed from one `index --rebuild` to the next. The date is read only for posts that reach
/// the page's scores.
fn newest_first_on_ties(
    top: TopDocs,
    columns: &Arc<Columns>,
) -> impl Collector<Fruit = Vec<((Score, i64), DocAddress)>> + use<> {
    top.order_by((SortBySimilarityScore, Published(columns.clone())))
}

/// Sorts by publication date (seconds; undated posts as the oldest), from the cached columns:
/// what `--sort date` orders by first, and relevance by last.
struct Published(Arc<Columns>);

/// [`Published`] in one segment.
struct SegmentPublished(Option<Column<tantivy::DateTime>>);

impl SortKeyComputer for Published {
    type SortKey = i64;
    type Child = SegmentPublished;
    type Comparator = NaturalComparator;

    fn segment_sort_key_computer(
        &self,
        segment: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentPublished> {
        Ok(SegmentPublished(
            self.0.find(segment.segment_id()).map(|c| c.date.clone()),
        ))
    }
}

impl SegmentSortKeyComputer for SegmentPublished {
    type SortKey = i64;
    type SegmentSortKey = i64;
    type SegmentComparator = NaturalComparator;

    fn segment_sort_key(&mut self, doc: tantivy::DocId, _score: Score) -> i64 {
        self.0
            .as_ref()
            .and_then(|dates| dates.first(doc))
            .map_or(i64::MIN, |d| d.into_timestamp_secs())
    }

    fn convert_segment_sort_key(&self, key: i64) -> i64 {
        key
    }
}

/// The freshness blend: relevance × 2^(−age / half-life), age counted from the newest post.
#[derive(Debug, Clone, Copy)]
struct Freshness {
    newest: i64,
    /// ln 2 / half-life in seconds; 0 without a half-life.
    per_second: f64,
}

impl Freshness {
    fn new(columns: &Columns, half_life_days: Option<f64>) -> Freshness {
        Freshness {
            newest: columns.newest_post(),
            per_second: half_life_days.map_or(0.0, |h| std::f64::consts::LN_2 / (h * 86_400.0)),
        }
    }

    /// ln of the factor relevance is multiplied by (−∞ for an undated post).
    fn log_decay(&self, dates: Option<&Column<tantivy::DateTime>>, doc: tantivy::DocId) -> f64 {
        if self.per_second == 0.0 {
            return 0.0;
        }
        let age = dates.and_then(|d| d.first(doc)).map_or(f64::INFINITY, |d| {
            (self.newest - d.into_timestamp_secs()) as f64
        });
        -age * self.per_second
    }

    /// The factor relevance is multiplied by.
    fn decay(&self, dates: &Column<tantivy::DateTime>, doc: tantivy::DocId) -> Score {
        self.log_decay(Some(dates), doc).exp() as Score
    }
}

/// How many candidates the first search asks for: more than the page, since reprints collapse
/// into the hit above them (a page left short searches again with more). Half a page more was
/// enough for all the queries measured (193 comparison and 25 latency queries, on the shared
/// and the 10× corpus); a smaller page also raises the bar that prunes score-only checks
/// (`一带一路`: 12 % fewer instructions than with twice the page plus ten). At least the title
/// focus's window, so that every page is cut from the same order.
fn first_candidates(request: &SearchRequest, wanted: usize, focused: bool) -> usize {
    let candidates = if request.show_reprints {
        wanted
    } else {
        wanted + wanted.div_ceil(2)
    };
    candidates.max(if focused { FOCUS_WINDOW } else { 1 })
}

/// What a search counts over every match besides ranking: the facets, and the reprint
/// fingerprints of the matches (for the page's stories' reprints).
/// `warm`: whether the index's generation has answered a query before ([`Columns::warm`]).
fn counting(
    columns: &Arc<Columns>,
    warm: bool,
    request: &SearchRequest,
) -> (facets::MatchCounts, reprints::MatchPrints) {
    let facets = facets::MatchCounts {
        categories: facets::ValueCounts::category(columns, warm),
        tags: facets::ValueCounts::tag(columns, warm),
        months: facets::MonthCounts {
            columns: columns.clone(),
            warm,
        },
    };
    let prints = reprints::MatchPrints {
        columns: columns.clone(),
        enabled: !request.show_reprints,
        twins: warm,
    };
    (facets, prints)
}

/// The stored posts a search reads, each once: the title focus reads its window's, and most of
/// them are the page's hits.
struct ReadPosts<'a> {
    searcher: &'a Searcher,
    read: Vec<(DocAddress, StoredValues)>,
}

impl<'a> ReadPosts<'a> {
    fn new(searcher: &'a Searcher) -> ReadPosts<'a> {
        ReadPosts {
            searcher,
            read: Vec::new(),
        }
    }

    /// The post at `address`, read now or kept from before.
    fn get(&mut self, address: DocAddress) -> tantivy::Result<&StoredValues> {
        let i = match self.read.iter().position(|(a, _)| *a == address) {
            Some(i) => i,
            None => {
                self.read.push((address, self.searcher.doc(address)?));
                self.read.len() - 1
            }
        };
        Ok(&self.read[i].1)
    }

    /// The post at `address`, handed over.
    fn take(&mut self, address: DocAddress) -> tantivy::Result<StoredValues> {
        match self.read.iter().position(|(a, _)| *a == address) {
            Some(i) => Ok(self.read.swap_remove(i).1),
            None => self.searcher.doc(address),
        }
    }
}

/// A stored document as read from the store: its values in order, each taken out once, without
/// copying them into a [`tantivy::TantivyDocument`] first.
struct StoredValues(Vec<(Field, OwnedValue)>);

impl DocumentDeserialize for StoredValues {
    fn deserialize<'de, D: DocumentDeserializer<'de>>(
        mut deserializer: D,
    ) -> std::result::Result<Self, DeserializeError> {
        let mut values = Vec::with_capacity(deserializer.size_hint());
        while let Some(value) = deserializer.next_field()? {
            values.push(value);
        }
        Ok(StoredValues(values))
    }
}

impl StoredValues {
    /// The first text of `field`, moved out.
    fn take_text(&mut self, field: Field) -> Option<String> {
        self.0.iter_mut().find_map(|(f, value)| match value {
            OwnedValue::Str(text) if *f == field => Some(std::mem::take(text)),
            _ => None,
        })
    }

    /// The first text of `field`.
    fn text(&self, field: Field) -> Option<&str> {
        self.0.iter().find_map(|(f, value)| match value {
            OwnedValue::Str(text) if *f == field => Some(text.as_str()),
            _ => None,
        })
    }

    /// The first boolean of `field` (false when there is none).
    fn flag(&self, field: Field) -> bool {
        self.0
            .iter()
            .any(|(f, value)| *f == field && matches!(value, OwnedValue::Bool(true)))
    }

    /// The last path component of every facet of `field`.
    fn facet_names(&self, field: Field) -> Vec<String> {
        self.0
            .iter()
            .filter_map(|(f, value)| match value {
                OwnedValue::Facet(facet) if *f == field => {
                    facet.to_path().last().map(|s| (*s).to_owned())
                }
                _ => None,
            })
            .collect()
    }
}

/// A post's path from the fast field, without reading the stored document.
fn fast_path(columns: &Columns, address: DocAddress) -> Result<String> {
    let mut path = String::new();
    if let Some(column) = &columns.segment(address.segment_ord).path
        && let Some(ord) = column.term_ords(address.doc_id).next()
    {
        column
            .ord_to_str(ord, &mut path)
            .map_err(tantivy::TantivyError::from)?;
    }
    Ok(path)
}
