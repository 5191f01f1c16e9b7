// The /search/ page: Pagefind's API, loaded from this site, behind a plain form.
const form = document.querySelector(".search-form");
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
const SHOWN = 10;

function resultItem(data) {
  const item = document.createElement("li");
  const title = document.createElement("h2");
  title.className = "link-title";
  const link = document.createElement("a");
  link.href = data.meta.url;
  link.textContent = data.meta.title;
  title.append(link);
  const meta = document.createElement("p");
  meta.className = "link-meta";
  meta.textContent = [data.meta.label, data.meta.date].filter(Boolean).join(" · ");
  const excerpt = document.createElement("p");
  // Pagefind escapes the indexed text and marks the matches with <mark>.
  excerpt.innerHTML = data.excerpt;
  item.append(title, meta, excerpt);
  return item;
}

async function start() {
  let pagefind;
  try {
    pagefind = await import(form.dataset.bundle + "pagefind.js");
  } catch {
    status.textContent = "Search could not load. Browse the issues, topics and links instead.";
    return;
  }
  form.hidden = false;
  let latest = 0;

  async function run() {
    const query = form.q.value.trim();
    const filters = {};
    if (form.kind.value) filters.kind = form.kind.value;
    if (form.tag.value) filters.tag = form.tag.value;
    const options = { filters };
    if (form.sort.value) options.sort = { date: form.sort.value };
    if (!query && !Object.keys(filters).length) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    const asked = ++latest;
    const search = await pagefind.search(query || null, options);
    if (asked !== latest || !search) return;
    const found = await Promise.all(search.results.slice(0, SHOWN).map((r) => r.data()));
    if (asked !== latest) return;
    list.replaceChildren(...found.map(resultItem));
    const count = search.results.length;
    status.textContent = count === 0 ? "No results." :
      count > SHOWN ? `${count} results, the first ${SHOWN} shown.` : `${count} result${count === 1 ? "" : "s"}.`;
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  form.addEventListener("input", run);
  form.q.focus();
}

start();
