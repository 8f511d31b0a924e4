//! The report's receipt and the police's hand-over notice (templates/report_receipt.tpl,
//! templates/handover_notice.tpl), from a report as the user may see it. The reporter is
//! not named: the reporter's identity is confidential ([MR], [DV] 14).

use crate::template::Values;
use std::collections::BTreeMap;

/// What the two documents print of a report (the caller reads it within the user's scope).
#[derive(Debug, Clone, Default)]
pub struct ReportFacts {
    pub receipt: String,
    /// When the report was received, China time, as text.
    pub received_at: String,
    /// The village (with its township) where it happened.
    pub place: String,
    /// The child's name, or the description when no file is linked.
    pub child: String,
    /// The situations reported, joined.
    pub situations: String,
    /// The township (street office) the case is handed over to.
    pub township: String,
    /// The disposal's actions: when, what, the note.
    pub actions: Vec<(String, String, String)>,
}

fn common(f: &ReportFacts) -> Values {
    let mut v = Values::default();
    v.set("receipt", f.receipt.clone());
    v.set("received_at", f.received_at.clone());
    v.set("place", f.place.clone());
    v.set("child", f.child.clone());
    v.set("situations", f.situations.clone());
    v
}

/// The receipt's values.
pub fn receipt_values(f: &ReportFacts) -> Values {
    common(f)
}

/// The hand-over notice's values, with one row per action of the disposal.
pub fn handover_values(f: &ReportFacts) -> Values {
    let mut v = common(f);
    v.set("township", f.township.clone());
    for (at, kind, detail) in &f.actions {
        let item: BTreeMap<String, String> = [
            ("at".to_string(), at.clone()),
            ("kind".to_string(), kind.clone()),
            ("detail".to_string(), detail.clone()),
        ]
        .into();
        v.push_item("actions", item);
    }
    v
}
