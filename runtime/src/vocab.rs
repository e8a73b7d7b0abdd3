//! The vocabulary both sides of the generator speak: hosts, methods, what an action does, takes
//! and answers, what Coupa assigns, the kinds of element values, validation modes and the rules a value can break.
//!
//! Each is defined once, here. The schema format (`coupa-codegen`) reads them from YAML and emits
//! them as tokens through the `codegen` feature; the generated crate and the tools read them at
//! run time. The kebab-case name of every value ([`ActionKind::as_str`], ...) is the spelling the
//! YAML uses.
//!
//! This module is a leaf: it imports nothing else of the crate.

/// Defines an enum of the vocabulary: its kebab-case names, `ALL`, `NAMES`, serde under those
/// names (written out here, so no derive is compiled for it), and, with the `codegen` feature,
/// its JSON Schema and its tokens for the emitters.
macro_rules! vocab {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "codegen", derive(schemars::JsonSchema))]
        pub enum $name {
            $( $(#[$vmeta])* #[cfg_attr(feature = "codegen", schemars(rename = $text))] $variant, )*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The names of [`Self::ALL`], in the same order.
            pub const NAMES: &'static [&'static str] = &[$($text),*];

            /// The name the schemas use.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The value with this name in the schemas.
            pub fn from_name(name: &str) -> Option<$name> {
                match name {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        /// The value's name.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        /// A value by its name; any other name is an unknown variant, listing the names.
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $name::from_name(&name)
                    .ok_or_else(|| serde::de::Error::unknown_variant(&name, $name::NAMES))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// The value as the generated code writes it (`ActionKind::Create`): every generated
        /// module that uses a vocabulary type imports it from `coupa_runtime`.
        #[cfg(feature = "codegen")]
        impl quote::ToTokens for $name {
            fn to_tokens(&self, tokens: &mut proc_macro2::TokenStream) {
                let variant = match self {
                    $($name::$variant => quote::format_ident!("{}", stringify!($variant)),)*
                };
                let name = quote::format_ident!("{}", stringify!($name));
                tokens.extend(quote::quote! { #name::#variant });
            }
        }
    };
}

vocab! {
    /// The two Coupa hosts.
    pub enum Host {
        /// `https://{instance}.coupahost.com`, OAuth 2.0.
        Core = "core",
        /// `https://{instance}.cso.coupahost.com`, `X-CSO-API-KEY`.
        Cso = "cso",
    }
}

vocab! {
    /// HTTP methods used by Coupa.
    pub enum Method {
        /// GET
        Get = "GET",
        /// POST
        Post = "POST",
        /// PUT
        Put = "PUT",
        /// PATCH
        Patch = "PATCH",
        /// DELETE
        Delete = "DELETE",
    }
}

impl Method {
    /// The method for `http` requests.
    pub fn to_http(self) -> http::Method {
        match self {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
            Method::Put => http::Method::PUT,
            Method::Patch => http::Method::PATCH,
            Method::Delete => http::Method::DELETE,
        }
    }
}

vocab! {
    /// What an action does.
    pub enum ActionKind {
        /// Creates one object.
        Create = "create",
        /// Lists objects, with query filters.
        Index = "index",
        /// Reads one object.
        Show = "show",
        /// Changes one object.
        Update = "update",
        /// Deletes one object.
        Delete = "delete",
        /// Moves one object to a status (`sets`).
        Status = "status",
        /// Creates several objects from an envelope.
        BulkCreate = "bulk-create",
        /// Changes several objects from an envelope.
        BulkUpdate = "bulk-update",
        /// Deletes several objects named in an envelope.
        BulkDelete = "bulk-delete",
        /// Does something to one object (`PUT /api/invoices/{id}/submit`); a body is validated
        /// as an update.
        Member = "member",
        /// Does something to the collection (`POST /api/accounts/validate_account`); a body is
        /// validated as an update.
        Collection = "collection",
    }
}

impl ActionKind {
    /// The validation mode of the action's body, if it has one.
    pub const fn mode(self) -> Option<Mode> {
        match self {
            ActionKind::Create | ActionKind::BulkCreate => Some(Mode::Create),
            ActionKind::Update
            | ActionKind::Status
            | ActionKind::Member
            | ActionKind::Collection => Some(Mode::Update),
            ActionKind::BulkUpdate => Some(Mode::BulkUpdate),
            ActionKind::BulkDelete => Some(Mode::BulkDelete),
            ActionKind::Index | ActionKind::Show | ActionKind::Delete => None,
        }
    }
}

vocab! {
    /// What a request carries.
    pub enum Takes {
        /// No body and no query.
        Nothing = "nothing",
        /// One object.
        Object = "object",
        /// One object, or no body at all (status actions that may carry counters).
        OptionalObject = "optional-object",
        /// The resource's bulk-request envelope.
        Bulk = "bulk",
        /// Query filters, paging, ordering and response shaping.
        Query = "query",
        /// A `multipart/form-data` form (`form`): files and text fields.
        Multipart = "multipart",
    }
}

vocab! {
    /// What a response carries.
    pub enum Answers {
        /// One object.
        Object = "object",
        /// A list of objects.
        List = "list",
        /// The resource's list envelope.
        Envelope = "envelope",
        /// The resource's bulk-result envelope.
        BulkResult = "bulk-result",
        /// The bytes of a file.
        File = "file",
    }
}

vocab! {
    /// Values Coupa assigns by itself.
    pub enum Assigned {
        /// The object's id, on create.
        Id = "id",
        /// The time of creation.
        CreatedAt = "created-at",
        /// The time of the last write.
        UpdatedAt = "updated-at",
        /// The user who created the object.
        CreatedBy = "created-by",
        /// The user who last wrote the object.
        UpdatedBy = "updated-by",
        /// The next number of a sequence, on create (CSO `event-number`).
        Sequence = "sequence",
    }
}

vocab! {
    /// The kind of an element's value: the data types of the schema format.
    pub enum ElementKind {
        /// Short text, with an optional length.
        String = "string",
        /// Long text.
        Text = "text",
        /// A 64-bit integer.
        Integer = "integer",
        /// A decimal amount, carried as text.
        Decimal = "decimal",
        /// `true` or `false`.
        Boolean = "boolean",
        /// A date and time with its UTC offset.
        DateTime = "datetime",
        /// A calendar date.
        Date = "date",
        /// A time of day.
        Time = "time",
        /// A floating-point number (Coupa's few `float` columns; amounts are decimals).
        Float = "float",
        /// A string of digits (CSO's ids).
        Digits = "digits",
        /// An object Coupa leaves open.
        Object = "object",
        /// Another shape of the schemas.
        Shape = "shape",
    }
}

vocab! {
    /// The type of a path parameter.
    pub enum ParamKind {
        /// An integer id (Core).
        Integer = "integer",
        /// A string of digits (CSO ids).
        Digits = "digits",
        /// Any text.
        String = "string",
    }
}

vocab! {
    /// The type of a field of a multipart form.
    pub enum FormKind {
        /// A file: its name, media type and bytes.
        File = "file",
        /// Text.
        String = "string",
    }
}

/// What a payload is for: the action decides which rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// A create: required elements must be present.
    Create,
    /// An update (or a status action with a body): nothing is required, immutable elements must
    /// not be sent.
    Update,
    /// One item of a bulk update: like an update, and the key (`id`) is required.
    BulkUpdate,
    /// One item of a bulk delete: only the key is required; the rest is ignored.
    BulkDelete,
}

vocab! {
    /// The rule a value broke, by the kebab-case name `coupa validate` prints.
    pub enum Rule {
        /// A required element is missing.
        Required = "required",
        /// A value is not one of the allowed values.
        Allowed = "allowed",
        /// A text is longer than its maximum length (in characters).
        Length = "length",
        /// A value is not of the element's format (a CSO id that is not digits).
        Format = "format",
        /// An element that Coupa does not accept in requests (api-out only) was sent.
        OutputOnly = "output-only",
        /// An element that cannot change once set was sent in an update.
        Immutable = "immutable",
        /// A value of a unique element is used twice in one batch, or by an existing object.
        Unique = "unique",
        /// A decimal has more digits than its column holds (`decimal(32,4)`).
        Precision = "precision",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for k in ActionKind::ALL {
            assert_eq!(ActionKind::from_name(k.as_str()), Some(*k));
        }
        assert_eq!(Method::from_name("PATCH"), Some(Method::Patch));
        assert_eq!(Method::Patch.to_http(), http::Method::PATCH);
        assert_eq!(
            ElementKind::from_name("datetime"),
            Some(ElementKind::DateTime)
        );
        assert_eq!(
            Takes::from_name("optional-object"),
            Some(Takes::OptionalObject)
        );
        assert_eq!(Host::from_name("nowhere"), None);
    }

    /// The schemas' YAML and `coupa validate --json` read and write the vocabulary through
    /// serde, under the same names; an unknown name is an error that lists them.
    #[test]
    fn serde_uses_the_names() {
        for k in ActionKind::ALL {
            let json = serde_json::to_string(k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.as_str()));
            assert_eq!(serde_json::from_str::<ActionKind>(&json).unwrap(), *k);
        }
        assert_eq!(Rule::NAMES.len(), Rule::ALL.len());
        let e = serde_json::from_str::<Rule>("\"lenght\"").unwrap_err();
        assert!(
            e.to_string().starts_with(
                "unknown variant `lenght`, expected one of `required`, `allowed`, `length`"
            ),
            "{e}"
        );
        assert!(serde_json::from_str::<Takes>("3").is_err());
    }

    #[test]
    fn modes_follow_kinds() {
        assert_eq!(ActionKind::Status.mode(), Some(Mode::Update));
        assert_eq!(ActionKind::BulkDelete.mode(), Some(Mode::BulkDelete));
        assert_eq!(ActionKind::Index.mode(), None);
    }
}
