"""Checks of the fuzz step that Schemathesis does not have (API.md conventions).

- `problem_json_on_errors`: every 4xx/5xx answer is `application/problem+json` with the
  fields of API.md, its `status` equal to the HTTP status.
- `only_rules_no_schema_states`: a schema-valid request may still be refused by a rule that no
  JSON Schema can state: one that depends on what is stored (the organization's kind, the
  reference data, the number of results, an idempotency key used before) or a checksum.
  Schemathesis' `positive_data_acceptance` lets 422 through, and 400 on the two searches
  (schemathesis.toml); this check then fails every such answer to schema-valid data except the
  codes and fields listed here, so a schema-valid request is never refused for a constraint the
  document forgot.
"""

import json
import re

import schemathesis

PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8"
PROBLEM_FIELDS = ("type", "title", "status", "detail", "code", "errors")

# Any POST: a key used before with another request of the run (API.md).
ANY_POST = {(422, "idempotency_key_reused"): []}

# R-ORG-4: which statuses and whether `valid_until` applies depend on the stored organization's
# category and kind (OTHER, OHPD), and on today.
AUTHORIZATION = {
    (422, code): [r"status|valid_until"]
    for code in (
        "authorization_not_applicable",
        "orienteur_not_required",
        "orienteur_cannot_be_authorized",
        "authorization_required",
        "valid_until_required",
        "valid_until_not_applicable",
        "valid_until_in_past",
        "valid_until_too_far",
    )
}

# A job names an appellation and a city of the imported reference data, and a structure has at
# most 100 active jobs.
JOB = {
    (422, "validation_failed"): [r"appellation_code|location_insee"],
    (422, "too_many_active_jobs"): [r"is_active"],
}

# R-DIR-1: a page after the last one depends on how many results there are.
SEARCH = {(400, "invalid_query"): [r"page"]}

# Operation → {(status, code) → the `errors` fields it may name (regular expressions)}.
NOT_IN_A_SCHEMA = {
    "PATCH /api/v1/organizations/{id}/authorization": AUTHORIZATION,
    # A SIRET's Luhn key, a `ref` used twice in the batch, a membership naming a `ref` absent
    # from it.
    "POST /api/v1/admin/accounts": {
        (422, "validation_failed"): [
            r"organizations\[\d+\]\.(siret|ref)",
            r"users\[\d+\]\.memberships\[\d+\]\.organization",
        ]
    },
    "POST /api/v1/structures/{id}/jobs": JOB,
    "PATCH /api/v1/structures/{id}/jobs/{job_id}": JOB,
    "GET /api/v1/structures": SEARCH,
    "GET /api/v1/prescribers": SEARCH,
}


@schemathesis.check
def problem_json_on_errors(ctx, response, case):
    if response.status_code < 400:
        return None
    content_type = ", ".join(response.headers.get("content-type", []))
    if content_type != PROBLEM_CONTENT_TYPE:
        raise AssertionError(
            f"{response.status_code} answered as `{content_type}`, not `{PROBLEM_CONTENT_TYPE}`"
        )
    try:
        problem = json.loads(response.content)
    except ValueError as error:
        raise AssertionError(f"the problem is not JSON: {error}") from None
    missing = [field for field in PROBLEM_FIELDS if field not in problem]
    if missing:
        raise AssertionError(f"problem without {', '.join(missing)}: {problem}")
    if problem["status"] != response.status_code:
        raise AssertionError(f"problem status {problem['status']} on a {response.status_code}")
    if not isinstance(problem["errors"], dict):
        raise AssertionError(f"problem `errors` is not an object: {problem}")
    return None


@schemathesis.check
def only_rules_no_schema_states(ctx, response, case):
    meta = case.meta
    if response.status_code not in (400, 422) or meta is None or not meta.generation.mode.is_positive:
        return None
    method = case.operation.method.upper()
    allowed = dict(NOT_IN_A_SCHEMA.get(f"{method} {case.operation.path}", {}))
    if method == "POST":
        allowed.update(ANY_POST)
    problem = json.loads(response.content)
    fields = allowed.get((response.status_code, problem.get("code")))
    named = problem.get("errors", {}).keys()
    if fields is None or not all(any(re.fullmatch(f, name) for f in fields) for name in named):
        raise AssertionError(
            f"a schema-valid request was refused with {response.status_code} for a constraint the document does not "
            f"state: {response.content.decode(errors='replace')}"
        )
    return None
