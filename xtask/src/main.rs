use std::path::PathBuf;
use std::process::ExitCode;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("check") => match coupa_codegen::compile_dir(&root().join("schema")) {
            Ok(ir) => {
                println!("schema/: {} types, {} routes, no problems", ir.types.len(), ir.routes().count());
                ExitCode::SUCCESS
            }
            Err(f) => {
                eprint!("{}", f.render());
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: cargo xtask check");
            ExitCode::from(2)
        }
    }
}
