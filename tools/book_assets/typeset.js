// Typesets TeX into MathJax's CommonHTML at build time, so pages need no MathJax script.
// stdin: JSON {fontURL, items: [[tex, display], ...]}; stdout: JSON {html: [...], css}.
// Used by book/_ext/live_pages.py; MathJax comes from this folder's node_modules.
const path = require("path");

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", async () => {
  const { fontURL, items } = JSON.parse(input);
  const MathJax = await require("mathjax").init({
    loader: { paths: { mathjax: path.join(__dirname, "node_modules", "mathjax", "es5") }, load: ["input/tex", "output/chtml"] },
    chtml: { fontURL },
    startup: { typeset: false },
  });
  const adaptor = MathJax.startup.adaptor;
  const html = [];
  for (const [tex, display] of items) {  // the promise form waits for autoloaded TeX packages
    html.push(adaptor.outerHTML(await MathJax.tex2chtmlPromise(tex, { display })));
  }
  process.stdout.write(JSON.stringify({ html, css: adaptor.textContent(MathJax.chtmlStylesheet()) }));
});
