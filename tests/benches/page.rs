//! The page benchmark: first stage rendered, frame times while playing and while
//! scrolling the diagram, and while playing a compare view, in headless Chromium on the
//! Trunk-built `dist/`.
//!
//! Run by `scripts/bench.sh` after the release build. Prints `BENCH name value` lines.

#[path = "../browser/mod.rs"]
mod browser;

use browser::{click, dist_dir, serve, start_browser, testid, PREFIX};
use fantoccini::Client;
use playground_core::{Registry, Session};
use playground_tests::bench::percentile;
use serde_json::json;

/// Collects the intervals between animation frames for `ms` milliseconds, calling
/// `each_frame` (a JavaScript statement) on every frame.
async fn frame_times(client: &Client, ms: u64, each_frame: &str) -> Vec<f64> {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         const times = []; let last = performance.now(); const end = last + {ms};
         function frame(now) {{
             times.push(now - last); last = now;
             {each_frame}
             if (now < end) requestAnimationFrame(frame); else done(times.slice(1));
         }}
         requestAnimationFrame(frame);"
    );
    let value = client
        .execute_async(&script, vec![])
        .await
        .expect("frames measured");
    serde_json::from_value(value).expect("a list of numbers")
}

/// Brings the element with `testid` into the middle of the window (panels out of view are
/// not drawn, so a figure about one is measured with it in view).
async fn into_view(client: &Client, testid: &str) {
    client
        .execute(
            &format!(
                "document.querySelector('[data-testid={testid}]')
                     .scrollIntoView({{block: 'center'}});"
            ),
            vec![],
        )
        .await
        .unwrap();
}

/// Opens `session`, plays it at 10x for 4 s (with the element `in_view` scrolled into
/// view, if any) and returns the frame intervals.
async fn play_at_10x(
    client: &Client,
    base: &str,
    session: &Session,
    in_view: Option<&str>,
) -> Vec<f64> {
    play_link_at_10x(client, &format!("{base}?s={}", session.encode()), in_view).await
}

/// Opens `link`, plays it at 10x for 4 s (with the element `in_view` scrolled into view,
/// if any) and returns the frame intervals.
async fn play_link_at_10x(client: &Client, link: &str, in_view: Option<&str>) -> Vec<f64> {
    client.goto(link).await.unwrap();
    testid(client, "stage").await;
    client
        .execute(
            "const s = document.querySelector('[data-testid=speed]'); s.value = '6';
             s.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![],
        )
        .await
        .unwrap();
    click(client, "play").await;
    if let Some(testid) = in_view {
        into_view(client, testid).await;
    }
    let playing = frame_times(client, 4_000, "").await;
    click(client, "play").await;
    playing
}

/// Prints the median and 95th percentile of frame intervals, and the share of frames
/// that took longer than 20 ms (a dropped frame at 60 Hz).
fn report(name: &str, frames: &[f64]) {
    let dropped = frames.iter().filter(|&&f| f > 20.0).count();
    println!("BENCH {name}-frames {}", frames.len());
    println!(
        "BENCH {name}-frame-median-ms {:.2}",
        percentile(frames, 50.0)
    );
    println!("BENCH {name}-frame-p95-ms {:.2}", percentile(frames, 95.0));
    println!(
        "BENCH {name}-dropped-frames-percent {:.1}",
        100.0 * dropped as f64 / frames.len().max(1) as f64
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let port = serve(dist_dir());
    let base = format!("http://127.0.0.1:{port}{PREFIX}");
    let (_driver, client) = start_browser().await;

    // Time from navigation to the first rendered stage, five fresh loads.
    let mut loads = Vec::new();
    for _ in 0..5 {
        client
            .goto(&format!("{base}?s=v1~lamport-skew~seed.1"))
            .await
            .unwrap();
        testid(&client, "stage").await;
        let at = client
            .execute(
                "return performance.getEntriesByName('stage-rendered')[0].startTime",
                vec![],
            )
            .await
            .unwrap();
        loads.push(at.as_f64().unwrap_or(f64::NAN));
    }
    println!(
        "BENCH first-stage-median-ms {:.1}",
        percentile(&loads, 50.0)
    );
    println!("BENCH first-stage-p95-ms {:.1}", percentile(&loads, 95.0));

    // Playing the heaviest default scenario (the most trace events) at 10x.
    let registry = Registry::standard();
    let heaviest = registry
        .scenarios()
        .iter()
        .map(|s| Session::new(s.id(), 1))
        .max_by_key(|session| {
            let mut run = registry.start(session).expect("scenarios start");
            run.engine_mut().run_to_end(1_000_000);
            run.engine().trace_len()
        })
        .expect("a scenario");
    println!("BENCH heaviest-default {}", heaviest.scenario);
    let playing = play_at_10x(&client, &base, &heaviest, None).await;
    report("play-10x", &playing);
    // The same with the space-time diagram in view instead of the stage.
    let playing = play_at_10x(&client, &base, &heaviest, Some("diagram")).await;
    report("play-10x-diagram", &playing);

    // Playing the largest topology a person can open: 200 instances on 40 hosts, at the
    // host-failure story's highest load, at 10x.
    let wide = Session::new("balance-host-failure", 1)
        .with_param("instances", 200)
        .with_param("rate", 20_000);
    let playing = play_at_10x(&client, &base, &wide, None).await;
    report("play-200-nodes-10x", &playing);

    // Scrolling the space-time diagram of a run of about 100,000 events.
    let big = Session::new("lamport-skew", 1)
        .with_param("clients", 6)
        .with_param("servers", 6)
        .with_param("writes", 2_400);
    client
        .goto(&format!("{base}?s={}", big.encode()))
        .await
        .unwrap();
    testid(&client, "stage").await;
    let steps = client
        .execute(
            "return document.querySelector('[data-testid=time]').textContent",
            vec![],
        )
        .await
        .unwrap();
    let mut run = Registry::standard()
        .start(&big)
        .expect("the big session starts");
    run.engine_mut().run_to_end(1_000_000);
    println!("BENCH big-run-events {}", run.engine().trace_len());
    println!(
        "BENCH big-run {}",
        json!(steps).as_str().unwrap_or_default().trim()
    );
    into_view(&client, "diagram").await;
    let scrolling = frame_times(
        &client,
        4_000,
        "document.querySelector('[data-testid=pan-later]').click();",
    )
    .await;
    report("scroll", &scrolling);

    // The compare view of that run and another seed (two runs of about 100,000 events:
    // two stages, two diagrams, both runs in every chart), played at 10x, next to the
    // same run alone, measured in the same process.
    let alone = format!("{base}?s={}", big.encode());
    let compared = format!(
        "{alone}&vs={}",
        Session {
            seed: 2,
            ..big.clone()
        }
        .encode()
    );
    for (name, link) in [("play-big-10x", &alone), ("play-compare-10x", &compared)] {
        let playing = play_link_at_10x(&client, link, None).await;
        report(name, &playing);
    }
    client.close().await.unwrap();
}
