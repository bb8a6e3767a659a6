//! Builds a scale corpus about FACTOR times the shared one, for measuring how cost grows.
//!
//! ```sh
//! cargo run --release --example scale_corpus -- ../shared/corpus/xwlb /tmp/xwlb10 [FACTOR] [SEED]
//! ```
//!
//! Every generated post takes its title, categories and tags from one shared post, gets a new
//! id and a date shifted by up to two years, and a body recombined from the paragraphs of two or
//! three shared posts, so no file is a byte copy of another and term statistics stay realistic.
//! Deterministic for a given seed.

use std::path::PathBuf;

use chrono::Duration;
use newssearch::Post;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [source, target, rest @ ..] = args.as_slice() else {
        return Err("usage: scale_corpus SOURCE TARGET [FACTOR] [SEED]".into());
    };
    let factor: usize = rest.first().map_or(Ok(10), |f| f.parse())?;
    let mut rng = Rng(rest
        .get(1)
        .map_or(Ok(0x2545_f491_4f6c_dd1d), |s| s.parse())?);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(source)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    paths.sort();
    let posts: Vec<Post> = paths
        .iter()
        .filter_map(|p| Post::from_bytes(&std::fs::read(p).ok()?).ok())
        .filter(|p| p.date.is_some())
        .collect();
    let paragraphs: Vec<Vec<&str>> = posts.iter().map(|p| p.body.lines().collect()).collect();
    std::fs::create_dir_all(target)?;
    let total = posts.len() * factor;
    let mut bytes = 0usize;
    for id in 0..total {
        let base = &posts[rng.below(posts.len())];
        let date = base.date.expect("dated") + Duration::days(rng.below(1461) as i64 - 730);
        let mut body: Vec<&str> = Vec::new();
        for _ in 0..2 + rng.below(2) {
            let donor = &paragraphs[rng.below(paragraphs.len())];
            let take = 1 + rng.below(donor.len().clamp(1, 4));
            let start = rng.below(donor.len().saturating_sub(take) + 1);
            body.extend(donor.iter().skip(start).take(take));
        }
        let html: String = body.iter().map(|p| format!("<p>{p}</p>")).collect();
        let text = format!(
            "---\nlayout: post\ntitle: \"{}\"\ndate: {}\ncategories: {}\ntags: {}\n---\n{html}\n\n<https://example.com/scale/{id:06}.shtml>\n",
            base.title.replace('"', "'"),
            date.format("%Y-%m-%d %H:%M:%S %z"),
            base.categories.join(" "),
            base.tags.join(" "),
        );
        bytes += text.len();
        std::fs::write(
            PathBuf::from(target).join(format!("{id:06}_{:016x}.txt", rng.next())),
            text,
        )?;
    }
    eprintln!("{total} posts, {:.1} MB, in {target}", bytes as f64 / 1e6);
    Ok(())
}
