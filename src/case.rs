//! The case document of the public contract (`docs/evaluation.md`): what a caseworker or another
//! program gives the evaluator.

use indexmap::IndexMap;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// A case: the violation(s) and the facts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Echoed in the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    /// The code of one violation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violation: Option<String>,
    /// Several codes for one act that breaks several norms (Art. 29).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violations: Option<Vec<String>>,
    /// The facts, by declared name. A name given twice in a JSON case is an error (as it is
    /// when the JSON text is evaluated directly), never "the last one wins".
    #[serde(default, deserialize_with = "unique_facts")]
    pub facts: IndexMap<String, serde_json::Value>,
}

/// The `facts` object, refusing a name given twice.
fn unique_facts<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<IndexMap<String, serde_json::Value>, D::Error> {
    struct Unique;
    impl<'de> Visitor<'de> for Unique {
        type Value = IndexMap<String, serde_json::Value>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of facts")
        }
        fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
            let mut out = IndexMap::with_capacity(map.size_hint().unwrap_or(16).min(256));
            while let Some((k, v)) = map.next_entry::<String, serde_json::Value>()? {
                if out.contains_key(&k) {
                    return Err(serde::de::Error::custom(format!(
                        "事实 {} 在 facts 中出现了不止一次",
                        crate::limits::clip(&k)
                    )));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Unique)
}

impl Case {
    /// A case for one violation with no facts yet.
    pub fn new(violation: impl Into<String>) -> Case {
        Case {
            violation: Some(violation.into()),
            ..Case::default()
        }
    }

    /// Adds a fact (builder style).
    pub fn fact(mut self, name: impl Into<String>, value: impl Into<serde_json::Value>) -> Case {
        self.facts.insert(name.into(), value.into());
        self
    }
}

/// A case read straight from JSON text: fact names and values borrow the text, so evaluating a
/// JSON case builds no document first (the contract and its errors are the same as [`Case`]'s).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CaseText<'a> {
    #[serde(default)]
    pub case_id: Option<String>,
    #[serde(default)]
    pub violation: Option<String>,
    #[serde(default)]
    pub violations: Option<Vec<String>>,
    #[serde(default, borrow)]
    pub facts: FactsText<'a>,
}

/// The facts of a [`CaseText`]: (name, JSON text of the value), in order.
#[derive(Debug, Default)]
pub(crate) struct FactsText<'a>(pub Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for FactsText<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Facts<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Facts<'a> {
            type Value = FactsText<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of facts")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(16).min(256));
                while let Some((k, v)) = map.next_entry::<Key<'de>, &'de RawValue>()? {
                    out.push((k.0, v));
                }
                Ok(FactsText(out))
            }
        }
        d.deserialize_map(Facts(std::marker::PhantomData))
    }
}

/// A map key, borrowed where the text has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct K<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for K<'a> {
            type Value = Key<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a fact name")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(K(std::marker::PhantomData))
    }
}
