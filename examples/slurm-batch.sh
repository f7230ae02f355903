#!/bin/bash
# camvideo batch as a Slurm job array: task I of N renders shard I/N of the folder, so the array
# covers it exactly once (shards are balanced by file size and do not depend on listing order).
# Shared storage: every task sees the same INDIR and writes into the same OUTDIR.
#
#   sbatch --array=0-7 examples/slurm-batch.sh /shared/clips /shared/overlays
#   camvideo batch-report /shared/overlays/.reports/shard-*.json > report.json   # afterwards
#
# A task that is preempted or cancelled (SIGTERM) abandons its clips in flight; requeue it (or
# run it again) and it renders exactly the missing ones.
#SBATCH --job-name=camvideo-batch
#SBATCH --cpus-per-task=4
#SBATCH --mem=4G
#SBATCH --time=04:00:00
#SBATCH --requeue
#SBATCH --output=camvideo-%A_%a.log
set -euo pipefail

INDIR=${1:?usage: sbatch --array=0-N-1 slurm-batch.sh INDIR OUTDIR [camvideo flags...]}
OUTDIR=${2:?usage: sbatch --array=0-N-1 slurm-batch.sh INDIR OUTDIR [camvideo flags...]}
shift 2
# The number of tasks in the array (--array=0-7 → 8).
N=${SLURM_ARRAY_TASK_COUNT:?run this with sbatch --array=0-N-1}
I=${SLURM_ARRAY_TASK_ID:?run this with sbatch --array=0-N-1}

mkdir -p "$OUTDIR/.reports"
# Two clips at a time on this task's cores; the model's threads are divided between them.
exec camvideo batch "$INDIR" "$OUTDIR" --recursive --shard "$I/$N" \
  --jobs $(( (${SLURM_CPUS_PER_TASK:-2} + 1) / 2 )) \
  --report "$OUTDIR/.reports/shard-$I.json" "$@"
