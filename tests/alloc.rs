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

/// The response actions of issue 14 (inventory status, owners, rotate-all on severity and on
/// reopen, incremental revocation, revoke effort by team and kind) allocate nothing either.
#[test]
fn response_actions_run_without_allocating() {
    let sc = crate::common::scenario(
        r#"Scenario(name: "resp", summary: "alloc test",
        identities: [(id: "svc", kind: ServiceAccount)],
        credentials: [
            (id: "key", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true,
             owner: "iam", upstream: "vendor"),
            (id: "old", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true,
             inventory: BelievedUnused),
            (id: "tok", kind: AccessToken, plane: CloudIam, identity: "svc", inventory: Unknown,
             owner: "gone"),
        ],
        stages: [
            (id: "use", needs: ["key"], duration: LogNormal(median: "1h", p90: "4h"),
             grants: ["tok"], repeat: LogNormal(median: "6h", p90: "1d"),
             signals: [(kind: Generic, plane: CloudIam, probability: 0.5, severity: High)]),
            (id: "old", needs: ["old"], duration: LogNormal(median: "2d", p90: "5d"),
             repeat: LogNormal(median: "3d", p90: "6d"),
             signals: [(kind: Generic, plane: CloudIam, probability: 0.5, severity: Critical)]),
        ],
        start: UniformWeek, horizon: "30d", benign_share: 0.2)"#,
    );
    let m = crate::common::model(
        r#"Model(name: "resp", summary: "alloc test",
        teams: [(id: "soc", staff: 2, visibility: {CloudIam: 0.7}),
                (id: "iam", staff: 1, coverage: BusinessHours(), visibility: {CloudIam: 0.9},
                 revoke_effort: {ApiKey: Fixed("20m")})],
        raci: (detect: [(r: ["soc"])], triage: (r: ["soc"], a: ["soc"]), scope: (r: ["soc"]),
            validate_entitlement: (r: ["iam"]), confirm_business: (r: ["iam"]),
            approve_containment: (r: ["soc"], a: ["soc"]),
            revoke: {ApiKey: (r: ["soc"]), AccessToken: (r: ["iam"])},
            verify: (r: ["iam"]), capture_evidence: (r: ["soc"]), close: (r: ["soc"], a: ["soc"]),
            rotate_all: (r: ["iam"])),
        policy: (rotate_all: (from_severity: Critical, on_reopen: true),
                 incremental_revocation: true, preemptive_revocation: true),
        effort: (revoke_by_kind: {AccessToken: Fixed("5m")}))"#,
    );
    let ctx = Context::new(&sc, &m, 11);
    let mut ws = Workspace::new(&ctx);
    let mut bd = Breakdown::new(m.teams.len(), sc.credentials.len());
    let mut rotations = 0;
    for run in 0..300 {
        rotations += simulate(&ctx, &mut ws, run, &mut bd, None)
            .unwrap()
            .rotations;
    }
    assert!(
        rotations > 0,
        "the sweep must run for this to mean anything"
    );
    COUNT.with(|c| c.set(0));
    COUNTING.with(|c| c.set(true));
    let mut events = 0;
    for run in 0..300 {
        events += simulate(&ctx, &mut ws, run, &mut bd, None).unwrap().events;
    }
    COUNTING.with(|c| c.set(false));
    let allocations = COUNT.with(|c| c.get());
    assert_eq!(
        allocations, 0,
        "{allocations} allocations over {events} events"
    );
    assert!(events > 10_000, "too few events to mean anything: {events}");
}
