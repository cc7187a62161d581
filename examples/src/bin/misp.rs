//! `misp`: a thin command-line client over `misp-model`.
//!
//! * `misp check [--lax] [--describe-types FILE] FILE|-` reads any MISP JSON form, validates
//!   every event against describeTypes and prints each event normalised as one `{"Event":…}`
//!   line on stdout (attribute and object collections as one normalised `{"response":…}` line);
//!   problems go to stderr as `FILE: event N: PATH: MESSAGE`.
//! * `misp feed --out DIR FILE…` writes a MISP feed directory (`<uuid>.json`, `hashes.csv`,
//!   `manifest.json`; each file written to a temporary name and renamed, the manifest last).
//! * `misp push --url URL --key KEY FILE…` adds each event, or edits it when MISP says the UUID
//!   exists already; `--publish` publishes afterwards. The key may come from `MISP_KEY`.
//!
//! Exit codes: 0 success, 1 invalid input or a failed push, 2 usage or I/O error.

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{Parser, Subcommand};
use examples::misp_http::MispTransport;
use misp_model::describe_types::DescribeTypes;
use misp_model::feed::{FeedOptions, write_feed};
use misp_model::rest::{MispClient, Push, PushOutcome, PushStep};
use misp_model::validate::{Mode, Problem, validate_attribute, validate_event, validate_object};
use misp_model::{Document, Event, Limits};
use taxii1_core::size::SizeLimit;

#[derive(Parser)]
#[command(
    name = "misp",
    version,
    about = "MISP core format checker, feed writer and push client"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and validate MISP JSON; print the normalised event(s).
    Check {
        /// Report only what MISP or PyMISP would refuse (not what PyMISP silently rewrites).
        #[arg(long)]
        lax: bool,
        /// Validate against this describeTypes.json instead of the built-in table.
        #[arg(long, value_name = "FILE")]
        describe_types: Option<PathBuf>,
        /// Indent the printed JSON (one document per event, separated by newlines).
        #[arg(long)]
        pretty: bool,
        /// Largest accepted document in MiB (default 20, the feed limit; at most 100).
        #[arg(long, value_name = "MIB")]
        max_mib: Option<usize>,
        /// The MISP JSON file, or `-` for standard input.
        file: String,
    },
    /// Write a MISP feed directory from event files.
    Feed {
        /// The feed directory (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Time stamped on items without a timestamp (seconds since the Unix epoch; default now).
        #[arg(long, value_name = "SECONDS")]
        now: Option<u64>,
        /// MISP JSON files (any form); every event they hold goes into the feed.
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Add events to a MISP instance, editing those whose UUID exists already.
    Push {
        /// Base URL of the MISP instance, e.g. `https://misp.example`.
        #[arg(long)]
        url: String,
        /// API authkey (40 letters or digits).
        #[arg(long, env = "MISP_KEY", hide_env_values = true)]
        key: String,
        /// Publish each event after it was added or updated.
        #[arg(long)]
        publish: bool,
        /// Per-request timeout in seconds.
        #[arg(long, default_value_t = 60)]
        timeout: u64,
        /// MISP JSON files (any form); every event they hold is pushed.
        #[arg(required = true)]
        files: Vec<String>,
    },
}

/// A failure that ends the command with exit code 2.
struct Fatal(String);

fn read_input(file: &str) -> Result<Vec<u8>, Fatal> {
    let result = if file == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map(|_| buf)
    } else {
        std::fs::read(file)
    };
    result.map_err(|e| Fatal(format!("cannot read {file}: {e}")))
}

/// [`read_input`] for `misp check`: a large regular file is read in two halves on two threads
/// (positioned reads into one buffer), so the copy out of the page cache and the page faults of
/// the fresh buffer are shared between two cores. Anything else, and a file that changed size
/// meanwhile, is read as [`read_input`] reads it.
#[cfg(unix)]
fn read_input_parallel(file: &str) -> Result<Vec<u8>, Fatal> {
    use std::os::unix::fs::FileExt;
    /// Below this, one plain read is as fast.
    const PARALLEL_FROM: u64 = 8 * 1024 * 1024;
    if file == "-" {
        return read_input(file);
    }
    let opened = std::fs::File::open(file).and_then(|f| f.metadata().map(|m| (f, m)));
    let Ok((handle, metadata)) = opened else {
        return read_input(file);
    };
    let Ok(len) = usize::try_from(metadata.len()) else {
        return read_input(file);
    };
    if !metadata.is_file() || metadata.len() < PARALLEL_FROM {
        return read_input(file);
    }
    let mut buf = vec![0u8; len];
    let half = len / 2;
    let (first, second) = buf.split_at_mut(half);
    let read = std::thread::scope(|scope| {
        let other = scope.spawn(|| handle.read_exact_at(second, half as u64));
        let mine = handle.read_exact_at(first, 0);
        let theirs = other
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("reading thread stopped unexpectedly")));
        mine.and(theirs)
    });
    // Nothing may follow what the size promised (the file grew: read it the plain way).
    let mut probe = [0u8; 1];
    match (read, handle.read_at(&mut probe, metadata.len())) {
        (Ok(()), Ok(0)) => Ok(buf),
        _ => read_input(file),
    }
}

/// [`read_input`] where positioned reads are not available.
#[cfg(not(unix))]
fn read_input_parallel(file: &str) -> Result<Vec<u8>, Fatal> {
    read_input(file)
}

fn load_events(files: &[String]) -> Result<Result<Vec<Event>, String>, Fatal> {
    let mut events = Vec::new();
    for file in files {
        let bytes = read_input(file)?;
        match Document::from_json(&bytes) {
            Ok(doc) => events.extend(doc.into_events()),
            Err(err) => return Ok(Err(format!("{file}: {err}"))),
        }
    }
    Ok(Ok(events))
}

fn limits(max_mib: Option<usize>) -> Result<Limits, Fatal> {
    match max_mib {
        None => Ok(Limits::default()),
        Some(mib) => SizeLimit::from_mib(mib)
            .map(|limit| Limits::default().with_max_document_bytes(limit))
            .map_err(|e| Fatal(e.to_string())),
    }
}

fn check(
    lax: bool,
    describe_types: Option<&Path>,
    pretty: bool,
    max_mib: Option<usize>,
    file: &str,
) -> Result<bool, Fatal> {
    let limits = limits(max_mib)?;
    let loaded;
    let table = match describe_types {
        Some(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| Fatal(format!("cannot read {}: {e}", path.display())))?;
            loaded = DescribeTypes::from_json(&bytes)
                .map_err(|e| Fatal(format!("{}: {e}", path.display())))?;
            &loaded
        }
        None => DescribeTypes::builtin(),
    };
    let bytes = read_input_parallel(file)?;
    let parsed = Document::from_json_with(&bytes, &limits);
    let doc = match parsed {
        Ok(doc) => doc,
        Err(err) => {
            eprintln!("{file}: {err}");
            return Ok(false);
        }
    };
    let mode = if lax { Mode::Lax } else { Mode::Strict };
    // Both streams buffered: the normalised JSON is serialised straight into stdout's buffer
    // (no copy of the whole document in memory), problems are written in batches.
    let mut out = BufWriter::with_capacity(1 << 16, raw_stdout());
    let mut err = BufWriter::new(std::io::stderr().lock());
    let mut valid = true;
    let write_err = |e: std::io::Error| Fatal(format!("cannot write to stdout: {e}"));
    let report_err = |e: std::io::Error| Fatal(format!("cannot write to stderr: {e}"));
    // Attribute and object collections: validated item by item, printed in their own form.
    let collection_problems: Option<Vec<Problem>> = match &doc {
        Document::Attributes(list) => Some(
            list.iter()
                .enumerate()
                .flat_map(|(i, a)| {
                    validate_attribute(a, table, mode, &format!("response.Attribute[{i}]"))
                })
                .collect(),
        ),
        Document::Objects(list) => Some(
            list.iter()
                .enumerate()
                .flat_map(|(i, o)| {
                    validate_object(o, table, mode, &format!("response[{i}].Object"))
                })
                .collect(),
        ),
        _ => None,
    };
    if let Some(problems) = collection_problems {
        for problem in problems {
            writeln!(err, "{file}: {problem}").map_err(report_err)?;
            valid = false;
        }
        doc.write_json(&mut out).map_err(write_err)?;
        out.write_all(b"\n").map_err(write_err)?;
    }
    // Validation only reads the model: it runs on a second thread while this one writes, so
    // the two passes over a large event overlap. The model owns its strings, so that thread
    // also frees the input first (unmapping a large buffer takes a few milliseconds).
    let events = doc.events();
    let (problems, written) = std::thread::scope(|scope| {
        let validation = scope.spawn(move || {
            drop(bytes);
            events
                .iter()
                .map(|event| validate_event(event, table, mode))
                .collect::<Vec<_>>()
        });
        let written = write_events(events, pretty, &mut out);
        (validation.join(), written)
    });
    let problems = problems.map_err(|_| Fatal("validation stopped unexpectedly".to_owned()))?;
    for (index, event_problems) in problems.iter().enumerate() {
        for problem in event_problems {
            writeln!(err, "{file}: event {index}: {problem}").map_err(report_err)?;
            valid = false;
        }
    }
    written.map_err(write_err)?;
    err.flush().map_err(report_err)?;
    out.flush().map_err(write_err)?;
    // The process ends right after this: leave the (possibly huge) model to the OS instead of
    // freeing its allocations one by one.
    std::mem::forget(doc);
    Ok(valid)
}

/// Standard output without std's line buffering: a large document is handed over in big
/// chunks, and the line writer would search each chunk for its last newline. On Unix this is a
/// duplicate of descriptor 1 (same open file, offset and flags, so the output is the same);
/// elsewhere the locked stdout.
#[cfg(unix)]
fn raw_stdout() -> Box<dyn Write> {
    use std::os::fd::AsFd;
    match std::io::stdout().as_fd().try_clone_to_owned() {
        Ok(fd) => Box::new(std::fs::File::from(fd)),
        Err(_) => Box::new(std::io::stdout().lock()),
    }
}

/// Standard output (see the Unix variant).
#[cfg(not(unix))]
fn raw_stdout() -> Box<dyn Write> {
    Box::new(std::io::stdout().lock())
}

/// Writes each event normalised, one per line (indented when `pretty`).
fn write_events(events: &[Event], pretty: bool, out: &mut impl Write) -> std::io::Result<()> {
    for event in events {
        if pretty {
            event.write_json_pretty(&mut *out)?;
        } else {
            event.write_json(&mut *out)?;
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes `bytes` to `dir/name` through a temporary file and a rename.
fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let temp = dir.join(format!(".{name}.tmp"));
    {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&temp, dir.join(name))
}

fn feed(out: &Path, now: Option<u64>, files: &[String]) -> Result<bool, Fatal> {
    let events = match load_events(files)? {
        Ok(events) => events,
        Err(message) => {
            eprintln!("{message}");
            return Ok(false);
        }
    };
    let now = now.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    });
    let files = match write_feed(&events, &FeedOptions::new(now)) {
        Ok(files) => files,
        Err(err) => {
            eprintln!("{err}");
            return Ok(false);
        }
    };
    std::fs::create_dir_all(out)
        .map_err(|e| Fatal(format!("cannot create {}: {e}", out.display())))?;
    for file in &files {
        write_atomic(out, &file.name, &file.bytes)
            .map_err(|e| Fatal(format!("cannot write {}/{}: {e}", out.display(), file.name)))?;
    }
    let hashes = files
        .iter()
        .find(|f| f.name == "hashes.csv")
        .map_or(0, |f| f.bytes.iter().filter(|b| **b == b'\n').count());
    println!(
        "wrote {} events and {hashes} hashes to {}",
        files.len().saturating_sub(2),
        out.display()
    );
    Ok(true)
}

fn push(
    url: &str,
    key: &str,
    publish: bool,
    timeout: u64,
    files: &[String],
) -> Result<bool, Fatal> {
    let client = MispClient::new(url, key).map_err(|e| Fatal(e.to_string()))?;
    let limits = Limits::default();
    let transport = MispTransport::new(Duration::from_secs(timeout), limits.max_document_bytes());
    let events = match load_events(files)? {
        Ok(events) => events,
        Err(message) => {
            eprintln!("{message}");
            return Ok(false);
        }
    };
    let mut ok = true;
    for event in &events {
        let label = event
            .uuid
            .clone()
            .unwrap_or_else(|| format!("({})", event.info));
        match push_one(&client, &transport, event, publish) {
            Ok(line) => println!("{line}"),
            Err(message) => {
                eprintln!("{label}: {message}");
                ok = false;
            }
        }
    }
    Ok(ok)
}

fn push_one(
    client: &MispClient,
    transport: &MispTransport,
    event: &Event,
    publish: bool,
) -> Result<String, String> {
    let (mut state, mut request) = Push::start(client, event).map_err(|e| e.to_string())?;
    // Add, and at most one edit after a repeated UUID: the state machine needs two round trips.
    for _ in 0..2 {
        let response = transport.send(request).map_err(|e| e.to_string())?;
        match state
            .handle_response(&response)
            .map_err(|e| e.to_string())?
        {
            PushStep::Send(next) => request = next,
            PushStep::Done(outcome) => return finish(client, transport, event, *outcome, publish),
            _ => return Err("unexpected push step".to_owned()),
        }
    }
    Err("MISP kept asking for another request".to_owned())
}

fn finish(
    client: &MispClient,
    transport: &MispTransport,
    event: &Event,
    outcome: PushOutcome,
    publish: bool,
) -> Result<String, String> {
    let uuid = event.uuid.clone().unwrap_or_default();
    let (mut line, saved) = match outcome {
        PushOutcome::Added(saved) => {
            let id = saved
                .event
                .id
                .map_or_else(|| "?".to_owned(), |id| id.to_string());
            (format!("added {uuid} as event {id}"), Some(saved))
        }
        PushOutcome::Updated(saved) => (format!("updated {uuid}"), Some(saved)),
        PushOutcome::Stale(api) => (
            format!("stale {uuid}: the server's copy is as new or newer, nothing changed ({api})"),
            None,
        ),
        _ => (format!("pushed {uuid}"), None),
    };
    if let Some(warnings) = saved.as_ref().and_then(|s| s.warnings.as_ref()) {
        line.push_str(&format!(" (warnings: {warnings})"));
    }
    if publish && saved.is_some() {
        let request = client.publish(&uuid).map_err(|e| e.to_string())?;
        let response = transport.send(request).map_err(|e| e.to_string())?;
        let ack = client
            .parse_ack(&response)
            .map_err(|e| format!("publish failed: {e}"))?;
        line.push_str(&format!("; published ({})", ack.message));
    }
    Ok(line)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check {
            lax,
            describe_types,
            pretty,
            max_mib,
            file,
        } => check(*lax, describe_types.as_deref(), *pretty, *max_mib, file),
        Command::Feed { out, now, files } => feed(out, *now, files),
        Command::Push {
            url,
            key,
            publish,
            timeout,
            files,
        } => push(url, key, *publish, *timeout, files),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(Fatal(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
