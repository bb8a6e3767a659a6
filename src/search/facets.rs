//! Facet counts over every match: categories, tags, years and months.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use std::collections::BTreeSet;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::fastfield::FacetReader;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::columns::{Columns, PostValues, SegmentColumns};

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

/// Counts matches by the values of a one-level facet field (`/category`, `/tag`).
///
/// tantivy's `FacetCollector` walks the field's whole facet dictionary for every segment of
/// every query to map child facets onto their parents; the values here have no parents, so
/// counting term ordinals and naming only the ones that occurred is enough. A warm generation
/// counts from every post's values in arrays
/// ([`SegmentPosts`](super::columns::SegmentPosts)) instead of the column.
pub struct ValueCounts {
    columns: Arc<Columns>,
    warm: bool,
    tags: bool,
}

impl ValueCounts {
    /// Counts categories.
    pub fn category(columns: &Arc<Columns>, warm: bool) -> ValueCounts {
        ValueCounts {
            columns: columns.clone(),
            warm,
            tags: false,
        }
    }

    /// Counts tags.
    pub fn tag(columns: &Arc<Columns>, warm: bool) -> ValueCounts {
        ValueCounts {
            columns: columns.clone(),
            warm,
            tags: true,
        }
    }
}

/// Where a segment's values are read from.
enum Values {
    /// Every post's values, in arrays.
    Posts(PostValues),
    /// The facet column (none for a segment without values).
    Column(Option<FacetReader>),
}

/// [`ValueCounts`] for one segment.
pub struct ValueSegment {
    values: Values,
    counts: Vec<u64>,
}

impl Collector for ValueCounts {
    type Fruit = HashMap<String, u64>;
    type Child = ValueSegment;

    fn for_segment(
        &self,
        ordinal: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<ValueSegment> {
        let columns = self.columns.segment(ordinal);
        let posts = self.warm.then(|| columns.posts(segment)).flatten();
        let values = match posts {
            Some(posts) if self.tags => Values::Posts(posts.tags.clone()),
            Some(posts) => Values::Posts(posts.categories.clone()),
            None => {
                let column = if self.tags {
                    &columns.tag
                } else {
                    &columns.category
                };
                Values::Column(column.clone().map(FacetReader::new))
            }
        };
        let slots = match &values {
            Values::Posts(posts) => posts.names().len(),
            Values::Column(reader) => reader.as_ref().map_or(0, |r| r.num_facets()),
        };
        Ok(ValueSegment {
            values,
            counts: vec![0; slots],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<HashMap<String, u64>>,
    ) -> tantivy::Result<HashMap<String, u64>> {
        Ok(sum_counts(fruits))
    }
}

impl SegmentCollector for ValueSegment {
    type Fruit = HashMap<String, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        match &self.values {
            // A post holds each value once, however often it listed it.
            Values::Posts(posts) => {
                for &value in posts.of(doc) {
                    self.counts[value as usize] += 1;
                }
            }
            Values::Column(None) => {}
            // A post counts once per value, even if it lists the value twice (ords come
            // sorted).
            Values::Column(Some(reader)) => {
                let mut previous = None;
                for ord in reader.facet_ords(doc) {
                    if previous != Some(ord)
                        && let Some(count) = self.counts.get_mut(ord as usize)
                    {
                        *count += 1;
                    }
                    previous = Some(ord);
                }
            }
        }
    }

    fn harvest(self) -> HashMap<String, u64> {
        let occurred = self
            .counts
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(ord, count)| (ord as u64, *count));
        match &self.values {
            Values::Posts(posts) => occurred
                .map(|(value, count)| (posts.name(value as u32).to_owned(), count))
                .collect(),
            Values::Column(None) => HashMap::default(),
            Values::Column(Some(reader)) => {
                // The values that occurred, named in one pass over the dictionary: looking
                // each up on its own would decode a dictionary block per value (a tenth of a
                // query's time when a few hundred tags occur).
                let (ords, counts): (Vec<u64>, Vec<u64>) = occurred.unzip();
                let mut values = Vec::with_capacity(ords.len());
                let named = reader
                    .facet_dict()
                    .sorted_ords_to_term_cb(&ords, |encoded| values.push(value_name(encoded)));
                if named.is_err() {
                    return HashMap::default();
                }
                values
                    .into_iter()
                    .zip(counts)
                    .filter_map(|(value, count)| Some((value?, count)))
                    .collect()
            }
        }
    }
}

/// The last level of an encoded facet.
fn value_name(encoded: &[u8]) -> Option<String> {
    let facet = Facet::from_encoded(encoded.to_vec()).ok()?;
    facet.to_path().last().map(|s| (*s).to_owned())
}

/// Every value of a one-level facet field (`/category`, `/tag`) in any segment, sorted, each
/// once.
pub fn all_values(
    columns: &Columns,
    column: fn(&SegmentColumns) -> &Option<StrColumn>,
) -> tantivy::Result<Vec<String>> {
    let mut values = BTreeSet::new();
    for segment in columns.segments() {
        let Some(column) = column(segment) else {
            continue;
        };
        let reader = FacetReader::new(column.clone());
        let mut stream = reader.facet_dict().stream()?;
        while stream.advance() {
            values.extend(value_name(stream.key()));
        }
    }
    Ok(values.into_iter().collect())
}

/// What a `--category` or `--tag` value is matched by: the value normalised as text is
/// (full-width to half-width, lower case, traditional to simplified script, invisible
/// characters dropped), its middle dots made one (`·`, `•`, `・`, `‧`, `⋅`, `∙`) and its ends
/// trimmed. `KEJI` finds the posts of `keji`, `數字化` those tagged `数字化`, and the
/// `一线调研•加快形成新质生产力` of a few posts those of `一线调研·加快形成新质生产力`.
pub fn facet_key(value: &str) -> String {
    crate::analysis::normalize(value)
        .trim()
        .chars()
        .map(|c| match c {
            '•' | '・' | '‧' | '⋅' | '∙' => '·',
            c => c,
        })
        .collect()
}

/// The indexed values of the category and tag fields, grouped by [`facet_key`].
#[derive(Debug, Default)]
pub struct FacetVariants {
    category: HashMap<String, Vec<String>>,
    tag: HashMap<String, Vec<String>>,
    /// The key of each value that shares it with another value of its field.
    shared: HashMap<String, String>,
}

impl FacetVariants {
    /// Every value of both fields in any segment, grouped.
    pub fn read(columns: &Columns) -> tantivy::Result<FacetVariants> {
        let group = |values: Vec<String>| {
            let mut groups: HashMap<String, Vec<String>> = HashMap::default();
            for value in values {
                groups.entry(facet_key(&value)).or_default().push(value);
            }
            groups
        };
        let category = group(all_values(columns, |c| &c.category)?);
        let tag = group(all_values(columns, |c| &c.tag)?);
        let shared = (category.iter().chain(&tag))
            .filter(|(_, values)| values.len() > 1)
            .flat_map(|(key, values)| values.iter().map(|v| (v.clone(), key.clone())))
            .collect();
        Ok(FacetVariants {
            category,
            tag,
            shared,
        })
    }

    /// `counts` with the values of one key counted as one, under the spelling most of them
    /// have, so that the counts list what a filter tells apart. A post indexed by this version
    /// holds at most one value of a key (see `index::document`), so it is counted once.
    pub fn merged(&self, mut counts: HashMap<String, u64>) -> HashMap<String, u64> {
        if self.shared.is_empty() {
            return counts;
        }
        // Key → (spelling, its count, the key's count).
        let mut by_key: HashMap<&str, (String, u64, u64)> = HashMap::default();
        for (value, count) in counts.extract_if(|value, _| self.shared.contains_key(value)) {
            let entry = by_key
                .entry(&self.shared[&value])
                .or_insert_with(|| (value.clone(), 0, 0));
            if (count, &entry.0) > (entry.1, &value) {
                (entry.0, entry.1) = (value, count);
            }
            entry.2 += count;
        }
        counts.extend(
            by_key
                .into_values()
                .map(|(spelling, _, count)| (spelling, count)),
        );
        counts
    }

    /// The indexed categories (or tags) that `value` stands for: those with its key, or
    /// `value` itself when none has.
    pub fn of<'a>(&'a self, tags: bool, value: &'a str) -> Vec<&'a str> {
        self.variants(tags, value).map_or_else(
            || vec![value],
            |variants| variants.iter().map(String::as_str).collect(),
        )
    }

    /// Whether some indexed category (or tag) has `value`'s key.
    pub fn knows(&self, tags: bool, value: &str) -> bool {
        self.variants(tags, value).is_some()
    }

    fn variants(&self, tags: bool, value: &str) -> Option<&Vec<String>> {
        let groups = if tags { &self.tag } else { &self.category };
        groups.get(&facet_key(value))
    }
}

/// The per-segment counts of a collector, added up.
fn sum_counts<K: std::hash::Hash + Eq>(fruits: Vec<HashMap<K, u64>>) -> HashMap<K, u64> {
    let mut all = HashMap::default();
    for (key, count) in fruits.into_iter().flatten() {
        *all.entry(key).or_default() += count;
    }
    all
}

/// Values with their counts, most frequent first.
pub fn by_count(counts: HashMap<String, u64>) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out
}

/// Everything counted over all matches: the total, categories, tags and months.
pub struct MatchCounts {
    /// Categories.
    pub categories: ValueCounts,
    /// Tags.
    pub tags: ValueCounts,
    /// Months.
    pub months: MonthCounts,
}

/// [`MatchCounts`] for one segment: the three counters, fed by one call per match.
pub struct MatchSegment {
    total: usize,
    categories: ValueSegment,
    tags: ValueSegment,
    months: MonthSegment,
}

/// What [`MatchCounts`] counted: the total, (categories, tags), months.
pub type Counted = (
    usize,
    (HashMap<String, u64>, HashMap<String, u64>),
    MonthTally,
);

/// Matches per `yyyymm`, in month order, each month once.
pub type MonthTally = Vec<(u64, u64)>;

/// The per-segment month tallies, added up (still in month order).
fn sum_months(fruits: Vec<MonthTally>) -> MonthTally {
    let mut all: MonthTally = fruits.into_iter().flatten().collect();
    all.sort_unstable_by_key(|(month, _)| *month);
    all.dedup_by(|(month, count), (kept, total)| {
        let same = month == kept;
        if same {
            *total += *count;
        }
        same
    });
    all
}

impl Collector for MatchCounts {
    type Fruit = Counted;
    type Child = MatchSegment;

    fn for_segment(
        &self,
        ordinal: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<MatchSegment> {
        Ok(MatchSegment {
            total: 0,
            categories: self.categories.for_segment(ordinal, segment)?,
            tags: self.tags.for_segment(ordinal, segment)?,
            months: self.months.for_segment(ordinal, segment)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counted>) -> tantivy::Result<Counted> {
        let mut total = 0;
        let (mut categories, mut tags, mut months) = (Vec::new(), Vec::new(), Vec::new());
        for (n, (c, t), m) in fruits {
            total += n;
            categories.push(c);
            tags.push(t);
            months.push(m);
        }
        Ok((
            total,
            (sum_counts(categories), sum_counts(tags)),
            sum_months(months),
        ))
    }
}

impl SegmentCollector for MatchSegment {
    type Fruit = Counted;

    #[inline]
    fn collect(&mut self, doc: DocId, score: Score) {
        self.total += 1;
        match (
            &self.categories.values,
            &self.tags.values,
            &self.months.months,
        ) {
            (Values::Posts(categories), Values::Posts(tags), Months::Posts(months)) => {
                for &value in categories.of(doc) {
                    self.categories.counts[value as usize] += 1;
                }
                for &value in tags.of(doc) {
                    self.tags.counts[value as usize] += 1;
                }
                let month = months.get(doc as usize).map_or(0, |&m| u64::from(m));
                self.months.count(month);
            }
            _ => {
                self.categories.collect(doc, score);
                self.tags.collect(doc, score);
                self.months.collect(doc, score);
            }
        }
    }

    fn harvest(self) -> Counted {
        (
            self.total,
            (self.categories.harvest(), self.tags.harvest()),
            self.months.harvest(),
        )
    }
}

/// Counts matches by the `month` fast field (`yyyymm`).
pub struct MonthCounts {
    /// The generation's columns.
    pub columns: Arc<Columns>,
    /// Whether to count from every post's month in an array ([`Columns::warm`]).
    pub warm: bool,
}

/// [`MonthCounts`] for one segment: counts in a table indexed by `yyyymm` from the segment's
/// first month (no hashing per match); months beyond the table, if any, in a map.
pub struct MonthSegment {
    months: Months,
    first: u64,
    counts: Vec<u64>,
    beyond: HashMap<u64, u64>,
}

/// Where a segment's months are read from.
enum Months {
    /// Every post's month (0 for none), in an array.
    Posts(Arc<[u32]>),
    /// The month column.
    Column(Column<u64>),
}

/// The most `yyyymm` values a segment counts in its table: fifty years.
const MONTH_TABLE: u64 = 50 * 100;

impl Collector for MonthCounts {
    type Fruit = MonthTally;
    type Child = MonthSegment;

    fn for_segment(
        &self,
        ordinal: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<MonthSegment> {
        let columns = self.columns.segment(ordinal);
        let (first, last) = (columns.month.min_value(), columns.month.max_value());
        let slots = if last >= first {
            (last - first + 1).min(MONTH_TABLE)
        } else {
            0
        };
        let months = match self.warm.then(|| columns.posts(segment)).flatten() {
            Some(posts) => Months::Posts(posts.months.clone()),
            None => Months::Column(columns.month.clone()),
        };
        Ok(MonthSegment {
            months,
            first,
            counts: vec![0; slots as usize],
            beyond: HashMap::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<MonthTally>) -> tantivy::Result<MonthTally> {
        Ok(sum_months(fruits))
    }
}

impl SegmentCollector for MonthSegment {
    type Fruit = MonthTally;

    fn collect(&mut self, doc: DocId, _: Score) {
        let month = match &self.months {
            Months::Posts(months) => months.get(doc as usize).map_or(0, |&m| u64::from(m)),
            Months::Column(column) => column.first(doc).unwrap_or(0),
        };
        self.count(month);
    }

    fn harvest(self) -> MonthTally {
        let first = self.first;
        let mut tally: MonthTally = self
            .counts
            .into_iter()
            .enumerate()
            .filter(|(_, count)| *count > 0)
            .map(|(offset, count)| (first + offset as u64, count))
            .collect();
        if !self.beyond.is_empty() {
            tally.extend(self.beyond);
            tally.sort_unstable_by_key(|(month, _)| *month);
        }
        tally
    }
}

impl MonthSegment {
    /// Counts a match of month `month` (`yyyymm`, 0 for none).
    #[inline]
    fn count(&mut self, month: u64) {
        if month == 0 {
            return;
        }
        match self.counts.get_mut(month.wrapping_sub(self.first) as usize) {
            Some(count) => *count += 1,
            None => *self.beyond.entry(month).or_default() += 1,
        }
    }
}

/// Year and month histograms from `yyyymm` counts in month order, both in time order.
pub fn histograms(months: &[(u64, u64)]) -> (Vec<FacetCount>, Vec<FacetCount>) {
    let mut year: Vec<FacetCount> = Vec::new();
    let mut month = Vec::with_capacity(months.len());
    let mut last_year = None;
    for &(yyyymm, count) in months {
        let (y, m) = (yyyymm / 100, yyyymm % 100);
        let mut value = year_name(y);
        if last_year == Some(y) {
            if let Some(last) = year.last_mut() {
                last.count += count;
            }
        } else {
            year.push(FacetCount {
                value: value.clone(),
                count,
            });
            last_year = Some(y);
        }
        value.push('-');
        value.push(char::from(b'0' + (m / 10 % 10) as u8));
        value.push(char::from(b'0' + (m % 10) as u8));
        month.push(FacetCount { value, count });
    }
    (year, month)
}

/// A year's digits, written without the formatting machinery for the common four.
fn year_name(year: u64) -> String {
    if !(1000..10_000).contains(&year) {
        return year.to_string();
    }
    let mut name = String::with_capacity(7);
    for digit in [year / 1000, year / 100 % 10, year / 10 % 10, year % 10] {
        name.push(char::from(b'0' + digit as u8));
    }
    name
}

#[cfg(test)]
mod tests {
    use crate::{NewsIndex, Post, SearchRequest};

    fn post(body: &str, categories: &[&str], tags: &[&str]) -> Post {
        Post {
            title: "标题".into(),
            body: body.into(),
            categories: categories.iter().map(|c| c.to_string()).collect(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        }
    }

    /// The facets of `数字经济`, asked twice: counted from the columns by the generation's first
    /// query, from every post's values in arrays by the next; both the same.
    fn cold_and_warm(index: &NewsIndex) -> super::Facets {
        let request = SearchRequest::new("数字经济");
        let cold = index.search(&request).unwrap().facets;
        let warm = index.search(&request).unwrap().facets;
        assert_eq!(cold, warm);
        warm
    }

    /// Facet counts as (value, count) pairs, in order.
    fn pairs(counts: &[super::FacetCount]) -> Vec<(String, u64)> {
        counts.iter().map(|c| (c.value.clone(), c.count)).collect()
    }

    #[test]
    fn counts_each_matching_post_once_per_value_across_segments() {
        let index = NewsIndex::create_in_ram().unwrap();
        // Two commits: two segments.
        index
            .add_posts([
                ("a", post("数字经济", &["经济"], &["数字", "数字", "政策"])),
                ("b", post("数字经济", &["经济"], &["数字"])),
                ("c", post("体育新闻", &["体育"], &["足球"])),
            ])
            .unwrap();
        index
            .add_posts([
                ("d", post("数字经济", &["科技"], &["数字"])),
                ("e", post("足球比赛", &["体育"], &["足球"])),
            ])
            .unwrap();
        let facets = cold_and_warm(&index);
        assert_eq!(
            pairs(&facets.category),
            [("经济".to_owned(), 2), ("科技".to_owned(), 1)]
        );
        assert_eq!(
            pairs(&facets.tags),
            [("数字".to_owned(), 3), ("政策".to_owned(), 1)]
        );
    }

    #[test]
    fn histograms_are_in_time_order_and_segments_add_up() {
        let months = super::sum_months(vec![
            vec![(99_912, 1), (202_401, 1), (202_403, 2)],
            vec![(202_403, 1), (1_000_001, 4)],
        ]);
        assert_eq!(
            months,
            [(99_912, 1), (202_401, 1), (202_403, 3), (1_000_001, 4)]
        );
        let (year, month) = super::histograms(&months);
        let owned = |v: &[(&str, u64)]| -> Vec<(String, u64)> {
            v.iter().map(|(s, n)| (s.to_string(), *n)).collect()
        };
        assert_eq!(
            pairs(&year),
            owned(&[("999", 1), ("2024", 4), ("10000", 4)])
        );
        assert_eq!(
            pairs(&month),
            owned(&[
                ("999-12", 1),
                ("2024-01", 1),
                ("2024-03", 3),
                ("10000-01", 4)
            ])
        );
    }

    #[test]
    fn month_and_year_histograms_count_every_match_even_far_apart_in_time() {
        let dated = |date: &str| Post {
            date: chrono::DateTime::parse_from_rfc3339(date).ok(),
            ..post("数字经济", &[], &[])
        };
        let index = NewsIndex::create_in_ram().unwrap();
        index
            .add_posts([
                ("a", dated("2024-03-01T08:00:00+08:00")),
                ("b", dated("2024-03-31T08:00:00+08:00")),
                ("c", dated("2023-12-15T08:00:00+08:00")),
                // More than fifty years before the others: beyond the segment's month table.
                ("d", dated("1950-06-01T08:00:00+08:00")),
                ("e", post("数字经济", &[], &[])),
                ("f", dated("2024-03-02T08:00:00+08:00")),
            ])
            .unwrap();
        index
            .add_posts([("f", dated("2024-03-02T08:00:00+08:00"))])
            .unwrap();
        let facets = cold_and_warm(&index);
        let owned = |v: &[(&str, u64)]| -> Vec<(String, u64)> {
            v.iter().map(|(s, n)| (s.to_string(), *n)).collect()
        };
        assert_eq!(
            pairs(&facets.month),
            owned(&[("1950-06", 1), ("2023-12", 1), ("2024-03", 3)])
        );
        assert_eq!(
            pairs(&facets.year),
            owned(&[("1950", 1), ("2023", 1), ("2024", 3)])
        );
    }
}
