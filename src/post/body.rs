//! The body of a post: HTML, Markdown or a mix, to plain text.

use pulldown_cmark::{Options, Parser, html};
use scraper::{Html, Node};

/// What the body of a post yields.
#[derive(Debug, Default, PartialEq)]
pub struct Body {
    /// Plain text, one paragraph a line.
    pub text: String,
    /// The source URL from the `<https://…>` autolink line.
    pub url: Option<String>,
    /// `X` from a `（文章来源：X）` note.
    pub source: Option<String>,
}

/// Elements that end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "blockquote",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "hr",
    "dd",
    "dt",
    "figure",
    "figcaption",
    "td",
    "th",
];

/// Elements without content or end tag.
const VOID: &[&str] = &[
    "br", "hr", "img", "input", "meta", "link", "wbr", "area", "base", "col", "embed", "source",
    "track",
];

/// Deeper nesting than this is flattened before parsing: building a DOM for pathological HTML
/// (100,000 nested `<div>`s) takes html5ever minutes, and no news post nests this deep.
const MAX_DEPTH: usize = 256;

/// Elements whose content is not text.
const SKIPPED: &[&str] = &["script", "style", "noscript", "template", "head", "title"];

/// Extracts the text, URL and source of a post body.
pub fn extract(raw: &str) -> Body {
    let mut url = None;
    let mut kept = String::with_capacity(raw.len());
    for line in raw.lines() {
        let trimmed = line.trim();
        if let Some(link) = autolink(trimmed) {
            url.get_or_insert_with(|| link.to_owned());
        } else if !is_navigation(trimmed) {
            // Left-trimmed, so that indented HTML is never taken for a Markdown code block.
            kept.push_str(trimmed);
            kept.push('\n');
        }
    }
    let mut rendered = String::with_capacity(kept.len() + kept.len() / 8);
    // Tables (each cell a paragraph, so that no string runs from one cell into the next) and
    // ~~struck~~ text as Markdown writers use them.
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    html::push_html(&mut rendered, Parser::new_ext(&kept, options));
    if too_deep(&rendered) {
        rendered = flatten(&rendered);
    }
    let mut source = None;
    let mut text = String::with_capacity(rendered.len());
    for paragraph in html_paragraphs(&rendered) {
        if let Some(name) = source_note(&paragraph) {
            source.get_or_insert_with(|| name.to_owned());
            continue;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&paragraph);
    }
    Body { text, url, source }
}

/// The name of the tag starting at `tag` (just after `<`), lower case, and whether it closes.
fn tag_name(tag: &str) -> Option<(String, bool)> {
    let (closing, rest) = match tag.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, tag),
    };
    let len = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let name = &rest[..len];
    (name.starts_with(|c: char| c.is_ascii_alphabetic()))
        .then(|| (name.to_ascii_lowercase(), closing))
}

/// Whether elements nest deeper than [`MAX_DEPTH`] (estimated from the tags alone).
fn too_deep(html: &str) -> bool {
    let mut depth = 0usize;
    for (i, _) in html.match_indices('<') {
        let Some((name, closing)) = tag_name(&html[i + 1..]) else {
            continue;
        };
        if closing {
            depth = depth.saturating_sub(1);
        } else if !VOID.contains(&name.as_str()) {
            depth += 1;
            if depth > MAX_DEPTH {
                return true;
            }
        }
    }
    false
}

/// The same HTML without nesting: block tags become `<br>`, other tags vanish, scripts and
/// styles go with their content. Entities stay for the parser to decode.
fn flatten(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            rest = "";
            break;
        };
        match tag_name(after) {
            Some((name, false)) if SKIPPED.contains(&name.as_str()) => {
                let end = format!("</{name}");
                rest = after.find(&end).map_or("", |e| &after[e..]);
                continue;
            }
            Some((name, _)) if BLOCKS.contains(&name.as_str()) => out.push_str("<br>"),
            _ => {}
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// `<https://…>` alone on a line.
fn autolink(line: &str) -> Option<&str> {
    let inner = line.strip_prefix('<')?.strip_suffix('>')?;
    let is_url = (inner.starts_with("http://") || inner.starts_with("https://"))
        && !inner.contains(char::is_whitespace);
    is_url.then_some(inner)
}

/// Site navigation: `[返回中国经营网新闻](…)｜[返回首页](…)`.
fn is_navigation(line: &str) -> bool {
    !line.is_empty()
        && line.split(['｜', '|']).all(|part| {
            let part = part.trim();
            part.starts_with("[返回") && part.ends_with(')') && part.contains("](")
        })
}

/// `（文章来源：X）` as a paragraph of its own.
fn source_note(paragraph: &str) -> Option<&str> {
    let inner = paragraph
        .strip_prefix('（')
        .or_else(|| paragraph.strip_prefix('('))?;
    let inner = inner
        .strip_suffix('）')
        .or_else(|| inner.strip_suffix(')'))?;
    let name = inner
        .strip_prefix("文章来源")?
        .trim_start_matches([':', '：', ' '])
        .trim();
    (!name.is_empty()).then_some(name)
}

/// The text of an HTML fragment, as paragraphs with white space collapsed.
fn html_paragraphs(html: &str) -> Vec<String> {
    let document = Html::parse_fragment(html);
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    let mut skipping = 0usize;
    // `traverse` walks the tree without recursion, so deeply nested HTML cannot overflow the stack.
    for edge in document.tree.root().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => match node.value() {
                Node::Element(element) => {
                    let name = element.name();
                    if SKIPPED.contains(&name) {
                        skipping += 1;
                    } else if BLOCKS.contains(&name) {
                        flush(&mut current, &mut paragraphs);
                    }
                }
                Node::Text(text) if skipping == 0 => push_collapsed(&mut current, text),
                _ => {}
            },
            ego_tree::iter::Edge::Close(node) => {
                if let Node::Element(element) = node.value() {
                    let name = element.name();
                    if SKIPPED.contains(&name) {
                        skipping = skipping.saturating_sub(1);
                    } else if BLOCKS.contains(&name) {
                        flush(&mut current, &mut paragraphs);
                    }
                }
            }
        }
    }
    flush(&mut current, &mut paragraphs);
    paragraphs
}

/// Appends text, folding runs of white space (including `&nbsp;`) into one space and dropping
/// control characters, which must never reach a terminal.
fn push_collapsed(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else if !c.is_control() {
            out.push(c);
        }
    }
}

fn flush(current: &mut String, paragraphs: &mut Vec<String>) {
    let paragraph = current.trim();
    if !paragraph.is_empty() {
        paragraphs.push(paragraph.to_owned());
    }
    current.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_paragraphs_entities_and_breaks() {
        let body = extract("<p>第一段&nbsp;&nbsp;文字&amp;符号</p> <p>第二段<br>换行</p>");
        assert_eq!(body.text, "第一段 文字&符号\n第二段\n换行");
    }

    #[test]
    fn url_navigation_and_source_are_not_text() {
        let raw = "<p>正文。</p><p class=\"em_media\">（文章来源：中国经营网）</p>\n\n\
                   <http://example.com/a?b=1>\n\n\
                   [返回中国经营网新闻](//x.com/c.html)｜[返回首页](//x.com/)";
        let body = extract(raw);
        assert_eq!(body.text, "正文。");
        assert_eq!(body.url.as_deref(), Some("http://example.com/a?b=1"));
        assert_eq!(body.source.as_deref(), Some("中国经营网"));
    }

    #[test]
    fn markdown_body() {
        let body = extract("# 标题\n\n这是**重点**内容，见[链接](http://a.b)。\n\n- 一\n- 二\n");
        assert_eq!(body.text, "标题\n这是重点内容，见链接。\n一\n二");
    }

    #[test]
    fn markdown_tables_are_cells_not_pipes() {
        let body = extract("前言\n\n| 地区 | 增速 |\n|---|---|\n| 湖北 | 6% |\n\n~~旧~~新");
        assert_eq!(body.text, "前言\n地区\n增速\n湖北\n6%\n旧新");
    }

    #[test]
    fn scripts_and_styles_are_dropped() {
        let body = extract("<p>前</p><script>alert('x')</script><style>p{}</style><p>后</p>");
        assert_eq!(body.text, "前\n后");
    }

    #[test]
    fn indented_html_is_not_a_code_block() {
        let body = extract("    <p>缩进的段落</p>\n");
        assert_eq!(body.text, "缩进的段落");
    }

    #[test]
    fn stray_rule_lines_keep_the_text() {
        let body = extract("第一段\n---\n第二段\n");
        assert!(
            body.text.contains("第一段") && body.text.contains("第二段"),
            "{}",
            body.text
        );
    }

    #[test]
    fn deep_nesting_is_flattened_quickly() {
        let html = format!(
            "{}深层文本{}<p>下一段&amp;</p><script>x</script>",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        let started = std::time::Instant::now();
        let body = extract(&html);
        assert_eq!(body.text, "深层文本\n下一段&");
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    }

    #[test]
    fn unterminated_tags_keep_their_text() {
        let body = extract("<p>未闭合标签<b>加粗<i>斜体<div>块");
        assert_eq!(body.text, "未闭合标签加粗斜体\n块");
    }

    #[test]
    fn control_characters_are_dropped() {
        let body = extract("<p>a&#27;[31mb\u{7}c</p>");
        assert_eq!(body.text, "a[31mbc");
    }
}
