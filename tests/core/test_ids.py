import uuid

from desktop_app.core.ids import new_id


def test_ids_are_uuid7_and_increase() -> None:
    ids = [new_id() for _ in range(5000)]
    assert len(set(ids)) == 5000
    assert ids == sorted(ids)
    parsed = uuid.UUID(ids[0])
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert str(parsed) == ids[0]
