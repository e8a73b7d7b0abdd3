//! serde for the generated models, without a derive: [`wire_struct!`](crate::wire_struct!) writes
//! a model's `Serialize` and `Deserialize` from its fields and their wire names, with what every
//! model shares (reading a key, refusing an element given twice, writing a field, reading a
//! value) here, once.
//!
//! It does what `#[derive(Serialize, Deserialize)]` with `#[serde(rename = "...", default)]` on
//! the struct and `skip_serializing_if = "Option::is_none"` on every field did, with the same
//! errors (`duplicate field`, `expected struct IntegrationRun`), so the wire is unchanged; but
//! the generated crate and this runtime compile no proc-macro (no `syn`, no `serde_derive`).
//! One thing it does not do: read an object from an array, a field per item. Coupa never sends
//! one, and the derive's `visit_seq` was the largest function of every model once instantiated
//! for each reader (13% of the registry's code for five resources); an array is refused, as any
//! other value that is not an object (`invalid type: sequence, expected struct ...`).
//!
//! - Writing: `serialize_struct` under the wire name, an element per field that is `Some`, in
//!   the order of the fields, and `skip_field` for the others.
//! - Reading: an object's keys are matched against the wire names and aliases (a `match` per
//!   model); an unknown key is skipped; a field given twice, under its name or an alias, is an
//!   error; a missing field keeps its default (`None`).

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct};

/// Reads an object's key as the index of the model's field it names (`None` for a key the model
/// does not know), through the model's `match` of its wire names and aliases. One type for every
/// model: each deserializer reads keys through one instantiation, not one per model.
#[derive(Clone, Copy)]
pub struct Key {
    /// The wire names of the fields, in order (a numeric key is an index into them).
    pub fields: &'static [&'static str],
    /// The index of the field a wire name or alias names.
    pub field: fn(&str) -> Option<usize>,
}

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        Ok((self.field)(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Option<usize>, E> {
        Ok(std::str::from_utf8(v).ok().and_then(self.field))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<usize>, E> {
        let name = usize::try_from(v).ok().and_then(|i| self.fields.get(i));
        Ok(name.and_then(|n| (self.field)(n)))
    }
}

/// Marks the field at `index` as read; an error naming it (by its wire name, as the derive did)
/// if it was read before.
pub fn first<E: de::Error>(
    seen: &mut [bool],
    index: usize,
    fields: &'static [&'static str],
) -> Result<(), E> {
    if std::mem::replace(&mut seen[index], true) {
        Err(E::duplicate_field(fields[index]))
    } else {
        Ok(())
    }
}

/// Writes one field, unless writing an earlier one failed (`written`): its value when it is
/// `Some`, else skips it. One call per field in every model's `serialize`, instantiated once per
/// serializer and field type for all the models.
pub fn field<S: SerializeStruct, T: Serialize>(
    s: &mut S,
    name: &'static str,
    value: &Option<T>,
    written: Result<(), S::Error>,
) -> Result<(), S::Error> {
    written?;
    match value {
        Some(_) => s.serialize_field(name, value),
        None => s.skip_field(name),
    }
}

/// The number of fields [`field`] writes.
pub fn count(present: &[bool]) -> usize {
    present.iter().filter(|p| **p).count()
}

/// Reads the value of the field just named into `slot`. One call per field in every model's
/// `visit_map`, instantiated once per reader and field type for all the models.
pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

/// `Serialize` and `Deserialize` for a generated model: a struct whose fields are all `Option`s
/// and which implements `Default`, written under its wire name.
///
/// ```
/// #[derive(Debug, Default, PartialEq)]
/// struct Run {
///     id: Option<i64>,
///     total_records: Option<i64>,
/// }
/// coupa_runtime::wire_struct!(
///     Run,
///     "integration-run",
///     id = "id",
///     total_records = "total-records" | "total_records",
/// );
///
/// let run: Run = serde_json::from_str(r#"{"total_records": 5, "other": [1]}"#).unwrap();
/// assert_eq!(run, Run { id: None, total_records: Some(5) });
/// assert_eq!(serde_json::to_string(&run).unwrap(), r#"{"total-records":5}"#);
/// let twice = serde_json::from_str::<Run>(r#"{"total-records": 1, "total_records": 2}"#);
/// assert!(twice.unwrap_err().to_string().starts_with("duplicate field `total-records`"));
/// ```
#[macro_export]
macro_rules! wire_struct {
    ($ty:ident, $wire:literal, $($field:ident = $name:literal $(| $alias:literal)*),* $(,)?) => {
        const _: () = {
            #[allow(non_camel_case_types)]
            #[derive(Clone, Copy)]
            enum Field {
                $($field,)*
            }
            const FIELDS: &[&str] = &[$($name),*];
            const ORDER: &[Field] = &[$(Field::$field),*];

            /// The index of the field a wire name or alias names.
            fn field_of(key: &str) -> Option<usize> {
                match key {
                    $($name $(| $alias)* => Some(Field::$field as usize),)*
                    _ => None,
                }
            }

            impl $crate::__serde::Serialize for $ty {
                fn serialize<S: $crate::__serde::Serializer>(
                    &self,
                    serializer: S,
                ) -> ::std::result::Result<S::Ok, S::Error> {
                    use $crate::__serde::ser::SerializeStruct as _;
                    let len = $crate::wire_struct::count(&[$(self.$field.is_some()),*]);
                    let mut s = serializer.serialize_struct($wire, len)?;
                    // One `?` for all the fields, not one each (every `?` is a branch and an
                    // early return in every instantiation): after an error, `field` writes
                    // nothing more.
                    let mut written = Ok(());
                    $(written = $crate::wire_struct::field(&mut s, $name, &self.$field, written);)*
                    written?;
                    s.end()
                }
            }

            impl<'de> $crate::__serde::Deserialize<'de> for $ty {
                fn deserialize<D: $crate::__serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> ::std::result::Result<Self, D::Error> {
                    struct V;
                    impl<'de> $crate::__serde::de::Visitor<'de> for V {
                        type Value = $ty;

                        fn expecting(
                            &self,
                            f: &mut ::std::fmt::Formatter<'_>,
                        ) -> ::std::fmt::Result {
                            f.write_str(concat!("struct ", stringify!($ty)))
                        }

                        fn visit_map<A: $crate::__serde::de::MapAccess<'de>>(
                            self,
                            mut map: A,
                        ) -> ::std::result::Result<$ty, A::Error> {
                            let mut out = <$ty as ::std::default::Default>::default();
                            let mut seen = [false; FIELDS.len()];
                            let key = $crate::wire_struct::Key {
                                fields: FIELDS,
                                field: field_of,
                            };
                            while let Some(key) = map.next_key_seed(key)? {
                                let Some(index) = key else {
                                    map.next_value::<$crate::__serde::de::IgnoredAny>()?;
                                    continue;
                                };
                                $crate::wire_struct::first(&mut seen, index, FIELDS)?;
                                let read = match ORDER[index] {
                                    $(Field::$field => $crate::wire_struct::read(&mut map, &mut out.$field),)*
                                };
                                read?;
                            }
                            Ok(out)
                        }
                    }
                    deserializer.deserialize_struct($wire, FIELDS, V)
                }
            }
        };
    };
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use crate::validate::{Rule, Violation};
    use crate::wire::{Format, decode, encode};

    /// The behaviour of the derive the macro replaced, side by side with it.
    #[derive(Debug, Default, PartialEq)]
    struct Run {
        id: Option<i64>,
        total_records: Option<i64>,
        tags: Option<Vec<String>>,
    }
    crate::wire_struct!(
        Run,
        "integration-run",
        id = "id",
        total_records = "total-records" | "total_records",
        tags = "tags",
    );

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename = "integration-run", default)]
    struct Derived {
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<i64>,
        #[serde(
            rename = "total-records",
            alias = "total_records",
            skip_serializing_if = "Option::is_none"
        )]
        total_records: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        tags: Option<Vec<String>>,
    }

    fn both(format: Format, text: &str) -> (String, String) {
        let show = |r: Result<Vec<u8>, String>| match r {
            Ok(b) => String::from_utf8(b).unwrap(),
            Err(e) => format!("error: {e}"),
        };
        let ours = decode::<Run>(format, text.as_bytes())
            .map_err(|e| e.to_string())
            .and_then(|v| encode(format, &v).map_err(|e| e.to_string()));
        let derived = decode::<Derived>(format, text.as_bytes())
            .map_err(|e| e.to_string())
            .and_then(|v| encode(format, &v).map_err(|e| e.to_string()));
        // The one difference is the type's name in "expected struct ...".
        (
            show(ours),
            show(derived).replace("struct Derived", "struct Run"),
        )
    }

    #[test]
    fn reads_and_writes_as_the_derive_did() {
        let json = [
            r#"{"id": 1, "total-records": 5, "tags": ["a", "b"]}"#,
            r#"{"total_records": 5, "unknown": {"x": [1, 2]}, "id": null}"#,
            r#"{"id": 1, "id": 2}"#,
            r#"{"total-records": 1, "total_records": 2}"#,
            r#"{"id": "one"}"#,
            r#""text""#,
            "{}",
        ];
        for text in json {
            let (ours, derived) = both(Format::Json, text);
            assert_eq!(ours, derived, "{text}");
        }
        let xml = [
            "<integration-run><id>1</id><total_records>5</total_records></integration-run>",
            "<integration-run><id>1</id><id>2</id></integration-run>",
            "<integration-run><other>x</other><tags><tag>a</tag></tags></integration-run>",
            "<integration-run><id>x</id></integration-run>",
        ];
        for text in xml {
            let (ours, derived) = both(Format::Xml, text);
            assert_eq!(ours, derived, "{text}");
        }
    }

    /// The derive read an array a field per item; the models refuse it, as they refuse a string.
    #[test]
    fn an_array_is_not_an_object() {
        let (_, derived) = both(Format::Json, "[7, 8]");
        assert_eq!(derived, r#"{"id":7,"total-records":8}"#);
        for text in ["[7, 8]", r#"[7, ["t"]]"#, "[]"] {
            let (ours, _) = both(Format::Json, text);
            assert!(
                ours.contains("invalid type: sequence, expected struct Run"),
                "{text}: {ours}"
            );
        }
        // XML's reader refused a list for an object before, for the derive too.
        let xml = r#"<integration-run type="array"><id>1</id></integration-run>"#;
        let (ours, derived) = both(Format::Xml, xml);
        assert_eq!(ours, derived);
        assert!(
            ours.contains("<integration-run> is a list where an object was expected"),
            "{ours}"
        );
    }

    #[test]
    fn violations_and_rules_read_back() {
        for (i, rule) in Rule::ALL.iter().enumerate() {
            let v = Violation {
                path: format!("/a/{i}"),
                rule: *rule,
                value: (i % 2 == 0).then(|| "x".to_owned()),
                message: "m".to_owned(),
            };
            let text = serde_json::to_string(&v).unwrap();
            assert_eq!(text.contains("\"value\""), v.value.is_some(), "{text}");
            assert!(text.contains(&format!("\"rule\":\"{}\"", rule.as_str())));
            assert_eq!(serde_json::from_str::<Violation>(&text).unwrap(), v);
        }
        assert_eq!(Rule::ALL.len(), Rule::NAMES.len());
        let e = serde_json::from_str::<Violation>(r#"{"path": "", "rule": "nope", "message": ""}"#);
        assert!(
            e.unwrap_err()
                .to_string()
                .contains("unknown variant `nope`")
        );
        let e = serde_json::from_str::<Violation>(r#"{"path": "", "rule": "length"}"#);
        assert!(
            e.unwrap_err()
                .to_string()
                .contains("missing field `message`")
        );
    }
}
