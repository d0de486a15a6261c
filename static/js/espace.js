// What the pages behind the login share: the session (GET /api/v1/me), the organization acted
// for, the candidate being helped, a message for the next page, and the requests api.js does
// not make (an answer's status, a raw PDF, a file to download).

import { ApiError, setToken, token } from "./api.js";

const ORGANIZATION_KEY = "tremplin.organisation";
const HELPED_KEY = "tremplin.candidat";
const FLASH_KEY = "tremplin.message";

// ---- Requests ----------------------------------------------------------------------------------

function organizationHeader() {
  const id = sessionStorage.getItem(ORGANIZATION_KEY);
  return id ? { "X-Organization": id } : {};
}

const OFFLINE = "Connexion impossible. Vérifiez votre réseau et réessayez.";

// `{ status, data }`; a problem answer throws an ApiError. `body` is sent as JSON, or as is
// (a File or Blob) with `contentType`. Every POST, with a body or not, has its Idempotency-Key.
export async function request(path, { method = "GET", body, contentType } = {}) {
  const headers = { Accept: "application/json", ...organizationHeader() };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  if (method === "POST") headers["Idempotency-Key"] = crypto.randomUUID();
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = contentType || "application/json";
    init.body = contentType ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError({ detail: OFFLINE });
  }
  const data = response.status === 204 ? null : await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError({ status: response.status, ...data });
  return { status: response.status, data };
}

export async function call(path, options) {
  return (await request(path, options)).data;
}

// Downloads a protected file (the token goes in a header, which a plain link cannot send).
export async function download(path, filename) {
  const headers = { ...organizationHeader() };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  let response;
  try {
    response = await fetch(path, { headers });
  } catch {
    throw new ApiError({ detail: OFFLINE });
  }
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    throw new ApiError({ status: response.status, ...data });
  }
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- Session -----------------------------------------------------------------------------------

// The login page, coming back here afterwards.
export function loginHref(target = location.pathname + location.search) {
  return `/?retour=${encodeURIComponent(target)}`;
}

// A path of this site ("/page.html?x=1"), never another site's address: where a login returns.
export function safeReturn(value) {
  return typeof value === "string" && /^\/(?![/\\])/.test(value) ? value : null;
}

function toLogin() {
  location.replace(loginHref());
  return new Promise(() => {}); // the page is leaving
}

// The signed-in user: `{ me, organization, role, candidate }`. `organization` is the one acted
// for (null for a candidate's account, which has no membership). Without a valid session the
// page goes to the login, unless `required` is false (then `null`).
export async function session({ required = true } = {}) {
  if (!token()) return required ? toLogin() : null;
  let me;
  try {
    me = await call("/api/v1/me");
  } catch (error) {
    if (error.problem?.status === 401) {
      setToken(null);
      return required ? toLogin() : null;
    }
    // The organization kept for this tab is no longer one of the user's: choose again.
    if (!sessionStorage.getItem(ORGANIZATION_KEY)) throw error;
    sessionStorage.removeItem(ORGANIZATION_KEY);
    return session({ required });
  }
  const memberships = me.memberships || [];
  const wanted = me.acting_organization_id || sessionStorage.getItem(ORGANIZATION_KEY);
  const acting = memberships.find((m) => m.organization.id === wanted) || memberships[0] || null;
  // Several memberships: every request names the one acted for (X-Organization).
  if (acting && memberships.length > 1) sessionStorage.setItem(ORGANIZATION_KEY, acting.organization.id);
  return {
    me,
    organization: acting ? acting.organization : null,
    role: acting ? acting.role : null,
    candidate: me.candidate || null,
  };
}

export function isCandidateAccount(current) {
  return !current.organization;
}

export async function signOut() {
  await call("/api/v1/auth/token", { method: "DELETE" }).catch(() => {});
  setToken(null);
  for (const key of [ORGANIZATION_KEY, HELPED_KEY]) sessionStorage.removeItem(key);
}

// ---- The candidate being helped, carried from their page to the search and the application ----

export function helped() {
  try {
    const value = JSON.parse(sessionStorage.getItem(HELPED_KEY) || "null");
    return value && typeof value.id === "string" ? value : null;
  } catch {
    return null;
  }
}

export function setHelped(candidate) {
  if (candidate) {
    const { id, first_name, last_name } = candidate;
    sessionStorage.setItem(HELPED_KEY, JSON.stringify({ id, first_name, last_name }));
  } else sessionStorage.removeItem(HELPED_KEY);
}

// ---- A message shown once by the next page ("Candidature envoyée.") -----------------------------

export function flash(text) {
  sessionStorage.setItem(FLASH_KEY, text);
}

// Shows the message left by the previous page in `slot` (a role="status" element), once.
export function showFlash(slot) {
  const text = sessionStorage.getItem(FLASH_KEY);
  sessionStorage.removeItem(FLASH_KEY);
  if (text && slot) {
    slot.textContent = text;
    slot.hidden = false;
  }
  return Boolean(text);
}
