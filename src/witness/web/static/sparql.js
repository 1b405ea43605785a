// The query page: runs the query with fetch, shows results as a table, offers downloads.
"use strict";

(function () {
  const form = document.getElementById("query-form");
  const editor = document.getElementById("query");
  const status = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const results = document.getElementById("results");
  const downloads = document.getElementById("downloads");
  const base = form.dataset.base;
  const maxRows = parseInt(form.dataset.maxRows, 10);

  function link(iri) {
    const a = document.createElement("a");
    a.href = iri.startsWith(base) ? "/" + iri.slice(base.length) : iri;
    a.textContent = iri;
    return a;
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      td.appendChild(link(term.value));
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.appendChild(document.createTextNode(term.value));
      const note = document.createElement("span");
      if (term["xml:lang"]) {
        note.className = "lang";
        note.textContent = "@" + term["xml:lang"];
        td.appendChild(note);
      } else if (term.datatype) {
        note.className = "datatype";
        note.textContent = term.datatype.replace("http://www.w3.org/2001/XMLSchema#", "xsd:");
        td.appendChild(note);
      }
    }
    return td;
  }

  function table(json) {
    const vars = json.head.vars;
    const rows = json.results.bindings;
    const t = document.createElement("table");
    const head = t.createTHead().insertRow();
    for (const v of vars) {
      const th = document.createElement("th");
      th.textContent = v;
      head.appendChild(th);
    }
    const body = t.createTBody();
    for (const row of rows.slice(0, maxRows)) {
      const tr = body.insertRow();
      for (const v of vars) tr.appendChild(cell(row[v]));
    }
    const shown = Math.min(rows.length, maxRows);
    status.textContent = rows.length > maxRows
      ? `Showing the first ${shown} of ${rows.length} rows; download the results for all of them.`
      : `${rows.length} row${rows.length === 1 ? "" : "s"}.`;
    return t;
  }

  function offerDownloads(kind) {
    const query = encodeURIComponent(editor.value);
    for (const a of downloads.querySelectorAll("a.download")) {
      a.hidden = !a.classList.contains(kind);
      a.href = `${form.action}?query=${query}&format=${a.dataset.format}`;
    }
    downloads.hidden = false;
  }

  async function run(event) {
    if (event) event.preventDefault();
    status.textContent = "Running…";
    errorBox.hidden = true;
    results.replaceChildren();
    downloads.hidden = true;
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        headers: {
          "Content-Type": "application/sparql-query",
          "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: editor.value,
      });
    } catch (failure) {
      status.textContent = "";
      errorBox.textContent = "The server could not be reached: " + failure;
      errorBox.hidden = false;
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      status.textContent = "";
      errorBox.textContent = await response.text();
      errorBox.hidden = false;
      return;
    }
    if (type.startsWith("application/sparql-results+json")) {
      const json = await response.json();
      if ("boolean" in json) {
        status.textContent = "Answer: " + json.boolean;
      } else {
        results.appendChild(table(json));
      }
      offerDownloads("results");
    } else {
      const pre = document.createElement("pre");
      pre.textContent = await response.text();
      results.appendChild(pre);
      status.textContent = "Graph:";
      offerDownloads("graph");
    }
  }

  form.addEventListener("submit", run);
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run(event);
  });
  for (const button of document.querySelectorAll("button.example")) {
    button.addEventListener("click", () => {
      editor.value = button.dataset.query;
      run();
    });
  }
  if (window.witnessRunOnLoad) run();
})();
