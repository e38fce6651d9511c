#!/bin/sh
# Seeds each target's corpus from the shipped files and tests/hostile/ (run from fuzz/).
set -e
cd "$(dirname "$0")"
for t in scenario model study baseline shard decisions sheet; do mkdir -p "corpus/$t"; done
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
# Capture sheets of the pack fuzz_decisions reads against (src/fuzzing.rs: the first run of
# seed 1 that fills the modules), blank and filled in, and the hostile files.
tmp=$(mktemp -d)
run=0
while [ $run -lt 50 ] && ! cargo run --quiet --manifest-path ../Cargo.toml -- tabletop \
    compromised-service-account --model single-incident-lead --seed 1 --pick run:$run \
    --out "$tmp/pack" >/dev/null 2>&1; do run=$((run + 1)); done
cp "$tmp/pack/facilitator/decision-capture.csv" "$tmp/pack/facilitator/decision-capture.ron" corpus/decisions/
# Filled in: the room declares (soc), approves revoking two credentials (incident-lead), closes.
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next }
    $3 == "triage" { $8 = "soc"; $9 = $5; $10 = "declare" }
    $3 == "containment" { $8 = "incident-lead"; $9 = $5; $10 = "approve"; $11 = "etl-api-key warehouse-db-secret" }
    $3 == "close" { $8 = "incident-lead"; $9 = $5; $10 = "hold" } { print }' \
    "$tmp/pack/facilitator/decision-capture.csv" > corpus/decisions/filled.csv
sed -e '0,/team: ""/s//team: "soc"/' -e '0,/choice: ""/s//choice: "dismiss"/' -e '0,/decided_at: ""/s//decided_at: "T+99:00"/' \
    "$tmp/pack/facilitator/decision-capture.ron" > corpus/decisions/filled.ron
cp ../tests/hostile/* corpus/decisions/
rm -rf "$tmp"
# RACI spreadsheets (sheet): every shipped model exported as CSV and .xlsx, the unusual
# workbook of the tests, a mapping file followed by CSV, and the hostile files.
cargo build --quiet --manifest-path ../Cargo.toml
for m in $(../target/debug/raci-sim list | awk '$1 == "model" { print $2 }'); do
    ../target/debug/raci-sim export "$m" --out "corpus/sheet/$m.csv" --force
    ../target/debug/raci-sim export "$m" --out "corpus/sheet/$m.xlsx" --force
done
cp ../tests/fixtures/sheet/unusual.xlsx corpus/sheet/
{ grep -v '^//' ../tests/fixtures/sheet/unusual-map.ron; printf '%%%%\n'; printf 'Activity,Security Operations (SOC),Description,IAM\nDetect,R,watch,\nKill sessions,r,,A/R\nRevoke API keys,,,R\n'; } > corpus/sheet/mapped.txt
cp ../tests/hostile/* corpus/sheet/
