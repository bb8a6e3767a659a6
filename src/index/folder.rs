//! Indexing a folder of posts, incrementally: only what changed is read again.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use tantivy::indexer::NoMergePolicy;
use tantivy::merge_policy::MergePolicy;
use tantivy::{TantivyDocument, Term};

use super::document::{self, FileInfo};
use super::merge::BoundedMergePolicy;
use super::queue::Queued;
use super::{NewsIndex, Writer};
use crate::error::{Error, Result};
use crate::post::{MAX_POST_BYTES, Post, PostError, PostWarning};

/// Above this many posts a full merge would cost more memory than it saves; tantivy's merge
/// policy keeps the segment count in check instead.
const COMPACT_MAX_POSTS: usize = 50_000;

/// Files read and analysed together before their documents go to the writer.
const PIPELINE_CHUNK: usize = 256;

/// Posts between two commits unless told otherwise. A commit ends every segment being written,
/// however little it holds; between commits tantivy ends one whenever its thread's share of the
/// writer's memory is full (about 15,000 posts of the shared corpus). Committing every 20,000
/// posts made segments of 10,000 that were then merged three at a time: indexing the 10× corpus
/// took 19.7–20.0 s against 15.4–17.1 s committing every 60,000 (`/usr/bin/time newssearch
/// index /tmp/xwlb10 --commit-every N`, session 17), with the same peak memory. An interrupted
/// run loses at most one batch: about 8 s of work on this machine.
pub const DEFAULT_BATCH_SIZE: usize = 60_000;

/// How a folder is indexed.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Posts read between two commits: an interrupted run keeps every batch it committed.
    pub batch_size: usize,
}

impl Default for IndexOptions {
    fn default() -> IndexOptions {
        IndexOptions {
            batch_size: DEFAULT_BATCH_SIZE,
        }
    }
}

/// How far an indexing run has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Files read so far.
    pub done: usize,
    /// Files to read in this run.
    pub total: usize,
}

/// What an indexing run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexReport {
    /// New posts.
    pub added: usize,
    /// Posts whose file changed.
    pub updated: usize,
    /// Posts whose file is gone.
    pub removed: usize,
    /// Posts whose file did not change.
    pub unchanged: usize,
    /// Files that are not indexed, with the reason.
    pub skipped: Vec<FileProblem>,
    /// Files indexed without part of their front matter, with what was wrong: a front matter
    /// that is not YAML, read line by line; a date that does not parse, left out.
    pub warnings: Vec<FileProblem>,
    /// Words of the user dictionary new to the index's vocabulary, counted over the posts
    /// indexed before this run ([`NewsIndex::learn_user_words`]).
    pub words_learned: usize,
}

impl IndexReport {
    /// How many files were indexed without part of their front matter ([`IndexReport::warnings`]
    /// lists each problem, a file's together).
    pub fn files_read_around(&self) -> usize {
        let mut paths: Vec<&PathBuf> = self.warnings.iter().map(|w| &w.path).collect();
        paths.dedup();
        paths.len()
    }
}

/// A file that was not indexed, or was indexed without part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// The file, as found under the folder.
    pub path: PathBuf,
    /// What is wrong with it.
    pub reason: String,
}

/// A file found in the folder. Only its path under the folder is kept (its key and the path
/// it is read from are made from it when needed): the list of files is the one part of an
/// indexing run's memory that grows with the corpus, so it is kept small (10× corpus:
/// 7.3 MB, 63 bytes a file, instead of 160 with the key and the path kept apart; heaptrack).
#[derive(Debug)]
struct Found {
    relative: Box<Path>,
    mtime: i64,
    size: u64,
}

/// Where a run's files are: the folder as given (the paths read and shown) and its canonical
/// path (the keys).
struct Place<'a> {
    folder: &'a Path,
    root: &'a Path,
}

impl Place<'_> {
    /// The key of `file`: its absolute path.
    fn key(&self, file: &Found) -> String {
        self.root
            .join(&file.relative)
            .to_string_lossy()
            .into_owned()
    }

    /// The path `file` is read from and shown as.
    fn path(&self, file: &Found) -> PathBuf {
        self.folder.join(&file.relative)
    }
}

/// What the index holds for one file.
#[derive(Debug)]
struct Indexed {
    mtime: i64,
    size: u64,
    copies: usize,
}

impl NewsIndex {
    /// Brings the index up to date with the posts in `folder`: new files are added, changed files
    /// replaced, deleted files removed; files that did not change are not read. A file that
    /// cannot be read or parsed is reported in [`IndexReport::skipped`] and the rest is indexed.
    /// First the vocabulary learns the user dictionary's new words
    /// ([`NewsIndex::learn_user_words`]).
    pub fn index_folder(
        &self,
        folder: &Path,
        options: &IndexOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<IndexReport> {
        let root = folder.canonicalize().map_err(|e| Error::io(folder, e))?;
        if !root.is_dir() {
            let error = std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder");
            return Err(Error::io(folder, error));
        }
        if self.num_posts() == 0 {
            self.load_jieba_ahead();
        }
        let mut report = IndexReport {
            words_learned: self.learn_user_words()?,
            ..Default::default()
        };
        let own_dir = self.dir().and_then(|d| d.canonicalize().ok());
        let found = scan(folder, own_dir.as_deref(), &mut report.skipped);
        let place = Place {
            folder,
            root: &root,
        };
        let (work, removed) = changes(&found, &self.indexed_files()?, &place, &mut report);
        if work.is_empty() && removed.is_empty() {
            self.merge_left_over()?;
            return Ok(report);
        }
        let mut writer = self.writer()?;
        // No merge while the writer's threads fill their memory: a merge maps the segments it
        // reads (up to about 90 MB for 30,000 posts) and would add that to the writer's peak.
        // The merges are made once the last batch is committed (`compact`).
        writer.set_merge_policy(Box::new(NoMergePolicy));
        for key in &removed {
            writer.delete_term(Term::from_field_text(self.fields.key, key));
        }
        report.removed = removed.len();
        self.add_files(&mut writer, &place, &work, options, progress, &mut report)?;
        self.commit(&mut writer)?;
        let cut = report.added + report.updated;
        if cut as u64 == self.num_posts() {
            // Every post was cut with this run's dictionary: no older cut is left to redo.
            // (Recorded while the writer's lock is held, as every change to the index is.)
            let dictionary = self.segmenter.dictionary_fingerprint().map(str::to_owned);
            if self.meta().dictionary != dictionary {
                self.update_meta(|meta| meta.dictionary = dictionary)?;
            }
        }
        self.compact(writer, cut)?;
        Ok(report)
    }

    /// A first run will need jieba's dictionary (100–240 ms to load, on one core): load it while
    /// the folder is scanned rather than after, with the other core waiting. Only a head start:
    /// without the thread, the first post loads it.
    fn load_jieba_ahead(&self) {
        let segmenter = self.segmenter.clone();
        let _ = std::thread::Builder::new()
            .name("newssearch-jieba".into())
            .spawn(move || {
                segmenter.jieba();
            });
    }

    /// Reads, analyses and adds the files of `work` (each with whether it replaces a post),
    /// committing every `options.batch_size` posts; a file that cannot be read or parsed is
    /// reported in `report` and skipped.
    fn add_files(
        &self,
        writer: &mut Writer,
        place: &Place,
        work: &[(&Found, bool)],
        options: &IndexOptions,
        progress: &mut dyn FnMut(Progress),
        report: &mut IndexReport,
    ) -> Result<()> {
        let total = work.len();
        progress(Progress { done: 0, total });
        let mut done = 0;
        let mut uncommitted = 0;
        // Small chunks keep both stages busy: rayon parses and analyses the next chunk while
        // tantivy's threads index the last one.
        for chunk in work.chunks(PIPELINE_CHUNK) {
            let docs: Vec<Result<Built, String>> = chunk
                .par_iter()
                .map(|(file, _)| self.document(place, file))
                .collect();
            for ((file, replaces), doc) in chunk.iter().zip(docs) {
                let (doc, bytes, warnings) = match doc {
                    Ok(doc) => doc,
                    Err(reason) => {
                        report.skipped.push(FileProblem {
                            path: place.path(file),
                            reason,
                        });
                        continue;
                    }
                };
                report
                    .warnings
                    .extend(warnings.iter().map(|warning| FileProblem {
                        path: place.path(file),
                        reason: warning.to_string(),
                    }));
                if *replaces {
                    let key = place.key(file);
                    writer.delete_term(Term::from_field_text(self.fields.key, &key));
                    report.updated += 1;
                } else {
                    report.added += 1;
                }
                writer.add_document(Queued::new(doc, self.queue.admit(bytes)))?;
                uncommitted += 1;
                if uncommitted == options.batch_size.max(1) {
                    self.commit(writer)?;
                    uncommitted = 0;
                }
            }
            done += chunk.len();
            progress(Progress { done, total });
        }
        Ok(())
    }

    /// The document of `file`, about how many bytes it holds and what was read around in it,
    /// or why it cannot be indexed.
    fn document(&self, place: &Place, file: &Found) -> std::result::Result<Built, String> {
        let path = place.path(file);
        let (post, warnings) = read_post(&path, file.size)?;
        let key = place.key(file);
        let path = path.to_string_lossy();
        let info = FileInfo {
            key: &key,
            path: &path,
            mtime: file.mtime,
            size: file.size,
        };
        let doc = document::build(&self.fields, &self.segmenter, &info, &post);
        Ok((doc, document::size(&info, &post), warnings))
    }

    /// Merges what indexing held back, one merge at a time, after the writer's threads have
    /// written their last segments: after a large change of a small index, every segment into
    /// one (a single segment is smaller, one term dictionary, and faster to search); otherwise
    /// the small segments, as [`BoundedMergePolicy`] groups them.
    fn compact(&self, mut writer: Writer, changed: usize) -> Result<()> {
        let segments = self.index.searchable_segment_ids()?;
        let total = self.reader.searcher().num_docs() as usize;
        let groups = if segments.len() > 4
            && changed * 4 >= total
            && total > 0
            && total <= COMPACT_MAX_POSTS
        {
            vec![segments]
        } else {
            let metas = self.index.searchable_segment_metas()?;
            BoundedMergePolicy
                .compute_merge_candidates(&metas)
                .into_iter()
                .map(|candidate| candidate.0)
                .collect()
        };
        for group in groups {
            // Only an optimisation: the posts are committed whether or not it succeeds.
            let _ = writer.merge(&group).wait();
        }
        writer.wait_merging_threads()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Merges the small segments that a run interrupted after its last commit left unmerged
    /// (indexing merges only at its end), when a run finds nothing else to do. Nothing when
    /// there are none, or when another process is writing (its run merges them).
    fn merge_left_over(&self) -> Result<()> {
        let metas = self.index.searchable_segment_metas()?;
        if BoundedMergePolicy
            .compute_merge_candidates(&metas)
            .is_empty()
        {
            return Ok(());
        }
        match self.writer() {
            Ok(writer) => self.compact(writer, 0),
            Err(Error::Locked { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Every file the index holds, by key, with the metadata it was indexed with.
    fn indexed_files(&self) -> Result<HashMap<String, Indexed>> {
        let searcher = self.reader.searcher();
        let mut files: HashMap<String, Indexed> = HashMap::new();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let keys = fast
                .str("key")?
                .ok_or_else(|| tantivy::TantivyError::SchemaError("no key column".into()))?;
            // The key dictionary read once, in order: looking up each post's key on its own
            // would decompress a dictionary block per post.
            let mut names = Vec::with_capacity(keys.num_terms());
            let mut stream = keys
                .dictionary()
                .stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                names.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
            let mtimes = fast.i64("mtime")?;
            let sizes = fast.u64("size")?;
            for doc in segment.doc_ids_alive() {
                let Some(name) = keys
                    .term_ords(doc)
                    .next()
                    .and_then(|ord| names.get(ord as usize))
                else {
                    continue;
                };
                let entry = files.entry(name.clone()).or_insert(Indexed {
                    mtime: mtimes.first(doc).unwrap_or_default(),
                    size: sizes.first(doc).unwrap_or_default(),
                    copies: 0,
                });
                entry.copies += 1;
            }
        }
        Ok(files)
    }
}

/// The key prefix of every file under `root`.
fn key_prefix(root: &Path) -> String {
    let mut prefix = root.to_string_lossy().into_owned();
    if !prefix.ends_with(std::path::MAIN_SEPARATOR) {
        prefix.push(std::path::MAIN_SEPARATOR);
    }
    prefix
}

/// What a run must do: the files found that are new or changed (with whether each replaces a
/// post), and the keys of the posts whose files are gone from the folder (keys under its
/// root); the unchanged files are counted in `report`.
fn changes<'a>(
    found: &'a [Found],
    indexed: &HashMap<String, Indexed>,
    place: &Place,
    report: &mut IndexReport,
) -> (Vec<(&'a Found, bool)>, Vec<String>) {
    if indexed.is_empty() {
        return (found.iter().map(|file| (file, false)).collect(), Vec::new());
    }
    let mut work = Vec::new();
    let mut present = HashSet::with_capacity(found.len());
    for file in found {
        let key = place.key(file);
        match indexed.get(&key) {
            Some(old) if old.mtime == file.mtime && old.size == file.size && old.copies == 1 => {
                report.unchanged += 1
            }
            old => work.push((file, old.is_some())),
        }
        present.insert(key);
    }
    let prefix = key_prefix(place.root);
    let removed = indexed
        .keys()
        .filter(|k| k.starts_with(&prefix) && !present.contains(*k))
        .cloned()
        .collect();
    (work, removed)
}

/// Every post candidate under `folder`: hidden files and folders and the index itself are
/// passed over; folders that cannot be read and symlink loops are reported.
fn scan(folder: &Path, own_dir: Option<&Path>, skipped: &mut Vec<FileProblem>) -> Vec<Found> {
    let walker = walkdir::WalkDir::new(folder)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0
                || !(is_hidden(entry)
                    || entry.file_type().is_dir()
                        && own_dir
                            .is_some_and(|own| entry.path().canonicalize().is_ok_and(|p| p == own)))
        });
    let mut found = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().unwrap_or(folder).to_owned();
                let reason = if error.loop_ancestor().is_some() {
                    "symlink loop".to_owned()
                } else {
                    error
                        .io_error()
                        .map_or_else(|| error.to_string(), |e| e.to_string())
                };
                skipped.push(FileProblem { path, reason });
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let metadata = match entry.metadata() {
            Ok(metadata) => metadata,
            Err(error) => {
                skipped.push(FileProblem {
                    path: entry.path().to_owned(),
                    reason: error.to_string(),
                });
                continue;
            }
        };
        let relative = entry.path().strip_prefix(folder).unwrap_or(entry.path());
        let mtime = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i64);
        found.push(Found {
            relative: relative.into(),
            mtime,
            size: metadata.len(),
        });
    }
    found
}

fn is_hidden(entry: &walkdir::DirEntry) -> bool {
    entry.file_name().as_encoded_bytes().starts_with(b".")
}

/// A post's document, about how many bytes it holds, and what was read around in the post.
type Built = (TantivyDocument, usize, Vec<PostWarning>);

/// Reads and parses one file of `size` bytes (as the scan found it); the error is the reason to
/// report. A file that grew past the limit since is read no further than the limit.
fn read_post(path: &Path, size: u64) -> Result<(Post, Vec<PostWarning>), String> {
    if size > MAX_POST_BYTES {
        return Err(PostError::TooLarge {
            size,
            limit: MAX_POST_BYTES,
        }
        .to_string());
    }
    let mut bytes = Vec::with_capacity(size as usize);
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_POST_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    Post::from_bytes_noting(&bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes posts numbered `numbers` into `folder` (made if missing), each body ending with
    /// `more`.
    fn write_posts(folder: &Path, numbers: std::ops::Range<usize>, more: &str) -> Result<()> {
        std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
        for i in numbers {
            let path = folder.join(format!("{i:04}.md"));
            let text = format!("---\ntitle: 第{i}号快讯\n---\n今日第{i}条消息。\n{more}");
            std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }

    /// Indexing merges nothing while the writer's threads fill their memory (a merge's reads
    /// would add to its peak): every segment seen during the run holds one batch at most. The
    /// small segments are merged once the last batch is committed, on a first run and on a
    /// later run that adds a few posts to a larger index.
    #[test]
    fn segments_are_merged_after_indexing_not_during() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::io(Path::new("tempdir"), e))?;
        let folder = dir.path().join("posts");
        write_posts(&folder, 0..1500, "")?;
        let index = NewsIndex::create(&dir.path().join("index"))?;
        let options = IndexOptions { batch_size: 20 };
        let mut largest_during = 0;
        let mut checks = 0;
        let report = index.index_folder(&folder, &options, &mut |progress| {
            if progress.done > 0 && progress.done < progress.total {
                let metas = index.index.searchable_segment_metas().unwrap();
                largest_during = metas
                    .iter()
                    .map(|m| m.max_doc())
                    .fold(largest_during, u32::max);
                checks += 1;
            }
        })?;
        assert_eq!(report.added, 1500);
        assert!(checks >= 5, "{checks}");
        assert!(
            largest_during <= 20,
            "a merge ran during indexing: {largest_during}"
        );
        let metas = index.index.searchable_segment_metas()?;
        assert_eq!(metas.len(), 1, "75 batches merged into one at the end");

        write_posts(&folder, 1500..1506, "")?;
        let options = IndexOptions { batch_size: 1 };
        let report = index.index_folder(&folder, &options, &mut |_| {})?;
        assert_eq!((report.added, report.unchanged), (6, 1500));
        let sizes: Vec<u32> = index
            .index
            .searchable_segment_metas()?
            .iter()
            .map(|m| m.max_doc())
            .collect();
        assert_eq!(sizes, [1506], "six one-post segments merged with the rest");
        assert_eq!(index.num_posts(), 1506);
        Ok(())
    }

    /// Long posts wait for the indexing threads within the index's queue budget: the queue
    /// never held more than the budget (without it, the whole batch would be queued at once).
    #[test]
    fn long_posts_wait_for_the_indexing_threads() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::io(Path::new("tempdir"), e))?;
        let folder = dir.path().join("posts");
        let paragraph = "新能源汽车产业链加快发展，充电基础设施建设持续推进。\n".repeat(800);
        write_posts(&folder, 0..100, &paragraph)?;
        let mut index = NewsIndex::create(&dir.path().join("index"))?;
        let limit = 1 << 20;
        index.queue = super::super::queue::Budget::new(limit);
        let report = index.index_folder(&folder, &IndexOptions::default(), &mut |_| {})?;
        assert_eq!(report.added, 100);
        let peak = index.queue.peak();
        assert!(peak > 0 && peak <= limit, "{peak} bytes queued at once");
        assert_eq!(
            index
                .search(&crate::SearchRequest::new("第57条消息"))?
                .total,
            1
        );
        Ok(())
    }

    /// A run stopped after its last commit, before its merges, leaves its batches apart; the
    /// next run merges them even when no file changed.
    #[test]
    fn a_run_stopped_before_its_merges_is_merged_by_the_next() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::io(Path::new("tempdir"), e))?;
        let folder = dir.path().join("posts");
        write_posts(&folder, 0..PIPELINE_CHUNK, "")?;
        let index = NewsIndex::create(&dir.path().join("index"))?;
        let options = IndexOptions { batch_size: 16 };
        let stopped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            index.index_folder(&folder, &options, &mut |progress| {
                assert!(
                    progress.done < progress.total,
                    "stopped after the last commit"
                );
            })
        }));
        assert!(stopped.is_err());
        index.reader.reload()?;
        assert_eq!(
            index.num_posts(),
            PIPELINE_CHUNK as u64,
            "every batch committed"
        );
        let left = index.index.searchable_segment_metas()?.len();
        assert!(left >= 16, "a segment or two a batch: {left}");

        let report = index.index_folder(&folder, &options, &mut |_| {})?;
        assert_eq!(report.unchanged, PIPELINE_CHUNK);
        let metas = index.index.searchable_segment_metas()?;
        assert_eq!(metas.len(), 1, "merged by a run with nothing else to do");
        assert_eq!(index.num_posts(), PIPELINE_CHUNK as u64);
        Ok(())
    }
}
