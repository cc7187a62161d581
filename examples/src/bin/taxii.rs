//! `taxii`: a thin command-line client over `taxii1-core`.
//!
//! `taxii parse [--summary] [--lenient] FILE|-` reads one TAXII 1.x message and prints it
//! re-written as XML (or a short summary). Exit codes: 0 success, 1 invalid message,
//! 2 usage or I/O error.

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use taxii1_core::{Limits, Message, Parsed};

#[derive(Parser)]
#[command(name = "taxii", version, about = "TAXII 1.x client and message tool")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse a TAXII 1.0/1.1 message and print it re-written as XML.
    Parse {
        /// Print a short human summary instead of the XML.
        #[arg(long)]
        summary: bool,
        /// Accept the schema deviations real peers produce (OpenTAXII, libtaxii).
        #[arg(long)]
        lenient: bool,
        /// The message file, or `-` for standard input.
        file: String,
    },
}

fn read_input(file: &str) -> std::io::Result<Vec<u8>> {
    if file == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(file)
    }
}

fn summary(parsed: &Parsed) -> String {
    let m = &parsed.message;
    let mut line = format!(
        "TAXII {} {} message_id={}",
        parsed.version,
        m.kind().element_name(parsed.version).unwrap_or("?"),
        m.message_id()
    );
    if let Some(id) = m.in_response_to() {
        line.push_str(&format!(" in_response_to={id}"));
    }
    match m {
        Message::StatusMessage(s) => {
            line.push_str(&format!(" status_type={}", s.status_type));
            if let Some(text) = &s.message {
                line.push_str(&format!(" message={text:?}"));
            }
        }
        Message::DiscoveryResponse(d) => {
            line.push_str(&format!(" service_instances={}", d.service_instances.len()));
        }
        Message::CollectionInformationResponse(c) => {
            line.push_str(&format!(" collections={}", c.collections.len()));
        }
        Message::PollRequest(p) => line.push_str(&format!(" collection={}", p.collection_name)),
        Message::PollResponse(p) => {
            line.push_str(&format!(" collection={} more={}", p.collection_name, p.more));
            if let Some(id) = &p.result_id {
                line.push_str(&format!(" result_id={id}"));
            }
            if let Some(n) = p.result_part_number {
                line.push_str(&format!(" part={n}"));
            }
            if let Some(rc) = p.record_count {
                line.push_str(&format!(" record_count={}{}", rc.count, if rc.partial_count { "+" } else { "" }));
            }
        }
        Message::SubscriptionManagementRequest(s) => {
            line.push_str(&format!(" collection={} action={:?}", s.collection_name, s.action));
        }
        Message::SubscriptionManagementResponse(s) => {
            line.push_str(&format!(" collection={} subscriptions={}", s.collection_name, s.subscriptions.len()));
        }
        Message::InboxMessage(i) => {
            if !i.destination_collection_names.is_empty() {
                line.push_str(&format!(" destinations={}", i.destination_collection_names.join(",")));
            }
        }
        Message::PollFulfillmentRequest(f) => {
            line.push_str(&format!(" collection={} result_id={}", f.collection_name, f.result_id));
        }
        _ => {}
    }
    let blocks = m.content_blocks();
    if matches!(m, Message::PollResponse(_) | Message::InboxMessage(_)) {
        let bytes: usize = blocks.iter().map(|b| b.content.as_bytes().len()).sum();
        line.push_str(&format!(" content_blocks={} content_bytes={bytes}", blocks.len()));
    }
    line
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Parse { summary: want_summary, lenient, file } => {
            let input = match read_input(&file) {
                Ok(input) => input,
                Err(e) => {
                    eprintln!("taxii: cannot read {file}: {e}");
                    return ExitCode::from(2);
                }
            };
            let limits = Limits::default().with_accept_peer_deviations(lenient);
            let parsed = match Message::from_xml_with(&input, &limits) {
                Ok(parsed) => parsed,
                Err(e) => {
                    eprintln!("taxii: {file}: {e}");
                    return ExitCode::from(1);
                }
            };
            let mut stdout = std::io::stdout().lock();
            let result = if want_summary {
                writeln!(stdout, "{}", summary(&parsed))
            } else {
                match parsed.message.to_xml(parsed.version) {
                    Ok(xml) => stdout.write_all(&xml).and_then(|()| writeln!(stdout)),
                    Err(e) => {
                        eprintln!("taxii: {file}: cannot write back: {e}");
                        return ExitCode::from(1);
                    }
                }
            };
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("taxii: writing output: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}
