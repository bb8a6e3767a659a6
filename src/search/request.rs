//! What a search asks for.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};

use super::snippet::SnippetOptions;
use crate::error::{Error, Result};
use crate::post::china_standard_time;

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest first (relevance breaks ties).
    Date,
}

/// A search: the query, filters, order and page.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    /// The query, in newssearch's query language (see the crate docs).
    pub query: String,
    /// Hits to return.
    pub limit: usize,
    /// Hits to skip (for paging).
    pub offset: usize,
    /// Only posts in one of these categories (compared by [`facet_key`](super::facet_key):
    /// case, width, script and middle dots aside).
    pub categories: Vec<String>,
    /// Only posts with one of these tags (compared as categories are).
    pub tags: Vec<String>,
    /// Only posts published at or after this instant.
    pub from: Option<DateTime<FixedOffset>>,
    /// Only posts published before this instant.
    pub to: Option<DateTime<FixedOffset>>,
    /// Result order.
    pub sort: Sort,
    /// Blend relevance with freshness: a post this many days older than the newest post in the
    /// index scores half as much. Only with [`Sort::Relevance`]: a search by date with a
    /// half-life is an error.
    pub half_life_days: Option<f64>,
    /// Show every reprint of a story instead of collapsing them into one hit.
    pub show_reprints: bool,
    /// Snippet sizes.
    pub snippets: SnippetOptions,
}

impl Default for SearchRequest {
    fn default() -> SearchRequest {
        SearchRequest {
            query: String::new(),
            limit: 10,
            offset: 0,
            categories: Vec::new(),
            tags: Vec::new(),
            from: None,
            to: None,
            sort: Sort::Relevance,
            half_life_days: None,
            show_reprints: false,
            snippets: SnippetOptions::default(),
        }
    }
}

impl SearchRequest {
    /// A request for `query` with default settings.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            ..SearchRequest::default()
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from >= to
        {
            return Err(Error::Option {
                option: "--from".into(),
                value: from.date_naive().to_string(),
                // `to` is the first instant after the period: name the period's last day.
                reason: format!(
                    "is after --to (the last day it includes is {})",
                    (to - chrono::Duration::seconds(1)).date_naive()
                ),
            });
        }
        if let Some(days) = self.half_life_days
            && !(days.is_finite() && days > 0.0)
        {
            return Err(Error::Option {
                option: "--half-life".into(),
                value: days.to_string(),
                reason: "must be a positive number of days".into(),
            });
        }
        if let Some(days) = self.half_life_days
            && self.sort == Sort::Date
        {
            return Err(Error::Option {
                option: "--half-life".into(),
                value: days.to_string(),
                reason: "weighs relevance by age, which --sort date does not rank by; \
                         use one or the other"
                    .into(),
            });
        }
        Ok(())
    }
}

/// Which end of a period a date names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodEnd {
    /// The first instant of the period (`--from`).
    Start,
    /// The first instant after the period (`--to`, exclusive).
    End,
}

/// Parses `2024`, `2024-03` or `2024-03-15` (China Standard Time; also with `/` or `.`, or
/// written `2024年3月15日`) as the start of that period, or as the instant just after it.
pub fn parse_period(text: &str, end: PeriodEnd) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    let text = text.strip_suffix(['年', '月', '日']).unwrap_or(text);
    let parts: Vec<&str> = text.split(['-', '/', '.', '年', '月']).collect();
    let number = |i: usize| parts.get(i).and_then(|p| p.parse::<u32>().ok());
    let year = parts
        .first()?
        .parse::<i32>()
        .ok()
        .filter(|y| (1000..=9999).contains(y))?;
    let (start, next) = match parts.len() {
        1 => (
            NaiveDate::from_ymd_opt(year, 1, 1)?,
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?,
        ),
        2 => {
            let first = NaiveDate::from_ymd_opt(year, number(1)?, 1)?;
            (first, first.checked_add_months(chrono::Months::new(1))?)
        }
        3 => {
            let day = NaiveDate::from_ymd_opt(year, number(1)?, number(2)?)?;
            (day, day.succ_opt()?)
        }
        _ => return None,
    };
    let date = if end == PeriodEnd::Start { start } else { next };
    china_standard_time()
        .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
        .single()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let table = [
            ("2024", PeriodEnd::Start, "2024-01-01T00:00:00+08:00"),
            ("2024", PeriodEnd::End, "2025-01-01T00:00:00+08:00"),
            ("2024-03", PeriodEnd::Start, "2024-03-01T00:00:00+08:00"),
            ("2024-12", PeriodEnd::End, "2025-01-01T00:00:00+08:00"),
            ("2024-03-15", PeriodEnd::End, "2024-03-16T00:00:00+08:00"),
            ("2024年", PeriodEnd::Start, "2024-01-01T00:00:00+08:00"),
            ("2024年3月", PeriodEnd::End, "2024-04-01T00:00:00+08:00"),
            (
                "2024年3月15日",
                PeriodEnd::Start,
                "2024-03-15T00:00:00+08:00",
            ),
            ("2024.3.15", PeriodEnd::End, "2024-03-16T00:00:00+08:00"),
        ];
        for (text, end, expected) in table {
            assert_eq!(
                parse_period(text, end).unwrap().to_rfc3339(),
                expected,
                "{text}"
            );
        }
        for bad in [
            "",
            "24",
            "2024-13",
            "2024-02-30",
            "march",
            "2024-01-01-01",
            "年",
            "2024年13月",
            "2024年3月15日日",
        ] {
            assert_eq!(parse_period(bad, PeriodEnd::Start), None, "{bad}");
        }
    }

    #[test]
    fn inverted_range_is_an_error() {
        let request = SearchRequest {
            from: parse_period("2024-05", PeriodEnd::Start),
            to: parse_period("2024-03", PeriodEnd::End),
            ..SearchRequest::new("x")
        };
        let message = request.validate().unwrap_err().to_string();
        assert!(
            message.contains("--from") && message.contains("--to"),
            "{message}"
        );
    }
}
