//! The command line as typed (clap), and its translation into library requests.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use newssearch::{PeriodEnd, SearchRequest, Sort, parse_period};

/// Chinese full-text search over folders of news posts.
///
/// Exit status: 0 when a query matched (or indexing read every file), 1 when nothing matched
/// (or some files were skipped), 2 on error.
#[derive(Debug, Parser)]
#[command(name = "newssearch", version)]
pub struct Cli {
    /// Where the index lives.
    #[arg(
        long,
        global = true,
        env = "NEWSSEARCH_INDEX",
        default_value = ".newssearch"
    )]
    pub index: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index (or bring up to date) a folder of posts.
    Index(IndexArgs),
    /// Search the index.
    Query(QueryArgs),
    /// Show how a query is understood and, given a post, why it matches and how it scores.
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The query (quote it if it has spaces).
    pub query: String,
    /// A post file that was indexed.
    pub path: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// The folder of posts.
    #[arg(default_value = ".")]
    pub folder: PathBuf,
    /// Start the index over instead of updating it.
    #[arg(long)]
    pub rebuild: bool,
    /// No progress bar and no summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// A user dictionary (jieba format: `word [freq] [tag]` a line) for names, slogans and
    /// domain words; kept beside the index and used by later runs. New words cut queries at
    /// once; `--rebuild` also re-cuts the titles indexed before.
    #[arg(long, value_name = "FILE")]
    pub user_dict: Option<PathBuf>,
    /// Commit after this many posts: an interrupted run keeps what it committed.
    #[arg(long, value_name = "POSTS", default_value_t = newssearch::DEFAULT_BATCH_SIZE as u64, value_parser = clap::value_parser!(u64).range(1..))]
    pub commit_every: u64,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The query: words (all must occur; AND may be written), "exact phrase" (or “…”), a OR b,
    /// -excluded (or NOT excluded), title:word, body:word (or 标题:word, 正文:word), iphone*
    /// (the Latin or digit words that begin so).
    #[arg(num_args = 0..)]
    pub query: Vec<String>,
    /// Exclusions typed as their own arguments (`-广告`), set aside before clap sees them.
    #[arg(skip)]
    pub excluded: Vec<String>,
    /// Hits to show.
    #[arg(long, short = 'n', default_value_t = 10, allow_negative_numbers = true)]
    pub limit: usize,
    /// Hits to skip.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub offset: usize,
    /// Only posts in this category (repeat for any of several).
    #[arg(long)]
    pub category: Vec<String>,
    /// Only posts with this tag (repeat for any of several).
    #[arg(long)]
    pub tag: Vec<String>,
    /// Only posts from this date on: 2024, 2024-03 or 2024-03-15 (or 2024年3月15日).
    #[arg(long)]
    pub from: Option<String>,
    /// Only posts up to and including this date: 2024, 2024-03 or 2024-03-15 (or 2024年3月15日).
    #[arg(long)]
    pub to: Option<String>,
    /// Result order.
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
    /// Favour recent posts: relevance halves for every this many days of age.
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true)]
    pub half_life: Option<f64>,
    /// Show every reprint of a story instead of collapsing them.
    #[arg(long)]
    pub all: bool,
    /// Print one JSON object (see README) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Print an HTML page (post text escaped, matches in `<mark>`) instead of text.
    #[arg(long, conflicts_with = "json")]
    pub html: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortArg {
    /// Best match first.
    Relevance,
    /// Newest first.
    Date,
}

/// A bad option value, with the option's name.
#[derive(Debug, thiserror::Error)]
#[error("{option} {value:?}: {reason}")]
pub struct OptionError {
    option: &'static str,
    value: String,
    reason: &'static str,
}

impl QueryArgs {
    /// The library request for these arguments.
    pub fn to_request(&self) -> Result<SearchRequest, OptionError> {
        let period = |option: &'static str, value: &Option<String>, end| match value {
            None => Ok(None),
            Some(text) => parse_period(text, end)
                .map(Some)
                .ok_or_else(|| OptionError {
                    option,
                    value: text.clone(),
                    reason: "is not a date; use 2024, 2024-03 or 2024-03-15",
                }),
        };
        Ok(SearchRequest {
            query: self
                .query
                .iter()
                .chain(&self.excluded)
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
            limit: self.limit,
            offset: self.offset,
            categories: self.category.clone(),
            tags: self.tag.clone(),
            from: period("--from", &self.from, PeriodEnd::Start)?,
            to: period("--to", &self.to, PeriodEnd::End)?,
            sort: match self.sort {
                SortArg::Relevance => Sort::Relevance,
                SortArg::Date => Sort::Date,
            },
            half_life_days: self.half_life,
            show_reprints: self.all,
            ..SearchRequest::default()
        })
    }
}

/// Parses the command line. Query arguments such as `-广告` or `-GDP` (a `-` before anything
/// but another `-` or the letter of a short option, `-n` or `-h`) cannot be options, so they
/// are taken out of clap's way and added back to the query as exclusions; except an option's
/// value (`--half-life -3` is refused for what it says, not taken for an exclusion).
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Cli {
    let takes_value = options_taking_values();
    let shorts = short_options();
    let mut kept: Vec<OsString> = Vec::new();
    let mut excluded = Vec::new();
    let mut in_query = false;
    let mut after_separator = false;
    for arg in args {
        let text = arg.to_string_lossy();
        let is_value = kept
            .last()
            .is_some_and(|last| takes_value.iter().any(|o| *o == last.to_string_lossy()));
        if in_query && !after_separator && !is_value && is_exclusion(&text, &shorts) {
            excluded.push(text.into_owned());
            continue;
        }
        in_query |= !kept.is_empty() && text == "query";
        after_separator |= in_query && text == "--";
        kept.push(arg);
    }
    let mut cli = Cli::parse_from(kept);
    if let Command::Query(args) = &mut cli.command {
        args.excluded = excluded;
    }
    cli
}

/// `--limit`, `-n`, `--half-life`, …: the options of `query` (and the global ones) that are
/// followed by a value.
fn options_taking_values() -> Vec<String> {
    let command = <Cli as clap::CommandFactory>::command();
    let query = command.find_subcommand("query").expect("a query command");
    query
        .get_arguments()
        .chain(command.get_arguments())
        .filter(|a| a.get_action().takes_values())
        .flat_map(|a| {
            let long = a.get_long().map(|l| format!("--{l}"));
            let short = a.get_short().map(|s| format!("-{s}"));
            long.into_iter().chain(short)
        })
        .collect()
}

/// The letters of `query`'s short options and the global ones (`n`, `h`, …).
fn short_options() -> Vec<char> {
    let command = <Cli as clap::CommandFactory>::command();
    let query = command.find_subcommand("query").expect("a query command");
    let mut shorts: Vec<char> = query
        .get_arguments()
        .chain(command.get_arguments())
        .filter_map(clap::Arg::get_short)
        .collect();
    shorts.extend(['h', 'V']);
    shorts
}

fn is_exclusion(arg: &str, shorts: &[char]) -> bool {
    let mut chars = arg.chars();
    chars.next() == Some('-')
        && chars
            .next()
            .is_some_and(|c| c != '-' && !shorts.contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query_of(args: &[&str]) -> String {
        let cli = parse(args.iter().map(OsString::from));
        match cli.command {
            Command::Query(q) => q.to_request().unwrap().query,
            _ => panic!("not a query"),
        }
    }

    #[test]
    fn exclusions_are_not_options() {
        assert_eq!(
            query_of(&["ns", "query", "数字化", "-数字经济", "-n", "3"]),
            "数字化 -数字经济"
        );
        assert_eq!(query_of(&["ns", "query", "-广告"]), "-广告");
        assert_eq!(query_of(&["ns", "query", "--", "-ai", "经济"]), "-ai 经济");
        // A Latin word too, unless it begins with a short option's letter.
        assert_eq!(
            query_of(&["ns", "query", "经济", "-GDP", "-iphone*", "-n", "3"]),
            "经济 -GDP -iphone*"
        );
        // An option's value is not an exclusion.
        let cli = parse(["ns", "query", "经济", "--half-life", "-3", "-广告"].map(OsString::from));
        let Command::Query(q) = cli.command else {
            panic!("not a query")
        };
        assert_eq!(q.half_life, Some(-3.0));
        assert_eq!(q.excluded, ["-广告"]);
    }
}
