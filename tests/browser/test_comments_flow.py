"""Commenting in a real browser: inline with htmx, and with JavaScript off."""

import re

import pytest

from tests.support.browser import watch_console

POST = "/2023/10/05/psychedelic-assisted-therapy-what-happens-in-the-room/"


@pytest.fixture
def article(page, live_server):
    problems = watch_console(page)
    page.goto(live_server + POST)
    page.wait_for_load_state("networkidle")
    yield page
    assert page.evaluate("window.__csp") == []
    assert [p for p in problems if "422" not in p and "409" not in p] == []


def fill(page, comment, author="Browser Reader", email="browser@example.org"):
    page.fill("#comment", comment)
    page.fill("#author", author)
    page.fill("#email", email)


def test_comment_posts_inline_without_reload(article):
    article.evaluate("window.__marker = 'same page'")
    fill(article, "Posted inline, no reload.")
    article.click("#submit")
    new = article.locator(".comment-content", has_text="Posted inline, no reload.")
    new.wait_for()
    assert article.evaluate("window.__marker") == "same page"
    # htmx moves focus to the new comment (autofocus) once the swap has settled.
    article.wait_for_function(
        "() => document.activeElement && document.activeElement.closest('li.comment')"
        " && document.activeElement.textContent.includes('Posted inline, no reload.')"
    )
    assert article.locator("#comment").input_value() == ""
    article.locator("#recent-comments", has_text="Browser Reader").wait_for()
    assert re.search(r"\d+ thoughts? on", article.locator("#comments-title").inner_text()) or \
        "One thought" in article.locator("#comments-title").inner_text()


def test_comment_errors_show_in_place_and_keep_text(article):
    article.fill("#comment", "Text that must survive.")
    article.fill("#author", "No Email")
    article.fill("#email", "not-an-email")
    # Skip the browser's own validation to reach the server's.
    article.evaluate("document.getElementById('commentform').noValidate = true")
    article.click("#submit")
    article.locator(".field-error").first.wait_for()
    assert "valid email" in article.locator("#respond").inner_text()
    assert article.locator("#comment").input_value() == "Text that must survive."


def test_reply_and_cancel_move_the_form_inline(article):
    first = article.locator("li.comment").first
    comment_id = first.get_attribute("id").removeprefix("comment-")
    article.fill("#comment", "Typed before replying.")
    first.locator(".comment-reply-link").first.click()
    slot = article.locator(f"#reply-to-{comment_id} #respond")
    slot.wait_for()
    assert article.locator("#respond").count() == 1
    assert article.locator("#comment_parent").input_value() == comment_id
    assert article.locator("#comment").input_value() == "Typed before replying."
    article.click("#cancel-comment-reply-link")
    article.locator("#respond-home #respond").wait_for()
    assert article.locator("#respond").count() == 1
    assert article.locator("#comment_parent").input_value() == "0"
    assert article.locator("#comment").input_value() == "Typed before replying."


def test_reply_posts_under_its_parent(article):
    first = article.locator("li.comment").first
    parent_id = first.get_attribute("id")
    first.locator(".comment-reply-link").first.click()
    article.locator(f"#reply-to-{parent_id.removeprefix('comment-')} #respond").wait_for()
    fill(article, "A threaded reply from the browser.")
    article.click("#submit")
    reply = article.locator(f"#{parent_id} > ol.children .comment-content",
                            has_text="A threaded reply from the browser.")
    reply.wait_for()
    assert article.locator("#respond-home #respond").count() == 1


def test_live_preview_shows_sanitized_result(article):
    article.fill("#comment", "Hello <img src=x onerror=alert(1)> **there** <em>friend</em>")
    note = article.locator("#comment-preview", has_text="<img> tag is not allowed")
    note.wait_for()
    assert article.locator("#comment-preview em", has_text="friend").count() == 1
    assert article.locator("#comment-preview img").count() == 0


def test_quotation_and_removed_tags_as_the_browser_builds_them(article):
    fill(article, "<h1>Loud</h1> words.\n<blockquote>Quoted in the browser.</blockquote>\n"
                  "And my answer.")
    article.click("#submit")
    content = article.locator(".comment-content", has_text="And my answer.")
    content.wait_for()
    assert content.locator("h1").count() == 0
    assert "<h1>" not in content.inner_text() and "Loud words." in content.inner_text()
    assert content.locator("blockquote > p", has_text="Quoted in the browser.").count() == 1
    # The DOM the browser built: no paragraph without text around the quotation.
    assert content.evaluate(
        "el => [...el.querySelectorAll('p')].filter(p => !p.textContent.trim()).length") == 0


def test_comment_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + POST)
    page.fill("#comment", "Posted with JavaScript off.")
    page.fill("#author", "Plain Reader")
    page.fill("#email", "plain@example.org")
    page.click("#submit")
    page.wait_for_load_state()
    assert re.search(r"#comment-\d+$", page.url)
    assert page.locator(".comment-content", has_text="Posted with JavaScript off.").count() == 1
    first = page.locator("li.comment").first
    name = first.locator(".comment-author").first.inner_text().removesuffix("says:").strip()
    first.locator(".comment-reply-link").first.click()
    page.wait_for_load_state()
    assert "replytocom=" in page.url
    assert page.locator(".reply-slot #respond").count() == 1
    # Headed as the htmx form is, with a way back.
    assert page.locator("#reply-title").inner_text().startswith(f"Reply to {name}")
    page.click("#cancel-comment-reply-link")
    page.wait_for_load_state()
    assert "replytocom=" not in page.url
    assert page.locator("#respond-home #reply-title").inner_text().startswith("Leave a Reply")
    context.close()


def test_saved_details_stay_in_the_cleared_form(article):
    fill(article, "Remember me, please.", author="Saved Reader", email="saved@example.org")
    article.check("#wp-comment-cookies-consent")
    article.click("#submit")
    article.locator(".comment-content", has_text="Remember me, please.").wait_for()
    assert article.locator("#comment").input_value() == ""
    assert article.locator("#author").input_value() == "Saved Reader"
    assert article.locator("#email").input_value() == "saved@example.org"
    assert article.locator("#wp-comment-cookies-consent").is_checked()
