#!/bin/sh
# scripts/deps.sh, with apt-get, dpkg-query and sudo replaced by stubs (nothing is
# installed): `build` asks for what building needs and no test tool; `test` adds the
# test tools, clang's libFuzzer, and Node.js with npm when there is no npm; `bench` the
# benchmark's comparisons (simdjson), which the tests never need; apt's output
# goes to the log, the terminal gets one line per step; a failing apt prints the log's
# tail and exits 3.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

mkdir bin
for t in sh grep wc tail cat id mkdir dirname; do
    p=$(command -v "$t") || fail "no $t"
    ln -s "$p" "bin/$t"
done
# dpkg-query: nothing is installed. apt-get: noisy like dpkg, records its arguments.
cat >bin/dpkg-query <<'SH'
#!/bin/sh
exit 1
SH
cat >bin/apt-get <<'SH'
#!/bin/sh
echo "$*" >>"$STUB_LOG"
i=0
while [ $i -lt 200 ]; do echo "Selecting previously unselected package lib$i."; i=$((i + 1)); done
[ -z "${STUB_FAIL:-}" ] || { echo "E: Unable to locate package $STUB_FAIL" >&2; exit 100; }
exit 0
SH
cat >bin/sudo <<'SH'
#!/bin/sh
exec "$@"
SH
chmod +x bin/dpkg-query bin/apt-get bin/sudo
export STUB_LOG="$PWD/apt-args" DSCI_APT_LOG="$PWD/apt.log"

deps() {
    PATH="$PWD/bin" "$PWD/bin/sh" "$DSCI_SOURCE_DIR/scripts/deps.sh" "$@"
}

say "deps.sh build: the build packages only, apt quiet"
test_ok deps build
expect_line apt-args "update"
expect_line apt-args "install -y --no-install-recommends"
for p in build-essential cmake pkg-config libgit2-dev libmbedtls-dev libyaml-dev libyajl-dev libpcre2-dev libzstd-dev; do
    grep -q " $p\( \|$\)" apt-args || fail "deps.sh build does not install $p"
done
for p in valgrind libcmocka-dev pre-commit python3 jq clang npm nodejs shellcheck; do
    if grep -q " $p\( \|$\)" apt-args; then
        fail "deps.sh build installs the test tool $p"
    fi
done
cat out err >terminal
[ "$(wc -l <terminal)" -le 4 ] || { cat terminal >&2; fail "deps.sh build printed more than 4 lines"; }
expect_no_line terminal "Selecting previously unselected package"
expect_line apt.log "Selecting previously unselected package lib199."
expect_line terminal "apt.log"

say "no argument is build"
rm apt-args
test_ok deps
expect_no_line apt-args "valgrind"

say "deps.sh test: the test tools too, and npm from Debian when there is none"
rm apt-args
test_ok deps test
for p in cmake libgit2-dev valgrind libcmocka-dev pre-commit python3 python3-yaml jq shellcheck clang libclang-rt-14-dev nodejs npm git-lfs zstd; do
    grep -q " $p\( \|$\)" apt-args || fail "deps.sh test does not install $p"
done

say "an npm that is already there (NodeSource's nodejs carries one) is kept"
printf '#!/bin/sh\necho 10.0.0\n' >bin/npm
chmod +x bin/npm
rm apt-args
test_ok deps test
expect_no_line apt-args " npm"
expect_no_line apt-args " nodejs"

say "a failing apt-get: the log's tail and exit 3"
test_must_fail 3 env STUB_FAIL=libfoo-dev PATH="$PWD/bin" "$PWD/bin/sh" "$DSCI_SOURCE_DIR/scripts/deps.sh" build
expect_line err "E: Unable to locate package libfoo-dev"
expect_line err "failed"

say "deps.sh bench: the build packages and what bench/bench_speed.sh compares with"
rm apt-args
test_ok deps bench
for p in cmake libgit2-dev libsimdjson-dev jq python3 time zstd gzip; do
    grep -q " $p\( \|$\)" apt-args || fail "deps.sh bench does not install $p"
done
expect_no_line apt-args "valgrind"
rm apt-args
test_ok deps test
expect_no_line apt-args "libsimdjson-dev"

say "an unknown group is a usage error"
test_must_fail 2 deps tests
expect_line err "usage: scripts/deps.sh [build|test|bench]"
