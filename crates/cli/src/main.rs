//! The `shouhu` binary: a thin shim over the library, so that tests drive the same code.

/// mimalloc: a census import allocates on the checking threads and frees on the writer's,
/// where glibc's allocator spent a quarter of the checking time (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    shouhu::cli::main()
}
