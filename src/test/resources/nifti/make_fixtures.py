#!/usr/bin/env python3
"""Writes small NIfTI files with nibabel and the values nibabel reads back from them
(affine from its get_best_affine, scaled data), so the Java reader is checked against an
independent implementation. Run from this folder: python3 make_fixtures.py
Needs Debian's python3-nibabel and python3-numpy; the tests themselves need no Python."""
import json
import numpy as np
import nibabel as nib

rng = np.random.default_rng(7)
cases = []


def affine(rot_deg, spacing, origin, flip_z=False):
    t = np.deg2rad(rot_deg)
    r = np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1.0]])
    a = np.eye(4)
    a[:3, :3] = r @ np.diag(spacing)
    if flip_z:
        a[:3, 2] *= -1
    a[:3, 3] = origin
    return a


def add(name, img, note):
    nib.save(img, name)
    back = nib.load(name)
    data = np.asarray(back.get_fdata(dtype=np.float64))
    cases.append({
        "file": name, "note": note,
        "shape": list(back.shape[:3]),
        "affine": back.affine[:3].tolist(),
        "sum": float(data.sum()), "min": float(data.min()), "max": float(data.max()),
        "first": float(data.reshape(-1, order="F")[0]), "last": float(data.reshape(-1, order="F")[-1]),
    })


shape = (7, 5, 4)
base = rng.integers(-1000, 1500, size=shape)

# qform only (sform code 0), oblique and with a negative qfac
img = nib.Nifti1Image(base.astype(np.int16), None)
img.set_qform(affine(20, (0.7, 0.8, 3.0), (-120.5, 80.25, 30), flip_z=True), code=1)
img.set_sform(None, code=0)
add("qform_only_int16.nii.gz", img, "qform only, rotated 20 deg, qfac -1")

# sform and qform disagree: sform wins
img = nib.Nifti1Image(base.astype(np.int16), None)
img.set_qform(affine(0, (1, 1, 1), (0, 0, 0)), code=1)
img.set_sform(affine(-35, (0.6, 0.6, 2.5), (10, 20, -300)), code=2)
add("sform_wins_int16.nii", img, "sform code 2 preferred over qform")

# scaled uint16 (scl_slope / scl_inter)
img = nib.Nifti1Image((base + 1000).astype(np.uint16), affine(0, (0.9, 0.9, 5), (0, 0, 0)))
img.header.set_slope_inter(0.5, -1024)
add("scaled_uint16.nii.gz", img, "uint16 with scl_slope 0.5, scl_inter -1024")

# big-endian float64
hdr = nib.Nifti1Header(endianness=">")
img = nib.Nifti1Image(base.astype(">f8") / 7.0, affine(90, (1.5, 1.5, 2), (5, 6, 7)), hdr)
add("bigendian_float64.nii", img, "big-endian float64")

# NIfTI-2, int8 and uint32 and int32
img = nib.Nifti2Image((base % 100).astype(np.int8), affine(10, (0.5, 0.5, 1), (1, 2, 3)))
add("nifti2_int8.nii.gz", img, "NIfTI-2 int8")
img = nib.Nifti1Image((base + 5000).astype(np.uint32), affine(0, (1, 2, 3), (0, 0, 0)))
add("uint32.nii", img, "uint32")
img = nib.Nifti1Image(base.astype(np.int32)[..., np.newaxis], affine(0, (1, 1, 1), (0, 0, 0)))
add("int32_4d_one_volume.nii", img, "4D with one volume")
img = nib.Nifti1Image(rng.random(shape).astype(np.float32), affine(0, (1, 1, 1), (0, 0, 0)))
add("float32.nii.gz", img, "float32")
img = nib.Nifti1Image((base > 0).astype(np.uint8) * 6, affine(0, (1, 1, 1), (0, 0, 0)))
add("labels_uint8.nii.gz", img, "uint8 labels")

with open("expected.json", "w") as f:
    json.dump(cases, f, indent=1)
print("wrote", len(cases), "cases")
