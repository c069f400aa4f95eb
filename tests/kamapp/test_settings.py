import os
import subprocess
import sys

from django.conf import settings

from kamapp.settings import mailer_from_url


def test_production_settings_pass_check_deploy():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DJANGO_SETTINGS_MODULE": "kamapp.settings.production",
        "SECRET_KEY": "x7" * 30 + "-not-a-real-secret-but-long-and-random-enough",
        "ALLOWED_HOSTS": "kam.example.com",
        "EMAIL_URL": "smtp://mailer:s3cret@smtp.example.com:587?tls=1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_missing_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "kamapp.settings.production"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "SECRET_KEY must be set" in result.stderr


def test_email_url_becomes_a_mailer():
    mailer = mailer_from_url("smtp://me%40x.com:p%2Fw@smtp.example.com:465?ssl=1")
    assert mailer["BACKEND"].endswith("smtp.EmailBackend")
    assert mailer["OPTIONS"] | {} == {
        "host": "smtp.example.com",
        "port": 465,
        "username": "me@x.com",
        "password": "p/w",
        "use_tls": False,
        "use_ssl": True,
        "timeout": 20,
    }


def test_argon2_hashes_passwords_outside_tests():
    from kamapp.settings import PASSWORD_HASHERS

    assert PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
