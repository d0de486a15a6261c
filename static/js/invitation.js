// Accepts the invitation whose code the e-mail's link carries (`?code=`): as the logged-in user,
// or by creating the account with the password chosen here. A candidate's code (`&candidat=1`)
// always creates a new account: it is never accepted with a professional's session.
import { api, showErrors, token } from "./api.js";

const params = new URLSearchParams(location.search);
const code = params.get("code") || "";
const forCandidate = params.get("candidat") === "1";
const form = document.getElementById("form-invitation");
const result = document.getElementById("resultat");

async function accept(body) {
  const answer = await api(`/api/v1/invitations/${encodeURIComponent(code)}/accept`, { method: "POST", body });
  form.hidden = true;
  result.textContent = "candidate" in answer
    ? "Votre compte candidat est créé. Connectez-vous depuis l'accueil pour suivre vos candidatures."
    : answer.role === "admin"
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

if (token() && !forCandidate) accept({}).catch((error) => showErrors(error, ["password"], "form-erreur"));
