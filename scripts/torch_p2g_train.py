"""The course's phoneme-to-spelling model trained in PyTorch (Debian python3-torch, CPU), as a
cross-check of the GoMLX implementation in pkg/models/seq2seq: same layers and schedule (Adam 0.003,
dropout 0.3, 20 epochs, batch 64, H = 128, best validation CER kept), then greedy decoding and
nucleus sampling (p, k samples) on the test split, repeated with sampling seeds 0-4.

    /usr/bin/python3 scripts/torch_p2g_train.py --seed 42 --out results/seq2seq/pytorch/torch-attn-seed42.json

As in the course's skeleton, sampling does not mask the special symbols. About 9 minutes per
run on 2 cores."""
import argparse, json, os, random, time
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F

ap = argparse.ArgumentParser()
ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pkg", "datasets", "p2gdata", "course"),
                help="folder with train.tsv, valid.tsv, test.tsv (default: the course data vendored in the module)")
ap.add_argument("--seed", type=int, default=42)
ap.add_argument("--epochs", type=int, default=20)
ap.add_argument("--attention", type=int, default=1)
ap.add_argument("--p", type=float, default=0.8)
ap.add_argument("--k", type=int, default=3)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--out", default="")
a = ap.parse_args()
torch.set_num_threads(a.threads)
random.seed(a.seed); np.random.seed(a.seed); torch.manual_seed(a.seed)
PAD, SOS, EOS, UNK = 0, 1, 2, 3

def read(name):
    rows = []
    for line in open(f"{a.data}/{name}.tsv", encoding="utf-8"):
        s, t = line.rstrip("\n").split("\t")
        rows.append((s.split(), list(t)))
    return rows

train, valid, test = read("train"), read("valid"), read("test")
def vocab(seqs):
    itos = ["<pad>", "<sos>", "<eos>", "<unk>"] + sorted({x for s in seqs for x in s})
    return itos, {x: i for i, x in enumerate(itos)}
src_itos, src_stoi = vocab(s for s, _ in train)
tgt_itos, tgt_stoi = vocab(t for _, t in train)

def encode(rows):
    return [([src_stoi.get(x, UNK) for x in s], [tgt_stoi.get(x, UNK) for x in t]) for s, t in rows]

def pad(seqs):
    m = max(len(s) for s in seqs)
    return torch.tensor([s + [PAD] * (m - len(s)) for s in seqs])

class Model(nn.Module):
    def __init__(self, sv, tv, h, attention, dropout=0.3):
        super().__init__()
        self.src_emb = nn.Embedding(sv, h, padding_idx=PAD)
        self.enc = nn.LSTM(h, h // 2, bidirectional=True, batch_first=True)
        self.tgt_emb = nn.Embedding(tv, h, padding_idx=PAD)
        self.dec = nn.LSTM(h, h, batch_first=True)
        self.drop = nn.Dropout(dropout)
        self.attention = attention
        if attention:
            self.w_h = nn.Linear(h, h, bias=False); self.w_s = nn.Linear(h, h, bias=False)
            self.v = nn.Linear(h, 1, bias=False); self.w_out = nn.Linear(2 * h, h)
        self.gen = nn.Linear(h, tv)
        self.gen.weight = self.tgt_emb.weight

    def encode(self, src, lens):
        emb = self.drop(self.src_emb(src))
        packed = nn.utils.rnn.pack_padded_sequence(emb, lens, batch_first=True, enforce_sorted=False)
        out, (h, c) = self.enc(packed)
        enc, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=src.shape[1])
        state = (torch.cat([h[0], h[1]], -1).unsqueeze(0), torch.cat([c[0], c[1]], -1).unsqueeze(0))
        return self.drop(enc), state

    def decode(self, tgt_in, state, enc, lens):
        dec, state = self.dec(self.drop(self.tgt_emb(tgt_in)), state)
        if self.attention:
            scores = self.v(torch.tanh(self.w_h(enc).unsqueeze(1) + self.w_s(dec).unsqueeze(2))).squeeze(-1)
            mask = torch.arange(enc.shape[1]).unsqueeze(0) < lens.unsqueeze(1)
            scores = scores.masked_fill(~mask.unsqueeze(1), float("-inf"))
            ctx = torch.bmm(torch.softmax(scores, -1), enc)
            dec = torch.tanh(self.w_out(torch.cat([ctx, dec], -1)))
        return self.gen(self.drop(dec)), state

def lev(x, y):
    prev = list(range(len(y) + 1))
    for i, cx in enumerate(x, 1):
        cur = [i]
        for j, cy in enumerate(y, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (cx != cy)))
        prev = cur
    return prev[-1]

def cer_wer(preds, gold):
    d = sum(lev(g, p) for p, g in zip(preds, gold))
    return d / sum(len(g) for g in gold), sum(p != g for p, g in zip(preds, gold)) / len(gold)

def nucleus(logits, p, gen):
    probs = torch.softmax(logits, -1)
    sp, si = torch.sort(probs, -1, descending=True)
    keep = (torch.cumsum(sp, -1) - sp) < p  # tokens before which the mass is still below p
    sp = sp * keep
    pick = torch.multinomial(sp / sp.sum(-1, keepdim=True), 1, generator=gen)
    return si.gather(-1, pick).squeeze(-1)

@torch.no_grad()
def generate(model, rows, p=None, gen=None, max_len=50):
    model.eval()
    out = []
    for start in range(0, len(rows), 250):
        chunk = rows[start:start + 250]
        src = pad([s for s, _ in chunk]); lens = torch.tensor([len(s) for s, _ in chunk])
        enc, state = model.encode(src, lens)
        prev = torch.full((len(chunk), 1), SOS)
        seqs = [[] for _ in chunk]; done = [False] * len(chunk)
        for _ in range(max_len):
            logits, state = model.decode(prev, state, enc, lens)
            logits = logits[:, -1]
            nxt = logits.argmax(-1) if p is None else nucleus(logits, p, gen)
            for i, t in enumerate(nxt.tolist()):
                if not done[i]:
                    if t == EOS: done[i] = True
                    else: seqs[i].append(t)
            if all(done): break
            prev = nxt.unsqueeze(1)
        out += ["".join(tgt_itos[t] for t in s if t > UNK) for s in seqs]
    return out

tr, va, te = encode(train), encode(valid), encode(test)
gold_va, gold_te = ["".join(t) for _, t in valid], ["".join(t) for _, t in test]
model = Model(len(src_itos), len(tgt_itos), 128, bool(a.attention))
opt = torch.optim.Adam(model.parameters(), lr=0.003)
best, best_state, hist = 9, None, []
t0 = time.time()
for epoch in range(1, a.epochs + 1):
    model.train()
    order = torch.randperm(len(tr)).tolist()
    for s in range(0, len(order), 64):
        batch = [tr[i] for i in order[s:s + 64]]
        src = pad([x for x, _ in batch]); lens = torch.tensor([len(x) for x, _ in batch])
        tin = pad([[SOS] + y for _, y in batch]); tout = pad([y + [EOS] for _, y in batch])
        enc, state = model.encode(src, lens)
        logits, _ = model.decode(tin, state, enc, lens)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tout.reshape(-1), ignore_index=PAD)
        opt.zero_grad(); loss.backward(); opt.step()
    vc, vw = cer_wer(generate(model, va), gold_va)
    hist.append((epoch, round(vc, 4), round(vw, 4)))
    print(f"epoch {epoch} loss {loss.item():.4f} val CER {vc:.4f} WER {vw:.4f} ({time.time()-t0:.0f}s)", flush=True)
    if vc < best:
        best, best_state = vc, {k: v.clone() for k, v in model.state_dict().items()}
model.load_state_dict(best_state)
res = {"seed": a.seed, "attention": a.attention, "best_val_cer": best, "history": hist, "seconds": time.time() - t0}
res["greedy"] = cer_wer(generate(model, te), gold_te)
for sseed in [0, 1, 2, 3, 4]:
    gen = torch.Generator().manual_seed(sseed)
    runs = [generate(model, te, a.p, gen) for _ in range(1 + a.k)]
    c, w = cer_wer(runs[0], gold_te)
    atk = sum(g not in set(r[i] for r in runs[1:]) for i, g in enumerate(gold_te)) / len(gold_te)
    res[f"nucleus_s{sseed}"] = (c, w, atk)
    print(f"sampling seed {sseed}: nucleus p={a.p} CER {c:.4f} WER {w:.4f} WER@{a.k} {atk:.3f}", flush=True)
print(json.dumps(res))
if a.out: json.dump(res, open(a.out, "w"), indent=1)
