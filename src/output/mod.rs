//! Output: the JSON wire format, terminal rendering and an HTML page.

mod html;
mod json;
mod terminal;

pub use html::write_html;
pub use json::{JsonHit, JsonResults, JsonSnippet};
pub use terminal::{sanitize, write_explanation, write_report, write_results};

use crate::search::{FacetCount, Hit, SearchResults};

/// The line above the hits: how many posts match `query` (as it should be shown), which are
/// shown and how long the search took.
fn summary(query: &str, offset: usize, results: &SearchResults) -> String {
    let shown = results.hits.len();
    let took = results.took.as_secs_f64() * 1000.0;
    let matching = match results.total {
        0 => return format!("no posts match {query:?} ({took:.1} ms)"),
        1 => "1 post matches".to_owned(),
        n => format!("{n} posts match"),
    };
    if shown == 0 && offset == 0 {
        // `--limit 0`: counts and facets only.
        format!("{matching} {query:?} ({took:.1} ms)")
    } else if shown == 0 {
        // An offset past the last match.
        format!(
            "{matching} {query:?}; none shown from {} on ({took:.1} ms)",
            offset + 1
        )
    } else {
        format!(
            "{matching} {query:?}; showing {}–{} ({took:.1} ms)",
            offset + 1,
            offset + shown
        )
    }
}

/// A hit's date, categories, tags and score, `·` between them.
fn meta(hit: &Hit) -> String {
    let mut meta = Vec::new();
    if let Some(date) = hit.date {
        meta.push(date.format("%Y-%m-%d %H:%M").to_string());
    }
    meta.extend(hit.categories.iter().cloned());
    meta.extend(hit.tags.iter().map(|t| format!("#{t}")));
    meta.push(format!("score {:.2}", hit.score));
    meta.join(" · ")
}

/// "+2 reprints of this story (--all shows them)", for a hit that has reprints collapsed into it.
fn reprints_note(hit: &Hit) -> String {
    let n = hit.reprints.len();
    format!(
        "+{n} reprint{} of this story (--all shows them)",
        if n == 1 { "" } else { "s" }
    )
}

/// The first `shown` facet values with their counts, `·` between them, and how many more.
fn facet_line(counts: &[FacetCount], shown: usize) -> String {
    let mut parts: Vec<String> = counts
        .iter()
        .take(shown)
        .map(|c| format!("{} {}", c.value, c.count))
        .collect();
    if counts.len() > shown {
        parts.push(format!("… {} more", counts.len() - shown));
    }
    parts.join(" · ")
}
