//! The reference configuration: what a Rust developer would write in an afternoon.
//!
//! Plain tantivy, the `tantivy-jieba` tokenizer in search mode with lower-casing, title and body
//! stored, and `QueryParser` with AND as the default conjunction and the title boosted. Posts are
//! read with newssearch's own parser so that both engines index the same text; every ratio in the
//! README compares newssearch with this, measured in the same run.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use tantivy::collector::{Count, TopDocs};
use tantivy::query::QueryParser;
use tantivy::schema::{Field, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::tokenizer::{LowerCaser, TextAnalyzer};
use tantivy::{Index, IndexReader, TantivyDocument, doc};

/// The reference engine over one index folder.
pub struct Reference {
    index: Index,
    reader: IndexReader,
    path: Field,
    title: Field,
    body: Field,
}

fn schema() -> (Schema, Field, Field, Field) {
    let mut builder = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("jieba")
                .set_index_option(tantivy::schema::IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let path = builder.add_text_field("path", STRING | STORED);
    let title = builder.add_text_field("title", text.clone());
    let body = builder.add_text_field("body", text);
    (builder.build(), path, title, body)
}

fn register(index: &Index) {
    let analyzer = TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::new())
        .filter(LowerCaser)
        .build();
    index.tokenizers().register("jieba", analyzer);
}

/// Every file directly or indirectly under `folder`, sorted.
pub fn files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(folder)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

impl Reference {
    /// Indexes every post under `folder` into a new index in `dir`, through commit.
    pub fn build(dir: &Path, folder: &Path) -> tantivy::Result<Reference> {
        Reference::build_with(dir, folder, None)
    }

    /// [`Reference::build`] on one indexing thread: the posts keep the order of their files,
    /// so equal scores come in that order on every run (with tantivy's default threads they
    /// come in the order the threads happened to write them). Scores are the same either way:
    /// BM25's statistics are the whole index's.
    pub fn build_in_order(dir: &Path, folder: &Path) -> tantivy::Result<Reference> {
        Reference::build_with(dir, folder, Some(1))
    }

    fn build_with(dir: &Path, folder: &Path, threads: Option<usize>) -> tantivy::Result<Reference> {
        // Only an index (or nothing) is replaced: a folder of posts given by mistake is not.
        if dir.exists() {
            let is_index = dir.join("meta.json").exists();
            let empty = std::fs::read_dir(dir)?.next().is_none();
            if !is_index && !empty {
                return Err(tantivy::TantivyError::InvalidArgument(format!(
                    "{} is neither empty nor a tantivy index: not replacing it",
                    dir.display()
                )));
            }
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        let (schema, path, title, body) = schema();
        let index = Index::create_in_dir(dir, schema)?;
        register(&index);
        let mut writer = match threads {
            Some(threads) => index.writer_with_num_threads(threads, 200_000_000)?,
            None => index.writer(200_000_000)?,
        };
        for file in files(folder) {
            let Ok(bytes) = std::fs::read(&file) else {
                continue;
            };
            let Ok(post) = newssearch::Post::from_bytes(&bytes) else {
                continue;
            };
            writer.add_document(doc!(
                path => file.to_string_lossy().into_owned(),
                title => post.title,
                body => post.body,
            ))?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        Reference::open(dir)
    }

    /// Opens an index built by [`Reference::build`].
    pub fn open(dir: &Path) -> tantivy::Result<Reference> {
        let index = Index::open_in_dir(dir)?;
        register(&index);
        let schema = index.schema();
        let reader = index.reader()?;
        Ok(Reference {
            path: schema.get_field("path")?,
            title: schema.get_field("title")?,
            body: schema.get_field("body")?,
            index,
            reader,
        })
    }

    /// Top `limit` paths for `query` (AND of words, title boosted), and the number of matches.
    pub fn search(&self, query: &str, limit: usize) -> tantivy::Result<(Vec<String>, usize)> {
        let mut parser = QueryParser::for_index(&self.index, vec![self.title, self.body]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(self.title, 2.0);
        let (query, _errors) = parser.parse_query_lenient(query);
        let searcher = self.reader.searcher();
        let (top, count) = searcher.search(
            &query,
            &(TopDocs::with_limit(limit.max(1)).order_by_score(), Count),
        )?;
        let mut paths = Vec::with_capacity(top.len());
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let path = doc
                .get_first(self.path)
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            paths.push(path.to_owned());
        }
        Ok((paths, count))
    }

    /// Number of indexed posts.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}
