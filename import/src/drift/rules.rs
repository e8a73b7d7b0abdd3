//! The classification rules: every kind of change the comparison reports, and what it means for a
//! program that uses the generated crate (`coupa-api`). The report prints this table in its
//! header; each rule has a fixture pair under `import/tests/drift/<rule>/`.

/// What a change means for a program that uses the generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// The program may stop compiling, or Coupa (or the crate's validators) may refuse what it
    /// sent before, or it may miss what it read before.
    Breaking,
    /// Something new the program may start to use; what it does today keeps working.
    Additive,
    /// Only the generated documentation, or where a fact was read from, changes.
    Documentation,
}

impl Class {
    /// Every class, in the order the report lists them.
    pub const ALL: [Class; 3] = [Class::Breaking, Class::Additive, Class::Documentation];

    /// `breaking`, `additive`, `documentation`: the JSON report's spelling.
    pub fn id(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Additive => "additive",
            Class::Documentation => "documentation",
        }
    }
}

macro_rules! rules {
    ($($(#[$doc:meta])* $variant:ident = $id:literal, $class:ident, $when:literal;)*) => {
        /// A kind of change, with its class and the condition the report prints for it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($(#[$doc])* $variant,)*
        }

        impl Rule {
            /// Every rule, in the order the report's table lists them.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            fn row(self) -> (&'static str, Class, &'static str) {
                match self {
                    $(Rule::$variant => ($id, Class::$class, $when),)*
                }
            }
        }
    };
}

rules! {
    /// A route (method and path) of a resource is gone.
    RouteRemoved = "route-removed", Breaking,
        "a route (method and path) is gone: its request type goes with it";
    /// The same route has another action name.
    ActionRenamed = "action-renamed", Breaking,
        "the same route has another action name: its request type is renamed";
    /// An optional body became required.
    BodyRequired = "body-required", Breaking,
        "a route that took an optional body now requires one";
    /// What a route takes changed otherwise.
    TakesChanged = "takes-changed", Breaking,
        "what a route takes changes otherwise (nothing, a query, a body, a multipart form)";
    /// What a route answers changed.
    AnswersChanged = "answers-changed", Breaking,
        "what a route answers changes (one object, a list, a file): its response type changes";
    /// The fields of a multipart form changed.
    FormChanged = "form-changed", Breaking,
        "the fields of a route's multipart form change (added, removed, required, file or text)";
    /// A resource's module or wire plural changed.
    ResourceRenamed = "resource-renamed", Breaking,
        "a resource's Rust module or its wire plural (the XML list's name) changes";
    /// A type is gone.
    TypeRemoved = "type-removed", Breaking,
        "a type is gone: its Rust type goes with it";
    /// A type lost all its elements (now open), or an open type gained elements.
    TypeOpenChanged = "type-open-changed", Breaking,
        "a type without elements (kept as an open JSON map) gains elements, or the reverse: its Rust type changes between a map and a struct";
    /// An element is gone.
    ElementRemoved = "element-removed", Breaking,
        "an element is gone: its field goes, and Coupa no longer reads or returns it";
    /// An element's wire name changed.
    ElementRenamed = "element-renamed", Breaking,
        "an element is gone and one is new whose name is the same once case, `_`/`-` and a final `?` are ignored (`po_number` → `po-number`): the wire name changes. Any other rename shows as a removal and an addition";
    /// A new element that is required.
    ElementAddedRequired = "element-added-required", Breaking,
        "a new element is required: a create without it is refused";
    /// An element's type changed.
    TypeChanged = "type-changed", Breaking,
        "an element's type changes (another scalar, another object, a scalar for an object): its Rust type changes";
    /// List became single, or single became list.
    ListChanged = "list-changed", Breaking,
        "an element becomes a list, or stops being one";
    /// A length shrank or appeared.
    LengthNarrowed = "length-narrowed", Breaking,
        "an element's maximum length is smaller, or it has one where it had none";
    /// A precision or scale shrank or appeared.
    PrecisionNarrowed = "precision-narrowed", Breaking,
        "a decimal's precision or scale is smaller, or it has them where it had none";
    /// An allowed value is gone.
    ValueRemoved = "value-removed", Breaking,
        "a value is no longer allowed";
    /// Allowed values appear where any value was accepted.
    AllowedIntroduced = "allowed-introduced", Breaking,
        "an element that took any value now has a list of allowed values (a text's Rust type becomes an enum)";
    /// A text element's allowed values are gone.
    EnumDropped = "enum-dropped", Breaking,
        "a text element's list of allowed values is gone: its Rust enum becomes a `String`";
    /// An element became required.
    RequiredAdded = "required-added", Breaking,
        "an element is newly required on create";
    /// An element became unique.
    UniqueAdded = "unique-added", Breaking,
        "an element is newly unique: Coupa refuses a value another record has";
    /// An element is no longer accepted (output only).
    InRemoved = "in-removed", Breaking,
        "an element is no longer accepted on create or update (output only): the crate's validators refuse it";
    /// An element is no longer returned (input only).
    OutRemoved = "out-removed", Breaking,
        "an element is no longer returned (input only)";
    /// A new route.
    RouteAdded = "route-added", Additive,
        "a new route (method and path), with its request type";
    /// A required body became optional.
    BodyOptional = "body-optional", Additive,
        "a route that required a body now takes an optional one";
    /// A new type.
    TypeAdded = "type-added", Additive,
        "a new type";
    /// A new element that is not required.
    ElementAdded = "element-added", Additive,
        "a new element that is not required: a new optional field";
    /// A length grew or went away.
    LengthWidened = "length-widened", Additive,
        "an element's maximum length is larger, or it has none any more";
    /// A precision or scale grew or went away.
    PrecisionWidened = "precision-widened", Additive,
        "a decimal's precision and scale are no smaller and one is larger, or it has none any more";
    /// A new allowed value.
    ValueAdded = "value-added", Additive,
        "a new allowed value (a program reading it gets the enum's `Unknown` until it regenerates)";
    /// A number's allowed values are gone.
    AllowedDropped = "allowed-dropped", Additive,
        "a number's list of allowed values is gone: any value is accepted, the Rust type stays";
    /// An element is no longer required.
    RequiredRemoved = "required-removed", Additive,
        "an element is no longer required";
    /// An element is no longer unique.
    UniqueRemoved = "unique-removed", Additive,
        "an element is no longer unique";
    /// An element is now accepted.
    InAdded = "in-added", Additive,
        "an element is now accepted on create or update";
    /// An element is now returned.
    OutAdded = "out-added", Additive,
        "an element is now returned";
    /// Text became string or the reverse.
    StringText = "string-text", Documentation,
        "an element changes between `string` and `text`: both are a Rust `String` (a length change is classified on its own)";
    /// The Swagger's read-only flag changed.
    ReadOnlyChanged = "read-only-changed", Documentation,
        "the Swagger's `readOnly` flag changes: the crate reads in/out, whose change (if any) is classified on its own";
    /// The page a type is documented on changed.
    PageChanged = "page-changed", Documentation,
        "the reference page a type is matched to changes (another page, a page where there was none, none any more): only the links of the generated docs change";
    /// Where a fact was read from changed while the fact stayed.
    SourceChanged = "source-changed", Documentation,
        "where a fact was read from (the Swagger, a page, the importer's default) changes while the fact stays";
}

impl Rule {
    /// The rule's name in the report (`route-removed`).
    pub fn id(self) -> &'static str {
        self.row().0
    }

    /// What the change means for a program that uses the generated crate.
    pub fn class(self) -> Class {
        self.row().1
    }

    /// When the rule applies, as the report's header says it.
    pub fn when(self) -> &'static str {
        self.row().2
    }

    /// The rule named `id`.
    pub fn by_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }
}
