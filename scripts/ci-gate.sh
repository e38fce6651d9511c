#!/usr/bin/env bash
# The ownership gate of a pull request (docs/ci.md, "The gate in CI"): holds the pull request's
# models to the base branch's copies of the same files, with the same binary and study.
#
#   scripts/ci-gate.sh BASE_REF STUDY [OUT]
#
#   BASE_REF  the commit to compare against, already fetched (e.g. origin/main)
#   STUDY     the study file, relative to the repository's root
#   OUT       the report folder to write, relative to the root (default reports/ci-gate)
#
# Environment: RACI_SIM, the binary (default: raci-sim on PATH); GITHUB_STEP_SUMMARY, a file
# the job summary (Markdown) is appended to, when set.
#
# 1. Exports BASE_REF's files to a temporary folder and puts this checkout's STUDY into it, so
#    the study's relative paths name the base branch's model and scenario files.
# 2. Runs `raci-sim study` there: the baseline results.json. If the base cannot run this study
#    (a model or scenario file is new in the pull request), there is no baseline
#    and the gates hold each model to the study's `baseline:` model instead (said in the log
#    and the summary).
# 3. Runs `raci-sim check STUDY --baseline <base results.json> --out OUT` in this checkout.
# 4. Appends OUT/check.md (or, when check wrote nothing, its error) to GITHUB_STEP_SUMMARY.
#
# Exit code: check's (0 every gate passed, 1 a gate failed, 2 bad input); 2 for bad arguments.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 BASE_REF STUDY [OUT]" >&2
    exit 2
fi
base_ref=$1
study=$2
out=${3:-reports/ci-gate}
raci_sim=${RACI_SIM:-raci-sim}
# A relative binary path still works once this script changes folder.
case $raci_sim in
    */*) raci_sim=$(cd "$(dirname "$raci_sim")" && pwd)/$(basename "$raci_sim") ;;
    *) raci_sim=$(command -v "$raci_sim") || {
        echo "raci-sim is not on PATH; set RACI_SIM to the binary" >&2
        exit 2
    } ;;
esac
summary=${GITHUB_STEP_SUMMARY:-/dev/null}

case $study in
    /*) echo "STUDY is a path relative to the repository's root, not $study" >&2; exit 2 ;;
esac
root=$(git rev-parse --show-toplevel)
cd "$root"
if [ ! -f "$study" ]; then
    echo "no study file $study in $root" >&2
    exit 2
fi
if ! base=$(git rev-parse --verify --quiet "$base_ref^{commit}"); then
    echo "unknown base $base_ref: fetch it first (git fetch origin main)" >&2
    exit 2
fi
short=$(git rev-parse --short "$base")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/base"
git archive "$base" | tar -x -C "$work/base"
mkdir -p "$work/base/$(dirname "$study")"
cp "$study" "$work/base/$study"

echo "== baseline: $study on $base_ref ($short)"
baseline=()
if (cd "$work/base" && "$raci_sim" study "$study" --quiet --out "$work/base-report") \
    >"$work/base.log" 2>&1; then
    baseline=(--baseline "$work/base-report/results.json")
    held="Each model is held to its own results on \`$base_ref\` ($short)."
else
    cat "$work/base.log" >&2
    held="**No baseline:** the base commit $short cannot run this study (a new model or scenario file?), so the baseline gates hold each model to the study's baseline model instead."
    echo "::warning::$held"
fi

echo "== check: $study"
set +e
"$raci_sim" check "$study" "${baseline[@]}" --quiet --out "$out" 2>"$work/check.err"
code=$?
set -e
cat "$work/check.err" >&2

{
    echo "## Ownership gate: \`$study\`"
    echo
    echo "$held"
    echo
    if [ -f "$out/check.md" ] && [ "$code" -ne 2 ]; then
        cat "$out/check.md"
    else
        echo "\`raci-sim check\` refused the input (exit $code):"
        echo
        echo '```'
        cat "$work/check.err"
        echo '```'
    fi
} >>"$summary"
exit "$code"
