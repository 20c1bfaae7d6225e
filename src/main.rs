fn main() -> std::process::ExitCode {
    readyctl::commands::main()
}
