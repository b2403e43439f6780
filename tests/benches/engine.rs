//! The engine benchmark: throughput, seek latency and memory, natively.
//!
//! Run by `scripts/bench.sh` (`cargo bench -p playground-tests --bench engine`). Prints
//! one `BENCH name value` line per figure. With `BENCH_PEAK=<events>` it only explores a
//! run of that many events and prints the process's peak memory, so the parent can
//! measure a run's peak on its own.

use std::process::Command;
use std::time::Instant;

use playground_tests::bench::{
    loaded_throughput, percentile, seek_latencies, throughput, trace_bytes_per_event, workload_run,
};

fn main() {
    let start = Instant::now();
    let now_ms = move || start.elapsed().as_secs_f64() * 1_000.0;
    if let Ok(events) = std::env::var("BENCH_PEAK") {
        let sim = workload_run(events.parse().expect("BENCH_PEAK is a number"));
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let peak_kb = status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("0");
        println!("PEAK {} {peak_kb}", sim.trace().events.len());
        return;
    }

    let runs: Vec<f64> = (0..3).map(|_| throughput(10_000_000, &now_ms)).collect();
    println!(
        "BENCH native-throughput-events-per-s {:.0}",
        percentile(&runs, 50.0)
    );
    println!(
        "BENCH native-throughput-runs {}",
        runs.iter()
            .map(|r| format!("{r:.0}"))
            .collect::<Vec<_>>()
            .join(",")
    );

    // The foundation: the same 1,000 nodes under open-loop load with service time and
    // queues, metrics recorded or not, alternating so machine noise hits both alike.
    let mut on = Vec::new();
    let mut off = Vec::new();
    for _ in 0..3 {
        off.push(loaded_throughput(3_000_000, false, &now_ms));
        on.push(loaded_throughput(3_000_000, true, &now_ms));
    }
    let (on, off) = (percentile(&on, 50.0), percentile(&off, 50.0));
    println!("BENCH native-loaded-metrics-off-events-per-s {off:.0}");
    println!("BENCH native-loaded-metrics-on-events-per-s {on:.0}");
    println!(
        "BENCH native-loaded-metrics-cost-percent {:.1}",
        (1.0 - on / off) * 100.0
    );

    for events in [100_000, 1_000_000] {
        let sim = workload_run(events);
        let times = seek_latencies(&sim, 200, &now_ms);
        println!(
            "BENCH native-seek-{events}-median-ms {:.3}",
            percentile(&times, 50.0)
        );
        println!(
            "BENCH native-seek-{events}-p95-ms {:.3}",
            percentile(&times, 95.0)
        );
        println!("BENCH checkpoints-{events} {}", sim.checkpoint_count());
        if events == 1_000_000 {
            let (used, allocated) = trace_bytes_per_event(&sim);
            println!("BENCH trace-bytes-per-event {used:.1}");
            println!("BENCH trace-bytes-per-event-allocated {allocated:.1}");
        }
    }

    let me = std::env::current_exe().expect("the benchmark's own path");
    let out = Command::new(me)
        .env("BENCH_PEAK", "1000000")
        .output()
        .expect("the benchmark runs itself for the peak");
    let text = String::from_utf8_lossy(&out.stdout);
    if let Some(line) = text.lines().find(|l| l.starts_with("PEAK ")) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let kb: f64 = parts[2].parse().unwrap_or(0.0);
        println!("BENCH peak-memory-1m-events-mb {:.1}", kb / 1024.0);
    }
}
