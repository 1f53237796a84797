"""The parsed-document model prints the export schema's keys."""

from datetime import date

from knowledge.parse.model import ParsedDocument, ScheduleChange


def test_export_uses_schema_key_from():
    doc = ParsedDocument(
        kind="protocol",
        schedule_changes=[ScheduleChange(body="HSN", to=date(2024, 10, 3), **{"from": date(2024, 10, 4)})],
    )
    change = doc.export()["schedule_changes"][0]
    assert change["from"] == "2024-10-04" and change["to"] == "2024-10-03"
