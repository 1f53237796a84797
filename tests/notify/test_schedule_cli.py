"""`python -m bot schedule import FILE` / `schedule export`, through the same argparse wiring."""

from __future__ import annotations

import argparse

import icalendar

from bot import schedule_cli


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot")
    schedule_cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    return args.func(args)


def test_import_then_export(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("BOT_TODAY", "2025-01-01")
    plan = tmp_path / "plan.csv"
    plan.write_text("organ;datum;tid;plats\nRegionstyrelsen;2025-02-11;09.00;Sundsvall\n"
                    "Regionstyrelsen;11 mars 2025;kl. 13.30;Härnösand\nRegionstyrelsen;2025-13-01;;\n",
                    encoding="cp1252")
    assert run("schedule", "import", str(plan)) == 1  # unknown body and nothing imported
    assert "okänt organ" in capsys.readouterr().err
    assert run("schedule", "import", str(plan), "--organisation", "Region Västernorrland") == 0
    out, err = capsys.readouterr()
    assert "2 nya" in out and "1 fel" in out and "rad 4" in err
    assert run("schedule", "import", str(plan)) == 0
    assert "0 nya" in (out := capsys.readouterr().out) and "2 oförändrade" in out
    ics = tmp_path / "rs.ics"
    assert run("schedule", "export", "--organ", "RS", "-o", str(ics)) == 0
    events = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert [str(e["LOCATION"]) for e in events] == ["Sundsvall", "Härnösand"]
    empty = tmp_path / "empty.ics"
    empty.write_bytes(b"")
    assert run("schedule", "import", str(empty)) == 1
    assert "tom" in capsys.readouterr().err
