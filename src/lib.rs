//! newssearch: Chinese full-text search over folders of news posts.
//!
//! Posts are files with YAML front matter (`title`, `date`, `categories`, `tags`) and an HTML or
//! Markdown body. A search finds **every** post whose title or text contains the query after
//! normalisation (full/half width, letter case, traditional/simplified), whatever the word
//! segmenter made of it: matching runs on characters; jieba words only rank posts and cut queries.
//!
//! ```
//! use newssearch::{NewsIndex, Post, SearchRequest};
//!
//! # fn main() -> newssearch::Result<()> {
//! let index = NewsIndex::create_in_ram()?;
//! let carbon = Post::parse("---\ntitle: 多地推进碳中和试点\ndate: 2023-11-08\n---\n<p>实现碳中和需要技术创新。</p>")
//!     .expect("a valid post");
//! let other = Post::parse("---\ntitle: 秋收\n---\n<p>各地秋粮收获过半。</p>").expect("a valid post");
//! index.add_posts([("carbon.md", carbon), ("harvest.md", other)])?;
//!
//! // jieba cuts 碳中和 as 碳中/和; the post is found all the same.
//! let results = index.search(&SearchRequest::new("碳中和"))?;
//! assert_eq!(results.total, 1);
//! let hit = &results.hits[0];
//! assert_eq!(hit.path, "carbon.md");
//! assert_eq!(&hit.title[hit.title_highlights[0].clone()], "碳中和");
//! assert_eq!(hit.date.unwrap().to_rfc3339(), "2023-11-08T00:00:00+08:00");
//! # Ok(()) }
//! ```
//!
//! The stages, each a module: [`Post`] parsing (front matter, HTML → text, encodings),
//! [`analysis`] (normalisation, units, jieba), the index ([`NewsIndex`], incremental updates of
//! a folder with [`NewsIndex::index_folder`]), search ([`SearchRequest`] → [`SearchResults`]
//! with hits, [`Snippet`]s and [`Facets`]) and [`output`] (the JSON wire format, terminal text,
//! an HTML page).

pub mod analysis;
mod error;
mod index;
pub mod output;
mod post;
mod search;

pub use error::{Error, Result};
pub use index::{
    DEFAULT_BATCH_SIZE, Dictionary, Fields, FileProblem, IndexMeta, IndexOptions, IndexReport,
    NewsIndex, Progress, USER_DICT_FILE,
};
pub use post::{
    MAX_POST_BYTES, Post, PostError, PostWarning, china_standard_time, parse_post_date,
};
pub use search::{
    Clause, ClauseMatch, ClausePlan, Explanation, FOCUS_BONUS, FOCUS_WINDOW, FacetCount, Facets,
    FocusWord, Hit, Holding, LITERAL_BONUS, MAX_PREFIX_WORDS, MAX_QUERY_CHARS, Match,
    PROXIMITY_BONUS, ParsedQuery, PeriodEnd, Plan, PostExplanation, Prefix, Scope, SearchRequest,
    SearchResults, Snippet, SnippetOptions, Sort, StringMatch, SyntaxError, TITLE_BOOST,
    TITLE_LITERAL_BONUS, TYPED_BONUS, TitleFocus, facet_key, find_matches, find_needles,
    highlight_html, parse as parse_query, parse_period, snippets,
};
