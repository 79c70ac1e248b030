#!/usr/bin/env bash
# Reproduces the starter model that ships in the jar (src/main/resources/org/medvlm/models/
# starter-unet.ckpt, model card docs/models.md): the README's "few real scans" recipe on all the
# real data the repository carries (patients A and B) plus 4 phantoms (kept by the mean of the two
# leave-one-patient-out directions, a small and mixed difference: docs/models.md), 2 CPU cores.
#   tools/train_starter_model.sh [WORK_DIR]     (default target/starter)
# One phantom, not trained on, is the validation case, only so that the run has one: the
# shipped model is the last epoch (latest.ckpt), exported without optimiser state; no figure of
# it is reported as held out (docs/models.md has the leave-one-patient-out figures).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$root/target/starter}"
medvlm="${MEDVLM:-$root/bin/medvlm}"
MEDVLM="$medvlm" "$root/tools/real_ct_dataset.sh" "$work/real"
if [ ! -d "$work/phantom-val/img" ]; then
  "$medvlm" phantom --out "$work/phantom-val-tmp" --cases 1 --size 128 --seed 99
  mkdir -p "$work/phantom-val/img" "$work/phantom-val/label"
  mv "$work/phantom-val-tmp/img/img0001.nii.gz" "$work/phantom-val/img/img_val1.nii.gz"
  mv "$work/phantom-val-tmp/label/label0001.nii.gz" "$work/phantom-val/label/label_val1.nii.gz"
  rm -rf "$work/phantom-val-tmp"
fi
[ -d "$work/phantoms/img" ] || "$medvlm" phantom --out "$work/phantoms" --cases 4 --size 128 --seed 21
echo val1 > "$work/val.txt"
"$medvlm" train --model unet --data "$work/real" --label-map "$work/real/labelmap.tsv" --data "$work/phantoms" --data "$work/phantom-val" \
  --split "$work/val.txt" --out "$work/run" --recipe few-scans --seed 1 --device cpu ${STARTER_RESUME:+--resume}
mkdir -p "$root/src/main/resources/org/medvlm/models"
"$medvlm" export --model "$work/run/latest.ckpt" --out "$root/src/main/resources/org/medvlm/models/starter-unet.ckpt" --overwrite
cp "$work/run/model.json" "$root/docs/starter-unet.model.json"
