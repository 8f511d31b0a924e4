//! A file's history: one row per changed field, with who, when, old and new value.

use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub version: i64,
    pub changed_at: chrono::DateTime<chrono::Utc>,
    pub user_name: String,
    /// Where the change came from: "web", "api", "import:…", "system".
    pub source: String,
    /// Dotted field path (`father.phone`), or `*` for the creation of the file.
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// The values are ID or phone numbers masked for the reader, as in the file.
    pub masked: bool,
}

pub use shouhu_domain::fields::flatten;

/// The fields that differ between two flattened files: (field, old, new), in field order.
pub fn diff(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Vec<(String, Option<String>, Option<String>)> {
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let (o, n) = (old.get(k), new.get(k));
            (o != n).then(|| (k.clone(), o.cloned(), n.cloned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_names_changed_nested_fields_only() {
        let a = flatten(&json!({"name": "张三", "father": {"phone": "13800000000", "name": "张大"}, "tags": ["a"]}));
        let b =
            flatten(&json!({"name": "张三", "father": {"phone": "13900000000", "name": "张大"}, "tags": ["a", "b"]}));
        assert_eq!(
            diff(&a, &b),
            vec![
                ("father.phone".into(), Some("13800000000".into()), Some("13900000000".into())),
                ("tags".into(), Some("a".into()), Some("a,b".into())),
            ]
        );
    }

    #[test]
    fn empty_string_and_null_are_the_same() {
        assert!(diff(&flatten(&json!({"x": ""})), &flatten(&json!({"x": null}))).is_empty());
    }
}
