//! The serde accessors the node deserializer hands to visitors: the entries of a mapping, the
//! items of a list, the parts of a positioned value, and a plain value read as an enum variant.

use serde::de::{
    self, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess, VariantAccess,
    Visitor,
};
use serde_saphyr::Spanned;

use super::deserializer::NodeDe;
use super::{DeError, Node};

/// The entries of a mapping, each key and value read by its own node.
pub(super) struct MapAcc<'a, I> {
    pub(super) de: NodeDe<'a>,
    pub(super) entries: I,
    /// The value of the key just read.
    pub(super) value: Option<&'a Spanned<Node>>,
}

impl<'de, 'a, I> MapAccess<'de> for MapAcc<'a, I>
where
    I: Iterator<Item = (&'a Spanned<Node>, &'a Spanned<Node>)>,
{
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            None => Ok(None),
            Some((k, v)) => {
                self.value = Some(v);
                let kd = self.de.child(k);
                kd.finish(seed.deserialize(kd)).map(Some)
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let v = self
            .value
            .take()
            .ok_or_else(|| <DeError as de::Error>::custom("value requested before key"))?;
        let vd = self.de.child(v);
        vd.finish(seed.deserialize(vd))
    }
}

/// The items of a list, each read by its own node.
pub(super) struct SeqAcc<'a, I> {
    pub(super) de: NodeDe<'a>,
    pub(super) items: I,
}

impl<'de, 'a, I: Iterator<Item = &'a Spanned<Node>>> SeqAccess<'de> for SeqAcc<'a, I> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            None => Ok(None),
            Some(n) => {
                let d = self.de.child(n);
                d.finish(seed.deserialize(d)).map(Some)
            }
        }
    }
}

/// Feeds (line, col, len, value) to [`Sp`]'s visitor.
pub(super) struct SpSeq<'a> {
    pub(super) de: NodeDe<'a>,
    pub(super) step: u8,
}

impl<'de, 'a> SeqAccess<'de> for SpSeq<'a> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let loc = self.de.loc();
        let step = self.step;
        self.step += 1;
        match step {
            0 => seed.deserialize(loc.line.into_deserializer()).map(Some),
            1 => seed.deserialize(loc.col.into_deserializer()).map(Some),
            2 => seed.deserialize(loc.len.into_deserializer()).map(Some),
            3 => seed.deserialize(self.de).map(Some),
            _ => Ok(None),
        }
    }
}

/// A plain value read as the name of a unit variant.
pub(super) struct UnitVariant<'a>(pub(super) NodeDe<'a>);

impl<'de, 'a> EnumAccess<'de> for UnitVariant<'a> {
    type Error = DeError;
    type Variant = Self;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), DeError> {
        let v = seed.deserialize(self.0)?;
        Ok((v, self))
    }
}

impl<'de, 'a> VariantAccess<'de> for UnitVariant<'a> {
    type Error = DeError;
    fn unit_variant(self) -> Result<(), DeError> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value, DeError> {
        Err(de::Error::custom("expected a plain value"))
    }
    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, DeError> {
        Err(de::Error::custom("expected a plain value"))
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, DeError> {
        Err(de::Error::custom("expected a plain value"))
    }
}
