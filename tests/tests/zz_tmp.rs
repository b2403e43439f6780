//! tmp
use playground_core::{Registry, Session};
#[test]
fn t() {
    let s = Session::decode("v1~mapreduce-straggler~seed.59~p.workers.7~p.maps.11~p.reduces.5~p.slowdown.8~64264.pause.m~294840.resume.m").unwrap();
    let mut run = Registry::standard().start(&s).unwrap();
    run.engine_mut().run_to_end(2_000_000);
    let e = run.engine();
    for i in 0..1114 {
        let l = e.trace_line(i);
        if l.contains("map 7")
            || l.contains("failed")
            || l.contains("PAUSE")
            || l.contains("RESUME")
        {
            println!("{i} {l}");
        }
    }
}
