//! The fast-field columns a query reads, opened once per searcher generation.
//!
//! Opening a column looks its name up in the segment's column directory and parses the column's
//! header: cheap once, but a query opened the fingerprint column once per ranked candidate, and the
//! date, month and facet columns once per segment, a fifth of the time of a query with few
//! matches. The columns of the current generation are kept and shared by every query until the
//! index is reloaded, and so are the segments' positions files, which phrases read (opening one
//! parses its table of fields).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rustc_hash::FxHashMap;

use tantivy::columnar::{Cardinality, Column, StrColumn};
use tantivy::directory::{CompositeFile, FileSlice};
use tantivy::index::SegmentId;
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{DateTime, DocId, Searcher, SegmentReader};

use super::facets::FacetVariants;
use super::phrase::positions_files;

/// The columns of one segment (`None` for a segment without the field's values).
pub struct SegmentColumns {
    id: SegmentId,
    /// Fingerprint of the body.
    pub fingerprint: Column<u64>,
    /// Publication date.
    pub date: Column<DateTime>,
    /// `yyyymm` of the publication date.
    pub month: Column<u64>,
    /// Path under the indexed folder.
    pub path: Option<StrColumn>,
    /// `/category` facet ordinals.
    pub category: Option<StrColumn>,
    /// `/tag` facet ordinals.
    pub tag: Option<StrColumn>,
    /// Every post's categories, tags and month, read when first asked for.
    posts: OnceLock<Option<SegmentPosts>>,
    /// The positions file of each field with positions.
    positions: CompositeFile,
}

impl SegmentColumns {
    fn open(segment: &SegmentReader) -> tantivy::Result<SegmentColumns> {
        let fast = segment.fast_fields();
        Ok(SegmentColumns {
            id: segment.segment_id(),
            fingerprint: fast.u64("fingerprint")?,
            date: fast.date("date")?,
            month: fast.u64("month")?,
            path: fast.str("path")?,
            category: fast.str("category")?,
            tag: fast.str("tag")?,
            posts: OnceLock::new(),
            positions: positions_files(segment)?,
        })
    }

    /// The positions file of `field` (`None` for a field without positions).
    pub fn positions(&self, field: Field) -> Option<FileSlice> {
        self.positions.open_read(field)
    }

    /// Every post's categories, tags and month, read from `segment` (this segment's reader)
    /// the first time they are asked for; `None` when they cannot be read, and the columns
    /// answer instead.
    pub fn posts(&self, segment: &SegmentReader) -> Option<&SegmentPosts> {
        self.posts
            .get_or_init(|| SegmentPosts::read(segment, &self.month).ok())
            .as_ref()
    }
}

/// Every post's facet values and month in arrays: counting a match is a slice of an array,
/// where tantivy's columns decode an optional index, two offsets and a value for each facet
/// field (a sixth of a query with tens of thousands of matches). Reading them costs a pass
/// over the segment's facet postings and month column (5 ms for the 10× corpus), so they are
/// read only once a searcher generation answers its second query ([`Columns::warm`]).
pub struct SegmentPosts {
    /// The categories of every post.
    pub categories: PostValues,
    /// The tags of every post.
    pub tags: PostValues,
    /// Every post's `yyyymm` (0 for a post without a date).
    pub months: Arc<[u32]>,
}

impl SegmentPosts {
    fn read(segment: &SegmentReader, month: &Column<u64>) -> tantivy::Result<SegmentPosts> {
        Ok(SegmentPosts {
            categories: PostValues::read(segment, "category")?,
            tags: PostValues::read(segment, "tag")?,
            months: every_value(month, segment.max_doc()),
        })
    }
}

/// Every post's value of a single-valued `column` (0 for a post without one): decoded in one
/// pass when every post has a value, as a post dated by its front matter does.
fn every_value(column: &Column<u64>, max_doc: u32) -> Arc<[u32]> {
    if column.get_cardinality() == Cardinality::Full && column.values.num_vals() == max_doc {
        let mut all = vec![0u64; max_doc as usize];
        column.values.get_range(0, &mut all);
        return all.into_iter().map(|v| v as u32).collect();
    }
    (0..max_doc)
        .map(|doc| column.first(doc).map_or(0, |v| v as u32))
        .collect()
}

/// The values of a one-level facet field (`/category`, `/tag`) of every post of a segment, read
/// from the field's postings (part of [`SegmentPosts`]).
#[derive(Clone, Default)]
pub struct PostValues {
    /// Each value, by its number.
    names: Arc<[String]>,
    /// Where each post's value numbers start in `values` (one more entry than posts).
    starts: Arc<[u32]>,
    /// Value numbers, post after post, ascending within a post.
    values: Arc<[u32]>,
}

impl PostValues {
    /// The values of facet field `field` of every post of `segment`.
    fn read(segment: &SegmentReader, field: &str) -> tantivy::Result<PostValues> {
        let field = segment.schema().get_field(field)?;
        let inverted = segment.inverted_index(field)?;
        let max_doc = segment.max_doc() as usize;
        // The posts of each value: counted once to place them, then written.
        let mut names = Vec::new();
        let mut postings = Vec::new();
        let mut stream = inverted.terms().stream()?;
        while stream.advance() {
            // tantivy also indexes the root facet (an empty key), which every post with a value
            // has; the values here are one level deep (no 0 byte, tantivy's level separator),
            // so every other term is a value.
            let key = stream.key();
            if key.is_empty() || key.contains(&0) {
                continue;
            }
            let facet = Facet::from_encoded(key.to_vec())
                .map_err(|e| tantivy::TantivyError::InvalidArgument(e.to_string()))?;
            names.push(facet.to_path().concat());
            // A block of up to 128 posts at a time.
            let info = stream.value();
            let mut docs: Vec<DocId> = Vec::with_capacity(info.doc_freq as usize);
            let mut block =
                inverted.read_block_postings_from_terminfo(info, IndexRecordOption::Basic)?;
            while docs.len() < info.doc_freq as usize && !block.docs().is_empty() {
                docs.extend(block.docs().iter().filter(|&&d| (d as usize) < max_doc));
                block.advance();
            }
            postings.push(docs);
        }
        let mut starts = vec![0u32; max_doc + 1];
        for &doc in postings.iter().flatten() {
            starts[doc as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut fill: Vec<u32> = starts[..max_doc].to_vec();
        let mut values = vec![0u32; starts[max_doc] as usize];
        for (value, docs) in postings.iter().enumerate() {
            for &doc in docs {
                values[fill[doc as usize] as usize] = value as u32;
                fill[doc as usize] += 1;
            }
        }
        Ok(PostValues {
            names: names.into(),
            starts: starts.into(),
            values: values.into(),
        })
    }

    /// The value numbers of post `doc`, ascending.
    pub fn of(&self, doc: DocId) -> &[u32] {
        let doc = doc as usize;
        match (self.starts.get(doc), self.starts.get(doc + 1)) {
            (Some(&start), Some(&end)) => &self.values[start as usize..end as usize],
            _ => &[],
        }
    }

    /// The value numbered `value`.
    pub fn name(&self, value: u32) -> &str {
        &self.names[value as usize]
    }

    /// Every value, by number.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// The columns of every segment of one searcher generation, in segment order.
pub struct Columns {
    generation: u64,
    segments: Vec<SegmentColumns>,
    newest: i64,
    queries: AtomicU64,
    /// Which posts of each segment have a reprint in the index, found when first asked for.
    twins: OnceLock<Vec<Option<Arc<[u64]>>>>,
    /// How many texts hold each word looked up ([`Columns::texts_holding`]).
    held: Mutex<FxHashMap<Box<str>, Option<u64>>>,
    /// The category and tag values, grouped by key, read when a query first needs them.
    variants: OnceLock<FacetVariants>,
}

/// How many words' counts a generation remembers before it starts again.
const REMEMBERED_WORDS: usize = 1 << 16;

impl Columns {
    /// The columns of the segment with this ordinal in the searcher they were opened for.
    pub fn segment(&self, ordinal: u32) -> &SegmentColumns {
        &self.segments[ordinal as usize]
    }

    /// The columns of every segment.
    pub fn segments(&self) -> &[SegmentColumns] {
        &self.segments
    }

    /// Counts a query, and says whether this generation has answered one before: from its
    /// second query on, a long-running process reads every post's facet values into arrays
    /// ([`SegmentPosts`]), which a one-shot `query` process, answering one query, never does.
    pub fn warm(&self) -> bool {
        self.queries.fetch_add(1, Ordering::Relaxed) > 0
    }

    /// The columns of the segment with this id, if it is one of the searcher's.
    pub fn find(&self, id: SegmentId) -> Option<&SegmentColumns> {
        self.segments.iter().find(|s| s.id == id)
    }

    /// The date of the newest post, in seconds (0 for an index without dates).
    pub fn newest_post(&self) -> i64 {
        self.newest
    }

    /// For each segment, a bit for each post that is a reprint of another post of the index or
    /// has one (`None` for a segment without such posts; see
    /// [`reprints::twins`](super::reprints::twins)), found the first time it is asked for in
    /// this generation.
    pub fn twins(&self) -> &[Option<Arc<[u64]>>] {
        self.twins.get_or_init(|| super::reprints::twins(self))
    }

    /// The category and tag values of this generation, grouped by
    /// [`facet_key`](super::facets::facet_key), read the first time a filter or the facet
    /// counts ask (a pass over the two fields' dictionaries); values that cannot be read are
    /// left out, and a filter then matches its value as typed and the counts list it alone.
    pub fn facet_variants(&self) -> &FacetVariants {
        self.variants
            .get_or_init(|| FacetVariants::read(self).unwrap_or_default())
    }

    /// How many texts hold `word`: `count()`, remembered for this generation. The title focus
    /// asks it for every word of ten headlines a query, and the query's own words recur in
    /// most of them, as the headlines of a long-running process's queries do.
    pub fn texts_holding(&self, word: &str, count: impl FnOnce() -> Option<u64>) -> Option<u64> {
        let held = || self.held.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = held().get(word) {
            return *n;
        }
        // Counted without the lock, so that other searches need not wait for it.
        let n = count();
        let mut held = held();
        if held.len() >= REMEMBERED_WORDS {
            held.clear();
        }
        held.insert(word.into(), n);
        n
    }
}

/// The columns of the latest searcher generation seen.
#[derive(Default)]
pub struct ColumnCache {
    current: Mutex<Option<Arc<Columns>>>,
}

impl ColumnCache {
    /// The columns of `searcher`'s segments: the cached ones when `searcher` is of the cached
    /// generation, else opened (and cached when `searcher` is newer).
    pub fn get(&self, searcher: &Searcher) -> tantivy::Result<Arc<Columns>> {
        let generation = searcher.generation().generation_id();
        let cached = self.current.lock().map(|c| c.clone()).unwrap_or(None);
        if let Some(columns) = cached.as_ref().filter(|c| c.generation == generation) {
            return Ok(columns.clone());
        }
        let segments = searcher
            .segment_readers()
            .iter()
            .map(SegmentColumns::open)
            .collect::<tantivy::Result<Vec<_>>>()?;
        let newest = segments
            .iter()
            .map(|s| s.date.max_value().into_timestamp_secs())
            .max()
            .unwrap_or(0);
        let columns = Arc::new(Columns {
            generation,
            segments,
            newest,
            queries: AtomicU64::new(0),
            twins: OnceLock::new(),
            held: Mutex::default(),
            variants: OnceLock::new(),
        });
        if cached.is_none_or(|c| c.generation < generation)
            && let Ok(mut current) = self.current.lock()
        {
            *current = Some(columns.clone());
        }
        Ok(columns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NewsIndex, Post, SearchRequest};

    fn post(category: &str) -> Post {
        Post {
            title: "数字化转型".into(),
            body: format!("{category}的数字化"),
            categories: vec![category.into()],
            ..Default::default()
        }
    }

    #[test]
    fn queries_share_the_columns_until_a_commit_brings_new_ones() -> crate::Result<()> {
        let index = NewsIndex::create_in_ram()?;
        index.add_posts([("a.md", post("经济"))])?;
        let first = index.columns.get(&index.reader.searcher())?;
        assert!(Arc::ptr_eq(
            &first,
            &index.columns.get(&index.reader.searcher())?
        ));
        let old = index.reader.searcher();
        index.add_posts([("b.md", post("科技"))])?;
        let second = index.columns.get(&index.reader.searcher())?;
        assert!(!Arc::ptr_eq(&first, &second));
        assert_eq!(
            second.segments.len(),
            index.reader.searcher().segment_readers().len()
        );
        // A searcher still held from before gets the columns of its own segments, and does not
        // replace the newer ones in the cache.
        assert_eq!(
            index.columns.get(&old)?.segments.len(),
            old.segment_readers().len()
        );
        assert!(Arc::ptr_eq(
            &second,
            &index.columns.get(&index.reader.searcher())?
        ));
        let results = index.search(&SearchRequest::new("数字化"))?;
        let mut categories: Vec<_> = results.facets.category.iter().map(|c| &c.value).collect();
        categories.sort();
        assert_eq!(categories, ["科技", "经济"]);
        Ok(())
    }

    /// Every post's values, read from the postings: in ascending value order, each once (a
    /// post may list a tag twice), none for a post without any, and the root facet tantivy
    /// also indexes is not a value. Months are 0 for a post without a date.
    #[test]
    fn post_values_are_read_from_the_postings() -> crate::Result<()> {
        let index = NewsIndex::create_in_ram()?;
        let tagged = |tags: &[&str], dated: bool| Post {
            tags: tags.iter().map(|t| t.to_string()).collect(),
            date: dated
                .then(|| chrono::DateTime::parse_from_rfc3339("2024-03-15T08:00:00+08:00").ok())
                .flatten(),
            ..post("经济")
        };
        index.add_posts([
            ("a.md", tagged(&["政策", "数字", "政策"], true)),
            ("b.md", tagged(&[], false)),
            ("c.md", tagged(&["数字", "a/b"], true)),
        ])?;
        let searcher = index.reader.searcher();
        let columns = index.columns.get(&searcher)?;
        // Read by a generation's second query, not its first.
        let read = || columns.segments().iter().any(|s| s.posts.get().is_some());
        index.search(&SearchRequest::new("数字化"))?;
        assert!(!read());
        index.search(&SearchRequest::new("数字化"))?;
        assert!(read());
        // Each post's tags, categories and month, by path, from whichever segment holds it.
        let mut posts = std::collections::HashMap::new();
        for (ordinal, segment) in columns.segments().iter().enumerate() {
            let segment = segment
                .posts(searcher.segment_reader(ordinal as u32))
                .expect("readable");
            let names = segment.tags.names();
            assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
            for doc in 0..searcher.segment_reader(ordinal as u32).max_doc() {
                let values = |v: &PostValues| -> Vec<String> {
                    v.of(doc).iter().map(|&n| v.name(n).to_owned()).collect()
                };
                posts.insert(
                    fast_path_of(&searcher, ordinal as u32, doc),
                    (
                        values(&segment.tags),
                        values(&segment.categories),
                        segment.months[doc as usize],
                    ),
                );
            }
        }
        let owned = |v: &[&str]| -> Vec<String> { v.iter().map(|s| s.to_string()).collect() };
        assert_eq!(
            posts["a.md"],
            (owned(&["政策", "数字"]), owned(&["经济"]), 202403)
        );
        assert_eq!(posts["b.md"], (vec![], owned(&["经济"]), 0));
        assert_eq!(
            posts["c.md"],
            (owned(&["a/b", "数字"]), owned(&["经济"]), 202403)
        );
        Ok(())
    }

    fn fast_path_of(searcher: &Searcher, segment: u32, doc: u32) -> String {
        let reader = searcher.segment_reader(segment);
        let column = reader.fast_fields().str("path").unwrap().unwrap();
        let mut path = String::new();
        let ord = column.term_ords(doc).next().unwrap();
        column.ord_to_str(ord, &mut path).unwrap();
        path
    }
}
