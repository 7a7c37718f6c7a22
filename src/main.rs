//! The `gate` binary: turns arguments into a call and the result into an exit code
//! (0 go, 1 no-go, 2 error).

mod cli;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(cli::main(std::env::args_os().collect()))
}
