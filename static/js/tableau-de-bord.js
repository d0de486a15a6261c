// What awaits the organization acted for (GET /api/v1/dashboard), the landing page after a
// professional's login (the answers "since your last visit" count from the login before): each item a heading with its count, its first lines as links to where
// the work is done, and a link to the whole list.

import { count, el } from "./format.js";
import { call, isCandidateAccount, session } from "./espace.js";
import { STATES, date, fullName, label, passNumber } from "./textes.js";

const main = document.getElementById("contenu");

const application = (id) => `/candidature.html?id=${encodeURIComponent(id)}`;
const pass = (number) => `/pass.html?number=${encodeURIComponent(number)}`;
const days = (n) => (n === 0 ? "reçue aujourd'hui" : `reçue il y a ${count(n, "jour", "jours")}`);

// One item: a section titled with its count; `line` makes a list item's content; `all` links to
// the whole list when there are more lines than shown.
function item(id, title, data, line, all) {
  const heading = el("h2", { id: `titre-${id}` }, `${title} : ${data.count}`);
  const body = data.count === 0
    ? [el("p", { class: "hint" }, "Rien pour le moment.")]
    : [el("ul", { class: "results" }, ...data.results.map((r) => el("li", {}, ...line(r))))];
  if (all && data.count > 0) body.push(el("p", {}, el("a", { href: all.href }, all.text)));
  return el("section", { class: "card", id, "aria-labelledby": `titre-${id}` }, heading, ...body);
}

const requestLine = (r) => [
  el("strong", {}, fullName(r.candidate)),
  ` — PASS IAE n° ${passNumber(r.pass.number)}, ${r.reason_label}, jusqu'au ${date(r.end_at)}`,
];

function structure(items) {
  const waiting = (r) => [el("a", { href: application(r.id) }, fullName(r.candidate)), ` — ${days(r.age_days)}`];
  return [
    item("a-traiter", "Candidatures à traiter", items.to_answer, waiting,
      { href: "/candidatures.html?box=received&state=new,processing", text: "Toutes les candidatures à traiter" }),
    item("differees", "Candidatures pour plus tard", items.postponed, waiting,
      { href: "/candidatures.html?box=received&state=postponed", text: "Toutes les candidatures pour plus tard" }),
    item("embauches", "Embauches qui commencent cette semaine", items.hires_this_week,
      (r) => [el("a", { href: application(r.application_id) }, fullName(r.candidate)), ` — le ${date(r.hiring_start_at)}`]),
    item("pass-fin", "PASS IAE qui se terminent dans les 3 mois", items.pass_ending,
      (r) => [el("a", { href: pass(r.number) }, `${fullName(r.candidate)}, n° ${passNumber(r.number)}`), ` — le ${date(r.end_at)}`]),
    item("suspensions", "Suspensions en cours", items.suspensions_in_progress,
      (r) => [el("a", { href: pass(r.pass_number) }, fullName(r.candidate)), ` — jusqu'au ${date(r.end_at)}, ${r.reason_label || r.reason}`]),
    item("demandes", "Demandes de prolongation sans réponse", items.prolongation_requests, requestLine),
  ];
}

function prescriber(items) {
  const byState = el(
    "section",
    { class: "card", id: "envoyees", "aria-labelledby": "titre-envoyees" },
    el("h2", { id: "titre-envoyees" }, "Candidatures envoyées"),
    el("ul", { class: "results" }, ...items.applications_by_state.map((s) => el(
      "li",
      {},
      el("a", { href: `/candidatures.html?box=sent&state=${s.state}` }, s.state_label || label(STATES, s.state)),
      ` : ${s.count}`,
    ))),
  );
  const answers = items.answers_since_last_visit;
  const sections = [
    item("reponses", "Réponses reçues depuis votre dernière visite", answers,
      (r) => [el("a", { href: application(r.id) }, fullName(r.candidate)), ` — ${r.state_label} (${r.structure.name})`],
      { href: "/candidatures.html?box=sent", text: "Toutes les candidatures envoyées" }),
    byState,
    item("eligibilite", "Candidats dont l'éligibilité se termine dans les 30 jours", items.eligibility_ending,
      (r) => [el("a", { href: `/fiche-candidat.html?id=${encodeURIComponent(r.candidate.id)}` }, fullName(r.candidate)), ` — valable jusqu'au ${date(r.valid_until)}`]),
  ];
  // R-PROL-4: only an authorized organization is asked.
  if (items.prolongation_requests) {
    sections.push(item("demandes", "Demandes de prolongation à traiter", items.prolongation_requests, requestLine,
      { href: "/prolongations.html", text: "Répondre aux demandes" }));
  }
  return sections;
}

async function start() {
  const current = await session();
  if (isCandidateAccount(current)) {
    location.replace("/candidat.html");
    return;
  }
  const board = await call("/api/v1/dashboard");
  document.getElementById("organisation").textContent = `${board.organization.name}, au ${date(board.today)}`;
  const sections = board.organization.category === "structure" ? structure(board.items) : prescriber(board.items);
  document.getElementById("elements").replaceChildren(...sections);
}

start()
  .catch((error) => {
    document.getElementById("erreur").textContent = error.message || "Le tableau de bord n'a pas pu être chargé.";
  })
  .finally(() => main.removeAttribute("aria-busy"));
