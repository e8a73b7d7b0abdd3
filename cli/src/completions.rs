//! `coupa completions bash|zsh|fish`: completion scripts that know the resources, after
//! `coupa call RESOURCE` its actions, and after `coupa list RESOURCE` its elements (for
//! `--filter`, `--fields` and `--columns`).
//!
//! The scripts are clap_complete's, generated from the command's own definition with the
//! registry's names added: `RESOURCE` arguments take the resource names as their values, `call`
//! gets one subcommand per resource with one per action (`call`'s options are completed right
//! after `call`, which keeps the scripts small when the registry has hundreds of routes), and
//! `list` one subcommand per resource with its options.
//! Only the scripts see that tree; `coupa call` itself takes plain words, so nothing is built per
//! resource when a command runs.

use std::io::Write;

use clap::builder::PossibleValuesParser;
use clap::{Arg, Command};
use clap_complete::Shell;
use coupa_api::registry::RESOURCES;

fn resource_names() -> Vec<&'static str> {
    RESOURCES.iter().map(|r| r.name).collect()
}

/// A command as the scripts see it, before its subcommands: its name, its help line and its
/// options (the positionals become subcommands); and those options.
fn node(name: &'static str, c: &Command) -> (Command, Vec<Arg>) {
    let options: Vec<Arg> = c
        .get_arguments()
        .filter(|a| !a.is_positional())
        .cloned()
        .collect();
    let node = Command::new(name)
        .about(c.get_about().cloned().unwrap_or_default())
        .args(options.clone())
        .disable_help_subcommand(true);
    (node, options)
}

/// `call` as the scripts see it: a subcommand per resource, then one per action.
fn call_tree(call: Command) -> Command {
    let (mut tree, _) = node("call", &call);
    for r in RESOURCES {
        let mut resource = Command::new(r.name).disable_help_subcommand(true);
        for a in r.routes {
            resource = resource.subcommand(Command::new(a.name).disable_help_flag(true));
        }
        tree = tree.subcommand(resource);
    }
    tree
}

/// `list` as the scripts see it: its options, then a subcommand per resource whose `--filter`,
/// `--fields` and `--columns` take that resource's element names.
fn list_tree(list: Command) -> Command {
    let (mut tree, options) = node("list", &list);
    for r in RESOURCES {
        let elements: Vec<&'static str> = r.elements().iter().map(|e| e.name).collect();
        let args = options.iter().cloned().map(|a| {
            if ["filters", "fields", "columns"].contains(&a.get_id().as_str()) {
                a.value_parser(PossibleValuesParser::new(elements.clone()))
            } else {
                a
            }
        });
        tree = tree.subcommand(Command::new(r.name).args(args).disable_help_flag(true));
    }
    tree
}

/// The command with the registry's names, for the scripts.
pub fn command(base: Command) -> Command {
    let names = resource_names();
    // `mut_args` keeps the arguments in place (`mut_arg` would move `resource` last, after the
    // positionals that follow it).
    let with_resources = |c: Command| {
        c.mut_args(|a| {
            if a.get_id() == "resource" {
                a.value_parser(PossibleValuesParser::new(names.clone()))
            } else {
                a
            }
        })
    };
    // clap's `help` subcommand would repeat the whole tree under `coupa help call ...`.
    let mut cmd = base.disable_help_subcommand(true);
    for sub in ["describe", "validate", "convert"] {
        cmd = cmd.mut_subcommand(sub, with_resources);
    }
    for (sub, tree) in [
        ("call", call_tree as fn(Command) -> Command),
        ("list", list_tree),
    ] {
        if let Some(c) = cmd.find_subcommand(sub).cloned() {
            let t = tree(c);
            cmd = cmd.mut_subcommand(sub, |_| t);
        }
    }
    cmd
}

/// Writes the script for `shell`.
pub fn run(out: &mut impl Write, base: Command, shell: Shell) -> u8 {
    let mut cmd = command(base);
    clap_complete::generate(shell, &mut cmd, "coupa", out);
    0
}
