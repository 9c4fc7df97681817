#!/usr/bin/env bash
# Fetches cosign 2.5.0 from Debian trixie's package and unpacks it (dpkg -x, no install) into a cache dir,
# for the verification tests' real signer and differential oracle. Uses a PRIVATE apt state (own sources list,
# lists and cache in a temporary directory) so the system's apt configuration is never read for sources nor
# changed. Idempotent: prints the binary's path and exits when it is already there.
#
#   scripts/cosign-setup.sh            -> prints /path/to/cosign on stdout
#   IMAGE_TRUST_CACHE=/some/dir scripts/cosign-setup.sh
set -euo pipefail
# Nested npm/apt must not read the outer npm's configuration (see scripts/lib/clean-env.sh).
source "$(dirname "${BASH_SOURCE[0]}")/lib/clean-env.sh"

CACHE="${IMAGE_TRUST_CACHE:-$HOME/.cache/image-trust}"
DEST="$CACHE/cosign"
BIN="$DEST/usr/bin/cosign"
WANT="2.5.0"

# Debian builds report "GitVersion: devel", so the package version is kept in a marker file.
if [ -x "$BIN" ] && grep -q "^$WANT" "$DEST/PACKAGE_VERSION" 2>/dev/null; then
  echo "$BIN"
  exit 0
fi

if [ -n "${IMAGE_TRUST_NO_INSTALL:-}" ]; then
  echo "cosign-setup: cosign $WANT is not in $DEST and IMAGE_TRUST_NO_INSTALL is set" >&2; exit 1
fi
command -v apt-get >/dev/null 2>&1 || { echo "cosign-setup: apt-get is not available here" >&2; exit 1; }
command -v dpkg >/dev/null 2>&1 || { echo "cosign-setup: dpkg is not available here" >&2; exit 1; }

SOURCES=/etc/apt/sources.list.d/debian.sources
MIRROR=""
if [ -r "$SOURCES" ]; then MIRROR=$(awk '/^URIs:/{print $2; exit}' "$SOURCES"); fi
if [ -z "$MIRROR" ] && [ -r /etc/apt/sources.list ]; then
  MIRROR=$(awk '$1=="deb" && $2 !~ /security/ {print ($2 ~ /^\[/ ? $3 : $2); exit}' /etc/apt/sources.list)
fi
MIRROR="${MIRROR:-http://deb.debian.org/debian}"

A=$(mktemp -d)
trap 'rm -rf "$A"' EXIT
mkdir -p "$A"/lists/partial "$A"/cache/archives/partial
echo "deb $MIRROR trixie main" > "$A/sources.list"
O=(-o Dir::Etc::sourcelist="$A/sources.list" -o Dir::Etc::sourceparts=/dev/null
   -o Dir::State::Lists="$A/lists" -o Dir::Cache="$A/cache")
# apt's download sandbox user (_apt) cannot write into a root-owned temporary directory.
if [ "$(id -u)" -eq 0 ]; then O+=(-o APT::Sandbox::User=root); fi

apt-get "${O[@]}" update -qq >&2
(cd "$A" && apt-get "${O[@]}" download "cosign=$WANT*" -qq >&2) || (cd "$A" && apt-get "${O[@]}" download cosign -qq >&2)
DEB=$(ls "$A"/cosign_*.deb | head -n1)
rm -rf "$DEST.tmp" && mkdir -p "$DEST.tmp"
dpkg -x "$DEB" "$DEST.tmp"
dpkg-deb -f "$DEB" Version > "$DEST.tmp/PACKAGE_VERSION"
rm -rf "$DEST" && mv "$DEST.tmp" "$DEST"
"$BIN" version >/dev/null 2>&1 || { echo "cosign-setup: unpacked cosign does not run (glibc too old?)" >&2; exit 1; }
echo "$BIN"
