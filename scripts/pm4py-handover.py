#!/usr/bin/env python3
"""Reads raci-sim's CSV and XES event logs with PM4Py and compares PM4Py's handover-of-work
network with the handoffs the simulator counted.

    python3 -m venv .venv && .venv/bin/pip install pm4py      # AGPL: used here, never bundled
    .venv/bin/python scripts/pm4py-handover.py [SCENARIO] [MODEL] [RUNS]

It checks that (1) both logs import and give the same network, (2) PM4Py's network is exactly
direct succession of completed tasks within a case (recomputed here by hand), and (3) prints it
beside the simulator's handoffs (a task ready for a team other than the one that finished its
predecessor, DESIGN.md). (2) and (3) differ wherever the response has concurrent branches:
PM4Py counts consecutive events, the simulator counts predecessor links.
"""
import collections, os, subprocess, sys, tempfile

import pandas as pd
import pm4py

scenario = sys.argv[1] if len(sys.argv) > 1 else "compromised-service-account"
model = sys.argv[2] if len(sys.argv) > 2 else "single-incident-lead"
runs = sys.argv[3] if len(sys.argv) > 3 else "200"
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, "target", "release", "raci-sim")
if not os.path.exists(binary):
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=root, check=True)

tmp = tempfile.mkdtemp()
csv_path, xes_path = os.path.join(tmp, "log.csv"), os.path.join(tmp, "log.xes")
for path in (csv_path, xes_path):
    subprocess.run([binary, "run", scenario, "--model", model, "--runs", runs,
                    "--event-log", path], check=True, stdout=subprocess.DEVNULL)

raw = pd.read_csv(csv_path)
df = pm4py.format_dataframe(raw.copy(), case_id="case:concept:name", activity_key="concept:name",
                            timestamp_key="time:timestamp", start_timestamp_key="start_timestamp")
xes = pm4py.read_xes(xes_path)
net_csv = pm4py.discover_handover_of_work_network(df, beta=0).connections
net_xes = pm4py.discover_handover_of_work_network(xes, beta=0).connections
print(f"{scenario} x {model}, {runs} runs: {len(raw)} tasks in {raw['case:concept:name'].nunique()} cases")
print(f"CSV and XES import to the same handover network: {net_csv == net_xes}")

# Direct succession by hand, as PM4Py defines it (events in log order within a case).
succ = collections.Counter()
for _, case in raw.groupby("case:concept:name", sort=False):
    res = list(case["org:resource"])
    succ.update(zip(res, res[1:]))
total = sum(succ.values())
by_hand = {k: v / total for k, v in succ.items()}
same = set(by_hand) == set(net_csv) and all(abs(by_hand[k] - net_csv[k]) < 1e-12 for k in by_hand)
print(f"PM4Py's network equals direct succession recomputed by hand: {same}")

sim = collections.Counter(
    (r["raci:handoff_from"], r["org:resource"]) for _, r in raw.iterrows()
    if isinstance(r["raci:handoff_from"], str))
sim_total = sum(sim.values())
pairs = sorted({k for k in net_csv if k[0] != k[1]} | set(sim))
print("\nbetween-team pairs: PM4Py direct-succession count (share) vs simulator handoffs (share)")
print(f"{'from -> to':38} {'PM4Py':>14} {'simulator':>14}")
for p in pairs:
    a, b = succ.get(p, 0), sim.get(p, 0)
    print(f"{p[0] + ' -> ' + p[1]:38} {a:6d} ({a / total:5.3f}) {b:6d} ({b / max(sim_total, 1):5.3f})")
print(f"\nsimulator handoffs in the log: {sim_total}; PM4Py between-team successions: "
      f"{sum(v for k, v in succ.items() if k[0] != k[1])}")
