#!/usr/bin/env bash
# Installs the system packages the registry tests use (a real OCI registry, skopeo to push, htpasswd for
# basic auth). Idempotent: does nothing when they are already there. Needs root (or sudo) and Debian's apt.
set -euo pipefail
# Nested npm/apt must not read the outer npm's configuration (see scripts/lib/clean-env.sh).
source "$(dirname "${BASH_SOURCE[0]}")/lib/clean-env.sh"

missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)

if [ ${#missing[@]} -eq 0 ]; then
  echo "test-deps: docker-registry, skopeo, htpasswd and openssl are installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "test-deps: missing ${missing[*]} and no apt-get here; the registry tests will skip" >&2
  exit 1
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "test-deps: missing ${missing[*]}; run as root to install them" >&2
    exit 1
  fi
fi

echo "test-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "test-deps: done"
