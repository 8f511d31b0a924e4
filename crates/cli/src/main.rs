//! The `shouhu` binary: a thin shim over the library, so that tests drive the same code.

fn main() -> std::process::ExitCode {
    shouhu::cli::main()
}
