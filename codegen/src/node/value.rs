//! The values the schema format's types are made of: [`Sp<T>`], a value with its position, and
//! [`Recover<T>`], a list item that does not stop the list when it fails.

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::diag::Loc;

/// A value with the position it was read from. Serialises as the bare value.
#[derive(Clone, Debug)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub loc: Loc,
}

impl<T> Sp<T> {
    /// A value without a known position (for values a tool builds rather than reads).
    pub fn unplaced(value: T) -> Self {
        Sp {
            value,
            loc: Loc::UNKNOWN,
        }
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: Default> Default for Sp<T> {
    fn default() -> Self {
        Sp::unplaced(T::default())
    }
}

// Positions do not take part in comparisons: two values are equal when they say the same thing.
impl<T: PartialEq> PartialEq for Sp<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Sp<T> {}

impl<T: Ord> PartialOrd for Sp<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: Ord> Ord for Sp<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl<T: Serialize> Serialize for Sp<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

pub(super) const SP_MARKER: &str = "$coupa_codegen::Sp";
pub(super) const RECOVER_MARKER: &str = "$coupa_codegen::Recover";

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Sp<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a positioned value")
            }
            // The node deserializer hands over (line, col, len, value).
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Sp<T>, A::Error> {
                let mut next_u32 = || -> Result<u32, A::Error> {
                    a.next_element::<u32>()?
                        .ok_or_else(|| de::Error::custom("positioned value without position"))
                };
                let loc = Loc {
                    line: next_u32()?,
                    col: next_u32()?,
                    len: next_u32()?,
                    file: FILE.with(Cell::get),
                };
                let value = a
                    .next_element::<T>()?
                    .ok_or_else(|| de::Error::custom("positioned value without value"))?;
                Ok(Sp { value, loc })
            }
            // Any other deserializer: the value, without a position.
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Sp<T>, D::Error> {
                T::deserialize(d).map(Sp::unplaced)
            }
        }
        d.deserialize_newtype_struct(SP_MARKER, V(PhantomData))
    }
}

/// A list item that, when it cannot be read, records its problem and lets the list go on.
#[derive(Clone, Debug)]
pub enum Recover<T> {
    /// The item was read.
    Ok(T),
    /// The item had a problem, already recorded.
    Failed,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Recover<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Recover<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an item")
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Recover<T>, D::Error> {
                // The node deserializer has recorded the problem in its sink already.
                Ok(T::deserialize(d).map_or(Recover::Failed, Recover::Ok))
            }
        }
        d.deserialize_newtype_struct(RECOVER_MARKER, V(PhantomData))
    }
}

thread_local! {
    /// The file whose values are being read: stamped on every [`Sp`]'s location (see
    /// [`Loc::file`]).
    static FILE: Cell<u32> = const { Cell::new(0) };
}

/// Runs `read` with every position it reads stamped as being in file `id` (1-based, as
/// [`Loc::file`] counts).
pub fn in_file<R>(id: u32, read: impl FnOnce() -> R) -> R {
    let before = FILE.with(|f| f.replace(id));
    let out = read();
    FILE.with(|f| f.set(before));
    out
}
