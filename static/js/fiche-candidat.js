// One candidate as the professional's organization sees them (GET /api/v1/candidates/{id}):
// eligibility from their diagnoses (R-ELIG-1/5), identity with the NIR masked unless entitled
// (R-CAND-6), and what to do next: search a structure, record the diagnosis, invite them.

import { el, fact } from "./format.js";
import { call, isCandidateAccount, session, setHelped, showFlash } from "./espace.js";
import {
  FRANCE_TRAVAIL_REASONS, NIR_REASONS, TITLES, date, dateTime, dayBefore, fullName, label,
} from "./textes.js";

const main = document.getElementById("contenu");
const id = new URLSearchParams(location.search).get("id") || "";

function identity(candidate) {
  const facts = [
    ...fact("Civilité", label(TITLES, candidate.title)),
    ...fact("Date de naissance", date(candidate.birthdate)),
    ...fact("E-mail", el("a", { href: `mailto:${candidate.email}` }, candidate.email)),
  ];
  if (candidate.phone) facts.push(...fact("Téléphone", el("a", { href: `tel:${candidate.phone.replace(/[^0-9+]/g, "")}` }, candidate.phone)));
  if (candidate.nir) {
    facts.push(...fact(
      "Numéro de sécurité sociale",
      candidate.nir,
      candidate.nir_masked
        ? el("span", { class: "meta" }, " (masqué : seuls la personne et les professionnels qui suivent son PASS IAE le voient en entier)")
        : null,
    ));
  } else facts.push(...fact("Numéro de sécurité sociale", label(NIR_REASONS, candidate.lack_of_nir_reason)));
  facts.push(...fact(
    "Identifiant France Travail",
    candidate.france_travail_id || label(FRANCE_TRAVAIL_REASONS, candidate.lack_of_france_travail_id_reason),
  ));
  const place = [candidate.address, candidate.post_code].filter(Boolean).join(", ");
  if (place) facts.push(...fact("Adresse", place));
  facts.push(...fact("Espace candidat", candidate.has_account ? "Créé" : "Pas encore créé"));
  return facts;
}

// R-ELIG-1/3/5 as the page states it: a valid prescriber diagnosis first, else a valid
// self-prescription (shown only to the structure that made it).
function eligibility(candidate, today) {
  const status = document.getElementById("eligibilite");
  const valid = (d) => today < d.expires_at;
  const chosen = candidate.diagnoses.find((d) => d.author_kind === "prescriber" && valid(d))
    || candidate.diagnoses.find((d) => d.author_kind === "employer" && valid(d));
  if (chosen) {
    status.className = "status open";
    status.textContent = `${chosen.author_kind === "prescriber" ? "Éligibilité validée" : "Auto-prescription valable"} par ${chosen.author_organization.name} jusqu'au ${date(dayBefore(chosen.expires_at))} inclus.`;
  } else {
    status.className = "status";
    status.textContent = "Aucun diagnostic en cours de validité. Une candidature peut être envoyée sans ; un prescripteur habilité peut valider l'éligibilité en saisissant le diagnostic.";
  }
  document.getElementById("diagnostics").replaceChildren(
    ...candidate.diagnoses.map((d) => el(
      "li",
      { class: "card" },
      el("h3", {}, `Diagnostic du ${date(d.made_on)}`),
      el("p", {}, `${d.author_kind === "prescriber" ? "Prescripteur habilité" : "Auto-prescription"} : ${d.author_organization.name}`),
      el("p", { class: "meta" }, valid(d)
        ? `Valable jusqu'au ${date(dayBefore(d.expires_at))} inclus`
        : `Expiré depuis le ${date(d.expires_at)}`),
    )),
  );
}

function show(candidate, today) {
  const name = fullName(candidate);
  document.title = `${name} — Tremplin`;
  document.getElementById("nom").textContent = name;
  eligibility(candidate, today);
  document.getElementById("identite").replaceChildren(...identity(candidate));
  document.getElementById("diagnostiquer").href = `/diagnostic.html?candidat=${encodeURIComponent(candidate.id)}`;
  document.getElementById("chercher").addEventListener("click", () => setHelped(candidate));
  document.getElementById("inviter-bloc").hidden = candidate.has_account;
  document.getElementById("fiche").hidden = false;
}

document.getElementById("inviter").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  const status = document.getElementById("invitation");
  const problem = document.getElementById("invitation-erreur");
  status.textContent = "";
  problem.textContent = "";
  button.disabled = true;
  try {
    const sent = await call(`/api/v1/candidates/${encodeURIComponent(id)}/invitations`, { method: "POST", body: {} });
    status.textContent = `Invitation envoyée à ${sent.email}. Le lien est valable jusqu'au ${dateTime(sent.expires_at)}.`;
  } catch (error) {
    problem.textContent = error.message;
    button.disabled = false;
  }
});

async function start() {
  const current = await session();
  if (isCandidateAccount(current)) {
    location.replace("/candidat.html");
    return;
  }
  showFlash(document.getElementById("message"));
  if (!id) throw new Error("Aucun candidat n'est indiqué dans l'adresse de la page.");
  const [candidate, health] = await Promise.all([
    call(`/api/v1/candidates/${encodeURIComponent(id)}`),
    call("/api/v1/health"),
  ]);
  show(candidate, health.today);
}

start()
  .catch((error) => {
    document.getElementById("nom").textContent = "Candidat introuvable";
    document.getElementById("erreur").textContent = error.problem?.status === 404
      ? "Ce candidat n'existe pas, ou votre organisation ne le suit pas."
      : error.message;
  })
  .finally(() => main.removeAttribute("aria-busy"));
