//! The fast-field columns a query reads, opened once per searcher generation.
//!
//! Opening a column looks its name up in the segment's column directory and parses the column's
//! header: cheap once, but a query opened the SimHash column once per ranked candidate, and the
//! date, month and facet columns once per segment, a fifth of the time of a query with few
//! matches. The columns of the current generation are kept and shared by every query until the
//! index is reloaded.

use std::sync::{Arc, Mutex};

use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DateTime, Searcher, SegmentReader};

/// The columns of one segment (`None` for a segment without the field's values).
pub struct SegmentColumns {
    id: SegmentId,
    /// SimHash of the body.
    pub simhash: Column<u64>,
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
}

impl SegmentColumns {
    fn open(segment: &SegmentReader) -> tantivy::Result<SegmentColumns> {
        let fast = segment.fast_fields();
        Ok(SegmentColumns {
            id: segment.segment_id(),
            simhash: fast.u64("simhash")?,
            date: fast.date("date")?,
            month: fast.u64("month")?,
            path: fast.str("path")?,
            category: fast.str("category")?,
            tag: fast.str("tag")?,
        })
    }
}

/// The columns of every segment of one searcher generation, in segment order.
pub struct Columns {
    generation: u64,
    segments: Vec<SegmentColumns>,
    newest: i64,
}

impl Columns {
    /// The columns of the segment with this ordinal in the searcher they were opened for.
    pub fn segment(&self, ordinal: u32) -> &SegmentColumns {
        &self.segments[ordinal as usize]
    }

    /// The columns of every segment.
    pub fn segments(&self) -> &[SegmentColumns] {
        &self.segments
    }

    /// The columns of the segment with this id, if it is one of the searcher's.
    pub fn find(&self, id: SegmentId) -> Option<&SegmentColumns> {
        self.segments.iter().find(|s| s.id == id)
    }

    /// The date of the newest post, in seconds (0 for an index without dates).
    pub fn newest_post(&self) -> i64 {
        self.newest
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
}
