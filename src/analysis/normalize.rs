//! Normalisation: NFKC (full-width → half-width), lower case, traditional → simplified, and
//! invisible characters (zero-width spaces and joiners, soft hyphens, variation selectors:
//! Unicode's default-ignorable code points) dropped.
//!
//! Every step maps one character at a time (traditional → simplified through a table derived
//! from `fast2s` at build time), so the same text normalises the same way wherever it occurs.
//!
//! Normalisation never moves offsets: every normalised character remembers the byte range of the
//! original character it came from, so matches are highlighted on the original text.

use std::borrow::Cow;
use std::ops::Range;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use super::units::is_han;

include!(concat!(env!("OUT_DIR"), "/t2s.rs"));

/// Text after normalisation, with the way back to the original.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    text: String,
    /// For each character of `text`, the byte range of the original character it came from.
    origins: Vec<Range<u32>>,
}

impl Normalized {
    /// Normalises `original`.
    pub fn new(original: &str) -> Normalized {
        let mut normalized = Normalized::default();
        normalized.refill(original);
        normalized
    }

    /// Normalises `original` in place of the text held, reusing its memory.
    pub fn refill(&mut self, original: &str) {
        let folded = &mut self.text;
        let origins = &mut self.origins;
        folded.clear();
        folded.reserve(original.len());
        origins.clear();
        origins.reserve(original.len() / 2);
        // Characters that fold to themselves are copied a run at a time.
        let mut unchanged_from = 0;
        for (start, c) in original.char_indices() {
            let range = start as u32..(start + c.len_utf8()) as u32;
            if folds_to_itself(c) {
                origins.push(range);
                continue;
            }
            folded.push_str(&original[unchanged_from..start]);
            unchanged_from = range.end as usize;
            fold_changed(c, |out| {
                folded.push(out);
                origins.push(range.clone());
            });
        }
        folded.push_str(&original[unchanged_from..]);
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The original byte range covered by normalised characters `chars` (character indices).
    pub fn original_range(&self, chars: Range<usize>) -> Range<usize> {
        if chars.is_empty() {
            let at = self
                .origins
                .get(chars.start)
                .map_or_else(|| self.origins.last().map_or(0, |r| r.end), |r| r.start);
            return at as usize..at as usize;
        }
        self.origins[chars.start].start as usize..self.origins[chars.end - 1].end as usize
    }
}

/// Normalises a short string (a query word), without keeping the way back.
pub fn normalize(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    fold_each(text, |c| folded.push(c));
    folded
}

/// `text` without its invisible characters (Unicode's default-ignorable code points, which
/// normalisation drops): what a query is parsed from, so that a zero-width space pasted between
/// two words is not a clause of nothing.
pub fn without_invisible(text: &str) -> Cow<'_, str> {
    if text.chars().all(|c| folds_to_itself(c) || !is_ignorable(c)) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| !is_ignorable(c)).collect())
    }
}

/// Calls `f` with each character of `text` normalised, in order: [`normalize`] without the
/// string.
pub(crate) fn fold_each(text: &str, mut f: impl FnMut(char)) {
    for c in text.chars() {
        fold_char(c, &mut f);
    }
}

/// Whether normalising `text` changes none of its Han characters and white space: every
/// character that normalises to something else becomes characters that are neither Han nor
/// (unless it was white space itself) white space, and none vanishes. Han strings then occur
/// in `text` exactly where they occur in its normalised form, with the same spaces between.
pub fn keeps_han_and_spaces(text: &str) -> bool {
    text.chars().all(|c| {
        if folds_to_itself(c) {
            return true;
        }
        let space = c.is_whitespace();
        let mut any = false;
        let mut same_kind = true;
        fold_changed(c, |out| {
            any = true;
            same_kind &= !is_han(out) && out.is_whitespace() == space;
        });
        any && same_kind
    })
}

/// Most characters normalise to themselves, which one bit of a table built at compile time says
/// (see `build.rs`); the others are folded by [`fold_changed`].
fn fold_char(c: char, mut emit: impl FnMut(char)) {
    if folds_to_itself(c) {
        emit(c);
    } else {
        fold_changed(c, emit);
    }
}

/// Whether the compile-time table says `c` normalises to itself.
fn folds_to_itself(c: char) -> bool {
    let code = c as usize;
    code < 0x10000 && FOLDS_TO_ITSELF[code / 64] >> (code % 64) & 1 == 1
}

/// ASCII only needs lower-casing; Han characters only the traditional → simplified table (NFKC
/// leaves the unified ideographs alone). Invisible characters vanish. Everything else goes
/// through NFKC (skipped when the character is already in NFKC) and Unicode lower-casing.
fn fold_changed(c: char, mut emit: impl FnMut(char)) {
    if c.is_ascii() {
        emit(c.to_ascii_lowercase());
    } else if let Some(ascii) = full_width_ascii(c) {
        emit(ascii.to_ascii_lowercase());
    } else if ('\u{4e00}'..='\u{9fff}').contains(&c) {
        // Most characters are already simplified: one bit says so without a search.
        let i = c as usize - 0x4e00;
        let traditional = HAS_T2S[i / 64] >> (i % 64) & 1 == 1;
        emit(if traditional { simplified(c) } else { c });
    } else if is_ignorable(c) {
        // Shown as nothing, so searched as nothing.
    } else if is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes {
        for lower in c.to_lowercase() {
            emit(simplified(lower));
        }
    } else {
        for n in std::iter::once(c).nfkc() {
            for lower in n.to_lowercase() {
                emit(simplified(lower));
            }
        }
    }
}

/// The ASCII character a full-width form (`，`, `（`, `Ａ`, `５`) or the ideographic space stands
/// for: what NFKC makes of them, without its decomposition machinery, for the punctuation that
/// fills Chinese text.
fn full_width_ascii(c: char) -> Option<char> {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        '\u{3000}' => Some(' '),
        _ => None,
    }
}

/// Whether `c` is a default-ignorable code point: one a text shows as nothing (`U+200B` zero
/// width space, `U+200C` zero width non-joiner, `U+00AD` soft hyphen, `U+FEFF`, variation
/// selectors), which web pages leave inside words.
fn is_ignorable(c: char) -> bool {
    in_ranges(IGNORABLE, c)
}

/// Whether `c` wraps or ends a phrase rather than belonging to it: a bracket, a quotation mark
/// or sentence punctuation (Unicode's Ps, Pe, Pi and Pf categories, Quotation_Mark and
/// Terminal_Punctuation: `(` `)` `《` `》` `"` `“` `”` `。` `，` `、` `!`). `%`, `#`, `+`,
/// `-` and other symbols are not.
pub fn is_edge_punctuation(c: char) -> bool {
    in_ranges(EDGE_PUNCTUATION, c)
}

/// Whether one of the sorted inclusive `ranges` holds `c`.
fn in_ranges(ranges: &[(char, char)], c: char) -> bool {
    ranges
        .binary_search_by(|&(first, last)| {
            if last < c {
                std::cmp::Ordering::Less
            } else if first > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// The simplified form of a traditional character (any other character is returned as is).
fn simplified(c: char) -> char {
    T2S.binary_search_by_key(&c, |&(traditional, _)| traditional)
        .map_or(c, |i| T2S[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_case_and_script() {
        let table = [
            ("ＧＤＰ增长", "gdp增长"),
            ("５Ｇ网络", "5g网络"),
            ("數字經濟", "数字经济"),
            ("AI芯片", "ai芯片"),
            ("Ⅱ类", "ii类"),
            ("㈱会社", "(株)会社"),
            ("数\u{200b}字\u{200c}化", "数字化"),
            ("\u{feff}碳\u{00ad}中和\u{2060}", "碳中和"),
            ("葛\u{e0100}洲坝\u{fe0f}", "葛洲坝"),
        ];
        for (input, expected) in table {
            assert_eq!(normalize(input), expected, "{input}");
            assert_eq!(Normalized::new(input).as_str(), expected, "{input}");
        }
    }

    #[test]
    fn the_bitset_agrees_with_the_table() {
        for code in 0x4e00..=0x9fff {
            let c = char::from_u32(code).expect("a character");
            assert_eq!(normalize(&c.to_string()), simplified(c).to_string(), "{c}");
        }
        assert_eq!(normalize("經"), "经");
    }

    #[test]
    fn the_table_of_unchanged_characters_agrees_with_folding() {
        let mut unchanged = 0;
        for code in 0..0x10000_u32 {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let mut folded = Vec::new();
            fold_changed(c, |out| folded.push(out));
            // A set bit skips folding, so it must be right; a clear one only costs time.
            if folds_to_itself(c) {
                assert_eq!(folded, [c], "U+{code:04X} {c:?}");
                unchanged += 1;
            }
        }
        // Nearly all of the plane, punctuation and simplified characters included.
        assert!(unchanged > 50_000, "{unchanged}");
        for c in "。“”、数字a5".chars() {
            let code = c as usize;
            assert_eq!(FOLDS_TO_ITSELF[code / 64] >> (code % 64) & 1, 1, "{c}");
        }
    }

    #[test]
    fn full_width_forms_fold_as_nfkc_folds_them() {
        for c in ('\u{FF01}'..='\u{FF5E}').chain(['\u{3000}']) {
            let nfkc: String = std::iter::once(c).nfkc().collect();
            assert_eq!(normalize(&c.to_string()), nfkc.to_lowercase(), "{c}");
        }
        assert_eq!(full_width_ascii('，'), Some(','));
        assert_eq!(full_width_ascii('数'), None);
    }

    #[test]
    fn offsets_point_into_the_original() {
        let original = "數字ＧＤＰ㈱x";
        let n = Normalized::new(original);
        assert_eq!(n.as_str(), "数字gdp(株)x");
        assert_eq!(&original[n.original_range(0..2)], "數字");
        assert_eq!(&original[n.original_range(2..5)], "ＧＤＰ");
        assert_eq!(&original[n.original_range(6..7)], "㈱");
        assert_eq!(&original[n.original_range(8..9)], "x");
        assert_eq!(n.original_range(9..9), original.len()..original.len());
    }

    /// An invisible character inside a match is covered by the match's original range; the
    /// visible characters around it keep theirs.
    #[test]
    fn dropped_characters_fall_inside_the_ranges_around_them() {
        let original = "说数\u{200b}字化了";
        let n = Normalized::new(original);
        assert_eq!(n.as_str(), "说数字化了");
        assert_eq!(&original[n.original_range(1..4)], "数\u{200b}字化");
        assert_eq!(&original[n.original_range(2..3)], "字");
        assert!(!keeps_han_and_spaces(original));
        assert!(keeps_han_and_spaces("说数字化了"));
        for c in [
            '\u{200b}',
            '\u{200d}',
            '\u{00ad}',
            '\u{feff}',
            '\u{fe0f}',
            '\u{e0001}',
        ] {
            assert!(is_ignorable(c), "U+{:04X}", c as u32);
        }
        for c in ['a', ' ', '\u{3000}', '数', '\u{2028}', '。'] {
            assert!(!is_ignorable(c), "U+{:04X}", c as u32);
        }
        assert_eq!(without_invisible("数 \u{200b}字"), "数 字");
        assert!(matches!(
            without_invisible("數字 ＡＩ"),
            Cow::Borrowed("數字 ＡＩ")
        ));
    }

    #[test]
    fn edge_punctuation_is_brackets_quotes_and_sentence_marks() {
        for c in "()（）《》〈〉「」『』【】[]{}“”‘’\"。，、；：！？.,;:!?".chars()
        {
            assert!(is_edge_punctuation(c), "{c:?}");
        }
        for c in "%％#＃+-—*&@/_~·数aA5 \u{3000}".chars() {
            assert!(!is_edge_punctuation(c), "{c:?}");
        }
    }
}
