"""Apache Flink on Cairn, through the example a user runs (examples/pipelines/flink): a Flink 2.2
job in a local mini-cluster reads clicks from Cairn with flink-connector-kafka, counts them per
user and 10-second event-time window (out of order by up to 3 s, within the job's 5 s bound),
and writes the counts back to Cairn; every window's count is exactly right.

Usage: flink_test.py CAIRND CAIRN   (exit 77, skipped, without java, mvn or confluent_kafka)
Environment: FLINK_OUT, the folder the example is built into.
"""
import os
import random
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from cairnd import Cairnd  # noqa: E402
from jvm import Process  # noqa: E402

try:
    from confluent_kafka import Consumer, Producer
except ImportError:
    print("confluent_kafka is not installed (tools/install-deps.sh installs it)")
    sys.exit(77)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RUN = os.path.join(ROOT, "examples", "pipelines", "flink", "run.sh")
CAIRND, CAIRN = sys.argv[1], sys.argv[2]
SCRATCH = tempfile.mkdtemp(prefix="cairn-flink-")


class Flink(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cairnd = Cairnd(CAIRND, CAIRN)

    @classmethod
    def tearDownClass(cls):
        cls.cairnd.stop()

    def test_event_time_window_counts_are_exact(self):
        self.cairnd.cairn("topics", "create", "clicks", "--partitions", "2")
        self.cairnd.cairn("topics", "create", "click-counts", "--partitions", "1")
        rng, base, expected = random.Random(7), 1_700_000_000_000, {}
        p = Producer({"bootstrap.servers": self.cairnd.kafka})
        for i in range(30000):
            user, t = f"user{i % 7}", base + i * 5 - rng.randint(0, 3000)
            window = (user, t // 10000 * 10000)
            expected[window] = expected.get(window, 0) + 1
            p.produce("clicks", key=user, value=f"{user},{t}")
        p.flush(60)

        job = Process(SCRATCH, "flink", [RUN, self.cairnd.kafka, "clicks", "click-counts"])
        try:
            code = job.proc.wait(300)
        finally:
            job.stop()
        self.assertEqual(code, 0, job.tail())

        c = Consumer({"bootstrap.servers": self.cairnd.kafka, "group.id": "check",
                      "auto.offset.reset": "earliest"})
        c.subscribe(["click-counts"])
        counts, deadline = {}, time.time() + 60
        while counts != expected and time.time() < deadline:
            m = c.poll(0.5)
            if m is not None and not m.error():
                user, start, n = m.value().decode().split(",")
                self.assertNotIn((user, int(start)), counts, "a window written twice")
                counts[(user, int(start))] = int(n)
        c.close()
        self.assertEqual(len(counts), len(expected))
        self.assertEqual(counts, expected)


if __name__ == "__main__":
    for tool in ("java", "mvn"):
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            print(f"{tool} is not installed")
            sys.exit(77)
    unittest.main(argv=[sys.argv[0], "-v"])
