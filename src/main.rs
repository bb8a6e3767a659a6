//! The newssearch command line: parses arguments, runs the library, prints, picks the exit code.

mod cli;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use cli::{Cli, Command, ExplainArgs, IndexArgs, QueryArgs};
use newssearch::analysis::Segmenter;
use newssearch::output::{JsonResults, write_explanation, write_html, write_report, write_results};
use newssearch::{
    Dictionary, Error, Holding, IndexOptions, NewsIndex, Prefix, Scope, SearchRequest,
    SearchResults, USER_DICT_FILE,
};

/// mimalloc instead of the system allocator: parsing and indexing make many small allocations
/// on several threads, where it is faster and keeps less freed memory around. Built without
/// transparent huge pages (the crate's `no_thp` feature): zeroing 2 MB pages cost indexing more
/// system time than the fewer page faults saved (10× corpus: 14.1–14.5 s and 373–380 MB peak
/// instead of 15.8–16.8 s and 407–409 MB).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit codes: documented in `--help` and the README.
const FOUND: u8 = 0;
const NOTHING: u8 = 1;
const FAILED: u8 = 2;

fn main() -> ExitCode {
    let cli = cli::parse(std::env::args_os());
    // A panic (a bug, or a damaged index file tantivy trips over) still ends in one clear line.
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(|| match &cli.command {
        Command::Index(args) => index(&cli, args),
        Command::Query(args) => query(&cli, args),
        Command::Explain(args) => explain(&cli, args),
    })
    .unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("unknown panic");
        Err(anyhow::anyhow!(
            "internal error ({message}); if the index is damaged, rebuild it with `newssearch index --rebuild FOLDER`"
        ))
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) if is_broken_pipe(&error) => ExitCode::from(FOUND),
        Err(error) => {
            eprintln!("newssearch: {error}");
            ExitCode::from(FAILED)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

fn index(cli: &Cli, args: &IndexArgs) -> anyhow::Result<u8> {
    let kept = cli.index.join(USER_DICT_FILE);
    let dictionary = match &args.user_dict {
        Some(path) => Some(Dictionary::read(path)?),
        None if kept.exists() => Some(Dictionary::read(&kept)?),
        None => None,
    };
    let segmenter = dictionary
        .as_ref()
        .map_or_else(Segmenter::shared, Dictionary::segmenter);
    let fingerprint = dictionary.as_ref().map(|d| d.fingerprint.clone());
    let index = if args.rebuild {
        NewsIndex::rebuild_with(&cli.index, segmenter)?
    } else {
        match NewsIndex::open_with(&cli.index, segmenter.clone()) {
            Err(Error::NoIndex { .. }) => NewsIndex::create_with(&cli.index, segmenter)?,
            other => other?,
        }
    };
    if let (Some(dictionary), Some(_)) = (&dictionary, &args.user_dict) {
        std::fs::write(&kept, &dictionary.text)
            .with_context(|| format!("writing {}", kept.display()))?;
    }
    let bar = progress_bar(args.quiet);
    let options = IndexOptions {
        batch_size: args.commit_every as usize,
    };
    let report = index.index_folder(&args.folder, &options, &mut |p| {
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
    })?;
    bar.finish_and_clear();
    for skipped in &report.skipped {
        eprintln!(
            "newssearch: skipped {}: {}",
            skipped.path.display(),
            skipped.reason
        );
    }
    for warned in &report.warnings {
        eprintln!("newssearch: {}: {}", warned.path.display(), warned.reason);
    }
    if !args.quiet {
        let mut out = io::stdout().lock();
        write_report(&mut out, &report, index.num_posts())?;
    }
    let found = report.added + report.updated + report.unchanged + report.skipped.len();
    if found == 0 {
        eprintln!(
            "newssearch: note: no files in {} (hidden files and folders are passed over)",
            args.folder.display()
        );
    }
    if index.meta().dictionary != fingerprint && index.num_posts() > 0 {
        eprintln!(
            "newssearch: note: the titles of posts indexed earlier were cut with another user dictionary \
             (queries use this one's words already); `newssearch index --rebuild` re-ranks them with it \
             (which posts match does not change)"
        );
    }
    Ok(if report.skipped.is_empty() {
        FOUND
    } else {
        NOTHING
    })
}

fn explain(cli: &Cli, args: &ExplainArgs) -> anyhow::Result<u8> {
    let index = NewsIndex::open(&cli.index)?;
    let explanation = index.explain(&SearchRequest::new(&args.query), args.path.as_deref())?;
    let mut out = anstream::stdout().lock();
    if args.json {
        let text = serde_json::to_string(&explanation).context("serialising the explanation")?;
        writeln!(out, "{text}")?;
    } else {
        write_explanation(&mut out, &explanation)?;
    }
    out.flush()?;
    Ok(match &explanation.post {
        Some(post) if !post.matched => NOTHING,
        _ => FOUND,
    })
}

fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let style = ProgressStyle::with_template("{bar:40} {pos}/{len} posts ({per_sec}, {eta} left)")
        .expect("valid template");
    ProgressBar::new(0).with_style(style)
}

fn query(cli: &Cli, args: &QueryArgs) -> anyhow::Result<u8> {
    let request = args.to_request()?;
    let index = NewsIndex::open(&cli.index)?;
    let results = index.search(&request)?;
    let mut out = anstream::stdout().lock();
    if args.json {
        let json = JsonResults::new(&request.query, request.offset, &results);
        let text = serde_json::to_string(&json).context("serialising results")?;
        writeln!(out, "{text}")?;
    } else if args.html {
        write_html(&mut out, &request.query, request.offset, &results)?;
    } else {
        write_results(&mut out, &request.query, request.offset, &results)?;
    }
    out.flush()?;
    prefix_notes(&results)?;
    if results.total == 0 {
        unknown_filters(&index, &request)?;
        wildcard_note(&request.query, &results.prefixes)?;
        missing_note(&index, &request)?;
    }
    Ok(if results.total > 0 { FOUND } else { NOTHING })
}

/// When nothing matched, says which `--category` and `--tag` values no post has (a typo gives
/// an empty result, not an error), and lists the categories.
fn unknown_filters(index: &NewsIndex, request: &SearchRequest) -> anyhow::Result<()> {
    let mut err = anstream::stderr().lock();
    let unknown = index.unknown_facet_values(false, &request.categories)?;
    if !unknown.is_empty() {
        writeln!(
            err,
            "note: no post is in category {}; the categories are {}",
            quoted(&unknown),
            index.categories()?.join(", ")
        )?;
    }
    let unknown = index.unknown_facet_values(true, &request.tags)?;
    if !unknown.is_empty() {
        writeln!(err, "note: no post has tag {}", quoted(&unknown))?;
    }
    Ok(())
}

/// When nothing matched a query of several strings, says which of them no post holds, or, when
/// each is held by some post, how many hold each.
fn missing_note(index: &NewsIndex, request: &SearchRequest) -> anyhow::Result<()> {
    let holding = index.holding_each(request)?;
    if holding.len() < 2 {
        return Ok(());
    }
    let filtered = !request.categories.is_empty()
        || !request.tags.is_empty()
        || request.from.is_some()
        || request.to.is_some();
    let within = if filtered { " within the filters" } else { "" };
    let mut err = anstream::stderr().lock();
    let absent: Vec<&Holding> = holding.iter().filter(|h| h.posts == 0).collect();
    for h in &absent {
        let place = match h.scope {
            Scope::All => "post",
            Scope::Title => "title",
            Scope::Body => "body",
        };
        writeln!(err, "note: no {place}{within} contains {:?}", h.text)?;
    }
    if absent.is_empty() {
        let counts: Vec<String> = holding
            .iter()
            .map(|h| format!("{} {}", h.text, h.posts))
            .collect();
        writeln!(
            err,
            "note: each string is in some post{within} ({}), but no post holds all that the \
             query asks for",
            counts.join(", ")
        )?;
    }
    Ok(())
}

/// Says when a clause ending in `*` stood for more words than were searched, so that the
/// result may lack posts holding the others.
fn prefix_notes(results: &SearchResults) -> anyhow::Result<()> {
    for prefix in results.prefixes.iter().filter(|p| p.left_out > 0) {
        writeln!(
            anstream::stderr().lock(),
            "note: {} stands for {} words; the {} that most posts hold were searched",
            prefix.text,
            prefix.words.len() + prefix.left_out,
            prefix.words.len()
        )?;
    }
    Ok(())
}

/// When nothing matched a query with a `*`, says what a `*` does: it ends a Latin or digit
/// word to find the words beginning with it; anywhere else it is a character.
fn wildcard_note(query: &str, prefixes: &[Prefix]) -> anyhow::Result<()> {
    let mut err = anstream::stderr().lock();
    for prefix in prefixes.iter().filter(|p| p.words.is_empty()) {
        writeln!(err, "note: no indexed word begins as {} does", prefix.text)?;
    }
    if prefixes.is_empty() && query.contains(['*', '＊']) {
        writeln!(
            err,
            "note: * finds the words that begin with the Latin or digit word it ends (iphone* \
             finds iPhone15); anywhere else it is searched for as a character. Chinese needs \
             none (数字 finds 数字化)"
        )?;
    }
    Ok(())
}

fn quoted(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    quoted.join(" or ")
}
