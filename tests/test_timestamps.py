"""transforms.timestamps: the one reader of command-line times and the two writers of timestamps."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from snowplow_beam.transforms.timestamps import format_iso_timestamp, format_timestamp, parse_time

H9 = datetime(2025, 11, 28, 9, tzinfo=timezone.utc)


@pytest.mark.parametrize("text", [
    "2025-11-28T09", "2025-11-28T09:00", "2025-11-28 09:00:00", "2025-11-28T09:00:00Z", "2025-11-28t09:00:00z",
    "2025-11-28T10:00:00+01:00", "2025-11-28T04:00:00-05:00", "1764320400", "1764320400.0", " 2025-11-28T09 ",
])
def test_parse_time_reads_iso_8601_and_epoch_seconds_as_utc(text):
    moment = parse_time(text)
    assert moment == H9 and moment.tzinfo == timezone.utc


def test_parse_time_reads_a_day_as_its_midnight():
    assert parse_time("2025-11-28") == datetime(2025, 11, 28, tzinfo=timezone.utc)


@pytest.mark.parametrize("text", ["", "yesterday", "2025-13-01", "2025-11-28T25", "-5", "1e9", "2025/11/28"])
def test_parse_time_says_what_it_expected(text):
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_time(text)


def test_formats_as_snowplow_writes_them():
    millis = 1_764_320_400_123  # 2025-11-28T09:00:00.123Z
    assert format_timestamp(millis) == "2025-11-28 09:00:00.123"
    assert format_iso_timestamp(millis) == "2025-11-28T09:00:00.123Z"
    assert format_timestamp(0) == "1970-01-01 00:00:00.000"
