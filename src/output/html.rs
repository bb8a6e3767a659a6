//! Search results as one self-contained HTML page (`query --html`).
//!
//! Every piece of post text is escaped, so a `<script>` in a post never comes out live, and
//! only `http:` and `https:` source URLs become links (the parser takes no other from a file,
//! but a [`Post`](crate::Post) built by a program may hold any: a `javascript:` URL stays text).

use std::io::{self, Write};

use html_escape::{encode_double_quoted_attribute, encode_text};

use super::{facet_line, meta, reprints_note, summary};
use crate::search::{FacetCount, Hit, SearchResults};

const STYLE: &str = "body{font-family:sans-serif;max-width:52em;margin:2em auto;padding:0 1em;\
line-height:1.6}h2{font-size:1.15em;margin:1.2em 0 .2em}mark{background:#ffe27a}\
.meta,.path,.facets{color:#666;font-size:.9em}p{margin:.2em 0}";

/// Writes `results` for `query` as an HTML page: the summary line, the hits with their
/// highlighted titles and snippets, and the facet counts.
pub fn write_html(
    out: &mut dyn Write,
    query: &str,
    offset: usize,
    results: &SearchResults,
) -> io::Result<()> {
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, "<html lang=\"zh\">")?;
    writeln!(
        out,
        "<head><meta charset=\"utf-8\"><title>newssearch: {}</title><style>{STYLE}</style></head>",
        encode_text(query)
    )?;
    writeln!(out, "<body>")?;
    writeln!(
        out,
        "<p class=\"summary\">{}</p>",
        encode_text(&summary(query, offset, results))
    )?;
    if !results.hits.is_empty() {
        writeln!(out, "<ol start=\"{}\">", offset + 1)?;
        for hit in &results.hits {
            write_hit(out, hit)?;
        }
        writeln!(out, "</ol>")?;
    }
    if results.total > 0 {
        writeln!(out, "<dl class=\"facets\">")?;
        write_facet(out, "categories", &results.facets.category)?;
        write_facet(out, "tags", &results.facets.tags)?;
        write_facet(out, "years", &results.facets.year)?;
        write_facet(out, "months", &results.facets.month)?;
        writeln!(out, "</dl>")?;
    }
    writeln!(out, "</body>\n</html>")
}

fn write_hit(out: &mut dyn Write, hit: &Hit) -> io::Result<()> {
    let title = hit.title_html();
    match hit.url.as_deref().filter(|url| is_web_link(url)) {
        Some(url) => writeln!(
            out,
            "<li><h2><a href=\"{}\">{title}</a></h2>",
            encode_double_quoted_attribute(url)
        )?,
        None => writeln!(out, "<li><h2>{title}</h2>")?,
    }
    writeln!(out, "<p class=\"meta\">{}</p>", encode_text(&meta(hit)))?;
    writeln!(out, "<p class=\"path\">{}</p>", encode_text(&hit.path))?;
    if let Some(url) = hit.url.as_deref().filter(|url| !is_web_link(url)) {
        writeln!(out, "<p class=\"path\">{}</p>", encode_text(url))?;
    }
    for snippet in &hit.snippets {
        writeln!(out, "<p>{}</p>", snippet.to_html())?;
    }
    if !hit.reprints.is_empty() {
        writeln!(
            out,
            "<p class=\"meta\">{}</p>",
            encode_text(&reprints_note(hit))
        )?;
    }
    writeln!(out, "</li>")
}

fn write_facet(out: &mut dyn Write, name: &str, counts: &[FacetCount]) -> io::Result<()> {
    if counts.is_empty() {
        return Ok(());
    }
    let line = facet_line(counts, counts.len());
    writeln!(out, "<dt>{name}</dt><dd>{}</dd>", encode_text(&line))
}

/// Whether `url` may be a link: `http:` or `https:`, whatever the case.
fn is_web_link(url: &str) -> bool {
    let url = url.trim_start();
    ["http://", "https://"].iter().any(|scheme| {
        url.get(..scheme.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_become_links() {
        assert!(is_web_link("https://example.com/a"));
        assert!(is_web_link("HTTP://example.com"));
        assert!(!is_web_link("javascript:alert(1)"));
        assert!(!is_web_link(" jAvAscript:alert(1)"));
        assert!(!is_web_link("data:text/html,<script>"));
    }
}
