"""The editor's category checkboxes: CheckboxList writes what WTForms'
ListWidget of CheckboxInputs writes, character for character, faster."""

from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from dreamweaver.admin.checkbox_list import CheckboxList

CHOICES = [SelectChoice(1, "Plain"), SelectChoice(2, 'Q&A <"quoted">'),
           SelectChoice(3, "Caf\u00e9 \u2014 r\u00e9sum\u00e9"), SelectChoice(40, "")]


def rendered(widget, data=(2, 40), render_kw=None, prefix_label=True, **kwargs) -> str:
    class Chosen(Form):
        categories = SelectMultipleField("Categories", coerce=int, choices=CHOICES,
                                         option_widget=CheckboxInput(), render_kw=render_kw,
                                         widget=widget(prefix_label=prefix_label))

    form = Chosen(MultiDict([("categories", str(n)) for n in data]))
    return str(form.categories(**kwargs))


def test_same_markup_as_wtforms():
    for data in ((), (2, 40), (1, 2, 3, 40)):
        assert rendered(CheckboxList, data, class_="category-choices") == rendered(
            ListWidget, data, class_="category-choices")
    assert rendered(CheckboxList, prefix_label=False) == rendered(ListWidget, prefix_label=False)
    assert 'for="categories-1">Q&amp;A &lt;&#34;quoted&#34;&gt;</label>' in rendered(CheckboxList)


def test_what_it_does_not_write_itself_is_wtforms_own():
    extra = {"data-x": "1"}
    assert rendered(CheckboxList, render_kw=extra) == rendered(ListWidget, render_kw=extra)
    assert 'data-x="1"' in rendered(CheckboxList, render_kw=extra)


def test_the_editor_lists_categories_with_it(client, auth, make):
    auth.login()
    checked = make.category("Chosen <one>")
    make.category("Other")
    post = make.post("Filed", categories=[checked])
    body = client.get(f"/admin/posts/{post.id}/edit").get_data(as_text=True)
    assert (f'<li><label for="categories-0">Chosen &lt;one&gt;</label> <input checked '
            f'id="categories-0" name="categories" type="checkbox" value="{checked.id}"></li>'
            ) in body
