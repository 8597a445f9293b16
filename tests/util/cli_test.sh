# cli_test.sh - helpers for the shell tests of one CLI subcommand (sourced).
# The test sets cli (the inkpin binary) and sub (the subcommand) first.

fail() { echo "FAIL: $*"; exit 1; }

# expect_exit CODE NEEDLE ARGS...: `$cli $sub ARGS` must exit CODE and, unless
# NEEDLE is empty, print NEEDLE (stdout or stderr).
expect_exit() {
  local want=$1 needle=$2; shift 2
  out=$("$cli" "$sub" "$@" 2>&1); rc=$?
  [ "$rc" -eq "$want" ] || fail "$sub $* exited $rc, expected $want: $out"
  [ -z "$needle" ] || grep -qF -- "$needle" <<<"$out" || fail "$sub $*: output lacks '$needle': $out"
}

# data_root SRC: prints the first data root holding mnist/ ($INKPIN_DATA,
# ./data, ../shared/data, SRC/../shared/data), or nothing.
data_root() {
  local d
  for d in "${INKPIN_DATA:-}" data ../shared/data "$1/../shared/data"; do
    [ -n "$d" ] && [ -d "$d/mnist" ] && { echo "$d"; return; }
  done
}
