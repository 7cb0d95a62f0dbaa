"""Cases for the in-page trainer's model and run, tiny_cnn.js and trainer.js.

The oracles: mulberry32 (Tommy Ettinger's published generator) written here in Python, with
Box-Muller normals and a Fisher-Yates shuffle; TinyCNN's documented initialisation drawn from
it; the network's loss and gradients composed from cnncourse.functional; the run's steps by
cnncourse.optim, with the trainer's documented bookkeeping (a point of the curves every quarter
epoch and at each epoch's end; a loss ten times the first one stops the run). Float64 throughout.
"""

import math

import numpy as np

from cnncourse.functional import (conv2d, conv2d_backward, cross_entropy, cross_entropy_backward, max_pool2d,
                                  max_pool2d_backward, relu, relu_grad)
from cnncourse.optim import SGD, Adam

from .js_mutation_engine import f64, tensor_arg, tensor_out

MASK = 0xFFFFFFFF
BATCH_SEED = 0x5BD1E995   # the trainer's batch order: generator(seed ^ BATCH_SEED)
CLASSES, SIDE, KERNEL = 10, 8, 3
OPTIMIZERS = {"sgd": lambda p, lr: SGD(p, lr), "momentum": lambda p, lr: SGD(p, lr, momentum=0.9),
              "adam": lambda p, lr: Adam(p, lr)}


class Mulberry32:
    """mulberry32 on unsigned 32-bit integers: random() uniform in [0, 1), normal() by Box-Muller."""

    def __init__(self, seed):
        self.state = seed & MASK

    def random(self):
        self.state = (self.state + 0x6D2B79F5) & MASK
        t = self.state
        t = ((t ^ (t >> 15)) * (t | 1)) & MASK
        t ^= (t + ((t ^ (t >> 7)) * (t | 61))) & MASK
        return ((t ^ (t >> 14)) & MASK) / 2 ** 32

    def normal(self):
        radius = math.sqrt(-2 * math.log(1 - self.random()))
        return radius * math.cos(2 * math.pi * self.random())


def fisher_yates(n, uniforms):
    """0 .. n - 1 shuffled from the back: position i swaps with floor(u (i + 1)), u the next uniform."""
    order, draws = list(range(n)), iter(uniforms)
    for i in range(n - 1, 0, -1):
        j = math.floor(next(draws) * (i + 1))
        order[i], order[j] = order[j], order[i]
    return order


def layout(filters):
    """The convolutions' names and their padding (two convolutions pad by 1)."""
    names = ["conv"] if len(filters) == 1 else [f"conv{i + 1}" for i in range(len(filters))]
    return names, 0 if len(filters) == 1 else 1


def initial_params(filters, seed):
    """He-scaled convolutions, a linear layer at 0.1 / sqrt(features), zero biases, in draw order."""
    source, params = Mulberry32(seed), {}
    convs, padding = layout(filters)
    side, channels = SIDE, 1

    def normals(shape, std):
        return np.array([std * source.normal() for _ in range(math.prod(shape))]).reshape(shape)

    for name, count in zip(convs, filters):
        params[f"{name}_weight"] = normals((count, channels, KERNEL, KERNEL), math.sqrt(2 / (channels * KERNEL ** 2)))
        params[f"{name}_bias"] = np.zeros(count)
        side, channels = (side + 2 * padding - KERNEL + 1) // 2, count
    features = channels * side * side
    params["linear_weight"] = normals((CLASSES, features), 0.1 / math.sqrt(features))
    params["linear_bias"] = np.zeros(CLASSES)
    return params


def network_pass(params, filters, x, labels):
    """The mean cross-entropy, every parameter's gradient and the scores, by cnncourse.functional."""
    convs, padding = layout(filters)
    saved, a = [], x
    for name in convs:
        z = conv2d(a, params[f"{name}_weight"], params[f"{name}_bias"], padding=padding)
        saved.append((a, z, relu(z)))
        a = max_pool2d(saved[-1][2], 2)
    flat = a.reshape(len(x), -1)
    scores = flat @ params["linear_weight"].T + params["linear_bias"]
    g_scores = cross_entropy_backward(scores, labels)
    grads = {"linear_weight": g_scores.T @ flat, "linear_bias": g_scores.sum(axis=0)}
    g = (g_scores @ params["linear_weight"]).reshape(a.shape)
    for name, (inputs, z, activated) in reversed(list(zip(convs, saved))):
        g_z = max_pool2d_backward(g, activated, 2) * relu_grad(z)
        g, grads[f"{name}_weight"], grads[f"{name}_bias"] = conv2d_backward(g_z, inputs, params[f"{name}_weight"],
                                                                             padding=padding)
    return cross_entropy(scores, labels), grads, scores


def generator_fixtures():
    cases = []
    for seed in (0, 1, 12345, 2 ** 32 - 1, -7):   # -7: the trainer's seed ^ BATCH_SEED can be negative
        a, b = Mulberry32(seed), Mulberry32(seed)
        cases.append({"args": [seed, 6], "expected": {"random": [a.random() for _ in range(6)],
                                                       "normal": [b.normal() for _ in range(6)]}})
    permutations = []
    for n, uniforms in [(6, [0.99, 0.0, 0.5, 0.7, 0.26]), (5, [0.1, 0.9, 0.45, 0.6]), (1, [])]:
        permutations.append({"args": [n, uniforms], "expected": fisher_yates(n, uniforms)})
    return [{"parts": ["functional", "tiny_cnn"], "function": "generator", "driver": "generator_draws",
             "atol": 1e-13, "rtol": 1e-12, "cases": cases},
            {"parts": ["functional", "tiny_cnn"], "function": "permutation", "driver": "permutation_of",
             "atol": 0, "cases": permutations}]


def tiny_cnn_fixtures(rng):
    init, passes, argmax = [], [], []
    for filters, seed in [([3], 5), ([2, 3], 9), ([2], None)]:   # None: the default seed, 0
        params = initial_params(filters, seed or 0)
        convs, padding = layout(filters)
        init.append({"args": [filters, seed], "expected": {
            "names": list(params), "convs": convs, "padding": padding, "size": sum(p.size for p in params.values()),
            "params": {name: tensor_out(p) for name, p in params.items()}}})
        x, labels = rng.random((5, 1, SIDE, SIDE)), rng.integers(0, CLASSES, size=5)
        params = {name: p + (0.1 * rng.normal(size=p.shape) if name.endswith("bias") else 0) for name, p in params.items()}
        loss, grads, scores = network_pass(params, filters, x, labels)
        passes.append({"args": [filters, {n: f64(p) for n, p in params.items()}, tensor_arg(x), labels.tolist()],
                       "expected": {"loss": loss, "gradients": {n: tensor_out(g) for n, g in grads.items()},
                                    "scores": tensor_out(scores), "predicted": scores.argmax(axis=1).tolist()}})
    scores = rng.integers(0, 3, size=(6, 4)).astype(float)   # ties: the first of the highest wins
    argmax.append({"args": [tensor_arg(scores)], "expected": scores.argmax(axis=1).tolist()})
    common = {"parts": ["functional", "tiny_cnn"], "atol": 1e-10, "rtol": 1e-9}
    return [{**common, "function": "TinyCNN", "driver": "tiny_cnn_init", "cases": init},
            {**common, "function": "TinyCNN", "driver": "tiny_cnn_pass", "cases": passes},
            {**common, "function": "argmax_rows", "cases": argmax}]


def trainer_oracle(train, held_out, settings, steps):
    """What a run of the in-page trainer records after `steps` calls of step()."""
    filters, batch_size = settings["filters"], settings["batch_size"]
    params = initial_params(filters, settings["seed"])
    optimizer = OPTIMIZERS[settings["optimizer"]](list(params.values()), settings["lr"])
    order_source = Mulberry32(settings["seed"] ^ BATCH_SEED)
    images, labels = train
    count = len(labels)
    total = settings["epochs"] * math.ceil(count / batch_size)
    history = {key: [] for key in ("epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy")}
    losses, pending, seen, done, first, status, reason = {"epoch": [], "loss": []}, [], 0, 0, None, "ready", None
    x_held = held_out[0].reshape(-1, 1, SIDE, SIDE)
    while done < steps and status in ("ready", "training"):
        status = "training"
        position = seen % count
        if position == 0:
            order = fisher_yates(count, [order_source.random() for _ in range(count - 1)])
        batch = order[position:position + batch_size]
        loss, grads, scores = network_pass(params, filters, images[batch].reshape(-1, 1, SIDE, SIDE), labels[batch])
        first = loss if first is None else first
        losses["epoch"].append((seen + len(batch)) / count)
        losses["loss"].append(loss)
        if loss > 10 * first:
            status, reason = "diverged", (f"At step {done + 1} the loss grew to {loss:.3g}, more than 10 times its "
                                          f"first value {first:.3g}.")
            break
        optimizer.step([grads[name] for name in params])
        pending += [(loss, bool(right)) for right in scores.argmax(axis=1) == labels[batch]]
        done, seen = done + 1, seen + len(batch)
        quarter = count / 4
        if seen // quarter > (seen - len(batch)) // quarter or seen % count == 0:
            held_loss, _, held_scores = network_pass(params, filters, x_held, held_out[1])
            history["epoch"].append(seen / count)
            history["train_loss"].append(float(np.mean([l for l, _ in pending])))
            history["train_accuracy"].append(float(np.mean([c for _, c in pending])))
            history["val_loss"].append(held_loss)
            history["val_accuracy"].append(float(np.mean(held_scores.argmax(axis=1) == held_out[1])))
            pending = []
        if done >= total:
            status = "done"
    held_loss, _, held_scores = network_pass(params, filters, x_held, held_out[1])
    predicted = held_scores.argmax(axis=1)
    return {"before": {"status": "ready", "total_steps": total}, "history": history, "step_losses": losses,
            "status": status, "reason": reason, "steps": done, "epoch": seen / count,
            "evaluation": {"loss": held_loss, "accuracy": float(np.mean(predicted == held_out[1])),
                           "predicted": predicted.tolist()}}


def trainer_fixtures(rng):
    """Runs on 20 random 8x8 images: quarter-epoch points that fall inside and at the end of an
    epoch, a short last batch, a run stopped before its end, one past it, one that diverges, one
    whose loss jumps but stays under ten times its first, and single-example batches."""
    train = (rng.random((20, SIDE * SIDE)), rng.integers(0, CLASSES, size=20))
    held_out = (rng.random((7, SIDE * SIDE)), rng.integers(0, CLASSES, size=7))
    runs = [({"filters": [3], "lr": 0.05, "batch_size": 3, "optimizer": "adam", "seed": 4, "epochs": 2}, 16),
            ({"filters": [2, 3], "lr": 0.1, "batch_size": 8, "optimizer": "momentum", "seed": 7, "epochs": 2}, 4),
            ({"filters": [2], "lr": 40.0, "batch_size": 10, "optimizer": "sgd", "seed": 1, "epochs": 5}, 10),
            ({"filters": [2], "lr": 4.0, "batch_size": 10, "optimizer": "sgd", "seed": 1, "epochs": 3}, 6),
            ({"filters": [2], "lr": 0.1, "batch_size": 1, "optimizer": "adam", "seed": 2, "epochs": 1}, 3)]
    data = [{"images": f64(images), "labels": {"i32": labels.tolist()}} for images, labels in (train, held_out)]
    cases = [{"args": [*data, settings, steps], "expected": trainer_oracle(train, held_out, settings, steps)}
             for settings, steps in runs]
    assert [case["expected"]["status"] for case in cases] == ["done", "training", "diverged", "done", "training"]
    jumped = cases[3]["expected"]["step_losses"]["loss"]   # above 10 / first, far below 10 * first: no divergence
    assert 10 / jumped[0] < max(jumped) < 10 * jumped[0]
    predicted, truth = rng.integers(0, CLASSES, size=30), rng.integers(0, CLASSES, size=30)
    counts = np.zeros((CLASSES, CLASSES), int)
    np.add.at(counts, (truth, predicted), 1)
    parts = ["_live", "ui", "functional", "optim", "tiny_cnn", "trainer"]
    return [{"parts": parts, "function": "Trainer", "driver": "trainer_run", "mutate": ["batch"], "atol": 1e-10,
             "rtol": 1e-8, "cases": cases},
            {"parts": parts, "function": "confusion_matrix", "atol": 0,
             "cases": [{"args": [predicted.tolist(), truth.tolist()], "expected": counts.tolist()}]}]
