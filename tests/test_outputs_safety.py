"""The output folder is never half-replaced, builds of one folder take turns, failures are one line."""

import dataclasses
import errno
import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conflictmap.geo import pipeline
from conflictmap.geo.cli import main
from conflictmap.geo.errors import InputError
from conflictmap.geo.pipeline import OUTPUTS, build, bundled_theatre, load_inputs, read_theatre, write_outputs
from conflictmap.maps import formats as output_formats

DEMO = [sys.executable, "-m", "conflictmap", "demo", "-q", "--out"]


def _hashes(folder: Path) -> dict[str, str]:
    """Every file, folder and link under ``folder`` (hidden ones too) and what it holds."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = "link:" + os.readlink(path)
        elif path.is_dir():
            found[rel] = "folder"
        else:
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _leftovers(folder: Path) -> list[str]:
    """What a build left beside ``folder``: its temporary folders and lock file."""
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


def _demo(out: Path, *extra: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([*DEMO, str(out), *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kw)


def _finish(proc: subprocess.Popen) -> tuple[int, str]:
    _, err = proc.communicate(timeout=300)
    return proc.returncode, err


@pytest.fixture(scope="module")
def seeds_reading(seeds, seed_dates):
    arts, gaz, sides = load_inputs([seeds], dates=seed_dates)
    return read_theatre(arts, gaz, sides), gaz, sides


@pytest.fixture(scope="module")
def old_folder(tmp_path_factory, seeds_reading):
    """A complete earlier output: the seed reports' build, a day picture and a user's own file."""
    reading, gaz, sides = seeds_reading
    out = tmp_path_factory.mktemp("old") / "out"
    write_outputs(reading, gaz, sides, out)
    write_outputs(reading, gaz, sides, out, formats="png")
    (out / "notes.txt").write_text("kept by every build\n")
    return out


@pytest.fixture()
def old(tmp_path, old_folder):
    out = tmp_path / "out"
    shutil.copytree(old_folder, out, symlinks=True)
    return out


@pytest.fixture(scope="module")
def demo_over_old(tmp_path_factory, old_folder):
    """The folder a complete demo build makes on top of the old one."""
    out = tmp_path_factory.mktemp("new") / "out"
    shutil.copytree(old_folder, out, symlinks=True)
    assert _finish(_demo(out)) == (0, "")
    return _hashes(out)


def test_old_and_new_differ_so_the_kill_tests_can_tell(old_folder, demo_over_old):
    old = _hashes(old_folder)
    assert old != demo_over_old
    # The demo writes the default formats: the day pictures and the user's file are kept.
    assert old["notes.txt"] == demo_over_old["notes.txt"]
    pngs = {k for k in old if k.endswith(".png")}
    assert pngs and all(old[k] == demo_over_old[k] for k in pngs)
    assert old["claims.csv"] != demo_over_old["claims.csv"]


def test_every_file_a_build_writes_is_one_its_formats_replace(tmp_path, seeds_reading):
    # Otherwise a later build of that format would keep a stale file beside the new ones.
    reading, gaz, sides = seeds_reading
    out = write_outputs(reading, gaz, sides, tmp_path / "all", formats="all")
    declared = {p for patterns in OUTPUTS.values() for pattern in patterns for p in out.glob(pattern)}
    written = {p for p in out.rglob("*") if p.is_file()}
    assert written and written <= declared, sorted(map(str, written - declared))


def test_a_build_replaces_only_its_formats_and_keeps_the_folder_mode(old, seeds_reading):
    reading, gaz, sides = seeds_reading
    os.chmod(old, 0o750)
    before = _hashes(old)
    (old / "claims.csv").write_text("stale\n")
    (old / "unresolved.csv").unlink()
    write_outputs(reading, gaz, sides, old, formats="csv")
    assert _hashes(old) == before
    assert (old.stat().st_mode & 0o777) == 0o750
    assert _leftovers(old) == []


def test_a_new_folder_gets_the_umask_mode(tmp_path, seeds_reading):
    reading, gaz, sides = seeds_reading
    mask = os.umask(0o022)
    try:
        out = write_outputs(reading, gaz, sides, tmp_path / "fresh", formats="csv")
    finally:
        os.umask(mask)
    assert (out.stat().st_mode & 0o777) == 0o755  # not mkdtemp's 0700
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh"]


def test_two_renames_where_the_exchange_is_missing(old, old_folder, seeds_reading, monkeypatch):
    reading, gaz, sides = seeds_reading
    (old / "claims.csv").write_text("stale\n")
    swaps = []
    monkeypatch.setattr(pipeline, "_exchange", lambda new, out: swaps.append(out) and False)
    write_outputs(reading, gaz, sides, old, formats="csv")
    assert swaps == [old]
    assert _hashes(old) == _hashes(old_folder)  # the stale file rewritten, the rest kept
    assert _leftovers(old) == []


def test_a_link_to_a_folder_is_written_through(tmp_path, old, seeds_reading):
    reading, gaz, sides = seeds_reading
    link = tmp_path / "current"
    link.symlink_to(old.name)
    write_outputs(reading, gaz, sides, link, formats="csv")
    assert link.is_symlink() and link.resolve() == old.resolve()
    assert _leftovers(old) == []


def test_temporary_folders_of_killed_builds_are_removed(old, seeds_reading):
    reading, gaz, sides = seeds_reading
    dead = [old.parent / ".out.new-0123abcd", old.parent / ".out.old-deadbeef"]
    for d in dead:
        (d / "days").mkdir(parents=True)
        (d / "days" / "half.geojson").write_text("{")
    (old.parent / ".out.lock").write_text("")  # a killed build's lock file
    other = old.parent / ".outer.new-0123abcd"  # another folder's: not ours to remove
    other.mkdir()
    write_outputs(reading, gaz, sides, old, formats="csv")
    assert _leftovers(old) == []
    assert other.is_dir()


def _read_only(path: Path, fill) -> None:
    """Make ``path`` a folder no build may write into, after ``fill()`` has put files in it."""
    if os.geteuid() != 0:
        fill()
        os.chmod(path, 0o555)
        return
    # Root writes through permission bits: a read-only mount stops it too.
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(path)],
                      capture_output=True).returncode != 0:
        pytest.skip("root without mount cannot make a read-only folder")
    fill()
    subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)


def _unmount(path: Path) -> None:
    if os.path.ismount(path):
        subprocess.run(["umount", str(path)], check=True)
    else:
        os.chmod(path, 0o755)


def _bad_paths():
    """(name, set-up returning the --out path, the words the line must hold)."""
    def file(d):
        (d / "file.txt").write_text("x")
        return d / "file.txt"

    def under_file(d):
        return file(d) / "sub"

    def deep_under_file(d):
        return file(d) / "a" / "b"

    def dangling(d):
        (d / "gone").symlink_to(d / "nowhere")
        return d / "gone"

    def under_dangling(d):
        return dangling(d) / "sub"

    def loop(d):
        (d / "loop").symlink_to(d / "loop")
        return d / "loop"

    def long_name(d):
        return d / ("x" * 300)

    def long_parent(d):
        return d / ("y" * 300) / "out"

    def current(d):
        return Path(".")

    def root(d):
        return Path("/")

    return [
        ("a regular file", file, "not a folder"),
        ("under a regular file", under_file, "is a file, not a folder"),
        ("two folders under a regular file", deep_under_file, "is a file, not a folder"),
        ("a dangling link", dangling, "symbolic link to nothing"),
        ("under a dangling link", under_dangling, "symbolic link to nothing"),
        ("a link to itself", loop, "symbolic link to nothing"),
        ("a name too long", long_name, "File name too long"),
        ("a parent name too long", long_parent, "File name too long"),
        ("the current folder", current, "current folder"),
        ("the root folder", root, "root folder"),
    ]


@pytest.mark.parametrize("name,setup,words", _bad_paths(), ids=[c[0] for c in _bad_paths()])
def test_a_bad_out_path_is_one_input_error_before_any_work(tmp_path, monkeypatch, seeds_reading,
                                                          name, setup, words):
    reading, gaz, sides = seeds_reading
    monkeypatch.chdir(tmp_path)
    out = setup(tmp_path)
    before = sorted(os.listdir(tmp_path))
    calls = []
    monkeypatch.setattr(pipeline, "frames", lambda *a: calls.append(a))
    with pytest.raises(InputError) as err:
        write_outputs(reading, gaz, sides, out)
    assert err.value.path == str(out) and words in err.value.problem
    assert "\n" not in str(err.value)
    assert calls == []  # said before the frames are made
    assert sorted(os.listdir(tmp_path)) == before


@pytest.mark.parametrize("out,in_process", [("file.txt/sub", False), ("file.txt", True),
                                            ("gone", True)])
def test_the_command_says_a_bad_out_path_in_one_line(tmp_path, monkeypatch, capsys, out, in_process):
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    if in_process:
        monkeypatch.chdir(tmp_path)
        status, err = main(["demo", "-q", "--out", out]), capsys.readouterr().err
    else:
        res = subprocess.run([*DEMO, out], cwd=tmp_path, capture_output=True, text=True, timeout=300)
        status, err = res.returncode, res.stderr
    assert status == 2
    assert err.count("\n") == 1 and err.startswith(f"conflictmap: error: {out}: ")
    assert (tmp_path / "file.txt").read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "gone"]


@pytest.mark.parametrize("existing", [False, True], ids=["new folder", "existing folder"])
def test_a_read_only_parent_is_one_line_and_the_old_folder_stays(tmp_path, old_folder, seeds_reading,
                                                                existing):
    reading, gaz, sides = seeds_reading
    parent = tmp_path / "ro"
    parent.mkdir()
    _read_only(parent, lambda: existing and shutil.copytree(old_folder, parent / "out", symlinks=True))
    try:
        before = _hashes(parent)
        with pytest.raises(InputError) as err:
            write_outputs(reading, gaz, sides, parent / "out", formats="csv")
        assert err.value.path == str(parent / "out")
        assert err.value.problem == "cannot write: " + os.strerror(errno.EROFS if os.path.ismount(parent)
                                                                   else errno.EACCES)
        assert _hashes(parent) == before
    finally:
        _unmount(parent)


def _failing(monkeypatch, name: str, exc: BaseException) -> None:
    """Make the writer of format ``name`` write half a file, then raise ``exc``."""
    writer = output_formats.WRITERS[name]

    def half(out, folder):
        (Path(folder) / writer.files[0]).write_text("half")
        raise exc

    monkeypatch.setitem(output_formats.WRITERS, name, dataclasses.replace(writer, write=half))


def test_a_full_disk_is_one_line_and_the_old_folder_stays(old, seeds_reading, monkeypatch):
    reading, gaz, sides = seeds_reading
    before = _hashes(old)
    _failing(monkeypatch, "csv", OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    with pytest.raises(InputError) as err:
        write_outputs(reading, gaz, sides, old)
    assert str(err.value) == f"{old}: cannot write: No space left on device"
    assert _hashes(old) == before
    assert _leftovers(old) == []


def test_a_really_full_disk(tmp_path, old_folder, seeds_reading):
    # The old folder (2.5 MB) fills most of a 3 MB file system: the new one cannot fit.
    reading, gaz, sides = seeds_reading
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)],
                                           capture_output=True).returncode != 0:
        pytest.skip("no tmpfs to fill")
    try:
        shutil.copytree(old_folder, disk / "out", symlinks=True)
        before = _hashes(disk)
        with pytest.raises(InputError) as err:
            write_outputs(reading, gaz, sides, disk / "out", formats="all")
        assert err.value.problem == "cannot write: No space left on device"
        assert _hashes(disk) == before
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_ctrl_c_while_writing_leaves_the_old_folder(old, seeds_reading, monkeypatch, capsys):
    reading, gaz, sides = seeds_reading
    before = _hashes(old)
    _failing(monkeypatch, "gpkg", KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        write_outputs(reading, gaz, sides, old)
    assert _hashes(old) == before and _leftovers(old) == []
    assert main(["demo", "--out", str(old)]) == 130
    assert capsys.readouterr().err == "conflictmap: interrupted\n"
    assert _hashes(old) == before and _leftovers(old) == []


def test_an_os_error_no_reader_caught_is_one_line(tmp_path, monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", "/some/file")

    monkeypatch.setattr(pipeline, "build", refuse)
    assert main(["demo", "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == "conflictmap: error: /some/file: Permission denied\n"


def _hold_lock(out: Path) -> int:
    fd = os.open(out.parent / f".{out.name}.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_a_build_waits_for_the_lock_then_gives_up_in_one_line(old, seeds_reading, monkeypatch):
    reading, gaz, sides = seeds_reading
    before = _hashes(old)
    fd = _hold_lock(old)
    try:
        t0 = time.monotonic()
        with pytest.raises(InputError) as err:
            write_outputs(reading, gaz, sides, old, formats="csv", lock_timeout=0.5)
        assert time.monotonic() - t0 >= 0.5
        assert "another conflictmap build is writing this folder" in err.value.problem
        monkeypatch.setenv("CONFLICTMAP_LOCK_TIMEOUT", "0.2")
        with pytest.raises(InputError, match="waited 0.2 s"):
            write_outputs(reading, gaz, sides, old, formats="csv")
        assert _hashes(old) == before
    finally:
        os.close(fd)


def test_a_build_goes_on_when_the_lock_is_let_go(old, seeds_reading):
    reading, gaz, sides = seeds_reading
    fd = _hold_lock(old)
    threading.Timer(0.6, os.close, [fd]).start()
    t0 = time.monotonic()
    write_outputs(reading, gaz, sides, old, formats="csv", lock_timeout=30)
    assert time.monotonic() - t0 >= 0.6
    assert _leftovers(old) == []


def _new_folder(out: Path) -> Path | None:
    return next((p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.new-")), None)


def _signal_after(out: Path, sig: int, delay: float, when: str) -> tuple[int, str]:
    """Start the demo on ``out``; send ``sig`` ``delay`` s after it starts, or starts writing
    (its new folder appears), or is about to swap (the last format's last file appears)."""
    proc = _demo(out)
    deadline = time.monotonic() + 120
    while when != "start" and proc.poll() is None and time.monotonic() < deadline:
        new = _new_folder(out)
        if new is not None and (when == "writing" or (new / "unresolved.csv").exists()):
            break
        time.sleep(0.001)
    time.sleep(delay)
    proc.send_signal(sig)
    return _finish(proc)


KILLS = [(signal.SIGKILL, d, "start") for d in (0.5, 2.0)] + \
        [(signal.SIGKILL, d, "writing") for d in (0.0, 0.2)] + \
        [(signal.SIGKILL, d, "swapping") for d in (0.0, 0.02, 0.05)] + \
        [(signal.SIGINT, 1.0, "start"), (signal.SIGINT, 0.0, "writing")] + \
        [(signal.SIGINT, d, "swapping") for d in (0.0, 0.03)] + \
        [(signal.SIGTERM, 0.0, "writing"), (signal.SIGTERM, 0.01, "swapping")]


@pytest.mark.parametrize("sig,delay,when", KILLS, ids=[f"{s.name}-{w}+{d}s" for s, d, w in KILLS])
def test_a_killed_build_leaves_the_old_folder_or_the_new(old, old_folder, demo_over_old, sig, delay,
                                                        when):
    old_hashes = _hashes(old_folder)
    status, err = _signal_after(old, sig, delay, when)
    assert _hashes(old) in (old_hashes, demo_over_old), (status, err)
    if status == 0:  # the signal came after the work: it is all there
        assert _hashes(old) == demo_over_old
    if sig != signal.SIGKILL and status != 0 and (when != "start" or delay >= 1.0):
        # Past the interpreter's own start-up: one line, the shell's status, no traceback.
        assert (status, err) == ((130, "conflictmap: interrupted\n") if sig == signal.SIGINT
                                 else (143, "conflictmap: terminated\n"))
    if sig != signal.SIGKILL:
        assert [n for n in _leftovers(old) if ".new-" in n or ".old-" in n] == []
    # The next build is not tripped by what the killed one left.
    assert _finish(_demo(old)) == (0, "")
    assert _hashes(old) == demo_over_old and _leftovers(old) == []


def test_an_interrupted_two_rename_swap_puts_the_old_folder_back(old, old_folder, seeds_reading,
                                                                 monkeypatch):
    reading, gaz, sides = seeds_reading
    (old / "claims.csv").write_text("stale\n")
    before = _hashes(old)
    renames = []

    def rename(src, dst):
        renames.append((Path(src).name, Path(dst).name))
        if len(renames) == 2:  # between taking the old folder away and putting the new one
            raise KeyboardInterrupt
        os.replace(src, dst)

    monkeypatch.setattr(pipeline, "_exchange", lambda new, out: False)
    monkeypatch.setattr(pipeline.os, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        write_outputs(reading, gaz, sides, old, formats="csv")
    assert [r[1] for r in renames][:2] == [renames[0][1], "out"] and renames[2][1] == "out"
    monkeypatch.undo()
    assert _hashes(old) == before and _leftovers(old) == []


def test_concurrent_builds_end_as_one_of_them(tmp_path, seeds, seed_dates):
    afp = next(iter(seed_dates))
    demo = bundled_theatre()["articles"]
    tiles = "https://tiles.example/{z}/{x}/{y}.png"
    builds = {  # the command's arguments, and the same build in this process
        "demo": (["demo"], dict(articles=demo)),
        "tiles": (["demo", "--tiles", tiles], dict(articles=demo, tiles=tiles)),
        "seeds": (["build", str(seeds), f"--date={afp}=2017-10-16"],
                  dict(articles=[seeds], dates=seed_dates)),
        "one": (["build", str(seeds / afp), f"--date={afp}=2017-10-16"],
                dict(articles=[seeds / afp], dates=seed_dates)),
    }
    alone = {}
    for name, (_, kw) in builds.items():
        build(kw.pop("articles"), out_dir=tmp_path / name, **kw)
        alone[name] = _hashes(tmp_path / name)
    assert len({str(sorted(h.items())) for h in alone.values()}) == len(builds)
    shared = tmp_path / "shared"
    procs = [subprocess.Popen([sys.executable, "-m", "conflictmap", *args, "-q", "--out", str(shared)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for args, _ in builds.values()]
    assert [_finish(p) for p in procs] == [(0, "")] * len(builds)
    assert _hashes(shared) in list(alone.values())
    assert _leftovers(shared) == []


def test_the_api_writers_say_a_failed_write_in_one_line(tmp_path, seeds, seed_dates):
    from conflictmap.geo.controlmap import build

    battle = build([seeds], dates=seed_dates)
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(InputError, match="cannot write: "):
        battle.to_html(tmp_path / "file.txt" / "map.html")
    (tmp_path / "folder.html").mkdir()
    with pytest.raises(InputError, match="folder.html: cannot write: "):
        battle.to_html(tmp_path / "folder.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "folder.html"]
