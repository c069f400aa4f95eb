"""The architecture contract in pyproject.toml (`[tool.importlinter]`): apps are layered
reviews -> rpm -> accounts -> kamapp, and no app has an import loop. A wrong import fails here."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings


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
