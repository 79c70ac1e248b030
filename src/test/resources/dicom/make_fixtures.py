#!/usr/bin/env python3
"""Writes small CT series as DICOM with pydicom (explicit and implicit VR little endian) and
compresses copies to JPEG 2000 (gdcmconv --j2k is lossless: transfer syntax .90) with gdcmconv (OpenJPEG), so the Java reader is
checked against independent writers and an independent codec. Also writes expected.json with
the HU values and the RAS affine that the series must read as.
Needs Debian's python3-pydicom, python3-numpy and libgdcm-tools. Run from this folder."""
import json
import os
import shutil
import subprocess
import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, CTImageStorage, generate_uid

rng = np.random.default_rng(3)
COLS, ROWS, SLICES = 20, 16, 5
SPACING = (0.75, 0.8)       # PixelSpacing: row spacing (between rows), column spacing
THICK = 2.5
# Oblique-free but not axis-aligned the DICOM way: rows run to patient left, columns to posterior.
ROW_COS = np.array([1.0, 0.0, 0.0])
COL_COS = np.array([0.0, 1.0, 0.0])
ORIGIN = np.array([-7.5, -6.0, -100.0])


def series(name, stored, slope, intercept, signed, uid_series, transfer, shuffle=True):
    os.makedirs(name, exist_ok=True)
    normal = np.cross(ROW_COS, COL_COS)
    order = list(range(len(stored)))
    if shuffle:
        rng.shuffle(order)  # file order must not matter
    for n, k in enumerate(order):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = CTImageStorage
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = transfer
        ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID = CTImageStorage
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.Modality = "CT"
        ds.SeriesInstanceUID = uid_series
        ds.StudyInstanceUID = "1.2.3.4"
        ds.PatientName = "Phantom^Test"
        ds.InstanceNumber = k + 1
        ds.ImagePositionPatient = [float(v) for v in ORIGIN + k * THICK * normal]
        ds.ImageOrientationPatient = [float(v) for v in np.concatenate([ROW_COS, COL_COS])]
        ds.PixelSpacing = [SPACING[0], SPACING[1]]
        ds.SliceThickness = THICK
        ds.Rows, ds.Columns = ROWS, COLS
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated = 16
        ds.BitsStored = 16 if signed else 12
        ds.HighBit = ds.BitsStored - 1
        ds.PixelRepresentation = 1 if signed else 0
        ds.RescaleSlope = slope
        ds.RescaleIntercept = intercept
        # a nested sequence with undefined length, which readers must skip
        item = Dataset()
        item.CodeValue = "T-D4000"
        item.CodeMeaning = "Abdomen"
        ds.AnatomicRegionSequence = [item]
        ds.PixelData = stored[k].astype(np.int16 if signed else np.uint16).tobytes()
        ds.is_little_endian = True
        ds.is_implicit_VR = transfer == ImplicitVRLittleEndian
        ds.save_as(os.path.join(name, f"slice{n:03d}.dcm"), write_like_original=False)


hu = rng.integers(-1000, 1200, size=(SLICES, ROWS, COLS))
hu[:, 4:10, 5:15] = 60  # an organ-like block
cases = []

# signed int16 storage, slope 1, intercept 0
series("explicit_signed", hu, 1, 0, True, "1.2.826.0.1.1", ExplicitVRLittleEndian)
# unsigned 12-bit storage with the usual -1024 intercept
series("implicit_unsigned", hu + 1024, 1, -1024, False, "1.2.826.0.1.2", ImplicitVRLittleEndian)

# one series whose slices differ in size (must be refused)
series("mixed_sizes", hu[:2], 1, 0, True, "1.2.826.0.1.3", ExplicitVRLittleEndian, shuffle=False)
_odd = pydicom.dcmread("mixed_sizes/slice001.dcm")
_odd.Columns = COLS - 2
_odd.PixelData = hu[1][:, :COLS - 2].astype(np.int16).tobytes()
_odd.save_as("mixed_sizes/slice001.dcm")

for src, dst in (("explicit_signed", "j2k_signed"), ("implicit_unsigned", "j2k_unsigned")):
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(dst)
    for f in sorted(os.listdir(src)):
        subprocess.run(["gdcmconv", "--j2k", os.path.join(src, f), os.path.join(dst, f)], check=True)

# The expected volume: x = column index, y = row index, z = slice along the normal; RAS affine.
affine_lps = np.eye(4)
affine_lps[:3, 0] = ROW_COS * SPACING[1]
affine_lps[:3, 1] = COL_COS * SPACING[0]
affine_lps[:3, 2] = np.cross(ROW_COS, COL_COS) * THICK
affine_lps[:3, 3] = ORIGIN
ras = np.diag([-1, -1, 1, 1]) @ affine_lps
vol = np.transpose(hu, (2, 1, 0))  # (x, y, z)
expected = {"dims": list(vol.shape), "affine": ras[:3].tolist(),
            "values_x_fastest": vol.reshape(-1, order="F").astype(int).tolist()}
for name in ("explicit_signed", "implicit_unsigned", "j2k_signed", "j2k_unsigned"):
    ts = pydicom.dcmread(os.path.join(name, os.listdir(name)[0])).file_meta.TransferSyntaxUID
    cases.append({"folder": name, "transfer_syntax": str(ts)})
expected["series"] = cases
with open("expected.json", "w") as f:
    json.dump(expected, f)
print(json.dumps(cases, indent=1))
