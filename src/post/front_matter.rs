//! The YAML block between the first two `---` lines.

use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value};

use super::date::parse_post_date;
use super::{PostError, PostWarning};

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

/// Reads the YAML of a front matter block. A block that is not `key: value` YAML is read line by
/// line ([`parse_lines`]) and a date that does not parse is left out, each with a warning: a
/// post is never lost over its front matter.
pub fn parse(yaml: &str) -> (FrontMatter, Vec<PostWarning>) {
    let mut warnings = Vec::new();
    if yaml.trim().is_empty() {
        return (FrontMatter::default(), warnings);
    }
    // `tags: y` is the letter y, and `tags: 007` is not the number 7.
    let options = serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
    };
    let map = match serde_saphyr::from_str_with_options::<Value>(yaml, options) {
        Ok(Value::Object(map)) => map,
        Ok(Value::Null) => Map::new(),
        Ok(other) => {
            let found = format!("expected `key: value` lines, found {}", kind(&other));
            warnings.push(PostWarning::Yaml(found));
            parse_lines(yaml)
        }
        Err(error) => {
            warnings.push(PostWarning::Yaml(first_line(&error.to_string())));
            parse_lines(yaml)
        }
    };
    let title = map.get("title").and_then(scalar).filter(|t| !t.is_empty());
    let date = map.get("date").and_then(scalar).and_then(|text| {
        let date = parse_post_date(&text);
        if date.is_none() {
            warnings.push(PostWarning::Date(text));
        }
        date
    });
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
    let front = FrontMatter {
        title,
        date,
        categories,
        tags,
    };
    (front, warnings)
}

/// The `key: value` lines of a block that is not valid YAML, read as a person meant them: most
/// often a title holding `: ` or quotes, unquoted (`title: 专访: 数字化的下一步`). A line that
/// starts with a key and a colon gives the key the rest of the line, a pair of quotes around it
/// dropped (`[a, b]` is a list); `- item` lines under a key with nothing after it are its list.
/// The first line of a key counts; anything else is passed over.
fn parse_lines(yaml: &str) -> Map<String, Value> {
    let mut map = Map::new();
    let mut list: Option<&str> = None;
    for line in yaml.lines() {
        let text = line.trim();
        if let (Some(key), Some(item)) = (list, text.strip_prefix('-')) {
            if let Some(Value::Array(items)) = map.get_mut(key) {
                items.push(Value::String(unquote(item.trim()).to_owned()));
            }
            continue;
        }
        list = None;
        if line.starts_with(char::is_whitespace) || text.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if map.contains_key(key) {
            continue;
        }
        let value = if value.is_empty() {
            list = Some(key);
            Value::Array(Vec::new())
        } else if let Some(items) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            let items = items.split(',').map(|item| unquote(item.trim()).to_owned());
            Value::Array(items.map(Value::String).collect())
        } else {
            Value::String(unquote(value).to_owned())
        };
        map.insert(key.to_owned(), value);
    }
    map
}

/// `text` without a pair of quotes around it.
fn unquote(text: &str) -> &str {
    ['"', '\'']
        .iter()
        .find_map(|&quote| text.strip_prefix(quote)?.strip_suffix(quote))
        .unwrap_or(text)
}

/// The first line of a YAML error, without its `error: `.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message);
    line.strip_prefix("error: ").unwrap_or(line).to_owned()
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
            let (fm, warnings) = parse(yaml);
            assert_eq!(warnings, [], "{yaml}");
            assert_eq!(fm.categories, *categories, "{yaml}");
            assert_eq!(fm.tags, *tags, "{yaml}");
        }
    }

    #[test]
    fn column_with_spaces_stays_one_tag() {
        let yaml = "title: \"【学思想 强党性 重实践 建新功】某地开展学习\"\ntags: 新闻联播 学思想 强党性 重实践 建新功";
        assert_eq!(
            parse(yaml).0.tags,
            ["新闻联播", "学思想 强党性 重实践 建新功"]
        );
    }

    #[test]
    fn unknown_keys_and_numbers_are_fine() {
        let (fm, warnings) = parse("layout: post\ntitle: 2024\nfoo: {bar: 1}");
        assert_eq!(warnings, []);
        assert_eq!(fm.title.as_deref(), Some("2024"));
    }

    /// A title with `: ` or quotes in it, written without quotes around it, is what a person
    /// means; so is the rest of the block.
    #[test]
    fn a_block_that_is_not_yaml_is_read_line_by_line() {
        let yaml = "title: 专访: \"数字化\"的下一步\ndate: 2024-03-15\ncategories: [财经, 'keji']\n\
                    tags:\n  - 专访\n  - \"数字化\"\nlayout: post: x\n  nested: 1\n# note\ntitle: 第二个";
        let (fm, warnings) = parse(yaml);
        assert!(
            matches!(warnings.as_slice(), [PostWarning::Yaml(_)]),
            "{warnings:?}"
        );
        assert_eq!(fm.title.as_deref(), Some("专访: \"数字化\"的下一步"));
        assert_eq!(fm.date.unwrap().to_rfc3339(), "2024-03-15T00:00:00+08:00");
        assert_eq!(fm.categories, ["财经", "keji"]);
        assert_eq!(fm.tags, ["专访", "数字化"]);

        let (fm, warnings) = parse("title: [未闭合\ntags: a b");
        assert_eq!(warnings.len(), 1);
        assert_eq!(fm.title.as_deref(), Some("[未闭合"));
        assert_eq!(fm.tags, ["a", "b"]);
        // Valid YAML that is not a mapping holds no fields.
        let (fm, warnings) = parse("- a\n- b");
        assert_eq!(fm, FrontMatter::default());
        assert!(matches!(&warnings[..], [PostWarning::Yaml(w)] if w.contains("a list")));
    }

    #[test]
    fn a_date_that_does_not_parse_is_left_out() {
        let (fm, warnings) = parse("title: 稿件\ndate: someday");
        assert_eq!((fm.title.as_deref(), fm.date), (Some("稿件"), None));
        assert_eq!(warnings, [PostWarning::Date("someday".into())]);
        assert_eq!(parse("date: 2024-03-15").1, []);
    }
}
