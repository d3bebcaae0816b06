//! The parsing floor for benchmarks: walk a directory, read every permission metadata file and
//! tokenize it with quick-xml, in parallel, building nothing. sflint cannot be faster than reading
//! and tokenizing the same bytes.
//!
//! ```sh
//! cargo run --release --example tokenize -- /tmp/org [THREADS]
//! ```

use std::path::PathBuf;

use quick_xml::Reader;
use quick_xml::events::Event;
use rayon::prelude::*;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next().map(PathBuf::from) else {
        eprintln!("usage: tokenize DIR [THREADS]");
        std::process::exit(2);
    };
    let threads: Option<usize> = args.next().and_then(|value| value.parse().ok());
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.into_path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .and_then(sflint::model::MetadataKind::from_file_name)
                .is_some()
        })
        .collect();
    let run = || -> u64 {
        files
            .par_iter()
            .map(|path| {
                let bytes = std::fs::read(path).expect("read");
                let text = std::str::from_utf8(&bytes).expect("utf-8");
                let mut reader = Reader::from_str(text);
                let mut events = 0u64;
                loop {
                    match reader.read_event() {
                        Ok(Event::Eof) | Err(_) => break,
                        // Each event is materialised, as a consumer would see it; without this
                        // the optimiser may skip building events nobody reads.
                        Ok(event) => {
                            std::hint::black_box(&event);
                            events += 1;
                        }
                    }
                }
                events
            })
            .sum()
    };
    let events = match threads {
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool")
            .install(run),
        None => run(),
    };
    println!("{} files, {events} events", files.len());
}
