//! The `gate` binary: turns arguments into a call and the result into an exit code
//! (0 go, 1 no-go, 2 error).

mod cli;

/// Policies nest at most 64 levels (checked before parsing), but a debug build's parser frames
/// are large: a roomy stack keeps the limit, not the stack, the thing that says no.
const STACK: usize = 64 << 20;

fn main() -> std::process::ExitCode {
    let args = std::env::args_os().collect();
    let code = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || cli::main(args))
        .ok()
        .and_then(|h| h.join().ok())
        .unwrap_or(2);
    std::process::ExitCode::from(code)
}
