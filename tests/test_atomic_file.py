"""etl/atomic_file.py: the one writer that replaces an output file whole or not at all."""

import os

import pytest

from etl.atomic_file import replacing


def test_text_and_bytes_replace_the_file_whole(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("old\n")
    with replacing(out) as stream:
        stream.write("caf\u00e9\r\nnext\n")
    assert out.read_bytes() == "caf\u00e9\r\nnext\n".encode("utf-8")  # UTF-8, newlines as written
    with replacing(out, "wb") as stream:
        stream.write(b"%PDF")
    assert out.read_bytes() == b"%PDF"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_failed_block_leaves_the_file_as_it_was(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("the previous result\n")
    with pytest.raises(RuntimeError), replacing(out) as stream:
        stream.write("half")
        raise RuntimeError("interrupted")
    assert out.read_text() == "the previous result\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_new_file_has_the_mode_open_gives(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    with replacing(tmp_path / "r.html", "wb") as stream:
        stream.write(b"x")
    assert (tmp_path / "r.html").stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("kept", [0o640, 0o600, 0o664])
def test_a_replaced_file_keeps_its_permissions(tmp_path, kept):
    """A nightly report kept from others (0640) became readable by all (0644, the umask's) when
    the run replaced it; through a link too, the linked file's bits are kept."""
    umask = os.umask(0o022)
    try:
        for out in (tmp_path / "report.csv", tmp_path / "link.csv"):
            target = tmp_path / "report.csv"
            target.write_text("last night\n")
            target.chmod(kept)
            if out.name == "link.csv" and not out.exists():
                out.symlink_to(target)
            with replacing(out) as stream:
                stream.write("tonight\n")
            assert target.read_text() == "tonight\n" and target.stat().st_mode & 0o7777 == kept
    finally:
        os.umask(umask)


def test_a_device_is_written_directly():
    with replacing("/dev/null") as stream:
        stream.write("nothing")
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


def test_a_missing_folder_names_the_file(tmp_path):
    with pytest.raises(OSError, match="cannot write here") as err:
        with replacing(tmp_path / "no" / "out.csv"):
            pass
    assert err.value.filename == str(tmp_path / "no" / "out.csv")


def test_two_writers_of_one_path_in_one_process_each_write_whole(tmp_path):
    """Each writer has a temporary file of its own (classify's writer once named it by the
    process id alone, so a second writer truncated the first's and the first's rename failed)."""
    out = tmp_path / "out.csv"
    with replacing(out) as first:
        first.write("first\n")
        with replacing(out) as second:
            second.write("second\n")
        assert out.read_text() == "second\n"
        first.write("first again\n")
    assert out.read_text() == "first\nfirst again\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


@pytest.mark.parametrize("link_to", ["/proc/self/fd/{fd}", "/dev/fd/{fd}"])
def test_a_path_naming_an_open_descriptor_is_written_through_it(tmp_path, link_to):
    """`classify --out /dev/stdout > out.csv`: /dev/stdout is a link to /proc/self/fd/1, which
    stat finds a regular file; the rename wrote the result beside it, out.csv stayed empty and
    the link became a file (as root, /dev/stdout itself). A link in tmp_path stands in for it,
    so the test cannot touch /dev; the redirection's mode (append) is kept."""
    redirected = tmp_path / "redirected.csv"
    redirected.write_text("earlier\n")
    link = tmp_path / "stdout"
    with open(redirected, "a") as shell_redirection:
        link.symlink_to(link_to.format(fd=shell_redirection.fileno()))
        with replacing(link) as stream:
            stream.write("result\n")
        os.write(shell_redirection.fileno(), b"still open\n")
    assert redirected.read_text() == "earlier\nresult\nstill open\n"
    assert link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["redirected.csv", "stdout"]


def test_a_path_naming_a_closed_descriptor_is_said_to_be_closed(tmp_path):
    """`classify --out - >&-` (or --out /dev/fd/7 with no 7 open) read '[Errno 9] Bad file
    descriptor', naming no file."""
    closed = os.open(tmp_path / "gone", os.O_WRONLY | os.O_CREAT)
    os.close(closed)
    link = tmp_path / "stdout"
    link.symlink_to(f"/proc/self/fd/{closed}")
    with pytest.raises(OSError) as raised:
        with replacing(link) as stream:
            stream.write("result\n")
    assert raised.value.filename == str(link) and raised.value.strerror.startswith("not open, so the output")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gone", "stdout"]


def test_a_link_to_a_file_replaces_that_file_and_stays_a_link(tmp_path):
    """`--out report.html`, report.html a link into a shared folder: the rename swapped the link
    for a file, and the shared copy stayed as it was."""
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "report.html").write_text("last week\n")
    link = tmp_path / "report.html"
    link.symlink_to(shared / "report.html")
    with replacing(link) as stream:
        stream.write("this week\n")
    assert link.is_symlink() and (shared / "report.html").read_text() == "this week\n"
    assert sorted(p.name for p in shared.iterdir()) == ["report.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "shared"]
