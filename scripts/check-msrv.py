#!/usr/bin/env python3
"""Checks that Cargo.toml's `rust-version` is true to the locked dependencies: it must be at
least the highest `rust-version` any package in Cargo.lock declares (from `cargo metadata`),
and no lower toolchain may be claimed. Exit 0 when it holds, 1 with the offenders when not."""
import json
import re
import subprocess
import sys


def version(v):
    parts = [int(x) for x in re.findall(r"\d+", v)[:3]]
    return tuple(parts + [0] * (3 - len(parts)))


def main():
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    root = next(p for p in meta["packages"] if p["id"] == meta["resolve"]["root"])
    declared = root.get("rust_version")
    if not declared:
        print("Cargo.toml declares no rust-version", file=sys.stderr)
        return 1
    used = {n["id"] for n in meta["resolve"]["nodes"]}
    needs = sorted(
        (
            (version(p["rust_version"]), p["name"], p["version"], p["rust_version"])
            for p in meta["packages"]
            if p["id"] in used and p.get("rust_version") and p["id"] != root["id"]
        ),
        reverse=True,
    )
    if not needs:
        print(f"rust-version {declared}: no locked dependency declares one")
        return 0
    top = needs[0]
    if version(declared) < top[0]:
        over = [n for n in needs if n[0] > version(declared)]
        print(
            f"Cargo.toml says rust-version {declared}, but locked dependencies need more:",
            file=sys.stderr,
        )
        for _, name, ver, rv in over[:20]:
            print(f"  {name} {ver} needs {rv}", file=sys.stderr)
        return 1
    print(f"rust-version {declared} covers every locked dependency (highest: {top[1]} {top[2]} needs {top[3]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
