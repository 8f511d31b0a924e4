//! Latency samples and their percentiles.

use std::time::Duration;

/// Latencies in nanoseconds; sorted when summarised.
#[derive(Debug, Default, Clone)]
pub struct Samples {
    ns: Vec<u64>,
}

/// Percentiles of a set of samples (nearest rank), in nanoseconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    pub count: usize,
    pub mean: f64,
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub max: u64,
}

impl Samples {
    pub fn with_capacity(n: usize) -> Samples {
        Samples { ns: Vec::with_capacity(n) }
    }

    pub fn push(&mut self, d: Duration) {
        self.ns.push(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    }

    pub fn extend(&mut self, other: &Samples) {
        self.ns.extend_from_slice(&other.ns);
    }

    pub fn summary(&mut self) -> Summary {
        self.ns.sort_unstable();
        let n = self.ns.len();
        if n == 0 {
            return Summary::default();
        }
        let rank = |p: f64| -> u64 {
            // Nearest rank: the smallest sample with at least p of all samples at or below it.
            let r = ((p * n as f64).ceil() as usize).clamp(1, n);
            self.ns[r - 1]
        };
        Summary {
            count: n,
            mean: self.ns.iter().map(|&v| v as f64).sum::<f64>() / n as f64,
            p50: rank(0.50),
            p90: rank(0.90),
            p99: rank(0.99),
            max: self.ns[n - 1],
        }
    }
}

pub fn us(ns: u64) -> f64 {
    ns as f64 / 1_000.0
}

pub fn ms(ns: u64) -> f64 {
    ns as f64 / 1_000_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut s = Samples::default();
        for i in 1..=100 {
            s.push(Duration::from_nanos(i));
        }
        let m = s.summary();
        assert_eq!(m.count, 100);
        assert_eq!(m.p50, 50);
        assert_eq!(m.p99, 99);
        assert_eq!(m.max, 100);
    }
}
