// The live trainer's Web Worker: the view starts one from this same module's source (a data: URL,
// which Chromium allows even on a file:// page, unlike a blob: URL), so training runs off the
// page's main thread and the page stays responsive whatever the load. The worker trains in chunks
// and posts a snapshot after each; between chunks it reads the view's messages:
//   {type: "data", train, held_out}   the digits, once
//   {type: "reset", run, settings}    a fresh Trainer (snapshots carry `run`, so old ones are dropped)
//   {type: "train"} / {type: "pause"} / {type: "step"}

const WORKER_CHUNK_MS = 25;  // training between two snapshots

export const finished = (trainer) => trainer.status === "done" || trainer.status === "diverged";

// What the view draws: the run's state, its curves, the first convolution's weights, and at the
// end the held-out predictions (structured-cloneable: plain objects and typed arrays)
export function snapshot(trainer) {
  const first = trainer.model.params[`${trainer.model.convs[0]}_weight`];
  return {settings: trainer.settings, status: trainer.status, reason: trainer.reason, steps: trainer.steps,
          epoch: trainer.epoch, seen: trainer.seen, history: trainer.history, step_losses: trainer.step_losses,
          filters: {shape: first.shape, data: Float32Array.from(first.data)},
          predicted: finished(trainer) ? trainer.evaluate(trainer.held_out).predicted : null};
}

// A training session: `handle(message)` acts on the view's messages, `post(snapshot)` answers
export function serve(post) {
  let data = null, trainer = null, run = 0, running = false, scheduled = false;
  const send = () => post({run, ...snapshot(trainer)});
  const schedule = () => {
    if (!scheduled) { scheduled = true; setTimeout(chunk, 0); }  // a task boundary: messages get in
  };
  function chunk() {
    scheduled = false;
    if (!running) return;
    const start = performance.now();
    while (!finished(trainer) && performance.now() - start < WORKER_CHUNK_MS) trainer.step();
    send();
    if (finished(trainer)) running = false; else schedule();
  }
  return (message) => {
    if (message.type === "data") data = message;
    else if (message.type === "reset") {
      run = message.run; running = false;
      trainer = new Trainer(data.train, data.held_out, message.settings);
      send();
    } else if (message.type === "train") { running = true; schedule(); }
    else if (message.type === "pause") running = false;
    else if (message.type === "step") { running = false; trainer.step(); send(); }
  };
}

if (typeof WorkerGlobalScope !== "undefined" && globalThis instanceof WorkerGlobalScope) {
  const handle = serve((shot) => postMessage(shot));
  globalThis.onmessage = ({data}) => handle(data);
}

// The same session on the page's own thread, for a page that may not start a Worker: it answers
// `onmessage` as a Worker would (its chunks then take turns with the page's frames).
export function in_page_worker(onmessage) {
  const handle = serve((shot) => onmessage({data: shot}));
  return {postMessage: (message) => setTimeout(() => handle(message), 0), terminate() {}};
}
