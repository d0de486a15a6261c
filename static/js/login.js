import { api, setToken, showErrors, token } from "./api.js";
import { el } from "./format.js";
import { safeReturn, signOut } from "./espace.js";

const form = document.getElementById("form-connexion");
const fields = ["email", "password"];
// The page that sent here to log in (`?retour=/candidature.html?id=…`), where to go back after.
const back = safeReturn(new URLSearchParams(location.search).get("retour"));

// Where each kind of account goes from here.
function shortcuts(me) {
  const link = (href, text) => el("li", {}, el("a", { class: "button-link secondary", href }, text));
  if (!me.memberships.length) {
    return [link("/candidat.html", "Mon espace candidat"), link("/recherche.html", "Trouver une structure")];
  }
  const items = [
    link("/candidats.html", "Mes candidats"),
    link("/nouveau-candidat.html", "Enregistrer un candidat"),
    link("/candidatures.html?box=sent", "Candidatures envoyées"),
  ];
  // The administration has no dashboard yet.
  if (me.memberships.some(({ organization }) => organization.category !== "administration")) {
    items.unshift(link("/tableau-de-bord.html", "Tableau de bord"));
  }
  if (me.memberships.some(({ organization }) => organization.category === "structure")) {
    items.push(link("/candidatures.html?box=received", "Candidatures reçues"));
  }
  // R-PROL-4: an authorized prescriber answers the prolongation requests addressed to it.
  if (me.memberships.some(({ organization }) => organization.category === "prescriber" && organization.authorized)) {
    items.push(link("/prolongations.html", "Demandes de prolongation"));
  }
  return items;
}

async function showAccount() {
  const me = await api("/api/v1/me");
  document.getElementById("bonjour").textContent = `Bonjour ${me.user.first_name} ${me.user.last_name}.`;
  const list = document.getElementById("organisations");
  list.replaceChildren(
    ...me.memberships.map(({ organization, role }) => {
      const item = document.createElement("li");
      const status = organization.category === "prescriber"
        ? (organization.authorized ? " — prescripteur habilité" : " — orienteur")
        : "";
      item.textContent = `${organization.name} (${role === "admin" ? "administrateur" : "membre"})${status}`;
      return item;
    }),
  );
  document.getElementById("raccourcis").replaceChildren(...shortcuts(me));
  document.getElementById("connexion").hidden = true;
  document.getElementById("compte").hidden = false;
  document.getElementById("titre-compte").focus();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  showErrors({}, fields, "form-erreur");
  try {
    const session = await api("/api/v1/auth/token", {
      method: "POST",
      body: { email: form.email.value, password: form.password.value },
    });
    setToken(session.token);
    if (back) {
      location.assign(back);
      return;
    }
    // A professional lands on what awaits them; a candidate stays on their account's shortcuts.
    const me = await api("/api/v1/me");
    if (me.memberships.length && me.memberships[0].organization.category !== "administration") {
      location.assign("/tableau-de-bord.html");
      return;
    }
    await showAccount();
  } catch (error) {
    showErrors(error, fields, "form-erreur");
  }
});

document.getElementById("deconnexion").addEventListener("click", async () => {
  await signOut();
  document.getElementById("compte").hidden = true;
  document.getElementById("connexion").hidden = false;
});

document.getElementById("titre-compte").tabIndex = -1;
if (token() && back) location.replace(back);
else if (token()) showAccount().catch(() => setToken(null));
