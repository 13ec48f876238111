"""The settings form in /admin as a browser sends it: every field as the page
shows it, with the changes a test makes."""

from html.parser import HTMLParser

SETTINGS = "/admin/settings/"


class _Fields(HTMLParser):
    """The successful controls of the first form on a page, as a browser posts them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self._select = self._textarea = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields[name] = attrs.get("value", "on")
            elif kind == "hidden" and name in self.fields:
                pass  # a ticked box's hidden twin: the box's value is sent first
            elif kind not in ("submit", "button"):
                self.fields[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in attrs or self._select not in self.fields:
                self.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # The HTML parser drops the newline right after <textarea>, as browsers do.
            self.fields[self._textarea] = self._text.removeprefix("\n")
            self._textarea = None


def form_fields(html: str) -> dict[str, str]:
    parser = _Fields()
    parser.feed(html)
    return parser.fields


def save_settings(client, url=SETTINGS, headers=None, **changes):
    """Post the settings form as shown, with `changes` (None unticks a box, as
    its hidden twin is then all a browser sends)."""
    fields = form_fields(client.get(url).get_data(as_text=True))
    for name, value in changes.items():
        fields[name] = "" if value is None else str(value)
    return client.post(url, data=fields, headers=headers or {})
