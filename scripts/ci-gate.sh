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
# The gates, runs, seed, thresholds and the models and scenarios come from the BASE commit's
# copy of STUDY, never from the pull request's: a pull request cannot loosen its own gate.
#
# 1. Exports BASE_REF's files to a temporary folder and runs `raci-sim study STUDY` there: the
#    base's study on the base's files, the baseline results.json. If that fails, the base
#    branch is broken and there is nothing to compare against: exit 2, the base's error in the
#    log and the summary.
# 2. Writes the base's study text to a temporary file beside this checkout's STUDY (same
#    folder, so its relative paths name the pull request's model and scenario files; a
#    unique hidden name, removed on exit) and runs
#    `raci-sim check <that file> --baseline <base results.json> --out OUT` here. A model or
#    scenario file the base's study names that the pull request deleted or renamed makes
#    `check` exit 2: a human must look. When the pull request changed STUDY, the log and the
#    summary say that its changes take effect once merged.
# 3. If the base has no STUDY (the pull request introduces the gate), there is no baseline:
#    runs `raci-sim check STUDY --out OUT` on the pull request's study, said in the log and
#    the summary.
# 4. Appends OUT/check.md (or, when check wrote nothing, its error) to GITHUB_STEP_SUMMARY.
#
# Exit code: check's (0 every gate passed, 1 a gate failed, 2 bad input); 2 for bad arguments
# and when the base cannot run its own study.
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
gate_study=
trap 'rm -rf "$work"; if [ -n "$gate_study" ]; then rm -f "$gate_study"; fi' EXIT
mkdir "$work/base"
git archive "$base" | tar -x -C "$work/base"

# Appends the summary's heading, "$held", then the lines of standard input.
summarize() {
    {
        echo "## Ownership gate: \`$study\`"
        echo
        echo "$held"
        echo
        cat
    } >>"$summary"
}

baseline=()
if [ -f "$work/base/$study" ]; then
    echo "== baseline: $study on $base_ref ($short), the base's own study and files"
    if ! (cd "$work/base" && "$raci_sim" study "$study" --quiet --out "$work/base-report") \
        >"$work/base.log" 2>&1; then
        cat "$work/base.log" >&2
        held="**The base branch cannot run its own study:** \`raci-sim study $study\` fails on \`$base_ref\` ($short), so there is nothing to compare against. Fix the base branch first."
        echo "::error::$held"
        {
            echo '```'
            cat "$work/base.log"
            echo '```'
        } | summarize
        exit 2
    fi
    baseline=(--baseline "$work/base-report/results.json")
    gate_study=$(mktemp "$(dirname "$study")/.ci-gate-base-study.XXXXXX")
    cp "$work/base/$study" "$gate_study"
    held="Each model is held to its own results on \`$base_ref\` ($short), under the base branch's study (its gates, runs, seed, thresholds, models and scenarios)."
    if ! cmp -s "$work/base/$study" "$study"; then
        changed="This pull request changes \`$study\`: the gate used the base branch's study; your changes to it take effect once merged."
        echo "::warning::$changed"
        held="$held"$'\n\n'"**$changed**"
    fi
    check_study=$gate_study
else
    held="**No baseline:** \`$base_ref\` ($short) has no \`$study\` (this pull request introduces the gate), so \`check\` runs on the pull request's study without \`--baseline\`: the baseline gates hold each model to the study's baseline model instead."
    echo "::warning::$held"
    check_study=$study
fi

if [ -n "$gate_study" ]; then
    echo "== check: the base's $study (written to $gate_study) on this checkout's files"
else
    echo "== check: $study"
fi
set +e
"$raci_sim" check "$check_study" "${baseline[@]}" --quiet --out "$out" 2>"$work/check.err"
code=$?
set -e
cat "$work/check.err" >&2

if [ -f "$out/check.md" ] && [ "$code" -ne 2 ]; then
    summarize <"$out/check.md"
else
    {
        echo "\`raci-sim check\` refused the input (exit $code):"
        echo
        echo '```'
        cat "$work/check.err"
        echo '```'
        if [ -n "$gate_study" ]; then
            echo
            echo "If this pull request deletes or renames a model or scenario file the base branch's study names, the gate cannot hold it to the base: a human must look (and change the study in a pull request of its own)."
        fi
    } | summarize
fi
exit "$code"
