//! The YAML block between the first two `---` lines.

use chrono::{DateTime, FixedOffset};
use serde_json::Value;

use super::PostError;
use super::date::parse_post_date;

/// The fields newssearch reads from a post's front matter; other keys are ignored.
#[derive(Debug, Default, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<DateTime<FixedOffset>>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
}

/// Splits a post into its front matter (without the fences) and its body.
///
/// Only the first `---` block counts: bodies contain stray `---` lines.
pub fn split(text: &str) -> Result<(&str, &str), PostError> {
    let start = text.trim_start_matches(['\n', ' ', '\t', '\u{feff}']);
    let rest = start
        .strip_prefix("---")
        .filter(|rest| rest.starts_with('\n') || rest.trim_end_matches([' ', '\t']).is_empty())
        .ok_or(PostError::NoFrontMatter)?;
    let rest = rest.trim_start_matches([' ', '\t']);
    let rest = rest.strip_prefix('\n').unwrap_or(rest);
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Ok((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err(PostError::UnclosedFrontMatter)
}

/// Parses the YAML of a front matter block.
pub fn parse(yaml: &str) -> Result<FrontMatter, PostError> {
    if yaml.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    // `tags: y` is the letter y, and `tags: 007` is not the number 7.
    let options = serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
    };
    let value: Value = serde_saphyr::from_str_with_options(yaml, options)
        .map_err(|e| PostError::Yaml(first_line(&e.to_string())))?;
    let map = match value {
        Value::Object(map) => map,
        Value::Null => return Ok(FrontMatter::default()),
        other => {
            return Err(PostError::Yaml(format!(
                "expected `key: value` lines, found {}",
                kind(&other)
            )));
        }
    };
    let title = map.get("title").and_then(scalar).filter(|t| !t.is_empty());
    let date = match map.get("date").and_then(scalar) {
        None => None,
        Some(text) => Some(parse_post_date(&text).ok_or(PostError::Date(text))?),
    };
    let categories = ["categories", "category"]
        .iter()
        .filter_map(|key| map.get(*key))
        .flat_map(|v| string_or_list(v, None))
        .collect();
    let tags = ["tags", "tag"]
        .iter()
        .filter_map(|key| map.get(*key))
        .flat_map(|v| string_or_list(v, title.as_deref()))
        .collect();
    Ok(FrontMatter {
        title,
        date,
        categories,
        tags,
    })
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).to_owned()
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Array(_) => "a list",
        Value::String(_) => "a plain string",
        _ => "a scalar",
    }
}

/// A scalar as text: strings as they are, numbers and booleans as written.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `categories`/`tags`: a YAML list, or a string of space-separated names.
///
/// A column name in the title's leading `【…】` may contain spaces (`【学思想 强党性 重实践 建新功】`);
/// when the tag string carries it, it stays one tag.
fn string_or_list(value: &Value, title: Option<&str>) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(scalar)
            .filter(|s| !s.is_empty())
            .collect(),
        other => match scalar(other) {
            Some(text) => split_names(&text, title),
            None => Vec::new(),
        },
    }
}

fn split_names(text: &str, title: Option<&str>) -> Vec<String> {
    if let Some(column) = title.and_then(title_column).filter(|c| c.contains(' '))
        && let Some((before, after)) = text.split_once(column)
    {
        let mut names = split_whitespace(before);
        names.push(column.to_owned());
        names.extend(split_whitespace(after));
        return names;
    }
    split_whitespace(text)
}

fn split_whitespace(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_owned).collect()
}

/// A title without its leading column name: `共护一江水` of `【领航中国】共护一江水`. A title that
/// is only a column name is kept whole.
pub fn headline(title: &str) -> &str {
    match title
        .trim_start()
        .strip_prefix('【')
        .and_then(|rest| rest.split_once('】'))
    {
        Some((_, rest)) if !rest.trim().is_empty() => rest.trim_start(),
        _ => title,
    }
}

/// The column name of a title such as `【领航中国】共护一江水`.
fn title_column(title: &str) -> Option<&str> {
    let rest = title.trim_start().strip_prefix('【')?;
    rest.split_once('】').map(|(column, _)| column.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_headline_drops_the_column_name() {
        assert_eq!(headline("【领航中国】共护一江水"), "共护一江水");
        assert_eq!(headline(" 【学思想 强党性】 某地开展学习"), "某地开展学习");
        assert_eq!(headline("共护一江水【图】"), "共护一江水【图】");
        assert_eq!(headline("【领航中国】"), "【领航中国】");
        assert_eq!(headline("【未闭合 标题"), "【未闭合 标题");
    }

    #[test]
    fn split_takes_only_the_first_block() {
        let text = "---\ntitle: a\n---\nbody\n---\nmore\n";
        assert_eq!(split(text).unwrap(), ("title: a\n", "body\n---\nmore\n"));
    }

    #[test]
    fn split_errors() {
        assert!(matches!(
            split("no front matter"),
            Err(PostError::NoFrontMatter)
        ));
        assert!(matches!(
            split("---\ntitle: a\n"),
            Err(PostError::UnclosedFrontMatter)
        ));
        assert!(matches!(
            split("----\nx\n---\n"),
            Err(PostError::NoFrontMatter)
        ));
    }

    #[test]
    fn string_and_list_forms() {
        let table: &[(&str, &[&str], &[&str])] = &[
            ("categories: a b\ntags: x y", &["a", "b"], &["x", "y"]),
            (
                "categories: [a, b]\ntags:\n  - x\n  - y",
                &["a", "b"],
                &["x", "y"],
            ),
            ("category: a\ntags: 2024", &["a"], &["2024"]),
            ("categories: [y, no]\ntags: 007", &["y", "no"], &["007"]),
            ("categories:\ntags: ''", &[], &[]),
        ];
        for (yaml, categories, tags) in table {
            let fm = parse(yaml).unwrap();
            assert_eq!(fm.categories, *categories, "{yaml}");
            assert_eq!(fm.tags, *tags, "{yaml}");
        }
    }

    #[test]
    fn column_with_spaces_stays_one_tag() {
        let yaml = "title: \"【学思想 强党性 重实践 建新功】某地开展学习\"\ntags: 新闻联播 学思想 强党性 重实践 建新功";
        assert_eq!(
            parse(yaml).unwrap().tags,
            ["新闻联播", "学思想 强党性 重实践 建新功"]
        );
    }

    #[test]
    fn unknown_keys_and_numbers_are_fine() {
        let fm = parse("layout: post\ntitle: 2024\nfoo: {bar: 1}").unwrap();
        assert_eq!(fm.title.as_deref(), Some("2024"));
    }

    #[test]
    fn bad_yaml_and_bad_date_are_errors() {
        assert!(matches!(parse("title: [unclosed"), Err(PostError::Yaml(_))));
        assert!(matches!(parse("- a\n- b"), Err(PostError::Yaml(_))));
        assert!(matches!(parse("date: someday"), Err(PostError::Date(d)) if d == "someday"));
    }
}
