#!/usr/bin/python3
"""Writes the pretrained-encoder test fixtures in src/test/resources/encoders/.

Tiny random checkpoints with the exact key names of the files users download (timm ViT as
model.safetensors and pytorch_model.bin; an all-MiniLM-style BERT as model.safetensors +
tokenizer.json + config.json; a BioBERT-style BERT as pytorch_model.bin with bert. prefixes,
gamma/beta LayerNorm names and pre-training heads + vocab.txt + config.json), fixed inputs, and
the outputs of reference implementations: torchvision's VisionTransformer (renamed to timm keys)
and a BERT written here with HuggingFace's module names and maths. Also the position-embedding
resampling of timm (F.interpolate bicubic, antialias=True), dtype samples and unsafe pickles.

Run with Debian's python3-torch (1.13) and python3-torchvision:  /usr/bin/python3 tools/make_encoder_fixtures.py
The sizes match the medvlm-tiny variant (ViT width 48, depth 2, 3 heads, MLP 2x; BERT width 32,
2 layers, 2 heads, MLP 64, 128 positions) so a tiny Med-VLM can train from them.
"""
import json
import math
import os
import pathlib
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models.vision_transformer import VisionTransformer

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "src/test/resources/encoders"
torch.manual_seed(20261128)
np.random.seed(20261128)


def save_npy(path, array):
    np.save(path, np.ascontiguousarray(array, dtype=np.float32))


def save_safetensors(path, tensors, metadata=None):
    """The safetensors layout: u64 header length, JSON header (padded with spaces to 8 bytes), data."""
    header = {}
    blobs = []
    offset = 0
    names = sorted(tensors, key=lambda k: (-tensors[k].element_size(), k))  # as the reference writer: by alignment, then name
    for name in names:
        t = tensors[name].contiguous()
        data = t.view(torch.uint8).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        dtype = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64", torch.float64: "F64",
                 torch.int32: "I32", torch.uint8: "U8"}[t.dtype]
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


# ---------------------------------------------------------------- ViT (timm keys)
def timm_state_dict(tv):
    """torchvision VisionTransformer parameters under timm's names."""
    sd = {}
    g = tv.state_dict()
    sd["cls_token"] = g["class_token"]
    sd["pos_embed"] = g["encoder.pos_embedding"]
    sd["patch_embed.proj.weight"] = g["conv_proj.weight"]
    sd["patch_embed.proj.bias"] = g["conv_proj.bias"]
    for i in range(len(tv.encoder.layers)):
        p = f"encoder.layers.encoder_layer_{i}."
        q = f"blocks.{i}."
        sd[q + "norm1.weight"] = g[p + "ln_1.weight"]
        sd[q + "norm1.bias"] = g[p + "ln_1.bias"]
        sd[q + "attn.qkv.weight"] = g[p + "self_attention.in_proj_weight"]
        sd[q + "attn.qkv.bias"] = g[p + "self_attention.in_proj_bias"]
        sd[q + "attn.proj.weight"] = g[p + "self_attention.out_proj.weight"]
        sd[q + "attn.proj.bias"] = g[p + "self_attention.out_proj.bias"]
        sd[q + "norm2.weight"] = g[p + "ln_2.weight"]
        sd[q + "norm2.bias"] = g[p + "ln_2.bias"]
        sd[q + "mlp.fc1.weight"] = g[p + "mlp.0.weight"]
        sd[q + "mlp.fc1.bias"] = g[p + "mlp.0.bias"]
        sd[q + "mlp.fc2.weight"] = g[p + "mlp.3.weight"]
        sd[q + "mlp.fc2.bias"] = g[p + "mlp.3.bias"]
    sd["norm.weight"] = g["encoder.ln.weight"]
    sd["norm.bias"] = g["encoder.ln.bias"]
    sd["head.weight"] = g["heads.head.weight"]
    sd["head.bias"] = g["heads.head.bias"]
    return {k: v.clone().contiguous() for k, v in sd.items()}


def randomise(module, std=0.2):
    """Non-trivial values everywhere (LayerNorm weights near 1, biases and embeddings random)."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name.endswith("ln.weight") or "LayerNorm.weight" in name:
                p.copy_(1 + 0.1 * torch.randn_like(p))
            else:
                p.copy_(std * torch.randn_like(p))


def vit_tokens(tv, x):
    """Token states after the final norm (class token first): torchvision's forward without the head."""
    with torch.no_grad():
        n = x.shape[0]
        t = tv._process_input(x)
        t = torch.cat([tv.class_token.expand(n, -1, -1), t], dim=1)
        return tv.encoder(t)  # adds pos_embedding, runs the layers, applies ln


def timm_resample(pos, new_grid):
    """timm.layers.resample_abs_pos_embed: class token kept, grid bicubic with antialias."""
    dim = pos.shape[-1]
    old = int(math.sqrt(pos.shape[1] - 1))
    grid = pos[:, 1:].reshape(1, old, old, dim).permute(0, 3, 1, 2)
    grid = F.interpolate(grid, size=(new_grid, new_grid), mode="bicubic", antialias=True, align_corners=False)
    return torch.cat([pos[:, :1], grid.permute(0, 2, 3, 1).reshape(1, new_grid * new_grid, dim)], dim=1)


def make_vit():
    d = OUT / "vit"
    d.mkdir(parents=True, exist_ok=True)
    tv = VisionTransformer(image_size=64, patch_size=16, num_layers=2, num_heads=3, hidden_dim=48, mlp_dim=96, num_classes=5).eval()
    randomise(tv)
    sd = timm_state_dict(tv)
    save_safetensors(d / "model.safetensors", sd)
    torch.save(sd, d / "pytorch_model.bin")
    (d / "config.json").write_text(json.dumps({
        "architecture": "vit_tiny_patch16_224", "num_classes": 5, "num_features": 48, "global_pool": "token",
        "model_args": {"img_size": 64, "embed_dim": 48, "depth": 2, "num_heads": 3, "mlp_ratio": 2.0},
        "pretrained_cfg": {"input_size": [3, 64, 64], "interpolation": "bicubic", "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5],
                           "first_conv": "patch_embed.proj", "classifier": "head"}}, indent=2) + "\n")
    x = torch.randn(2, 3, 64, 64)
    save_npy(d / "input.npy", x.numpy())
    save_npy(d / "tokens.npy", vit_tokens(tv, x).numpy())
    # another input size: timm resamples pos_embed; torchvision built at 96 px with those embeddings is the reference
    tv96 = VisionTransformer(image_size=96, patch_size=16, num_layers=2, num_heads=3, hidden_dim=48, mlp_dim=96, num_classes=5).eval()
    g = tv.state_dict()
    g["encoder.pos_embedding"] = timm_resample(g["encoder.pos_embedding"], 6)
    tv96.load_state_dict(g)
    x96 = torch.randn(1, 3, 96, 96)
    save_npy(d / "input96.npy", x96.numpy())
    save_npy(d / "tokens96.npy", vit_tokens(tv96, x96).numpy())
    # the study's case: a 14x14 grid (224 px) to 6x6 (96 px, shrinking) and 20x20 (320 px, growing)
    pos = torch.randn(1, 197, 8)
    save_npy(d / "pos14.npy", pos.numpy())
    for g2 in (6, 20):
        save_npy(d / f"pos14_to_{g2}.npy", timm_resample(pos, g2).numpy())
    # half-precision copies, as some hub files are
    save_safetensors(d / "model-f16.safetensors", {k: v.half() for k, v in sd.items()}, {"format": "pt"})
    save_safetensors(d / "model-bf16.safetensors", {k: v.bfloat16() for k, v in sd.items()}, {"format": "pt"})
    # the f16 rounding of the reference output: what a loader of the f16 file must reproduce
    tv16 = VisionTransformer(image_size=64, patch_size=16, num_layers=2, num_heads=3, hidden_dim=48, mlp_dim=96, num_classes=5).eval()
    tv16.load_state_dict({k: v.half().float() for k, v in tv.state_dict().items()})
    save_npy(d / "tokens-f16.npy", vit_tokens(tv16, x).numpy())


# ---------------------------------------------------------------- BERT (HuggingFace module names)
class Embeddings(nn.Module):
    def __init__(self, vocab, hidden, positions, types):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, hidden)
        self.position_embeddings = nn.Embedding(positions, hidden)
        self.token_type_embeddings = nn.Embedding(types, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-12)
        self.register_buffer("position_ids", torch.arange(positions).expand((1, -1)))

    def forward(self, ids):
        pos = self.position_ids[:, : ids.shape[1]]
        types = torch.zeros_like(ids)
        return self.LayerNorm(self.word_embeddings(ids) + self.position_embeddings(pos) + self.token_type_embeddings(types))


class SelfAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)

    def forward(self, x, mask):
        n, l, h = x.shape
        dh = h // self.heads
        split = lambda t: t.view(n, l, self.heads, dh).permute(0, 2, 1, 3)
        scores = split(self.query(x)) @ split(self.key(x)).transpose(-1, -2) / math.sqrt(dh)
        scores = scores + (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min  # HF's extended mask
        ctx = scores.softmax(-1) @ split(self.value(x))
        return ctx.permute(0, 2, 1, 3).reshape(n, l, h)


class Output(nn.Module):
    def __init__(self, inner, hidden):
        super().__init__()
        self.dense = nn.Linear(inner, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, h, residual):
        return self.LayerNorm(self.dense(h) + residual)


class Attention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        setattr(self, "self", SelfAttention(hidden, heads))
        self.output = Output(hidden, hidden)

    def forward(self, x, mask):
        return self.output(getattr(self, "self")(x, mask), x)


class Intermediate(nn.Module):
    def __init__(self, hidden, inner):
        super().__init__()
        self.dense = nn.Linear(hidden, inner)

    def forward(self, x):
        return F.gelu(self.dense(x))


class Layer(nn.Module):
    def __init__(self, hidden, heads, inner):
        super().__init__()
        self.attention = Attention(hidden, heads)
        self.intermediate = Intermediate(hidden, inner)
        self.output = Output(inner, hidden)

    def forward(self, x, mask):
        a = self.attention(x, mask)
        return self.output(self.intermediate(a), a)


class Encoder(nn.Module):
    def __init__(self, hidden, heads, inner, layers):
        super().__init__()
        self.layer = nn.ModuleList([Layer(hidden, heads, inner) for _ in range(layers)])

    def forward(self, x, mask):
        for l in self.layer:
            x = l(x, mask)
        return x


class Pooler(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.dense = nn.Linear(hidden, hidden)

    def forward(self, x):
        return torch.tanh(self.dense(x[:, 0]))


class BertModel(nn.Module):
    def __init__(self, vocab, hidden=32, layers=2, heads=2, inner=64, positions=128, types=2):
        super().__init__()
        self.embeddings = Embeddings(vocab, hidden, positions, types)
        self.encoder = Encoder(hidden, heads, inner, layers)
        self.pooler = Pooler(hidden)

    def forward(self, ids, mask):
        states = self.encoder(self.embeddings(ids), mask)
        m = mask[..., None].float()
        return states, (states * m).sum(1) / m.sum(1).clamp(min=1), self.pooler(states)


def vocabulary(lowercase):
    words = set()
    for line in (ROOT / "prompts/btcv-organs.tsv").read_text().splitlines():
        if line.startswith("#") or line.startswith("organ_id"):
            continue
        for w in line.split("\t")[2].replace(",", " , ").replace(".", " . ").replace("-", " - ").replace("(", " ( ").replace(")", " ) ").split():
            words.add(w.lower() if lowercase else w)
    chars = [chr(c) for c in range(ord("a"), ord("z") + 1)] + [chr(c) for c in range(ord("A"), ord("Z") + 1)] + list("0123456789.,;:-()/'%")
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    return special + chars + ["##" + c for c in chars] + sorted(words - set(chars))


def tokenizer_json(vocab):
    """A BERT WordPiece tokenizer.json as HuggingFace tokenizers writes it (lower-casing, as MiniLM)."""
    ids = {t: i for i, t in enumerate(vocab)}
    special = lambda t: {"id": ids[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [special(t) for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                                    {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                           "special_tokens": {t: {"id": t, "ids": [ids[t]], "tokens": [t]} for t in ["[CLS]", "[SEP]"]}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": ids},
    }


def bert_config(vocab_size):
    return {"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
            "intermediate_size": 64, "hidden_act": "gelu", "max_position_embeddings": 128, "type_vocab_size": 2, "vocab_size": vocab_size,
            "layer_norm_eps": 1e-12, "position_embedding_type": "absolute", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1}


def bert_references(d, model, vocab):
    ids = {t: i for i, t in enumerate(vocab)}
    rng = np.random.default_rng(7)
    seq = [ids["[CLS]"]] + [int(i) for i in rng.integers(5, len(vocab), 9)] + [ids["[SEP]"]]
    short = seq[:6] + [ids["[SEP]"]]
    batch = torch.tensor([seq, short + [0] * (len(seq) - len(short))])
    mask = torch.tensor([[1] * len(seq), [1] * len(short) + [0] * (len(seq) - len(short))])
    model.eval()
    with torch.no_grad():
        states, mean, pooler = model(batch, mask)
    save_npy(d / "states.npy", states.numpy())
    save_npy(d / "pooled_mean.npy", mean.numpy())
    save_npy(d / "pooler.npy", pooler.numpy())
    (d / "reference.json").write_text(json.dumps({"ids": batch.tolist(), "mask": mask.tolist()}) + "\n")


def make_minilm():
    d = OUT / "minilm"
    d.mkdir(parents=True, exist_ok=True)
    vocab = vocabulary(lowercase=True)
    model = BertModel(len(vocab))
    randomise(model)
    sd = {k: v.clone().contiguous() for k, v in model.state_dict().items()}  # includes the embeddings.position_ids buffer (I64)
    save_safetensors(d / "model.safetensors", sd, {"format": "pt"})
    (d / "config.json").write_text(json.dumps(bert_config(len(vocab)), indent=2) + "\n")
    (d / "tokenizer.json").write_text(json.dumps(tokenizer_json(vocab)) + "\n")
    bert_references(d, model, vocab)


def make_biobert():
    d = OUT / "biobert"
    d.mkdir(parents=True, exist_ok=True)
    vocab = vocabulary(lowercase=False)
    model = BertModel(len(vocab))
    randomise(model)
    sd = {}
    for k, v in model.state_dict().items():
        if k == "embeddings.position_ids":
            continue  # BioBERT v1.1's file predates the buffer
        k = k.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
        sd["bert." + k] = v.clone()
    h = 32
    sd["cls.predictions.bias"] = torch.zeros(len(vocab))
    sd["cls.predictions.transform.dense.weight"] = torch.randn(h, h)
    sd["cls.predictions.transform.dense.bias"] = torch.zeros(h)
    sd["cls.predictions.transform.LayerNorm.gamma"] = torch.ones(h)
    sd["cls.predictions.transform.LayerNorm.beta"] = torch.zeros(h)
    sd["cls.seq_relationship.weight"] = torch.randn(2, h)
    sd["cls.seq_relationship.bias"] = torch.zeros(2)
    # a transposed (non-contiguous) view, as state dicts of tied or transposed weights hold: strides matter
    sd["bert.pooler.dense.weight"] = model.pooler.dense.weight.detach().t().contiguous().t()
    torch.save(sd, d / "pytorch_model.bin")
    cfg = bert_config(len(vocab))
    cfg["architectures"] = ["BertForPreTraining"]
    (d / "config.json").write_text(json.dumps(cfg, indent=2) + "\n")
    (d / "vocab.txt").write_text("\n".join(vocab) + "\n")
    bert_references(d, model, vocab)


# ---------------------------------------------------------------- formats and bad files
class Evil:
    def __init__(self, fn, arg):
        self.fn, self.arg = fn, arg

    def __reduce__(self):
        return (self.fn, (self.arg,))


def make_formats():
    d = OUT / "formats"
    d.mkdir(parents=True, exist_ok=True)
    values = torch.tensor([[0.0, 1.0, -2.5, 65504.0], [1e-3, -1e-7, 3.140625, 100.0]])
    save_safetensors(d / "dtypes.safetensors", {"f32": values, "f16": values.half(), "bf16": values.bfloat16(), "f64": values.double(),
                                                "i64": torch.tensor([1, -2, 3], dtype=torch.int64)}, {"note": "dtype samples"})
    (d / "dtypes.json").write_text(json.dumps({"f32": values.flatten().tolist(), "f16": values.half().float().flatten().tolist(),
                                               "bf16": values.bfloat16().float().flatten().tolist(), "i64": [1, -2, 3]}) + "\n")
    # a view with an offset and strides: rows 1.. of a transposed matrix share one storage with the base
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    torch.save({"base": base, "view": base.t()[1:], "half": base.half()}, d / "views.bin")
    torch.save({"w": torch.ones(2)}, d / "legacy.bin", _use_new_zipfile_serialization=False)
    torch.save({"w": Evil(os.system, "echo pwned > /tmp/medvlm-pwned")}, d / "evil-system.bin")
    torch.save({"w": Evil(eval, "__import__('os').system('echo pwned')")}, d / "evil-eval.bin")


if __name__ == "__main__":
    make_vit()
    make_minilm()
    make_biobert()
    make_formats()
    for f in sorted(OUT.rglob("*")):
        if f.is_file():
            print(f"{f.stat().st_size:>9}  {f.relative_to(ROOT)}")
    sys.exit(0)
