// The receiving structure's decisions (R-APPLY-5..7): the API sends each application's
// `actions` ({action, label}, from the domain's transitions table); this says where each one is
// posted and which form of candidature.html asks what it needs (none: a button posts it).

import { el } from "./format.js";
import { call } from "./espace.js";

const DECISIONS = {
  process: { path: "process" },
  postpone: { path: "postpone", form: "attente" },
  accept: { path: "accept", form: "accepter" },
  refuse: { path: "refuse", form: "refuser" },
  cancel: { path: "cancel", form: "annuler" },
  add_to_pool: { path: "pool" },
};

// The id of the form (and the anchor in candidature.html) of `action`, or null.
export function decisionForm(action) {
  return DECISIONS[action]?.form ?? null;
}

export function applicationHref(id, anchor) {
  return `/candidature.html?id=${encodeURIComponent(id)}${anchor ? `#${anchor}` : ""}`;
}

// POST /api/v1/applications/{id}/{process|postpone|refuse|accept|cancel|pool}: the answer.
export function decide(id, action, body) {
  return call(`/api/v1/applications/${encodeURIComponent(id)}/${DECISIONS[action].path}`, { method: "POST", body });
}

// The buttons of `actions`, in the API's order: those without a form post at once through
// `onDecide(action)`; the others are made by `withForm(action, form)` (a link or a toggle).
// `describedBy` names the application they act on.
export function decisionButtons(actions, { onDecide, withForm, describedBy }) {
  return (actions || []).filter((a) => DECISIONS[a.action]).map((a) => {
    const form = decisionForm(a.action);
    const control = form
      ? withForm(a, form)
      : el("button", { type: "button", class: "secondary", "data-action": a.action }, a.label);
    if (!form) control.addEventListener("click", () => onDecide(a.action, control));
    if (describedBy) control.setAttribute("aria-describedby", describedBy);
    return el("li", {}, control);
  });
}
