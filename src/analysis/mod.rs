//! Analysis: normalisers and segmenters, as tantivy tokenizers.
//!
//! Three analyzers run over every title and body:
//! - [`UnigramTokenizer`] and [`BigramTokenizer`] decide *whether* a post matches: a query of `n`
//!   units is a phrase of its `n - 1` bigrams (or one unigram), which holds exactly when the post
//!   contains the query. Segmentation plays no part, so jieba can never hide a post.
//! - [`WordTokenizer`] (jieba, search mode) decides *how well* it matches: BM25 over words.

mod normalize;
mod segmenter;
mod simhash;
mod stream;
mod tokenizers;
mod units;

pub use normalize::{Normalized, normalize};
pub use segmenter::{DictError, Segmenter};
pub use simhash::{distance, simhash, simhash_normalized};
pub use stream::{Prepared, Stream};
pub use tokenizers::{
    Analyzed, BigramTokenizer, END, Run, UnigramTokenizer, WordTokenizer, analyze, bigram_tokens,
    runs, unigram_tokens, word_tokens,
};
pub use units::{Unit, UnitKind, bigram, is_han, is_word_char, units};

use std::sync::Arc;

use tantivy::tokenizer::TokenizerManager;

/// Name of the unigram analyzer in the index's tokenizer manager.
pub const UNIGRAMS: &str = "newssearch_unigrams";
/// Name of the bigram analyzer.
pub const BIGRAMS: &str = "newssearch_bigrams";
/// Name of the word analyzer.
pub const WORDS: &str = "newssearch_words";

/// Registers the three analyzers under their names.
pub fn register(manager: &TokenizerManager, segmenter: Arc<Segmenter>) {
    manager.register(UNIGRAMS, UnigramTokenizer);
    manager.register(BIGRAMS, BigramTokenizer);
    manager.register(WORDS, WordTokenizer::new(segmenter));
}
