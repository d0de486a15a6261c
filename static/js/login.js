import { api, setToken, showErrors, token } from "./api.js";

const form = document.getElementById("form-connexion");
const fields = ["email", "password"];

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
    await showAccount();
  } catch (error) {
    showErrors(error, fields, "form-erreur");
  }
});

document.getElementById("deconnexion").addEventListener("click", async () => {
  await api("/api/v1/auth/token", { method: "DELETE" }).catch(() => {});
  setToken(null);
  document.getElementById("compte").hidden = true;
  document.getElementById("connexion").hidden = false;
});

document.getElementById("titre-compte").tabIndex = -1;
if (token()) showAccount().catch(() => setToken(null));
