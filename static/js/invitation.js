// Accepts the invitation whose code the e-mail's link carries (`?code=`): as the logged-in user,
// or by creating the account with the password chosen here.
import { api, showErrors, token } from "./api.js";

const code = new URLSearchParams(location.search).get("code") || "";
const form = document.getElementById("form-invitation");
const result = document.getElementById("resultat");

async function accept(body) {
  const answer = await api(`/api/v1/invitations/${encodeURIComponent(code)}/accept`, { method: "POST", body });
  form.hidden = true;
  result.textContent = answer.role === "admin"
    ? "Invitation acceptée : vous êtes administrateur de l'organisation. Connectez-vous depuis l'accueil."
    : "Invitation acceptée : vous êtes membre de l'organisation. Connectez-vous depuis l'accueil.";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  showErrors({}, ["password"], "form-erreur");
  try {
    await accept({ password: form.password.value });
  } catch (error) {
    showErrors(error, ["password"], "form-erreur");
  }
});

if (token()) accept({}).catch((error) => showErrors(error, ["password"], "form-erreur"));
