"""Import a user file in a child process under a size, time and memory budget.

:func:`import_file_budgeted` runs :func:`layers.importers.import_file` in a child process
whose address space (``RLIMIT_AS``) and CPU time (``RLIMIT_CPU``) are capped and which the
caller kills when a wall-clock limit passes. A file that would take the server's memory or
CPU (a CSV with a million columns, a GeoJSON nested a million deep, a workbook of millions of
cells within the zip limits) is refused with ``"<file>: refused: parsing exceeded the 60 s /
1 GB parse budget (…)"``; the server itself never holds more than the parsed result, and
other sessions carry on while a child works.

Where the child comes from:

* In a single-threaded caller (the command line), the child is an ``os.fork()`` of the
  caller: no start-up cost and the gazetteer is shared copy-on-write.
* In a threaded caller (the Streamlit server, where forking a process with live threads is
  unsafe and ``multiprocessing``'s spawn/forkserver would run ``app.py`` again in the child:
  Streamlit installs the script as ``__main__``), a *zygote* is started once: ``python -m
  layers.importers.sandbox``, a single-threaded process that has imported the importers and
  forks one child per file. The gazetteer is pickled once per gazetteer object into a
  private temporary folder and loaded once by the zygote, so its children inherit it.

The child sends back its process id, then one pickled reply (the :class:`ImportResult`, or
the project error it raised) through a socket. The memory limit is the child's address space
when it starts plus the budget, so it bounds what parsing adds, whatever the libraries
already mapped. The child is a *budget* boundary, not a privilege boundary: it runs as the
same user with the same files.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.errors import IncidentMapError, InputFileError, ParseBudgetError

try:  # not on Windows: there the budget is the wall clock only
    import resource
except ImportError:  # pragma: no cover
    resource = None  # type: ignore[assignment]

__all__ = ["DEFAULT_BUDGET", "ParseBudget", "import_file_budgeted", "stop_zygote"]

_HEADER = struct.Struct("!Q")
_GRACE_S = 2.0  # for pickling the reply after the parse itself


@dataclass(frozen=True, slots=True)
class ParseBudget:
    """What one file may take: seconds (CPU and wall clock), memory in MB, file size in MB."""

    seconds: float = 60.0
    memory_mb: int = 1024
    file_mb: int = 200

    def describe(self) -> str:
        """Return "60 s / 1 GB" style text."""
        memory = f"{self.memory_mb / 1024:g} GB" if self.memory_mb >= 1024 else f"{self.memory_mb} MB"
        return f"{self.seconds:g} s / {memory}"


DEFAULT_BUDGET = ParseBudget()


def _refusal(label: str, budget: ParseBudget, what: str) -> ParseBudgetError:
    return ParseBudgetError(
        f"{label}: refused: parsing exceeded the {budget.describe()} parse budget ({what}); "
        "split the file or remove what it does not need"
    )


# ---------------------------------------------------------------- framing


def _send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(_HEADER.pack(len(payload)) + payload)


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _recv(sock: socket.socket) -> bytes | None:
    head = _recv_exact(sock, _HEADER.size)
    return None if head is None else _recv_exact(sock, _HEADER.unpack(head)[0])


# ---------------------------------------------------------------- the child


def _address_space() -> int:
    """Return this process's virtual memory size in bytes (0 when unknown)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _one_malloc_arena() -> None:
    """Make glibc serve every thread from one arena: each new one reserves 64 MB of address space.

    Libraries start thread pools in the child (pyarrow's CPU and I/O pools), and an address-space
    limit would otherwise count those reservations, not what parsing uses.
    """
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None).mallopt(-8, 1)  # M_ARENA_MAX = 1


def _on_cpu_limit(signum: int, frame: Any) -> None:
    raise TimeoutError("CPU time")


def _limit_child(budget: ParseBudget) -> None:
    """Cap this (child) process's address space, CPU time, written files and core dumps."""
    if resource is None:  # pragma: no cover
        return
    cpu = max(1, int(budget.seconds + 0.999))
    signal.signal(signal.SIGXCPU, _on_cpu_limit)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if "pyarrow" in sys.modules:  # its allocator (mimalloc) reserves address space by the gigabyte
        pyarrow = sys.modules["pyarrow"]
        pyarrow.set_memory_pool(pyarrow.system_memory_pool())
        with contextlib.suppress(AttributeError, NotImplementedError, pyarrow.ArrowException):
            pyarrow.allocate_buffer(64, memory_pool=pyarrow.mimalloc_memory_pool())  # its reserve, before the limit
    _one_malloc_arena()
    memory = budget.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_FSIZE, (memory, memory))
    base = _address_space()
    if base:
        resource.setrlimit(resource.RLIMIT_AS, (base + memory, base + memory))


def _pack_error(err: BaseException) -> tuple[str, str, tuple, dict]:
    cls = type(err)
    return (cls.__module__, cls.__qualname__, tuple(str(a) for a in err.args), dict(getattr(err, "__dict__", {})))


def _unpack_error(module: str, name: str, args: tuple, state: dict) -> IncidentMapError:
    """Rebuild a project error raised in the child (its own classes only)."""
    cls: Any = sys.modules.get(module)
    for part in name.split("."):
        cls = getattr(cls, part, None)
    if not (isinstance(cls, type) and issubclass(cls, IncidentMapError) and module.startswith(("geo.", "layers."))):
        return InputFileError(args[0] if args else "the file could not be read")
    err = cls.__new__(cls, *args)
    err.args = args
    err.__dict__.update(state)
    return err


def _child_reply(job: dict, gazetteer: Any) -> bytes:
    """Run the import described by *job*; return the pickled reply (never raises)."""
    from layers.importers import import_file

    label = job["label"]
    try:
        result = import_file(
            job["path"], format=job["format"], gazetteer=gazetteer, columns=job["columns"], dayfirst=job["dayfirst"]
        )
        return pickle.dumps(("ok", result), protocol=pickle.HIGHEST_PROTOCOL)
    except IncidentMapError as err:
        try:
            return pickle.dumps(("error", _pack_error(err)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            return pickle.dumps(("error", ("geo.errors", "InputFileError", (str(err),), {})))
    except MemoryError:
        reason = "memory"
    except TimeoutError:
        reason = "CPU time"
    except RecursionError:
        return pickle.dumps(("error", ("geo.errors", "InputFileError", (f"{label}: refused: nested too deeply",), {})))
    except Exception as err:  # a bug, but the person still gets a message
        text = f"{label}: could not be read ({type(err).__name__}: {err}); please report this file"
        return pickle.dumps(("error", ("geo.errors", "InputFileError", (text[:2000],), {})))
    return pickle.dumps(("budget", reason))


def _child_main(sock: socket.socket, job: dict, gazetteer: Any) -> None:
    """Body of the forked child: limit, say who it is, import, reply, exit without cleanup."""
    code = 0
    try:
        gc.freeze()  # the inherited objects are never collected here: no copy-on-write for GC
        os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"  # this process's environment only
        import layers.importers  # noqa: F401  (libraries mapped before the limit, not counted in it)

        _limit_child(job["budget"])
        _send(sock, str(os.getpid()).encode())
        _send(sock, _child_reply(job, gazetteer))
    except BaseException:
        code = 1
    finally:
        with contextlib.suppress(OSError):
            sock.close()
        os._exit(code)


# ---------------------------------------------------------------- the zygote


def _zygote_serve(control: socket.socket) -> None:
    """Fork a child per request received on *control* until it closes (runs in the zygote)."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    loaded: tuple[str, Any] = ("", None)
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1 << 20, 1)
        except OSError:
            return
        if not message or not fds:
            return
        job = pickle.loads(message)  # from the server that started this zygote, never from a file
        result_sock = socket.socket(fileno=fds[0])
        gaz_path = job.pop("gazetteer_pickle", "")
        if gaz_path and gaz_path != loaded[0]:
            try:
                loaded = (gaz_path, pickle.loads(Path(gaz_path).read_bytes()))
                gc.collect()
                gc.freeze()
            except (OSError, pickle.UnpicklingError, EOFError):
                loaded = ("", None)
        gazetteer = loaded[1] if gaz_path else None
        if os.fork() == 0:
            control.close()
            _child_main(result_sock, job, gazetteer)
        result_sock.close()


class _Zygote:
    """The server side of one zygote process, started on first use."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.folder = Path(tempfile.mkdtemp(prefix="syria-map-sandbox-"))
        self.gazetteers: dict[int, tuple[Any, str]] = {}

    def _start(self) -> socket.socket:
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        env["ARROW_DEFAULT_MEMORY_POOL"] = "system"
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH", "")])])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "layers.importers.sandbox", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=root,
        )
        theirs.close()
        self.control = mine
        return mine

    def _gazetteer_file(self, gazetteer: Any) -> str:
        if gazetteer is None:
            return ""
        entry = self.gazetteers.get(id(gazetteer))
        if entry is None or entry[0] is not gazetteer:
            path = self.folder / f"gazetteer-{len(self.gazetteers)}.pickle"
            path.write_bytes(pickle.dumps(gazetteer, protocol=pickle.HIGHEST_PROTOCOL))
            self.gazetteers = {id(gazetteer): (gazetteer, str(path))}  # keep the latest only
            entry = self.gazetteers[id(gazetteer)]
        return entry[1]

    def submit(self, job: dict, gazetteer: Any) -> socket.socket:
        """Hand *job* to the zygote; return the socket the child will answer on."""
        with self.lock:
            job = {**job, "gazetteer_pickle": self._gazetteer_file(gazetteer)}
            mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
            for attempt in (1, 2):
                control = self.control if self.process and self.process.poll() is None else None
                control = control or self._start()
                try:
                    socket.send_fds(control, [payload], [theirs.fileno()])
                    break
                except OSError:
                    self.stop_locked()
                    if attempt == 2:
                        raise
            theirs.close()
            return mine

    def stop_locked(self) -> None:
        if self.control is not None:
            self.control.close()
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
            if self.process.poll() is None:
                self.process.kill()
        self.control = self.process = None


_ZYGOTE: _Zygote | None = None
_ZYGOTE_LOCK = threading.Lock()


def _zygote() -> _Zygote:
    global _ZYGOTE
    with _ZYGOTE_LOCK:
        if _ZYGOTE is None:
            _ZYGOTE = _Zygote()
        return _ZYGOTE


def stop_zygote() -> None:
    """Stop the zygote process if one was started (tests; it also ends with its server)."""
    if _ZYGOTE is not None:
        with _ZYGOTE.lock:
            _ZYGOTE.stop_locked()


# ---------------------------------------------------------------- the caller


_UNREAPED: list[int] = []


def _reap(child: int = 0) -> None:
    """Collect finished children without waiting for one that is still freeing its memory."""
    if child:
        _UNREAPED.append(child)
    for pid in list(_UNREAPED):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _UNREAPED.remove(pid)


def _fork_here(job: dict, gazetteer: Any) -> tuple[socket.socket, int]:
    _reap()
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    pid = os.fork()
    if pid == 0:
        mine.close()
        _child_main(theirs, job, gazetteer)
    theirs.close()
    return mine, pid


def _await_reply(sock: socket.socket, deadline: float) -> tuple[int, bytes | None, bool]:
    """Return (child pid, reply or None, timed out) read from *sock* before *deadline*."""
    pid, reply = 0, None
    try:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        first = _recv(sock)
        pid = int(first) if first else 0
        if first:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            reply = _recv(sock)
    except TimeoutError:
        return pid, None, True
    except (OSError, ValueError):
        return pid, None, False
    return pid, reply, False


def import_file_budgeted(
    path: str | Path,
    format: str = "auto",
    gazetteer: Any = None,
    *,
    columns: str | dict[str, str] | None = None,
    dayfirst: bool | None = None,
    budget: ParseBudget = DEFAULT_BUDGET,
    label: str | None = None,
) -> Any:
    r"""Return :func:`layers.importers.import_file`'s result, computed in a child under *budget*.

    Parameters are those of ``import_file``, plus *budget* and *label* (the file's name as
    the person knows it, used in messages; default: the file's name without its folder).

    Raises
    ------
    ParseBudgetError
        The file is larger than ``budget.file_mb``, or parsing it took more time or memory
        than the budget (the child is stopped).
    IncidentMapError
        Whatever ``import_file`` raises for the file (re-raised from the child).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "few.csv")
    >>> _ = open(p, "w").write("date,place,lat,lon,title\n2024-01-02,Idlib,35.93,36.63,Shelling\n")
    >>> import_file_budgeted(p).imported
    1
    """
    path = Path(path)
    label = label or path.name
    if not path.is_file():
        raise InputFileError(f"{label}: no such file")
    size = path.stat().st_size
    if size > budget.file_mb * 2**20:
        raise ParseBudgetError(
            f"{label}: refused: {size / 2**20:,.0f} MB, more than the {budget.file_mb} MB parse budget for one file"
        )
    job = {
        "path": str(path),
        "format": format,
        "columns": columns,
        "dayfirst": dayfirst,
        "budget": budget,
        "label": label,
    }
    deadline = time.monotonic() + budget.seconds + _GRACE_S
    own_child = threading.active_count() == 1 and hasattr(os, "fork")
    if own_child:
        sock, child = _fork_here(job, gazetteer)
    else:
        sock, child = _zygote().submit(job, gazetteer), 0
    try:
        pid, reply, timed_out = _await_reply(sock, deadline)
        if timed_out and pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    finally:
        sock.close()
        if own_child:
            _reap(child)
    return _result(reply, timed_out, label, budget)


def _result(reply: bytes | None, timed_out: bool, label: str, budget: ParseBudget) -> Any:
    if timed_out:
        raise _refusal(label, budget, "time")
    if reply is None:  # the child died without a word: killed at the hard CPU limit or out of memory in C code
        raise _refusal(label, budget, "the parser was stopped")
    kind, value = pickle.loads(reply)  # written by our own child, from our own classes
    if kind == "ok":
        return value
    if kind == "budget":
        raise _refusal(label, budget, value)
    raise _unpack_error(*value)


if __name__ == "__main__":  # the zygote: python -m layers.importers.sandbox FD
    import layers.importers  # noqa: F401  (imported once, before any fork)

    _zygote_serve(socket.socket(fileno=int(sys.argv[1])))
