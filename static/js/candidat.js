// The candidate's own space: their applications (GET /api/v1/applications: a candidate's
// account always reads its own), the way to apply themselves, and for a visitor the login or a
// new account (POST /api/v1/auth/register, which always answers the same: no account is revealed).

import { showErrors } from "./api.js";
import { count, el } from "./format.js";
import { call, session, setHelped, showFlash, signOut } from "./espace.js";
import { dateTime, pager, stateTag } from "./textes.js";

const PAGE_SIZE = 20;
const main = document.getElementById("contenu");
const query = new URLSearchParams(location.search);
const REGISTER_FIELDS = ["first_name", "last_name", "email"];

function visitor() {
  document.getElementById("visiteur").hidden = false;
  const form = document.getElementById("form-inscription");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showErrors({}, REGISTER_FIELDS, "form-erreur");
    const sent = Object.fromEntries(REGISTER_FIELDS.map((f) => [f, document.getElementById(f).value.trim()]));
    try {
      await call("/api/v1/auth/register", { method: "POST", body: sent });
      form.hidden = true;
      document.getElementById("inscription").textContent =
        `Si l'adresse ${sent.email} peut recevoir un espace, un e-mail vient d'y être envoyé avec un lien pour choisir votre mot de passe.`;
    } catch (error) {
      showErrors(error, REGISTER_FIELDS, "form-erreur");
    }
  });
}

function card(application) {
  return el(
    "li",
    { class: "card" },
    el("h3", {}, el("a", { href: `/candidature.html?id=${encodeURIComponent(application.id)}` }, application.structure.name)),
    el("p", {}, stateTag(application.state, application.state_label)),
    el("p", { class: "meta" }, `Envoyée le ${dateTime(application.created_at)} par ${application.sender.organization?.name || "vous-même"}`),
  );
}

async function space(current) {
  const { me, candidate } = current;
  document.getElementById("bonjour").textContent = `Bonjour ${me.user.first_name}`;
  document.getElementById("espace").hidden = false;
  document.getElementById("deconnexion").addEventListener("click", async () => {
    await signOut();
    location.assign("/candidat.html");
  });
  if (!candidate) {
    document.getElementById("identite-manquante").hidden = false;
    document.getElementById("mes-candidatures").hidden = true;
    return;
  }
  document.getElementById("chercher").addEventListener("click", () => setHelped(candidate));
  const page = Math.max(1, Number.parseInt(query.get("page") || "1", 10) || 1);
  const answer = await call(`/api/v1/applications?page=${page}&page_size=${PAGE_SIZE}`);
  document.getElementById("titre-candidatures").textContent = answer.count
    ? `Mes candidatures (${count(answer.count, "candidature", "candidatures")})`
    : "Mes candidatures";
  document.getElementById("vide").hidden = answer.count > 0;
  document.getElementById("liste").replaceChildren(...answer.results.map(card));
  pager(document.getElementById("pages"), { page, pageSize: PAGE_SIZE, count: answer.count }, (n) => `?page=${n}`);
}

async function start() {
  showFlash(document.getElementById("message"));
  const current = await session({ required: false });
  if (!current) visitor();
  else if (current.organization) document.getElementById("professionnel").hidden = false;
  else await space(current);
}

start()
  .catch((error) => { document.getElementById("erreur").textContent = error.message; })
  .finally(() => main.removeAttribute("aria-busy"));
