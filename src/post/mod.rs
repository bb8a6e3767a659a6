//! Posts: front matter, HTML or Markdown body, source URL. Works on bytes and `&str`; no I/O.

mod body;
mod date;
mod decode;
mod front_matter;

use chrono::{DateTime, FixedOffset};

pub use date::{china_standard_time, parse_post_date};
pub use front_matter::headline;

/// Posts larger than this are refused: news posts are kilobytes, and a file this large is a dump
/// or an accident that would dominate snippets and memory.
pub const MAX_POST_BYTES: u64 = 16 * 1024 * 1024;

/// One news post, parsed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Post {
    /// The title from the front matter (empty when the front matter has none).
    pub title: String,
    /// The publication date with the post's own UTC offset.
    pub date: Option<DateTime<FixedOffset>>,
    /// `categories`/`category`.
    pub categories: Vec<String>,
    /// `tags`/`tag`.
    pub tags: Vec<String>,
    /// The source URL (the `<https://…>` line).
    pub url: Option<String>,
    /// The source named in a `（文章来源：X）` note.
    pub source: Option<String>,
    /// The body as plain text, one paragraph a line.
    pub body: String,
}

/// Why a file is not a post newssearch can index.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PostError {
    /// The file has NUL bytes: an image, an archive, …
    #[error("binary file")]
    Binary,
    /// The file is larger than [`MAX_POST_BYTES`].
    #[error("file is {size} bytes, over the {limit}-byte limit for a post")]
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file does not start with a `---` line.
    #[error("no front matter (a post starts with a `---` line)")]
    NoFrontMatter,
    /// The first `---` has no closing `---` line.
    #[error("front matter is not closed by a `---` line")]
    UnclosedFrontMatter,
}

/// Something wrong in a post that did not stop it being read: what could not be read is left
/// out, and the rest of the post is indexed (a post is never lost over its front matter).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PostWarning {
    /// The front matter is not `key: value` YAML (most often a title holding `: ` or quotes,
    /// unquoted); its lines were read one by one instead.
    #[error("front matter is not valid YAML ({0}); read line by line as `key: value`")]
    Yaml(String),
    /// The `date` field does not parse; the post has no date.
    #[error(
        "date {0:?} is not a date (use e.g. `2024-03-15 10:00:00 +0800` or `2024-03-15`); indexed without one"
    )]
    Date(String),
}

impl Post {
    /// Parses a post from the bytes of its file, whatever their encoding.
    pub fn from_bytes(bytes: &[u8]) -> Result<Post, PostError> {
        Post::from_bytes_noting(bytes).map(|(post, _)| post)
    }

    /// [`Post::from_bytes`], with what was wrong in the post but read around.
    pub fn from_bytes_noting(bytes: &[u8]) -> Result<(Post, Vec<PostWarning>), PostError> {
        if bytes.len() as u64 > MAX_POST_BYTES {
            return Err(PostError::TooLarge {
                size: bytes.len() as u64,
                limit: MAX_POST_BYTES,
            });
        }
        Post::parse_noting(&decode::decode(bytes)?)
    }

    /// Parses a post from text: front matter, then an HTML or Markdown body. A front matter
    /// that is not valid YAML is read line by line, and a date that does not parse is left out
    /// ([`Post::parse_noting`] says so).
    ///
    /// ```
    /// let post = newssearch::Post::parse("---\ntitle: 标题\ntags: [甲, 乙]\n---\n<p>正文</p>\n").unwrap();
    /// assert_eq!(post.title, "标题");
    /// assert_eq!(post.tags, ["甲", "乙"]);
    /// assert_eq!(post.body, "正文");
    /// ```
    pub fn parse(text: &str) -> Result<Post, PostError> {
        Post::parse_noting(text).map(|(post, _)| post)
    }

    /// [`Post::parse`], with what was wrong in the post but read around.
    ///
    /// ```
    /// let (post, warnings) =
    ///     newssearch::Post::parse_noting("---\ntitle: 专访: 数字化\ndate: 某天\n---\n正文\n").unwrap();
    /// assert_eq!(post.title, "专访: 数字化");
    /// assert_eq!(post.date, None);
    /// assert_eq!(warnings.len(), 2);
    /// ```
    pub fn parse_noting(text: &str) -> Result<(Post, Vec<PostWarning>), PostError> {
        let (yaml, raw_body) = front_matter::split(text)?;
        let (front, warnings) = front_matter::parse(yaml);
        let body = body::extract(raw_body);
        let post = Post {
            title: front.title.unwrap_or_default(),
            date: front.date,
            categories: front.categories,
            tags: front.tags,
            url: body.url,
            source: body.source,
            body: body.text,
        };
        Ok((post, warnings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../fixtures/posts/000_400fb01442defe90.txt");

    #[test]
    fn seed_post() {
        let post = Post::parse(SEED).unwrap();
        assert_eq!(post.title, "数字赋能 智慧经营 中国平安打造稳健发展的新驱动");
        assert_eq!(post.date.unwrap().to_rfc3339(), "2022-03-23T16:09:12+08:00");
        assert_eq!(post.categories, ["zhongguojingyingwang"]);
        assert_eq!(post.tags, ["中国经营网新闻"]);
        assert_eq!(post.source.as_deref(), Some("中国经营网"));
        assert!(post.url.unwrap().contains("NW202203232320358714"));
        assert!(
            post.body
                .starts_with("近年来，国家始终将“数字经济”摆在关键位置。")
        );
        assert!(
            post.body
                .ends_with("或将为未来的稳健发展构筑牢固的护城河。")
        );
        assert!(!post.body.contains("返回") && !post.body.contains('<'));
        assert_eq!(post.body.lines().count(), 17);
    }

    #[test]
    fn too_large_is_refused() {
        let big = vec![b'a'; MAX_POST_BYTES as usize + 1];
        assert!(matches!(
            Post::from_bytes(&big),
            Err(PostError::TooLarge { .. })
        ));
    }
}
