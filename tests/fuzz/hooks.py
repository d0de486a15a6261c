"""Checks of the fuzz step that Schemathesis does not have (API.md conventions).

- `problem_json_on_errors`: every 4xx/5xx answer is `application/problem+json` with the
  fields of API.md, its `status` equal to the HTTP status.
- `application/pdf` bodies (`POST /api/v1/cvs`): PDFs of random content, and now and then bytes
  that are no PDF (the signature check is one no schema states).
- `before_call`: the applications the fuzzer sends name the candidate, structure, job and CV that
  tests/fuzz/run.py made for them (`TREMPLIN_FUZZ_*`), so that they reach the rules instead of a
  404, and its prolongation requests the authorized organization and member run.py made for
  them; only string values are replaced, so a case stays as valid or invalid as it was generated.
- `only_rules_no_schema_states`: a schema-valid request may still be refused by a rule that no
  JSON Schema can state: one that depends on what is stored (the organization's kind, the
  reference data, the number of results, an idempotency key used before) or a checksum.
  Schemathesis' `positive_data_acceptance` lets 422 through, and 400 on the two searches
  (schemathesis.toml); this check then fails every such answer to schema-valid data except the
  codes and fields listed here, so a schema-valid request is never refused for a constraint the
  document forgot.
- `ast.parse` is serialized: on Python 3.11 (CI's 3.11.7) the AST constructor keeps its
  recursion counter in interpreter-wide state, so two of Schemathesis' worker threads parsing at
  once (Hypothesis describes a strategy's lambdas by parsing their source) can raise
  "SystemError: AST constructor recursion depth mismatch" (CPython gh-106905), which failed a CI
  run; the lock changes nothing that is generated or checked.
"""

import ast
import json
import os
import re
import threading

import schemathesis
from hypothesis import strategies as st

_AST_PARSE_LOCK = threading.RLock()
_unserialized_ast_parse = ast.parse


def _serialized_ast_parse(*args, **kwargs):
    with _AST_PARSE_LOCK:
        return _unserialized_ast_parse(*args, **kwargs)


ast.parse = _serialized_ast_parse

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

# R-PROL-1..3 against the stored PASS and today: its window, its latest, its suspension, the caps
# its granted prolongations reach, and the end the reason allows from its current end.
PROLONGATION = {
    (422, "not_latest_pass"): [],
    (422, "pass_suspended"): [],
    (422, "outside_prolongation_window"): [],
    (422, "prolongation_cap_reached"): [],
    (422, "invalid_prolongation_end"): [r"end_at"],
}

# R-CAND-1..3: the NIR's key and its agreement with the birthdate and the title, and the age on
# today's date.
CANDIDATE = {(422, "validation_failed"): [r"nir", r"birthdate"]}

# Operation → {(status, code) → the `errors` fields it may name (regular expressions)}.
NOT_IN_A_SCHEMA = {
    "PATCH /api/v1/organizations/{id}/authorization": AUTHORIZATION,
    # A SIRET's Luhn key, a `ref` used twice in the batch, a membership naming a `ref` absent
    # from it.
    # A demo candidate's record has its account's e-mail, and R-CAND-1..3 (CANDIDATE).
    "POST /api/v1/admin/accounts": {
        (422, "validation_failed"): [
            r"organizations\[\d+\]\.(siret|ref)",
            r"users\[\d+\]\.memberships\[\d+\]\.organization",
            r"users\[\d+\]\.candidate\.(nir|birthdate|email)",
        ],
        (409, "candidate_has_account"): [],
    },
    "POST /api/v1/candidates": CANDIDATE,
    # The grid and the situation are required from a prescriber, the criteria's threshold depends
    # on a structure's kind (R-ELIG-1, R-ELIG-3): what the acting organization is.
    "POST /api/v1/candidates/{id}/diagnoses": {
        (422, "validation_failed"): [r"grid", r"situation", r"administrative_criteria"],
    },
    # The signature of a PDF, and how many CVs the user holds unattached.
    "POST /api/v1/cvs": {(422, code): [r"body"] for code in ("cv_not_pdf", "too_many_cvs")},
    # What the sender kind requires (consent from prescribers and orienteurs), what is stored (the
    # CV, the structure's flags and active jobs).
    "POST /api/v1/applications": {
        (422, "validation_failed"): [r"diagnosis_shared", r"cv_id"],
        (422, "structure_blocks_applications"): [r"structure_id"],
        (422, "spontaneous_applications_closed"): [r"job_ids"],
        (422, "job_not_open"): [r"job_ids"],
    },
    # Which row shape applies depends on `{dataset}`, and rows name stored candidates, users and
    # organizations, addresses and NIRs held by others, and today's date (CANDIDATE).
    "POST /api/v1/admin/synthetic/{dataset}": {(422, "validation_failed"): [r"rows\[\d+\]\..+"]},
    # R-APPLY-7's hiring dates against today, and R-APPLY-6's comment required with `other`.
    "POST /api/v1/applications/{id}/accept": {
        (422, "validation_failed"): [r"hiring_start_at", r"hiring_end_at"],
    },
    "POST /api/v1/applications/{id}/refuse": {(422, "validation_failed"): [r"comment"]},
    # Whether the structure knows the candidate, the dates against today, what the candidate
    # holds (eligibility, PASS, waiting period).
    "POST /api/v1/hires": {
        (422, "validation_failed"): [r"candidate_id", r"hiring_start_at", r"hiring_end_at"],
        (422, "eligibility_not_valid"): [],
        (422, "hire_after_pass_end"): [],
        (422, "waiting_period"): [],
    },
    "POST /api/v1/structures/{id}/jobs": JOB,
    "PATCH /api/v1/structures/{id}/jobs/{job_id}": JOB,
    "GET /api/v1/structures": SEARCH,
    "GET /api/v1/prescribers": SEARCH,
    # R-STAT-1: which `code` applies depends on `scope` (none for national, an organization's id,
    # a department's or a region's INSEE code), and the period on today (`to` at most the current
    # month, at most 36 months, `from` not after `to`).
    "GET /api/v1/stats": {(400, "invalid_query"): [r"code", r"from", r"to"]},
    # R-SUSP-2/3/6 against the stored PASS, its suspensions and hires and today; the reasons the acting
    # organization's kind and category may give.
    "POST /api/v1/passes/{number}/suspensions": {
        (422, "validation_failed"): [r"reason"],
        (422, "pass_not_in_progress"): [],
        (422, "pass_already_suspended"): [],
        (422, "invalid_suspension_start"): [r"start_at"],
        (422, "invalid_suspension_end"): [r"end_at"],
        (422, "suspension_overlap"): [r"start_at"],
        (422, "suspension_over_hire"): [r"end_at"],
    },
    # R-SUSP-3/5/6 against the stored suspension, the others of its PASS, its hires and today.
    "PATCH /api/v1/suspensions/{id}": {
        (422, "suspension_not_in_progress"): [],
        (422, "invalid_suspension_end"): [r"end_at"],
        (422, "suspension_overlap"): [r"start_at"],
        (422, "suspension_over_hire"): [r"end_at"],
        (422, "invalid_first_day_back"): [r"first_day_back"],
    },
    "DELETE /api/v1/suspensions/{id}": {(422, "suspension_not_in_progress"): []},
    # SENIOR_CDI's age and PASS start (R-PROL-1), and PROLONGATION.
    "POST /api/v1/passes/{number}/prolongations": {
        **PROLONGATION,
        (422, "validation_failed"): [r"reason"],
    },
    # PARTICULAR_DIFFICULTIES by the structure's kind (R-PROL-1), the stored organization and its
    # members (R-PROL-4), and PROLONGATION.
    "POST /api/v1/passes/{number}/prolongation-requests": {
        **PROLONGATION,
        (422, "validation_failed"): [r"reason", r"prescriber_organization_id", r"assigned_to_email"],
    },
}


PDF_BODIES = st.one_of(
    st.binary(max_size=4096).map(lambda content: b"%PDF-1.4\n" + content + b"\n%%EOF\n"),
    st.binary(min_size=1, max_size=64),
)
schemathesis.openapi.media_type("application/pdf", PDF_BODIES)

# Body fields of `POST /api/v1/applications` → the run.py fixture they are replaced with.
SENT_APPLICATION = {
    "structure_id": "TREMPLIN_FUZZ_ACI_ORG",
    "candidate_id": "TREMPLIN_FUZZ_SEND_CANDIDATE",
    "cv_id": "TREMPLIN_FUZZ_SEND_CV",
}


# Body fields of `POST /api/v1/passes/{number}/prolongation-requests` → the run.py fixture.
ASKED_PROLONGATION = {
    "prescriber_organization_id": "TREMPLIN_FUZZ_DECIDER_ORG",
    "assigned_to_email": "TREMPLIN_FUZZ_DECIDER_EMAIL",
}

# Operation → the string body fields to replace with run.py fixtures.
FIXTURE_FIELDS = {
    ("POST", "/api/v1/applications"): SENT_APPLICATION,
    ("POST", "/api/v1/passes/{number}/prolongation-requests"): ASKED_PROLONGATION,
}


@schemathesis.hook
def before_call(context, case, kwargs):
    operation = (case.operation.method.upper(), case.operation.path)
    fields = FIXTURE_FIELDS.get(operation)
    body = case.body
    if fields is None or not isinstance(body, dict):
        return
    for field, variable in fields.items():
        if isinstance(body.get(field), str):
            body[field] = os.environ[variable]
    jobs = body.get("job_ids")
    if operation == ("POST", "/api/v1/applications") and isinstance(jobs, list):
        body["job_ids"] = [os.environ["TREMPLIN_FUZZ_ACI_JOB"] if isinstance(job, str) else job for job in jobs]


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
