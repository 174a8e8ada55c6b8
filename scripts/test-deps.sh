#!/usr/bin/env bash
# The system programs the test suite needs, installed from Debian when missing.
#
#   scripts/test-deps.sh            install what is missing (scripts/test.sh runs this first)
#   scripts/test-deps.sh --dry-run  say what is missing and what would run; change nothing
#   scripts/test-deps.sh --check    exit 1 when something is missing; install nothing
#
# The one place for them: a later need (an IMAP server such as Dovecot, an SMTP
# server, LibreOffice for document conversion) is one more line in NEEDS.
# Nothing is downloaded from anywhere but Debian's archive; no Docker.
# apt-get update runs only when something is missing and the package lists
# are absent, or when an install from the present lists fails.
set -euo pipefail

# name | shell test that holds when it is present | Debian packages that provide it
NEEDS=(
  "chromium|test -x /usr/bin/chromium|chromium"
  "postgresql|compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null|postgresql postgresql-contrib"
  "wrk|command -v wrk >/dev/null|wrk"  # P3's load generator (the bench smoke test runs it)
)

# For tests of this script: names to treat as missing whatever the machine has
# (KLIENTELA_TEST_DEPS_PRETEND_MISSING="chromium"), and where apt keeps its lists.
PRETEND_MISSING=" ${KLIENTELA_TEST_DEPS_PRETEND_MISSING:-} "
APT_LISTS=${KLIENTELA_TEST_DEPS_APT_LISTS:-/var/lib/apt/lists}

mode=install
case "${1:-}" in
  "") ;;
  --dry-run) mode=dry-run ;;
  --check) mode=check ;;
  *) echo "usage: $0 [--dry-run|--check]" >&2; exit 2 ;;
esac

missing_names=()
packages=()
for need in "${NEEDS[@]}"; do
  IFS='|' read -r name check debs <<<"$need"
  if [[ $PRETEND_MISSING != *" $name "* ]] && bash -c "$check"; then
    echo "test deps: $name present"
  else
    echo "test deps: $name missing (Debian: $debs)"
    missing_names+=("$name")
    read -r -a more <<<"$debs"
    packages+=("${more[@]}")
  fi
done

[ ${#missing_names[@]} -eq 0 ] && exit 0
[ "$mode" = check ] && exit 1

# Root runs apt-get itself; anyone else through sudo, when there is one.
if [ "$(id -u)" = 0 ]; then as_root=(); elif command -v sudo >/dev/null; then as_root=(sudo); else as_root=(none); fi

# Plain or compressed (.lz4, .gz) index files of the archive.
lists_present() { compgen -G "$APT_LISTS/*_Packages*" >/dev/null; }

run() {
  if [ "$mode" = dry-run ]; then echo "would run: $*"; else "$@"; fi
}

if [ "${as_root[0]:-}" = none ] && [ "$mode" != dry-run ]; then
  echo "test deps: ${missing_names[*]} missing and this user cannot install packages (not root, no sudo); install: ${packages[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
install=("${as_root[@]}" apt-get install -y -qq "${packages[@]}")
update=("${as_root[@]}" apt-get update -qq)
if ! lists_present; then
  echo "test deps: no apt package lists yet: updating them first"
  run "${update[@]}"
  run "${install[@]}"
elif [ "$mode" = dry-run ]; then
  run "${install[@]}"
  echo "would run, only if that install fails (stale lists): ${update[*]}, then the install again"
elif ! "${install[@]}"; then
  echo "test deps: install from the present package lists failed: updating them and trying again"
  "${update[@]}"
  "${install[@]}"
fi
[ "$mode" = dry-run ] && exit 0

# Installed means the check holds now.
for need in "${NEEDS[@]}"; do
  IFS='|' read -r name check debs <<<"$need"
  if [[ " ${missing_names[*]} " == *" $name "* ]] && ! bash -c "$check"; then
    echo "test deps: $name is still missing after installing $debs" >&2
    exit 1
  fi
done
echo "test deps: installed ${packages[*]}"
