"""Emailed tokens: signed for one purpose, bound to the state they were issued
for (so a second use fails), expiring on their own."""

import time

import pytest

from dreamweaver import tokens


def test_a_token_gives_back_its_subject_while_the_state_holds(app):
    with app.test_request_context():
        token = tokens.issue("reset", 7, "hash-1")
        assert tokens.redeem("reset", token, 3600, lambda subject: "hash-1") == 7


def test_a_token_is_used_up_once_its_state_moves_on(app):
    with app.test_request_context():
        token = tokens.issue("reset", 7, "hash-1")
        with pytest.raises(tokens.Refused, match="already been used"):
            tokens.redeem("reset", token, 3600, lambda subject: "hash-2")


def test_a_token_is_for_one_purpose_only(app):
    with app.test_request_context():
        token = tokens.issue("invite", 7, "")
        with pytest.raises(tokens.Refused, match="not valid"):
            tokens.redeem("reset", token, 3600, lambda subject: "")


def test_a_token_expires(app):
    with app.test_request_context():
        token = tokens.issue("reset", 7, "s")
        time.sleep(1.1)
        with pytest.raises(tokens.Refused, match="expired"):
            tokens.redeem("reset", token, 0, lambda subject: "s")


@pytest.mark.parametrize("token", ["", "abc", "x" * 5000, "W10.aaaa.bbbb"])
def test_garbage_and_tampering_are_refused(app, token):
    with app.test_request_context():
        good = tokens.issue("reset", 7, "s")
        for candidate in (token, good[:-2] + ("AA" if not good.endswith("AA") else "BB")):
            with pytest.raises(tokens.Refused):
                tokens.redeem("reset", candidate, 3600, lambda subject: "s")


def test_a_token_for_a_subject_that_is_gone_is_refused(app):
    with app.test_request_context():
        token = tokens.issue("reset", 7, "s")
        with pytest.raises(tokens.Refused, match="not valid"):
            tokens.redeem("reset", token, 3600, lambda subject: None)


def test_another_secret_key_makes_every_token_invalid(app):
    with app.test_request_context():
        token = tokens.issue("reset", 7, "s")
        app.config["SECRET_KEY"] = "another"
        with pytest.raises(tokens.Refused, match="not valid"):
            tokens.redeem("reset", token, 3600, lambda subject: "s")
