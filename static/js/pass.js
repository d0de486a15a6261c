// One PASS IAE (GET /api/v1/passes/{number}), as the entitled see it and print it on one A4
// page (the print styles of app.css): holder, validity, state, remainder (R-PASS-3/6), the hires
// behind it, its suspensions, prolongations and prolongation requests, and its history (who,
// when, why). For those who may act on it, the acts of issue 9, each previewed first
// (`?dry_run=true`: the PASS end it would give, nothing written) and then confirmed: suspend,
// change or end or delete the suspension in progress (R-SUSP-2..5), prolong directly or ask an
// authorized prescriber (R-PROL-1..4).

import { ApiError, showErrors } from "./api.js";
import { count, el, fact, kindLabel } from "./format.js";
import { call, isCandidateAccount, session } from "./espace.js";
import {
  DENY_REASONS, DIRECT_PROLONGATION_REASONS, PRESCRIBER_SUSPENSION_REASONS, PROLONGATION_MAX_DAYS,
  PROLONGATION_REASON_KINDS, PROLONGATION_REASONS, PROLONGATION_WINDOW, PROPOSED_ACTIONS, REQUEST_STATES,
  SUSPENSION_REASON_KINDS, SUSPENSION_REASONS, addDays, addMonths, date, dateTime, fullName, label, period,
} from "./textes.js";

const main = document.getElementById("contenu");
const number = new URLSearchParams(location.search).get("number") || "";
const passPath = `/api/v1/passes/${encodeURIComponent(number)}`;

// The signed-in user, the service's day (the rules count from it, not the phone's), the PASS.
const state = { current: null, today: null, pass: null };

// ---- The record ----------------------------------------------------------------------------

function list(id, items, render, empty) {
  const nodes = items.map(render);
  if (!nodes.length && empty) nodes.push(el("li", {}, empty));
  document.getElementById(id).replaceChildren(...nodes);
  const block = document.getElementById(`${id}-bloc`);
  if (block) block.hidden = !items.length && !empty;
}

function suspensionItem(s) {
  return el(
    "li",
    { id: `suspension-${s.id}` },
    el("strong", {}, period(s.start_at, s.end_at)),
    s.in_progress ? [" ", el("span", { class: "tag pass-suspended" }, "En cours")] : "",
    el("br"),
    `Motif : ${s.reason_label || label(SUSPENSION_REASONS, s.reason)}`,
    s.explanation ? [el("br"), `Explication : ${s.explanation}`] : "",
    el("br"),
    el("span", { class: "meta" }, `Déclarée par ${s.organization.name} le ${dateTime(s.created_at)}`),
  );
}

function prolongationItem(p) {
  return el(
    "li",
    { id: `prolongation-${p.id}` },
    el("strong", {}, period(p.start_at, p.end_at)),
    el("br"),
    `Motif : ${p.reason_label || label(PROLONGATION_REASONS, p.reason)}`,
    p.explanation ? [el("br"), `Explication : ${p.explanation}`] : "",
    el("br"),
    el("span", { class: "meta" }, [
      `${p.request_id ? "Demandée par" : "Déclarée par"} ${p.structure.name} le ${dateTime(p.created_at)}`,
      p.request_id ? ", accordée par un prescripteur habilité" : "",
    ].join("")),
  );
}

function requestItem(r) {
  return el(
    "li",
    { id: `demande-${r.id}` },
    el("span", { class: `tag request-${r.state}` }, r.state_label || label(REQUEST_STATES, r.state)),
    " ",
    el("strong", {}, `jusqu'au ${date(r.end_at)}`),
    el("br"),
    `Motif : ${r.reason_label || label(PROLONGATION_REASONS, r.reason)}`,
    el("br"),
    el("span", { class: "meta" }, [
      `Adressée à ${r.prescriber_organization.name} le ${dateTime(r.created_at)}`,
      r.decided_at ? ` ; réponse le ${dateTime(r.decided_at)}` : "",
    ].join("")),
  );
}

// What a history line's `details` say, in French: dates, reasons, the PASS end after the act.
function eventDetails(event, pass) {
  const d = event.details || {};
  const parts = [];
  switch (event.action) {
    case "issue_pass":
    case "reuse_pass":
    case "move_pass":
      if (d.start_at && d.end_at) parts.push(`validité ${period(d.start_at, d.end_at)}`);
      break;
    case "suspend_pass":
    case "edit_suspension":
    case "end_suspension":
    case "cut_suspension":
    case "delete_suspension":
      if (d.reason) parts.push(label(SUSPENSION_REASONS, d.reason));
      if (d.start_at && d.end_at) parts.push(`suspension ${period(d.start_at, d.end_at)}`);
      if (d.pass_end_at) parts.push(`fin du PASS IAE le ${date(d.pass_end_at)}`);
      break;
    case "prolong_pass":
      if (d.reason) parts.push(label(PROLONGATION_REASONS, d.reason));
      if (d.start_at && d.end_at) parts.push(`prolongation ${period(d.start_at, d.end_at)}`);
      if (d.request_id) parts.push("sur demande accordée");
      break;
    case "request_prolongation": {
      if (d.reason) parts.push(label(PROLONGATION_REASONS, d.reason));
      if (d.end_at) parts.push(`jusqu'au ${date(d.end_at)}`);
      const asked = (pass.prolongation_requests || []).find((r) => r.id === d.request_id);
      if (asked) parts.push(`demandée à ${asked.prescriber_organization.name}`);
      break;
    }
    case "deny_prolongation":
      if (d.reason) parts.push(`motif : ${label(DENY_REASONS, d.reason)}`);
      if (d.proposed_actions?.length) {
        parts.push(`actions proposées : ${d.proposed_actions.map((a) => label(PROPOSED_ACTIONS, a)).join(", ")}`);
      }
      break;
    default:
  }
  return parts.join(" ; ");
}

function historyItem(event, pass) {
  const details = eventDetails(event, pass);
  return el(
    "li",
    {},
    el("time", { datetime: event.at }, dateTime(event.at)),
    ` — ${event.label}`,
    event.organization ? ` (${event.organization.name})` : "",
    details ? el("br") : "",
    details ? el("span", { class: "meta" }, details) : "",
  );
}

function show(pass) {
  const current = state.current;
  state.pass = pass;
  // Back to the reader's own space: a hire's application may be another structure's.
  if (isCandidateAccount(current)) {
    const back = document.getElementById("retour");
    back.href = "/candidat.html";
    back.textContent = "Mon espace candidat";
  }
  document.title = `PASS IAE ${pass.number_display} — Tremplin`;
  document.getElementById("numero").textContent = `N° ${pass.number_display}`;
  document.getElementById("etat").replaceChildren(el("span", { class: `tag pass-${pass.state}` }, pass.state_label));
  document.getElementById("titulaire").replaceChildren(
    ...fact("Titulaire", fullName(pass.candidate)),
    ...fact("Date de naissance", date(pass.candidate.birthdate)),
    ...fact("Validité", period(pass.start_at, pass.end_at)),
    ...fact("Reliquat", count(pass.remainder_days, "jour restant", "jours restants")),
  );
  list("embauches", pass.hires, (hire) => el(
    "li",
    {},
    el("strong", {}, hire.structure.name),
    ` (${kindLabel(hire.structure.kind)}), contrat ${period(hire.hiring_start_at, hire.hiring_end_at)}`,
  ), "Aucune embauche en cours.");
  list("suspensions", pass.suspensions || [], suspensionItem);
  list("prolongations", pass.prolongations || [], prolongationItem);
  list("demandes", pass.prolongation_requests || [], requestItem);
  list("historique", pass.history || [], (event) => historyItem(event, pass));
  document.getElementById("imprime").textContent = `Imprimé le ${dateTime(new Date().toISOString())} depuis Tremplin.`;
  document.getElementById("pass").hidden = false;
  showActs(pass);
}

// ---- Who may do what (the API decides; this only offers what it would allow) -------------------

// R-SUSP-2's last hire at the service's date: the latest one that has started (a hire accepted
// for a later date takes over on its first day), or the first while none has.
function lastHire(pass) {
  const started = pass.hires.filter((h) => state.today && h.hiring_start_at <= state.today);
  return started.length ? started[started.length - 1] : pass.hires[0] || null;
}

// R-SUSP-2: the structure of the last hire (any reason allowed for its kind), an authorized
// prescriber (the reasons given when the person no longer has a contract).
function suspensionReasons(organization, pass) {
  if (!organization) return [];
  if (organization.category === "structure") {
    if (lastHire(pass)?.structure.id !== organization.id) return [];
    return SUSPENSION_REASONS.filter(([code]) => !SUSPENSION_REASON_KINDS[code] || SUSPENSION_REASON_KINDS[code].includes(organization.kind));
  }
  if (organization.category === "prescriber" && organization.authorized) {
    return SUSPENSION_REASONS.filter(([code]) => PRESCRIBER_SUSPENSION_REASONS.includes(code));
  }
  return [];
}

// R-PROL-1/4: a structure that hired on the PASS; the reasons its kind may give, direct or asked.
function prolongationReasons(organization, pass, direct) {
  if (organization?.category !== "structure" || !pass.hires.some((h) => h.structure.id === organization.id)) return [];
  return PROLONGATION_REASONS.filter(([code]) => DIRECT_PROLONGATION_REASONS.includes(code) === direct
    && (!PROLONGATION_REASON_KINDS[code] || PROLONGATION_REASON_KINDS[code].includes(organization.kind)));
}

// R-SUSP-2/5: the suspension in progress, for one who may suspend today and declared it, or the
// last hire's structure.
function editableSuspension(organization, pass) {
  if (!organization || !suspensionReasons(organization, pass).length) return null;
  const running = (pass.suspensions || []).find((s) => s.in_progress);
  if (!running) return null;
  return running.organization.id === organization.id || lastHire(pass)?.structure.id === organization.id ? running : null;
}

function options(select, reasons, prompt) {
  const kept = select.value;
  select.replaceChildren(el("option", { value: "" }, prompt), ...reasons.map(([code, text]) => el("option", { value: code }, text)));
  if (reasons.some(([code]) => code === kept)) select.value = kept;
}

function showActs(pass) {
  const organization = state.current.organization;
  const today = state.today;
  const notes = [];
  const suspendable = suspensionReasons(organization, pass);
  const running = editableSuspension(organization, pass);
  const direct = prolongationReasons(organization, pass, true);
  const asked = prolongationReasons(organization, pass, false);

  // R-SUSP-2: only a PASS in progress and not already suspended.
  const maySuspend = suspendable.length > 0 && pass.state === "valid";
  options(document.getElementById("suspendre-reason"), suspendable, "Choisissez un motif");
  if (today) document.getElementById("suspendre-start_at").defaultValue = today;

  if (running) {
    document.getElementById("modifier-suspension").textContent =
      `Suspension ${period(running.start_at, running.end_at)} — ${running.reason_label}.`;
    document.getElementById("modifier-end_at").defaultValue = running.end_at;
  }

  // R-PROL-3: from 12 months before the end to 6 months after it, never while suspended, one
  // pending request at a time.
  let mayProlong = direct.length > 0 || asked.length > 0;
  if (mayProlong && today) {
    const opens = addMonths(pass.end_at, -PROLONGATION_WINDOW.before);
    const closes = addMonths(pass.end_at, PROLONGATION_WINDOW.after);
    if (today < opens) {
      notes.push(`Une prolongation pourra être déclarée ou demandée à partir du ${date(opens)}.`);
      mayProlong = false;
    } else if (today > closes) {
      notes.push(`Le délai pour prolonger ce PASS IAE s'est terminé le ${date(closes)}.`);
      mayProlong = false;
    }
  }
  if (mayProlong && pass.state === "suspended") {
    notes.push("Le PASS IAE est suspendu : il se prolonge une fois la suspension terminée.");
    mayProlong = false;
  }
  const pending = (pass.prolongation_requests || []).find((r) => r.state === "pending");
  // A pending request blocks direct prolongations too: it starts on the end they would move.
  if (mayProlong && pending) {
    notes.push(`Une demande de prolongation attend la réponse de ${pending.prescriber_organization.name}.`);
  }
  const hint = (reasons) => {
    const longest = Math.max(...reasons.map(([code]) => PROLONGATION_MAX_DAYS[code]));
    return `Après le ${date(pass.end_at)}, fin actuelle du PASS IAE, et au plus tard le ${date(addDays(pass.end_at, longest))} selon le motif.`;
  };
  if (direct.length) {
    options(document.getElementById("prolonger-reason"), direct, "Choisissez un motif");
    document.getElementById("prolonger-end_at-aide").textContent = hint(direct);
  }
  if (asked.length) {
    options(document.getElementById("demander-reason"), asked, "Choisissez un motif");
    document.getElementById("demander-end_at-aide").textContent = hint(asked);
    // The organization asked last time, as a start.
    const previous = (pass.prolongation_requests || [])[0];
    const field = document.getElementById("demander-prescriber_organization_id");
    if (previous && !field.value) field.value = previous.prescriber_organization.id;
  }

  // The structure that asked may withdraw its pending request (to ask another organization).
  const withdrawable = pending && pending.structure.id === organization?.id;
  if (withdrawable) {
    document.getElementById("retirer-demande").textContent =
      `Demande adressée à ${pending.prescriber_organization.name} le ${dateTime(pending.created_at)}, jusqu'au ${date(pending.end_at)}.`;
  }

  const offered = {
    suspendre: maySuspend,
    modifier: Boolean(running),
    prolonger: mayProlong && direct.length > 0 && !pending,
    demander: mayProlong && asked.length > 0 && !pending,
    retirer: Boolean(withdrawable),
  };
  for (const [form, on] of Object.entries(offered)) {
    document.getElementById(`${form}-choix`).hidden = !on;
    if (!on) document.getElementById(form).hidden = true;
  }
  document.getElementById("actes-info").textContent = notes.join(" ");
  document.getElementById("actes-bloc").hidden = !Object.values(offered).some(Boolean) && !notes.length;
  syncToggles();
}

// ---- The acts: preview, then confirm ------------------------------------------------------------

const text = (id) => document.getElementById(id).value.trim();
const optional = (id) => text(id) || undefined;

function required(field, id, message) {
  const value = text(id);
  if (!value) throw new ApiError({ status: 422, detail: message, errors: { [field]: [message] } });
  return value;
}

function modifyMode() {
  return document.querySelector("#modifier input[name=mode]:checked")?.value || "end_at";
}

const theEnd = (iso) => `Le PASS IAE se terminera le ${date(iso)}.`;

// Each form: the fields whose errors it shows, the request it makes (`dry` for the preview),
// what the preview says and what the confirmation says.
const ACTS = {
  suspendre: {
    fields: ["start_at", "end_at", "reason", "explanation"],
    request: () => ({
      method: "POST",
      path: `${passPath}/suspensions`,
      body: {
        start_at: text("suspendre-start_at"),
        end_at: optional("suspendre-end_at") ?? null,
        reason: required("reason", "suspendre-reason", "Choisissez le motif de la suspension."),
        explanation: optional("suspendre-explanation"),
      },
    }),
    preview: (a) => `${theEnd(a.pass.end_at)} Suspension ${period(a.suspension.start_at, a.suspension.end_at)}.`,
    done: (a) => `Suspension enregistrée. Le PASS IAE se termine désormais le ${date(a.pass.end_at)}.`,
  },
  modifier: {
    fields: ["mode", "end_at", "first_day_back"],
    request: () => {
      const running = editableSuspension(state.current.organization, state.pass);
      const path = `/api/v1/suspensions/${encodeURIComponent(running.id)}`;
      const mode = modifyMode();
      if (mode === "delete") return { method: "DELETE", path, mode };
      return { method: "PATCH", path, mode, body: { [mode]: text(`modifier-${mode}`) } };
    },
    preview: (a) => (a.suspension
      ? `${theEnd(a.pass.end_at)} Suspension ${period(a.suspension.start_at, a.suspension.end_at)}.`
      : `${theEnd(a.pass.end_at)} La suspension sera supprimée.`),
    done: (a, request) => {
      const what = { end_at: "Fin de la suspension modifiée.", first_day_back: "Reprise du travail enregistrée.", delete: "Suspension supprimée." }[request.mode];
      return `${what} Le PASS IAE se termine désormais le ${date(a.pass.end_at)}.`;
    },
  },
  prolonger: {
    fields: ["reason", "end_at", "explanation"],
    request: () => ({
      method: "POST",
      path: `${passPath}/prolongations`,
      body: {
        reason: required("reason", "prolonger-reason", "Choisissez le motif de la prolongation."),
        end_at: text("prolonger-end_at"),
        explanation: optional("prolonger-explanation"),
      },
    }),
    preview: (a) => `${theEnd(a.pass.end_at)} Prolongation ${period(a.start_at, a.end_at)}.`,
    done: (a) => `Prolongation enregistrée. Le PASS IAE se termine désormais le ${date(a.pass.end_at)}.`,
  },
  demander: {
    fields: ["reason", "end_at", "explanation", "prescriber_organization_id", "assigned_to_email"],
    request: () => ({
      method: "POST",
      path: `${passPath}/prolongation-requests`,
      body: {
        reason: required("reason", "demander-reason", "Choisissez le motif de la prolongation."),
        end_at: text("demander-end_at"),
        explanation: text("demander-explanation"),
        prescriber_organization_id: text("demander-prescriber_organization_id"),
        assigned_to_email: text("demander-assigned_to_email"),
      },
    }),
    preview: (a) => `Si la demande est accordée, le PASS IAE se terminera le ${date(a.end_at)}. Prolongation ${period(a.start_at, a.end_at)}.`,
    done: (a) => `Demande de prolongation envoyée à ${a.prescriber_organization.name}. Le PASS IAE sera prolongé jusqu'au ${date(a.end_at)} si elle est accordée.`,
  },
  retirer: {
    fields: [],
    request: () => {
      const pending = state.pass.prolongation_requests.find((r) => r.state === "pending");
      return { method: "POST", path: `/api/v1/prolongation-requests/${encodeURIComponent(pending.id)}/withdraw` };
    },
    preview: (a) => `La demande adressée à ${a.prescriber_organization.name} sera retirée ; la fin du PASS IAE reste le ${date(a.pass.end_at)}.`,
    done: (a) => `Demande retirée : ${a.prescriber_organization.name} n'a plus à y répondre.`,
  },
};

// The request the preview was made for: the confirmation sends exactly it.
const previewed = {};

function hidePreview(form) {
  delete previewed[form];
  document.getElementById(`${form}-apercu`).hidden = true;
}

function busy(form, on) {
  for (const b of document.getElementById(form).querySelectorAll("button")) b.disabled = on;
  document.getElementById(form).setAttribute("aria-busy", String(on));
}

function failed(form, error) {
  const { fields } = ACTS[form];
  const prefix = `${form}-`;
  showErrors(error, fields, `${form}-erreur`, prefix);
  const invalid = fields.map((f) => document.getElementById(prefix + f)).find((n) => n?.getAttribute("aria-invalid") === "true");
  if (invalid) invalid.focus();
  else document.getElementById(`${form}-erreur`).scrollIntoView({ block: "center" });
}

function send({ method, path, body }, dry) {
  return call(dry ? `${path}?dry_run=true` : path, { method, body });
}

async function preview(form) {
  hidePreview(form);
  showErrors({}, ACTS[form].fields, `${form}-erreur`, `${form}-`);
  busy(form, true);
  try {
    const request = ACTS[form].request();
    const answer = await send(request, true);
    previewed[form] = request;
    document.getElementById(`${form}-apercu-texte`).textContent = ACTS[form].preview(answer);
    const box = document.getElementById(`${form}-apercu`);
    box.hidden = false;
    box.focus();
  } catch (error) {
    failed(form, error);
  } finally {
    busy(form, false);
  }
}

async function confirm(form) {
  const request = previewed[form];
  if (!request) return;
  showErrors({}, ACTS[form].fields, `${form}-erreur`, `${form}-`);
  busy(form, true);
  try {
    const answer = await send(request, false);
    const done = ACTS[form].done(answer, request);
    hidePreview(form);
    document.getElementById(form).reset();
    closeForms();
    show(await call(passPath));
    const message = document.getElementById("acte-message");
    message.textContent = done;
    message.focus();
  } catch (error) {
    hidePreview(form);
    failed(form, error);
  } finally {
    busy(form, false);
  }
}

// ---- The forms' toggles (one open at a time) ------------------------------------------------

function syncToggles() {
  for (const form of Object.keys(ACTS)) {
    document.querySelector(`[aria-controls="${form}"]`).setAttribute("aria-expanded", String(!document.getElementById(form).hidden));
  }
}

function openForm(form) {
  for (const other of Object.keys(ACTS)) document.getElementById(other).hidden = other !== form;
  syncToggles();
  document.getElementById("acte-message").textContent = "";
  const shown = document.getElementById(form);
  (shown.querySelector("input, select, textarea") || shown.querySelector("button")).focus();
}

function closeForms() {
  for (const form of Object.keys(ACTS)) document.getElementById(form).hidden = true;
  syncToggles();
}

function modifyFields() {
  const mode = modifyMode();
  document.getElementById("modifier-end_at-bloc").hidden = mode !== "end_at";
  document.getElementById("modifier-first_day_back-bloc").hidden = mode !== "first_day_back";
}

function prepareForms() {
  for (const form of Object.keys(ACTS)) {
    const node = document.getElementById(form);
    document.querySelector(`[aria-controls="${form}"]`).addEventListener("click", () => (node.hidden ? openForm(form) : closeForms()));
    node.addEventListener("submit", (event) => {
      event.preventDefault();
      preview(form);
    });
    // A change after the preview asks for a new one: the confirmation sends what was previewed.
    node.addEventListener("input", () => hidePreview(form));
    node.addEventListener("change", () => hidePreview(form));
    node.addEventListener("reset", () => setTimeout(() => {
      hidePreview(form);
      if (form === "modifier") modifyFields();
    }));
    node.querySelector(".confirmer").addEventListener("click", () => confirm(form));
    node.querySelector(".fermer").addEventListener("click", () => {
      closeForms();
      document.querySelector(`[aria-controls="${form}"]`).focus();
    });
  }
  for (const radio of document.querySelectorAll("#modifier input[name=mode]")) radio.addEventListener("change", modifyFields);
}

document.getElementById("imprimer").addEventListener("click", () => window.print());

async function start() {
  state.current = await session();
  if (!number) throw new Error("Aucun numéro de PASS IAE n'est indiqué dans l'adresse de la page.");
  const [pass, health] = await Promise.all([
    call(passPath),
    call("/api/v1/health").catch(() => null),
  ]);
  state.today = health?.today || null;
  prepareForms();
  show(pass);
}

start()
  .catch((error) => {
    document.getElementById("titre").textContent = "PASS IAE introuvable";
    document.getElementById("erreur").textContent = error.problem?.status === 404
      ? "Ce PASS IAE n'existe pas, ou vous n'y avez pas accès avec ce compte."
      : error.message;
  })
  .finally(() => main.removeAttribute("aria-busy"));
