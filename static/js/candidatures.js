// The boxes (GET /api/v1/applications?box=sent|received&state=…&page=…), newest first: what the
// organization sent, and for a structure what it received. Box, filter and page live in the URL.

import { showErrors } from "./api.js";
import { count, el } from "./format.js";
import { call, isCandidateAccount, session } from "./espace.js";
import { applicationHref, decide, decisionButtons } from "./decision.js";
import { STATES, dateTime, fullName, pager, stateTag } from "./textes.js";

const PAGE_SIZE = 20;
const main = document.getElementById("contenu");
const query = new URLSearchParams(location.search);
const heading = document.getElementById("titre-resultats");

function href(changes) {
  const next = new URLSearchParams(query);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === "") next.delete(key);
    else next.set(key, value);
  }
  return `?${next}`;
}

function card(application, box) {
  const from = application.sender.organization
    ? `${application.sender.organization.name} (${application.sender.kind_label})`
    : `${fullName(application.sender)} (${application.sender.kind_label})`;
  const name = `nom-${application.id}`;
  const line = el(
    "li",
    { class: "card", id: `ligne-${application.id}` },
    el("h3", {}, el("a", { href: applicationHref(application.id), id: name }, fullName(application.candidate))),
    el("p", {}, stateTag(application.state, application.state_label)),
    el("p", {}, box === "received" ? `De ${from}` : `À ${application.structure.name}`),
    el("p", { class: "meta" }, `Envoyée le ${dateTime(application.created_at)}`),
  );
  // The received box's decisions: the simple ones post here, the others open their form.
  const buttons = decisionButtons(application.actions, {
    describedBy: name,
    withForm: (a, form) => el("a", { class: "button-link secondary", href: applicationHref(application.id, form) }, a.label),
    onDecide: (action, button) => decideOnLine(application, box, action, button),
  });
  if (buttons.length) {
    line.append(
      el("ul", { class: "decisions", "aria-label": "Décisions" }, ...buttons),
      el("p", { class: "error", id: `erreur-${application.id}`, role: "alert" }),
    );
  }
  return line;
}

// Posts the decision and redraws the line with the new state and buttons.
async function decideOnLine(application, box, action, button) {
  const line = document.getElementById(`ligne-${application.id}`);
  for (const b of line.querySelectorAll("button")) b.disabled = true;
  try {
    const answer = await decide(application.id, action);
    const next = card({ ...application, ...answer }, box);
    line.replaceWith(next);
    document.getElementById("annonce").textContent =
      `${fullName(application.candidate)} : ${answer.state_label.toLowerCase()}.`;
    next.querySelector("h3 a").focus();
  } catch (error) {
    for (const b of line.querySelectorAll("button")) b.disabled = false;
    document.getElementById(`erreur-${application.id}`).textContent = error.message;
    button.focus();
  }
}

function tabs(isStructure, box) {
  if (!isStructure) return;
  const tab = (value, text) => el(
    "li",
    {},
    el("a", { href: `?box=${value}`, "aria-current": value === box ? "page" : null }, text),
  );
  document.getElementById("boites").replaceChildren(tab("received", "Reçues"), tab("sent", "Envoyées"));
  document.getElementById("boites-nav").hidden = false;
}

function filter(states) {
  document.getElementById("etats").replaceChildren(...STATES.map(([code, text]) =>
    el("label", {}, el("input", { type: "checkbox", name: "state", value: code, checked: states.includes(code) }), ` ${text}`)));
  document.getElementById("filtre-bloc").open = states.length > 0;
  document.getElementById("form-filtre").addEventListener("submit", (event) => {
    event.preventDefault();
    const picked = [...event.currentTarget.querySelectorAll("input[name=state]:checked")].map((c) => c.value);
    location.assign(href({ state: picked.join(","), page: null }));
  });
}

async function start() {
  const current = await session();
  if (isCandidateAccount(current)) {
    location.replace("/candidat.html");
    return;
  }
  const isStructure = current.organization.category === "structure";
  const box = query.get("box") === "received" && isStructure ? "received"
    : query.get("box") === "sent" || !isStructure ? "sent" : "received";
  const title = box === "received" ? "Candidatures reçues" : "Candidatures envoyées";
  document.title = `${title} — Tremplin`;
  document.getElementById("titre").textContent = title;
  document.getElementById("organisation").textContent = `Pour ${current.organization.name}`;
  tabs(isStructure, box);
  const states = (query.get("state") || "").split(",").filter(Boolean);
  filter(states);

  const page = Math.max(1, Number.parseInt(query.get("page") || "1", 10) || 1);
  const params = new URLSearchParams({ box, page, page_size: PAGE_SIZE });
  if (states.length) params.set("state", states.join(","));
  const answer = await call(`/api/v1/applications?${params}`);
  heading.textContent = answer.count === 0 ? "Aucune candidature" : count(answer.count, "candidature", "candidatures");
  const empty = document.getElementById("vide");
  empty.hidden = answer.count > 0;
  empty.textContent = states.length
    ? "Aucune candidature dans ces états."
    : box === "received"
      ? "Aucune candidature reçue pour l'instant."
      : "Aucune candidature envoyée pour l'instant : trouvez une structure pour un de vos candidats.";
  document.getElementById("liste").replaceChildren(...answer.results.map((a) => card(a, box)));
  pager(document.getElementById("pages"), { page, pageSize: PAGE_SIZE, count: answer.count }, (n) => href({ box, page: n }));
  document.getElementById("resultats").hidden = false;
}

start()
  .catch((error) => showErrors(error, ["state"], "form-erreur"))
  .finally(() => main.removeAttribute("aria-busy"));
