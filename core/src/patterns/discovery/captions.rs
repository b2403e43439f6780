//! What each discovery story's captions say, for a config: written from the parameters the
//! run uses, so they stay true when a person changes them.

use super::scenarios::{DiscoveryScenario, Story, FAULT_MS};
use super::{REFRESH, STRICT};
use crate::sim::scenario::{Caption, Config};
use crate::sim::time::SimTime;

/// A story's captions for a config.
pub(super) fn captions(scenario: &DiscoveryScenario, cfg: &Config) -> Vec<Caption> {
    let caption = |at_ms: u64, text: String| Caption {
        at: SimTime::from_millis(at_ms),
        text,
    };
    let leases = DiscoveryScenario::leases(cfg);
    let refresh_ms = scenario.refresh_us(cfg) / 1_000;
    let start = format!(
        "{} every {} ms (Eureka: 30 s); the registry evicts leases older than {} ms in \
         a round every 60 ms. {} asks the registry for the list every {refresh_ms} ms \
         and sends requests to the listed instances in turn.",
        if scenario.third_party(cfg) {
            "The registrar checks every instance's health and renews the lease of each \
             one that answers,"
        } else {
            "Each instance registers with the registry and renews its lease"
        },
        leases.heartbeat_us / 1_000,
        leases.lease_us / 1_000,
        if scenario.server_side(cfg) {
            "The balancer lb"
        } else {
            "Each client"
        },
    );
    let bound_ms = scenario.bound_us(cfg) / 1_000;
    match scenario.story {
        Story::RegistryLag | Story::ServerSide => {
            let crash = if !cfg.switch(REFRESH) {
                format!(
                    "i2 crashes. The list was fetched once and is never refreshed: i2 \
                     stays in it and keeps getting its share of the requests, which \
                     are lost; the guarantee breaks once i2 has been dead longer than \
                     the bound ({bound_ms} ms)."
                )
            } else if scenario.server_side(cfg) {
                "i2 crashes. Requests still go to it until its lease expires and an \
                 eviction round removes it; the balancer's list is at most 5 ms \
                 older. Every request takes one more hop, through lb (select one to \
                 see its path)."
                    .to_string()
            } else {
                "i2 crashes. It stops renewing, but it stays in the registry until its \
                 lease expires and an eviction round removes it, and in each client's \
                 cache until the next refresh: requests still go to it and are lost \
                 (chart \"Requests sent to a dead instance\")."
                    .to_string()
            };
            let mut captions = vec![caption(0, start), caption(FAULT_MS, crash)];
            if cfg.switch(REFRESH) {
                let gone = FAULT_MS + scenario.forgotten_us(cfg) / 1_000;
                captions.push(caption(gone, {
                    let mut text = "By now (lease + eviction round + one refresh \
                                        after the crash) no list holds i2, and no \
                                        request goes to it."
                        .to_string();
                    if scenario.story == Story::RegistryLag {
                        text.push_str(" Try a longer lease or refresh: the lag grows.");
                    }
                    text
                }));
            }
            captions
        }
        Story::Registration => {
            let third = scenario.third_party(cfg);
            let mut captions = vec![
                caption(0, start),
                caption(
                    FAULT_MS,
                    if third {
                        "i2 is cut off from the registry, not from the clients nor the \
                         registrar: the registrar still finds it healthy and renews its \
                         lease, so it stays listed and keeps serving."
                    } else {
                        "i2 is cut off from the registry, not from the clients: it is up \
                         and serving, but its heartbeats are lost. The registry evicts \
                         it, and its capacity is lost for nothing (the contrast breaks)."
                    }
                    .to_string(),
                ),
                caption(550, "The partition heals.".to_string()),
                caption(
                    700,
                    if third {
                        "A new instance, i5, starts. With the registrar down nobody \
                         registers it: it never gets a request."
                    } else {
                        "A new instance, i5, starts and registers itself; the clients \
                         use it from their next refresh."
                    }
                    .to_string(),
                ),
            ];
            if third {
                captions.insert(
                    3,
                    caption(
                        650,
                        "The registrar crashes. Nobody renews the leases any more: they \
                         lapse, the registry evicts every instance, alive as they are, \
                         and the clients find none and fail fast."
                            .to_string(),
                    ),
                );
            }
            captions
        }
        Story::SelfPreservation => {
            let strict = cfg.switch(STRICT);
            vec![
                caption(0, start),
                caption(
                    FAULT_MS,
                    if strict {
                        "The registry is cut off from zone z2. Its four instances are \
                         alive and clients still reach them, but their renewals stop: \
                         their leases expire and the registry evicts them. Clients lose \
                         two thirds of the capacity: queues at i1 and i2 grow."
                    } else {
                        "The registry is cut off from zone z2. Renewals fall below 85 % \
                         of those expected: the registry enters self-preservation and \
                         evicts nothing. The instances in z2 stay listed, and serve."
                    }
                    .to_string(),
                ),
                caption(
                    550,
                    "The partition heals: the instances in z2 renew again (registering \
                     again if they were evicted)."
                        .to_string(),
                ),
                caption(
                    750,
                    if strict {
                        "Zone z2 dies. Its instances stop renewing and are evicted \
                         within the bound: the clients fall back on i1 and i2, which \
                         cannot carry the whole load: their queues grow and requests \
                         time out."
                            .to_string()
                    } else {
                        format!(
                            "Zone z2 dies. Renewals fall below 85 % again, and \
                             self-preservation keeps the dead instances listed: clients \
                             keep sending them two thirds of their requests, which are \
                             lost. The guarantee breaks once they have been dead longer \
                             than the bound ({bound_ms} ms)."
                        )
                    },
                ),
            ]
        }
        Story::Replicated => replicated(cfg, bound_ms),
    }
}

/// The replicated registry's captions: strict eviction, or self-preservation.
fn replicated(cfg: &Config, bound_ms: u64) -> Vec<Caption> {
    let strict = cfg.switch(STRICT);
    let caption = |at_ms: u64, text: &str| Caption {
        at: SimTime::from_millis(at_ms),
        text: text.to_string(),
    };
    vec![
        caption(
            0,
            "Two registry servers are peers, as Eureka's are: reg1 in zone z1, reg2 in z2. \
             Each instance registers with its zone's server and renews its lease every 30 ms; \
             each server passes every renewal it gets, and every eviction it makes, on to \
             the other (arrows between reg1 and reg2), with no consensus. c1 asks reg1 for \
             the list, c2 asks reg2 (chart \"Instances in the registry\", one strip per \
             server).",
        ),
        caption(
            FAULT_MS,
            if strict {
                "reg1 and reg2 are cut off from each other; the instances and clients still \
                 reach both. Each server stops hearing the other zone's renewals: at the \
                 first eviction round after their leases expire, reg1 evicts i3 and i4 and \
                 reg2 evicts i1 and i2, alive as they are (the contrast breaks). Each client \
                 then sends only to its own zone's instances."
            } else {
                "reg1 and reg2 are cut off from each other; the instances and clients still \
                 reach both. Each server hears only its own zone's renewals, fewer than 85 % \
                 of those expected: both enter self-preservation and evict nothing."
            },
        ),
        caption(
            350,
            "i5 starts in zone z2 and registers with reg2. Its renewals cannot reach reg1: \
             the lists diverge, and c1 sends i5 no request until they converge.",
        ),
        Caption {
            at: SimTime::from_millis(450),
            text: if strict {
                "i3 crashes. reg2 evicts it at the first eviction round after its lease \
                 expires (reg1 dropped it already), and c2 stops sending to it at its next \
                 refresh."
                    .to_string()
            } else {
                format!(
                    "i3 crashes. Self-preservation keeps it listed on both servers: c1 and \
                     c2 keep sending it requests, which are lost. The guarantee breaks once \
                     i3 has been dead longer than the bound ({bound_ms} ms)."
                )
            },
        },
        caption(
            650,
            if strict {
                "The partition heals. Renewals flow between the servers again: each \
                 registers the live instances it lacks, and both lists converge on i1, i2, \
                 i4 and i5."
            } else {
                "The partition heals and the lists converge, i5 included. Renewals stay \
                 below 85 % of those expected with the dead i3 listed, so self-preservation \
                 holds, and keeps it."
            },
        ),
    ]
}
