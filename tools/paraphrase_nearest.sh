#!/usr/bin/env bash
# Which organ the bundled, frozen all-MiniLM-L6-v2 itself reads in each held-out paraphrase: the
# organ of the training phrasing (prompts/btcv-organs.tsv) nearest to it by cosine similarity of
# mean-pooled, normalised token states (the model card's sentence embedding). No training: a
# bound on what a model whose text side stays near the pretrained encoder can be expected to do.
#   tools/paraphrase_nearest.sh OUT_DIR        (about 6 minutes on 2 cores; needs python3 + numpy)
# Prints, per paraphrase set, how many of the 13 paraphrases have a nearest phrasing of their own
# organ, and per organ "id:nearest-organ" (! when wrong).
set -euo pipefail
out="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
medvlm="${MEDVLM:-$root/bin/medvlm}"
mkdir -p "$out"
embed() { # text, output file: its token states, reused when already there
  [ -s "$2" ] || "$medvlm" embed --text-weights builtin:all-MiniLM-L6-v2 --text "$1" --out "$2" --overwrite > /dev/null
}
: > "$out/index.tsv"
n=0
while IFS=$'\t' read -r id organ text; do
  n=$((n + 1)); embed "$text" "$out/train-$n.npy"; printf 'train\t%s\t%s\n' "$id" "$out/train-$n.npy" >> "$out/index.tsv"
done < <(tail -n +2 "$root/prompts/btcv-organs.tsv" | grep -v '^#')
for set in paraphrases paraphrases-dev; do
  while IFS=$'\t' read -r id organ text; do
    embed "$text" "$out/$set-$id.npy"; printf '%s\t%s\t%s\n' "$set" "$id" "$out/$set-$id.npy" >> "$out/index.tsv"
  done < <(tail -n +2 "$root/tools/$set.tsv" | grep -v '^#')
done
python3 - "$out/index.tsv" <<'PY'
import sys
import numpy as np
def sentence(f):
    v = np.load(f)[0].mean(0)
    return v / np.linalg.norm(v)
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
train = [r for r in rows if r[0] == "train"]
vectors = np.stack([sentence(r[2]) for r in train])
organ = np.array([int(r[1]) for r in train])
for name in ("paraphrases", "paraphrases-dev"):
    held = [r for r in rows if r[0] == name]
    named = [int(organ[(vectors @ sentence(r[2])).argmax()]) for r in held]
    right = sum(int(r[1]) == k for r, k in zip(held, named))
    print("%s: the nearest training phrasing is of the paraphrase's own organ for %d of %d;" % (name, right, len(held)),
          " ".join("%s:%d%s" % (r[1], k, "" if int(r[1]) == k else "!") for r, k in zip(held, named)))
PY
