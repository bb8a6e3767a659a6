//! A post as a tantivy document.

use chrono::Datelike;
use tantivy::schema::Facet;
use tantivy::{DateTime, TantivyDocument};

use super::schema::Fields;
use crate::analysis::{Segmenter, fingerprint, headline_words, keeps_han_and_spaces};
use crate::post::{Post, headline};
use crate::search::facet_key;

/// Where a post came from.
#[derive(Debug, Clone)]
pub struct FileInfo<'a> {
    /// The absolute path, the key for updates.
    pub key: &'a str,
    /// The path as found under the indexed folder.
    pub path: &'a str,
    /// Modification time in ns since the epoch.
    pub mtime: i64,
    /// Size in bytes.
    pub size: u64,
}

/// Builds the document for `post`.
pub fn build(
    fields: &Fields,
    segmenter: &Segmenter,
    file: &FileInfo<'_>,
    post: &Post,
) -> TantivyDocument {
    let mut doc = TantivyDocument::new();
    doc.add_text(fields.key, file.key);
    doc.add_text(fields.path, file.path);
    let title = if post.title.is_empty() {
        title_from_path(file.path)
    } else {
        &post.title
    };
    doc.add_text(fields.title_text, title);
    let words = headline_words(headline(title), segmenter);
    doc.add_text(fields.title_words, words);
    doc.add_text(fields.body_text, &post.body);
    doc.add_bool(fields.body_plain, keeps_han_and_spaces(&post.body));
    // The analyzers run on tantivy's indexing threads.
    for field in [fields.title, fields.title_uni, fields.title_bi] {
        doc.add_text(field, title);
    }
    for field in [fields.body_uni, fields.body_bi] {
        doc.add_text(field, &post.body);
    }
    doc.add_u64(fields.fingerprint, fingerprint(&post.body));
    if let Some(date) = post.date {
        doc.add_date(fields.date, DateTime::from_timestamp_secs(date.timestamp()));
        doc.add_text(fields.date_text, date.to_rfc3339());
        doc.add_u64(fields.month, date.year() as u64 * 100 + date.month() as u64);
    }
    // One value of a key a post (`AI` and `ai` are one tag), so that counting values by key
    // counts each post once.
    let mut keys = Vec::new();
    for category in &post.categories {
        if once(&mut keys, category) {
            doc.add_facet(fields.category, Facet::from_path([category.as_str()]));
        }
    }
    keys.clear();
    for tag in &post.tags {
        if once(&mut keys, tag) {
            doc.add_facet(fields.tag, Facet::from_path([tag.as_str()]));
        }
    }
    if let Some(url) = &post.url {
        doc.add_text(fields.url, url);
    }
    if let Some(source) = &post.source {
        doc.add_text(fields.source, source);
    }
    doc.add_i64(fields.mtime, file.mtime);
    doc.add_u64(fields.size, file.size);
    doc
}

/// About how many bytes the document [`build`] makes of `post` holds: the title five times (stored,
/// its words, and for each field analysing it) and the body three, and the rest.
pub fn size(file: &FileInfo<'_>, post: &Post) -> usize {
    let facets: usize = [&post.categories, &post.tags]
        .into_iter()
        .flatten()
        .map(String::len)
        .sum();
    5 * post.title.len() + 3 * post.body.len() + file.key.len() + file.path.len() + facets + 256
}

/// Whether `value`'s [`facet_key`] is not among `keys` yet (and adds it).
fn once(keys: &mut Vec<String>, value: &str) -> bool {
    let key = facet_key(value);
    let new = !keys.contains(&key);
    if new {
        keys.push(key);
    }
    new
}

/// A post without a title is shown under its file name.
fn title_from_path(path: &str) -> &str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}
