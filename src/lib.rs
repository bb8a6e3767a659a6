//! newssearch: Chinese full-text search over folders of news posts.

pub mod analysis;
mod error;
mod index;
pub mod output;
mod post;
mod search;

pub use error::{Error, Result};
pub use index::{Fields, IndexMeta, IndexOptions, IndexReport, NewsIndex, Progress, SkippedFile};
pub use post::{MAX_POST_BYTES, Post, PostError, china_standard_time, parse_post_date};
pub use search::{
    Clause, ClausePlan, FacetCount, Facets, Hit, LITERAL_BONUS, MAX_QUERY_CHARS, ParsedQuery,
    PeriodEnd, Plan, Scope, SearchRequest, SearchResults, Snippet, SnippetOptions, Sort,
    SyntaxError, TITLE_BOOST, find_matches, parse as parse_query, parse_period, snippets,
};
