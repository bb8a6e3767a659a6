//! Snippets: sentence-cut windows of the original text with every match highlighted.

use std::ops::Range;

use crate::analysis::{Normalized, Unit, UnitKind, is_word_char, keeps_han_and_spaces, units};

/// A piece of a post's text with highlighted matches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snippet {
    /// The original text of the fragment; `…` marks where it was cut inside a sentence.
    pub text: String,
    /// Byte ranges of `text` to highlight, in order, not overlapping.
    pub highlights: Vec<Range<usize>>,
}

impl Snippet {
    /// The fragment as HTML: the post text escaped (a `<script>` in a post never comes out
    /// live), every highlight wrapped in `<mark>`.
    pub fn to_html(&self) -> String {
        highlight_html(&self.text, &self.highlights)
    }
}

/// `text` as escaped HTML with `ranges` (byte ranges, ordered, not overlapping) in `<mark>`.
pub fn highlight_html(text: &str, ranges: &[Range<usize>]) -> String {
    let mut html = String::with_capacity(text.len() + ranges.len() * 13);
    let mut at = 0;
    for range in ranges {
        html_escape::encode_text_to_string(&text[at..range.start], &mut html);
        html.push_str("<mark>");
        html_escape::encode_text_to_string(&text[range.clone()], &mut html);
        html.push_str("</mark>");
        at = range.end;
    }
    html_escape::encode_text_to_string(&text[at..], &mut html);
    html
}

/// How snippets are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnippetOptions {
    /// Longest fragment, in characters.
    pub max_chars: usize,
    /// Most fragments a hit; 0 skips snippets (and reading the body) altogether.
    pub max_fragments: usize,
}

impl Default for SnippetOptions {
    fn default() -> SnippetOptions {
        SnippetOptions {
            max_chars: 90,
            max_fragments: 3,
        }
    }
}

/// Sentence-ending punctuation: what [`sentence_end_at`] finds, one character at a time.
#[cfg(test)]
fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n')
}

/// Where needles occur in a text: a byte range (overlapping and touching occurrences merged)
/// and which needles occur in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Byte range of the text.
    pub range: Range<usize>,
    /// Bit `i` is set when needle `i` occurs in the range (needles from the 64th on share bit
    /// 63).
    pub needles: u64,
}

impl Match {
    /// Whether needle `i` occurs in the range (for needles from the 64th on: whether any of
    /// them does).
    pub fn holds(&self, i: usize) -> bool {
        self.needles & needle_bit(i) != 0
    }
}

fn needle_bit(i: usize) -> u64 {
    1 << i.min(63)
}

/// Byte ranges of `text` where any of `needles` (normalised strings) occurs, matched on units
/// exactly as the index matches them; overlapping and touching matches are merged.
///
/// Each needle's first unit is searched for in the normalised text (a substring search), and
/// only there are the following units compared, skipping white space between units as the
/// index does: no unit list of the whole text is built. When every needle is made of Han
/// characters and normalising `text` would change none of its Han characters or spaces (most
/// news text: only its full-width punctuation and Latin letters change), the original text is
/// searched as it is, without normalising it.
pub fn find_matches(text: &str, needles: &[String]) -> Vec<Range<usize>> {
    find_needles(text, needles)
        .into_iter()
        .map(|m| m.range)
        .collect()
}

/// [`find_matches`], telling which needles occur in each range: what [`snippets`] chooses its
/// fragments by.
pub fn find_needles(text: &str, needles: &[String]) -> Vec<Match> {
    find_needles_in(text, needles, || keeps_han_and_spaces(text))
}

/// [`find_needles`] in a text whose [`keeps_han_and_spaces`] is already known (`plain`), as
/// the index records it for every body.
pub fn find_needles_plain(text: &str, needles: &[String], plain: bool) -> Vec<Match> {
    find_needles_in(text, needles, || plain)
}

fn find_needles_in(text: &str, needles: &[String], plain: impl FnOnce() -> bool) -> Vec<Match> {
    // A needle with no units finds nothing, but keeps its number.
    let needles: Vec<Vec<Unit<'_>>> = needles.iter().map(|n| units(n)).collect();
    if needles.iter().all(Vec::is_empty) {
        return Vec::new();
    }
    let han_only = needles
        .iter()
        .all(|n| n.iter().all(|u| u.kind == UnitKind::Han));
    if han_only && plain() {
        return merge(matches_in(text, &needles));
    }
    find_needles_normalized(text, &needles)
}

/// [`find_needles`] on the normalised text, mapped back to the original.
fn find_needles_normalized(text: &str, needles: &[Vec<Unit<'_>>]) -> Vec<Match> {
    let normalized = Normalized::new(text);
    let folded = normalized.as_str();
    let found = matches_in(folded, needles);
    // Byte offsets in the normalised text → character indices → original byte ranges, counting
    // characters once from one match start to the next.
    let (mut byte, mut char_index) = (0, 0);
    let original = found
        .into_iter()
        .map(|Match { range, needles }| {
            char_index += folded[byte..range.start].chars().count();
            byte = range.start;
            let end = char_index + folded[range].chars().count();
            Match {
                range: normalized.original_range(char_index..end),
                needles,
            }
        })
        .collect();
    merge(original)
}

/// Where in `folded` a needle's units occur, sorted, each with its needle's bit.
fn matches_in(folded: &str, needles: &[Vec<Unit<'_>>]) -> Vec<Match> {
    let mut found: Vec<Match> = Vec::new();
    for (i, needle) in needles.iter().enumerate() {
        let Some(first) = needle.first() else {
            continue;
        };
        for start in memchr::memmem::find_iter(folded.as_bytes(), first.text.as_bytes()) {
            // Both are UTF-8, so a match of the whole first unit starts on a character boundary.
            let inside_word = first.kind == UnitKind::Word
                && folded[..start]
                    .chars()
                    .next_back()
                    .is_some_and(is_word_char);
            if !inside_word && let Some(end) = units_at(folded, start, needle) {
                found.push(Match {
                    range: start..end,
                    needles: needle_bit(i),
                });
            }
        }
    }
    found.sort_by_key(|m| (m.range.start, m.range.end));
    found
}

/// The end (a byte offset in `folded`) of `needle`'s units when they occur in `folded` from
/// `start` on: each unit in turn, white space allowed between them, words whole.
fn units_at(folded: &str, start: usize, needle: &[Unit<'_>]) -> Option<usize> {
    let mut at = start;
    for (i, unit) in needle.iter().enumerate() {
        if i > 0 {
            let rest = &folded[at..];
            at += rest.len() - rest.trim_start().len();
        }
        if !folded[at..].starts_with(unit.text) {
            return None;
        }
        at += unit.text.len();
        if unit.kind == UnitKind::Word && folded[at..].chars().next().is_some_and(is_word_char) {
            return None;
        }
    }
    Some(at)
}

fn merge(mut found: Vec<Match>) -> Vec<Match> {
    found.sort_by_key(|m| (m.range.start, m.range.end));
    let mut merged: Vec<Match> = Vec::with_capacity(found.len());
    for m in found {
        match merged.last_mut() {
            Some(last) if m.range.start <= last.range.end => {
                last.range.end = last.range.end.max(m.range.end);
                last.needles |= m.needles;
            }
            _ => merged.push(m),
        }
    }
    merged
}

/// Cuts up to `max_fragments` fragments from `text` around `matches` (from [`find_needles`]).
/// With no matches, the opening of the text.
///
/// The fragments show as many of the needles as they can: each is the sentence holding the
/// most needles no earlier fragment shows, then the most matches, then the earliest; they come
/// out in text order. A post found for `新能源汽车 出口` whose every sentence but one speaks of
/// 新能源汽车 shows the one with 出口 too. Only the sentences that hold a match are looked for
/// (from each match back and forward to the nearest sentence end), so the cost grows with the
/// matches, not with the length of the text.
pub fn snippets(text: &str, matches: &[Match], options: SnippetOptions) -> Vec<Snippet> {
    if matches.is_empty() {
        return first_sentence(text)
            .map(|s| vec![fragment(text, s, &[], 0, options.max_chars)])
            .unwrap_or_default();
    }
    // The sentences holding matches, in text order, with how many matches and which needles
    // each holds.
    let mut held: Vec<(Range<usize>, usize, u64)> = Vec::new();
    for m in matches {
        match held.last_mut() {
            Some((sentence, n, needles)) if m.range.start < sentence.end => {
                *n += 1;
                *needles |= m.needles;
            }
            _ => {
                if let Some(sentence) = trimmed(text, sentence_at(text, m.range.start)) {
                    held.push((sentence, 1, m.needles));
                }
            }
        }
    }
    let mut chosen: Vec<(usize, u64)> = Vec::new(); // (sentence, the needles it adds)
    let mut shown = 0u64;
    while chosen.len() < options.max_fragments.max(1) {
        let best = (0..held.len())
            .filter(|i| chosen.iter().all(|(c, _)| c != i))
            .max_by_key(|&i| {
                let (_, n, needles) = held[i];
                ((needles & !shown).count_ones(), n, std::cmp::Reverse(i))
            });
        let Some(best) = best else { break };
        chosen.push((best, held[best].2 & !shown));
        shown |= held[best].2;
    }
    chosen.sort_unstable();
    chosen
        .into_iter()
        .map(|(i, adds)| fragment(text, held[i].0.clone(), matches, adds, options.max_chars))
        .collect()
}

/// The byte range of the sentence around byte `at`: from just after the sentence end before it
/// to its own sentence end (included), or the edges of the text. Scans bytes, not characters.
fn sentence_at(text: &str, at: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let start = (0..at)
        .rev()
        .find(|&i| ENDS_WITH[usize::from(bytes[i])] && sentence_end_at(bytes, i).is_some())
        .map_or(0, |i| i + 1);
    let end = (at..bytes.len())
        .find(|&i| {
            ENDS_WITH[usize::from(bytes[i])]
                && sentence_end_at(bytes, i).is_some_and(|first| first >= at)
        })
        .map_or(bytes.len(), |i| i + 1);
    start..end
}

/// The bytes a sentence end can end with (see [`sentence_end_at`]): a table lookup lets the
/// scan pass over every other byte with one load and one test.
const ENDS_WITH: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    let last = [b'!', b'?', b';', b'\n', 0x82, 0x81, 0x9F, 0x9B];
    while i < last.len() {
        table[last[i] as usize] = true;
        i += 1;
    }
    table
};

/// Where the sentence end (`。！？；!?;` or a line break) whose last byte is `bytes[i]` starts,
/// if one ends there. In UTF-8 a byte below 0x80 is a whole character and the last byte of a
/// three-byte character follows its two others, so no character is decoded.
fn sentence_end_at(bytes: &[u8], i: usize) -> Option<usize> {
    let before = |lead: [u8; 2]| i >= 2 && bytes[i - 2..i] == lead;
    match bytes[i] {
        b'!' | b'?' | b';' | b'\n' => Some(i),
        0x82 if before([0xE3, 0x80]) => Some(i - 2), // 。
        0x81 | 0x9F | 0x9B if before([0xEF, 0xBC]) => Some(i - 2), // ！？；
        _ => None,
    }
}

/// The first sentence of `text` with anything in it.
fn first_sentence(text: &str) -> Option<Range<usize>> {
    let mut at = 0;
    while at < text.len() {
        let sentence = sentence_at(text, at);
        at = sentence.end;
        if let Some(s) = trimmed(text, sentence) {
            return Some(s);
        }
    }
    None
}

/// `range` without the white space around it; `None` when nothing is left.
fn trimmed(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let s = &text[range.clone()];
    let start = range.start + (s.len() - s.trim_start().len());
    let end = range.end - (s.len() - s.trim_end().len());
    (start < end).then_some(start..end)
}

/// One fragment: the sentence, or a `max_chars` window of it around its first match of a
/// needle in `adds` (the needles it was chosen to show), or else its first match.
fn fragment(
    text: &str,
    sentence: Range<usize>,
    matches: &[Match],
    adds: u64,
    max_chars: usize,
) -> Snippet {
    let inside: Vec<&Match> = matches
        .iter()
        .filter(|m| sentence.contains(&m.range.start))
        .collect();
    let anchor_at = inside
        .iter()
        .find(|m| m.needles & adds != 0)
        .or(inside.first())
        .map(|m| m.range.start);
    let count = text[sentence.clone()].chars().count();
    let (mut first, mut last) = (0, count);
    let (mut start, mut end) = (sentence.start, sentence.end);
    if count > max_chars {
        // Start a quarter window before the first match, then fill the window.
        let chars: Vec<usize> = text[sentence.clone()]
            .char_indices()
            .map(|(i, _)| sentence.start + i)
            .chain([sentence.end])
            .collect();
        let anchor = anchor_at.map_or(0, |at| chars.partition_point(|&b| b < at));
        first = anchor.saturating_sub(max_chars / 4).min(count - max_chars);
        last = first + max_chars;
        (start, end) = (chars[first], chars[last]);
    }
    let mut snippet = Snippet::default();
    if first > 0 {
        snippet.text.push('…');
    }
    let base = snippet.text.len();
    snippet.text.push_str(&text[start..end]);
    if last < count {
        snippet.text.push('…');
    }
    for m in inside {
        let (from, to) = (m.range.start.max(start), m.range.end.min(end));
        if from < to {
            snippet
                .highlights
                .push(from - start + base..to - start + base);
        }
    }
    snippet
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Searching the original text (the fast path) finds exactly what searching the
        /// normalised text finds, whenever the fast path is taken; texts mix simplified and
        /// traditional characters, full-width forms, spaces of several kinds, Latin letters and
        /// characters that normalise to Han or to nothing.
        #[test]
        fn original_text_search_agrees_with_normalised(
            text in proptest::collection::vec(proptest::sample::select(vec![
                "数", "字", "化", "數", "經", "济", "，", "。", "Ａ", "a", "G", "　", " ",
                "\u{a0}", "\n", "㊣", "正", "\u{f900}", "\u{ad}", "…", "5", "⑴",
            ]), 0..40).prop_map(|parts| parts.concat()),
            needle in proptest::sample::select(vec!["数字", "数字化", "字化", "正", "济数", "化"]),
        ) {
            let needles = vec![units(needle)];
            let slow = find_needles_normalized(&text, &needles);
            prop_assert_eq!(find_needles(&text, &[needle.to_owned()]), slow.clone());
            if keeps_han_and_spaces(&text) {
                prop_assert_eq!(merge(matches_in(&text, &needles)), slow);
            }
        }
    }

    /// The byte scan for sentence ends agrees with [`ends_sentence`] for every character of the
    /// Basic Multilingual Plane, alone and between other characters.
    #[test]
    fn sentence_ends_are_found_on_bytes_as_on_characters() {
        for c in (0..0x10000).filter_map(char::from_u32) {
            let text = format!("中{c}文");
            let (start, end) = ("中".len(), "中".len() + c.len_utf8());
            let found: Vec<usize> = (0..text.len())
                .filter_map(|i| sentence_end_at(text.as_bytes(), i))
                .collect();
            let expected: Vec<usize> = if ends_sentence(c) {
                vec![start]
            } else {
                vec![]
            };
            assert_eq!(found, expected, "{c:?}");
            if ends_sentence(c) {
                assert_eq!(sentence_at(&text, 0), 0..end);
                assert_eq!(sentence_at(&text, end), end..text.len());
            }
        }
    }

    /// Every sentence of `text`, the obvious way: split after each sentence end, trimmed.
    fn all_sentences(text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if ends_sentence(c) {
                out.extend(trimmed(text, start..i + c.len_utf8()));
                start = i + c.len_utf8();
            }
        }
        out.extend(trimmed(text, start..text.len()));
        out
    }

    proptest! {
        /// Looking for sentences from the matches picks the fragments a scan of every sentence
        /// picks: one at a time, the sentence showing the most needles not yet shown, then the
        /// one with the most matches, then the earliest; in text order.
        #[test]
        fn fragments_are_the_sentences_showing_most_needles_then_most_matches(
            text in proptest::collection::vec(proptest::sample::select(vec![
                "数字", "化", "经济", "。", "！", "\n", " ", "　", "a", "；", "出口",
            ]), 0..60).prop_map(|parts| parts.concat()),
            needles in proptest::sample::subsequence(vec!["数字", "数字化", "经济", "化", "出口"], 1..4),
            max_fragments in 1usize..4,
        ) {
            let options = SnippetOptions { max_chars: 1000, max_fragments };
            let needles: Vec<String> = needles.iter().map(|n| n.to_string()).collect();
            let matches = find_needles(&text, &needles);
            let sentences = all_sentences(&text);
            let inside = |i: usize| {
                let s: &Range<usize> = &sentences[i];
                matches.iter().filter(move |m| s.contains(&m.range.start))
            };
            let count = |i: usize| inside(i).count();
            let shows = |i: usize| inside(i).fold(0, |all, m| all | m.needles);
            let mut chosen: Vec<usize> = Vec::new();
            let mut shown = 0u64;
            for _ in 0..max_fragments {
                let mut best: Option<usize> = None;
                for i in (0..sentences.len()).filter(|&i| count(i) > 0 && !chosen.contains(&i)) {
                    let key = |i: usize| ((shows(i) & !shown).count_ones(), count(i));
                    if best.is_none_or(|b| key(i) > key(b)) {
                        best = Some(i);
                    }
                }
                let Some(best) = best else { break };
                chosen.push(best);
                shown |= shows(best);
            }
            chosen.sort();
            let mut expected: Vec<String> =
                chosen.iter().map(|&i| text[sentences[i].clone()].to_owned()).collect();
            if matches.is_empty() {
                expected = sentences.first().map(|s| text[s.clone()].to_owned()).into_iter().collect();
            }
            let got: Vec<String> =
                snippets(&text, &matches, options).into_iter().map(|s| s.text).collect();
            prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn the_original_is_searched_only_when_normalising_keeps_han_and_spaces() {
        for text in ["数字化，ＧＤＰ增长５％", "数字　化", "AI 芯片…", ""] {
            assert!(keeps_han_and_spaces(text), "{text}");
        }
        // Traditional characters, compatibility and circled ideographs.
        for text in ["數字化", "数字\u{f900}", "㊣"] {
            assert!(!keeps_han_and_spaces(text), "{text}");
        }
    }

    fn marked(snippet: &Snippet) -> String {
        let mut out = String::new();
        let mut at = 0;
        for h in &snippet.highlights {
            out.push_str(&snippet.text[at..h.start]);
            out.push('[');
            out.push_str(&snippet.text[h.clone()]);
            out.push(']');
            at = h.end;
        }
        out.push_str(&snippet.text[at..]);
        out
    }

    fn cut(text: &str, needles: &[&str], max_chars: usize) -> Vec<String> {
        let needles: Vec<String> = needles.iter().map(|n| n.to_string()).collect();
        let matches = find_needles(text, &needles);
        let options = SnippetOptions {
            max_chars,
            max_fragments: 3,
        };
        snippets(text, &matches, options)
            .iter()
            .map(marked)
            .collect()
    }

    #[test]
    fn table() {
        let table: &[(&str, &[&str], usize, &[&str])] = &[
            // whole phrases, touching matches merged
            (
                "推动新能源汽车出口。其他句子。",
                &["新能源汽车", "出口"],
                90,
                &["推动[新能源汽车出口]。"],
            ),
            // highlights land on the original, full-width and traditional text
            (
                "今年ＧＤＰ增長５%。",
                &["gdp", "增长"],
                90,
                &["今年[ＧＤＰ增長]５%。"],
            ),
            // whole words only
            ("He said AI芯片。", &["ai"], 90, &["He said [AI]芯片。"]),
            // several fragments, in text order, sentences without matches left out
            (
                "甲有数字化。乙无。丙也有数字化！",
                &["数字化"],
                90,
                &["甲有[数字化]。", "丙也有[数字化]！"],
            ),
            // long sentences are cut by characters around the match
            (
                "一二三四五六七八九十数字化一二三四五六七八九十。",
                &["数字化"],
                8,
                &["…九十[数字化]一二三…"],
            ),
            // no match: the opening sentence
            ("第一句。第二句。", &["无"], 90, &["第一句。"]),
            // every needle shown before a sentence with more matches of needles already shown
            (
                "新能源汽车多，新能源汽车好。新能源汽车新。新能源汽车强。出口汽车增长。",
                &["新能源", "汽车", "新能源汽车", "出口"],
                90,
                &[
                    "[新能源汽车]多，[新能源汽车]好。",
                    "[新能源汽车]新。",
                    "[出口汽车]增长。",
                ],
            ),
            // a long sentence chosen for a needle is cut around that needle
            (
                "数字化，经济。数字化一二三四五六七八九十一二三四五六七八九十出口。",
                &["数字化", "经济", "出口"],
                8,
                &["[数字化]，[经济]。", "…六七八九十[出口]。"],
            ),
        ];
        for (text, needles, max, expected) in table {
            assert_eq!(cut(text, needles, *max), *expected, "{text}");
        }
    }

    /// Every sentence end is found by the byte scan and its table, and nothing else is.
    #[test]
    fn sentence_ends_are_found_through_the_table() {
        for end in ["。", "！", "？", "；", "!", "?", ";", "\n"] {
            let text = format!("甲一{end}乙二");
            let at = text.find('乙').unwrap();
            assert_eq!(sentence_at(&text, at), at..text.len(), "{end:?}");
            assert_eq!(sentence_at(&text, 0), 0..at, "{end:?}");
        }
        // Characters sharing a sentence end's last byte (。 and 傂 end in 0x82) are not ends.
        let text = "甲傂乙，丙";
        assert_eq!(sentence_at(text, text.find('丙').unwrap()), 0..text.len());
    }

    #[test]
    fn html_rendering_escapes_the_post_text() {
        let text = "<script>alert(1)</script>数字化&更多";
        let matches = find_needles(text, &["数字化".to_owned()]);
        let snippet = &snippets(text, &matches, SnippetOptions::default())[0];
        assert_eq!(
            snippet.to_html(),
            "&lt;script&gt;alert(1)&lt;/script&gt;<mark>数字化</mark>&amp;更多"
        );
    }

    #[test]
    fn matches_follow_units_across_spaces_and_respect_whole_words() {
        let table: &[(&str, &str, &[&str])] = &[
            // white space between units is skipped, as the index skips it
            ("加沙地带 哈马斯", "加沙地带哈马斯", &["加沙地带 哈马斯"]),
            ("ai  5g手机", "ai 5g", &["ai  5g"]),
            // a word matches whole, at both ends
            ("said ai5 ai", "ai", &["ai"]),
            ("5g手机 c5g", "5g", &["5g"]),
            ("gdp增长", "gdp增长", &["gdp增长"]),
            ("gdpx增长", "gdp增长", &[]),
            // full-width and traditional text found by the normalised needle
            ("ＧＤＰ增長", "gdp增长", &["ＧＤＰ增長"]),
            // symbols are units of their own
            ("增长9.8%，", "9.8%", &["9.8%"]),
            ("增长19.8%，", "9.8%", &[]),
        ];
        for (text, needle, expected) in table {
            let found: Vec<&str> = find_matches(text, &[needle.to_string()])
                .into_iter()
                .map(|r| &text[r])
                .collect();
            assert_eq!(found, *expected, "{needle:?} in {text:?}");
        }
    }

    #[test]
    fn every_occurrence_is_highlighted() {
        let out = cut(
            "数字化转型，数字化不是目的，数字化是手段。",
            &["数字化"],
            90,
        );
        assert_eq!(out, ["[数字化]转型，[数字化]不是目的，[数字化]是手段。"]);
    }
}
