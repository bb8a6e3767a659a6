//! The index: schema, writer, incremental updates of a folder.

mod document;
mod folder;
mod merge;
mod queue;
mod schema;

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, RwLock};

use serde::{Deserialize, Serialize};
use tantivy::directory::error::{LockError, OpenDirectoryError};
use tantivy::{Executor, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyError};

use queue::Queued;

use crate::analysis::{self, Segmenter, Vocabulary, WordCounts};
use crate::error::{Error, Result};
use crate::post::Post;

pub use folder::{DEFAULT_BATCH_SIZE, FileProblem, IndexOptions, IndexReport, Progress};
pub use schema::Fields;

/// The index's writer: its documents carry their place in the queue to the indexing threads
/// (see `queue`).
pub(crate) type Writer = IndexWriter<Queued>;

/// The bytes of documents that may wait for tantivy's indexing threads (see `queue`): more
/// than the 10,000 it queues of the shared corpus's posts take (48 MB), so that the bound costs
/// their indexing nothing; about 550 posts of 40 KB. (32 MB made the 10× corpus's runs 3–5 %
/// slower.)
const QUEUE_BYTES: usize = 64 * 1024 * 1024;

/// The file beside tantivy's own that records what built the index.
const META_FILE: &str = "newssearch.json";

/// The words jieba found in the indexed titles and leads, that queries are cut with
/// ([`Vocabulary`]).
const VOCABULARY_FILE: &str = "vocabulary.fst";

/// The user dictionary kept beside an index, used by every later `index` run.
pub const USER_DICT_FILE: &str = "userdict.txt";

/// A user dictionary (jieba format: `word [freq] [tag]` a line), checked, parsed once and
/// fingerprinted.
#[derive(Debug, Clone)]
pub struct Dictionary {
    /// The dictionary text.
    pub text: String,
    /// A fingerprint of the text, recorded in the index it built.
    pub fingerprint: String,
    segmenter: Arc<Segmenter>,
}

impl Dictionary {
    /// Reads and checks a dictionary file.
    pub fn read(path: &Path) -> Result<Dictionary> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let segmenter = Segmenter::with_user_dict(&text).map_err(|source| Error::Dictionary {
            path: path.to_owned(),
            source,
        })?;
        let fingerprint = segmenter
            .dictionary_fingerprint()
            .unwrap_or_default()
            .to_owned();
        Ok(Dictionary {
            text,
            fingerprint,
            segmenter: Arc::new(segmenter),
        })
    }

    /// A segmenter with jieba's dictionary plus these words.
    pub fn segmenter(&self) -> Arc<Segmenter> {
        self.segmenter.clone()
    }
}

/// Memory for the writer, shared by its threads (tantivy wants ≥ 15 MB a thread).
const WRITER_MEMORY: usize = 160 * 1024 * 1024;

/// What newssearch records about an index beside tantivy's files.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IndexMeta {
    /// Schema version: an index of another version must be rebuilt.
    pub format: u32,
    /// Fingerprint of the user dictionary the words were segmented with, if any.
    pub dictionary: Option<String>,
    /// Fingerprint of the user dictionary whose words the vocabulary has learned
    /// ([`NewsIndex::learn_user_words`]), so that an unchanged dictionary is not looked up again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learned: Option<String>,
}

/// A newssearch index: a tantivy index with newssearch's schema and analyzers.
///
/// Open one with [`NewsIndex::open`] (or create it with [`NewsIndex::create`]), fill it with
/// [`NewsIndex::index_folder`] or [`NewsIndex::add_posts`], and search it with
/// [`NewsIndex::search`](crate::NewsIndex::search).
pub struct NewsIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    pub(crate) columns: crate::search::ColumnCache,
    /// Cuts new posts' words (jieba, loaded on first use).
    segmenter: Arc<Segmenter>,
    /// Words counted by the analyzers since the last commit.
    counts: Arc<WordCounts>,
    vocabulary: RwLock<Arc<Vocabulary>>,
    dir: Option<PathBuf>,
    meta: RwLock<IndexMeta>,
    /// The bytes of documents that may wait for tantivy's indexing threads.
    queue: Arc<queue::Budget>,
}

impl std::fmt::Debug for NewsIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewsIndex")
            .field("dir", &self.dir)
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}

impl NewsIndex {
    /// Creates an empty index in `dir` (created if missing; anything in it is replaced).
    pub fn create(dir: &Path) -> Result<NewsIndex> {
        NewsIndex::create_with(dir, Segmenter::shared())
    }

    /// Creates an empty index whose words are segmented by `segmenter`; the index records which
    /// user dictionary that is ([`IndexMeta::dictionary`]).
    pub fn create_with(dir: &Path, segmenter: Arc<Segmenter>) -> Result<NewsIndex> {
        if dir.exists() {
            let is_index = dir.join(META_FILE).exists() || dir.join("meta.json").exists();
            let mut entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
            if !is_index && entries.next().is_some() {
                return Err(Error::NotAnIndex {
                    dir: dir.to_owned(),
                });
            }
            std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let (schema, fields) = schema::build();
        let index = Index::builder()
            .schema(schema)
            .settings(settings())
            .create_in_dir(dir)
            .map_err(|e| damaged(dir, e))?;
        let meta = IndexMeta {
            format: schema::FORMAT_VERSION,
            dictionary: segmenter.dictionary_fingerprint().map(str::to_owned),
            learned: None,
        };
        let index = NewsIndex::wrap(index, fields, Some(dir.to_owned()), meta, segmenter)?;
        index.update_meta(|_| ())?;
        Ok(index)
    }

    /// Empties the index in `dir` for a fresh start, or creates it anew when it cannot be
    /// opened (damaged, or from another version). Fails without changing anything when
    /// another process is writing to it.
    pub fn rebuild(dir: &Path) -> Result<NewsIndex> {
        NewsIndex::rebuild_with(dir, Segmenter::shared())
    }

    /// [`NewsIndex::rebuild`] with a segmenter (and its user dictionary).
    pub fn rebuild_with(dir: &Path, segmenter: Arc<Segmenter>) -> Result<NewsIndex> {
        match NewsIndex::open_with(dir, segmenter.clone()) {
            Ok(index) => {
                let mut writer = index.writer()?;
                writer.delete_all_documents()?;
                index.commit(&mut writer)?;
                index.set_vocabulary(Vocabulary::default())?;
                index.update_meta(|meta| {
                    meta.dictionary = segmenter.dictionary_fingerprint().map(str::to_owned);
                    meta.learned = None;
                })?;
                Ok(index)
            }
            Err(Error::Locked { dir }) => Err(Error::Locked { dir }),
            Err(_) => NewsIndex::create_with(dir, segmenter),
        }
    }

    /// Changes what newssearch records about the index, and writes it down.
    pub(crate) fn update_meta(&self, change: impl FnOnce(&mut IndexMeta)) -> Result<()> {
        let mut meta = self.meta.write().unwrap_or_else(|e| e.into_inner());
        change(&mut meta);
        let Some(dir) = &self.dir else { return Ok(()) };
        let json = serde_json::to_vec_pretty(&*meta).expect("meta serialises");
        replace_file(dir, META_FILE, &json)
    }

    /// Creates an index in memory (for tests and for embedding without files).
    pub fn create_in_ram() -> Result<NewsIndex> {
        let (schema, fields) = schema::build();
        let index = Index::builder()
            .schema(schema)
            .settings(settings())
            .create_in_ram()?;
        let meta = IndexMeta {
            format: schema::FORMAT_VERSION,
            ..Default::default()
        };
        NewsIndex::wrap(index, fields, None, meta, Segmenter::shared())
    }

    /// Opens the index in `dir`.
    pub fn open(dir: &Path) -> Result<NewsIndex> {
        NewsIndex::open_with(dir, Segmenter::shared())
    }

    /// Opens the index in `dir`, segmenting new posts with `segmenter`.
    pub fn open_with(dir: &Path, segmenter: Arc<Segmenter>) -> Result<NewsIndex> {
        let meta_path = dir.join(META_FILE);
        if !dir.join("meta.json").exists() && !meta_path.exists() {
            return Err(Error::NoIndex {
                dir: dir.to_owned(),
            });
        }
        let meta = read_meta(dir).ok_or_else(|| Error::Damaged {
            dir: dir.to_owned(),
            reason: format!("{META_FILE} is missing or unreadable"),
        })?;
        if meta.format != schema::FORMAT_VERSION {
            return Err(Error::Damaged {
                dir: dir.to_owned(),
                reason: format!(
                    "built by another version of newssearch (format {}, this version reads {})",
                    meta.format,
                    schema::FORMAT_VERSION
                ),
            });
        }
        let index = Index::open_in_dir(dir).map_err(|e| damaged(dir, e))?;
        let fields = schema::fields_of(&index.schema()).ok_or_else(|| Error::Damaged {
            dir: dir.to_owned(),
            reason: "its schema is not this version's".to_owned(),
        })?;
        let vocabulary = read_vocabulary(dir)?;
        let index = NewsIndex::wrap(index, fields, Some(dir.to_owned()), meta, segmenter)?;
        *index.vocabulary.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(vocabulary);
        Ok(index)
    }

    fn wrap(
        mut index: Index,
        fields: Fields,
        dir: Option<PathBuf>,
        meta: IndexMeta,
        segmenter: Arc<Segmenter>,
    ) -> Result<NewsIndex> {
        let counts = Arc::new(WordCounts::default());
        analysis::register(index.tokenizers(), segmenter.clone(), counts.clone());
        // Searching segments in parallel pays off when there are several; with one or two, waking
        // the threads costs more than it saves on most queries.
        if index.searchable_segment_metas().map_or(0, |m| m.len()) >= PARALLEL_SEGMENTS {
            index.set_executor(search_executor().clone());
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(STORE_CACHE_BLOCKS)
            .try_into()
            .map_err(|e| damaged(dir.as_deref().unwrap_or(Path::new("<memory>")), e))?;
        Ok(NewsIndex {
            index,
            reader,
            fields,
            columns: Default::default(),
            segmenter,
            counts,
            vocabulary: Default::default(),
            dir,
            meta: RwLock::new(meta),
            queue: queue::Budget::new(QUEUE_BYTES),
        })
    }

    /// The folder the index lives in (`None` in memory).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// What newssearch recorded about the index.
    pub fn meta(&self) -> IndexMeta {
        self.meta.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The words queries are cut with: every word jieba found in the indexed titles and the
    /// leads of the bodies, with how many texts held each (approximately: see [`Vocabulary`]).
    pub fn vocabulary(&self) -> Arc<Vocabulary> {
        self.vocabulary
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Replaces the vocabulary, and its file when the index has a folder.
    fn set_vocabulary(&self, vocabulary: Vocabulary) -> Result<()> {
        if let Some(dir) = &self.dir {
            replace_file(dir, VOCABULARY_FILE, vocabulary.as_bytes())?;
        }
        *self.vocabulary.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(vocabulary);
        Ok(())
    }

    /// Teaches the vocabulary the user dictionary's words it does not know yet, so that
    /// queries are cut with them at once, without indexing the posts again: each word of two
    /// Han characters or more is counted over the texts already indexed (titles and bodies,
    /// exactly, from the bigram index) and added with that count, 0 for a word no text holds
    /// (kept, so that it is not counted again, and never a query's word until a post holds it).
    /// Posts indexed from now on count the words as they are added; the titles indexed before
    /// keep their old cut for ranking until the index is rebuilt. Returns how many words were
    /// learned. The index records which dictionary it learned ([`IndexMeta::learned`]), so
    /// the same dictionary is not looked up again. [`NewsIndex::index_folder`] does this first.
    pub fn learn_user_words(&self) -> Result<usize> {
        let dictionary = self.segmenter.dictionary_fingerprint();
        if dictionary.is_none() || dictionary == self.meta().learned.as_deref() {
            return Ok(0);
        }
        // Held while the vocabulary is written, as a commit does; it also brings the record up
        // to date, so ask again.
        let _writer = self.writer()?;
        if dictionary == self.meta().learned.as_deref() {
            return Ok(0);
        }
        let vocabulary = self.vocabulary();
        let mut words: Vec<String> = self
            .segmenter
            .user_words()
            .into_iter()
            .filter(|word| {
                word.chars().nth(1).is_some()
                    && word.chars().all(analysis::is_han)
                    && !vocabulary.contains(word)
            })
            .collect();
        words.sort_unstable();
        words.dedup();
        let learned = words.len();
        if !words.is_empty() {
            let held = self.texts_containing(&words)?;
            let counts = words.into_iter().map(String::into_boxed_str).zip(held);
            self.set_vocabulary(vocabulary.merged(counts.collect()))?;
        }
        // After the vocabulary: a run stopped between the two learns the words again.
        self.update_meta(|meta| meta.learned = dictionary.map(str::to_owned))?;
        Ok(learned)
    }

    /// How many posts the index holds (as of the last commit).
    pub fn num_posts(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Adds posts under the given paths (replacing posts already indexed under the same path)
    /// and commits.
    ///
    /// ```
    /// # fn main() -> newssearch::Result<()> {
    /// let index = newssearch::NewsIndex::create_in_ram()?;
    /// let post = newssearch::Post { title: "标题".into(), body: "正文".into(), ..Default::default() };
    /// index.add_posts([("a.md", post)])?;
    /// assert_eq!(index.num_posts(), 1);
    /// # Ok(()) }
    /// ```
    pub fn add_posts<P: AsRef<str>>(
        &self,
        posts: impl IntoIterator<Item = (P, Post)>,
    ) -> Result<()> {
        let mut writer = self.writer()?;
        for (path, post) in posts {
            let path = path.as_ref();
            let file = document::FileInfo {
                key: path,
                path,
                mtime: 0,
                size: post.body.len() as u64,
            };
            writer.delete_term(tantivy::Term::from_field_text(self.fields.key, path));
            let doc = document::build(&self.fields, &self.segmenter, &file, &post);
            writer.add_document(Queued::unbounded(doc))?;
        }
        self.commit(&mut writer)
    }

    pub(crate) fn writer(&self) -> Result<Writer> {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8);
        let writer = self
            .index
            .writer_with_num_threads(threads, WRITER_MEMORY.max(threads * 20_000_000))
            .map_err(|e| match e {
                TantivyError::LockFailure(LockError::LockBusy, _) => Error::Locked {
                    dir: self.dir.clone().unwrap_or_default(),
                },
                other => Error::Tantivy(other),
            })?;
        writer.set_merge_policy(Box::new(merge::BoundedMergePolicy));
        // Words counted for documents a failed run never committed are not the index's.
        self.counts.clear();
        // Another process (or handle) may have written since this one opened the index: with
        // the lock held, changes build on the posts, the vocabulary and the record as they are
        // now.
        self.reader.reload()?;
        if let Some(dir) = &self.dir {
            let vocabulary = read_vocabulary(dir)?;
            *self.vocabulary.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(vocabulary);
            if let Some(meta) = read_meta(dir) {
                *self.meta.write().unwrap_or_else(|e| e.into_inner()) = meta;
            }
        }
        Ok(writer)
    }

    /// Commits, writing the words of the new posts into the vocabulary first (once tantivy has
    /// analysed every post of the batch, before the commit makes them visible): a crash in
    /// between leaves words of posts that were never committed, which only adds to the counts,
    /// never a committed post whose words the vocabulary lacks. When the vocabulary cannot be
    /// written the batch is rolled back and the error returned.
    pub(crate) fn commit(&self, writer: &mut Writer) -> Result<()> {
        let prepared = writer.prepare_commit()?;
        let counts = self.counts.take();
        if !counts.is_empty()
            && let Err(error) = self.set_vocabulary(self.vocabulary().merged(counts))
        {
            let _ = prepared.abort();
            return Err(error);
        }
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }
}

/// What newssearch recorded about the index in `dir`, if it can be read.
fn read_meta(dir: &Path) -> Option<IndexMeta> {
    let bytes = std::fs::read(dir.join(META_FILE)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Writes `name` in `dir` whole: a `.partial` file renamed over it, so that a process opening
/// the index meanwhile reads the old file or the new one, never half of one.
fn replace_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(name);
    let partial = dir.join(format!("{name}.partial"));
    std::fs::write(&partial, bytes)
        .and_then(|()| std::fs::rename(&partial, &path))
        .map_err(|e| Error::io(path, e))
}

/// Stored text (titles and bodies for snippets) is a quarter of the index: zstd keeps it at
/// three quarters of its lz4 size. Blocks of 16 KB, not larger: a `query` process decompresses
/// the block of every hit it shows, which with 64 KB blocks was nearly half of its instructions
/// (`query 数字化`: 14.7 M against 8.1 M) for a store only 13 % smaller.
fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::Zstd(tantivy::store::ZstdCompressor {
            compression_level: Some(3),
        }),
        docstore_blocksize: 16_384,
        ..Default::default()
    }
}

/// Decompressed store blocks kept per segment (16 KB each, so at most 8 MB a segment, filled
/// only by the blocks hits are read from). tantivy keeps 100: fewer than the blocks that the
/// hits of a few dozen different queries live in, so a long-running process decompressed a
/// block for most hits it showed, a quarter of its work.
const STORE_CACHE_BLOCKS: usize = 512;

/// From this many segments on, an opened index searches them in parallel.
const PARALLEL_SEGMENTS: usize = 3;

/// The threads every index searches its segments with, one per core, shared by all indexes of
/// the process: a query over several segments uses every core.
fn search_executor() -> &'static Executor {
    static EXECUTOR: LazyLock<Executor> = LazyLock::new(|| {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        Executor::multi_thread(threads, "newssearch-search-").unwrap_or(Executor::SingleThread)
    });
    &EXECUTOR
}

/// The vocabulary kept in `dir`; none yet (an index never committed to) is an empty one.
fn read_vocabulary(dir: &Path) -> Result<Vocabulary> {
    let path = dir.join(VOCABULARY_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => Vocabulary::from_bytes(bytes).map_err(|e| Error::Damaged {
            dir: dir.to_owned(),
            reason: format!("{VOCABULARY_FILE} is unreadable: {e}"),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vocabulary::default()),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn damaged(dir: &Path, error: impl Into<TantivyError>) -> Error {
    let error = error.into();
    match error {
        TantivyError::OpenDirectoryError(OpenDirectoryError::DoesNotExist(_)) => Error::NoIndex {
            dir: dir.to_owned(),
        },
        other => Error::Damaged {
            dir: dir.to_owned(),
            reason: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::SearchRequest;
    use tantivy::indexer::NoMergePolicy;

    fn posts() -> Vec<(String, Post)> {
        (0..40)
            .map(|i| {
                let post = Post {
                    title: format!("第{i}篇 数字化{}", "转型".repeat(i % 3)),
                    body: format!("{}数字经济{}", "新闻".repeat(i + 1), "发展".repeat(i % 5)),
                    categories: vec![format!("类{}", i % 4)],
                    ..Default::default()
                };
                (format!("p{i:02}.md"), post)
            })
            .collect()
    }

    /// A post with a short title (no words of the tests' queries) and `body`.
    fn post(body: &str) -> Post {
        Post {
            title: "短讯".into(),
            body: body.into(),
            ..Default::default()
        }
    }

    fn titled(title: &str) -> Post {
        Post {
            title: title.into(),
            body: "正文。".into(),
            ..Default::default()
        }
    }

    /// The words of titles and leads cut queries, also after the index is reopened; a rebuild
    /// forgets them, and a damaged vocabulary file is reported, not ignored. A body is cut into
    /// words only at its start: a word further on is not counted.
    #[test]
    fn title_words_cut_queries_across_reopening() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::io(Path::new("tempdir"), e))?;
        let path = dir.path().join("index");
        let required = |index: &NewsIndex| -> Result<Vec<String>> {
            let plan = index.plan_query(&SearchRequest::new("人工智能产业"))?;
            Ok(plan.clauses[0].required.clone())
        };
        {
            let index = NewsIndex::create(&path)?;
            index.add_posts([
                ("a.md", titled("人工智能正在改变生活")),
                ("b.md", titled("这一产业增长较快")),
                ("c.md", post("芯片制造加快发展。")),
                ("d.md", post(&format!("{}集成电路", "正文。".repeat(40)))),
            ])?;
            assert_eq!(required(&index)?, ["人工智能", "产业"]);
            assert_eq!(index.vocabulary().doc_freq("芯片"), 1);
            assert_eq!(index.vocabulary().doc_freq("集成电路"), 0);
        }
        let reopened = NewsIndex::open(&path)?;
        assert!(reopened.vocabulary().doc_freq("人工智能") >= 1);
        assert_eq!(required(&reopened)?, ["人工智能", "产业"]);
        drop(reopened);

        let rebuilt = NewsIndex::rebuild(&path)?;
        assert!(rebuilt.vocabulary().is_empty());
        assert_eq!(required(&rebuilt)?, ["人工智能产业"]);
        drop(rebuilt);

        std::fs::write(path.join(VOCABULARY_FILE), b"garbage").unwrap();
        let error = NewsIndex::open(&path).unwrap_err();
        assert!(
            matches!(&error, Error::Damaged { reason, .. } if reason.contains(VOCABULARY_FILE)),
            "{error}"
        );
        Ok(())
    }

    /// A user dictionary's words are counted wherever a body holds them, past its lead too, so
    /// that queries are cut into them.
    #[test]
    fn user_words_are_counted_anywhere_in_a_body() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::io(Path::new("tempdir"), e))?;
        let segmenter = Arc::new(Segmenter::with_user_dict("量子通信网 10\n").unwrap());
        let index = NewsIndex::create_with(&dir.path().join("index"), segmenter)?;
        let body = format!("{}建设量子通信网。", "正文。".repeat(40));
        index.add_posts([("a.md", post(&body)), ("b.md", post(&body))])?;
        assert_eq!(index.vocabulary().doc_freq("量子通信网"), 2);
        assert_eq!(index.vocabulary().doc_freq("建设"), 0, "past the lead");
        let plan = index.plan_query(&SearchRequest::new("量子通信网建设"))?;
        assert_eq!(plan.clauses[0].words[0], "量子通信网");
        Ok(())
    }

    /// Words added to the user dictionary cut queries without indexing anything again: each
    /// is counted over the titles and bodies already indexed, once; a word no text holds is
    /// kept at 0 and cuts no query until a post holding it is added.
    #[test]
    fn user_words_cut_queries_without_a_reindex() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::io(Path::new("tempdir"), e))?;
        let path = dir.path().join("index");
        let first_words = |index: &NewsIndex, query: &str| -> Result<String> {
            Ok(index.plan_query(&SearchRequest::new(query))?.clauses[0].words[0].clone())
        };
        {
            let index = NewsIndex::create(&path)?;
            let body = format!("{}建设量子通信网。", "正文。".repeat(40));
            index.add_posts([
                ("a.md", post(&body)),
                ("b.md", post(&body)),
                ("c.md", titled("量子通信网建成")),
                ("d.md", post("芯片制造加快发展。")),
            ])?;
            assert_ne!(first_words(&index, "量子通信网建设")?, "量子通信网");
        }
        let dictionary = "量子通信网 10\n未见之词 5\nAI芯片 5\n量\n";
        let segmenter = Arc::new(Segmenter::with_user_dict(dictionary).unwrap());
        let index = NewsIndex::open_with(&path, segmenter)?;
        assert_eq!(
            index.learn_user_words()?,
            2,
            "words of two Han characters or more"
        );
        let vocabulary = index.vocabulary();
        assert_eq!(
            vocabulary.doc_freq("量子通信网"),
            3,
            "two bodies and a title"
        );
        assert!(vocabulary.contains("未见之词"));
        assert_eq!(vocabulary.doc_freq("未见之词"), 0);
        assert_eq!(first_words(&index, "量子通信网建设")?, "量子通信网");
        assert_ne!(first_words(&index, "未见之词")?, "未见之词");
        assert_eq!(index.learn_user_words()?, 0, "learned once");
        assert_eq!(
            NewsIndex::open(&path)?.meta().learned.as_deref(),
            Segmenter::with_user_dict(dictionary)
                .unwrap()
                .dictionary_fingerprint(),
            "the index records which dictionary it learned"
        );
        let more =
            Arc::new(Segmenter::with_user_dict(&format!("{dictionary}芯片制造 3\n")).unwrap());
        // Opened before another handle learns the new word and adds posts.
        let earlier = NewsIndex::open_with(&path, more.clone())?;
        assert_eq!(
            NewsIndex::open_with(&path, more)?.learn_user_words()?,
            1,
            "only the new word"
        );
        assert_eq!(
            NewsIndex::open(&path)?.vocabulary().doc_freq("量子通信网"),
            3
        );

        // The earlier handle builds on what the others wrote, once it writes itself.
        index.add_posts([("f.md", post("全新词汇出现。"))])?;
        assert_eq!(
            earlier.learn_user_words()?,
            0,
            "learned by the other handle"
        );
        earlier.add_posts([("g.md", post("芯片制造。"))])?;
        let reopened = NewsIndex::open(&path)?.vocabulary();
        assert_eq!(
            reopened.doc_freq("芯片制造"),
            2,
            "{:?}",
            reopened.doc_freq("芯片制造")
        );
        assert!(reopened.contains("量子通信网"));

        index.add_posts([("e.md", post("一个未见之词。"))])?;
        assert_eq!(index.vocabulary().doc_freq("未见之词"), 1);
        assert_eq!(first_words(&index, "未见之词")?, "未见之词");
        Ok(())
    }

    /// When the vocabulary cannot be written, the batch is not committed and the error names
    /// the file; what was committed before stays, and the next run commits the batch.
    #[test]
    fn a_vocabulary_that_cannot_be_written_rolls_the_batch_back() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::io(Path::new("tempdir"), e))?;
        let path = dir.path().join("index");
        let index = NewsIndex::create(&path)?;
        index.add_posts([("a.md", titled("人工智能正在改变生活"))])?;
        let blocker = path.join(format!("{VOCABULARY_FILE}.partial"));
        std::fs::create_dir(&blocker).unwrap();
        let error = index
            .add_posts([("b.md", titled("这一产业增长较快"))])
            .unwrap_err();
        assert!(error.to_string().contains(VOCABULARY_FILE), "{error}");
        assert_eq!(index.num_posts(), 1);
        assert_eq!(index.vocabulary().doc_freq("产业"), 0);
        std::fs::remove_dir(&blocker).unwrap();
        index.add_posts([("b.md", titled("这一产业增长较快"))])?;
        assert_eq!(index.num_posts(), 2);
        assert_eq!(NewsIndex::open(&path)?.vocabulary().doc_freq("产业"), 1);
        Ok(())
    }

    /// An index of four segments (one commit each, no merges) is searched on the shared thread
    /// pool, and finds, ranks and counts exactly what the same posts in one segment give.
    #[test]
    fn several_segments_search_in_parallel_with_the_same_results() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::io(Path::new("tempdir"), e))?;
        let path = dir.path().join("index");
        {
            let index = NewsIndex::create(&path)?;
            let mut writer = index.writer()?;
            writer.set_merge_policy(Box::new(NoMergePolicy));
            for chunk in posts().chunks(10) {
                for (key, post) in chunk {
                    let file = document::FileInfo {
                        key,
                        path: key,
                        mtime: 0,
                        size: 0,
                    };
                    let doc = document::build(&index.fields, &index.segmenter, &file, post);
                    writer.add_document(Queued::unbounded(doc))?;
                }
                index.commit(&mut writer)?;
            }
        }
        let parallel = NewsIndex::open(&path)?;
        assert!(parallel.index.searchable_segment_metas()?.len() >= PARALLEL_SEGMENTS);
        assert!(matches!(
            parallel.index.search_executor(),
            Executor::ThreadPool(_)
        ));
        let single = NewsIndex::create_in_ram()?;
        single.add_posts(posts())?;
        for query in ["数字化", "数字经济 发展", "转型", "新闻 -发展"] {
            let mut request = SearchRequest::new(query);
            request.limit = 40;
            request.show_reprints = true;
            let (a, b) = (parallel.search(&request)?, single.search(&request)?);
            assert_eq!(a.total, b.total, "{query}");
            assert!(a.total > 0, "{query}");
            assert_eq!(a.hits.len(), a.total, "{query}: every match is a hit");
            // Equal scores may come in another order: compare (score, path), sorted.
            let scored = |r: &crate::search::SearchResults| -> Vec<(u32, String)> {
                let mut hits: Vec<(u32, String)> = r
                    .hits
                    .iter()
                    .map(|h| ((h.score * 1000.0).round() as u32, h.path.clone()))
                    .collect();
                hits.sort();
                hits
            };
            assert_eq!(scored(&a), scored(&b), "{query}");
            assert_eq!(a.facets, b.facets, "{query}");
        }
        Ok(())
    }
}
