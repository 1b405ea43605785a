// The entity picker (templates/macros.html, entity_picker): suggestions while typing, from the
// JSON form of the search (/search.json), in the ARIA combobox pattern (WAI-ARIA Authoring
// Practices, "Combobox with listbox popup"): arrow keys move through the suggestions, Enter
// chooses one, Escape closes them. Without this script the field is a plain search box.

const DELAY = 150;
const SHOWN = 8;

function setUp(root) {
  const input = root.querySelector('input[type="search"]');
  const list = root.querySelector('[role="listbox"]');
  const hidden = root.querySelector('input[type="hidden"]');
  const navigate = root.hasAttribute("data-navigate");
  let timer = 0;
  let active = -1;
  let asked = "";
  let controller = null;

  function options() {
    return Array.from(list.querySelectorAll('[role="option"]'));
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    const found = options();
    if (!found.length) return;
    active = (index + found.length) % found.length;
    found.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
    input.setAttribute("aria-activedescendant", found[active].id);
    found[active].scrollIntoView({ block: "nearest" });
  }

  function choose(option) {
    input.value = option.dataset.label;
    if (hidden) hidden.value = option.dataset.iri;
    close();
    if (navigate && option.dataset.url) {
      window.location.assign(option.dataset.url);
    }
    root.dispatchEvent(new CustomEvent("picked", { detail: { iri: option.dataset.iri }, bubbles: true }));
  }

  function show(results) {
    list.replaceChildren();
    results.slice(0, SHOWN).forEach((hit, index) => {
      const option = document.createElement("li");
      option.id = `${input.id}-option-${index}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.iri = hit.iri;
      option.dataset.label = hit.label;
      option.dataset.url = hit.url;
      const name = document.createElement("span");
      name.className = "option-label";
      name.dir = "auto";
      name.textContent = hit.label;
      option.append(name);
      if (hit.types.length) {
        const kind = document.createElement("span");
        kind.className = "option-type";
        kind.textContent = hit.types.map((type) => type.label).join(", ");
        option.append(" ", kind);
      }
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(option);
      });
      list.append(option);
    });
    const any = results.length > 0;
    list.hidden = !any;
    input.setAttribute("aria-expanded", String(any));
    active = -1;
  }

  async function suggest() {
    const text = input.value.trim();
    if (text === asked) return;
    asked = text;
    if (hidden) hidden.value = "";
    if (!text) {
      close();
      return;
    }
    if (controller) controller.abort();
    controller = new AbortController();
    const address = new URL(root.dataset.source, window.location.href);
    address.searchParams.set("q", text);
    address.searchParams.set("size", String(SHOWN));
    if (root.dataset.type) address.searchParams.set("type", root.dataset.type);
    try {
      const response = await fetch(address, {
        headers: { Accept: "application/json" },
        signal: controller.signal,
      });
      if (!response.ok) return;
      const body = await response.json();
      if (input.value.trim() === text) show(body.results);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  }

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(suggest, DELAY);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight(active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(options()[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => window.setTimeout(close, 100));
}

document.querySelectorAll("[data-picker]").forEach(setUp);
