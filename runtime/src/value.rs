//! Values as Coupa writes them.
//!
//! - [`DateTime`] keeps the UTC offset Coupa sends (`2021-03-18T11:20:50-07:00`) through a round
//!   trip, and refuses a datetime without one.
//! - [`Decimal`] keeps an amount as the text Coupa sends (`"0.00"`), never as a float.
//! - [`Date`] and [`Time`] keep a calendar date (`2024-01-31`) and a time of day (`09:30`) as
//!   Coupa sent them, checked when read.
//! - [`WireEnum`] is implemented by the generated enums of allowed values; they keep a value they
//!   do not know (Coupa may add one) and write it back unchanged.
//!
//! This module is a leaf: the codecs ([`crate::json`], [`crate::xml`]) build on it.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The newtype name the XML writer recognises to mark a value `type="dateTime"`.
pub const DATETIME_MARKER: &str = "$coupa::dateTime";
/// The newtype name the XML writer recognises to mark a value `type="decimal"`.
pub const DECIMAL_MARKER: &str = "$coupa::decimal";
/// The newtype name the XML writer recognises to mark a value `type="date"`.
pub const DATE_MARKER: &str = "$coupa::date";
/// The newtype name the XML writer recognises to mark a value `type="time"`.
pub const TIME_MARKER: &str = "$coupa::time";

/// A point in time with the UTC offset Coupa sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime(pub chrono::DateTime<chrono::FixedOffset>);

impl DateTime {
    /// Parses an RFC 3339 datetime; the offset is required.
    pub fn parse(s: &str) -> Result<DateTime, String> {
        chrono::DateTime::parse_from_rfc3339(s.trim()).map(DateTime).map_err(|e| {
            format!("`{s}` is not a datetime with a UTC offset such as 2021-03-18T11:20:50-07:00 ({e})")
        })
    }

    /// The text Coupa writes: RFC 3339 with the offset, seconds, and fractions only when present.
    pub fn to_wire(&self) -> String {
        self.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
    }
}

impl std::ops::Deref for DateTime {
    type Target = chrono::DateTime<chrono::FixedOffset>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl From<chrono::DateTime<chrono::FixedOffset>> for DateTime {
    fn from(d: chrono::DateTime<chrono::FixedOffset>) -> Self {
        DateTime(d)
    }
}

impl From<chrono::DateTime<chrono::Utc>> for DateTime {
    fn from(d: chrono::DateTime<chrono::Utc>) -> Self {
        DateTime(d.fixed_offset())
    }
}

impl FromStr for DateTime {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        DateTime::parse(s)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_wire())
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(DATETIME_MARKER, &self.to_wire())
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DateTime;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a datetime with a UTC offset, such as 2021-03-18T11:20:50-07:00")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateTime, E> {
                DateTime::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

/// A decimal amount, kept as the text Coupa sent (`"0.00"`), so no digit is lost to a float.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Decimal(String);

impl Decimal {
    /// A decimal from its text: an optional sign, digits, an optional fraction.
    pub fn new(s: impl Into<String>) -> Result<Decimal, String> {
        let s = s.into();
        let body = s.strip_prefix(['-', '+']).unwrap_or(&s);
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty())
            || !digits(int)
            || !digits(frac)
            || (body.contains('.') && frac.is_empty() && int.is_empty())
        {
            return Err(format!("`{s}` is not a decimal amount such as \"12.50\""));
        }
        Ok(Decimal(s))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<i64> for Decimal {
    fn from(i: i64) -> Self {
        Decimal(i.to_string())
    }
}

impl FromStr for Decimal {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Decimal::new(s)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(DECIMAL_MARKER, &self.0)
    }
}

/// What a [`Decimal`] is expected to be, in the errors of its reader.
pub(crate) const DECIMAL_EXPECTED: &str = "a decimal amount, such as \"12.50\"";

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Decimal;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(DECIMAL_EXPECTED)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
                Decimal::new(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
                Ok(Decimal(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
                Ok(Decimal(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
                if v.is_finite() {
                    Ok(Decimal(v.to_string()))
                } else {
                    Err(E::custom("a decimal amount must be finite"))
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl Decimal {
    /// The number of digits before and after the decimal point (`-012.50` has 2 and 2: leading
    /// zeros of the integer part do not count, and `0.5` has 0 and 1).
    pub fn digits(&self) -> (usize, usize) {
        let body = self.0.strip_prefix(['-', '+']).unwrap_or(&self.0);
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        (int.trim_start_matches('0').len(), frac.len())
    }
}

/// A value Coupa writes as text and this crate checks but keeps as sent: [`Date`], [`Time`].
macro_rules! text_value {
    ($(#[$doc:meta])* $name:ident, $marker:ident, $check:path, $expecting:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            #[doc = concat!("A value from its text, such as ", $expecting, ".")]
            pub fn new(s: impl Into<String>) -> Result<$name, String> {
                let s = s.into();
                if $check(&s) {
                    Ok($name(s))
                } else {
                    Err(format!(concat!("`{}` is not ", $expecting), s))
                }
            }

            /// The text, as sent.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $name::new(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_newtype_struct($marker, &self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        $name::new(v).map_err(E::custom)
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}

text_value!(
    /// A calendar date, kept as Coupa sent it: `2024-01-31`, or (as some instances write date
    /// columns) a full datetime whose date part is the date.
    Date,
    DATE_MARKER,
    is_date,
    "a date such as 2024-01-31"
);

text_value!(
    /// A time of day, kept as Coupa sent it: `09:30`, `09:30:15`, or (as Rails writes time
    /// columns) a full datetime on 2000-01-01 whose time part is the time.
    Time,
    TIME_MARKER,
    is_time,
    "a time of day such as 09:30"
);

impl Date {
    /// The date.
    pub fn naive(&self) -> chrono::NaiveDate {
        // Checked when built: the first ten characters are a date.
        chrono::NaiveDate::parse_from_str(&self.0[..10], "%Y-%m-%d").unwrap_or_default()
    }
}

fn is_date(s: &str) -> bool {
    let date_part = s.get(..10).unwrap_or(s);
    let rest = s.get(10..).unwrap_or("");
    chrono::NaiveDate::parse_from_str(date_part, "%Y-%m-%d").is_ok()
        && (rest.is_empty() || DateTime::parse(s).is_ok())
}

fn is_time(s: &str) -> bool {
    chrono::NaiveTime::parse_from_str(s, "%H:%M:%S").is_ok()
        || chrono::NaiveTime::parse_from_str(s, "%H:%M").is_ok()
        || DateTime::parse(s).is_ok()
        || chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").is_ok()
}

/// An enum of allowed values that keeps values it does not know. Implemented by generated enums.
pub trait WireEnum: Sized {
    /// The allowed values, as Coupa spells them.
    const VALUES: &'static [&'static str];
    /// Whether Coupa compares them case-sensitively.
    const CASE_SENSITIVE: bool;

    /// The value as Coupa spells it (an unknown value exactly as it arrived).
    fn as_wire(&self) -> &str;

    /// The variant for a value, or the catch-all variant holding it.
    fn from_wire(s: &str) -> Self;

    /// True for a listed value.
    fn is_known(&self) -> bool {
        Self::VALUES.contains(&self.as_wire())
    }

    /// True when the value is accepted on input: a listed value, or (when comparison is not
    /// case-sensitive) a listed value in another case.
    fn is_allowed(&self) -> bool {
        self.is_known()
            || (!Self::CASE_SENSITIVE
                && Self::VALUES
                    .iter()
                    .any(|v| v.eq_ignore_ascii_case(self.as_wire())))
    }

    /// The listed variant this value stands for, matching case where Coupa ignores it.
    fn canonical(&self) -> Option<Self> {
        if self.is_known() {
            return Some(Self::from_wire(self.as_wire()));
        }
        if Self::CASE_SENSITIVE {
            return None;
        }
        Self::VALUES
            .iter()
            .find(|v| v.eq_ignore_ascii_case(self.as_wire()))
            .map(|v| Self::from_wire(v))
    }
}

/// The impls every generated enum of allowed values has, all through its [`WireEnum`] impl: an
/// inherent `as_str`, serde (as its text; an unknown value is kept, never an error), `Display`
/// and `FromStr` (which cannot fail).
#[macro_export]
macro_rules! wire_enum_impls {
    ($name:ident) => {
        impl $name {
            /// The value as Coupa spells it.
            pub fn as_str(&self) -> &str {
                $crate::WireEnum::as_wire(self)
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                $crate::value::serialize_enum(self, serializer)
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                $crate::value::deserialize_enum(deserializer)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            // Not `Self::Err`: an allowed value `err` makes a variant `Err`, and `Self::Err`
            // would then be ambiguous (a hard error, `ambiguous_associated_items`).
            fn from_str(s: &str) -> Result<Self, ::std::convert::Infallible> {
                Ok(<Self as $crate::WireEnum>::from_wire(s))
            }
        }
    };
}

/// Serialises a [`WireEnum`] as its text.
pub fn serialize_enum<E: WireEnum, S: Serializer>(e: &E, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(e.as_wire())
}

/// Deserialises a [`WireEnum`] from text; an unknown value is kept, never an error.
pub fn deserialize_enum<'de, E: WireEnum, D: Deserializer<'de>>(d: D) -> Result<E, D::Error> {
    struct V<E>(std::marker::PhantomData<E>);
    impl<E: WireEnum> Visitor<'_> for V<E> {
        type Value = E;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "one of {}", E::VALUES.join(", "))
        }
        fn visit_str<Er: de::Error>(self, v: &str) -> Result<E, Er> {
            Ok(E::from_wire(v))
        }
    }
    d.deserialize_str(V(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_keep_their_offset() {
        let d: DateTime = serde_json::from_str("\"2021-03-18T11:20:50-07:00\"").unwrap();
        assert_eq!(d.offset().local_minus_utc(), -7 * 3600);
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            "\"2021-03-18T11:20:50-07:00\""
        );
        let frac: DateTime = "2021-03-18T11:20:50.125+05:30".parse().unwrap();
        assert_eq!(frac.to_wire(), "2021-03-18T11:20:50.125+05:30");
    }

    #[test]
    fn datetimes_without_offset_are_refused() {
        let e = serde_json::from_str::<DateTime>("\"2021-03-18T11:20:50\"").unwrap_err();
        assert!(e.to_string().contains("UTC offset"), "{e}");
    }

    #[test]
    fn dates_and_times_keep_their_text_and_refuse_others() {
        let d: Date = serde_json::from_str("\"2024-01-31\"").unwrap();
        assert_eq!(d.as_str(), "2024-01-31");
        assert_eq!(
            d.naive(),
            chrono::NaiveDate::from_ymd_opt(2024, 1, 31).unwrap()
        );
        assert!(Date::new("2024-01-31T10:00:00-08:00").is_ok());
        assert!(Date::new("2024-02-30").is_err());
        assert!(Date::new("2024-01-31 junk").is_err());
        assert!(Date::new("").is_err());
        let t: Time = serde_json::from_str("\"09:30\"").unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"09:30\"");
        assert!(Time::new("09:30:15").is_ok());
        assert!(Time::new("2000-01-01T09:30:00Z").is_ok());
        assert!(Time::new("25:00").is_err());
        assert!(Time::new("nine").is_err());
    }

    #[test]
    fn decimal_digits_ignore_sign_and_leading_zeros() {
        assert_eq!(Decimal::new("-012.50").unwrap().digits(), (2, 2));
        assert_eq!(Decimal::new("0.5").unwrap().digits(), (0, 1));
        assert_eq!(Decimal::new("1234").unwrap().digits(), (4, 0));
    }

    #[test]
    fn decimals_keep_their_text() {
        let d: Decimal = serde_json::from_str("\"0.00\"").unwrap();
        assert_eq!(d.as_str(), "0.00");
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"0.00\"");
        assert!(Decimal::new("1e5").is_err());
        assert!(Decimal::new("").is_err());
        assert!(Decimal::new(".").is_err());
        assert!(Decimal::new("-12.5").is_ok());
        assert!(Decimal::new("12.").is_ok());
        let n: Decimal = serde_json::from_str("12").unwrap();
        assert_eq!(n.as_str(), "12");
    }
}
