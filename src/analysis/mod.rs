//! Analysis: normalisers and segmenters, as tantivy tokenizers.
//!
//! The analyzers:
//! - [`UnigramTokenizer`] and [`BigramTokenizer`] decide *whether* a post matches: a query of `n`
//!   units is a phrase of its `n - 1` bigrams (or one unigram), which holds exactly when the post
//!   contains the query. Segmentation plays no part, so jieba can never hide a post. The bigram
//!   phrases also score bodies (BM25).
//! - [`WordTokenizer`] (jieba, search mode) scores titles by words. Bodies' jieba words are not
//!   indexed; they are counted into the [`Vocabulary`] that queries are cut with.

mod fingerprint;
mod normalize;
mod segmenter;
mod stream;
mod tokenizers;
mod units;
mod vocabulary;

pub use fingerprint::{MIN_SHINGLES, distance, fingerprint, fingerprint_normalized};
pub use normalize::{
    Normalized, is_edge_punctuation, keeps_han_and_spaces, normalize, without_invisible,
};
pub use segmenter::{DictError, Segmenter};
pub use stream::{Prepared, Stream};
pub use tokenizers::{
    Analyzed, BigramTokenizer, END, Placed, Run, UnigramTokenizer, WordTokenizer, analyze,
    bigram_tokens, headline_words, runs, unigram_tokens, word_tokens,
};
pub use units::{Unit, UnitKind, bigram, each_unit, is_han, is_word_char, units};
pub use vocabulary::{Vocabulary, WordCounts};

use std::sync::Arc;

use tantivy::tokenizer::TokenizerManager;

/// Name of the unigram analyzer in the index's tokenizer manager.
pub const UNIGRAMS: &str = "newssearch_unigrams";
/// Name of the bigram analyzer.
pub const BIGRAMS: &str = "newssearch_bigrams";
/// Name of the word analyzer.
pub const WORDS: &str = "newssearch_words";

/// Registers the three analyzers under their names; the bigram analyzer counts every text's
/// words into `counts`.
pub fn register(manager: &TokenizerManager, segmenter: Arc<Segmenter>, counts: Arc<WordCounts>) {
    manager.register(UNIGRAMS, UnigramTokenizer);
    manager.register(
        BIGRAMS,
        BigramTokenizer::counting_words(segmenter.clone(), counts),
    );
    manager.register(WORDS, WordTokenizer::new(segmenter));
}
