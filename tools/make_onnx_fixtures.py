#!/usr/bin/python3
"""Writes the ONNX test fixture src/test/resources/encoders/minilm-onnx/: the tiny MiniLM-style BERT
of src/test/resources/encoders/minilm/ (same weights, read from its model.safetensors) exported by
torch.onnx.export at opset 11, as all-MiniLM-L6-v2's model.onnx was (its graph's output is
last_hidden_state; the exporter keeps module names except for the MatMul weights it transposes,
named onnx::MatMul_N). Java must reproduce minilm/states.npy and pooled_mean.npy from it.

Run after tools/make_encoder_fixtures.py, with Debian's python3-torch (1.13) and python3-torchvision:
    /usr/bin/python3 tools/make_onnx_fixtures.py
"""
import importlib.util
import json
import pathlib
import shutil
import struct
import sys

import numpy as np
import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent
ENC = ROOT / "src/test/resources/encoders"
spec = importlib.util.spec_from_file_location("encoder_fixtures", ROOT / "tools/make_encoder_fixtures.py")
fixtures = importlib.util.module_from_spec(spec)
sys.argv = [sys.argv[0]]
spec.loader.exec_module(fixtures)  # definitions only: its main block runs under __main__ alone

DTYPES = {"F32": np.float32, "I64": np.int64}


def load_safetensors(path):
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype=DTYPES[e["dtype"]]).reshape(e["shape"]).copy())
    return out


class LastHiddenState(torch.nn.Module):
    """The BERT's token states only, as the exported all-MiniLM-L6-v2 graph gives them."""

    def __init__(self, bert):
        super().__init__()
        self.embeddings = bert.embeddings
        self.encoder = bert.encoder

    def forward(self, input_ids, attention_mask):
        return self.encoder(self.embeddings(input_ids), attention_mask)


def main():
    src = ENC / "minilm"
    vocab_size = json.loads((src / "config.json").read_text())["vocab_size"]
    bert = fixtures.BertModel(vocab_size)
    bert.load_state_dict(load_safetensors(src / "model.safetensors"))
    model = LastHiddenState(bert.eval())
    ref = json.loads((src / "reference.json").read_text())
    ids, mask = torch.tensor(ref["ids"]), torch.tensor(ref["mask"])
    expected = np.load(src / "states.npy")
    assert np.abs(model(ids, mask).detach().numpy() - expected).max() < 1e-5, "the reloaded model reproduces the fixture"
    out = ENC / "minilm-onnx"
    out.mkdir(exist_ok=True)
    torch.onnx.export(model, (ids, mask), out / "model.onnx", input_names=["input_ids", "attention_mask"],
                      output_names=["last_hidden_state"], opset_version=11,
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                                    "last_hidden_state": {0: "batch", 1: "sequence"}})
    for f in ("config.json", "tokenizer.json"):
        shutil.copy(src / f, out / f)
    print("wrote", out / "model.onnx", (out / "model.onnx").stat().st_size, "bytes")


if __name__ == "__main__":
    main()
