//! The idempotent receiver's named scenarios.

use super::checker::IdempotentChecker;
use super::client::{Client, ClientPlan};
use super::node::IdempotentNode;
use super::server::{Server, ServerPlan};
use super::{KEEP_SESSIONS, PATTERN, REPORT_UNKNOWN};
use crate::sim::action::{Action, TimedAction};
use crate::sim::engine::{Setup, Simulation};
use crate::sim::network::LinkConfig;
use crate::sim::node::NodeId;
use crate::sim::rng::Ratio;
use crate::sim::run::Engine;
use crate::sim::scenario::{
    Caption, Config, EventCaption, NodeInfo, ParamSpec, RunActions, Scenario, StoryInfo, SwitchSpec,
};
use crate::sim::time::SimTime;

/// Which story a scenario tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Story {
    LostResponse,
    Duplicate,
    Crash,
    Expiry,
}

/// An idempotent receiver scenario.
pub struct IdempotentScenario {
    info: StoryInfo,
    story: Story,
}

const CLIENTS: ParamSpec = ParamSpec {
    name: "clients",
    label: "Clients",
    min: 1,
    max: 3,
    default: 1,
    unit: "",
    step: 1,
};
const REQUESTS: ParamSpec = ParamSpec {
    name: "requests",
    label: "Requests per client",
    min: 1,
    max: 20,
    default: 4,
    unit: "",
    step: 1,
};
const MAX_SESSIONS: ParamSpec = ParamSpec {
    name: "max-sessions",
    label: "Most sessions kept",
    min: 1,
    max: 16,
    default: 8,
    unit: "",
    step: 1,
};
const TTL: ParamSpec = ParamSpec {
    name: "ttl-ms",
    label: "Session time-to-live",
    min: 50,
    max: 5_000,
    default: 500,
    unit: "ms",
    step: 1,
};

/// A lost response, a retry, an answer from the session.
pub static LOST_RESPONSE: IdempotentScenario = IdempotentScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "idempotent-lost-response",
        title: "A lost response",
        summary: "The server applies c1's second request, but the answer is lost on the way \
                  back. c1 retries with the same request number; the server finds the answer \
                  in c1's session and sends it again without applying the request twice.",
        params: &[CLIENTS, REQUESTS, MAX_SESSIONS, TTL],
    },
    story: Story::LostResponse,
};

/// The network duplicates a request.
pub static DUPLICATE: IdempotentScenario = IdempotentScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "idempotent-duplicate",
        title: "A duplicated request",
        summary: "The network delivers c1's second request twice. The server applies the first \
                  copy and recognizes the second by its client id and request number.",
        params: &[CLIENTS, REQUESTS, MAX_SESSIONS, TTL],
    },
    story: Story::Duplicate,
};

/// The server crashes after applying and before answering.
pub static CRASH: IdempotentScenario = IdempotentScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "idempotent-crash",
        title: "Crash before answering",
        summary: "The server applies c1's second request and crashes before sending the answer. \
                  The session table is durable, written with the counter, so after the restart \
                  c1's retry is answered from the session, not applied again.",
        params: &[CLIENTS, REQUESTS, MAX_SESSIONS, TTL],
    },
    story: Story::Crash,
};

/// A session expires twice: once under a retry, once while the client idles.
pub static EXPIRY: IdempotentScenario = IdempotentScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "idempotent-expiry",
        title: "An expired session",
        summary: "s1 applies c1's third request, then a partition swallows the answer and c1's \
                  retries for longer than the session's time-to-live, and s1 expires the \
                  session. The retry after the heal is refused, but the first attempt was \
                  applied: c1 cannot know, and reports “outcome unknown” rather than resend it \
                  under a new id. That is what expiry costs. Later c1 idles past the \
                  time-to-live and its fourth request is refused too: this one was never \
                  applied, and c1 cannot tell the two cases apart.",
        // The story needs a fourth request, and a time-to-live shorter than the 165 ms c1's
        // session goes without traffic during the partition.
        params: &[
            CLIENTS,
            ParamSpec { min: 4, ..REQUESTS },
            MAX_SESSIONS,
            ParamSpec {
                max: 160,
                default: 100,
                ..TTL
            },
        ],
    },
    story: Story::Expiry,
};

fn at(ms: u64, action: Action<String>) -> TimedAction {
    TimedAction {
        at: SimTime::from_millis(ms),
        action,
    }
}

fn caption(ms: u64, text: &str) -> Caption {
    Caption {
        at: SimTime::from_millis(ms),
        text: text.to_string(),
    }
}

impl IdempotentScenario {
    fn clients(cfg: &Config) -> usize {
        cfg.param("clients").clamp(1, 3) as usize
    }

    /// The expiry story's captions: what each switch makes of the lost answer.
    fn expiry_captions(cfg: &Config, start: Caption) -> Vec<Caption> {
        let after_heal = if !cfg.switch(KEEP_SESSIONS) {
            "The switch is off: the server keeps no sessions, so nothing expires, and \
             nothing remembers that r3 was applied: the retry after the heal is applied \
             again and the counter counts c1's op 3 twice."
        } else if !cfg.switch(REPORT_UNKNOWN) {
            "The retry is refused: session expired. The switch is off: c1 registers again \
             and resends op 3 blindly as a new request. s1 cannot know it was applied \
             before, and applies it twice."
        } else {
            "The retry is refused: session expired. The refusal says this attempt was not \
             applied, not whether the first one was — the session that knew is gone. c1 \
             reports “outcome unknown” for op 3 (it was in fact applied) instead of \
             resending it, and registers again. That is what expiry costs: c1 no longer \
             knows, and op 3 is applied once."
        };
        let mut captions = vec![
            start,
            caption(
                36,
                "s1 has applied r3. A partition now cuts c1 off: the answer is lost, and so \
                 are c1's retries.",
            ),
        ];
        captions.push(caption(
            200,
            if cfg.switch(KEEP_SESSIONS) {
                "The partition heals. No traffic has reached c1's session for longer than \
                 its time-to-live, so s1 has expired it (or will, at its next sweep or \
                 request), and with it the memory that r3 was applied."
            } else {
                "The partition heals."
            },
        ));
        captions.push(caption(213, after_heal));
        if cfg.switch(KEEP_SESSIONS) {
            captions.push(caption(
                475,
                if cfg.switch(REPORT_UNKNOWN) {
                    "c1 idles past the time-to-live again, and its next request is refused \
                     on its first attempt. This time nothing was applied, but to c1 it looks \
                     exactly like op 3: it reports op 4's outcome as unknown too."
                } else {
                    "c1 idles past the time-to-live again, and its next request is refused. \
                     The switch is off: c1 resends it under a new id (this time it had not \
                     been applied, so the counter is right by luck)."
                },
            ));
        }
        captions
    }

    fn client_plan(&self, cfg: &Config) -> ClientPlan {
        let think_us = match self.story {
            Story::Crash => vec![5_000, 25_000],
            Story::Expiry => vec![5_000, 5_000, 5_000, 250_000],
            Story::LostResponse | Story::Duplicate => vec![5_000, 25_000],
        };
        ClientPlan {
            requests: cfg.param("requests").clamp(1, 20) as u32,
            think_us,
            timeout_us: 60_000,
            report_unknown: cfg.switch(REPORT_UNKNOWN),
        }
    }
}

impl Scenario for IdempotentScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        // Only an expired session (or a crashed client) leaves the client unsure; the
        // other stories have neither, so switching the honest client off shows nothing.
        PATTERN
            .switches
            .iter()
            .filter(|s| self.story == Story::Expiry || s.name != REPORT_UNKNOWN)
            .collect()
    }

    fn nodes(&self, cfg: &Config) -> Vec<NodeInfo> {
        let clients = (1..=Self::clients(cfg)).map(|i| NodeInfo {
            name: format!("c{i}"),
            role: "client",
        });
        clients
            .chain(std::iter::once(NodeInfo {
                name: "s1".into(),
                role: "server",
            }))
            .collect()
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        let keeps = cfg.switch(KEEP_SESSIONS);
        let mut start = "c1 registers and gets a client id; the server opens a session for it. \
                         Each request carries (client id, request number) and adds 1 to the \
                         counter. The trace also labels it with the client's operation number \
                         (op), which only the checker reads: it finds an operation applied \
                         twice under any id."
            .to_string();
        if keeps && cfg.param("max-sessions") < cfg.param("clients") {
            start.push_str(
                " Here the server keeps fewer sessions than there are clients: each \
                 registration evicts another client's session, so expect refusals and \
                 unknown outcomes that the captions below do not describe.",
            );
        }
        let start = caption(0, &start);
        match self.story {
            Story::LostResponse => vec![
                start,
                caption(
                    40,
                    "s1 can no longer reach c1 (a one-way partition): the answer to r2 is lost.",
                ),
            ],
            Story::Duplicate => vec![
                start,
                caption(
                    40,
                    if keeps {
                        "The network delivers r2 twice. The second copy carries the same client \
                         id and request number, so the server answers it from the session."
                    } else {
                        "The network delivers r2 twice; without sessions the server applies both."
                    },
                ),
            ],
            Story::Crash => vec![
                start,
                caption(
                    78,
                    "The server applies r2 and writes the session durably; sending the answer \
                     takes a moment…",
                ),
                caption(90, "…and the server crashes before it goes out."),
                caption(
                    110,
                    "The server restarts with its durable counter and session table.",
                ),
            ],
            Story::Expiry => Self::expiry_captions(cfg, start),
        }
    }

    /// The retry of the lost answer's request, told when the client sends it (its
    /// timeout, not a fixed instant, says when).
    fn event_captions(&self, cfg: &Config) -> Vec<EventCaption> {
        let from_ms = match self.story {
            Story::LostResponse => 40,
            Story::Crash => 90,
            Story::Duplicate | Story::Expiry => return Vec::new(),
        };
        let retry = if cfg.switch(KEEP_SESSIONS) {
            "{node} heard nothing and retries with the same request number. The server finds \
             the answer in {node}'s session and sends it again: the counter does not move."
        } else {
            "{node} heard nothing and retries. The switch is off: the server keeps no \
             sessions, so it applies the retry again and the counter counts one request \
             twice."
        };
        vec![EventCaption::after(from_ms, "retry r", retry)]
    }

    fn script(&self, cfg: &Config) -> Vec<TimedAction> {
        let clients: Vec<String> = (1..=Self::clients(cfg)).map(|i| format!("c{i}")).collect();
        match self.story {
            Story::LostResponse => vec![
                at(
                    40,
                    Action::Partition {
                        from: vec!["s1".into()],
                        to: clients,
                        one_way: true,
                    },
                ),
                at(80, Action::Heal),
            ],
            Story::Duplicate => {
                let twice = LinkConfig {
                    latency_min_us: 2_000,
                    latency_max_us: 2_000,
                    duplication: Ratio::new(1, 1),
                    ..LinkConfig::default()
                };
                vec![
                    at(
                        40,
                        Action::SetLink {
                            link: Some(("c1".into(), "s1".into())),
                            cfg: twice,
                        },
                    ),
                    at(
                        50,
                        Action::SetLink {
                            link: Some(("c1".into(), "s1".into())),
                            cfg: fixed_latency(),
                        },
                    ),
                ]
            }
            Story::Crash => vec![
                at(90, Action::Crash("s1".into())),
                at(110, Action::Restart("s1".into())),
            ],
            Story::Expiry => vec![
                at(
                    36,
                    Action::Partition {
                        from: vec!["s1".into()],
                        to: clients,
                        one_way: false,
                    },
                ),
                at(200, Action::Heal),
            ],
        }
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(2_000)
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        let clients = Self::clients(cfg);
        let max_sessions = cfg.param("max-sessions").clamp(1, 16) as usize;
        let server = NodeId(clients as u32);
        let plan = self.client_plan(cfg);
        let mut nodes: Vec<IdempotentNode> = (0..clients)
            .map(|_| IdempotentNode::Client(Client::new(server, plan.clone())))
            .collect();
        nodes.push(IdempotentNode::Server(Server::new(ServerPlan {
            keep_sessions: cfg.switch(KEEP_SESSIONS),
            ttl_us: cfg.param("ttl-ms") * 1_000,
            max_sessions,
            reply_delay_us: if self.story == Story::Crash {
                20_000
            } else {
                2_000
            },
        })));
        Box::new(Simulation::new(Setup {
            topology: Default::default(),
            metrics: PATTERN.metrics,
            checker: IdempotentChecker::new(&names, max_sessions),
            names,
            nodes,
            clocks: Vec::new(),
            link: fixed_latency(),
            horizon: self.horizon(cfg),
            seed: cfg.seed,
            script: actions.script,
            user_actions: actions.user,
        }))
    }
}

/// Every link takes exactly 2 ms, so each story's faults land where its captions say.
fn fixed_latency() -> LinkConfig {
    LinkConfig {
        latency_min_us: 2_000,
        latency_max_us: 2_000,
        ..LinkConfig::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_caption_warns_when_clients_outnumber_the_sessions_kept() {
        let mut cfg = Config::defaults(&LOST_RESPONSE, 1);
        let warns = |cfg: &Config| LOST_RESPONSE.captions(cfg)[0].text.contains("evicts");
        assert!(!warns(&cfg));
        cfg.set_param("clients", 2);
        cfg.set_param("max-sessions", 1);
        assert!(warns(&cfg));
        cfg.set_switch(KEEP_SESSIONS, false);
        assert!(!warns(&cfg), "no sessions, nothing to evict");
    }
}
