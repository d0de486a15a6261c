// Applying to a structure of the directory (POST /api/v1/applications, R-APPLY-1..4): reached
// from its page's "Postuler" (`postuler.html?structure=…&candidat=…`). Some of its active job
// descriptions or none (spontaneous, if open), the message, the candidate's consent to share the
// diagnosis, an optional CV sent first as a raw PDF (POST /api/v1/cvs), and the confirmation
// R-APPLY-3 asks for when an older application to the same structure exists.

import { ApiError, showErrors } from "./api.js";
import { el, positions } from "./format.js";
import { call, flash, helped, isCandidateAccount, request, session, setHelped } from "./espace.js";
import { fullName } from "./textes.js";

const CV_MAX_BYTES = 1_000_000; // R-APPLY-1
const FIELDS = ["candidate_id", "job_ids", "message", "diagnosis_shared", "cv"];

const main = document.getElementById("contenu");
const form = document.getElementById("form-candidature");
const duplicate = document.getElementById("doublon");
const query = new URLSearchParams(location.search);
const structureId = query.get("structure") || "";
let structure = null;
let candidateId = "";
let candidateAccount = false;
// The CV already uploaded for the file chosen (a confirmation resends without uploading again).
let uploaded = { file: null, id: null };

// ---- The candidate ----------------------------------------------------------------------------

function chooseCandidate(candidate) {
  candidateId = candidate.id;
  document.getElementById("candidat-choisi").textContent = `Pour ${fullName(candidate)}.`;
}

async function offerMyCandidates() {
  const list = document.getElementById("candidat-liste");
  const select = document.getElementById("candidat-select");
  const mine = await call("/api/v1/candidates?page_size=100");
  select.replaceChildren(
    el("option", { value: "" }, mine.count ? "Choisissez un candidat" : "Aucun candidat pour l'instant"),
    ...mine.results.map((c) => el("option", { value: c.id }, `${fullName(c)} (${c.email})`)),
  );
  list.hidden = false;
  select.addEventListener("change", () => {
    const picked = mine.results.find((c) => c.id === select.value);
    candidateId = picked ? picked.id : "";
    if (picked) setHelped(picked);
  });
}

async function loadCandidate(current) {
  if (candidateAccount) {
    document.getElementById("candidat-liens").hidden = true;
    // The candidate answers the consent question for themselves (R-APPLY-4), in the first person.
    const consent = document.getElementById("diagnosis_shared");
    consent.querySelector("legend").textContent = "Partager votre diagnostic avec la structure ?";
    document.getElementById("diagnosis_shared-aide").textContent =
      "Sans votre accord, la structure voit seulement que votre éligibilité est validée, par qui et jusqu'à quand.";
    const [accept, refuse] = consent.querySelectorAll("label");
    accept.lastChild.textContent = " J'accepte que la structure lise mon diagnostic";
    refuse.lastChild.textContent = " Je refuse";
    if (!current.candidate) {
      throw new ApiError({
        detail: "Complétez d'abord votre identité depuis votre espace candidat, puis revenez sur cette page.",
      });
    }
    chooseCandidate(current.candidate);
    document.getElementById("candidat-choisi").textContent = "Vous postulez pour vous-même.";
    return;
  }
  const id = query.get("candidat") || helped()?.id;
  if (id) {
    try {
      chooseCandidate(await call(`/api/v1/candidates/${encodeURIComponent(id)}`));
      return;
    } catch (error) {
      if (error.problem?.status !== 404) throw error;
      setHelped(null);
    }
  }
  document.getElementById("candidat-choisi").textContent = "Choisissez la personne pour qui vous postulez.";
  await offerMyCandidates();
}

// ---- The structure ----------------------------------------------------------------------------

function showStructure() {
  document.title = `Postuler : ${structure.name} — Tremplin`;
  document.getElementById("titre").textContent = `Postuler : ${structure.name}`;
  document.getElementById("structure").textContent = [structure.kind_label, structure.city].filter(Boolean).join(" · ");
  const back = document.getElementById("retour");
  back.href = `/structure.html?id=${encodeURIComponent(structure.id)}`;
  const jobs = (structure.jobs || []).filter((job) => job.is_active !== false);
  const status = document.getElementById("statut");
  const refuse = (text) => {
    status.className = "status blocked";
    status.textContent = text;
    status.hidden = false;
    return false;
  };
  if (structure.blocks_applications) {
    return refuse("Candidatures bloquées : la structure ne reçoit pas de candidatures pour le moment.");
  }
  if (!jobs.length && !structure.spontaneous_applications_open) {
    return refuse("Cette structure ne reçoit pas de candidatures spontanées et n'a aucune fiche de poste ouverte.");
  }
  document.getElementById("job_ids-aide").textContent = !jobs.length
    ? "Aucune fiche de poste publiée : la candidature sera spontanée."
    : structure.spontaneous_applications_open
      ? "Cochez les postes visés, ou aucun pour une candidature spontanée."
      : "Cochez au moins un poste : la structure ne reçoit pas de candidatures spontanées.";
  document.getElementById("postes").replaceChildren(...jobs.map((job) =>
    el(
      "label",
      {},
      el("input", { type: "checkbox", name: "job_ids", value: job.id }),
      ` ${job.title} — ${job.contract_type_label || job.contract_type}, ${positions(job.open_positions ?? 0)}`,
    )));
  return true;
}

// ---- Sending ----------------------------------------------------------------------------------

// The API's field names for what this form calls otherwise (the CV's id and raw body).
function onForm(error) {
  if (!(error instanceof ApiError)) return error;
  const errors = {};
  for (const [field, messages] of Object.entries(error.fieldErrors())) {
    const name = { cv_id: "cv", body: "cv", "Content-Type": "cv" }[field] || field;
    errors[name] = [...(errors[name] || []), ...messages];
  }
  return new ApiError({ ...error.problem, errors });
}

function report(error) {
  const shown = onForm(error);
  showErrors(shown, FIELDS, "form-erreur");
  const invalid = FIELDS.map((f) => document.getElementById(f)).find((n) => n?.getAttribute("aria-invalid") === "true");
  if (invalid) (invalid.tagName === "FIELDSET" ? invalid.querySelector("input, select") || invalid : invalid).focus();
  else document.getElementById("form-erreur").scrollIntoView({ block: "center" });
}

async function cvId() {
  const file = document.getElementById("cv").files[0];
  if (!file) return null;
  if (uploaded.file === file) return uploaded.id;
  const pdf = file.type === "application/pdf" || /\.pdf$/i.test(file.name);
  if (!pdf) throw new ApiError({ status: 422, detail: "Le CV doit être un fichier PDF.", errors: { cv: ["Le CV doit être un fichier PDF."] } });
  if (file.size > CV_MAX_BYTES) {
    throw new ApiError({ status: 413, detail: "Le CV fait plus d'1 Mo.", errors: { cv: ["Le CV fait plus d'1 Mo : réduisez-le (PDF compressé) puis réessayez."] } });
  }
  const { data } = await request("/api/v1/cvs", { method: "POST", body: file, contentType: "application/pdf" });
  uploaded = { file, id: data.id };
  return data.id;
}

function body(confirm) {
  const sent = {
    structure_id: structure.id,
    candidate_id: candidateId,
    job_ids: [...form.querySelectorAll("input[name=job_ids]:checked")].map((c) => c.value),
    message: document.getElementById("message").value.trim(),
  };
  const consent = form.querySelector("input[name=diagnosis_shared]:checked");
  if (consent) sent.diagnosis_shared = consent.value === "true";
  if (confirm) sent.confirm_duplicate = true;
  return sent;
}

async function send({ confirm = false } = {}) {
  showErrors({}, FIELDS, "form-erreur");
  duplicate.hidden = true;
  if (!candidateId) {
    report(new ApiError({ status: 422, detail: "Choisissez le candidat.", errors: { candidate_id: ["Choisissez le candidat."] } }));
    return;
  }
  const buttons = [document.getElementById("envoyer"), document.getElementById("confirmer")];
  for (const b of buttons) b.disabled = true;
  try {
    const sent = body(confirm);
    const cv = await cvId();
    if (cv) sent.cv_id = cv;
    const application = await call("/api/v1/applications", { method: "POST", body: sent });
    flash(`Candidature envoyée à ${structure.name}.`);
    location.assign(`/candidature.html?id=${encodeURIComponent(application.id)}`);
  } catch (error) {
    if (error.problem?.code === "duplicate_needs_confirmation") {
      // R-APPLY-3: an application older than 24 hours exists; sending again needs a yes.
      document.getElementById("doublon-texte").textContent = error.message;
      duplicate.hidden = false;
      duplicate.focus();
      return;
    }
    report(error);
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  send();
});
document.getElementById("confirmer").addEventListener("click", () => send({ confirm: true }));
document.getElementById("annuler").addEventListener("click", () => {
  duplicate.hidden = true;
  document.getElementById("envoyer").focus();
});

async function start() {
  const current = await session();
  candidateAccount = isCandidateAccount(current);
  if (!structureId) throw new ApiError({ detail: "Aucune structure n'est indiquée : choisissez-la dans la recherche." });
  try {
    structure = await call(`/api/v1/structures/${encodeURIComponent(structureId)}`);
  } catch (error) {
    if (error.problem?.status === 404) throw new ApiError({ detail: "Cette structure n'existe pas ou n'est plus dans l'annuaire." });
    throw error;
  }
  if (!showStructure()) return;
  await loadCandidate(current);
  form.hidden = false;
}

start()
  .catch((error) => {
    document.getElementById("erreur").textContent = error.message;
  })
  .finally(() => main.removeAttribute("aria-busy"));
