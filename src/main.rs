#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    frontdesk::cli::main()
}
