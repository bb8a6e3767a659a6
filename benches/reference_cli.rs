//! The reference configuration as a program, for timing beside newssearch.
//!
//! ```sh
//! cargo run --release --example reference -- index INDEX_DIR FOLDER
//! cargo run --release --example reference -- query INDEX_DIR QUERY
//! ```

#[path = "reference.rs"]
mod reference;

use std::path::Path;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["index", dir, folder] => {
            let started = Instant::now();
            let reference = reference::Reference::build(Path::new(dir), Path::new(folder))?;
            eprintln!(
                "{} posts in {:.2} s",
                reference.num_docs(),
                started.elapsed().as_secs_f64()
            );
        }
        ["query", dir, query] => {
            let reference = reference::Reference::open(Path::new(dir))?;
            let (paths, total) = reference.search(query, 10)?;
            println!("{total} posts match");
            for path in paths {
                println!("{path}");
            }
        }
        _ => {
            return Err(
                "usage: reference index INDEX_DIR FOLDER | reference query INDEX_DIR QUERY".into(),
            );
        }
    }
    Ok(())
}
