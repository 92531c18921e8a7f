#!/usr/bin/env python3
"""PyTorch CPU counterpart of `deno task bench`: the same training steps, the same JSON line format.

Install on Debian: apt-get install -y python3-torch   (run with /usr/bin/python3)
Usage: torch_reference.py [--models cnn3,resnet18-w16,simclr-cnn3,simclr-resnet18-w16] [--batch 256]
                          [--steps 5] [--warmup 2] [--threads 2] [--device cpu|cuda] [--json]
Prints one line per model: {"model", "backend": "torch-" + a.device, "batch", "imagesPerSec", "msPerStep", "threads"}.

Models (32x32x3 inputs, Adam lr 1e-3, median of the timed steps after the warm-up):
  cnn3                 3 x [conv3x3 (no bias) -> ReLU -> maxpool 2x2], widths 32, 64, 128 -> global average pool,
                       linear head to 10 classes, softmax cross-entropy
  resnet18-w16         CIFAR ResNet-18 (3x3 stem, no max-pool, BasicBlocks [2, 2, 2, 2], widths 16/32/64/128,
                       batch norm, 1x1 projection shortcuts) -> global average pool, linear head, cross-entropy
  simclr-<encoder>     one SimCLR step: two augmented views of the batch (random resized crop, horizontal flip,
                       brightness/contrast/saturation jitter and random grayscale, all batched tensor ops),
                       encoder + MLP projection head (hidden = encoder width, ReLU, 128-d), NT-Xent with
                       temperature 0.5 over the 2 x batch embeddings. imagesPerSec counts source images.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Cnn3(nn.Module):
    def __init__(self):
        super().__init__()
        layers, ci = [], 3
        for co in (32, 64, 128):
            layers += [nn.Conv2d(ci, co, 3, padding=1, bias=False), nn.ReLU(), nn.MaxPool2d(2)]
            ci = co
        self.body = nn.Sequential(*layers)
        self.out_dim = ci

    def forward(self, x):
        return self.body(x).mean((2, 3))


class BasicBlock(nn.Module):
    def __init__(self, ci, co, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(ci, co, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(co)
        self.conv2 = nn.Conv2d(co, co, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(co)
        self.shortcut = None
        if stride != 1 or ci != co:
            self.shortcut = nn.Sequential(nn.Conv2d(ci, co, 1, stride, bias=False), nn.BatchNorm2d(co))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.shortcut is None else self.shortcut(x)))


class ResNet18(nn.Module):
    def __init__(self, width):
        super().__init__()
        layers = [nn.Conv2d(3, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
        ci = width
        for stage in range(4):
            co = width * 2 ** stage
            for j in range(2):
                layers.append(BasicBlock(ci, co, 2 if j == 0 and stage > 0 else 1))
                ci = co
        self.body = nn.Sequential(*layers)
        self.out_dim = ci

    def forward(self, x):
        return self.body(x).mean((2, 3))


def augment(x):
    """SimCLR-style augmentation of a batch [B, 3, H, W] in [0, 1], batched."""
    b, _, h, w = x.shape
    dev = x.device
    area = torch.empty(b, device=dev).uniform_(0.08, 1.0)
    ratio = torch.exp(torch.empty(b, device=dev).uniform_(math.log(3 / 4), math.log(4 / 3)))
    cw = torch.sqrt(area * ratio).clamp(max=1.0)
    ch = torch.sqrt(area / ratio).clamp(max=1.0)
    cx = (torch.rand(b, device=dev) * (1 - cw) + cw / 2) * 2 - 1
    cy = (torch.rand(b, device=dev) * (1 - ch) + ch / 2) * 2 - 1
    flip = torch.where(torch.rand(b, device=dev) < 0.5, -1.0, 1.0)
    theta = torch.zeros(b, 2, 3, device=dev)
    theta[:, 0, 0] = cw * flip
    theta[:, 0, 2] = cx
    theta[:, 1, 1] = ch
    theta[:, 1, 2] = cy
    grid = F.affine_grid(theta, (b, 3, h, w), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", align_corners=False)
    s = 0.8
    jitter = torch.rand(b, 1, 1, 1, device=dev) < 0.8
    gray_w = torch.tensor([0.2989, 0.587, 0.114], device=dev).view(1, 3, 1, 1)
    bright = torch.empty(b, 1, 1, 1, device=dev).uniform_(1 - 0.8 * s, 1 + 0.8 * s)
    y = x * bright
    contrast = torch.empty(b, 1, 1, 1, device=dev).uniform_(1 - 0.8 * s, 1 + 0.8 * s)
    mean = (y * gray_w).sum(1, keepdim=True).mean((2, 3), keepdim=True)
    y = (y - mean) * contrast + mean
    sat = torch.empty(b, 1, 1, 1, device=dev).uniform_(1 - 0.8 * s, 1 + 0.8 * s)
    gray = (y * gray_w).sum(1, keepdim=True)
    y = ((y - gray) * sat + gray).clamp(0, 1)
    x = torch.where(jitter, y, x)
    to_gray = torch.rand(b, 1, 1, 1, device=dev) < 0.2
    return torch.where(to_gray, (x * gray_w).sum(1, keepdim=True).expand_as(x), x)


def nt_xent(z1, z2, temperature):
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    n = z1.shape[0]
    logits = z @ z.t() / temperature
    logits.fill_diagonal_(float("-inf"))
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)]).to(z.device)
    return F.cross_entropy(logits, target)


def make_step(model, batch, device="cpu"):
    encoder = Cnn3() if model.endswith("cnn3") else ResNet18(16)
    simclr = model.startswith("simclr")
    if simclr:
        head = nn.Sequential(nn.Linear(encoder.out_dim, encoder.out_dim), nn.ReLU(), nn.Linear(encoder.out_dim, 128))
    else:
        head = nn.Linear(encoder.out_dim, 10)
    net = nn.Sequential(encoder, head).to(device).train()
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    x = torch.rand(batch, 3, 32, 32, device=device)
    y = torch.randint(0, 10, (batch,), device=device)

    def step():
        opt.zero_grad()
        if simclr:
            with torch.no_grad():
                v = torch.cat([augment(x), augment(x)])
            z = net(v)
            loss = nt_xent(z[:batch], z[batch:], 0.5)
        else:
            loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--models", default="cnn3,resnet18-w16,simclr-cnn3,simclr-resnet18-w16")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="cpu", help="cpu or cuda (for the GPU comparison with webgpu)")
    p.add_argument("--json", action="store_true", help="accepted for symmetry; output is always JSON lines")
    a = p.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(a.threads)
    for model in a.models.split(","):
        step = make_step(model, a.batch, a.device)
        times = []
        for i in range(a.warmup + a.steps):
            t = time.perf_counter()
            step()
            if i >= a.warmup:
                times.append(time.perf_counter() - t)
        ms = statistics.median(times) * 1000
        print(json.dumps({"model": model, "backend": "torch-" + a.device, "batch": a.batch,
                          "imagesPerSec": round(a.batch / ms * 1000, 1), "msPerStep": round(ms, 1),
                          "threads": a.threads}), flush=True)


if __name__ == "__main__":
    main()
