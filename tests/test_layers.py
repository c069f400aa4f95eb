"""The architecture contract: apps are layered reviews -> rpm -> accounts -> kamapp, and no app
has an import loop. Imports are checked by import-linter (`[tool.importlinter]` in
pyproject.toml); templates, which import-linter cannot see, by the walk below."""

import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

LAYERS = ["dashboards", "reviews", "rpm", "accounts", "kamapp"]  # each may use the ones after it
URL_TAG = re.compile(r"""\{%\s*url\s+['"]([^'"]+)['"]\s""")  # a literal name, no filter
TEMPLATE_TAG = re.compile(r"""\{%\s*(?:include|extends)\s+['"](\w+)/""")


def test_imports_keep_the_contracts():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _app_of_url_names(patterns) -> dict[str, str]:
    apps = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            apps |= _app_of_url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            apps[pattern.name] = pattern.lookup_str.split(".")[0]
    return apps


def test_an_apps_templates_use_only_its_own_and_lower_apps():
    """An app's templates link to routes and include templates of its own app and the apps
    below it: a page that another app extends takes registrations (see accounts.views.tabs)."""
    url_app = _app_of_url_names(get_resolver().url_patterns)
    # The tenant home, /o/<slug>/, is the accounts app's portfolio: the core app's sign-in and
    # tenant switch land there by its name.
    url_app["dashboard"] = "kamapp"
    wrong = []
    for app in LAYERS:
        above = LAYERS[: LAYERS.index(app)]
        for path in sorted((settings.BASE_DIR / "templates" / app).rglob("*.html")):
            text = path.read_text()
            used = [url_app[name] for name in URL_TAG.findall(text)] + TEMPLATE_TAG.findall(text)
            wrong += [f"{path.name} uses {other}" for other in used if other in above]
    assert wrong == []
