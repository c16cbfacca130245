#!/bin/bash
# Every shipped what-if of the Sino-Soviet scenario compared with its baseline in 8 shards, and a
# sensitivity analysis in 4, with GNU parallel: JOBS at once on this machine (4 if unset),
# or on the machines of ~/.parallel/sshloginfile with PARALLEL="--sshloginfile .. --workdir ."
# (then collect the runs/ folders, or name them all to merge). From the repository root:
#
#   bash docs/recipes/parallel.sh
#
# RUNS sets the runs of each comparison (10000 if unset), PATHS the sensitivity's paths
# (40). The merged files are byte for byte those of one machine without --shard.
set -euo pipefail
jobs="${JOBS:-4}"
parallel -j "$jobs" --halt now,fail=1 \
    diplosim compare scenarios/sino_soviet_1917_1991.ron \
    $(grep -l '"../sino_soviet_1917_1991.ron"' scenarios/counterfactuals/*.ron) \
    --runs "${RUNS:-10000}" --out runs/compare --shard {}/8 ::: 1 2 3 4 5 6 7 8
diplosim merge runs/compare
parallel -j "$jobs" --halt now,fail=1 \
    diplosim sensitivity scenarios/sino_soviet_1917_1991.ron \
    --params tests/fixtures/sino_soviet_params.ron --paths "${PATHS:-40}" \
    --out runs/sensitivity --shard {}/4 ::: 1 2 3 4
diplosim merge runs/sensitivity
