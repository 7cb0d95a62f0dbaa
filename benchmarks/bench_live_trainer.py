"""Chapter 5's live trainer: training throughput of its JavaScript engine in headless Chromium, in
examples per second for the default network (conv 3x3 x8, ReLU, 2x2 max pool, linear; Adam,
batches of 32, float32), against the course's NumPy CNN and torch on the CPU on the same network
and batch size, timed in the same run; ConvNetJS's 5 ms per example (200 examples/s) as anchor.
Then the built chapter 5 page: Train pressed, the wall time until the held-out accuracy readout
reaches 90%, and the longest gap between animation frames while it trains, against the longest
gap while the page does nothing (what the machine's load costs a frame).

Uses the build named by CNNCOURSE_BOOK, or builds the book into a temporary folder first.
"""

import functools
import http.server
import statistics
import threading
import time

import numpy as np
import torch
import torch.nn.functional as F

from cnncourse.demos.numpy_cnn import PARAMETER_NAMES, TinyCNN
from cnncourse.optim import Adam
from cnncourse.widgets.live_trainer import LiveTrainer, torch_network, trainer_digits

from .bench_browser_widgets import html_folder, start_browser
from .timing import report, sized

BATCH = 32
CONVNETJS = 200  # examples/s: ConvNetJS, about 5 ms per MNIST example forward and backward

# Trains the default network on the widget's digits, `steps` Adam steps a round after a warm-up
# round, and returns the examples per second of each timed round.
THROUGHPUT = """
export function throughput(state, batch_size, steps, rounds) {
  const {images, labels} = digits_from(state.train), net = new TinyCNN([8], 0);
  const optimizer = OPTIMIZERS.adam(net.names.map((n) => net.params[n]), 0.01);
  const order = permutation(labels.length, generator(0).random);
  let at = 0;
  const step = () => {
    const x = tensor([batch_size, 1, 8, 8]), y = new Int32Array(batch_size);
    for (let i = 0; i < batch_size; i++, at = (at + 1) % labels.length) {
      x.data.set(images.subarray(order[at] * 64, order[at] * 64 + 64), i * 64);
      y[i] = labels[order[at]];
    }
    const [, grads] = net.loss_and_gradients(x, y);
    optimizer.step(net.names.map((n) => grads[n]));
  };
  const rates = [];
  for (let round = 0; round <= rounds; round++) {
    const start = performance.now();
    for (let s = 0; s < steps; s++) step();
    if (round > 0) rates.push(steps * batch_size / ((performance.now() - start) / 1000));  // round 0 warms up
  }
  return rates;
}
"""

# Presses Train on the page's trainer and notes, in the page, when the held-out accuracy first
# reaches 90%, the longest gap between two animation frames while it trains, and the main
# thread's long tasks (over 50 ms: what makes a page feel stuck).
WATCH = """
const trainer = [...document.querySelectorAll(".cnn-explorer")].find((w) => w.querySelector('[data-trait="architecture"]'));
const readout = trainer.querySelector(".cnn-readout");
const watch = window.trainerWatch = {start: performance.now(), reached: null, longestFrame: 0, longTasks: []};
const tasks = new PerformanceObserver((list) => {
  for (const task of list.getEntries()) watch.longTasks.push(task.duration);
});
tasks.observe({type: "longtask"});
new MutationObserver(() => {
  if (watch.reached === null && Number(readout.dataset.accuracy) >= 0.9) watch.reached = performance.now() - watch.start;
}).observe(readout, {attributes: true});
let last = performance.now();
const frame = (now) => {
  watch.longestFrame = Math.max(watch.longestFrame, now - last);
  last = now;
  if (!["done", "diverged"].includes(readout.dataset.status)) requestAnimationFrame(frame); else tasks.disconnect();
};
requestAnimationFrame(frame);
trainer.querySelector('[data-action="train"]').click();
"""


def examples_per_second(step, steps, rounds):
    """Median examples/s of ``step()`` (one batch of BATCH), ``steps`` a round, after a warm-up round."""
    step()
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        rates.append(steps * BATCH / (time.perf_counter() - start))
    return statistics.median(rates)


def batches(images, labels):
    """An endless round of shuffled mini-batches of BATCH (images (B, 1, 8, 8) in [0, 1], labels)."""
    order, at = np.random.default_rng(0).permutation(len(labels)), 0
    while True:
        index = order[np.arange(at, at + BATCH) % len(order)]
        at = (at + BATCH) % len(order)
        yield images[index][:, None] / np.float32(16), labels[index].astype(np.int64)


def numpy_rate(images, labels, steps, rounds):
    model = TinyCNN(seed=0, dtype=np.float32)
    optimizer = Adam([model.params[name] for name in PARAMETER_NAMES], lr=0.01)
    data = batches(images, labels)

    def step():
        _, grads = model.loss_and_gradients(*next(data))
        optimizer.step([grads[name] for name in PARAMETER_NAMES])
    return examples_per_second(step, steps, rounds)


def torch_rate(images, labels, steps, rounds):
    """torch on one thread, as the page: on a busy 2-core machine two threads can be 50 times slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _torch_rate(images, labels, steps, rounds)
    finally:
        torch.set_num_threads(threads)


def _torch_rate(images, labels, steps, rounds):
    torch.manual_seed(0)
    model = torch_network("conv8")
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    data = ((torch.from_numpy(x), torch.from_numpy(y)) for x, y in batches(images, labels))

    def step():
        x, y = next(data)
        loss = F.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return examples_per_second(step, steps, rounds)


# The longest gap between animation frames over `ms` milliseconds of the page doing nothing: what
# the machine's load alone costs a frame, the baseline of the frames while training.
IDLE_FRAMES = """
const [ms, done] = arguments;
const start = performance.now();
let last = start, longest = 0;
const frame = (now) => {
  longest = Math.max(longest, now - last);
  last = now;
  if (now - start < ms) requestAnimationFrame(frame); else done(longest);
};
requestAnimationFrame(frame);
"""


def page_run(driver, base):
    """Train the page's default recipe: (seconds to 90% held-out or None, final accuracy, longest
    frame while training, longest frame of the idle page, longest main-thread long task or 0; in s)."""
    from selenium.webdriver.support.ui import WebDriverWait

    from browser import open_page
    open_page(driver, base + "chapters/05_training.html")
    ready = "return document.querySelector('.cnn-readout').dataset.status === 'ready'"
    WebDriverWait(driver, 60, poll_frequency=0.1).until(lambda d: d.execute_script(ready))
    idle = driver.execute_async_script(IDLE_FRAMES, sized(3000, 300)) / 1000
    driver.execute_script(WATCH)
    status = "return window.trainerWatch && document.querySelector('.cnn-readout').dataset.status"
    WebDriverWait(driver, 300, poll_frequency=0.5).until(lambda d: d.execute_script(status) in ("done", "diverged"))
    watch = driver.execute_script("return window.trainerWatch")
    accuracy = float(driver.execute_script("return document.querySelector('.cnn-readout').dataset.accuracy") or 0)
    reached = watch["reached"] / 1000 if watch["reached"] is not None else None
    return reached, accuracy, watch["longestFrame"] / 1000, idle, max(watch["longTasks"], default=0) / 1000


def run():
    import browser

    steps, rounds = sized(200, 5), sized(7, 1)
    images, labels = trainer_digits()["train"]
    driver = start_browser()
    html = html_folder()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(browser.QuietHandler, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        widget = LiveTrainer()
        driver.get("data:text/html,<title>bench</title>")
        js_rates = browser.js_call(driver, widget._esm + THROUGHPUT, "throughput", widget.get_state(), BATCH, steps, rounds)
        ours = statistics.median(js_rates)
        numpy = numpy_rate(images, labels, steps, rounds)
        theirs = torch_rate(images, labels, steps, rounds)
        print(f"default network (810 parameters), Adam, batches of {BATCH}, float32, one thread each")
        report("NumPy CNN training (cnncourse.functional)", BATCH / numpy, "-", True, unit=f"{numpy:,.0f} ex/s")
        report("torch CPU training", BATCH / theirs, "-", True, unit=f"{theirs:,.0f} ex/s")
        report("live trainer in Chromium (JavaScript)", BATCH / ours, ">= 2,000 examples/s", ours >= 2000,
               f"{ours / numpy:.1f}x NumPy, {ours / theirs:.2f}x torch, {ours / CONVNETJS:.0f}x ConvNetJS",
               unit=f"{ours:,.0f} ex/s")
        reached, accuracy, frame, idle, task = page_run(driver, f"http://127.0.0.1:{server.server_port}/")
        report("chapter 5 page: Train -> 90% held out", reached or 0, "< 10 s, >= 90%",
               reached is not None and reached < 10 and accuracy >= 0.9, f"final accuracy {accuracy:.1%}",
               unit=f"{reached:.2f} s" if reached is not None else "never")
        report("chapter 5 page: main-thread task > 50 ms", task, "none while training", task == 0,
               unit="none" if task == 0 else f"{task * 1e3:.0f} ms")
        # the frames also wait for the machine: on a loaded one an idle page's frames stretch too
        report("chapter 5 page: longest frame, idle (baseline)", idle, "-", True)
        report("chapter 5 page: longest frame while training", frame, "< 50 ms", frame < 0.05,
               f"{frame / idle:.1f}x idle")
    finally:
        driver.quit()
        server.shutdown()
