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

// R-SUSP-1: the suspension reasons, codes and labels as the domain has them (suspension::REASONS),
// in its order. R-SUSP-1/2 limit who gives which: see the two tables after it.
export const SUSPENSION_REASONS = [
  ["CONTRACT_SUSPENDED", "Contrat de travail suspendu depuis plus de 15 jours"],
  ["CONTRACT_BROKEN", "Contrat de travail rompu"],
  ["FINISHED_CONTRACT", "Contrat de travail terminé"],
  ["APPROVAL_BETWEEN_CTA_MEMBERS", "Situation faisant l'objet d'un accord entre les acteurs membres du CTA"],
  ["CONTRAT_PASSERELLE", "Bascule dans l'expérimentation contrat passerelle"],
];
// R-SUSP-2: the reasons an authorized prescriber may give (`prescriber_may`).
export const PRESCRIBER_SUSPENSION_REASONS = ["CONTRACT_BROKEN", "FINISHED_CONTRACT", "APPROVAL_BETWEEN_CTA_MEMBERS"];
// R-SUSP-1: the reasons kept to some structure kinds (`only_kinds`).
export const SUSPENSION_REASON_KINDS = { CONTRAT_PASSERELLE: ["ACI", "ACIPHC", "EI"] };

// R-PROL-1: the prolongation reasons, codes and labels as the domain has them
// (prolongation::RULES), in its order; who decides and the kinds in the tables after it.
export const PROLONGATION_REASONS = [
  ["SENIOR_CDI", "CDI inclusion pour une personne de 57 ans et plus"],
  ["COMPLETE_TRAINING", "Fin d'une formation"],
  ["RQTH", "RQTH - Reconnaissance de la qualité de travailleur handicapé"],
  ["SENIOR", "50 ans et plus"],
  ["PARTICULAR_DIFFICULTIES", "Difficultés particulièrement importantes dont l'absence de prise en charge ferait obstacle à son insertion professionnelle"],
];
// R-PROL-1: the reasons the structure declares itself (`Decider::Structure`); the others are
// asked of an authorized prescriber.
export const DIRECT_PROLONGATION_REASONS = ["SENIOR_CDI", "COMPLETE_TRAINING"];
// R-PROL-1: the reasons kept to some structure kinds (`only_kinds`).
export const PROLONGATION_REASON_KINDS = { PARTICULAR_DIFFICULTIES: ["AI", "ACI", "ACIPHC"] };
// R-PROL-1: the longest one prolongation for each reason, in days (`max_days`).
export const PROLONGATION_MAX_DAYS = {
  SENIOR_CDI: 3650, COMPLETE_TRAINING: 365, RQTH: 365, SENIOR: 365, PARTICULAR_DIFFICULTIES: 365,
};
// R-PROL-3: the window, in months before and after the PASS end.
export const PROLONGATION_WINDOW = { before: 12, after: 6 };

// R-PROL-4: a request's states, why one is denied and what the prescriber proposes instead
// (prolongation::DENY_REASONS and PROPOSED_ACTIONS, in their order); IAE asks for an action.
export const REQUEST_STATES = [
  ["pending", "En attente"],
  ["granted", "Accordée"],
  ["denied", "Refusée"],
  ["withdrawn", "Retirée"],
];
export const DENY_REASONS = [
  ["IAE", "L'IAE ne correspond plus aux besoins ou à la situation de la personne"],
  ["SIAE", "Le type de structure ne correspond plus aux besoins ou à la situation de la personne"],
  ["DURATION", "La durée de prolongation demandée n'est pas adaptée à la situation de la personne"],
  ["REASON", "Le motif de prolongation demandé n'est pas adapté à la situation de la personne"],
];
export const PROPOSED_ACTIONS = [
  ["EXIT_IAE", "Proposer une sortie de l'IAE"],
  ["SOCIAL_PARTNER", "Orienter vers un partenaire de l'accompagnement social ou professionnel"],
  ["OTHER", "Autre"],
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

// `iso` + `days` calendar days ("YYYY-MM-DD").
export function addDays(iso, days) {
  const value = new Date(`${iso}T00:00:00Z`);
  value.setUTCDate(value.getUTCDate() + days);
  return value.toISOString().slice(0, 10);
}

// `iso` + `months` calendar months, clamped to the month's end as the rulebook counts them
// (2024-01-31 + 1 month = 2024-02-29; 2028-02-29 − 12 months = 2027-02-28).
export function addMonths(iso, months) {
  const [year, month, day] = iso.split("-").map(Number);
  const total = year * 12 + (month - 1) + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const pad = (n, width = 2) => String(n).padStart(width, "0");
  return `${pad(y, 4)}-${pad(m + 1)}-${pad(Math.min(day, last))}`;
}

// R-PASS-1: "999990000001" → "99999 00 00001".
export function passNumber(number) {
  return /^\d{12}$/.test(number) ? `${number.slice(0, 5)} ${number.slice(5, 7)} ${number.slice(7)}` : number;
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
