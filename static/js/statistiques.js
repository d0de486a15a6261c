// The figures of GET /api/v1/stats for the organization acted for, a department or all of
// France: key figures, applications by month, refusal reasons, by structure kind, and a CSV of
// them. The choices live in the URL. Public figures keep the statistical secrecy: a count may be
// "< 5" or "secret", written out in words and drawn as no bar.

import { ApiError, setToken } from "./api.js";
import { el } from "./format.js";
import { call, loginHref, session } from "./espace.js";

const main = document.getElementById("contenu");
const form = document.getElementById("stats-form");
const scopeSelect = document.getElementById("stats-scope");
const departmentInput = document.getElementById("stats-department");
const fromInput = document.getElementById("stats-from");
const toInput = document.getElementById("stats-to");
const results = document.getElementById("stats-resultats");

// The API's field → the form's element (its message goes in `<id>-erreur`).
const FIELDS = { scope: "stats-scope", code: "stats-department", from: "stats-from", to: "stats-to" };

const SENT_COLOUR = "#000091";
const ACCEPTED_COLOUR = "#18753c";
const TEXT_COLOUR = "#3a3a3a";

let organization = null; // the one acted for, when signed in
let shownStats = null; // what the CSV is made of

// ---- Wording ------------------------------------------------------------------------------------

const integer = new Intl.NumberFormat("fr-FR");
const decimal = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
const isNumber = (value) => typeof value === "number";

// A count as shown: 8 → "8", "< 5" → "moins de 5", "secret" → "secret statistique".
function shown(value) {
  if (isNumber(value)) return integer.format(value);
  if (value === "< 5") return "moins de 5";
  if (value === "secret") return "secret statistique";
  return "non disponible";
}

// A count with its noun: "1 acceptée", "8 acceptées", "moins de 5 acceptées", "acceptées : secret statistique".
function amount(value, singular, plural) {
  if (isNumber(value)) return `${integer.format(value)} ${value > 1 ? plural : singular}`;
  if (value === "< 5") return `moins de 5 ${plural}`;
  return `${plural} : ${shown(value)}`;
}

const rateText = (rate) => (rate === null || rate === undefined ? "non disponible" : `${decimal.format(rate)} %`);
const daysText = (days) =>
  (days === null || days === undefined ? "non disponible" : `${decimal.format(days)} ${days > 1 ? "jours" : "jour"}`);

function monthDate(month) {
  const [year, number] = month.split("-").map(Number);
  return new Date(Date.UTC(year, number - 1, 1));
}
const monthFormat = (options) => {
  const format = new Intl.DateTimeFormat("fr-FR", { ...options, timeZone: "UTC" });
  return (month) => format.format(monthDate(month));
};
const monthShort = monthFormat({ month: "short", year: "numeric" }); // "févr. 2026"
const monthAxis = monthFormat({ month: "short", year: "2-digit" }); // "févr. 26"
const monthLong = monthFormat({ month: "long", year: "numeric" }); // "février 2026"

const periodText = (from, to) => (from === to ? `en ${monthLong(from)}` : `de ${monthLong(from)} à ${monthLong(to)}`);
const capitalized = (text) => text.charAt(0).toUpperCase() + text.slice(1);

function scopeText(stats) {
  if (stats.scope === "organization") return organization ? `Mon organisation : ${organization.name}` : "Mon organisation";
  if (stats.scope === "department") return `Département ${stats.code}`;
  return "France entière";
}

// ---- Choices: URL ↔ form ----------------------------------------------------------------------

function currentMonth() {
  const today = new Date();
  return `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}`;
}

function readChoices() {
  const query = new URLSearchParams(location.search);
  const offered = organization ? ["organization", "department", "national"] : ["department", "national"];
  const asked = query.get("scope");
  const scope = offered.includes(asked) ? asked : organization ? "organization" : "national";
  return {
    scope,
    code: scope === "department" ? (query.get("code") || "").trim().toUpperCase() : "",
    from: query.get("from") || "",
    to: query.get("to") || "",
  };
}

function formChoices() {
  const scope = scopeSelect.value;
  return {
    scope,
    code: scope === "department" ? departmentInput.value.trim().toUpperCase() : "",
    from: fromInput.value,
    to: toInput.value,
  };
}

function fillForm(choices) {
  if (organization) {
    scopeSelect.prepend(el("option", { value: "organization" }, "Mon organisation"));
  }
  scopeSelect.value = choices.scope;
  departmentInput.value = choices.code;
  fromInput.value = choices.from;
  toInput.value = choices.to;
  fromInput.max = toInput.max = currentMonth();
  showDepartment();
}

function showDepartment() {
  document.getElementById("stats-department-bloc").hidden = scopeSelect.value !== "department";
}

function writeUrl(choices) {
  const params = new URLSearchParams({ scope: choices.scope });
  if (choices.scope === "department") params.set("code", choices.code);
  if (choices.from) params.set("from", choices.from);
  if (choices.to) params.set("to", choices.to);
  history.replaceState(null, "", `?${params}`);
}

// ---- Errors -------------------------------------------------------------------------------------

// Each field's messages next to it, the rest (or a problem without fields) in #erreur.
function showErrors(byField, general = "") {
  for (const id of Object.values(FIELDS)) {
    document.getElementById(`${id}-erreur`).textContent = "";
    document.getElementById(id).removeAttribute("aria-invalid");
  }
  const unplaced = [];
  for (const [field, messages] of Object.entries(byField)) {
    const id = FIELDS[field];
    const input = id && document.getElementById(id);
    // A code error is the department's only when a department was asked for.
    if (!input || input.closest("[hidden]")) {
      unplaced.push(...messages);
      continue;
    }
    document.getElementById(`${id}-erreur`).textContent = messages.join(" ");
    input.setAttribute("aria-invalid", "true");
  }
  const fallback = unplaced.length ? unplaced.join(" ") : Object.keys(byField).length ? "" : general;
  document.getElementById("erreur").textContent = fallback;
}

function validate(choices) {
  return choices.scope === "department" && !choices.code
    ? { code: ["Indiquez le code du département, par exemple 69."] }
    : {};
}

// ---- SVG charts ---------------------------------------------------------------------------------

const SVG_NS = "http://www.w3.org/2000/svg";

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

// An image chart whose text alternative is its <title> and <desc>.
function chartFrame(id, width, height, title, description) {
  return svg(
    "svg",
    {
      id, class: "chart", role: "img", width, height, viewBox: `0 0 ${width} ${height}`,
      "aria-labelledby": `${id}-titre ${id}-desc`,
    },
    svg("title", { id: `${id}-titre` }, title),
    svg("desc", { id: `${id}-desc` }, description),
  );
}

// The smallest 1, 2 or 5 × 10ⁿ at least `n`: the top of a scale.
function niceCeil(n) {
  const power = 10 ** Math.floor(Math.log10(Math.max(n, 1)));
  return [1, 2, 5, 10].map((f) => f * power).find((v) => v >= n);
}

function monthChart(stats) {
  const width = 320;
  const height = 200;
  const left = 34;
  const top = 10;
  const bottom = 26;
  const months = stats.by_month;
  const scaleTop = niceCeil(Math.max(1, ...months.flatMap((m) => [m.sent, m.accepted]).filter(isNumber)));
  const plot = height - top - bottom;
  const y = (value) => top + plot - (value / scaleTop) * plot;
  const slot = (width - left - 4) / months.length;
  const bar = Math.max(1, slot * 0.38);
  const { sent, accepted } = stats.applications;

  const chart = chartFrame(
    "stats-chart-months", width, height,
    "Candidatures envoyées et acceptées par mois",
    `${capitalized(periodText(stats.from, stats.to))} : total ${amount(sent, "envoyée", "envoyées")}, ${amount(accepted, "acceptée", "acceptées")}.`,
  );
  for (const value of [0, scaleTop / 2, scaleTop]) {
    if (!Number.isInteger(value)) continue;
    chart.append(
      svg("line", { x1: left, x2: width, y1: y(value), y2: y(value), stroke: value ? "#c9c9c9" : TEXT_COLOUR }),
      svg("text", { x: left - 5, y: y(value) + 4, "text-anchor": "end", "font-size": 11, fill: TEXT_COLOUR }, integer.format(value)),
    );
  }
  // As many month names as fit, evenly spaced.
  const every = Math.ceil(52 / slot);
  months.forEach((m, i) => {
    const x = left + i * slot + (slot - 2 * bar) / 2;
    for (const [value, offset, colour] of [[m.sent, 0, SENT_COLOUR], [m.accepted, bar, ACCEPTED_COLOUR]]) {
      if (isNumber(value) && value > 0) {
        chart.append(svg("rect", { x: x + offset, y: y(value), width: bar, height: y(0) - y(value), fill: colour }));
      }
    }
    if (i % every === 0) {
      chart.append(svg("text", {
        x: left + (i + 0.5) * slot, y: height - 8, "text-anchor": "middle", "font-size": 11, fill: TEXT_COLOUR,
      }, monthAxis(m.month)));
    }
  });
  return chart;
}

// "L'embauche du candidat empêche…" → lines of at most `size` characters, cut between words.
function wrap(text, size) {
  const lines = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && `${line} ${word}`.length > size) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

function reasonChart(stats) {
  const reasons = stats.refusal_reasons.filter((r) => r.count !== 0);
  if (!reasons.length) return el("p", { class: "hint" }, "Aucun refus sur la période.");
  const width = 320;
  const lineHeight = 15;
  const barHeight = 14;
  const valueRoom = 70;
  const largest = Math.max(1, ...reasons.map((r) => r.count).filter(isNumber));
  const description = `${capitalized(periodText(stats.from, stats.to))} : ${reasons.map((r) => `${r.label}, ${shown(r.count)}`).join(" ; ")}.`;

  const shapes = [];
  let y = 0;
  for (const reason of reasons) {
    for (const line of wrap(reason.label, 44)) {
      y += lineHeight;
      shapes.push(svg("text", { x: 0, y: y - 3, "font-size": 12, fill: TEXT_COLOUR }, line));
    }
    const length = isNumber(reason.count) ? (reason.count / largest) * (width - valueRoom) : 0;
    if (length > 0) shapes.push(svg("rect", { x: 0, y: y + 2, width: length, height: barHeight, fill: SENT_COLOUR }));
    shapes.push(svg("text", {
      x: length + (length > 0 ? 5 : 0), y: y + barHeight - 1, "font-size": 12, "font-weight": 700, fill: TEXT_COLOUR,
    }, shown(reason.count)));
    y += barHeight + 12;
  }
  const chart = chartFrame("stats-chart-reasons", width, y, "Motifs de refus des candidatures", description);
  chart.append(...shapes);
  return chart;
}

// ---- Tables -------------------------------------------------------------------------------------

// `columns` are the headers; each row's first cell is its header, the others numbers.
function dataTable(id, caption, columns, rows) {
  return el(
    "table",
    { class: "data", id },
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, ...columns.map((c, i) => el("th", { scope: "col", class: i ? "number" : null }, c)))),
    el("tbody", {}, ...rows.map(([head, ...cells]) => el(
      "tr",
      {},
      el("th", { scope: "row" }, head),
      ...cells.map((cell) => el("td", { class: "number" }, cell)),
    ))),
  );
}

// ---- Rendering ----------------------------------------------------------------------------------

function keyFigures(stats) {
  const a = stats.applications;
  const card = (id, label, value, extra) => el(
    "li",
    { class: "card figure" },
    el("span", { class: "figure-label" }, label),
    el("span", { class: `figure-value${/^[0-9]/.test(value) ? "" : " withheld"}`, id }, value),
    extra ? el("span", { class: "hint" }, extra) : null,
  );
  const answered = stats.first_answer.answered;
  return [
    card("stats-sent", "Candidatures envoyées", shown(a.sent)),
    card("stats-accepted", "Candidatures acceptées", shown(a.accepted)),
    card("stats-refused", "Candidatures refusées", shown(a.refused)),
    card("stats-pending", "Candidatures en attente", shown(a.pending)),
    card("stats-rate", "Taux de transformation", rateText(a.transformation_rate)),
    card("stats-median", "Délai médian de première réponse", daysText(stats.first_answer.median_days),
      answered === 0 || answered === "secret" ? null
        : `sur ${amount(answered, "candidature ayant reçu une réponse", "candidatures ayant reçu une réponse")}`),
    card("stats-passes-issued", "PASS IAE délivrés", shown(stats.passes.issued)),
    card("stats-passes-suspended", "PASS IAE suspendus", shown(stats.passes.suspended)),
    card("stats-passes-prolonged", "PASS IAE prolongés", shown(stats.passes.prolonged)),
  ];
}

function render(stats) {
  document.getElementById("stats-periode").textContent = `${scopeText(stats)}, ${periodText(stats.from, stats.to)}.`;
  document.getElementById("stats-secret").hidden = !stats.public;
  document.getElementById("stats-mois-secret").hidden = !stats.public;
  document.getElementById("stats-chiffres").replaceChildren(...keyFigures(stats));

  document.getElementById("stats-graphique-mois").replaceChildren(monthChart(stats));
  document.getElementById("stats-tableau-mois").replaceChildren(dataTable(
    "stats-table-months", "Candidatures envoyées et acceptées par mois", ["Mois", "Envoyées", "Acceptées"],
    stats.by_month.map((m) => [monthShort(m.month), shown(m.sent), shown(m.accepted)]),
  ));

  document.getElementById("stats-graphique-motifs").replaceChildren(reasonChart(stats));
  document.getElementById("stats-tableau-motifs").replaceChildren(dataTable(
    "stats-table-reasons", "Candidatures refusées par motif", ["Motif", "Nombre"],
    stats.refusal_reasons.map((r) => [r.label, shown(r.count)]),
  ));

  // A wide table: it scrolls sideways on a phone, and can be reached by keyboard to do so.
  document.getElementById("stats-tableau-types").replaceChildren(el(
    "div",
    { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "Candidatures par type de structure" },
    dataTable(
      "stats-table-kinds", "Candidatures par type de structure",
      ["Type de structure", "Envoyées", "Acceptées", "Refusées", "En attente", "Taux de transformation"],
      stats.by_structure_kind.map((k) => [
        k.label, shown(k.sent), shown(k.accepted), shown(k.refused), shown(k.pending), rateText(k.transformation_rate),
      ]),
    ),
  ));
}

// ---- CSV ----------------------------------------------------------------------------------------

const csvNumber = (value) => (isNumber(value) ? String(value) : shown(value));
// French Excel reads a decimal comma; an unknown rate is an empty cell.
const csvRate = (rate) => (rate === null || rate === undefined ? "" : String(rate).replace(".", ","));

function csvText(stats) {
  const a = stats.applications;
  const rows = [
    ["Statistiques", scopeText(stats)],
    ["Du mois", stats.from],
    ["Au mois", stats.to],
    [],
    ["Chiffres clés"],
    ["Indicateur", "Valeur"],
    ["Candidatures envoyées", csvNumber(a.sent)],
    ["Candidatures acceptées", csvNumber(a.accepted)],
    ["Candidatures refusées", csvNumber(a.refused)],
    ["Candidatures en attente", csvNumber(a.pending)],
    ["Taux de transformation (%)", csvRate(a.transformation_rate)],
    ["Délai médian de première réponse (jours)", csvRate(stats.first_answer.median_days)],
    ["Premières réponses", csvNumber(stats.first_answer.answered)],
    ["PASS IAE délivrés", csvNumber(stats.passes.issued)],
    ["PASS IAE suspendus", csvNumber(stats.passes.suspended)],
    ["PASS IAE prolongés", csvNumber(stats.passes.prolonged)],
    [],
    ["Par mois"],
    ["Mois", "Envoyées", "Acceptées"],
    ...stats.by_month.map((m) => [monthShort(m.month), csvNumber(m.sent), csvNumber(m.accepted)]),
    [],
    ["Motifs de refus"],
    ["Motif", "Nombre"],
    ...stats.refusal_reasons.map((r) => [r.label, csvNumber(r.count)]),
    [],
    ["Par type de structure"],
    ["Type", "Libellé", "Envoyées", "Acceptées", "Refusées", "En attente", "Taux de transformation (%)"],
    ...stats.by_structure_kind.map((k) => [
      k.kind, k.label, csvNumber(k.sent), csvNumber(k.accepted), csvNumber(k.refused), csvNumber(k.pending),
      csvRate(k.transformation_rate),
    ]),
  ];
  const quote = (cell) => `"${String(cell).replaceAll('"', '""')}"`;
  return rows.map((row) => row.map(quote).join(";")).join("\r\n");
}

function downloadCsv() {
  if (!shownStats) return;
  // The BOM tells Excel the file is UTF-8.
  const blob = new Blob(["\uFEFF", csvText(shownStats), "\r\n"], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const { scope, from, to } = shownStats;
  const link = Object.assign(document.createElement("a"), { href: url, download: `statistiques-${scope}-${from}-${to}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- Loading ------------------------------------------------------------------------------------

function announce(text) {
  const region = document.getElementById("stats-annonce");
  region.textContent = "";
  // A change the screen reader notices, even when the same words come again.
  setTimeout(() => { region.textContent = text; }, 100);
}

async function load(choices) {
  const invalid = validate(choices);
  showErrors(invalid);
  if (Object.keys(invalid).length) {
    results.hidden = true;
    return;
  }
  const params = new URLSearchParams({ scope: choices.scope });
  if (choices.scope === "organization") params.set("code", organization.id);
  if (choices.scope === "department") params.set("code", choices.code);
  if (choices.from) params.set("from", choices.from);
  if (choices.to) params.set("to", choices.to);
  form.setAttribute("aria-busy", "true");
  results.setAttribute("aria-busy", "true");
  try {
    const stats = await call(`/api/v1/stats?${params}`);
    shownStats = stats;
    render(stats);
    fromInput.value = stats.from;
    toInput.value = stats.to;
    results.hidden = false;
    announce("Statistiques mises à jour");
  } catch (error) {
    if (error instanceof ApiError && error.problem.status === 401) {
      setToken(null);
      location.replace(loginHref());
      return;
    }
    shownStats = null;
    results.hidden = true;
    const byField = error instanceof ApiError ? error.fieldErrors() : {};
    showErrors(byField, error.message || "Les statistiques n'ont pas pu être chargées.");
  } finally {
    form.removeAttribute("aria-busy");
    results.removeAttribute("aria-busy");
  }
}

async function start() {
  // The figures of one's organization need the login; the public ones do not.
  const wantsOrganization = new URLSearchParams(location.search).get("scope") === "organization";
  const current = await session({ required: wantsOrganization }).catch(() => null);
  organization = current?.organization || null;
  fillForm(readChoices());
  scopeSelect.addEventListener("change", showDepartment);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const choices = formChoices();
    writeUrl(choices);
    load(choices);
  });
  document.getElementById("stats-csv").addEventListener("click", downloadCsv);
  const choices = readChoices();
  writeUrl(choices);
  await load(choices);
}

start()
  .catch((error) => {
    document.getElementById("erreur").textContent = error.message || "Les statistiques n'ont pas pu être chargées.";
  })
  .finally(() => main.removeAttribute("aria-busy"));
