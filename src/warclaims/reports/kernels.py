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
and a worker that is stopped leaves nothing behind (`processes.exit_now` ends the kernel, then
removes the folder). A report's folder and the zygote's address reach the kernel manager as its
traitlets configuration (`config`), passed by papermill to nbclient: no module holds them.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import sys
import uuid
from typing import Any

from jupyter_client import protocol_version_info
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import DottedObjectName, Type, Unicode, default
from traitlets.config import Config

from warclaims.reports import processes
from warclaims.reports.processes import read_line
from warclaims.reports.zygote import SOCKET_PATH_MAX

REQUEST_TIMEOUT = 60.0  # seconds a worker waits for its kernel (the zygote may still be importing)
KILL_WAIT = 1.0  # seconds to wait for a killed kernel to be gone
LOG_NAME = "kernel-stderr.log"
COLD_NAME = "started-cold.txt"  # why the kernel was started cold, when it was (read by the worker after the run)


def config(folder: str, zygote: str | None) -> Config:
    """The traitlets configuration that gives a report's kernel manager its folder and the zygote's
    address: papermill passes it to nbclient, which creates the manager with it."""
    return Config({"ForkedKernelManager": {"folder": folder, "zygote": zygote or ""}})


def socket_prefix(folder: str) -> str | None:
    """The path prefix of the report's kernel sockets (jupyter_client adds "-1" ... "-5"), or None
    where there is no private folder or its path is too long for a Unix socket (TCP then)."""
    if not folder or os.name != "posix":
        return None
    prefix = os.path.join(folder, "kernel")
    return prefix if len(os.fsencode(prefix)) + 3 <= SOCKET_PATH_MAX else None


def started_cold(folder: str) -> str:
    """Why the report's kernel was started cold ("" when the zygote forked it)."""
    try:
        with open(os.path.join(folder, COLD_NAME), encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""


def why_it_died(folder: str) -> str:
    """The error a kernel wrote to its stderr before it died (the last line of its last traceback),
    or "" when it wrote none (killed by a signal, say)."""
    try:
        with open(os.path.join(folder, LOG_NAME), encoding="utf-8", errors="replace") as log:
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

    def end(self) -> None:
        """Kill the process and its process group, if it still runs, and wait (briefly) for it to go."""
        if self.poll() is not None:
            return
        try:
            os.killpg(self.pid, signal.SIGKILL)  # alive, so its pid and process group are still its own
        except OSError:
            return
        self.wait(KILL_WAIT)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def _exited(self) -> None:
        self.returncode = -1
        os.close(self._fd)
        self._fd = None


class ForkedProvisioner(LocalProvisioner):
    """LocalProvisioner, except that the kernel process comes from the zygote when the manager
    (`parent`) names one. Its folder and the zygote's address are the manager's traits."""

    # The forked kernel, kept apart from `process`: LocalProvisioner.wait sets `process` to None
    # before `cleanup` runs, and `cleanup` must still unregister this kernel's `end`.
    _forked: ForkedProcess | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        folder, zygote = self.parent.folder, self.parent.zygote
        pid, why = _spawn(cmd, kwargs, zygote, folder) if zygote else (None, "")
        if pid is None:
            if why and folder:
                with open(os.path.join(folder, COLD_NAME), "w", encoding="utf-8") as f:
                    f.write(why)
            with processes.starting():  # a worker stopped meanwhile kills it (its child) before exiting
                if not folder or kwargs.get("stderr") is not None:
                    return await super().launch_kernel(cmd, **kwargs)
                with open(os.path.join(folder, LOG_NAME), "ab") as stderr:  # the kernel has its own copy once started
                    return await super().launch_kernel(cmd, **{**kwargs, "stderr": stderr})
        self.process = self._forked = ForkedProcess(pid)
        # A worker stopped now (SIGTERM, the build's death) ends this kernel too: it is not the
        # worker's child, so `processes.exit_now` would not find it among the worker's children.
        # (One stopped before this line leaves it to the zygote, which kills a dead worker's kernels.)
        with processes.starting():
            processes.register(self._forked.end)
        self.pid = self.pgid = pid
        self.cwd = kwargs.get("cwd") or os.getcwd()
        return self.connection_info

    async def kill(self, restart: bool = False) -> None:
        """Kill the kernel's process group and wait (briefly) for it to go: jupyter_client would
        otherwise find it still alive and sleep 0.1 s before looking again."""
        await super().kill(restart)
        if isinstance(self.process, ForkedProcess):
            self.process.wait(KILL_WAIT)

    async def cleanup(self, restart: bool = False) -> None:
        if self._forked is not None:
            processes.unregister(self._forked.end)
            self._forked = None
        await super().cleanup(restart)


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
                        # What jupyter_client's own wait does with the reply: speak the kernel's protocol.
                        adapt = int(msg["content"]["protocol_version"].split(".")[0])
                        if adapt != protocol_version_info[0]:
                            self.session.adapt_version = adapt
                        break
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while await self.iopub_channel.msg_ready():
            await self.iopub_channel.get_msg(timeout=0)


class ForkedKernelManager(AsyncKernelManager):
    """The kernel manager papermill (nbclient) uses in build workers, configured per report
    (`config`): the report's private folder, and the zygote's address when there is one."""

    folder = Unicode("", help="the report's private folder: its kernel's connection file, sockets and log").tag(
        config=True
    )
    zygote = Unicode("", help="the build's zygote socket; empty: every kernel is started cold").tag(config=True)
    client_class = DottedObjectName("warclaims.reports.kernels.ForkedKernelClient")
    client_factory = Type(klass="warclaims.reports.kernels.ForkedKernelClient")

    @default("connection_file")
    def _connection_file_default(self) -> str:
        # In the report's folder, so a killed worker's folder takes its kernel's key file with it
        # (jupyter_client would make one with mkstemp in the temporary folder).
        return os.path.join(self.folder, "kernel.json") if self.folder else ""

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc" if socket_prefix(self.folder) else "tcp"

    @default("ip")
    def _ip_default(self) -> str:
        prefix = socket_prefix(self.folder)
        return prefix if self.transport == "ipc" and prefix else super()._ip_default()

    async def start_kernel(self, **kw: Any) -> None:
        # The provisioner is set through the manager's `provisioner` attribute, which jupyter_client
        # fills from its provisioner factory only when it is still None. The factory's own hook (the
        # `jupyter_client.kernel_provisioners` entry point) is chosen by a kernelspec's metadata, and
        # the build runs the user's `python3` kernelspec, not one of its own.
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            self.provisioner = ForkedProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        await super().start_kernel(**kw)


def _spawn(cmd: list[str], kwargs: dict, zygote: str, folder: str) -> tuple[int | None, str]:
    """Ask the zygote at `zygote` for a kernel running `cmd`: (its pid, ""), or (None, why not)
    when it cannot give one (the kernel is started cold then)."""
    if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"] or not _same_python(cmd[0]):
        return None, f"the kernelspec runs {' '.join(cmd[:3])}, not this Python's ipykernel"
    request = {
        "argv": cmd[3:],
        "cwd": str(kwargs.get("cwd") or os.getcwd()),
        "env": dict(kwargs.get("env") or os.environ),
        "stderr": os.path.join(folder, LOG_NAME) if folder else None,
    }
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(REQUEST_TIMEOUT)
            conn.connect(zygote)
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
