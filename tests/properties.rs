//! Property tests: arbitrary input never panics, and the index agrees with a brute-force scan.

#[path = "common/truth.rs"]
mod truth;

use newssearch::analysis::{
    BigramTokenizer, UnigramTokenizer, fingerprint, fingerprint_normalized, normalize,
};
use newssearch::{Error, NewsIndex, Post, SearchRequest, find_matches, parse_query};
use proptest::prelude::*;
use tantivy::tokenizer::{TokenStream, Tokenizer};

/// Text from a small alphabet, so that matches are frequent: Han (simplified and traditional),
/// Latin in both widths and cases, digits, spaces, punctuation, a zero-width space.
fn mixed_text(max: usize) -> impl Strategy<Value = String> {
    let alphabet: Vec<char> = "数字经濟济化中国ＡＩai Ai5５G。，、-“”  \n\u{200b}"
        .chars()
        .collect();
    proptest::collection::vec(proptest::sample::select(alphabet), 0..max)
        .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_parse_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = Post::from_bytes(&bytes);
        let mut framed = b"---\ntitle: x\n---\n".to_vec();
        framed.extend_from_slice(&bytes);
        let _ = Post::from_bytes(&framed);
    }

    #[test]
    fn any_text_parses_or_fails_cleanly(text in ".{0,400}", yaml in ".{0,100}") {
        let _ = Post::parse(&text);
        let _ = Post::parse(&format!("---\n{yaml}\n---\n{text}"));
    }

    #[test]
    fn any_query_parses_or_fails_cleanly(query in ".{0,200}") {
        let _ = parse_query(&query);
    }

    /// A fingerprint folds the text a character at a time; it must be the fingerprint of the
    /// normalised text, whatever the text.
    #[test]
    fn fingerprints_fold_as_normalisation_does(text in ".{0,400}", story in mixed_text(400)) {
        for text in [&text, &story] {
            prop_assert_eq!(fingerprint(text), fingerprint_normalized(&normalize(text)));
        }
    }

    #[test]
    fn token_offsets_are_char_boundaries_of_the_original(text in ".{0,200}") {
        for tokens in [collect(&mut UnigramTokenizer, &text), collect(&mut BigramTokenizer::default(), &text)] {
            for (from, to) in tokens {
                prop_assert!(text.is_char_boundary(from) && text.is_char_boundary(to) && from <= to);
            }
        }
    }
}

fn collect<T: Tokenizer>(tokenizer: &mut T, text: &str) -> Vec<(usize, usize)> {
    let mut stream = tokenizer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push((stream.token().offset_from, stream.token().offset_to));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whether a post matches a quoted query is exactly whether its text contains the query.
    #[test]
    fn index_agrees_with_substring_scan(
        bodies in proptest::collection::vec(mixed_text(40), 1..6),
        query in mixed_text(6),
    ) {
        let index = NewsIndex::create_in_ram().unwrap();
        let posts = bodies.iter().enumerate().map(|(i, body)| {
            (format!("{i}"), Post { title: "标题".into(), body: body.clone(), ..Post::default() })
        });
        index.add_posts(posts).unwrap();
        let quoted = format!("\"{}\"", query.replace('"', ""));
        let request = SearchRequest { limit: 10, show_reprints: true, ..SearchRequest::new(quoted.clone()) };
        let needle = truth::canonical(&query);
        match index.search(&request) {
            Ok(results) => {
                let mut found: Vec<usize> = results.hits.iter().map(|h| h.path.parse().unwrap()).collect();
                found.sort();
                let expected: Vec<usize> = bodies
                    .iter()
                    .enumerate()
                    .filter(|(_, body)| truth::contains(&truth::canonical(body), &needle))
                    .map(|(i, _)| i)
                    .collect();
                prop_assert_eq!(found, expected, "query {:?} bodies {:?}", quoted, bodies);
            }
            // Only a query with nothing in it (spaces, a quote) is an error; punctuation alone
            // is searched for.
            Err(Error::Query { .. }) => prop_assert!(needle.trim().is_empty(), "{quoted:?} refused"),
            Err(other) => prop_assert!(false, "{other}"),
        }
    }

    /// A bare query finds every post that contains it, whatever its quotes and punctuation
    /// (`“` and `”` included, closed or not, at the start of a clause or inside it).
    #[test]
    fn bare_query_finds_every_post_containing_it(
        bodies in proptest::collection::vec(mixed_text(40), 1..6),
        query in mixed_text(8),
    ) {
        // `-` would make an exclusion and `"` a phrase of part of it: not what this checks.
        let query = query.replace(['"', '-'], "");
        let needle = truth::canonical(&query);
        prop_assume!(!needle.trim().is_empty());
        let index = NewsIndex::create_in_ram().unwrap();
        let posts = bodies.iter().enumerate().map(|(i, body)| {
            (format!("{i}"), Post { title: "标题".into(), body: body.clone(), ..Post::default() })
        });
        index.add_posts(posts).unwrap();
        let request = SearchRequest { limit: 10, show_reprints: true, ..SearchRequest::new(query.clone()) };
        let results = index.search(&request);
        prop_assert!(results.is_ok(), "{query:?}: {:?}", results.err());
        let found: Vec<usize> = results.unwrap().hits.iter().map(|h| h.path.parse().unwrap()).collect();
        for (i, body) in bodies.iter().enumerate() {
            if truth::contains(&truth::canonical(body), &needle) {
                prop_assert!(found.contains(&i), "query {:?} misses body {:?}", query, body);
            }
        }
    }

    /// `w*` finds exactly the posts holding a word (letters and digits) that begins with `w`.
    #[test]
    fn a_prefix_finds_exactly_the_posts_with_a_word_beginning_so(
        bodies in proptest::collection::vec(
            proptest::collection::vec(
                proptest::sample::select(vec!["ab", "abc", "a1", "b2", "ba", "ＡＢ", "中", "文", " ", "，"]),
                0..12,
            )
            .prop_map(|tokens| tokens.concat()),
            1..6,
        ),
        prefix in "[ab1]{1,2}",
    ) {
        let index = NewsIndex::create_in_ram().unwrap();
        let posts = bodies.iter().enumerate().map(|(i, body)| {
            (format!("{i}"), Post { title: "标题".into(), body: body.clone(), ..Post::default() })
        });
        index.add_posts(posts).unwrap();
        let request = SearchRequest { limit: 10, show_reprints: true, ..SearchRequest::new(format!("{prefix}*")) };
        let mut found: Vec<usize> = index.search(&request).unwrap().hits.iter().map(|h| h.path.parse().unwrap()).collect();
        found.sort();
        let expected: Vec<usize> = bodies
            .iter()
            .enumerate()
            .filter(|(_, body)| truth::words(&truth::canonical(body)).any(|w| w.starts_with(&prefix)))
            .map(|(i, _)| i)
            .collect();
        prop_assert_eq!(found, expected, "{}* in {:?}", prefix, bodies);
    }

    /// AND, OR, exclusion and the title scope select exactly the posts a scan selects, for
    /// quoted strings (whose matching the test above checks on its own).
    #[test]
    fn boolean_queries_agree_with_substring_scan(
        posts in proptest::collection::vec((mixed_text(8), mixed_text(30)), 1..7),
        a in mixed_text(4),
        b in mixed_text(4),
        form in 0usize..4,
    ) {
        let (a, b) = (a.replace('"', ""), b.replace('"', ""));
        let (na, nb) = (truth::canonical(&a), truth::canonical(&b));
        prop_assume!(!na.trim().is_empty() && !nb.trim().is_empty());
        let query = [
            format!("\"{a}\" \"{b}\""),
            format!("\"{a}\" OR \"{b}\""),
            format!("\"{a}\" -\"{b}\""),
            format!("title:\"{a}\""),
        ][form].clone();
        let index = NewsIndex::create_in_ram().unwrap();
        index.add_posts(posts.iter().enumerate().map(|(i, (title, body))| {
            (format!("{i}"), Post { title: title.clone(), body: body.clone(), ..Post::default() })
        })).unwrap();
        let request = SearchRequest { limit: 10, show_reprints: true, ..SearchRequest::new(query.clone()) };
        let mut found: Vec<usize> = index.search(&request).unwrap().hits.iter().map(|h| h.path.parse().unwrap()).collect();
        found.sort();
        let expected: Vec<usize> = posts
            .iter()
            .enumerate()
            .filter(|(i, (title, body))| {
                // A post without a title is shown, and found, under its file name.
                let title = if title.is_empty() { i.to_string() } else { title.clone() };
                let in_title = |n: &str| truth::contains(&truth::canonical(&title), n);
                let has = |n: &str| in_title(n) || truth::contains(&truth::canonical(body), n);
                match form {
                    0 => has(&na) && has(&nb),
                    1 => has(&na) || has(&nb),
                    2 => has(&na) && !has(&nb),
                    _ => in_title(&na),
                }
            })
            .map(|(i, _)| i)
            .collect();
        prop_assert_eq!(found, expected, "query {:?} posts {:?}", query, posts);
    }

    /// Highlights land exactly where the text contains the query: some highlight if and only if
    /// the text contains it, and every highlight contains it.
    #[test]
    fn highlights_agree_with_substring_scan(body in mixed_text(80), query in mixed_text(6)) {
        let needle = truth::canonical(&query);
        prop_assume!(!needle.is_empty());
        let ranges = find_matches(&body, &[normalize(&query)]);
        prop_assert_eq!(
            !ranges.is_empty(),
            truth::contains(&truth::canonical(&body), &needle),
            "query {:?} body {:?} highlights {:?}", query, body, ranges
        );
        for range in ranges {
            let highlighted = truth::canonical(&body[range.clone()]);
            prop_assert!(
                truth::contains(&highlighted, &needle) || highlighted.contains(&needle),
                "{:?} highlighted in {:?} for {:?}", &body[range], body, query
            );
        }
    }

    /// What `holding_each` counts for each required string is the number of posts that
    /// contain it, and a query matches nothing when one of its strings is in no post.
    #[test]
    fn each_required_string_is_counted_as_a_scan_counts_it(
        posts in proptest::collection::vec((mixed_text(8), mixed_text(30)), 1..7),
        query in mixed_text(10),
    ) {
        let query = query.replace(['"', '-'], "");
        prop_assume!(!truth::canonical(&query).trim().is_empty());
        let index = NewsIndex::create_in_ram().unwrap();
        index.add_posts(posts.iter().enumerate().map(|(i, (title, body))| {
            (format!("{i}"), Post { title: title.clone(), body: body.clone(), ..Post::default() })
        })).unwrap();
        let request = SearchRequest { show_reprints: true, ..SearchRequest::new(query.clone()) };
        let Ok(holding) = index.holding_each(&request) else {
            return Ok(());
        };
        let texts: Vec<String> = posts
            .iter()
            .enumerate()
            .map(|(i, (title, body))| {
                let title = if title.is_empty() { i.to_string() } else { title.clone() };
                format!("{}\n{}", truth::canonical(&title), truth::canonical(body))
            })
            .collect();
        for held in &holding {
            let needle = truth::canonical(&held.text);
            let scanned = texts.iter().filter(|t| truth::contains(t, &needle)).count();
            prop_assert_eq!(held.posts, scanned, "{:?} in {:?}", held.text, posts);
        }
        if holding.iter().any(|h| h.posts == 0) {
            prop_assert_eq!(index.search(&request).unwrap().total, 0);
        }
    }

    /// Any string is searched for and explained, or refused as a query: never a panic or
    /// another error.
    #[test]
    fn any_query_searches_or_fails_cleanly(query in ".{0,60}", star in any::<bool>()) {
        let index = NewsIndex::create_in_ram().unwrap();
        let post = Post { title: "数字化".into(), body: "数字化转型 AI芯片".into(), ..Post::default() };
        index.add_posts([("a", post)]).unwrap();
        // Half of them end in `*`, a prefix wherever a word precedes it.
        let request = SearchRequest::new(if star { format!("{query}*") } else { query });
        match index.search(&request) {
            Ok(_) | Err(Error::Query { .. }) => {}
            Err(other) => prop_assert!(false, "{other}"),
        }
        match index.explain(&request, Some("a")) {
            Ok(explanation) => prop_assert!(explanation.post.is_some()),
            Err(Error::Query { .. }) => {}
            Err(other) => prop_assert!(false, "{other}"),
        }
    }
}
