//! Criterion benchmarks, one group per stage: parsing, analysis, indexing (through commit) and
//! in-process query latency, newssearch beside the reference configuration. Each checks what it
//! computes, so a broken pipeline cannot look fast.
//!
//! Reads the shared corpus from `../shared/corpus/xwlb`; without it, the bundled fixtures.

#[path = "queries.rs"]
mod queries;
#[path = "reference.rs"]
mod reference;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use newssearch::analysis::{Segmenter, analyze};
use newssearch::{IndexOptions, NewsIndex, Post, SearchRequest};
use queries::QUERIES;

fn corpus() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/corpus/xwlb");
    if shared.is_dir() {
        shared
    } else {
        eprintln!("the shared corpus is absent: benchmarking the bundled fixtures");
        root.join("fixtures/posts")
    }
}

fn files(folder: &Path) -> Vec<Vec<u8>> {
    reference::files(folder)
        .iter()
        .map(|f| std::fs::read(f).expect("read post"))
        .collect()
}

fn parse(c: &mut Criterion) {
    let raw = files(&corpus());
    let bytes: usize = raw.iter().map(Vec::len).sum();
    let expected = raw.iter().filter(|r| Post::from_bytes(r).is_ok()).count();
    let mut group = c.benchmark_group("parse");
    group
        .throughput(Throughput::Bytes(bytes as u64))
        .sample_size(10);
    group.bench_function("front matter + HTML → text", |b| {
        b.iter(|| {
            let parsed = raw
                .iter()
                .filter_map(|r| Post::from_bytes(black_box(r)).ok())
                .count();
            assert_eq!(parsed, expected);
        })
    });
    group.finish();
}

fn analysis(c: &mut Criterion) {
    let bodies: Vec<String> = files(&corpus())
        .iter()
        .filter_map(|r| Post::from_bytes(r).ok())
        .map(|p| p.body)
        .take(2000)
        .collect();
    let bytes: usize = bodies.iter().map(String::len).sum();
    let segmenter = Segmenter::shared();
    segmenter.jieba(); // the dictionary load is measured apart (`jieba load`)
    let expected: usize = bodies
        .iter()
        .map(|b| analyze(b, &segmenter).bigrams.len())
        .sum();
    let mut group = c.benchmark_group("analysis");
    group
        .throughput(Throughput::Bytes(bytes as u64))
        .sample_size(10);
    group.bench_function("normalise + units + bigrams + jieba words", |b| {
        b.iter(|| {
            let bigrams: usize = bodies
                .iter()
                .map(|b| analyze(black_box(b), &segmenter).bigrams.len())
                .sum();
            assert_eq!(bigrams, expected);
        })
    });
    group.finish();
    let mut group = c.benchmark_group("jieba load");
    group.sample_size(10);
    group.bench_function("Jieba::new", |b| {
        b.iter(|| black_box(jieba_rs::Jieba::new()))
    });
    group.finish();
}

fn indexing(c: &mut Criterion) {
    let folder = corpus();
    let raw = files(&folder);
    let posts = raw.iter().filter(|r| Post::from_bytes(r).is_ok()).count() as u64;
    let scratch = tempfile::tempdir().expect("temp dir");
    let mut group = c.benchmark_group("index corpus");
    group
        .throughput(Throughput::Elements(posts))
        .sample_size(10)
        .measurement_time(Duration::from_secs(60));
    group.bench_function("newssearch", |b| {
        b.iter(|| {
            let index = NewsIndex::create(&scratch.path().join("ns")).expect("create");
            index
                .index_folder(&folder, &IndexOptions::default(), &mut |_| {})
                .expect("index");
            assert_eq!(index.num_posts(), posts);
        })
    });
    group.bench_function("reference", |b| {
        b.iter(|| {
            let index =
                reference::Reference::build(&scratch.path().join("ref"), &folder).expect("index");
            assert_eq!(index.num_docs(), posts);
        })
    });
    group.finish();
}

fn query(c: &mut Criterion) {
    let folder = corpus();
    let scratch = tempfile::tempdir().expect("temp dir");
    let ours = NewsIndex::create(&scratch.path().join("ns")).expect("create");
    ours.index_folder(&folder, &IndexOptions::default(), &mut |_| {})
        .expect("index");
    let theirs = reference::Reference::build(&scratch.path().join("ref"), &folder).expect("index");
    let totals: Vec<usize> = QUERIES
        .iter()
        .map(|q| ours.search(&SearchRequest::new(*q)).expect("search").total)
        .collect();
    let mut group = c.benchmark_group("query (25 queries, top 10, warm)");
    group.throughput(Throughput::Elements(QUERIES.len() as u64));
    for (label, fragments) in [
        ("newssearch with snippets", 3),
        ("newssearch without snippets", 0),
    ] {
        group.bench_function(label, |b| {
            b.iter(|| {
                for (q, total) in QUERIES.iter().zip(&totals) {
                    let mut request = SearchRequest::new(*q);
                    request.snippets.max_fragments = fragments;
                    assert_eq!(
                        ours.search(black_box(&request)).expect("search").total,
                        *total
                    );
                }
            })
        });
    }
    group.bench_function("reference", |b| {
        b.iter(|| {
            for q in QUERIES {
                black_box(theirs.search(black_box(q), 10).expect("search"));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, parse, analysis, indexing, query);
criterion_main!(benches);
