// "Trouver une structure": a city combobox, filters, and the paged list of structures (R-DIR-1).
// The search lives in the URL (?city=13055&distance=10&kinds=ACI…), so the back button, a reload
// and a shared link all show the same results.

import { api, ApiError, showErrors } from "./api.js";
import {
  DEFAULT_DISTANCE, DISTANCES, KINDS, cityLabel, commaList, count, distanceText, el, km,
  kindLabel, normalize, structureCount,
} from "./format.js";

const PAGE_SIZE = 20;
const FIELDS = ["city", "distance", "kinds", "hiring", "departments", "rome"];
const LAST_SEARCH_KEY = "tremplin.recherche";

const form = document.getElementById("form-recherche");
const cityInput = document.getElementById("city");
const listbox = document.getElementById("city-options");
const cityStatus = document.getElementById("city-annonce");
const distanceSelect = document.getElementById("distance");
const results = document.getElementById("resultats");
const heading = document.getElementById("titre-resultats");

// ---- Form set-up -------------------------------------------------------------------------------

distanceSelect.replaceChildren(
  ...DISTANCES.map((d) => el("option", { value: d, selected: d === DEFAULT_DISTANCE }, `${d} km`)),
);
document.getElementById("kinds-choix").replaceChildren(
  ...KINDS.map(([code, label]) =>
    el("label", {}, el("input", { type: "checkbox", name: "kinds", value: code }), ` ${label} (${code})`)),
);

// ---- City combobox (WAI-ARIA 1.2 "list autocomplete" pattern) ----------------------------------

// The city chosen from the suggestions: { insee_code, label }, or null while the text is free.
let chosen = null;
let options = [];
let active = -1;
let lookup = 0;
let debounce;

function setChosen(city) {
  chosen = city;
  cityInput.dataset.insee = city ? city.insee_code : "";
}

function closeList() {
  listbox.hidden = true;
  cityInput.setAttribute("aria-expanded", "false");
  cityInput.removeAttribute("aria-activedescendant");
  active = -1;
}

function openList() {
  if (!options.length) return;
  listbox.hidden = false;
  cityInput.setAttribute("aria-expanded", "true");
}

function highlight(index) {
  const items = listbox.children;
  if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
  active = index;
  if (index < 0) {
    cityInput.removeAttribute("aria-activedescendant");
    return;
  }
  items[index].setAttribute("aria-selected", "true");
  cityInput.setAttribute("aria-activedescendant", items[index].id);
  items[index].scrollIntoView({ block: "nearest" });
}

function choose(index) {
  const city = options[index];
  if (!city) return;
  cityInput.value = cityLabel(city);
  setChosen({ insee_code: city.insee_code, label: cityLabel(city) });
  showErrors({}, ["city"], "form-erreur");
  closeList();
  cityStatus.textContent = `${cityLabel(city)} choisie.`;
}

function renderOptions(cities) {
  options = cities;
  active = -1;
  listbox.replaceChildren(
    ...cities.map((city, index) =>
      el(
        "li",
        { id: `city-option-${index}`, role: "option", "aria-selected": "false", class: "option" },
        el("span", { class: "option-name" }, cityLabel(city)),
        city.post_codes?.length ? el("span", { class: "option-detail" }, postCodes(city.post_codes)) : null,
      )),
  );
  if (cities.length) openList();
  else closeList();
}

function postCodes(codes) {
  return codes.length > 3 ? `${codes[0]} … ${codes[codes.length - 1]}` : codes.join(", ");
}

async function suggest() {
  const text = cityInput.value.trim();
  const ticket = ++lookup;
  if (text.length < 2) {
    renderOptions([]);
    cityStatus.textContent = "";
    return;
  }
  try {
    const cities = await api(`/api/v1/cities?q=${encodeURIComponent(text)}`);
    if (ticket !== lookup) return; // an older answer arriving after a newer question
    renderOptions(cities);
    cityStatus.textContent = cities.length
      ? `${count(cities.length, "commune proposée", "communes proposées")}. Flèches haut et bas pour parcourir, Entrée pour choisir.`
      : "Aucune commune ne correspond.";
  } catch (error) {
    if (ticket !== lookup) return;
    renderOptions([]);
    cityStatus.textContent = error.message;
  }
}

cityInput.addEventListener("input", () => {
  if (chosen && cityInput.value !== chosen.label) setChosen(null);
  clearTimeout(debounce);
  debounce = setTimeout(suggest, 250);
});

cityInput.addEventListener("keydown", (event) => {
  const open = !listbox.hidden;
  switch (event.key) {
    case "ArrowDown":
      event.preventDefault();
      if (!open) openList();
      if (options.length) highlight(active < options.length - 1 ? active + 1 : 0);
      break;
    case "ArrowUp":
      event.preventDefault();
      if (!open) openList();
      if (options.length) highlight(active > 0 ? active - 1 : options.length - 1);
      break;
    case "Enter":
      if (open && active >= 0) {
        event.preventDefault(); // choose, do not submit yet
        choose(active);
      }
      break;
    case "Escape":
      if (open) {
        event.preventDefault();
        closeList();
      } else if (cityInput.value) {
        event.preventDefault();
        cityInput.value = "";
        setChosen(null);
        renderOptions([]);
      }
      break;
    case "Tab":
      closeList();
      break;
    default:
  }
});

// Keep the focus in the field while a finger or the mouse picks an option.
listbox.addEventListener("pointerdown", (event) => event.preventDefault());
listbox.addEventListener("click", (event) => {
  const item = event.target.closest("[role=option]");
  if (item) choose([...listbox.children].indexOf(item));
  cityInput.focus();
});
cityInput.addEventListener("blur", () => closeList());
cityInput.addEventListener("focus", () => {
  if (!chosen && options.length) openList();
});

// A name typed but not picked: take the one city it names, or say why we cannot.
async function resolveTypedCity() {
  if (chosen) return chosen.insee_code;
  const text = cityInput.value.trim();
  const fail = (message) => {
    throw new ApiError({ detail: message, errors: { city: [message] } });
  };
  if (!text) fail("Indiquez la commune de la personne accompagnée.");
  if (text.length < 2) fail("Saisissez au moins 2 caractères du nom ou le code postal.");
  const cities = await api(`/api/v1/cities?q=${encodeURIComponent(text)}`);
  const wanted = normalize(text);
  const exact = cities.filter(
    (c) => normalize(c.name) === wanted || normalize(cityLabel(c)) === wanted || c.insee_code === text,
  );
  const city = exact.length === 1 ? exact[0] : cities.length === 1 ? cities[0] : null;
  if (city) {
    cityInput.value = cityLabel(city);
    setChosen({ insee_code: city.insee_code, label: cityLabel(city) });
    return city.insee_code;
  }
  if (!cities.length) {
    fail(`Aucune commune ne correspond à « ${text} ». Vérifiez l'orthographe ou saisissez le code postal.`);
  }
  renderOptions(cities);
  fail("Plusieurs communes correspondent : choisissez-en une dans la liste.");
}

// ---- URL ⇄ form --------------------------------------------------------------------------------

function queryFromForm(cityCode) {
  const query = new URLSearchParams();
  query.set("city", cityCode);
  query.set("distance", distanceSelect.value);
  const kinds = [...form.querySelectorAll("input[name=kinds]:checked")].map((c) => c.value);
  if (kinds.length) query.set("kinds", kinds.join(","));
  if (form.hiring.checked) query.set("hiring", "true");
  const departments = commaList(form.departments.value, { upper: true });
  if (departments) query.set("departments", departments);
  const rome = commaList(form.rome.value, { upper: true });
  if (rome) query.set("rome", rome);
  return query;
}

function formFromQuery(query) {
  const city = query.get("city") || "";
  if (city && (!chosen || chosen.insee_code !== city)) {
    // The name comes with the answer; until then the code stands in for it.
    cityInput.value = city;
    setChosen({ insee_code: city, label: city });
  } else if (!city) {
    cityInput.value = "";
    setChosen(null);
  }
  const distance = query.get("distance") || String(DEFAULT_DISTANCE);
  distanceSelect.value = DISTANCES.map(String).includes(distance) ? distance : String(DEFAULT_DISTANCE);
  const kinds = (query.get("kinds") || "").split(",");
  for (const box of form.querySelectorAll("input[name=kinds]")) box.checked = kinds.includes(box.value);
  form.hiring.checked = query.get("hiring") === "true";
  form.departments.value = (query.get("departments") || "").split(",").filter(Boolean).join(", ");
  form.rome.value = (query.get("rome") || "").split(",").filter(Boolean).join(", ");
  if (form.departments.value || form.rome.value) document.getElementById("plus-de-filtres").open = true;
}

function pageUrl(query, page) {
  const next = new URLSearchParams(query);
  if (page > 1) next.set("page", page);
  else next.delete("page");
  return `?${next}`;
}

// ---- Results -----------------------------------------------------------------------------------

function card(structure) {
  const jobs = structure.open_jobs || [];
  return el(
    "li",
    { class: "card structure" },
    el("h3", {}, el("a", { href: `/structure.html?id=${encodeURIComponent(structure.id)}` }, structure.name)),
    el(
      "p",
      { class: "tags" },
      el("span", { class: "tag" }, structure.kind_label || kindLabel(structure.kind)),
      structure.hiring ? el("span", { class: "tag hiring" }, "Recrute") : null,
    ),
    el(
      "p",
      { class: "place" },
      `${structure.city}${structure.department ? ` (${structure.department})` : ""}`,
      el("span", { class: "distance" }, ` · ${distanceText(structure.distance_km)}`),
    ),
    jobs.length
      ? el(
        "div",
        { class: "jobs" },
        el("p", { class: "jobs-title" }, "Postes ouverts :"),
        el("ul", {}, jobs.map((job) => el("li", {}, job.title))),
      )
      : null,
  );
}

function showResults(answer, query, { focus }) {
  const page = answer.page || 1;
  const pages = Math.max(1, Math.ceil(answer.count / (answer.page_size || PAGE_SIZE)));
  const where = answer.city ? cityLabel(answer.city) : cityInput.value;
  const radius = km(answer.distance_km ?? Number(query.get("distance") || DEFAULT_DISTANCE));
  if (answer.city) {
    cityInput.value = where;
    setChosen({ insee_code: answer.city.insee_code, label: where });
  }

  heading.textContent = structureCount(answer.count);
  document.getElementById("resume").textContent = answer.count > 0
    ? `À moins de ${radius} de ${where}${pages > 1 ? ` — page ${page} sur ${pages}` : ""}.`
    : `À moins de ${radius} de ${where}.`;
  document.getElementById("liste").replaceChildren(...answer.results.map(card));

  const empty = document.getElementById("vide");
  empty.hidden = answer.count > 0;
  if (answer.count === 0) empty.replaceChildren(...emptyAdvice(query));

  const pager = document.getElementById("pages");
  pager.hidden = pages <= 1;
  const link = (id, target, enabled) => {
    const a = document.getElementById(id);
    if (enabled) {
      a.href = pageUrl(query, target);
      a.removeAttribute("aria-disabled");
    } else {
      a.removeAttribute("href");
      a.setAttribute("aria-disabled", "true");
    }
  };
  link("precedent", page - 1, page > 1);
  link("suivant", page + 1, page < pages);
  document.getElementById("page-courante").textContent = `Page ${page} sur ${pages}`;

  results.hidden = false;
  document.getElementById("annonce").textContent = answer.count > 0
    ? `${structureCount(answer.count)} à moins de ${radius} de ${where}${pages > 1 ? `, page ${page} sur ${pages}` : ""}.`
    : `Aucune structure à moins de ${radius} de ${where}.`;
  document.title = `${structureCount(answer.count)} — Trouver une structure — Tremplin`;
  if (focus) {
    // The form is long on a phone: bring the results' heading to the top of the screen.
    heading.focus({ preventScroll: true });
    heading.scrollIntoView({ block: "start" });
  }
}

// R-DIR-1: nothing here — suggest the next larger distance, and fewer filters when there are some.
function emptyAdvice(query) {
  const distance = Number(query.get("distance") || DEFAULT_DISTANCE);
  const larger = DISTANCES.find((d) => d > distance);
  const filtered = ["kinds", "hiring", "departments", "rome"].some((f) => query.get(f));
  const advice = [
    el("p", {}, "Aucune structure ne correspond à cette recherche."),
  ];
  const tips = [];
  if (larger) {
    const wider = new URLSearchParams(query);
    wider.set("distance", larger);
    wider.delete("page");
    tips.push(el("li", {}, "Essayez une distance plus grande : ",
      el("a", { href: `?${wider}`, "data-navigate": "" }, `chercher à moins de ${larger} km`), "."));
  }
  if (filtered) tips.push(el("li", {}, "Retirez un ou plusieurs filtres (type, recrutement, département, métier)."));
  if (tips.length) advice.push(el("ul", {}, tips));
  return advice;
}

function hideResults() {
  results.hidden = true;
  document.getElementById("annonce").textContent = "";
}

// ---- Running a search --------------------------------------------------------------------------

let running = 0;

async function run(query, { focus = false } = {}) {
  const ticket = ++running;
  showErrors({}, FIELDS, "form-erreur");
  if (!query.get("city")) {
    hideResults();
    return;
  }
  const request = new URLSearchParams(query);
  request.set("page_size", PAGE_SIZE);
  form.setAttribute("aria-busy", "true");
  try {
    const answer = await api(`/api/v1/structures?${request}`);
    if (ticket !== running) return;
    sessionStorage.setItem(LAST_SEARCH_KEY, location.search);
    showResults(answer, query, { focus });
  } catch (error) {
    if (ticket !== running) return;
    hideResults();
    report(error);
  } finally {
    if (ticket === running) form.removeAttribute("aria-busy");
  }
}

// Problem details next to their field; an unknown city (the search's only 404) next to the city
// field.
function report(error) {
  let shown = error;
  if (error instanceof ApiError && !Object.keys(error.fieldErrors()).length
      && (error.problem.status === 404 || error.problem.code === "city_not_found")) {
    shown = new ApiError({ ...error.problem, errors: { city: [error.message] } });
  }
  showErrors(shown, FIELDS, "form-erreur");
  // Fields with no input here (page, page_size): their own messages say more than the summary.
  const others = Object.entries(shown instanceof ApiError ? shown.fieldErrors() : {})
    .filter(([field]) => !FIELDS.includes(field))
    .flatMap(([, messages]) => messages);
  if (others.length) document.getElementById("form-erreur").textContent = others.join(" ");
  const invalid = FIELDS.map((f) => document.getElementById(f)).find((n) => n?.getAttribute("aria-invalid") === "true");
  if (invalid?.id === "kinds") invalid.querySelector("input")?.focus();
  else if (invalid && ["departments", "rome"].includes(invalid.id)) {
    document.getElementById("plus-de-filtres").open = true;
    invalid.focus();
  } else invalid?.focus();
}

function navigate(search, options) {
  if (search !== location.search) history.pushState(null, "", `${location.pathname}${search}`);
  return run(new URLSearchParams(search), options);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  closeList();
  showErrors({}, FIELDS, "form-erreur");
  let cityCode;
  try {
    cityCode = await resolveTypedCity();
  } catch (error) {
    hideResults();
    report(error);
    return;
  }
  await navigate(`?${queryFromForm(cityCode)}`, { focus: true });
});

// Paging and "search farther" links stay real links (open in a new tab works); a plain click
// updates the page in place.
results.addEventListener("click", (event) => {
  const link = event.target.closest("a[href^='?']");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  const search = link.getAttribute("href");
  formFromQuery(new URLSearchParams(search));
  navigate(search, { focus: true });
});

window.addEventListener("popstate", () => {
  const query = new URLSearchParams(location.search);
  formFromQuery(query);
  run(query);
});

const initial = new URLSearchParams(location.search);
formFromQuery(initial);
run(initial);
