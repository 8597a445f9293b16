#!/usr/bin/env bash
# train_cli.sh CLI SRC BUILD - `inkpin train` on the command line: bad flags
# exit 2 naming the flag; progress is a line per epoch when piped and a bar
# with an ETA on a terminal (script(1) gives it one); Ctrl-C (SIGINT) in the middle of a run saves
# last.ckpt and exits 0; `--resume` from it (with another thread count) ends
# with checkpoints identical, byte for byte, to those of a run that was never
# interrupted.
set -u
cli=$1 build=$3 sub=train
tmp=$(mktemp -d "$build/train-cli-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$2/tests/util/cli_test.sh"

expect_exit 0 "--resume" --help
expect_exit 2 "--out DIR is required"
expect_exit 2 "--epochs '0': expected a whole number 1..10000" --epochs 0 --out "$tmp/x"
expect_exit 2 "--pen-thin '17': expected a whole number 0..16" --pen-thin 17 --out "$tmp/x"
expect_exit 2 "--seed '-1': expected a whole number >= 0" --seed -1 --out "$tmp/x"
expect_exit 2 "--pen-fold '3/3': expected K/N" --pen-fold 3/3 --out "$tmp/x"
expect_exit 2 "unknown option '--bogus'" --bogus --out "$tmp/x"
expect_exit 2 "missing value for '--seed'" --out "$tmp/x" --seed

# The rest trains on MNIST.
data=$(data_root "$2")
[ -n "$data" ] || { echo "SKIP: no MNIST data root"; exit 77; }

expect_exit 2 "$tmp/none.ckpt: cannot open" --data "$data" --out "$tmp/x" --resume "$tmp/none.ckpt"

# A small run: 2,000 images, 4 epochs, no pen data, no export.
args=(--data "$data" --limit 2000 --val-limit 300 --epochs 4 --seed 7 --pen-repeat 0 --threads 1 --no-export)
"$cli" train "${args[@]}" --out "$tmp/full" >/dev/null 2>"$tmp/full.err" ||
  fail "uninterrupted run failed: $(cat "$tmp/full.err")"

# Piped, progress is one plain line per epoch; on a terminal, a bar with an ETA.
[ "$(grep -cE '^epoch [1-4]/4 loss [0-9.]+ val [0-9.]+%' "$tmp/full.err")" -eq 4 ] ||
  fail "piped progress is not one line per epoch: $(cat "$tmp/full.err")"
grep -q $'\r' "$tmp/full.err" && fail "piped progress contains carriage returns"
if command -v script >/dev/null && script -qec true /dev/null >/dev/null 2>&1; then
  cmd=$(printf '%q ' "$cli" train --data "$data" --limit 300 --val-limit 100 --epochs 1 --pen-repeat 0 --no-export --out "$tmp/tty")
  bar=$(script -qec "$cmd" /dev/null) || fail "train on a terminal failed: $bar"
  grep -qE $'\r epoch 1/1 \\[#*\\.*\\] [0-9]+/[0-9]+ loss [0-9.]+ best val [0-9.]+% ETA [0-9]+:[0-9]{2}' <<<"$bar" ||
    fail "no progress bar on a terminal: $bar"
else
  echo "note: no script(1) or no pseudo-terminal here, terminal progress bar not checked"
fi

# The same run, interrupted by SIGINT once its first epoch is saved.
"$cli" train "${args[@]}" --out "$tmp/part" --json >"$tmp/part.json" 2>"$tmp/part.err" &
pid=$!
for _ in $(seq 2400); do # up to 120 s
  [ -f "$tmp/part/last.ckpt" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
kill -INT "$pid" 2>/dev/null
wait "$pid"; rc=$?
[ "$rc" -eq 0 ] || fail "interrupted run exited $rc, expected 0: $(cat "$tmp/part.err")"
grep -qF "interrupted; state saved to $tmp/part/last.ckpt" "$tmp/part.err" ||
  fail "no 'state saved' message after SIGINT: $(cat "$tmp/part.err")"
grep -qF '"interrupted":true' "$tmp/part.json" || fail "--json does not say interrupted: $(cat "$tmp/part.json")"
cmp -s "$tmp/full/last.ckpt" "$tmp/part/last.ckpt" && fail "the interrupted run's last.ckpt already equals the finished one"

"$cli" train "${args[@]}" --out "$tmp/part" --resume "$tmp/part/last.ckpt" --threads 2 >/dev/null 2>"$tmp/resume.err" ||
  fail "--resume failed: $(cat "$tmp/resume.err")"
for f in last.ckpt best.ckpt; do
  cmp "$tmp/full/$f" "$tmp/part/$f" || fail "$f after interrupt + resume differs from the uninterrupted run"
done
echo "train_cli: usage errors, SIGINT save and --resume all as expected"
