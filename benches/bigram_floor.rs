//! The floor under newssearch's indexing targets: plain tantivy indexing nothing but every
//! body's overlapping character bigrams with their positions, which is what finding every post
//! that contains a query needs (a phrase of bigrams). Posts are read as the reference program
//! reads them (the same files, in order, on the main thread, newssearch's parser, a 200 MB
//! writer on tantivy's default threads); only the tokens differ: a bigram at every character
//! instead of jieba's words, and no title, path or stored text.
//!
//! ```sh
//! cargo run --release --example bigram_floor -- INDEX_DIR FOLDER [--stored]
//! ```
//! `--stored` also stores the body (tantivy's default compression), as snippets need.

#[path = "reference.rs"]
mod reference;

use std::path::PathBuf;
use std::time::Instant;

use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{Index, doc};

/// Overlapping character bigrams of the characters that are not white space, each at the
/// position of its first character (the last character alone); no normalisation.
#[derive(Clone)]
struct Bigrams;

struct BigramStream {
    chars: Vec<(usize, char)>,
    next: usize,
    token: Token,
}

impl Tokenizer for Bigrams {
    type TokenStream<'a> = BigramStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BigramStream {
        BigramStream {
            chars: text
                .char_indices()
                .filter(|(_, c)| !c.is_whitespace())
                .collect(),
            next: 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for BigramStream {
    fn advance(&mut self) -> bool {
        let i = self.next;
        let Some(&(from, first)) = self.chars.get(i) else {
            return false;
        };
        self.next += 1;
        self.token.text.clear();
        self.token.text.push(first);
        self.token.offset_from = from;
        self.token.offset_to = match self.chars.get(i + 1) {
            Some(&(at, second)) => {
                self.token.text.push(second);
                at + second.len_utf8()
            }
            None => from + first.len_utf8(),
        };
        self.token.position = i;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, folder, stored) = match args.as_slice() {
        [dir, folder] => (PathBuf::from(dir), PathBuf::from(folder), false),
        [dir, folder, flag] if flag == "--stored" => (dir.into(), folder.into(), true),
        _ => return Err("usage: bigram_floor INDEX_DIR FOLDER [--stored]".into()),
    };
    let started = Instant::now();
    let mut options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("bigrams")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    if stored {
        options = options.set_stored();
    }
    let mut schema = Schema::builder();
    let body = schema.add_text_field("body", options);
    if dir.exists() {
        return Err(format!("{} exists: give a new folder", dir.display()).into());
    }
    std::fs::create_dir_all(&dir)?;
    let index = Index::create_in_dir(&dir, schema.build())?;
    index
        .tokenizers()
        .register("bigrams", TextAnalyzer::from(Bigrams));
    let mut writer = index.writer::<tantivy::TantivyDocument>(200_000_000)?;
    let mut posts = 0;
    for file in reference::files(&folder) {
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        let Ok(post) = newssearch::Post::from_bytes(&bytes) else {
            continue;
        };
        writer.add_document(doc!(body => post.body))?;
        posts += 1;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    eprintln!("{posts} posts in {:.2} s", started.elapsed().as_secs_f64());
    Ok(())
}
