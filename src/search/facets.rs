//! Facet counts over every match: categories, tags, years and months.

use std::collections::HashMap;

use tantivy::collector::{Collector, FacetCollector, FacetCounts, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// One value of a facet and how many matching posts have it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FacetCount {
    /// The category, tag, year (`2024`) or month (`2024-03`).
    pub value: String,
    /// Matching posts with that value.
    pub count: u64,
}

/// Facet counts over all matching posts, not just the page shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Facets {
    /// Categories, most frequent first.
    pub category: Vec<FacetCount>,
    /// Tags, most frequent first.
    pub tags: Vec<FacetCount>,
    /// Years, oldest first.
    pub year: Vec<FacetCount>,
    /// Months, oldest first.
    pub month: Vec<FacetCount>,
}

/// A collector of every root facet value of a facet field.
pub fn facet_collector(field: &str) -> FacetCollector {
    let mut collector = FacetCollector::for_field(field);
    collector.add_facet(Facet::root());
    collector
}

/// The children of the root facet, most frequent first.
pub fn top_level(counts: &FacetCounts) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts
        .get(Facet::root())
        .map(|(facet, count)| FacetCount {
            value: facet
                .to_path()
                .last()
                .map_or_else(String::new, |s| (*s).to_owned()),
            count,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out
}

/// Counts matches by the `month` fast field (`yyyymm`).
pub struct MonthCounts;

/// [`MonthCounts`] for one segment.
pub struct MonthSegment {
    months: Column<u64>,
    counts: HashMap<u64, u64>,
}

impl Collector for MonthCounts {
    type Fruit = HashMap<u64, u64>;
    type Child = MonthSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<MonthSegment> {
        Ok(MonthSegment {
            months: segment.fast_fields().u64("month")?,
            counts: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<u64, u64>>) -> tantivy::Result<HashMap<u64, u64>> {
        let mut all = HashMap::new();
        for (month, count) in fruits.into_iter().flatten() {
            *all.entry(month).or_default() += count;
        }
        Ok(all)
    }
}

impl SegmentCollector for MonthSegment {
    type Fruit = HashMap<u64, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(month) = self.months.first(doc) {
            *self.counts.entry(month).or_default() += 1;
        }
    }

    fn harvest(self) -> HashMap<u64, u64> {
        self.counts
    }
}

/// Year and month histograms from `yyyymm` counts.
pub fn histograms(months: &HashMap<u64, u64>) -> (Vec<FacetCount>, Vec<FacetCount>) {
    let mut years: HashMap<u64, u64> = HashMap::new();
    for (month, count) in months {
        *years.entry(month / 100).or_default() += count;
    }
    let mut year: Vec<FacetCount> = years
        .into_iter()
        .map(|(y, count)| FacetCount {
            value: y.to_string(),
            count,
        })
        .collect();
    year.sort_by(|a, b| a.value.cmp(&b.value));
    let mut month: Vec<FacetCount> = months
        .iter()
        .map(|(m, count)| FacetCount {
            value: format!("{}-{:02}", m / 100, m % 100),
            count: *count,
        })
        .collect();
    month.sort_by(|a, b| a.value.cmp(&b.value));
    (year, month)
}
