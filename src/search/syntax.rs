//! The query language: words, `"exact phrases"`, `OR`, `-exclusions`, `title:`/`body:` scopes.
//!
//! Space means AND and binds loosest: `a b OR c d` is `a AND (b OR c) AND d`.

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
}

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
    let mut joining = false; // the previous token was OR
    for (i, token) in tokens.into_iter().enumerate() {
        match token {
            Token::Or if i == 0 || joining => {
                return Err(SyntaxError(
                    "OR needs a clause on each side, e.g. 光伏 OR 风电".into(),
                ));
            }
            Token::Or => joining = true,
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
            }
        }
    }
    if joining {
        return Err(SyntaxError(
            "OR needs a clause on each side, e.g. 光伏 OR 风电".into(),
        ));
    }
    Ok(parsed)
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

fn closing_quote(c: char) -> Option<char> {
    match c {
        '"' => Some('"'),
        '“' => Some('”'),
        '「' => Some('」'),
        _ => None,
    }
}

fn tokenize(query: &str) -> Result<Vec<Token>, SyntaxError> {
    let chars: Vec<char> = query.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if is_space(chars[i]) {
            i += 1;
            continue;
        }
        let negated = chars[i] == '-';
        if negated {
            i += 1;
            if i == chars.len() || is_space(chars[i]) {
                return Err(SyntaxError(
                    "a lone '-': write it right before what to exclude, e.g. -广告".into(),
                ));
            }
        }
        let mut scope = Scope::All;
        let name_len = chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        if name_len > 0 && chars.get(i + name_len) == Some(&':') {
            let name: String = chars[i..i + name_len].iter().collect();
            scope = match name.to_ascii_lowercase().as_str() {
                "title" => Scope::Title,
                "body" => Scope::Body,
                _ => {
                    return Err(SyntaxError(format!(
                        "unknown field '{name}:'; the fields are title: and body:"
                    )));
                }
            };
            i += name_len + 1;
            if i == chars.len() || is_space(chars[i]) {
                return Err(SyntaxError(format!(
                    "'{name}:' needs something to search for right after it, e.g. {name}:经济"
                )));
            }
        }
        let (text, exact) = if let Some(close) = closing_quote(chars[i]) {
            let open = chars[i];
            let end = chars[i + 1..]
                .iter()
                .position(|&c| c == close)
                .ok_or_else(|| SyntaxError(format!("unbalanced quote: {open} is never closed")))?;
            let text: String = chars[i + 1..i + 1 + end].iter().collect();
            i += end + 2;
            (text, true)
        } else {
            let end = chars[i..]
                .iter()
                .position(|&c| is_space(c) || closing_quote(c).is_some())
                .map_or(chars.len(), |p| i + p);
            let text: String = chars[i..end].iter().collect();
            i = end;
            (text, false)
        };
        if text == "OR" && !exact && !negated && scope == Scope::All {
            tokens.push(Token::Or);
        } else if text.trim().is_empty() {
            return Err(SyntaxError(
                "empty quotes: put the phrase between them".into(),
            ));
        } else {
            tokens.push(Token::Clause {
                clause: Clause { text, exact, scope },
                negated,
            });
        }
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
