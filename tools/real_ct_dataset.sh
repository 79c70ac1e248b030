#!/usr/bin/env bash
# Lays out the repository's two real patients (src/test/resources/real-ct, TotalSegmentator test
# data, Apache-2.0, Copyright Wasserthal et al.) as a BTCV-layout training folder:
#   tools/real_ct_dataset.sh OUT_DIR
# OUT_DIR/img/img_A.nii.gz   patient A, lower chest to pelvis, 3 mm (example_ct.nii.gz)
# OUT_DIR/label/label_A...   its labels for all 112 slices (example_ct_seg_fast.nii.gz)
# OUT_DIR/img/img_B.nii.gz   patient B, the JPEG 2000 DICOM series converted to NIfTI (medvlm convert)
# OUT_DIR/label/label_B...   its labels (dicom_case_seg.nii.gz, stored LAS; read onto the image's grid)
# OUT_DIR/labelmap.tsv       TotalSegmentator ids to BTCV ids: pass it as --label-map after --data OUT_DIR
# OUT_DIR/val_A.txt, val_B.txt  leave-one-patient-out splits (--split): validate on A or on B
set -euo pipefail
out="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
medvlm="${MEDVLM:-$root/bin/medvlm}"
src="$root/src/test/resources/real-ct"
mkdir -p "$out/img" "$out/label"
cp "$src/example_ct.nii.gz" "$out/img/img_A.nii.gz"
cp "$src/example_ct_seg_fast.nii.gz" "$out/label/label_A.nii.gz"
cp "$src/dicom_case_seg.nii.gz" "$out/label/label_B.nii.gz"
[ -f "$out/img/img_B.nii.gz" ] || "$medvlm" convert "$src/dicom_case" "$out/img/img_B.nii.gz" >&2
cp "$src/totalsegmentator-to-btcv.tsv" "$out/labelmap.tsv"
echo A > "$out/val_A.txt"
echo B > "$out/val_B.txt"
echo "real CT dataset in $out: cases A (112 slices, 3 mm) and B (20 slices, 2 mm); --data $out --label-map $out/labelmap.tsv" >&2
