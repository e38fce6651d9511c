#!/usr/bin/env python3
"""Checks a report folder's CSV files against the data dictionary, as a researcher would load
them: with Python's csv module (and with pandas too, when it is installed).

    python3 scripts/check-data-files.py REPORT_DIR [docs/data.md]

The dictionary's tables (the "## runs.csv", "## summary.csv" and "## sweep.csv" sections of
docs/data.md, columns `column | type | unit | empty means | meaning`) are the specification:
every column of a file must be documented there (a `<name>` in a documented column stands for
any text), every documented column without a `<name>` must be in the file, every cell must have
its documented type, and a cell may be empty only where the dictionary says what empty means
(not "never"). Censoring rules are checked too: a benign run has no containment, `contained`
1 exactly when the time to containment is there, times are within the horizon, a percentile is
empty exactly when its `_beyond_horizon` flag is 1 or empty. Exit 0 when all hold, 1 with the
problems (at most 30) otherwise, 2 on bad usage."""
import csv
import math
import os
import re
import sys

FILES = ["runs.csv", "summary.csv", "sweep.csv"]
ENUMS = {
    "phase": {"before_compromise", "dwell", "response", "contained", "re_entry"},
    "notice": {"signal", "customer", "vendor", "partner", "threat_intel", "law_enforcement"},
    "verdict": {"better", "worse", "equivalent", "inconclusive", "no_data", "baseline"},
}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
INTEGER = re.compile(r"^(0|[1-9]\d*)$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def dictionary(md_text):
    """{file: [(name, type, empty_allowed, regex or None)]} from the data dictionary."""
    out = {}
    lines = md_text.splitlines()
    for f in FILES:
        try:
            start = lines.index(f"## {f}")
        except ValueError:
            raise SystemExit(f"the dictionary has no section '## {f}'")
        i = start + 1
        while i < len(lines) and not lines[i].startswith("| column | type |"):
            if lines[i].startswith("## "):
                raise SystemExit(f"section '## {f}' has no column table")
            i += 1
        entries = []
        for row in lines[i + 2 :]:
            if not row.startswith("|"):
                break
            cells = [c.strip() for c in row.strip().strip("|").split("|")]
            name, typ, _unit, empty = cells[0].strip("`"), cells[1], cells[2], cells[3]
            pattern = None
            if "<" in name:
                parts = re.split(r"<[^>]+>", name)
                pattern = re.compile("^" + ".+".join(re.escape(p) for p in parts) + "$")
            entries.append((name, typ, empty != "never", pattern))
        out[f] = entries
    return out


def classify(header, entries):
    """The dictionary entry of every header column (exact names first), and the problems."""
    exact = {e[0]: e for e in entries if e[3] is None}
    patterns = [e for e in entries if e[3] is not None]
    found, problems = [], []
    for h in header:
        e = exact.get(h) or next((p for p in patterns if p[3].match(h)), None)
        if e is None:
            problems.append(f"column '{h}' is not in the dictionary")
        found.append(e)
    for name in exact:
        if name not in header:
            problems.append(f"documented column '{name}' is missing")
    return found, problems


def cell_ok(typ, v):
    if typ == "string":
        return True
    if typ == "integer":
        return bool(INTEGER.match(v))
    if typ == "number":
        return bool(NUMBER.match(v)) and math.isfinite(float(v))
    if typ == "flag":
        return v in ("0", "1")
    if typ == "timestamp":
        return bool(TIMESTAMP.match(v))
    if typ in ENUMS:
        return v in ENUMS[typ]
    raise SystemExit(f"the dictionary uses an unknown type '{typ}'")


TIME_COLUMN = re.compile(
    r"^(time_to_.*_seconds|first_compromise_seconds|dwell_seconds|re_detection_seconds|stage_.+_done)$"
)


def row_rules(name, row, problems, where):
    """The censoring rules between columns of one row."""
    get = row.get
    if name == "runs.csv":
        horizon = int(row["horizon_seconds"])
        if row["attack"] == "0" and (row["contained"] or row["time_to_containment_seconds"]):
            problems.append(f"{where}: a benign run has a containment")
        if row["attack"] == "1" and (row["contained"] == "1") != bool(row["time_to_containment_seconds"]):
            problems.append(f"{where}: contained {row['contained']!r} disagrees with the time")
        for k, v in row.items():
            if v and TIME_COLUMN.match(k) and INTEGER.match(v) and int(v) > horizon:
                problems.append(f"{where}: {k} {v} beyond the horizon {horizon}")
    for p in ("ttc_p50", "ttc_p90"):
        flag, secs = get(f"{p}_beyond_horizon"), get(f"{p}_seconds")
        if flag is None:
            continue
        if (flag == "0") != bool(secs):
            problems.append(f"{where}: {p}_seconds {secs!r} with {p}_beyond_horizon {flag!r}")
        if flag == "" and row["attack_runs"] != "0":
            problems.append(f"{where}: {p} has no data but there are attack runs")
        if secs and int(secs) > int(row["horizon_seconds"]):
            problems.append(f"{where}: {p}_seconds beyond the horizon")


def check_file(path, name, entries, problems):
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        found, probs = classify(header, entries)
        problems.extend(f"{name}: {p}" for p in probs)
        rows = 0
        for rows, rec in enumerate(reader, start=1):
            where = f"{name} row {rows + 1}"
            if len(rec) != len(header):
                problems.append(f"{where}: {len(rec)} cells for {len(header)} columns")
                continue
            for h, e, v in zip(header, found, rec):
                if e is None:
                    continue
                if v == "":
                    if not e[2]:
                        problems.append(f"{where}: '{h}' is empty (documented never empty)")
                elif not cell_ok(e[1], v):
                    problems.append(f"{where}: '{h}' = {v!r} is not a {e[1]}")
            row_rules(name, dict(zip(header, rec)), problems, where)
            if len(problems) > 30:
                return rows
    check_with_pandas(path, name, header, found, problems)
    return rows


def check_with_pandas(path, name, header, found, problems):
    """The dtypes pandas gives the columns, when pandas is installed."""
    try:
        import pandas as pd
    except ImportError:
        return
    df = pd.read_csv(path)
    for h, e in zip(header, found):
        if e is None:
            continue
        col, typ = df[h], e[1]
        empty = col.isna().any()
        if typ in ("integer", "flag") and not (
            pd.api.types.is_integer_dtype(col) or (empty and pd.api.types.is_float_dtype(col))
        ):
            problems.append(f"{name}: pandas reads '{h}' as {col.dtype}, not integers")
        if typ == "number" and not (pd.api.types.is_numeric_dtype(col) or col.isna().all()):
            problems.append(f"{name}: pandas reads '{h}' as {col.dtype}, not numbers")
    print(f"  pandas {pd.__version__}: {name} dtypes as documented")


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    folder = argv[1]
    md = argv[2] if len(argv) == 3 else os.path.join(os.path.dirname(__file__), "..", "docs", "data.md")
    with open(md, encoding="utf-8") as fh:
        spec = dictionary(fh.read())
    problems, seen = [], 0
    for name in FILES:
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            if name != "sweep.csv":
                problems.append(f"{name}: missing from {folder}")
            continue
        seen += 1
        rows = check_file(path, name, spec[name], problems)
        print(f"{name}: {rows} rows checked against {md}")
    if problems:
        for p in problems[:30]:
            print(p, file=sys.stderr)
        return 1
    print(f"ok: {seen} files match the data dictionary")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
