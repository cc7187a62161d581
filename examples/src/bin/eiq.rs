//! `eiq`: a thin command-line client over `eiq-json`.
//!
//! * `eiq check [--pretty] [--max-size BYTES] FILE|-` parses an EclecticIQ JSON package, bare
//!   entity or wrapped entity (API body, legacy document), prints it normalised as JSON on
//!   stdout and a one-line summary on stderr: entities by type, relations, extracts, dangling
//!   references (plus `entity_counts` mismatches and duplicate ids when there are any).
//!
//! Exit codes: 0 success, 1 invalid input (one `eiq: FILE: …` line on stderr), 2 usage or
//! I/O error.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use eiq_json::{Dataset, Document, Entity, Limits, Package};
use taxii1_core::size::SizeLimit;

#[derive(Parser)]
#[command(name = "eiq", version, about = "EclecticIQ JSON checker")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse a package or entity; print it normalised and a summary.
    Check {
        /// Indent the printed JSON.
        #[arg(long)]
        pretty: bool,
        /// Largest accepted input in bytes (default 20 MiB; at most 100 MiB).
        #[arg(long, value_name = "BYTES")]
        max_size: Option<usize>,
        /// The EclecticIQ JSON file, or `-` for standard input.
        file: String,
    },
}

/// A failure that is not about the input's content.
struct Fatal(String);

fn read_input(file: &str, limit: SizeLimit) -> Result<Vec<u8>, Fatal> {
    // Read one byte past the limit so the library reports the size instead of us truncating.
    let cap = u64::try_from(limit.bytes())
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut buf = Vec::new();
    let result = if file == "-" {
        std::io::stdin().take(cap).read_to_end(&mut buf)
    } else {
        std::fs::File::open(file).and_then(|f| f.take(cap).read_to_end(&mut buf))
    };
    result
        .map(|_| buf)
        .map_err(|e| Fatal(format!("cannot read {file}: {e}")))
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// The one-line summary of a document.
fn summary(document: &Document) -> String {
    let (head, entities, package): (String, Vec<&Entity>, Option<&Package>) = match document {
        Document::Package(package) => (
            format!("package {}", package.content_type.binding_id()),
            package.entities().iter().collect(),
            Some(package.as_ref()),
        ),
        Document::Entity(entity) => (
            format!("entity {}", entity.entity_type()),
            vec![entity.as_ref()],
            None,
        ),
        Document::Wrapped(wrapped) => {
            let draft = &wrapped.data;
            let extracts = draft.extracts().len();
            let manual = draft.meta.get().map_or(0, |m| {
                m.manual_extracts.get().map_or(0, Vec::len)
                    + m.bundled_extracts.get().map_or(0, Vec::len)
            });
            return format!(
                "wrapped entity {} without id: {}, {} to ingest",
                draft.entity_type(),
                plural(extracts, "extract", "extracts"),
                plural(manual, "extract", "extracts"),
            );
        }
        _ => return "unknown document".to_string(),
    };
    let dataset = Dataset::from_entities(entities.iter().copied());
    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    for entity in &entities {
        *by_type.entry(entity.entity_type().as_str()).or_insert(0) += 1;
    }
    let types: Vec<String> = by_type.iter().map(|(t, n)| format!("{t} {n}")).collect();
    let extracts: usize = entities.iter().map(|e| e.extracts().len()).sum();
    let mut line = format!("{head}: {}", plural(entities.len(), "entity", "entities"));
    if !types.is_empty() {
        let _ = write!(line, " ({})", types.join(", "));
    }
    let _ = write!(
        line,
        ", {}, {}, {}",
        plural(dataset.relations().len(), "relation", "relations"),
        plural(extracts, "extract", "extracts"),
        plural(
            dataset.dangling().len(),
            "dangling reference",
            "dangling references"
        ),
    );
    if !dataset.duplicates().is_empty() {
        let _ = write!(
            line,
            ", {}",
            plural(dataset.duplicates().len(), "duplicate id", "duplicate ids")
        );
    }
    if let Some(package) = package {
        let mismatches = package.count_mismatches();
        if !mismatches.is_empty() {
            let detail: Vec<String> = mismatches
                .iter()
                .map(|m| {
                    format!(
                        "{} declared {} found {}",
                        m.entity_type, m.declared, m.actual
                    )
                })
                .collect();
            let _ = write!(line, ", entity_counts differ: {}", detail.join("; "));
        }
    }
    line
}

fn check(pretty: bool, max_size: Option<usize>, file: &str) -> Result<ExitCode, Fatal> {
    let size = match max_size {
        Some(bytes) => SizeLimit::new(bytes).map_err(|e| Fatal(format!("--max-size: {e}")))?,
        None => SizeLimit::default(),
    };
    let limits = Limits::default().with_size(size);
    let bytes = read_input(file, size)?;
    let document = match Document::from_json_with(&bytes, &limits) {
        Ok(document) => document,
        Err(err) => {
            eprintln!("eiq: {file}: {err}");
            return Ok(ExitCode::from(1));
        }
    };
    let written = if pretty {
        document.to_json_pretty()
    } else {
        document.to_json()
    };
    let mut written = written.map_err(|e| Fatal(format!("{file}: {e}")))?;
    written.push(b'\n');
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&written)
        .and_then(|()| stdout.flush())
        .map_err(|e| Fatal(format!("cannot write to standard output: {e}")))?;
    eprintln!("{file}: {}", summary(&document));
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check {
            pretty,
            max_size,
            file,
        } => check(*pretty, *max_size, file),
    };
    match result {
        Ok(code) => code,
        Err(Fatal(message)) => {
            eprintln!("eiq: {message}");
            ExitCode::from(2)
        }
    }
}
