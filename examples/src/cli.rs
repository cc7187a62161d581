//! What the mapping command-line tools (`eiq2misp`, `misp2eiq`) share: the two kinds of
//! failure and the exit code each one gets.

use std::process::ExitCode;

/// Why a mapping tool stopped; decides the exit code.
#[derive(Debug)]
pub enum Failure {
    /// The input is not something the tool can map (exit 1).
    Invalid(String),
    /// Reading or writing a file failed (exit 2).
    Io(String),
}

impl Failure {
    /// The exit code of a run: success, or `<program>: <message>` on standard error and 1 for
    /// invalid input, 2 for I/O.
    pub fn exit_code(program: &str, outcome: Result<(), Self>) -> ExitCode {
        let (message, code) = match outcome {
            Ok(()) => return ExitCode::SUCCESS,
            Err(Self::Invalid(message)) => (message, 1),
            Err(Self::Io(message)) => (message, 2),
        };
        eprintln!("{program}: {message}");
        ExitCode::from(code)
    }
}
