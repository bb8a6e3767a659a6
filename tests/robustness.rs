//! Bad input, crashes and concurrent use: nothing is lost and nothing panics.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{TestEnv, fixtures, stderr, stdout};

/// Copies `fixtures/bad` and the good fixtures into `posts/`.
fn adversarial() -> TestEnv {
    let env = TestEnv::with_fixtures();
    for entry in std::fs::read_dir(fixtures().join("bad")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), env.path("posts").join(entry.file_name())).unwrap();
    }
    env
}

#[test]
fn every_bad_file_is_indexed_or_reported_and_good_files_are_indexed() {
    let env = adversarial();
    let out = env.run_ok(&["index", "posts"], 1);
    let err = stderr(&out);
    // Indexed correctly: found by their own text.
    for (file, query) in [
        ("gb18030.txt", "生僻字𠀀"),
        ("utf16le-bom.txt", "小端双字节编码"),
        ("utf8-bom.txt", "字节顺序标记"),
        ("crlf.txt", "回车换行"),
        ("invalid-utf8-middle.txt", "后半部分也能搜到"),
        ("unknown-keys.txt", "未知字段不影响索引"),
        ("missing-title.txt", "没有标题字段"),
        ("lists-numbers-empty.txt", "分类和标签是列表和数字"),
        ("empty-values.txt", "分类标签为空值"),
        ("script-style.html", "正文里有脚本标签"),
        ("unterminated-tags.html", "也能检索"),
        ("unquoted-title.txt", "冒号没有加引号的标题"),
        ("invalid-yaml.txt", "[未闭合"),
        ("bad-date.txt", "坏日期稿件"),
    ] {
        let names = env.names(&[&format!("\"{query}\"")]);
        assert_eq!(names, [file], "{file} should be found by {query}");
        assert!(!err.contains(&format!("skipped posts/{file}")), "{err}");
    }
    // Front matter details of the odd ones.
    let untitled = &env.query(&["没有标题字段"]).hits[0];
    assert_eq!(untitled.title, "missing-title");
    assert_eq!(untitled.tags, ["无标题"]);
    let lists = &env.query(&["分类和标签是列表和数字"]).hits[0];
    assert_eq!(
        (lists.title.as_str(), &lists.categories, &lists.tags),
        (
            "2024",
            &vec!["一类".to_owned(), "二类".to_owned()],
            &vec!["5".to_owned(), "标签".to_owned()]
        )
    );
    // Read around, and said so: a front matter that is not YAML line by line, a bad date left out.
    let colon = &env.query(&["冒号没有加引号的标题"]).hits[0];
    assert_eq!(colon.title, "专访: 把“数字化”做成“数智化”的下一步");
    assert_eq!(
        (
            colon.date.as_deref(),
            &colon.categories[..],
            &colon.tags[..]
        ),
        (
            Some("2024-05-08T10:00:00+08:00"),
            &["caijing".to_owned()][..],
            &["专访".to_owned(), "数字化".to_owned()][..]
        )
    );
    assert_eq!(env.query(&["坏日期稿件"]).hits[0].date, None);
    assert_eq!(
        env.query(&["脚本内容不应被索引"]).total,
        0,
        "script text is not indexed"
    );
    // Each named on stderr with what is wrong: read around (and indexed, as checked above), or
    // skipped.
    for (file, says, skipped) in [
        ("unquoted-title.txt", "not valid YAML", false),
        ("invalid-yaml.txt", "not valid YAML", false),
        ("bad-date.txt", "indexed without one", false),
        ("no-front-matter.txt", "no front matter", true),
        ("unclosed-front-matter.txt", "not closed", true),
        ("empty.txt", "no front matter", true),
        ("image.png", "binary file", true),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file} not reported: {err}"));
        assert!(
            line.contains(says) && line.contains("skipped") == skipped,
            "{line}"
        );
    }
    assert!(
        stdout(&out).contains("4 skipped, 3 with front matter problems"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("22 posts in the index"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn huge_deep_and_oddly_named_files() {
    let env = TestEnv::with_fixtures();
    let huge = format!(
        "---\ntitle: 巨大\n---\n{}",
        "数字化".repeat(50 * 1024 * 1024 / 9)
    );
    env.write("posts/huge.txt", huge);
    let deep = format!(
        "---\ntitle: 深层嵌套\n---\n{}深层文本{}",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    env.write("posts/deep.html", deep);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"bad-\xff-name.txt");
        std::fs::write(
            env.path("posts").join(name),
            "---\ntitle: 怪名字\n---\n文件名不是合法编码。\n",
        )
        .unwrap();
        std::os::unix::fs::symlink(env.path("posts"), env.path("posts/loop")).unwrap();
    }
    let started = Instant::now();
    let out = env.run_ok(&["index", "posts"], 1);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    let err = stderr(&out);
    assert!(
        err.lines()
            .any(|l| l.contains("huge.txt") && l.contains("limit")),
        "{err}"
    );
    assert_eq!(env.names(&["深层文本"]), ["deep.html"]);
    #[cfg(unix)]
    {
        assert!(
            err.lines()
                .any(|l| l.contains("loop") && l.contains("symlink loop")),
            "{err}"
        );
        let hit = &env.query(&["文件名不是合法编码"]).hits[0];
        assert!(
            hit.path.contains("bad-") && hit.path.ends_with("-name.txt"),
            "{}",
            hit.path
        );
    }
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::with_fixtures();
    env.write(
        "posts/secret.txt",
        "---\ntitle: 权限\n---\n读不到的稿件。\n",
    );
    let path = env.path("posts/secret.txt");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        // Root reads anything: permissions cannot make a file unreadable here.
        eprintln!("SKIPPED: running with privileges that ignore file permissions");
        std::os::unix::fs::symlink(
            env.path("posts/missing-target"),
            env.path("posts/dangling.txt"),
        )
        .unwrap();
        let out = env.run_ok(&["index", "posts"], 1);
        assert!(stderr(&out).contains("dangling.txt"), "{}", stderr(&out));
        return;
    }
    let out = env.run_ok(&["index", "posts"], 1);
    let err = stderr(&out);
    assert!(
        err.contains("secret.txt") && err.contains("ermission"),
        "{err}"
    );
    assert!(stdout(&out).contains("8 added"));
}

#[test]
fn hostile_queries_get_an_answer_not_a_panic() {
    let env = TestEnv::with_fixtures();
    env.run_ok(&["index", "posts"], 0);
    let long = "数".repeat(10_000);
    for args in [
        &["query", "\"未闭合"][..],
        &["query", "-"][..],
        &["query", "title:"][..],
        &["query", "foo:bar"][..],
        &["query", &long][..],
        &["query", "\u{1b}[31m\u{7}"][..],
        &["query", "数字化", "--limit", "18446744073709551615"][..],
        &["query", "数字化", "--offset", "18446744073709551615"][..],
        &["query", "数字化", "--from", "2025", "--to", "2020"][..],
        &["query", "。，！"][..],
        &["query", ""][..],
    ] {
        let out = env.run(args);
        let code = out.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "{args:?}: {code:?} {}",
            stderr(&out)
        );
        if code == Some(2) {
            assert_eq!(
                stderr(&out).trim_end().lines().count(),
                1,
                "{args:?}: {}",
                stderr(&out)
            );
        }
    }
    env.run_ok(&["query", "数字化", "--limit", "18446744073709551615"], 0);
}

#[test]
fn post_text_cannot_control_the_terminal() {
    let env = TestEnv::new();
    env.write(
        "posts/evil.html",
        "---\ntitle: \"恶意\\e[2J标题\"\n---\n<p>正文&#27;[31m变红\u{7}响铃&#x202e;反向</p>\n",
    );
    env.run_ok(&["index", "posts"], 0);
    let out = stdout(&env.run_ok(&["query", "正文"], 0));
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{202e}'),
        "{out:?}"
    );
}

/// Writes `n` distinct posts, every one containing 共同词.
fn many_posts(env: &TestEnv, n: usize) {
    let topics = [
        "数字经济",
        "乡村振兴",
        "科技创新",
        "绿色发展",
        "对外开放",
        "民生保障",
    ];
    for i in 0..n {
        let topic = topics[i % topics.len()];
        let body: String = (0..20)
            .map(|j| {
                format!(
                    "<p>第{i}篇稿件的第{j}段，围绕{topic}展开，共同词出现在这里，编号{}。</p>",
                    i * 31 + j
                )
            })
            .collect();
        env.write(
            &format!("big/{:05}.txt", i),
            format!("---\ntitle: 稿件{i} {topic}\ndate: 2024-01-01\n---\n{body}\n"),
        );
    }
}

fn spawn_index(env: &TestEnv, extra: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_newssearch"))
        .args(["index", "big", "--quiet"])
        .args(extra)
        .current_dir(env.dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn sigkill_at_random_moments_loses_nothing() {
    let env = TestEnv::new();
    let n = 3000;
    many_posts(&env, n);
    // A small deterministic generator: the moments differ from run to run of the loop.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..6 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut child = spawn_index(&env, &["--commit-every", "300"]);
        std::thread::sleep(Duration::from_millis(50 + seed % 1200));
        let _ = child.kill();
        let _ = child.wait();
        eprintln!("round {round}: killed");
    }
    let out = env.run_ok(&["index", "big"], 0);
    assert!(
        stdout(&out).contains(&format!("{n} posts in the index")),
        "{}",
        stdout(&out)
    );
    let unchanged = format!("0 added, 0 updated, 0 removed, {n} unchanged");
    env.index_says(&["big"], &[&unchanged]);
    assert_eq!(env.query(&["共同词", "--all", "--limit", "1"]).total, n);
    // The words of every committed post were counted into the vocabulary before its commit,
    // whatever moment the kills came at (each body holds 稿件, as does each title).
    let index = newssearch::NewsIndex::open(&env.dir.path().join(".newssearch")).unwrap();
    let counted = index.vocabulary().doc_freq("稿件");
    assert!(counted >= n as u64, "{counted}");
}

#[test]
fn concurrent_queries_see_the_last_commit_and_a_second_writer_is_refused() {
    let env = TestEnv::new();
    let n = 3000;
    many_posts(&env, n);
    env.write("seed/a.txt", "---\ntitle: 种子\n---\n共同词\n");
    env.run_ok(&["index", "seed"], 0);
    let mut child = spawn_index(&env, &["--commit-every", "500"]);
    let mut locked = false;
    let mut seen = Vec::new();
    while child.try_wait().unwrap().is_none() {
        let total = env.query(&["共同词", "--all", "--limit", "1"]).total;
        // Every commit holds whole batches of 500 posts, plus the seed post.
        assert_eq!(
            (total - 1) % 500,
            0,
            "query saw a half-committed batch: {total}"
        );
        seen.push(total);
        // Once the first batch is committed the child holds the writer lock until it exits.
        if !locked && total > 1 && total < n + 1 {
            let second = env.run(&["index", "big"]);
            if second.status.code() == Some(2) {
                assert!(
                    stderr(&second).contains("locked by another process"),
                    "{}",
                    stderr(&second)
                );
                locked = true;
            }
        }
    }
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        locked || seen.len() < 3,
        "a second writer was never refused while indexing"
    );
    assert_eq!(env.query(&["共同词", "--all", "--limit", "1"]).total, n + 1);
}

#[test]
fn a_damaged_index_says_rebuild_and_rebuild_recovers() {
    let env = TestEnv::with_fixtures();
    env.run_ok(&["index", "posts"], 0);
    let index = env.path(".newssearch");
    let victim = std::fs::read_dir(&index)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "term"))
        .unwrap();
    truncate(&victim);
    let out = env.run_ok(&["query", "数字化"], 2);
    assert!(stderr(&out).contains("--rebuild"), "{}", stderr(&out));
    std::fs::write(index.join("meta.json"), "garbage").unwrap();
    let out = env.run_ok(&["query", "数字化"], 2);
    assert!(stderr(&out).contains("--rebuild"), "{}", stderr(&out));
    let out = env.run_ok(&["index", "posts", "--rebuild"], 0);
    assert!(stdout(&out).contains("8 added"), "{}", stdout(&out));
    env.run_ok(&["query", "数字化"], 0);
}

fn truncate(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    std::fs::write(path, &bytes[..bytes.len() / 2]).unwrap();
}

#[test]
fn a_folder_that_is_not_an_index_is_never_overwritten() {
    let env = TestEnv::with_fixtures();
    env.write("precious/notes.txt", "keep me");
    let out = env.run_ok(&["index", "posts", "--index", "precious"], 2);
    assert!(
        stderr(&out).contains("not a newssearch index"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(env.path("precious/notes.txt")).unwrap(),
        "keep me"
    );
}
