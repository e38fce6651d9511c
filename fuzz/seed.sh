#!/bin/sh
# Seeds each target's corpus from the shipped files and tests/hostile/ (run from fuzz/).
set -e
cd "$(dirname "$0")"
for t in scenario model study baseline shard; do mkdir -p "corpus/$t"; done
cp ../scenarios/*.ron ../tests/hostile/* corpus/scenario/
cp ../scenarios/models/*.ron ../tests/hostile/* corpus/model/
cp ../docs/examples/*.ron ../tests/hostile/* corpus/study/
# A results.json (baseline) and a shard.json (shard) from a small study run now.
tmp=$(mktemp -d)
cat > "$tmp/s.ron" <<'RON'
Study(name: "b", models: ["split-iam-security", "single-incident-lead"],
    scenarios: ["replayed-token"], runs: 20, seed: 1, gates: [
    (metric: RestrictedMeanTimeToContainment, no_worse_than_baseline_by: 0.1),
    (metric: TimeToContainmentP90, at_most: "4d")],
    sweep: [(parameter: TeamStaff(team: "soc"), values: [1, 2])])
RON
cargo run --quiet --release --manifest-path ../Cargo.toml -- study "$tmp/s.ron" --out "$tmp/all" --quiet >/dev/null
cargo run --quiet --release --manifest-path ../Cargo.toml -- study "$tmp/s.ron" --shard 1/2 --out "$tmp/sh" --quiet >/dev/null
# A whole study as one shard: merge accepts it alone, so the fuzzer reaches every check.
cargo run --quiet --release --manifest-path ../Cargo.toml -- study "$tmp/s.ron" --shard 1/1 --out "$tmp/one" --quiet >/dev/null
cp "$tmp/all/results.json" corpus/baseline/
cp "$tmp/sh/shard.json" corpus/shard/
cp "$tmp/one/shard.json" corpus/shard/shard-1-of-1.json
rm -rf "$tmp"
