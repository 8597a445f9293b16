#!/usr/bin/env bash
# Regenerates the measured sections of docs/ink.md (Markdown on stdout):
#   1. stroke width: binarized MNIST train vs rendered strokes (render --width-scan)
#   2. accuracy of the shipped model on the report writers (classify --writers report)
#   3. robustness + calibration + rejection (inkpin robustness)
# usage: bench/ink_robustness.sh [path/to/inkpin] [model.inkm]   (default: the compiled-in model)
# The data root is found as usual ($INKPIN_DATA, ./data, ../shared/data).
set -euo pipefail
cli=${1:-build/inkpin}
model=()
[ $# -ge 2 ] && model=(--model "$2")
root=${INKPIN_DATA:-}
for r in "$root" data ../shared/data "$(dirname "$0")/../../shared/data"; do
  if [ -n "$r" ] && [ -f "$r/unipen/dev.ndjson" ]; then root=$r; break; fi
done
dev="$root/unipen/dev.ndjson"
[ -f "$dev" ] || { echo "ink_robustness: no unipen/dev.ndjson under the data root" >&2; exit 2; }

echo "## Stroke width (\`inkpin render --width-scan $dev\`)"
echo
"$cli" render --width-scan "$dev" --data "$root" "${model[@]}"
echo
echo "## Accuracy on writers never trained on (\`inkpin classify $dev --writers report ${model[*]}\`)"
echo
echo '```'
"$cli" classify "$dev" --writers report "${model[@]}"
echo '```'
echo
echo "## Robustness and calibration (\`inkpin robustness $dev ${model[*]}\`)"
echo
"$cli" robustness "$dev" "${model[@]}"
