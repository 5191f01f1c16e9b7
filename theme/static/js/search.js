// The /search/ page: Pagefind's API, loaded from this site, behind a plain form.
// The index is in parts, the recent quarter and the archive (hearth_search/pagefind.py):
// parts.json lists them newest first; the newest part's Pagefind loads, and merges the others.
const form = document.querySelector(".search-form");
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
const more = document.querySelector(".search-more");
const SHOWN = 10;
// Records fetched at once: a month of links may hold many results, an issue one.
const BATCH = 5;

// What each kind of record is called on a result (the "kind" filter of records.py).
const KIND_NAMES = { issue: "Issue", link: "Link", discussion: "Discussion" };

function resultItem(entry) {
  const item = document.createElement("li");
  item.className = `search-result search-result-${entry.kind}`;
  const title = document.createElement("h2");
  title.className = "link-title";
  const kind = document.createElement("span");
  kind.className = "search-kind";
  kind.textContent = KIND_NAMES[entry.kind] || entry.kind;
  const link = document.createElement("a");
  link.href = entry.url;
  link.textContent = entry.title;
  title.append(kind, " ", link);
  const meta = document.createElement("p");
  meta.className = "link-meta";
  meta.append(entry.label);
  if (entry.date) {
    const day = document.createElement("time");
    day.dateTime = entry.date;
    day.textContent = entry.day || entry.date;
    meta.append(" · ", day);
  }
  item.append(title, meta);
  if (entry.excerpt) {
    const excerpt = document.createElement("p");
    excerpt.className = "search-excerpt";
    // Pagefind escapes the indexed text and marks the matches with <mark>.
    excerpt.innerHTML = entry.excerpt;
    item.append(excerpt);
  }
  return item;
}

// A part's text ends with its label and topics ("Link shared by Ada · zines": records.py,
// _shown_line), so that a member's name or a topic finds it. The result shows them above
// its excerpt already: the excerpt stops where they begin, matched words and all.
function withoutShownLine(excerpt, label) {
  const words = label.split(/\s+/).map((word) =>
    escapeHtml(word)
      .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
      // Quotes as they are, or as Pagefind may have escaped them.
      .replace(/'/g, "(?:'|&#39;|&#x27;)")
      .replace(/"/g, '(?:"|&quot;|&#34;)'),
  );
  const marked = words.map((word) => `(?:<mark>)?${word}(?:</mark>)?`).join("\\s+");
  return excerpt.replace(new RegExp(`\\s*${marked}[^]*$`), "");
}

function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function kindOf(data) {
  return (data.filters && data.filters.kind && data.filters.kind[0]) || "";
}

function score(section) {
  return section.weighted_locations.reduce((sum, word) => sum + word.balanced_score, 0);
}

// A grouped record (a month of member links) holds one result per section the
// query matched, kept to the chosen topic: the record's topics are all of theirs.
// Its parts are written compactly to a file of its own (hearth_search/records.py,
// parts_meta), which data.meta.parts names: each part is
// [day, label number, tag numbers, address if not the record's page and anchor].
function partsOf(data, wanted) {
  const { labels, tags, parts } = data.parts;
  const month = data.meta.date.slice(0, 8);
  const found = data.sub_results
    .filter((section) => section.anchor && parts[section.anchor.id])
    .map((section) => {
      const [day, label, tagNumbers, url] = parts[section.anchor.id];
      return {
        title: section.title,
        kind: kindOf(data),
        url: url || `${data.meta.url}#${section.anchor.id}`,
        date: month + String(day).padStart(2, "0"),
        // As the pages write a day (hearth_core.dates.DAY_FORMAT): "7 June 2022".
        day: `${day} ${data.meta.month}`,
        label: labels[label],
        tags: tagNumbers.map((number) => tags[number]),
        excerpt: withoutShownLine(section.excerpt, labels[label]),
        score: score(section),
      };
    });
  if (!wanted.sort) found.sort((a, b) => b.score - a.score);
  return wanted.tag ? found.filter((part) => part.tags.includes(wanted.tag)) : found;
}

function entriesOf(data, wanted) {
  if (data.meta.parts) return partsOf(data, wanted);
  const { url, title, label, date, day } = data.meta;
  return [{ url, title, label, date, day, kind: kindOf(data), excerpt: data.excerpt }];
}

// Each group's parts file, fetched once however many queries show the group.
const partsFiles = new Map();

function withParts(data) {
  if (!data.meta.parts) return data;
  const name = data.meta.parts;
  if (!partsFiles.has(name)) {
    const url = `${form.dataset.bundle}hearth-parts/${name}`;
    partsFiles.set(name, fetch(url).then((response) => response.json()));
  }
  return partsFiles.get(name).then((parts) => ({ ...data, parts }));
}

function byDate(direction) {
  return (a, b) => (direction === "asc" ? a.date.localeCompare(b.date) : b.date.localeCompare(a.date));
}

// Each part carries a filter of its own name, so that a search can ask one part alone,
// and ranking settings of its own (hearth_search/ranking.py) that make it compare a
// record's length with the whole index's average length, not with its own part's.
async function loadParts() {
  const response = await fetch(`${form.dataset.bundle}parts.json`);
  const { parts, pages, options } = await response.json();
  const pagefind = await import(`${form.dataset.bundle}${parts[0]}/pagefind.js`);
  await pagefind.options({ ...options[parts[0]], mergeFilter: { part: parts[0] } });
  const base = new URL(form.dataset.bundle, location.href).href;
  await Promise.all(
    parts
      .slice(1)
      .map((name) => pagefind.mergeIndex(`${base}${name}/`, { ...options[name], mergeFilter: { part: name } })),
  );
  return { pagefind, parts, pages };
}

// Pagefind's BM25 weighs each word by its rarity among the records of one index
// (pagefind_web's calculate_idf): merged parts would each weigh it by their own, and
// a word common in one part and rare in another would rank that part's records first.
// So the page weighs each word once over all the parts, as one index would: it asks
// each part for the word alone, counts the records that hold it, and moves each
// record's score from its part's weight to the whole index's. A record's score for
// one word is its part's weight times what does not depend on the part (with page
// lengths compared with the whole index's average, loadParts), so the ranking is the
// same in one part or in many.
function rarity(total, holding) {
  return Math.log((total - holding + 0.5) / (holding + 0.5) + 1);
}

async function ranked(pagefind, parts, pages, query, results) {
  const words = [...new Set(query.toLowerCase().split(/\s+/).filter(Boolean))];
  const total = parts.reduce((sum, part) => sum + pages[part], 0);
  const scores = new Map();
  for (const word of words) {
    const byPart = await Promise.all(
      parts.map((part) => pagefind.search(word, { filters: { part } })),
    );
    const holding = byPart.reduce((sum, found) => sum + (found ? found.results.length : 0), 0);
    byPart.forEach((found, index) => {
      const own = rarity(pages[parts[index]], found ? found.results.length : 0);
      for (const result of found ? found.results : []) {
        const moved = own > 0 ? (result.score / own) * rarity(total, holding) : 0;
        scores.set(result.id, (scores.get(result.id) || 0) + moved);
      }
    });
  }
  // To six digits: Pagefind computes in 32-bit floats, and the same score reached through
  // two parts' settings differs in its last bits.
  const score = (result) => Number((scores.get(result.id) || 0).toPrecision(6));
  // Equal scores in the order of the records' ids, which do not depend on the parts.
  return [...results].sort((a, b) => score(b) - score(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

// Sorted by date, the merged results would interleave the parts by their rank in each
// (Pagefind's merge orders by score, and a sorted part's score is its rank): the parts
// hold no dates in common, so the sorted results are each part's, one part after another.
async function sortedSearch(pagefind, parts, query, options) {
  const order = options.sort.date === "asc" ? [...parts].reverse() : parts;
  const searches = order.map((part) =>
    pagefind.search(query, { ...options, filters: { ...options.filters, part } }),
  );
  const found = await Promise.all(searches);
  return { results: found.flatMap((search) => (search ? search.results : [])) };
}

// The query and filters live in the address (/search/?q=kilns&kind=issue), as the plain
// form sends them: a link, a reload, back and forward each show their own search.
const FIELDS = ["q", "kind", "tag", "sort"];

function fromAddress() {
  const params = new URLSearchParams(location.search);
  for (const name of FIELDS) {
    const field = form.elements[name];
    const value = params.get(name) || "";
    field.value = value;
    // A value no option has (a topic gone since) leaves that filter off.
    if (field.value !== value) field.value = "";
  }
}

function address() {
  const params = new URLSearchParams();
  for (const name of FIELDS) {
    const value = form.elements[name].value.trim();
    if (value) params.set(name, value);
  }
  const query = params.toString();
  return `${location.pathname}${query ? `?${query}` : ""}`;
}

// Typing a query is one step back in history, not one per letter: the first change after
// a pause (or a submit, or a filter) adds an entry, and the changes that follow it within
// a second replace that entry.
const PAUSE = 1000;

async function start() {
  // What the address asks for; a reader who typed before the script loaded keeps that.
  if (location.search) fromAddress();
  let pagefind, parts, pages;
  try {
    ({ pagefind, parts, pages } = await loadParts());
  } catch {
    status.textContent = "Search could not load. Browse the issues, topics and links instead.";
    return;
  }
  let latest = 0;
  let current = null;
  let typing = null;

  function remember() {
    const wanted = address();
    if (wanted === `${location.pathname}${location.search}`) return;
    if (typing) history.replaceState(null, "", wanted);
    else history.pushState(null, "", wanted);
    clearTimeout(typing);
    typing = setTimeout(() => { typing = null; }, PAUSE);
  }

  // Loads records until `count` results are found or none is left; each load is one small
  // fetch, and no more are fetched than the results still missing could need.
  async function fill(state, count) {
    while (state.entries.length < count && state.next < state.results.length) {
      const size = Math.min(count - state.entries.length, BATCH);
      const batch = state.results.slice(state.next, state.next + size);
      state.next += batch.length;
      const loaded = await Promise.all(batch.map((result) => result.data().then(withParts)));
      if (state.asked !== latest) return;
      for (const data of loaded) state.entries.push(...entriesOf(data, state.wanted));
      // Records come in date order, but a month of links spans the days between others.
      if (state.wanted.sort) state.entries.sort(byDate(state.wanted.sort));
    }
  }

  function show(state) {
    const shown = state.entries.slice(0, state.shown);
    list.replaceChildren(...shown.map(resultItem));
    const done = state.next >= state.results.length && state.entries.length <= state.shown;
    more.hidden = done;
    const count = state.entries.length;
    if (!done) status.textContent = `The first ${shown.length} results shown.`;
    else status.textContent = count === 0 ? "No results." : `${count} result${count === 1 ? "" : "s"}.`;
  }

  async function run() {
    const wanted = { query: form.q.value.trim(), tag: form.tag.value, sort: form.sort.value };
    const filters = {};
    if (form.kind.value) filters.kind = form.kind.value;
    if (wanted.tag) filters.tag = wanted.tag;
    const options = { filters };
    if (wanted.sort) options.sort = { date: wanted.sort };
    // Filters narrow a query; alone they would fetch the whole index (megabytes on a
    // large archive) to list everything. The links and topics pages list it all instead.
    if (!wanted.query) {
      ++latest;
      current = null;
      list.replaceChildren();
      more.hidden = true;
      status.textContent = Object.keys(filters).length ? "Type a word to search for." : "";
      return;
    }
    const asked = ++latest;
    const search = wanted.sort
      ? await sortedSearch(pagefind, parts, wanted.query, options)
      : await pagefind.search(wanted.query, options);
    if (asked !== latest || !search) return;
    // Pagefind matches words in a record's metadata too (a month's title, its parts'
    // topics); such a record has no words in its text and no section to show, and
    // fetching them all found nothing and cost a megabyte. Its text says all it shows.
    let results = search.results.filter((result) => result.words.length > 0);
    // A quoted phrase is matched, not weighed: its records come as Pagefind gives them.
    if (!wanted.sort && !wanted.query.includes('"')) {
      results = await ranked(pagefind, parts, pages, wanted.query, results);
      if (asked !== latest) return;
    }
    const state = { asked, wanted, results, next: 0, entries: [], shown: SHOWN };
    await fill(state, SHOWN);
    if (asked !== latest) return;
    current = state;
    show(state);
  }

  async function showMore() {
    const state = current;
    if (!state) return;
    state.shown += SHOWN;
    await fill(state, state.shown);
    if (state === current) show(state);
  }

  function ended() {
    clearTimeout(typing);
    typing = null;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ended();
    remember();
    ended();
    run();
  });
  form.q.addEventListener("input", () => { remember(); run(); });
  for (const name of ["kind", "tag", "sort"]) {
    form.elements[name].addEventListener("change", () => { ended(); remember(); ended(); run(); });
  }
  window.addEventListener("popstate", () => { ended(); fromAddress(); run(); });
  more.addEventListener("click", showMore);
  form.dataset.ready = "";
  if (address() !== `${location.pathname}${location.search}`) {
    history.replaceState(null, "", address());
  }
  if (form.q.value.trim()) run();
  else if (!document.activeElement || document.activeElement === document.body) form.q.focus();
}

start();
