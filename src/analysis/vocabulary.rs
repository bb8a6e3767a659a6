//! The words jieba found in the indexed titles and in the leads of the bodies, with how many
//! texts held each: the dictionary queries are cut with.
//!
//! A title's jieba words are indexed for ranking, and every one of them is counted here. Bodies
//! are matched and scored on unit bigrams; they are cut by jieba only for this count, and only
//! their first sentence or so (`LEAD_UNITS` in `stream.rs`): cutting whole bodies took a quarter
//! of the indexing time, and the words of headlines and leads, where news names what it is
//! about, are what queries are made of (`新能源汽车出口` is cut into `新能源汽车` and `出口`).
//! The user dictionary's words are counted wherever a body holds them, and a word new to the
//! dictionary over the posts indexed before it (`NewsIndex::learn_user_words`). How common a
//! word is in the whole bodies is read from the bigram index where ranking needs it (the title
//! focus). The counts are kept beside the index as a finite-state map (the `fst` crate): looked
//! up in well under a microsecond, read in a millisecond by a process that only searches.
//!
//! The counts are approximate by design: an updated post is counted again and a deleted one is
//! not taken off. They steer how a query is cut, which decides the words a bare query's posts
//! must hold; a post holding the query as typed matches whatever the cut.

use std::sync::Mutex;

use fst::{IntoStreamer, Streamer};
use rustc_hash::FxHashMap;

/// Words and how many texts held each.
#[derive(Clone)]
pub struct Vocabulary {
    map: fst::Map<Vec<u8>>,
}

impl std::fmt::Debug for Vocabulary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vocabulary")
            .field("words", &self.map.len())
            .finish()
    }
}

impl Default for Vocabulary {
    fn default() -> Vocabulary {
        Vocabulary::from_counts(Vec::new())
    }
}

impl Vocabulary {
    /// A vocabulary of these counts (each word once).
    pub fn from_counts(mut words: Vec<(Box<str>, u64)>) -> Vocabulary {
        words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let map = fst::Map::from_iter(words.iter().map(|(w, n)| (w.as_bytes(), *n)))
            .expect("keys are sorted and distinct");
        Vocabulary { map }
    }

    /// Reads a vocabulary written by [`Vocabulary::as_bytes`].
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Vocabulary, fst::Error> {
        Ok(Vocabulary {
            map: fst::Map::new(bytes)?,
        })
    }

    /// The serialised vocabulary.
    pub fn as_bytes(&self) -> &[u8] {
        self.map.as_fst().as_bytes()
    }

    /// How many texts held `word` (0 for a word never seen).
    pub fn doc_freq(&self, word: &str) -> u64 {
        self.map.get(word).unwrap_or(0)
    }

    /// Whether `word` is known, even with a count of 0 (a user dictionary's word no text held
    /// when it was learned: see [`NewsIndex::learn_user_words`](crate::NewsIndex::learn_user_words)).
    pub fn contains(&self, word: &str) -> bool {
        self.map.contains_key(word)
    }

    /// How many distinct words.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// No words at all.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// This vocabulary with `counts` (each word once) added.
    pub fn merged(&self, counts: Vec<(Box<str>, u64)>) -> Vocabulary {
        if counts.is_empty() {
            return self.clone();
        }
        let added = Vocabulary::from_counts(counts);
        if self.is_empty() {
            return added;
        }
        let mut builder = fst::MapBuilder::memory();
        let mut union = self.map.op().add(&added.map).union();
        while let Some((word, values)) = union.next() {
            let n = values.iter().map(|v| v.value).sum();
            builder
                .insert(word, n)
                .expect("a union streams keys in order");
        }
        let bytes = builder.into_inner().expect("writing to memory");
        Vocabulary::from_bytes(bytes).expect("just built")
    }

    /// Every word with its count, in byte order.
    pub fn words(&self) -> Vec<(String, u64)> {
        let mut out = Vec::with_capacity(self.map.len());
        let mut stream = self.map.stream().into_stream();
        while let Some((word, n)) = stream.next() {
            out.push((String::from_utf8_lossy(word).into_owned(), n));
        }
        out
    }
}

/// Words counted by the indexing threads since the last commit.
#[derive(Debug, Default)]
pub struct WordCounts {
    inner: Mutex<Counting>,
}

#[derive(Debug, Default)]
struct Counting {
    /// Each word's count, and the last text that counted it.
    words: FxHashMap<Box<str>, (u64, u64)>,
    texts: u64,
}

impl WordCounts {
    /// Counts the words of one text, each distinct word once.
    pub fn add_text<'a>(&self, words: impl IntoIterator<Item = &'a str>) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.texts += 1;
        let text = inner.texts;
        for word in words {
            match inner.words.get_mut(word) {
                Some((n, last)) => {
                    if *last != text {
                        *n += 1;
                        *last = text;
                    }
                }
                None => {
                    inner.words.insert(word.into(), (1, text));
                }
            }
        }
    }

    /// The counts so far, leaving none.
    pub fn take(&self) -> Vec<(Box<str>, u64)> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut inner.words)
            .into_iter()
            .map(|(word, (n, _))| (word, n))
            .collect()
    }

    /// Forgets the counts so far.
    pub fn clear(&self) {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .words
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_word_once_per_text_and_merges() {
        let counts = WordCounts::default();
        counts.add_text(["数字", "经济", "数字"]);
        counts.add_text(["数字"]);
        let vocabulary = Vocabulary::default().merged(counts.take());
        assert_eq!(vocabulary.doc_freq("数字"), 2);
        assert_eq!(vocabulary.doc_freq("经济"), 1);
        assert_eq!(vocabulary.doc_freq("金融"), 0);
        assert!(counts.take().is_empty(), "taking leaves nothing");

        counts.add_text(["金融", "数字"]);
        let vocabulary = vocabulary.merged(counts.take());
        assert_eq!(
            vocabulary.words(),
            [
                ("数字".to_owned(), 3),
                ("经济".to_owned(), 1),
                ("金融".to_owned(), 1)
            ]
        );
        let read = Vocabulary::from_bytes(vocabulary.as_bytes().to_vec()).unwrap();
        assert_eq!(read.words(), vocabulary.words());
        assert!(Vocabulary::from_bytes(b"not a vocabulary".to_vec()).is_err());
    }
}
