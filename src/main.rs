//! The newssearch command line: parses arguments, runs the library, prints, picks the exit code.

mod cli;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use cli::{Cli, Command, IndexArgs, QueryArgs};
use newssearch::output::{JsonResults, write_report, write_results};
use newssearch::{Error, IndexOptions, NewsIndex};

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
    let index = if args.rebuild {
        NewsIndex::rebuild(&cli.index)?
    } else {
        match NewsIndex::open(&cli.index) {
            Err(Error::NoIndex { .. }) => NewsIndex::create(&cli.index)?,
            other => other?,
        }
    };
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
    if !args.quiet {
        let mut out = io::stdout().lock();
        write_report(&mut out, &report, index.num_posts())?;
    }
    Ok(if report.skipped.is_empty() {
        FOUND
    } else {
        NOTHING
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
    } else {
        write_results(&mut out, &request.query, request.offset, &results)?;
    }
    out.flush()?;
    Ok(if results.total > 0 { FOUND } else { NOTHING })
}
