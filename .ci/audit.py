"""`make audit`: pip-audit over the lock file, saying plainly what it could check.

pip-audit prints "No known vulnerabilities found" even when it audited
nothing because its vulnerability service was out of reach (as from these
machines): that line would read as a clean bill of health. This runs it with
JSON output and reports audited and unaudited packages separately. Report
only: it never fails the build (see README, Security).
"""

import json
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def main() -> int:
    lock = sys.argv[1] if len(sys.argv) > 1 else "requirements.lock"
    run = subprocess.run(  # noqa: S603 - our own venv's pip-audit, fixed arguments
        [str(BIN / "pip-audit"), "-r", lock, "--progress-spinner", "off", "--format", "json"],
        capture_output=True, text=True, check=False,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print("pip-audit could not run:", (run.stderr or run.stdout).strip()[-500:])
        return 0
    print("\n".join(summary(report, lock)))
    return 0


def summary(report: dict, lock: str) -> list[str]:
    """What pip-audit's JSON report says, in lines that cannot be misread."""
    lines = []
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = [d for d in dependencies if not d.get("skip_reason")]
    vulnerable = [d for d in audited if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            lines.append(f"{dependency['name']} {dependency['version']}: {vuln['id']} "
                         f"(fixed in {fixed})")
    if not audited:
        lines.append(f"pip-audit could not reach its vulnerability database: none of the "
                     f"{len(dependencies)} packages in {lock} was audited. "
                     "This is not a clean result.")
    elif skipped:
        lines.append(f"{len(skipped)} of {len(dependencies)} packages could not be audited: "
                     + ", ".join(d["name"] for d in skipped))
    if audited and not vulnerable:
        lines.append(f"No known vulnerabilities in the {len(audited)} packages audited.")
    return lines


if __name__ == "__main__":
    sys.exit(main())
