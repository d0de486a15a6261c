// Find or register a candidate (POST /api/v1/candidates, R-CAND-1..5): 201 registered, 200
// found by NIR or e-mail; contradicting identity data is a 409 naming each field, shown at the
// top with links to the fields and next to each one. A candidate's own account fills in its
// identity here, under the account's e-mail.

import { showErrors } from "./api.js";
import { el } from "./format.js";
import { flash, isCandidateAccount, request, session, setHelped } from "./espace.js";
import { CANDIDATE_FIELDS, FRANCE_TRAVAIL_REASONS, NIR_REASONS, TITLES, fullName } from "./textes.js";

const FIELDS = [
  "title", "first_name", "last_name", "birthdate", "email", "phone", "nir", "lack_of_nir_reason",
  "france_travail_id", "lack_of_france_travail_id_reason", "address", "post_code",
];
const TEXT_FIELDS = ["first_name", "last_name", "birthdate", "email", "phone", "address", "post_code"];

const main = document.getElementById("contenu");
const form = document.getElementById("form-candidat");
const conflict = document.getElementById("conflit");
let candidateAccount = false;

// ---- Form set-up: the choices come from the tables of textes.js --------------------------------

document.getElementById("title-choix").replaceChildren(
  ...TITLES.map(([code, text]) => el("label", {}, el("input", { type: "radio", name: "title", value: code }), ` ${text}`)),
);

function reasons(containerId, name, table) {
  document.getElementById(containerId).append(
    ...table.map(([code, text]) => el("label", {}, el("input", { type: "radio", name, value: code }), ` ${text}`)),
  );
}
reasons("nir-choix", "nir_choice", NIR_REASONS);
reasons("france_travail-choix", "france_travail_choice", FRANCE_TRAVAIL_REASONS);

function chosen(name) {
  return form.querySelector(`input[name="${name}"]:checked`)?.value ?? "";
}

// The number's field shows only while "the person has one" is chosen.
function syncConditionals() {
  document.getElementById("nir-bloc").hidden = chosen("nir_choice") !== "";
  document.getElementById("france_travail-bloc").hidden = chosen("france_travail_choice") !== "";
}
form.addEventListener("change", syncConditionals);
syncConditionals();

// ---- Sending -----------------------------------------------------------------------------------

function body() {
  const value = (id) => document.getElementById(id).value.trim();
  const sent = {};
  if (chosen("title")) sent.title = chosen("title");
  for (const field of TEXT_FIELDS) if (value(field)) sent[field] = value(field);
  if (chosen("nir_choice")) sent.lack_of_nir_reason = chosen("nir_choice");
  else if (value("nir")) sent.nir = value("nir");
  if (chosen("france_travail_choice")) sent.lack_of_france_travail_id_reason = chosen("france_travail_choice");
  else if (value("france_travail_id")) sent.france_travail_id = value("france_travail_id");
  return sent;
}

function focusFirstInvalid() {
  const invalid = FIELDS.map((f) => document.getElementById(f)).find((n) => n?.getAttribute("aria-invalid") === "true");
  if (!invalid) return;
  if (invalid.closest("details")) invalid.closest("details").open = true;
  (invalid.tagName === "FIELDSET" ? invalid.querySelector("input") : invalid).focus();
}

// R-CAND-5: the fields that differ from the person already registered, as links to the fields.
// The same message for every field (the usual case) is said once, the fields listed after it.
function showConflict(error) {
  const entries = Object.entries(error.fieldErrors())
    .sort(([a], [b]) => (FIELDS.indexOf(a) + 1 || 99) - (FIELDS.indexOf(b) + 1 || 99));
  const messages = new Set(entries.map(([, m]) => m.join(" ")));
  const common = messages.size === 1 ? [...messages][0] : "";
  document.getElementById("conflit-detail").textContent = common ? `${error.message} ${common}` : error.message;
  document.getElementById("conflit-champs").replaceChildren(
    ...entries.map(([field, list]) => {
      const target = document.getElementById(field) ? field : "form-candidat";
      const name = CANDIDATE_FIELDS[field] || field;
      return el("li", {}, el("a", { href: `#${target}` }, common ? name : `${name} : ${list.join(" ")}`));
    }),
  );
  conflict.hidden = false;
  conflict.focus();
}

conflict.addEventListener("click", (event) => {
  const link = event.target.closest("a[href^='#']");
  if (!link) return;
  event.preventDefault();
  const target = document.getElementById(link.getAttribute("href").slice(1));
  if (target?.closest("details")) target.closest("details").open = true;
  (target?.tagName === "FIELDSET" ? target.querySelector("input") : target)?.focus();
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  showErrors({}, FIELDS, "form-erreur");
  conflict.hidden = true;
  const button = document.getElementById("envoyer");
  button.disabled = true;
  try {
    const { status, data } = await request("/api/v1/candidates", { method: "POST", body: body() });
    if (candidateAccount) {
      flash("Votre identité est enregistrée.");
      location.assign("/candidat.html");
      return;
    }
    setHelped(data);
    flash(status === 201
      ? `${fullName(data)} est enregistré${data.title === "MME" ? "e" : ""}.`
      : `${fullName(data)} était déjà connu${data.title === "MME" ? "e" : ""} de Tremplin : voici sa fiche.`);
    location.assign(`/fiche-candidat.html?id=${encodeURIComponent(data.id)}`);
  } catch (error) {
    showErrors(error, FIELDS, "form-erreur");
    if (error.problem?.status === 409 && Object.keys(error.fieldErrors()).length) showConflict(error);
    else focusFirstInvalid();
  } finally {
    button.disabled = false;
  }
});

async function start() {
  const current = await session();
  candidateAccount = isCandidateAccount(current);
  if (candidateAccount) {
    // A candidate registers only themselves, under their account's e-mail.
    document.title = "Mon identité — Tremplin";
    document.getElementById("titre").textContent = "Mon identité";
    document.getElementById("intro").textContent =
      "Ces informations accompagnent vos candidatures. Votre numéro de sécurité sociale n'est montré qu'aux structures qui reçoivent vos candidatures.";
    const back = document.getElementById("retour");
    back.href = "/candidat.html";
    back.textContent = "Mon espace candidat";
    const email = document.getElementById("email");
    email.value = current.me.user.email;
    email.readOnly = true;
    document.getElementById("first_name").value = current.me.user.first_name || "";
    document.getElementById("last_name").value = current.me.user.last_name || "";
  }
  main.removeAttribute("aria-busy");
}

start().catch((error) => {
  document.getElementById("form-erreur").textContent = error.message;
  main.removeAttribute("aria-busy");
});
