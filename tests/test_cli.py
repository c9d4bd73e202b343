"""The command line: check, sync, schema, users."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from studyapp.cli import schema_text
from tests.conftest import DATA, ROOT, AuthActions


def test_check_reports_ok_with_warnings(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["questions", "check"])
    assert result.exit_code == 0
    assert result.stdout.startswith("OK: 2 decks, 19 questions (")
    assert ("bank/people.yaml:4:5: warning: 'src-founder' has only 1 plausible distractor for multiple choice "
            "(needs 3): add 'distractors' or more person answers") in result.stderr
    assert ("bank/people.yaml:30:5: warning: 'comintern' has only 2 plausible distractors for multiple choice "
            "(needs 3)") in result.stderr  # not 'a revolutionary party of Juche type': a description, the answer a name
    assert result.stdout.rstrip().endswith("; 4 warnings")


def test_question_without_source_is_a_warning(runner: FlaskCliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("deck: a\ntitle: A\nquestions:\n  - {id: q, kind: typed, category: place, prompt: P?, answer: X}\n")
    result = runner.invoke(args=["questions", "check", str(tmp_path)])
    assert result.exit_code == 0
    assert f"{tmp_path.name}/a.yaml:4:5: warning: 'q' has no source: cite the sentence it rests on" in result.stderr


def test_an_answer_far_longer_than_its_distractors_is_a_warning(runner: FlaskCliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "deck: a\ntitle: A\nquestions:\n  - id: q\n    kind: choice\n    category: organization\n    prompt: P?\n"
        "    answer: grass-roots organizations\n    distractors: [youth leagues, army units, trade unions]\n    source: S\n")
    result = runner.invoke(args=["questions", "check", str(tmp_path)])
    assert result.exit_code == 0
    assert (f"{tmp_path.name}/a.yaml:4:5: warning: 'q': the answer is much longer than all its distractors, so a learner "
            "can pick it by its length alone") in result.stderr
    (tmp_path / "a.yaml").write_text((tmp_path / "a.yaml").read_text().replace("army units", "underground study circles"))
    assert "by its length alone" not in runner.invoke(args=["questions", "check", str(tmp_path)]).stderr


def test_an_answer_standing_in_its_own_prompt_is_a_warning(runner: FlaskCliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "deck: a\ntitle: A\nquestions:\n  - id: q\n    kind: typed\n    category: place\n"
        "    prompt: According to the text, where was the Kalun Meeting held?\n"
        "    answer: Jiajiatun, Kalun\n    alternatives: [Jiajiatun, Kalun]\n    source: S\n")
    result = runner.invoke(args=["questions", "check", str(tmp_path)])
    assert result.exit_code == 0
    assert (f"{tmp_path.name}/a.yaml:4:5: warning: 'q': its accepted answer 'Kalun' stands in its own prompt: "
            "reword the prompt (or drop that spelling)") in result.stderr
    (tmp_path / "a.yaml").write_text((tmp_path / "a.yaml").read_text().replace("[Jiajiatun, Kalun]", "[Jiajiatun]"))
    assert "its own prompt" not in runner.invoke(args=["questions", "check", str(tmp_path)]).stderr


def test_curated_bank_has_no_warnings(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["questions", "check", str(ROOT / "questions")])
    assert result.exit_code == 0 and "warning" not in result.output


def test_check_lists_every_problem_and_fails(runner: FlaskCliRunner, tmp_path: Path) -> None:
    for name in ("tab.yaml", "unknown-field.yaml"):
        shutil.copy(DATA / "bad" / name, tmp_path / name)
    result = runner.invoke(args=["questions", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path.name}/tab.yaml:4:1: tab character: indent with spaces" in result.output
    assert f"{tmp_path.name}/unknown-field.yaml:7:5: questions.0.answr: unknown field 'answr' (did you mean 'answer'?)" in result.output


def test_check_reads_every_folder_and_file_given(runner: FlaskCliRunner, tmp_path: Path) -> None:
    shutil.copytree(DATA / "bank", tmp_path / "q2")
    (tmp_path / "b1").mkdir()
    shutil.copy(DATA / "bad" / "unknown-field.yaml", tmp_path / "b1" / "unknown-field.yaml")
    shutil.copy(DATA / "bad" / "tab.yaml", tmp_path / "tab.yaml")
    result = runner.invoke(args=["questions", "check", str(tmp_path / "q2"), str(tmp_path / "b1"), str(tmp_path / "tab.yaml")])
    assert result.exit_code == 1
    assert "b1/unknown-field.yaml:7:5: questions.0.answr: unknown field 'answr' (did you mean 'answer'?)" in result.stderr
    assert f"{tmp_path.name}/tab.yaml:4:1: tab character: indent with spaces" in result.stderr
    assert "2 errors: nothing can be synced" in result.stderr


def test_check_accepts_a_file(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["questions", "check", str(DATA / "bank" / "founding.yaml")])
    assert result.exit_code == 0 and result.stdout.startswith("OK: 1 decks, ")


def test_checking_one_file_of_the_bank_draws_distractors_from_all_of_it(app: Flask, runner: FlaskCliRunner) -> None:
    app.config["QUESTIONS_DIR"] = str(ROOT / "questions")
    result = runner.invoke(args=["questions", "check", str(ROOT / "questions" / "founding.yaml")])
    assert result.exit_code == 0 and "warning" not in result.output


def test_checking_one_file_of_the_bank_finds_ids_its_other_files_use(app: Flask, runner: FlaskCliRunner,
                                                                       tmp_path: Path) -> None:
    shutil.copytree(DATA / "bank", tmp_path / "bank")
    app.config["QUESTIONS_DIR"] = str(tmp_path / "bank")
    (tmp_path / "bank" / "extra.yaml").write_text(
        "deck: extra\ntitle: Extra\nquestions:\n  - {id: q-new, kind: typed, category: place, prompt: P?, answer: X}\n"
        "  - {id: src-formed, kind: typed, category: place, prompt: P?, answer: X}\n")
    result = runner.invoke(args=["questions", "check", str(tmp_path / "bank" / "extra.yaml")])
    assert result.exit_code == 1
    assert "bank/extra.yaml:5:5: id 'src-formed' is already used at bank/founding.yaml:" in result.stderr
    assert "1 error: nothing can be synced" in result.stderr
    whole = runner.invoke(args=["questions", "check", str(tmp_path / "bank")])  # the whole bank says it once
    assert whole.exit_code == 1 and whole.stderr.count("is already used") == 1


def test_check_reads_yml_files(runner: FlaskCliRunner, tmp_path: Path) -> None:
    shutil.copytree(DATA / "bank", tmp_path / "bank")
    shutil.copy(DATA / "bad" / "tab.yaml", tmp_path / "bank" / "extra.yml")
    result = runner.invoke(args=["questions", "check", str(tmp_path / "bank")])
    assert result.exit_code == 1 and "bank/extra.yml:4:1: tab character: indent with spaces" in result.stderr


def test_check_warns_when_the_source_text_is_missing(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "deck: a\ntitle: A\nquestions:\n  - {id: q, kind: typed, category: place, prompt: P?, answer: X, source: Not in it}\n")
    app.config["SOURCE_TEXT"] = str(tmp_path / "nonexistent.txt")
    result = runner.invoke(args=["questions", "check", str(tmp_path)])
    assert result.exit_code == 0
    assert f"warning: source text {tmp_path / 'nonexistent.txt'} not found: quotes were not checked" in result.stderr
    assert result.stdout.rstrip().endswith("; 1 warning")


def test_check_reports_a_bad_quote_at_its_line(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "deck: a\ntitle: A\nquestions:\n  - id: q\n    kind: typed\n    category: place\n    prompt: P?\n"
        "    answer: X\n    source: Not in it\n")
    (tmp_path / "source.txt").write_text("The text says something else.")
    app.config["SOURCE_TEXT"] = str(tmp_path / "source.txt")
    result = runner.invoke(args=["questions", "check", str(tmp_path)])
    assert result.exit_code == 1 and "a.yaml:9:5: source quote of 'q' is not in the source text" in result.stderr


def test_schema_accepts_what_editors_type_as_numbers() -> None:
    document = {"deck": "a", "title": 1930, "tags": [1930], "questions": [
        {"id": 1930, "kind": "choice", "category": "date", "prompt": "When?", "answer": 1930,
         "alternatives": [True], "distractors": [1931, 1932, 1933]}]}
    jsonschema.validate(document, json.loads(schema_text()))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**document, "questions": [{**document["questions"][0], "kind": 1}]}, json.loads(schema_text()))


def test_sync_is_idempotent(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["questions", "sync"])
    assert result.exit_code == 0 and "Synced: 0 added, 0 changed, 0 retired, 0 revived" in result.output


def test_sync_refuses_a_bad_bank(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    shutil.copytree(DATA / "bank", tmp_path / "bank")
    shutil.copy(DATA / "bad" / "tab.yaml", tmp_path / "bank" / "tab.yaml")
    app.config["QUESTIONS_DIR"] = str(tmp_path / "bank")
    result = runner.invoke(args=["questions", "sync"])
    assert result.exit_code == 1 and "nothing was changed" in result.output


def test_committed_schema_is_current() -> None:
    committed = (ROOT / "questions" / "schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "run: studyapp questions schema -o questions/schema.json"
    assert json.loads(committed)["title"] == "studyapp question bank file"


def test_make_instructor(runner: FlaskCliRunner, auth: AuthActions) -> None:
    auth.register("ada")
    assert "ada is now an instructor." in runner.invoke(args=["users", "make-instructor", "ada"]).output
    result = runner.invoke(args=["users", "make-instructor", "nobody"])
    assert result.exit_code == 1 and "No learner is called 'nobody'." in result.output


def test_a_bad_setting_stops_the_command_with_its_message_not_a_traceback(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
           "STUDYAPP_SESSION_COOKIE_SECURE": "maybe", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", "from studyapp.__main__ import main; main()", "questions", "check"],
                          env=env, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 1
    assert "Error: STUDYAPP_SESSION_COOKIE_SECURE='maybe' is not a boolean" in done.stderr
    assert "Traceback" not in done.stderr


def _unreadable_sources(tmp_path: Path) -> list[tuple[Path, str]]:
    """A folder, and a file that is not UTF-8 (its bad byte on line 2, column 5), each with its located line."""
    folder = tmp_path / "source-folder"
    folder.mkdir()
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("First line.\nCaf\u00e9 ".encode("utf-8") + b"na\xefve\n")
    return [(folder, f"{folder}:0:0: the source text is a folder, not a file: quotes were not checked"),
            (latin1, f"{latin1}:2:8: the source text is not UTF-8 (byte 0xef): save it as UTF-8; quotes were not checked")]


def test_an_unreadable_source_text_is_one_located_line_and_exit_1(app: Flask, runner: FlaskCliRunner,
                                                                  tmp_path: Path) -> None:
    for source, line in _unreadable_sources(tmp_path):
        app.config["SOURCE_TEXT"] = str(source)
        for args in (["questions", "check"], ["questions", "sync"], ["questions", "sync", "--dry-run"]):
            result = runner.invoke(args=args)
            assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # an exit, not a crash
            assert line in result.stderr.splitlines() and "Traceback" not in result.output


def test_live_reload_records_an_unreadable_source_text_and_changes_nothing(app: Flask, tmp_path: Path) -> None:
    from studyapp.bank import sync, watch
    from studyapp.db import get_session
    for source, line in _unreadable_sources(tmp_path):
        app.config["SOURCE_TEXT"] = str(source)
        with app.app_context():
            assert watch.apply_files(app) is None
            last = sync.last_sync(get_session())
            assert last is not None and not last.is_ok and last.report["problems"] == [line]
