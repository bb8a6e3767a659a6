//! SimHash fingerprints of post text, for recognising reprints of the same story.

use xxhash_rust::xxh3::xxh3_64;

use super::normalize::normalize;
use super::units::is_han;

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
    let mut weights = [0i32; 64];
    let mut buf = String::with_capacity(SHINGLE * 4);
    for shingle in han.windows(SHINGLE) {
        buf.clear();
        buf.extend(shingle);
        let hash = xxh3_64(buf.as_bytes());
        for (bit, weight) in weights.iter_mut().enumerate() {
            *weight += if hash >> bit & 1 == 1 { 1 } else { -1 };
        }
    }
    weights
        .iter()
        .enumerate()
        .filter(|(_, w)| **w > 0)
        .fold(0, |acc, (bit, _)| acc | 1 << bit)
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
}
