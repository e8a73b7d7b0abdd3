//! `coupa completions`: scripts that the shells parse, and that complete resource and action
//! names.

use std::process::Command;

use crate::coupa;

fn script(shell: &str) -> String {
    let o = coupa(&["completions", shell]);
    assert_eq!(o.status.code(), Some(0));
    String::from_utf8(o.stdout).unwrap()
}

/// What bash completes for these words (the last one being completed).
fn complete(file: &std::path::Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let line = words.join(" ");
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; \
         _coupa coupa '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        file.display(),
        quoted.join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let o = Command::new("bash")
        .args(["-c", &program])
        .output()
        .expect("bash runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_parses_the_script_and_completes_resources_and_actions() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("coupa.bash");
    std::fs::write(&file, script("bash")).unwrap();
    let o = Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let resources = complete(&file, &["coupa", "call", ""]);
    for r in coupa_api::registry::RESOURCES {
        assert!(
            resources.iter().any(|w| w == r.name),
            "{} in {resources:?}",
            r.name
        );
    }
    let actions = complete(&file, &["coupa", "call", "integration-runs", ""]);
    for a in ["create", "show", "run", "index", "success"] {
        assert!(actions.iter().any(|w| w == a), "{a} in {actions:?}");
    }
    let listed = complete(&file, &["coupa", "list", "integ"]);
    assert!(listed.iter().any(|w| w == "integration-runs"), "{listed:?}");
    let flags = complete(&file, &["coupa", "list", "--"]);
    assert!(flags.iter().any(|w| w == "--all"), "{flags:?}");
    let run = coupa_api::registry::resource("integration-runs").unwrap();
    for option in ["--filter", "-f", "--fields", "--columns"] {
        let elements = complete(&file, &["coupa", "list", "integration-runs", option, ""]);
        for e in run.elements() {
            assert!(
                elements.iter().any(|w| w == e.name),
                "{option}: {} in {elements:?}",
                e.name
            );
        }
    }
    let started = complete(
        &file,
        &["coupa", "list", "integration-runs", "--filter", "sta"],
    );
    assert!(
        started.iter().all(|w| w.starts_with("sta")) && !started.is_empty(),
        "{started:?}"
    );
    let flags = complete(&file, &["coupa", "list", "integration-runs", "--"]);
    assert!(flags.iter().any(|w| w == "--all"), "{flags:?}");
}

#[test]
fn zsh_and_fish_scripts_name_the_resources_and_parse_where_the_shell_is_installed() {
    for (shell, check) in [("zsh", ["-n"]), ("fish", ["--no-execute"])] {
        let s = script(shell);
        assert!(
            s.contains("integration-runs") && s.contains("success"),
            "{shell}"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("coupa");
        std::fs::write(&file, &s).unwrap();
        match Command::new(shell).args(check).arg(&file).output() {
            Ok(o) => assert!(
                o.status.success(),
                "{shell}: {}",
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => eprintln!("{shell} is not installed ({e}); its script was not parsed"),
        }
    }
}
