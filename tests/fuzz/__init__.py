"""Fuzzing the readers (issue #6): no input crashes a reader, takes more than 5 s per MB, or uses more than 1 GiB.

## The contract

For any bytes and any format, ``gongkai.readers.read(data, format=…, name=…)`` (and the sniffer,
``gongkai.readers.sniff``) either

* gives a ``Report`` (or, for ``sniff``, a format name), or
* raises gongkai's own error — a ``gongkai.errors.GongkaiError`` (``ReadError``, ``HostileInput``,
  ``UnsupportedFormat``…) whose one-line message starts with the file's name;

never any other exception, never more than 5 s of CPU for a 1 MB input (5 s per MB above that), never more than
1 GiB of memory. Every fuzz input is read in a fresh child of a fork server (``tests/fuzz/worker.py``) under
``RLIMIT_AS`` = 1 GiB with a hang timeout; the child's CPU time and peak RSS come from ``wait4``, so the bounds are
measured, not assumed. A ``MemoryError`` anywhere under the error (the limit was hit, then turned into
``HostileInput``) fails the contract too.

## What is generated

``tests/fuzz/strategies.py``: mutated real files from ../shared and rendered reports (bit flips, truncation,
splices of two files, inserted huge numbers, control characters, broken multi-byte sequences, deep nesting),
generated HTML, DOCX, text/Markdown/crawler text and PDFs, and report-model JSON. ``test_hostile_files.py`` holds
one named test per kind of hostile file (ZIP bombs, entity expansion and XXE, path traversal, huge images,
malformed encodings).

## Running

The test command runs a small derandomized profile (the same inputs every run, about a minute of CPU):

    .venv/bin/pytest tests/fuzz

Deeper, random runs by hand (every property with N examples; failures are kept in ``.hypothesis/``):

    GONGKAI_FUZZ_EXAMPLES=5000 .venv/bin/pytest tests/fuzz -p no:cacheprovider

``-s`` prints the measured bounds (inputs, worst CPU time, peak RSS) at the end of the session.
"""
