//! Money as the API shows it: integer minor units and the store's lower-case ISO 4217 code.

use serde::Serialize;
use utoipa::ToSchema;

/// The largest price a variant may have, in minor units (99,999,999.99 in a two-decimal currency).
pub const MAX_AMOUNT: i64 = 9_999_999_999;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Money {
    /// Minor units (cents for `usd`). Never a float.
    #[schema(example = 1999)]
    pub amount: i64,
    #[schema(example = "usd")]
    pub currency: String,
}

impl Money {
    pub fn new(amount: i64, currency: &str) -> Self {
        Self { amount, currency: currency.to_owned() }
    }
}

/// A price for a request body: whole minor units within `0..=MAX_AMOUNT`.
pub fn parse_amount(amount: i64) -> Result<i64, String> {
    if (0..=MAX_AMOUNT).contains(&amount) {
        Ok(amount)
    } else {
        Err(format!("must be between 0 and {MAX_AMOUNT} minor units"))
    }
}

/// A price in a request body: minor units (`2500`), or the money object every answer shows
/// (`{"amount": 2500, "currency": "usd"}`), so a client can send back a variant it read. The
/// object's currency must be the store's ([`PriceInput::amount_in`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PriceInput {
    Minor(i64),
    Money { amount: i64, currency: String },
}

impl PriceInput {
    /// The amount in minor units of `store_currency`, within `0..=MAX_AMOUNT`.
    pub fn amount_in(&self, store_currency: &str) -> Result<i64, String> {
        match self {
            Self::Minor(amount) => parse_amount(*amount),
            Self::Money { currency, .. } if !currency.eq_ignore_ascii_case(store_currency) => {
                Err(format!("currency must be the store's currency, `{store_currency}`"))
            }
            Self::Money { amount, .. } => parse_amount(*amount),
        }
    }
}

impl From<i64> for PriceInput {
    fn from(amount: i64) -> Self {
        Self::Minor(amount)
    }
}

impl<'de> serde::Deserialize<'de> for PriceInput {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct MoneyFields {
            amount: i64,
            currency: String,
        }

        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = PriceInput;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("whole minor units (an integer) or {\"amount\", \"currency\"}")
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<PriceInput, E> {
                Ok(PriceInput::Minor(v))
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<PriceInput, E> {
                i64::try_from(v)
                    .map(PriceInput::Minor)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<PriceInput, A::Error> {
                let fields: MoneyFields =
                    serde::Deserialize::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(PriceInput::Money { amount: fields.amount, currency: fields.currency })
            }
        }

        deserializer.deserialize_any(Visitor)
    }
}

impl utoipa::PartialSchema for PriceInput {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            AdditionalProperties, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type,
        };
        let int64 = || {
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        };
        let money = ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("amount", int64())
            .required("amount")
            .property("currency", ObjectBuilder::new().schema_type(Type::String))
            .required("currency")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        OneOfBuilder::new()
            .description(Some("Minor units of the store currency, or a money object in that currency"))
            .item(int64().examples([2500]))
            .item(money)
            .into()
    }
}

impl utoipa::ToSchema for PriceInput {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<PriceInput, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn prices_come_as_minor_units_or_as_the_money_answers_show() {
        assert_eq!(parse("2500").expect("int").amount_in("usd"), Ok(2500));
        assert_eq!(
            parse(r#"{"amount": 2500, "currency": "usd"}"#).expect("money").amount_in("usd"),
            Ok(2500)
        );
        assert!(parse(r#"{"amount": 2500, "currency": "eur"}"#).expect("money").amount_in("usd").is_err());
        assert!(parse("-1").expect("int").amount_in("usd").is_err());
        for bad in ["25.5", r#""2500""#, r#"{"amount": 1}"#, r#"{"amount": 1, "currency": "usd", "x": 1}"#] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
