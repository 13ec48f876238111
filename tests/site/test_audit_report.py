"""`make audit` never reads as a clean result when it could audit nothing."""


from tests.support.paths import ROOT
from tests.support.scripts import load_script

audit = load_script(ROOT / ".ci" / "audit.py")

UNREACHABLE = "Dependency not found on PyPI and could not be audited: flask (3.1.0)"


def test_audit_says_it_could_not_reach_its_database():
    report = {"dependencies": [{"name": "flask", "version": "3.1.0", "skip_reason": UNREACHABLE},
                               {"name": "bleach", "version": "6.4.0",
                                "skip_reason": UNREACHABLE}]}
    lines = audit.summary(report, "requirements.lock")
    assert lines == ["pip-audit could not reach its vulnerability database: none of the 2 "
                     "packages in requirements.lock was audited. This is not a clean result."]
    assert not any("No known vulnerabilities" in line for line in lines)


def test_audit_names_vulnerabilities_and_skipped_packages():
    report = {"dependencies": [
        {"name": "flask", "version": "3.1.0", "vulns": []},
        {"name": "jinja2", "version": "3.1.0",
         "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["3.1.5"]}]},
        {"name": "private-pkg", "version": "1.0", "skip_reason": UNREACHABLE},
    ]}
    assert audit.summary(report, "requirements.lock") == [
        "jinja2 3.1.0: GHSA-xxxx (fixed in 3.1.5)",
        "1 of 3 packages could not be audited: private-pkg",
    ]


def test_audit_clean_only_when_something_was_audited():
    report = {"dependencies": [{"name": "flask", "version": "3.1.0", "vulns": []}]}
    assert audit.summary(report, "requirements.lock") == [
        "No known vulnerabilities in the 1 packages audited."]
