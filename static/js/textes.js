// French wording of the candidate and application pages: the API's codes and their labels,
// dates, names, and the pager shared by the lists.

import { el } from "./format.js";

// R-APPLY-5: the states of an application, in the order of the box's filter. The API sends each
// application's `state_label`; this list is what the filter offers.
export const STATES = [
  ["new", "Nouvelle"],
  ["processing", "À l'étude"],
  ["postponed", "Pour plus tard"],
  ["accepted", "Acceptée"],
  ["refused", "Refusée"],
  ["cancelled", "Embauche annulée"],
  ["obsolete", "Embauché ailleurs"],
  ["pool", "Vivier"],
];

// R-APPLY-6: the refusal reasons, codes and labels as the rulebook writes them; `other` asks
// for a comment.
export const REFUSAL_REASONS = [
  ["did_not_come", "Candidat non joignable"],
  ["did_not_come_to_interview", "Candidat ne s'étant pas présenté à l'entretien"],
  ["hired_elsewhere", "Candidat indisponible : en emploi"],
  ["training", "Candidat indisponible : en formation"],
  ["non_eligible", "Candidat non éligible"],
  ["not_mobile", "Candidat non mobile"],
  ["not_interested", "Candidat non intéressé"],
  ["lacking_skills", "Le candidat n'a pas les compétences requises pour le poste"],
  ["incompatible", "Un des freins à l'emploi du candidat est incompatible avec le poste proposé"],
  ["prevent_objectives", "L'embauche du candidat empêche la réalisation des objectifs du dialogue de gestion"],
  ["no_position", "Pas de recrutement en cours"],
  ["other", "Autre"],
];

export const TITLES = [
  ["MME", "Madame"],
  ["M", "Monsieur"],
];

// R-CAND-1 / R-CAND-4: what may stand instead of a NIR or a France Travail id.
export const NIR_REASONS = [
  ["NO_NIR", "La personne n'a pas de numéro de sécurité sociale"],
  ["NIR_ASSOCIATED_TO_OTHER", "Son numéro est associé à une autre personne"],
];
export const FRANCE_TRAVAIL_REASONS = [
  ["FORGOTTEN", "La personne a oublié son identifiant"],
  ["NOT_REGISTERED", "La personne n'est pas inscrite à France Travail"],
];

// The candidate form's fields, named as the form labels them (for the conflict summary).
export const CANDIDATE_FIELDS = {
  title: "Civilité",
  first_name: "Prénom",
  last_name: "Nom",
  birthdate: "Date de naissance",
  email: "Adresse e-mail",
  phone: "Téléphone",
  nir: "Numéro de sécurité sociale (NIR)",
  lack_of_nir_reason: "Numéro de sécurité sociale (NIR)",
  france_travail_id: "Identifiant France Travail",
  lack_of_france_travail_id_reason: "Identifiant France Travail",
  address: "Adresse",
  post_code: "Code postal",
};

export function label(table, code) {
  return table.find(([value]) => value === code)?.[1] ?? code;
}

const longDate = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "UTC" });
const longDateTime = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "long", timeStyle: "short", timeZone: "Europe/Paris",
});

// French writes the first of the month "1er".
function french(format, value) {
  return format.formatToParts(value).map(({ type, value: part }) => (type === "day" && part === "1" ? "1er" : part)).join("");
}

// "2026-03-02" → "2 mars 2026"; "2026-06-01" → "1er juin 2026"
export function date(iso) {
  if (!iso) return "";
  const value = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(value.getTime()) ? iso : french(longDate, value);
}

// "2026-03-02T13:05:00Z" → "2 mars 2026 à 14:05" (Paris time)
export function dateTime(rfc3339) {
  const value = new Date(rfc3339);
  return Number.isNaN(value.getTime()) ? rfc3339 : french(longDateTime, value);
}

// The day before `iso` ("YYYY-MM-DD"): the last valid day of something that expires on `iso`.
export function dayBefore(iso) {
  const value = new Date(`${iso}T00:00:00Z`);
  value.setUTCDate(value.getUTCDate() - 1);
  return value.toISOString().slice(0, 10);
}

// "du 2 mars 2026 au 29 février 2028"; without an end, "à partir du 2 mars 2026".
export function period(start, end) {
  return end ? `du ${date(start)} au ${date(end)}` : `à partir du ${date(start)}`;
}

export function fullName(person) {
  return [person.first_name, person.last_name].filter(Boolean).join(" ");
}

// "Née le 14 mai 1990" / "Né le …"
export function born(candidate) {
  return `${candidate.title === "MME" ? "Née" : "Né"} le ${date(candidate.birthdate)}`;
}

export function stateTag(state, stateLabel) {
  return el("span", { class: `tag state state-${state}` }, stateLabel || label(STATES, state));
}

// A pager under a list: real links (`?…&page=N`), "Page 2 sur 5" between them.
export function pager(nav, { page, pageSize, count }, hrefFor) {
  const pages = Math.max(1, Math.ceil(count / pageSize));
  nav.hidden = pages <= 1;
  if (pages <= 1) {
    nav.replaceChildren();
    return;
  }
  const link = (target, text, rel) =>
    target >= 1 && target <= pages
      ? el("a", { href: hrefFor(target), rel }, text)
      : el("a", { "aria-disabled": "true", role: "link" }, text);
  nav.replaceChildren(
    link(page - 1, "Précédent", "prev"),
    el("span", { "aria-current": "page" }, `Page ${page} sur ${pages}`),
    link(page + 1, "Suivant", "next"),
  );
}
