//! Token streams for indexing: each text is normalised and cut into units once per thread, and
//! every token is written into one reused [`Token`] instead of a fresh `String`.
//!
//! tantivy tokenizes a title (or body) once per field, three times in all; the thread's last
//! prepared text is kept, so the second and third field reuse it. The tokens are exactly those of
//! [`unigram_tokens`](super::unigram_tokens), [`bigram_tokens`](super::bigram_tokens) and
//! [`word_tokens`](super::word_tokens) (a test checks it).

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use tantivy::tokenizer::{Token, TokenStream};
use xxhash_rust::xxh3::xxh3_64;

use super::normalize::Normalized;
use super::segmenter::Segmenter;
use super::tokenizers::{END, Placed, word_ranges};
use super::units::{Unit, UnitKind, each_unit};
use super::vocabulary::WordCounts;

/// A stretch of normalised text: a unit or a word.
#[derive(Debug, Clone)]
pub(crate) struct Span {
    kind: UnitKind,
    chars: Range<usize>,
    bytes: Range<usize>,
}

impl Placed for Span {
    fn kind(&self) -> UnitKind {
        self.kind
    }
    fn chars(&self) -> &Range<usize> {
        &self.chars
    }
    fn bytes(&self) -> &Range<usize> {
        &self.bytes
    }
}

/// A text normalised and cut into units (and into words, once a tokenizer asks).
#[derive(Debug, Default)]
pub struct Prepared {
    normalized: Normalized,
    units: Vec<Span>,
    /// The words, with the id of the segmenter that cut them.
    words: RefCell<Option<(u64, Rc<[Span]>)>>,
}

impl Prepared {
    /// Prepares `text` in place of the text held, reusing its memory: a thread prepares
    /// thousands of texts, and fresh buffers of a body's size each time kept the kernel busy
    /// handing out zeroed pages.
    fn refill(&mut self, text: &str) {
        self.normalized.refill(text);
        self.units.clear();
        let units = &mut self.units;
        each_unit(self.normalized.as_str(), |u| {
            units.push(Span {
                kind: u.kind,
                chars: u.chars,
                bytes: u.bytes,
            })
        });
        *self.words.get_mut() = None;
    }

    /// `text` prepared, reusing this thread's previous result when it was the same text (and
    /// its memory when it was not).
    pub fn of(text: &str) -> Rc<Prepared> {
        thread_local! {
            static LAST: RefCell<Option<(u64, usize, Rc<Prepared>)>> = const { RefCell::new(None) };
        }
        let key = xxh3_64(text.as_bytes());
        LAST.with_borrow_mut(|last| match last.take() {
            Some((k, len, prepared)) if k == key && len == text.len() => {
                *last = Some((k, len, prepared.clone()));
                prepared
            }
            previous => {
                let mut prepared = previous
                    .and_then(|(_, _, p)| Rc::try_unwrap(p).ok())
                    .unwrap_or_default();
                prepared.refill(text);
                let prepared = Rc::new(prepared);
                *last = Some((key, text.len(), prepared.clone()));
                prepared
            }
        })
    }

    fn text(&self, span: &Span) -> &str {
        &self.normalized.as_str()[span.bytes.clone()]
    }

    /// The units, borrowing the normalised text.
    pub fn units(&self) -> Vec<Unit<'_>> {
        self.units
            .iter()
            .map(|u| Unit {
                text: self.text(u),
                kind: u.kind,
                chars: u.chars.clone(),
                bytes: u.bytes.clone(),
            })
            .collect()
    }

    /// Where the words are, as spans of the normalised text (a word span's kind is never read).
    /// Cut once per text and segmenter: the word field and the vocabulary count both read them.
    fn words(&self, segmenter: &Segmenter) -> Rc<[Span]> {
        let id = segmenter.id();
        if let Some((cut_by, words)) = &*self.words.borrow()
            && *cut_by == id
        {
            return words.clone();
        }
        let words: Rc<[Span]> = word_ranges(self.normalized.as_str(), &self.units, segmenter)
            .into_iter()
            .map(|(chars, bytes)| Span {
                kind: UnitKind::Han,
                chars,
                bytes,
            })
            .collect();
        *self.words.borrow_mut() = Some((id, words.clone()));
        words
    }

    /// Counts the text's words into `counts`. A title's words were cut for its word field,
    /// which the schema puts before its bigrams, and are all counted. Of a body, only the lead
    /// is cut by jieba ([`LEAD_UNITS`]), and the user dictionary's words are counted wherever
    /// they are.
    fn count_words(&self, segmenter: &Segmenter, counts: &WordCounts) {
        if let Some((cut_by, words)) = &*self.words.borrow()
            && *cut_by == segmenter.id()
        {
            counts.add_text(words.iter().map(|w| self.text(w)));
            return;
        }
        let text = self.normalized.as_str();
        // To the end of the run of Han characters the lead ends in, so that no word is cut short.
        let end = (LEAD_UNITS..self.units.len())
            .find(|&i| self.units[i].kind != UnitKind::Han)
            .unwrap_or(self.units.len());
        let lead = word_ranges(text, &self.units[..end], segmenter);
        let mut words: Vec<&str> = lead.iter().map(|(_, bytes)| &text[bytes.clone()]).collect();
        segmenter.each_user_word(text, |word| words.push(word));
        counts.add_text(words);
    }
}

/// How much of a body, in units, is cut into words for the vocabulary: about its lead
/// sentence, where a news story names what it is about. Cutting whole bodies took about a
/// quarter of the CPU time of indexing the shared corpus (3.6 s against 2.6 s without, session
/// 16, `/usr/bin/time newssearch index`), 100 units 0.3 s; the vocabulary is for cutting
/// queries, which the titles' words already cut as the whole bodies' did for all 177 queries of
/// the recall set but four, and the lead's words for all of them.
const LEAD_UNITS: usize = 100;

/// Which tokens a [`Stream`] emits.
#[derive(Debug)]
enum Emit {
    /// Latin/digit words, at their unit positions.
    Unigrams,
    /// Every pair of adjacent units, and the last unit with [`END`].
    Bigrams,
    /// Words, numbered in order.
    Words(Rc<[Span]>),
}

/// A token stream over a prepared text.
#[derive(Debug)]
pub struct Stream {
    prepared: Rc<Prepared>,
    emit: Emit,
    next: usize,
    token: Token,
}

impl Stream {
    /// Latin/digit words of `text`.
    pub fn unigrams(text: &str) -> Stream {
        Stream::new(Prepared::of(text), Emit::Unigrams)
    }

    /// Unit bigrams of `text`.
    pub fn bigrams(text: &str) -> Stream {
        Stream::new(Prepared::of(text), Emit::Bigrams)
    }

    /// Unit bigrams of `text`, counting its words into `counts` on the way: the vocabulary
    /// queries are cut with, for texts whose words are not indexed.
    pub fn bigrams_counting_words(
        text: &str,
        segmenter: &Segmenter,
        counts: &WordCounts,
    ) -> Stream {
        let prepared = Prepared::of(text);
        prepared.count_words(segmenter, counts);
        Stream::new(prepared, Emit::Bigrams)
    }

    /// Words of `text`.
    pub fn words(text: &str, segmenter: &Segmenter) -> Stream {
        let prepared = Prepared::of(text);
        let words = prepared.words(segmenter);
        Stream::new(prepared, Emit::Words(words))
    }

    fn new(prepared: Rc<Prepared>, emit: Emit) -> Stream {
        Stream {
            prepared,
            emit,
            next: 0,
            token: Token::default(),
        }
    }

    /// Sets the token's offsets and position; its text is already written.
    fn place(&mut self, chars: Range<usize>, position: usize) {
        let offsets = self.prepared.normalized.original_range(chars);
        self.token.offset_from = offsets.start;
        self.token.offset_to = offsets.end;
        self.token.position = position;
        self.token.position_length = 1;
    }
}

impl TokenStream for Stream {
    fn advance(&mut self) -> bool {
        let prepared = Rc::clone(&self.prepared);
        let units = &prepared.units;
        let text = &mut self.token.text;
        text.clear();
        let (chars, position) = match &self.emit {
            Emit::Unigrams => {
                let Some(i) = (self.next..units.len()).find(|&i| units[i].kind == UnitKind::Word)
                else {
                    self.next = units.len();
                    return false;
                };
                self.next = i + 1;
                text.push_str(prepared.text(&units[i]));
                (units[i].chars.clone(), i)
            }
            Emit::Bigrams => {
                let i = self.next;
                let Some(first) = units.get(i) else {
                    return false;
                };
                self.next += 1;
                match units.get(i + 1) {
                    // As `bigram`: words are joined with a space.
                    Some(second)
                        if first.kind == UnitKind::Word || second.kind == UnitKind::Word =>
                    {
                        text.push_str(prepared.text(first));
                        text.push(' ');
                        text.push_str(prepared.text(second));
                        (first.chars.start..second.chars.end, i)
                    }
                    Some(second) => {
                        // Two characters, side by side in the normalised text unless white
                        // space parts them: copied in one piece when they are (most bigrams).
                        if first.bytes.end == second.bytes.start {
                            let both = first.bytes.start..second.bytes.end;
                            text.push_str(&prepared.normalized.as_str()[both]);
                        } else {
                            text.push_str(prepared.text(first));
                            text.push_str(prepared.text(second));
                        }
                        (first.chars.start..second.chars.end, i)
                    }
                    None => {
                        text.push_str(prepared.text(first));
                        text.push_str(END);
                        (first.chars.clone(), i)
                    }
                }
            }
            Emit::Words(words) => {
                let i = self.next;
                let Some(word) = words.get(i) else {
                    return false;
                };
                self.next += 1;
                text.push_str(prepared.text(word));
                (word.chars.clone(), i)
            }
        };
        self.place(chars, position);
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{bigram_tokens, unigram_tokens, units, word_tokens};

    fn collect(mut stream: Stream) -> Vec<Token> {
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().clone());
        }
        out
    }

    #[test]
    fn streams_equal_the_token_lists() {
        let segmenter = Segmenter::shared();
        for text in [
            "",
            "碳中和",
            "數字經濟與ＧＤＰ增长9.8%，AI芯片 c919大飞机",
            "hello world",
            "党",
            "“数字经济”发展",
        ] {
            let normalized = Normalized::new(text);
            let us = units(normalized.as_str());
            // Twice, so that the second run comes from the thread's cache.
            for _ in 0..2 {
                assert_eq!(
                    collect(Stream::bigrams(text)),
                    bigram_tokens(&normalized, &us),
                    "{text}"
                );
                assert_eq!(
                    collect(Stream::unigrams(text)),
                    unigram_tokens(&normalized, &us),
                    "{text}"
                );
                assert_eq!(
                    collect(Stream::words(text, &segmenter)),
                    word_tokens(&normalized, &us, &segmenter),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn the_cache_tells_texts_apart() {
        let a = collect(Stream::bigrams("数字经济"));
        let b = collect(Stream::bigrams("数字金融"));
        assert_ne!(a, b);
        assert_eq!(collect(Stream::bigrams("数字经济")), a);
    }
}
