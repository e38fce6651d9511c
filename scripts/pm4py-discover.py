#!/usr/bin/env python3
"""Process mining on raci-sim's event logs with PM4Py: reads the XES and OCEL 2.0 logs of many
runs, discovers the response process, the handover-of-work network, and flattens the OCEL log
per run. Exits 1 if PM4Py cannot read a log or any check below fails.

    python3 -m venv target/pm4py-venv
    target/pm4py-venv/bin/pip install pm4py==2.7.23.11   # AGPL: a dev tool, never shipped
    target/pm4py-venv/bin/python scripts/pm4py-discover.py \
        [--binary target/debug/raci-sim] [--out DIR] [SCENARIO [MODEL [RUNS]]]

It writes, with `raci-sim run SCENARIO --model MODEL --runs RUNS` (default seed), the logs
log.xes, log.csv, log.jsonocel (one case per run's incident), tasks.xes and tasks.csv (one
case per task) and run.json into DIR (a temporary folder by default), then:

  1. Validates both XES logs against the IEEE 1849-2016 schema (scripts/xes/) with xmllint,
     when xmllint is installed (--require-xmllint: fail without it).
  2. Reads log.xes with PM4Py (one trace per run, as many events as the CSV log has rows),
     discovers the process with the inductive miner (noise threshold 0.2: IMf), prints the
     process tree indented, its token-replay fitness and precision on the log, and writes
     process-tree.svg (graphviz's `dot` installed) or process-tree.txt.
  3. Handover of work (beta 0) on tasks.xes and tasks.csv: the edges between teams with their
     counts, which must equal the handoffs the simulator counted (run.json), pair by pair. On
     log.xes (one case per incident) PM4Py's network is direct succession instead: printed.
  4. Reads log.jsonocel with PM4Py and flattens it on each object type (incident, team,
     credential): every case holds events of one run only, the incident cases are the XES
     traces, one team case per (run, team) and one credential case per (run, credential) of
     the XES log. Then discovers the life of a credential on the credential-flattened log.
"""
import argparse, collections, json, os, shutil, subprocess, sys, tempfile, warnings

os.environ.setdefault("PM4PY_SHOW_PROGRESS_BAR", "False")
warnings.filterwarnings("ignore", message=".*r4pm.*")  # an optional faster XES reader
import pandas as pd
import pm4py
from pm4py.objects.process_tree.obj import Operator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAILED = []


def check(ok, what):
    print(f"  [{'ok' if ok else 'FAIL'}] {what}")
    if not ok:
        FAILED.append(what)


def arguments():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("scenario", nargs="?", default="compromised-service-account")
    p.add_argument("model", nargs="?", default="single-incident-lead")
    p.add_argument("runs", nargs="?", default="200")
    p.add_argument("--binary", help="raci-sim to run (default: build target/release/raci-sim)")
    p.add_argument("--out", help="folder for the logs and the drawings (default: a temp folder)")
    p.add_argument("--require-xmllint", action="store_true",
                   help="fail if xmllint is not installed instead of skipping XES validation")
    a = p.parse_args()
    if a.binary is None:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        a.binary = os.path.join(ROOT, "target", "release", "raci-sim")
    a.out = a.out or tempfile.mkdtemp(prefix="raci-pm4py-")
    os.makedirs(a.out, exist_ok=True)
    return a


def write_logs(a):
    """Every log and run.json; returns their paths by name."""
    paths = {}
    for name, extra in [("log.xes", []), ("log.csv", []), ("log.jsonocel", []),
                        ("tasks.xes", ["--case-notion", "task"]),
                        ("tasks.csv", ["--case-notion", "task"]), ("run.json", None)]:
        path = paths[name] = os.path.join(a.out, name)
        flags = ["--json", path] if extra is None else ["--event-log", path, *extra]
        subprocess.run([a.binary, "run", a.scenario, "--model", a.model, "--runs", a.runs,
                        *flags], check=True, stdout=subprocess.DEVNULL)
    return paths


def validate_xes(a, paths):
    print("\n1. XES against the IEEE 1849-2016 schema (xmllint)")
    if shutil.which("xmllint") is None:
        check(not a.require_xmllint, "xmllint is not installed: XES not validated")
        return
    schema = os.path.join(ROOT, "scripts", "xes", "xes-namespaced.xsd")
    for name in ("log.xes", "tasks.xes"):
        r = subprocess.run(["xmllint", "--noout", "--schema", schema, paths[name]],
                           capture_output=True, text=True)
        check(r.returncode == 0, f"{name} validates" + ("" if r.returncode == 0 else
                                                          ": " + r.stderr.strip()[-400:]))


def tree_lines(tree, depth=0):
    """A process tree, one node a line, children indented under their operator."""
    pad = "    " + "  " * depth
    if tree.operator is None:
        return [pad + (tree.label if tree.label is not None else "tau (skip)")]
    names = {Operator.SEQUENCE: "sequence ->", Operator.XOR: "choice X",
             Operator.PARALLEL: "parallel +", Operator.LOOP: "loop * (do, redo)",
             Operator.OR: "or O"}
    out = [pad + names.get(tree.operator, str(tree.operator))]
    for child in tree.children:
        out += tree_lines(child, depth + 1)
    return out


def discover(log, a, name, title):
    """Inductive miner (IMf, noise 0.2) on `log`: the tree printed, fitness and precision."""
    tree = pm4py.discover_process_tree_inductive(log, noise_threshold=0.2)
    print(f"  {title} (inductive miner, noise threshold 0.2):")
    print("\n".join(tree_lines(tree)))
    net, im, fm = pm4py.convert_to_petri_net(tree)
    fit = pm4py.fitness_token_based_replay(log, net, im, fm)
    precision = pm4py.precision_token_based_replay(log, net, im, fm)
    print(f"  token replay: log fitness {fit['log_fitness']:.3f}, "
          f"{fit['percentage_of_fitting_traces']:.1f}% of cases fit, precision {precision:.3f}")
    if shutil.which("dot"):
        path = os.path.join(a.out, f"{name}.svg")
        pm4py.save_vis_process_tree(tree, path)
    else:
        path = os.path.join(a.out, f"{name}.txt")
        with open(path, "w") as f:
            f.write(str(tree) + "\n")
    print(f"  written: {path}" + ("" if path.endswith(".svg") else " (no graphviz `dot`: text)"))
    return tree


def discovery(a, paths):
    print("\n2. The response process (log.xes: one case per run's incident)")
    log = pm4py.read_xes(paths["log.xes"])
    rows = pd.read_csv(paths["log.csv"])
    cases = log["case:concept:name"].nunique()
    print(f"  {len(log)} events in {cases} cases, {log['concept:name'].nunique()} activities, "
          f"{len(pm4py.get_variants(log))} variants")
    check(len(log) == len(rows) and cases == rows["case:concept:name"].nunique(),
          "PM4Py reads as many events and cases from the XES log as the CSV log has")
    extra = ["raci:wait_cause", "raci:credential", "raci:credential_kind", "raci:phase",
             "org:group", "raci:handoff_from", "raci:wait_seconds", "case:raci:run"]
    check(all(k in log.columns for k in extra), "the XES log carries " + ", ".join(extra))
    causes = log.get("raci:wait_cause", pd.Series(dtype=str)).value_counts()
    print("  waits by cause (events): " + ", ".join(f"{k} {v}" for k, v in causes.items()))
    discover(log, a, "process-tree", "discovered process")
    return log


def handover(a, paths, log):
    print("\n3. Handover of work between teams (PM4Py, beta 0)")
    counted = {(h["from"], h["to"]): h["handoffs"]
               for h in json.load(open(paths["run.json"]))["handoffs"]}
    raw = pd.read_csv(paths["tasks.csv"])
    df = pm4py.format_dataframe(raw.copy(), case_id="case:concept:name",
                                activity_key="concept:name", timestamp_key="time:timestamp",
                                start_timestamp_key="start_timestamp")
    # PM4Py normalises by every consecutive pair in a case (self-handovers included).
    pairs = sum(len(c) - 1 for _, c in raw.groupby("case:concept:name", sort=False))
    nets = [pm4py.discover_handover_of_work_network(x, beta=0).connections
            for x in (pm4py.read_xes(paths["tasks.xes"]), df)]
    print(f"  one case per task (tasks.xes): {len(raw)} events in "
          f"{raw['case:concept:name'].nunique()} cases, {pairs} consecutive pairs")
    print(f"    {'from -> to':34} {'XES':>6} {'CSV':>6} {'simulator':>10}")
    keys = sorted({k for n in nets for k in n if k[0] != k[1]} | set(counted))
    same = True
    for k in keys:
        shown = [round(n.get(k, 0.0) * pairs) for n in nets]
        exact = all(abs(n.get(k, 0.0) * pairs - s) < 1e-6 for n, s in zip(nets, shown))
        same &= exact and shown == [counted.get(k, 0)] * 2
        print(f"    {k[0] + ' -> ' + k[1]:34} {shown[0]:6d} {shown[1]:6d} {counted.get(k, 0):10d}")
    check(same, f"PM4Py's network equals the simulator's {sum(counted.values())} handoffs "
          "(run.json), pair by pair, from the XES and the CSV log")
    succession = pm4py.discover_handover_of_work_network(log, beta=0).connections
    total = sum(len(c) - 1 for _, c in log.groupby("case:concept:name", sort=False))
    edges = sorted(((k, round(v * total)) for k, v in succession.items() if k[0] != k[1]),
                   key=lambda e: -e[1])
    print("  one case per incident (log.xes): direct succession of tasks, not handoffs: "
          + ", ".join(f"{f} -> {t} {n}" for (f, t), n in edges[:6]) + ", ...")


def flattening(a, paths, log):
    print("\n4. The OCEL 2.0 log flattened per object type (log.jsonocel)")
    ocel = pm4py.read_ocel2_json(paths["log.jsonocel"])
    types = ocel.objects["ocel:type"].value_counts().to_dict()
    print(f"  {len(ocel.events)} events, objects by type {types}")
    check(len(ocel.events) == len(log), "as many events as the XES log")
    run_of = lambda eid: eid.split("/")[0]
    want = {
        "incident": set(log["case:concept:name"]),
        "team": {f"{c}/team/{r}" for c, r in zip(log["case:concept:name"], log["org:resource"])},
        "credential": {f"{c}/credential/{r}" for c, r in
                       zip(log["case:concept:name"], log.get("raci:credential", pd.Series(
                           [None] * len(log), index=log.index))) if pd.notna(r)},
    }
    flat = {}
    for ot in ("incident", "team", "credential"):
        f = flat[ot] = pm4py.ocel_flattening(ocel, ot)
        runs = f.groupby("case:concept:name")["ocel:eid"].agg(lambda s: {run_of(e) for e in s})
        one_run = all(r == {c.split("/")[0]} for c, r in runs.items())
        check(one_run and set(runs.index) == want[ot],
              f"{ot}: {len(runs)} cases, each of one run (as {ot} objects of the XES log)")
    sizes = flat["incident"].groupby("case:concept:name").size()
    check(sizes.equals(log.groupby("case:concept:name").size()),
          "incident cases hold the events of the XES traces")
    cred = flat["credential"]
    print(f"  the life of a credential: {cred['case:concept:name'].nunique()} credential cases "
          f"of kinds {cred.drop_duplicates('case:concept:name')['case:kind'].value_counts().to_dict()}")
    discover(cred, a, "credential-tree", "discovered credential life")


def main():
    a = arguments()
    print(f"{a.scenario} x {a.model}, {a.runs} runs (default seed); pm4py {pm4py.__version__}; "
          f"logs in {a.out}")
    paths = write_logs(a)
    validate_xes(a, paths)
    log = discovery(a, paths)
    handover(a, paths, log)
    flattening(a, paths, log)
    print("\n" + (f"FAILED: {len(FAILED)} check(s)" if FAILED else "all checks passed"))
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
