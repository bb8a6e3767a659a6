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
