// The socio-professional diagnosis (POST /api/v1/candidates/{id}/diagnoses, R-ELIG-1..4): the
// guide's eight axes and the administrative criteria, built from GET /api/v1/eligibility/grid
// (the one table of levels and labels). An authorized prescriber validates eligibility for 6
// months; an IAE structure self-prescribes on the criteria; an orienteur gets the API's 403.

import { showErrors } from "./api.js";
import { el } from "./format.js";
import { call, flash, isCandidateAccount, session, setHelped } from "./espace.js";
import { date, dayBefore, fullName } from "./textes.js";

const main = document.getElementById("contenu");
const form = document.getElementById("form-diagnostic");
const candidateId = new URLSearchParams(location.search).get("candidat") || "";
const TEXTS = ["situation", "obstacles", "objectives"];
let axes = [];
let selfPrescription = false;

function fields() {
  return [...axes.map((axis) => `grid.${axis.key}`), "grid", "administrative_criteria", ...TEXTS];
}

function axisFieldset(axis) {
  const id = `grid.${axis.key}`;
  return el(
    "fieldset",
    { class: "axis", id, "aria-describedby": `${id}-erreur` },
    el("legend", {}, axis.label),
    el("div", { class: "options-list" }, ...axis.levels.map((level) =>
      el(
        "label",
        {},
        el("input", { type: "radio", name: id, value: level.level }),
        el("span", {}, el("span", { class: "level-scale" }, `${level.level} · ${level.scale}`), ` — ${level.label}`),
      ))),
    el("p", { class: "error", id: `${id}-erreur`, role: "alert" }),
  );
}

function criteriaBlock(criteria) {
  const group = (level, legend) => el(
    "fieldset",
    {},
    el("legend", {}, legend),
    el("div", { class: "choices stacked" }, ...criteria.filter((c) => c.level === level).map((c) =>
      el("label", {}, el("input", { type: "checkbox", name: "administrative_criteria", value: c.code }), ` ${c.label}`))),
  );
  return [group(1, "Critères de niveau 1"), group(2, "Critères de niveau 2")];
}

function build(grid) {
  axes = grid.axes;
  document.getElementById("axes").replaceChildren(...axes.map(axisFieldset));
  document.getElementById("criteres").replaceChildren(...criteriaBlock(grid.administrative_criteria));
}

// R-ELIG-3: a structure's self-prescription rests on the criteria; the grid and texts are optional.
function asStructure() {
  selfPrescription = true;
  document.getElementById("aide").textContent =
    "Auto-prescription de votre structure : cochez les critères administratifs de la personne (au moins un de niveau 1, ou assez de niveau 2 pour votre type de structure). Elle est valable 92 jours et n'est visible que de votre structure. La grille est facultative.";
  document.getElementById("criteres-titre").textContent = "Critères administratifs";
  document.getElementById("criteres-bloc").open = true;
  document.querySelector("label[for=situation]").textContent = "Situation de la personne (facultatif)";
}

function body() {
  const grid = {};
  for (const axis of axes) {
    const checked = form.querySelector(`input[name="grid.${axis.key}"]:checked`);
    if (checked) grid[axis.key] = Number(checked.value);
  }
  const sent = {
    administrative_criteria: [...form.querySelectorAll("input[name=administrative_criteria]:checked")].map((c) => c.value),
  };
  // A prescriber's grid is required: an incomplete one comes back with each missing axis named.
  if (!selfPrescription || Object.keys(grid).length) sent.grid = grid;
  for (const field of TEXTS) {
    const text = document.getElementById(field).value.trim();
    if (text) sent[field] = text;
  }
  return sent;
}

function focusFirstInvalid() {
  const invalid = fields().map((f) => document.getElementById(f)).find((n) => n?.getAttribute("aria-invalid") === "true");
  if (!invalid) return;
  if (invalid.closest("details")) invalid.closest("details").open = true;
  (invalid.tagName === "FIELDSET" ? invalid.querySelector("input") : invalid).focus();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  showErrors({}, fields(), "form-erreur");
  document.getElementById("refus").hidden = true;
  const button = document.getElementById("envoyer");
  button.disabled = true;
  try {
    const diagnosis = await call(`/api/v1/candidates/${encodeURIComponent(candidateId)}/diagnoses`, {
      method: "POST",
      body: body(),
    });
    flash(`Diagnostic enregistré : ${diagnosis.author_kind === "prescriber" ? "éligibilité validée" : "auto-prescription valable"} jusqu'au ${date(dayBefore(diagnosis.expires_at))} inclus.`);
    location.assign(`/fiche-candidat.html?id=${encodeURIComponent(candidateId)}`);
  } catch (error) {
    if (error.problem?.status === 403) {
      // The API says why this organization may not validate eligibility (R-ORG-5).
      const refusal = document.getElementById("refus");
      document.getElementById("refus-texte").textContent = error.message;
      document.getElementById("orienteur").hidden = true; // the API's word replaces the page's
      refusal.hidden = false;
      refusal.focus();
      return;
    }
    showErrors(error, fields(), "form-erreur");
    focusFirstInvalid();
  } finally {
    button.disabled = false;
  }
});

async function start() {
  const current = await session();
  if (isCandidateAccount(current)) {
    location.replace("/candidat.html");
    return;
  }
  if (!candidateId) throw new Error("Aucun candidat n'est indiqué dans l'adresse de la page.");
  const back = document.getElementById("retour");
  back.href = `/fiche-candidat.html?id=${encodeURIComponent(candidateId)}`;
  const [candidate, grid] = await Promise.all([
    call(`/api/v1/candidates/${encodeURIComponent(candidateId)}`),
    call("/api/v1/eligibility/grid"),
  ]);
  document.getElementById("candidat").textContent = `Pour ${fullName(candidate)}`;
  document.getElementById("refus-lien").addEventListener("click", () => setHelped(candidate));
  build(grid);
  const organization = current.organization;
  if (organization.category === "structure") asStructure();
  if (organization.category === "prescriber" && !organization.authorized) {
    document.getElementById("orienteur").hidden = false;
  }
  form.hidden = false;
}

start()
  .catch((error) => {
    document.getElementById("erreur").textContent = error.problem?.status === 404
      ? "Ce candidat n'existe pas, ou votre organisation ne le suit pas."
      : error.message;
  })
  .finally(() => main.removeAttribute("aria-busy"));
