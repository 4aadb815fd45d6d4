"""A cairnd of the test's own on ephemeral loopback ports (Cairn and Kafka listeners), for the
Python tests: started in a temporary directory, stopped by its PID, its directory removed."""
import os
import re
import shutil
import subprocess
import tempfile
import time


class Cairnd:
    def __init__(self, cairnd, cairn, *flags):
        self.cairn_path = cairn
        self.dir = tempfile.mkdtemp(prefix="cairn-test-")
        self.log_path = os.path.join(self.dir, "cairnd.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [cairnd, "--listen", "127.0.0.1:0", "--kafka-listen", "127.0.0.1:0",
             "--http-listen", "127.0.0.1:0", "--data-dir", os.path.join(self.dir, "data"),
             "--group-rebalance-delay-ms", "100", *flags],
            stdout=self.log, stderr=self.log)
        deadline = time.time() + 60
        while time.time() < deadline:
            with open(self.log_path) as f:
                text = f.read()
            cairn_port = re.search(r"serving on (127\.0\.0\.1:\d+)", text)
            kafka_port = re.search(r"kafka listener on (127\.0\.0\.1:\d+)", text)
            if cairn_port and kafka_port:
                self.address, self.kafka = cairn_port.group(1), kafka_port.group(1)
                return
            if self.proc.poll() is not None:
                raise RuntimeError("cairnd exited:\n" + text)
            time.sleep(0.05)
        raise RuntimeError("cairnd did not start")

    def cairn(self, *args):
        r = subprocess.run([self.cairn_path, "--broker", self.address, *args],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise AssertionError(f"cairn {args} failed: {r.stderr}")
        return r.stdout

    def stop(self):
        self.proc.terminate()
        self.proc.wait(60)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
