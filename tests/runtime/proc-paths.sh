#!/bin/sh
# Where each process of a tree writes its profiles: %p is the pid and %% a
# percent sign; without %p the first process writes the name as given and
# each descendant inserts its pid before the extension (.pb.gz, else the
# last .ext of the file name, else at the end). heapwork is the first
# process; `spawn` runs a pipeline of descendants after its allocations.
. "$(dirname "$0")/rt-lib.sh"

kids="/bin/true | cat; /bin/true"
run() { # dir, then variables for libkiln
	d=$1; shift
	mkdir -p "$d"
	# env is preloaded too, and execs heapwork: the same process
	preload -t "$(slow 60)" env "$@" "$RT/heapwork" spawn "$kids" >"$TMP/out" 2>"$TMP/err" ||
		{ cat "$TMP/err" >&2; fail "heapwork spawn failed ($*)"; }
	[ ! -s "$TMP/err" ] || { cat "$TMP/err" >&2; fail "libkiln printed something ($*)"; }
	ls "$d" >&2
}
# has_keep FILE: the profile is heapwork's (its keep_blocks site)
has_keep() { check_valid_profile "$1"; grep -q keep_blocks "$TMP/raw.txt"; }

# %p and %%
run "$TMP/a" KILN_HEAPPROFILE="$TMP/a/h-%p-100%%.pb.gz"
n=0 keep=0
for f in "$TMP"/a/*; do
	b=$(basename "$f")
	echo "$b" | grep -Eq '^h-[0-9]+-100%\.pb\.gz$' || fail "unexpected file name $b"
	has_keep "$f" && keep=$((keep + 1))
	n=$((n + 1))
done
[ "$n" -ge 3 ] || fail "$n profiles for heapwork and its descendants (true, cat, true), want >= 3"
[ "$keep" -eq 1 ] || fail "$keep profiles hold heapwork's keep_blocks, want 1"

# Without %p: the name as given for the first process, the pid inserted
# for the others, at the extension that applies.
for spec in "h.pb.gz:h:.pb.gz" "cpu.prof:cpu:.prof" "noext:noext:" ; do
	name=${spec%%:*} rest=${spec#*:}
	stem=${rest%%:*} ext=${rest#*:}
	d="$TMP/b-$stem.d" # a dot in the folder is not an extension
	run "$d" KILN_HEAPPROFILE="$d/$name"
	[ -f "$d/$name" ] || fail "the first process did not write $name"
	has_keep "$d/$name" || fail "$name is not heapwork's profile"
	n=0
	for f in "$d"/*; do
		b=$(basename "$f")
		[ "$b" = "$name" ] && continue
		case "$b" in
		"$stem".*"$ext") pid=${b#"$stem".}; pid=${pid%"$ext"} ;;
		*) fail "unexpected file $b beside $name" ;;
		esac
		echo "$pid" | grep -Eq '^[0-9]+$' || fail "$b: no pid before the extension '$ext'"
		! has_keep "$f" || fail "descendant's $b holds heapwork's allocations"
		n=$((n + 1))
	done
	[ "$n" -ge 2 ] || fail "$n descendants wrote beside $name, want >= 2"
done

# The CPU profile follows the same rule.
d="$TMP/c"
run "$d" KILN_CPUPROFILE="$d/cpu.pb.gz"
check_valid_profile "$d/cpu.pb.gz"
ls "$d"/cpu.*.pb.gz >/dev/null 2>&1 || fail "no descendant CPU profile cpu.PID.pb.gz"
for f in "$d"/cpu.*.pb.gz; do check_valid_profile "$f"; done
echo "ok: %p, %%, and pids before .pb.gz, .prof and at the end"
