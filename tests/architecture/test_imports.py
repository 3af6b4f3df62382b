"""The architecture holds: no import circles (modules, back-office rooms, packages) and no wall breaches."""

from __future__ import annotations

from pathlib import Path

from tests.architecture.imports import check, find_circle

ROOT = Path(__file__).resolve().parents[2]
ROOT_MODULES_ALLOWED = 6


def test_the_tree_has_no_circle_and_no_wall_breach():
    problems = check(ROOT).problems()
    assert not problems, "\n".join(problems)


def test_the_back_office_root_keeps_only_the_factory_config_extensions_cli_and_worker():
    modules = sorted(p.name for p in (ROOT / "backoffice").glob("*.py"))
    assert len(modules) <= ROOT_MODULES_ALLOWED, modules


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_circle_through_an_import_inside_a_function_is_found_with_its_path(tmp_path):
    write(
        tmp_path,
        {
            "backoffice/__init__.py": "",
            "backoffice/payments/__init__.py": "",
            "backoffice/payments/effects.py": "from backoffice.applications import workflow\n",
            "backoffice/applications/__init__.py": "",
            "backoffice/applications/workflow.py": "def f():\n    from backoffice.payments.effects import x\n",
        },
    )
    report = check(tmp_path, packages=["backoffice"])
    assert report.module_circle == [
        "backoffice.applications.workflow",
        "backoffice.payments.effects",
        "backoffice.applications.workflow",
    ]
    assert report.room_circle == ["backoffice.applications", "backoffice.payments", "backoffice.applications"]
    assert (
        "module circle: backoffice.applications.workflow -> backoffice.payments.effects"
        in report.problems()[0]
    )


def test_rooms_may_touch_without_a_module_circle_and_still_circle_as_rooms(tmp_path):
    write(
        tmp_path,
        {
            "backoffice/__init__.py": "",
            "backoffice/ocr/__init__.py": "",
            "backoffice/ocr/tasks.py": "from backoffice.applications.models import Application\n",
            "backoffice/applications/__init__.py": "",
            "backoffice/applications/models.py": "",
            "backoffice/applications/services.py": "from backoffice.ocr import tasks\n",
        },
    )
    report = check(tmp_path, packages=["backoffice"])
    assert report.module_circle is None
    assert report.room_circle == ["backoffice.applications", "backoffice.ocr", "backoffice.applications"]


def test_relative_imports_and_walls(tmp_path):
    write(
        tmp_path,
        {
            "certificates/__init__.py": "",
            "certificates/page.py": "from flask import Blueprint\nfrom . import layout\n",
            "certificates/layout.py": "from .page import x\n",
            "bot/__init__.py": "",
            "bot/channel.py": "import backoffice.app\n",
            "backoffice/__init__.py": "",
            "backoffice/app.py": "",
        },
    )
    report = check(tmp_path, packages=["certificates", "bot", "backoffice"])
    assert report.module_circle == ["certificates.layout", "certificates.page", "certificates.layout"]
    assert sorted((b.importer, b.target) for b in report.breaches) == [
        ("bot.channel", "backoffice.app"),
        ("certificates.page", "flask"),
    ]


def test_a_graph_without_circle_has_none():
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_circle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
