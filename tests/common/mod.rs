//! Harness for driving the real `newssearch` binary: a temp dir per test, fixtures copied in,
//! JSON parsed back into typed structs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde::Deserialize;

/// The `--json` wire format, as a client would read it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Results {
    pub query: String,
    pub total: usize,
    pub took_ms: f64,
    pub offset: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// Only with a clause ending in `*`.
    #[serde(default)]
    pub prefixes: Vec<Prefix>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prefix {
    pub text: String,
    pub words: Vec<String>,
    pub left_out: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hit {
    pub path: String,
    pub title: String,
    pub title_highlights: Vec<[usize; 2]>,
    pub date: Option<String>,
    pub category: Option<String>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub url: Option<String>,
    pub source: Option<String>,
    pub score: f32,
    pub snippets: Vec<Snippet>,
    pub reprints: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<[usize; 2]>,
}

impl Snippet {
    /// The highlighted parts, as text.
    pub fn marked(&self) -> Vec<String> {
        let chars: Vec<char> = self.text.chars().collect();
        self.highlights
            .iter()
            .map(|[a, b]| chars[*a..*b].iter().collect())
            .collect()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facets {
    pub category: Vec<FacetCount>,
    pub tags: Vec<FacetCount>,
    pub year: Vec<FacetCount>,
    pub month: Vec<FacetCount>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// A scratch folder with its own index.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A folder `posts/` holding copies of the bundled fixtures.
    pub fn with_fixtures() -> TestEnv {
        let env = TestEnv::new();
        env.copy_fixtures("posts");
        env
    }

    /// Copies the bundled fixture posts into `relative`.
    pub fn copy_fixtures(&self, relative: &str) {
        let posts = self.path(relative);
        std::fs::create_dir_all(&posts).unwrap();
        for entry in std::fs::read_dir(fixtures().join("posts")).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), posts.join(entry.file_name())).unwrap();
        }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    /// Runs `newssearch ARGS` in the scratch folder (index in `.newssearch/` there).
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_newssearch"))
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("NEWSSEARCH_INDEX")
            .env("NO_COLOR", "1")
            .output()
            .expect("run newssearch")
    }

    /// Runs and asserts the exit code.
    pub fn run_ok(&self, args: &[&str], code: i32) -> Output {
        let output = self.run(args);
        assert_eq!(
            output.status.code(),
            Some(code),
            "newssearch {args:?}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Runs `newssearch index ARGS` (exit 0) and asserts that its summary says each of
    /// `summary` (`"0 added, 0 updated, 0 removed, 8 unchanged"`, `"8 posts in the index"`).
    pub fn index_says(&self, args: &[&str], summary: &[&str]) -> Output {
        let mut all = vec!["index"];
        all.extend_from_slice(args);
        let output = self.run_ok(&all, 0);
        let out = String::from_utf8_lossy(&output.stdout);
        for part in summary {
            assert!(out.contains(part), "newssearch {all:?}: {out}");
        }
        output
    }

    /// `newssearch query ARGS --json`, parsed.
    pub fn query(&self, args: &[&str]) -> Results {
        let mut all = vec!["query"];
        all.extend_from_slice(args);
        all.push("--json");
        let output = self.run(&all);
        assert!(
            matches!(output.status.code(), Some(0) | Some(1)),
            "{all:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{all:?}: {e}: {}", String::from_utf8_lossy(&output.stdout)))
    }

    /// File names of the hits of a query.
    pub fn names(&self, args: &[&str]) -> Vec<String> {
        self.query(args)
            .hits
            .iter()
            .map(|h| file_name(&h.path))
            .collect()
    }
}

pub fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The shared corpus, if it is there.
pub fn corpus() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/xwlb");
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!("SKIPPED: the shared corpus is not at {}", path.display());
        None
    }
}
