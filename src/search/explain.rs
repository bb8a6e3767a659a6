//! `explain`: how a query was understood, and why a post matched (or did not) with what score.

use serde::Serialize;
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use super::focus::{Focus, TitleFocus, texts_holding};
use super::plan::{ClausePlan, Plan};
use super::prefix::Prefix;
use super::{SearchRequest, find_matches};
use crate::error::{Error, Result};
use crate::index::NewsIndex;

/// What `explain` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The query as typed.
    pub query: String,
    /// Each clause: normalisation, segmentation, what it requires and what it rewards.
    pub clauses: Vec<ClausePlan>,
    /// The clauses ending in `*` and the words each was searched as (one clause each, among
    /// `clauses`).
    pub prefixes: Vec<Prefix>,
    /// How many posts hold each string the clauses require, on its own (filters applied).
    pub holding: Vec<Holding>,
    /// The post asked about, if any.
    pub post: Option<PostExplanation>,
}

/// How one post fares against the query.
#[derive(Debug, Clone, Serialize)]
pub struct PostExplanation {
    /// The post's path.
    pub path: String,
    /// Its title.
    pub title: String,
    /// Whether the post matches the whole query (filters included).
    pub matched: bool,
    /// Where each clause's required strings and literal occur in the post.
    pub clauses: Vec<ClauseMatch>,
    /// The score, when it matches.
    pub score: Option<f32>,
    /// tantivy's score breakdown: `{value, description, details: [...]}`.
    pub breakdown: Option<serde_json::Value>,
    /// The title focus, when it matches: added to `score` when the post is among the first
    /// [`FOCUS_WINDOW`](super::FOCUS_WINDOW) candidates of a search by relevance.
    pub focus: Option<TitleFocus>,
}

/// Where one clause's strings occur in a post.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseMatch {
    /// The clause as typed.
    pub clause: String,
    /// One entry per required string (and the literal, last, if the clause has one).
    pub strings: Vec<StringMatch>,
}

/// Occurrences of one normalised string in a post.
#[derive(Debug, Clone, Serialize)]
pub struct StringMatch {
    /// The normalised string.
    pub text: String,
    /// Whether it is the clause's literal (rewarded, not required).
    pub literal: bool,
    /// Occurrences in the title.
    pub in_title: usize,
    /// Occurrences in the body.
    pub in_body: usize,
}

/// How many posts hold one string a query requires, on its own.
#[derive(Debug, Clone, Serialize)]
pub struct Holding {
    /// The clause's place in the query's clauses (as [`Explanation::clauses`] lists them).
    pub clause: usize,
    /// The normalised string.
    pub text: String,
    /// Where it was looked for.
    pub scope: super::Scope,
    /// The posts that hold it (the request's filters applied).
    pub posts: usize,
}

impl NewsIndex {
    /// Explains `request`'s query, and, with `path`, how that post matches it.
    ///
    /// `path` is a file as given to `index` (any spelling that resolves to it) or the path a
    /// post was added under with [`NewsIndex::add_posts`].
    pub fn explain(&self, request: &SearchRequest, path: Option<&str>) -> Result<Explanation> {
        let searcher = self.reader.searcher();
        let plan = self.plan_query(request)?;
        let post = match path {
            None => None,
            Some(path) => {
                let address = self.find_post(&searcher, path)?;
                Some(self.explain_post(&searcher, &plan, address)?)
            }
        };
        Ok(Explanation {
            query: request.query.clone(),
            clauses: plan.clauses,
            prefixes: plan.prefixes,
            holding: self.holding_each(request)?,
            post,
        })
    }

    fn find_post(&self, searcher: &Searcher, path: &str) -> Result<DocAddress> {
        let mut keys = vec![path.to_owned()];
        if let Ok(absolute) = std::path::Path::new(path).canonicalize() {
            keys.insert(0, absolute.to_string_lossy().into_owned());
        }
        for key in keys {
            let term = Term::from_field_text(self.fields.key, &key);
            let query =
                tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
            let top = searcher.search(
                &query,
                &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
            )?;
            if let Some((_, address)) = top.first() {
                return Ok(*address);
            }
        }
        Err(Error::Option {
            option: "PATH".into(),
            value: path.into(),
            reason: "is not in the index (index its folder first)".into(),
        })
    }

    fn explain_post(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        address: DocAddress,
    ) -> Result<PostExplanation> {
        let clauses = &plan.clauses;
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let title = text(self.fields.title_text);
        let body = text(self.fields.body_text);
        let count =
            |haystack: &str, needle: &str| find_matches(haystack, &[needle.to_owned()]).len();
        let matches = clauses
            .iter()
            .map(|clause| ClauseMatch {
                clause: clause.text.clone(),
                strings: clause
                    .required
                    .iter()
                    .map(|s| (s, false))
                    .chain(clause.literal.iter().map(|s| (s, true)))
                    .map(|(s, literal)| StringMatch {
                        text: s.clone(),
                        literal,
                        in_title: count(&title, s),
                        in_body: count(&body, s),
                    })
                    .collect(),
            })
            .collect();
        let explained = plan.query.explain(searcher, address).ok();
        let held = |word: &str| texts_holding(searcher, &self.fields, word);
        let focus = explained.is_some().then(|| {
            Focus::new(plan, &held, searcher.num_docs())
                .explain(&text(self.fields.title_words), &title)
        });
        Ok(PostExplanation {
            path: text(self.fields.path),
            title,
            matched: explained.is_some(),
            clauses: matches,
            score: explained.as_ref().map(|e| e.value()),
            breakdown: explained.and_then(|e| serde_json::to_value(&e).ok()),
            focus,
        })
    }
}
