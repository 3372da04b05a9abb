#!/bin/sh
# Installs the Debian packages dsci builds and tests with, and only those that are missing,
# so a developer's machine that already has them is not touched (and no root is needed then).
set -eu

packages="build-essential cmake pkg-config git jq python3 python3-yaml valgrind \
libgit2-dev libmbedtls-dev libyaml-dev libyajl-dev libpcre2-dev libcmocka-dev \
libssl-dev libssh2-1-dev libhttp-parser-dev zlib1g-dev pre-commit libxml2-utils"

missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd="sudo"
else
    sudo_cmd=""
fi
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the package list is intended
$sudo_cmd apt-get install -y -qq --no-install-recommends $missing
