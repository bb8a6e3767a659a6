//! Search-quality evaluation over the shared corpus: newssearch against the reference
//! configuration (tantivy + jieba search mode + `QueryParser`, AND, title boosted). The
//! reference is indexed on one thread, so that its equal scores come in file order and both
//! rows are the same on every run.
//!
//! ```sh
//! cargo run --release --example eval -- [CORPUS] [--queries FILE | --substrings N] [--seed N] [--sample N] [--seeds N]
//! ```
//!
//! - Recall set (`fixtures/eval/recall-queries.txt`): ground truth is a brute-force scan of the
//!   parsed posts (normalised substring, Latin letters/digits as whole words). `recall` is the
//!   mean share of true posts found by the bare query; `exact` the share of quoted queries whose
//!   result set equals the truth; `P@10` the mean share of true posts among the first
//!   min(10, |truth|) results of the bare query. `--substrings N` replaces the file with N
//!   strings of 1–12 characters cut at random (with `--seed`) from the posts' titles and
//!   paragraphs: a recall set no one chose.
//! - Known-item set: posts sampled with a fixed seed; from each title, (a) its two most
//!   distinctive words by IDF over the corpus, space separated, and (b) its most distinctive
//!   contiguous span of 2–3 words, unspaced. MRR@10, success@1 and success@10 of finding the post.
//! - The ceiling row: what the best possible ranking could expect on the same known items.
//!   Several posts can make the very same query (identical or near-identical headlines, the
//!   daily columns), and nothing in the query tells which was drawn; ranking exactly those
//!   posts first, in any order, the drawn one is equally likely at each of their places. An
//!   expectation, so one sample's row can beat it by luck; over large samples no engine can.
//! - The known-item MRR@10 again for `--seeds` further seeds (5 by default), each drawing its own
//!   posts: how much the margin between the configurations moves with the sample.
//! - `EVAL_BY_TITLES=1`: the known-item MRR@10 by how many titles hold the query;
//!   `EVAL_SHOW_MISSES=1`: every known item not ranked first, with both engines' ranks;
//!   `EVAL_SHOW_AVOIDABLE=1`: the span queries newssearch ranks below posts whose own titles
//!   make other queries (what separates it from the ceiling but for coin tosses), and what
//!   ranking them lower would gain;
//!   `EVAL_WHO_WINS=1`: how many known items each engine ranks higher than the other, and by
//!   how much;
//!   `EVAL_SHOW_RECALL=1`: every recall query either engine does not answer exactly (recall,
//!   exact set or P@10).

#[path = "eval_sets.rs"]
mod eval_sets;
#[path = "reference.rs"]
mod reference;
#[path = "../tests/common/truth.rs"]
#[allow(dead_code)]
mod truth;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use eval_sets::{
    Doc, Engine, KnownItem, Newssearch, ReferenceEngine, Sampler, known_item, load, substrings,
};
use newssearch::{IndexOptions, NewsIndex};

struct Options {
    corpus: PathBuf,
    queries: PathBuf,
    substrings: usize,
    seed: u64,
    sample: usize,
    seeds: u64,
}

fn options() -> Options {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut options = Options {
        corpus: root.join("../shared/corpus/xwlb"),
        queries: root.join("fixtures/eval/recall-queries.txt"),
        substrings: 0,
        seed: eval_sets::DEFAULT_SEED,
        sample: eval_sets::DEFAULT_SAMPLE,
        seeds: 5,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--queries" => options.queries = args.next().expect("--queries FILE").into(),
            "--substrings" => {
                options.substrings = args
                    .next()
                    .expect("--substrings N")
                    .parse()
                    .expect("a number")
            }
            "--seed" => options.seed = args.next().expect("--seed N").parse().expect("a number"),
            "--sample" => {
                options.sample = args.next().expect("--sample N").parse().expect("a number")
            }
            "--seeds" => options.seeds = args.next().expect("--seeds N").parse().expect("a number"),
            _ => options.corpus = arg.into(),
        }
    }
    options
}

fn main() {
    let options = options();
    let started = Instant::now();
    let docs = load(&options.corpus);
    let scratch = tempfile::tempdir().expect("temp dir");
    let ours = NewsIndex::create(&scratch.path().join("newssearch")).expect("create index");
    ours.index_folder(&options.corpus, &IndexOptions::default(), &mut |_| {})
        .expect("index corpus");
    let theirs =
        reference::Reference::build_in_order(&scratch.path().join("reference"), &options.corpus)
            .expect("reference index");
    let engines: Vec<Box<dyn Engine>> = vec![
        Box::new(Newssearch(ours)),
        Box::new(ReferenceEngine(theirs)),
    ];
    eprintln!(
        "{} posts loaded and indexed twice in {:.1} s",
        docs.len(),
        started.elapsed().as_secs_f64()
    );

    let queries: Vec<String> = if options.substrings > 0 {
        substrings(&docs, options.seed, options.substrings)
    } else {
        std::fs::read_to_string(&options.queries)
            .expect("query file")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect()
    };
    let truths: Vec<BTreeSet<String>> = queries.iter().map(|q| truth(&docs, q)).collect();
    let sampler = Sampler::new(&docs);
    let known = sampler.known_items(&docs, options.seed, options.sample);
    eprintln!(
        "{} recall queries ({} with matches), {} known-item posts",
        queries.len(),
        truths.iter().filter(|t| !t.is_empty()).count(),
        known.len()
    );

    // Posts whose title no other post shares: there the known item is well defined.
    let mut title_counts: HashMap<&str, usize> = HashMap::new();
    for doc in &docs {
        *title_counts.entry(doc.title_c.as_str()).or_default() += 1;
    }
    let unique: Vec<&KnownItem> = known
        .iter()
        .filter(|k| title_counts[k.title.as_str()] == 1)
        .collect();
    println!(
        "| configuration | recall (bare) | exact (quoted) | P@10 (bare) | MRR@10 words | S@1 words | S@10 words | MRR@10 span | S@1 span | S@10 span |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut unique_rows = Vec::new();
    for engine in &engines {
        let recall = recall_set(engine.as_ref(), &queries, &truths, docs.len());
        let words = known_item(engine.as_ref(), known.iter().map(|k| (&k.words, &k.name)));
        let span = known_item(engine.as_ref(), known.iter().map(|k| (&k.span, &k.name)));
        let all = [
            recall.0, recall.1, recall.2, words.0, words.1, words.2, span.0, span.1, span.2,
        ];
        println!("| {} | {} |", engine.name(), cells(&all));
        let words = known_item(engine.as_ref(), unique.iter().map(|k| (&k.words, &k.name)));
        let span = known_item(engine.as_ref(), unique.iter().map(|k| (&k.span, &k.name)));
        let unique_cells = [words.0, words.1, words.2, span.0, span.1, span.2];
        unique_rows.push(format!("| {} | {} |", engine.name(), cells(&unique_cells)));
    }
    let makers = makers(&sampler, &docs);
    let (words, span) = ceiling(&makers, &known);
    println!(
        "| ceiling (the posts making the same query ranked first, in any order) | | | | {} | {} |",
        cells(&[words.0, words.1, words.2]),
        cells(&[span.0, span.1, span.2])
    );
    println!(
        "\nKnown items whose title is unique in the corpus ({} of {}):\n",
        unique.len(),
        known.len()
    );
    println!(
        "| configuration | MRR@10 words | S@1 words | S@10 words | MRR@10 span | S@1 span | S@10 span |"
    );
    println!("|---|---|---|---|---|---|---|");
    for row in unique_rows {
        println!("{row}");
    }
    if options.seeds > 0 {
        seed_spread(&engines, &sampler, &makers, &docs, &options);
    }
    if std::env::var_os("EVAL_BY_TITLES").is_some() {
        by_titles(&engines, &known, &docs);
    }
    if std::env::var_os("EVAL_WHO_WINS").is_some() {
        who_wins(&engines, &known, &docs);
    }
    if std::env::var_os("EVAL_SHOW_AVOIDABLE").is_some() {
        avoidable(engines[0].as_ref(), &sampler, &known, &docs);
    }
    if std::env::var_os("EVAL_SHOW_MISSES").is_some() {
        let titles: HashMap<&str, &str> = docs
            .iter()
            .map(|d| (d.name.as_str(), d.title.as_str()))
            .collect();
        for item in &known {
            for query in [&item.words, &item.span] {
                let top = engines[0].search(query, 10);
                if top.first() != Some(&item.name) {
                    let rank = top.iter().position(|n| *n == item.name);
                    let reference = engines[1]
                        .search(query, 10)
                        .iter()
                        .position(|n| *n == item.name);
                    eprintln!(
                        "MISS {query:?} made by {} rank {rank:?} (reference {reference:?}) want {:?} got {:?}",
                        makers[query.as_str()],
                        titles[item.name.as_str()],
                        top.first().map(|n| titles[n.as_str()])
                    );
                }
            }
        }
    }
    eprintln!("done in {:.1} s", started.elapsed().as_secs_f64());
}

/// The span queries newssearch ranks below posts that would not make them: every such known
/// item with the posts above it and the queries their own titles make, and the MRR@10 a ranking
/// would gain by putting those posts below it (what separates newssearch from the ceiling, short
/// of the coin tosses between posts that make the same query).
fn avoidable(engine: &dyn Engine, sampler: &Sampler, known: &[KnownItem], docs: &[Doc]) {
    let by_name: HashMap<&str, &Doc> = docs.iter().map(|d| (d.name.as_str(), d)).collect();
    let span_of = |name: &str| {
        sampler
            .queries(by_name[name], docs.len())
            .map(|(_, span)| span)
    };
    let (mut items, mut gained) = (0, 0.0);
    for item in known {
        let top = engine.search(&item.span, 10);
        let Some(rank) = top.iter().position(|n| *n == item.name) else {
            continue;
        };
        let others: Vec<&String> = top[..rank]
            .iter()
            .filter(|name| span_of(name).as_ref() != Some(&item.span))
            .collect();
        if others.is_empty() {
            continue;
        }
        let gain = 1.0 / (rank + 1 - others.len()) as f64 - 1.0 / (rank + 1) as f64;
        items += 1;
        gained += gain;
        eprintln!(
            "AVOIDABLE {:?} rank {} (+{gain:.2} without the {} above that make other queries): {:?}",
            item.span,
            rank + 1,
            others.len(),
            item.title
        );
        for name in others {
            eprintln!(
                "    above: {:?} makes {:?}",
                by_name[name.as_str()].title_c,
                span_of(name)
            );
        }
    }
    eprintln!(
        "AVOIDABLE: {items} of {} span queries, MRR@10 +{:.4} if none were above",
        known.len(),
        gained / known.len() as f64
    );
}

/// Known-item MRR@10 of both configurations for further seeds, with the margin for each.
fn seed_spread(
    engines: &[Box<dyn Engine>],
    sampler: &Sampler,
    makers: &HashMap<String, usize>,
    docs: &[Doc],
    options: &Options,
) {
    println!(
        "\nKnown-item MRR@10 for {} further seeds ({} posts each; margin = newssearch − reference):\n",
        options.seeds, options.sample
    );
    println!(
        "| seed | words: newssearch | reference | margin | ceiling | span: newssearch | reference | margin | ceiling |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut margins = (Vec::new(), Vec::new());
    for seed in (1..=options.seeds).map(|i| options.seed + i) {
        let known = sampler.known_items(docs, seed, options.sample);
        let mrr = |engine: &dyn Engine, span: bool| {
            let queries = known
                .iter()
                .map(|k| (if span { &k.span } else { &k.words }, &k.name));
            known_item(engine, queries).0
        };
        let (ours, theirs) = (engines[0].as_ref(), engines[1].as_ref());
        let words = (mrr(ours, false), mrr(theirs, false));
        let span = (mrr(ours, true), mrr(theirs, true));
        let best = ceiling(makers, &known);
        margins.0.push(words.0 - words.1);
        margins.1.push(span.0 - span.1);
        println!(
            "| {seed} | {:.3} | {:.3} | {:+.3} | {:.3} | {:.3} | {:.3} | {:+.3} | {:.3} |",
            words.0,
            words.1,
            words.0 - words.1,
            best.0.0,
            span.0,
            span.1,
            span.0 - span.1,
            best.1.0
        );
    }
    let summary = |m: &[f64]| {
        let min = m.iter().copied().fold(f64::INFINITY, f64::min);
        let max = m.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        format!(
            "{:+.3} ({min:+.3} to {max:+.3})",
            m.iter().sum::<f64>() / m.len() as f64
        )
    };
    println!(
        "\nmean margin over these seeds: words {}, span {}",
        summary(&margins.0),
        summary(&margins.1)
    );
}

/// For each query form, the known items one engine ranks higher than the other, with the
/// reciprocal ranks it gains by them; of the reference's, those where newssearch's first hit
/// has the known item's very title, and those newssearch does not list in ten.
fn who_wins(engines: &[Box<dyn Engine>], known: &[KnownItem], docs: &[Doc]) {
    let titles: HashMap<&str, &str> = docs
        .iter()
        .map(|d| (d.name.as_str(), d.title_c.as_str()))
        .collect();
    let reciprocal = |rank: Option<usize>| rank.map_or(0.0, |r| 1.0 / (r + 1) as f64);
    println!("\nKnown items one engine ranks higher (reciprocal ranks gained):\n");
    println!(
        "| query | newssearch higher | points | reference higher | points | of which the same title first | not in newssearch's ten |"
    );
    println!("|---|---|---|---|---|---|---|");
    for span in [false, true] {
        let (mut ours, mut ours_points, mut theirs, mut theirs_points) = (0, 0.0, 0, 0.0);
        let (mut same_title, mut unlisted) = (0, 0);
        for item in known {
            let query = if span { &item.span } else { &item.words };
            let top = engines[0].search(query, 10);
            let rank = top.iter().position(|n| *n == item.name);
            let reference = engines[1]
                .search(query, 10)
                .iter()
                .position(|n| *n == item.name);
            let gain = reciprocal(rank) - reciprocal(reference);
            if gain > 0.0 {
                ours += 1;
                ours_points += gain;
            } else if gain < 0.0 {
                theirs += 1;
                theirs_points -= gain;
                if top.first().map(|n| titles[n.as_str()]) == Some(item.title.as_str()) {
                    same_title += 1;
                }
                if rank.is_none() {
                    unlisted += 1;
                }
            }
        }
        println!(
            "| {} | {ours} | {ours_points:.1} | {theirs} | {theirs_points:.1} | {same_title} | {unlisted} |",
            if span { "span" } else { "words" },
        );
    }
}

/// Known-item MRR@10 of both configurations by how many titles hold the query (the span, or
/// both words): where a query fits one title the post is well defined, where it fits many
/// only a coin toss can tell which of them was meant.
fn by_titles(engines: &[Box<dyn Engine>], known: &[KnownItem], docs: &[Doc]) {
    const BUCKETS: [(&str, usize, usize); 4] = [
        ("1", 1, 1),
        ("2", 2, 2),
        ("3–5", 3, 5),
        ("6 or more", 6, usize::MAX),
    ];
    println!("\nKnown-item MRR@10 by the number of titles that hold the query:\n");
    println!("| query | titles | items | newssearch | reference |");
    println!("|---|---|---|---|---|");
    for span in [false, true] {
        let holding = |item: &KnownItem| {
            let needles: Vec<String> = if span {
                vec![truth::canonical(&item.span)]
            } else {
                item.words.split(' ').map(truth::canonical).collect()
            };
            docs.iter()
                .filter(|d| needles.iter().all(|n| d.title_c.contains(n.as_str())))
                .count()
        };
        let counted: Vec<(usize, &KnownItem)> = known.iter().map(|k| (holding(k), k)).collect();
        for (name, low, high) in BUCKETS {
            let items: Vec<&KnownItem> = counted
                .iter()
                .filter(|(n, _)| (low..=high).contains(n))
                .map(|(_, k)| *k)
                .collect();
            if items.is_empty() {
                continue;
            }
            let mrr = |engine: &dyn Engine| {
                let queries = items
                    .iter()
                    .map(|k| (if span { &k.span } else { &k.words }, &k.name));
                known_item(engine, queries).0
            };
            println!(
                "| {} | {name} | {} | {:.3} | {:.3} |",
                if span { "span" } else { "words" },
                items.len(),
                mrr(engines[0].as_ref()),
                mrr(engines[1].as_ref())
            );
        }
    }
}

/// Table cells with three decimals.
fn cells(values: &[f64]) -> String {
    values
        .iter()
        .map(|v| format!("{v:.3}"))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn truth(docs: &[Doc], query: &str) -> BTreeSet<String> {
    let needle = truth::canonical(query);
    docs.iter()
        .filter(|d| truth::contains(&d.title_c, &needle) || truth::contains(&d.body_c, &needle))
        .map(|d| d.name.clone())
        .collect()
}

/// (recall, exact, precision@10) averaged over the queries that have matches.
fn recall_set(
    engine: &dyn Engine,
    queries: &[String],
    truths: &[BTreeSet<String>],
    all: usize,
) -> (f64, f64, f64) {
    let (mut recall, mut exact, mut precision, mut counted) = (0.0, 0.0, 0.0, 0.0);
    for (query, truth) in queries.iter().zip(truths) {
        let quoted: BTreeSet<String> = engine
            .search(&format!("\"{query}\""), all)
            .into_iter()
            .collect();
        if truth.is_empty() {
            continue;
        }
        counted += 1.0;
        exact += f64::from(u8::from(&quoted == truth));
        let bare = engine.search(query, all);
        let found = bare.iter().filter(|n| truth.contains(*n)).count();
        recall += found as f64 / truth.len() as f64;
        let k = truth.len().min(10);
        let first = bare.iter().take(k).filter(|n| truth.contains(*n)).count();
        precision += first as f64 / k as f64;
        if std::env::var_os("EVAL_SHOW_RECALL").is_some()
            && (found < truth.len() || &quoted != truth || first < k)
        {
            let missed: Vec<&String> = truth
                .iter()
                .filter(|n| !bare.contains(*n))
                .take(3)
                .collect();
            println!(
                "RECALL {}: {query:?}: bare {found} of {}, quoted {} (exact: {}), {first} of the first {k} true; missed e.g. {missed:?}",
                engine.name(),
                truth.len(),
                quoted.len(),
                &quoted == truth
            );
        }
    }
    (recall / counted, exact / counted, precision / counted)
}

/// How many posts make each query from their titles (both forms).
fn makers(sampler: &Sampler, docs: &[Doc]) -> HashMap<String, usize> {
    let mut makers: HashMap<String, usize> = HashMap::new();
    for doc in docs {
        if let Some((words, span)) = sampler.queries(doc, docs.len()) {
            *makers.entry(words).or_default() += 1;
            *makers.entry(span).or_default() += 1;
        }
    }
    makers
}

/// What the best ranking could expect for the known items (MRR@10, success@1, success@10 for
/// each query form): several posts can make the very same query from their titles, and nothing
/// in the query tells which of them was drawn. The best an engine can do is rank those posts
/// first, in some order; the drawn one is then equally likely at each of their places.
fn ceiling(
    makers: &HashMap<String, usize>,
    known: &[KnownItem],
) -> ((f64, f64, f64), (f64, f64, f64)) {
    let expect = |queries: &mut dyn Iterator<Item = &String>| {
        let (mut rr, mut s1, mut s10, mut n) = (0.0, 0.0, 0.0, 0.0);
        for query in queries {
            let tied = makers[query] as f64;
            rr += (1..=makers[query].min(10))
                .map(|place| 1.0 / place as f64)
                .sum::<f64>()
                / tied;
            s1 += 1.0 / tied;
            s10 += tied.min(10.0) / tied;
            n += 1.0;
        }
        (rr / n, s1 / n, s10 / n)
    };
    (
        expect(&mut known.iter().map(|k| &k.words)),
        expect(&mut known.iter().map(|k| &k.span)),
    )
}
