//! `misp2eiq`: maps MISP events to one EclecticIQ JSON package.
//!
//! `misp2eiq [--no-tags] [--distribution-first] EVENT.json… --out FILE` reads every event of
//! each file (any MISP form: `{"Event":…}`, a bare event, a list or search result) and writes
//! one package: an incident per event, its attributes as indicator extracts. Attributes with no
//! extract kind are listed on stderr.
//!
//! Exit codes: 0 success, 1 invalid input (the message names the file and JSON path), 2 usage
//! or I/O error.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use examples::cli::Failure;
use feed_mapping::incoming::{IncomingOptions, map_events};
use misp_model::Document;

#[derive(Parser)]
#[command(
    name = "misp2eiq",
    version,
    about = "Map MISP events to one EclecticIQ JSON package"
)]
struct Cli {
    /// Leave MISP tags out.
    #[arg(long)]
    no_tags: bool,
    /// Take the TLP from the distribution even when a tlp: tag is present.
    #[arg(long)]
    distribution_first: bool,
    /// The package file to write.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// MISP event files.
    #[arg(required = true, value_name = "EVENT.json")]
    events: Vec<PathBuf>,
}

fn run(cli: &Cli) -> Result<(), Failure> {
    let mut events = Vec::new();
    for path in &cli.events {
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::Io(format!("cannot read {}: {e}", path.display())))?;
        let document = Document::from_json(&bytes)
            .map_err(|e| Failure::Invalid(format!("{}: {e}", path.display())))?;
        events.extend(document.into_events());
    }
    let options = IncomingOptions::default()
        .with_include_tags(!cli.no_tags)
        .with_prioritize_tlp_tag(!cli.distribution_first);
    let outcome = map_events(&events, &options);
    for skipped in &outcome.skipped {
        eprintln!(
            "misp2eiq: event {}: attribute {} `{}` not mapped: {}",
            skipped.event,
            skipped.attribute_uuid.as_deref().unwrap_or("(no uuid)"),
            skipped.attribute_type,
            skipped.reason
        );
    }
    let bytes = outcome
        .package
        .to_json_pretty()
        .map_err(|e| Failure::Io(format!("cannot encode the package: {e}")))?;
    let mut file = std::fs::File::create(&cli.out)
        .map_err(|e| Failure::Io(format!("cannot write {}: {e}", cli.out.display())))?;
    file.write_all(&bytes)
        .and_then(|()| file.write_all(b"\n"))
        .map_err(|e| Failure::Io(format!("cannot write {}: {e}", cli.out.display())))?;
    println!(
        "{} event(s) -> {} entities, {} attribute(s) not mapped",
        events.len(),
        outcome.package.entities().len(),
        outcome.skipped.len()
    );
    Ok(())
}

fn main() -> ExitCode {
    Failure::exit_code("misp2eiq", run(&Cli::parse()))
}
