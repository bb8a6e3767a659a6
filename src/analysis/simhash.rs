//! Fingerprints of post text, for recognising reprints of the same story: a SimHash of its
//! Han text and the set of its figures.

use xxhash_rust::xxh3::xxh3_64;

use super::normalize::normalize;
use super::units::{is_han, is_word_char};

/// Characters per shingle.
const SHINGLE: usize = 4;

/// The 64-bit SimHash of the Han text of `text` (normalised, 4-character shingles).
///
/// Two reprints of one story (another title, source line or footer) differ in a few bits; two
/// different stories differ in about 32.
pub fn simhash(text: &str) -> u64 {
    simhash_normalized(&normalize(text))
}

/// [`simhash`] of text that is already normalised.
pub fn simhash_normalized(normalized: &str) -> u64 {
    let han: Vec<char> = normalized.chars().filter(|&c| is_han(c)).collect();
    if han.len() < SHINGLE {
        return 0;
    }
    let mut ones = [0u32; 64];
    let mut bytes = [0u8; SHINGLE * 4];
    for shingle in han.windows(SHINGLE) {
        for (chunk, c) in bytes.chunks_exact_mut(4).zip(shingle) {
            chunk.copy_from_slice(&(*c as u32).to_le_bytes());
        }
        let hash = xxh3_64(&bytes);
        for (bit, count) in ones.iter_mut().enumerate() {
            *count += (hash >> bit & 1) as u32;
        }
    }
    let shingles = (han.len() - SHINGLE + 1) as u32;
    ones.iter()
        .enumerate()
        .filter(|(_, n)| **n * 2 > shingles)
        .fold(0, |acc, (bit, _)| acc | 1 << bit)
}

/// The figures of normalised text as a set of 64 bits: each run of letters and digits that
/// holds a digit (`217`, `2024`, `c919`) sets one bit.
///
/// The SimHash reads Han characters only, so reports written from one template (a ministry's
/// daily count, with the date and the numbers changed) share it; their figures tell them apart.
/// A reprint keeps the story's figures, and its source line or footer adds a few at most.
pub fn figures_normalized(normalized: &str) -> u64 {
    normalized
        .split(|c: char| !is_word_char(c))
        .filter(|run| run.bytes().any(|b| b.is_ascii_digit()))
        .fold(0, |set, run| set | 1 << (xxh3_64(run.as_bytes()) >> 58))
}

/// Bits in which two fingerprints differ.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "国家统计局今天发布数据，前三季度国内生产总值同比增长百分之五点二，\
        经济运行总体回升向好。其中第三产业增加值增长较快，消费对经济增长的贡献率继续提高，\
        高技术制造业投资保持两位数增长，就业物价总体稳定，国际收支基本平衡。";

    #[test]
    fn reprints_are_close_and_other_stories_far() {
        let reprint = format!("（转载）{STORY}（来源：某某日报）");
        let other = "气象台发布寒潮预警，北方大部地区气温将下降八到十度，\
            局地伴有大风和降雪，请公众注意防寒保暖，交通部门提前做好道路除冰准备工作。";
        assert!(distance(simhash(STORY), simhash(&reprint)) <= 6);
        assert!(distance(simhash(STORY), simhash(other)) > 12);
        assert_eq!(simhash("短"), 0);
    }

    #[test]
    fn figures_tell_reports_from_one_template_apart() {
        let report = |day: u32, cases: u32| {
            normalize(&format!(
                "国家卫生健康委今天（9月{day}日）通报，新增确诊病例{cases}例，其中境外输入病例５８例。"
            ))
        };
        let (a, b) = (report(25, 217), report(28, 194));
        assert_eq!(simhash_normalized(&a), simhash_normalized(&b));
        assert!(distance(figures_normalized(&a), figures_normalized(&b)) >= 3);
        // Full-width digits are the same figures; a footer adds one.
        let footer = normalize(&format!("{a}（来源：某晚报第5版）"));
        assert_eq!(
            figures_normalized(&normalize("输入病例５８例")),
            figures_normalized(&normalize("输入病例58例"))
        );
        assert!(distance(figures_normalized(&a), figures_normalized(&footer)) <= 1);
        assert_eq!(figures_normalized("没有数字的文字 gdp"), 0);
        assert_ne!(figures_normalized("c919"), 0);
    }
}
