#!/usr/bin/env python3
"""Reference fixtures from the real libraries users' checkpoints come from: timm and HuggingFace
transformers (and safetensors). Needs a Python with torch, timm and transformers (the project's
GPU machine has them; Debian has no timm), runs on the CPU in float32:

    OUT=/tmp/out python3 tools/make_reference_fixtures_timm_hf.py   # writes $OUT/encoders-real/

Copy the folder to src/test/resources/encoders/real/; EncoderParityTest checks our loaders and
encoders against it. Tiny random models the size of medvlm-tiny, perturbed so that every weight
matters:
  vit/   timm VisionTransformer (64 px, width 48, depth 2, 3 heads): model.safetensors written by
         safetensors.torch.save_file, pytorch_model.bin by torch.save, timm-hub config.json; tokens
         of forward_features at 64 px and, with pos_embed resampled by timm's
         resample_abs_pos_embed (bicubic, antialias), at 96 px.
  bert/  transformers BertModel.save_pretrained (model.safetensors, config.json) and the
         tokenizers library's BertWordPieceTokenizer on a cased vocab.txt (tokenizer.json); its
         token ids of two prompts, last_hidden_state, masked mean and pooler_output.
  bert-pretraining/  BertForPreTraining: its config.json and torch.save of its state dict as
         pytorch_model.bin, with bert. prefixes and the cls.* heads, as BioBERT ships; same outputs.
"""
import json
import os
import pathlib

import numpy as np
import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = pathlib.Path(os.environ.get("OUT", "/tmp")) / "encoders-real"
torch.manual_seed(20261128)
torch.set_grad_enabled(False)


def npy(path, t):
    np.save(path, np.ascontiguousarray(t.detach().cpu().numpy(), dtype=np.float32))


def perturb(model, scale=0.05):
    for p in model.parameters():
        p.add_(torch.randn_like(p) * scale)


versions = {"torch": torch.__version__}

# ---------------------------------------------------------------- timm ViT
import timm
from timm.models.vision_transformer import VisionTransformer
from timm.layers import resample_abs_pos_embed
from safetensors.torch import save_file
import safetensors

versions["timm"] = timm.__version__
versions["safetensors"] = safetensors.__version__
vit_dir = OUT / "vit"
vit_dir.mkdir(parents=True, exist_ok=True)
args = dict(patch_size=16, embed_dim=48, depth=2, num_heads=3, mlp_ratio=2.0, num_classes=10)
vit = VisionTransformer(img_size=64, **args).eval()
perturb(vit)
sd = {k: v.contiguous() for k, v in vit.state_dict().items()}
save_file(sd, str(vit_dir / "model.safetensors"), metadata={"format": "pt"})
torch.save(sd, vit_dir / "pytorch_model.bin")
json.dump({"architecture": "vit_tiny_patch16_224", "num_classes": 10, "num_features": 48, "global_pool": "token",
           "model_args": dict(img_size=64, **{k: v for k, v in args.items() if k != "num_classes"})},
          open(vit_dir / "config.json", "w"), indent=2)
x = torch.rand(2, 3, 64, 64)
npy(vit_dir / "input.npy", x)
npy(vit_dir / "tokens.npy", vit.forward_features(x))
vit96 = VisionTransformer(img_size=96, **args).eval()
sd96 = dict(sd)
sd96["pos_embed"] = resample_abs_pos_embed(sd["pos_embed"], new_size=(6, 6), num_prefix_tokens=1, interpolation="bicubic", antialias=True)
vit96.load_state_dict(sd96)
x96 = torch.rand(2, 3, 96, 96)
npy(vit_dir / "input96.npy", x96)
npy(vit_dir / "tokens96.npy", vit96.forward_features(x96))
print("vit", vit_dir, sorted(os.listdir(vit_dir)))

# ---------------------------------------------------------------- HF BERT
import transformers
from transformers import BertConfig, BertForPreTraining, BertModel

versions["transformers"] = transformers.__version__
texts = ["The spleen lies in the left upper quadrant, below the diaphragm.", "liver"]
vocab = ROOT / "src/test/resources/encoders/biobert/vocab.txt"
words = [w for w in vocab.read_text().splitlines() if w]
# HuggingFace's WordPiece tokenizer (the tokenizers library under BertTokenizerFast) on a cased
# vocab.txt, as BioBERT's; transformers 5's BertTokenizerFast(vocab_file=...) ignores the file
import tokenizers
from tokenizers import BertWordPieceTokenizer

versions["tokenizers"] = tokenizers.__version__
wordpiece = BertWordPieceTokenizer(str(vocab), lowercase=False, strip_accents=False, clean_text=True, handle_chinese_chars=True)
wordpiece.enable_padding(pad_id=0, pad_token="[PAD]")
encoded = wordpiece.encode_batch(texts)
enc = {"input_ids": torch.tensor([e.ids for e in encoded]), "attention_mask": torch.tensor([e.attention_mask for e in encoded])}
wordpiece.no_padding()
assert len(wordpiece.get_vocab()) == len(words), "the tokenizer did not take the vocabulary"
config = BertConfig(vocab_size=len(words), hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                    max_position_embeddings=128, type_vocab_size=2, hidden_act="gelu", layer_norm_eps=1e-12)


def outputs(model, folder):
    out = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], token_type_ids=torch.zeros_like(enc["input_ids"]))
    states = out.last_hidden_state
    m = enc["attention_mask"].unsqueeze(-1).float()
    npy(folder / "states.npy", states)
    npy(folder / "pooled_mean.npy", (states * m).sum(1) / m.sum(1))
    npy(folder / "pooler.npy", out.pooler_output)
    json.dump({"texts": texts, "ids": enc["input_ids"].tolist(), "mask": enc["attention_mask"].tolist()}, open(folder / "reference.json", "w"))


bert_dir = OUT / "bert"
bert = BertModel(config).eval()
perturb(bert)
bert.save_pretrained(bert_dir, safe_serialization=True)
wordpiece.save(str(bert_dir / "tokenizer.json"))
outputs(bert, bert_dir)
print("bert", bert_dir, sorted(os.listdir(bert_dir)))

pre_dir = OUT / "bert-pretraining"
pre = BertForPreTraining(config).eval()
pre.bert.load_state_dict(bert.state_dict())
pre.save_pretrained(pre_dir)  # config.json; transformers 5 writes only safetensors, so the weights as BioBERT ships them:
for f in pre_dir.glob("*.safetensors"):
    f.unlink()
torch.save(pre.state_dict(), pre_dir / "pytorch_model.bin")
(pre_dir / "vocab.txt").write_text(vocab.read_text())
outputs(pre.bert, pre_dir)
print("bert-pretraining", pre_dir, sorted(os.listdir(pre_dir)))

json.dump(versions, open(OUT / "versions.json", "w"), indent=2)
print(json.dumps(versions))
