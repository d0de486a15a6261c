// Calls the Tremplin API and turns problem+json answers into French messages per field.

const TOKEN_KEY = "tremplin.token";

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || "Erreur inattendue.");
    this.problem = problem;
  }
  fieldErrors() {
    return this.problem.errors || {};
  }
}

export async function api(path, { method = "GET", body, headers = {} } = {}) {
  const request = { method, headers: { Accept: "application/json", ...headers } };
  if (token()) request.headers.Authorization = `Bearer ${token()}`;
  if (body !== undefined) {
    request.headers["Content-Type"] = "application/json";
    request.headers["Idempotency-Key"] = crypto.randomUUID();
    request.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, request);
  } catch {
    throw new ApiError({ detail: "Connexion impossible. Vérifiez votre réseau et réessayez." });
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError({ status: response.status, ...data });
  return data;
}

// Shows each field's messages next to it (`<p id="<prefix><field>-erreur">` by the element
// `<prefix><field>`), the rest in `fallbackId`. The prefix tells apart the forms of one page.
export function showErrors(error, fields, fallbackId, prefix = "") {
  const byField = error instanceof ApiError ? error.fieldErrors() : {};
  for (const field of fields) {
    const slot = document.getElementById(`${prefix}${field}-erreur`);
    const input = document.getElementById(`${prefix}${field}`);
    const messages = byField[field] || [];
    if (slot) slot.textContent = messages.join(" ");
    if (input) input.setAttribute("aria-invalid", messages.length ? "true" : "false");
  }
  const unplaced = Object.keys(byField).filter((f) => !fields.includes(f));
  const fallback = document.getElementById(fallbackId);
  if (fallback) fallback.textContent = unplaced.length || !Object.keys(byField).length ? error.message : "";
}
