#!/usr/bin/env python3
"""Check a land-plot queue's public ledger yourself (e-RGIS of the Taraz akimat).

Needs only Python 3 and its standard library: read it before you run it. Usage:

    python3 ledger_verify.py https://<portal>/api/queues/taraz-izhs/ledger.jsonl
    python3 ledger_verify.py taraz-izhs-ledger.jsonl --roots roots.json

Given a web address, the roots come from beside it (.../roots) unless --roots is given.
Give --roots a copy you saved earlier to check against roots that nobody could have
changed since. Exit status: 0 intact, 1 problems found, 2 the input could not be read.

The rule (docs/ledger.md): each line is one entry. Without its "previous_hash" and
"entry_hash", written as JSON with sorted keys, no spaces and UTF-8 text as is, it is the
entry's public form, and

    entry_hash = sha256(previous_hash + "\\n" + public form)

The first entry's previous_hash is 64 zeros; every other entry's is the entry_hash of the
entry before it. A root published for a day (its sequence and root_hash) is extended when
the chain recomputed from the first entry reaches root_hash at that sequence.
"""

import argparse
import hashlib
import json
import sys
import urllib.request

GENESIS = "0" * 64
SHOWN = 100  # problems printed; all are counted


def is_address(source):
    return source.startswith(("https://", "http://"))


def read_lines(source):
    if is_address(source):
        response = urllib.request.urlopen(source)  # noqa: S310 (http(s) only, checked above)
        return (line.decode("utf-8") for line in response)
    return open(source, encoding="utf-8")  # noqa: SIM115 (read lazily, line by line)


def read_roots(source):
    if is_address(source):
        with urllib.request.urlopen(source) as response:  # noqa: S310 (http(s) only)
            return json.load(response)
    with open(source, encoding="utf-8") as handle:
        return json.load(handle)


def entry_hash(previous_hash, form):
    text = json.dumps(form, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((previous_hash + "\n" + text).encode("utf-8")).hexdigest()


def verify(lines, roots):
    """Recompute the chain line by line; return (problems, entries, head, roots not extended)."""
    wanted = {int(root["sequence"]) for root in roots}
    reached = {}  # position -> the chain's hash there, recomputed from the first entry
    problems = []
    chain = stored_before = GENESIS
    before = position = 0  # the sequence of the line before; lines read
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        entry = json.loads(line)
        previous, stored = entry.pop("previous_hash"), entry.pop("entry_hash")
        sequence = entry["sequence"]
        position += 1
        if sequence != before + 1:
            problems.append(
                f"line {number}: entry {sequence} stands where entry {before + 1} should: "
                "entries were removed, moved or repeated"
            )
        elif previous != stored_before:
            problems.append(
                f"entry {sequence}: its previous_hash is not the hash of entry {sequence - 1}: "
                "one of the two was replaced"
            )
        own = entry_hash(previous, entry)
        if own != stored:
            problems.append(f"entry {sequence}: changed: it no longer matches its entry_hash")
        chain = own if chain == previous else entry_hash(chain, entry)
        if position in wanted:
            reached[position] = chain
        stored_before, before = stored, sequence
    broken = [root for root in roots if reached.get(int(root["sequence"])) != root["root_hash"]]
    return problems, position, (before, stored_before), broken


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ledger", help="ledger.jsonl: a file or its web address")
    parser.add_argument("--roots", help="roots (JSON list): a file or its web address")
    arguments = parser.parse_args(argv)
    roots_source = arguments.roots
    if roots_source is None and is_address(arguments.ledger):
        roots_source = arguments.ledger.rsplit("/", 1)[0] + "/roots"
    try:
        roots = read_roots(roots_source) if roots_source else []
        problems, entries, (head, head_hash), broken = verify(read_lines(arguments.ledger), roots)
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"cannot read the ledger or the roots: {error!r}", file=sys.stderr)
        return 2
    for problem in problems[:SHOWN]:
        print(problem)
    if len(problems) > SHOWN:
        print(f"... and {len(problems) - SHOWN} more problems")
    for root in broken:
        print(
            f"root of {root['day']} (entry {root['sequence']}, {root['root_hash']}): "
            "NOT extended by this chain"
        )
    print(f"entries: {entries}; head: entry {head}, hash {head_hash}")
    if not roots_source:
        print("no roots given: only the chain itself was checked")
    else:
        print(f"roots extended: {len(roots) - len(broken)} of {len(roots)}")
    if problems or broken:
        print(f"NOT INTACT: {len(problems)} problems, {len(broken)} roots not extended")
        return 1
    print("INTACT")
    return 0


if __name__ == "__main__":
    sys.exit(main())
