#!/usr/bin/python3
"""Writes the ONNX test fixtures in src/test/resources/encoders/, exported by torch.onnx.export at
opset 11 as all-MiniLM-L6-v2's model.onnx was (the exporter keeps module names except for the
MatMul weights it transposes, named onnx::MatMul_N):
- minilm-onnx/: the tiny MiniLM-style BERT of encoders/minilm/ (same weights, read from its
  model.safetensors), graph output last_hidden_state; Java must reproduce minilm/states.npy and
  pooled_mean.npy from it;
- vit-onnx/: the tiny timm ViT of encoders/vit/ (same weights) in a module with timm's names,
  graph output the token states after the final norm; Java must reproduce vit/tokens.npy.

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


class TimmVit(torch.nn.Module):
    """A ViT with timm's module names and maths (pre-norm blocks, fused qkv, GELU MLP), tokens after the final norm."""

    def __init__(self, size=64, patch=16, width=48, depth=2, heads=3, mlp=96):
        super().__init__()
        self.heads = heads
        self.patch_embed = torch.nn.Module()
        self.patch_embed.proj = torch.nn.Conv2d(3, width, patch, patch)
        self.cls_token = torch.nn.Parameter(torch.zeros(1, 1, width))
        self.pos_embed = torch.nn.Parameter(torch.zeros(1, (size // patch) ** 2 + 1, width))
        self.blocks = torch.nn.ModuleList()
        for _ in range(depth):
            b = torch.nn.Module()
            b.norm1 = torch.nn.LayerNorm(width, eps=1e-6)
            b.attn = torch.nn.Module()
            b.attn.qkv = torch.nn.Linear(width, 3 * width)
            b.attn.proj = torch.nn.Linear(width, width)
            b.norm2 = torch.nn.LayerNorm(width, eps=1e-6)
            b.mlp = torch.nn.Module()
            b.mlp.fc1 = torch.nn.Linear(width, mlp)
            b.mlp.fc2 = torch.nn.Linear(mlp, width)
            self.blocks.append(b)
        self.norm = torch.nn.LayerNorm(width, eps=1e-6)

    def forward(self, x):
        t = self.patch_embed.proj(x).flatten(2).transpose(1, 2)
        t = torch.cat([self.cls_token.expand(t.shape[0], -1, -1), t], dim=1) + self.pos_embed
        for b in self.blocks:
            h = b.norm1(t)
            n, l, c = h.shape
            q, k, v = b.attn.qkv(h).reshape(n, l, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
            a = torch.softmax(q @ k.transpose(-2, -1) / (c // self.heads) ** 0.5, dim=-1)
            t = t + b.attn.proj((a @ v).transpose(1, 2).reshape(n, l, c))
            t = t + b.mlp.fc2(torch.nn.functional.gelu(b.mlp.fc1(b.norm2(t))))
        return self.norm(t)


def export_vit():
    src = ENC / "vit"
    weights = {k: v for k, v in load_safetensors(src / "model.safetensors").items() if not k.startswith("head.")}
    vit = TimmVit().eval()
    vit.load_state_dict(weights)
    x = torch.from_numpy(np.load(src / "input.npy"))
    assert np.abs(vit(x).detach().numpy() - np.load(src / "tokens.npy")).max() < 1e-4, "the timm-named ViT reproduces the fixture"
    out = ENC / "vit-onnx"
    out.mkdir(exist_ok=True)
    torch.onnx.export(vit, (x,), out / "model.onnx", input_names=["pixel_values"], output_names=["tokens"], opset_version=11,
                      dynamic_axes={"pixel_values": {0: "batch"}, "tokens": {0: "batch"}})
    shutil.copy(src / "config.json", out / "config.json")
    print("wrote", out / "model.onnx", (out / "model.onnx").stat().st_size, "bytes")


def main():
    export_vit()
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
