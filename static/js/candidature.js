// One application as its reader's side sees it (GET /api/v1/applications/{id}): the e-mails
// link here. The diagnosis's content only when the API sends it (R-APPLY-4: the candidate's
// consent, for the structure); the CV downloaded with the session's token.

import { el } from "./format.js";
import { call, download, isCandidateAccount, session, showFlash } from "./espace.js";
import {
  FRANCE_TRAVAIL_REASONS, NIR_REASONS, born, date, dateTime, fullName, label, stateTag,
} from "./textes.js";

const main = document.getElementById("contenu");
const id = new URLSearchParams(location.search).get("id") || "";

function fact(term, ...value) {
  return [el("dt", {}, term), el("dd", {}, ...value)];
}

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

async function show(current, application) {
  const name = fullName(application.candidate);
  document.title = `Candidature de ${name} — Tremplin`;
  document.getElementById("titre").textContent = `Candidature de ${name}`;
  back(current, application);
  document.getElementById("etat").replaceChildren(
    stateTag(application.state, application.state_label),
    application.updated_at !== application.created_at ? ` mise à jour le ${dateTime(application.updated_at)}` : "",
  );
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
}

async function start() {
  const current = await session();
  showFlash(document.getElementById("message"));
  if (!id) throw new Error("Aucune candidature n'est indiquée dans l'adresse de la page.");
  await show(current, await call(`/api/v1/applications/${encodeURIComponent(id)}`));
}

start()
  .catch((error) => {
    document.getElementById("titre").textContent = "Candidature introuvable";
    document.getElementById("erreur").textContent = error.problem?.status === 404
      ? "Cette candidature n'existe pas, ou vous n'y avez pas accès avec ce compte."
      : error.message;
  })
  .finally(() => main.removeAttribute("aria-busy"));
