//! Output: the JSON wire format and terminal rendering.

mod json;
mod terminal;

pub use json::{JsonHit, JsonResults, JsonSnippet};
pub use terminal::{sanitize, write_explanation, write_report, write_results};
