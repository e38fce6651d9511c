//! The hot loop allocates nothing: once a workspace has run a set of runs, running them again
//! performs zero heap allocations. A counting allocator, switched on for this thread only.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use raci_sim::engine::metrics::Breakdown;
use raci_sim::engine::{simulate, Context, Workspace};
use raci_sim::input::library::{load_model, load_scenario, MODELS, SCENARIOS};

pub struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.with(|c| c.get()) {
            COUNT.with(|c| c.set(c.get() + 1));
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.with(|c| c.get()) {
            COUNT.with(|c| c.set(c.get() + 1));
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[test]
fn a_warm_workspace_runs_without_allocating() {
    for s in SCENARIOS {
        let sc = load_scenario(s.name).unwrap();
        for mf in MODELS {
            let m = load_model(mf.name).unwrap();
            let ctx = Context::new(&sc, &m, 11);
            let mut ws = Workspace::new(&ctx);
            let mut bd = Breakdown::new(m.teams.len(), sc.credentials.len());
            let mut events = 0;
            for run in 0..300 {
                simulate(&ctx, &mut ws, run, &mut bd, None).unwrap();
            }
            COUNT.with(|c| c.set(0));
            COUNTING.with(|c| c.set(true));
            for run in 0..300 {
                events += simulate(&ctx, &mut ws, run, &mut bd, None).unwrap().events;
            }
            COUNTING.with(|c| c.set(false));
            let allocations = COUNT.with(|c| c.get());
            assert_eq!(
                allocations, 0,
                "{} x {}: {allocations} allocations over {events} events",
                s.name, mf.name
            );
            assert!(events > 10_000, "too few events to mean anything: {events}");
        }
    }
}
