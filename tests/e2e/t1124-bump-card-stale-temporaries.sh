#!/bin/sh
# A dsci killed between creating its temporary and renaming it leaves the temporary; the
# next write of the same target removes the stale ones (writer gone and a few seconds
# old, or an hour old, or the pre-0.2 "<name>.tmp.XXXXXX" older than a minute) and keeps
# everything else: a live writer's, other files.
. "$DSCI_SOURCE_DIR/tests/lib.sh"

copy_example ds
cd ds
vdir=data/hf_dataset

# A pid that is surely gone: a finished child's.
sh -c 'exit 0' &
dead=$!
wait $dead
# Our own shell is alive for the whole test.
alive=$$

old() { touch -d '2024-01-01 00:00:00' "$@"; }
ten_seconds_ago() { touch -d "@$(($(date +%s) - 10))" "$@"; }

echo x >$vdir/.version.json.dsci-tmp.$dead.Ab3dE9;  ten_seconds_ago $vdir/.version.json.dsci-tmp.$dead.Ab3dE9
echo x >$vdir/.version.json.dsci-tmp.$alive.Qw7rT1; ten_seconds_ago $vdir/.version.json.dsci-tmp.$alive.Qw7rT1
echo x >$vdir/.version.json.dsci-tmp.$alive.Zx9cV2; old $vdir/.version.json.dsci-tmp.$alive.Zx9cV2
echo x >$vdir/.version.json.dsci-tmp.$dead.Fresh1
echo x >$vdir/version.json.tmp.Lg4cY8;               old $vdir/version.json.tmp.Lg4cY8
echo x >$vdir/version.json.tmp.Nw0000
echo x >$vdir/notes.tmp.Lg4cY8;                      old $vdir/notes.tmp.Lg4cY8
echo x >$vdir/version.json.tmp.toolong;              old $vdir/version.json.tmp.toolong
echo x >$vdir/.README.md.dsci-tmp.$dead.Rd5mE1;     ten_seconds_ago $vdir/.README.md.dsci-tmp.$dead.Rd5mE1

# bump --dry-run writes nothing and tidies nothing; bump writes and tidies.
echo '{"version": "0.9.0"}' >$vdir/version.json
test_ok dsci bump
gone() { test -e "$1" && fail "stale temporary kept: $1"; true; }
kept() { test -e "$1" || fail "removed what is not stale or not ours: $1"; }
gone $vdir/.version.json.dsci-tmp.$dead.Ab3dE9
kept $vdir/.version.json.dsci-tmp.$alive.Qw7rT1
gone $vdir/.version.json.dsci-tmp.$alive.Zx9cV2
kept $vdir/.version.json.dsci-tmp.$dead.Fresh1
gone $vdir/version.json.tmp.Lg4cY8
kept $vdir/version.json.tmp.Nw0000
kept $vdir/notes.tmp.Lg4cY8
kept $vdir/version.json.tmp.toolong
kept $vdir/.README.md.dsci-tmp.$dead.Rd5mE1   # another target's: the card's run tidies it
test_ok dsci card
gone $vdir/.README.md.dsci-tmp.$dead.Rd5mE1
rm $vdir/.version.json.dsci-tmp.* $vdir/version.json.tmp.Nw0000 $vdir/notes.tmp.Lg4cY8 $vdir/version.json.tmp.toolong

# Killed for real, many times, at random moments: after a later run nothing is left.
i=0
while [ $i -lt 40 ]; do
    "$DSCI" bump --base none >/dev/null 2>&1 &
    pid=$!
    sleep 0.0$((i % 10))
    kill -9 $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    echo '{"version": "0.9.0"}' >$vdir/version.json   # so that every run writes again
    i=$((i + 1))
done
say "left by the killed runs: $(ls -A $vdir | grep -c 'dsci-tmp' || true)"
sleep 6
test_ok dsci bump
left=$(ls -A $vdir | grep -c 'dsci-tmp\|\.tmp\.' || true)
[ "$left" -eq 0 ] || fail "temporaries left after a clean run: $(ls -A $vdir)"
