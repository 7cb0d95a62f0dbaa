"""Chapter 5: NumPy conv2d_backward vs torch autograd, and mnist_cnn's training throughput on the CPU."""

import time

import numpy as np
import torch
import torch.nn.functional as F

from cnncourse.demos.digit_classifier import train_digit_classifier
from cnncourse.functional import conv2d_backward
from cnncourse.models import mnist_cnn

from .timing import median_seconds, report, sized


def run():
    rng = np.random.default_rng(0)
    n, size = sized((16, 32), (2, 8))
    x = rng.normal(size=(n, 16, size, size)).astype(np.float32)
    weight = rng.normal(size=(32, 16, 3, 3)).astype(np.float32)
    grad_output = rng.normal(size=(n, 32, size, size)).astype(np.float32)
    tx, tw = torch.from_numpy(x).requires_grad_(), torch.from_numpy(weight).requires_grad_()
    tg = torch.from_numpy(grad_output)

    def torch_backward():
        gx, gw = torch.autograd.grad(F.conv2d(tx, tw, padding=1), (tx, tw), tg)
        return gx, gw, tg.sum((0, 2, 3))

    baseline = median_seconds(torch_backward, repeat=11, warmup=2)
    ours = median_seconds(lambda: conv2d_backward(grad_output, x, weight, padding=1), repeat=11, warmup=2)
    print(f"conv2d backward, CPU float32, x {x.shape}, weight {weight.shape}, padding 1 "
          f"(torch threads: {torch.get_num_threads()}; torch times its forward pass too)")
    report("torch autograd forward + backward (baseline)", baseline, "-", True, "1.00x")
    report("cnncourse conv2d_backward", ours, "within 10x of torch", ours / baseline <= 10,
           f"{ours / baseline:.2f}x torch")

    model, images, labels = mnist_cnn(), torch.rand(32, 1, 28, 28), torch.randint(0, 10, (32,))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def train_step():
        loss = F.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    with torch.no_grad():
        inference = median_seconds(lambda: model(images), repeat=21, warmup=3)
    step = median_seconds(train_step, repeat=21, warmup=3)
    print("mnist_cnn, batches of 32 images 28x28, CPU float32")
    report("inference forward pass (baseline)", inference, "-", True, f"{32 / inference:,.0f} images/s")
    report("training step (forward, backward, Adam)", step, "-", True,
           f"{32 / step:,.0f} images/s, {step / inference:.1f}x fwd")

    start = time.perf_counter()
    epochs = sized(20, 1)
    _, history, _ = train_digit_classifier(seed=0, device="cpu", epochs=epochs)
    seconds = time.perf_counter() - start
    accuracy = history.val_accuracy[-1]
    report(f"chapter recipe: {epochs} epochs on 1,347 digits", seconds, "under 60 s, >= 97% test",
           seconds < 60 and accuracy >= 0.97, f"test accuracy {accuracy:.1%}")
