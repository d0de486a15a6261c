// One structure of the directory: who it is, how to reach it, whether it takes applications, and
// its job descriptions. Reached from the search results (`structure.html?id=…`).

import { api } from "./api.js";
import { el, fact, kindLabel, positions } from "./format.js";
import { helped } from "./espace.js";

const LAST_SEARCH_KEY = "tremplin.recherche";
const main = document.getElementById("contenu");
const title = document.getElementById("nom");

// Back to the very search the user came from (its query is kept by recherche.js).
const lastSearch = sessionStorage.getItem(LAST_SEARCH_KEY);
if (lastSearch && lastSearch.startsWith("?")) {
  const back = document.getElementById("retour");
  back.href = `/recherche.html${lastSearch}`;
  back.textContent = "Retour aux résultats";
}

function telHref(phone) {
  return `tel:${phone.replace(/[^0-9+]/g, "")}`;
}

function websiteHref(website) {
  return /^https?:\/\//i.test(website) ? website : `https://${website}`;
}

function show(structure) {
  document.title = `${structure.name} — Tremplin`;
  title.textContent = structure.name;

  document.getElementById("etiquettes").replaceChildren(
    el("span", { class: "tag" }, structure.kind_label || kindLabel(structure.kind)),
    structure.hiring ? el("span", { class: "tag hiring" }, "Recrute") : null,
  );

  // R-ORG-2 flags, as the prescriber needs them before applying.
  const status = document.getElementById("statut");
  if (structure.blocks_applications) {
    status.className = "status blocked";
    status.textContent = "Candidatures bloquées : la structure ne reçoit pas de candidatures pour le moment.";
  } else if (structure.spontaneous_applications_open) {
    status.className = "status open";
    status.textContent = "Candidatures spontanées ouvertes.";
  } else {
    status.className = "status";
    status.textContent = "Candidatures spontanées fermées : candidatez sur une fiche de poste.";
  }

  // "Postuler": the application form, for this structure and the candidate being helped.
  const openJobs = (structure.jobs || []).some((job) => job.is_active !== false);
  const apply = new URLSearchParams({ structure: structure.id });
  const candidate = helped();
  if (candidate) apply.set("candidat", candidate.id);
  document.getElementById("postuler").href = `/postuler.html?${apply}`;
  document.getElementById("postuler-bloc").hidden = structure.blocks_applications
    || (!openJobs && !structure.spontaneous_applications_open);

  const place = [structure.post_code, structure.city].filter(Boolean).join(" ");
  const address = [structure.address, place].filter(Boolean);
  const facts = [];
  if (address.length) {
    facts.push(...fact("Adresse", ...address.flatMap((line, i) => (i ? [el("br"), line] : [line]))));
  }
  if (structure.phone) facts.push(...fact("Téléphone", el("a", { href: telHref(structure.phone) }, structure.phone)));
  if (structure.email) facts.push(...fact("E-mail", el("a", { href: `mailto:${structure.email}` }, structure.email)));
  if (structure.website) {
    facts.push(...fact("Site web", el("a", { href: websiteHref(structure.website), rel: "noopener" }, structure.website)));
  }
  if (!structure.phone && !structure.email && !structure.website) {
    facts.push(...fact("Contact", el("span", { class: "muted" }, "Aucun contact renseigné.")));
  }
  if (structure.siret) facts.push(...fact("SIRET", structure.siret));
  document.getElementById("coordonnees").replaceChildren(...facts);

  const description = (structure.description || "").trim();
  document.getElementById("presentation").hidden = !description;
  document.getElementById("description").textContent = description;

  const jobs = (structure.jobs || []).filter((job) => job.is_active !== false);
  document.getElementById("titre-postes").textContent = jobs.length
    ? `Fiches de poste (${jobs.length})`
    : "Fiches de poste";
  document.getElementById("aucun-poste").hidden = jobs.length > 0;
  document.getElementById("postes").replaceChildren(
    ...jobs.map((job) =>
      el(
        "li",
        { class: "card job" },
        el("h3", {}, job.title),
        el(
          "p",
          { class: "job-facts" },
          el("span", { class: "tag" }, job.contract_type_label || job.contract_type),
          " ",
          el("span", {}, `Code ROME ${job.rome}`),
        ),
        el("p", { class: job.open_positions ? "positions" : "positions muted" }, capitalize(positions(job.open_positions ?? 0))),
      )),
  );

  document.getElementById("fiche").hidden = false;
}

function capitalize(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function fail(message) {
  title.textContent = "Structure introuvable";
  document.title = "Structure introuvable — Tremplin";
  document.getElementById("erreur").textContent = message;
}

async function load() {
  const id = new URLSearchParams(location.search).get("id");
  try {
    if (!id) {
      fail("Aucune structure n'est indiquée dans l'adresse de la page. Revenez à la recherche.");
      return;
    }
    try {
      show(await api(`/api/v1/structures/${encodeURIComponent(id)}`));
    } catch (error) {
      fail(error.problem?.status === 404
        ? "Cette structure n'existe pas ou n'est plus dans l'annuaire."
        : error.message);
    }
  } finally {
    main.removeAttribute("aria-busy");
  }
}

load();
