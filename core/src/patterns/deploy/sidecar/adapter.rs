//! The adapter: applications written by different teams expose their metrics in their
//! own formats; an adapter beside each one reads them on localhost and presents them in
//! the one format the monitoring system reads.

use crate::patterns::deploy::msg::{Format, Msg, Note, Timer};
use crate::patterns::deploy::{DeployNode, FAILED};
use crate::sim::node::{Ctx, NodeId, NodeView};

use super::READ;

/// How often monitoring scrapes its targets.
const SCRAPE_US: u64 = 20_000;

/// An application that exposes its metrics in its own format.
#[derive(Clone, Debug)]
pub struct Exporter {
    format: Format,
}

impl Exporter {
    /// An application writing its metrics in `format`.
    pub fn new(format: Format) -> Exporter {
        Exporter { format }
    }

    pub(crate) fn on_message(&mut self, ctx: &mut Ctx<'_, DeployNode>, from: NodeId, msg: Msg) {
        if msg == Msg::Scrape {
            let format = self.format;
            ctx.send(from, Msg::Metrics { format });
        }
    }

    pub(crate) fn view(&self) -> NodeView {
        NodeView {
            role: "app",
            headline: self.format.name().to_string(),
            fields: vec![("metrics format", self.format.name().to_string())],
        }
    }
}

/// The adapter container beside an application.
#[derive(Clone, Debug)]
pub struct Adapter {
    app: NodeId,
    // Volatile.
    asker: Option<NodeId>,
}

impl Adapter {
    /// The adapter of `app`.
    pub fn new(app: NodeId) -> Adapter {
        Adapter { app, asker: None }
    }

    pub(crate) fn on_message(&mut self, ctx: &mut Ctx<'_, DeployNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Scrape => {
                self.asker = Some(from);
                ctx.send(self.app, Msg::Scrape);
            }
            Msg::Metrics { .. } => {
                if let Some(to) = self.asker {
                    let format = Format::Prometheus;
                    ctx.send(to, Msg::Metrics { format });
                }
            }
            _ => {}
        }
    }

    pub(crate) fn on_crash(&mut self) {
        self.asker = None;
    }

    pub(crate) fn view(&self) -> NodeView {
        NodeView {
            role: "adapter",
            headline: "→ Prometheus".to_string(),
            fields: Vec::new(),
        }
    }
}

/// The monitoring system: scrapes every target each period and reads only Prometheus'
/// text format.
#[derive(Clone, Debug)]
pub struct Monitor {
    targets: Vec<NodeId>,
    read: u64,
    unreadable: u64,
}

impl Monitor {
    /// Monitoring of `targets` (adapters, or the applications themselves).
    pub fn new(targets: Vec<NodeId>) -> Monitor {
        Monitor {
            targets,
            read: 0,
            unreadable: 0,
        }
    }

    pub(crate) fn on_start(&mut self, ctx: &mut Ctx<'_, DeployNode>) {
        self.on_timer(ctx);
    }

    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx<'_, DeployNode>) {
        ctx.broadcast(self.targets.iter().copied(), Msg::Scrape);
        ctx.set_timer(Timer::Round, SCRAPE_US, SCRAPE_US);
    }

    pub(crate) fn on_message(&mut self, ctx: &mut Ctx<'_, DeployNode>, msg: Msg) {
        match msg {
            Msg::Metrics {
                format: Format::Prometheus,
            } => {
                self.read += 1;
                ctx.measure(READ, 1);
            }
            Msg::Metrics { format } => {
                self.unreadable += 1;
                ctx.measure(FAILED, 1);
                ctx.note(Note::Unreadable { format });
            }
            _ => {}
        }
    }

    pub(crate) fn view(&self) -> NodeView {
        NodeView {
            role: "monitoring",
            headline: format!("{} read", self.read),
            fields: vec![("unreadable", self.unreadable.to_string())],
        }
    }
}
