//! Fingerprints of post text, for recognising reprints of the same story.
//!
//! A one-permutation MinHash of the text's shingles (four consecutive units: Han characters and
//! runs of letters or digits; punctuation and spaces left out), keeping one bit of each of 64
//! bins' minimum. Two texts whose shingles have Jaccard similarity `J` differ in about
//! `32 × (1 − J)` bits. A reprint under another title, source line or footer shares nearly all
//! of its story's shingles (a few bits apart); a report written from the same template with
//! other names, dates or figures does not, since every unit changed changes four shingles; an
//! unrelated text differs in about 32. A text shorter than [`MIN_SHINGLES`] shingles (a
//! one-sentence announcement, an empty video page) has no fingerprint: so few shingles cannot
//! tell a reprint from the same announcement made again.

use xxhash_rust::xxh3::xxh3_64;

use super::normalize::fold_each;
use super::units::{is_han, is_word_char};

/// Units per shingle.
const SHINGLE: usize = 4;
/// Bins of the MinHash, one bit of the fingerprint each.
const BINS: usize = 64;
/// The fewest shingles a fingerprinted text has (about as many characters).
pub const MIN_SHINGLES: usize = 100;

/// The fingerprint of `text` (normalised here, a character at a time: no normalised copy of a
/// body is made); 0 for a text of fewer than [`MIN_SHINGLES`] shingles.
pub fn fingerprint(text: &str) -> u64 {
    let mut shingles = Shingles::default();
    fold_each(text, |c| shingles.push(c));
    shingles.finish()
}

/// [`fingerprint`] of text that is already normalised.
pub fn fingerprint_normalized(normalized: &str) -> u64 {
    let mut shingles = Shingles::default();
    normalized.chars().for_each(|c| shingles.push(c));
    shingles.finish()
}

/// The MinHash of a normalised text, fed a character at a time.
struct Shingles {
    mins: [u64; BINS],
    /// Hashes of the last [`SHINGLE`] units.
    window: [u64; SHINGLE],
    units: usize,
    /// The open run of letters and digits (a unit once it ends).
    word: String,
}

impl Default for Shingles {
    fn default() -> Shingles {
        Shingles {
            mins: [u64::MAX; BINS],
            window: [0; SHINGLE],
            units: 0,
            word: String::new(),
        }
    }
}

impl Shingles {
    /// The next character of the normalised text.
    fn push(&mut self, c: char) {
        if is_word_char(c) {
            self.word.push(c);
            return;
        }
        self.end_word();
        if is_han(c) {
            self.unit(mix(u64::from(c)));
        }
    }

    /// A run of letters and digits, if one is open, is a unit.
    fn end_word(&mut self) {
        if !self.word.is_empty() {
            let hash = xxh3_64(self.word.as_bytes());
            self.word.clear();
            self.unit(hash);
        }
    }

    fn unit(&mut self, hash: u64) {
        self.window.rotate_left(1);
        self.window[SHINGLE - 1] = hash;
        self.units += 1;
        if self.units >= SHINGLE {
            let shingle = self
                .window
                .iter()
                .fold(0, |h: u64, &u| mix(h.rotate_left(5) ^ u));
            let bin = (shingle >> 58) as usize;
            self.mins[bin] = self.mins[bin].min(shingle);
        }
    }

    fn finish(mut self) -> u64 {
        self.end_word();
        if self.units + 1 < SHINGLE + MIN_SHINGLES {
            return 0;
        }
        let mins = &self.mins;
        // An empty bin borrows the minimum of the next bin that has one (densified
        // one-permutation hashing), so that short texts get as many meaningful bits as long
        // ones.
        (0..BINS).fold(0, |bits, bin| {
            let (from, min) = (0..BINS)
                .map(|k| (bin + k) % BINS)
                .find_map(|j| (mins[j] != u64::MAX).then_some((j, mins[j])))
                .expect("a fingerprinted text has shingles");
            let value = if from == bin {
                min
            } else {
                mix(min ^ bin as u64)
            };
            bits | (mix(value) >> 63) << bin
        })
    }
}

/// A 64-bit mixing function (SplitMix64's finaliser).
fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Bits in which two fingerprints differ.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "全国碳排放权交易市场今天迎来新一批控排企业，钢铁、水泥和电解铝行业首次纳入，\
        覆盖的年排放量增加约三十亿吨。生态环境部表示，将完善配额分配方法，加强数据质量监管，\
        推动市场平稳有序运行。业内人士认为，扩围后市场的活跃度和价格发现功能将进一步增强，\
        企业减排的内在动力也会随之提高。";

    #[test]
    fn reprints_are_close() {
        let print = fingerprint(STORY);
        assert_ne!(print, 0);
        for reprint in [
            format!("{STORY}（来源：某某日报）"),
            format!("（转载）{STORY}"),
            format!("本报讯 {STORY}（责任编辑：王五）"),
            STORY.replace('，', ", "),
        ] {
            let d = distance(print, fingerprint(&reprint));
            assert!(d <= 4, "{d}: {reprint}");
        }
    }

    #[test]
    fn other_stories_are_far() {
        let other = "气象台发布寒潮预警，受强冷空气影响，北方大部地区气温将下降八到十度，局地降温超过\
            十二度，并伴有大风和降雪天气。气象部门提醒公众注意防寒保暖，合理安排出行。交通部门\
            提前做好道路除冰和除雪准备工作，电力部门加强电网巡检，确保居民供暖和用电安全稳定。";
        assert!(distance(fingerprint(STORY), fingerprint(other)) > 16);
    }

    /// Reports from one template: the same sentences with another name, or other figures.
    #[test]
    fn reports_from_one_template_are_apart() {
        let welcome = |guest: &str| {
            format!(
                "国家主席习近平今天在人民大会堂东门外广场举行仪式，欢迎{guest}对我国进行国事访问。\
                 {guest}抵达时，礼兵列队致敬。两国元首登上检阅台，军乐团奏两国国歌，鸣放礼炮。\
                 {guest}在习近平陪同下检阅中国人民解放军三军仪仗队，并观看分列式。"
            )
        };
        let a = fingerprint(&welcome("哥伦比亚总统佩特罗"));
        let b = fingerprint(&welcome("东帝汶总统奥尔塔"));
        assert!(a != 0 && distance(a, b) > 6, "{}", distance(a, b));
        let report = |day: u32, cases: u32| {
            format!(
                "国家卫生健康委今天（9月{day}日）通报，9月{}日0—24时，31个省（自治区、直辖市）\
                 和新疆生产建设兵团报告新增确诊病例{cases}例，其中境外输入病例{}例，本土病例{}例。\
                 当日新增治愈出院病例{}例，解除医学观察的密切接触者{}人。截至9月{}日24时，\
                 现有确诊病例{}例，累计报告确诊病例{}例，尚在医学观察的密切接触者{}人。",
                day - 1,
                cases / 4,
                cases - cases / 4,
                cases + 31,
                cases * 40,
                day - 1,
                cases * 12,
                cases * 1000 + 3,
                cases * 97
            )
        };
        let (a, b) = (fingerprint(&report(25, 217)), fingerprint(&report(28, 194)));
        assert!(a != 0 && distance(a, b) > 6, "{}", distance(a, b));
    }

    /// Folding a character at a time gives the fingerprint of the normalised text.
    #[test]
    fn folding_on_the_way_is_normalising_first() {
        for text in [
            format!("{STORY}ＧＤＰ增长５％，AI芯片 c919大飞机"),
            format!("數字經濟{STORY}Covid-19 ５Ｇ"),
            STORY.to_owned(),
        ] {
            let normalized = super::super::normalize(&text);
            assert_eq!(
                fingerprint(&text),
                fingerprint_normalized(&normalized),
                "{text}"
            );
        }
    }

    #[test]
    fn units_not_bytes_make_the_shingles() {
        // Full-width forms and spacing fold away before the fingerprint is taken.
        assert_eq!(
            fingerprint(&format!("{STORY}ＧＤＰ增长５％")),
            fingerprint(&format!("{STORY}GDP 增长 5%"))
        );
    }

    #[test]
    fn short_texts_have_no_fingerprint() {
        let han: String = STORY.chars().filter(|&c| is_han(c)).collect();
        let first = |n: usize| han.chars().take(n).collect::<String>();
        assert_eq!(fingerprint(&first(SHINGLE + MIN_SHINGLES - 2)), 0);
        assert_ne!(fingerprint(&first(SHINGLE + MIN_SHINGLES - 1)), 0);
        assert_eq!(fingerprint("---（更新时间戳：1697806348287）"), 0);
    }
}
