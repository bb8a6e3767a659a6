//! Human-readable results for a terminal (colour only where the stream supports it).

use std::io::{self, Write};
use std::ops::Range;

use anstyle::{AnsiColor, Style};

use super::{facet_line, meta, reprints_note, summary};
use crate::index::IndexReport;
use crate::search::{
    ClausePlan, Explanation, FOCUS_WINDOW, FacetCount, Hit, Holding, LITERAL_BONUS,
    PostExplanation, Scope, SearchResults, TITLE_LITERAL_BONUS, TYPED_BONUS,
};

const TITLE: Style = Style::new().bold();
const MATCH: Style = AnsiColor::Red.on_default().bold();
const DIM: Style = Style::new().dimmed();

/// Post text made safe for a terminal: control characters (escape sequences) and bidirectional
/// overrides become spaces, so a post can never recolour or rewrite the screen.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Writes `text` with `ranges` highlighted.
fn highlighted(
    out: &mut dyn Write,
    text: &str,
    ranges: &[Range<usize>],
    base: Style,
) -> io::Result<()> {
    let mut at = 0;
    for range in ranges {
        write!(out, "{base}{}{base:#}", sanitize(&text[at..range.start]))?;
        write!(out, "{MATCH}{}{MATCH:#}", sanitize(&text[range.clone()]))?;
        at = range.end;
    }
    write!(out, "{base}{}{base:#}", sanitize(&text[at..]))
}

/// Writes search results.
pub fn write_results(
    out: &mut dyn Write,
    query: &str,
    offset: usize,
    results: &SearchResults,
) -> io::Result<()> {
    writeln!(out, "{}", summary(&sanitize(query), offset, results))?;
    if results.total == 0 {
        return Ok(());
    }
    writeln!(out)?;
    for (i, hit) in results.hits.iter().enumerate() {
        write_hit(out, offset + i + 1, hit)?;
    }
    write_facet(out, "categories", &results.facets.category)?;
    write_facet(out, "tags", &results.facets.tags)?;
    write_facet(out, "years", &results.facets.year)?;
    write_facet(out, "months", &results.facets.month)
}

fn write_hit(out: &mut dyn Write, rank: usize, hit: &Hit) -> io::Result<()> {
    write!(out, "{rank}. ")?;
    highlighted(out, &hit.title, &hit.title_highlights, TITLE)?;
    writeln!(out)?;
    writeln!(out, "   {DIM}{}{DIM:#}", sanitize(&meta(hit)))?;
    writeln!(out, "   {}", sanitize(&hit.path))?;
    if let Some(url) = &hit.url {
        writeln!(out, "   {DIM}{}{DIM:#}", sanitize(url))?;
    }
    for snippet in &hit.snippets {
        write!(out, "   ")?;
        highlighted(out, &snippet.text, &snippet.highlights, Style::new())?;
        writeln!(out)?;
    }
    if !hit.reprints.is_empty() {
        writeln!(out, "   {DIM}{}{DIM:#}", reprints_note(hit))?;
    }
    writeln!(out)
}

fn write_facet(out: &mut dyn Write, name: &str, counts: &[FacetCount]) -> io::Result<()> {
    if counts.is_empty() {
        return Ok(());
    }
    let line = sanitize(&facet_line(counts, 12));
    writeln!(out, "{DIM}{name}:{DIM:#} {line}")
}

/// Writes the summary of an indexing run.
pub fn write_report(out: &mut dyn Write, report: &IndexReport, total: u64) -> io::Result<()> {
    let problems = match report.files_read_around() {
        0 => String::new(),
        n => format!(", {n} with front matter problems"),
    };
    writeln!(
        out,
        "{} added, {} updated, {} removed, {} unchanged, {} skipped{problems}; {total} {} in the index",
        report.added,
        report.updated,
        report.removed,
        report.unchanged,
        report.skipped.len(),
        if total == 1 { "post" } else { "posts" }
    )?;
    match report.words_learned {
        0 => Ok(()),
        1 => writeln!(
            out,
            "1 new word of the user dictionary: queries are cut with it now"
        ),
        n => writeln!(
            out,
            "{n} new words of the user dictionary: queries are cut with them now"
        ),
    }
}

/// Writes an `explain` report.
pub fn write_explanation(out: &mut dyn Write, explanation: &Explanation) -> io::Result<()> {
    writeln!(
        out,
        "{TITLE}query{TITLE:#} {:?}",
        sanitize(&explanation.query)
    )?;
    for prefix in &explanation.prefixes {
        let more = match prefix.left_out {
            0 => String::new(),
            n => format!(" (and {n} more that fewer posts hold, not searched)"),
        };
        writeln!(
            out,
            "  {} stands for {}{more}",
            sanitize(&prefix.text),
            sanitize(&prefix.words.join(", "))
        )?;
    }
    for (i, clause) in explanation.clauses.iter().enumerate() {
        let holding: Vec<&Holding> = explanation
            .holding
            .iter()
            .filter(|h| h.clause == i)
            .collect();
        write_clause_plan(out, clause, &holding)?;
    }
    match &explanation.post {
        Some(post) => write_post_explanation(out, post),
        None => Ok(()),
    }
}

/// How one clause was read, and how many posts hold each string it requires.
fn write_clause_plan(
    out: &mut dyn Write,
    clause: &ClausePlan,
    holding: &[&Holding],
) -> io::Result<()> {
    let mut kind = vec![format!("{:?}", clause.scope).to_lowercase()];
    if clause.exact {
        kind.push("exact".into());
    }
    if clause.excluded {
        kind.push("excluded".into());
    }
    writeln!(
        out,
        "  clause {:?} ({})",
        sanitize(&clause.text),
        kind.join(", ")
    )?;
    writeln!(out, "    normalised  {}", sanitize(&clause.normalized))?;
    let words = if clause.words.is_empty() {
        "(none: punctuation only, searched for as it is)".to_owned()
    } else {
        sanitize(&clause.words.join(" / "))
    };
    writeln!(out, "    words       {words}")?;
    let verb = if clause.excluded {
        "excludes"
    } else {
        "requires"
    };
    writeln!(
        out,
        "    {verb:11} {}",
        sanitize(&clause.required.join(" AND "))
    )?;
    let held: Vec<String> = holding
        .iter()
        .map(|h| {
            let place = match (h.scope, h.posts) {
                (Scope::Title, 1) => "title",
                (Scope::Title, _) => "titles",
                (Scope::Body, 1) => "body",
                (Scope::Body, _) => "bodies",
                (Scope::All, 1) => "post",
                (Scope::All, _) => "posts",
            };
            format!("{} in {} {place}", sanitize(&h.text), h.posts)
        })
        .collect();
    if !held.is_empty() {
        writeln!(out, "    held by     {}", held.join(" · "))?;
    }
    if let Some(literal) = &clause.literal {
        writeln!(
            out,
            "    rewards     {} (literal: +{LITERAL_BONUS:.0}, +{TITLE_LITERAL_BONUS:.0} more in the title)",
            sanitize(literal)
        )?;
    }
    Ok(())
}

/// Whether the post matched each clause's strings, and how its score is made up.
fn write_post_explanation(out: &mut dyn Write, post: &PostExplanation) -> io::Result<()> {
    writeln!(
        out,
        "\n{TITLE}post{TITLE:#} {} ({})",
        sanitize(&post.title),
        sanitize(&post.path)
    )?;
    for clause in &post.clauses {
        for s in &clause.strings {
            let role = if s.literal { "literal" } else { "requires" };
            writeln!(
                out,
                "  {:?} {role} {:?}: {} in the title, {} in the body",
                sanitize(&clause.clause),
                sanitize(&s.text),
                s.in_title,
                s.in_body
            )?;
        }
    }
    match (&post.score, &post.breakdown) {
        (Some(score), Some(breakdown)) => {
            writeln!(out, "  matches, score {score:.3}:")?;
            write_breakdown(out, breakdown, 2)?;
        }
        _ => return writeln!(out, "  does not match the query"),
    }
    if let Some(focus) = &post.focus {
        writeln!(
            out,
            "  title focus: the query holds {:.3} of the headline's weight, its best phrase {:.3} of the headline's best, the headline {:.3} of the query's strings: +{:.3} when among the first {FOCUS_WINDOW} by score",
            focus.share, focus.stretch, focus.coverage, focus.bonus
        )?;
        let by = if focus.phrase {
            "its best phrase (a query of one clause)"
        } else {
            "its weight (a query of several clauses)"
        };
        writeln!(out, "    the focus is {by} × the strings' share")?;
        let words: Vec<String> = focus
            .words
            .iter()
            .map(|w| {
                let mark = if w.covered { " (query)" } else { "" };
                format!("{} {:.1}{mark}", sanitize(&w.word), w.weight)
            })
            .collect();
        writeln!(out, "    {}", words.join(" · "))?;
        if focus.typed {
            writeln!(
                out,
                "    the title holds the whole query as typed: +{TYPED_BONUS:.0} of the above"
            )?;
        }
    }
    Ok(())
}

/// tantivy's explanation tree, indented; leaves of zero contribution are left out.
fn write_breakdown(out: &mut dyn Write, node: &serde_json::Value, depth: usize) -> io::Result<()> {
    let value = node
        .get("value")
        .and_then(serde_json::Value::as_f64)
        .unwrap_or(0.0);
    let description = node
        .get("description")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    writeln!(
        out,
        "{:indent$}{value:.3} {}",
        "",
        sanitize(description),
        indent = depth * 2
    )?;
    if depth < 12 {
        for child in node
            .get("details")
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
        {
            write_breakdown(out, child, depth + 1)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_never_reach_the_terminal() {
        assert_eq!(sanitize("a\u{1b}[31mb\u{202e}c\nd"), "a [31mb c d");
    }
}
