"""Parse a user file in a child process under a memory, CPU and wall-clock budget.

:func:`import_file_budgeted` returns what :func:`layers.importers.import_file` returns for the
same arguments, but the parsing happens in a child process whose address space
(``RLIMIT_AS``, above what the libraries already take) and CPU time (``RLIMIT_CPU``) are
capped, and which the caller kills (``SIGKILL``) when the wall-clock limit passes. A file that
would take the server's memory or CPU, or a parser that hangs, ends with::

    upload.csv: refused: parsing exceeded the 60 s / 1 GB parse budget (time); ...

and the caller holds only the parsed result. Only the *parsing of a user file* goes through
here (:func:`call_budgeted` runs any module-level reader this way: the app also reads a table's
headers and its mapping preview so); writers (exports) stay in the caller's process. At most
:data:`MAX_PARALLEL` children run at once, so uploads from many sessions together hold at most
that many memory budgets.

The child computes with exactly what the caller passed: the gazetteer object, format, column
mapping and day/month order.

* In a single-threaded caller (the command line), the child is an ``os.fork()`` of the
  caller: it inherits the caller's gazetteer object as is (copy-on-write) at no start-up cost.
* In a threaded caller (the Streamlit server: forking a process with live threads is unsafe),
  the child is a worker forked by a single-threaded helper process (``python -m
  layers.importers.sandbox --helper``, started on first use, importers imported once); it
  receives the job and the caller's gazetteer pickled (once per gazetteer object, then reused).
* ``mode="spawn"`` starts a fresh interpreter per call instead (the job on its standard input).

Every child also stops itself at the wall-clock limit (``SIGALRM``, default action) besides
being killed by the caller.

The reply is the pickled :class:`~layers.importers.records.ImportResult` (frames, rejects,
flags), or the project error the importer raised, rebuilt with its class and attributes.
The child is a *budget* boundary, not a privilege boundary: it runs as the same user.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.errors import IncidentMapError, InputFileError, ParseBudgetError

try:  # not on Windows: there the budget is the wall clock only
    import resource
except ImportError:  # pragma: no cover
    resource = None  # type: ignore[assignment]

__all__ = ["DEFAULT_BUDGET", "MAX_PARALLEL", "ParseBudget", "call_budgeted", "import_file_budgeted", "stop_helper"]

_GRACE_S = 3.0  # on top of the budget, for the child to pickle and send its reply
_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class ParseBudget:
    """What parsing one file may take: seconds (CPU and wall clock), memory in MB, file size in MB."""

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


# ---------------------------------------------------------------- the child


def _address_space() -> int:
    """Return this process's virtual memory size in bytes (0 when unknown)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_child(budget: ParseBudget) -> None:
    """Cap this (child) process's CPU time, address space growth and core dumps."""
    if resource is None:  # pragma: no cover
        return
    cpu = max(1, int(budget.seconds + 0.999))
    # The default actions end the process, even inside C code: SIGXCPU at the CPU limit, SIGALRM at
    # the wall-clock limit (the caller kills the child too; this also holds if the caller cannot).
    signal.signal(signal.SIGXCPU, signal.SIG_DFL)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(int(budget.seconds + _GRACE_S + 1.999))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is not None:  # its default allocator reserves address space by the gigabyte
        with contextlib.suppress(Exception):
            pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    with contextlib.suppress(OSError, AttributeError):  # one malloc arena: each thread's would reserve 64 MB
        import ctypes

        ctypes.CDLL(None).mallopt(-8, 1)  # M_ARENA_MAX
    base = _address_space()
    if base:
        limit = base + budget.memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _pack_error(err: BaseException) -> tuple[str, str, tuple, dict]:
    cls = type(err)
    state = {}
    for key, value in getattr(err, "__dict__", {}).items():
        with contextlib.suppress(Exception):
            pickle.dumps(value)
            state[key] = value
    return (cls.__module__, cls.__qualname__, tuple(err.args), state)


def _unpack_error(module: str, name: str, args: tuple, state: dict) -> IncidentMapError:
    """Rebuild a project error raised in the child (the project's own classes only)."""
    cls: Any = sys.modules.get(module) if module.split(".")[0] in ("geo", "layers") else None
    for part in name.split("."):
        cls = getattr(cls, part, None)
    if not (isinstance(cls, type) and issubclass(cls, IncidentMapError)):
        return InputFileError(str(args[0]) if args else "the file could not be read")
    err = cls.__new__(cls, *args)
    err.args = args
    err.__dict__.update(state)
    return err


def _reply(job: dict, gazetteer: Any) -> bytes:
    """Run the call described by *job* under its budget; return the pickled reply (never raises)."""
    label = job["label"]
    try:
        _limit_child(job["budget"])
        kwargs = dict(job["kwargs"])
        if job["pass_gazetteer"]:
            kwargs["gazetteer"] = gazetteer
        result = job["func"](*job["args"], **kwargs)
        return pickle.dumps(("ok", result), protocol=pickle.HIGHEST_PROTOCOL)
    except IncidentMapError as err:
        return pickle.dumps(("error", _pack_error(err)), protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        return pickle.dumps(("budget", "memory"))
    except RecursionError:
        return pickle.dumps(("error", ("geo.errors", "InputFileError", (f"{label}: refused: nested too deeply",), {})))
    except Exception as err:  # a bug, but the person still gets a message naming the file
        text = f"{label}: could not be read ({type(err).__name__}: {err}); please report this file"
        return pickle.dumps(("error", ("geo.errors", "InputFileError", (text[:2000],), {})))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _child_after_fork(write_fd: int, job: dict, gazetteer: Any) -> None:
    """Body of a forked child: reply on *write_fd*, exit without running the caller's clean-up."""
    code = 0
    try:
        _write_all(write_fd, _reply(job, gazetteer))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _serve_stdin() -> None:
    """Body of ``python -m layers.importers.sandbox``: job on stdin, reply on the inherited fd."""
    reply_fd = os.dup(1)
    os.dup2(2, 1)  # anything a library prints goes to stderr, not into the reply
    data = sys.stdin.buffer.read()
    job, gazetteer = pickle.loads(data)  # from the server process that started this child, not from a file
    del data
    import layers.importers  # noqa: F401  (mapped before the memory limit, not counted in it)

    _write_all(reply_fd, _reply(job, gazetteer))
    os.close(reply_fd)


# ---------------------------------------------------------------- the helper process (zygote)
#
# A threaded caller cannot fork itself safely, and a fresh interpreter per upload pays the imports
# each time. The helper is a single-threaded ``python -m layers.importers.sandbox --helper FD``
# that has imported the importers once and forks one worker per job: the caller sends it one end
# of a new socket pair; on that socket the worker sends its pid, receives the job and the
# caller's gazetteer (pickled), and sends the reply.

_FRAME = struct.Struct("!Q")
_HELPER_START_S = 120.0  # at most, for the helper's imports on a loaded machine


def _send_frame(sock: socket.socket, data: bytes) -> None:
    sock.sendall(_FRAME.pack(len(data)) + data)


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _recv_frame(sock: socket.socket) -> bytes | None:
    head = _recv_exact(sock, _FRAME.size)
    return None if head is None else _recv_exact(sock, _FRAME.unpack(head)[0])


def _helper_worker(sock: socket.socket) -> None:
    """Body of a worker forked by the helper: pid out, job in, reply out, exit."""
    code = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        _send_frame(sock, str(os.getpid()).encode())
        payload = _recv_frame(sock)
        if payload is not None:
            job, gazetteer = pickle.loads(payload)  # from the server that started the helper
            del payload
            _send_frame(sock, _reply(job, gazetteer))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _serve_helper(control: socket.socket) -> None:
    """Body of the helper: fork a worker per socket received on *control*, until it closes."""
    import layers.importers  # noqa: F401  (once, before any fork)

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 16, 1)
        except OSError:
            return
        if not message or not fds:
            return
        if os.fork() == 0:
            control.close()
            _helper_worker(socket.socket(fileno=fds[0]))
        os.close(fds[0])


class _Helper:
    """The caller's side of the helper process, started on first use and restarted if it died."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: subprocess.Popen | None = None
        self.control: socket.socket | None = None

    def _start(self) -> socket.socket:
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "layers.importers.sandbox", "--helper", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            cwd=str(_ROOT),
            env=_child_env(),
        )
        theirs.close()
        self.control = mine
        return mine

    def connect(self) -> socket.socket:
        """Return a socket to a new worker."""
        with self.lock:
            mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                for attempt in (1, 2):
                    alive = self.process is not None and self.process.poll() is None
                    control = self.control if alive and self.control is not None else self._start()
                    try:
                        socket.send_fds(control, [b"j"], [theirs.fileno()])
                        return mine
                    except OSError:
                        self.stop_locked()
                        if attempt == 2:
                            raise
            finally:
                theirs.close()
        raise AssertionError("unreachable")

    def stop_locked(self) -> None:
        if self.control is not None:
            self.control.close()
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        self.control = self.process = None


_HELPER = _Helper()


def stop_helper() -> None:
    """Stop the helper process if it was started (it also ends when its server ends)."""
    with _HELPER.lock:
        _HELPER.stop_locked()


def _run_helper(job: dict, gazetteer: Any, deadline: float) -> tuple[bytes, bool, int]:
    payload = pickle.dumps((job, _Pickled(_pickled_gazetteer(gazetteer))), protocol=pickle.HIGHEST_PROTOCOL)
    span = deadline - time.monotonic()
    try:
        sock = _HELPER.connect()
    except OSError:  # the helper cannot be started: a fresh interpreter instead
        return _run_spawned(job, gazetteer, deadline)
    pid = 0
    try:
        sock.settimeout(max(span, _HELPER_START_S))  # the first upload waits for the helper's imports
        first = _recv_frame(sock)
        pid = int(first) if first else 0
        if not pid:
            return b"", False, 0
        deadline = time.monotonic() + span  # the file's time starts with its worker
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        _send_frame(sock, payload)
        del payload
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        reply = _recv_frame(sock)
        return reply or b"", False, 0
    except TimeoutError:
        if pid:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        return b"", True, 0
    except (OSError, ValueError):
        return b"", False, 0
    finally:
        sock.close()


def _child_env() -> dict[str, str]:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "ARROW_DEFAULT_MEMORY_POOL": "system"}
    env["PYTHONPATH"] = os.pathsep.join([str(_ROOT), *filter(None, [os.environ.get("PYTHONPATH", "")])])
    return env


# ---------------------------------------------------------------- the caller


_PICKLED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_PICKLED_LOCK = threading.Lock()


def _pickled_gazetteer(gazetteer: Any) -> bytes:
    """Return *gazetteer* pickled, computed once per gazetteer object."""
    if gazetteer is None:
        return pickle.dumps(None)
    with _PICKLED_LOCK:
        try:
            cached = _PICKLED.get(gazetteer)
        except TypeError:  # not weak-referenceable
            return pickle.dumps(gazetteer, protocol=pickle.HIGHEST_PROTOCOL)
        if cached is None:
            cached = pickle.dumps(gazetteer, protocol=pickle.HIGHEST_PROTOCOL)
            _PICKLED[gazetteer] = cached
        return cached


def _read_until(fd: int, deadline: float) -> tuple[bytes, bool]:
    """Read *fd* to its end; return (data, timed out)."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return b"".join(chunks), True
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)


def _run_forked(job: dict, gazetteer: Any, deadline: float) -> tuple[bytes, bool, int]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_fd)
        _child_after_fork(write_fd, job, gazetteer)
    os.close(write_fd)
    try:
        data, timed_out = _read_until(read_fd, deadline)
    finally:
        os.close(read_fd)
        if timed_out:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    signum = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
    return data, timed_out, signum


def _run_spawned(job: dict, gazetteer: Any, deadline: float) -> tuple[bytes, bool, int]:
    # The gazetteer goes as its cached pickle, unpickled in the child as the object it was.
    payload = pickle.dumps((job, _Pickled(_pickled_gazetteer(gazetteer))), protocol=pickle.HIGHEST_PROTOCOL)
    env = _child_env()
    proc = subprocess.Popen(
        [sys.executable, "-m", "layers.importers.sandbox"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=str(_ROOT),
        env=env,
    )
    try:
        data, _ = proc.communicate(payload, timeout=max(0.1, deadline - time.monotonic()))
        timed_out = False
    except subprocess.TimeoutExpired:
        proc.kill()
        data, _ = proc.communicate()
        timed_out = True
    code = proc.returncode or 0
    return data, timed_out, -code if code < 0 else 0


class _Pickled:
    """Bytes that unpickle as the object they were pickled from (the gazetteer, pickled once)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __reduce__(self) -> tuple:
        return (pickle.loads, (self.data,))


#: Parses running at once in this process (each may take its whole memory budget).
MAX_PARALLEL = max(1, min(4, os.cpu_count() or 1))
_SLOTS = threading.BoundedSemaphore(MAX_PARALLEL)


def _check_file(path: Path, label: str, budget: ParseBudget) -> None:
    if not path.is_file():
        raise InputFileError(f"{label}: no such file")
    size = path.stat().st_size
    if size > budget.file_mb * 2**20:
        raise ParseBudgetError(
            f"{label}: refused: {size / 2**20:,.0f} MB, more than the {budget.file_mb} MB parse budget for one file"
        )


def call_budgeted(
    func: Callable[..., Any],
    args: tuple = (),
    kwargs: dict[str, Any] | None = None,
    *,
    label: str,
    path: str | Path | None = None,
    gazetteer: Any = None,
    pass_gazetteer: bool = False,
    budget: ParseBudget = DEFAULT_BUDGET,
    mode: str | None = None,
) -> Any:
    """Return ``func(*args, **kwargs)`` computed in a child process under *budget*.

    *func* must be a module-level function (a helper's worker imports it by name) and its
    result picklable. *mode*: ``"fork"`` (fork the caller), ``"helper"`` (a worker forked by the
    helper process), ``"spawn"`` (a fresh interpreter); default: fork when the caller runs no
    other thread, else the helper. *path*, when given, is checked first (exists, within ``budget.file_mb``);
    with *pass_gazetteer* the child calls *func* with ``gazetteer=`` the caller's *gazetteer*
    object (forked: the object itself; otherwise its pickle, made once per object). At most
    :data:`MAX_PARALLEL` children run at once; a call that waits longer than the budget for a
    slot is refused ("the server is busy").

    Raises
    ------
    ParseBudgetError
        The file is too large, the child exceeded the time or memory budget (it is stopped),
        or no slot freed in time.
    IncidentMapError
        Whatever *func* raised (a project error, rebuilt with its class and attributes).
    """
    if path is not None:
        _check_file(Path(path), label, budget)
    job = {
        "func": func,
        "args": tuple(args),
        "kwargs": dict(kwargs or {}),
        "pass_gazetteer": pass_gazetteer,
        "budget": budget,
        "label": label,
    }
    if mode is None:
        mode = "fork" if threading.active_count() == 1 else "helper"
    if not hasattr(os, "fork"):  # pragma: no cover  (Windows)
        mode = "spawn"
    run = {"fork": _run_forked, "helper": _run_helper, "spawn": _run_spawned}[mode]
    if not _SLOTS.acquire(timeout=budget.seconds):
        raise ParseBudgetError(
            f"{label}: refused: the server is busy parsing {MAX_PARALLEL} other file(s); try again in a minute"
        )
    try:
        deadline = time.monotonic() + budget.seconds + _GRACE_S
        data, timed_out, signum = run(job, gazetteer if pass_gazetteer else None, deadline)
    finally:
        _SLOTS.release()
    if timed_out:
        raise _refusal(label, budget, "time")
    if not data:
        if signum == getattr(signal, "SIGXCPU", -1):
            raise _refusal(label, budget, "CPU time")
        if signum == getattr(signal, "SIGALRM", -1):
            raise _refusal(label, budget, "time")
        raise _refusal(label, budget, "memory or CPU time: the parser was stopped")
    kind, value = pickle.loads(data)  # written by our own child from our own classes
    if kind == "ok":
        return value
    if kind == "budget":
        raise _refusal(label, budget, value)
    raise _unpack_error(*value)


def import_file_budgeted(
    path: str | Path,
    format: str = "auto",
    gazetteer: Any = None,
    *,
    columns: str | dict[str, str] | None = None,
    dayfirst: bool | None = None,
    budget: ParseBudget = DEFAULT_BUDGET,
    label: str | None = None,
    mode: str | None = None,
) -> Any:
    r"""Return :func:`layers.importers.import_file`'s result, computed in a child under *budget*.

    Parameters are those of ``import_file``, plus:

    budget : ParseBudget
        Seconds (CPU and wall clock), memory above the libraries' and file size.
    label : str, optional
        The file's name as the person knows it, used in messages (default: its name).
    mode : str, optional
        "fork", "helper" or "spawn" (see :func:`call_budgeted`).

    Raises
    ------
    ParseBudgetError
        The file is larger than ``budget.file_mb``, or parsing it took more time or memory
        than the budget (the child is stopped).
    IncidentMapError
        Whatever ``import_file`` raises for the file (rebuilt from the child's).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "few.csv")
    >>> _ = open(p, "w").write("date,place,lat,lon,title\n2024-01-02,Idlib,35.93,36.63,Shelling\n")
    >>> import_file_budgeted(p).imported
    1
    """
    from layers.importers import import_file

    path = Path(path)
    return call_budgeted(
        import_file,
        (str(path),),
        {"format": format, "columns": columns, "dayfirst": dayfirst},
        label=label or path.name,
        path=path,
        gazetteer=gazetteer,
        pass_gazetteer=True,
        budget=budget,
        mode=mode,
    )


if __name__ == "__main__":  # python -m layers.importers.sandbox [--helper FD] (< job)
    if sys.argv[1:2] == ["--helper"]:
        _serve_helper(socket.socket(fileno=int(sys.argv[2])))
    else:
        _serve_stdin()
