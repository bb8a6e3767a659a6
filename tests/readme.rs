//! The README's first example, run for real: its output block must match what the binary
//! prints, so the README cannot drift.

mod common;

use common::TestEnv;

/// Replaces the `(0.8 ms)` timings, which differ from run to run.
fn without_timings(line: &str) -> String {
    match (line.rfind('('), line.rfind(" ms)")) {
        (Some(open), Some(close)) if open < close => {
            format!("{}(… ms){}", &line[..open], &line[close + 4..])
        }
        _ => line.to_owned(),
    }
}

#[test]
fn readme_example_output_is_real() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let command =
        "cargo run --release -- index fixtures/posts && cargo run --release -- query 数字化";
    let after = readme
        .split_once(command)
        .expect("the README shows the main command")
        .1;
    let block = after
        .split_once("```text\n")
        .expect("followed by its output")
        .1;
    let expected: Vec<&str> = block.split_once("```").unwrap().0.lines().collect();

    let env = TestEnv::new();
    env.copy_fixtures("fixtures/posts");
    let mut actual = String::from_utf8(env.run_ok(&["index", "fixtures/posts"], 0).stdout).unwrap();
    actual.push_str(&String::from_utf8(env.run_ok(&["query", "数字化"], 0).stdout).unwrap());
    let actual: Vec<String> = actual.lines().map(without_timings).collect();

    // Every line the README shows appears, in order ("…" stands for lines left out).
    let mut at = 0;
    for line in expected.iter().filter(|l| l.trim() != "…") {
        let line = without_timings(line);
        match actual[at..].iter().position(|a| *a == line) {
            Some(found) => at += found + 1,
            None => panic!(
                "README line not in the output: {line:?}\n\noutput:\n{}",
                actual.join("\n")
            ),
        }
    }
}
