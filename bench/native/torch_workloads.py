"""The workloads of WORKLOADS.md in native PyTorch, for the bench's `torch-native` column.

Same shapes, batch sizes, losses and optimizers as the TypeScript workloads (bench/src/w*.ts), in
PyTorch's NCHW layout. Weights come from PyTorch's own seeded initialisation, so the first values are not
compared with the other peers'. Timing follows harness.ts: warm-ups, then iterations until both a count
and a time are reached; the median iteration. Each step reads its result back (`.item()`), as every peer
does. Prints one JSON document on stdout; progress goes to stderr.

    python3 bench/native/torch_workloads.py --workloads W1,W3 [--quick] [--threads N]
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PLANS = {
    # warmup, min iterations, min time (s), budget (s), floor iterations: harness.ts FULL_PLAN / QUICK_PLAN
    "full": (3, 10, 3.0, 60.0, 3),
    "quick": (1, 3, 0.0, 10.0, 1),
}


def measure(step, plan):
    warmup, min_iter, min_time, budget, floor = plan
    start = time.perf_counter()
    first = None
    for i in range(warmup):
        v = step()
        if first is None:
            first = v
        if time.perf_counter() - start > budget / 4:
            break
    times = []
    last = None
    while True:
        t0 = time.perf_counter()
        last = step()
        times.append((time.perf_counter() - t0) * 1000)
        if first is None:
            first = last
        timed = sum(times) / 1000
        if len(times) >= min_iter and timed >= min_time:
            break
        if time.perf_counter() - start > budget and len(times) >= floor:
            break
    return {
        "medianMs": statistics.median(times),
        "iterations": len(times),
        "samplesMs": times,
        "firstValue": first,
        "lastValue": last,
    }


def train_step(model, opt, loss_fn):
    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        opt.step()
        return loss.item()

    return step


def w1():
    for n in (128, 256, 512, 1024):
        a, b = torch.randn(n, n), torch.randn(n, n)
        yield f"N={n}", lambda a=a, b=b: torch.mm(a, b)[0, 0].item()


def w2():
    x, f = torch.randn(8, 64, 32, 32), torch.randn(64, 64, 3, 3)
    yield "", lambda: F.conv2d(x, f, padding=1)[0, 0, 0, 0].item()


def w3():
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
    x, y = torch.randn(128, 784), torch.randint(0, 10, (128,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    yield "", train_step(model, opt, lambda: F.cross_entropy(model(x), y))


def w4():
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )
    x, y = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    yield "", train_step(model, opt, lambda: F.cross_entropy(model(x), y))


class OptionA(nn.Module):
    """Stride-2 subsampling and zero channels: the parameter-free shortcut of He et al. (2016), 4.2."""

    def __init__(self, extra, stride):
        super().__init__()
        self.extra, self.stride = extra, stride

    def forward(self, x):
        if self.stride > 1:
            x = x[:, :, :: self.stride, :: self.stride]
        return F.pad(x, (0, 0, 0, 0, self.extra // 2, self.extra // 2)) if self.extra else x


class Basic(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.short = OptionA(cout - cin, stride)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + self.short(x))


def resnet20():
    layers = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    cin = 16
    for stage, width in enumerate((16, 32, 64)):
        for b in range(3):
            layers.append(Basic(cin, width, 2 if stage > 0 and b == 0 else 1))
            cin = width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    return nn.Sequential(*layers)


def w5():
    model = resnet20()
    x, y = torch.randn(32, 3, 32, 32), torch.randint(0, 10, (32,))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    yield "train", train_step(model.train(), opt, lambda: F.cross_entropy(model(x), y))
    infer = resnet20().eval()

    def inference():
        with torch.no_grad():
            return infer(x)[0, 0].item()

    yield "inference", inference


class DenseNet40(nn.Module):
    def __init__(self, growth=12, blocks=3, layers=12, stem=16, classes=10):
        super().__init__()
        self.conv0 = nn.Conv2d(3, stem, 3, 1, 1, bias=False)
        self.blocks = nn.ModuleList()
        self.transitions = nn.ModuleList()
        c = stem
        for b in range(blocks):
            block = nn.ModuleList()
            for _ in range(layers):
                block.append(nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, growth, 3, 1, 1, bias=False)))
                c += growth
            self.blocks.append(block)
            if b + 1 < blocks:
                self.transitions.append(
                    nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, c, 1, bias=False), nn.AvgPool2d(2))
                )
        self.norm5 = nn.BatchNorm2d(c)
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        h = self.conv0(x)
        for b, block in enumerate(self.blocks):
            for layer in block:
                h = torch.cat([h, layer(h)], 1)
            if b < len(self.transitions):
                h = self.transitions[b](h)
        return self.fc(F.relu(self.norm5(h)).mean((2, 3)))


def w7():
    model = DenseNet40()
    x, y = torch.randn(16, 3, 32, 32), torch.randint(0, 10, (16,))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    yield "", train_step(model, opt, lambda: F.cross_entropy(model(x), y))


class LstmClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(32, 128, batch_first=True)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


def w6():
    model = LstmClassifier()
    x, y = torch.randn(32, 50, 32), torch.randint(0, 10, (32,))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-8)
    yield "", train_step(model, opt, lambda: F.cross_entropy(model(x), y))


def w8():
    sizes = [784, 256, 64, 256, 784]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        layers.append(nn.ReLU() if i + 2 < len(sizes) else nn.Sigmoid())
    model = nn.Sequential(*layers)
    x = torch.rand(128, 784)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-8)
    yield "", train_step(model, opt, lambda: F.mse_loss(model(x), x))


def w9():
    g = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 784), nn.Tanh())
    d = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1))
    adam = dict(lr=2e-4, betas=(0.5, 0.999), eps=1e-8)
    d_opt, g_opt = torch.optim.Adam(d.parameters(), **adam), torch.optim.Adam(g.parameters(), **adam)
    real = torch.rand(64, 784) * 2 - 1
    bce = F.binary_cross_entropy_with_logits

    def step():
        with torch.no_grad():
            fake = g(torch.randn(64, 64))
        d_opt.zero_grad(set_to_none=True)
        real_logits, fake_logits = d(real), d(fake)
        d_loss = bce(real_logits, torch.ones_like(real_logits)) + bce(fake_logits, torch.zeros_like(fake_logits))
        d_loss.backward()
        d_opt.step()
        g_opt.zero_grad(set_to_none=True)
        logits = d(g(torch.randn(64, 64)))
        g_loss = bce(logits, torch.ones_like(logits))
        g_loss.backward()
        g_opt.step()
        d_loss.item()
        return g_loss.item()

    yield "", step


WORKLOADS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6, "W7": w7, "W8": w8, "W9": w9}


def blas_info():
    """PyTorch's BLAS as built, and the library Debian's `libblas.so.3` alternative resolves to."""
    import glob
    import os
    import re

    built = re.search(r"BLAS_INFO=([^,]+)", torch.__config__.show())
    found = [os.path.realpath(p) for p in glob.glob("/usr/lib/*-linux-gnu/libblas.so.3")]
    return f"BLAS_INFO={built.group(1) if built else 'unknown'}" + (f", libblas.so.3 -> {found[0]}" if found else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    plan = PLANS["quick" if args.quick else "full"]
    results = []
    for wid in args.workloads.split(","):
        if wid not in WORKLOADS:
            results.append({"workload": wid, "case": "", "status": "n/a", "message": "no PyTorch version"})
            continue
        try:
            for label, step in WORKLOADS[wid]():
                r = measure(step, plan)
                results.append({"workload": wid, "case": label, "status": "ok", **r})
                print(f"torch-native {wid} {label}: median {r['medianMs']:.2f} ms", file=sys.stderr)
        except Exception as e:  # a failure is a result, as in the TypeScript runner
            results.append({"workload": wid, "case": "", "status": "error", "message": repr(e)})
    json.dump(
        {
            "torch": torch.__version__,
            "blas": blas_info(),
            "threads": torch.get_num_threads(),
            "results": results,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
