//! The analyzers as tantivy tokenizers: units, unit bigrams and jieba words.

use std::ops::Range;
use std::sync::Arc;

use tantivy::tokenizer::{Token, Tokenizer};

use super::fingerprint::fingerprint_normalized;
use super::normalize::Normalized;
use super::segmenter::Segmenter;
use super::stream::Stream;
use super::units::{Unit, UnitKind, bigram, units};
use super::vocabulary::WordCounts;

/// Emits every Latin/digit word, normalised: the terms a one-word query matches.
#[derive(Debug, Clone, Default)]
pub struct UnigramTokenizer;

/// Emits every pair of adjacent units at the position of the first: a query of `n` units is a
/// phrase of its bigrams, which matches exactly the posts that contain it; a single Han
/// character is the range of bigrams that start with it.
///
/// Made with [`BigramTokenizer::counting_words`], it also counts each text's words into a
/// [`WordCounts`]: a title's jieba words, a body's lead's and its user-dictionary
/// words (see [`super::Vocabulary`], the vocabulary queries are cut with).
#[derive(Debug, Clone, Default)]
pub struct BigramTokenizer {
    words: Option<(Arc<Segmenter>, Arc<WordCounts>)>,
}

impl BigramTokenizer {
    /// A bigram tokenizer that counts the words `segmenter` finds in each text into `counts`.
    pub fn counting_words(segmenter: Arc<Segmenter>, counts: Arc<WordCounts>) -> BigramTokenizer {
        BigramTokenizer {
            words: Some((segmenter, counts)),
        }
    }
}

/// Emits jieba's search-mode words for Han runs and whole Latin/digit words: the terms ranking
/// is computed on.
#[derive(Debug, Clone)]
pub struct WordTokenizer {
    segmenter: Arc<Segmenter>,
}

impl WordTokenizer {
    /// A word tokenizer on `segmenter`.
    pub fn new(segmenter: Arc<Segmenter>) -> WordTokenizer {
        WordTokenizer { segmenter }
    }
}

fn token(
    normalized: &Normalized,
    chars: std::ops::Range<usize>,
    text: String,
    position: usize,
) -> Token {
    let offsets = normalized.original_range(chars);
    Token {
        offset_from: offsets.start,
        offset_to: offsets.end,
        position,
        text,
        position_length: 1,
    }
}

/// Marks the end of a text in the bigram field: the last unit pairs with it, so every unit of
/// a text starts some bigram and a one-character query is a prefix range over bigrams.
pub const END: &str = "\u{1}";

/// The unigram tokens: Latin/digit words (a Han character is found through its bigrams).
pub fn unigram_tokens(normalized: &Normalized, units: &[Unit<'_>]) -> Vec<Token> {
    units
        .iter()
        .enumerate()
        .filter(|(_, unit)| unit.kind == UnitKind::Word)
        .map(|(position, unit)| {
            token(
                normalized,
                unit.chars.clone(),
                unit.text.to_owned(),
                position,
            )
        })
        .collect()
}

/// The bigram tokens: every adjacent pair of units, and the last unit with [`END`].
pub fn bigram_tokens(normalized: &Normalized, units: &[Unit<'_>]) -> Vec<Token> {
    let mut tokens: Vec<Token> = units
        .windows(2)
        .enumerate()
        .map(|(position, pair)| {
            let chars = pair[0].chars.start..pair[1].chars.end;
            token(normalized, chars, bigram(&pair[0], &pair[1]), position)
        })
        .collect();
    if let Some(last) = units.last() {
        let text = format!("{}{END}", last.text);
        tokens.push(token(normalized, last.chars.clone(), text, units.len() - 1));
    }
    tokens
}

/// A word's character range and byte range in the normalised text.
pub(crate) type WordRange = (Range<usize>, Range<usize>);

/// Where the words are, as (character range, byte range) of the normalised `text`: jieba's
/// search-mode words of Han runs, and Latin/digit words.
pub(crate) fn word_ranges<U: Placed>(
    text: &str,
    units: &[U],
    segmenter: &Segmenter,
) -> Vec<WordRange> {
    let mut words = Vec::new();
    for run in runs(units) {
        match run {
            Run::Word(unit) => words.push((unit.chars().clone(), unit.bytes().clone())),
            Run::Han { bytes, chars } => {
                segmenter.each_word(&text[bytes.clone()], |c, b| {
                    words.push((
                        chars.start + c.start..chars.start + c.end,
                        bytes.start + b.start..bytes.start + b.end,
                    ));
                });
            }
        }
    }
    words
}

/// The word tokens: jieba search-mode words of Han runs, and Latin/digit words.
pub fn word_tokens(
    normalized: &Normalized,
    units: &[Unit<'_>],
    segmenter: &Segmenter,
) -> Vec<Token> {
    let text = normalized.as_str();
    word_ranges(text, units, segmenter)
        .into_iter()
        .enumerate()
        .map(|(position, (chars, bytes))| {
            token(normalized, chars, text[bytes].to_owned(), position)
        })
        .collect()
}

/// The words of `title` that weigh in its title focus (see `search::focus`): jieba's words of
/// its Han runs (the longest of search mode's: `上半年`, not also `上半` and `半年`) and its
/// Latin/digit words, normalised, space separated. Words of one character are left out: jieba
/// leaves a character alone only where it joins no word, and how many posts hold `创` says
/// little about how rare the headline's subject is.
pub fn headline_words(title: &str, segmenter: &Segmenter) -> String {
    let normalized = Normalized::new(title);
    let text = normalized.as_str();
    let units = units(text);
    let ranges = word_ranges(text, &units, segmenter);
    let inside_another = |chars: &Range<usize>| {
        ranges.iter().any(|(other, _)| {
            other != chars && other.start <= chars.start && chars.end <= other.end
        })
    };
    let mut words = String::with_capacity(text.len() + 16);
    for (chars, bytes) in &ranges {
        if chars.len() < 2 || inside_another(chars) {
            continue;
        }
        if !words.is_empty() {
            words.push(' ');
        }
        words.push_str(&text[bytes.clone()]);
    }
    words
}

/// A text analysed once for every field: normalised, cut into units, words and bigrams.
#[derive(Debug, Clone, Default)]
pub struct Analyzed {
    /// Unigram tokens ([`unigram_tokens`]).
    pub unigrams: Vec<Token>,
    /// Bigram tokens ([`bigram_tokens`]).
    pub bigrams: Vec<Token>,
    /// Word tokens ([`word_tokens`]).
    pub words: Vec<Token>,
    /// Fingerprint of the normalised text (see [`fingerprint`](super::fingerprint())).
    pub fingerprint: u64,
}

/// Analyses `text` for all three fields with a single normalisation.
pub fn analyze(text: &str, segmenter: &Segmenter) -> Analyzed {
    let normalized = Normalized::new(text);
    let units = units(normalized.as_str());
    Analyzed {
        unigrams: unigram_tokens(&normalized, &units),
        bigrams: bigram_tokens(&normalized, &units),
        words: word_tokens(&normalized, &units, segmenter),
        fingerprint: fingerprint_normalized(normalized.as_str()),
    }
}

impl Tokenizer for UnigramTokenizer {
    type TokenStream<'a> = Stream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Stream {
        Stream::unigrams(text)
    }
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = Stream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Stream {
        match &self.words {
            Some((segmenter, counts)) => Stream::bigrams_counting_words(text, segmenter, counts),
            None => Stream::bigrams(text),
        }
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = Stream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Stream {
        Stream::words(text, &self.segmenter)
    }
}

/// A unit, or what is kept of one: its kind and where it is in the normalised text.
pub trait Placed {
    /// What the unit is made of.
    fn kind(&self) -> UnitKind;
    /// Character indices in the normalised text.
    fn chars(&self) -> &Range<usize>;
    /// Byte offsets in the normalised text.
    fn bytes(&self) -> &Range<usize>;
}

impl Placed for Unit<'_> {
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

/// A stretch of text to segment: a run of adjacent Han characters, or one Latin/digit word.
#[derive(Debug, PartialEq)]
pub enum Run<'a, U = Unit<'a>> {
    /// Adjacent Han characters: byte and char ranges in the normalised text.
    Han {
        /// Byte range.
        bytes: std::ops::Range<usize>,
        /// Character range.
        chars: std::ops::Range<usize>,
    },
    /// A Latin/digit word.
    Word(&'a U),
}

/// Groups units into runs; symbols end runs and are dropped.
pub fn runs<U: Placed>(units: &[U]) -> Vec<Run<'_, U>> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None; // indices of the first and last Han unit
    for (i, unit) in units.iter().enumerate() {
        let continues = open.is_some_and(|(_, last)| {
            unit.kind() == UnitKind::Han && units[last].chars().end == unit.chars().start
        });
        if !continues && let Some((first, last)) = open.take() {
            out.push(han_run(&units[first], &units[last]));
        }
        match unit.kind() {
            UnitKind::Han => open = Some((open.map_or(i, |(first, _)| first), i)),
            UnitKind::Word => out.push(Run::Word(unit)),
            UnitKind::Symbol => {}
        }
    }
    if let Some((first, last)) = open {
        out.push(han_run(&units[first], &units[last]));
    }
    out
}

fn han_run<'a, U: Placed>(first: &U, last: &U) -> Run<'a, U> {
    Run::Han {
        bytes: first.bytes().start..last.bytes().end,
        chars: first.chars().start..last.chars().end,
    }
}
