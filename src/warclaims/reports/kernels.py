"""Warm kernels, the worker side: jupyter_client machinery that takes each report's kernel from
the build's zygote (`zygote`) instead of starting Python.

`ForkedKernelManager` is an `AsyncKernelManager` (papermill passes it to nbclient) whose
provisioner, `ForkedProvisioner`, is a `LocalProvisioner` that asks the zygote for the process
instead of running the kernelspec's command. The kernel is the zygote's child, not the worker's,
so `ForkedProcess` holds it by a pidfd: polling, waiting and signals cannot reach a reused pid.
When no zygote is set or it cannot be reached, or the kernelspec is not this Python's ipykernel,
the provisioner starts the kernel the usual way.

Either way the kernel talks to its worker over Unix sockets in the report's private folder
(ZeroMQ's `ipc` transport), not TCP: jupyter_client picks a TCP kernel's five ports by binding
and releasing them, and another process can take one before the kernel binds it ("Address
already in use", so "Kernel died before replying to kernel_info"), as 2 of 720 kernels did in
parallel builds. A socket file in a folder only this report uses cannot be taken.
The kernel's connection file and stderr go in the same folder, so a kernel that dies says why,
and a worker that is killed leaves nothing behind (`workers.exit_now` removes the folder).
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import sys
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import DottedObjectName, Type, default

from warclaims.reports.zygote import SOCKET_PATH_MAX, read_line

REQUEST_TIMEOUT = 60.0  # seconds a worker waits for its kernel (the zygote may still be importing)
KILL_WAIT = 1.0  # seconds to wait for a killed kernel to be gone
ADDRESS: str | None = None  # the zygote's socket, set in a build worker (render.run_report)
FOLDER: str | None = None  # the report's private folder: its kernel's connection file, sockets and log
STARTED_COLD = ""  # why the last kernel this worker asked for was started cold ("" when it was forked)
FORKED: ForkedProcess | None = None  # the last kernel the zygote gave this worker
LOG_NAME = "kernel-stderr.log"


def socket_prefix() -> str | None:
    """The path prefix of the report's kernel sockets (jupyter_client adds "-1" ... "-5"), or None
    where there is no private folder or its path is too long for a Unix socket (TCP then)."""
    if FOLDER is None or os.name != "posix":
        return None
    prefix = os.path.join(FOLDER, "kernel")
    return prefix if len(os.fsencode(prefix)) + 3 <= SOCKET_PATH_MAX else None


def end_forked_kernel() -> None:
    """Kill the kernel the zygote gave this worker, if it still runs, and wait (briefly) for it to go
    (a worker that is stopped: the zygote would kill it too, but only once the worker is gone)."""
    process = FORKED
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)  # alive, so its pid and process group are still its own
    except OSError:
        return
    process.wait(KILL_WAIT)


def kernel_log() -> str | None:
    return os.path.join(FOLDER, LOG_NAME) if FOLDER else None


def why_it_died() -> str:
    """The error a kernel wrote to its stderr before it died (the last line of its last traceback),
    or "" when it wrote none (killed by a signal, say)."""
    path = kernel_log()
    if path is None:
        return ""
    try:
        with open(path, encoding="utf-8", errors="replace") as log:
            lines = log.read().splitlines()
    except OSError:
        return ""
    if not any(line.startswith("Traceback") for line in lines):
        return ""
    last = next((line.strip() for line in reversed(lines) if line.strip() and not line.startswith(" ")), "")
    return last[:300]


class ForkedProcess:
    """The `subprocess.Popen` surface `LocalProvisioner` uses, for a process that is not our child.

    It is held by a pidfd, which becomes readable when the process exits. Its exit status belongs
    to its parent (the zygote), so `returncode` is -1 once it has exited.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self._fd: int | None = os.pidfd_open(pid)

    def poll(self) -> int | None:
        if self.returncode is None and self._fd is not None and select.select([self._fd], [], [], 0)[0]:
            self._exited()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        if self.returncode is None and self._fd is not None and select.select([self._fd], [], [], timeout)[0]:
            self._exited()
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is not None or self._fd is None:
            raise ProcessLookupError(3, "No such process")  # what LocalProvisioner tolerates
        signal.pidfd_send_signal(self._fd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def _exited(self) -> None:
        self.returncode = -1
        os.close(self._fd)
        self._fd = None


class ForkedProvisioner(LocalProvisioner):
    """LocalProvisioner, except that the kernel process comes from the zygote when one is running."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        global STARTED_COLD
        pid, STARTED_COLD = _spawn(cmd, kwargs) if ADDRESS else (None, "")
        if pid is None:
            log = kernel_log()
            if log is None or kwargs.get("stderr") is not None:
                return await super().launch_kernel(cmd, **kwargs)
            with open(log, "ab") as stderr:  # the kernel has its own copy once it has started
                return await super().launch_kernel(cmd, **{**kwargs, "stderr": stderr})
        global FORKED
        self.process = FORKED = ForkedProcess(pid)
        self.pid = self.pgid = pid
        self.cwd = kwargs.get("cwd") or os.getcwd()
        return self.connection_info

    async def kill(self, restart: bool = False) -> None:
        """Kill the kernel's process group and wait (briefly) for it to go: jupyter_client would
        otherwise find it still alive and sleep 0.1 s before looking again."""
        await super().kill(restart)
        if isinstance(self.process, ForkedProcess):
            self.process.wait(KILL_WAIT)


class ForkedKernelClient(AsyncKernelClient):
    """jupyter_client's AsyncKernelClient, waiting for a new kernel without its fixed pauses.

    Its `wait_for_ready` asks for kernel_info until the reply comes and an IOPub message shows the
    IOPub channel is connected, then drains IOPub until it has been quiet for 0.2 s: a pause that
    is most of a warm kernel's start. Here the drain takes what is already queued and stops; a
    late status message is harmless, because nbclient only reads the messages answering its own
    requests.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        import time
        from queue import Empty

        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply":
                    try:
                        await self.iopub_channel.get_msg(timeout=0.2)  # IOPub is connected once this arrives
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while await self.iopub_channel.msg_ready():
            await self.iopub_channel.get_msg(timeout=0)


class ForkedKernelManager(AsyncKernelManager):
    """The kernel manager papermill (nbclient) uses in build workers."""

    client_class = DottedObjectName("warclaims.reports.kernels.ForkedKernelClient")
    client_factory = Type(klass="warclaims.reports.kernels.ForkedKernelClient")

    @default("connection_file")
    def _connection_file_default(self) -> str:
        # In the report's folder, so a killed worker's folder takes its kernel's key file with it
        # (jupyter_client would make one with mkstemp in the temporary folder).
        return os.path.join(FOLDER, "kernel.json") if FOLDER else ""

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc" if socket_prefix() else "tcp"

    @default("ip")
    def _ip_default(self) -> str:
        prefix = socket_prefix()
        return prefix if self.transport == "ipc" and prefix else super()._ip_default()

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            import uuid

            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ForkedProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


def _spawn(cmd: list[str], kwargs: dict) -> tuple[int | None, str]:
    """Ask the zygote for a kernel running `cmd`: (its pid, ""), or (None, why not) when it cannot
    give one (the kernel is started cold then)."""
    if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"] or not _same_python(cmd[0]):
        return None, f"the kernelspec runs {' '.join(cmd[:3])}, not this Python's ipykernel"
    request = {
        "argv": cmd[3:],
        "cwd": str(kwargs.get("cwd") or os.getcwd()),
        "env": dict(kwargs.get("env") or os.environ),
        "stderr": kernel_log(),
    }
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(REQUEST_TIMEOUT)
            conn.connect(ADDRESS)
            conn.sendall(json.dumps(request).encode() + b"\n")
            reply = json.loads(read_line(conn))
    except (OSError, ValueError) as exc:
        return None, f"the zygote did not answer ({type(exc).__name__}: {exc})"
    if not isinstance(reply.get("pid"), int):
        return None, str(reply.get("error") or "the zygote gave no kernel")
    return reply["pid"], ""


def _same_python(executable: str) -> bool:
    try:
        return os.path.samefile(executable, sys.executable)
    except OSError:
        return False
