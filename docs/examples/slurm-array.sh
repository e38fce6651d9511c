#!/usr/bin/env bash
# Run a study as a Slurm job array of 8 shards, then merge them.
#   sbatch docs/examples/slurm-array.sh              # the shards
#   sbatch --dependency=afterok:<jobid> --wrap "raci-sim merge shards/* --out reports/ownership"
#SBATCH --job-name=raci-sim-shards
#SBATCH --array=1-8
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=00:30:00
set -euo pipefail
# Array task ids are 1..8 here, matching raci-sim's 1-based K.
raci-sim study ownership-study.ron --quiet \
    --shard "${SLURM_ARRAY_TASK_ID}/8" \
    --out "shards/${SLURM_ARRAY_TASK_ID}"
