//! The words jieba found in the indexed texts, with how many texts held each: the dictionary
//! queries are cut with.
//!
//! Bodies are matched and scored on unit bigrams only, so their jieba words have no postings of
//! their own. They are still what a query should be cut into (`新能源汽车出口` into `新能源汽车`
//! and `出口`, although no title holds either), so indexing counts them here, and the counts are
//! kept beside the index as a finite-state map (the `fst` crate): looked up in well under a
//! microsecond, read in a millisecond by a process that only searches.
//!
//! The counts are approximate by design: an updated post is counted again and a deleted one is
//! not taken off. They only steer how a query is cut; which posts match never depends on them.

use std::sync::{Mutex, MutexGuard};

use fst::{IntoStreamer, Streamer};
use rustc_hash::FxHashMap;

/// Words and how many texts (titles and bodies) held each.
pub struct Vocabulary {
    map: fst::Map<Vec<u8>>,
    /// Counts already looked up by [`Vocabulary::doc_freq_cached`].
    cached: Mutex<FxHashMap<Box<str>, u64>>,
}

/// How many looked-up counts a vocabulary keeps before it starts again.
const CACHED_WORDS: usize = 1 << 16;

impl Clone for Vocabulary {
    fn clone(&self) -> Vocabulary {
        Vocabulary {
            map: self.map.clone(),
            cached: Mutex::default(),
        }
    }
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
        Vocabulary {
            map,
            cached: Mutex::default(),
        }
    }

    /// Reads a vocabulary written by [`Vocabulary::as_bytes`].
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Vocabulary, fst::Error> {
        Ok(Vocabulary {
            map: fst::Map::new(bytes)?,
            cached: Mutex::default(),
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

    /// [`Vocabulary::doc_freq`], remembered: for words looked up again and again, such as the
    /// words of the headlines that queries rank first (a lookup in the map walks a node per
    /// byte, about 1,700 instructions for a word of two characters; a remembered one, a tenth).
    pub fn doc_freq_cached(&self, word: &str) -> u64 {
        if let Some(n) = self.cache().get(word) {
            return *n;
        }
        // Looked up without the lock, so that other searches need not wait for it.
        let n = self.doc_freq(word);
        let mut cache = self.cache();
        if cache.len() >= CACHED_WORDS {
            cache.clear();
        }
        cache.insert(word.into(), n);
        n
    }

    fn cache(&self) -> MutexGuard<'_, FxHashMap<Box<str>, u64>> {
        self.cached.lock().unwrap_or_else(|e| e.into_inner())
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

    #[test]
    fn remembered_counts_are_the_counts_even_past_the_cache_size() {
        let words: Vec<(Box<str>, u64)> = (0..CACHED_WORDS as u64 + 10)
            .map(|i| (format!("词{i}").into(), i % 7 + 1))
            .collect();
        let vocabulary = Vocabulary::from_counts(words.clone());
        for _ in 0..2 {
            for (word, n) in words.iter().step_by(997).chain(words.last()) {
                assert_eq!(vocabulary.doc_freq_cached(word), *n, "{word}");
            }
            assert_eq!(vocabulary.doc_freq_cached("没有的词"), 0);
        }
        for (word, n) in &words {
            assert_eq!(vocabulary.doc_freq_cached(word), *n, "{word}");
        }
        assert!(vocabulary.cache().len() <= CACHED_WORDS);
        // A clone (a new generation's vocabulary is built, not cloned with its cache) starts empty.
        assert!(vocabulary.clone().cache().is_empty());
    }
}
