"""
The example web application (examples/office_web): ketnap inside a Starlette application.

Through Starlette's TestClient over a store filled through a `ketnap.Deployment`, and in
the real browser tests/test_browser.py drives (Debian's Chromium), against the example
served by uvicorn on 127.0.0.1. What a page must show is computed here with ketnap
itself (the law's check, the office's due list and report page), never written out.
"""

from __future__ import annotations

import ast
import contextlib
import html
import importlib.util
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import pendulum
import pytest

from ketnap import Actor, Deployment, Dossier, Quotas, Stage, Step, Workflow
from ketnap.testing import add_vote, make_dossier, walk
from tests.conftest import MEETING
from tests.test_browser import chromium
from tests.test_cli_setup import TREE

for _module in ("starlette", "jinja2", "uvicorn"):
    pytest.importorskip(
        _module,
        reason=f"the office_web example needs {_module}: install the office-web dependency "
        "group (pip install --group office-web)",
    )

import uvicorn  # noqa: E402 - only once the example's dependencies are known to be there
from starlette.applications import Starlette  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "office_web"
ON = MEETING.isoformat()
"""The day every page below is asked about: the branch meeting of the reference dossier."""


def load_example() -> ModuleType:
    """The example's module, loaded from its file (examples/ is not a package)."""
    spec = importlib.util.spec_from_file_location("office_web_app", EXAMPLE / "app.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


create_app = cast("Callable[[Deployment | None], Starlette]", load_example().create_app)


# --- a store filled through a deployment ---------------------------------------------------------


def dossiers(workflow: Workflow) -> list[Dossier]:
    """
    Three dossiers of branch C.

    HS-001 waits for the branch's resolution with no vote recorded (a proposal is
    refused); HS-002 has its vote (a proposal passes); HS-003 is admitted and its
    ceremony falls due in May 2024.
    """
    branch = TREE.organization("C")
    waiting = make_dossier(meeting=MEETING, organization=branch)
    walk(workflow, waiting, meeting=MEETING, until=Stage.PREPARED)
    voted = make_dossier(meeting=MEETING, id="HS-002", name="Trần Thị Bình", organization=branch)
    walk(workflow, voted, meeting=MEETING, until=Stage.PREPARED)
    add_vote(voted, MEETING)
    admitted = make_dossier(meeting=MEETING, id="HS-003", name="Lê Văn Cường", organization=branch)
    walk(workflow, admitted, meeting=MEETING, until=Stage.ADMITTED)
    return [waiting, voted, admitted]


def configure(folder: Path, *extra: str) -> Deployment:
    """A ketnap.toml in *folder* naming its store, read as the example reads it."""
    lines = ['store = "office.db"', *extra]
    (folder / "ketnap.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    deployment = Deployment.load(cwd=folder, environ={})
    with deployment.open(create=True) as office:
        office.setup(tree=TREE, quotas=Quotas({("C", 2024): 2}))
        office.import_dossiers(dossiers(deployment.workflow))
    return deployment


@pytest.fixture
def deployment(tmp_path: Path) -> Deployment:
    return configure(tmp_path)


@pytest.fixture
def client(deployment: Deployment) -> Iterator[TestClient]:
    # The context runs the lifespan: the example opens its application there.
    with TestClient(create_app(deployment)) as client:
        yield client


def stored(deployment: Deployment, dossier_id: str) -> Dossier:
    with deployment.open() as office:
        return office.dossier(dossier_id)


def items(page: str, attribute: str) -> dict[str, str]:
    """The text of each ``<li>`` carrying *attribute*, by its value (tags dropped)."""
    found = re.findall(rf'<li {attribute}="([^"]*)">(.*?)</li>', page, flags=re.DOTALL)
    return {
        html.unescape(value): html.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        for value, inner in found
    }


def plain(page: str) -> str:
    """The page's text as a reader sees it: tags dropped, entities read."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def act(
    client: TestClient, dossier_id: str, **fields: str
) -> Any:  # an httpx or httpx2 response, by the Starlette installed
    return client.post(f"/dossier/{dossier_id}/act", data=fields, follow_redirects=False)


# --- pages ---------------------------------------------------------------------------------------


def test_the_index_lists_the_branches_of_the_tree_with_their_counts(client: TestClient) -> None:
    response = client.get(f"/?on={ON}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<tr data-branch="C">' in response.text
    assert f'href="/branch/C?on={ON}"' in response.text
    assert "Chi bộ cơ sở" in response.text
    row = response.text.split('<tr data-branch="C">', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r"<td[^>]*>(\d+)</td>", row)[0] == "3"  # dossiers
    assert f'href="/report/H/2024?on={ON}"' in response.text


def test_the_branch_page_lists_its_dossiers_their_stage_and_what_is_due(
    deployment: Deployment, client: TestClient
) -> None:
    day = pendulum.Date(2024, 5, 13)
    with deployment.open() as office:
        due = office.due(on=day, organization="C")
        process = office.law.process
    assert due.due  # the ceremony of HS-003
    response = client.get(f"/branch/C?on={day}")
    assert response.status_code == 200
    text = plain(response.text)
    for dossier_id, stage in (
        ("HS-001", Stage.PREPARED),
        ("HS-002", Stage.PREPARED),
        ("HS-003", Stage.ADMITTED),
    ):
        assert f'href="/dossier/{dossier_id}?on={day}"' in response.text
        row = response.text.split(f'<tr data-dossier="{dossier_id}">', 1)[1].split("</tr>", 1)[0]
        assert process.text(stage, "vi") in plain(row)
    for item in (*due.due, *due.overdue):
        assert item.text("vi") in text
    assert "Trần Thị Bình" in text


def test_an_unknown_branch_is_a_404_page(client: TestClient) -> None:
    response = client.get(f"/branch/NOPE?on={ON}")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.text


def test_the_dossier_page_shows_stage_checklist_history_and_open_steps(
    deployment: Deployment, client: TestClient
) -> None:
    dossier = stored(deployment, "HS-001")
    law = deployment.law
    response = client.get(f"/dossier/HS-001?on={ON}")
    assert response.status_code == 200
    page = response.text
    text = plain(page)
    assert "Nguyễn Văn An" in text
    assert f'data-stage="{Stage.PREPARED}"' in page
    assert law.process.text(Stage.PREPARED, "vi") in text
    # The history, one row per act, with the step's label.
    assert len(dossier.history) == 2
    for entry in dossier.history:
        assert f'<tr data-step="{entry.step}">' in page
        assert law.process.text(entry.step, "vi") in text
    # The checklist: every paper the reference dossier has is present on the day.
    checklist = page.split('data-list="checklist"', 1)[1].split("</table>", 1)[0]
    for form in ("1-KNĐ", "2-KNĐ", "3-KNĐ", "4-KNĐ", "5-KNĐ"):
        assert f'data-form="{form}" data-status="present"' in checklist
    assert "Đơn xin vào Đảng" in checklist
    # The steps open now, checked: the proposal lacks its vote.
    open_steps = page.split('data-list="steps"', 1)[1].split("</table>", 1)[0]
    assert set(items(open_steps, "data-check-rule")) == {"vote.branch_admission"}
    # The act form offers the steps out of the stage, and every body.
    form = page.split('class="act"', 1)[1].split("</form>", 1)[0]
    for row in law.steps_from(dossier.stage):
        assert f'value="{row.step}"' in form
    for body in Actor:
        assert f'value="{body.value}"' in form


def test_a_missing_paper_shows_as_missing_in_the_checklist(
    deployment: Deployment, client: TestClient
) -> None:
    with deployment.open() as office:
        dossier = make_dossier(meeting=MEETING, id="HS-004", organization=TREE.organization("C"))
        del dossier.documents["2-KNĐ"]
        office.create(dossier)
    page = client.get(f"/dossier/HS-004?on={ON}").text
    assert 'data-form="2-KNĐ" data-status="missing"' in page
    assert 'data-form="1-KNĐ" data-status="present"' in page


def test_a_refused_act_is_422_and_lists_every_failed_rule_in_vietnamese(
    deployment: Deployment, client: TestClient
) -> None:
    before = stored(deployment, "HS-001")
    expected = deployment.law.check(
        before, Step.PROPOSE_ADMISSION, on=MEETING, actor=Actor.BASE_COMMITTEE
    )
    assert len(expected) >= 2  # the body has no authority, and no vote is recorded
    response = act(client, "HS-001", step="propose_admission", on=ON, actor="base_committee")
    assert response.status_code == 422
    assert '<ul class="refusal">' in response.text
    listed = items(response.text, "data-rule")
    assert set(listed) == {failure.rule_id for failure in expected}
    for failure in expected:
        assert failure.message("vi") in listed[failure.rule_id]
    # The form keeps what was asked, and nothing was saved.
    assert '<option value="base_committee" selected>' in response.text
    after = stored(deployment, "HS-001")
    assert (after.stage, after.history, after.refusals) == (before.stage, before.history, [])


def test_a_kept_refusal_is_stored_and_shown_on_the_dossier(
    deployment: Deployment, client: TestClient
) -> None:
    expected = deployment.law.check(
        stored(deployment, "HS-001"), Step.PROPOSE_ADMISSION, on=MEETING,
        actor=Actor.BASE_COMMITTEE,
    )  # fmt: skip
    response = act(
        client, "HS-001", step="propose_admission", on=ON, actor="base_committee",
        keep_refusal="on",
    )  # fmt: skip
    assert response.status_code == 422
    assert "đã được lưu vào hồ sơ" in response.text
    after = stored(deployment, "HS-001")
    assert after.stage == Stage.PREPARED
    [refusal] = after.refusals
    assert (refusal.on, refusal.step, refusal.actor) == (
        MEETING, Step.PROPOSE_ADMISSION, Actor.BASE_COMMITTEE,
    )  # fmt: skip
    assert [rule.rule_id for rule in refusal.rules] == [f.rule_id for f in expected]
    page = client.get(f"/dossier/HS-001?on={ON}").text
    kept = items(page, "data-kept-rule")
    assert set(kept) == {failure.rule_id for failure in expected}
    for failure in expected:
        assert failure.message("vi") in kept[failure.rule_id]


def test_an_allowed_act_redirects_and_moves_the_stage(
    deployment: Deployment, client: TestClient
) -> None:
    response = act(
        client, "HS-002", step="propose_admission", on=ON, actor="branch", reference="12-NQ/CB"
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/dossier/HS-002?on={ON}"
    after = stored(deployment, "HS-002")
    assert after.stage == Stage.PROPOSED
    entry = after.history[-1]
    assert (entry.step, entry.on, entry.actor, entry.reference) == (
        Step.PROPOSE_ADMISSION, MEETING, Actor.BRANCH, "12-NQ/CB",
    )  # fmt: skip
    page = client.get(response.headers["location"])
    assert page.status_code == 200
    assert f'data-stage="{Stage.PROPOSED}"' in page.text
    assert "12-NQ/CB" in page.text


def test_the_report_page_is_ketnaps_own(deployment: Deployment, client: TestClient) -> None:
    with deployment.open() as office:
        expected = office.report_page("H", 2024, on=MEETING)
    response = client.get(f"/report/H/2024?on={ON}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.text == expected
    assert "Đảng bộ huyện" in response.text


def test_the_deployment_language_labels_the_pages(tmp_path: Path) -> None:
    deployment = configure(tmp_path, 'lang = "en"')
    with TestClient(create_app(deployment)) as client:
        index = client.get(f"/?on={ON}").text
        page = client.get(f"/dossier/HS-001?on={ON}").text
    assert '<html lang="en">' in index
    assert "Branches" in index
    assert deployment.law.process.text(Stage.PREPARED, "en") in plain(page)


def test_without_a_deployment_the_app_reads_ketnap_toml_like_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(tmp_path)
    monkeypatch.delenv("KETNAP_CONFIG", raising=False)
    monkeypatch.delenv("KETNAP_STORE", raising=False)
    monkeypatch.chdir(tmp_path)
    with TestClient(create_app(None)) as client:
        assert '<tr data-branch="C">' in client.get(f"/?on={ON}").text


def test_without_a_tree_the_index_lists_every_dossier(tmp_path: Path) -> None:
    deployment = Deployment(store=str(tmp_path / "bare.db"))
    with deployment.open(create=True) as office:
        office.import_dossiers(dossiers(deployment.workflow))
    with TestClient(create_app(deployment)) as client:
        index = client.get(f"/?on={ON}").text
        page = client.get(f"/dossier/HS-001?on={ON}").text
    assert "Chưa có cây tổ chức" in index
    for dossier_id in ("HS-001", "HS-002", "HS-003"):
        assert f'<tr data-dossier="{dossier_id}">' in index
    # Without the branch in a tree the checklist form cannot be made: present or missing.
    assert "chỉ xét có hay thiếu" in page
    assert 'data-form="1-KNĐ" data-status="present"' in page


def test_user_text_is_escaped_and_any_id_is_reachable(
    deployment: Deployment, client: TestClient
) -> None:
    odd = 'HS/<9>&"?#'
    name = "<script>alert(1)</script> & Co"
    with deployment.open() as office:
        office.create(
            make_dossier(meeting=MEETING, id=odd, name=name, organization=TREE.organization("C"))
        )
    page = client.get(f"/branch/C?on={ON}").text
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    [link] = re.findall(r'href="(/dossier/HS%2F[^"]*)"', page)
    response = client.get(html.unescape(link))
    assert response.status_code == 200
    assert "<script>" not in response.text
    assert odd in plain(response.text)


# --- errors --------------------------------------------------------------------------------------


def test_an_unknown_dossier_is_a_404_page(client: TestClient) -> None:
    for response in (
        client.get(f"/dossier/HS-404?on={ON}"),
        act(client, "HS-404", step="propose_admission", on=ON, actor="branch"),
    ):
        assert response.status_code == 404
        assert "Không tìm thấy" in response.text
        assert "HS-404" in html.unescape(response.text)
        assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "url",
    ["/?on=12/03/2024", "/branch/C?on=2024-02-30", "/dossier/HS-001?on=2024-13-01",
     "/report/H/2024?on=yesterday"],
)  # fmt: skip
def test_a_bad_date_is_a_400_page_not_a_500(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.text
    assert "YYYY-MM-DD" in response.text or "calendar" in response.text
    assert "Traceback" not in response.text


def test_a_bad_act_is_a_400_page_and_saves_nothing(
    deployment: Deployment, client: TestClient
) -> None:
    before = stored(deployment, "HS-002")
    for fields in (
        {"step": "propose_admission", "on": "2024-02-30", "actor": "branch"},
        {"step": "propose_admission", "on": "not a date", "actor": "branch", "keep_refusal": "on"},
        {"step": "propose_admission", "on": "", "actor": "branch"},  # never today by default
        {"step": "propose_admission", "actor": "branch"},
        {"step": "no_such_step", "on": ON, "actor": "branch"},
        {"step": "propose_admission", "on": ON, "actor": "the_mayor"},
        {"step": "propose_admission", "on": ON, "actor": "branch", "reference": "12\x1b[2J"},
    ):
        response = act(client, "HS-002", **fields)
        assert response.status_code == 400, fields
        assert "Traceback" not in response.text
    after = stored(deployment, "HS-002")
    assert (after.stage, after.history, after.refusals) == (before.stage, before.history, [])


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (f"/report/NOPE/2024?on={ON}", "NOPE"),  # no such unit
        ("/report/H/2024?on=2023-06-01", "2023-06-01"),  # not a day of the year
        ("/report/H/99999", "99999"),
        ("/dossier/HS-001?on=1900-01-01", "1900-01-01"),  # no regulation in force
    ],
)
def test_ketnaps_own_errors_are_400_pages_with_the_message(
    client: TestClient, url: str, said: str
) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert said in html.unescape(response.text)
    assert "Traceback" not in response.text


# --- the example uses ketnap's public API only ---------------------------------------------------


def private_imports(source: str) -> list[str]:
    """Every import of a private module or name of ketnap, and any private attribute used."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "ketnap":
            module = node.module or ""
            if any(part.startswith("_") for part in module.split(".")):
                found.append(module)
            found += [f"{module}.{a.name}" for a in node.names if a.name.startswith("_")]
        elif isinstance(node, ast.Import):
            found += [
                alias.name
                for alias in node.names
                if alias.name.split(".")[0] == "ketnap"
                and any(part.startswith("_") for part in alias.name.split("."))
            ]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "ketnap"
            and node.attr.startswith("_")
        ):
            found.append(f"ketnap.{node.attr}")
    return found


def test_the_private_import_check_sees_what_it_must() -> None:
    source = (
        "import ketnap._machine\nfrom ketnap.storage._sql import x\n"
        "from ketnap.storage import _helper\nimport ketnap\nketnap._lock\n"
        "from ketnap import Application\n"
    )
    assert private_imports(source) == [
        "ketnap._machine", "ketnap.storage._sql", "ketnap.storage._helper", "ketnap._lock",
    ]  # fmt: skip


def test_the_example_uses_only_ketnaps_public_api() -> None:
    files = sorted(EXAMPLE.glob("*.py"))
    assert files
    for path in files:
        assert private_imports(path.read_text(encoding="utf-8")) == [], path.name


# --- in a real browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # The date field is typed month, day, year in this locale.
    with chromium("--lang=en-US") as driver:
        yield driver


@contextlib.contextmanager
def serving(app: Starlette) -> Iterator[str]:
    """Serve *app* with uvicorn on 127.0.0.1 in a thread; yield its address."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, lifespan="on", log_level="warning",
        loop="asyncio", http="h11", ws="none",
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="office-web", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("the example's server did not start")
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
    assert not thread.is_alive(), "the example's server did not stop"


def test_a_refusal_submitted_in_the_browser_lists_every_failed_rule(
    browser: Any, deployment: Deployment
) -> None:
    from selenium.webdriver.common.by import By  # noqa: PLC0415
    from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: PLC0415

    expected = deployment.law.check(
        stored(deployment, "HS-001"), Step.PROPOSE_ADMISSION, on=MEETING,
        actor=Actor.BASE_COMMITTEE,
    )  # fmt: skip
    with serving(create_app(deployment)) as address:
        browser.get_log("browser")  # start from an empty log
        # The page is opened a week later; the act's date is typed into the form.
        browser.get(f"{address}/dossier/HS-001?on={MEETING.add(days=7)}")
        Select(browser.find_element(By.ID, "step")).select_by_value(Step.PROPOSE_ADMISSION)
        Select(browser.find_element(By.ID, "actor")).select_by_value(Actor.BASE_COMMITTEE)
        day = browser.find_element(By.ID, "on")
        day.send_keys(MEETING.format("MMDDYYYY"))
        assert day.get_attribute("value") == ON
        browser.find_element(By.CSS_SELECTOR, "form.act button[type=submit]").click()
        WebDriverWait(browser, 20).until(
            lambda driver: driver.find_elements(By.CSS_SELECTOR, "ul.refusal li[data-rule]")
        )
        shown = {
            li.get_attribute("data-rule"): li.text
            for li in browser.find_elements(By.CSS_SELECTOR, "ul.refusal li[data-rule]")
        }
        log = browser.get_log("browser")
    assert set(shown) == {failure.rule_id for failure in expected}
    for failure in expected:
        assert failure.message("vi") in shown[failure.rule_id]
    # The only complaint in the console is the refusal's own status (422); no script ran.
    severe = [entry for entry in log if entry["level"] == "SEVERE"]
    assert all("422" in entry["message"] for entry in severe), severe
    assert stored(deployment, "HS-001").stage == Stage.PREPARED
