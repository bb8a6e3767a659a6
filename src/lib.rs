//! newssearch: Chinese full-text search over folders of news posts.
#![doc = "x"]

pub mod analysis;
mod post;

pub use post::{MAX_POST_BYTES, Post, PostError, china_standard_time, parse_post_date};
