//! Systems that exchange data, directly or through a hub, and the hub. Each system
//! writes its own format (a version number stands for it); whoever reads a system's
//! messages needs an adapter for its format, and must change it when the format changes.

use std::fmt;

use crate::sim::load::Arrivals;
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// The format the hub writes: the canonical model.
pub const CANONICAL: u32 = 0;

/// A message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A new system announces itself (to every system, or to the hub, which passes it on).
    Hello {
        /// The new system.
        system: NodeId,
    },
    /// Data for system `to`, written in `format` by `writer` (a system, or the hub).
    Data {
        /// The system it is for.
        to: NodeId,
        /// The system whose format it is in (the hub, for the canonical model).
        writer: NodeId,
        /// The writer's format version.
        format: u32,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Hello { .. } => f.write_str("hello: a new system"),
            Msg::Data {
                format: CANONICAL, ..
            } => f.write_str("data (canonical)"),
            Msg::Data { format, .. } => write!(f, "data (format v{format})"),
        }
    }
}

/// A timer: a system's next message is due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timer;

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("next message")
    }
}

/// A pattern-level event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// A system (or the hub) built or changed its adapter for a writer's format.
    Adapter {
        /// Whose format.
        writer: NodeId,
        /// The version it now reads.
        format: u32,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Adapter {
                format: CANONICAL, ..
            } => f.write_str("adapter for the hub's canonical model"),
            // Systems are named s1, s2 … in id order.
            Note::Adapter { writer, format } => {
                write!(f, "adapter for s{}'s format v{format}", writer.0 + 1)
            }
        }
    }
}

/// A node: a system, or the hub.
#[derive(Clone, Debug)]
pub struct HubNode {
    /// The hub (none: this node is the hub; or, for a system, point to point).
    hub: Option<NodeId>,
    is_hub: bool,
    arrivals: Arrivals,
    /// Durable: the systems it sends to, its format version, the versions it reads.
    partners: Vec<NodeId>,
    format: u32,
    reads: Vec<(NodeId, u32)>,
    // Volatile.
    elapsed_us: u64,
    sent: u64,
}

impl HubNode {
    /// A system that sends to `partners` at `arrivals`, through `hub` if any.
    pub fn system(partners: Vec<NodeId>, hub: Option<NodeId>, arrivals: Arrivals) -> HubNode {
        HubNode {
            hub,
            is_hub: false,
            arrivals,
            partners,
            format: 1,
            reads: Vec::new(),
            elapsed_us: 0,
            sent: 0,
        }
    }

    /// The hub, passing announcements on to `systems`.
    pub fn hub(systems: Vec<NodeId>) -> HubNode {
        HubNode {
            is_hub: true,
            partners: systems,
            ..HubNode::system(Vec::new(), None, Arrivals::Poisson { per_sec: 0 })
        }
    }

    fn next(&mut self, ctx: &mut Ctx<'_, Self>) {
        if let Some(gap) = ctx.arrival_gap(self.arrivals, self.elapsed_us) {
            self.elapsed_us += gap;
            ctx.set_timer(Timer, gap, gap);
        }
    }

    /// Reads data written by `writer` in `format`: builds or changes the adapter.
    fn read(&mut self, ctx: &mut Ctx<'_, Self>, writer: NodeId, format: u32) {
        match self.reads.iter_mut().find(|(w, _)| *w == writer) {
            Some((_, v)) if *v == format => return,
            Some((_, v)) => *v = format,
            None => self.reads.push((writer, format)),
        }
        ctx.note(Note::Adapter { writer, format });
    }
}

impl Node for HubNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        if self.is_hub {
            return;
        }
        let system = ctx.me();
        match self.hub {
            Some(hub) => ctx.send(hub, Msg::Hello { system }),
            None => ctx.broadcast(self.partners.clone(), Msg::Hello { system }),
        }
        self.next(ctx);
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, _from: NodeId, msg: Msg) {
        match msg {
            Msg::Hello { system } => {
                if self.is_hub {
                    let others = self.partners.iter().copied().filter(|&s| s != system);
                    ctx.broadcast(others.collect::<Vec<_>>(), Msg::Hello { system });
                } else if !self.partners.contains(&system) {
                    self.partners.push(system);
                }
            }
            Msg::Data { to, writer, format } => {
                self.read(ctx, writer, format);
                if self.is_hub {
                    let (writer, format) = (ctx.me(), CANONICAL);
                    ctx.send(to, Msg::Data { to, writer, format });
                }
            }
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, _timer: Timer) {
        if !self.partners.is_empty() {
            let to = self.partners[ctx.random_below(self.partners.len() as u64) as usize];
            let (writer, format) = (ctx.me(), self.format);
            ctx.send(self.hub.unwrap_or(to), Msg::Data { to, writer, format });
            self.sent += 1;
        }
        self.next(ctx);
    }

    fn on_crash(&mut self) {
        self.sent = 0;
    }

    fn on_command(&mut self, _ctx: &mut Ctx<'_, Self>, verb: &str, _arg: i64) {
        if verb == "new-format" && !self.is_hub {
            self.format += 1;
        }
    }

    fn view(&self) -> NodeView {
        // Short, so a small node keeps both numbers ("v2 · 4 adapters").
        let adapters = match self.reads.len() {
            1 => "1 adapter".to_string(),
            n => format!("{n} adapters"),
        };
        let (role, headline) = if self.is_hub {
            ("hub", adapters)
        } else {
            ("system", format!("v{} · {adapters}", self.format))
        };
        NodeView {
            role,
            headline,
            fields: vec![
                ("adapters (formats it reads)", self.reads.len().to_string()),
                ("sent", self.sent.to_string()),
            ],
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Hello { .. } => "hello".to_string(),
            Msg::Data { format, .. } => format!("v{format}"),
        }
    }
}
