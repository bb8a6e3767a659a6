//! The query language: words, `"exact phrases"`, `OR`, `-exclusions`, `title:`/`body:` scopes
//! (also `标题:`/`正文:`, and with a full-width colon).
//!
//! Space means AND and binds loosest: `a b OR c d` is `a AND (b OR c) AND d`. An `AND` written
//! out between two clauses means the same as the space, and `NOT x` the same as `-x`, for people
//! used to those words in other search boxes.

/// Queries longer than this (in characters) are refused rather than turned into huge phrases.
pub const MAX_QUERY_CHARS: usize = 1000;

/// Which text a clause is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Title or body.
    #[default]
    All,
    /// Title only (`title:`).
    Title,
    /// Body only (`body:`).
    Body,
}

/// One clause of a query, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// The text, without quotes, scope or `-`.
    pub text: String,
    /// `"…"`: the literal string only.
    pub exact: bool,
    /// Where it must occur.
    pub scope: Scope,
}

/// A parsed query: every group must match (a group matches when any of its clauses does), and
/// no excluded clause may.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// AND of ORs.
    pub groups: Vec<Vec<Clause>>,
    /// `-clause`s.
    pub excluded: Vec<Clause>,
}

/// A query that does not parse: what is wrong, and how to write it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SyntaxError(pub String);

enum Token {
    Clause { clause: Clause, negated: bool },
    Or,
    And,
}

const OR_NEEDS_TWO_SIDES: &str = "OR needs a clause on each side, e.g. 光伏 OR 风电";
const AND_NEEDS_TWO_SIDES: &str = "AND needs a clause on each side, e.g. 光伏 AND 风电";

/// Parses a query string.
pub fn parse(query: &str) -> Result<ParsedQuery, SyntaxError> {
    let length = query.chars().count();
    if length > MAX_QUERY_CHARS {
        return Err(SyntaxError(format!(
            "query is {length} characters long; the limit is {MAX_QUERY_CHARS}"
        )));
    }
    let tokens = tokenize(query)?;
    let mut parsed = ParsedQuery::default();
    // The previous token was OR, or AND: the next must be a clause.
    let mut joining = false;
    let mut anding = false;
    for (i, token) in tokens.into_iter().enumerate() {
        match token {
            Token::Or if i == 0 || joining || anding => {
                return Err(SyntaxError(OR_NEEDS_TWO_SIDES.into()));
            }
            Token::Or => joining = true,
            Token::And if i == 0 || joining || anding => {
                return Err(SyntaxError(AND_NEEDS_TWO_SIDES.into()));
            }
            Token::And => anding = true,
            Token::Clause {
                clause,
                negated: true,
            } => {
                if joining {
                    return Err(SyntaxError(format!(
                        "-{} cannot be one side of OR; exclude it on its own",
                        clause.text
                    )));
                }
                parsed.excluded.push(clause);
                anding = false;
            }
            Token::Clause {
                clause,
                negated: false,
            } => {
                match parsed.groups.last_mut() {
                    Some(group) if joining => group.push(clause),
                    _ => parsed.groups.push(vec![clause]),
                }
                joining = false;
                anding = false;
            }
        }
    }
    if joining {
        return Err(SyntaxError(OR_NEEDS_TWO_SIDES.into()));
    }
    if anding {
        return Err(SyntaxError(AND_NEEDS_TWO_SIDES.into()));
    }
    Ok(parsed)
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// The quote that closes a phrase opened by `c`, if `c` opens one.
fn closing_quote(c: char) -> Option<char> {
    match c {
        '"' => Some('"'),
        '“' => Some('”'),
        '「' => Some('」'),
        '＂' => Some('＂'),
        _ => None,
    }
}

/// Whether the character at `i`, where a clause starts, opens a quoted phrase: `"` always (an
/// unclosed one is an error); `“`, `「` and `＂` only when they quote the whole clause, their
/// closing quote followed by a space or the end, and something other than spaces between them
/// (`“”` alone is two characters to search for). Chinese quotes are common in pasted text, where
/// they are characters to search for: `发布“中`, `“一带一路”合作`, `发布“中国”倡议` are each
/// one clause, found literally.
fn opens_quote(chars: &[char], i: usize) -> bool {
    match closing_quote(chars[i]) {
        Some('"') => true,
        Some(close) => chars[i + 1..]
            .iter()
            .position(|&c| c == close)
            .is_some_and(|p| {
                let quoted = &chars[i + 1..i + 1 + p];
                quoted.iter().any(|&c| !is_space(c))
                    && chars.get(i + p + 2).is_none_or(|&c| is_space(c))
            }),
        None => false,
    }
}

/// The field that `text` begins with, and the length of its name: `title:` or `body:` (any
/// case), or `标题:` or `正文:`, each also with a full-width colon as a Chinese input method types
/// it (`title：`). Any other name of Latin letters before `:` is an error, unless it begins a web
/// address (`https://…`); before `：` it is text, as in `CCTV：`.
fn field_at(text: &[char]) -> Result<Option<(Scope, usize)>, SyntaxError> {
    const ALIASES: [(&str, Scope); 2] = [("标题", Scope::Title), ("正文", Scope::Body)];
    let colon = |at: usize| text.get(at).copied().filter(|c| matches!(c, ':' | '：'));
    for (alias, scope) in ALIASES {
        let len = alias.chars().count();
        if text.iter().take(len).copied().eq(alias.chars()) && colon(len).is_some() {
            return Ok(Some((scope, len)));
        }
    }
    let len = text.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let Some(colon_char) = colon(len).filter(|_| len > 0) else {
        return Ok(None);
    };
    if text[len + 1..].iter().take(2).eq(['/', '/'].iter()) {
        return Ok(None);
    }
    let name: String = text[..len].iter().collect();
    match name.to_ascii_lowercase().as_str() {
        "title" => Ok(Some((Scope::Title, len))),
        "body" => Ok(Some((Scope::Body, len))),
        _ if colon_char == '：' => Ok(None),
        _ => Err(SyntaxError(format!(
            "unknown field '{name}:'; the fields are title: and body: (or 标题: and 正文:)"
        ))),
    }
}

fn tokenize(query: &str) -> Result<Vec<Token>, SyntaxError> {
    let chars: Vec<char> = query.chars().collect();
    let mut tokens = Vec::new();
    let mut negate_next = false; // the previous word was NOT
    let mut i = 0;
    while i < chars.len() {
        if is_space(chars[i]) {
            i += 1;
            continue;
        }
        // `－` is the minus a Chinese input method types.
        let negated = matches!(chars[i], '-' | '－');
        if negated {
            i += 1;
            if i == chars.len() || is_space(chars[i]) {
                return Err(SyntaxError(
                    "a lone '-': write it right before what to exclude, e.g. -广告".into(),
                ));
            }
        }
        let mut scope = Scope::All;
        if let Some((field, name_len)) = field_at(&chars[i..])? {
            let name: String = chars[i..i + name_len].iter().collect();
            scope = field;
            i += name_len + 1;
            if i == chars.len() || is_space(chars[i]) {
                return Err(SyntaxError(format!(
                    "'{name}:' needs something to search for right after it, e.g. {name}:经济"
                )));
            }
        }
        let quote = closing_quote(chars[i]).filter(|_| opens_quote(&chars, i));
        let (text, exact) = if let Some(close) = quote {
            let open = chars[i];
            let end = chars[i + 1..]
                .iter()
                .position(|&c| c == close)
                .ok_or_else(|| SyntaxError(format!("unbalanced quote: {open} is never closed")))?;
            let text: String = chars[i + 1..i + 1 + end].iter().collect();
            i += end + 2;
            (text, true)
        } else {
            let end = (i..chars.len())
                .find(|&j| is_space(chars[j]) || chars[j] == '"')
                .unwrap_or(chars.len());
            let text: String = chars[i..end].iter().collect();
            i = end;
            (text, false)
        };
        let bare = !exact && !negated && scope == Scope::All;
        if bare && text == "OR" {
            tokens.push(Token::Or);
        } else if bare && text == "AND" {
            tokens.push(Token::And);
        } else if bare && text == "NOT" {
            if negate_next {
                return Err(SyntaxError("NOT NOT: write NOT once".into()));
            }
            negate_next = true;
        } else if text.trim().is_empty() {
            return Err(SyntaxError(
                "empty quotes: put the phrase between them".into(),
            ));
        } else {
            if negated && negate_next {
                return Err(SyntaxError(format!(
                    "NOT -{text}: write NOT {text} or -{text}"
                )));
            }
            tokens.push(Token::Clause {
                clause: Clause { text, exact, scope },
                negated: negated || std::mem::take(&mut negate_next),
            });
        }
    }
    if negate_next {
        return Err(SyntaxError(
            "NOT needs a clause after it, e.g. NOT 广告".into(),
        ));
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(text: &str, exact: bool, scope: Scope) -> Clause {
        Clause {
            text: text.into(),
            exact,
            scope,
        }
    }

    #[test]
    fn words_quotes_scopes() {
        let q = parse("新能源汽车 \"高质量 发展\" title:数字化 -广告 body:“一带一路”").unwrap();
        assert_eq!(
            q.groups,
            vec![
                vec![clause("新能源汽车", false, Scope::All)],
                vec![clause("高质量 发展", true, Scope::All)],
                vec![clause("数字化", false, Scope::Title)],
                vec![clause("一带一路", true, Scope::Body)],
            ]
        );
        assert_eq!(q.excluded, vec![clause("广告", false, Scope::All)]);
    }

    #[test]
    fn or_binds_tighter_than_and() {
        let q = parse("a b OR c d").unwrap();
        let texts: Vec<Vec<&str>> = q
            .groups
            .iter()
            .map(|g| g.iter().map(|c| c.text.as_str()).collect())
            .collect();
        assert_eq!(texts, vec![vec!["a"], vec!["b", "c"], vec!["d"]]);
    }

    #[test]
    fn and_and_not_spelled_out_are_operators() {
        assert_eq!(
            parse("碳中和 AND 绿色").unwrap(),
            parse("碳中和 绿色").unwrap()
        );
        assert_eq!(
            parse("光伏 NOT 广告 AND a OR b").unwrap(),
            parse("光伏 -广告 a OR b").unwrap()
        );
        // Quoted, scoped or in lower case they are words to search for.
        let q = parse("\"AND\" title:NOT and").unwrap();
        let texts: Vec<&str> = q.groups.iter().map(|g| g[0].text.as_str()).collect();
        assert_eq!(texts, ["AND", "NOT", "and"]);
    }

    #[test]
    fn an_unclosed_chinese_quote_is_text() {
        // Pasted from a post: the quote opens a phrase the paste cut off.
        let q = parse("并发布“中").unwrap();
        assert_eq!(q.groups, vec![vec![clause("并发布“中", false, Scope::All)]]);
        let q = parse("「一带一路 倡议").unwrap();
        assert_eq!(q.groups[0], vec![clause("「一带一路", false, Scope::All)]);
        // Inside a word, closed or not, it is text: the pasted string is one clause.
        let q = parse("发布“中国”倡议").unwrap();
        assert_eq!(
            q.groups,
            vec![vec![clause("发布“中国”倡议", false, Scope::All)]]
        );
        let q = parse("“一带一路”合作").unwrap();
        assert_eq!(
            q.groups,
            vec![vec![clause("“一带一路”合作", false, Scope::All)]]
        );
        // Quoting a whole clause, it quotes a phrase.
        let q = parse("“中国” 倡议 -「广告」").unwrap();
        assert_eq!(
            q.groups,
            vec![
                vec![clause("中国", true, Scope::All)],
                vec![clause("倡议", false, Scope::All)],
            ]
        );
        assert_eq!(q.excluded, vec![clause("广告", true, Scope::All)]);
        // Quoting nothing, they are the characters to search for.
        let q = parse("“” 「」").unwrap();
        assert_eq!(
            q.groups,
            vec![
                vec![clause("“”", false, Scope::All)],
                vec![clause("「」", false, Scope::All)],
            ]
        );
    }

    /// Fields as a Chinese input method types them: a full-width colon, or the Chinese names.
    /// Before a full-width colon any other name is text, as in a pasted `CCTV：`.
    #[test]
    fn fields_with_a_full_width_colon_or_chinese_names() {
        for (query, scope) in [
            ("title：经济", Scope::Title),
            ("标题:经济", Scope::Title),
            ("标题：经济", Scope::Title),
            ("正文:经济", Scope::Body),
            ("BODY：经济", Scope::Body),
        ] {
            let q = parse(query).unwrap();
            assert_eq!(
                q.groups,
                vec![vec![clause("经济", false, scope)]],
                "{query}"
            );
        }
        for text in ["CCTV：报道", "新华社：北京", "标题党"] {
            let q = parse(text).unwrap();
            assert_eq!(
                q.groups,
                vec![vec![clause(text, false, Scope::All)]],
                "{text}"
            );
        }
        let q = parse("-标题:广告 经济").unwrap();
        assert_eq!(q.excluded, vec![clause("广告", false, Scope::Title)]);
        assert!(parse("标题：").unwrap_err().0.contains("needs something"));
        assert!(parse("author:张三").unwrap_err().0.contains("标题:"));
    }

    /// The full-width minus and quotation mark of a Chinese input method work as `-` and as
    /// Chinese quotes do.
    #[test]
    fn full_width_minus_and_quotes() {
        let q = parse("数字化 －数字经济 ＂高质量 发展＂").unwrap();
        assert_eq!(q.excluded, vec![clause("数字经济", false, Scope::All)]);
        assert_eq!(
            q.groups,
            vec![
                vec![clause("数字化", false, Scope::All)],
                vec![clause("高质量 发展", true, Scope::All)],
            ]
        );
        let q = parse("发布＂中国＂倡议").unwrap();
        assert_eq!(
            q.groups,
            vec![vec![clause("发布＂中国＂倡议", false, Scope::All)]]
        );
    }

    #[test]
    fn a_web_address_is_text_not_a_field() {
        let q = parse("https://example.com/a title:经济").unwrap();
        assert_eq!(
            q.groups,
            vec![
                vec![clause("https://example.com/a", false, Scope::All)],
                vec![clause("经济", false, Scope::Title)],
            ]
        );
        assert!(parse("http:经济").unwrap_err().0.contains("unknown field"));
    }

    #[test]
    fn hyphen_inside_a_word_is_text() {
        let q = parse("COVID-19").unwrap();
        assert_eq!(q.groups[0][0].text, "COVID-19");
    }

    #[test]
    fn malformed_queries_say_what_is_wrong() {
        let table = [
            ("\"高质量发展", "unbalanced quote"),
            ("经济 -", "lone '-'"),
            ("title: 经济", "needs something"),
            ("author:张三", "unknown field 'author:'"),
            ("OR 经济", "OR needs"),
            ("经济 OR", "OR needs"),
            ("a OR -b", "cannot be one side"),
            ("\"\"", "empty quotes"),
            ("高质量\"发展", "unbalanced quote"),
            ("AND 经济", "AND needs"),
            ("经济 AND", "AND needs"),
            ("a AND OR b", "OR needs"),
            ("a OR AND b", "AND needs"),
            ("经济 NOT", "NOT needs"),
            ("NOT -广告", "NOT -广告"),
            ("NOT NOT 广告", "NOT NOT"),
        ];
        for (query, expected) in table {
            let err = parse(query).unwrap_err();
            assert!(err.0.contains(expected), "{query}: {}", err.0);
        }
        assert!(
            parse(&"长".repeat(MAX_QUERY_CHARS + 1))
                .unwrap_err()
                .0
                .contains("limit")
        );
    }

    #[test]
    fn control_characters_are_spaces() {
        let q = parse("经济\u{1b}[31m发展").unwrap();
        assert_eq!(q.groups.len(), 2);
    }
}
