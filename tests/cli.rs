//! The binary end to end: indexing, incremental updates, every query option, JSON, exit codes.

mod common;

use common::{TestEnv, file_name, stderr, stdout};

const SEED: &str = "000_400fb01442defe90.txt";
const SHUZI: &str = "2024-03-15-shuzi-jingji.html";
const REPRINT: &str = "2024-03-16-shuzi-jingji-zhuanzai.html";
const FANTI: &str = "2024-01-20-fanti.txt";
const GBK: &str = "2023-09-28-zhihui-nongye-gbk.txt";
const TAN: &str = "2023-11-08-tanzhonghe.txt";
const CAR: &str = "2024-06-02-xinnengyuan-chukou.md";
const C919: &str = "2024-02-10-c919.md";

fn indexed() -> TestEnv {
    let env = TestEnv::with_fixtures();
    let out = env.run_ok(&["index", "posts"], 0);
    assert!(stdout(&out).contains("8 added"), "{}", stdout(&out));
    env
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}

#[test]
fn finds_every_post_containing_the_query_in_any_script_or_encoding() {
    let env = indexed();
    let results = env.query(&["数字化", "--all"]);
    let names = sorted(results.hits.iter().map(|h| file_name(&h.path)).collect());
    assert_eq!(
        names,
        sorted(
            [SEED, FANTI, GBK, TAN, SHUZI, REPRINT]
                .map(String::from)
                .to_vec()
        )
    );
    assert_eq!(results.total, 6);
    // The traditional body is searched normalised (the index records that it must be), so its
    // 數字化 is highlighted.
    let fanti = results.hits.iter().find(|h| file_name(&h.path) == FANTI);
    let marked: Vec<String> = fanti
        .iter()
        .flat_map(|h| &h.snippets)
        .flat_map(|s| s.marked())
        .collect();
    assert!(marked.iter().any(|m| m == "數字化"), "{marked:?}");
    for hit in &results.hits {
        for snippet in &hit.snippets {
            for marked in snippet.marked() {
                assert!(marked == "数字化" || marked == "數字化", "{marked}");
            }
        }
    }
}

#[test]
fn highlights_land_on_the_original_characters() {
    let env = indexed();
    let hit = env
        .query(&["数字化转型"])
        .hits
        .into_iter()
        .find(|h| file_name(&h.path) == FANTI)
        .unwrap();
    let title: Vec<char> = hit.title.chars().collect();
    let [a, b] = hit.title_highlights[0];
    assert_eq!(title[a..b].iter().collect::<String>(), "數字化轉型");
}

/// Web pages leave invisible characters inside words (zero-width spaces, soft hyphens, byte-order
/// marks): they neither hide a post from a query typed without them nor make a pasted query
/// miss, and the highlight covers the word with them.
#[test]
fn invisible_characters_do_not_split_words() {
    let env = TestEnv::new();
    env.write(
        "posts/zwsp.html",
        "---\ntitle: 数\u{200b}字化转型\n---\n<p>推进碳\u{00ad}中和与数\u{200b}字\u{200c}化。</p>\n",
    );
    env.write(
        "posts/plain.md",
        "---\ntitle: 短讯\n---\n数字化与碳中和。\n",
    );
    env.run_ok(&["index", "posts"], 0);
    for query in [
        "数字化",
        "数\u{200b}字化",
        "\u{feff}碳中和",
        "数字化 \u{200b}",
    ] {
        let results = env.query(&[query]);
        let names = sorted(results.hits.iter().map(|h| file_name(&h.path)).collect());
        assert_eq!(names, ["plain.md", "zwsp.html"], "{query:?}");
    }
    let hit = env
        .query(&["数字化"])
        .hits
        .into_iter()
        .find(|h| file_name(&h.path) == "zwsp.html")
        .unwrap();
    let title: Vec<char> = hit.title.chars().collect();
    let [a, b] = hit.title_highlights[0];
    assert_eq!(title[a..b].iter().collect::<String>(), "数\u{200b}字化");
    let marked: Vec<String> = hit.snippets.iter().flat_map(|s| s.marked()).collect();
    assert_eq!(marked, ["数\u{200b}字\u{200c}化"]);
}

#[test]
fn brackets_and_sentence_marks_around_a_word_are_not_required() {
    let env = TestEnv::new();
    env.write(
        "posts/bracketed.md",
        "---\ntitle: 短讯\n---\n推进（数字化）转型，增长5%。\n",
    );
    env.write(
        "posts/plain.md",
        "---\ntitle: 短讯\n---\n增长5个百分点，推动数字化。\n",
    );
    env.write("posts/other.md", "---\ntitle: 短讯\n---\n数字经济\n");
    env.run_ok(&["index", "posts"], 0);
    // Pasted with its brackets, quotes or full stop, a word finds every post holding it, and the
    // post holding it as pasted comes first.
    for query in [
        "(数字化)",
        "（数字化）",
        "数字化。",
        "《数字化》",
        "「数字化",
    ] {
        let names = env.names(&[query]);
        assert_eq!(names.len(), 2, "{query}: {names:?}");
        assert!(names.contains(&"plain.md".to_owned()), "{query}: {names:?}");
    }
    assert_eq!(env.names(&["（数字化）"])[0], "bracketed.md");
    assert_eq!(env.names(&["数字化。"])[0], "plain.md");
    // Other symbols belong to what is searched for, and so does punctuation quoted or alone.
    assert_eq!(env.names(&["5%"]), ["bracketed.md"]);
    assert_eq!(env.names(&["\"(数字化)\""]), ["bracketed.md"]);
    assert_eq!(sorted(env.names(&["。"])), ["bracketed.md", "plain.md"]);
}

#[test]
fn full_width_and_whole_words() {
    let env = indexed();
    assert!(
        env.names(&["5G"]).contains(&FANTI.to_owned()),
        "５Ｇ in the traditional post"
    );
    assert_eq!(
        sorted(env.names(&["ai"])),
        sorted(vec![FANTI.into(), C919.into(), SEED.into()])
    );
    env.write(
        "posts/english.md",
        "---\ntitle: Quotes\n---\nHe said the plan was fine.\n",
    );
    env.run_ok(&["index", "posts"], 0);
    assert!(
        !env.names(&["AI"]).contains(&"english.md".to_owned()),
        "AI must not match said"
    );
    assert_eq!(env.names(&["said"]), ["english.md"]);
}

#[test]
fn front_matter_and_body_quirks() {
    let env = indexed();
    let car = env.query(&["新能源汽车", "出口"]);
    let hit = &car.hits[0];
    assert_eq!(file_name(&hit.path), CAR);
    assert_eq!(hit.categories, ["caijing", "qiche"]);
    assert_eq!(hit.tags, ["新能源汽车", "外贸"]);
    assert_eq!(hit.date.as_deref(), Some("2024-06-02T00:00:00+08:00"));
    assert_eq!(
        hit.url.as_deref(),
        Some("https://example.com/news/2024/06/02/xinnengyuan-chukou.html")
    );
    // Navigation footers are not text; text after a stray `---` is.
    assert_eq!(env.query(&["返回首页"]).total, 0);
    assert_eq!(env.names(&["零碳工厂"]), [TAN]);
    let shuzi = env.query(&["东数西算", "--all", "--sort", "date"]);
    assert_eq!(shuzi.hits[1].source.as_deref(), Some("新华财经"));
    assert_eq!(
        shuzi.hits[1].date.as_deref(),
        Some("2024-03-15T10:30:00+08:00")
    );
}

#[test]
fn json_hits_and_facets_over_all_matches() {
    let env = indexed();
    let results = env.query(&["数字化", "--limit", "1", "--all"]);
    assert_eq!(results.hits.len(), 1);
    assert_eq!(results.total, 6);
    assert_eq!(results.query, "数字化");
    let categories: u64 = results.facets.category.iter().map(|c| c.count).sum();
    assert_eq!(categories, 6, "facets count every match, not the page");
    let years: Vec<(&str, u64)> = results
        .facets
        .year
        .iter()
        .map(|c| (c.value.as_str(), c.count))
        .collect();
    assert_eq!(years, [("2022", 1), ("2023", 2), ("2024", 3)]);
    assert!(
        results
            .facets
            .month
            .iter()
            .any(|m| m.value == "2024-03" && m.count == 2)
    );
    assert!(results.took_ms >= 0.0);
}

#[test]
fn limit_offset_and_date_sort() {
    let env = indexed();
    let all = env.names(&["数字化", "--all", "--sort", "date"]);
    assert_eq!(
        all.first().map(String::as_str),
        Some(REPRINT),
        "newest first"
    );
    assert_eq!(all.last().map(String::as_str), Some(SEED), "oldest last");
    let page = env.names(&[
        "数字化",
        "--all",
        "--sort",
        "date",
        "--offset",
        "2",
        "--limit",
        "2",
    ]);
    assert_eq!(page, all[2..4]);
}

#[test]
fn filters() {
    let env = indexed();
    assert_eq!(env.names(&["数字化", "--category", "keji"]), [FANTI]);
    assert_eq!(env.names(&["数字化", "--tag", "乡村振兴"]), [GBK]);
    assert_eq!(
        sorted(env.names(&["数字化", "--category", "keji", "--category", "nongye"])),
        [GBK, FANTI]
    );
    assert_eq!(
        sorted(env.names(&["数字化", "--from", "2024-01", "--to", "2024-01-31"])),
        [FANTI]
    );
    assert_eq!(
        sorted(env.names(&["数字化", "--all", "--from", "2024"])),
        [FANTI, SHUZI, REPRINT]
    );
    assert_eq!(env.names(&["数字化", "--to", "2022"]), [SEED]);
}

/// A category or tag is found whatever its case, width, script or middle dot: the fixture
/// tagged `數字化` under `keji` is found by `数字化` and `KEJI`.
#[test]
fn filters_match_values_as_text_is_matched() {
    let env = indexed();
    assert_eq!(env.names(&["数字化", "--category", "KEJI"]), [FANTI]);
    assert_eq!(env.names(&["数字化", "--category", "ｋｅｊｉ"]), [FANTI]);
    assert_eq!(env.names(&["数字化", "--tag", "数字化"]), [FANTI]);
    assert_eq!(env.names(&["数字化", "--tag", "數字化"]), [FANTI]);
    assert!(
        env.names(&["数字化", "--tag", "数字"]).is_empty(),
        "whole values only"
    );
    let out = env.run_ok(&["query", "碳中和", "--category", "KEJI"], 1);
    assert!(stderr(&out).is_empty(), "a known value: {}", stderr(&out));

    let env = TestEnv::new();
    for (name, tag) in [
        ("a", "一线调研·新质生产力"),
        ("b", "一线调研•新质生产力"),
        ("c", "一线调研"),
        ("d", "一线调研·新质生产力, 一线调研・新质生产力"),
    ] {
        env.write(
            &format!("posts/{name}.md"),
            format!("---\ntitle: 短讯\ntags: [{tag}]\n---\n发展新质生产力。\n"),
        );
    }
    env.run_ok(&["index", "posts"], 0);
    for asked in [
        "一线调研·新质生产力",
        "一线调研•新质生产力",
        "一线调研・新质生产力",
    ] {
        assert_eq!(
            sorted(env.names(&["新质生产力", "--tag", asked])),
            ["a.md", "b.md", "d.md"],
            "{asked}"
        );
    }
    // Counted as the filters tell them apart: the variants of a value are one, under the
    // spelling most posts give, and a post holding two variants counts once.
    let tags = env.query(&["新质生产力"]).facets.tags;
    let counts: Vec<(&str, u64)> = tags.iter().map(|t| (t.value.as_str(), t.count)).collect();
    assert_eq!(counts, [("一线调研·新质生产力", 3), ("一线调研", 1)]);
}

#[test]
fn query_language() {
    let env = indexed();
    // Exact phrase vs words anywhere.
    assert_eq!(env.names(&["\"数字化农机\""]), [GBK]);
    assert_eq!(env.query(&["\"数字化平安\""]).total, 0);
    // OR, exclusion, title scope.
    assert_eq!(sorted(env.names(&["碳中和 OR 乡村振兴"])), [GBK, TAN]);
    assert_eq!(
        sorted(env.names(&["数字化", "-数字经济", "--all"])),
        [GBK, TAN]
    );
    assert_eq!(env.names(&["title:数字化"]).len(), 2);
    assert!(
        !env.names(&["title:数字化", "--all"])
            .contains(&SEED.to_owned())
    );
    // Traditional and simplified find each other, in both directions.
    assert_eq!(env.names(&["傳統製造業"]), [FANTI]);
    assert_eq!(env.names(&["乡村振興"]), [GBK]);
}

#[test]
fn literal_matches_rank_first() {
    let env = indexed();
    // Both words occur in several posts; only one has them side by side.
    let results = env.query(&["数字化能源"]);
    assert_eq!(file_name(&results.hits[0].path), TAN);
    assert!(results.hits[0].score > 1000.0);
}

#[test]
fn reprints_collapse_into_one_hit() {
    let env = indexed();
    let results = env.query(&["东数西算"]);
    assert_eq!(results.total, 2);
    assert_eq!(results.hits.len(), 1);
    assert_eq!(results.hits[0].reprints.len(), 1);
    assert_eq!(env.query(&["东数西算", "--all"]).hits.len(), 2);
}

#[test]
fn incremental_reindex_processes_only_changes() {
    let env = indexed();
    env.index_says(&["posts"], &["0 added, 0 updated, 0 removed, 8 unchanged"]);

    env.write(
        "posts/new.md",
        "---\ntitle: 新增稿件\n---\n冰雪经济持续升温。\n",
    );
    std::fs::remove_file(env.path(&format!("posts/{C919}"))).unwrap();
    let tan = env.path(&format!("posts/{TAN}"));
    let text = std::fs::read_to_string(&tan)
        .unwrap()
        .replace("零碳工厂", "绿色工厂");
    std::fs::write(&tan, text).unwrap();
    env.index_says(
        &["posts"],
        &[
            "1 added, 1 updated, 1 removed, 6 unchanged",
            "8 posts in the index",
        ],
    );
    assert_eq!(env.names(&["冰雪经济"]), ["new.md"]);
    assert_eq!(env.query(&["C919"]).total, 0);
    assert_eq!(env.query(&["\"零碳工厂\""]).total, 0);
    assert_eq!(env.names(&["绿色工厂"]), [TAN]);
    // Each post once.
    assert_eq!(env.query(&["碳中和", "--all"]).total, 1);

    let rebuilt = env.run_ok(&["index", "posts", "--rebuild"], 0);
    assert!(stdout(&rebuilt).contains("8 added"), "{}", stdout(&rebuilt));
}

#[test]
fn bad_files_are_reported_and_the_rest_indexed() {
    let env = TestEnv::with_fixtures();
    env.write("posts/broken.txt", "---\ntitle: [unclosed\n---\n正文\n");
    env.write("posts/notes.txt", "no front matter here");
    let out = env.run_ok(&["index", "posts"], 1);
    let err = stderr(&out);
    // Not a post: skipped. A front matter that is not YAML: read line by line, and said so.
    let line = |file: &str| err.lines().find(|l| l.contains(file)).unwrap_or_default();
    assert!(
        line("notes.txt").starts_with("newssearch: skipped")
            && line("notes.txt")
                .ends_with("notes.txt: no front matter (a post starts with a `---` line)"),
        "{err}"
    );
    assert!(
        !line("broken.txt").contains("skipped")
            && line("broken.txt").contains("broken.txt: front matter is not valid YAML"),
        "{err}"
    );
    assert!(
        stdout(&out).contains("9 added")
            && stdout(&out).contains("1 skipped, 1 with front matter problems"),
        "{}",
        stdout(&out)
    );
    assert_eq!(env.query(&["[unclosed"]).hits[0].title, "[unclosed");
}

#[test]
fn exit_codes_and_one_line_errors() {
    let env = indexed();
    env.run_ok(&["query", "数字化"], 0);
    env.run_ok(&["query", "不存在的词语组合"], 1);
    for (args, needle) in [
        (&["query", "\"高质量"][..], "unbalanced quote"),
        (&["query", "author:张三"][..], "unknown field"),
        (
            &["query", "数字化", "--from", "March"][..],
            "--from \"March\"",
        ),
        (
            &["query", "数字化", "--from", "2024-05", "--to", "2024-03"][..],
            "is after --to (the last day it includes is 2024-03-31)",
        ),
        (
            &["query", "数字化", "--index", "nowhere"][..],
            "newssearch index",
        ),
        (&["index", "missing-folder"][..], "missing-folder"),
        (
            &["query", "数字化", "--half-life", "-3"][..],
            "--half-life \"-3\": must be a positive number",
        ),
        (
            &["query", "数字化", "--sort", "date", "--half-life", "30"][..],
            "--sort date does not rank by",
        ),
    ] {
        let out = env.run_ok(args, 2);
        let err = stderr(&out);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    }
}

/// A post's key is its file's absolute path and its path is shown as the folder was given:
/// the same folder named another way is the same files, and indexing a second folder leaves
/// the first one's posts alone.
#[test]
fn one_folder_named_two_ways_is_one_folder() {
    let env = indexed();
    let absolute = env.path("posts");
    for folder in [absolute.to_str().unwrap(), "./posts/"] {
        env.index_says(&[folder], &["0 added, 0 updated, 0 removed, 8 unchanged"]);
    }
    env.write(
        "more/sub/x.md",
        "---\ntitle: 另一文件夹\n---\n冰雪经济持续升温。\n",
    );
    env.index_says(
        &["more"],
        &[
            "1 added, 0 updated, 0 removed, 0 unchanged",
            "9 posts in the index",
        ],
    );
    let results = env.query(&["冰雪经济"]);
    assert_eq!(
        results.hits[0].path,
        format!("more{0}sub{0}x.md", std::path::MAIN_SEPARATOR)
    );
    std::fs::remove_file(env.path("more/sub/x.md")).unwrap();
    env.index_says(
        &["more"],
        &[
            "0 added, 0 updated, 1 removed, 0 unchanged",
            "8 posts in the index",
        ],
    );
}

#[test]
fn index_location_from_option_and_environment() {
    let env = TestEnv::with_fixtures();
    env.run_ok(&["index", "posts", "--index", "elsewhere"], 0);
    assert!(env.path("elsewhere/newssearch.json").exists());
    assert!(!env.path(".newssearch").exists());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_newssearch"))
        .args(["query", "碳中和"])
        .current_dir(env.dir.path())
        .env("NEWSSEARCH_INDEX", "elsewhere")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn indexing_the_current_folder_skips_the_index_itself() {
    let env = TestEnv::with_fixtures();
    env.run_ok(&["index"], 0);
    env.index_says(&[], &["0 added, 0 updated, 0 removed, 8 unchanged"]);
}

#[test]
fn a_folder_without_files_is_pointed_out() {
    let env = TestEnv::with_fixtures();
    std::fs::create_dir_all(env.path("empty/.hidden")).unwrap();
    env.write("empty/.hidden/post.md", "---\ntitle: 隐藏\n---\n正文\n");
    let out = env.run_ok(&["index", "empty"], 0);
    assert!(
        stderr(&out).contains("no files in empty"),
        "{}",
        stderr(&out)
    );
    let out = env.run_ok(&["index", "posts"], 0);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn terminal_output_without_colour_when_piped() {
    let env = indexed();
    let out = stdout(&env.run_ok(&["query", "碳中和"], 0));
    assert!(out.starts_with("1 post matches \"碳中和\""), "{out}");
    assert!(out.contains("多地加快推进碳中和试点") && out.contains("2023-11-08 19:00"));
    assert!(
        !out.contains('\u{1b}'),
        "no escape codes when not a terminal"
    );
}

#[test]
fn colour_when_forced_and_never_with_no_color() {
    let env = indexed();
    let run = |no_color: bool| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_newssearch"));
        command
            .args(["query", "碳中和"])
            .current_dir(env.dir.path())
            .env_remove("NO_COLOR")
            .env("CLICOLOR_FORCE", "1");
        if no_color {
            command.env("NO_COLOR", "1");
        }
        String::from_utf8(command.output().unwrap().stdout).unwrap()
    };
    let coloured = run(false);
    assert!(
        coloured.contains("\u{1b}[") && coloured.contains("碳中和\u{1b}["),
        "{coloured:?}"
    );
    assert!(!run(true).contains('\u{1b}'));
}

/// `--limit 0` asks for counts and facets only: the total and the facets are printed, not
/// "no posts match"; a query nothing matches says so, without a count.
#[test]
fn limit_zero_prints_the_count_and_facets() {
    let env = indexed();
    let out = stdout(&env.run_ok(&["query", "数字化", "--limit", "0"], 0));
    assert!(out.starts_with("6 posts match \"数字化\" ("), "{out}");
    let out = stdout(&env.run_ok(&["query", "数字化", "--offset", "20"], 0));
    assert!(
        out.starts_with("6 posts match \"数字化\"; none shown from 21 on"),
        "{out}"
    );
    assert!(
        out.contains("categories: ") && out.contains("months: "),
        "{out}"
    );
    let out = stdout(&env.run_ok(&["query", "所有帖子都没有的词语串"], 1));
    assert!(out.starts_with("no posts match"), "{out}");
}

/// A filter value no post has (a typo) empties the result; the note says which value and lists
/// the categories, and names nothing when the values exist.
#[test]
fn unknown_category_or_tag_is_pointed_out() {
    let env = indexed();
    let out = env.run_ok(
        &["query", "数字化", "--category", "kej", "--tag", "无此标签"],
        1,
    );
    let err = stderr(&out);
    assert!(err.contains("no post is in category \"kej\""), "{err}");
    assert!(err.contains("caijing, huanjing, keji,"), "{err}");
    assert!(err.contains("no post has tag \"无此标签\""), "{err}");
    // Known values that match nothing together: no note.
    let out = env.run_ok(&["query", "碳中和", "--category", "keji"], 1);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn an_empty_result_says_which_string_no_post_holds() {
    let env = TestEnv::new();
    env.write(
        "posts/a.md",
        "---\ntitle: 短讯\ndate: 2024-03-01\n---\n推进碳中和与绿色发展。\n",
    );
    env.write(
        "posts/b.md",
        "---\ntitle: 短讯\ndate: 2024-03-02\n---\n制造业数字化转型。\n",
    );
    env.run_ok(&["index", "posts"], 0);
    let note = |args: &[&str]| {
        let mut all = vec!["query"];
        all.extend_from_slice(args);
        stderr(&env.run_ok(&all, 1))
    };
    assert_eq!(
        note(&["碳中和", "区块链"]),
        "note: no post contains \"区块链\"\n"
    );
    assert_eq!(
        note(&["碳中和", "title:绿色"]),
        "note: no title contains \"绿色\"\n"
    );
    // Cut into words, the one no post holds is named (区块链, with what the cut joined to it).
    let err = note(&["数字化转型区块链"]);
    assert!(
        err.starts_with("note: no post contains \"") && err.contains("区块链\"\n"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let err = note(&["碳中和", "数字化"]);
    assert!(
        err.contains("each string is in some post (碳中和 1, 数字化 1)"),
        "{err}"
    );
    let err = note(&["碳中和", "数字化", "--from", "2024-03-02"]);
    assert!(
        err.contains("no post within the filters contains \"碳中和\""),
        "{err}"
    );
    // A single string: the count already says it.
    assert!(note(&["区块链"]).is_empty());
}

/// `word*` finds the Latin and digit words that begin with `word`, which match as whole words
/// otherwise; after Han text the `*` is dropped, quoted it is a character.
#[test]
fn a_star_ends_a_word_to_find_the_words_beginning_with_it() {
    let env = indexed();
    let posts = [
        ("p15.md", "iPhone15 发布", "新款ＩＰｈｏｎｅ15今天发布。"),
        ("px.md", "手机市场", "iPhoneX 降价。"),
        ("plain.md", "苹果", "iPhone 销量。"),
        ("other.md", "智能手机", "smartphone 与 phone 不是它。"),
        ("mate.md", "华为", "华为Mate60 开售。"),
    ];
    for (name, title, body) in posts {
        env.write(
            &format!("posts/{name}"),
            format!("---\ntitle: {title}\n---\n{body}\n"),
        );
    }
    env.run_ok(&["index", "posts"], 0);
    let sorted = |mut names: Vec<String>| {
        names.sort();
        names
    };
    assert_eq!(
        env.names(&["iphone"]),
        ["plain.md"],
        "whole words without a *"
    );
    let results = env.query(&["iphone*"]);
    let names = sorted(results.hits.iter().map(|h| file_name(&h.path)).collect());
    assert_eq!(names, ["p15.md", "plain.md", "px.md"]);
    assert_eq!(results.prefixes.len(), 1);
    assert_eq!(
        sorted(results.prefixes[0].words.clone()),
        ["iphone", "iphone15", "iphonex"]
    );
    let hit = results
        .hits
        .iter()
        .find(|h| h.path.ends_with("p15.md"))
        .unwrap();
    let marked: Vec<String> = hit.snippets.iter().flat_map(|s| s.marked()).collect();
    assert_eq!(marked, ["ＩＰｈｏｎｅ15"], "the whole word is highlighted");
    assert_eq!(env.names(&["title:iphone*"]), ["p15.md"]);
    assert_eq!(env.names(&["华为mate*"]), ["mate.md"]);
    assert_eq!(
        sorted(env.names(&["手机 -iphone*"])),
        sorted(env.names(&["手机 -iphonex"]))
    );
    assert!(env.names(&["手机 -iphone*"]).iter().all(|n| n != "px.md"));
    // After Han text the * is dropped: 数字 already finds every word beginning with it.
    assert_eq!(env.names(&["数字*"]), env.names(&["数字"]));
    assert!(!env.names(&["数字"]).is_empty());
    // Quoted, it is a character; a prefix no word begins with is said so.
    let err = stderr(&env.run_ok(&["query", "\"iphone*\""], 1));
    assert!(err.contains("searched for as a character"), "{err}");
    let err = stderr(&env.run_ok(&["query", "xyzq*"], 1));
    assert!(err.contains("no indexed word begins as xyzq*"), "{err}");
    assert!(stderr(&env.run_ok(&["query", "iphone*", "--limit", "0"], 0)).is_empty());
}

/// `--html` prints one page: the hits with their matches in `<mark>`, the source URL as a link,
/// the facets; and the text of the posts escaped, so nothing in a post comes out as markup.
#[test]
fn html_page_marks_matches_and_escapes_post_text() {
    let env = indexed();
    let out = env.run_ok(&["query", "数字化", "--html", "--limit", "2"], 0);
    let page = stdout(&out);
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.trim_end().ends_with("</html>"), "{page}");
    assert!(
        page.contains("6 posts match \"数字化\"; showing 1–2"),
        "{page}"
    );
    // Traditional script is matched and marked as written.
    assert!(
        page.contains(
            "<a href=\"https://example.com/news/2024/01/20/fanti.html\"><mark>數字化</mark>轉型"
        ),
        "{page}"
    );
    assert_eq!(page.matches("<li>").count(), 2, "{page}");
    assert!(page.contains("<dt>categories</dt>"), "{page}");

    env.write(
        "posts/hostile.html",
        "---\ntitle: \"<script>alert(1)</script> 数字化 & 转型\"\n---\n\
         <p>正文 &lt;img src=x onerror=alert(2)&gt; 数字化</p>\n\n\
         <https://example.com/a?b=1&c=\"x\">\n",
    );
    env.run_ok(&["index", "posts"], 0);
    let page = stdout(&env.run_ok(&["query", "title:script", "--html"], 0));
    assert!(
        page.contains(
            "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; 数字化 &amp; 转型"
        ),
        "{page}"
    );
    assert!(
        page.contains("正文 &lt;img src=x onerror=alert(2)&gt; 数字化"),
        "{page}"
    );
    assert!(
        page.contains("href=\"https://example.com/a?b=1&amp;c=&quot;x&quot;\""),
        "{page}"
    );
    assert!(
        !page.contains("<script>") && !page.contains("<img"),
        "{page}"
    );

    let both = env.run_ok(&["query", "数字化", "--html", "--json"], 2);
    assert!(stderr(&both).contains("--json"), "{}", stderr(&both));
}

/// A post whose front matter had to be read around is indexed, not skipped: the run says what
/// was wrong on stderr and still exits 0; an unchanged file is not read, nor warned about, again.
#[test]
fn a_post_read_around_is_indexed_and_the_run_succeeds() {
    let env = indexed();
    env.write(
        "posts/colon.md",
        "---\ntitle: 快讯: 冰雪经济升温\ndate: 2024-13-01\n---\n冰雪经济持续升温。\n",
    );
    let output = env.index_says(
        &["posts"],
        &[
            "1 added",
            "0 skipped, 1 with front matter problems; 9 posts in the index",
        ],
    );
    let err = stderr(&output);
    let colon = format!("posts{}colon.md", std::path::MAIN_SEPARATOR);
    assert!(
        err.contains(&format!("{colon}: front matter is not valid YAML"))
            && err.contains(&format!("{colon}: date \"2024-13-01\" is not a date")),
        "{err}"
    );
    let hit = &env.query(&["冰雪经济"]).hits[0];
    assert_eq!(
        (hit.title.as_str(), hit.date.as_deref()),
        ("快讯: 冰雪经济升温", None)
    );
    let again = env.index_says(&["posts"], &["9 unchanged"]);
    assert_eq!(stderr(&again), "");
}
