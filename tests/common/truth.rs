//! Ground truth by brute force: does a post's text contain a string, after normalisation, with
//! Latin letters and digits matching as whole words? Plain string scanning, no index.

use newssearch::analysis::{is_han, normalize};

fn is_word(c: char) -> bool {
    c.is_alphanumeric() && !is_han(c)
}

/// Normalised text in which white space only survives (as one space) between two word
/// characters, where it separates words; elsewhere in Chinese text it means nothing.
pub fn canonical(text: &str) -> String {
    let chars: Vec<char> = normalize(text).chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_whitespace() {
            out.push(c);
            continue;
        }
        let before = out.chars().last();
        let after = chars[i + 1..].iter().find(|c| !c.is_whitespace());
        if before.is_some_and(is_word) && after.is_some_and(|c| is_word(*c)) && !out.ends_with(' ')
        {
            out.push(' ');
        }
    }
    out
}

/// The words (runs of letters and digits) of canonical `text`.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_word(c)).filter(|w| !w.is_empty())
}

/// Whether canonical `haystack` contains canonical `needle` with whole-word edges.
pub fn contains(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let first = needle.chars().next().unwrap();
    let last = needle.chars().last().unwrap();
    haystack.match_indices(needle).any(|(i, _)| {
        let before = haystack[..i].chars().last();
        let after = haystack[i + needle.len()..].chars().next();
        !(is_word(first) && before.is_some_and(is_word)
            || is_word(last) && after.is_some_and(is_word))
    })
}

#[test]
fn truth_table() {
    let table = [
        ("He said AI芯片", "ai", true),
        ("He said so", "ai", false),
        ("ＡＩ 技术", "ai技术", true),
        ("c919大飞机", "c91", false),
        ("數字經濟", "数字经济", true),
        ("covid 19", "covid19", false),
    ];
    for (text, query, expected) in table {
        assert_eq!(
            contains(&canonical(text), &canonical(query)),
            expected,
            "{text} / {query}"
        );
    }
}
