// The prolongation requests awaiting an answer from the authorized prescriber organization
// acted for (GET /api/v1/prolongation-requests?state=pending&page=…), newest first; the e-mails
// of R-PROL-4 link here. Any member grants one (previewed first with `?dry_run=true`: the PASS
// end it would give) or denies it with a reason, an explanation and, for the reason IAE, at least
// one proposed action (POST …/{id}/grant, …/{id}/deny).

import { ApiError, showErrors } from "./api.js";
import { count, el, fact } from "./format.js";
import { call, isCandidateAccount, session } from "./espace.js";
import {
  DENY_REASONS, PROPOSED_ACTIONS, REQUEST_STATES, date, dateTime, fullName, label, pager, passNumber, period,
} from "./textes.js";

const PAGE_SIZE = 20;
const DENY_FIELDS = ["reason", "explanation", "proposed_actions"];
const main = document.getElementById("contenu");
const query = new URLSearchParams(location.search);
const heading = document.getElementById("titre-resultats");
let shownCount = 0;

const requestPath = (id, action) => `/api/v1/prolongation-requests/${encodeURIComponent(id)}/${action}`;

function countText(n) {
  return n === 0 ? "Aucune demande en attente" : count(n, "demande en attente", "demandes en attente");
}

// A field of the deny form: `refus-<id>-<field>`, with its error slot.
function field(prefix, name, text, control, hint) {
  const hintId = hint ? `${prefix}${name}-aide` : null;
  control.setAttribute("aria-describedby", [hintId, `${prefix}${name}-erreur`].filter(Boolean).join(" "));
  return el(
    "div",
    { class: "field" },
    el("label", { for: `${prefix}${name}` }, text),
    hint ? el("p", { class: "hint", id: hintId }, hint) : "",
    control,
    el("p", { class: "error", id: `${prefix}${name}-erreur`, role: "alert" }),
  );
}

function denyForm(request, prefix) {
  const reason = el(
    "select",
    { id: `${prefix}reason`, name: "reason", required: true },
    el("option", { value: "" }, "Choisissez un motif"),
    ...DENY_REASONS.map(([code, text]) => el("option", { value: code }, text)),
  );
  const explanation = el("textarea", { id: `${prefix}explanation`, name: "explanation", required: true });
  const actions = el(
    "fieldset",
    { id: `${prefix}proposed_actions`, "aria-describedby": `${prefix}proposed_actions-aide ${prefix}proposed_actions-erreur` },
    el("legend", {}, "Actions proposées"),
    el("p", { class: "hint", id: `${prefix}proposed_actions-aide` }, "Au moins une quand l'IAE ne correspond plus à la situation de la personne."),
    el("div", { class: "choices stacked" }, ...PROPOSED_ACTIONS.map(([code, text]) => el(
      "label",
      {},
      el("input", { type: "checkbox", name: "proposed_actions", value: code }),
      ` ${text}`,
    ))),
    el("p", { class: "error", id: `${prefix}proposed_actions-erreur`, role: "alert" }),
  );
  const form = el(
    "form",
    { id: `${prefix}form`, class: "decision-form", novalidate: true, hidden: true, "aria-labelledby": `${prefix}titre` },
    el("h4", { id: `${prefix}titre` }, "Refuser la demande"),
    field(prefix, "reason", "Motif du refus", reason),
    field(prefix, "explanation", "Explication", explanation, "La structure la reçoit avec la réponse."),
    actions,
    el("p", { class: "error", id: `${prefix}erreur`, role: "alert" }),
    el("button", { type: "submit" }, "Refuser la demande"),
    el("button", { type: "button", class: "secondary fermer" }, "Fermer"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    deny(request, form, prefix);
  });
  return form;
}

function grantPanel(prefix) {
  return el(
    "div",
    { id: `${prefix}panneau`, class: "decision-form", hidden: true },
    el("h4", { id: `${prefix}titre` }, "Accorder la prolongation"),
    el("div", { class: "notice apercu", id: `${prefix}apercu`, tabindex: "-1" },
      el("p", { id: `${prefix}apercu-texte` }),
      el("button", { type: "button", class: "confirmer" }, "Confirmer l'accord")),
    el("button", { type: "button", class: "secondary fermer" }, "Fermer"),
  );
}

function card(request) {
  const id = request.id;
  const name = fullName(request.candidate);
  const grantPrefix = `accord-${id}-`;
  const denyPrefix = `refus-${id}-`;
  const toggle = (controls, text) => el("button", { type: "button", class: "secondary", "aria-controls": controls, "aria-expanded": "false", "aria-describedby": `nom-${id}` }, text);
  const grantButton = toggle(`${grantPrefix}panneau`, "Accorder la prolongation");
  const denyButton = toggle(`${denyPrefix}form`, "Refuser la demande");
  const panel = grantPanel(grantPrefix);
  const form = denyForm(request, denyPrefix);
  const line = el(
    "li",
    { class: "card", id: `demande-${id}` },
    el("h3", { id: `nom-${id}` }, name),
    el("p", {}, el("span", { class: `tag request-${request.state}` }, request.state_label || label(REQUEST_STATES, request.state))),
    el("dl", { class: "facts" },
      ...fact("PASS IAE", `n° ${passNumber(request.pass.number)}`),
      ...fact("Structure", request.structure.name),
      ...fact("Motif", request.reason_label),
      ...fact("Prolongation demandée", `${period(request.start_at, request.end_at)} (nouvelle fin du PASS IAE)`),
      ...fact("Demandée le", dateTime(request.created_at)),
      ...fact("Adressée à", request.assigned_to_email),
      ...fact("Explication de la structure", el("p", { class: "message" }, request.explanation))),
    el("ul", { class: "actions" }, el("li", {}, grantButton), el("li", {}, denyButton)),
    el("p", { class: "error", id: `erreur-${id}`, role: "alert" }),
    panel,
    form,
  );
  const close = () => {
    panel.hidden = true;
    form.hidden = true;
    grantButton.setAttribute("aria-expanded", "false");
    denyButton.setAttribute("aria-expanded", "false");
  };
  grantButton.addEventListener("click", () => {
    if (!panel.hidden) {
      close();
      return;
    }
    previewGrant(request, line, { panel, form, grantButton, denyButton, prefix: grantPrefix });
  });
  denyButton.addEventListener("click", () => {
    const open = form.hidden;
    close();
    if (!open) return;
    form.hidden = false;
    denyButton.setAttribute("aria-expanded", "true");
    document.getElementById(`erreur-${id}`).textContent = "";
    form.querySelector("select").focus();
  });
  panel.querySelector(".fermer").addEventListener("click", () => {
    close();
    grantButton.focus();
  });
  form.querySelector(".fermer").addEventListener("click", () => {
    close();
    denyButton.focus();
  });
  panel.querySelector(".confirmer").addEventListener("click", () => grant(request, line));
  return line;
}

function busy(line, on) {
  for (const b of line.querySelectorAll("button")) b.disabled = on;
}

// The grant's preview: the PASS end it would give, then the confirmation button.
async function previewGrant(request, line, { panel, form, grantButton, denyButton, prefix }) {
  const slot = document.getElementById(`erreur-${request.id}`);
  slot.textContent = "";
  busy(line, true);
  try {
    const answer = await call(`${requestPath(request.id, "grant")}?dry_run=true`, { method: "POST" });
    form.hidden = true;
    denyButton.setAttribute("aria-expanded", "false");
    document.getElementById(`${prefix}apercu-texte`).textContent =
      `Le PASS IAE se terminera le ${date(answer.prolongation.pass.end_at)}. Prolongation ${period(answer.prolongation.start_at, answer.prolongation.end_at)}.`;
    panel.hidden = false;
    grantButton.setAttribute("aria-expanded", "true");
    document.getElementById(`${prefix}apercu`).focus();
  } catch (error) {
    slot.textContent = error.message;
    grantButton.focus();
  } finally {
    busy(line, false);
  }
}

// Once decided, the line tells what happened and leaves the pending list.
function decided(line, text) {
  const done = el("li", { class: "card notice", id: line.id, tabindex: "-1" }, el("p", {}, text));
  line.replaceWith(done);
  shownCount = Math.max(0, shownCount - 1);
  heading.textContent = countText(shownCount);
  document.getElementById("annonce").textContent = text;
  done.focus();
}

async function grant(request, line) {
  const slot = document.getElementById(`erreur-${request.id}`);
  slot.textContent = "";
  busy(line, true);
  try {
    const answer = await call(requestPath(request.id, "grant"), { method: "POST" });
    decided(line, `Prolongation accordée pour ${fullName(request.candidate)} : le PASS IAE n° ${passNumber(request.pass.number)} se termine désormais le ${date(answer.prolongation.pass.end_at)}.`);
  } catch (error) {
    busy(line, false);
    slot.textContent = error.message;
    line.querySelector(`[aria-controls$="panneau"]`).focus();
  }
}

async function deny(request, form, prefix) {
  const line = form.closest("li");
  showErrors({}, DENY_FIELDS, `${prefix}erreur`, prefix);
  busy(line, true);
  try {
    const reason = form.reason.value;
    if (!reason) {
      const message = "Choisissez le motif du refus.";
      throw new ApiError({ status: 422, detail: message, errors: { reason: [message] } });
    }
    await call(requestPath(request.id, "deny"), {
      method: "POST",
      body: {
        reason,
        explanation: form.explanation.value.trim(),
        proposed_actions: [...form.querySelectorAll("input[name=proposed_actions]:checked")].map((c) => c.value),
      },
    });
    decided(line, `Demande refusée pour ${fullName(request.candidate)} (${label(DENY_REASONS, reason)}) : la structure en est informée par e-mail.`);
  } catch (error) {
    busy(line, false);
    showErrors(error, DENY_FIELDS, `${prefix}erreur`, prefix);
    const invalid = DENY_FIELDS.map((f) => document.getElementById(prefix + f)).find((n) => n?.getAttribute("aria-invalid") === "true");
    if (invalid) (invalid.matches("fieldset") ? invalid.querySelector("input") : invalid).focus();
    else document.getElementById(`${prefix}erreur`).scrollIntoView({ block: "center" });
  }
}

async function show() {
  const page = Math.max(1, Number.parseInt(query.get("page") || "1", 10) || 1);
  const params = new URLSearchParams({ state: "pending", page, page_size: PAGE_SIZE });
  const answer = await call(`/api/v1/prolongation-requests?${params}`);
  shownCount = answer.count;
  heading.textContent = countText(answer.count);
  document.getElementById("liste").replaceChildren(...answer.results.map(card));
  pager(document.getElementById("pages"), { page, pageSize: PAGE_SIZE, count: answer.count }, (n) => `?page=${n}`);
  document.getElementById("resultats").hidden = false;
}

async function start() {
  const current = await session();
  if (isCandidateAccount(current)) {
    location.replace("/candidat.html");
    return;
  }
  const organization = current.organization;
  document.getElementById("organisation").textContent = organization.name;
  if (organization.category !== "prescriber") {
    throw new Error("Cette page est réservée aux prescripteurs habilités. Une structure suit ses demandes sur la page de chaque PASS IAE.");
  }
  document.getElementById("identifiant").textContent = organization.id;
  document.getElementById("identifiant-bloc").hidden = false;
  if (!organization.authorized) {
    document.getElementById("erreur").textContent =
      "Votre organisation n'est pas habilitée : seul un prescripteur habilité répond aux demandes de prolongation.";
  }
  await show();
}

start()
  .catch((error) => {
    document.getElementById("erreur").textContent = error.message;
  })
  .finally(() => main.removeAttribute("aria-busy"));
