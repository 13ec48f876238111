"""/admin/widgets/ as a browser uses it: every form on the page with the
fields it would post, and a setter for the sidebar that skips the screen."""

from dreamweaver import settings
from dreamweaver.extensions import db
from dreamweaver.widgets.kinds import GROUP_NAME, KEY, KINDS
from tests.support.site_settings import _Fields

WIDGETS = "/admin/widgets/"
HTMX = {"HX-Request": "true"}


class _Forms(_Fields):
    """The successful controls of every form on a page, by the form's action."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.fields = self.forms.setdefault(dict(attrs).get("action"), {})
        else:
            super().handle_starttag(tag, attrs)


def page_forms(html: str) -> dict[str, dict[str, str]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def submit(client, action: str, htmx=False, button: tuple[str, str] | None = None,
           **changes):
    """Post the form whose action is `action` as the editor shows it now,
    with `changes` (None unticks a box) and the pressed button's value."""
    fields = dict(page_forms(client.get(WIDGETS).get_data(as_text=True))[action])
    for name, value in changes.items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = str(value)
    if button:
        fields[button[0]] = button[1]
    return client.post(action, data=fields, headers=HTMX if htmx else {})


def set_sidebar(app, *widgets: dict) -> None:
    """Save the sidebar as these widgets (type and the options that differ)."""
    with app.app_context():
        settings.save(GROUP_NAME, {KEY: [KINDS[w["type"]].stored(w) for w in widgets]})
        db.session.commit()


def stored(app) -> list[dict]:
    with app.app_context():
        return settings.current().group(GROUP_NAME)[KEY]
