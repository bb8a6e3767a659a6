//! The analyzers as tantivy tokenizers: units, unit bigrams and jieba words.

use std::sync::Arc;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::normalize::Normalized;
use super::segmenter::Segmenter;
use super::units::{Unit, UnitKind, bigram, units};

/// Emits every Han character and every Latin/digit word, normalised: the terms a one-unit query
/// matches.
#[derive(Debug, Clone, Default)]
pub struct UnigramTokenizer;

/// Emits every pair of adjacent units at the position of the first: a query of `n` units is a
/// phrase of its bigrams, which matches exactly the posts that contain it.
#[derive(Debug, Clone, Default)]
pub struct BigramTokenizer;

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

/// A token stream over tokens computed up front.
#[derive(Debug, Default)]
pub struct Tokens {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl From<Vec<Token>> for Tokens {
    fn from(tokens: Vec<Token>) -> Tokens {
        Tokens { tokens, next: 0 }
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

impl Tokenizer for UnigramTokenizer {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        let normalized = Normalized::new(text);
        let tokens = units(normalized.as_str())
            .into_iter()
            .enumerate()
            .filter(|(_, unit)| unit.is_searchable())
            .map(|(position, unit)| {
                token(
                    &normalized,
                    unit.chars.clone(),
                    unit.text.to_owned(),
                    position,
                )
            })
            .collect::<Vec<_>>();
        tokens.into()
    }
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        let normalized = Normalized::new(text);
        let units = units(normalized.as_str());
        let tokens = units
            .windows(2)
            .enumerate()
            .map(|(position, pair)| {
                let chars = pair[0].chars.start..pair[1].chars.end;
                token(&normalized, chars, bigram(&pair[0], &pair[1]), position)
            })
            .collect::<Vec<_>>();
        tokens.into()
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        let normalized = Normalized::new(text);
        let text = normalized.as_str();
        let mut tokens = Vec::new();
        for run in runs(&units(text)) {
            match run {
                Run::Word(unit) => {
                    let position = tokens.len();
                    tokens.push(token(
                        &normalized,
                        unit.chars.clone(),
                        unit.text.to_owned(),
                        position,
                    ));
                }
                Run::Han { bytes, chars } => {
                    let run_text = &text[bytes];
                    let run_chars: Vec<(usize, char)> = run_text.char_indices().collect();
                    for word in self.segmenter.cut_for_search(run_text) {
                        let start = run_chars[word.start].0;
                        let end = run_chars.get(word.end).map_or(run_text.len(), |c| c.0);
                        let position = tokens.len();
                        let word_chars = chars.start + word.start..chars.start + word.end;
                        tokens.push(token(
                            &normalized,
                            word_chars,
                            run_text[start..end].to_owned(),
                            position,
                        ));
                    }
                }
            }
        }
        tokens.into()
    }
}

/// A stretch of text to segment: a run of adjacent Han characters, or one Latin/digit word.
#[derive(Debug, PartialEq)]
pub enum Run<'a> {
    /// Adjacent Han characters: byte and char ranges in the normalised text.
    Han {
        /// Byte range.
        bytes: std::ops::Range<usize>,
        /// Character range.
        chars: std::ops::Range<usize>,
    },
    /// A Latin/digit word.
    Word(&'a Unit<'a>),
}

/// Groups units into runs; symbols end runs and are dropped.
pub fn runs<'a>(units: &'a [Unit<'a>]) -> Vec<Run<'a>> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None; // indices of the first and last Han unit
    for (i, unit) in units.iter().enumerate() {
        let continues = open.is_some_and(|(_, last)| {
            unit.kind == UnitKind::Han && units[last].chars.end == unit.chars.start
        });
        if !continues && let Some((first, last)) = open.take() {
            out.push(han_run(&units[first], &units[last]));
        }
        match unit.kind {
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

fn han_run<'a>(first: &Unit<'a>, last: &Unit<'a>) -> Run<'a> {
    Run::Han {
        bytes: first.bytes.start..last.bytes.end,
        chars: first.chars.start..last.chars.end,
    }
}
