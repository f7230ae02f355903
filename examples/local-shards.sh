#!/bin/bash
# camvideo batch on one machine as N independent processes (xargs -P; GNU parallel the same
# way), one model thread each: shard I of N renders a deterministic 1/N of the folder, so the
# N processes cover it exactly once. Then the shard reports are merged.
#
#   examples/local-shards.sh INDIR OUTDIR [N] [camvideo flags...]
#
# With GNU parallel instead of xargs:
#   parallel -j N camvideo batch INDIR OUTDIR --recursive --shard {}/N --jobs 1 --threads 1 \
#     --quiet --report OUTDIR/.reports/shard-{}.json ::: $(seq 0 $((N-1)))
set -euo pipefail

INDIR=${1:?usage: local-shards.sh INDIR OUTDIR [N] [camvideo flags...]}
OUTDIR=${2:?usage: local-shards.sh INDIR OUTDIR [N] [camvideo flags...]}
N=${3:-$(nproc)}
shift $(($# < 3 ? $# : 3))

mkdir -p "$OUTDIR/.reports"
status=0
seq 0 $((N - 1)) | xargs -P "$N" -I{} camvideo batch "$INDIR" "$OUTDIR" --recursive \
  --shard "{}/$N" --jobs 1 --threads 1 --quiet --report "$OUTDIR/.reports/shard-{}.json" "$@" ||
  status=$?
camvideo batch-report "$OUTDIR"/.reports/shard-*.json > "$OUTDIR/.reports/report.json"
echo "local-shards.sh: report in $OUTDIR/.reports/report.json" >&2
exit $status
