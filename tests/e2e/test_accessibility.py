"""Every page each role reaches, in chromium: an axe-core audit with no serious or critical
violation, and at phone width nothing scrolls sideways (tables scroll inside themselves).
Every role at phone width; the admin, who reaches every page, at desktop width too."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from accounts.recalculation import recalculate
from kamapp.rls import tenant_context
from tests.conftest import PASSWORD
from tests.security.routes import populate

pytestmark = pytest.mark.e2e
PHONE, DESKTOP = 390, 1440
ACCOUNT_TABS = [
    "/",
    "health/",
    "plan/",
    "objectives/",
    "process/",
    "joint-plan/",
    "actions/",
    "stakeholders/",
    "interactions/",
    "financials/",
    "feedback/",
    "rpm/",
    "history/",
]


def pages(page, base: str, slug: str) -> list[str]:
    """The role's navigation, the first account it sees with every tab, a review, a cycle's
    calibration and a KAM's page where the role has them."""
    page.goto(f"{base}/o/{slug}/accounts/")
    links = [a.get_attribute("href") or "" for a in page.query_selector_all("main a")]
    account = next((h for h in links if re.fullmatch(rf"/o/{slug}/accounts/\d+/", h)), None)
    page.goto(f"{base}/o/{slug}/reviews/")
    links = [a.get_attribute("href") or "" for a in page.query_selector_all("main a")]
    review = next((h for h in links if re.fullmatch(rf"/o/{slug}/reviews/\d+/", h)), None)
    extra = [h for h in links if h.endswith("/calibration/")][:1]
    if page.goto(f"{base}/o/{slug}/team/").ok:
        links = [a.get_attribute("href") or "" for a in page.query_selector_all("main a")]
        extra += [h for h in links if re.fullmatch(rf"/o/{slug}/team/\d+/", h)][:1]
    nav = [a.get_attribute("href") for a in page.query_selector_all("#site-nav a")]
    found = [h for h in nav if h and h.startswith(f"/o/{slug}/")]
    found += [f"/o/{slug}/notifications/", f"/o/{slug}/search/?q=ac"]
    found += [account + tab.lstrip("/") for tab in ACCOUNT_TABS] if account else []
    found += [review] if review else []
    found += extra
    return list(dict.fromkeys(found))


# what sticks out past the viewport, outside any scrolling container: names the culprit
STICKING_OUT = """() => { const w = innerWidth; const out = [];
  for (const el of document.querySelectorAll('main *')) {
    if (el.getBoundingClientRect().right <= w + 1) continue;
    let p = el.parentElement, clipped = false;
    for (; p; p = p.parentElement)
      if (getComputedStyle(p).overflowX !== 'visible') { clipped = true; break; }
    if (!clipped) out.push(el.tagName.toLowerCase() + '.' + el.classList.value);
  } return out.slice(0, 3); }"""


def serious(axe: Axe, page) -> list[tuple[str, str]]:
    result = axe.run(page).response["violations"]
    return [
        (v["id"], node["target"][0])
        for v in result
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
    ]


@pytest.mark.parametrize("role", ["admin", "leader", "supervisor", "kam"])
def test_every_page_passes_axe_and_fits_a_phone(live_server, browser, org_a, role):
    populate(org_a)
    with tenant_context(org_a.tenant.pk):
        recalculate(org_a.tenant)
    member = getattr(org_a, role)
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(member.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    axe, problems = Axe(), []
    urls = pages(page, live_server.url, org_a.tenant.slug)
    assert len(urls) > 10
    for url in urls:
        for width in (PHONE, DESKTOP) if role == "admin" else (PHONE,):
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(live_server.url + url)
            assert response.status == 200, url
            if width == PHONE:
                sideways = page.evaluate("document.documentElement.scrollWidth - innerWidth")
                if sideways > 0:
                    culprits = page.evaluate(STICKING_OUT)
                    problems.append((url, width, f"scrolls sideways by {sideways}px", culprits))
            problems += [(url, width, found) for found in serious(axe, page)]
    context.close()
    assert problems == []
