#!/usr/bin/env bash
# Dice of Med-VLM's free-text prompts against its canonical organ prompts, per organ, on a
# training run's validation cases (issue: prompts in a user's own words).
#   tools/paraphrase_dice.sh RUN_DIR DATA_DIR OUT_DIR
# RUN_DIR: a Med-VLM training folder (its model.json names the validation cases); DATA_DIR: the
# BTCV-layout folder it trained on (img/, label/). For each organ it segments the validation
# images with the canonical prompt and with the held-out paraphrase of tools/paraphrases.tsv
# (segment --prompt, one binary mask), scores both against the organ's reference labels, and
# prints organ, canonical Dice, paraphrase Dice and their ratio; also "a cat on a sofa" (no organ).
# PARAPHRASES=tools/paraphrases-dev.tsv: another held-out set (the one training changes are chosen on).
set -euo pipefail
run="$1"; data="$2"; out="$3"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
medvlm="${MEDVLM:-$root/bin/medvlm}" # MEDVLM: another launcher (e.g. one pinned to a built jar)
mkdir -p "$out/img" "$out/label"
cases="${VAL:-}" # VAL="0001 0004": these cases instead of model.json's (a run still training has no model.json)
[ -n "$cases" ] || cases=$(python3 -c "import json,sys; print(' '.join(json.load(open(sys.argv[1]))['validation_cases']))" "$run/model.json")
for id in $cases; do
  ln -sf "$(cd "$data" && pwd)/img/img$id.nii.gz" "$out/img/img$id.nii.gz"
  ln -sf "$(cd "$data" && pwd)/label/label$id.nii.gz" "$out/label/label$id.nii.gz"
done
canonical() { awk -F'\t' -v id="$1" '$1 == id { print $3; exit }' "$root/prompts/btcv-organs.tsv"; }
# the truth keeps its BTCV ids; a prompt's mask (label 1) is scored as the organ it should name
{ printf 'btcv_id\tsource_id\n'; for i in $(seq 1 13); do printf '%s\t%s\n' "$i" "$i"; done; } > "$out/identity.tsv"
score() { # organ id, prediction folder: mean Dice over the validation cases
  printf 'btcv_id\tsource_id\n%s\t1\n' "$1" > "$out/map_$1.tsv"
  "$medvlm" evaluate --pred "$2" --truth "$out/label" --label-map "$out/map_$1.tsv" --truth-label-map "$out/identity.tsv" \
    --organs "$1" --json "$2.json" --overwrite > "$2.eval.log" 2>&1 || true
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print('%.3f' % r['means'][0]['dice'])" "$2.json" 2>/dev/null || echo nan
}
printf 'organ\tcanonical\tparaphrase\tratio\n'
tail -n +2 "${PARAPHRASES:-$root/tools/paraphrases.tsv}" | grep -v '^#' | while IFS=$'\t' read -r id name text; do
  case " ${ORGANS:-$id} " in *" $id "*) ;; *) continue ;; esac # ORGANS="1 6": only those organs
  for kind in canonical paraphrase; do
    prompt="$text"; [ "$kind" = canonical ] && prompt="$(canonical "$id")"
    # the same model file and prompt as a previous run into this OUT (another paraphrase set): its masks are reused
    key="$(cd "$(dirname "$run")" && pwd)/$(basename "$run") $(stat -c %Y:%s "$run") $prompt"
    [ -d "$out/${kind}_$id" ] && [ "$(cat "$out/${kind}_$id.key" 2>/dev/null)" = "$key" ] && continue
    rm -f "$out/${kind}_$id.key"
    "$medvlm" segment --model "$run" --input "$out/img" --out "$out/${kind}_$id" --prompt "$prompt" --device cpu --overwrite > "$out/${kind}_$id.log" 2>&1
    printf '%s' "$key" > "$out/${kind}_$id.key"
  done
  c=$(score "$id" "$out/canonical_$id"); p=$(score "$id" "$out/paraphrase_$id")
  printf '%s\t%s\t%s\t%s\n' "$name" "$c" "$p" "$(python3 -c "import sys; c,p=float(sys.argv[1]),float(sys.argv[2]); print('%.2f' % (p/c) if c > 0 else 'nan')" "$c" "$p")"
done
# free text that names no organ: the share of body voxels it marks, per validation case
"$medvlm" segment --model "$run" --input "$out/img" --out "$out/none" --prompt "a cat on a sofa" --device cpu --overwrite > "$out/none.log" 2>&1
python3 - "$out/none" <<'PY'
import glob, sys, gzip, struct
for f in sorted(glob.glob(sys.argv[1] + "/*_seg.nii.gz")):
    raw = gzip.open(f).read()
    off = int(struct.unpack("<f", raw[108:112])[0])
    data = raw[off:]
    print("a cat on a sofa: %s marks %d voxels (%.4f%% of the volume)" % (f.split("/")[-1], sum(1 for b in data if b), 100.0 * sum(1 for b in data if b) / len(data)))
PY
