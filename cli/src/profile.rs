//! Profiles: named Coupa instances in `~/.config/coupa/config.toml` (or the file `COUPA_CONFIG`
//! names), with environment variables over them, and their secrets.
//!
//! ```toml
//! default = "sandbox"
//!
//! [profiles.sandbox]
//! base_url = "https://acme-test.coupahost.com"
//! cso_url = "https://acme-test.cso.coupahost.com"
//! client_id = "a1b2c3"
//! scopes = ["core.integration.read", "core.integration.write"]
//! client_secret_env = "ACME_TEST_SECRET"          # or client_secret_file = "~/.config/coupa/acme-test.secret"
//! cso_api_key_file = "~/.config/coupa/acme-test.cso-key"
//! rate = 25                                         # requests per second (0: no pacing)
//! burst = 20
//! ```
//!
//! `rate` and `burst` pace the command to the instance's rate limit (Coupa's documented 25 per
//! second with a burst of 20 by default); `--rate` and `--burst` override them.
//!
//! Secrets come from an environment variable, or from a file that only its owner can read
//! (mode 0600 or stricter; looser ones are refused). They may also sit in the config file itself
//! when that file is 0600. A secret is held as a [`Secret`], which never prints, and every
//! message the command writes passes through a [`Redactor`] that knows them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use coupa_runtime::Format;
use coupa_runtime::client::Secret;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    default: Option<String>,
    #[serde(default)]
    profiles: BTreeMap<String, Entry>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    base_url: Option<String>,
    cso_url: Option<String>,
    client_id: Option<String>,
    scopes: Option<Vec<String>>,
    format: Option<String>,
    client_secret: Option<String>,
    client_secret_env: Option<String>,
    client_secret_file: Option<PathBuf>,
    cso_api_key: Option<String>,
    cso_api_key_env: Option<String>,
    cso_api_key_file: Option<PathBuf>,
    rate: Option<f64>,
    burst: Option<u32>,
}

/// One instance, resolved: the file's profile with the environment over it.
#[derive(Debug, Default)]
pub struct Profile {
    /// The profile's name, when one was used.
    pub name: Option<String>,
    /// The Core API.
    pub base_url: Option<String>,
    /// The CSO API.
    pub cso_url: Option<String>,
    /// The OAuth 2.0 client id.
    pub client_id: Option<String>,
    /// The scopes to ask for (empty: the route's own).
    pub scopes: Vec<String>,
    /// The wire format the profile prefers.
    pub format: Option<Format>,
    /// The OAuth 2.0 client secret.
    pub client_secret: Option<Secret>,
    /// The CSO API key.
    pub cso_api_key: Option<Secret>,
    /// Requests per second to pace to (0: no pacing).
    pub rate: Option<f64>,
    /// The pacing's burst.
    pub burst: Option<u32>,
}

/// Where the profiles file is: `COUPA_CONFIG`, else `$XDG_CONFIG_HOME/coupa/config.toml`, else
/// `~/.config/coupa/config.toml`. The flag says whether it was named explicitly.
fn config_path(env: &dyn Fn(&str) -> Option<String>) -> Option<(PathBuf, bool)> {
    if let Some(p) = env("COUPA_CONFIG").filter(|p| !p.is_empty()) {
        return Some((PathBuf::from(p), true));
    }
    let base = env("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| Path::new(&h).join(".config")))?;
    Some((base.join("coupa").join("config.toml"), false))
}

/// `~/x` with the home directory.
fn expand(path: &Path, env: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    match (path.strip_prefix("~"), env("HOME")) {
        (Ok(rest), Some(home)) => Path::new(&home).join(rest),
        _ => path.to_owned(),
    }
}

/// Refuses a file that others than its owner may read or write.
#[cfg(unix)]
fn check_private(path: &Path, what: &str) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(format!(
            "{} holds {what} but its permissions are {mode:04o}, so others can read it; \
             make it private with `chmod 600 {}`",
            path.display(),
            path.display()
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _what: &str) -> Result<(), String> {
    Ok(())
}

fn read_secret_file(path: &Path, what: &str) -> Result<Secret, String> {
    check_private(path, what)?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {what} from {}: {e}", path.display()))?;
    let text = text.trim_end_matches(['\r', '\n']);
    if text.is_empty() {
        return Err(format!(
            "{} is empty; it should hold {what}",
            path.display()
        ));
    }
    Ok(Secret::new(text))
}

/// How to find one secret of a profile.
struct SecretSource<'a> {
    what: &'a str,
    inline: Option<&'a String>,
    env_name: Option<&'a String>,
    file: Option<&'a PathBuf>,
    override_var: &'a str,
}

fn secret(
    s: SecretSource<'_>,
    config_file: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Secret>, String> {
    if let Some(v) = env(s.override_var).filter(|v| !v.is_empty()) {
        return Ok(Some(Secret::new(v)));
    }
    if let Some(name) = s.env_name {
        return match env(name).filter(|v| !v.is_empty()) {
            Some(v) => Ok(Some(Secret::new(v))),
            None => Err(format!(
                "the profile takes {} from the environment variable {name}, which is not set",
                s.what
            )),
        };
    }
    if let Some(path) = s.file {
        return read_secret_file(&expand(path, env), s.what).map(Some);
    }
    if let Some(v) = s.inline {
        if let Some(file) = config_file {
            check_private(file, s.what)?;
        }
        return Ok(Some(Secret::new(v.as_str())));
    }
    Ok(None)
}

/// Reads the profiles file and picks the profile (`--profile`, `COUPA_PROFILE`, the file's
/// `default`, a profile named `default`, the only profile), with the environment over it.
pub fn load(asked: Option<&str>, env: &dyn Fn(&str) -> Option<String>) -> Result<Profile, String> {
    let path = config_path(env);
    let (file, file_path) = match &path {
        Some((p, explicit)) => match std::fs::read_to_string(p) {
            Ok(text) => {
                let f: File = toml::from_str(&text)
                    .map_err(|e| format!("{}: {}", p.display(), e.to_string().trim_end()))?;
                (f, Some(p.as_path()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                (File::default(), None)
            }
            Err(e) => return Err(format!("cannot read {}: {e}", p.display())),
        },
        None => (File::default(), None),
    };
    let wanted = asked
        .map(str::to_owned)
        .or_else(|| env("COUPA_PROFILE").filter(|p| !p.is_empty()))
        .or_else(|| file.default.clone())
        .or_else(|| {
            file.profiles
                .contains_key("default")
                .then(|| "default".to_owned())
        })
        .or_else(|| match file.profiles.len() {
            1 => file.profiles.keys().next().cloned(),
            _ => None,
        });
    let entry = match &wanted {
        Some(name) => file.profiles.get(name).cloned().ok_or_else(|| {
            let hint = crate::names::closest(name, file.profiles.keys().map(String::as_str))
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            match file_path {
                Some(p) => format!("no profile `{name}` in {}{hint}", p.display()),
                None => format!(
                    "no profile `{name}`: there is no profiles file ({})",
                    path.as_ref()
                        .map_or("set COUPA_CONFIG".to_owned(), |(p, _)| p
                            .display()
                            .to_string())
                ),
            }
        })?,
        None => Entry::default(),
    };
    resolve(wanted, entry, file_path, env)
}

fn resolve(
    name: Option<String>,
    e: Entry,
    file: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Profile, String> {
    let over = |var: &str, v: Option<String>| env(var).filter(|x| !x.is_empty()).or(v);
    let scopes = match env("COUPA_SCOPES").filter(|s| !s.is_empty()) {
        Some(s) => s
            .split([' ', ','])
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect(),
        None => e.scopes.clone().unwrap_or_default(),
    };
    let format = match e.format.as_deref() {
        None => None,
        Some("json") => Some(Format::Json),
        Some("xml") => Some(Format::Xml),
        Some(other) => return Err(format!("the profile's format is `{other}`: json or xml")),
    };
    let client_secret = secret(
        SecretSource {
            what: "the client secret",
            inline: e.client_secret.as_ref(),
            env_name: e.client_secret_env.as_ref(),
            file: e.client_secret_file.as_ref(),
            override_var: "COUPA_CLIENT_SECRET",
        },
        file,
        env,
    )?;
    let cso_api_key = secret(
        SecretSource {
            what: "the CSO API key",
            inline: e.cso_api_key.as_ref(),
            env_name: e.cso_api_key_env.as_ref(),
            file: e.cso_api_key_file.as_ref(),
            override_var: "COUPA_CSO_API_KEY",
        },
        file,
        env,
    )?;
    Ok(Profile {
        name,
        base_url: over("COUPA_BASE_URL", e.base_url),
        cso_url: over("COUPA_CSO_URL", e.cso_url),
        client_id: over("COUPA_CLIENT_ID", e.client_id),
        scopes,
        format,
        client_secret,
        cso_api_key,
        rate: e.rate,
        burst: e.burst,
    })
}

/// Replaces every secret it knows by `***` in what the command prints.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    secrets: Vec<Secret>,
}

impl Redactor {
    /// A redactor for the profile's secrets.
    pub fn for_profile(p: &Profile) -> Redactor {
        Redactor {
            secrets: [&p.client_secret, &p.cso_api_key]
                .into_iter()
                .flatten()
                .filter(|s| !s.expose().is_empty())
                .cloned()
                .collect(),
        }
    }

    /// The text with every secret replaced by `***`.
    pub fn clean(&self, text: &str) -> String {
        let mut t = text.to_owned();
        for s in &self.secrets {
            t = t.replace(s.expose(), "***");
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn environment_variables_override_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("config.toml");
        std::fs::write(
            &cfg,
            "[profiles.a]\nbase_url = \"http://a\"\nclient_id = \"id-a\"\nclient_secret_env = \"A_SECRET\"\n",
        )
        .unwrap();
        let c = cfg.display().to_string();
        let pairs = [
            ("COUPA_CONFIG", c.as_str()),
            ("A_SECRET", "from-env"),
            ("COUPA_CLIENT_ID", "id-env"),
        ];
        let env = env_of(&pairs);
        let p = load(None, &env).unwrap();
        assert_eq!(p.name.as_deref(), Some("a"));
        assert_eq!(p.base_url.as_deref(), Some("http://a"));
        assert_eq!(p.client_id.as_deref(), Some("id-env"));
        assert_eq!(p.client_secret.unwrap().expose(), "from-env");
        let e = load(Some("b"), &env).unwrap_err();
        assert!(e.contains("no profile `b`"), "{e}");
    }

    #[test]
    fn the_redactor_hides_every_secret() {
        let p = Profile {
            client_secret: Some(Secret::new("s3cr3t")),
            cso_api_key: Some(Secret::new("k3y!")),
            ..Profile::default()
        };
        let r = Redactor::for_profile(&p);
        assert_eq!(r.clean("a s3cr3t b k3y! c"), "a *** b *** c");
    }
}
