// The query page: runs the query with fetch, shows results as a table, offers downloads.
"use strict";

(function () {
  const form = document.getElementById("query-form");
  const editor = document.getElementById("query");
  const runButton = document.getElementById("run");
  const status = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const results = document.getElementById("results");
  const downloads = document.getElementById("downloads");
  const exampleButtons = document.querySelectorAll("button.example");
  const base = form.dataset.base;
  const maxRows = parseInt(form.dataset.maxRows, 10);
  let latest = 0; // number of the latest run: answers to earlier runs are dropped

  // The declared prefixes, read from the prologue shown on the page, longest namespace first.
  const prefixes = [];
  for (const line of document.getElementById("prologue").textContent.split("\n")) {
    const found = /^PREFIX\s+([\w-]*):\s*<([^>]*)>/.exec(line.trim());
    if (found) prefixes.push([found[1], found[2]]);
  }
  prefixes.sort((a, b) => b[1].length - a[1].length);

  function compact(iri) {
    for (const [prefix, namespace] of prefixes) {
      const local = iri.slice(namespace.length);
      if (iri.startsWith(namespace) && /^[\w.-]*$/.test(local)) return `${prefix}:${local}`;
    }
    return iri;
  }

  // Only IRIs of ours and http, https and mailto IRIs become links: an answer is whatever the
  // query made it (IRI("javascript:...") included), and a link must never run script.
  function link(iri) {
    const local = iri.startsWith(base);
    const linked = local || /^(https?|mailto):/i.test(iri);
    const a = document.createElement(linked ? "a" : "span");
    if (linked) a.href = local ? "/" + iri.slice(base.length) : iri;
    a.textContent = compact(iri);
    a.title = iri;
    a.className = linked ? "iri" : "iri unlinked";
    return a;
  }

  function note(className, text) {
    const span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    return span;
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      td.appendChild(link(term.value));
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
      td.className = "bnode";
    } else {
      td.appendChild(document.createTextNode(term.value));
      if (term["xml:lang"]) {
        td.appendChild(note("lang", "@" + term["xml:lang"]));
      } else if (term.datatype && !term.datatype.endsWith("#string")) {
        const datatype = note("datatype", compact(term.datatype));
        datatype.title = term.datatype;
        td.appendChild(datatype);
      }
    }
    return td;
  }

  function plural(count, word) {
    return `${count.toLocaleString("en")} ${word}${count === 1 ? "" : "s"}`;
  }

  function table(json, seconds) {
    const vars = json.head.vars;
    const rows = json.results.bindings;
    const t = document.createElement("table");
    const head = t.createTHead().insertRow();
    for (const v of vars) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = v;
      head.appendChild(th);
    }
    const body = t.createTBody();
    for (const row of rows.slice(0, maxRows)) {
      const tr = body.insertRow();
      for (const v of vars) tr.appendChild(cell(row[v]));
    }
    status.textContent = rows.length > maxRows
      ? `Showing the first ${maxRows.toLocaleString("en")} of ${rows.length.toLocaleString("en")} rows; download the results for all of them.`
      : `${plural(rows.length, "row")} (${seconds} s).`;
    const wrapper = document.createElement("div");
    wrapper.className = "table-wrapper";
    wrapper.appendChild(t);
    return wrapper;
  }

  // File name extensions of the download formats, where they are not the format's name.
  const extensions = {json: "srj", xml: "srx", turtle: "ttl", ntriples: "nt", nquads: "nq", rdfxml: "rdf"};

  function offerDownloads(kind) {
    const query = encodeURIComponent(editor.value);
    for (const a of downloads.querySelectorAll("a.download")) {
      const format = a.dataset.format;
      a.hidden = !a.classList.contains(kind);
      a.href = `${form.action}?query=${query}&format=${format}`;
      a.download = `witness-${kind}.${extensions[format] || format}`;
    }
    downloads.hidden = false;
  }

  function showError(message) {
    status.textContent = "";
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function remember() {
    // The address of the page now runs this query: it can be reloaded, bookmarked, shared.
    const address = `${form.action}?query=${encodeURIComponent(editor.value)}`;
    if (address.length < 8000) history.replaceState(null, "", address);
  }

  async function run(event) {
    if (event) event.preventDefault();
    const number = ++latest;
    const started = performance.now();
    status.textContent = "Running…";
    status.className = "";
    errorBox.hidden = true;
    results.replaceChildren();
    downloads.hidden = true;
    runButton.disabled = true;
    try {
      await ask(number, started);
    } finally {
      if (number === latest) runButton.disabled = false;
    }
  }

  async function ask(number, started) {
    let response, body;
    try {
      response = await fetch(form.action, {
        method: "POST",
        headers: {
          "Content-Type": "application/sparql-query",
          "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: editor.value,
      });
      body = await response.text();
    } catch (failure) {
      if (number === latest) showError("The server could not be reached: " + failure);
      return;
    }
    if (number !== latest) return;
    remember();
    if (!response.ok) {
      // Error bodies are "STATUS Title", a blank line, then the message.
      const parts = /^(\d{3} [^\n]*)\n\n([\s\S]*)$/.exec(body);
      showError(parts ? parts[2].trimEnd() : body || `${response.status} ${response.statusText}`);
      status.textContent = parts ? parts[1] : `${response.status} ${response.statusText}`;
      status.className = "failed";
      return;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const type = response.headers.get("Content-Type") || "";
    if (type.startsWith("application/sparql-results+json")) {
      const json = JSON.parse(body);
      if ("boolean" in json) {
        status.textContent = "";
        const answer = document.createElement("p");
        answer.className = `boolean ${json.boolean}`;
        answer.textContent = `Answer: ${json.boolean ? "true" : "false"}`;
        results.appendChild(answer);
      } else {
        results.appendChild(table(json, seconds));
      }
      offerDownloads("results");
    } else {
      const pre = document.createElement("pre");
      pre.className = "graph";
      pre.textContent = body;
      results.appendChild(pre);
      status.textContent = `Graph, in Turtle (${seconds} s):`;
      offerDownloads("graph");
    }
  }

  function fit() {
    // The editor grows with its query, up to most of the window (then it scrolls).
    editor.style.height = "auto";
    const wanted = editor.scrollHeight + 2;
    editor.style.height = `${Math.min(wanted, Math.max(window.innerHeight * 0.7, 224))}px`;
  }

  function markExample() {
    for (const button of exampleButtons) {
      button.setAttribute("aria-pressed", String(button.dataset.query === editor.value));
    }
  }

  form.addEventListener("submit", run);
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run(event);
  });
  editor.addEventListener("input", () => {
    markExample();
    fit();
  });
  for (const button of exampleButtons) {
    button.addEventListener("click", () => {
      editor.value = button.dataset.query;
      markExample();
      fit();
      run();
    });
  }
  markExample();
  fit();
  if ("runOnLoad" in form.dataset) run();
})();
