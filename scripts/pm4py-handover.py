#!/usr/bin/env python3
"""Reads raci-sim's CSV and XES event logs with PM4Py and checks that PM4Py's handover-of-work
network between teams is the network of handoffs the simulator counted.

    python3 -m venv .venv && .venv/bin/pip install pm4py      # AGPL: used here, never bundled
    .venv/bin/python scripts/pm4py-handover.py [SCENARIO] [MODEL] [RUNS]

PM4Py's handover of work (beta=0) counts, in every case, each pair of consecutive events done
by two resources. The simulator counts a handoff when a task becomes ready for a team other
than the one that finished its predecessor (DESIGN.md). The two agree when a case is one task:
`--case-notion task` writes one case per task, holding a `schedule` event by the team that
finished its predecessor and the work by the team that took it (a ticket handed from one team
to the next). This script checks, for both the CSV and the XES log:

  1. PM4Py imports the task-case logs, and its handover network between teams, turned from
     shares back into counts, equals the simulator's own handoff counts (`run --json`,
     computed while simulating, not from the log) pair by pair. Exit 1 if not.
  2. With the default case notion (one case per run's incident) PM4Py imports the logs too; its
     network there is direct succession of tasks (recomputed here by hand to show it), which
     differs from handoffs wherever the response runs branches in parallel (validation beside
     business confirmation, several revocations, consults alongside the work).
  3. PM4Py imports the OCEL 2.0 log, with one event per task and incident, team and
     credential objects.
"""
import collections, json, os, subprocess, sys, tempfile, warnings

os.environ.setdefault("PM4PY_SHOW_PROGRESS_BAR", "False")
warnings.filterwarnings("ignore", message=".*r4pm.*")  # an optional faster XES reader
import pandas as pd
import pm4py

scenario = sys.argv[1] if len(sys.argv) > 1 else "compromised-service-account"
model = sys.argv[2] if len(sys.argv) > 2 else "single-incident-lead"
runs = sys.argv[3] if len(sys.argv) > 3 else "200"
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, "target", "release", "raci-sim")
subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=root, check=True)
tmp = tempfile.mkdtemp()


def simulate(*extra):
    subprocess.run([binary, "run", scenario, "--model", model, "--runs", runs, *extra],
                   check=True, stdout=subprocess.DEVNULL)


def pm4py_networks(notion):
    """Writes the CSV and XES logs with a case notion; returns PM4Py's two networks and the CSV."""
    paths = [os.path.join(tmp, f"{notion}.{ext}") for ext in ("csv", "xes")]
    for path in paths:
        simulate("--event-log", path, "--case-notion", notion)
    raw = pd.read_csv(paths[0])
    if raw.empty:  # no team started a task (nothing detected): PM4Py cannot read an empty log
        return {}, {}, raw
    df = pm4py.format_dataframe(raw.copy(), case_id="case:concept:name",
                                activity_key="concept:name", timestamp_key="time:timestamp",
                                start_timestamp_key="start_timestamp")
    net_csv = pm4py.discover_handover_of_work_network(df, beta=0).connections
    net_xes = pm4py.discover_handover_of_work_network(pm4py.read_xes(paths[1]), beta=0).connections
    return net_csv, net_xes, raw


def direct_succession(raw):
    """Consecutive (resource, resource) pairs within each case, as PM4Py defines handover."""
    succ = collections.Counter()
    for _, case in raw.groupby("case:concept:name", sort=False):
        res = list(case["org:resource"])
        succ.update(zip(res, res[1:]))
    return succ


json_path = os.path.join(tmp, "run.json")
simulate("--json", json_path)
counted = {(h["from"], h["to"]): h["handoffs"] for h in json.load(open(json_path))["handoffs"]}
print(f"{scenario} x {model}, {runs} runs (seed: the default)")
print(f"simulator: {sum(counted.values())} handoffs between {len(counted)} team pairs (run --json)")

# 1. One case per task: PM4Py's handover network is the simulator's handoff network.
ok = True
net_csv, net_xes, raw = pm4py_networks("task")
pairs = sum(len(c) - 1 for _, c in raw.groupby("case:concept:name", sort=False))
print(f"\n--case-notion task: {len(raw)} events in {raw['case:concept:name'].nunique()} cases; "
      f"PM4Py normalises by {pairs} consecutive pairs (self-handovers included)")
print(f"{'from -> to':36} {'PM4Py CSV':>10} {'PM4Py XES':>10} {'simulator':>10}")
keys = sorted({k for k in list(net_csv) + list(net_xes) if k[0] != k[1]} | set(counted))
for k in keys:
    shown = []
    for net in (net_csv, net_xes):
        n = net.get(k, 0.0) * pairs
        ok &= abs(n - round(n)) < 1e-6 and round(n) == counted.get(k, 0)
        shown.append(round(n))
    mark = "" if shown == [counted.get(k, 0)] * 2 else "   <- differs"
    print(f"{k[0] + ' -> ' + k[1]:36} {shown[0]:10d} {shown[1]:10d} {counted.get(k, 0):10d}{mark}")
print("PM4Py's handover network between teams equals the simulator's handoffs "
      f"(CSV and XES): {ok}")

# 2. One case per incident: PM4Py's network is direct succession of tasks, not handoffs.
net_csv, net_xes, raw = pm4py_networks("incident")
succ = direct_succession(raw)
total = sum(succ.values())
by_hand = {k: v / total for k, v in succ.items()}
same = set(by_hand) == set(net_csv) and all(abs(by_hand[k] - net_csv[k]) < 1e-12 for k in by_hand)
print(f"\n--case-notion incident (default): {len(raw)} tasks in "
      f"{raw['case:concept:name'].nunique()} cases")
print(f"CSV and XES give the same network: {net_csv == net_xes}; it is direct succession "
      f"recomputed by hand: {same}")
print(f"{'from -> to':36} {'succession':>10} {'handoffs':>10}")
for k in sorted({k for k in succ if k[0] != k[1]} | set(counted)):
    print(f"{k[0] + ' -> ' + k[1]:36} {succ.get(k, 0):10d} {counted.get(k, 0):10d}")
if {k: v for k, v in succ.items() if k[0] != k[1]} != counted:
    print("(they differ where tasks run in parallel: consecutive completions are not handoffs)")

# 3. The OCEL 2.0 log imports too, with the same events as the incident-case CSV.
ocel_ok = True
if not raw.empty:
    path = os.path.join(tmp, "log.jsonocel")
    simulate("--event-log", path)
    ocel = pm4py.read_ocel2_json(path)
    types = {k: int(v) for k, v in ocel.objects["ocel:type"].value_counts().items()}
    ocel_ok = len(ocel.events) == len(raw) and set(types) == {"incident", "team", "credential"}
    print(f"\nOCEL 2.0: {len(ocel.events)} events, objects by type {types}: {ocel_ok}")
sys.exit(0 if ok and same and net_csv == net_xes and ocel_ok else 1)
