// One application as its reader's side sees it (GET /api/v1/applications/{id}): the e-mails
// link here. The diagnosis's content only when the API sends it (R-APPLY-4: the candidate's
// consent, for the structure); the CV downloaded with the session's token. The decision taken
// (answer, refusal reason, hire, PASS IAE) and, for the receiving structure, the buttons of the
// decisions its state allows, with the forms of those that ask something (R-APPLY-5..7).

import { ApiError, showErrors } from "./api.js";
import { el, fact } from "./format.js";
import { call, download, isCandidateAccount, session, showFlash } from "./espace.js";
import { decide, decisionButtons, decisionForm } from "./decision.js";
import {
  FRANCE_TRAVAIL_REASONS, NIR_REASONS, REFUSAL_REASONS, born, date, dateTime, fullName, label, period,
  stateTag,
} from "./textes.js";

const main = document.getElementById("contenu");
const id = new URLSearchParams(location.search).get("id") || "";
const path = `/api/v1/applications/${encodeURIComponent(id)}`;

function back(current, application) {
  const link = document.getElementById("retour");
  if (isCandidateAccount(current)) {
    link.href = "/candidat.html";
    link.textContent = "Mon espace candidat";
  } else if (current.organization.id === application.structure.id) {
    link.href = "/candidatures.html?box=received";
    link.textContent = "Candidatures reçues";
  } else {
    link.href = "/candidatures.html?box=sent";
    link.textContent = "Candidatures envoyées";
  }
}

function summary(application) {
  const sender = application.sender;
  const by = [sender.kind_label, sender.organization?.name, fullName(sender)].filter(Boolean).join(" · ");
  return [
    ...fact("Structure", el("a", { href: `/structure.html?id=${encodeURIComponent(application.structure.id)}` }, application.structure.name)),
    ...fact("Envoyée par", by),
    ...fact("Envoyée le", dateTime(application.created_at)),
  ];
}

function diagnosisContent(diagnosis, grid) {
  const parts = [el("p", { class: "meta" }, `Diagnostic du ${date(diagnosis.made_on)}, par ${diagnosis.author_organization.name}.`)];
  if (!diagnosis.content_shared) {
    parts.push(el("p", {}, "Le contenu du diagnostic n'est pas partagé avec vous."));
    return parts;
  }
  if (diagnosis.grid && grid) {
    parts.push(el("h3", {}, "Grille du diagnostic"), el("ul", { class: "grid-levels" }, ...grid.axes.map((axis) => {
      const level = axis.levels.find((l) => l.level === diagnosis.grid[axis.key]);
      return el("li", {}, el("strong", {}, `${axis.label} : `), level ? `${level.level} · ${level.scale} — ${level.label}` : "non renseigné");
    })));
  }
  if (diagnosis.administrative_criteria?.length) {
    parts.push(el("h3", {}, "Critères administratifs"), el("ul", {}, ...diagnosis.administrative_criteria.map((c) => el("li", {}, c.label))));
  }
  for (const [field, title] of [["situation", "Situation"], ["obstacles", "Freins à l'emploi"], ["objectives", "Objectifs du parcours"]]) {
    if (diagnosis[field]) parts.push(el("h3", {}, title), el("p", { class: "message" }, diagnosis[field]));
  }
  return parts;
}

function candidateFacts(candidate) {
  const facts = [
    ...fact("Nom", fullName(candidate)),
    ...fact("Naissance", born(candidate)),
    ...fact("E-mail", el("a", { href: `mailto:${candidate.email}` }, candidate.email)),
  ];
  if (candidate.phone) facts.push(...fact("Téléphone", el("a", { href: `tel:${candidate.phone.replace(/[^0-9+]/g, "")}` }, candidate.phone)));
  facts.push(...fact("Numéro de sécurité sociale", candidate.nir || label(NIR_REASONS, candidate.lack_of_nir_reason)));
  facts.push(...fact(
    "Identifiant France Travail",
    candidate.france_travail_id || label(FRANCE_TRAVAIL_REASONS, candidate.lack_of_france_travail_id_reason),
  ));
  return facts;
}

// ---- The decision ------------------------------------------------------------------------------

const text = (field) => document.getElementById(field).value.trim();
const optional = (field) => text(field) || undefined;

// The decisions that ask something: the fields of their form (ids `<form>-<field>`, the form's
// id from decision.js) and the body it posts.
const FORMS = {
  postpone: { fields: ["answer"], body: () => ({ answer: text("attente-answer") }) },
  refuse: {
    fields: ["reason", "comment", "answer", "answer_to_prescriber", "reason_shared"],
    body: () => {
      const reason = text("refuser-reason");
      if (!reason) {
        const message = "Choisissez le motif du refus.";
        throw new ApiError({ status: 422, detail: message, errors: { reason: [message] } });
      }
      return {
        reason,
        comment: reason === "other" ? optional("refuser-comment") : undefined,
        answer: text("refuser-answer"),
        answer_to_prescriber: optional("refuser-answer_to_prescriber"),
        reason_shared: document.getElementById("refuser-reason_shared").checked,
      };
    },
  },
  accept: {
    fields: ["hiring_start_at", "hiring_end_at", "answer"],
    body: () => ({
      hiring_start_at: text("accepter-hiring_start_at"),
      hiring_end_at: optional("accepter-hiring_end_at"),
      answer: optional("accepter-answer"),
    }),
  },
  cancel: { fields: [], body: () => undefined },
};
const FORM_IDS = Object.keys(FORMS).map(decisionForm);

function decisionFacts(application) {
  const decision = application.decision || {};
  const facts = [];
  if (decision.hiring_start_at) facts.push(...fact("Contrat", period(decision.hiring_start_at, decision.hiring_end_at)));
  if (decision.refusal_reason) {
    const reason = decision.refusal_reason.label || label(REFUSAL_REASONS, decision.refusal_reason.code);
    facts.push(...fact("Motif du refus", decision.refusal_comment ? `${reason} : ${decision.refusal_comment}` : reason));
    if (typeof decision.reason_shared === "boolean") {
      facts.push(...fact("Motif partagé avec le candidat", decision.reason_shared ? "Oui" : "Non"));
    }
  }
  if (decision.answer) facts.push(...fact("Réponse au candidat", el("p", { class: "message" }, decision.answer)));
  if (decision.answer_to_prescriber) {
    facts.push(...fact("Réponse au prescripteur (jamais montrée au candidat)", el("p", { class: "message" }, decision.answer_to_prescriber)));
  }
  return facts;
}

// The PASS IAE of the hire (`pass`, or null with `pass_status_text` telling why), from the
// application or from the accept's answer.
function showPass({ pass, pass_status_text: status }) {
  const notice = document.getElementById("embauche");
  notice.hidden = !pass && !status;
  document.getElementById("embauche-statut").textContent = status || "";
  document.getElementById("embauche-numero").hidden = !pass;
  document.getElementById("embauche-lien-bloc").hidden = !pass;
  if (!pass) return;
  document.getElementById("embauche-numero").replaceChildren(
    el("strong", { class: "pass-number" }, `PASS IAE n° ${pass.number_display}`),
    el("br"),
    [pass.state_label, `valable ${period(pass.start_at, pass.end_at)}`].filter(Boolean).join(", "),
  );
  document.getElementById("embauche-lien").href = `/pass.html?number=${encodeURIComponent(pass.number)}`;
}

function openForm(form) {
  for (const other of FORM_IDS) {
    document.getElementById(other).hidden = other !== form;
    document.querySelector(`[aria-controls="${other}"]`)?.setAttribute("aria-expanded", String(other === form));
  }
  const shown = document.getElementById(form);
  (shown.querySelector("input, select, textarea") || shown.querySelector("button")).focus();
}

function closeForms() {
  for (const form of FORM_IDS) document.getElementById(form).hidden = true;
  for (const toggle of document.querySelectorAll("#actions [aria-controls]")) toggle.setAttribute("aria-expanded", "false");
}

function showDecision(application) {
  const facts = decisionFacts(application);
  document.getElementById("decision").replaceChildren(...facts);
  showPass({ pass: application.pass, pass_status_text: application.decision?.pass_status_text });
  const buttons = decisionButtons(application.actions, {
    withForm: (a, form) => {
      const toggle = el("button", { type: "button", class: "secondary", "aria-controls": form, "aria-expanded": "false" }, a.label);
      toggle.addEventListener("click", () => (document.getElementById(form).hidden ? openForm(form) : closeForms()));
      return toggle;
    },
    onDecide: (action) => run(action),
  });
  document.getElementById("actions").replaceChildren(...buttons);
  closeForms();
  document.getElementById("decision-bloc").hidden =
    !facts.length && !buttons.length && document.getElementById("embauche").hidden;
}

function showState(application) {
  document.getElementById("etat").replaceChildren(
    stateTag(application.state, application.state_label),
    application.updated_at !== application.created_at ? ` mise à jour le ${dateTime(application.updated_at)}` : "",
  );
}

// Posts `action` (with its form's body, when it has a form), then shows the application anew.
async function run(action) {
  const form = decisionForm(action);
  const fields = form ? FORMS[action].fields : [];
  const errorSlot = form ? `${form}-erreur` : "decision-erreur";
  const prefix = form ? `${form}-` : "";
  showErrors({}, fields, errorSlot, prefix);
  document.getElementById("decision-erreur").textContent = "";
  const buttons = document.querySelectorAll("#decision-bloc button");
  for (const b of buttons) b.disabled = true;
  try {
    const answer = await decide(id, action, form ? FORMS[action].body() : undefined);
    if (form) document.getElementById(form).reset();
    const application = await call(path);
    showState(application);
    showDecision(application);
    document.getElementById("decision-message").textContent = `Décision enregistrée : ${answer.state_label}.`;
    if (action === "accept") {
      // The accept's answer tells about the PASS, in case the application does not.
      if (!application.pass) showPass(answer);
      document.getElementById("embauche").focus();
    } else {
      document.getElementById("titre-decision").focus();
    }
  } catch (error) {
    showErrors(error, fields, errorSlot, prefix);
    const invalid = fields.map((f) => document.getElementById(prefix + f)).find((n) => n?.getAttribute("aria-invalid") === "true");
    if (invalid) invalid.focus();
    else document.getElementById(errorSlot).scrollIntoView({ block: "center" });
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

function prepareForms(application) {
  document.getElementById("refuser-reason").replaceChildren(
    el("option", { value: "" }, "Choisissez un motif"),
    ...REFUSAL_REASONS.map(([code, text]) => el("option", { value: code }, text)),
  );
  // R-APPLY-6: "Autre" asks for a comment.
  const reason = document.getElementById("refuser-reason");
  const comment = () => {
    document.getElementById("refuser-comment-bloc").hidden = reason.value !== "other";
    document.getElementById("refuser-comment").required = reason.value === "other";
  };
  reason.addEventListener("change", comment);
  document.getElementById("refuser").addEventListener("reset", () => setTimeout(comment));
  // The service's day (R-APPLY-7 counts from it), not the phone's.
  call("/api/v1/health").then((health) => {
    document.getElementById("accepter-hiring_start_at").defaultValue = health.today;
  }).catch(() => {});
  for (const action of Object.keys(FORMS)) {
    const form = decisionForm(action);
    const node = document.getElementById(form);
    node.addEventListener("submit", (event) => {
      event.preventDefault();
      run(action);
    });
    node.querySelector(".fermer").addEventListener("click", () => {
      closeForms();
      document.querySelector(`[aria-controls="${form}"]`)?.focus();
    });
  }
  // A link from the received box opens its form (`#accepter`).
  const wanted = location.hash.slice(1);
  if ((application.actions || []).some((a) => decisionForm(a.action) === wanted)) openForm(wanted);
}

// ---- The page ----------------------------------------------------------------------------------

async function show(current, application) {
  const name = fullName(application.candidate);
  document.title = `Candidature de ${name} — Tremplin`;
  document.getElementById("titre").textContent = `Candidature de ${name}`;
  back(current, application);
  showState(application);
  showDecision(application);
  document.getElementById("resume").replaceChildren(...summary(application));
  document.getElementById("titre-postes").textContent = application.jobs.length ? "Postes visés" : "Candidature spontanée";
  document.getElementById("postes").replaceChildren(...(application.jobs.length
    ? application.jobs.map((job) => el("li", {}, `${job.title} (code ROME ${job.rome})`))
    : [el("li", {}, "Aucun poste précis : la structure étudie la candidature pour tous ses postes.")]));
  document.getElementById("texte").textContent = application.message;
  if (application.has_cv) {
    document.getElementById("cv-bloc").hidden = false;
    document.getElementById("cv").addEventListener("click", () => {
      document.getElementById("cv-erreur").textContent = "";
      download(application.cv_url, `cv-${application.id}.pdf`)
        .catch((error) => { document.getElementById("cv-erreur").textContent = error.message; });
    });
  }
  const eligibility = application.eligibility;
  const status = document.getElementById("eligibilite");
  if (eligibility.valid) {
    status.className = "status open";
    status.textContent = `Éligibilité validée par ${eligibility.diagnosis.author_organization.name} jusqu'au ${date(eligibility.valid_until)} inclus.`;
    const grid = eligibility.diagnosis.content_shared && eligibility.diagnosis.grid
      ? await call("/api/v1/eligibility/grid")
      : null;
    document.getElementById("diagnostic").replaceChildren(...diagnosisContent(eligibility.diagnosis, grid));
  } else {
    status.className = "status";
    status.textContent = "Aucun diagnostic en cours de validité.";
  }
  document.getElementById("candidat").replaceChildren(...candidateFacts(application.candidate));
  document.getElementById("candidature").hidden = false;
  prepareForms(application);
}

async function start() {
  const current = await session();
  showFlash(document.getElementById("message"));
  if (!id) throw new Error("Aucune candidature n'est indiquée dans l'adresse de la page.");
  await show(current, await call(path));
}

start()
  .catch((error) => {
    document.getElementById("titre").textContent = "Candidature introuvable";
    document.getElementById("erreur").textContent = error.problem?.status === 404
      ? "Cette candidature n'existe pas, ou vous n'y avez pas accès avec ce compte."
      : error.message;
  })
  .finally(() => main.removeAttribute("aria-busy"));
