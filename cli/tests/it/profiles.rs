//! Profiles: named instances in the config file, secrets from the environment or from private
//! files (looser permissions refused with a clear message), `--profile`, environment overrides.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use coupa_mock::MockConfig;

use crate::remote::{CSO_KEY, Mock, SECRET, clean_env, run, text};

fn write(path: &Path, text: &str, mode: u32) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn coupa(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_coupa"));
    clean_env(&mut c, home);
    c
}

#[test]
fn profiles_name_instances_and_secrets_come_from_private_files() {
    let mock = Mock::seeded(3);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let conf = h.join(".config/coupa");
    std::fs::create_dir_all(&conf).unwrap();
    let secret = conf.join("mock.secret");
    write(&secret, &format!("{SECRET}\n"), 0o600);
    let key = conf.join("mock.cso-key");
    write(&key, CSO_KEY, 0o600);
    let url = mock.server.core_url();
    let cso = mock.server.cso_url();
    write(
        &conf.join("config.toml"),
        &format!(
            "default = \"down\"\n\n\
             [profiles.down]\nbase_url = \"http://127.0.0.1:9\"\nclient_id = \"x\"\nclient_secret_env = \"DOWN_SECRET\"\n\n\
             [profiles.mock]\nbase_url = \"{url}\"\ncso_url = \"{cso}\"\nclient_id = \"mock-client\"\n\
             scopes = [\"core.integration.read\"]\nclient_secret_file = \"{}\"\ncso_api_key_file = \"~/.config/coupa/mock.cso-key\"\n",
            secret.display()
        ),
        0o644,
    );
    // --profile picks the instance; the secrets are read from the 0600 files.
    let o = run(coupa(h), &["list", "integration-runs", "--profile", "mock"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout).lines().count(), 3);
    let o = run(coupa(h), &["call", "events", "index", "--profile", "mock"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // COUPA_PROFILE does the same; the file's default is used otherwise.
    let mut c = coupa(h);
    c.env("COUPA_PROFILE", "mock");
    assert_eq!(run(c, &["list", "integration-runs"]).status.code(), Some(0));
    let o = run(coupa(h), &["list", "integration-runs"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("DOWN_SECRET, which is not set"),
        "{}",
        text(&o.stderr)
    );
    // The environment overrides the profile.
    let mut c = coupa(h);
    c.env("DOWN_SECRET", SECRET)
        .env("COUPA_BASE_URL", &url)
        .env("COUPA_CLIENT_ID", "mock-client");
    assert_eq!(run(c, &["list", "integration-runs"]).status.code(), Some(0));
    // An unknown profile gets a did-you-mean.
    let o = run(coupa(h), &["list", "integration-runs", "--profile", "mok"]);
    assert!(
        text(&o.stderr).contains("did you mean `mock`?"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn secret_files_with_loose_permissions_are_refused() {
    let mock = Mock::start(MockConfig::unlimited());
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let secret = h.join("loose.secret");
    write(&secret, SECRET, 0o644);
    let config = h.join("coupa.toml");
    write(
        &config,
        &format!(
            "[profiles.p]\nbase_url = \"{}\"\nclient_id = \"mock-client\"\nclient_secret_file = \"{}\"\n",
            mock.server.core_url(),
            secret.display()
        ),
        0o600,
    );
    let mut c = coupa(h);
    c.env("COUPA_CONFIG", &config);
    let o = run(c, &["list", "integration-runs"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("permissions are 0644") && err.contains("chmod 600"),
        "{err}"
    );
    assert!(!err.contains(SECRET), "{err}");
    // A secret written in the config file itself needs the file to be private too.
    write(
        &config,
        &format!(
            "[profiles.p]\nbase_url = \"{}\"\nclient_id = \"mock-client\"\nclient_secret = \"{SECRET}\"\n",
            mock.server.core_url()
        ),
        0o640,
    );
    let mut c = coupa(h);
    c.env("COUPA_CONFIG", &config);
    let o = run(c, &["list", "integration-runs"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("permissions are 0640"),
        "{}",
        text(&o.stderr)
    );
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut c = coupa(h);
    c.env("COUPA_CONFIG", &config);
    let o = run(c, &["list", "integration-runs"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}
