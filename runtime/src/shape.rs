//! The schemas as static tables: a [`Shape`] per model (its elements and their rules) and a
//! [`Route`] per action.
//!
//! The generated crate states each fact once, here: the validators read an element's rules from
//! its [`Element`], [`Preserved`](crate::Preserved) follows [`Element::shape`] into nested
//! objects, every request's [`Endpoint::ROUTE`](crate::Endpoint::ROUTE) is a [`Route`], and the
//! registry that tools use points at the same tables.
//!
//! The tables are built by `const fn`s, so the generated code reads like a sentence per element:
//!
//! ```
//! use coupa_runtime::shape::{Element, Shape};
//! use coupa_runtime::{Assigned, ElementKind};
//!
//! static RUN: Shape = Shape::new("IntegrationRun", "integration-run", &[
//!     Element::new("id", ElementKind::Integer).output_only().key().assigned(Assigned::Id),
//!     Element::new("status", ElementKind::String).output_only().max_len(255),
//! ]);
//! assert_eq!(RUN.element("status").and_then(|e| e.max_len), Some(255));
//! assert!(!RUN.key().unwrap().api_in);
//! ```

use crate::vocab::{
    ActionKind, Answers, Assigned, ElementKind, FormKind, Host, Method, ParamKind, Takes,
};

/// The elements of one model.
#[derive(Debug)]
pub struct Shape {
    /// Schema type name (`IntegrationRun`).
    pub name: &'static str,
    /// The XML root element of one object (`integration-run`).
    pub wire_name: &'static str,
    /// True when Coupa leaves the object open: no elements are described and every key is kept.
    pub open: bool,
    /// The elements, in the order of the page's table.
    pub elements: &'static [Element],
}

impl Shape {
    /// A model with these elements.
    pub const fn new(
        name: &'static str,
        wire_name: &'static str,
        elements: &'static [Element],
    ) -> Shape {
        Shape {
            name,
            wire_name,
            open: false,
            elements,
        }
    }

    /// An object Coupa leaves open.
    pub const fn open(name: &'static str, wire_name: &'static str) -> Shape {
        Shape {
            name,
            wire_name,
            open: true,
            elements: &[],
        }
    }

    /// The element with this wire name or alias.
    pub fn element(&self, key: &str) -> Option<&'static Element> {
        self.elements
            .iter()
            .find(|e| e.name == key || e.aliases.contains(&key))
    }

    /// The element that identifies one object (`id`), for resources that have one.
    pub fn key(&self) -> Option<&'static Element> {
        self.elements.iter().find(|e| e.key)
    }

    /// The wire names of the elements, in table order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        self.elements.iter().map(|e| e.name)
    }
}

/// One element and its rules.
#[derive(Clone, Copy, Debug)]
pub struct Element {
    /// Wire name: JSON key and XML element (`created-at`).
    pub name: &'static str,
    /// Other names accepted on input (`total_records`).
    pub aliases: &'static [&'static str],
    /// The kind of value.
    pub kind: ElementKind,
    /// For [`ElementKind::Shape`]: the shape of the nested object (or of each item of a list).
    pub shape: Option<&'static Shape>,
    /// A list of values.
    pub list: bool,
    /// Required on create.
    pub required: bool,
    /// Other elements whose presence also satisfies `required`.
    pub alternatives: &'static [&'static str],
    /// No two objects share a value.
    pub unique: bool,
    /// The element that identifies one object: required by bulk updates and deletes.
    pub key: bool,
    /// Accepted in requests.
    pub api_in: bool,
    /// Returned in responses.
    pub api_out: bool,
    /// Cannot change once set.
    pub immutable: bool,
    /// What Coupa fills in by itself.
    pub assigned: Option<Assigned>,
    /// The allowed values, as Coupa spells them (empty: any value).
    pub allowed: &'static [&'static str],
    /// Maximum length in characters.
    pub max_len: Option<u32>,
    /// For decimals: the digits a value may have in all, and after the point (`decimal(32,4)`).
    pub precision: Option<(u8, u8)>,
}

impl Element {
    /// An element sent and returned, with no other rule.
    pub const fn new(name: &'static str, kind: ElementKind) -> Element {
        Element {
            name,
            aliases: &[],
            kind,
            shape: None,
            list: false,
            required: false,
            alternatives: &[],
            unique: false,
            key: false,
            api_in: true,
            api_out: true,
            immutable: false,
            assigned: None,
            allowed: &[],
            max_len: None,
            precision: None,
        }
    }

    /// An element holding another shape.
    pub const fn nested(name: &'static str, shape: &'static Shape) -> Element {
        let mut e = Element::new(name, ElementKind::Shape);
        e.shape = Some(shape);
        e
    }

    /// Holds a list.
    pub const fn list(mut self) -> Element {
        self.list = true;
        self
    }

    /// Also read under these names.
    pub const fn aliases(mut self, aliases: &'static [&'static str]) -> Element {
        self.aliases = aliases;
        self
    }

    /// Required on create.
    pub const fn required(mut self) -> Element {
        self.required = true;
        self
    }

    /// Required on create unless one of these elements is present.
    pub const fn alternatives(mut self, alternatives: &'static [&'static str]) -> Element {
        self.alternatives = alternatives;
        self
    }

    /// Unique among the objects of the resource.
    pub const fn unique(mut self) -> Element {
        self.unique = true;
        self
    }

    /// The resource's key.
    pub const fn key(mut self) -> Element {
        self.key = true;
        self
    }

    /// Returned, not accepted in requests.
    pub const fn output_only(mut self) -> Element {
        self.api_in = false;
        self
    }

    /// Accepted in requests, not returned.
    pub const fn input_only(mut self) -> Element {
        self.api_out = false;
        self
    }

    /// Cannot change once set.
    pub const fn immutable(mut self) -> Element {
        self.immutable = true;
        self
    }

    /// Filled in by Coupa.
    pub const fn assigned(mut self, assigned: Assigned) -> Element {
        self.assigned = Some(assigned);
        self
    }

    /// Only these values are accepted.
    pub const fn allowed(mut self, values: &'static [&'static str]) -> Element {
        self.allowed = values;
        self
    }

    /// At most `n` characters.
    pub const fn max_len(mut self, n: u32) -> Element {
        self.max_len = Some(n);
        self
    }

    /// At most `digits` digits in all, `scale` of them after the point.
    pub const fn precision(mut self, digits: u8, scale: u8) -> Element {
        self.precision = Some((digits, scale));
        self
    }

    /// The nested shape, when it describes its elements (not an open object).
    pub fn struct_shape(&self) -> Option<&'static Shape> {
        self.shape.filter(|s| !s.open)
    }
}

/// What a nested route binds an element to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindTo {
    /// A constant.
    Const(&'static str),
    /// A path parameter.
    Param(&'static str),
}

/// One action of a resource: its route and what it exchanges.
#[derive(Debug)]
pub struct Route {
    /// The resource (plural wire name, `integration-runs`).
    pub resource: &'static str,
    /// The action's name in the schema (`run`).
    pub name: &'static str,
    /// What the action does.
    pub kind: ActionKind,
    /// HTTP method.
    pub method: Method,
    /// Path with `{params}`.
    pub path: &'static str,
    /// The host the action lives on.
    pub host: Host,
    /// What the request carries.
    pub takes: Takes,
    /// What the response carries.
    pub answers: Answers,
    /// The OAuth 2.0 scope it needs (Core).
    pub scope: Option<&'static str>,
    /// Path parameters, in path order.
    pub params: &'static [(&'static str, ParamKind)],
    /// The fields of a multipart form: name, kind, required.
    pub form: &'static [(&'static str, FormKind, bool)],
    /// Elements the action sets, with their wire values (`status` to `running`).
    pub sets: &'static [(&'static str, &'static str)],
    /// Elements the route binds.
    pub binds: &'static [(&'static str, BindTo)],
    /// The list element the route reaches into (`attachments`).
    pub of: Option<&'static str>,
}

impl Route {
    /// Whether the path parameter `param` is bound to an element (rather than naming a record).
    pub fn binds_param(&self, param: &str) -> bool {
        self.binds
            .iter()
            .any(|(_, to)| matches!(to, BindTo::Param(p) if *p == param))
    }

    /// A Core action that takes nothing and answers one object.
    pub const fn new(
        resource: &'static str,
        name: &'static str,
        kind: ActionKind,
        method: Method,
        path: &'static str,
    ) -> Route {
        Route {
            resource,
            name,
            kind,
            method,
            path,
            host: Host::Core,
            takes: Takes::Nothing,
            answers: Answers::Object,
            scope: None,
            params: &[],
            form: &[],
            sets: &[],
            binds: &[],
            of: None,
        }
    }

    /// On this host.
    pub const fn host(mut self, host: Host) -> Route {
        self.host = host;
        self
    }

    /// Takes this.
    pub const fn takes(mut self, takes: Takes) -> Route {
        self.takes = takes;
        self
    }

    /// Answers this.
    pub const fn answers(mut self, answers: Answers) -> Route {
        self.answers = answers;
        self
    }

    /// Needs this OAuth 2.0 scope.
    pub const fn scope(mut self, scope: &'static str) -> Route {
        self.scope = Some(scope);
        self
    }

    /// Has these path parameters.
    pub const fn params(mut self, params: &'static [(&'static str, ParamKind)]) -> Route {
        self.params = params;
        self
    }

    /// Takes this multipart form.
    pub const fn form(mut self, form: &'static [(&'static str, FormKind, bool)]) -> Route {
        self.form = form;
        self
    }

    /// Sets these elements.
    pub const fn sets(mut self, sets: &'static [(&'static str, &'static str)]) -> Route {
        self.sets = sets;
        self
    }

    /// Binds these elements.
    pub const fn binds(mut self, binds: &'static [(&'static str, BindTo)]) -> Route {
        self.binds = binds;
        self
    }

    /// Reaches into this list element.
    pub const fn of(mut self, element: &'static str) -> Route {
        self.of = Some(element);
        self
    }
}
