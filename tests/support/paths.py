"""Where the checkout, the test fixtures and the shared reference files are,
wherever a test module sits."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
# The reference material beside the checkout (real WordPress exports, the seed page).
SHARED = ROOT.parent / "shared"
