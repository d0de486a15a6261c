// One PASS IAE (GET /api/v1/passes/{number}), as the entitled see it and print it on one A4
// page (the print styles of app.css): holder, validity, state, remainder (R-PASS-3/6), the hires
// behind it, its suspensions and prolongations, and its history.

import { count, el, fact, kindLabel } from "./format.js";
import { call, isCandidateAccount, session } from "./espace.js";
import { date, dateTime, fullName, period } from "./textes.js";

const main = document.getElementById("contenu");
const number = new URLSearchParams(location.search).get("number") || "";

// A suspension or a prolongation: its dates and its reason, as the API words them.
function periodItem(item) {
  const reason = item.reason_label || item.reason;
  return el("li", {}, [period(item.start_at, item.end_at), reason].filter(Boolean).join(" — "));
}

function list(id, items, render) {
  document.getElementById(id).replaceChildren(...items.map(render));
  const block = document.getElementById(`${id}-bloc`);
  if (block) block.hidden = !items.length;
}

function show(pass, current) {
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
  ));
  if (!pass.hires.length) document.getElementById("embauches").append(el("li", {}, "Aucune embauche en cours."));
  list("suspensions", pass.suspensions || [], periodItem);
  list("prolongations", pass.prolongations || [], periodItem);
  list("historique", pass.history || [], (event) => el(
    "li",
    {},
    el("time", { datetime: event.at }, dateTime(event.at)),
    ` — ${event.label}`,
    event.organization ? ` (${event.organization.name})` : "",
  ));
  document.getElementById("imprime").textContent = `Imprimé le ${dateTime(new Date().toISOString())} depuis Tremplin.`;
  document.getElementById("pass").hidden = false;
}

document.getElementById("imprimer").addEventListener("click", () => window.print());

async function start() {
  const current = await session();
  if (!number) throw new Error("Aucun numéro de PASS IAE n'est indiqué dans l'adresse de la page.");
  show(await call(`/api/v1/passes/${encodeURIComponent(number)}`), current);
}

start()
  .catch((error) => {
    document.getElementById("titre").textContent = "PASS IAE introuvable";
    document.getElementById("erreur").textContent = error.problem?.status === 404
      ? "Ce PASS IAE n'existe pas, ou vous n'y avez pas accès avec ce compte."
      : error.message;
  })
  .finally(() => main.removeAttribute("aria-busy"));
