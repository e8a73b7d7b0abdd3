//! Reading a call: its path parameters and the key they name, its body in the format it is
//! sent in, the values its route binds and the values its action sets, and the record it names.

use axum::body::Body;
use axum::extract::{FromRequestParts, RawPathParams};
use coupa_runtime::query::{ParsedQuery, ReturnObject};
use coupa_runtime::registry::{BindTo, ElementKind, Resource, Route};
use coupa_runtime::{ActionKind, Date, DateTime, Decimal, Format, Takes, Time};
use http::request::Parts;
use http::{StatusCode, header};
use serde_json::{Map, Value};

use super::failure::{Failure, read_body};
use super::{Call, check_params, clip};
use crate::MockState;
use crate::nest::{Relink, nest};
use crate::select::text_of;
use crate::store::{Key, ParentRef, Store, is_digits, key_from_text};

impl<'a> Call<'a> {
    /// Reads a call: its path parameters (each of its type), its query (`return_object=none`
    /// only on a write), its body (within the limits) and the body's `Content-Type`.
    pub(super) async fn read(
        st: &'a MockState,
        r: &'static Resource,
        a: &'static Route,
        parts: &mut Parts,
        body: Body,
        out: Format,
    ) -> Result<Call<'a>, Failure> {
        let raw = RawPathParams::from_request_parts(parts, &())
            .await
            .map_err(|_| {
                Failure::about(
                    StatusCode::NOT_FOUND,
                    Some(r),
                    vec![format!("Couldn't find {}", r.type_name())],
                )
            })?;
        let params: Vec<(String, String)> = raw
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        check_params(r, a, &params)?;
        let query = ParsedQuery::parse(parts.uri.query().unwrap_or_default())
            .map_err(|e| Failure::about(StatusCode::BAD_REQUEST, Some(r), vec![e.0]))?;
        if parts.method == http::Method::GET && query.return_object == Some(ReturnObject::None) {
            // Coupa: "none ... is only supported for PUT and POST (not queries, like GET, where it
            // doesn't make sense)".
            return Err(Failure::about(
                StatusCode::BAD_REQUEST,
                Some(r),
                vec![
                    "`return_object=none` is for PUT and POST only; a GET takes limited or shallow"
                        .to_owned(),
                ],
            ));
        }
        let body = read_body(
            body,
            &parts.headers,
            st.config().body_limit,
            st.config().body_timeout,
            Some(r),
        )
        .await?;
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let form = if a.takes == Takes::Multipart {
            super::upload::read_form(content_type.as_deref().unwrap_or_default(), body.clone())
                .await
                .map_err(|e| Failure::about(StatusCode::BAD_REQUEST, Some(r), vec![e]))?
        } else {
            Vec::new()
        };
        Ok(Call {
            st,
            r,
            a,
            params,
            query,
            out,
            body,
            content_type,
            form,
        })
    }
}

impl Call<'_> {
    /// The value of the path parameter `name`.
    pub(super) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The record the route names (by the key parameter).
    pub(super) fn key(&self) -> Result<Key, Failure> {
        let name = self.r.key().unwrap_or("id");
        let v = self.param(name).unwrap_or_default();
        key_from_text(self.r, v).ok_or_else(|| self.not_found(v))
    }

    /// The format of the request body (`Content-Type`, JSON when absent).
    pub(super) fn in_format(&self) -> Result<Format, Failure> {
        match &self.content_type {
            None => Ok(Format::Json),
            Some(ct) => Format::from_media_type(ct).ok_or_else(|| {
                self.fail(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    format!(
                        "The Content-Type `{}` is not supported: send application/json or application/xml",
                        clip(ct)
                    ),
                )
            }),
        }
    }

    /// Whether the body is empty (white space only).
    pub(super) fn body_is_empty(&self) -> bool {
        self.body.iter().all(u8::is_ascii_whitespace)
    }

    /// Reads one object.
    pub(super) fn decode(&self) -> Result<Value, Failure> {
        let fmt = self.in_format()?;
        let v = (self.r.codec.read)(fmt, &self.body).map_err(|e| self.decode_failure(e))?;
        if v.is_object() {
            Ok(v)
        } else {
            Err(self.bad("The body must be one object".into()))
        }
    }

    /// Reads the body the action takes, if any (a form as the object of its elements).
    pub(super) fn decode_for_takes(&self) -> Result<Option<Value>, Failure> {
        match self.a.takes {
            Takes::Object => self.decode().map(Some),
            Takes::OptionalObject if !self.body_is_empty() => self.decode().map(Some),
            Takes::Multipart => self.form_object().map(|f| Some(Value::Object(f.fields))),
            _ => Ok(None),
        }
    }

    /// The values the route binds, typed.
    pub(super) fn bind_values(&self) -> Result<Vec<(&'static str, Value)>, Failure> {
        self.a
            .binds
            .iter()
            .map(|(name, to)| self.bind_value(name, *to).map(|v| (*name, v)))
            .collect()
    }

    /// The value the route binds `name` to: a constant, or a path parameter (404 when it does not fit).
    pub(super) fn bind_value(&self, name: &str, to: BindTo) -> Result<Value, Failure> {
        match to {
            BindTo::Const(c) => typed(self.r, name, c).map_err(|e| {
                self.internal(format!(
                    "the route binds `{name}` to a constant that does not fit: {e}"
                ))
            }),
            BindTo::Param(p) => {
                let text = self.param(p).unwrap_or_default();
                typed(self.r, name, text).map_err(|_| self.no_record(self.r.type_name(), p, text))
            }
        }
    }

    /// Writes the bound values into an object: the elements a client may send (`api_in`) before
    /// validation, the others after it.
    pub(super) fn apply_binds(
        &self,
        obj: &mut Map<String, Value>,
        api_in: bool,
    ) -> Result<(), Failure> {
        for (name, to) in self.a.binds {
            let accepted = self.r.element(name).is_none_or(|e| e.api_in);
            if accepted == api_in {
                obj.insert((*name).to_owned(), self.bind_value(name, *to)?);
            }
        }
        Ok(())
    }

    /// Writes what the action sets (`run` sets status running, `resolve` resolved true).
    pub(super) fn apply_sets(&self, obj: &mut Map<String, Value>) -> Result<(), Failure> {
        for (name, text) in self.a.sets {
            let v = typed(self.r, name, text).map_err(|e| {
                self.internal(format!(
                    "the action sets `{name}` to a value that does not fit: {e}"
                ))
            })?;
            obj.insert((*name).to_owned(), v);
        }
        Ok(())
    }

    /// The record the route names, if it matches the route's binds and, under a parent, is
    /// linked to it (404 otherwise, or when the parent does not exist).
    pub(super) fn find_in(
        &self,
        store: &Store,
        key: &Key,
        binds: &[(&str, Value)],
    ) -> Result<Value, Failure> {
        let parent = self.parent(store)?;
        self.find_under(store, key, binds, parent.as_ref())
    }

    /// [`Call::find_in`], with the parent [`Call::parent`] found.
    pub(super) fn find_under(
        &self,
        store: &Store,
        key: &Key,
        binds: &[(&str, Value)],
        parent: Option<&Parent>,
    ) -> Result<Value, Failure> {
        let scope = parent.and_then(|p| self.scope_of(p));
        let linked = |p: &ParentRef| store.table(self.r).is_some_and(|t| t.is_linked(p, key));
        store
            .get(self.r, key)
            .filter(|v| bound(v, binds) && scope.is_none_or(linked))
            .cloned()
            .ok_or_else(|| self.not_found(&key.to_string()))
    }

    /// The parent a nested route names (see `crate::nest`), if any, with the change of links the
    /// route makes. A 404 when its parameter cannot name one, when the parent resource is the
    /// registry's and has no such record, or when a resource above the parent has none.
    pub(super) fn parent(&self, store: &Store) -> Result<Option<Parent>, Failure> {
        let Some(n) = nest(self.r, self.a) else {
            return Ok(None);
        };
        let text = self.param(n.param).unwrap_or_default();
        let missing = || self.no_record(n.parent.map_or(n.segment, |p| p.type_name()), "id", text);
        let record = n.parent_ref(text).ok_or_else(missing)?;
        if let Some(parent) = n.parent
            && store.get(parent, &record.key).is_none()
        {
            return Err(missing());
        }
        for (above, param) in n.ancestors() {
            let text = self.param(param).unwrap_or_default();
            if key_from_text(above, text).is_none_or(|k| store.get(above, &k).is_none()) {
                return Err(self.no_record(above.type_name(), "id", text));
            }
        }
        Ok(Some(Parent {
            record,
            relink: n.relink,
        }))
    }

    /// The parent whose records the route sees: [`Call::parent`]'s, but none for the member and
    /// status actions (`/api/users/{user_id}/business_groups/{id}/add`), which act on a record
    /// that need not be the parent's yet; their parent must exist all the same.
    pub(super) fn scope(&self, store: &Store) -> Result<Option<ParentRef>, Failure> {
        Ok(self.parent(store)?.and_then(|p| self.scope_of(&p).cloned()))
    }

    /// The parent record whose records the route sees (see [`Call::scope`]).
    fn scope_of<'p>(&self, p: &'p Parent) -> Option<&'p ParentRef> {
        let unscoped = matches!(self.a.kind, ActionKind::Member | ActionKind::Status);
        (!unscoped).then_some(&p.record)
    }
}

/// The parent a nested route names, found in the store.
pub(super) struct Parent {
    /// The parent record.
    pub(super) record: ParentRef,
    /// The change of links the route makes (see `crate::nest::Relink`).
    pub(super) relink: Option<Relink>,
}

/// True when the record holds every bound value.
pub(super) fn bound(rec: &Value, binds: &[(&str, Value)]) -> bool {
    binds
        .iter()
        .all(|(name, want)| rec.get(*name).is_some_and(|v| loose_eq(v, want)))
}

/// Equal, or the same text (`5` and `"5"`).
fn loose_eq(a: &Value, b: &Value) -> bool {
    a == b || matches!((text_of(a), text_of(b)), (Some(x), Some(y)) if x == y)
}

/// A value of an element from the text of a bind, a set or a path parameter, typed by the
/// element's kind ("true" becomes a boolean for a boolean element, "5" an integer, ...).
pub(super) fn typed(r: &Resource, name: &str, text: &str) -> Result<Value, String> {
    let Some(e) = r.element(name) else {
        return Ok(Value::String(text.to_owned()));
    };
    match e.kind {
        ElementKind::Integer => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("`{}` is not an integer", clip(text))),
        ElementKind::Boolean => match text.trim() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("`{}` is not true or false", clip(text))),
        },
        ElementKind::Decimal => Decimal::new(text.trim()).map(|d| Value::String(d.to_string())),
        ElementKind::DateTime => DateTime::parse(text).map(|d| Value::String(d.to_wire())),
        ElementKind::Date => Date::new(text).map(|d| Value::String(d.to_string())),
        ElementKind::Time => Time::new(text).map(|t| Value::String(t.to_string())),
        ElementKind::Float => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| format!("`{}` is not a number", clip(text))),
        ElementKind::Digits => {
            if is_digits(text, usize::MAX) {
                Ok(Value::String(text.to_owned()))
            } else {
                Err(format!("`{}` is not a string of digits", clip(text)))
            }
        }
        ElementKind::String | ElementKind::Text => Ok(Value::String(text.to_owned())),
        ElementKind::Object | ElementKind::Shape => {
            serde_json::from_str(text).map_err(|e| format!("`{}` is not JSON: {e}", clip(text)))
        }
    }
}
