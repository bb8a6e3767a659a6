//! Units: the characters and words that matching is built on.
//!
//! Every Han (or kana, hangul) character is a unit; a run of other letters and digits is one unit
//! (so `AI` never matches inside `said`); every other visible character is a unit of its own;
//! white space separates units and is not one. A query matches a post when its units occur in the
//! post consecutively, which is exactly "the post contains the query" after normalisation.

use std::ops::Range;

/// What a unit is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// One Han, kana or hangul character.
    Han,
    /// A run of letters and digits in other scripts (`gdp`, `c919`, `2023`).
    Word,
    /// One punctuation mark or symbol.
    Symbol,
}

/// One unit of normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit<'a> {
    /// The normalised text of the unit.
    pub text: &'a str,
    /// What it is made of.
    pub kind: UnitKind,
    /// Character indices in the normalised text.
    pub chars: Range<usize>,
    /// Byte offsets in the normalised text.
    pub bytes: Range<usize>,
}

/// Whether `c` is written without spaces between words, so each character is a unit.
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}'   // kana
        | '\u{3400}'..='\u{4dbf}' // CJK extension A
        | '\u{4e00}'..='\u{9fff}' // CJK unified ideographs
        | '\u{ac00}'..='\u{d7af}' // hangul syllables
        | '\u{f900}'..='\u{faff}' // compatibility ideographs
        | '\u{20000}'..='\u{3ffff}') // extensions B…
}

/// Whether `c` belongs to a word unit: a letter or digit of a script written with spaces.
pub fn is_word_char(c: char) -> bool {
    !is_han(c) && c.is_alphanumeric()
}

/// Splits normalised text into units.
pub fn units(text: &str) -> Vec<Unit<'_>> {
    let mut out = Vec::with_capacity(text.len() / 3 + 1);
    each_unit(text, |unit| out.push(unit));
    out
}

/// Calls `f` with each unit of normalised text, in order (what [`units`] collects).
pub fn each_unit<'a>(text: &'a str, mut f: impl FnMut(Unit<'a>)) {
    let mut word: Option<(usize, usize)> = None; // (byte start, char start) of the open word
    let mut char_index = 0;
    for (byte, c) in text.char_indices() {
        let in_word = is_word_char(c);
        if !in_word && let Some((start, first)) = word.take() {
            f(Unit {
                text: &text[start..byte],
                kind: UnitKind::Word,
                chars: first..char_index,
                bytes: start..byte,
            });
        }
        if in_word {
            word.get_or_insert((byte, char_index));
        } else if !c.is_whitespace() {
            f(Unit {
                text: &text[byte..byte + c.len_utf8()],
                kind: if is_han(c) {
                    UnitKind::Han
                } else {
                    UnitKind::Symbol
                },
                chars: char_index..char_index + 1,
                bytes: byte..byte + c.len_utf8(),
            });
        }
        char_index += 1;
    }
    if let Some((start, first)) = word {
        f(Unit {
            text: &text[start..],
            kind: UnitKind::Word,
            chars: first..char_index,
            bytes: start..text.len(),
        });
    }
}

/// The indexed term for two adjacent units. Words are joined with a space so that `a`+`bc` and
/// `ab`+`c` stay apart; two single characters are simply concatenated.
pub fn bigram(first: &Unit<'_>, second: &Unit<'_>) -> String {
    if first.kind == UnitKind::Word || second.kind == UnitKind::Word {
        format!("{} {}", first.text, second.text)
    } else {
        let mut term = String::with_capacity(first.text.len() + second.text.len());
        term.push_str(first.text);
        term.push_str(second.text);
        term
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        units(text).into_iter().map(|u| u.text).collect()
    }

    #[test]
    fn table() {
        let table: &[(&str, &[&str])] = &[
            ("碳中和", &["碳", "中", "和"]),
            ("ai芯片", &["ai", "芯", "片"]),
            ("ai 技术", &["ai", "技", "术"]),
            ("c919大飞机", &["c919", "大", "飞", "机"]),
            ("增长9.8%", &["增", "长", "9", ".", "8", "%"]),
            ("covid-19", &["covid", "-", "19"]),
            ("“数字经济”", &["“", "数", "字", "经", "济", "”"]),
            ("  ", &[]),
        ];
        for (input, expected) in table {
            assert_eq!(texts(input), *expected, "{input}");
        }
    }

    #[test]
    fn char_ranges_are_character_indices() {
        let text = "数字gdp 增长";
        let us = units(text);
        let chars: Vec<char> = text.chars().collect();
        for unit in &us {
            let s: String = chars[unit.chars.clone()].iter().collect();
            assert_eq!(s, unit.text);
        }
        assert_eq!(us[2].kind, UnitKind::Word);
    }

    #[test]
    fn bigrams_keep_words_apart() {
        let a = units("a bc");
        let b = units("ab c");
        assert_ne!(bigram(&a[0], &a[1]), bigram(&b[0], &b[1]));
        let han = units("碳中");
        assert_eq!(bigram(&han[0], &han[1]), "碳中");
    }
}
