//! The parsing floor for benchmarks: walk the directories given, read every permission metadata
//! file (the parts of decomposed permission sets included) and every file named, and tokenize them
//! with quick-xml, in parallel, building nothing. sflint cannot be faster than reading and
//! tokenizing the same bytes. `--definitions` adds the object, field and record type files that
//! the project checks read.
//!
//! ```sh
//! cargo run --release --example tokenize -- /tmp/org [THREADS]
//! cargo run --release --example tokenize -- --threads 1 /tmp/org/a.profile-meta.xml ...
//! cargo run --release --example tokenize -- --definitions /tmp/org
//! ```

use std::path::{Path, PathBuf};

use quick_xml::Reader;
use quick_xml::events::Event;
use rayon::prelude::*;

/// Permission metadata by its name, or a `-meta.xml` part of a decomposed permission set (a file
/// with a folder between it and a `permissionsets` directory).
fn is_metadata(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return false;
    };
    if sflint::model::MetadataKind::from_file_name(name).is_some() {
        return true;
    }
    name.ends_with("-meta.xml")
        && path
            .ancestors()
            .skip(2)
            .any(|dir| dir.file_name().is_some_and(|dir| dir == "permissionsets"))
}

/// An object, field or record type definition.
fn is_definition(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| {
            [
                ".object-meta.xml",
                ".field-meta.xml",
                ".recordType-meta.xml",
                ".object",
            ]
            .iter()
            .any(|suffix| name.ends_with(suffix))
        })
}

fn main() {
    let mut threads: Option<usize> = None;
    let mut definitions = false;
    let mut roots: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--definitions" {
            definitions = true;
        } else if arg == "--threads" {
            threads = args.next().and_then(|value| value.parse().ok());
        } else if let (false, Ok(value)) = (roots.is_empty(), arg.parse::<usize>()) {
            threads = Some(value);
        } else {
            roots.push(PathBuf::from(arg));
        }
    }
    if roots.is_empty() {
        eprintln!(
            "usage: tokenize [--threads N] [--definitions] DIR|FILE... (or: tokenize DIR THREADS)"
        );
        std::process::exit(2);
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for root in roots {
        if root.is_file() {
            files.push(root);
            continue;
        }
        files.extend(
            walkdir::WalkDir::new(&root)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|entry| entry.file_type().is_file())
                .map(|entry| entry.into_path())
                .filter(|path| is_metadata(path) || definitions && is_definition(path)),
        );
    }
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
