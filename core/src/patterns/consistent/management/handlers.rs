//! How a management node answers each message and timer: votes, log replication,
//! clients' and data nodes' requests, and what a crash forgets.

use super::*;

impl Management {
    pub(in crate::patterns::consistent) fn on_message(
        &mut self,
        ctx: &mut Ctx<'_, ConsistentNode>,
        from: NodeId,
        msg: Msg,
    ) {
        match msg {
            Msg::RequestVote {
                term,
                last_index,
                last_term,
            } => {
                if term > self.term {
                    self.step_down(ctx, term);
                }
                let up_to_date = (last_term, last_index) >= {
                    let (i, t) = self.last();
                    (t, i)
                };
                let granted =
                    term == self.term && up_to_date && self.voted_for.is_none_or(|v| v == from);
                if granted {
                    self.voted_for = Some(from);
                    self.reset_election(ctx);
                }
                ctx.send(
                    from,
                    Msg::Vote {
                        term: self.term,
                        granted,
                    },
                );
            }
            Msg::Vote { term, granted } => {
                if term > self.term {
                    self.step_down(ctx, term);
                } else if granted
                    && term == self.term
                    && !self.leading
                    && self.voted_for == Some(self.me)
                {
                    self.votes.insert(from);
                    if self.votes.len() >= self.majority() {
                        self.become_leader(ctx);
                    }
                }
            }
            Msg::Append {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
            } => {
                if term < self.term {
                    let reply = Msg::AppendReply {
                        term: self.term,
                        ok: false,
                        matched: 0,
                    };
                    ctx.send(from, reply);
                    return;
                }
                if term > self.term || self.leading {
                    self.step_down(ctx, term);
                }
                self.leader = Some(from);
                self.heard_at = ctx.wall_clock();
                self.reset_election(ctx);
                let matches = prev_index == 0
                    || self
                        .log
                        .get(prev_index - 1)
                        .is_some_and(|e| e.term == prev_term);
                if !matches {
                    let hint = prev_index.saturating_sub(1).min(self.log.len());
                    ctx.send(
                        from,
                        Msg::AppendReply {
                            term,
                            ok: false,
                            matched: hint,
                        },
                    );
                    return;
                }
                for (offset, entry) in entries.iter().enumerate() {
                    let index = prev_index + 1 + offset;
                    match self.log.get(index - 1) {
                        Some(existing) if existing.term == entry.term => {}
                        Some(_) => {
                            self.log.truncate(index - 1);
                            self.log.push_back(*entry);
                        }
                        None => self.log.push_back(*entry),
                    }
                }
                let matched = prev_index + entries.len();
                // Only what this append matched is known committed here; an older,
                // reordered append never moves the commit index back.
                if commit.min(matched) > self.commit {
                    self.commit = commit.min(matched);
                    self.apply(ctx);
                }
                ctx.send(
                    from,
                    Msg::AppendReply {
                        term,
                        ok: true,
                        matched,
                    },
                );
            }
            Msg::AppendReply { term, ok, matched } => {
                if term > self.term {
                    self.step_down(ctx, term);
                    return;
                }
                if !self.leading || term != self.term {
                    return;
                }
                if ok {
                    let best = self.matched.entry(from).or_default();
                    *best = (*best).max(matched);
                    let m = *best;
                    self.next.insert(from, m + 1);
                    self.advance_commit(ctx);
                } else {
                    let next = self.next.get(&from).copied().unwrap_or(1);
                    self.next
                        .insert(from, (matched + 1).min(next.saturating_sub(1)).max(1));
                    self.send_append(ctx, from);
                }
            }
            Msg::FenceOk(owned) => {
                let token = self.fenced.entry(owned.partition).or_default();
                *token = (*token).max(owned.token);
            }
            Msg::Forward { origin, request } if self.leading => {
                self.lead_request(ctx, origin, *request);
            }
            Msg::WhoOwns {
                req,
                partition,
                via_leader: false,
            } => self.answer_owner(ctx, from, req, partition),
            Msg::Get {
                req,
                key,
                via_leader: false,
            } => {
                let value = self.meta.kv.get(&key).map(|(v, _)| *v);
                ctx.send(
                    from,
                    Msg::GetOk {
                        req,
                        value,
                        linearizable: false,
                    },
                );
            }
            request @ (Msg::Put { .. }
            | Msg::Get { .. }
            | Msg::WhoOwns { .. }
            | Msg::Register
            | Msg::Renew { .. }) => {
                if self.leading {
                    self.lead_request(ctx, from, request);
                } else if let Some(leader) = self.live_leader(ctx) {
                    ctx.send(
                        leader,
                        Msg::Forward {
                            origin: from,
                            request: Box::new(request),
                        },
                    );
                } else {
                    // No leader heard from lately: say so at once rather than forward
                    // into silence.
                    let req = request.req();
                    ctx.send(from, Msg::NotLeader { req });
                }
            }
            _ => {}
        }
    }

    pub(in crate::patterns::consistent) fn on_timer(
        &mut self,
        ctx: &mut Ctx<'_, ConsistentNode>,
        timer: Timer,
    ) {
        match timer {
            Timer::ElectionTimeout if !self.leading => {
                self.term += 1;
                self.voted_for = Some(self.me);
                self.votes = BTreeSet::from([self.me]);
                self.leader = None;
                let (last_index, last_term) = self.last();
                let term = self.term;
                ctx.broadcast(
                    self.peers.clone(),
                    Msg::RequestVote {
                        term,
                        last_index,
                        last_term,
                    },
                );
                self.reset_election(ctx);
            }
            Timer::HeartbeatTick if self.leading => self.heartbeat(ctx),
            Timer::LeaseCheck(peer) if self.leading && self.meta.members.contains(&peer.id) => {
                self.check_lease(ctx, peer);
            }
            _ => {}
        }
    }

    pub(in crate::patterns::consistent) fn on_start(&mut self, ctx: &mut Ctx<'_, ConsistentNode>) {
        self.down = false;
        if self.leading {
            self.leading = false;
            self.become_leader(ctx);
        } else {
            self.reset_election(ctx);
        }
    }

    pub(in crate::patterns::consistent) fn on_crash(&mut self) {
        self.down = true;
        self.leading = false;
        self.leader = None;
        self.votes.clear();
        self.commit = 1;
        self.applied = 1;
        self.meta = Meta::default();
        self.next.clear();
        self.matched.clear();
        self.pending.clear();
        self.expiring.clear();
        self.lease_deadline.clear();
        self.fenced.clear();
    }
}
