//! What each story's captions say, for a config: written from the parameters the run
//! uses, so they stay true when a person changes them.

use super::scenarios::{Story, RETRY_STORM};
use super::{BREAKER_SWITCH, RETRY_BUDGET};
use crate::sim::scenario::{Caption, Config};
use crate::sim::time::SimTime;

/// A story's captions for a config.
pub(super) fn captions(story: Story, cfg: &Config) -> Vec<Caption> {
    let caption = |ms: u64, text: String| Caption {
        at: SimTime::from_millis(ms),
        text,
    };
    let rate = cfg.param("rate");
    let slowdown = cfg.param("slowdown");
    match story {
        Story::RetryStorm => {
            let depth = RETRY_STORM.depth(cfg);
            let attempts = RETRY_STORM.attempts(cfg);
            let calls = u64::from(attempts).pow(depth as u32);
            let bottom = format!("s{}", depth - 1);
            let storm = if cfg.switch(RETRY_BUDGET) {
                format!(
                    "{bottom} retries within its budget (10 % of its calls), then answers \
                     \"overloaded; don't retry\", and the layers above pass that on \
                     without retrying: calls reaching the database stay near the offered \
                     load (1.1×). Switch the budget off to see the storm."
                )
            } else {
                format!(
                    "Without a budget every layer retries every failure: each request \
                     becomes up to {attempts}^{depth} = {calls} calls at the database. \
                     Compare \"calls reaching the database\" with \"offered load\": \
                     its queue fills, and the rest are dropped and time out in turn."
                )
            };
            vec![
                caption(
                    0,
                    format!(
                        "c1 sends {rate} requests a second down a chain of {depth} layers \
                         to the database. Each makes up to {attempts} attempts; a timeout is \
                         10 ms at the bottom (Hystrix's 1 s, scaled), and each layer up \
                         waits long enough to hear the layers below give up."
                    ),
                ),
                caption(
                    200,
                    format!(
                        "The database becomes {slowdown}× slower: most calls to it now take \
                         longer than {bottom}'s 10 ms timeout. {storm}"
                    ),
                ),
            ]
        }
        Story::BreakerTrip => {
            let on = cfg.switch(BREAKER_SWITCH);
            vec![
                caption(
                    0,
                    format!(
                        "c1 sends {rate} requests a second to s1, which has 10 threads and \
                         calls the database through a circuit breaker: it opens when its \
                         100 ms window holds at least 20 calls and half of them failed, \
                         sleeps 50 ms, then lets one probe through (Hystrix's defaults, \
                         time scaled down a hundred times)."
                    ),
                ),
                caption(
                    200,
                    if on {
                        format!(
                            "The database becomes {slowdown}× slower: nearly every call from s1 \
                             holds a thread until its 10 ms timeout, and a line forms. Once \
                             half the calls in the window have failed (about half a window \
                             later) the breaker opens: calls fail fast, no thread waits, \
                             and the line at s1 empties."
                        )
                    } else {
                        format!(
                            "The database becomes {slowdown}× slower. The breaker is \
                             switched off: it says when it would open, but lets every call \
                             through. Each call holds one of the 10 threads for its 10 ms \
                             timeout, so s1 can take 1,000 calls a second: a line builds \
                             up behind it (\"calls waiting for a thread\") and latency \
                             climbs towards the client's 200 ms."
                        )
                    },
                ),
                caption(
                    500,
                    if on {
                        "The database is back to normal. The breaker's next successful \
                         probe closes it, once the database has worked off the slow \
                         queries it still holds; until then each failed probe opens it for \
                         another 50 ms."
                            .to_string()
                    } else {
                        "The database is back to normal, and s1 works off its line.".to_string()
                    },
                ),
            ]
        }
        Story::Flapping => vec![
            caption(
                0,
                format!(
                    "c1 sends {rate} requests a second to s1 (10 threads), whose breaker \
                     has Hystrix's defaults scaled down: it opens at 50 % failures of at \
                     least 20 calls in 100 ms, sleeps 50 ms, then lets one probe through."
                ),
            ),
            caption(
                200,
                format!(
                    "The database becomes {slowdown}× slower and stays so: degraded, not \
                     dead. Its queue grows, calls time out, the breaker opens. While it is \
                     open the database catches up, so the probe succeeds and the breaker \
                     closes; the full load floods back, and within a few tens of ms it \
                     opens again (the breaker chart saw-tooths). One probe says little \
                     about a dependency that is merely degraded: Resilience4j lets 10 \
                     calls through half-open."
                ),
            ),
        ],
        Story::VolumeTrap => {
            let volume = cfg.param("volume");
            let per_window = rate / 10;
            let fate = if 3 * per_window < 2 * volume {
                format!(
                    "But the window only holds about {per_window} calls, fewer than the \
                     {volume} it needs: the breaker never opens, and every request keeps \
                     failing the slow way (\"failed requests\"). Lower the minimum volume \
                     below {per_window}."
                )
            } else if per_window < volume {
                format!(
                    "The window holds about {per_window} calls, fewer than the {volume} it \
                     needs: the breaker opens only if a burst of traffic fills it."
                )
            } else {
                format!(
                    "The window holds about {per_window} calls, at least the {volume} it \
                     needs: once half have failed the breaker opens, and calls fail fast."
                )
            };
            vec![
                caption(
                    0,
                    format!(
                        "c1 sends {rate} requests a second to s1, whose breaker opens only \
                         when its 100 ms window holds at least {volume} calls (Hystrix: 20; \
                         Resilience4j: 100) and half of them failed."
                    ),
                ),
                caption(
                    200,
                    format!(
                        "The database becomes {slowdown}× slower: nearly every call fails after \
                         s1's 10 ms timeout. {fate}"
                    ),
                ),
            ]
        }
        Story::SlowCalls => {
            let slow_ms = cfg.param("slow-ms");
            let on = cfg.switch(BREAKER_SWITCH);
            let counting = if slow_ms > 0 {
                format!(
                    "It opens when its 100 ms window holds at least 20 calls and half of \
                     them failed, or half took {slow_ms} ms or more (Resilience4j's \
                     slow-call threshold; its defaults, 100 % of calls over 60 s, would \
                     be 600 ms at this scale and never trip)."
                )
            } else {
                "It opens when its 100 ms window holds at least 20 calls and half of them \
                 failed; slow calls are not counted (slow-call threshold 0)."
                    .to_string()
            };
            let turn = match (slow_ms > 0, on) {
                (true, true) => format!(
                    "A query now takes 10 ms on average, more in the database's line: \
                     calls do not fail, but most take {slow_ms} ms or more. Once they \
                     are half of the window (about half a window later) the breaker opens \
                     and fails calls fast: those requests fail at once instead of holding \
                     a thread (a fallback would answer them), and s1's line stays short. \
                     Most probes are slow too and open it again; a lucky fast one closes \
                     it until the window fills with slow calls once more."
                ),
                (true, false) => "A query now takes 10 ms on average, more in the \
                                  database's line. The breaker is switched off: it says \
                                  when it would open on slow calls, but lets every call \
                                  through; each holds one of s1's threads, and a line \
                                  builds up behind them."
                    .to_string(),
                (false, _) => format!(
                    "A query now takes 10 ms on average, more in the database's line, and \
                     none fails: the breaker sees nothing wrong and stays closed. Each \
                     call holds one of s1's 10 threads that long, so s1 serves fewer than \
                     the {rate} a second offered: the line grows (\"calls waiting for a \
                     thread\") and latency climbs for as long as the database stays \
                     slow. Slowness ties up threads as surely as failure does."
                ),
            };
            vec![
                caption(
                    0,
                    format!(
                        "c1 sends {rate} requests a second to s1, which has 10 threads and \
                         calls the database through a circuit breaker with a 100 ms call \
                         timeout. {counting}"
                    ),
                ),
                caption(
                    200,
                    format!("The database becomes {slowdown}× slower. {turn}"),
                ),
                caption(
                    500,
                    "The database is back to normal; s1 works off its line, and the \
                     breaker closes at its next fast probe."
                        .to_string(),
                ),
            ]
        }
    }
}
