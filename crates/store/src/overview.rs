//! Figures over a whole district or the city that inform oversight rather than the next
//! step (the home page's warnings): read from the kept counts at every visit by default
//! (decision 188), or reused per scope for `tasks.overview_refresh_seconds` when a
//! deployment sets it (decision 187).

use crate::Store;
use crate::error::StoreError;
use crate::users::Principal;
use chrono::{DateTime, Duration, Utc};
use shouhu_domain::child::Warning;
use std::collections::HashMap;
use std::sync::Mutex;

/// Warning counts, each with its warning.
pub type WarningCounts = Vec<(Warning, i64)>;

/// A scope (its `Debug` form) and the warnings' bits asked for.
type Key = (String, Vec<i64>);

/// The last figures per scope and warning list, with when they were counted.
#[derive(Default)]
pub struct OverviewCache {
    warnings: Mutex<HashMap<Key, (DateTime<Utc>, WarningCounts)>>,
}

impl Store {
    /// [`Store::warning_counts`] for the home page: counted live for a township, a village,
    /// a school and any narrower scope; for a district or the city, reused for
    /// `tasks.overview_refresh_seconds` after it was counted, with the moment it was counted
    /// (`None` when live).
    pub fn overview_warning_counts(
        &self,
        p: &Principal,
        which: &[Warning],
    ) -> Result<(WarningCounts, Option<DateTime<Utc>>), StoreError> {
        let refresh = Duration::seconds(self.settings.tasks.overview_refresh_seconds);
        if shouhu_domain::task::counted_per(p.role).is_none() || refresh <= Duration::zero() {
            return Ok((self.warning_counts(p, which)?, None));
        }
        let key = (format!("{:?}", p.scope()), which.iter().map(|w| w.bit()).collect::<Vec<_>>());
        let now = self.now();
        let kept = self
            .overview
            .warnings
            .lock()
            .map_err(|_| StoreError::Backend("overview cache poisoned".into()))?
            .get(&key)
            .cloned();
        if let Some((at, counts)) = kept.filter(|(at, _)| now < *at + refresh && *at <= now) {
            return Ok((counts, Some(at)));
        }
        let counts = self.warning_counts(p, which)?;
        self.overview
            .warnings
            .lock()
            .map_err(|_| StoreError::Backend("overview cache poisoned".into()))?
            .insert(key, (now, counts.clone()));
        Ok((counts, Some(now)))
    }
}
