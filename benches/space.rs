//! Where an index's bytes go: each field's term dictionary, postings, positions, fast fields and
//! field norms, and the document store, summed over the segments.
//!
//! ```sh
//! cargo run --release --example space -- INDEX_DIR [MIN_BYTES]
//! ```
//! Works on any tantivy index: newssearch's (`.newssearch/`) or the reference program's. Parts
//! smaller than MIN_BYTES (default 50,000) are left out of the table, not out of the total.

use std::collections::BTreeMap;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: space INDEX_DIR [MIN_BYTES]")?);
    let min: u64 = args.next().map_or(Ok(50_000), |m| m.parse())?;
    let index = tantivy::Index::open_in_dir(&dir)?;
    let usage = index.reader()?.searcher().space_usage()?;
    let mut parts: BTreeMap<(String, &str), u64> = BTreeMap::new();
    let mut store = 0;
    for segment in usage.segments() {
        for (part, per_field) in [
            ("terms", segment.termdict()),
            ("postings", segment.postings()),
            ("positions", segment.positions()),
            ("fast", segment.fast_fields()),
            ("norms", segment.fieldnorms()),
        ] {
            for field in per_field.fields() {
                *parts
                    .entry((field.field_name().to_owned(), part))
                    .or_default() += field.total().get_bytes();
            }
        }
        store += segment.store().total().get_bytes();
    }
    let mb = |bytes: u64| bytes as f64 / 1e6;
    println!("{} segments", usage.segments().len());
    println!("| field | part | MB |\n|---|---|---|");
    for ((field, part), bytes) in parts.iter().filter(|(_, b)| **b >= min) {
        println!("| {field} | {part} | {:.2} |", mb(*bytes));
    }
    println!("| (stored documents) | store | {:.2} |", mb(store));
    println!("| **total** | | **{:.2}** |", mb(usage.total().get_bytes()));
    Ok(())
}
