// "Mes candidats": the candidates the organization applied for, searched by name and paged
// (GET /api/v1/candidates?q=&page=). The search lives in the URL, like the directory's.

import { showErrors } from "./api.js";
import { count, el } from "./format.js";
import { call, isCandidateAccount, session, showFlash } from "./espace.js";
import { born, fullName, pager } from "./textes.js";

const PAGE_SIZE = 20;
const main = document.getElementById("contenu");
const form = document.getElementById("form-candidats");
const results = document.getElementById("resultats");
const heading = document.getElementById("titre-resultats");

function card(candidate) {
  return el(
    "li",
    { class: "card" },
    el("h3", {}, el("a", { href: `/fiche-candidat.html?id=${encodeURIComponent(candidate.id)}` }, fullName(candidate))),
    el("p", { class: "meta" }, born(candidate)),
    el("p", { class: "meta" }, candidate.email),
  );
}

async function show(query, { focus = false } = {}) {
  const page = Math.max(1, Number.parseInt(query.get("page") || "1", 10) || 1);
  const q = query.get("q") || "";
  form.q.value = q;
  showErrors({}, ["q"], "form-erreur");
  const params = new URLSearchParams({ page, page_size: PAGE_SIZE });
  if (q) params.set("q", q);
  try {
    const answer = await call(`/api/v1/candidates?${params}`);
    heading.textContent = answer.count === 0 ? "Aucun candidat" : count(answer.count, "candidat", "candidats");
    document.getElementById("vide").hidden = answer.count > 0;
    document.getElementById("liste").replaceChildren(...answer.results.map(card));
    pager(document.getElementById("pages"), { page, pageSize: PAGE_SIZE, count: answer.count }, (n) => {
      const next = new URLSearchParams(query);
      next.set("page", n);
      return `?${next}`;
    });
    results.hidden = false;
    if (focus) heading.focus();
  } catch (error) {
    results.hidden = true;
    showErrors(error, ["q"], "form-erreur");
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = new URLSearchParams();
  if (form.q.value.trim()) query.set("q", form.q.value.trim());
  const search = query.toString();
  history.pushState(null, "", `${location.pathname}${search ? `?${search}` : ""}`);
  show(query, { focus: true });
});

window.addEventListener("popstate", () => show(new URLSearchParams(location.search)));

async function start() {
  const current = await session();
  if (isCandidateAccount(current)) {
    location.replace("/candidat.html");
    return;
  }
  showFlash(document.getElementById("message"));
  await show(new URLSearchParams(location.search));
  main.removeAttribute("aria-busy");
}

start().catch((error) => {
  document.getElementById("form-erreur").textContent = error.message;
  main.removeAttribute("aria-busy");
});
