//! Action kinds: the kind of an action fixes the methods it can use, what it can take and what it
//! can answer.

use std::path::Path;

use crate::format::{Action, ActionKind, Answers, Method, Takes};
use crate::node::Sp;

use super::{Cx, ResCx, article};

/// What an action of a kind may use, take and answer.
struct KindRules {
    methods: &'static [Method],
    takes: &'static [Takes],
    answers: &'static [Answers],
}

/// The rules of each kind of action.
fn rules(kind: ActionKind) -> KindRules {
    use ActionKind as K;
    let (methods, takes, answers): (&[Method], &[Takes], &[Answers]) = match kind {
        K::Create => (
            &[Method::Post],
            &[Takes::Object, Takes::Multipart],
            &[Answers::Object],
        ),
        K::Index => (
            &[Method::Get],
            &[Takes::Query],
            &[Answers::List, Answers::Envelope],
        ),
        K::Show => (
            &[Method::Get],
            &[Takes::Nothing],
            &[Answers::Object, Answers::List, Answers::File],
        ),
        K::Update => (
            &[Method::Put, Method::Patch],
            &[Takes::Object, Takes::OptionalObject],
            &[Answers::Object, Answers::BulkResult],
        ),
        K::Delete => (
            &[Method::Delete],
            &[Takes::Nothing],
            &[Answers::Object, Answers::BulkResult],
        ),
        K::Status => (
            &[Method::Put, Method::Post],
            &[Takes::Nothing, Takes::Object, Takes::OptionalObject],
            &[Answers::Object],
        ),
        K::BulkCreate => (&[Method::Post], &[Takes::Bulk], &[Answers::BulkResult]),
        K::BulkUpdate => (
            &[Method::Put, Method::Patch],
            &[Takes::Bulk],
            &[Answers::BulkResult],
        ),
        K::BulkDelete => (&[Method::Delete], &[Takes::Bulk], &[Answers::BulkResult]),
        K::Member => (
            &[Method::Put, Method::Patch, Method::Post, Method::Delete],
            &[
                Takes::Nothing,
                Takes::Object,
                Takes::OptionalObject,
                Takes::Multipart,
            ],
            &[Answers::Object, Answers::List, Answers::File],
        ),
        K::Collection => (
            &[
                Method::Get,
                Method::Post,
                Method::Put,
                Method::Patch,
                Method::Delete,
            ],
            &[
                Takes::Nothing,
                Takes::Object,
                Takes::OptionalObject,
                Takes::Multipart,
                Takes::Query,
            ],
            &[Answers::Object, Answers::List, Answers::File],
        ),
    };
    KindRules {
        methods,
        takes,
        answers,
    }
}

impl Cx<'_> {
    /// The kind of an action fixes its method, what it takes and what it answers.
    pub(super) fn check_shape_of_action(&mut self, cx: &ResCx<'_>, a: &Action) {
        let rules = rules(a.kind.value);
        let kind = a.kind.value.as_str();
        let path = cx.path;
        if !rules.methods.contains(&a.method.value) {
            self.err(
                "kind-mismatch",
                path,
                a.method.loc,
                format!(
                    "{} `{kind}` action cannot use {}",
                    article(kind),
                    a.method.value
                ),
            )
            .hint(format!(
                "`{kind}` actions use {}",
                joined(rules.methods, " or ")
            ));
        }
        self.kind_fits(path, kind, "take", &a.takes, rules.takes);
        self.kind_fits(path, kind, "answer", &a.answers, rules.answers);
    }

    /// Reports `value` (what an action takes or answers) when its kind does not allow it.
    fn kind_fits<T: std::fmt::Display + PartialEq>(
        &mut self,
        path: &Path,
        kind: &str,
        verb: &str,
        value: &Sp<T>,
        allowed: &[T],
    ) {
        if allowed.contains(&value.value) {
            return;
        }
        self.err(
            "kind-mismatch",
            path,
            value.loc,
            format!(
                "{} `{kind}` action cannot {verb} `{}`",
                article(kind),
                value.value
            ),
        )
        .hint(format!(
            "`{kind}` actions {verb} {}",
            allowed
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
}

/// `a or b or c`.
fn joined<T: std::fmt::Display>(items: &[T], sep: &str) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(sep)
}
