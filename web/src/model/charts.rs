//! The charts' share of the model: every metric the pattern declares, over the whole
//! explored run, as the lines a chart draws and (for per-node metrics) a heat strip.
//!
//! The core aggregates samples into buckets while exploring; this turns one metric's
//! [`Series`] into display values (a counter as a rate per second, a latency as p50 and
//! p99 in milliseconds, a gauge as its highest level). [`Playground::charts`] computes them
//! once per explored run: moving the cursor or drawing a frame reads the cached ones.

use std::rc::Rc;

use playground_core::sim::metrics::{Heat, MetricKind, MetricSpec, Series};

use super::Playground;

/// One line of a chart: a value per bucket, in the chart's unit.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartLine {
    /// Its name in the legend, e.g. "p99".
    pub name: &'static str,
    /// One value per bucket, from time zero.
    pub values: Vec<f64>,
}

/// A metric per node and per bucket (rows are nodes in id order), in `unit`.
#[derive(Clone, Debug, PartialEq)]
pub struct HeatStrip {
    /// One row per node, a value per bucket.
    pub rows: Vec<Vec<f64>>,
    /// The highest value in any cell (the top of the colour scale).
    pub max: f64,
    /// What a cell's value means, e.g. "messages/s".
    pub unit: String,
}

/// One chart: a metric's lines over the run, and its heat strip if it is per node.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// The metric as the pattern declares it.
    pub spec: MetricSpec,
    /// The unit of the y axis, e.g. "retries/s" or "ms".
    pub unit: String,
    /// Width of a bucket in µs.
    pub bucket_us: u64,
    /// The lines (one, or p50 and p99 for a latency).
    pub lines: Vec<ChartLine>,
    /// The per-node strip, for a per-node metric.
    pub heat: Option<HeatStrip>,
}

impl Chart {
    /// How many buckets the chart spans.
    pub fn buckets(&self) -> usize {
        self.lines.first().map_or(0, |l| l.values.len())
    }

    /// The highest value of any line.
    pub fn max(&self) -> f64 {
        self.lines
            .iter()
            .flat_map(|l| l.values.iter().copied())
            .fold(0.0, f64::max)
    }
}

/// A chart of `spec` from its series (and its per-node heat, for a per-node metric).
pub fn chart_of(spec: &MetricSpec, series: &Series, heat: Option<&Heat>) -> Chart {
    let bucket_us = series.bucket_us.max(1);
    let per_second = 1_000_000.0 / bucket_us as f64;
    let line = |name, value: &dyn Fn(&playground_core::sim::metrics::Point) -> f64| ChartLine {
        name,
        values: series.points.iter().map(value).collect(),
    };
    let (unit, lines) = match spec.kind {
        MetricKind::Counter => (
            rate_unit(spec.unit),
            vec![line("rate", &|p| p.sum as f64 * per_second)],
        ),
        MetricKind::Latency => (
            "ms".to_string(),
            vec![
                line("p50", &|p| p.p50 as f64 / 1_000.0),
                line("p99", &|p| p.p99 as f64 / 1_000.0),
            ],
        ),
        MetricKind::Gauge => (
            spec.unit.to_string(),
            vec![line("highest", &|p| p.max as f64)],
        ),
    };
    let heat = heat.map(|heat| {
        // A counter's cell is a rate, a latency's the samples per second, a gauge's a level.
        let (scale, unit) = match spec.kind {
            MetricKind::Gauge => (1.0, spec.unit.to_string()),
            MetricKind::Counter => (per_second, unit.clone()),
            MetricKind::Latency => (per_second, "samples/s".to_string()),
        };
        let rows: Vec<Vec<f64>> = heat
            .rows
            .iter()
            .map(|row| row.iter().map(|&v| v as f64 * scale).collect())
            .collect();
        let max = rows.iter().flatten().copied().fold(0.0, f64::max);
        HeatStrip { rows, max, unit }
    });
    Chart {
        spec: *spec,
        unit,
        bucket_us,
        lines,
        heat,
    }
}

/// "requests" per second: "requests/s".
fn rate_unit(unit: &str) -> String {
    let mut text = String::with_capacity(unit.len() + 2);
    text.push_str(unit);
    text.push_str("/s");
    text
}

impl Playground {
    /// The pattern's metrics charted over the explored run (empty when it declares none).
    /// Computed once per run: the cursor and every frame read the cached charts.
    pub fn charts(&self) -> Rc<Vec<Rc<Chart>>> {
        self.charts.get((), || {
            let engine = self.engine();
            let end = self.end();
            let specs = self.run.scenario().pattern().metrics;
            Rc::new(
                specs
                    .iter()
                    .enumerate()
                    .map(|(i, spec)| {
                        let heat = spec.per_node.then(|| engine.heat(i, end));
                        Rc::new(chart_of(spec, &engine.series(i, end), heat.as_ref()))
                    })
                    .collect(),
            )
        })
    }

    /// How many times the charts were computed (not served from the cache).
    #[cfg(test)]
    pub(super) fn chart_computations(&self) -> usize {
        self.charts.computations()
    }
}
