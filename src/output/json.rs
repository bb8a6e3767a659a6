//! The `--json` wire format.
//!
//! These structs are the specification: field names, types and meanings are stable, and
//! changing them is a breaking change. Highlight ranges are `[start, end)` offsets counted in
//! Unicode characters (code points) of the string they refer to.

use serde::Serialize;

use crate::search::{Facets, Hit, Prefix, SearchResults, Snippet};

/// The whole answer to one query.
#[derive(Debug, Serialize)]
pub struct JsonResults<'a> {
    /// The query as given.
    pub query: &'a str,
    /// Number of matching posts (reprints included).
    pub total: usize,
    /// Search time in milliseconds inside the process, index already open.
    pub took_ms: f64,
    /// Hits skipped (`--offset`).
    pub offset: usize,
    /// The page, best first.
    pub hits: Vec<JsonHit<'a>>,
    /// Counts over all matching posts: `category`, `tags`, `year`, `month`, each a list of
    /// `{"value": …, "count": …}`; categories and tags most frequent first, years and months
    /// oldest first.
    pub facets: &'a Facets,
    /// Only when the query has a clause ending in `*`: for each, `{"text": "iphone*", "words":
    /// [the words searched for it, those most posts hold first], "left_out": N}` (words that
    /// begin with it too but were not searched, over 50).
    #[serde(skip_serializing_if = "<[Prefix]>::is_empty")]
    pub prefixes: &'a [Prefix],
}

/// One hit.
#[derive(Debug, Serialize)]
pub struct JsonHit<'a> {
    /// The file, as found under the folder given to `index`.
    pub path: &'a str,
    /// The title, original text.
    pub title: &'a str,
    /// Character ranges of `title` that matched.
    pub title_highlights: Vec<[usize; 2]>,
    /// RFC 3339 with the post's own UTC offset, or null.
    pub date: Option<String>,
    /// The first category, or null.
    pub category: Option<&'a str>,
    /// All categories.
    pub categories: &'a [String],
    /// Tags.
    pub tags: &'a [String],
    /// Source URL, or null.
    pub url: Option<&'a str>,
    /// Source named in the post (`（文章来源：X）`), or null.
    pub source: Option<&'a str>,
    /// Relevance score (higher is better; posts containing the whole query literally score
    /// above 1000).
    pub score: f32,
    /// Fragments of the body with the matches highlighted.
    pub snippets: Vec<JsonSnippet<'a>>,
    /// Paths of reprints of this story that also match, collapsed into this hit.
    pub reprints: &'a [String],
}

/// A fragment of a post's body.
#[derive(Debug, Serialize)]
pub struct JsonSnippet<'a> {
    /// Original text; `…` marks a cut inside a sentence.
    pub text: &'a str,
    /// Character ranges of `text` that matched.
    pub highlights: Vec<[usize; 2]>,
}

impl<'a> JsonResults<'a> {
    /// The wire form of `results`.
    pub fn new(query: &'a str, offset: usize, results: &'a SearchResults) -> JsonResults<'a> {
        JsonResults {
            query,
            total: results.total,
            took_ms: results.took.as_secs_f64() * 1000.0,
            offset,
            hits: results.hits.iter().map(JsonHit::new).collect(),
            facets: &results.facets,
            prefixes: &results.prefixes,
        }
    }
}

impl<'a> JsonHit<'a> {
    fn new(hit: &'a Hit) -> JsonHit<'a> {
        JsonHit {
            path: &hit.path,
            title: &hit.title,
            title_highlights: char_ranges(&hit.title, &hit.title_highlights),
            date: hit.date.map(|d| d.to_rfc3339()),
            category: hit.categories.first().map(String::as_str),
            categories: &hit.categories,
            tags: &hit.tags,
            url: hit.url.as_deref(),
            source: hit.source.as_deref(),
            score: hit.score,
            snippets: hit.snippets.iter().map(JsonSnippet::new).collect(),
            reprints: &hit.reprints,
        }
    }
}

impl<'a> JsonSnippet<'a> {
    fn new(snippet: &'a Snippet) -> JsonSnippet<'a> {
        JsonSnippet {
            text: &snippet.text,
            highlights: char_ranges(&snippet.text, &snippet.highlights),
        }
    }
}

/// Byte ranges → character ranges.
fn char_ranges(text: &str, ranges: &[std::ops::Range<usize>]) -> Vec<[usize; 2]> {
    let chars = |byte: usize| text[..byte].chars().count();
    ranges
        .iter()
        .map(|r| [chars(r.start), chars(r.end)])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_are_character_offsets() {
        assert_eq!(char_ranges("数字化abc", &[3..9, 9..10]), [[1, 3], [3, 4]]);
    }
}
