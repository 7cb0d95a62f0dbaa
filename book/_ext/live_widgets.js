// Renders the widgets of a book page from the widget state saved in it: no kernel, no network,
// no require.js. An anywidget's view is the ES module in its `_esm` state; it gets a model that
// holds the saved state and tells the view's listeners about changes, as in JupyterLab. Boxes,
// HTML, labels and progress bars (what tqdm shows) are drawn as saved. book/_ext/live_pages.py
// loads this script on pages whose widgets are all of these kinds.
(function () {
  "use strict";

  class Model {
    constructor(state) {
      this.state = state;
      this.listeners = new Map();
    }
    get(name) { return this.state[name]; }
    set(name, value) {
      if (this.state[name] === value) return;
      this.state[name] = value;
      this.trigger(`change:${name}`, value);
      this.trigger("change");
    }
    save_changes() {}  // no kernel to send the state to
    send() {}
    on(event, callback) {
      for (const name of event.split(" ")) {
        if (!this.listeners.has(name)) this.listeners.set(name, new Set());
        this.listeners.get(name).add(callback);
      }
    }
    off(event, callback) {
      for (const name of (event ? event.split(" ") : [...this.listeners.keys()])) {
        if (callback) this.listeners.get(name)?.delete(callback);
        else this.listeners.delete(name);
      }
    }
    trigger(name, value) {
      for (const callback of [...(this.listeners.get(name) || [])]) callback(this, value);
    }
  }

  async function widgetModule(esm) {
    const url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
    try {
      const module = await import(url);
      let widget = module.default ?? module;
      if (typeof widget === "function") widget = await widget();
      return widget;
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  // Display-only ipywidgets (a progress bar from tqdm is a box of HTML and FloatProgress) drawn
  // from their saved state; anywidgets rendered from their own module.
  async function view(id, models) {
    const saved = models[id];
    const state = saved.state;
    const el = document.createElement("div");
    if (saved.model_module === "anywidget") {
      el.className = "cnn-live";
      const model = new Model({ ...state });
      if (model.get("_css")) el.append(Object.assign(document.createElement("style"), { textContent: model.get("_css") }));
      const widget = await widgetModule(model.get("_esm"));
      await widget.initialize?.({ model });
      await widget.render({ model, el });
      return el;
    }
    el.className = "cnn-static-widget";
    const name = saved.model_name;
    if (name.endsWith("BoxModel")) {
      el.style.display = "flex";
      el.style.flexDirection = name === "VBoxModel" ? "column" : "row";
      el.style.alignItems = name === "VBoxModel" ? "stretch" : "center";
      el.style.gap = "0.4em";
      for (const child of state.children) el.append(await view(child.replace("IPY_MODEL_", ""), models));
    } else if (name === "HTMLModel" || name === "HTMLMathModel") {
      el.innerHTML = state.value;
    } else if (name === "LabelModel") {
      el.textContent = state.value;
    } else if (name.endsWith("ProgressModel")) {
      const bar = document.createElement("progress");
      bar.max = state.max - state.min;
      bar.value = state.value - state.min;
      el.append(bar);
    }
    if (state.description) el.prepend(Object.assign(document.createElement("span"), { textContent: state.description + " " }));
    return el;
  }

  async function show(script, models) {
    const { model_id: id } = JSON.parse(script.textContent);
    if (!models[id]) return;
    const el = await view(id, models);
    el.classList.add("cnn-live");
    script.after(el);
  }

  function start() {
    const state = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
    if (!state) return;
    const models = JSON.parse(state.textContent).state;
    const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');
    for (const script of views) show(script, models).catch((error) => console.error("live widget:", error));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
