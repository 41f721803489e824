"""The lake's layout (lake/layout.py): partitions, file names, the temporary area, finished files."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

from snowplow_beam.lake import layout

H9_MS = 1_764_320_400_000  # 2025-11-28 09:00:00 UTC
H9 = datetime(2025, 11, 28, 9, tzinfo=timezone.utc)


def test_partition_of_a_timestamp_is_its_utc_hour():
    assert layout.partition_path(H9_MS) == "date=2025-11-28/hour=09"
    assert layout.partition_path(H9_MS - 1) == "date=2025-11-28/hour=08"
    assert layout.partition_path(H9_MS + 3_599_999) == "date=2025-11-28/hour=09"
    assert layout.partition_path(0) == "date=1970-01-01/hour=00"
    assert layout.partition_dir(layout.GOOD, "date=2025-11-28/hour=09") == "good/date=2025-11-28/hour=09"


def test_a_partition_path_parses_back_to_its_hour():
    assert layout.partition_hour("date=2025-11-28/hour=09") == H9
    assert layout.partition_hour("date=2025-11-28/hour=9") == H9
    for not_a_partition in ("date=2025-11-28", "date=2025-02-30/hour=01", "date=2025-11-28/hour=24",
                            "hour=09/date=2025-11-28", "date=2025-11-28/hour=09/x", "x"):
        assert layout.partition_hour(not_a_partition) is None, not_a_partition


def test_partitions_of_a_time_range_overlap_it():
    assert layout.partitions_between(H9 + timedelta(minutes=30), H9 + timedelta(hours=2)) == [
        "date=2025-11-28/hour=09", "date=2025-11-28/hour=10"]
    assert layout.partitions_between(H9 + timedelta(hours=14), H9 + timedelta(hours=15, minutes=1)) == [
        "date=2025-11-28/hour=23", "date=2025-11-29/hour=00"]
    assert layout.partitions_between(H9, H9) == []


def test_file_names():
    assert layout.batch_file_name("abc123", 2, ".parquet") == "part-abc123-002.parquet"
    assert layout.stream_file_name(H9.timestamp() + 60, 60, 1, 7, ".json") == "stream-20251128T090100Z-60s-p1-007.json"
    name = layout.recovered_file_name("date=2025-11-28/hour=09", ["b", "a"], ".tsv")
    assert name == layout.recovered_file_name("date=2025-11-28/hour=09", ["a", "b"], ".tsv")
    assert name.startswith("part-recovered-") and name.endswith("-000.tsv") and len(name) == len(
        "part-recovered-") + 16 + len("-000.tsv")
    assert name != layout.recovered_file_name("date=2025-11-28/hour=10", ["a", "b"], ".tsv")
    assert name != layout.recovered_file_name("date=2025-11-28/hour=09", ["a"], ".tsv")


def test_the_temporary_area_is_per_run_and_outside_every_output():
    assert layout.temporary_dir("s3://bucket/lake/", "run1") == "s3://bucket/lake/_temporary/run1"
    assert layout.temporary_dir("/lake", layout.STREAMING_RUN) == "/lake/_temporary/streaming"
    first, second = (layout.temporary_path("/lake", "run1", ".json") for _ in range(2))
    assert first != second
    assert first.startswith("/lake/_temporary/run1/") and first.endswith(".json")
    assert layout.TEMPORARY not in layout.OUTPUTS


def test_finished_files_skip_hidden_temporary_and_foreign_files():
    good = layout.GOOD
    assert layout.finished_partition(good, "date=2025-11-28/hour=09/part-a-000.parquet") == "date=2025-11-28/hour=09"
    assert layout.finished_partition(good, "date=2025-11-28/hour=09/part-a-000.tsv") == "date=2025-11-28/hour=09"
    assert layout.finished_partition(layout.RAW_BAD, "date=2025-11-28/hour=09/x.json") == "date=2025-11-28/hour=09"
    for relative in ("date=2025-11-28/hour=09/.part-a-000.parquet", "date=2025-11-28/hour=09/_part.parquet",
                     "date=2025-11-28/hour=09/part-a-000.json", "date=2025-11-28/part-a-000.parquet",
                     "other/hour=09/part-a-000.parquet", "date=2025-11-28/hour=09/deeper/part-a-000.parquet"):
        assert layout.finished_partition(good, relative) is None, relative
    assert layout.finished_partition(layout.ENRICHED_BAD, "date=2025-11-28/hour=09/x.json.gz") is None
    assert layout.finished_partition(layout.ENRICHED_BAD, "date=2025-11-28/hour=09/x.json.gz",
                                     (".json", ".json.gz")) == "date=2025-11-28/hour=09"


def test_listing_a_local_lake(tmp_path):
    partition = tmp_path / "good" / "date=2025-11-28" / "hour=09"
    partition.mkdir(parents=True)
    for name in ("part-a-000.parquet", "stream-x.tsv", ".hidden.parquet", "notes.txt"):
        (partition / name).write_bytes(b"1234")
    (tmp_path / "_temporary" / "run1").mkdir(parents=True)
    (tmp_path / "_temporary" / "run1" / "x.parquet").write_bytes(b"1")
    (tmp_path / "good" / "loose.parquet").write_bytes(b"1")
    files = layout.list_finished_files(tmp_path, layout.GOOD)
    assert [(f.output, f.partition, f.path, f.size) for f in files] == [
        ("good", "date=2025-11-28/hour=09", str(partition / "part-a-000.parquet"), 4),
        ("good", "date=2025-11-28/hour=09", str(partition / "stream-x.tsv"), 4),
    ]
    assert [f.path for f in layout.list_finished_files(tmp_path, layout.GOOD, (".parquet",))] == [
        str(partition / "part-a-000.parquet")]
    assert layout.list_finished_files(tmp_path, layout.RAW_BAD) == []


def test_the_layout_imports_neither_beam_nor_pyarrow():
    """The report and warehouse extras read the layout without installing Beam."""
    code = ("import sys; import snowplow_beam.lake.layout; "
            "print(sorted(m for m in ('apache_beam', 'pyarrow') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"
