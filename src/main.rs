//! The newssearch command line.
fn main() {}
