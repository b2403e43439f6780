//! What each sharding story's captions say, from its parameters and switches.

use super::checker::JUDGE_AFTER;
use super::func::{Scheme, ShardMap};
use super::scenarios::{ShardScenario, Story, HOT_KEY, SCALING_WORK_US};
use super::{CATCH_UP, REDIRECT, WRITE_FENCE};
use crate::sim::load::ZipfTable;
use crate::sim::scenario::{Caption, Config};
use crate::sim::time::SimTime;

fn caption(ms: u64, text: String) -> Caption {
    Caption {
        at: SimTime::from_millis(ms),
        text,
    }
}

/// How far apart `map` puts the key counts of its shards over keys `0..keys`: their
/// standard deviation over their mean, in percent.
fn key_spread(map: &ShardMap, keys: u64) -> f64 {
    let mut counts = vec![0f64; map.shards() as usize];
    for k in 0..keys {
        counts[map.owner(k) as usize] += 1.0;
    }
    let mean = keys as f64 / counts.len() as f64;
    let var = counts.iter().map(|c| (c - mean) * (c - mean)).sum::<f64>() / counts.len() as f64;
    var.sqrt() / mean * 100.0
}

/// The captions of `story`, for a config.
pub(super) fn captions(story: &ShardScenario, cfg: &Config) -> Vec<Caption> {
    let plan = story.plan(cfg);
    let rate = plan.rate;
    let per_shard = rate / u64::from(plan.shards);
    match story.story() {
        Story::Functions => {
            let vnodes = plan.vnodes;
            let before = ShardMap::new(plan.scheme, plan.shards, vnodes, plan.keys);
            let mut after = before.clone();
            let add = cfg.param("add").clamp(1, 4);
            for _ in 0..add {
                after.add();
            }
            let moved = (0..plan.keys)
                .filter(|&k| before.owner(k) != after.owner(k))
                .count() as f64
                * 100.0
                / plan.keys.max(1) as f64;
            let [was, is] = [&before, &after].map(|map| key_spread(map, plan.keys));
            let n = plan.shards;
            let spread = match plan.scheme {
                Scheme::Ring => format!(
                    " With {vnodes} virtual nodes a shard's share of the ring varies by about \
                     1/√{vnodes} ≈ {:.0} %.",
                    100.0 / f64::from(vnodes).sqrt()
                ),
                Scheme::Ranges => " Ranges of equal width hold equal shares of uniform keys; \
                                   a new shard splits the widest range in two, so shards \
                                   end up unequal."
                    .into(),
                _ => " Every shard's share is even, up to chance.".into(),
            };
            vec![
                caption(
                    0,
                    format!(
                        "c1 reads {rate} keys a second, drawn at random from 0–{}, through \
                         r1, which sends each to one of {n} shards by {}.{spread} Over these \
                         keys the function gives the shards key counts {was:.1} % apart \
                         (standard deviation over mean). The load spread in the facts \
                         measures the same on requests; a second of random requests adds \
                         about {:.0} % by chance (raise the rate to see less).",
                        plan.keys - 1,
                        plan.scheme.name(),
                        100.0 / (per_shard.max(1) as f64).sqrt()
                    ),
                ),
                caption(
                    1_000,
                    format!(
                        "r1 adds {add} shard{}: {n} → {}. By the function alone {moved:.1} % \
                         of the keys change shard (a consistent scheme's ideal is {:.1} %), \
                         and key counts end {is:.1} % apart. The facts and the table count \
                         the keys r1 actually sends before and after the change; \"few keys \
                         move\" is judged once {JUDGE_AFTER} keys have been sent both before \
                         and after it. {}",
                        if add == 1 { "" } else { "s" },
                        n + add as u32,
                        add as f64 * 100.0 / (f64::from(n) + add as f64),
                        if plan.scheme == Scheme::Modulo {
                            "With mod N nearly every key moves: caches go cold and data must \
                             be copied between old shards too."
                        } else {
                            "Only keys that go to a new shard move."
                        }
                    ),
                ),
            ]
        }
        Story::HotRange => {
            let skew = cfg.param("skew").clamp(0, 400);
            let table = ZipfTable::new(plan.keys, skew as f64 / 100.0);
            let first: u64 = (0..125).map(|k| table.ppm(k)).sum();
            let hot = rate * first / 1_000_000;
            vec![
                caption(
                    0,
                    format!(
                        "c1 reads {rate} keys a second from 0–999 by a Zipf law of skew \
                         {:.1}: low keys are popular. The 8 shards hold ranges of 125 keys \
                         and serve one request at a time, in about 4 ms (at most about 250 \
                         a second), with {} places in the queue. The first range draws {:.0} % \
                         of the requests, about {hot} a second: see its queue and the drops.",
                        skew as f64 / 100.0,
                        plan.queue,
                        first as f64 / 10_000.0
                    ),
                ),
                caption(
                    1_000,
                    "r1 splits s1 where the load is, at the median of the keys it sent s1 \
                     lately (not the middle of the range: with Zipf keys most of the load \
                     sits in the first few): s9 takes the upper part. Each shard now draws \
                     about half of what s1 drew, and the drops stop."
                        .into(),
                ),
            ]
        }
        Story::HotKey => vec![
            caption(
                0,
                format!(
                    "c1 reads {rate} keys a second from 0–999 through r1; 8 shards hold \
                     ranges of 125 keys and serve one request at a time in about 4 ms (about \
                     250 a second at most): each draws about {per_shard} a second."
                ),
            ),
            caption(
                300,
                format!(
                    "Key {HOT_KEY} goes viral: c1 now sends half its reads, about {} a \
                     second, to that one key on s1. No shard can serve that: s1's queue \
                     fills and requests are dropped.",
                    rate / 2
                ),
            ),
            caption(
                1_000,
                format!(
                    "r1 splits s1 at the median key it sent s1 lately, which is key \
                     {HOT_KEY} itself: s9 takes keys {HOT_KEY}–124 and with them the whole \
                     load of key {HOT_KEY}. A split moves keys; it cannot cut one key in two."
                ),
            ),
            caption(
                1_600,
                format!(
                    "r1 replicates key {HOT_KEY} for reads: each of the 9 shards holds a copy \
                     and serves every ninth read of it, about {} a second. The queues drain. \
                     (Writes to a replicated key must reach every copy; this story only \
                     reads. Salting the key, {HOT_KEY}#1 … {HOT_KEY}#9, spreads it the same way.)",
                    rate / 2 / 9
                ),
            ),
        ],
        Story::Salted => salted_captions(cfg, rate),
        Story::Scaling => scaling_captions(cfg, rate),
        Story::Monotonic => {
            let ranges = plan.scheme == Scheme::Ranges;
            vec![
                caption(
                    0,
                    if ranges {
                        format!(
                            "c1 inserts keys 1000, 1001, 1002 … ({rate} a second), each larger \
                             than the last (a timestamp, an auto-increment id). The 8 shards \
                             hold ranges of 0–999 and the last range runs on: every insert \
                             lands on s8, whose queue overflows while the other shards idle."
                        )
                    } else {
                        format!(
                            "c1 inserts keys 1000, 1001, 1002 … ({rate} a second), but r1 \
                             hashes them ({}): consecutive keys land on different shards, \
                             about {per_shard} a second each.",
                            plan.scheme.name()
                        )
                    },
                ),
                caption(
                    1_000,
                    if ranges {
                        "r1 splits s8 at the median key it sent lately: s9 takes the upper \
                         part, and with it every later key, since each is larger than the \
                         last. The hot spot moves to the new shard; it does not spread."
                            .into()
                    } else {
                        "r1 is asked to split s8, but a split needs key ranges: nothing \
                         changes, and nothing needs to."
                            .into()
                    },
                ),
            ]
        }
        Story::Reshard => reshard_captions(cfg),
        Story::Routers => routers_captions(cfg),
    }
}

fn scaling_captions(cfg: &Config, rate: u64) -> Vec<Caption> {
    let skew = cfg.param("skew").clamp(0, 400);
    let table = ZipfTable::new(1_000, skew as f64 / 100.0);
    let top = table.ppm(0) as f64 / 10_000.0;
    let cap = 1_000_000 / SCALING_WORK_US;
    let even = if skew == 0 {
        format!(
            "Keys are drawn evenly: every shard draws its share, and throughput grows by \
             {cap} a second with each shard until it meets the offered load."
        )
    } else {
        format!(
            "Keys follow a Zipf law of skew {:.1}: key 0 alone draws {top:.1} % of the \
             requests, and the shard holding it draws at least that, so however many shards \
             are added, the load they take with none dropped stays under {cap} ÷ {top:.1} % \
             ≈ {:.0} a second. Beyond it the other shards serve on, and the busiest drops.",
            skew as f64 / 100.0,
            cap as f64 * 100.0 / top
        )
    };
    vec![
        caption(
            0,
            format!(
                "c1 offers {rate} requests a second over keys 0–999 to r1, which hashes them \
                 (jump hash) to s1 alone: it serves one at a time in {} ms, at most {cap} a \
                 second, and drops the rest at its full queue.",
                SCALING_WORK_US / 1_000
            ),
        ),
        caption(
            200,
            format!("Every 200 ms r1 adds a shard, up to 8. {even}"),
        ),
        caption(
            1_400,
            "8 shards. The curve of throughput against shards (from the trace, one point per \
             stretch between additions) and the most load taken with no drops show where \
             adding shards stops paying: at the hottest shard's capacity."
                .into(),
        ),
    ]
}

fn salted_captions(cfg: &Config, rate: u64) -> Vec<Caption> {
    let k = cfg.param("salts").clamp(1, 8) as u64;
    // Half the requests go to the hot key, 9 in 10 writes; the other half spread evenly.
    let (hot, base) = (rate / 2, rate / 2 / 8);
    let (writes, reads) = (hot * 9 / 10, hot / 10);
    let used = k.min(8);
    let salted = if k > 1 {
        format!(
            "r1 salts key {HOT_KEY} over {k} sub-keys, {HOT_KEY}#0 … {HOT_KEY}#{}, on {used} \
             shards from s1 on: each write goes to the next sub-key in turn, each read to all \
             {k} (c1 takes the first part's answer as the read's; a real reader waits for \
             all {k} and adds them up). Each of those shards now draws about {} a second: \
             the queues drain. Reads of the key cost {k} requests now; for a key mostly \
             read, replicate it instead.",
            k - 1,
            base + (writes + reads * k) / used
        )
    } else {
        format!(
            "r1 is told to salt key {HOT_KEY}, but over 1 sub-key (the parameter): nothing \
             changes, and s1 stays over its capacity."
        )
    };
    vec![
        caption(
            0,
            format!(
                "c1 sends {rate} requests a second, 9 in 10 writes, over keys 0–999 through \
                 r1; 8 shards hold ranges of 125 keys and serve one request at a time in \
                 about 4 ms (about 250 a second at most): each draws about {} a second.",
                rate / 8
            ),
        ),
        caption(
            300,
            format!(
                "Key {HOT_KEY} goes viral (say, a like counter): c1 now sends half its \
                 requests to it, about {writes} writes and {reads} reads a second, all on s1, \
                 which can serve 250: its queue fills and requests are dropped. Read replicas \
                 would not help: every write would have to reach every copy."
            ),
        ),
        caption(1_000, salted),
    ]
}

fn routers_captions(cfg: &Config) -> Vec<Caption> {
    vec![
        caption(
            0,
            "c1 reads and writes keys 0–99 through r1, which keeps the map. c2 holds its own \
             copy of the map, a routing table, and sends straight to the shards: one hop \
             fewer (select a request to see its path), but its table can go stale; it asks \
             r1 for the map every 250 ms. s1 holds keys 0–49, s2 50–99."
                .into(),
        ),
        caption(
            300,
            "r1 moves keys 75–99 from s2 to a new shard, s3: copy, catch up, switch reads, \
             fence and switch writes, finish, as in \"Moving a range live\". r1's map follows \
             every step; c2's table does not."
                .into(),
        ),
        caption(
            350,
            if cfg.switch(REDIRECT) {
                "Once s2 is fenced, c2's stale table still sends requests for 75–99 to s2, \
                 which answers MOVED with where they went: c2 updates its table and resends to \
                 s3 (Redis Cluster's MOVED). Nothing fails."
                    .into()
            } else {
                "Redirects are off: once s2 is fenced it answers c2's requests for 75–99 with \
                 \"not here\", and says nothing of where they went. They fail (c2 gives up \
                 after 100 ms) until c2 asks r1 for the map at 500 ms."
                    .into()
            },
        ),
    ]
}

fn reshard_captions(cfg: &Config) -> Vec<Caption> {
    let mut out = vec![
        caption(
            0,
            "c1 and c2 read and write keys 0–99 through r1 and r2; s1 holds keys 0–49, s2 \
             50–99. r1 keeps the map; r2 asks it for the map every 250 ms."
                .into(),
        ),
        caption(
            300,
            "r1 moves keys 75–99 from s2 to a new shard, s3. s2 sends s3 a copy of them as \
             they are now; r1 switches reads of 75–99 to s3 once it has the copy."
                .into(),
        ),
    ];
    out.push(caption(
        320,
        if cfg.switch(CATCH_UP) {
            "Meanwhile writes keep going to s2, which ships each one to s3 as a numbered log \
             entry (catch-up): s3 follows s2, a few hundred microseconds behind."
                .into()
        } else {
            "Catch-up is off: writes keep going to s2, which acknowledges them but ships \
             nothing to s3. Those writes exist only on s2, which will drop the range at the \
             finish."
                .into()
        },
    ));
    out.push(caption(
        350,
        match (cfg.switch(WRITE_FENCE), cfg.switch(REDIRECT)) {
            (true, true) => "At about 350 ms r1 fences s2: it takes no more writes to \
                             75–99 and answers MOVED instead (r2, whose map is old, learns \
                             from it and resends to s3); it tells s3 where its log ends. s3 \
                             holds writes until it has applied the whole log, then r1 \
                             switches writes and tells s2 to finish. No write is lost, no key \
                             has two writers."
                .into(),
            (true, false) => "At about 350 ms r1 fences s2, which then answers r2's \
                              requests for 75–99 with \"not here\" instead of MOVED: r2's \
                              old map sends them to a shard that neither holds the keys nor \
                              says where they went, and they fail until r2 asks for the map \
                              again at 500 ms."
                .into(),
            (false, _) => "With no fence, r1 switches writes of 75–99 to s3 at once, and \
                           tells s2 to finish 100 ms later. r2 keeps the old map until it asks \
                           again at 500 ms, so its writes still reach s2, which acknowledges \
                           them: two shards take writes for the same keys, and s2's log \
                           entries can land on s3 after newer writes."
                .into(),
        },
    ));
    out
}
