"""A fresh checkout refuses to serve without a SECRET_KEY, says how to set one,
and serves once `init-db` has made one."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT
from tests.support.servers import Server

BIN = Path(sys.executable).parent


@pytest.fixture
def checkout(tmp_path):
    """The tracked files of this repository, as `git clone` would give them."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    target = tmp_path / "checkout"
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    assert not (target / "instance").exists()
    return target


def clean_env(checkout) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env["FLASK_SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{checkout / 'site.sqlite'}"
    return env


@pytest.mark.parametrize("command", [
    [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", "127.0.0.1:0", "app:app"],
    [str(BIN / "flask"), "--app", "app", "run", "--port", "0"],
])
def test_refuses_to_serve_without_secret_key(checkout, command):
    result = subprocess.run(command, cwd=checkout, env=clean_env(checkout), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0
    assert "No SECRET_KEY" in result.stderr
    assert "FLASK_SECRET_KEY" in result.stderr and "init-db" in result.stderr


def test_serves_once_init_db_made_a_key(checkout):
    env = clean_env(checkout)
    subprocess.run([str(BIN / "flask"), "--app", "app", "init-db"], cwd=checkout, env=env,
                   check=True, capture_output=True)
    assert (checkout / "instance" / "secret_key").stat().st_mode & 0o077 == 0
    env["PYTHONPATH"] = str(checkout)
    server = Server(env, cwd=checkout)
    try:
        status, headers, _ = server.request("GET", "/robots.txt")
        assert status == 200 and "Content-Security-Policy" in headers
    finally:
        server.stop()
