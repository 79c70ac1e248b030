#!/usr/bin/python3
"""PyTorch eager speed of the same architectures as `medvlm bench models`, on the same machine.

ViT-Ti/16 and ViT-B/16 (torchvision VisionTransformer with timm's shapes), the BERT encoders of
MiniLM-L6 and BioBERT-base (the reference BERT of make_encoder_fixtures.py), forward only, batch 8,
224 px or 16 tokens, float32, no gradients, the same thread count as our benchmark (default 2).

    /usr/bin/python3 tools/torch_speed.py [--threads 2] [--repeats 5] [--large]
"""
import argparse
import time

import torch
from torchvision.models.vision_transformer import VisionTransformer

import make_encoder_fixtures as ref


def median_time(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--large", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    print(f"PyTorch {torch.__version__}, {a.threads} threads, batch {a.batch}")
    vits = [("ViT Ti/16 at 224", 192, 12, 3)] + ([("ViT B/16 at 224", 768, 12, 12)] if a.large else [])
    with torch.no_grad():
        for name, dim, depth, heads in vits:
            m = VisionTransformer(image_size=224, patch_size=16, num_layers=depth, num_heads=heads, hidden_dim=dim, mlp_dim=4 * dim).eval()
            x = torch.randn(a.batch, 3, 224, 224)
            s = median_time(lambda: m(x), a.repeats)
            print(f"  {name:<32} {a.batch / s:8.2f} images/s")
        berts = [("MiniLM-L6, 16 tokens", 30522, 384, 6, 12, 1536)] + ([("BioBERT-base, 16 tokens", 28996, 768, 12, 12, 3072)] if a.large else [])
        for name, vocab, hidden, layers, heads, inner in berts:
            m = ref.BertModel(vocab, hidden, layers, heads, inner, 512, 2).eval()
            ids = torch.randint(5, vocab, (a.batch, 16))
            mask = torch.ones(a.batch, 16, dtype=torch.long)
            s = median_time(lambda: m(ids, mask), a.repeats)
            print(f"  {name:<32} {a.batch / s:8.2f} sequences/s")


if __name__ == "__main__":
    main()
