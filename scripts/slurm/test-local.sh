#!/usr/bin/env bash
# Tests the job scripts beside this file against a real Slurm: a one-node cluster on this machine
# (local-cluster.sh; root, Debian's slurm-wlm and munge). Run by hand, or by the JUnit test
# SlurmScriptsTest (which CI runs):
#   scripts/slurm/test-local.sh [WORK_DIR]
# 1. train.sbatch: training gets the time-limit warning (USR1) mid-run, saves its place, the job
#    requeues itself, resumes and completes all epochs;
# 2. submit-segment.sh: a 3-task array over 12 CTs; one task is cancelled mid-run, so the merge
#    finds its table missing and fails; submitting again completes the array without redoing
#    finished cases: every label file exists once, every case was segmented once, and the merged
#    volumes.csv has every case.
# MEDVLM_CMD: how to run medvlm (default: bin/medvlm, built first).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(realpath -m "${1:-$(mktemp -d /tmp/medvlm-slurm-test.XXXXXX)}")"
mkdir -p "$work"
log() { echo "slurm-test: $*"; }
fail() { echo "slurm-test: FAIL: $*" >&2; exit 1; }

"$here/local-cluster.sh" start
export SLURM_CONF="${MEDVLM_SLURM_DIR:-/tmp/medvlm-slurm}/slurm.conf"
if [ -z "${MEDVLM_CMD:-}" ]; then
  "$root/bin/medvlm" --version > /dev/null
  export MEDVLM_CMD="$root/bin/medvlm"
fi
read -r -a medvlm <<< "$MEDVLM_CMD"

# waits until a job (all its array tasks) has left the queue
wait_gone() {
  local t=0
  while squeue -h -j "$1" 2> /dev/null | grep -q .; do
    sleep 0.5; t=$((t + 1)); [ "$t" -lt 1200 ] || fail "job $1 still queued after 10 minutes"
  done
}
# the final state of an ended job (kept for MinJobAge seconds)
state() { scontrol show job "$1" 2> /dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2; }
wait_for() { # FILE SECONDS WHAT
  local t=0
  until [ -e "$1" ]; do sleep 0.1; t=$((t + 1)); [ "$t" -lt $(($2 * 10)) ] || fail "$3: $1 did not appear in $2 s"; done
}

log "work folder $work"
"${medvlm[@]}" phantom --out "$work/train-data" --cases 6 --size 64 --seed 3 > /dev/null
"${medvlm[@]}" phantom --out "$work/ct-data" --cases 4 --size 224 --seed 4 > /dev/null
mkdir -p "$work/ct"
for i in 1 2 3 4; do for copy in a b c; do cp "$work/ct-data/img/img000$i.nii.gz" "$work/ct/case$i$copy.nii.gz"; done; done

# 1. a training job warned before its time limit: checkpoint, requeue, resume, finish
export MEDVLM_DATA="$work/train-data" MEDVLM_RUN="$work/run" MEDVLM_MODEL_NAME=unet
export MEDVLM_TRAIN_ARGS="--epochs 8 --size 32 --spacing 6 --width 4 --depth 2 --organs spleen,liver --val-cases 2 --device cpu --batch 4"
job="$(sbatch --parsable -c 2 --output="$work/train.log" "$here/train.sbatch")"
log "training job $job submitted"
t=0
until grep -q "epoch 2/8 " "$work/train.log" 2> /dev/null; do # into the second epoch, after the first checkpoint
  sleep 0.05; t=$((t + 1)); [ "$t" -lt 2400 ] || fail "job $job did not reach epoch 2 in 2 minutes"
done
scancel --batch --signal=USR1 "$job" # what --signal=B:USR1@300 delivers before the time limit
# Slurm holds a requeued job for two minutes before it may start again; release it now
t=0
until scontrol show job "$job" | grep -q "Restarts=1" && [ "$(state "$job")" = PENDING ]; do
  sleep 0.2; t=$((t + 1)); [ "$t" -lt 300 ] || { cat "$work/train.log"; fail "job $job was not requeued"; }
done
# ... once the node has let go of the stopped run (releasing earlier makes slurmd refuse the launch)
t=0
until scontrol show node "$(hostname -s)" | grep -q "CPUAlloc=0 "; do
  sleep 0.2; t=$((t + 1)); [ "$t" -lt 300 ] || fail "the node did not free job $job's CPUs"
done
sleep 2
scontrol update JobId="$job" StartTime=now
wait_gone "$job"
[ "$(state "$job")" = COMPLETED ] || { cat "$work/train.log"; fail "training job $job ended $(state "$job"), not COMPLETED"; }
for expected in "stop requested by a signal" "requeueing job $job" "restart 1" "resuming" "training ended with status 0"; do
  grep -q "$expected" "$work/train.log" || { cat "$work/train.log"; fail "train.log lacks '$expected'"; }
done
! grep -q "medvlm: error" "$work/train.log" || { cat "$work/train.log"; fail "train.log reports an error"; }
epochs="$(grep -o '"epoch": [0-9]*' "$work/run/model.json" | wc -l)"
[ "$epochs" = 8 ] || fail "model.json has $epochs epochs, not 8"
log "training: warned ($(grep -o 'stopped [a-z]* [^;]*' "$work/train.log" | head -1)), requeued, resumed ($(grep -o 'resuming[^;]*' "$work/train.log" | head -1)), all 8 epochs done"

# 2. a segmentation array with one task cancelled mid-run, then resubmitted
out="$work/seg"
submit() { "$here/submit-segment.sh" "$work/ct" "$out" "$work/run" 3 -c 1 | tee -a "$work/submit.log" | sed -n 's/^submitted array job \([0-9]*\).* merge job \([0-9]*\).*/\1 \2/p'; }
read -r array merge <<< "$(submit)"
[ -n "$array" ] || fail "submit-segment.sh printed no job ids: $(cat "$work/submit.log")"
log "array job $array, merge job $merge"
# task 1 takes case1b, case2c, case4a, case4c (positions 1, 4, 7, 10): cancel it once its first label is written
wait_for "$out/case1b_seg.nii.gz" 180 "first output of task ${array}_1"
scancel "${array}_1"
wait_gone "$array"
wait_gone "$merge"
[ ! -e "$out/volumes.shard-1-of-3.csv" ] || fail "task ${array}_1 finished before it could be cancelled (make its cases bigger)"
[ "$(state "${array}_1")" = CANCELLED ] || fail "task ${array}_1 is $(state "${array}_1"), not CANCELLED"
[ "$(state "$merge")" = FAILED ] || fail "merge job $merge is $(state "$merge"), should have failed with a shard missing"
grep -q "shard table(s) \[1\] of 3 missing" "$out"/logs/merge-"$merge".log || fail "merge log: $(cat "$out"/logs/merge-"$merge".log)"
[ ! -e "$out/volumes.csv" ] || fail "a failed merge wrote volumes.csv"
done_before="$(ls "$out" | grep -c '_seg.nii.gz$')"
log "task ${array}_1 cancelled with $done_before of 12 label files written; merge failed as it should"

read -r array2 merge2 <<< "$(submit)"
log "resubmitted: array job $array2, merge job $merge2"
wait_gone "$array2"
wait_gone "$merge2"
[ "$(state "$merge2")" = COMPLETED ] || fail "merge job $merge2 is $(state "$merge2"): $(cat "$out"/logs/merge-"$merge2".log)"
labels="$(ls "$out" | grep -c '_seg.nii.gz$')"
[ "$labels" = 12 ] || fail "$labels label files, not 12"
leftovers="$(ls -A "$out" | grep -c '\.tmp$' || true)"
[ "$leftovers" = 0 ] || fail "$leftovers temporary files left in $out"
# every case segmented exactly once over both rounds ("[k/n] case: 1.2 s" lines), the rest skipped
for f in "$work"/ct/*.nii.gz; do
  c="$(basename "$f" .nii.gz)"
  n="$(cat "$out"/logs/segment-*.log | grep -c "\] $c: [0-9.]* s$" || true)"
  [ "$n" = 1 ] || fail "case $c was segmented $n times"
done
skipped="$(cat "$out"/logs/segment-"$array2"_*.log | grep -c "done already, skipped" || true)"
[ "$skipped" -ge 8 ] || fail "the resubmitted array skipped only $skipped finished cases"
rows="$(tail -n +2 "$out/volumes.csv" | cut -d, -f1 | sort -u | wc -l)"
[ "$rows" = 12 ] || fail "volumes.csv has $rows cases, not 12"
log "resubmitted array: $skipped finished cases skipped, each of 12 cases segmented once, volumes.csv has all 12"
log "PASS"
