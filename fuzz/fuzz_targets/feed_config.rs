//! Any bytes as a feed definition file, TOML or JSON: `feed_mapping::feed::FeedConfig::parse`.
//!
//! Input layout: byte 0 picks the format (even: TOML, odd: JSON); the rest is the text (inputs
//! that are not UTF-8 are skipped: the loader takes `&str`).
//!
//! Properties checked (with small limits: 16 KiB of text, 8 feeds):
//! - loading never panics;
//! - no error, in `Display` or `Debug`, and no loaded configuration in `Debug` shows the value
//!   of a secret read from the environment (the resolver hands every variable whose name starts
//!   with an upper-case letter the same marker value; others are "not set");
//! - an error that names a place names one inside the text: a line that exists, and a column at
//!   most one past the end of that line (its `\r`, if any, counted: a parser may point at the
//!   line break);
//! - loading the same text twice gives the same result.

#![no_main]

use feed_mapping::feed::{ConfigFormat, ConfigLimits, FeedConfig};
use libfuzzer_sys::fuzz_target;

/// What every set environment variable resolves to; it must never be printed.
const ENV_SECRET: &str = "env-secret-7Q2xV9kL";

fn resolve(name: &str) -> Option<String> {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        .then(|| ENV_SECRET.to_owned())
}

fn load(text: &str, format: ConfigFormat) -> feed_mapping::feed::Result<FeedConfig> {
    let limits = ConfigLimits::default()
        .with_max_text_bytes(16 * 1024)
        .with_max_feeds(8);
    let source_name = match format {
        ConfigFormat::Toml => "fuzz.toml",
        ConfigFormat::Json => "fuzz.json",
    };
    FeedConfig::parse(text, source_name, format, &resolve, &limits)
}

/// The whole of what a load shows: the configuration's `Debug`, or the error's `Display` and
/// `Debug`.
fn render(result: &feed_mapping::feed::Result<FeedConfig>) -> String {
    match result {
        Ok(config) => format!("ok {config:?}"),
        Err(error) => format!("error {error} | {error:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let format = if selector % 2 == 0 {
        ConfigFormat::Toml
    } else {
        ConfigFormat::Json
    };
    let first = load(text, format);
    assert_eq!(
        render(&first),
        render(&load(text, format)),
        "loading twice differs"
    );
    // The marker may only show up where the input itself wrote it.
    if !text.contains(ENV_SECRET) {
        let shown = render(&first);
        assert!(!shown.contains(ENV_SECRET), "a secret is shown: {shown}");
    }
    if let Err(error) = &first
        && let Some(at) = error.location()
    {
        let lines: Vec<&str> = text.split('\n').collect();
        assert!(
            at.line >= 1 && at.line <= lines.len(),
            "line {} of a {}-line text: {error}",
            at.line,
            lines.len()
        );
        let line = lines
            .get(at.line - 1)
            .map_or(0, |line| line.chars().count());
        assert!(
            at.column >= 1 && at.column <= line + 1,
            "column {} of a {line}-character line: {error}",
            at.column
        );
    }
});
