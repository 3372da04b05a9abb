# Sourced by the bench scripts (bash): repeated timed runs of one command, so every
# script takes its medians the same way. The caller defines die() and WORK (a scratch
# folder), and RUNS (runs per measurement).
#
#   timed_runs NAME WIDTH CMD...   # sets M_WALL, M_USER (medians), M_RSS (KB, the highest)
#
# An exit of 0 or 1 is a run (dsci exits 1 when a gate blocks); anything else stops the
# script. The last run's output stays in $WORK/stdout and $WORK/stderr.

median() { sort -g | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); printf "%.3f", NR % 2 ? v[m] : (v[m] + v[m + 1]) / 2 }'; }

timed_runs() {
    local name=$1 width=$2 run rc wall user rss
    shift 2
    : >"$WORK/walls"
    : >"$WORK/users"
    M_RSS=0
    for ((run = 1; run <= RUNS; run++)); do
        if /usr/bin/time -f "%e %U %M" -o "$WORK/time" bash -c "$*" >"$WORK/stdout" 2>"$WORK/stderr"; then rc=0; else rc=$?; fi
        [[ $rc -le 1 ]] || { head -n 5 "$WORK/stderr" >&2; die "$name exited with $rc"; }
        read -r wall user rss < <(tail -n 1 "$WORK/time")
        echo "$wall" >>"$WORK/walls"
        echo "$user" >>"$WORK/users"
        ((rss > M_RSS)) && M_RSS=$rss
        printf "  %-${width}s run %d: %6.2f s wall %6.2f s user %7.1f MB RSS\n" "$name" "$run" "$wall" "$user" \
            "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
    done
    M_WALL=$(median <"$WORK/walls")
    M_USER=$(median <"$WORK/users")
}
