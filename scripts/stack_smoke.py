"""The production topology, for real, on this machine: `make stack` (scripts/stack-smoke).

PostgreSQL (its own database), Redis (its own db numbers), an S3-compatible server (moto), gunicorn
with two web processes, two Celery workers, one beat scheduler holding the beat lock and a second
one standing by. Then, over HTTP on 127.0.0.1 only:

1. a citizen submits a dossier through the wizard (files go to the bucket) and downloads a file back;
2. the receptionist receives it; a worker delivers the notifications (e-mail files appear, rows 'sent');
3. a worker is SIGKILLed in the middle of a slow task: the other worker finishes it;
4. the beat standby takes over when the holder stops.

Every process is started in its own process group and stopped on exit (also on failure or
Ctrl-C); every wait has a timeout. Prints PASS/FAIL per check and exits 1 on any failure.
Environment: STACK_DB (dvc_stack), STACK_REDIS_DB (7: broker, +1: results, cache, lock),
STACK_KEEP=1 keeps the temporary folder (logs) for reading.
"""

from __future__ import annotations

import atexit
import contextlib
import html.parser
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
PG = "postgres://postgres@127.0.0.1:5432"
DB = os.environ.get("STACK_DB", "dvc_stack")
REDIS_DB = int(os.environ.get("STACK_REDIS_DB", "7"))
BROKER = f"redis://127.0.0.1:6379/{REDIS_DB}"
RESULTS = f"redis://127.0.0.1:6379/{REDIS_DB + 1}"
PASSWORD = "Demo@2026"  # the demo accounts' documented password
VISIBILITY_TIMEOUT = 12  # seconds: a killed worker's task is back in the queue after this
BEAT_LOCK_TTL = 6

results: list[tuple[str, bool, str]] = []
processes: dict[str, subprocess.Popen] = {}
WORK = Path(tempfile.mkdtemp(prefix="dvc-stack-"))


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def check(name: str, ok: bool, detail: str = "") -> bool:
    results.append((name, ok, detail))
    log(f"{'PASS' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")
    return ok


class Failed(Exception):
    pass


def require(name: str, ok: bool, detail: str = "") -> None:
    if not check(name, ok, detail):
        raise Failed(name)


def wait_for(what: str, predicate, *, timeout: float, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # a service still starting
            last_error = exc
        time.sleep(interval)
    raise Failed(f"timed out after {timeout:.0f} s waiting for {what}" + (f" ({last_error!r})" if last_error else ""))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Processes ----------------------------------------------------------------------------------


def start(name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
    logfile = open(WORK / f"{name}.log", "wb")  # noqa: SIM115 — closed with the process
    process = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
    )
    processes[name] = process
    log(f"started {name} (pid {process.pid})")
    return process


def stop(name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    process = processes.pop(name, None)
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def stop_all() -> None:
    for name in list(processes):
        stop(name)
    if os.environ.get("STACK_KEEP"):
        log(f"logs kept in {WORK}")
    else:
        shutil.rmtree(WORK, ignore_errors=True)


def logtext(name: str) -> str:
    path = WORK / f"{name}.log"
    return path.read_text(errors="replace") if path.exists() else ""


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise Failed(f"manage.py {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    return done.stdout


def psql(sql: str, database: str = DB) -> str:
    done = subprocess.run(
        ["psql", f"{PG}/{database}", "-tAc", sql], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip()


# --- HTML forms -----------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    fields: list[dict] = field(default_factory=list)


class _Forms(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._select: dict | None = None
        self._textarea: dict | None = None
        self._option: dict | None = None
        self._option_text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(action=a.get("action", "")))
        elif not self.forms:
            return
        elif tag == "input":
            self.forms[-1].fields.append({"tag": "input", **a, "type": a.get("type", "text")})
        elif tag == "button":
            self.forms[-1].fields.append({"tag": "button", **a, "type": a.get("type", "submit")})
        elif tag == "select":
            self._select = {"tag": "select", **a, "options": [], "selected": None}
            self.forms[-1].fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = a  # without a value attribute, the option's text is its value
            self._option_text = ""
        elif tag == "textarea":
            self._textarea = {"tag": "textarea", **a, "value": ""}
            self.forms[-1].fields.append(self._textarea)

    def handle_endtag(self, tag):
        if tag == "option" and self._select is not None and self._option is not None:
            value = self._option.get("value", self._option_text.strip())
            self._select["options"].append(value)
            if "selected" in self._option:
                self._select["selected"] = value
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._option is not None:
            self._option_text += data
        if self._textarea is not None:
            self._textarea["value"] += data


def forms_of(page: str) -> list[Form]:
    parser = _Forms()
    parser.feed(page)
    return parser.forms


def form_data(form: Form, overrides: dict[str, str]) -> dict[str, str]:
    """What a browser would send, empty required fields filled with plausible values."""
    data: dict[str, str] = {}
    for f in form.fields:
        name = f.get("name")
        kind = f.get("type", "")
        if not name or kind in ("submit", "button", "file", "image", "reset"):
            continue
        if kind in ("checkbox", "radio"):
            if "checked" in f or (kind == "radio" and name not in data):  # a radio group: the first choice
                data[name] = f.get("value", "on")
            continue
        if f["tag"] == "select":
            options = [o for o in f["options"] if o]
            value = f["selected"] or (options[0] if options else "")  # "—" (empty) selected: the first choice
        else:
            value = f.get("value", "")
        if not value and "required" in f:
            if re.search(r"cccd|dinh_danh|id_number|cmnd", name):
                value = "074090001234"
            else:
                value = {"date": "2026-11-20", "number": "1", "tel": "0912345678", "email": "an@example.vn"}.get(
                    kind, "Theo hồ sơ đính kèm"
                )
        data[name] = value
    data.update(overrides)
    return data


def login(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    page.raise_for_status()
    form = next(f for f in forms_of(page.text) if any(x.get("name") == "password" for x in f.fields))
    response = session.post(
        f"{base}/accounts/login/",
        data=form_data(form, {"login": email, "password": PASSWORD}),
        timeout=30,
        allow_redirects=False,
    )
    require(f"login {email}", response.status_code == 302, f"HTTP {response.status_code}")
    return session


def post_form(
    session: requests.Session,
    url: str,
    page: str,
    *,
    action_contains: str = "",
    field: str = "",
    hidden_ok: bool = False,
    overrides,
    files=None,
):
    """Submit the page's form whose action contains ``action_contains`` and that has a visible ``field``
    (a button: the language switch's hidden ``next`` does not count)."""
    form = next(
        (
            f
            for f in forms_of(page)
            if action_contains in (f.action or url)
            and (
                not field or any(x.get("name") == field and (hidden_ok or x.get("type") != "hidden") for x in f.fields)
            )
        ),
        None,
    )
    if form is None:
        raise Failed(f"no form (action ~ {action_contains!r}, field {field!r}) on {url}")
    target = urljoin(url, form.action) if form.action else url
    return session.post(target, data=form_data(form, overrides), files=files, timeout=60, allow_redirects=False)


# --- The journey (adjust here when the pages change) ----------------------------------------------

PROCEDURE = "1.001193"  # Đăng ký khai sinh, demo catalogue, online submission


def journey(base: str) -> dict:
    """Citizen submits a dossier through the wizard; the receptionist receives it. HTTP only.

    Returns {"public_id", "code", "document_url", "pdf"}. The URLs and field names are the pages'
    (portal/submission/, onestop/backoffice/): if a page changes, this is the function to adapt.
    """
    from portal.demo.files import minimal_pdf

    citizen = login(base, "congdan@demo.vn")
    start_page = f"{base}/nop-ho-so/{PROCEDURE}/"
    response = post_form(
        citizen, start_page, citizen.get(start_page, timeout=30).text, field="token", hidden_ok=True, overrides={}
    )
    require("citizen starts a draft", response.status_code == 302, f"HTTP {response.status_code}")
    step_url = urljoin(start_page, response.headers["Location"])
    public_id = re.search(r"/ho-so/([0-9a-f-]{36})/", step_url).group(1)
    pdf = minimal_pdf("Stack smoke")
    for step in ("applicant", "form", "documents", "delivery", "review"):
        url = f"{base}/ho-so/{public_id}/buoc/{step}/"
        page = citizen.get(url, timeout=30)
        page.raise_for_status()
        if page.url != url:
            raise Failed(f"wizard step {step}: sent to {page.url}")
        files = None
        overrides: dict[str, str] = {"next": "1"}
        if step == "documents":
            names = [f["name"] for form in forms_of(page.text) for f in form.fields if f.get("type") == "file"]
            files = [(name, (f"{name}.pdf", pdf, "application/pdf")) for name in names]
        elif step == "delivery":
            overrides["delivery_method"] = "online"
        elif step == "review":
            overrides = {"declaration": "on", "submit": "1"}
        button = "submit" if step == "review" else "next"
        response = post_form(citizen, url, page.text, field=button, overrides=overrides, files=files)
        if response.status_code != 302:
            errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]{3,200})', response.text)
            raise Failed(f"wizard step {step}: HTTP {response.status_code} {errors[:5]}")
        if response.headers["Location"].rstrip("/").endswith(step):
            errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]{3,200})', citizen.get(url, timeout=30).text)
            raise Failed(f"wizard step {step} stays: {errors[:5]}")
    require("citizen submits the dossier", "/da-nop/" in response.headers["Location"], response.headers["Location"])
    code = psql(f"SELECT code FROM onestop_dossier WHERE public_id = '{public_id}'")
    require("the dossier has a code", bool(code), code)

    # The citizen downloads a document back: it went to the bucket, it comes back through the view.
    detail = citizen.get(f"{base}/ho-so/{public_id}/", timeout=30).text
    document_url = urljoin(base, re.search(rf'href="(/ho-so/{public_id}/tai-lieu/\d+/)[^"]*"', detail).group(1))
    download = citizen.get(document_url, timeout=30)
    check("the citizen downloads the file back (from S3)", download.content == pdf, f"HTTP {download.status_code}")

    staff = login(base, "tiepnhan@demo.vn")
    url = f"{base}/mot-cua/ho-so/{public_id}/"
    page = staff.get(url, timeout=30)
    require("receptionist opens the dossier", page.status_code == 200, f"HTTP {page.status_code}")
    # The page folds each action; its link (?hanh-dong=receive, the no-JavaScript path) opens the form.
    link = re.search(r'href="([^"#]*\?hanh-dong=receive)(?:#[^"]*)?"', page.text)
    require("the dossier page offers to receive it", link is not None, "no link to the receive form")
    opened_url = urljoin(url, link.group(1).replace("&amp;", "&"))
    opened = staff.get(opened_url, timeout=30)
    response = post_form(
        staff, opened_url, opened.text, action_contains="/thao-tac/receive/", overrides={"confirm": "on"}
    )
    require("receptionist receives it", response.status_code == 302, f"HTTP {response.status_code}")
    status = psql(f"SELECT status FROM onestop_dossier WHERE public_id = '{public_id}'")
    require("the dossier is received", status == "received", status)
    stranger = login(base, "congdan2@demo.vn").get(document_url, timeout=30)
    check("another citizen gets 404 for the file", stranger.status_code == 404, f"HTTP {stranger.status_code}")
    return {"public_id": public_id, "code": code, "document_url": document_url}


# --- The stack --------------------------------------------------------------------------------------


def main() -> int:
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    for name, argv in {
        "PostgreSQL": ["pg_isready", "-h", "127.0.0.1", "-p", "5432"],
        "Redis": ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"],
    }.items():
        ok = subprocess.run(argv, capture_output=True, timeout=10).returncode == 0
        require(f"{name} answers on 127.0.0.1", ok)

    import redis

    for url in (BROKER, RESULTS):
        redis.Redis.from_url(url).flushdb()
    psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", "postgres")
    psql(f"CREATE DATABASE {DB}", "postgres")

    s3_port, web_port = free_port(), free_port()
    start("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)], dict(os.environ))
    endpoint = f"http://127.0.0.1:{s3_port}"
    wait_for("the S3 server", lambda: requests.get(endpoint, timeout=2).status_code < 500, timeout=60)
    import boto3

    s3 = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="stack", aws_secret_access_key="stack", region_name="us-east-1"
    )
    s3.create_bucket(Bucket="dvc-stack")

    mail = WORK / "mail"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_", "S3_", "EMAIL_"))},
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "STATIC_MANIFEST": "false",
        "REQUIRE_STAFF_MFA": "false",
        "SITE_URL": f"http://127.0.0.1:{web_port}",
        "DATABASE_URL": f"{PG}/{DB}",
        "DATABASE_REPLICA_URL": f"{PG}/{DB}",  # the same database standing in for a replica
        "CACHE_URL": f"{RESULTS}",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": RESULTS,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_RESTORE_INTERVAL": "3",
        "BEAT_LOCK_URL": RESULTS,
        "BEAT_LOCK_KEY": "dvc-stack:beat-lock",
        "BEAT_LOCK_TTL": str(BEAT_LOCK_TTL),
        "S3_BUCKET": "dvc-stack",
        "S3_ENDPOINT_URL": endpoint,
        "S3_ACCESS_KEY_ID": "stack",
        "S3_SECRET_ACCESS_KEY": "stack",
        "EMAIL_URL": f"filemail:///{mail}",  # django-environ drops one leading slash
        "PRIVATE_MEDIA_ROOT": str(WORK / "private-unused"),
        "STATIC_ROOT": str(WORK / "static"),
        "LOG_LEVEL": "INFO",
    }
    (WORK / "static").mkdir()
    t0 = time.monotonic()
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "seed_demo", "--without-dossiers")
    log(f"database migrated and seeded in {time.monotonic() - t0:.0f} s")

    base = f"http://127.0.0.1:{web_port}"
    start(
        "web",
        [
            str(BIN / "gunicorn"),
            "portal.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{web_port}",
            "--timeout",
            "60",
            "--control-socket",
            str(WORK / "gunicorn.ctl"),
        ],
        env,
    )
    celery = [str(BIN / "celery"), "-A", "portal"]
    for n in (1, 2):
        start(
            f"worker{n}",
            [*celery, "worker", "-n", f"w{n}@%h", "--concurrency", "1", "--loglevel", "INFO", "--without-gossip"],
            env,
        )
    start("beat1", [*celery, "beat", "--loglevel", "INFO", "--schedule", str(WORK / "beat1-schedule")], env)
    health = wait_for("/healthz", lambda: requests.get(f"{base}/healthz", timeout=5), timeout=90)
    check("gunicorn answers /healthz", health.status_code == 200, health.text[:200])
    gunicorn_workers = subprocess.run(
        ["pgrep", "-P", str(processes["web"].pid)], capture_output=True, text=True
    ).stdout.split()
    check("gunicorn runs two web processes", len(gunicorn_workers) == 2, f"{len(gunicorn_workers)} worker pids")
    for n in (1, 2):
        wait_for(f"worker{n} ready", lambda n=n: " ready." in logtext(f"worker{n}"), timeout=90)
    check("two Celery workers are ready", True)
    wait_for("beat1 holds the lock", lambda: "acquired" in logtext("beat1"), timeout=60)
    start("beat2", [*celery, "beat", "--loglevel", "INFO", "--schedule", str(WORK / "beat2-schedule")], env)
    wait_for("beat2 to stand by", lambda: "standing by" in logtext("beat2"), timeout=60)
    time.sleep(BEAT_LOCK_TTL)  # several renewals later…
    check(
        "a second beat stands by while the first holds the lock",
        "acquired" not in logtext("beat2") and processes["beat2"].poll() is None,
        "beat2: " + next(line for line in logtext("beat2").splitlines() if "standing by" in line).strip()[-120:],
    )

    # 1-2. The journey, then the notifications delivered by the workers.
    dossier = journey(base)
    code = dossier["code"]

    def delivered():
        rows = psql(
            "SELECT n.status, count(*) FROM onestop_notification n JOIN onestop_dossier d ON d.id = n.dossier_id "
            f"WHERE d.code = '{code}' AND n.channel = 'email' GROUP BY n.status ORDER BY n.status"
        )
        files = [p for p in mail.glob("*.log") if code in p.read_text(errors="replace")] if mail.exists() else []
        return (rows, files) if rows and "queued" not in rows and len(files) >= 2 else None

    rows, files = wait_for("the e-mails of the dossier", delivered, timeout=60)
    check(
        "a worker delivered the citizen's e-mails",
        "sent" in rows and "failed" not in rows,
        f"{rows!r}, {len(files)} files",
    )
    by = sorted(
        {
            m
            for n in (1, 2)
            for m in re.findall(r"onestop\.deliver_notification\[[^\]]+\] succeeded", logtext(f"worker{n}"))
        }
    )
    check("delivery ran in the Celery workers", bool(by))

    # 3. Kill a worker in the middle of a slow task: nothing is lost.
    from celery import Celery

    client = Celery(broker=BROKER, backend=RESULTS)
    token = uuid.uuid4().hex
    probe = client.send_task("portal.probe", args=[token, 8.0])
    started = wait_for("the probe to start", lambda: probe.state == "STARTED" and probe.info, timeout=30)
    victim = started["hostname"]
    victim_name = "worker1" if victim.startswith("w1@") else "worker2"
    survivor_name = "worker2" if victim_name == "worker1" else "worker1"
    time.sleep(1)
    log(f"SIGKILL {victim_name} ({victim}) while it runs the probe")
    stop(victim_name, signal.SIGKILL)
    t_kill = time.monotonic()
    outcome = wait_for("the probe to finish elsewhere", lambda: probe.state == "SUCCESS" and probe.result, timeout=60)
    check(
        "the task of the killed worker is finished by the other one",
        outcome["token"] == token and outcome["hostname"] != victim and outcome["redelivered"],
        f"started on {victim}, finished on {outcome['hostname']} {time.monotonic() - t_kill:.0f} s after the kill"
        f" (visibility timeout {VISIBILITY_TIMEOUT} s)",
    )
    check("the surviving worker is still alive", processes[survivor_name].poll() is None)

    # 4. Beat fail-over: the holder stops, the standby takes over within one TTL.
    stop("beat1")
    wait_for("beat2 to take over", lambda: "acquired" in logtext("beat2"), timeout=BEAT_LOCK_TTL * 3)
    check("the standby beat takes over when the holder stops", "released" in logtext("beat1"))

    # The read replica (optional): the catalogue reads through it (here the same database).
    catalogue = requests.get(f"{base}/thu-tuc/?q=khai+sinh", timeout=30)
    check(
        "the catalogue page answers (read replica routing)",
        catalogue.status_code == 200 and "khai sinh" in catalogue.text.lower(),
    )
    return 0


if __name__ == "__main__":
    t_start = time.monotonic()
    try:
        status = main()
    except Failed as exc:
        check("stack smoke", False, str(exc))
        status = 1
    except Exception as exc:  # anything unexpected is a failure, with its reason
        import traceback

        traceback.print_exc()
        check("stack smoke", False, repr(exc))
        status = 1
    if status and os.environ.get("STACK_SHOW_LOGS", "1") == "1":
        for name in ("web", "worker1", "worker2", "beat1", "beat2"):
            print(f"----- {name} (last lines)\n" + "\n".join(logtext(name).splitlines()[-25:]))
    stop_all()
    failed = [name for name, ok, _ in results if not ok]
    elapsed = time.monotonic() - t_start
    print(f"\n== stack smoke: {len(results) - len(failed)} passed, {len(failed)} failed in {elapsed:.0f} s")
    print("RESULT: " + ("FAIL (" + "; ".join(failed) + ")" if failed or status else "PASS"))
    sys.exit(1 if failed or status else 0)
