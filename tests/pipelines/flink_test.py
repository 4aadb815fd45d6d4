"""Apache Flink on Cairn, through the example a user runs (examples/pipelines/flink): a Flink 2.2
job in a local mini-cluster reads clicks from Cairn with flink-connector-kafka, counts them per
user and 10-second event-time window (out of order by up to 3 s, within the job's 5 s bound),
and writes the counts back to Cairn with the exactly-once Kafka sink (a transaction per sink
subtask and checkpoint). The JVM is SIGKILLed in the middle of its input, after some windows
were committed; the job resumes from its newest retained checkpoint (not from the start of the
input) and a read_committed reader sees every window's count once and exactly right. A resume
from an older checkpoint, or from the start of the input, writes committed windows again.

Usage: flink_test.py CAIRND CAIRN   (exit 77, skipped, without java, mvn or confluent_kafka)
Environment: FLINK_OUT, the folder the example is built into.
"""
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from cairnd import Cairnd  # noqa: E402
from jvm import Process, wait_for  # noqa: E402

try:
    from confluent_kafka import Consumer, Producer
except ImportError:
    print("confluent_kafka is not installed (tools/install-deps.sh installs it)")
    sys.exit(77)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RUN = os.path.join(ROOT, "examples", "pipelines", "flink", "run.sh")
CAIRND, CAIRN = sys.argv[1], sys.argv[2]
SCRATCH = tempfile.mkdtemp(prefix="cairn-flink-")
CLICKS, RATE = 30000, 4000  # seven and a half seconds of input at the throttled rate


class Flink(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cairnd = Cairnd(CAIRND, CAIRN, "--log-level", "debug")

    @classmethod
    def tearDownClass(cls):
        print("versions called: " + ", ".join(cls.cairnd.versions_called()))
        cls.cairnd.stop()

    def committed_windows(self, timeout, stop):
        """The windows a read_committed reader sees in click-counts, read until stop(windows) or
        the timeout passes; a window seen twice fails the test."""
        c = Consumer({"bootstrap.servers": self.cairnd.kafka, "group.id": f"check-{time.time()}",
                      "auto.offset.reset": "earliest", "isolation.level": "read_committed"})
        c.subscribe(["click-counts"])
        counts, deadline = {}, time.time() + timeout
        while not stop(counts) and time.time() < deadline:
            m = c.poll(0.5)
            if m is not None and not m.error():
                user, start, n = m.value().decode().split(",")
                if (user, int(start)) in counts:
                    self.fail(f"the window {user},{start} written twice")
                counts[(user, int(start))] = int(n)
        c.close()
        return counts

    def test_exactly_once_window_counts_after_a_kill_and_a_resume_from_a_checkpoint(self):
        self.cairnd.cairn("topics", "create", "clicks", "--partitions", "2")
        self.cairnd.cairn("topics", "create", "click-counts", "--partitions", "1")
        rng, base, expected = random.Random(7), 1_700_000_000_000, {}
        p = Producer({"bootstrap.servers": self.cairnd.kafka})
        for i in range(CLICKS):
            user, t = f"user{i % 7}", base + i * 5 - rng.randint(0, 3000)
            window = (user, t // 10000 * 10000)
            expected[window] = expected.get(window, 0) + 1
            p.produce("clicks", key=user, value=f"{user},{t}")
        p.flush(60)
        checkpoints = os.path.join(SCRATCH, "checkpoints")
        args = [RUN, self.cairnd.kafka, "clicks", "click-counts", "--checkpoints", checkpoints,
                "--rate", str(RATE)]

        job = Process(SCRATCH, "flink-1", args)
        try:
            # some windows committed, far from all: the kill lands in the middle of the input
            quarter = len(expected) // 4
            wait_for("a quarter of the windows committed",
                     lambda: len(self.committed_windows(2, lambda w: len(w) >= quarter)) >= quarter,
                     180)
        except AssertionError:
            job.stop()
            raise AssertionError(job.tail())
        self.assertIsNone(job.proc.poll(), "the job ended before the kill")
        job.kill()
        before = self.committed_windows(5, lambda w: False)
        print(f"killed with {len(before)} of {len(expected)} windows committed")
        self.assertLess(len(before), len(expected))

        job = Process(SCRATCH, "flink-2", args + ["--resume"])
        started = time.time()
        try:
            code = job.proc.wait(120)
        except subprocess.TimeoutExpired:
            code = "still running after 120 s"
        finally:
            job.stop()
        with open(job.log_path) as f:
            log = f.read()
        self.assertEqual(code, 0, log[-4000:])
        resumed = re.search(r"Starting job \w+ from savepoint (\S+)", log)
        self.assertIsNotNone(resumed, "the second run did not restore a checkpoint")
        self.assertTrue(resumed.group(1).startswith(f"file:{checkpoints}") or
                        resumed.group(1).startswith(checkpoints), resumed.group(1))
        print(f"resumed from {resumed.group(1)}; the rest took {time.time() - started:.1f} s")

        counts = self.committed_windows(60, lambda w: w == expected)
        self.assertEqual(len(counts), len(expected))
        self.assertEqual(counts, expected)


if __name__ == "__main__":
    for tool in ("java", "mvn"):
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            print(f"{tool} is not installed")
            sys.exit(77)
    unittest.main(argv=[sys.argv[0], "-v"])
