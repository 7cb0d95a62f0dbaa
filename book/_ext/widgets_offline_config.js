// Runs after require.js and before embed-amd.js (their order is set in book/_config.yml).
// Makes the ipywidgets embed script take everything from this site, never from a CDN.
(function () {
  // this script's folder, _static/vendor/jupyter-widgets/, whatever the page's depth
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  // embed-amd.js defines these AMD modules itself. Each one resolves its icon font files
  // (Font Awesome) against the folder of its require.js URL, which by default is the
  // page's folder; mapping them all to embed-amd.js makes that folder this one.
  var bundled = [
    "@jupyter-widgets/base",
    "@jupyter-widgets/base7",
    "@jupyter-widgets/controls",
    "@jupyter-widgets/controls7",
    "@jupyter-widgets/html-manager",
    "@jupyter-widgets/html-manager/dist/libembed-amd",
  ];
  var paths = {};
  bundled.forEach(function (name) { paths[name] = here + "embed-amd"; });
  // anywidget's own AMD module, for a page that mixes anywidgets with other widgets
  paths.anywidget = here + "anywidget";
  requirejs.config({ paths: paths });

  // Widgets typeset the math in their labels with MathJax 2's call, MathJax.Hub.Queue,
  // and write it between $ signs; the book loads MathJax 3, which knows neither. So
  // provide that call: turn $...$ into \(...\) and $$...$$ into \[...\], then typeset.
  function typeset(element) {
    var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      node.nodeValue = node.nodeValue
        .replace(/\$\$([^$]+)\$\$/g, "\\[$1\\]")
        .replace(/\$([^$]+)\$/g, "\\($1\\)");
    }
    MathJax.startup.promise.then(function () { return MathJax.typesetPromise([element]); });
  }
  // MathJax is loaded (deferred) by the load event, when the widgets render.
  window.addEventListener("load", function () {
    if (window.MathJax && MathJax.startup && !MathJax.Hub) {
      MathJax.Hub = { Queue: function (job) { typeset(job[2]); } }; // job: ["Typeset", Hub, element]
    }
  });
})();
