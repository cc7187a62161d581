//! `eiq2misp`: maps EclecticIQ JSON packages to MISP events, one per incident.
//!
//! `eiq2misp [--objects] [--no-tags] [--publish] [--org NAME] [--date YYYY-MM-DD] [--feed]
//! --out DIR PACKAGE.json…` reads the packages as one dataset and writes one `<event-uuid>.json`
//! (`{"Event":…}`) per incident, plus `report.json` listing every entity and extract not mapped
//! with its reason. `--feed` writes a MISP feed directory instead (`<uuid>.json`,
//! `hashes.csv`, `manifest.json`, and `report.json` beside them); feed events need a creator
//! organisation, `--org` or `EclecticIQ` by default; event files of an earlier run that the new
//! manifest does not list are removed. Each event is written as soon as it is mapped, so the
//! events of a large dataset are never all in memory.
//!
//! Exit codes: 0 success, 1 invalid input (the message names the file and JSON path), 2 usage
//! or I/O error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Parser;
use eiq_json::{Dataset, Package};
use examples::cli::Failure;
use examples::exchange::Error as ExchangeError;
use examples::exchange::misp::{FeedDir, write_atomic};
use feed_mapping::outgoing::{MappingOptions, MappingReport, map_dataset_events};

/// The creator organisation written on feed events when `--org` is not given.
const DEFAULT_FEED_ORG: &str = "EclecticIQ";

#[derive(Parser)]
#[command(
    name = "eiq2misp",
    version,
    about = "Map EclecticIQ JSON packages to MISP events (one per incident)"
)]
struct Cli {
    /// Group composite entities into MISP objects (file, ip-port, domain-ip, email).
    #[arg(long)]
    objects: bool,
    /// Leave entity tags out (the TLP tag and distribution are always written).
    #[arg(long)]
    no_tags: bool,
    /// Mark the events published.
    #[arg(long)]
    publish: bool,
    /// Creator organisation name (Orgc) written on every event.
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
    /// Event date used when an incident has none (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// Write a MISP feed directory (manifest.json, hashes.csv) instead of plain event files.
    #[arg(long)]
    feed: bool,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// EclecticIQ JSON packages, read together as one dataset.
    #[arg(required = true, value_name = "PACKAGE.json")]
    packages: Vec<PathBuf>,
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), Failure> {
    write_atomic(dir, name, bytes)
        .map_err(|e| Failure::Io(format!("cannot write {}/{name}: {e}", dir.display())))
}

/// A feed directory error: an event the feed cannot carry is invalid input, the rest is I/O.
fn feed_failure(error: ExchangeError) -> Failure {
    match error {
        ExchangeError::Misp(e) => Failure::Invalid(format!("cannot write the feed: {e}")),
        other => Failure::Io(other.to_string()),
    }
}

fn run(cli: &Cli) -> Result<(), Failure> {
    if let Some(date) = &cli.date
        && !misp_model::validate::is_date(date)
    {
        return Err(Failure::Invalid(format!(
            "--date `{date}` is not a YYYY-MM-DD date"
        )));
    }
    let mut packages = Vec::new();
    for path in &cli.packages {
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::Io(format!("cannot read {}: {e}", path.display())))?;
        let package = Package::from_json(&bytes)
            .map_err(|e| Failure::Invalid(format!("{}: {e}", path.display())))?;
        packages.push(package);
    }
    let dataset = Dataset::from_packages(packages.iter());
    let mut options = MappingOptions::default()
        .with_include_tags(!cli.no_tags)
        .with_objects(cli.objects)
        .with_publish(cli.publish);
    let org = cli
        .org
        .clone()
        .or_else(|| cli.feed.then(|| DEFAULT_FEED_ORG.to_owned()));
    if let Some(org) = org {
        options = options.with_org_name(org);
    }
    if let Some(date) = &cli.date {
        options = options.with_date(date.clone());
    }
    std::fs::create_dir_all(&cli.out)
        .map_err(|e| Failure::Io(format!("cannot create {}: {e}", cli.out.display())))?;
    // Each event is written as soon as it is mapped and then dropped: a large dataset's events
    // are never all in memory at once (only the report's one line per event is kept).
    let mut feed = if cli.feed {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Some(FeedDir::create(&cli.out, now).map_err(feed_failure)?)
    } else {
        None
    };
    let mut report = MappingReport::default();
    let (mut event_count, mut attribute_count, mut object_count) = (0usize, 0usize, 0usize);
    let mut events = map_dataset_events(&dataset, &options);
    for event in &mut events {
        report.add_event(&event);
        event_count += 1;
        attribute_count += event.attributes.len();
        object_count += event.objects.len();
        match &mut feed {
            Some(feed) => feed.add(&event).map_err(feed_failure)?,
            None => {
                let uuid = event.uuid.as_deref().unwrap_or_default();
                write_file(&cli.out, &format!("{uuid}.json"), &event.to_json_pretty())?;
            }
        }
    }
    let skipped = events.into_skipped();
    // hashes.csv, then manifest.json last; event files of an earlier run go.
    if let Some(feed) = feed {
        feed.finish().map_err(feed_failure)?;
    }
    let mut report = serde_json::to_vec_pretty(&report.to_json(&skipped))
        .map_err(|e| Failure::Io(format!("cannot encode report.json: {e}")))?;
    report.push(b'\n');
    write_file(&cli.out, "report.json", &report)?;
    println!(
        "{event_count} event(s), {attribute_count} attribute(s), {object_count} object(s), {} \
         item(s) not mapped (see {}/report.json)",
        skipped.len(),
        cli.out.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    Failure::exit_code("eiq2misp", run(&Cli::parse()))
}
