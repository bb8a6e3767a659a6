//! Ranking for news, `explain`, and user dictionaries.

mod common;

use common::{TestEnv, stderr, stdout};
use newssearch::FOCUS_BONUS;

fn indexed() -> TestEnv {
    let env = TestEnv::with_fixtures();
    env.run_ok(&["index", "posts"], 0);
    env
}

#[test]
fn explain_shows_normalisation_segmentation_and_score() {
    let env = indexed();
    let out = stdout(&env.run_ok(&["explain", "數字化轉型 -广告"], 0));
    assert!(out.contains("normalised  数字化转型"), "{out}");
    assert!(out.contains("excludes    广告"), "{out}");
    let (a, b) = (env.query(&["数字化"]).total, env.query(&["转型"]).total);
    assert!(
        out.contains(&format!(
            "held by     数字化 in {a} posts · 转型 in {b} posts"
        )),
        "{out}"
    );
    let post = "posts/2024-01-20-fanti.txt";
    let out = stdout(&env.run_ok(&["explain", "数字化转型", post], 0));
    assert!(out.contains("1 in the title"), "{out}");
    assert!(out.contains("matches, score"), "{out}");
    let out = env.run_ok(&["explain", "碳中和", post], 1);
    assert!(stdout(&out).contains("does not match"), "{}", stdout(&out));
    // Punctuation alone is searched for, as it is: the seed post quotes a title in 《…》.
    let out = stdout(&env.run_ok(&["explain", "《", "posts/000_400fb01442defe90.txt"], 0));
    assert!(out.contains("(none: punctuation only"), "{out}");
    assert!(
        out.contains("\"《\" requires \"《\": 0 in the title, 1 in the body"),
        "{out}"
    );
    let out = env.run_ok(&["explain", "碳中和", "posts/nope.txt"], 2);
    assert!(
        stderr(&out).contains("is not in the index"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn explain_json_agrees_with_the_search_score() {
    let env = indexed();
    let hit = env.query(&["数字化 转型"]).hits.into_iter().next().unwrap();
    let out = env.run_ok(&["explain", "数字化 转型", &hit.path, "--json"], 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["post"]["matched"], true);
    // The first hit is in the title focus's window: its bonus is part of its score.
    let score =
        json["post"]["score"].as_f64().unwrap() + json["post"]["focus"]["bonus"].as_f64().unwrap();
    assert!(
        (score - f64::from(hit.score)).abs() < 1e-3,
        "{score} vs {}",
        hit.score
    );
    assert_eq!(json["clauses"].as_array().unwrap().len(), 2);
    // Each required string's count is what a search for it alone finds.
    let holding = json["holding"].as_array().unwrap();
    assert_eq!(holding.len(), 2);
    for held in holding {
        let text = held["text"].as_str().unwrap();
        let alone = env.query(&[text]).total;
        assert!(alone > 0, "{text}");
        assert_eq!(held["posts"].as_u64().unwrap(), alone as u64, "{text}");
    }
}

#[test]
fn date_sort_and_freshness_blend() {
    let env = TestEnv::new();
    for (name, date, body) in [
        ("old.md", "2020-01-01", "数字化 数字化 数字化 数字化"),
        ("new.md", "2024-06-01", "数字化"),
    ] {
        env.write(
            &format!("posts/{name}"),
            format!("---\ntitle: 稿件\ndate: {date}\n---\n{body}\n"),
        );
    }
    env.run_ok(&["index", "posts"], 0);
    assert_eq!(
        env.names(&["数字化"]),
        ["old.md", "new.md"],
        "relevance: more mentions first"
    );
    assert_eq!(
        env.names(&["数字化", "--sort", "date"]),
        ["new.md", "old.md"]
    );
    assert_eq!(
        env.names(&["数字化", "--half-life", "30"]),
        ["new.md", "old.md"],
        "freshness wins"
    );
    assert_eq!(
        env.names(&["数字化", "--half-life", "100000"]),
        ["old.md", "new.md"],
        "slow decay keeps relevance"
    );
    env.run_ok(&["query", "数字化", "--half-life", "0"], 2);
}

/// Posts of equal score come newest first (undated ones last), whatever order they were
/// indexed in: the same daily headline is listed from the latest issue back.
#[test]
fn equal_scores_come_newest_first() {
    let env = TestEnv::new();
    for (name, date) in [
        ("a.md", Some("2021-05-01")),
        ("b.md", None),
        ("c.md", Some("2022-05-01")),
        ("d.md", Some("2024-05-01")),
        ("e.md", Some("2023-05-01")),
    ] {
        let date = date.map(|d| format!("date: {d}\n")).unwrap_or_default();
        env.write(
            &format!("posts/{name}"),
            format!("---\ntitle: 国内联播快讯\n{date}---\n国内联播快讯。\n"),
        );
    }
    env.run_ok(&["index", "posts"], 0);
    let results = env.query(&["联播快讯"]);
    let scores: Vec<f32> = results.hits.iter().map(|h| h.score).collect();
    assert!(scores.windows(2).all(|w| w[0] == w[1]), "{scores:?}");
    let names: Vec<String> = results
        .hits
        .iter()
        .map(|h| common::file_name(&h.path))
        .collect();
    assert_eq!(names, ["d.md", "e.md", "c.md", "a.md", "b.md"]);
}

#[test]
fn title_and_literal_matches_rank_above_scattered_body_matches() {
    let env = TestEnv::new();
    env.write(
        "posts/scattered.md",
        "---\ntitle: 其他\n---\n新能源汽车的发展很快，汽车出口也在增长。\n",
    );
    env.write(
        "posts/literal.md",
        "---\ntitle: 其他\n---\n今年新能源汽车出口增长。\n",
    );
    env.write(
        "posts/title.md",
        "---\ntitle: 新能源汽车出口创新高\n---\n相关报道。\n",
    );
    env.run_ok(&["index", "posts"], 0);
    assert_eq!(
        env.names(&["新能源汽车出口"]),
        ["title.md", "literal.md", "scattered.md"]
    );
}

#[test]
fn the_headline_that_is_the_query_ranks_above_longer_headlines() {
    let env = TestEnv::new();
    env.write(
        "posts/exact.md",
        "---\ntitle: 天南地北迎新年\n---\n各地举办活动。\n",
    );
    env.write(
        "posts/longer.md",
        "---\ntitle: 天南地北迎新年 喜庆欢乐庆元旦 各地活动丰富多彩\n---\n各地举办活动，天南地北迎新年。\n",
    );
    env.write(
        "posts/body.md",
        "---\ntitle: 新年活动\n---\n天南地北迎新年，天南地北迎新年。\n",
    );
    env.run_ok(&["index", "posts"], 0);
    assert_eq!(
        env.names(&["天南地北迎新年"]),
        ["exact.md", "longer.md", "body.md"]
    );
    assert_eq!(
        env.names(&["天南地北 新年"]),
        ["exact.md", "longer.md", "body.md"]
    );
    let out = stdout(&env.run_ok(&["explain", "天南地北 新年", "posts/exact.md"], 0));
    assert!(out.contains("title cover"), "{out}");
    // One string asked for: the bonus is earned where the title is searched for it, once.
    assert_eq!(env.names(&["迎新年"]), ["exact.md", "longer.md", "body.md"]);
    for post in ["exact.md", "longer.md"] {
        let out = stdout(&env.run_ok(&["explain", "迎新年", &format!("posts/{post}")], 0));
        assert_eq!(out.matches("title cover").count(), 1, "{out}");
    }
    let out = stdout(&env.run_ok(&["explain", "迎新年", "posts/body.md"], 0));
    assert!(!out.contains("title cover"), "{out}");
    let hit = env.query(&["迎新年"]).hits.into_iter().next().unwrap();
    let out = env.run_ok(&["explain", "迎新年", &hit.path, "--json"], 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let score =
        json["post"]["score"].as_f64().unwrap() + json["post"]["focus"]["bonus"].as_f64().unwrap();
    assert!(
        (score - f64::from(hit.score)).abs() < 1e-3,
        "{score} vs {}",
        hit.score
    );
}

/// The title focus `explain QUERY POST --json` reports.
fn title_focus(env: &TestEnv, query: &str, post: &str) -> serde_json::Value {
    let out = env.run_ok(&["explain", query, post, "--json"], 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["post"]["focus"].clone()
}

/// Posts whose words `我国 工作 取得 发展` are common, so that they weigh little in a headline.
fn write_common_words(env: &TestEnv) {
    for i in 0..20 {
        env.write(
            &format!("posts/common{i:02}.md"),
            format!("---\ntitle: 我国工作取得发展成效 第{i}期\n---\n我国各项工作取得新的发展。\n"),
        );
    }
}

#[test]
fn a_headline_about_the_query_ranks_above_one_with_a_second_topic() {
    let env = TestEnv::new();
    write_common_words(&env);
    // Longer, but its other words are common ones.
    env.write(
        "posts/focused.md",
        "---\ntitle: 【科技前沿】我国有机玻璃球工作取得发展\n---\n有机玻璃球安装完成，工程进入新阶段。\n",
    );
    // Shorter (the title cover prefers it), but about a second, rarer thing as well.
    env.write(
        "posts/second.md",
        "---\ntitle: 有机玻璃球运抵赫尔辛基\n---\n有机玻璃球经海运抵达，将用于实验装置。\n",
    );
    env.run_ok(&["index", "posts"], 0);
    assert_eq!(env.names(&["有机玻璃球"]), ["focused.md", "second.md"]);
    assert_eq!(env.names(&["有机玻璃"]), ["focused.md", "second.md"]);
    let focus = |post: &str| title_focus(&env, "有机玻璃球", post);
    let focused = focus("posts/focused.md");
    let second = focus("posts/second.md");
    assert!(
        focused["share"].as_f64() > second["share"].as_f64(),
        "{focused} vs {second}"
    );
    // The column name is no part of the headline.
    let words: Vec<&str> = focused["words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["word"].as_str().unwrap())
        .collect();
    assert!(
        words.contains(&"有机玻璃") && !words.contains(&"科技"),
        "{words:?}"
    );
    let out = stdout(&env.run_ok(&["explain", "有机玻璃球", "posts/second.md"], 0));
    assert!(out.contains("title focus: the query holds"), "{out}");
    assert!(out.contains("赫尔辛基"), "{out}");
}

/// A reader who remembers a headline's most distinctive phrase types it: the headline in which
/// the query is that phrase ranks above one in which a rarer-looking neighbour extends it,
/// though the second headline's other words are commoner (its share alone would put it first).
#[test]
fn a_headline_whose_phrase_the_query_is_ranks_above_one_it_is_only_part_of() {
    let env = TestEnv::new();
    for i in 0..4 {
        env.write(
            &format!("posts/common{i}.md"),
            format!("---\ntitle: 加快实现高水平发展 第{i}期\n---\n加快实现高水平的发展。\n"),
        );
    }
    for i in 0..30 {
        env.write(
            &format!("posts/short{i:02}.md"),
            format!("---\ntitle: 短讯{i}\n---\n今日天气晴。\n"),
        );
    }
    for i in 0..2 {
        env.write(
            &format!("posts/book{i}.md"),
            format!("---\ntitle: 文集出版发行 第{i}部\n---\n文集出版发行。\n"),
        );
    }
    env.write(
        "posts/phrase.md",
        "---\ntitle: 《论科技自立自强》出版发行\n---\n论科技自立自强一书出版。\n",
    );
    env.write(
        "posts/part.md",
        "---\ntitle: 加快实现高水平科技自立自强\n---\n加快实现高水平科技自立自强。\n",
    );
    env.run_ok(&["index", "posts"], 0);
    let focus = |post: &str| title_focus(&env, "科技自立自强", post);
    let (phrase, part) = (focus("posts/phrase.md"), focus("posts/part.md"));
    assert!(
        phrase["share"].as_f64() < part["share"].as_f64(),
        "{phrase} vs {part}"
    );
    assert_eq!(phrase["stretch"].as_f64(), Some(1.0), "{phrase}");
    assert_eq!(
        phrase["phrase"], true,
        "one clause: the stretch is the focus"
    );
    let stretch = part["stretch"].as_f64().unwrap();
    assert!(stretch > 0.0 && stretch < 1.0, "{part}");
    assert_eq!(env.names(&["科技自立自强"]), ["phrase.md", "part.md"]);
    let out = stdout(&env.run_ok(&["explain", "科技自立自强", "posts/part.md"], 0));
    assert!(
        out.contains("the focus is its best phrase (a query of one clause)"),
        "{out}"
    );
    // A space parts a headline's phrases as punctuation does.
    env.write(
        "posts/spaced.md",
        "---\ntitle: 实现高水平 科技自立自强\n---\n科技自立自强。\n",
    );
    env.run_ok(&["index", "posts"], 0);
    assert_eq!(focus("posts/spaced.md")["stretch"].as_f64(), Some(1.0));
}

/// A headline holding the query as typed ranks above one holding it only across a space (which
/// the index matches too: a space is no part of what a post contains).
#[test]
fn a_title_holding_one_clause_as_typed_ranks_above_one_holding_it_across_a_space() {
    let env = TestEnv::new();
    env.write(
        "posts/across.md",
        "---\ntitle: 凝心聚力 奋进新征程\n---\n凝心聚力，奋进新征程。\n",
    );
    env.write(
        "posts/typed.md",
        "---\ntitle: 学报告谋发展 凝心聚力奋进新征程\n---\n学习报告，谋划发展，凝心聚力奋进新征程。\n",
    );
    env.run_ok(&["index", "posts"], 0);
    assert_eq!(env.names(&["凝心聚力奋进"]), ["typed.md", "across.md"]);
    let typed = |post: &str| title_focus(&env, "凝心聚力奋进", post)["typed"].clone();
    assert_eq!(typed("posts/typed.md"), true);
    assert_eq!(typed("posts/across.md"), false);
    // Typed with the space, the other way round.
    assert_eq!(env.names(&["凝心聚力 奋进"])[0], "across.md");
}

/// A query of several clauses pasted from a headline that parts its phrases with a space:
/// the title holding it as typed ranks above titles holding its clauses apart, which the
/// clauses' own scores put first.
#[test]
fn a_title_holding_the_query_as_typed_ranks_above_its_clauses_apart() {
    let env = TestEnv::new();
    env.write(
        "posts/apart.md",
        "---\ntitle: 传达学习会议精神\n---\n传达学习会议精神。传达学习。\n",
    );
    env.write(
        "posts/typed.md",
        "---\ntitle: 省委常委召开会议 传达学习全国两会精神\n---\n会议传达学习了全国两会精神。\n",
    );
    env.run_ok(&["index", "posts"], 0);
    assert_eq!(env.names(&["会议 传达学习"]), ["typed.md", "apart.md"]);
    // Not for other queries: in another order, or one clause.
    assert_eq!(env.names(&["传达学习 会议"])[0], "apart.md");
    let focus = title_focus(&env, "会议 传达学习", "posts/typed.md");
    assert_eq!(focus["typed"], true, "{focus}");
}

#[test]
fn a_headline_holding_every_word_typed_ranks_above_one_holding_fewer() {
    let env = TestEnv::new();
    write_common_words(&env);
    for i in 0..3 {
        env.write(
            &format!("posts/town{i}.md"),
            format!("---\ntitle: 短讯{i}\n---\n城乡面貌。\n"),
        );
    }
    // About 充电 and a word of middling weight: the query's words are most of its headline.
    env.write(
        "posts/fewer.md",
        "---\ntitle: 我国充电工作取得发展 城乡\n---\n公共充电设施增多。\n",
    );
    // Both words, in a headline with more besides.
    env.write(
        "posts/every.md",
        "---\ntitle: 增强公共充电保障能力 提升出行体验\n---\n公共充电设施增多。\n",
    );
    env.run_ok(&["index", "posts"], 0);
    assert_eq!(env.names(&["公共 充电"]), ["every.md", "fewer.md"]);
    let focus = |post: &str| title_focus(&env, "公共 充电", post);
    let (fewer, every) = (focus("posts/fewer.md"), focus("posts/every.md"));
    assert!(
        fewer["share"].as_f64() > every["share"].as_f64(),
        "{fewer} vs {every}"
    );
    assert_eq!(
        fewer["phrase"], false,
        "two clauses: the share is the focus"
    );
    assert_eq!(fewer["coverage"].as_f64(), Some(0.5), "{fewer}");
    assert_eq!(every["coverage"].as_f64(), Some(1.0), "{every}");
    // Two clauses: the share is the focus.
    for focus in [fewer, every] {
        let bonus = f64::from(FOCUS_BONUS)
            * focus["share"].as_f64().unwrap()
            * focus["coverage"].as_f64().unwrap();
        assert!(
            (focus["bonus"].as_f64().unwrap() - bonus).abs() < 1e-3,
            "{focus}"
        );
    }
}

/// The title focus re-orders a fixed number of candidates, so pages of any size read from one
/// order.
#[test]
fn pages_of_any_size_are_cut_from_one_order() {
    let env = TestEnv::new();
    write_common_words(&env);
    let extras = [
        "运抵赫尔辛基",
        "工作取得发展",
        "",
        "进入总装阶段",
        "我国",
        "完成赤道层安装",
        "取得进展",
        "吊装",
        "工作",
        "运抵江门",
        "我国工作",
        "发展",
        "通过验收",
        "",
    ];
    for (i, extra) in extras.iter().enumerate() {
        env.write(
            &format!("posts/p{i:02}.md"),
            format!(
                "---\ntitle: 有机玻璃球{extra}\n---\n第{i}条消息：有机玻璃球{}。\n",
                "安装".repeat(i % 4)
            ),
        );
    }
    env.run_ok(&["index", "posts"], 0);
    let all = env.names(&["有机玻璃球", "--all", "--limit", "14"]);
    assert_eq!(all.len(), 14);
    for (offset, limit) in [(0, 3), (3, 4), (7, 5), (12, 2), (0, 10)] {
        let page = env.names(&[
            "有机玻璃球",
            "--all",
            "--offset",
            &offset.to_string(),
            "--limit",
            &limit.to_string(),
        ]);
        assert_eq!(
            page,
            all[offset..offset + limit],
            "offset {offset}, limit {limit}"
        );
    }
}

#[test]
fn constructed_reprints_collapse_with_a_count() {
    let env = TestEnv::new();
    let story = "国家统计局今天发布数据，前三季度国内生产总值同比增长百分之五点二，经济运行总体回升向好。\
                 其中第三产业增加值增长较快，消费对经济增长的贡献率继续提高，高技术制造业投资保持两位数增长。\
                 就业形势总体稳定，城镇调查失业率逐月下降，居民收入增长与经济增长基本同步，\
                 国际收支基本平衡，外汇储备保持充裕。";
    env.write(
        "posts/a.md",
        format!("---\ntitle: 前三季度经济数据发布\ndate: 2024-10-18\n---\n{story}\n"),
    );
    env.write(
        "posts/b.md",
        format!("---\ntitle: 转载：经济回升向好\ndate: 2024-10-19\n---\n{story}（来源：某晚报）\n"),
    );
    env.write(
        "posts/c.md",
        format!("---\ntitle: 统计局发布数据\ndate: 2024-10-19\n---\n（转载）{story}\n"),
    );
    env.write("posts/d.md", "---\ntitle: 另一篇\ndate: 2024-10-20\n---\n气象台发布寒潮预警，北方大部地区气温将下降，国内生产总值无关。\n");
    env.run_ok(&["index", "posts"], 0);
    let results = env.query(&["国内生产总值"]);
    assert_eq!(results.total, 4);
    assert_eq!(results.hits.len(), 2);
    let story_hit = results
        .hits
        .iter()
        .find(|h| !h.reprints.is_empty())
        .unwrap();
    assert_eq!(story_hit.reprints.len(), 2);
    assert_eq!(env.query(&["国内生产总值", "--all"]).hits.len(), 4);
    let text = stdout(&env.run_ok(&["query", "国内生产总值"], 0));
    assert!(text.contains("+2 reprints of this story"), "{text}");
}

/// Reports written from one template (the same sentences with other dates and numbers, a few
/// days apart) are different stories, though their Han text is the same; a reprint of one of
/// them, with a source line, is still folded into it.
#[test]
fn reports_from_one_template_are_not_reprints() {
    let env = TestEnv::new();
    let report = |day: u32, cases: u32, imported: u32| {
        format!(
            "国家卫生健康委今天（9月{day}日）通报，9月{}日0—24时，31个省（自治区、直辖市）和新疆生产建设兵团\
             报告新增新冠肺炎确诊病例{cases}例。其中境外输入病例{imported}例，本土病例{}例。新增死亡病例0例，\
             新增疑似病例0例。当日新增治愈出院病例{}例，解除医学观察的密切接触者{}人，重症病例较前一日减少{}例。\
             境外输入现有确诊病例中无重症病例。截至9月{}日24时，据31个省（自治区、直辖市）和新疆生产建设兵团报告，\
             现有确诊病例{}例，累计治愈出院病例{}例，累计报告确诊病例{}例，尚有医学观察的密切接触者{}人。",
            day - 1,
            cases - imported,
            cases + 31,
            cases * 40,
            day % 7,
            day - 1,
            cases * 12,
            cases * 1000 + 3,
            cases * 1012 + 7,
            cases * 97
        )
    };
    env.write(
        "posts/a.md",
        format!(
            "---\ntitle: 卫生健康委通报最新疫情\ndate: 2022-09-25\n---\n{}\n",
            report(25, 217, 58)
        ),
    );
    env.write(
        "posts/b.md",
        format!(
            "---\ntitle: 卫生健康委通报最新疫情\ndate: 2022-09-28\n---\n{}\n",
            report(28, 194, 75)
        ),
    );
    env.write(
        "posts/c.md",
        format!(
            "---\ntitle: 转载：最新疫情通报\ndate: 2022-09-26\n---\n{}（来源：某晚报第5版）\n",
            report(25, 217, 58)
        ),
    );
    env.run_ok(&["index", "posts"], 0);
    let results = env.query(&["新增确诊病例"]);
    assert_eq!(results.total, 3);
    assert_eq!(results.hits.len(), 2, "{:?}", results.hits);
    let folded = |path: &str| {
        results
            .hits
            .iter()
            .find(|h| h.path.ends_with(path))
            .map(|h| h.reprints.len())
    };
    // The reprint folds into the first report (whichever of the two ranks first).
    match (folded("a.md"), folded("c.md")) {
        (Some(1), None) | (None, Some(1)) => {}
        other => panic!("{other:?}: {:?}", results.hits),
    }
    assert_eq!(folded("b.md"), Some(0));
}

/// A reprint under a title that lacks the query ranks below every post whose title holds it,
/// far outside the candidates a page ranks; it still counts among its story's reprints, and
/// no page shows it on its own.
#[test]
fn a_reprint_ranked_far_below_its_story_is_counted_with_it() {
    let env = TestEnv::new();
    let story = "全国碳排放权交易市场今天迎来新一批控排企业，钢铁、水泥和电解铝行业首次纳入，\
                 覆盖的年排放量增加约三十亿吨。生态环境部表示，将完善配额分配方法，\
                 加强数据质量监管，推动市场平稳有序运行。业内人士认为，扩围后市场的活跃度和价格发现功能\
                 将进一步增强，企业减排的内在动力也会随之提高。下一步还将研究引入更多交易主体和交易产品，\
                 逐步建立与国际接轨的碳市场规则体系，为实现碳达峰碳中和目标提供有力支撑。";
    env.write(
        "posts/story.md",
        format!("---\ntitle: 碳排放权交易市场扩围\ndate: 2024-10-18\n---\n{story}\n"),
    );
    env.write(
        "posts/reprint.md",
        format!(
            "---\ntitle: 三个行业纳入全国市场\ndate: 2024-10-19\n---\n{story}（来源：某晚报）\n"
        ),
    );
    let topics = [
        "企业", "配额", "价格", "成交", "履约", "核查", "数据", "金融", "试点", "地方", "航空",
        "化工", "造纸", "建材", "电力", "融资", "监管", "国际", "技术", "人才",
    ];
    for (i, topic) in topics.iter().enumerate() {
        env.write(
            &format!("posts/other{i:02}.md"),
            format!(
                "---\ntitle: 地方{topic}部门谈碳排放权交易的第{i}篇观察报道\ndate: 2024-09-{:02}\n---\n关于{topic}的第{i}篇报道谈到碳排放权交易。\n",
                i + 1
            ),
        );
    }
    env.run_ok(&["index", "posts"], 0);
    for limit in ["5", "30"] {
        let results = env.query(&["碳排放权交易", "--limit", limit]);
        assert_eq!(results.total, 22);
        let story = results
            .hits
            .iter()
            .find(|h| h.path.ends_with("story.md"))
            .unwrap_or_else(|| panic!("limit {limit}: {:?}", results.hits));
        assert_eq!(story.reprints.len(), 1, "limit {limit}");
        assert!(story.reprints[0].ends_with("reprint.md"));
        assert!(!results.hits.iter().any(|h| h.path.ends_with("reprint.md")));
    }
    let all = env.query(&["碳排放权交易", "--limit", "30", "--all"]);
    assert_eq!(all.hits.len(), 22);
}

/// More reprints than the candidates first fetched for a page: the search fetches more until
/// the page is full of distinct stories.
#[test]
fn a_page_is_filled_even_when_reprints_crowd_the_first_candidates() {
    let env = TestEnv::new();
    let story = "国家统计局今天发布数据，前三季度国内生产总值同比增长百分之五点二，经济运行总体回升向好。\
                 其中第三产业增加值增长较快，消费对经济增长的贡献率继续提高，高技术制造业投资保持两位数增长。\
                 就业形势总体稳定，城镇调查失业率逐月下降，居民收入增长与经济增长基本同步，\
                 国际收支基本平衡，外汇储备保持充裕。";
    for i in 0..14 {
        env.write(
            &format!("posts/copy{i:02}.md"),
            format!("---\ntitle: 国内生产总值数据发布（{i}）\ndate: 2024-10-18\n---\n{story}（来源：第{i}报）\n"),
        );
    }
    let others = [
        "寒潮来袭，北方多地气温骤降，供暖企业提前启动设备检修。",
        "秋粮收获进入尾声，东北产区玉米单产创下近年新高。",
        "沿海港口集装箱吞吐量持续增长，航运公司新增多条航线。",
        "新能源汽车企业发布新款车型，续航里程和充电速度明显提升。",
        "假期旅游市场升温，景区推出夜游项目吸引游客。",
        "国际科技展会开幕，人工智能和机器人展区人气最旺。",
        "全国田径锦标赛落幕，多名年轻选手刷新个人最好成绩。",
        "民俗文化节在古镇举行，非遗传承人现场展示传统技艺。",
        "电网公司加强迎峰度冬准备，确保居民用电安全稳定。",
        "快递物流企业升级分拣中心，包裹平均送达时间缩短。",
    ];
    for (i, text) in others.iter().enumerate() {
        env.write(
            &format!("posts/other{i:02}.md"),
            format!("---\ntitle: 消息{i}\ndate: 2024-10-20\n---\n{text}国内生产总值另有分析。\n"),
        );
    }
    env.run_ok(&["index", "posts"], 0);
    let results = env.query(&["国内生产总值", "--limit", "10"]);
    assert_eq!(results.total, 24);
    assert_eq!(results.hits.len(), 10, "a full page of distinct stories");
    assert_eq!(results.hits[0].reprints.len(), 13);
    assert!(results.hits[1..].iter().all(|h| h.reprints.is_empty()));
    // The second search re-ranks the same window: the first hit keeps its title focus.
    let top = &results.hits[0];
    let out = env.run_ok(&["explain", "国内生产总值", &top.path, "--json"], 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bonus = json["post"]["focus"]["bonus"].as_f64().unwrap();
    let score = json["post"]["score"].as_f64().unwrap() + bonus;
    assert!(bonus > 0.0, "{json}");
    assert!(
        (score - f64::from(top.score)).abs() < 1e-3,
        "{score} vs {}",
        top.score
    );
}

#[test]
fn a_user_dictionary_never_makes_a_post_unfindable() {
    let env = indexed();
    env.write(
        "posts/zelensky.md",
        "---\ntitle: 会见\n---\n泽连斯基表示感谢。\n",
    );
    env.run_ok(&["index", "posts"], 0);
    assert_eq!(env.names(&["泽连斯基"]), ["zelensky.md"]);
    let before = env.query(&["数字化", "--all"]).total;
    env.write("words.txt", "泽连斯基 1000 nr\n数字化转型 500 n\n");
    let out = env.run_ok(&["index", "posts", "--user-dict", "words.txt"], 0);
    assert!(
        stderr(&out).contains("--rebuild"),
        "a changed dictionary suggests a rebuild: {}",
        stderr(&out)
    );
    assert!(env.path(".newssearch/userdict.txt").exists());
    assert_eq!(env.names(&["泽连斯基"]), ["zelensky.md"]);
    assert_eq!(env.query(&["数字化", "--all"]).total, before);
    // Its words cut queries at once, without indexing the posts again.
    assert!(
        stdout(&out).contains("2 new words of the user dictionary"),
        "{}",
        stdout(&out)
    );
    let explained = stdout(&env.run_ok(&["explain", "泽连斯基"], 0));
    assert!(
        explained.contains("words       泽连斯基"),
        "the new word cuts queries before a rebuild: {explained}"
    );
    // The dictionary kept beside the index is used on its own from now on, and after a rebuild
    // no note is needed.
    env.run_ok(&["index", "posts", "--rebuild"], 0);
    let out = env.run_ok(&["index", "posts"], 0);
    assert!(!stderr(&out).contains("--rebuild"), "{}", stderr(&out));
    assert_eq!(env.names(&["泽连斯基"]), ["zelensky.md"]);
    assert_eq!(env.query(&["数字化", "--all"]).total, before);
    let explained = stdout(&env.run_ok(&["explain", "泽连斯基"], 0));
    assert!(
        explained.contains("words       泽连斯基"),
        "the new word is in the vocabulary: {explained}"
    );
}

/// The note that a rebuild would re-cut older titles appears only while some post was cut
/// with another dictionary, and the dictionary's words are learned once.
#[test]
fn the_rebuild_note_only_while_older_cuts_remain() {
    let env = TestEnv::with_fixtures();
    std::fs::create_dir(env.path("empty")).unwrap();
    env.run_ok(&["index", "empty"], 0);
    env.write("words.txt", "泽连斯基 1000 nr\n数字化转型 500 n\n");
    let out = env.run_ok(&["index", "posts", "--user-dict", "words.txt"], 0);
    assert!(
        !stderr(&out).contains("--rebuild"),
        "every post was cut with the dictionary: {}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("2 new words"), "{}", stdout(&out));
    let out = env.run_ok(&["index", "posts"], 0);
    assert!(!stdout(&out).contains("new words"), "{}", stdout(&out));
    assert!(!stderr(&out).contains("--rebuild"), "{}", stderr(&out));
    // A changed dictionary: its new word is learned, the older cuts are noted.
    env.write(
        "words.txt",
        "泽连斯基 1000 nr\n数字化转型 500 n\n智慧经营 100\n",
    );
    let out = env.run_ok(&["index", "posts", "--user-dict", "words.txt"], 0);
    assert!(stdout(&out).contains("1 new word of"), "{}", stdout(&out));
    assert!(stderr(&out).contains("--rebuild"), "{}", stderr(&out));
}

#[test]
fn a_bad_user_dictionary_is_a_clear_error() {
    let env = TestEnv::with_fixtures();
    env.write("words.txt", "好词 10\n坏词 很多\n");
    let out = env.run_ok(&["index", "posts", "--user-dict", "words.txt"], 2);
    assert!(
        stderr(&out).contains("words.txt") && stderr(&out).contains("line 2"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn words_close_together_rank_above_words_far_apart() {
    let env = TestEnv::new();
    let filler = "各地有关部门持续推进相关工作并取得积极成效";
    env.write(
        "posts/far.md",
        format!("---\ntitle: 其他\n---\n新能源汽车{filler}{filler}汽车出口\n"),
    );
    env.write(
        "posts/near.md",
        format!("---\ntitle: 其他\n---\n新能源汽车和汽车出口{filler}{filler}\n"),
    );
    env.run_ok(&["index", "posts"], 0);
    assert_eq!(env.names(&["新能源汽车出口"]), ["near.md", "far.md"]);
}
