//! The `sflint` binary: everything happens in the library; this only hands over the exit code.

fn main() -> std::process::ExitCode {
    sflint::cli::main()
}
