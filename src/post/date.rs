//! Dates as posts and users write them.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};

/// China Standard Time, the zone of dates written without one.
pub fn china_standard_time() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset")
}

const ZONED_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S %:z",
    "%Y-%m-%d %H:%M %z",
    "%Y-%m-%dT%H:%M:%S%.f%:z",
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y/%m/%d %H:%M:%S %z",
];

const NAIVE_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M",
    "%Y年%m月%d日 %H时%M分",
    "%Y年%m月%d日%H时%M分",
];

const DATE_FORMATS: &[&str] = &["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"];

/// The range of years accepted: tantivy stores dates as microseconds, and anything outside this
/// range in a news archive is a typo.
const YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;

/// Parses a front-matter date: `2022-03-23 16:09:12 +0800`, RFC 3339, `2024-03-15 10:00`,
/// `2024-03-15`, `2024年3月15日 10:30`, RFC 2822 as feeds write it (`Fri, 15 Mar 2024 10:00:00
/// +0800`), … Dates without a zone are China Standard Time.
pub fn parse_post_date(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    let parsed = DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_rfc2822(text))
        .ok()
        .or_else(|| {
            ZONED_FORMATS
                .iter()
                .find_map(|f| DateTime::parse_from_str(text, f).ok())
        })
        .or_else(|| {
            let naive = NAIVE_FORMATS
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
                .or_else(|| {
                    DATE_FORMATS
                        .iter()
                        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
                        .and_then(|d| d.and_hms_opt(0, 0, 0))
                })?;
            china_standard_time().from_local_datetime(&naive).single()
        })?;
    YEARS
        .contains(&chrono::Datelike::year(&parsed))
        .then_some(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_posts_use() {
        let table = [
            ("2022-03-23 16:09:12 +0800", "2022-03-23T16:09:12+08:00"),
            ("2024-03-15T10:00:00Z", "2024-03-15T10:00:00+00:00"),
            ("2024-03-15T10:00:00+09:00", "2024-03-15T10:00:00+09:00"),
            ("2024-03-15 10:00", "2024-03-15T10:00:00+08:00"),
            ("2024-03-15 10:00:30", "2024-03-15T10:00:30+08:00"),
            ("2024-03-15", "2024-03-15T00:00:00+08:00"),
            (" 2024/3/5 ", "2024-03-05T00:00:00+08:00"),
            ("2024年3月15日", "2024-03-15T00:00:00+08:00"),
            ("2024年03月15日 10:30", "2024-03-15T10:30:00+08:00"),
            ("2024年3月5日 9时05分", "2024-03-05T09:05:00+08:00"),
            ("2024.03.15 10:30", "2024-03-15T10:30:00+08:00"),
            (
                "Fri, 15 Mar 2024 10:00:00 +0800",
                "2024-03-15T10:00:00+08:00",
            ),
            ("Fri, 15 Mar 2024 02:00:00 GMT", "2024-03-15T02:00:00+00:00"),
        ];
        for (input, expected) in table {
            let parsed = parse_post_date(input).unwrap_or_else(|| panic!("{input}"));
            assert_eq!(parsed.to_rfc3339(), expected, "{input}");
        }
    }

    #[test]
    fn rejects_nonsense_and_out_of_range() {
        for input in ["", "yesterday", "2024-13-01", "0001-01-01", "99999-01-01"] {
            assert_eq!(parse_post_date(input), None, "{input}");
        }
    }
}
