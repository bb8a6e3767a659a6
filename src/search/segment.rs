//! Query segmentation without loading jieba: the index's own word list is the dictionary.
//!
//! Titles and the leads of bodies are segmented by jieba at index time, and the index's
//! [`Vocabulary`] holds every word jieba found in them, with how many texts held it. A query is
//! cut by dynamic programming over those words, which agrees with how the posts were cut and
//! costs microseconds instead of jieba's 100–240 ms dictionary load.
//!
//! [`Vocabulary`]: crate::analysis::Vocabulary

use std::ops::Range;

/// The longest word tried, in characters.
const MAX_WORD_CHARS: usize = 8;

/// A constant cost per word, so that one known word beats the characters it is made of.
const WORD_PENALTY: f64 = 8.0;

/// Cuts a run of Han characters into words. `doc_freq` tells how many posts contain a word;
/// `total` is the number of posts. Returns character ranges.
pub fn segment_run(run: &str, total: u64, doc_freq: impl Fn(&str) -> u64) -> Vec<Range<usize>> {
    let bounds: Vec<usize> = run
        .char_indices()
        .map(|(i, _)| i)
        .chain([run.len()])
        .collect();
    let n = bounds.len() - 1;
    let total = (total + 1) as f64;
    // best[i]: the best cost of cutting the first i characters, and where its last word starts.
    let mut best: Vec<(f64, usize)> = vec![(f64::NEG_INFINITY, 0); n + 1];
    best[0] = (0.0, 0);
    for end in 1..=n {
        for start in end.saturating_sub(MAX_WORD_CHARS)..end {
            let df = doc_freq(&run[bounds[start]..bounds[end]]);
            if df == 0 && end - start > 1 {
                continue;
            }
            let score = best[start].0 + ((df + 1) as f64 / total).ln() - WORD_PENALTY;
            if score > best[end].0 {
                best[end] = (score, start);
            }
        }
    }
    let mut words = Vec::new();
    let mut end = n;
    while end > 0 {
        let start = best[end].1;
        words.push(start..end);
        end = start;
    }
    words.reverse();
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(run: &str, vocabulary: &[(&str, u64)]) -> Vec<String> {
        let chars: Vec<char> = run.chars().collect();
        segment_run(run, 10_000, |w| {
            vocabulary
                .iter()
                .find(|(v, _)| *v == w)
                .map_or(0, |(_, df)| *df)
        })
        .into_iter()
        .map(|r| chars[r].iter().collect())
        .collect()
    }

    #[test]
    fn known_words_win() {
        let vocabulary = [
            ("新能源", 200),
            ("汽车", 500),
            ("新能源汽车", 30),
            ("出口", 400),
        ];
        assert_eq!(cut("新能源汽车出口", &vocabulary), ["新能源汽车", "出口"]);
    }

    #[test]
    fn unknown_text_falls_back_to_characters() {
        assert_eq!(cut("泽连斯基", &[("连斯基", 5)]), ["泽", "连斯基"]);
        assert_eq!(cut("碳中和", &[]), ["碳", "中", "和"]);
    }

    #[test]
    fn frequent_characters_do_not_beat_a_word() {
        assert_eq!(
            cut("中国", &[("中", 9000), ("国", 9000), ("中国", 8000)]),
            ["中国"]
        );
    }
}
