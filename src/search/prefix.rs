//! `word*`: the words of the index that begin with a Latin or digit word.
//!
//! Latin letters and digits match as whole words (`iphone` does not find `iPhone15`), so a
//! clause ending in `*` stands for every indexed word that begins with its last word:
//! `iphone*` is `iphone OR iphone15 OR …`, `华为mate*` is `华为mate60 OR 华为mate50 OR …`, each
//! matched, ranked and highlighted as if typed. The words are read from the term dictionaries
//! of the title's and the body's Latin-word fields, the way Lucene rewrites a prefix query into
//! its terms. Han text needs no `*` (`数字` already finds `数字化`), so there the `*` is dropped.

use tantivy::Searcher;
use tantivy::schema::Field;

use super::syntax::Clause;
use crate::analysis::{UnitKind, normalize, units};

/// A prefix stands for at most this many words (Elasticsearch's default for a phrase prefix):
/// those that most posts hold.
pub const MAX_PREFIX_WORDS: usize = 50;

/// What a clause ending in `*` was searched as.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Prefix {
    /// The clause as typed (`iphone*`).
    pub text: String,
    /// The words searched for it, those most posts hold first.
    pub words: Vec<String>,
    /// Words that begin with it too but were left out (over [`MAX_PREFIX_WORDS`]).
    pub left_out: usize,
}

/// The clauses `clause` stands for: itself, unless it ends in `*` (see the module). A prefix
/// no indexed word begins with stays as typed, and so finds only posts holding the `*`.
pub(crate) fn expand(
    clause: &Clause,
    searcher: &Searcher,
    fields: &[Field],
) -> tantivy::Result<(Vec<Clause>, Option<Prefix>)> {
    // The asterisks that normalise to `*`: a query without one is not normalised here.
    if clause.exact || !clause.text.ends_with(['*', '＊', '﹡']) {
        return Ok((vec![clause.clone()], None));
    }
    let normalized = normalize(&clause.text);
    let stem = normalized.trim_end_matches('*');
    if stem.len() == normalized.len() || stem.is_empty() {
        return Ok((vec![clause.clone()], None));
    }
    let with = |text: String| Clause {
        text,
        ..clause.clone()
    };
    let last = units(stem).pop().filter(|unit| unit.kind == UnitKind::Word);
    let Some(last) = last else {
        return Ok((vec![with(stem.to_owned())], None));
    };
    let head = &stem[..last.bytes.start];
    let (words, left_out) = words_beginning(last.text, searcher, fields)?;
    let prefix = Prefix {
        text: clause.text.clone(),
        words: words.clone(),
        left_out,
    };
    if words.is_empty() {
        return Ok((vec![clause.clone()], Some(prefix)));
    }
    let clauses = words.iter().map(|w| with(format!("{head}{w}"))).collect();
    Ok((clauses, Some(prefix)))
}

/// The indexed words of `fields` that begin with `start`, those most posts hold first (at most
/// [`MAX_PREFIX_WORDS`]), and how many more there are.
fn words_beginning(
    start: &str,
    searcher: &Searcher,
    fields: &[Field],
) -> tantivy::Result<(Vec<String>, usize)> {
    let mut held: std::collections::BTreeMap<Vec<u8>, u64> = Default::default();
    for segment in searcher.segment_readers() {
        for &field in fields {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().range().ge(start).into_stream()?;
            while stream.advance() && stream.key().starts_with(start.as_bytes()) {
                *held.entry(stream.key().to_vec()).or_default() +=
                    u64::from(stream.value().doc_freq);
            }
        }
    }
    let mut words: Vec<(Vec<u8>, u64)> = held.into_iter().collect();
    // Most posts first; ties in word order (the map's), so the choice does not vary.
    words.sort_by_key(|&(_, held)| std::cmp::Reverse(held));
    let left_out = words.len().saturating_sub(MAX_PREFIX_WORDS);
    words.truncate(MAX_PREFIX_WORDS);
    let words = words
        .into_iter()
        .map(|(word, _)| String::from_utf8_lossy(&word).into_owned())
        .collect();
    Ok((words, left_out))
}

#[cfg(test)]
mod tests {
    use crate::{NewsIndex, Post, SearchRequest};

    /// Past [`super::MAX_PREFIX_WORDS`], the words most posts hold are searched and the rest
    /// counted as left out.
    #[test]
    fn a_prefix_of_many_words_searches_those_most_posts_hold() -> crate::Result<()> {
        let index = NewsIndex::create_in_ram()?;
        let post = |body: String| Post {
            title: "短讯".into(),
            body,
            ..Default::default()
        };
        let mut posts: Vec<(String, Post)> = (0..60)
            .map(|i| (format!("{i}.md"), post(format!("代号w{i:02}。"))))
            .collect();
        posts.extend((0..3).map(|i| (format!("more{i}.md"), post("又见w59。".into()))));
        index.add_posts(posts)?;
        let results = index.search(&SearchRequest::new("w*"))?;
        let [prefix] = results.prefixes.as_slice() else {
            panic!("{:?}", results.prefixes)
        };
        assert_eq!(prefix.words.len(), super::MAX_PREFIX_WORDS);
        assert_eq!(prefix.left_out, 10);
        assert_eq!(prefix.words[0], "w59", "held by four posts");
        assert_eq!(results.total, super::MAX_PREFIX_WORDS + 3);
        let one = index.search(&SearchRequest::new("w5*"))?;
        assert_eq!(one.prefixes[0].left_out, 0);
        assert_eq!(one.total, 10 + 3, "w50 to w59");
        assert!(
            index.search(&SearchRequest::new("w"))?.total == 0,
            "whole words"
        );
        Ok(())
    }
}
