#!/usr/bin/env bash
# Both pre-commit hooks of .pre-commit-hooks.yaml, driven by the real pre-commit (from PyPI) in a
# temporary git repository, as a user would meet them: `pre-commit install`, then `git commit`.
#   - a bad manifest staged: the commit is refused, both hooks print file:line:column and rule,
#     and exit 1;
#   - fixed: the commit goes through;
#   - the user's .realip-lint.yaml is honoured by both hooks (a rule turned off; a bad config is
#     exit 2 with its exact place);
#   - `pre-commit try-repo` on this checkout works too.
# The hooks come from this checkout as it is on disk (a commit of the working tree, made the way
# `pre-commit try-repo` makes one), so uncommitted changes are what is tested.
# Usage: tests/pre-commit.sh PRE_COMMIT_BINARY   (tests/run.sh installs pre-commit and builds the
# plugin; `kubectl-realip_lint` must be on PATH for the system hook).
set -euo pipefail
pre_commit="$1"
checkout="$(cd "$(dirname "$0")/.." && pwd -P)"
command -v kubectl-realip_lint >/dev/null || { echo "kubectl-realip_lint is not on PATH" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache" GIT_CONFIG_NOSYSTEM=1 HOME="$work/home" NO_COLOR=1
mkdir -p "$HOME"
git config --global user.email test@example.com
git config --global user.name test
git config --global init.defaultBranch main
git config --global commit.gpgsign false
git config --global protocol.file.allow always

# The working tree of the checkout, tracked and untracked (not ignored) files, as one commit.
hooks="$work/hooks-repo"
git -c advice.detachedHead=false clone -q "$checkout" "$hooks"
GIT_INDEX_FILE="$hooks/.git/index" GIT_OBJECT_DIRECTORY="$hooks/.git/objects" git -C "$checkout" add -A
git -C "$hooks" commit -q --allow-empty -m "the working tree of $checkout"
rev="$(git -C "$hooks" rev-parse HEAD)"

user="$work/user"
git init -q "$user"
cd "$user"
cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: $hooks
    rev: $rev
    hooks:
      - id: realip-lint
      - id: realip-lint-system
EOF
"$pre_commit" install >/dev/null
git add .pre-commit-config.yaml
git commit -q -m "pre-commit config (a YAML file that is not a manifest: skipped)" >"$work/log" 2>&1 || {
    cat "$work/log"; echo "FAIL: the config commit was refused" >&2; exit 1
}

fail() { cat "$work/log"; echo "FAIL: $*" >&2; exit 1; }
expect_refused() { # message, then strings the output must contain
    local what="$1"; shift
    if git commit -q -m "$what" >"$work/log" 2>&1; then fail "$what: the commit went through"; fi
    for s in "$@"; do grep -qF -- "$s" "$work/log" || fail "$what: no \`$s\` in the output"; done
    echo "ok: $what: refused"
}
expect_accepted() {
    git commit -q -m "$1" >"$work/log" 2>&1 || fail "$1: the commit was refused"
    grep -q "realip-lint.*Passed" "$work/log" || fail "$1: the hooks did not run"
    echo "ok: $1: accepted"
}

mkdir deploy
cat >deploy/web.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    realip-lint.io/client-ip: required
spec:
  type: NodePort
  selector: {app: web}
EOF
git add deploy/web.yaml
# Both hooks print the same concise line (-o concise; one core function makes it in both).
expect_refused "a bad manifest" \
    "deploy/web.yaml:8:9: warning external-service-cluster-policy: " \
    "- hook id: realip-lint" "- hook id: realip-lint-system" "- exit code: 1"
[ "$(grep -c -- '- exit code: 1' "$work/log")" = 2 ] || fail "both hooks should exit 1"
[ "$(grep -cE '^deploy/web.yaml:8:9: warning external-service-cluster-policy: ' "$work/log")" = 2 ] ||
    fail "the two hooks should print the same line"

# Fixed as the help says: Local, one pod per node (a DaemonSet).
cat >deploy/web.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    realip-lint.io/client-ip: required
spec:
  type: NodePort
  externalTrafficPolicy: Local
  selector: {app: web}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
EOF
git add deploy/web.yaml
expect_accepted "the fixed manifest"

# The user's config is honoured by both hooks: a rule turned off lets a finding through.
cat >deploy/api.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: api
  annotations:
    realip-lint.io/client-ip: required
spec:
  type: LoadBalancer
  selector: {app: api}
EOF
printf 'rules:\n  external-service-cluster-policy: off\n' >.realip-lint.yaml
git add deploy/api.yaml .realip-lint.yaml
expect_accepted "a finding the user's .realip-lint.yaml turns off"

# A bad config is a usage error (exit 2) at its exact place, in both hooks.
printf 'rules:\n  external-service-cluster-policy: off\nnodez: 3\n' >.realip-lint.yaml
git add .realip-lint.yaml
expect_refused "a bad .realip-lint.yaml" "$user/.realip-lint.yaml:3:1: unknown setting \`nodez\`" "- exit code: 2"
[ "$(grep -c -- '- exit code: 2' "$work/log")" = 2 ] || fail "both hooks should exit 2"
git reset -q .realip-lint.yaml
git checkout -q .realip-lint.yaml

# The hooks lint the whole repository once, so what they print is what the CLI prints over it,
# however many files a commit touches and however pre-commit would split a file list: two
# environments with the same objects (linted apart), and 300 more files.
mkdir -p envs/dev envs/prod
for env in dev prod; do
    cat >"envs/$env/web.yaml" <<'EOF'
apiVersion: v1
kind: Service
metadata: {name: shop}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector: {app: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec: {containers: [{name: shop, image: nginx}]}
EOF
done
for i in $(seq 1 300); do
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%s}\ndata: {k: v}\n' "$i" >"deploy/cm-$i.yaml"
done
git add envs deploy
if git commit -q -m "environments" >"$work/log" 2>&1; then fail "environments: the spread warnings should refuse the commit"; fi
cli="$(kubectl-realip_lint -f . -R -o concise 2>/dev/null || true)"
for env in dev prod; do
    grep -qF "envs/$env/web.yaml:" <<<"$cli" || fail "environments: the CLI reports nothing in envs/$env: $cli"
done
for hook in realip-lint realip-lint-system; do
    "$pre_commit" run "$hook" --all-files >"$work/log" 2>&1 || true
    got="$(grep -E '^[^ ]+:[0-9]+:[0-9]+: ' "$work/log" | sort)"
    want="$(grep -E '^[^ ]+:[0-9]+:[0-9]+: ' <<<"$cli" | sort)"
    [ "$got" = "$want" ] || fail "$hook --all-files: not the CLI's findings over the repository
--- hook
$got
--- kubectl-realip_lint -f . -R -o concise
$want"
done
echo "ok: both hooks print exactly the CLI's findings over the repository"
git reset -q envs deploy
rm -rf envs deploy/cm-*.yaml

# `pre-commit try-repo` straight on the checkout, as the README suggests for a first try.
cat >deploy/bad.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata: {name: bad}
spec:
  type: LoadBalancer
  externalTrafficPolicy: local
EOF
git add deploy/bad.yaml
if "$pre_commit" try-repo "$hooks" realip-lint --ref "$rev" >"$work/log" 2>&1; then fail "try-repo: passed a bad manifest"; fi
grep -qF "deploy/bad.yaml:6:26: error external-traffic-policy-invalid-value: " "$work/log" || fail "try-repo: no diagnostic"
echo "ok: pre-commit try-repo: refused"
