//! The case document of the public contract (`docs/evaluation.md`): what a caseworker or another
//! program gives the evaluator.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

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
    /// The facts, by declared name.
    #[serde(default)]
    pub facts: IndexMap<String, serde_json::Value>,
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
