"""The fuzz step of `make test`: Schemathesis against the app's own /api/v1/openapi.json.

Serves the app with the bundled host on a free port and a fresh state directory, loads the demo
data, logs the demo accounts in (before fuzzing, so fuzzing the login route and its throttle
cannot lock them out), makes what the apply operations need to get past their 404s (a candidate
with a diagnosis and an application carrying a CV) and what the PASS acts need (suspensions, PASS
within the prolongation window, pending prolongation requests), then runs Schemathesis over every
documented operation with tests/fuzz/schemathesis.toml. Exits with Schemathesis' status. Run from
the repository root after `cargo build -p tremplin-host -p tremplin-load` (the Makefile's `fuzz`
target).
"""

import csv
import datetime
import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Debug builds of the host and the loader (they run the release .wasm components).
BINARIES = ROOT / "target" / "debug"
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
PASSWORD = "tremplin-demo-2026"
# Demo accounts (tools/load/src/demo.rs) whose tokens schemathesis.toml hands to operations.
ACCOUNTS = ("admin", "prescripteur", "orienteur", "aci")
# The demo candidate's account (no membership), with its candidate record.
CANDIDATE = "candidat@demo.tremplin.fr"
# An authorized prescriber organization of the fuzz run alone, and its member, to whom the
# prolongation requests go: the fuzzer changes the demo Mission locale's authorization
# (setOrganizationAuthorization), never this one's.
DECIDER = "fuzz.prolongations@example.fr"
# The eight axes of the diagnosis grid (R-ELIG-2), and a PDF the CV check accepts (R-APPLY-1).
GRID_AXES = ("french_language", "work_capacity", "housing", "rights_access", "mobility", "finances", "justice",
             "availability")
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
# The host compiles every component before it serves: minutes on a loaded 2-core machine.
START_TIMEOUT_SECONDS = 300
SERVER_ERROR = re.compile(r"-> 5\d\d|internal error|panicked")
# The reference data the loader reads (README: `$TREMPLIN_DATA`, else ../shared/data/derived).
DATA = Path(os.environ.get("TREMPLIN_DATA", ROOT.parent / "shared" / "data" / "derived"))
# Cities and national lists of these departments only: Lyon, where the demo organizations are,
# and Marseille, the document's examples. The whole country takes minutes to load; the other
# reference files are small and loaded whole.
DEPARTMENTS = {"69", "13"}
BY_DEPARTMENT = {
    "communes.csv": "department_code",
    "siaes.csv": "department",
    "prescriber_organizations.csv": "department",
}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(url, method="GET", body=None, token=None, pdf=None):
    request = urllib.request.Request(url, method=method)
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("content-type", "application/json")
    if pdf is not None:
        request.data = pdf
        request.add_header("content-type", "application/pdf")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def wait_until_serving(host, log):
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if host.poll() is not None:
            sys.exit(f"the host stopped (status {host.returncode}):\n{log.read_text()}")
        if "Serving" in log.read_text():
            return
        time.sleep(0.1)
    sys.exit(f"the host did not print `Serving` within {START_TIMEOUT_SECONDS} s:\n{log.read_text()}")


def reference_data(folder):
    """A copy of the reference data, cut to `DEPARTMENTS` where it is large."""
    if not DATA.is_dir():
        sys.exit(f"reference data not found in {DATA} (set TREMPLIN_DATA)")
    folder.mkdir()
    for source in DATA.glob("*.csv"):
        column = BY_DEPARTMENT.get(source.name)
        if column is None:
            shutil.copy(source, folder / source.name)
            continue
        with source.open(newline="") as rows, (folder / source.name).open("w", newline="") as kept:
            reader = csv.DictReader(rows)
            writer = csv.DictWriter(kept, reader.fieldnames)
            writer.writeheader()
            writer.writerows(row for row in reader if row[column] in DEPARTMENTS)
    return folder


def nir(sex, birth_year, month, department, serial):
    """A valid NIR (R-CAND-1), like tests/app/src/lib.rs `nir`."""
    body = f"{sex}{birth_year % 100:02}{month:02}{department}{serial // 1000 % 1000:03}{serial % 1000:03}"
    number = int(body.replace("2A", "19").replace("2B", "18"))
    return f"{body}{97 - number % 97:02}"


def candidate(email, serial):
    """A woman born 1990-05-14, as `POST /api/v1/candidates` takes her."""
    return {
        "title": "MME", "first_name": "Léa", "last_name": f"Fuzz{serial}", "birthdate": "1990-05-14",
        "email": email, "nir": nir(2, 1990, 5, "69", serial), "lack_of_france_travail_id_reason": "NOT_REGISTERED",
    }


def hired_pass(url, prescriber, aci, aci_org, aci_job, email, serial):
    """A candidate the Mission locale registers with a diagnosis and sends to the ACI, which hires
    them today: their id and the number of the PASS issued."""
    person = call(f"{url}/api/v1/candidates", "POST", candidate(email, serial), prescriber)
    diagnosis = {"grid": {axis: 2 for axis in GRID_AXES}, "situation": "Sans emploi depuis deux ans."}
    call(f"{url}/api/v1/candidates/{person['id']}/diagnoses", "POST", diagnosis, prescriber)
    sent = call(f"{url}/api/v1/applications", "POST", {"structure_id": aci_org, "candidate_id": person["id"],
                "job_ids": [aci_job], "message": "Disponible tout de suite.", "diagnosis_shared": True}, prescriber)
    today = call(f"{url}/api/v1/health")["today"]
    accepted = call(f"{url}/api/v1/applications/{sent['id']}/accept", "POST", {"hiring_start_at": today}, aci)
    return person["id"], accepted["pass"]["number"]


def apply_fixtures(url, prescriber, aci, aci_org, aci_job):
    """Ids for the apply and decide operations: a candidate the Mission locale knows, with a
    diagnosis and an application to the ACI carrying a CV (getApplication, getApplicationCv, and
    the ACI's decisions on it); a second candidate and an unattached CV for the applications the
    fuzzer sends (hooks.py puts their ids in the bodies); a third one the ACI hired, with the PASS
    it got (getPass, checkPass, listCandidatePasses)."""
    first = call(f"{url}/api/v1/candidates", "POST", candidate("fuzz.premiere@example.fr", 1), prescriber)
    diagnosis = {"grid": {axis: 2 for axis in GRID_AXES}, "situation": "Sans emploi depuis deux ans."}
    call(f"{url}/api/v1/candidates/{first['id']}/diagnoses", "POST", diagnosis, prescriber)
    hired, number = hired_pass(url, prescriber, aci, aci_org, aci_job, "fuzz.embauchee@example.fr", 3)
    cv = call(f"{url}/api/v1/cvs", "POST", token=prescriber, pdf=PDF)
    body = {"structure_id": aci_org, "candidate_id": first["id"], "job_ids": [aci_job],
            "message": "Motivée, disponible tout de suite.", "diagnosis_shared": True, "cv_id": cv["id"]}
    application = call(f"{url}/api/v1/applications", "POST", body, prescriber)
    second = call(f"{url}/api/v1/candidates", "POST", candidate("fuzz.seconde@example.fr", 2), prescriber)
    spare = call(f"{url}/api/v1/cvs", "POST", token=prescriber, pdf=PDF)
    return {
        "TREMPLIN_FUZZ_HIRED_CANDIDATE": hired,
        "TREMPLIN_FUZZ_PASS": number,
        "TREMPLIN_FUZZ_CANDIDATE": first["id"],
        "TREMPLIN_FUZZ_APPLICATION": application["id"],
        "TREMPLIN_FUZZ_SEND_CANDIDATE": second["id"],
        "TREMPLIN_FUZZ_SEND_CV": spare["id"],
    }


def siret(serial):
    """A fictitious SIRET (prefix 99, like the demo accounts') with its Luhn key."""
    for check in range(10):
        digits = f"99{serial:011}{check}"
        total = sum(d if i % 2 == 0 else (2 * d - 9 if d > 4 else 2 * d)
                    for i, d in enumerate(int(c) for c in reversed(digits)))
        if total % 10 == 0:
            return digits
    raise AssertionError("a Luhn key always fits")


def decider(url, admin):
    """The organization prolongation requests go to (`DECIDER`'s), authorized: its id and its
    member's token."""
    organization = {"ref": "decider", "category": "prescriber", "kind": "FT", "siret": siret(90),
                    "name": "France Travail (fuzz)", "authorization_status": "VALIDATED", "is_demo": True}
    user = {"email": DECIDER, "password": PASSWORD, "first_name": "Décideuse", "last_name": "Fuzz",
            "memberships": [{"organization": "decider", "role": "admin"}]}
    call(f"{url}/api/v1/admin/accounts", "POST", {"organizations": [organization], "users": [user]}, admin)
    session = call(f"{url}/api/v1/auth/token", "POST", {"email": DECIDER, "password": PASSWORD})
    me = call(f"{url}/api/v1/me", token=session["token"])
    return me["memberships"][0]["organization"]["id"], session["token"]


def pass_act_fixtures(url, database, pass_number, admin, prescriber, aci, aci_org, aci_job):
    """Ids for the suspend and prolong operations, each on a PASS of its own so that what the
    fuzzer does to one leaves the others as they are: a suspension in progress on the fuzz PASS
    (updateSuspension) and one on another PASS (deleteSuspension, then suspendPass there), both
    declared by the ACI that hired on them; and four PASS of the ACI moved 400 days back in the
    database, so that their end falls within R-PROL-3's window (no endpoint dates a hire in the
    past, as in the bench): one for the fuzzer's prolongations, one for its requests, and three
    with a request pending to the `DECIDER`'s organization, one to grant, one to deny, one for the
    ACI to withdraw."""
    today = datetime.date.fromisoformat(call(f"{url}/api/v1/health")["today"])
    decider_org, decider_token = decider(url, admin)
    to_delete, prolonged, asked, to_grant, to_deny, to_withdraw = (
        hired_pass(url, prescriber, aci, aci_org, aci_job, f"fuzz.pass{i}@example.fr", 4 + i)[1] for i in range(6)
    )
    db = sqlite3.connect(database, timeout=30)
    with db:
        for number in (prolonged, asked, to_grant, to_deny, to_withdraw):
            db.execute("UPDATE passes SET start_at = date(?2, '-400 days'), end_at = date(?2, '+329 days') "
                       "WHERE number = ?1", (number, today.isoformat()))
    db.close()

    def suspend(number):
        body = {"start_at": today.isoformat(), "end_at": (today + datetime.timedelta(days=30)).isoformat(),
                "reason": "CONTRACT_SUSPENDED", "explanation": "Arrêt de travail."}
        return call(f"{url}/api/v1/passes/{number}/suspensions", "POST", body, aci)["id"]

    def request(number):
        body = {"reason": "SENIOR", "end_at": (today + datetime.timedelta(days=329 + 180)).isoformat(),
                "explanation": "Accompagnement à poursuivre.", "prescriber_organization_id": decider_org,
                "assigned_to_email": DECIDER}
        return call(f"{url}/api/v1/passes/{number}/prolongation-requests", "POST", body, aci)["id"]

    return {
        "TREMPLIN_FUZZ_SUSPENSION": suspend(pass_number),
        "TREMPLIN_FUZZ_SUSPENDED_PASS": to_delete,
        "TREMPLIN_FUZZ_DELETED_SUSPENSION": suspend(to_delete),
        "TREMPLIN_FUZZ_PROLONGED_PASS": prolonged,
        "TREMPLIN_FUZZ_ASKED_PASS": asked,
        "TREMPLIN_FUZZ_GRANTED_REQUEST": request(to_grant),
        "TREMPLIN_FUZZ_DENIED_REQUEST": request(to_deny),
        "TREMPLIN_FUZZ_WITHDRAWN_REQUEST": request(to_withdraw),
        "TREMPLIN_FUZZ_DECIDER_ORG": decider_org,
        "TREMPLIN_FUZZ_DECIDER_EMAIL": DECIDER,
        "TREMPLIN_FUZZ_DECIDER_TOKEN": decider_token,
    }


def fixtures(url, database):
    """Tokens and ids for schemathesis.toml, as TREMPLIN_FUZZ_* variables."""
    env = {}
    people = {}
    for name in ACCOUNTS:
        session = call(f"{url}/api/v1/auth/token", "POST", {"email": f"{name}@demo.tremplin.fr", "password": PASSWORD})
        me = call(f"{url}/api/v1/me", token=session["token"])
        people[name] = (session["token"], me["user"]["id"], me["memberships"][0]["organization"]["id"])
    token = lambda name: people[name][0]
    env["TREMPLIN_FUZZ_ADMIN_TOKEN"] = token("admin")
    env["TREMPLIN_FUZZ_PRESCRIBER_TOKEN"] = token("prescripteur")
    env["TREMPLIN_FUZZ_ORIENTEUR_TOKEN"] = token("orienteur")
    env["TREMPLIN_FUZZ_ACI_TOKEN"] = token("aci")
    env["TREMPLIN_FUZZ_ORIENTEUR_USER"] = people["orienteur"][1]
    env["TREMPLIN_FUZZ_ML_ORG"] = people["prescripteur"][2]
    env["TREMPLIN_FUZZ_ACI_ORG"] = people["aci"][2]
    # The orienteur asks to join the Mission locale: the member operations then have a target.
    call(f"{url}/api/v1/organizations/{people['prescripteur'][2]}/members", "POST", {}, token("orienteur"))
    # A job description of the ACI for `updateJob` (appellation 11573, from the reference data).
    job = {"appellation_code": "11573", "contract_type": "FIXED_TERM_I"}
    card = call(f"{url}/api/v1/structures/{people['aci'][2]}/jobs", "POST", job, token("aci"))
    env["TREMPLIN_FUZZ_ACI_JOB"] = card["jobs"][0]["id"]
    logout = call(f"{url}/api/v1/auth/token", "POST", {"email": "ei@demo.tremplin.fr", "password": PASSWORD})
    env["TREMPLIN_FUZZ_LOGOUT_TOKEN"] = logout["token"]
    env.update(apply_fixtures(url, token("prescripteur"), token("aci"), people["aci"][2], env["TREMPLIN_FUZZ_ACI_JOB"]))
    env.update(pass_act_fixtures(url, database, env["TREMPLIN_FUZZ_PASS"], token("admin"), token("prescripteur"),
                                 token("aci"), people["aci"][2], env["TREMPLIN_FUZZ_ACI_JOB"]))
    # The demo candidate's own account (no membership): the candidate's side of the apply operations.
    session = call(f"{url}/api/v1/auth/token", "POST", {"email": CANDIDATE, "password": PASSWORD})
    env["TREMPLIN_FUZZ_CANDIDATE_TOKEN"] = session["token"]
    return env


def main():
    state = Path(tempfile.mkdtemp(prefix="tremplin-fuzz-"))
    bootstrap, delivery = secrets.token_hex(24), secrets.token_hex(24)
    address = f"127.0.0.1:{free_port()}"
    url = f"http://{address}"
    log = state / "host.log"
    env = dict(
        os.environ,
        SPIN_VARIABLE_BOOTSTRAP_TOKEN=bootstrap,
        SPIN_VARIABLE_DELIVERY_TOKEN=delivery,
        SPIN_VARIABLE_DEMO_DATA="true",
    )
    with log.open("w") as output:
        host = subprocess.Popen(
            [BINARIES / "tremplin-host", "--manifest", ROOT / "spin.toml", "--listen", address, "--state-dir", state / "spin"],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        wait_until_serving(host, log)
        started = time.monotonic()
        subprocess.run(
            [BINARIES / "tremplin-load", "--url", url, "--demo", "--data", reference_data(state / "data")],
            env=dict(env, TREMPLIN_BOOTSTRAP_TOKEN=bootstrap),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"fuzz: demo data loaded in {time.monotonic() - started:.0f} s", flush=True)
        env.update(fixtures(url, state / "spin" / "sqlite_db.db"))
        env["TREMPLIN_FUZZ_BOOTSTRAP_TOKEN"] = bootstrap
        env["TREMPLIN_FUZZ_DELIVERY_TOKEN"] = delivery
        fuzz = subprocess.run(
            [
                SCHEMATHESIS,
                "--config-file",
                ROOT / "tests" / "fuzz" / "schemathesis.toml",
                "run",
                f"{url}/api/v1/openapi.json",
                "--no-color",
                *sys.argv[1:],
            ],
            cwd=ROOT,
            env=env,
        )
        if fuzz.returncode != 0:
            # The components log every refused request; a failure needs only their 5xx and panics.
            for stderr in sorted((state / "spin" / "logs").glob("*_stderr.txt")):
                errors = [line for line in stderr.read_text().splitlines() if SERVER_ERROR.search(line)]
                if errors:
                    print(f"--- {stderr.name}", *errors[-40:], sep="\n")
        return fuzz.returncode
    finally:
        host.terminate()
        host.wait(timeout=30)
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
