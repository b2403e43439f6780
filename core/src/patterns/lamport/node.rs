//! Clients and servers of the Lamport clock pattern.

use std::fmt;

use imbl::Vector;

use super::clock::LamportClock;
use crate::sim::clock::WallTime;
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// An event a client writes: client `client` (0-based) and its `n`th write (1-based),
/// shown as a letter per client and a number: `a1`, `a2`, `b1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventName {
    /// Index of the writing client.
    pub client: u16,
    /// The write's number at that client, from 1.
    pub n: u16,
}

impl fmt::Display for EventName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let letter = char::from(b'a' + (self.client % 26) as u8);
        write!(f, "{letter}{}", self.n)
    }
}

/// Messages between clients and servers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A client asks a server to store an event, carrying the client's clock.
    Write {
        /// The event.
        event: EventName,
        /// The client's clock (0 when clients do not carry their clock).
        clock: u64,
    },
    /// The server stored the event at timestamp `ts`.
    Ack {
        /// The event.
        event: EventName,
        /// Its Lamport timestamp.
        ts: u64,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Write { event, clock } => write!(f, "write {event} clock={clock}"),
            Msg::Ack { event, ts } => write!(f, "ack {event} ts={ts}"),
        }
    }
}

/// Client timers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Time to write the next event.
    NextWrite,
    /// No acknowledgement came in time; move on.
    AckTimeout,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Timer::NextWrite => "next-write",
            Timer::AckTimeout => "ack-timeout",
        })
    }
}

/// Pattern-level events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// A server stored an event with a Lamport timestamp, at a wall-clock time.
    Stored {
        /// The event.
        event: EventName,
        /// Its Lamport timestamp.
        ts: u64,
        /// The server's wall clock when it stored it.
        wall: WallTime,
    },
    /// A client learned a timestamp and moved its clock.
    ClockAdvanced {
        /// The client's clock afterwards.
        to: u64,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Stored { event, ts, wall } => {
                write!(f, "stored {event} at ts={ts} (wall clock {wall})")
            }
            Note::ClockAdvanced { to } => write!(f, "clock -> {to}"),
        }
    }
}

/// How clients behave, shared by every client of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientPlan {
    /// How many events each client writes.
    pub writes: u16,
    /// Shortest pause between an acknowledgement and the next write, in microseconds.
    pub think_min_us: u64,
    /// Longest such pause.
    pub think_max_us: u64,
    /// How long to wait for an acknowledgement before moving on.
    pub ack_timeout_us: u64,
    /// Whether clients send their clock with each write and learn from each answer.
    pub carry_clock: bool,
    /// Whether each client starts its round of the servers at a different one (else all
    /// start at the first server, which then sees more traffic than the others).
    pub stagger_targets: bool,
}

/// A client: writes events to servers in turn, carrying its clock.
#[derive(Clone, Debug)]
pub struct Client {
    index: u16,
    servers: Vec<NodeId>,
    plan: ClientPlan,
    // Durable: the clock and how many events were written survive a crash.
    clock: LamportClock,
    written: u16,
    // Volatile.
    waiting_for: Option<EventName>,
}

impl Client {
    /// Client number `index` (0-based) writing to `servers`.
    pub fn new(index: u16, servers: Vec<NodeId>, plan: ClientPlan) -> Client {
        Client {
            index,
            servers,
            plan,
            clock: LamportClock::new(1),
            written: 0,
            waiting_for: None,
        }
    }

    fn schedule_next(&self, ctx: &mut Ctx<'_, LamportNode>) {
        if self.written < self.plan.writes {
            ctx.set_timer(
                Timer::NextWrite,
                self.plan.think_min_us,
                self.plan.think_max_us,
            );
        }
    }

    fn write_next(&mut self, ctx: &mut Ctx<'_, LamportNode>) {
        if self.servers.is_empty() || self.written >= self.plan.writes {
            return;
        }
        self.written += 1;
        let event = EventName {
            client: self.index,
            n: self.written,
        };
        // Clients take turns over the servers, in order.
        let start = if self.plan.stagger_targets {
            usize::from(self.index)
        } else {
            0
        };
        let target = (start + usize::from(self.written) - 1) % self.servers.len();
        let clock = if self.plan.carry_clock {
            self.clock.current()
        } else {
            0
        };
        ctx.send(self.servers[target], Msg::Write { event, clock });
        self.waiting_for = Some(event);
        ctx.set_timer(
            Timer::AckTimeout,
            self.plan.ack_timeout_us,
            self.plan.ack_timeout_us,
        );
    }
}

/// A server: stores each event at `max(local, received) + 1` and returns the timestamp.
#[derive(Clone, Debug)]
pub struct Server {
    // Durable: the clock and the store are persisted together. The store only grows:
    // a persistent vector, so checkpoints share it.
    clock: LamportClock,
    store: Vector<(EventName, u64)>,
}

impl Default for Server {
    fn default() -> Self {
        Server {
            clock: LamportClock::new(1),
            store: Vector::new(),
        }
    }
}

/// A node of the Lamport clock pattern.
#[derive(Clone, Debug)]
pub enum LamportNode {
    /// Writes events.
    Client(Client),
    /// Stores events.
    Server(Server),
}

impl Node for LamportNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        if let LamportNode::Client(client) = self {
            client.schedule_next(ctx);
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match (self, msg) {
            (LamportNode::Server(server), Msg::Write { event, clock }) => {
                let ts = server.clock.update(clock);
                server.store.push_back((event, ts));
                let wall = ctx.wall_clock();
                ctx.note(Note::Stored { event, ts, wall });
                ctx.send(from, Msg::Ack { event, ts });
            }
            (LamportNode::Client(client), Msg::Ack { event, ts }) => {
                if client.plan.carry_clock {
                    let to = client.clock.update(ts);
                    ctx.note(Note::ClockAdvanced { to });
                }
                if client.waiting_for == Some(event) {
                    client.waiting_for = None;
                    ctx.cancel_timer(Timer::AckTimeout);
                    client.schedule_next(ctx);
                }
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        if let LamportNode::Client(client) = self {
            match timer {
                Timer::NextWrite => client.write_next(ctx),
                Timer::AckTimeout => {
                    client.waiting_for = None;
                    client.schedule_next(ctx);
                }
            }
        }
    }

    fn on_crash(&mut self) {
        if let LamportNode::Client(client) = self {
            client.waiting_for = None;
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Write { event, clock } => format!("{event} c={clock}"),
            Msg::Ack { event, ts } => format!("{event} ts={ts}"),
        }
    }

    fn view(&self) -> NodeView {
        match self {
            LamportNode::Client(c) => NodeView {
                role: "client",
                headline: format!("clock {}", c.clock.current()),
                fields: vec![
                    ("Lamport clock", c.clock.current().to_string()),
                    (
                        "events written",
                        format!("{} of {}", c.written, c.plan.writes),
                    ),
                    (
                        "waiting for",
                        c.waiting_for
                            .map_or("nothing".to_string(), |e| format!("ack of {e}")),
                    ),
                ],
            },
            LamportNode::Server(s) => NodeView {
                role: "server",
                headline: format!("clock {}", s.clock.current()),
                fields: vec![
                    ("Lamport clock", s.clock.current().to_string()),
                    ("stored events", stored_events(&s.store)),
                ],
            },
        }
    }
}

/// How many of a server's latest stored events its view lists.
const LISTED: usize = 12;

/// A server's stored events in storing order: the latest [`LISTED`] of them, so that a
/// view costs the same at any point of a long run.
fn stored_events(store: &Vector<(EventName, u64)>) -> String {
    if store.is_empty() {
        return "none".to_string();
    }
    let skip = store.len().saturating_sub(LISTED);
    let latest: Vec<String> = store
        .skip(skip)
        .iter()
        .map(|(e, ts)| format!("{e}@{ts}"))
        .collect();
    if skip > 0 {
        format!("{skip} earlier … {}", latest.join(" "))
    } else {
        latest.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_view_lists_its_latest_stored_events() {
        let store: Vector<_> = (1..=20)
            .map(|n| (EventName { client: 0, n }, u64::from(n)))
            .collect();
        let text = stored_events(&store);
        assert!(text.starts_with("8 earlier … a9@9 "), "{text}");
        assert!(text.ends_with("a20@20"), "{text}");
        assert_eq!(stored_events(&store.take(2)), "a1@1 a2@2");
        assert_eq!(stored_events(&Vector::new()), "none");
    }

    #[test]
    fn event_names_use_a_letter_per_client() {
        assert_eq!(EventName { client: 0, n: 3 }.to_string(), "a3");
        assert_eq!(EventName { client: 1, n: 1 }.to_string(), "b1");
    }
}
