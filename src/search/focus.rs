//! Title focus: how much of a post's headline the query is, each headline word weighed by how
//! rare it is.
//!
//! A reader looking for a story types the words of its headline they remember, and the story
//! asked for is the one whose headline is *about* them. Among the posts whose titles all hold
//! `外贸进出口规模`, the headline `我国外贸进出口规模创历史同期新高` is more about it than one
//! that also names a place and a figure. The title-cover bonus (see `cover`) counts every unit
//! of the title alike; here each headline word weighs the fifth power of its IDF, so that common
//! words (`我国`, `发展`, `历史`) hardly dilute the query's share and rare ones (a name, a
//! figure, a second topic) do. The column name of a title (`【央视快评】`) is left out: it names
//! a series, not the story.
//!
//! The share needs every word of the headline with how many texts hold it, so it is computed
//! after the search, for the first [`FOCUS_WINDOW`] candidates only: their headline words are
//! stored with each post, cut by jieba at index time (the stored posts read for them are kept
//! for the page's hits, most of which they are); how many titles and bodies hold each is read
//! from the bigram index ([`texts_holding`]), so it follows the corpus as it grows. The window
//! is fixed, so every page is cut from one order.
//!
//! Beside the share, the *stretch*: a reader remembers a headline's most distinctive phrase, so
//! the headline asked for is one in which the query's words are that phrase, not a part of a
//! longer one. Runs of up to [`STRETCH_WORDS`] headline words that follow one another in the
//! title (nothing, not even a space or a one-character word, between them) are weighed by the
//! sum of their words' IDFs; the stretch is the best run made of query words alone over the best
//! run of the headline. This is how keyword extractors such as RAKE find a text's key phrases
//! (candidates cut at punctuation and stop words, scored by their words' weights), with the
//! one-character words jieba leaves between longer ones (`将`, `在`, `的`, `与`) as the stop
//! words. For `科技自立自强`, `习近平同志《论科技自立自强》出版发行` scores 1 (the query is its
//! phrase; `出版发行` stands apart), `加快实现高水平科技自立自强` less (`高水平` extends it).
//!
//! Which measures a post's focus depends on what was typed. A query of one clause is a phrase
//! (or a word) remembered from a headline: its focus is the stretch. A query of several clauses
//! is words picked from it, which need not stand together: its focus is the share.
//!
//! The focus is then multiplied by the share of the query's required strings the title holds:
//! a headline all about one of two words typed is not the story asked for as surely as one
//! holding both, however focused.
//!
//! Measured with `cargo run --release --example eval` (three samples of 1,000 known items):
//! the cube beat IDF itself and its square (session 11, on jieba's counts of whole bodies); with
//! the counts read from the bigram index the fifth power beat the cube on six samples of 1,000
//! (session 17); ten candidates did as well as fifteen or thirty. Session 23: the stretch as the
//! focus of one-clause queries raised the span queries' MRR@10 by 0.008–0.016 on each of nine
//! samples of 1,000, the two-word queries' unchanged (the mean of share and stretch for every
//! query, with the bonus at 300: spans 0.005–0.013, two words up to 0.007 lower); runs of up to
//! three words did better than up to four.

use std::ops::Range;

use serde::Serialize;
use tantivy::{DocAddress, Score, Searcher, Term};

use super::find_needles;
use super::plan::Plan;
use super::syntax::Scope;
use crate::analysis::{UnitKind, bigram, normalize, units};
use crate::index::Fields;
use crate::post::headline;

/// How many of the best-scored candidates the title focus re-ranks.
pub const FOCUS_WINDOW: usize = 10;

/// What a headline made only of query words adds to its post's score (a share of it for a
/// headline that is partly query). Below the 500 points that set a literal match in the title
/// above one in the body, so it orders posts within those classes, not across them.
pub const FOCUS_BONUS: Score = 200.0;

/// What a title holding the whole query as typed adds, spaces where it has them and none where it
/// has none (a query of several clauses pasted from a headline; one clause that another title
/// holds only across a space): as much as a literal in the title earns over one in the body, so
/// that among the candidates it ranks above titles holding the clauses apart.
pub const TYPED_BONUS: Score = 500.0;

/// The power of a headline word's IDF that weighs it in the title focus.
const WEIGHT_POWER: i32 = 5;

/// The most headline words a stretch runs over: about the length of a headline's phrases.
const STRETCH_WORDS: usize = 3;

/// One headline word's part in the title focus.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FocusWord {
    /// The normalised word.
    pub word: String,
    /// Its weight: the fifth power of its IDF over the index's titles and bodies (how many hold it is
    /// read from the bigram index).
    pub weight: f32,
    /// Whether the query holds it.
    pub covered: bool,
}

/// The title focus of one post.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TitleFocus {
    /// The headline's words.
    pub words: Vec<FocusWord>,
    /// The query words' share of the headline's weight, 0 to 1.
    pub share: f32,
    /// The query's best run of adjacent headline words against the headline's best, by the sum
    /// of their IDFs, 0 to 1 (1: the query is the headline's most distinctive phrase).
    pub stretch: f32,
    /// Whether the stretch is the focus (a query of one clause) rather than the share (several).
    pub phrase: bool,
    /// The headline's share of the strings the query requires (those it holds), 0 to 1.
    pub coverage: f32,
    /// Whether the title holds the whole query as typed ([`TYPED_BONUS`]; only for a query of
    /// bare clauses, two or more or one of several words).
    pub typed: bool,
    /// What the focus adds to the post's score when it is among the first [`FOCUS_WINDOW`]
    /// candidates: [`FOCUS_BONUS`] × `stretch` (a query of one clause) or `share` (several) ×
    /// `coverage`, plus [`TYPED_BONUS`] when `typed` (decayed like the rest of the score in a
    /// search with a half-life).
    pub bonus: Score,
}

/// A headline word as the focus weighs it.
struct HeadlineWord {
    /// Where it stands in the normalised headline (`None` if it cannot be found there, which
    /// no word cut from it is).
    at: Option<Range<usize>>,
    /// Its IDF over the titles and bodies.
    idf: f64,
    /// Whether the query holds it.
    covered: bool,
}

/// The query's side of the title focus.
pub(crate) struct Focus<'a> {
    /// What the positive clauses that may match a title require or reward.
    strings: Vec<&'a str>,
    /// What they require (every alternative of an `OR`: a headline holding both sides covers
    /// more of the query than one holding one).
    required: Vec<String>,
    /// The whole query as typed, when it is bare clauses.
    typed: Option<&'a str>,
    /// Whether the query is one clause (a phrase, or a word) rather than several: its focus is
    /// the stretch, not the share.
    phrase: bool,
    /// How many texts hold a word ([`texts_holding`], remembered).
    held: &'a dyn Fn(&str) -> Option<u64>,
    /// The texts: a title and a body for each post.
    texts: f64,
}

/// How many texts (titles and bodies) hold `word`, as the bigram index tells: the fewest that
/// hold any one of its bigrams, which for a word of two characters is exactly the texts holding
/// it and for a longer one at most a few more; for a Latin/digit word, the texts holding it.
/// `None` for a lone character, which a headline's words never are (see
/// [`headline_words`](crate::analysis::headline_words)). A few term lookups instead of a
/// jieba pass over every body at index time to count its words, and the title focus ranks as
/// well on these counts (`cargo run --release --example eval`: MRR@10 within ±0.002 of the
/// vocabulary's counts on every sample measured, session 16).
pub(crate) fn texts_holding(searcher: &Searcher, fields: &Fields, word: &str) -> Option<u64> {
    let held = |field, term: &str| {
        searcher
            .doc_freq(&Term::from_field_text(field, term))
            .unwrap_or(0)
    };
    match units(word).as_slice() {
        [] => None,
        [one] => (one.kind == UnitKind::Word)
            .then(|| held(fields.title_uni, one.text) + held(fields.body_uni, one.text)),
        units => units
            .windows(2)
            .map(|pair| {
                let term = bigram(&pair[0], &pair[1]);
                held(fields.title_bi, &term) + held(fields.body_bi, &term)
            })
            .min(),
    }
}

impl<'a> Focus<'a> {
    pub fn new(plan: &'a Plan, held: &'a dyn Fn(&str) -> Option<u64>, posts: u64) -> Focus<'a> {
        let clauses = &plan.clauses;
        let strings = clauses
            .iter()
            .filter(|c| !c.excluded && c.scope != Scope::Body)
            .flat_map(|c| c.required.iter().chain(c.literal.iter()))
            .map(String::as_str)
            .collect();
        let required = clauses
            .iter()
            .filter(|c| !c.excluded && c.scope != Scope::Body)
            .flat_map(|c| c.required.iter().cloned())
            .collect();
        Focus {
            phrase: clauses.iter().filter(|c| !c.excluded).count() == 1,
            strings,
            required,
            typed: plan.typed.as_deref(),
            held,
            texts: 2.0 * posts as f64,
        }
    }

    /// Whether any clause holds `word`. (The strings are a few short ones: comparing at every
    /// offset is cheaper than setting up `str::contains`'s searcher for each word.)
    fn covers(&self, word: &str) -> bool {
        let word = word.as_bytes();
        self.strings
            .iter()
            .any(|s| s.as_bytes().windows(word.len()).any(|w| w == word))
    }

    /// `word`'s IDF over the titles and bodies (0 for a lone character).
    fn idf(&self, word: &str) -> f64 {
        let Some(df) = (self.held)(word) else {
            return 0.0;
        };
        ((self.texts + 1.0) / (df as f64 + 1.0)).ln().max(0.0)
    }

    /// The fifth power of `word`'s IDF: the higher the power, the more a headline's rarest words
    /// decide what it is about.
    fn weight(&self, word: &str) -> f64 {
        self.idf(word).powi(WEIGHT_POWER)
    }

    /// The headline `words` (space separated, as cut from `title`, normalised) as the focus
    /// weighs them.
    fn place(&self, words: &str, title: &str) -> Vec<HeadlineWord> {
        let title = headline(title);
        // The words are cut from the title in order: each is looked for after the last.
        let mut from = 0;
        words
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|word| {
                // Most words follow the last at once: no searcher for them.
                let rest = &title[from..];
                let found = if rest.starts_with(word) {
                    Some(0)
                } else {
                    rest.find(word)
                };
                let at = found.map(|at| {
                    let range = from + at..from + at + word.len();
                    from = range.end;
                    range
                });
                HeadlineWord {
                    at,
                    idf: self.idf(word),
                    covered: self.covers(word),
                }
            })
            .collect()
    }

    /// The query words' share of the headline's weight, each word weighing the fifth power of its
    /// IDF.
    fn share(words: &[HeadlineWord]) -> f32 {
        let (mut covered, mut all) = (0.0, 0.0);
        for word in words {
            let weight = word.idf.powi(WEIGHT_POWER);
            all += weight;
            if word.covered {
                covered += weight;
            }
        }
        if all > 0.0 {
            (covered / all) as f32
        } else {
            0.0
        }
    }

    /// The query's best stretch of the headline against the headline's best: of the runs of up
    /// to [`STRETCH_WORDS`] words that follow one another in the title, the greatest sum of IDFs
    /// of a run of query words over the greatest of any run.
    fn stretch(words: &[HeadlineWord]) -> f32 {
        let (mut best, mut best_of_query) = (0.0_f64, 0.0_f64);
        for first in 0..words.len() {
            let (mut sum, mut all_query) = (0.0, true);
            // Where the run's last word ends in the title.
            let mut end = None;
            for word in words[first..].iter().take(STRETCH_WORDS) {
                let Some(at) = &word.at else { break };
                if end.is_some_and(|end| end != at.start) {
                    break;
                }
                end = Some(at.end);
                sum += word.idf;
                all_query &= word.covered;
                best = best.max(sum);
                if all_query {
                    best_of_query = best_of_query.max(sum);
                }
            }
        }
        if best > 0.0 {
            (best_of_query / best) as f32
        } else {
            0.0
        }
    }

    /// The share of the query's required strings that `title` holds (matched as the index
    /// matches them): a headline that leaves out a word typed is less likely the story asked
    /// for, however much of it the words it holds make up.
    fn coverage(&self, title: &str) -> f32 {
        if self.required.is_empty() {
            return 1.0;
        }
        let found = find_needles(title, &self.required);
        let held = (0..self.required.len())
            .filter(|&i| found.iter().any(|m| m.holds(i)))
            .count();
        held as f32 / self.required.len() as f32
    }

    /// Whether `title` (normalised) holds the whole query as typed (white space as one space).
    fn holds_typed(&self, title: &str) -> bool {
        self.typed.is_some_and(|typed| {
            if typed.contains(' ') {
                let spaced: Vec<&str> = title.split_whitespace().collect();
                spaced.join(" ").contains(typed)
            } else {
                title.contains(typed)
            }
        })
    }

    /// What the focus adds to a post whose headline words are `words` and whose title is
    /// `title`: [`FOCUS_BONUS`] × the query's stretch of the headline (a query of one clause) or
    /// its words' share of it (several) × the headline's share of the query's strings, and
    /// [`TYPED_BONUS`] when the title holds the query as typed.
    fn bonus(&self, words: &str, title: &str) -> Score {
        let normalized = normalize(title);
        let typed = if self.holds_typed(&normalized) {
            TYPED_BONUS
        } else {
            0.0
        };
        let words = self.place(words, &normalized);
        let share = Focus::share(&words);
        if share == 0.0 {
            return typed;
        }
        let focus = if self.phrase {
            Focus::stretch(&words)
        } else {
            share
        };
        FOCUS_BONUS * focus * self.coverage(title) + typed
    }

    /// The focus of a post whose headline words are `words` and whose title is `title`, word by
    /// word.
    pub fn explain(&self, words: &str, title: &str) -> TitleFocus {
        let normalized = normalize(title);
        let placed = self.place(words, &normalized);
        let coverage = self.coverage(title);
        TitleFocus {
            words: words
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(|word| FocusWord {
                    word: word.to_owned(),
                    weight: self.weight(word) as f32,
                    covered: self.covers(word),
                })
                .collect(),
            share: Focus::share(&placed),
            stretch: Focus::stretch(&placed),
            phrase: self.phrase,
            coverage,
            typed: self.holds_typed(&normalized),
            bonus: self.bonus(words, title),
        }
    }

    /// Adds each of the first [`FOCUS_WINDOW`] candidates' focus bonus (and that of any tied
    /// with the last of them), scaled by `decay(address)`, and orders them again (equal scores
    /// keep their order). `headline(address)` reads a post's stored headline words and title.
    pub fn rerank(
        &self,
        ranked: &mut [(Score, DocAddress)],
        mut headline: impl FnMut(DocAddress) -> tantivy::Result<(String, String)>,
        decay: impl Fn(DocAddress) -> f32,
    ) -> tantivy::Result<()> {
        let mut window = ranked.len().min(FOCUS_WINDOW);
        // Candidates tied with the last of the window join it: which of equally scored posts
        // gain their focus must not depend on the order they were found in.
        while window > 0 && window < ranked.len() && ranked[window].0 == ranked[window - 1].0 {
            window += 1;
        }
        for (score, address) in &mut ranked[..window] {
            let (words, title) = headline(*address)?;
            *score += self.bonus(&words, &title) * decay(*address);
        }
        ranked[..window].sort_by(|a, b| b.0.total_cmp(&a.0));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NewsIndex, Post};

    fn post(title: &str, body: &str) -> Post {
        Post {
            title: title.into(),
            body: body.into(),
            ..Default::default()
        }
    }

    /// Titles and bodies are counted apart, a two-character word exactly, a longer one by its
    /// rarest bigram, a Latin word as a word; a lone character has no count.
    #[test]
    fn texts_holding_a_word_are_read_from_the_bigram_index() -> crate::Result<()> {
        let index = NewsIndex::create_in_ram()?;
        index.add_posts([
            ("a.md", post("数字经济", "数字化转型，AI 芯片。")),
            ("b.md", post("经济数据", "数据中心")),
            ("c.md", post("其他", "字数不多，said")),
        ])?;
        let searcher = index.reader.searcher();
        let held = |word: &str| texts_holding(&searcher, &index.fields, word);
        assert_eq!(held("数字"), Some(2), "a's title and body");
        assert_eq!(held("经济"), Some(2), "two titles");
        assert_eq!(
            held("数据中心"),
            Some(1),
            "数据 is in two texts, 据中 in one"
        );
        assert_eq!(
            held("数字经济"),
            Some(1),
            "字经 and 经济 apart would say 1 and 2"
        );
        assert_eq!(held("ai"), Some(1), "a word, not the `ai` inside `said`");
        assert_eq!(held("区块链"), Some(0));
        assert_eq!(held("字"), None);
        Ok(())
    }
}
