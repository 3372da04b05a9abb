#!/bin/sh
# Installs the Debian packages dsci needs, and only those that are missing, so a
# developer's machine that already has them is not touched (and no root is needed then).
#
#   scripts/deps.sh build   what building dsci needs, also -DDSCI_STATIC=ON (the static
#                           archives) and -DDSCI_SANITIZE=ON; the default (scripts/try.sh)
#   scripts/deps.sh test    that, plus what the test suite runs (scripts/test.sh): cmocka,
#                           valgrind, clang and libFuzzer, Python, jq, pre-commit,
#                           shellcheck, xmllint, Node.js and npm (and CA certificates for npm),
#                           git-lfs and zstd (to make the LFS and .zst test data)
#   scripts/deps.sh bench   the build's, plus what bench/bench_speed.sh compares dsci with:
#                           simdjson (its parse-only floor), jq, Python, GNU time, lscpu
#
# apt's output goes to a log file ($DSCI_APT_LOG, default /tmp/dsci-apt.log); the
# terminal gets one line per step, and the log's last lines when a step fails.
set -eu

what=${1:-build}
build_packages="build-essential cmake pkg-config git \
libgit2-dev libmbedtls-dev libyaml-dev libyajl-dev libpcre2-dev libutf8proc-dev \
libssl-dev libssh2-1-dev libhttp-parser-dev zlib1g-dev libzstd-dev"
test_packages="libcmocka-dev valgrind jq python3 python3-yaml pre-commit shellcheck \
clang libclang-rt-14-dev ca-certificates libxml2-utils git-lfs zstd chromium"
bench_packages="libsimdjson-dev jq python3 time util-linux zstd gzip"

case $what in
build) packages=$build_packages ;;
test)
    packages="$build_packages $test_packages"
    # Node.js from another source (NodeSource) brings its own npm and conflicts with
    # Debian's npm package: take Debian's only when there is no npm at all.
    command -v npm >/dev/null 2>&1 || packages="$packages nodejs npm"
    ;;
bench) packages="$build_packages $bench_packages" ;;
*)
    echo "usage: scripts/deps.sh [build|test|bench]" >&2
    exit 2
    ;;
esac

missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

log=${DSCI_APT_LOG:-${TMPDIR:-/tmp}/dsci-apt.log}
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "deps: missing Debian packages:$missing" >&2
        echo "deps: run this script as root (or install sudo) to install them" >&2
        exit 3
    fi
    sudo_cmd="sudo"
else
    sudo_cmd=""
fi
export DEBIAN_FRONTEND=noninteractive

step() { # step MESSAGE CMD...: one line on the terminal, the output in the log
    msg=$1
    shift
    echo "deps: $msg" >&2
    printf '\n$ %s\n' "$*" >>"$log"
    if ! "$@" >>"$log" 2>&1; then
        echo "deps: failed: $*; the last lines of $log:" >&2
        tail -n 25 "$log" >&2
        exit 3
    fi
}

: >"$log"
n=$(echo "$missing" | wc -w)
step "apt-get update (log: $log)" $sudo_cmd apt-get update
# shellcheck disable=SC2086 # word splitting of the package list is intended
step "installing $n Debian packages for the $what:$missing" \
    $sudo_cmd apt-get install -y --no-install-recommends $missing
echo "deps: done" >&2
