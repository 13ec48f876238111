"""Each actor of ours gets an RSA key pair on first use, the same one ever
after; its private half is sealed in the database (federation/keys.py)."""

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.datastructures import Headers

from dreamweaver import sealed
from dreamweaver.extensions import db
from dreamweaver.federation import keys
from dreamweaver.federation.models import ActorKey
from dreamweaver.federation.signatures import sign, verify


def test_a_pair_is_made_on_first_use_and_kept(app):
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ActorKey)) == 0
        public = keys.public_pem("blog")
        assert public.startswith("-----BEGIN PUBLIC KEY-----")
        assert keys.public_pem("blog") == public
        assert keys.public_pem("author:1") != public
        private = keys.private_key("blog")
        assert isinstance(private, rsa.RSAPrivateKey) and private.key_size == 2048
        headers = Headers(sign("POST", "https://peer.example/inbox", "k", private, body=b"{}"))
        assert verify("POST", "/inbox", headers, b"{}", public) == "k"


def test_the_private_key_is_sealed_at_rest(app):
    with app.app_context():
        keys.public_pem("blog")
        db.session.commit()  # as a task that signs with it would
        stored = db.session.scalar(sa.select(ActorKey.private_sealed))
        assert "PRIVATE KEY" not in stored
        assert b"PRIVATE KEY" in sealed.unseal(keys.PURPOSE, stored)
    app.config["SECRET_KEY"] = "another key altogether"
    with app.app_context(), pytest.raises(sealed.Unsealable):
        keys.private_key("blog")


def test_two_workers_making_one_keep_the_first(app):
    with app.app_context():
        first = keys._make("author:7")
        second = keys._make("author:7")  # as a worker that lost the race
        assert second == first
        count = sa.select(sa.func.count()).where(ActorKey.actor == "author:7")
        assert db.session.scalar(count) == 1


def test_made_while_the_request_reads_an_older_snapshot(app, make):
    make.post("Something to read")
    with app.test_request_context("/"):
        db.session.execute(sa.text("SELECT count(*) FROM posts")).scalar()  # a read began
        made = keys.public_pem("author:9")
        assert made.startswith("-----BEGIN PUBLIC KEY-----")
        db.session.rollback()  # a reader's request never commits: the key was kept anyway
    with app.app_context():
        assert keys.public_pem("author:9") == made
