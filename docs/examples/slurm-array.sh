#!/bin/sh
# A study as a Slurm job array of 8 shards (docs/cluster.md). Submit from the folder that holds
# ownership-study.ron (and the model and scenario files it names), on a filesystem every node
# mounts (NFS, Lustre, GPFS: the shards are written there and merge reads them all):
#   jobid=$(sbatch --parsable slurm-array.sh)
#   sbatch --dependency=afterok:"$jobid" --wrap "raci-sim merge shards/* --out reports/ownership --memory-budget 2G"
#SBATCH --job-name=raci-sim-shards
#SBATCH --array=1-8
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=00:30:00
set -eu
# Array task ids are 1..8 here, matching raci-sim's 1-based K.
raci-sim study ownership-study.ron --quiet --memory-budget 2G \
    --shard "${SLURM_ARRAY_TASK_ID}/8" \
    --out "shards/${SLURM_ARRAY_TASK_ID}"
