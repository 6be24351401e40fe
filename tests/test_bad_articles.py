"""Reading articles safely: encodings as news desks save them, size limits, folders and links.

Every bad article is one line on stderr naming it, exit status 2, and an output folder left
exactly as it was.
"""

import csv
import gzip
import json
import os
import random
import shutil
import socket
import zipfile
from pathlib import Path

import pytest
from conftest import invented_theatre
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictmap.geo.articles import LIMIT_VARIABLE, TOTAL_VARIABLE, NoDateError, read_article, read_text
from conflictmap.geo.cli import main
from conflictmap.geo.errors import InputError

HEADER = " date 2017-10-17\n"
GOOD = HEADER + "VELMORA - The army captured Naim Square from the insurgents on Tuesday.\n"
# Reports as desks in other languages file them, each in its own code page.
ARABIC = ("سيطرت قوات الجيش على دوار النعيم في مدينة فيلمورا يوم الثلاثاء بعد معارك عنيفة "
          "مع المسلحين، وقال مصدر عسكري إن الاشتباكات استمرت حتى المساء.\n")
FRENCH = ("L'armée a pris la place Naïm mardi, après des combats acharnés ; le café d'en face "
          "était fermé, a précisé un témoin à l'hôpital.\n")
RUSSIAN = ("Армия заняла площадь Наим во вторник после ожесточённых боёв, сообщил военный "
           "источник; бои продолжались до вечера.\n")
# Readings a wrong code page gives them: a combining accent (CP1258), a superscript in a word
# (CP1257), Hebrew as capitals of KOI8-R.
OTHERS = {
    "cp1252": "L'esercito ha preso la piazza martedì, dopo combattimenti; la città è distrutta.\n",
    "cp1250": "Armia zajęła we wtorek plac po ciężkich walkach; mieszkańcy uciekli, powiedział rzecznik.\n",
    "cp1255": "הצבא כבש את הכיכר ביום שלישי לאחר קרבות קשים, אמר דובר צבאי.\n",
    "cp1253": "Ο στρατός κατέλαβε την πλατεία την Τρίτη μετά από σφοδρές μάχες.\n",
    "cp1254": "Ordu salı günü meydanı ele geçirdi; şiddetli çatışmaların ardından siviller kaçtı.\n",
}
AR_SQUARE = "دوار النعيم"
PLACES = [("velmora", "Velmora", "city", None, 39.0, 35.95),
          ("naim", "Naim Square", "square", "velmora", 39.01, 35.951)]


@pytest.fixture(scope="module")
def theatre(tmp_path_factory):
    """An invented city whose square the gazetteer also knows by its Arabic name."""
    d = tmp_path_factory.mktemp("theatre")
    _, actors = invented_theatre(d, [])
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [p[4], p[5]]},
              "properties": {"id": p[0], "name": p[1], "kind": p[2], "parent": p[3], "source": "invented",
                             **({"aliases": [AR_SQUARE]} if p[0] == "naim" else {})}}
             for p in PLACES]
    gaz = d / "g.geojson"
    gaz.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False), "utf-8")
    return gaz, actors


@pytest.fixture(scope="module")
def previous(tmp_path_factory, theatre):
    """The output folder of an earlier good build, which a failed build must leave alone."""
    d = tmp_path_factory.mktemp("previous")
    (d / "good.txt").write_text(GOOD, "utf-8")
    out = d / "out"
    assert _build(theatre, [d / "good.txt"], out) == 0
    return out


def _build(theatre, articles, out, fmt="csv,geojson"):
    gaz, actors = theatre
    return main(["build", *map(str, articles), "--gazetteer", str(gaz), "--actors", str(actors),
                 "--out", str(out), "--format", fmt, "-q"])


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(folder)): (p.stat().st_mode, p.read_bytes() if p.is_file() else b"")
            for p in sorted(folder.rglob("*"))}


# --- the bad inputs: each writes its case into ``d`` and returns (arguments, the name the error gives)

def _file(name: str, data: bytes):
    def make(d: Path):
        (d / name).write_bytes(data)
        return [d / name], name
    return make


def _named(name: str, make_entry):
    """A bad entry named on the command line."""
    def make(d: Path):
        make_entry(d / name)
        return [d / name], name
    return make


def _in_folder(name: str, make_entry):
    """The same bad entry met in a folder of otherwise good articles."""
    def make(d: Path):
        folder = d / "reports"
        folder.mkdir()
        (folder / "a_good.txt").write_text(GOOD, "utf-8")
        make_entry(folder / name)
        return [folder], name
    return make


def _zip(d: Path):
    with zipfile.ZipFile(d / "report.txt", "w") as z:
        z.writestr("word/document.xml", "<w:document>The army took the square.</w:document>")
    return [d / "report.txt"], "report.txt"


def _loop(path: Path):
    os.symlink(path.with_name("other.txt"), path)
    os.symlink(path, path.with_name("other.txt"))


def _fifo(path: Path):
    os.mkfifo(path)


def _socket(d: Path):
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(d / "s.txt"))
    s.close()  # the socket file stays
    return [d / "s.txt"], "s.txt"


def _sparse(d: Path):
    with open(d / "huge.txt", "wb") as f:  # larger than the default limit, on no disk space
        f.truncate(21 * 2**20)
    return [d / "huge.txt"], "huge.txt"


def _env_limit(d: Path):
    (d / "big.txt").write_text(GOOD + "The army held the square.\n" * 100, "utf-8")
    os.environ[LIMIT_VARIABLE] = "1000"
    return [d / "big.txt"], "big.txt"


def _env_total(d: Path):
    for name in ("a.txt", "b.txt"):
        (d / name).write_text(GOOD + "The army held the square.\n" * 40, "utf-8")
    os.environ[TOTAL_VARIABLE] = "1500"  # each is under it, the two are not
    return [d / "a.txt", d / "b.txt"], "b.txt"


def _env_bad(d: Path):
    (d / "a.txt").write_text(GOOD, "utf-8")
    os.environ[LIMIT_VARIABLE] = "lots"
    return [d / "a.txt"], LIMIT_VARIABLE


def _self_link_folder(d: Path):
    os.symlink(d / "reports", d / "reports")
    return [d / "reports"], "reports"


def _subfolder_link(d: Path):
    folder = d / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, "utf-8")
    os.symlink(".", folder / "again.txt")  # a link back into the folder: read once, never walked
    return [folder], "again.txt"


def _no_txt(d: Path):
    (d / "reports").mkdir()
    (d / "reports" / "notes.md").write_text(GOOD, "utf-8")
    return [d / "reports"], "reports"


def _bad_name(d: Path):
    folder = d / "reports"
    folder.mkdir()
    fd = os.open(os.fsencode(folder) + b"/caf\xe9.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, GOOD.encode())
    os.close(fd)
    return [folder], "caf"


def _unreadable_folder(d: Path):
    folder = d / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, "utf-8")
    folder.chmod(0)
    return [folder], "reports"


def _unreadable_file(d: Path):
    (d / "secret.txt").write_text(GOOD, "utf-8")
    (d / "secret.txt").chmod(0)
    return [d / "secret.txt"], "secret.txt"


def _unsearchable_folder(d: Path):
    folder = d / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, "utf-8")
    folder.chmod(0o644)  # its names can be listed, its files not opened
    return [folder], "a.txt"


def _unprivileged() -> list[str]:
    """A command prefix under which permissions hold, root's too (root minus its right to ignore them)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("root reads whatever the permissions say, and setpriv is not installed")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]
NOISE = random.Random(7).randbytes(4096)

BAD = [
    pytest.param(_zip, id="docx-like zip"),
    pytest.param(_file("r.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), id="pdf"),
    pytest.param(_file("r.txt", gzip.compress(GOOD.encode(), mtime=0)), id="gzip"),
    pytest.param(_file("r.txt", b"\x89PNG\r\n\x1a\n" + NOISE[:64]), id="png"),
    pytest.param(_file("r.txt", GOOD.encode() + b"\x00\x01\x02 trailing junk"), id="nul bytes"),
    pytest.param(_file("r.txt", NOISE), id="random bytes"),
    pytest.param(_file("r.txt", bytes(b for b in NOISE if b)), id="random bytes without NUL"),
    pytest.param(_file("r.txt", HEADER.encode() + bytes(range(1, 9)) * 40 + b" text"), id="control chars"),
    pytest.param(_file("r.txt", b"\xff\xfe" + b"\x00\x00" * 40), id="utf-16 of NULs"),
    pytest.param(_file("r.txt", b""), id="empty"),
    pytest.param(_file("r.txt", HEADER.encode()), id="date line only"),
    pytest.param(_sparse, id="over the default size limit"),
    pytest.param(_env_limit, id="over a limit from the environment"),
    pytest.param(_env_total, id="over the limit of all articles together"),
    pytest.param(_env_bad, id="limit variable not a size"),
    pytest.param(lambda d: ([d / "absent.txt"], "absent.txt"), id="missing file"),
    pytest.param(_named("a.txt", _loop), id="link loop"),
    pytest.param(_in_folder("loop.txt", _loop), id="link loop in folder"),
    pytest.param(_named("a.txt", lambda p: os.symlink(p.with_name("gone.txt"), p)), id="dangling link"),
    pytest.param(_in_folder("dangling.txt", lambda p: os.symlink(p.with_name("gone.txt"), p)),
                 id="dangling link in folder"),
    pytest.param(_named("p.txt", _fifo), id="named pipe"),
    pytest.param(_in_folder("pipe.txt", _fifo), id="named pipe in folder"),
    pytest.param(_socket, id="socket"),
    pytest.param(lambda d: ([Path("/dev/zero")], "/dev/zero"), id="device"),
    pytest.param(_in_folder("sub.txt", lambda p: p.mkdir()), id="folder named .txt"),
    pytest.param(_self_link_folder, id="folder linked to itself"),
    pytest.param(_subfolder_link, id="link back into the folder"),
    pytest.param(_no_txt, id="folder without .txt"),
    pytest.param(_bad_name, id="file name not UTF-8"),
    pytest.param(_in_folder("articles.csv", lambda p: os.symlink(p.with_name("gone.csv"), p)),
                 id="metadata table a dangling link"),
    pytest.param(_in_folder("metadata.csv", _fifo), id="metadata table a named pipe"),
    pytest.param(_in_folder("articles.csv", lambda p: p.write_text("file,title\na_good.txt," + "x" * 2**18)),
                 id="metadata cell past the csv limit"),
]


@pytest.mark.parametrize("make", BAD)
def test_a_bad_article_is_one_line_and_leaves_the_output_alone(make, tmp_path, theatre, previous,
                                                               capsys, monkeypatch):
    monkeypatch.setenv(LIMIT_VARIABLE, "")  # the default limits; a case may set them, undone after
    monkeypatch.setenv(TOTAL_VARIABLE, "")
    out = tmp_path / "out"
    shutil.copytree(previous, out, symlinks=True)
    before = _snapshot(out)
    work = tmp_path / "in"
    work.mkdir()
    args, named = make(work)
    try:
        capsys.readouterr()
        status = _build(theatre, args, out)
        err = capsys.readouterr().err
    finally:
        for p in [work, *work.rglob("*")]:  # give back what a case locked, so tmp_path can go
            if not p.is_symlink():
                p.chmod(0o755)
    assert status == 2, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("conflictmap: error: ") and named in lines[0], err
    assert "Traceback" not in err
    assert _snapshot(out) == before


# --- encodings read right

@pytest.mark.parametrize("text,codec,recorded", [
    (ARABIC, "cp1256", "cp1256"),
    (FRENCH, "cp1252", "cp1252"),
    (RUSSIAN, "cp1251", "cp1251"),
    (FRENCH, "utf-8", "utf-8"),
    (ARABIC, "utf-8-sig", "utf-8-sig"),
    (RUSSIAN, "utf-16", "utf-16"),        # with its byte-order mark (little-endian here)
    (ARABIC, "utf-16-le", "utf-16-le"),   # without one: told by where the NUL bytes fall
    (FRENCH, "utf-32", "utf-32"),
    *((text, codec, codec) for codec, text in OTHERS.items()),
])
def test_reports_read_in_the_encoding_they_were_saved_in(tmp_path, text, codec, recorded):
    path = tmp_path / "r.txt"
    path.write_bytes((HEADER + text.replace("\n", "\r\n")).encode(codec))
    art = read_article(path)
    assert art.text == "\n" + text  # the body keeps the date line's line end
    assert art.encoding == recorded and art.warnings == ()


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_mark_in_a_script_with_few_nul_bytes(tmp_path, codec):
    path = tmp_path / "r.txt"
    path.write_bytes(ARABIC.encode(codec))  # only its spaces and full stop have a NUL byte
    read = read_text(path)
    assert read.text == ARABIC and read.encoding == codec


def test_big_endian_utf16_with_its_mark(tmp_path):
    path = tmp_path / "r.txt"
    path.write_bytes(b"\xfe\xff" + (HEADER + RUSSIAN).encode("utf-16-be"))
    assert read_article(path).text == "\n" + RUSSIAN


def test_a_stray_byte_in_utf8_is_one_replacement_and_a_warning_with_its_offset(tmp_path):
    head, tail = (HEADER + FRENCH).encode("utf-8"), b" Fin.\n"
    path = tmp_path / "r.txt"
    path.write_bytes(head + b"\x92" + tail)  # a Windows quote pasted into UTF-8 text
    art = read_article(path)
    assert art.encoding == "utf-8"
    assert art.text == "\n" + FRENCH + "\ufffd Fin.\n"  # the accents stay accents: no "Ã©"
    assert len(art.warnings) == 1
    assert str(path) in art.warnings[0] and f"byte offset {len(head)} " in art.warnings[0]


def test_several_stray_bytes_are_counted(tmp_path):
    path = tmp_path / "r.txt"
    path.write_bytes((HEADER + FRENCH).encode() + b"\xff x \xfe y \xc3\n")
    art = read_article(path)
    assert art.text.count("\ufffd") == 3
    assert "3 places" in art.warnings[0]


def test_the_size_limit_comes_from_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "r.txt"
    path.write_text(GOOD, "utf-8")
    size = path.stat().st_size
    monkeypatch.setenv(LIMIT_VARIABLE, str(size))
    assert read_text(path).text == GOOD
    monkeypatch.setenv(LIMIT_VARIABLE, str(size - 1))
    with pytest.raises(InputError, match="r.txt"):
        read_text(path)
    monkeypatch.setenv(LIMIT_VARIABLE, "1K")
    assert read_text(path).encoding == "utf-8"


def test_an_arabic_name_in_a_cp1256_report_finds_its_place(tmp_path, theatre):
    body = "VELMORA - The army captured " + AR_SQUARE + " from the insurgents on Tuesday.\n"
    (tmp_path / "a.txt").write_bytes((HEADER + body + ARABIC).encode("cp1256"))
    (tmp_path / "b.txt").write_text(GOOD, "utf-8")
    out = tmp_path / "out"
    assert _build(theatre, [tmp_path / "a.txt", tmp_path / "b.txt"], out, fmt="csv") == 0
    with open(out / "mentions.csv", newline="", encoding="utf-8") as f:
        found = [r for r in csv.DictReader(f) if r["article"] == "a.txt" and r["place"] == "naim"]
    assert found and found[0]["text"] == AR_SQUARE
    with open(out / "claims.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[-1] == "encoding"
    assert {r["article"]: r["encoding"] for r in rows} == {"a.txt": "cp1256", "b.txt": "utf-8"}


def test_hidden_files_in_a_folder_are_not_articles(tmp_path):
    from conflictmap.geo.pipeline import read_articles

    (tmp_path / "a.txt").write_text(GOOD, "utf-8")
    (tmp_path / "._a.txt").write_bytes(b"\x00\x05\x16\x07" + NOISE[:200])  # what a Mac copy leaves
    assert [a.name for a in read_articles([tmp_path])] == ["a.txt"]


# --- whatever the bytes, a documented answer

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=600),
                 st.builds(lambda t, c: (HEADER + t).encode(c, "replace"), st.text(max_size=200),
                           st.sampled_from(["utf-8", "utf-16", "cp1252", "cp1256", "cp1251"]))))
def test_any_bytes_give_an_article_or_an_input_error(tmp_path, raw):
    path = tmp_path / "x.txt"
    path.write_bytes(raw)
    try:
        art = read_article(path)
    except (InputError, NoDateError) as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(path))
        return
    assert art.text.strip() and "\x00" not in art.text and "\r" not in art.text
    art.text.encode("utf-8")  # no lone surrogates for the writers to choke on


# Text without control characters or line separators, as a desk would type it.
TYPED = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=200)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TYPED.filter(lambda t: t.strip()), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_unicode_text_comes_back_as_written(tmp_path, text, codec):
    path = tmp_path / "x.txt"
    path.write_bytes((HEADER + "\n" + text).encode(codec))
    art = read_article(path)
    assert art.text.lstrip("\n") == text.lstrip("\n") and art.encoding == codec


@pytest.mark.parametrize("make", [pytest.param(_unreadable_folder, id="unreadable folder"),
                                  pytest.param(_unreadable_file, id="unreadable file"),
                                  pytest.param(_unsearchable_folder, id="folder without search right")])
def test_what_cannot_be_read_is_said_with_its_reason(make, tmp_path, theatre, previous):
    import subprocess
    import sys

    out = tmp_path / "out"
    shutil.copytree(previous, out, symlinks=True)
    before = _snapshot(out)
    work = tmp_path / "in"
    work.mkdir()
    args, named = make(work)
    gaz, actors = theatre
    try:
        run = subprocess.run([*_unprivileged(), sys.executable, "-m", "conflictmap", "build", *map(str, args),
                              "--gazetteer", str(gaz), "--actors", str(actors), "--out", str(out)],
                             capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    finally:
        for p in [work, *work.iterdir()]:
            p.chmod(0o755)
    err = run.stderr.decode("utf-8")
    assert run.returncode == 2 and len(err.splitlines()) == 1, err
    assert named in err and "permission denied" in err and "no .txt" not in err, err
    assert _snapshot(out) == before


@pytest.mark.parametrize("make", [pytest.param(_bad_name, id="file name not UTF-8"),
                                  pytest.param(_in_folder("pipe.txt", _fifo), id="named pipe in folder")])
def test_the_command_says_one_line_in_a_real_process(make, tmp_path, theatre):
    import subprocess
    import sys

    work = tmp_path / "in"
    work.mkdir()
    args, named = make(work)
    gaz, actors = theatre
    run = subprocess.run([sys.executable, "-m", "conflictmap", "build", *map(str, args),
                          "--gazetteer", str(gaz), "--actors", str(actors), "--out", str(tmp_path / "out")],
                         capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    err = run.stderr.decode("utf-8")
    assert run.returncode == 2 and len(err.splitlines()) == 1 and named in err, err
    assert not (tmp_path / "out").exists()
