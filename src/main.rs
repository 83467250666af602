use std::process::ExitCode;

fn main() -> ExitCode {
    oxcart::cli::main()
}
