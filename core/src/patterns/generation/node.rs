//! Servers and the client of the generation clock pattern.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// A client write as a server log holds it: the generation of the leader that took it,
/// and its number within that generation. Shown as `w2.3` (generation 2, third write).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WriteId {
    /// The generation of the leader that accepted it from the client.
    pub gen: u64,
    /// Its number within that generation, from 1.
    pub n: u32,
}

impl fmt::Display for WriteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "w{}.{}", self.gen, self.n)
    }
}

/// Messages of the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// The leader is alive, in generation `gen`.
    Heartbeat {
        /// The leader's generation.
        gen: u64,
    },
    /// A follower rejects a heartbeat, a write or a vote request from an older generation
    /// and returns the generation it has seen.
    Reject {
        /// The higher generation the follower has seen.
        gen: u64,
    },
    /// A candidate asks for a vote in generation `gen`.
    RequestVote {
        /// The generation the candidate stands in.
        gen: u64,
    },
    /// A server's answer to a vote request.
    Vote {
        /// The generation the vote is for.
        gen: u64,
        /// Whether the vote is granted.
        granted: bool,
    },
    /// The leader replicates a write to a follower, tagged with its generation.
    Replicate {
        /// The leader's generation.
        gen: u64,
        /// The write.
        write: WriteId,
    },
    /// A follower accepted a write.
    Accepted {
        /// The write.
        write: WriteId,
    },
    /// A client asks a server to write (request number `req`).
    ClientWrite {
        /// The client's request number.
        req: u32,
    },
    /// The write is acknowledged: a majority accepted it.
    WriteOk {
        /// The client's request number.
        req: u32,
        /// The write as the log holds it.
        write: WriteId,
    },
    /// This server is not the leader; try the hinted one.
    NotLeader {
        /// The client's request number.
        req: u32,
        /// Who this server believes leads.
        hint: Option<NodeId>,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Heartbeat { gen } => write!(f, "heartbeat gen={gen}"),
            Msg::Reject { gen } => write!(f, "reject: seen gen={gen}"),
            Msg::RequestVote { gen } => write!(f, "vote for me? gen={gen}"),
            Msg::Vote { gen, granted } => {
                write!(f, "vote gen={gen} {}", if *granted { "yes" } else { "no" })
            }
            Msg::Replicate { gen, write } => write!(f, "replicate {write} gen={gen}"),
            Msg::Accepted { write } => write!(f, "accepted {write}"),
            Msg::ClientWrite { req } => write!(f, "write r{req}"),
            Msg::WriteOk { req, write } => write!(f, "ok r{req} as {write}"),
            Msg::NotLeader { req, .. } => write!(f, "not leader (r{req})"),
        }
    }
}

/// Timers of the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A follower heard no heartbeat in time: stand for election.
    ElectionTimeout,
    /// The leader's next heartbeat.
    HeartbeatTick,
    /// The client's next write.
    NextWrite,
    /// The client's write got no answer in time.
    WriteTimeout,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Timer::ElectionTimeout => "election-timeout",
            Timer::HeartbeatTick => "heartbeat-tick",
            Timer::NextWrite => "next-write",
            Timer::WriteTimeout => "write-timeout",
        })
    }
}

/// What a server accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accepted {
    /// A heartbeat.
    Heartbeat,
    /// A write.
    Write(WriteId),
}

/// Pattern-level events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The server stands for election in a new generation.
    Campaign {
        /// The new generation.
        gen: u64,
    },
    /// The server voted.
    Voted {
        /// For whom.
        candidate: NodeId,
        /// In which generation.
        gen: u64,
    },
    /// The server became leader.
    Leader {
        /// Its generation.
        gen: u64,
    },
    /// The server accepted a heartbeat or a write from a leader of generation `from_gen`.
    Accept {
        /// What it accepted.
        what: Accepted,
        /// The generation the message carried.
        from_gen: u64,
    },
    /// The server rejected a message from an older generation.
    Rejected {
        /// The message's generation.
        from_gen: u64,
        /// The server's generation.
        seen: u64,
    },
    /// The leader learned a higher generation and stepped down.
    SteppedDown {
        /// The generation it learned.
        learned: u64,
    },
    /// The leader acknowledged a write to the client: a majority accepted it.
    Acknowledged {
        /// The write.
        write: WriteId,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Campaign { gen } => write!(f, "stands for election in gen {gen}"),
            Note::Voted { gen, .. } => write!(f, "votes in gen {gen}"),
            Note::Leader { gen } => write!(f, "LEADER of gen {gen}"),
            Note::Accept {
                what: Accepted::Heartbeat,
                from_gen,
            } => write!(f, "accepts heartbeat of gen {from_gen}"),
            Note::Accept {
                what: Accepted::Write(w),
                from_gen,
            } => write!(f, "accepts {w} of gen {from_gen}"),
            Note::Rejected { from_gen, seen } => {
                write!(f, "rejects gen {from_gen} (has seen gen {seen})")
            }
            Note::SteppedDown { learned } => write!(f, "steps down: learned gen {learned}"),
            Note::Acknowledged { write } => write!(f, "acknowledges {write} (majority)"),
        }
    }
}

/// Server settings shared by every server of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerPlan {
    /// Shortest election timeout, in microseconds.
    pub election_min_us: u64,
    /// Longest election timeout.
    pub election_max_us: u64,
    /// A fixed election timeout used until the server first stands for election, when
    /// set (a split-vote demo gives every server the same one; randomness then resolves).
    pub fixed_timeout_until_campaign: Option<u64>,
    /// Time between heartbeats.
    pub heartbeat_us: u64,
    /// Whether servers compare generations on heartbeats and writes (the mechanism): a
    /// lower one is rejected with the server's own, a higher one is adopted. Off, they
    /// ignore the generation on heartbeats and writes (elections still use it).
    pub check_generation: bool,
}

/// A server's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Follows a leader.
    Follower,
    /// Stands for election.
    Candidate,
    /// Leads its generation.
    Leader,
}

#[derive(Clone, Debug)]
struct PendingWrite {
    write: WriteId,
    client: NodeId,
    req: u32,
    acks: BTreeSet<NodeId>,
}

/// Node names, shared by every node of a run, for the inspector.
pub type Names = Arc<Vec<String>>;

fn name_of(names: &Names, id: Option<NodeId>, none: &str) -> String {
    id.and_then(|id| names.get(id.index()).cloned())
        .unwrap_or_else(|| none.to_string())
}

/// A server of the cluster.
#[derive(Clone, Debug)]
pub struct Server {
    me: NodeId,
    names: Names,
    peers: Vec<NodeId>,
    plan: ServerPlan,
    // Durable: the generation, the vote in it, and the accepted writes.
    generation: u64,
    voted_for: Option<NodeId>,
    log: Vec<WriteId>,
    // Volatile.
    role: Role,
    leader: Option<NodeId>,
    votes: BTreeSet<NodeId>,
    pending: Vec<PendingWrite>,
    next_write: u32,
    campaigned: bool,
}

impl Server {
    /// Server `me` among `cluster` (every server, including `me`), in generation 1;
    /// `leads` makes it the leader of generation 1 from the start.
    pub fn new(
        me: NodeId,
        names: Names,
        cluster: &[NodeId],
        plan: ServerPlan,
        leads: bool,
    ) -> Server {
        Server {
            me,
            names,
            peers: cluster.iter().copied().filter(|&p| p != me).collect(),
            plan,
            generation: 1,
            voted_for: leads.then_some(me),
            log: Vec::new(),
            role: if leads { Role::Leader } else { Role::Follower },
            leader: None,
            votes: BTreeSet::new(),
            pending: Vec::new(),
            next_write: 0,
            campaigned: false,
        }
    }

    /// The server's generation.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The server's role.
    pub fn role(&self) -> Role {
        self.role
    }

    fn majority(&self) -> usize {
        let cluster = self.peers.len() + 1;
        cluster / 2 + 1
    }

    fn reset_election_timer(&self, ctx: &mut Ctx<'_, GenerationNode>) {
        match self.plan.fixed_timeout_until_campaign {
            Some(us) if !self.campaigned => ctx.set_timer(Timer::ElectionTimeout, us, us),
            _ => ctx.set_timer(
                Timer::ElectionTimeout,
                self.plan.election_min_us,
                self.plan.election_max_us,
            ),
        }
    }

    /// Adopts a higher generation: forget the vote, and a leader or candidate steps down.
    fn adopt(&mut self, ctx: &mut Ctx<'_, GenerationNode>, gen: u64) {
        if gen <= self.generation {
            return;
        }
        if self.role == Role::Leader {
            ctx.note(Note::SteppedDown { learned: gen });
            ctx.cancel_timer(Timer::HeartbeatTick);
        }
        if self.role != Role::Follower {
            self.reset_election_timer(ctx);
        }
        self.generation = gen;
        self.voted_for = None;
        self.role = Role::Follower;
        self.votes.clear();
        self.pending.clear();
    }

    fn become_leader(&mut self, ctx: &mut Ctx<'_, GenerationNode>) {
        self.role = Role::Leader;
        self.leader = Some(self.me);
        self.next_write = 0;
        ctx.note(Note::Leader {
            gen: self.generation,
        });
        ctx.cancel_timer(Timer::ElectionTimeout);
        self.heartbeat(ctx);
    }

    fn heartbeat(&self, ctx: &mut Ctx<'_, GenerationNode>) {
        let gen = self.generation;
        ctx.broadcast(self.peers.iter().copied(), Msg::Heartbeat { gen });
        ctx.set_timer(
            Timer::HeartbeatTick,
            self.plan.heartbeat_us,
            self.plan.heartbeat_us,
        );
    }

    /// Whether this server takes a heartbeat or a write of generation `gen` from `from`.
    ///
    /// With the check on, a message from a lower generation than this server's is
    /// rejected, and the rejection carries this server's generation back to the sender.
    /// With the check off, generations are not compared at all: nothing is rejected, and
    /// a leader, unable to tell which leader is current, ignores the other's messages and
    /// keeps leading.
    fn takes(&self, ctx: &mut Ctx<'_, GenerationNode>, from: NodeId, gen: u64) -> bool {
        if !self.plan.check_generation {
            return self.role != Role::Leader;
        }
        if gen >= self.generation {
            return true;
        }
        ctx.note(Note::Rejected {
            from_gen: gen,
            seen: self.generation,
        });
        ctx.send(
            from,
            Msg::Reject {
                gen: self.generation,
            },
        );
        false
    }

    /// Follows the leader `from` of generation `gen` (already taken by [`Server::takes`]);
    /// with the check on, adopts its generation when it is higher.
    fn follow(&mut self, ctx: &mut Ctx<'_, GenerationNode>, from: NodeId, gen: u64) {
        if self.plan.check_generation {
            self.adopt(ctx, gen);
        }
        if self.role != Role::Follower {
            self.role = Role::Follower;
            self.votes.clear();
        }
        self.leader = Some(from);
        self.reset_election_timer(ctx);
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, GenerationNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Heartbeat { gen } => {
                if self.takes(ctx, from, gen) {
                    self.follow(ctx, from, gen);
                    let what = Accepted::Heartbeat;
                    ctx.note(Note::Accept {
                        what,
                        from_gen: gen,
                    });
                }
            }
            Msg::Replicate { gen, write } => {
                if self.takes(ctx, from, gen) {
                    self.follow(ctx, from, gen);
                    self.log.push(write);
                    let what = Accepted::Write(write);
                    ctx.note(Note::Accept {
                        what,
                        from_gen: gen,
                    });
                    ctx.send(from, Msg::Accepted { write });
                }
            }
            Msg::Reject { gen } => self.adopt(ctx, gen),
            Msg::RequestVote { gen } => {
                self.adopt(ctx, gen);
                let granted = gen == self.generation && self.voted_for.is_none_or(|v| v == from);
                if granted {
                    self.voted_for = Some(from);
                    ctx.note(Note::Voted {
                        candidate: from,
                        gen,
                    });
                    self.reset_election_timer(ctx);
                }
                let gen = self.generation;
                ctx.send(from, Msg::Vote { gen, granted });
            }
            Msg::Vote { gen, granted } => {
                self.adopt(ctx, gen);
                if granted && self.role == Role::Candidate && gen == self.generation {
                    self.votes.insert(from);
                    if self.votes.len() >= self.majority() {
                        self.become_leader(ctx);
                    }
                }
            }
            Msg::Accepted { write } => {
                let majority = self.majority();
                if self.role != Role::Leader || write.gen != self.generation {
                    return;
                }
                let Some(i) = self.pending.iter().position(|p| p.write == write) else {
                    return;
                };
                self.pending[i].acks.insert(from);
                if self.pending[i].acks.len() >= majority {
                    let done = self.pending.remove(i);
                    ctx.note(Note::Acknowledged { write });
                    ctx.send(
                        done.client,
                        Msg::WriteOk {
                            req: done.req,
                            write,
                        },
                    );
                }
            }
            Msg::ClientWrite { req } => {
                if self.role != Role::Leader {
                    let hint = self.leader.filter(|&l| l != self.me);
                    ctx.send(from, Msg::NotLeader { req, hint });
                    return;
                }
                self.next_write += 1;
                let write = WriteId {
                    gen: self.generation,
                    n: self.next_write,
                };
                self.log.push(write);
                ctx.note(Note::Accept {
                    what: Accepted::Write(write),
                    from_gen: self.generation,
                });
                self.pending.push(PendingWrite {
                    write,
                    client: from,
                    req,
                    acks: BTreeSet::from([self.me]),
                });
                let gen = self.generation;
                ctx.broadcast(self.peers.iter().copied(), Msg::Replicate { gen, write });
            }
            Msg::WriteOk { .. } | Msg::NotLeader { .. } => {}
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, GenerationNode>, timer: Timer) {
        match timer {
            Timer::HeartbeatTick if self.role == Role::Leader => self.heartbeat(ctx),
            Timer::ElectionTimeout if self.role != Role::Leader => {
                self.generation += 1;
                self.campaigned = true;
                self.role = Role::Candidate;
                self.voted_for = Some(self.me);
                self.votes = BTreeSet::from([self.me]);
                self.leader = None;
                ctx.note(Note::Campaign {
                    gen: self.generation,
                });
                let gen = self.generation;
                ctx.broadcast(self.peers.iter().copied(), Msg::RequestVote { gen });
                self.reset_election_timer(ctx);
            }
            _ => {}
        }
    }

    fn on_start(&mut self, ctx: &mut Ctx<'_, GenerationNode>) {
        if self.role == Role::Leader {
            self.become_leader(ctx);
        } else {
            self.reset_election_timer(ctx);
        }
    }

    fn on_crash(&mut self) {
        self.role = Role::Follower;
        self.leader = None;
        self.votes.clear();
        self.pending.clear();
    }

    fn view(&self) -> NodeView {
        let role = match self.role {
            Role::Follower => "follower",
            Role::Candidate => "candidate",
            Role::Leader => "LEADER",
        };
        let last = |n: usize| {
            let shown: Vec<String> = self
                .log
                .iter()
                .rev()
                .take(n)
                .rev()
                .map(|w| w.to_string())
                .collect();
            if shown.is_empty() {
                "none".to_string()
            } else {
                format!("{} (of {})", shown.join(" "), self.log.len())
            }
        };
        NodeView {
            role: "server",
            headline: format!("{role} · gen {}", self.generation),
            fields: vec![
                ("role", role.to_lowercase()),
                ("generation (durable)", self.generation.to_string()),
                (
                    "voted for in this generation",
                    name_of(&self.names, self.voted_for, "nobody"),
                ),
                (
                    "believed leader",
                    name_of(&self.names, self.leader, "unknown"),
                ),
                ("accepted writes (durable)", last(4)),
                ("writes awaiting a majority", self.pending.len().to_string()),
            ],
        }
    }
}

/// The client: writes one value at a time to whoever it believes leads.
#[derive(Clone, Debug)]
pub struct Client {
    names: Names,
    servers: Vec<NodeId>,
    target: usize,
    req: u32,
    waiting: bool,
    acknowledged: u32,
    think_us: (u64, u64),
    timeout_us: u64,
}

impl Client {
    /// A client of `servers`, first asking the first of them, pausing `think_us` between
    /// writes and giving up on a server after `timeout_us`.
    pub fn new(
        names: Names,
        servers: Vec<NodeId>,
        think_us: (u64, u64),
        timeout_us: u64,
    ) -> Client {
        Client {
            names,
            servers,
            target: 0,
            req: 0,
            waiting: false,
            acknowledged: 0,
            think_us,
            timeout_us,
        }
    }

    fn send(&mut self, ctx: &mut Ctx<'_, GenerationNode>) {
        if let Some(&to) = self.servers.get(self.target) {
            self.waiting = true;
            ctx.send(to, Msg::ClientWrite { req: self.req });
            ctx.set_timer(Timer::WriteTimeout, self.timeout_us, self.timeout_us);
        }
    }

    fn next_server(&mut self) {
        self.target = (self.target + 1) % self.servers.len().max(1);
    }
}

/// A node of the generation clock pattern.
#[derive(Clone, Debug)]
pub enum GenerationNode {
    /// Writes.
    Client(Client),
    /// A cluster member.
    Server(Server),
}

impl GenerationNode {
    /// The server's generation, for servers.
    pub fn generation(&self) -> Option<u64> {
        match self {
            GenerationNode::Server(s) => Some(s.generation),
            GenerationNode::Client(_) => None,
        }
    }
}

impl Node for GenerationNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        match self {
            GenerationNode::Server(s) => s.on_start(ctx),
            GenerationNode::Client(c) => {
                c.waiting = false;
                ctx.set_timer(Timer::NextWrite, c.think_us.0, c.think_us.1);
            }
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            GenerationNode::Server(s) => s.on_message(ctx, from, msg),
            GenerationNode::Client(c) => match msg {
                Msg::WriteOk { req, .. } if req == c.req && c.waiting => {
                    c.waiting = false;
                    c.acknowledged += 1;
                    ctx.cancel_timer(Timer::WriteTimeout);
                    ctx.set_timer(Timer::NextWrite, c.think_us.0, c.think_us.1);
                }
                Msg::NotLeader { req, hint } if req == c.req && c.waiting => {
                    match hint.and_then(|h| c.servers.iter().position(|&s| s == h)) {
                        Some(i) => c.target = i,
                        None => c.next_server(),
                    }
                    c.send(ctx);
                }
                _ => {}
            },
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            GenerationNode::Server(s) => s.on_timer(ctx, timer),
            GenerationNode::Client(c) => match timer {
                Timer::NextWrite => {
                    c.req += 1;
                    c.send(ctx);
                }
                Timer::WriteTimeout if c.waiting => {
                    c.next_server();
                    c.send(ctx);
                }
                _ => {}
            },
        }
    }

    fn on_crash(&mut self) {
        match self {
            GenerationNode::Server(s) => s.on_crash(),
            GenerationNode::Client(c) => c.waiting = false,
        }
    }

    fn view(&self) -> NodeView {
        match self {
            GenerationNode::Server(s) => s.view(),
            GenerationNode::Client(c) => NodeView {
                role: "client",
                headline: format!("{} acked", c.acknowledged),
                fields: vec![
                    ("writes acknowledged", c.acknowledged.to_string()),
                    ("current request", format!("r{}", c.req)),
                    (
                        "asking",
                        name_of(&c.names, c.servers.get(c.target).copied(), "nobody"),
                    ),
                ],
            },
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Heartbeat { gen } => format!("hb g{gen}"),
            Msg::Reject { gen } => format!("reject g{gen}"),
            Msg::RequestVote { gen } => format!("vote? g{gen}"),
            Msg::Vote { gen, granted } => format!("{} g{gen}", if *granted { "yes" } else { "no" }),
            Msg::Replicate { gen, write } => format!("{write} g{gen}"),
            Msg::Accepted { write } => format!("ok {write}"),
            Msg::ClientWrite { req } => format!("r{req}"),
            Msg::WriteOk { req, .. } => format!("ok r{req}"),
            Msg::NotLeader { .. } => "not leader".to_string(),
        }
    }

    fn note_is_minor(note: &Note) -> bool {
        matches!(note, Note::Accept { .. } | Note::Voted { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::clock::WallTime;
    use crate::sim::node::Effect;
    use crate::sim::rng::Rng;

    fn deliver(server: &mut GenerationNode, from: u32, msg: Msg) -> Vec<Effect<GenerationNode>> {
        let mut rng = Rng::seeded(1);
        let mut effects = Vec::new();
        let mut ctx = Ctx::new(NodeId(1), WallTime(0), &mut rng, &mut effects);
        server.on_message(&mut ctx, NodeId(from), msg);
        effects
    }

    fn granted(effects: &[Effect<GenerationNode>]) -> bool {
        effects.iter().any(|e| {
            matches!(
                e,
                Effect::Send {
                    msg: Msg::Vote { granted: true, .. },
                    ..
                }
            )
        })
    }

    #[test]
    fn a_vote_survives_a_crash_so_nobody_gets_two_in_one_generation() {
        let cluster = [NodeId(1), NodeId(2), NodeId(3)];
        let names: Names = Arc::new(vec!["c1".into(), "s1".into(), "s2".into(), "s3".into()]);
        let plan = ServerPlan {
            election_min_us: 150_000,
            election_max_us: 300_000,
            fixed_timeout_until_campaign: None,
            heartbeat_us: 50_000,
            check_generation: true,
        };
        let mut server =
            GenerationNode::Server(Server::new(NodeId(1), names, &cluster, plan, false));
        assert!(granted(&deliver(
            &mut server,
            2,
            Msg::RequestVote { gen: 2 }
        )));
        server.on_crash();
        assert!(
            !granted(&deliver(&mut server, 3, Msg::RequestVote { gen: 2 })),
            "a second vote in generation 2 after a restart"
        );
        assert_eq!(
            server.generation(),
            Some(2),
            "the generation is durable too"
        );
        assert!(granted(&deliver(
            &mut server,
            3,
            Msg::RequestVote { gen: 3 }
        )));
    }
}
