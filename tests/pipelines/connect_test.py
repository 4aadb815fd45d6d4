"""Kafka Connect and MirrorMaker 2 on Cairn, through the examples a user runs
(examples/pipelines/connect): a file's lines through Cairn into another file with the FileStream
connectors, exactly, across a worker restart; and MirrorMaker 2 copying a topic from Cairn into
a real Apache Kafka 4.4 broker (KRaft, one node) with its consumer group's offsets translated,
after which the group continues on Kafka without losing a record.

Usage: connect_test.py CAIRND CAIRN   (exit 77, skipped, without java, mvn or confluent_kafka)
Environment: CONNECT_LIB and KAFKA_LIB, folders the jars are copied into (from ~/.m2, which
tools/install-deps.sh fills).
"""
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from cairnd import Cairnd  # noqa: E402
from jvm import Process, copy_jars, wait_for  # noqa: E402
from kafka_broker import POM as KAFKA_POM, KafkaBroker  # noqa: E402

try:
    from confluent_kafka import Consumer, ConsumerGroupTopicPartitions, Producer, TopicPartition
    from confluent_kafka.admin import AdminClient, NewTopic
except ImportError:
    print("confluent_kafka is not installed (tools/install-deps.sh installs it)")
    sys.exit(77)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CONNECT = os.path.join(ROOT, "examples", "pipelines", "connect")
CAIRND, CAIRN = sys.argv[1], sys.argv[2]
SCRATCH = tempfile.mkdtemp(prefix="cairn-connect-")
CONNECT_LIB = os.environ.get("CONNECT_LIB", os.path.join(SCRATCH, "connect-lib"))
KAFKA_LIB = os.environ.get("KAFKA_LIB", os.path.join(SCRATCH, "kafka-lib"))


def produce(bootstrap, topic, count):
    p = Producer({"bootstrap.servers": bootstrap})
    for i in range(count):
        p.produce(topic, key=f"customer-{i % 97}", value=f"order-{i}", headers={"n": str(i)})
    p.flush(60)


def consume(bootstrap, group, topic, stop):
    """Records of `topic` for `group` until stop(records) or 15 s without one; commits."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c.subscribe([topic])
    got, idle_since = [], time.time()
    while not stop(got) and time.time() - idle_since < 15:
        m = c.poll(1)
        if m is None or m.error():
            continue
        idle_since = time.time()
        got.append((m.key().decode(), m.value().decode(), dict(m.headers() or [])))
    c.commit(asynchronous=False)
    c.close()
    return got


class Connect(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cairnd = Cairnd(CAIRND, CAIRN)

    @classmethod
    def tearDownClass(cls):
        cls.cairnd.stop()

    def test_file_lines_cross_cairn_into_another_file_exactly_across_a_restart(self):
        src, dst = os.path.join(SCRATCH, "in.txt"), os.path.join(SCRATCH, "out.txt")
        with open(src, "w") as f:
            f.writelines(f"line {i} of the input\n" for i in range(20000))
        self.cairnd.cairn("topics", "create", "lines", "--partitions", "1")
        state = os.path.join(SCRATCH, "file-pipeline")
        script = [os.path.join(CONNECT, "file-pipeline.sh"), self.cairnd.kafka, src, dst,
                  "lines", state]

        def copied(n):
            def done():
                if not os.path.exists(dst):
                    return False
                with open(dst) as f:
                    return sum(1 for _ in f) >= n
            return done
        worker = Process(SCRATCH, "connect", script, {"CONNECT_LIB": CONNECT_LIB})
        try:
            wait_for("20,000 lines copied", copied(20000), 120)
        except AssertionError:
            worker.stop()
            raise AssertionError(worker.tail())
        worker.stop()  # a clean stop flushes the source offsets and commits the sink's
        with open(src, "a") as f:
            f.writelines(f"line {i} of the input\n" for i in range(20000, 25000))
        worker = Process(SCRATCH, "connect", script, {"CONNECT_LIB": CONNECT_LIB})
        try:
            wait_for("25,000 lines copied", copied(25000), 120)
            time.sleep(2)  # anything more would be a duplicate
        finally:
            worker.stop()
        with open(src) as a, open(dst) as b:
            self.assertEqual(a.read(), b.read())

    def test_mirrormaker2_moves_a_topic_and_its_group_to_kafka_without_loss(self):
        total, on_cairn = 10000, 6000
        cairn_admin = AdminClient({"bootstrap.servers": self.cairnd.kafka})
        cairn_admin.create_topics([NewTopic("orders", 2, 1)])["orders"].result(30)
        produce(self.cairnd.kafka, "orders", total)
        first = consume(self.cairnd.kafka, "billing", "orders", lambda got: len(got) >= on_cairn)
        self.assertEqual(len(first), on_cairn)
        kafka = KafkaBroker(SCRATCH, KAFKA_LIB)
        mm2 = Process(SCRATCH, "mm2", [os.path.join(CONNECT, "mirror-to-kafka.sh"),
                                       self.cairnd.kafka, kafka.bootstrap, "orders", "billing"],
                      {"CONNECT_LIB": CONNECT_LIB, "MM2_STATE_DIR": os.path.join(SCRATCH, "mm2")})
        try:
            admin = AdminClient({"bootstrap.servers": kafka.bootstrap})

            def mirrored():
                c = Consumer({"bootstrap.servers": kafka.bootstrap, "group.id": "probe"})
                try:
                    marks = [c.get_watermark_offsets(TopicPartition("orders", p), timeout=2)
                             for p in (0, 1)]
                    return sum(high for _, high in marks) >= total
                except Exception:
                    return False
                finally:
                    c.close()

            def translated():
                try:
                    f = admin.list_consumer_group_offsets(
                        [ConsumerGroupTopicPartitions("billing")])
                    parts = f["billing"].result(5).topic_partitions
                    return len([tp for tp in parts if tp.offset >= 0]) == 2
                except Exception:
                    return False
            wait_for("the topic mirrored into Kafka", mirrored, 180)
            wait_for("the group's offsets translated", translated, 120)
        except AssertionError:
            mm2.stop()
            kafka.stop()
            raise AssertionError(mm2.tail())
        mm2.stop()
        try:
            second = consume(kafka.bootstrap, "billing", "orders", lambda got: False)
        finally:
            kafka.stop()
        seen = {v for _, v, _ in first} | {v for _, v, _ in second}
        lost = total - len(seen)
        duplicated = len(first) + len(second) - len(seen)
        print(f"mirror: {len(first)} read on Cairn, {len(second)} on Kafka after the move; "
              f"lost {lost}, read twice {duplicated}")
        self.assertEqual(lost, 0)
        for key, value, headers in second:  # keys and headers crossed unchanged
            i = int(value.split("-")[1])
            self.assertEqual(key, f"customer-{i % 97}")
            self.assertEqual(headers.get("n"), str(i).encode())


if __name__ == "__main__":
    for tool in ("java", "mvn"):
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            print(f"{tool} is not installed")
            sys.exit(77)
    if not (copy_jars(os.path.join(CONNECT, "pom.xml"), CONNECT_LIB) and
            copy_jars(KAFKA_POM, KAFKA_LIB)):
        print("the Connect or Kafka jars are not in ~/.m2 (tools/install-deps.sh fetches them)")
        sys.exit(1)
    unittest.main(argv=[sys.argv[0], "-v"])
