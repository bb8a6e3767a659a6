//! In-process query latency percentiles over a fixed list of realistic queries.
//!
//! ```sh
//! cargo run --release --example latency -- INDEX_DIR [ROUNDS]
//! ```
//! Opens the index, warms it up with one round, then runs every query ROUNDS times (default 200)
//! and prints p50/p95/p99 over all runs, for top-10 hits with snippets and facets.
//! `LATENCY_QUERY=数字化` runs that query alone (to profile one), `LATENCY_PER_QUERY=1` adds each
//! query's median.

use std::path::PathBuf;
use std::time::Instant;

use newssearch::{NewsIndex, SearchRequest};

#[path = "queries.rs"]
mod queries;
use queries::QUERIES;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: latency INDEX_DIR [ROUNDS]")?);
    let rounds: usize = args.next().map_or(Ok(200), |r| r.parse())?;
    let index = NewsIndex::open(&dir)?;
    let only = std::env::var("LATENCY_QUERY").ok();
    let queries: Vec<&str> = match &only {
        Some(query) => vec![query.as_str()],
        None => QUERIES.to_vec(),
    };
    let mut totals = Vec::new();
    for query in &queries {
        totals.push(index.search(&SearchRequest::new(*query))?.total);
    }
    println!(
        "{} posts, {} queries x {rounds} rounds, top 10:",
        index.num_posts(),
        queries.len()
    );
    for (label, fragments) in [("with snippets", 3), ("without snippets", 0)] {
        let mut times = Vec::with_capacity(rounds * queries.len());
        for _ in 0..rounds {
            for (query, total) in queries.iter().zip(&totals) {
                let mut request = SearchRequest::new(*query);
                request.snippets.max_fragments = fragments;
                let started = Instant::now();
                let results = index.search(&request)?;
                times.push(started.elapsed().as_secs_f64() * 1000.0);
                assert_eq!(results.total, *total, "{query}");
                assert!(results.total == 0 || !results.hits.is_empty(), "{query}");
            }
        }
        times.sort_by(f64::total_cmp);
        let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
        println!(
            "  {label:17} p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
            at(0.50),
            at(0.95),
            at(0.99),
            at(1.0)
        );
    }
    if std::env::var_os("LATENCY_PER_QUERY").is_some() {
        for query in &queries {
            let mut times: Vec<f64> = (0..rounds)
                .map(|_| {
                    let mut request = SearchRequest::new(*query);
                    request.snippets.max_fragments = 0;
                    let started = Instant::now();
                    let _ = index.search(&request);
                    started.elapsed().as_secs_f64() * 1000.0
                })
                .collect();
            times.sort_by(f64::total_cmp);
            println!("  {query:24} median {:.3} ms", times[times.len() / 2]);
        }
    }
    Ok(())
}
