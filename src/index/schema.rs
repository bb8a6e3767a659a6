//! The index schema: unit fields for matching (and body scoring), title words for ranking.

use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED,
    STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::{BIGRAMS, UNIGRAMS, WORDS};

/// The schema version; an index of another version must be rebuilt.
pub const FORMAT_VERSION: u32 = 8;

/// Handles of every field in the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The file's absolute path: the key for incremental updates.
    pub key: Field,
    /// The path as found under the folder given to `index`.
    pub path: Field,
    /// Title as written (stored, not indexed).
    pub title_text: Field,
    /// The words of the title's headline (its column name left out), space separated, for the
    /// title focus (stored, not indexed).
    pub title_words: Field,
    /// Title jieba words. Before `title_bi`: the bigram analyzer counts the words the word
    /// analyzer cut (see `analysis::Prepared::count_words`).
    pub title: Field,
    /// Title Latin/digit words.
    pub title_uni: Field,
    /// Title unit bigrams with positions.
    pub title_bi: Field,
    /// Body text (stored, not indexed). Bodies are matched and scored on their bigrams; only
    /// their leads are cut into jieba words, for the vocabulary.
    pub body_text: Field,
    /// Whether normalising the body changes none of its Han characters and white space
    /// ([`keeps_han_and_spaces`](crate::analysis::keeps_han_and_spaces)), worked out once at
    /// index time so that snippets need not scan the body to know they may search it as it is.
    pub body_plain: Field,
    /// Body Latin/digit words.
    pub body_uni: Field,
    /// Body unit bigrams with positions.
    pub body_bi: Field,
    /// Publication date (UTC, seconds).
    pub date: Field,
    /// Publication date as RFC 3339 with the post's own offset.
    pub date_text: Field,
    /// `yyyymm` in the post's own time zone, for the month histogram.
    pub month: Field,
    /// `/category` facets.
    pub category: Field,
    /// `/tag` facets.
    pub tag: Field,
    /// Source URL.
    pub url: Field,
    /// Source named in the post.
    pub source: Field,
    /// File modification time (ns since the epoch) when indexed.
    pub mtime: Field,
    /// File size when indexed.
    pub size: Field,
    /// Fingerprint of the normalised body, for collapsing reprints.
    pub fingerprint: Field,
}

fn text(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    )
}

/// Builds the schema and its field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words = text(WORDS, IndexRecordOption::WithFreqs);
    let uni = text(UNIGRAMS, IndexRecordOption::WithFreqs);
    let bi = text(BIGRAMS, IndexRecordOption::WithFreqsAndPositions);
    let fields = Fields {
        key: b.add_text_field("key", STRING | FAST),
        path: b.add_text_field("path", STRING | STORED | FAST),
        title_text: b.add_text_field("title_text", STORED),
        title_words: b.add_text_field("title_words", STORED),
        title: b.add_text_field("title", words),
        title_uni: b.add_text_field("title_uni", uni.clone()),
        title_bi: b.add_text_field("title_bi", bi.clone()),
        body_text: b.add_text_field("body_text", STORED),
        body_plain: b.add_bool_field("body_plain", STORED),
        body_uni: b.add_text_field("body_uni", uni),
        body_bi: b.add_text_field("body_bi", bi),
        date: b.add_date_field(
            "date",
            DateOptions::from(INDEXED | FAST).set_precision(DateTimePrecision::Seconds),
        ),
        date_text: b.add_text_field("date_text", STORED),
        month: b.add_u64_field("month", FAST),
        category: b.add_facet_field("category", FacetOptions::default().set_stored()),
        tag: b.add_facet_field("tag", FacetOptions::default().set_stored()),
        url: b.add_text_field("url", STORED),
        source: b.add_text_field("source", STORED),
        mtime: b.add_i64_field("mtime", FAST),
        size: b.add_u64_field("size", FAST),
        fingerprint: b.add_u64_field("fingerprint", FAST),
    };
    (b.build(), fields)
}

/// Field handles of an existing index's schema, if it is this version's schema.
pub fn fields_of(schema: &Schema) -> Option<Fields> {
    let (expected, fields) = build();
    let same = serde_json::to_value(schema).ok() == serde_json::to_value(&expected).ok();
    same.then_some(fields)
}
