#!/usr/bin/python3
"""The project's PyTorch peer for speed comparisons: the homework's models on CPU, one train
step timed at a time (random inputs: this measures speed, not learning).

Needs Debian's python3-torch and an optimised BLAS (`make bench` installs both). The Go
benchmarks (pkg/models/cnn and pkg/models/seq2seq, `make bench`) run this file, embedded in the Go code, as
`/usr/bin/python3 - ARGS` with the script on stdin. By hand:

    /usr/bin/python3 pkg/models/torchpeer/torch_peer.py --check
    /usr/bin/python3 pkg/models/torchpeer/torch_peer.py --task cnn-bn --batch 64 --threads 2
    /usr/bin/python3 pkg/models/torchpeer/torch_peer.py --task s2s-attn --batch 64 --threads 1

Tasks: cnn, cnn-bn (48x48x3 images, 6 classes, SGD 0.01) and s2s, s2s-attn (the course seq2seq,
Adam 0.003). --threads sets PyTorch's and OpenBLAS's thread counts alike, so "1 thread" means one.

Output: a line `BLAS name=... path=... threads=N torch=...` (what the process really mapped,
read from /proc/self/maps), then, unless --check, one line
`RESULT task=... median_ms=... min_ms=... max_ms=... threads=N blas=PATH blas_threads=N ...`.
"""
import argparse
import ctypes
import resource
import statistics
import sys
import time


def peak_rss_kb():
    """This process image's peak resident memory in kB: VmHWM of /proc/self/status. (ru_maxrss
    would carry the peak of the Go process that started this one across exec.)"""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="only report torch and the BLAS in use, then exit")
    p.add_argument("--task", default="cnn", choices=["cnn", "cnn-bn", "s2s", "s2s-attn"])
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--steps", type=int, default=20, help="timed steps (the median is reported)")
    p.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    p.add_argument("--eval", action="store_true", help="forward pass only, no gradients")
    p.add_argument("--threads", type=int, default=1, help="PyTorch and OpenBLAS threads")
    p.add_argument("--src-len", type=int, default=16)
    p.add_argument("--tgt-len", type=int, default=16)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--src-vocab", type=int, default=107, help="the course data's phones incl. 4 specials")
    p.add_argument("--tgt-vocab", type=int, default=93, help="the course data's characters incl. 4 specials")
    return p.parse_args()


def mapped_blas():
    """The BLAS library files this process has mapped: the libblas.so.3 that the dynamic linker
    (and so Debian's alternatives system) chose, and the library behind it."""
    libs = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            name = path.rsplit("/", 1)[-1]
            if any(k in name for k in ("blas", "mkl_rt", "mkl_core", "blis")) and path not in libs:
                libs.append(path)
    return libs


class BLAS:
    """The BLAS in use, and for OpenBLAS its thread control."""

    def __init__(self):
        self.paths = mapped_blas()
        self.lib = None
        self.name = "none mapped"
        for path in self.paths:
            if "openblas" in path:
                self.lib = ctypes.CDLL(path)
                try:
                    self.lib.openblas_get_config.restype = ctypes.c_char_p
                    self.name = "OpenBLAS " + self.lib.openblas_get_config().decode().split()[1]
                except (AttributeError, IndexError):
                    self.name = "OpenBLAS"
                break
        else:
            if any("mkl" in p for p in self.paths):
                self.name = "MKL"
            elif any("blis" in p for p in self.paths):
                self.name = "BLIS"
            elif self.paths:
                self.name = "reference BLAS (netlib)"

    def main_path(self):
        """The library that does the work (libopenblas…so rather than the libblas.so.3 shim)."""
        for key in ("openblas", "mkl", "blis"):
            for p in self.paths:
                if key in p.rsplit("/", 1)[-1]:
                    return p
        return self.paths[0] if self.paths else "none"

    def set_threads(self, n):
        if self.lib is not None and hasattr(self.lib, "openblas_set_num_threads"):
            self.lib.openblas_set_num_threads(n)

    def threads(self):
        if self.lib is not None and hasattr(self.lib, "openblas_get_num_threads"):
            return self.lib.openblas_get_num_threads()
        return 0  # unknown


def build_cnn(nn, F, torch, batch_norm):
    """Three conv blocks (32/64/128 channels, 3x3 same, ReLU, maxpool 2, dropout 0.1) and an MLP
    1024-512-6. Without batch norm: flatten 128x6x6 (5,340,742 parameters). With: BatchNorm2d
    in each block, global average pooling, BatchNorm1d after the 1024 layer (755,718)."""

    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            chans = [(3, 32), (32, 64), (64, 128)]
            self.convs = nn.ModuleList(nn.Conv2d(i, o, 3, padding=1) for i, o in chans)
            self.norms = nn.ModuleList(nn.BatchNorm2d(o) for _, o in chans) if batch_norm else None
            self.fc1 = nn.Linear(128 if batch_norm else 128 * 6 * 6, 1024)
            self.bn1 = nn.BatchNorm1d(1024) if batch_norm else None
            self.fc2 = nn.Linear(1024, 512)
            self.fc3 = nn.Linear(512, 6)
            self.drop = nn.Dropout(0.1)

        def forward(self, x):
            for i, conv in enumerate(self.convs):
                x = conv(x)
                if batch_norm:
                    x = self.norms[i](x)
                x = self.drop(F.max_pool2d(F.relu(x), 2, 2))
            x = x.mean(dim=(2, 3)) if batch_norm else torch.flatten(x, 1)
            x = self.fc1(x)
            if batch_norm:
                x = self.bn1(x)
            x = self.drop(F.relu(x))
            x = self.drop(F.relu(self.fc2(x)))
            return F.log_softmax(self.fc3(x), dim=-1)

    return CNN()


def build_seq2seq(nn, torch, a, attention):
    """The course seq2seq: BiLSTM encoder (H/2 per direction) whose last states start an LSTM
    decoder of size H fed the gold previous characters; optional Bahdanau attention on the
    decoder outputs (v^T tanh(W_h h_i + W_s s_t), masked softmax, tanh(W_out [c_t; s_t]));
    dropout 0.3; generator tied to the target embedding."""
    h = a.hidden

    class Seq2Seq(nn.Module):
        def __init__(self):
            super().__init__()
            self.src_emb = nn.Embedding(a.src_vocab, h, padding_idx=0)
            self.enc = nn.LSTM(h, h // 2, bidirectional=True, batch_first=True)
            self.tgt_emb = nn.Embedding(a.tgt_vocab, h, padding_idx=0)
            self.dec = nn.LSTM(h, h, batch_first=True)
            self.drop = nn.Dropout(0.3)
            if attention:
                self.w_h = nn.Linear(h, h, bias=False)
                self.w_s = nn.Linear(h, h, bias=False)
                self.v = nn.Linear(h, 1, bias=False)
                self.w_out = nn.Linear(2 * h, h)
            self.generator = nn.Linear(h, a.tgt_vocab)
            self.generator.weight = self.tgt_emb.weight

        def forward(self, src, src_len, tgt_in):
            packed = nn.utils.rnn.pack_padded_sequence(self.drop(self.src_emb(src)), src_len,
                                                       batch_first=True, enforce_sorted=False)
            out, (hn, cn) = self.enc(packed)
            enc, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=src.shape[1])
            enc = self.drop(enc)
            state = (torch.cat([hn[0], hn[1]], -1).unsqueeze(0), torch.cat([cn[0], cn[1]], -1).unsqueeze(0))
            dec, _ = self.dec(self.drop(self.tgt_emb(tgt_in)), state)
            if attention:
                scores = self.v(torch.tanh(self.w_h(enc).unsqueeze(1) + self.w_s(dec).unsqueeze(2))).squeeze(-1)
                valid = torch.arange(src.shape[1]).unsqueeze(0) < src_len.unsqueeze(1)
                scores = scores.masked_fill(~valid.unsqueeze(1), float("-inf"))
                ctx = torch.bmm(torch.softmax(scores, -1), enc)
                dec = torch.tanh(self.w_out(torch.cat([ctx, dec], -1)))
            return self.generator(self.drop(dec))

    return Seq2Seq()


def workload(a, torch, nn, F):
    """The model, its optimizer and a function computing the loss on fixed random inputs."""
    B = a.batch
    if a.task.startswith("cnn"):
        model = build_cnn(nn, F, torch, batch_norm=(a.task == "cnn-bn"))
        x, y = torch.rand(B, 3, 48, 48), torch.randint(0, 6, (B,))
        return model, torch.optim.SGD(model.parameters(), lr=0.01), lambda: F.nll_loss(model(x), y)
    model = build_seq2seq(nn, torch, a, attention=(a.task == "s2s-attn"))
    src = torch.randint(4, a.src_vocab, (B, a.src_len))
    src_len = torch.randint(a.src_len // 2, a.src_len + 1, (B,))
    tgt_in = torch.randint(4, a.tgt_vocab, (B, a.tgt_len))
    tgt_out = torch.randint(4, a.tgt_vocab, (B, a.tgt_len))

    def loss():
        logits = model(src, src_len, tgt_in)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1), ignore_index=0)

    return model, torch.optim.Adam(model.parameters(), lr=0.003), loss


def timed_step(a, torch, model, opt, loss_fn):
    """One step (train: forward, backward, update; eval: forward only) in milliseconds."""
    t0 = time.perf_counter()
    if a.eval:
        model.eval()
        with torch.no_grad():
            loss = loss_fn()
    else:
        model.train()
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
    loss.item()
    return (time.perf_counter() - t0) * 1000


def main():
    a = parse_args()
    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except ImportError as e:
        sys.exit(f"PyTorch peer: {sys.executable} cannot import torch ({e}): install Debian's python3-torch")
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    torch.ones(4, 4) @ torch.ones(4, 4)  # make sure the BLAS is loaded before reading the maps
    blas = BLAS()
    blas.set_threads(a.threads)
    print(f"BLAS name={blas.name.replace(' ', '_')} path={blas.main_path()} threads={blas.threads()} "
          f"torch={torch.__version__} torch_threads={torch.get_num_threads()}", flush=True)
    if a.check:
        return
    model, opt, loss_fn = workload(a, torch, nn, F)
    for _ in range(a.warmup):
        timed_step(a, torch, model, opt, loss_fn)
    times = [timed_step(a, torch, model, opt, loss_fn) for _ in range(a.steps)]
    n_params = sum(p.numel() for p in model.parameters())
    rss = peak_rss_kb()
    print(f"RESULT torch task={a.task} mode={'eval' if a.eval else 'train'} batch={a.batch} "
          f"median_ms={statistics.median(times):.2f} min_ms={min(times):.2f} max_ms={max(times):.2f} "
          f"params={n_params} threads={torch.get_num_threads()} blas={blas.main_path()} "
          f"blas_name={blas.name.replace(' ', '_')} blas_threads={blas.threads()} peakRSS_kB={rss} "
          f"torch={torch.__version__}")


if __name__ == "__main__":
    main()
