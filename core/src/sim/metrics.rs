//! Metrics: numeric measurements over virtual time, for charts and for invariants.
//!
//! A pattern declares its metrics ([`MetricSpec`], in `PatternInfo::metrics`); nodes
//! record samples through their `Ctx` (`measure`, `measure_since`) and checkers through
//! `Checker::measure`; the engine records two built-in ones when a pattern lists them
//! ([`QUEUE`]: each node's queue depth, [`LOAD`]: messages each node handled). Samples are
//! kept while exploring (never while a seek replays steps), in time order, per metric;
//! a chart reads a [`Series`] or a [`Heat`] strip computed from them, so reading a chart
//! never replays the run. Acting in the past drops the samples after the branch.

use super::node::NodeId;
use super::time::SimTime;

/// What a metric's samples mean and how they combine in a time bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricKind {
    /// Each sample adds its value (requests, retries, bytes): charted as a rate.
    Counter,
    /// Each sample sets a node's current level (queue depth, open connections): charted
    /// as the highest level in the bucket; a level holds until the node's next sample.
    Gauge,
    /// Each sample is one duration in µs (a request's latency): charted as p50 and p99.
    Latency,
}

/// A metric a pattern records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricSpec {
    /// Stable id, e.g. `retries`.
    pub id: &'static str,
    /// Chart title, e.g. "Retries".
    pub label: &'static str,
    /// How samples combine.
    pub kind: MetricKind,
    /// The unit of one sample's value, e.g. "requests" or "µs".
    pub unit: &'static str,
    /// Whether the page also draws it per node, as a heat strip (nodes × time).
    pub per_node: bool,
    /// What it shows, in one sentence.
    pub help: &'static str,
}

impl MetricSpec {
    /// A request latency in µs, charted as p50 and p99, measured as `help` says.
    pub const fn latency(help: &'static str) -> MetricSpec {
        MetricSpec {
            id: "latency",
            label: "Request latency",
            kind: MetricKind::Latency,
            unit: "µs",
            per_node: false,
            help,
        }
    }
}

/// Built-in: each node's queue depth (messages waiting for a worker), recorded by the
/// engine whenever it changes, when a pattern lists this spec.
pub const QUEUE: MetricSpec = MetricSpec {
    id: "queue",
    label: "Queue depth",
    kind: MetricKind::Gauge,
    unit: "messages",
    per_node: true,
    help: "Messages waiting at a node for a free worker; the chart shows the longest queue.",
};

/// Built-in: messages each node handled (one per delivery), when a pattern lists it.
pub const LOAD: MetricSpec = MetricSpec {
    id: "load",
    label: "Messages handled",
    kind: MetricKind::Counter,
    unit: "messages",
    per_node: true,
    help: "Messages delivered to each node's handler, per second.",
};

/// One recorded measurement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// When.
    pub time: SimTime,
    /// The step that recorded it (0-based).
    pub step: u32,
    /// The node it is about, if any.
    pub node: Option<NodeId>,
    /// The value.
    pub value: i64,
}

/// A measurement as a node or a checker hands it to the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Measure {
    /// The metric's index in the pattern's list.
    pub metric: usize,
    /// The node it is about, if any.
    pub node: Option<NodeId>,
    /// The value.
    pub value: i64,
}

/// One time bucket of a metric.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Point {
    /// Samples in the bucket.
    pub count: u64,
    /// Their sum (a counter's total; for a gauge, the nodes' summed level at the end).
    pub sum: i64,
    /// The highest value (for a gauge: the highest level any node had in the bucket).
    pub max: i64,
    /// The median sample (latency), or 0.
    pub p50: i64,
    /// The 99th-percentile sample (latency), or 0.
    pub p99: i64,
}

/// A metric over the run, bucket by bucket from time zero.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Series {
    /// Width of a bucket.
    pub bucket_us: u64,
    /// Bucket `i` covers `[i·bucket_us, (i+1)·bucket_us)`.
    pub points: Vec<Point>,
}

/// A metric per node and per bucket: rows are nodes in id order, cells are the bucket's
/// sum (counter), highest level (gauge) or sample count (latency).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Heat {
    /// Width of a bucket.
    pub bucket_us: u64,
    /// One row per node.
    pub rows: Vec<Vec<i64>>,
}

/// A run's recorded samples, per metric.
#[derive(Clone, Debug, Default)]
pub struct Metrics {
    kinds: Vec<MetricKind>,
    samples: Vec<Vec<Sample>>,
    bucket_us: u64,
}

impl Metrics {
    /// Room for `specs`' samples, bucketed by `bucket_us` (at least 1).
    pub fn new(specs: &[MetricSpec], bucket_us: u64) -> Metrics {
        Metrics {
            kinds: specs.iter().map(|s| s.kind).collect(),
            samples: vec![Vec::new(); specs.len()],
            bucket_us: bucket_us.max(1),
        }
    }

    /// A bucket width for a run of `horizon`: about 1/120 of it, rounded to 1, 2 or 5
    /// times a power of ten.
    pub fn bucket_for(horizon: SimTime) -> u64 {
        let target = (horizon.as_micros() / 120).max(1);
        let mut nice = 1;
        while nice * 10 <= target {
            nice *= 10;
        }
        [5, 2, 1]
            .into_iter()
            .map(|m| m * nice)
            .find(|&n| n <= target)
            .unwrap_or(nice)
    }

    /// The bucket width.
    pub fn bucket_us(&self) -> u64 {
        self.bucket_us
    }

    /// Buckets the series by `bucket_us` (at least 1) from now on; samples keep their
    /// times, so what was recorded is rebucketed too.
    pub fn set_bucket_us(&mut self, bucket_us: u64) {
        self.bucket_us = bucket_us.max(1);
    }

    /// Records a measurement taken at `time` by step `step`; unknown metrics are ignored.
    pub fn record(&mut self, time: SimTime, step: usize, measure: Measure) {
        if let Some(samples) = self.samples.get_mut(measure.metric) {
            samples.push(Sample {
                time,
                step: step as u32,
                node: measure.node,
                value: measure.value,
            });
        }
    }

    /// Forgets every sample recorded by step `steps` or later.
    pub fn truncate(&mut self, steps: usize) {
        for samples in &mut self.samples {
            let keep = samples.partition_point(|s| (s.step as usize) < steps);
            samples.truncate(keep);
        }
    }

    /// Every sample of `metric`, in time order.
    pub fn samples(&self, metric: usize) -> &[Sample] {
        self.samples.get(metric).map_or(&[], Vec::as_slice)
    }

    /// The samples of `metric` at or before `until`.
    fn until(&self, metric: usize, until: SimTime) -> &[Sample] {
        let samples = self.samples(metric);
        &samples[..samples.partition_point(|s| s.time <= until)]
    }

    /// How many samples are kept, over all metrics.
    pub fn len(&self) -> usize {
        self.samples.iter().map(Vec::len).sum()
    }

    /// Whether no sample is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `metric` bucket by bucket up to `until` (inclusive).
    pub fn series(&self, metric: usize, until: SimTime) -> Series {
        let buckets = (until.as_micros() / self.bucket_us + 1) as usize;
        let mut points = vec![Point::default(); buckets];
        let samples = self.until(metric, until);
        let kind = self.kinds.get(metric).copied();
        let bucket = |s: &Sample| ((s.time.as_micros() / self.bucket_us) as usize).min(buckets - 1);
        match kind {
            Some(MetricKind::Gauge) => {
                let mut levels: Vec<(Option<NodeId>, i64)> = Vec::new();
                let mut next = 0;
                for (i, point) in points.iter_mut().enumerate() {
                    point.max = levels.iter().map(|l| l.1).max().unwrap_or(0);
                    while next < samples.len() && bucket(&samples[next]) == i {
                        let s = samples[next];
                        match levels.iter_mut().find(|l| l.0 == s.node) {
                            Some(level) => level.1 = s.value,
                            None => levels.push((s.node, s.value)),
                        }
                        point.max = point.max.max(s.value);
                        point.count += 1;
                        next += 1;
                    }
                    point.sum = levels.iter().map(|l| l.1).sum();
                }
            }
            Some(kind) => {
                let mut start = 0;
                while start < samples.len() {
                    let i = bucket(&samples[start]);
                    let end = start + samples[start..].partition_point(|s| bucket(s) == i);
                    let values = &samples[start..end];
                    let point = &mut points[i];
                    point.count = values.len() as u64;
                    point.sum = values.iter().map(|s| s.value).sum();
                    point.max = values.iter().map(|s| s.value).max().unwrap_or(0);
                    if kind == MetricKind::Latency {
                        let mut sorted: Vec<i64> = values.iter().map(|s| s.value).collect();
                        point.p50 = percentile(&mut sorted, 50);
                        point.p99 = percentile(&mut sorted, 99);
                    }
                    start = end;
                }
            }
            None => {}
        }
        Series {
            bucket_us: self.bucket_us,
            points,
        }
    }

    /// `metric` per node (of `nodes`) and per bucket, up to `until` (inclusive).
    pub fn heat(&self, metric: usize, nodes: usize, until: SimTime) -> Heat {
        let buckets = (until.as_micros() / self.bucket_us + 1) as usize;
        let mut rows = vec![vec![0i64; buckets]; nodes];
        let kind = self.kinds.get(metric).copied();
        let mut level = vec![0i64; nodes];
        let mut last_bucket = vec![0usize; nodes];
        for s in self.until(metric, until) {
            let Some(n) = s.node.map(NodeId::index).filter(|&n| n < nodes) else {
                continue;
            };
            let i = ((s.time.as_micros() / self.bucket_us) as usize).min(buckets - 1);
            match kind {
                Some(MetricKind::Gauge) => {
                    // The level held since the node's previous sample fills the buckets between.
                    for cell in &mut rows[n][last_bucket[n]..i] {
                        *cell = (*cell).max(level[n]);
                    }
                    rows[n][i] = rows[n][i].max(s.value).max(level[n]);
                    level[n] = s.value;
                    last_bucket[n] = i;
                }
                Some(MetricKind::Counter) => rows[n][i] += s.value,
                _ => rows[n][i] += 1,
            }
        }
        if kind == Some(MetricKind::Gauge) {
            for (n, row) in rows.iter_mut().enumerate() {
                for cell in &mut row[last_bucket[n]..] {
                    *cell = (*cell).max(level[n]);
                }
            }
        }
        Heat {
            bucket_us: self.bucket_us,
            rows,
        }
    }
}

/// The `pct`-th percentile (nearest rank) of `values`, reordering them; 0 when empty.
pub fn percentile(values: &mut [i64], pct: u64) -> i64 {
    if values.is_empty() {
        return 0;
    }
    let rank = ((values.len() as u64 * pct).div_ceil(100)).max(1) as usize - 1;
    *values.select_nth_unstable(rank).1
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: [MetricSpec; 3] = [
        MetricSpec {
            id: "served",
            kind: MetricKind::Counter,
            ..LOAD
        },
        QUEUE,
        MetricSpec {
            id: "latency",
            label: "Latency",
            kind: MetricKind::Latency,
            unit: "µs",
            per_node: false,
            help: "",
        },
    ];

    fn at(metric: usize, time: u64, node: u32, value: i64) -> (SimTime, Measure) {
        let node = Some(NodeId(node));
        (
            SimTime(time),
            Measure {
                metric,
                node,
                value,
            },
        )
    }

    fn metrics(samples: &[(SimTime, Measure)]) -> Metrics {
        let mut m = Metrics::new(&SPECS, 100);
        for (step, (time, measure)) in samples.iter().enumerate() {
            m.record(*time, step, *measure);
        }
        m
    }

    #[test]
    fn counters_sum_per_bucket_and_per_node() {
        let m = metrics(&[at(0, 5, 0, 1), at(0, 50, 1, 2), at(0, 150, 0, 4)]);
        let series = m.series(0, SimTime(250));
        let sums: Vec<i64> = series.points.iter().map(|p| p.sum).collect();
        assert_eq!(sums, [3, 4, 0]);
        assert_eq!(m.heat(0, 2, SimTime(250)).rows, [[1, 4, 0], [2, 0, 0]]);
    }

    #[test]
    fn a_wider_bucket_rebuckets_what_was_recorded() {
        let mut m = metrics(&[at(0, 5, 0, 1), at(0, 50, 1, 2), at(0, 150, 0, 4)]);
        m.set_bucket_us(200);
        let series = m.series(0, SimTime(250));
        assert_eq!(series.bucket_us, 200);
        let sums: Vec<i64> = series.points.iter().map(|p| p.sum).collect();
        assert_eq!(sums, [7, 0]);
    }

    #[test]
    fn gauges_hold_their_level_until_the_next_sample() {
        let m = metrics(&[at(1, 10, 0, 3), at(1, 20, 1, 1), at(1, 210, 0, 0)]);
        let series = m.series(1, SimTime(399));
        let max: Vec<i64> = series.points.iter().map(|p| p.max).collect();
        assert_eq!(max, [3, 3, 3, 1]);
        let total: Vec<i64> = series.points.iter().map(|p| p.sum).collect();
        assert_eq!(total, [4, 4, 1, 1]);
        assert_eq!(
            m.heat(1, 2, SimTime(399)).rows,
            [[3, 3, 3, 0], [1, 1, 1, 1]]
        );
    }

    #[test]
    fn latency_percentiles_are_nearest_rank() {
        let samples: Vec<_> = (1..=100).map(|v| at(2, v, 0, v as i64 * 10)).collect();
        let m = metrics(&samples);
        let first = m.series(2, SimTime(99)).points[0];
        // Samples 10..=990 fall in bucket 0 (times 1..=99): 99 of them.
        assert_eq!(
            (first.count, first.p50, first.p99, first.max),
            (99, 500, 990, 990)
        );
        let mut values = [5, 1, 4];
        assert_eq!(percentile(&mut values, 50), 4);
        assert_eq!(percentile(&mut [], 99), 0);
    }

    #[test]
    fn truncating_forgets_later_steps_and_buckets_are_round() {
        let mut m = metrics(&[at(0, 5, 0, 1), at(0, 50, 1, 2), at(0, 150, 0, 4)]);
        m.truncate(2);
        assert_eq!(m.samples(0).len(), 2);
        assert_eq!(Metrics::bucket_for(SimTime(1_200_000)), 10_000);
        assert_eq!(Metrics::bucket_for(SimTime(3_000_000)), 20_000);
        assert_eq!(Metrics::bucket_for(SimTime(10)), 1);
    }
}
