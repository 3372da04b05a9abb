#!/bin/sh
# Puts a static dsci binary at DEST_DIR/dsci for the GitHub Action (action.yml); usable
# on any Linux machine too.
#
#   scripts/install-action.sh DEST_DIR
#
# Environment (all optional):
#   DSCI_VERSION     a tag, branch or commit of dsci to use instead of the source tree this
#                    script lives in. A tag first tries the release asset
#                    dsci-linux-<arch> of DSCI_REPOSITORY, then builds that ref from source.
#   DSCI_REPOSITORY  owner/name on GitHub to fetch DSCI_VERSION from (the action passes
#                    github.action_repository, or github.repository for `uses: ./`).
#   DSCI_BUILD_ROOT  scratch directory for clones and build trees (default: $RUNNER_TEMP,
#                    else a fresh temporary directory).
#
# Building installs the Debian/Ubuntu -dev packages it needs with scripts/deps.sh
# (apt-get; root or sudo), then runs cmake -DDSCI_STATIC=ON -DBUILD_TESTING=OFF.
# If the fully static link fails on this distribution, it falls back to a dynamic build
# and says so; that binary only runs where the libraries are installed, so it goes to
# DEST_DIR.dynamic/dsci instead (DEST_DIR stays empty, and the action caches nothing).
set -eu

die() {
    printf 'install-action: %s\n' "$*" >&2
    exit 1
}

[ $# -eq 1 ] || die "usage: $0 DEST_DIR"
dest=$1
self_src=$(cd "$(dirname "$0")/.." && pwd)
version=${DSCI_VERSION:-}
repo=${DSCI_REPOSITORY:-}
if [ -n "${DSCI_BUILD_ROOT:-}" ]; then
    work=$DSCI_BUILD_ROOT
elif [ -n "${RUNNER_TEMP:-}" ]; then
    work=$RUNNER_TEMP/dsci-install
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/dsci-install.XXXXXX")
fi
mkdir -p "$work" "$dest"

[ "$(uname -s)" = Linux ] || die "dsci's action runs on Linux runners only (this is $(uname -s))"
case $(uname -m) in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) arch=$(uname -m) ;;
esac

# Refs and repository names come from workflow inputs: accept only the characters they
# can legitimately contain, so nothing else reaches a URL or a git command line.
case $version in
    *[!A-Za-z0-9._/+-]* | -* | *..*) die "invalid version '$version' (a tag, branch or commit)" ;;
esac
case $repo in
    *[!A-Za-z0-9._/-]* | -* | *..*) die "invalid repository '$repo' (owner/name)" ;;
esac

# The SARIF report's informationUri: the repository the action comes from.
homepage=""
[ -z "$repo" ] || homepage="https://github.com/$repo"

fetch() { # fetch URL FILE: download, quietly; fails on HTTP errors
    if command -v curl >/dev/null 2>&1; then
        curl -fsSL --retry 3 -o "$2" "$1"
    elif command -v wget >/dev/null 2>&1; then
        wget -q -O "$2" "$1"
    else
        return 1
    fi
}

build() { # build SOURCE_DIR: static build into $work/build, result in $built
    src=$1
    sh "$src/scripts/deps.sh"
    jobs=$(nproc 2>/dev/null || echo 2)
    if cmake -S "$src" -B "$work/build-static" -DDSCI_STATIC=ON -DBUILD_TESTING=OFF \
        -DCMAKE_BUILD_TYPE=Release -DDSCI_HOMEPAGE_URL="$homepage" >/dev/null &&
        cmake --build "$work/build-static" -j "$jobs" --target dsci; then
        built=$work/build-static/dsci
        static=yes
    else
        echo "::warning title=dsci::the static build failed on this runner; using a dynamic build (not cached)"
        cmake -S "$src" -B "$work/build-dynamic" -DBUILD_TESTING=OFF \
            -DCMAKE_BUILD_TYPE=Release -DDSCI_HOMEPAGE_URL="$homepage" >/dev/null
        cmake --build "$work/build-dynamic" -j "$jobs" --target dsci
        built=$work/build-dynamic/dsci
        static=no
    fi
}

install_bin() { # install_bin FILE STATIC(yes|no)
    if [ "$2" = yes ]; then
        cp "$1" "$dest/dsci.tmp"
        chmod 755 "$dest/dsci.tmp"
        mv "$dest/dsci.tmp" "$dest/dsci"
    else
        rm -f "$dest/dsci"
        mkdir -p "$dest.dynamic"
        cp "$1" "$dest.dynamic/dsci"
        chmod 755 "$dest.dynamic/dsci"
        "$dest.dynamic/dsci" --version
        return
    fi
    "$dest/dsci" --version
}

if [ -z "$version" ]; then
    echo "install-action: building dsci from $self_src"
    build "$self_src"
    install_bin "$built" "$static"
    exit 0
fi

[ -n "$repo" ] || die "DSCI_VERSION=$version needs DSCI_REPOSITORY (owner/name)"
url=https://github.com/$repo
asset=$url/releases/download/$version/dsci-linux-$arch
echo "install-action: dsci $version from $repo"
if fetch "$asset" "$work/dsci.download" 2>/dev/null &&
    chmod 755 "$work/dsci.download" && "$work/dsci.download" --version >/dev/null 2>&1; then
    echo "install-action: using the release asset $asset"
    install_bin "$work/dsci.download" yes
    exit 0
fi
rm -f "$work/dsci.download"

echo "install-action: no usable release asset; building $version from source"
rm -rf "$work/src"
if ! git clone -q --depth 1 --branch "$version" "$url.git" "$work/src" 2>/dev/null; then
    # Not a branch or tag: a commit id.
    git init -q "$work/src"
    git -C "$work/src" fetch -q --depth 1 "$url.git" "$version" ||
        die "cannot fetch '$version' from $url"
    git -C "$work/src" -c advice.detachedHead=false checkout -q FETCH_HEAD
fi
build "$work/src"
install_bin "$built" "$static"
