//! Word segmentation with jieba, loaded once per process and only when first needed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, OnceLock};

use aho_corasick::AhoCorasick;
use jieba_rs::Jieba;

use super::normalize::normalize;

/// A jieba segmenter with an optional user dictionary.
///
/// The 349,045-word dictionary takes 100–240 ms to load, so it is loaded on first use: a process
/// that only searches never pays for it.
#[derive(Debug)]
pub struct Segmenter {
    id: u64,
    /// The user dictionary's entries, their words normalised.
    user_entries: Vec<UserEntry>,
    /// A fingerprint of the user dictionary's text (`None` without one).
    fingerprint: Option<String>,
    jieba: OnceLock<Jieba>,
    /// The user dictionary's words, normalised, as one automaton (`None` without any), built
    /// on first use.
    user_words: OnceLock<Option<AhoCorasick>>,
}

impl Default for Segmenter {
    fn default() -> Segmenter {
        Segmenter::new(Vec::new())
    }
}

static DEFAULT: LazyLock<Arc<Segmenter>> = LazyLock::new(Arc::default);

/// One line of a user dictionary.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UserEntry {
    /// The word, normalised as the text jieba cuts is.
    word: String,
    /// Its frequency, when the line gives one.
    freq: Option<usize>,
    tag: Option<String>,
}

/// A user dictionary line that jieba cannot read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct DictError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

impl Segmenter {
    /// The shared segmenter with jieba's own dictionary.
    pub fn shared() -> Arc<Segmenter> {
        DEFAULT.clone()
    }

    /// A segmenter that adds the words of a user dictionary (jieba format: `word [freq] [tag]`
    /// a line, the frequency or both left out as jieba allows) to jieba's own. Blank lines, lines starting with `#` and a byte-order mark are
    /// passed over; words are normalised as the text they are found in is (`澤連斯基` is
    /// `泽连斯基`). A word without a frequency gets one that makes jieba cut it out, as jieba's
    /// own `add_word` without a frequency does.
    pub fn with_user_dict(text: &str) -> Result<Segmenter, DictError> {
        let mut entries = Vec::new();
        for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
            let mut fields = line.split_whitespace();
            let Some(word) = fields.next().filter(|w| !w.starts_with('#')) else {
                continue;
            };
            // `word freq tag`, `word freq`, `word tag` or `word`, as jieba reads them.
            let (freq, tag) = match (fields.next(), fields.next()) {
                (None, _) => (None, None),
                (Some(freq), tag) if freq.parse::<usize>().is_ok() => (freq.parse().ok(), tag),
                (Some(tag), None) if tag.chars().all(|c| c.is_ascii_alphabetic()) => {
                    (None, Some(tag))
                }
                (Some(freq), _) => {
                    return Err(DictError {
                        line: i + 1,
                        reason: format!("frequency {freq:?} is not a whole number"),
                    });
                }
            };
            let word = normalize(word);
            if !word.is_empty() {
                entries.push(UserEntry {
                    word,
                    freq,
                    tag: tag.map(str::to_owned),
                });
            }
        }
        let mut segmenter = Segmenter::new(entries);
        segmenter.fingerprint = Some(format!(
            "{:016x}",
            xxhash_rust::xxh3::xxh3_64(text.as_bytes())
        ));
        Ok(segmenter)
    }

    fn new(user_entries: Vec<UserEntry>) -> Segmenter {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Segmenter {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            user_entries,
            fingerprint: None,
            jieba: OnceLock::new(),
            user_words: OnceLock::new(),
        }
    }

    /// A number no other segmenter of this process has: what a cache of cut words is keyed by.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// A fingerprint of the user dictionary's text, as an index records which dictionary cut its
    /// words (`None` for jieba's own dictionary alone).
    pub fn dictionary_fingerprint(&self) -> Option<&str> {
        self.fingerprint.as_deref()
    }

    /// The jieba instance, loading it on first use.
    pub fn jieba(&self) -> &Jieba {
        self.jieba.get_or_init(|| {
            let mut jieba = Jieba::new();
            for entry in &self.user_entries {
                jieba.add_word(&entry.word, entry.freq, entry.tag.as_deref());
            }
            jieba
        })
    }

    /// Calls `f` with every occurrence in `text` (normalised) of a word of the user dictionary,
    /// overlapping ones included; nothing without a user dictionary. Finding them is a pass of
    /// one automaton over the text, far cheaper than cutting it with jieba.
    pub fn each_user_word<'t>(&self, text: &'t str, mut f: impl FnMut(&'t str)) {
        let Some(words) = self.user_automaton() else {
            return;
        };
        for found in words.find_overlapping_iter(text) {
            f(&text[found.range()]);
        }
    }

    /// The user dictionary's words, normalised, in its order (none without a dictionary).
    pub fn user_words(&self) -> Vec<String> {
        self.user_entries.iter().map(|e| e.word.clone()).collect()
    }

    fn user_automaton(&self) -> Option<&AhoCorasick> {
        self.user_words
            .get_or_init(|| {
                let words = self.user_words();
                // Only a pattern set too large for memory fails to build: such a dictionary
                // then only reaches jieba, not the counts.
                (!words.is_empty())
                    .then(|| AhoCorasick::new(&words).ok())
                    .flatten()
            })
            .as_ref()
    }

    /// Search-mode segmentation of a run of Han characters: every dictionary word, including
    /// the shorter words inside longer ones. Returns char ranges within `run`.
    pub fn cut_for_search(&self, run: &str) -> Vec<std::ops::Range<usize>> {
        let mut words = Vec::new();
        self.each_word(run, |chars, _| words.push(chars));
        words
    }

    /// [`Segmenter::cut_for_search`], calling `f` with each word's char and byte ranges
    /// within `run`.
    pub fn each_word(
        &self,
        run: &str,
        mut f: impl FnMut(std::ops::Range<usize>, std::ops::Range<usize>),
    ) {
        for token in self.jieba().cut_for_search(run, true) {
            f(token.start..token.end, token.byte_start..token.byte_end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(segmenter: &Segmenter, text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        segmenter
            .cut_for_search(text)
            .into_iter()
            .map(|r| chars[r].iter().collect())
            .collect()
    }

    #[test]
    fn search_mode_emits_inner_words() {
        let w = words(&Segmenter::shared(), "中华人民共和国");
        assert!(
            w.contains(&"中华".to_owned()) && w.contains(&"共和国".to_owned()),
            "{w:?}"
        );
    }

    #[test]
    fn user_dictionary_adds_words() {
        let plain = words(&Segmenter::shared(), "泽连斯基");
        assert!(!plain.contains(&"泽连斯基".to_owned()), "{plain:?}");
        let custom = Segmenter::with_user_dict("泽连斯基 1000 nr\n").unwrap();
        assert!(words(&custom, "泽连斯基").contains(&"泽连斯基".to_owned()));
    }

    #[test]
    fn user_words_are_found_in_normalised_text_overlapping_ones_too() {
        let found = |segmenter: &Segmenter, text: &str| {
            let mut words = Vec::new();
            segmenter.each_user_word(text, |w| words.push(w.to_owned()));
            words
        };
        assert!(found(&Segmenter::shared(), "泽连斯基").is_empty());
        // Written in traditional script and full width, found in normalised text.
        let custom = Segmenter::with_user_dict("澤連斯基 1000 nr\n连斯\nＡＩ芯片 5\n").unwrap();
        assert_eq!(
            found(&custom, "泽连斯基说，ai芯片和泽连斯基"),
            ["连斯", "泽连斯基", "ai芯片", "连斯", "泽连斯基"]
        );
    }

    /// A dictionary as people write them: a byte-order mark, Windows line ends, comments and
    /// blank lines, words without a frequency, words in traditional script.
    #[test]
    fn user_dictionary_lines_as_people_write_them() {
        let plain = words(&Segmenter::shared(), "智慧经营的企业");
        assert!(!plain.contains(&"智慧经营".to_owned()), "{plain:?}");
        let text = "\u{feff}# 人名\r\n\r\n澤連斯基 nr\r\n智慧经营\r\n  # 缩进的注释\r\n";
        let custom = Segmenter::with_user_dict(text).unwrap();
        assert_eq!(custom.user_words(), ["泽连斯基", "智慧经营"]);
        assert!(words(&custom, "智慧经营的企业").contains(&"智慧经营".to_owned()));
        assert!(words(&custom, "泽连斯基表示").contains(&"泽连斯基".to_owned()));
    }

    #[test]
    fn bad_user_dictionary_names_the_line() {
        let err = Segmenter::with_user_dict("好词 10\n好词 n\n坏词 很多\n").unwrap_err();
        assert_eq!(err.line, 3);
        let err = Segmenter::with_user_dict("坏词 n 10\n").unwrap_err();
        assert_eq!(err.line, 1, "a tag before a frequency");
    }
}
