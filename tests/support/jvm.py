"""What the pipeline tests share: jars copied from the local Maven repository, free loopback
ports, waiting for a condition, and JVMs started by the examples' scripts in their own process
groups, stopped by PID."""
import os
import signal
import socket
import subprocess
import time


def copy_jars(pom, lib):
    if os.path.exists(os.path.join(lib, ".complete")):
        return True
    r = subprocess.run(["mvn", "-B", "-q", "-o", "-f", pom, "dependency:copy-dependencies",
                        f"-DoutputDirectory={lib}"], capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout[-2000:], r.stderr[-2000:])
        return False
    open(os.path.join(lib, ".complete"), "w").close()
    return True


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, condition, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


class Process:
    """A JVM started by a script of the examples, in its own process group, stopped by PID;
    its output goes to DIR/NAME.log."""

    def __init__(self, directory, name, args, env=None):
        self.log_path = os.path.join(directory, name + ".log")
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log,
                                     env={**os.environ, **(env or {})}, start_new_session=True)

    def kill(self):
        """SIGKILL to the whole process group: no shutdown hook runs."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)
        self.log.close()

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log.close()

    def tail(self):
        with open(self.log_path) as f:
            return f.read()[-4000:]
