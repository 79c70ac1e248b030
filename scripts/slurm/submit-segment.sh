#!/usr/bin/env bash
# Segments a folder of CTs on a Slurm cluster: a job array of SHARDS tasks (segment-array.sbatch)
# and, when the array has ended, the merge of their volume tables (merge-volumes.sbatch).
# Running it again after a failure or a cancelled task redoes only the unfinished cases.
# Usage: scripts/slurm/submit-segment.sh INPUT OUTPUT MODEL [SHARDS] [sbatch options...]
#   e.g. scripts/slurm/submit-segment.sh /data/ct /data/seg runs/medvlm-small 16 --partition=gpu --gres=gpu:1
# Logs go to OUTPUT/logs/. MEDVLM_ORGANS, MEDVLM_DEVICE, MEDVLM_FIJI, MEDVLM_CMD are passed on.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ $# -ge 3 ] || { sed -n '2,8p' "${BASH_SOURCE[0]}" >&2; exit 2; }
input="$(realpath "$1")"; output="$(realpath -m "$2")"; model="$(realpath "$3")"
shards="${4:-4}"
shift $(( $# >= 4 ? 4 : 3 ))
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "submit-segment: error: SHARDS must be a positive number, not '$shards'" >&2; exit 2; }
[ -d "$input" ] || { echo "submit-segment: error: $input: no such folder" >&2; exit 2; }
[ -e "$model" ] || { echo "submit-segment: error: $model: no such model" >&2; exit 2; }
export MEDVLM_HOME="${MEDVLM_HOME:-$(cd "$here/../.." && pwd)}"
export MEDVLM_INPUT="$input" MEDVLM_OUTPUT="$output" MEDVLM_MODEL="$model" MEDVLM_SHARDS="$shards"
if [ -z "${MEDVLM_CMD:-}" ] && [ -z "${MEDVLM_FIJI:-}" ]; then
  "$MEDVLM_HOME/bin/medvlm" --version > /dev/null # builds once here, not in every task at once
fi
mkdir -p "$output/logs"
array="$(sbatch --parsable --array="0-$((shards - 1))" --output="$output/logs/segment-%A_%a.log" "$@" "$here/segment-array.sbatch")"
array="${array%%;*}"
# the merge is one short CPU job: the array's options (GPUs) are not passed on; MEDVLM_MERGE_SBATCH can add some
# shellcheck disable=SC2086
merge="$(sbatch --parsable --dependency="afterany:$array" --output="$output/logs/merge-%j.log" ${MEDVLM_MERGE_SBATCH:-} "$here/merge-volumes.sbatch")"
echo "submitted array job $array ($shards tasks) and merge job ${merge%%;*} (runs when the array has ended); logs in $output/logs"
