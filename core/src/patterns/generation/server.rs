//! A server of the cluster: follows, stands for election, leads; checks generations.

use imbl::Vector;

use std::collections::BTreeSet;

use super::messages::{Accepted, Heard, Msg, Note, Timer, WriteId};
use super::node::{name_of, GenerationNode, Names};
use crate::sim::node::{Ctx, NodeId, NodeView};

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
    /// Crashed: it keeps only what it stored, and restarts as a follower (shown as
    /// "down", not as the follower it is not yet).
    Down,
}

#[derive(Clone, Debug)]
struct PendingWrite {
    write: WriteId,
    client: NodeId,
    req: u32,
    acks: BTreeSet<NodeId>,
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
    log: Vector<WriteId>,
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
            log: Vector::new(),
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
    fn adopt(&mut self, ctx: &mut Ctx<'_, GenerationNode>, gen: u64, from: Heard) {
        if gen <= self.generation {
            return;
        }
        if self.role == Role::Leader {
            ctx.note(Note::SteppedDown { learned: gen, from });
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
    fn follow(&mut self, ctx: &mut Ctx<'_, GenerationNode>, from: NodeId, gen: u64, heard: Heard) {
        if self.plan.check_generation {
            self.adopt(ctx, gen, heard);
        }
        if self.role != Role::Follower {
            self.role = Role::Follower;
            self.votes.clear();
        }
        self.leader = Some(from);
        self.reset_election_timer(ctx);
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, GenerationNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Heartbeat { gen } => {
                if self.takes(ctx, from, gen) {
                    self.follow(ctx, from, gen, Heard::Heartbeat);
                    let what = Accepted::Heartbeat;
                    ctx.note(Note::Accept {
                        what,
                        from_gen: gen,
                    });
                }
            }
            Msg::Replicate { gen, write } => {
                if self.takes(ctx, from, gen) {
                    self.follow(ctx, from, gen, Heard::Write);
                    self.log.push_back(write);
                    let what = Accepted::Write(write);
                    ctx.note(Note::Accept {
                        what,
                        from_gen: gen,
                    });
                    ctx.send(from, Msg::Accepted { write });
                }
            }
            Msg::Reject { gen } => self.adopt(ctx, gen, Heard::Rejection),
            Msg::RequestVote { gen } => {
                self.adopt(ctx, gen, Heard::VoteRequest);
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
                self.adopt(ctx, gen, Heard::Vote);
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
                self.log.push_back(write);
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

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, GenerationNode>, timer: Timer) {
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

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, GenerationNode>) {
        if self.role == Role::Leader {
            self.become_leader(ctx);
        } else {
            self.role = Role::Follower;
            self.reset_election_timer(ctx);
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.role = Role::Down;
        self.leader = None;
        self.votes.clear();
        self.pending.clear();
    }

    pub(super) fn view(&self) -> NodeView {
        let role = match self.role {
            Role::Follower => "follower",
            Role::Candidate => "candidate",
            Role::Leader => "LEADER",
            Role::Down => "down",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::clock::WallTime;
    use crate::sim::node::Effect;
    use crate::sim::node::Node;
    use crate::sim::rng::Rng;
    use crate::sim::time::SimTime;
    use std::sync::Arc;

    fn deliver(server: &mut GenerationNode, from: u32, msg: Msg) -> Vec<Effect<GenerationNode>> {
        let mut rng = Rng::seeded(1);
        let mut effects = Vec::new();
        let mut ctx = Ctx::new(
            NodeId(1),
            SimTime::ZERO,
            WallTime(0),
            &mut rng,
            &mut effects,
        );
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
