//! The service bus's nodes: systems that send, the bus, systems that receive (and the
//! invalid-message channel).

use super::msg::{Format, Kind, Msg, Note, Timer};
use crate::sim::load::{Arrivals, Delay};
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// A system that sends messages to the bus in its own format, whatever happens to them.
#[derive(Clone, Debug)]
pub struct Source {
    bus: NodeId,
    format: Format,
    arrivals: Arrivals,
    /// Percent of messages malformed, and percent of a kind no route takes.
    bad_pct: u64,
    unknown_pct: u64,
    /// Its ids are `first`, `first + stride`, …: unique across systems.
    first: u64,
    stride: u64,
    /// Durable: ids only grow.
    sent: u64,
    // Volatile.
    elapsed_us: u64,
}

impl Source {
    /// A system sending in `format` to `bus`; ids `first + k × stride`.
    pub fn new(bus: NodeId, format: Format, arrivals: Arrivals, ids: (u64, u64)) -> Source {
        Source {
            bus,
            format,
            arrivals,
            bad_pct: 0,
            unknown_pct: 0,
            first: ids.0,
            stride: ids.1,
            sent: 0,
            elapsed_us: 0,
        }
    }

    /// The same, with `bad` percent malformed and `unknown` percent unroutable.
    pub fn with_errors(self, bad: u64, unknown: u64) -> Source {
        Source {
            bad_pct: bad,
            unknown_pct: unknown,
            ..self
        }
    }

    fn next(&mut self, ctx: &mut Ctx<'_, BusNode>) {
        if let Some(gap) = ctx.arrival_gap(self.arrivals, self.elapsed_us) {
            self.elapsed_us += gap;
            ctx.set_timer(Timer::Send, gap, gap);
        }
    }

    fn send(&mut self, ctx: &mut Ctx<'_, BusNode>) {
        let id = self.first + self.sent * self.stride;
        self.sent += 1;
        let kind = match ctx.random_below(100) {
            k if k < self.unknown_pct => Kind::Unknown,
            k if k < 60 => Kind::Order,
            _ => Kind::Invoice,
        };
        let bad = ctx.random_below(100) < self.bad_pct;
        let format = self.format;
        ctx.send(
            self.bus,
            Msg::Send {
                id,
                kind,
                format,
                bad,
            },
        );
        self.next(ctx);
    }
}

/// Where the bus sends what.
#[derive(Clone, Debug)]
pub struct Routes {
    /// Orders go here, in this format.
    pub orders: (NodeId, Format, &'static str),
    /// Invoices go here, in this format.
    pub invoices: (NodeId, Format, &'static str),
    /// The invalid-message channel (none: what cannot go anywhere is dropped).
    pub invalid: Option<NodeId>,
    /// Whether the history records a delivery when the system confirms it (else when
    /// the bus sends it).
    pub confirmed: bool,
}

/// The bus: converts each message through its canonical model and routes it by content.
#[derive(Clone, Debug)]
pub struct Bus {
    routes: Routes,
    work: Delay,
    // Volatile.
    routed: u64,
    invalid: u64,
}

impl Bus {
    /// A bus with `routes`, taking `work` per message, one at a time.
    pub fn new(routes: Routes, work: Delay) -> Bus {
        Bus {
            routes,
            work,
            routed: 0,
            invalid: 0,
        }
    }

    fn route(&self, kind: Kind) -> Option<(NodeId, Format, &'static str)> {
        match kind {
            Kind::Order => Some(self.routes.orders),
            Kind::Invoice => Some(self.routes.invoices),
            Kind::Unknown => None,
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, BusNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Send { id, kind, bad, .. } => match (bad, self.route(kind)) {
                (false, Some((to, format, name))) => {
                    self.routed += 1;
                    ctx.send(to, Msg::Routed { id, kind, format });
                    if !self.routes.confirmed {
                        ctx.note(Note::Delivered { id, to, name });
                    }
                }
                _ => {
                    if let Some(channel) = self.routes.invalid {
                        self.invalid += 1;
                        ctx.send(channel, Msg::Invalid { id, bad });
                    }
                }
            },
            Msg::Ack { id } if self.routes.confirmed => {
                let name = [self.routes.orders, self.routes.invoices]
                    .into_iter()
                    .find(|r| r.0 == from)
                    .map_or("?", |r| r.2);
                ctx.note(Note::Delivered { id, to: from, name });
            }
            _ => {}
        }
    }
}

/// A system the bus delivers to (or the invalid-message channel).
#[derive(Clone, Debug, Default)]
pub struct Target {
    // Volatile.
    received: u64,
}

/// A node of the service bus's stories.
#[derive(Clone, Debug)]
pub enum BusNode {
    /// Sends messages.
    Source(Source),
    /// The bus.
    Bus(Bus),
    /// Receives messages (role "receiver", or "invalid" for the invalid-message channel).
    Target(Target, &'static str),
}

impl Node for BusNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        if let BusNode::Source(s) = self {
            s.next(ctx);
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            BusNode::Source(_) => {}
            BusNode::Bus(b) => b.on_message(ctx, from, msg),
            BusNode::Target(t, _) => {
                t.received += 1;
                if let Msg::Routed { id, .. } = msg {
                    ctx.send(from, Msg::Ack { id });
                }
            }
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, _timer: Timer) {
        if let BusNode::Source(s) = self {
            s.send(ctx);
        }
    }

    fn on_crash(&mut self) {
        match self {
            BusNode::Bus(b) => (b.routed, b.invalid) = (0, 0),
            BusNode::Target(t, _) => t.received = 0,
            BusNode::Source(_) => {}
        }
    }

    fn view(&self) -> NodeView {
        match self {
            BusNode::Source(s) => NodeView {
                role: "sender",
                headline: format!("{} sent", s.sent),
                fields: vec![("format", s.format.name().to_string())],
            },
            BusNode::Bus(b) => NodeView {
                role: "bus",
                headline: format!("{} routed", b.routed),
                fields: vec![
                    ("routed", b.routed.to_string()),
                    ("to the invalid channel", b.invalid.to_string()),
                    ("time per message", format!("{} µs", b.work.mean())),
                ],
            },
            BusNode::Target(t, role) => NodeView {
                role,
                headline: format!("{} received", t.received),
                fields: Vec::new(),
            },
        }
    }

    fn service(&self, msg: &Msg) -> Option<Delay> {
        match (self, msg) {
            (BusNode::Bus(b), Msg::Send { .. }) => Some(b.work),
            _ => None,
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Send { id, .. } | Msg::Routed { id, .. } | Msg::Invalid { id, .. } => {
                format!("#{id}")
            }
            Msg::Ack { id } => format!("got #{id}"),
        }
    }
}
