"""Kafka Streams on Cairn, through the example a user runs (examples/pipelines/streams): the word
count creates its repartition and compacted changelog topics on Cairn, its group is one whose
leader assigns (the stream assignor), and its counts are exactly right; after a clean stop, with
its local state deleted, more input, and a restart, the state is restored from the changelog
and the counts are still exactly right.

Usage: streams_test.py CAIRND CAIRN   (exit 77, skipped, without java, mvn or confluent_kafka)
Environment: STREAMS_OUT, the folder the example is built into.
"""
import os
import shutil
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
RUN = os.path.join(ROOT, "examples", "pipelines", "streams", "run.sh")
CAIRND, CAIRN = sys.argv[1], sys.argv[2]
SCRATCH = tempfile.mkdtemp(prefix="cairn-streams-")
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"]


def lines(first, count):
    """Lines `first`.. of the input: line i holds i % 5 + 1 words."""
    return [" ".join(WORDS[(i + j) % len(WORDS)] for j in range(i % 5 + 1))
            for i in range(first, first + count)]


def expected_counts(all_lines):
    counts = {}
    for line in all_lines:
        for w in line.split():
            counts[w] = counts.get(w, 0) + 1
    return counts


class Streams(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cairnd = Cairnd(CAIRND, CAIRN)
        for topic in ("text-input", "word-counts"):
            cls.cairnd.cairn("topics", "create", topic, "--partitions", "2")

    @classmethod
    def tearDownClass(cls):
        cls.cairnd.stop()

    def produce(self, batch):
        p = Producer({"bootstrap.servers": self.cairnd.kafka})
        for i, line in enumerate(batch):
            p.produce("text-input", key=str(i), value=line)
        p.flush(60)

    def latest_counts(self, expected):
        """The last count of each word in word-counts, read until it matches or 60 s pass."""
        c = Consumer({"bootstrap.servers": self.cairnd.kafka, "group.id": f"check-{time.time()}",
                      "auto.offset.reset": "earliest"})
        c.subscribe(["word-counts"])
        latest, deadline = {}, time.time() + 60
        while latest != expected and time.time() < deadline:
            m = c.poll(0.5)
            if m is not None and not m.error():
                latest[m.key().decode()] = int(m.value().decode())
        c.close()
        return latest

    def app(self, state):
        return Process(SCRATCH, "streams",
                       [RUN, self.cairnd.kafka, "text-input", "word-counts", state])

    def test_word_counts_are_exact_and_survive_a_restart_from_the_changelog(self):
        state = os.path.join(SCRATCH, "state")
        first, second = lines(0, 5000), lines(5000, 3000)
        self.produce(first)
        app = self.app(state)
        try:
            counts = self.latest_counts(expected_counts(first))
        finally:
            app.stop()
        self.assertEqual(counts, expected_counts(first), app.tail())
        topics = self.cairnd.cairn("topics", "list").split()
        for internal in ("word-count-counts-changelog", "word-count-counts-repartition"):
            self.assertIn(internal, topics)
        self.assertIn("cleanup.policy=compact",
                      self.cairnd.cairn("topics", "describe", "word-count-counts-changelog"))

        shutil.rmtree(state)  # the store must come back from its changelog
        self.produce(second)
        app = self.app(state)
        try:
            counts = self.latest_counts(expected_counts(first + second))
        finally:
            app.stop()
        self.assertEqual(counts, expected_counts(first + second), app.tail())


if __name__ == "__main__":
    for tool in ("java", "mvn"):
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            print(f"{tool} is not installed")
            sys.exit(77)
    unittest.main(argv=[sys.argv[0], "-v"])
