"""Text encodings of shapefile DBFs: obey a .cpg, otherwise detect, and never guess silently.

Files from Kazakh offices are mostly cp1251 without a .cpg, sometimes cp866 (DOS tools)
or UTF-8, and Kazakh text may come in kz1048, which puts ә ғ қ ң ө ұ ү һ і where cp1251
has Serbian and Macedonian letters.
"""

import struct
from dataclasses import dataclass, field
from pathlib import Path

CANDIDATES = ("utf-8", "cp1251", "cp866", "kz1048")
# The names planners see in the encoding menu.
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "cp1251": "Windows-1251 (cp1251)",
    "cp866": "DOS 866 (cp866)",
    "kz1048": "Kazakh Windows (kz1048)",
}
_CPG_ALIASES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "65001": "utf-8",
    "1251": "cp1251",
    "cp1251": "cp1251",
    "windows-1251": "cp1251",
    "ansi 1251": "cp1251",
    "866": "cp866",
    "cp866": "cp866",
    "oem 866": "cp866",
    "1048": "kz1048",
    "kz1048": "kz1048",
    "kz-1048": "kz1048",
    "rk1048": "kz1048",  # what GDAL (iconv) writes
    "strk1048-2002": "kz1048",
}
_EXPECTED = set(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі"
    "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯӘҒҚҢӨҰҮҺІ"
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    " .,;:-–—_/()\"'«»№%+*=#&?!"
)
SAMPLE_RECORDS = 5000
# GDAL recodes shapefile text through iconv, which knows Python's kz1048 only as RK1048;
# given a name it does not know, it passes the bytes through undecoded.
_GDAL_NAMES = {"kz1048": "RK1048"}


@dataclass
class EncodingGuess:
    encoding: str
    declared: str | None  # what a .cpg says, if there is one
    certain: bool  # a .cpg that decodes cleanly, or text that is plain ASCII / valid UTF-8
    samples: dict[str, list[str]] = field(default_factory=dict)  # decoded text per candidate


def gdal_encoding(encoding: str | None) -> str | None:
    """The name GDAL reads and writes a shapefile encoding by."""
    return _GDAL_NAMES.get(encoding, encoding) if encoding else encoding


def cpg_read(dbf: Path) -> str | None:
    """The encoding a .cpg beside the DBF declares, normalised; None without a .cpg."""
    for sibling in dbf.parent.iterdir():
        if sibling.stem == dbf.stem and sibling.suffix.lower() == ".cpg":
            declared = sibling.read_text(encoding="ascii", errors="replace").strip().lower()
            return _CPG_ALIASES.get(declared, declared)
    return None


def dbf_text_samples(dbf: Path, limit: int = SAMPLE_RECORDS) -> list[bytes]:
    """Raw bytes of the field names and character values of the first records."""
    with open(dbf, "rb") as handle:
        header = handle.read(32)
        if len(header) < 32:
            return []
        records, header_length, record_length = struct.unpack("<IHH", header[4:12])
        descriptors = handle.read(max(header_length - 32, 0))
        fields = []  # (offset in record, length) of character fields
        names = []
        offset = 1  # the deletion flag
        for start in range(0, len(descriptors) - 31, 32):
            descriptor = descriptors[start : start + 32]
            if descriptor[0] == 0x0D:
                break
            names.append(descriptor[:11].split(b"\x00")[0])
            length = descriptor[16]
            if descriptor[11:12] in (b"C", b"M"):
                fields.append((offset, length))
            offset += length
        samples = [name for name in names if name]
        handle.seek(header_length)
        for _ in range(min(records, limit)):
            record = handle.read(record_length)
            if len(record) < record_length:
                break
            for start, length in fields:
                value = record[start : start + length].strip(b" \x00")
                if value:
                    samples.append(value)
    return samples


def _score(text: str) -> int:
    return sum(1 if char in _EXPECTED else -3 for char in text)


def text_encoding_guess(samples: list[bytes], declared: str | None = None) -> EncodingGuess:
    """Pick the encoding that makes the samples read as Kazakh, Russian or Latin text."""
    blob = b"\n".join(samples)
    decoded = {
        candidate: [sample.decode(candidate, errors="replace") for sample in samples[:200]]
        for candidate in CANDIDATES
    }
    if declared:
        try:
            blob.decode(declared)
            return EncodingGuess(declared, declared, True, decoded)
        except (UnicodeDecodeError, LookupError):
            pass  # the .cpg is wrong: fall through to detection, flagged as uncertain
    if blob.isascii():
        return EncodingGuess("utf-8", declared, declared is None, decoded)
    try:
        blob.decode("utf-8")
        return EncodingGuess("utf-8", declared, declared is None, decoded)
    except UnicodeDecodeError:
        pass
    scores = {
        candidate: _score(blob.decode(candidate, errors="replace"))
        for candidate in ("cp1251", "kz1048", "cp866")
    }
    # Ties go to cp1251, by far the most common in local offices.
    best = max(scores, key=lambda candidate: (scores[candidate], candidate == "cp1251"))
    return EncodingGuess(best, declared, False, decoded)


def dbf_encoding_guess(dbf: Path) -> EncodingGuess:
    """Obey a .cpg if the text decodes with it; otherwise detect among the candidates."""
    return text_encoding_guess(dbf_text_samples(dbf), cpg_read(dbf))
