"""Where the embedded development services listen: the defaults of `DATABASE_URL` and
`REDIS_URL`. Constants only, so the settings can read them without the dev tooling
(`kamapp.devservices`, which starts and stops these servers)."""

import os

PG_PORT = int(os.environ.get("KAMAPP_PG_PORT", "54329"))
REDIS_PORT = int(os.environ.get("KAMAPP_REDIS_PORT", "63799"))
APP_ROLE = "kamapp"
DATABASE_URL = f"postgres://{APP_ROLE}:{APP_ROLE}@127.0.0.1:{PG_PORT}/{APP_ROLE}"
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
