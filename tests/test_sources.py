"""Reading raw files in ranges: every line once, whatever the split points, as a whole read gives them."""
from __future__ import annotations

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to
from hypothesis import given, settings
from hypothesis import strategies as st

from snowplow_beam.runners import prepare_runner
from snowplow_beam.beam_pipeline.sources import ReadLines, file_ranges, read_lines
from snowplow_beam.transforms.badrows import Unreadable

_LINE = st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"").replace(b"\r", b""))


def _ranged(path, size: int, split: int, max_line: int = 1000) -> list:
    return [line for _, start, end in file_ranges(str(path), size, split)
            for line in read_lines(str(path), max_line=max_line, start=start, end=end)]


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(_LINE, max_size=30), ends=st.lists(st.sampled_from([b"\n", b"\r\n"]), min_size=30, max_size=30),
       last=st.booleans(), split=st.integers(1, 64))
def test_ranges_give_every_line_once_in_order(tmp_path_factory, lines, ends, last, split):
    data = b"".join(line + end for line, end in zip(lines, ends))
    if last and lines:
        data = data[:-len(ends[len(lines) - 1])]  # a last line without its line end
    expected = lines[:-1] if last and lines and not lines[-1] else lines  # an empty last line without its end: none
    path = tmp_path_factory.mktemp("ranges") / "raw.txt"
    path.write_bytes(data)
    assert _ranged(path, len(data), split) == list(read_lines(str(path))) == expected


def test_a_long_line_in_a_later_range_is_one_unreadable_record_at_its_byte(tmp_path):
    path = tmp_path / "raw.txt"
    data = b"a" * 10 + b"\n" + b"b" * 50 + b"\n" + b"c\n"
    path.write_bytes(data)
    read = _ranged(path, len(data), 8, max_line=20)
    assert read[0] == b"a" * 10 and read[2] == b"c" and len(read) == 3
    assert read[1] == Unreadable(str(path), 0, 11, "a line longer than 20 bytes")
    assert read[1].describe() == f"unreadable line in {path} at byte 11: a line longer than 20 bytes"


def test_compressed_and_small_files_are_one_range():
    assert file_ranges("s3://b/raw.gz", 10 << 30, 100) == [("s3://b/raw.gz", 0, None)]
    assert file_ranges("/raw.txt", 100, 100) == [("/raw.txt", 0, None)]
    assert file_ranges("/raw.txt", 250, 100) == [("/raw.txt", 0, 100), ("/raw.txt", 100, 200), ("/raw.txt", 200, 250)]


def test_read_lines_spreads_ranges_and_batches_them(tmp_path):
    lines = [f"line-{i:04d}".encode() for i in range(500)]
    (tmp_path / "raw.txt").write_bytes(b"\n".join(lines) + b"\n")
    with BeamTestPipeline(options=prepare_runner(PipelineOptions([]), unbounded=False)) as p:
        batches = p | ReadLines(str(tmp_path / "*.txt"), batch=64, split_bytes=1000)
        assert_that(batches | beam.FlatMap(lambda batch: batch), equal_to(lines), label="lines")
        assert_that(batches | beam.Map(len) | beam.CombineGlobally(max), equal_to([64]), label="batches")
