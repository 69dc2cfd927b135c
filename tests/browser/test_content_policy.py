"""Every page keeps to the Content Security Policy it sends: no inline style or script the browser
refuses, no source it rejects, nothing in the console."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import login

pytestmark = pytest.mark.browser

# What the browser reports of each refusal, in the page's console (the events carry no text).
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (e) =>
  console.error(`CSP ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""
PAGES = [
    "/",
    "/intake/signals/",
    "/intake/models/",
    "/issues/",
    "/cases/",
    "/plans/",
    "/surveys/",
    "/campaigns/",
    "/intake/",  # the public form
    "/api/docs",  # Swagger UI, from django-ninja's static files
]
# One detail page of each kind, found from the pages above.
DETAIL = re.compile(r"^/(intake/signals|issues|cases|plans|surveys/dot/[\w-]+/xep-hang|campaigns)/(\d+/)?$")


def test_the_pages_an_official_opens_break_no_rule_of_the_content_security_policy(page, platform_url):
    # given the coordinator, with every refusal of the policy written to the console
    page.context.add_init_script(REPORT_VIOLATIONS)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
    login(page, platform_url, "dieuphoi")
    # when they open each section and a detail page of each kind
    details: dict[str, str] = {}
    for path in PAGES:
        page.goto(platform_url + path)
        page.wait_for_load_state("networkidle")
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            kind = DETAIL.match(href or "")
            if kind and kind.group(2) and kind.group(1) not in details:
                details[kind.group(1)] = href
    for path in details.values():
        page.goto(platform_url + path)
        page.wait_for_load_state("networkidle")
    # then details of signals, issues, cases, plans and campaigns were among them
    assert {"intake/signals", "issues", "cases", "plans", "campaigns"} <= set(details)
    # and no page broke the policy or wrote an error
    assert problems == []
    # and the surveys' spacing, once an inline style, comes from their stylesheet
    page.goto(platform_url + "/surveys/")
    assert page.locator(".cards.spaced").first.evaluate("e => getComputedStyle(e).marginTop") == "16px"
