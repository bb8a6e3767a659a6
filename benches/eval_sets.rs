//! The evaluation's sets over the shared corpus, shared by the `eval` example and the corpus
//! tests: the posts as both engines see them, the engines behind one trait, random strings cut
//! from the posts, and the known items drawn from the titles (two most distinctive words; the
//! most distinctive span of 2–3 words).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use newssearch::analysis::{is_han, normalize};
use newssearch::{NewsIndex, Post, SearchRequest};

use crate::reference;
use crate::truth;

/// The evaluation's default seed and sample size: the known items of its main table.
pub const DEFAULT_SEED: u64 = 20_261_129;
/// How many known items the main table draws.
pub const DEFAULT_SAMPLE: usize = 200;

/// A post as the evaluation reads it: as written, and canonical (for the brute-force truth).
pub struct Doc {
    /// The file's name: what both engines' results are compared by.
    pub name: String,
    /// The title as parsed.
    pub title: String,
    /// The body as parsed.
    pub body: String,
    /// The title, canonical (`truth::canonical`).
    pub title_c: String,
    /// The body, canonical.
    pub body_c: String,
}

/// A search engine under evaluation.
pub trait Engine {
    /// Its row's name in the tables.
    fn name(&self) -> &'static str;
    /// File names of the top `limit` results.
    fn search(&self, query: &str, limit: usize) -> Vec<String>;
}

/// newssearch, as a user runs it (reprints shown: every post is its own known item).
pub struct Newssearch(pub NewsIndex);
/// The reference configuration.
pub struct ReferenceEngine(pub reference::Reference);

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

impl Engine for Newssearch {
    fn name(&self) -> &'static str {
        "newssearch"
    }
    fn search(&self, query: &str, limit: usize) -> Vec<String> {
        let mut request = SearchRequest::new(query);
        request.limit = limit;
        request.show_reprints = true;
        request.snippets.max_fragments = 0;
        match self.0.search(&request) {
            Ok(results) => results.hits.iter().map(|h| file_name(&h.path)).collect(),
            Err(_) => Vec::new(),
        }
    }
}

impl Engine for ReferenceEngine {
    fn name(&self) -> &'static str {
        "reference (tantivy + jieba + QueryParser)"
    }
    fn search(&self, query: &str, limit: usize) -> Vec<String> {
        match self.0.search(query, limit) {
            Ok((paths, _)) => paths.iter().map(|p| file_name(p)).collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// Every post of `folder`, in file-name order.
pub fn load(folder: &Path) -> Vec<Doc> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
        .expect("corpus folder")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let post = Post::from_bytes(&std::fs::read(&path).ok()?).ok()?;
            Some(Doc {
                name: file_name(&path.to_string_lossy()),
                title_c: truth::canonical(&post.title),
                body_c: truth::canonical(&post.body),
                title: post.title,
                body: post.body,
            })
        })
        .collect()
}

/// `n` strings of 1 to 12 characters cut at random (with `seed`) from the posts' titles and
/// paragraphs, as a person pastes or types them: a recall set no one chose, which crosses
/// punctuation, quotes, digits and Latin words wherever the text does. Strings the query
/// language could read as syntax (a `"`, a `:` as in `title:`, a word beginning with `-` or
/// `－` or with a field name and `：`, a lone `OR`, `AND` or `NOT`) are drawn again.
pub fn substrings(docs: &[Doc], seed: u64, n: usize) -> Vec<String> {
    let mut random = Xorshift::new(seed);
    let mut next = |below: usize| random.below(below);
    let syntax = |q: &str| {
        q.contains('"')
            || q.contains(':')
            || q.split_whitespace().any(|w| {
                ["OR", "AND", "NOT"].contains(&w)
                    || w.starts_with(['-', '－'])
                    || ["标题：", "正文：", "title：", "body："]
                        .iter()
                        .any(|field| w.to_lowercase().starts_with(field))
            })
    };
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let doc = &docs[next(docs.len())];
        let text = if next(4) == 0 { &doc.title } else { &doc.body };
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.is_empty() {
            continue;
        }
        let chars: Vec<char> = lines[next(lines.len())].chars().collect();
        let len = 1 + next(12.min(chars.len()));
        let start = next(chars.len() - len + 1);
        let query: String = chars[start..start + len].iter().collect();
        let query = query.trim();
        if !query.is_empty() && !syntax(query) {
            out.push(query.to_owned());
        }
    }
    out
}

/// A small seeded generator (xorshift64): the same seed draws the same sample on every machine.
pub struct Xorshift(u64);

impl Xorshift {
    pub fn new(seed: u64) -> Xorshift {
        Xorshift(seed.max(1))
    }

    /// A number below `bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound.max(1) as u64) as usize
    }
}

/// (MRR@10, success@1, success@10).
pub fn known_item<'a>(
    engine: &dyn Engine,
    items: impl Iterator<Item = (&'a String, &'a String)>,
) -> (f64, f64, f64) {
    let (mut rr, mut s1, mut s10, mut n) = (0.0, 0.0, 0.0, 0.0);
    for (query, target) in items {
        n += 1.0;
        if let Some(rank) = engine.search(query, 10).iter().position(|p| p == target) {
            rr += 1.0 / (rank + 1) as f64;
            s1 += f64::from(u8::from(rank == 0));
            s10 += 1.0;
        }
    }
    (rr / n, s1 / n, s10 / n)
}

/// A post to find, and the two queries made from its title.
pub struct KnownItem {
    pub name: String,
    /// The canonical title.
    pub title: String,
    pub words: String,
    pub span: String,
}

/// Draws known items: word statistics over the corpus, computed once for every seed.
pub struct Sampler {
    jieba: jieba_rs::Jieba,
    /// Document frequency of every word over the corpus (titles and bodies).
    df: HashMap<String, u32>,
}

/// A word worth querying: two characters or more, letters and digits only.
fn word_ok(w: &str) -> bool {
    let n = normalize(w);
    n.chars().count() >= 2 && n.chars().all(|c| is_han(c) || c.is_alphanumeric())
}

impl Sampler {
    pub fn new(docs: &[Doc]) -> Sampler {
        let jieba = jieba_rs::Jieba::new();
        let mut df: HashMap<String, u32> = HashMap::new();
        for doc in docs {
            let mut seen = HashSet::new();
            for text in [&doc.title_c, &doc.body_c] {
                for token in jieba.cut(text, true) {
                    if word_ok(token.word) && seen.insert(token.word) {
                        *df.entry(token.word.to_owned()).or_default() += 1;
                    }
                }
            }
        }
        Sampler { jieba, df }
    }
    /// Samples posts with a fixed seed and makes two queries from each title.
    pub fn known_items(&self, docs: &[Doc], seed: u64, sample: usize) -> Vec<KnownItem> {
        let mut random = Xorshift::new(seed);
        let mut chosen = HashSet::new();
        let mut items = Vec::new();
        let mut attempts = 0;
        while items.len() < sample && attempts < sample * 20 {
            attempts += 1;
            let i = random.below(docs.len());
            if !chosen.insert(i) {
                continue;
            }
            let doc = &docs[i];
            let Some((words, span)) = self.queries(doc, docs.len()) else {
                continue;
            };
            items.push(KnownItem {
                name: doc.name.clone(),
                title: doc.title_c.clone(),
                words,
                span,
            });
        }
        items
    }

    /// The two queries made from `doc`'s title (its two most distinctive words, space
    /// separated; its most distinctive span of 2–3 words), IDF counted over `posts` posts;
    /// `None` for a title of fewer than two words worth querying.
    pub fn queries(&self, doc: &Doc, posts: usize) -> Option<(String, String)> {
        let idf = |w: &str| {
            let n = posts as f64;
            (n / (1.0 + f64::from(*self.df.get(&normalize(w)).unwrap_or(&0)))).ln()
        };
        let title = doc
            .title
            .split_once('】')
            .map_or(doc.title.as_str(), |(_, rest)| rest);
        let tokens: Vec<&str> = self
            .jieba
            .cut(title, true)
            .into_iter()
            .map(|t| t.word)
            .collect();
        let words: Vec<(usize, &str)> = tokens
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, w)| word_ok(w))
            .collect();
        if words.len() < 2 {
            return None;
        }
        let mut by_idf = words.clone();
        by_idf.sort_by(|a, b| idf(b.1).total_cmp(&idf(a.1)).then(a.0.cmp(&b.0)));
        let mut top = [by_idf[0], by_idf[1]];
        top.sort();
        let mut best: Option<(f64, String)> = None;
        for len in 2..=3 {
            for window in tokens.windows(len) {
                if window.iter().all(|w| word_ok(w)) {
                    let score: f64 = window.iter().map(|w| idf(w)).sum();
                    if best.as_ref().is_none_or(|(s, _)| score > *s) {
                        best = Some((score, window.concat()));
                    }
                }
            }
        }
        let (_, span) = best?;
        Some((format!("{} {}", top[0].1, top[1].1), span))
    }
}
